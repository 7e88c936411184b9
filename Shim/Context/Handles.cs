using HPyShim.CPython;

namespace HPyShim.Context;

// The bridge to PyObject*, fields and globals. On CPython a handle is its PyObject*, so these are
// reference-count operations and nothing else (Dup, Close and Is are on the native fast path).
internal static unsafe partial class UniversalContext
{
    internal static HPy FromPyObject(HPyContext* ctx, nint obj)
    {
        Py.Py_IncRef(obj);
        return new HPy(obj);
    }

    internal static nint AsPyObject(HPyContext* ctx, HPy h)
    {
        Py.Py_IncRef(h._i);
        return h._i;
    }

    // Fields and globals own a strong reference on CPython. The new value is taken before the
    // old one is dropped so that storing the value already there cannot free it.
    internal static void Field_Store(HPyContext* ctx, HPy target_object, HPyField* target_field, HPy h)
    {
        nint old = target_field->_i;
        Py.Py_IncRef(h._i);
        target_field->_i = h._i;
        Py.Py_DecRef(old);
    }

    internal static HPy Field_Load(HPyContext* ctx, HPy source_object, HPyField source_field)
    {
        Py.Py_IncRef(source_field._i);
        return new HPy(source_field._i);
    }

    internal static void Global_Store(HPyContext* ctx, HPyGlobal* global, HPy h)
    {
        nint old = global->_i;
        Py.Py_IncRef(h._i);
        global->_i = h._i;
        Py.Py_DecRef(old);
    }

    internal static HPy Global_Load(HPyContext* ctx, HPyGlobal global)
    {
        Py.Py_IncRef(global._i);
        return new HPy(global._i);
    }
}
