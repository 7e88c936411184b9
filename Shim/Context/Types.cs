using HPyShim.Abi;
using HPyShim.CPython;
using HPyShim.Types;

namespace HPyShim.Context;

// Types: creation from specs and builtin shapes (allocation and HPy_AsStruct are on the native fast path).
internal static unsafe partial class UniversalContext
{
    internal static HPy Type_FromSpec(HPyContext* ctx, HPyType_Spec* spec, HPyType_SpecParam* @params) =>
        TypeBuilder.FromSpec(spec, @params);

    internal static int Type_GetBuiltinShape(HPyContext* ctx, HPy h_type)
    {
        if (!TypeRegistry.IsType(h_type._i))
        {
            Failure.Raise(Py.PyExc_TypeError, "arg must be a type");
            return -2;
        }
        return TypeRegistry.ShapeOf(h_type._i);
    }
}
