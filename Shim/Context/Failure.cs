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

    /// <summary>Sets a Python exception of the given type with a UTF-8 copy of the message.</summary>
    public static void Raise(nint type, string message)
    {
        int length = Encoding.UTF8.GetByteCount(message);
        byte[] buffer = new byte[length + 1];
        Encoding.UTF8.GetBytes(message, buffer);
        fixed (byte* text = buffer) PythonApi.PyErr_SetString(type, text);
    }

    /// <summary>Raises and returns the NULL handle, for one-line error returns.</summary>
    public static HPy RaiseNull(nint type, string message)
    {
        Raise(type, message);
        return HPy.Null;
    }
}
