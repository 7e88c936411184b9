using System.Runtime.InteropServices;

namespace HPyShim.Abi;

// CPython structs the runtime builds to create types and modules. Every layout here is the same
// in CPython 3.8 to 3.13, which is why one build of libhpy can hand them to any of them.

internal static class MethFlags
{
    public const int METH_VARARGS = 0x01, METH_KEYWORDS = 0x02, METH_NOARGS = 0x04, METH_O = 0x08,
        METH_FASTCALL = 0x80;
}

[CStruct("PyMethodDef", "python"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyMethodDef
{
    public byte* ml_name;
    public void* ml_meth;
    public int ml_flags;
    public byte* ml_doc;
}

[CStruct("PyMemberDef", "python"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyMemberDef
{
    public const int READONLY = 1;

    public byte* name;
    public int type;
    public nint offset;
    public int flags;
    public byte* doc;
}

[CStruct("PyGetSetDef", "python"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyGetSetDef
{
    public byte* name;
    public void* get;
    public void* set;
    public byte* doc;
    public void* closure;
}

[CStruct("PyType_Slot", "python"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyType_Slot
{
    public int slot;
    public void* pfunc;
}

[CStruct("PyType_Spec", "python"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyType_Spec
{
    public byte* name;
    public int basicsize;
    public int itemsize;
    public uint flags;
    public PyType_Slot* slots;
}

/// <summary>PyObject (non-debug, non-free-threaded builds).</summary>
[CStruct("PyObject", "python"), StructLayout(LayoutKind.Sequential)]
internal struct PyObject
{
    public nint ob_refcnt;
    public nint ob_type;
}

[CStruct("PyModuleDef_Base", "python"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyModuleDef_Base
{
    public PyObject ob_base;         // PyModuleDef_Init fills it in
    public void* m_init;
    public nint m_index;
    public nint m_copy;
}

[CStruct("PyModuleDef", "python"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyModuleDef
{
    public PyModuleDef_Base m_base;
    public byte* m_name;
    public byte* m_doc;
    public nint m_size;
    public PyMethodDef* m_methods;
    public void* m_slots;
    public void* m_traverse;
    public void* m_clear;
    public void* m_free;
}

/// <summary>Py_buffer; HPy_buffer has the same layout because a handle is the PyObject*.</summary>
[CStruct("Py_buffer", "python"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct Py_buffer
{
    public void* buf;
    public nint obj;
    public nint len;
    public nint itemsize;
    public int @readonly;
    public int ndim;
    public byte* format;
    public nint* shape;
    public nint* strides;
    public nint* suboffsets;
    public void* @internal;
}
