using HPyShim.Abi;
using HPyShim.CPython;
using HPyShim.Types;

namespace HPyShim.Context;

// Types: creation from specs (allocation, shapes and HPy_AsStruct are on the native fast path).
internal static unsafe partial class UniversalContext
{
    [ContextMember]
    internal static HPy Type_FromSpec(HPyContext* ctx, HPyType_Spec* spec, HPyType_SpecParam* @params) =>
        TypeBuilder.FromSpec(spec, @params);
}
