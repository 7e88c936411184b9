namespace HPyShim.Context;

/// <summary>
/// Marks the C# implementation of a context member: on UniversalContext.Foo, ctx_Foo of
/// api/hpy_context.api (which marks the member csharp). The generator finds these methods by this
/// attribute and fails when the two lists disagree.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class ContextMemberAttribute : Attribute;
