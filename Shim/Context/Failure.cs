using System.Text;
using HPyShim.CPython;

namespace HPyShim.Context;

/// <summary>Turns failures inside the runtime into Python exceptions; nothing managed reaches C.</summary>
internal static unsafe class Failure
{
    public static void NotImplemented(string member) =>
        Raise(Py.PyExc_SystemError, $"HPy context function '{member}' is not implemented yet");

    public static void Managed(Exception e, string where)
    {
        try { Raise(Py.PyExc_SystemError, $"HPy Shim internal error in {where}: {e.GetType().Name}: {e.Message}"); }
        catch { /* nothing may escape to C; the caller still returns its error value */ }
    }

    /// <summary>An exception a C entry point's implementation did not handle: on stderr (a C host may
    /// have no Python to raise in), never thrown into C.</summary>
    public static void Unexpected(Exception e, string where)
    {
        try { Console.Error.WriteLine($"{where}: HPy Shim internal error: {e.GetType().Name}: {e.Message}"); }
        catch { /* stderr is gone: the caller still returns its error value */ }
    }

    /// <summary>Sets a Python exception of the given type with a UTF-8 copy of the message.</summary>
    public static void Raise(nint type, string message)
    {
        int length = Encoding.UTF8.GetByteCount(message);
        byte[] buffer = new byte[length + 1];
        Encoding.UTF8.GetBytes(message, buffer);
        fixed (byte* text = buffer) Py.PyErr_SetString(type, text);
    }

    /// <summary>
    /// Raises <paramref name="type"/> with HPy's exact <paramref name="message"/> (which tests
    /// compare) caused by a second exception of the same type that says which file and
    /// definition were at fault, so the traceback still names them.
    /// </summary>
    public static void RaiseWithDetail(nint type, string message, string detail)
    {
        Raise(type, detail);
        nint t1, v1, tb1;
        Py.PyErr_Fetch(&t1, &v1, &tb1);
        Py.PyErr_NormalizeException(&t1, &v1, &tb1);
        Raise(type, message);
        nint t2, v2, tb2;
        Py.PyErr_Fetch(&t2, &v2, &tb2);
        Py.PyErr_NormalizeException(&t2, &v2, &tb2);
        if (v2 != 0 && v1 != 0)
        {
            Py.PyException_SetCause(v2, v1);   // steals v1
            v1 = 0;
        }
        foreach (nint o in new[] { t1, v1, tb1 })
            if (o != 0) Py.Py_DecRef(o);
        Py.PyErr_Restore(t2, v2, tb2);
    }

    /// <summary>Raises and returns the NULL handle, for one-line error returns.</summary>
    public static HPy RaiseNull(nint type, string message)
    {
        Raise(type, message);
        return HPy.Null;
    }
}
