namespace HPyShim.Abi;

/// <summary>
/// Marks a C# struct as the twin of a C struct. The layout test compiles a C program that prints
/// the C struct's size and field offsets and compares them with this struct's, field by field
/// (C# field names are the C names). Header "hpy" means include/hpy.h, "python" means Python.h.
/// </summary>
[AttributeUsage(AttributeTargets.Struct)]
internal sealed class CStructAttribute(string cName, string header = "hpy") : Attribute
{
    public string CName { get; } = cName;
    public string Header { get; } = header;
}
