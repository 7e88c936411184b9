using HPyShim.Abi;
using HPyShim.Context;
using HPyShim.CPython;

namespace HPyShim.Interop;

/// <summary>What the generated methods of hpyshim._libhpy (Generated/PythonModule.g.cs) share:
/// the table entries, the argument count check and the conversion of results.</summary>
internal static unsafe partial class PythonModule
{
    const int MethFastcall = 0x80;

    static PyMethodDef Method(string name, delegate* unmanaged<nint, nint*, nint, nint> function, string doc) =>
        new() { ml_name = Utf8.Persistent(name), ml_meth = function, ml_flags = MethFastcall, ml_doc = Utf8.Persistent(doc) };

    static nint WrongArguments(string signature, int expected, nint given)
    {
        Failure.Raise(Py.PyExc_TypeError, $"{signature} takes {expected} argument{(expected == 1 ? "" : "s")} ({given} given)");
        return 0;
    }

    /// <summary>A new reference, or 0 with an exception set (SystemError if the implementation set none).</summary>
    static nint ObjectResult(nint result, string name)
    {
        if (result == 0 && Py.PyErr_Occurred() == 0)
            Failure.Raise(Py.PyExc_SystemError, $"hpyshim._libhpy.{name} failed without setting an exception (see stderr)");
        return result;
    }

    static nint IntResult(long result) => Py.PyErr_Occurred() != 0 ? 0 : Py.PyLong_FromLongLong(result);

    static nint StrResult(string? result)
    {
        if (Py.PyErr_Occurred() != 0) return 0;
        if (result == null) return NoneResult();
        byte[] text = new byte[System.Text.Encoding.UTF8.GetByteCount(result) + 1];
        System.Text.Encoding.UTF8.GetBytes(result, text);
        fixed (byte* p = text) return Py.PyUnicode_FromString(p);
    }

    static nint NoneResult() => Py.PyErr_Occurred() != 0 ? 0 : NewReference(Py._Py_NoneStruct);

    /// <summary>`obj` with a reference of the caller's own (for results and Tuple's items).</summary>
    public static nint NewReference(nint obj)
    {
        Py.Py_IncRef(obj);
        return obj;
    }

    /// <summary>A tuple of the items, new references it steals; 0 (the items released) if any is 0.</summary>
    public static nint Tuple(params nint[] items)
    {
        nint tuple = items.Contains(0) ? 0 : Py.PyTuple_New(items.Length);
        if (tuple == 0)
        {
            foreach (nint item in items)
                if (item != 0) Py.Py_DecRef(item);
            return 0;
        }
        for (int i = 0; i < items.Length; i++) Py.PyTuple_SetItem(tuple, i, items[i]);
        return tuple;
    }
}
