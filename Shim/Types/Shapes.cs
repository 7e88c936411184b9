using static HPyShim.Interop.NativeImports;

namespace HPyShim.Types;

/// <summary>HPyType_BuiltinShape values (HPy 0.9).</summary>
internal static class Shape
{
    public const int Legacy = -1, Object = 0, Type = 1, Long = 2, Float = 3, Unicode = 4, Tuple = 5,
        List = 6, Dict = 7;
}

/// <summary>
/// Where a pure HPy type's data starts in its objects: after the built-in base's struct, rounded
/// up to 16 bytes, like HPy's own runtime. The data plane computes the offsets once from this
/// CPython's tp_basicsize values (native/runtime/ctx_type.c), for HPy_AsStruct and for this.
/// </summary>
internal static class Shapes
{
    /// <summary>The data offset of a shape, or -1 if the shape is not one HPy defines.</summary>
    public static nint HeaderSize(int shape) => shim_shape_data_offset(shape);
}
