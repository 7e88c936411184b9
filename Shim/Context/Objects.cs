using HPyShim.CPython;
using HPyShim.Types;

namespace HPyShim.Context;

// Type names and dumps (type checks and bytes access are on the native fast path).
internal static unsafe partial class UniversalContext
{

    [ContextMember]
    internal static byte* Type_GetName(HPyContext* ctx, HPy type)
    {
        if (!TypeRegistry.IsType(type._i))
        {
            Failure.Raise(Py.PyExc_TypeError, "HPyType_GetName: argument is not a type");
            return null;
        }
        if ((ObjectLayout.Flags(type._i) & ObjectLayout.HeapType) != 0)
        {
            // A heap type's __name__ is its ht_name, which the type keeps alive, so the UTF-8
            // buffer cached inside it outlives the reference dropped here.
            nint name;
            if (Py.PyType_GetName != null) name = Py.PyType_GetName(type._i);
            else fixed (byte* attr = "__name__"u8) name = Py.PyObject_GetAttrString(type._i, attr);
            if (name == 0) return null;
            if (!ObjectLayout.HasFlag(name, ObjectLayout.UnicodeSubclass))
            {
                Py.Py_DecRef(name);
                Failure.Raise(Py.PyExc_TypeError, "HPyType_GetName: __name__ is not a str");
                return null;
            }
            byte* utf8 = Py.PyUnicode_AsUTF8AndSize(name, null);
            Py.Py_DecRef(name);
            return utf8;
        }
        // A static type's name is tp_name after its last dot; the string is static too.
        byte* full = ObjectLayout.TypeName(type._i);
        byte* start = full;
        for (byte* p = full; *p != 0; p++)
            if (*p == (byte)'.') start = p + 1;
        return start;
    }

    [ContextMember]
    internal static void Dump(HPyContext* ctx, HPy h)
    {
        if (Py._PyObject_Dump != null)
        {
            Py._PyObject_Dump(h._i);
            return;
        }
        // Without CPython's dumper: address, type and str(), keeping any pending exception intact.
        nint type = 0, value = 0, traceback = 0;
        Py.PyErr_Fetch(&type, &value, &traceback);
        if (h._i == 0) Console.Error.WriteLine("<HPy_NULL>");
        else
        {
            string typeName = Utf8.Read(ObjectLayout.TypeName(ObjectLayout.TypeOf(h._i))) ?? "?";
            Console.Error.WriteLine($"object address  : 0x{h._i:x}");
            Console.Error.WriteLine($"object type name: {typeName}");
            Console.Error.WriteLine($"object str      : {Utf8.StrOf(h._i) ?? "<str() failed>"}");
            Py.PyErr_Clear();
        }
        Py.PyErr_Restore(type, value, traceback);
    }
}
