using HPyShim.Abi;
using HPyShim.CPython;
using HPyShim.Types;

namespace HPyShim.Context;

// Types: creation from specs, allocation, and the data pointer of objects (HPy_AsStruct).
internal static unsafe partial class UniversalContext
{
    internal static HPy Type_FromSpec(HPyContext* ctx, HPyType_Spec* spec, HPyType_SpecParam* @params) =>
        TypeBuilder.FromSpec(spec, @params);

    internal static HPy Type_GenericNew(HPyContext* ctx, HPy type, HPy* args, nint nargs, HPy kw)
    {
        if (!TypeRegistry.IsType(type._i))
            return Failure.RaiseNull(Py.PyExc_TypeError, "HPy_Type_GenericNew arg 1 must be a type");
        return new HPy(TypeLayout.Alloc(type._i)(type._i, 0));
    }

    internal static int Type_GetBuiltinShape(HPyContext* ctx, HPy h_type)
    {
        if (!TypeRegistry.IsType(h_type._i))
        {
            Failure.Raise(Py.PyExc_TypeError, "arg must be a type");
            return -2;
        }
        return TypeRegistry.ShapeOf(h_type._i);
    }

    internal static void* AsStruct_Type(HPyContext* ctx, HPy h) => (void*)(h._i + Shapes.TypeHeader);
    internal static void* AsStruct_Long(HPyContext* ctx, HPy h) => (void*)(h._i + Shapes.LongHeader);
    internal static void* AsStruct_Float(HPyContext* ctx, HPy h) => (void*)(h._i + Shapes.FloatHeader);
    internal static void* AsStruct_Unicode(HPyContext* ctx, HPy h) => (void*)(h._i + Shapes.UnicodeHeader);
    internal static void* AsStruct_Tuple(HPyContext* ctx, HPy h) => (void*)(h._i + Shapes.TupleHeader);
    internal static void* AsStruct_List(HPyContext* ctx, HPy h) => (void*)(h._i + Shapes.ListHeader);
    internal static void* AsStruct_Dict(HPyContext* ctx, HPy h) => (void*)(h._i + Shapes.DictHeader);
}
