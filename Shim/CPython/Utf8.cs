using System.Runtime.InteropServices;
using System.Text;

namespace HPyShim.CPython;

/// <summary>Conversions between C strings and managed strings, for cold paths (errors, loading).</summary>
internal static unsafe class Utf8
{
    public static string? Read(byte* text) => text == null ? null : Marshal.PtrToStringUTF8((nint)text);

    /// <summary>A NUL-terminated copy in native memory that is never freed: for names CPython keeps.</summary>
    public static byte* Persistent(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        byte* copy = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(copy, length));
        copy[length] = 0;
        return copy;
    }

    /// <summary>str(obj) as a managed string, or null if that fails (the error is cleared).</summary>
    public static string? StrOf(nint obj) => TextOf(Py.PyObject_Str(obj));

    /// <summary>repr(obj) as a managed string, or null if that fails (the error is cleared).</summary>
    public static string? ReprOf(nint obj) => TextOf(Py.PyObject_Repr(obj));

    static string? TextOf(nint str)
    {
        if (str == 0)
        {
            Py.PyErr_Clear();
            return null;
        }
        nint size;
        byte* data = Py.PyUnicode_AsUTF8AndSize(str, &size);
        string? result = data == null ? null : Encoding.UTF8.GetString(data, (int)size);
        Py.Py_DecRef(str);
        return result;
    }
}
