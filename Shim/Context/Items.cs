using HPyShim.CPython;

namespace HPyShim.Context;

// Item access by C index or C string key: the key object is made here and dropped after the call.
internal static unsafe partial class UniversalContext
{
    internal static HPy GetItem_i(HPyContext* ctx, HPy obj, nint idx)
    {
        // Sequences take the index directly (negative indices count from the end, as in HPy);
        // mappings get an int key.
        if (Py.PySequence_Check(obj._i) != 0) return new HPy(Py.PySequence_GetItem(obj._i, idx));
        nint key = Py.PyLong_FromSsize_t(idx);
        if (key == 0) return HPy.Null;
        nint result = Py.PyObject_GetItem(obj._i, key);
        Py.Py_DecRef(key);
        return new HPy(result);
    }

    internal static HPy GetItem_s(HPyContext* ctx, HPy obj, byte* utf8_key)
    {
        nint key = Py.PyUnicode_FromString(utf8_key);
        if (key == 0) return HPy.Null;
        nint result = Py.PyObject_GetItem(obj._i, key);
        Py.Py_DecRef(key);
        return new HPy(result);
    }

    internal static int SetItem_i(HPyContext* ctx, HPy obj, nint idx, HPy value)
    {
        nint key = Py.PyLong_FromSsize_t(idx);
        if (key == 0) return -1;
        int result = Py.PyObject_SetItem(obj._i, key, value._i);
        Py.Py_DecRef(key);
        return result;
    }

    internal static int SetItem_s(HPyContext* ctx, HPy obj, byte* utf8_key, HPy value)
    {
        nint key = Py.PyUnicode_FromString(utf8_key);
        if (key == 0) return -1;
        int result = Py.PyObject_SetItem(obj._i, key, value._i);
        Py.Py_DecRef(key);
        return result;
    }

    internal static int DelItem_i(HPyContext* ctx, HPy obj, nint idx)
    {
        nint key = Py.PyLong_FromSsize_t(idx);
        if (key == 0) return -1;
        int result = Py.PyObject_DelItem(obj._i, key);
        Py.Py_DecRef(key);
        return result;
    }

    internal static int DelItem_s(HPyContext* ctx, HPy obj, byte* utf8_key)
    {
        nint key = Py.PyUnicode_FromString(utf8_key);
        if (key == 0) return -1;
        int result = Py.PyObject_DelItem(obj._i, key);
        Py.Py_DecRef(key);
        return result;
    }
}
