using HPyShim.CPython;

namespace HPyShim.Types;

/// <summary>HPyType_BuiltinShape values (HPy 0.9).</summary>
internal static class Shape
{
    public const int Legacy = -1, Object = 0, Type = 1, Long = 2, Float = 3, Unicode = 4, Tuple = 5,
        List = 6, Dict = 7;

    public static string Name(int shape) => shape switch
    {
        Legacy => "Legacy", Object => "Object", Type => "Type", Long => "Long", Float => "Float",
        Unicode => "Unicode", Tuple => "Tuple", List => "List", Dict => "Dict", _ => shape.ToString(),
    };
}

/// <summary>
/// Where a pure HPy type's data starts in its objects: after the built-in base's struct, rounded
/// up to the strictest C alignment (16 bytes on the supported targets), like HPy's own runtime.
/// The built-in structs change between CPython versions, so the offsets come from the running
/// CPython's tp_basicsize values, read once when the host is bound.
/// </summary>
internal static class Shapes
{
    const int MaxAlign = 16;

    public static nint TypeHeader, LongHeader, FloatHeader, UnicodeHeader, TupleHeader, ListHeader, DictHeader;
    public const nint ObjectHeader = 16;      // PyObject_HEAD, already aligned

    static nint Align(nint size) => (size + MaxAlign - 1) & ~(nint)(MaxAlign - 1);

    public static void Init()
    {
        TypeHeader = HeaderOf(Py.PyType_Type);
        LongHeader = HeaderOf(Py.PyLong_Type);
        FloatHeader = HeaderOf(Py.PyFloat_Type);
        UnicodeHeader = HeaderOf(Py.PyUnicode_Type);
        TupleHeader = HeaderOf(Py.PyTuple_Type);
        ListHeader = HeaderOf(Py.PyList_Type);
        DictHeader = HeaderOf(Py.PyDict_Type);
    }

    static nint HeaderOf(nint builtin) => builtin == 0 ? -1 : Align(ObjectLayout.BasicSize(builtin));

    /// <summary>The data offset of a shape, or -1 if the shape is not one HPy defines.</summary>
    public static nint HeaderSize(int shape) => shape switch
    {
        Shape.Legacy => 0,
        Shape.Object => ObjectHeader,
        Shape.Type => TypeHeader,
        Shape.Long => LongHeader,
        Shape.Float => FloatHeader,
        Shape.Unicode => UnicodeHeader,
        Shape.Tuple => TupleHeader,
        Shape.List => ListHeader,
        Shape.Dict => DictHeader,
        _ => -1,
    };

    /// <summary>The built-in type a shape stands for (0 for Legacy and Object).</summary>
    public static nint BuiltinOf(int shape) => shape switch
    {
        Shape.Type => Py.PyType_Type,
        Shape.Long => Py.PyLong_Type,
        Shape.Float => Py.PyFloat_Type,
        Shape.Unicode => Py.PyUnicode_Type,
        Shape.Tuple => Py.PyTuple_Type,
        Shape.List => Py.PyList_Type,
        Shape.Dict => Py.PyDict_Type,
        _ => 0,
    };
}
