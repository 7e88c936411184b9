using System.Runtime.InteropServices;

namespace HPyShim.CPython;

// CPython functions used by the object-level context members (Context/*.cs).
internal static unsafe partial class Py
{
    // Integers. The 32-bit conversions go through C long, as HPy's own runtime does, so overflow
    // messages match it; CLong keeps that right where long is 32 bits.
    public static delegate* unmanaged<nint, CLong> PyLong_AsLong;
    public static delegate* unmanaged<nint, CULong> PyLong_AsUnsignedLong;
    public static delegate* unmanaged<nint, CULong> PyLong_AsUnsignedLongMask;

    // Calls. The vectorcall entry points are optional: PyObject_Vectorcall is exported from 3.11,
    // PyObject_VectorcallDict and PyObject_VectorcallMethod from 3.9; null means "not here".
    public static delegate* unmanaged<nint, nint, nint, nint> PyObject_Call;
    public static delegate* unmanaged<nint, nint*, nuint, nint, nint> PyObject_Vectorcall;
    public static delegate* unmanaged<nint, nint*, nuint, nint, nint> PyObject_VectorcallDict;
    public static delegate* unmanaged<nint, nint*, nuint, nint, nint> PyObject_VectorcallMethod;

    // Sequences, containers, bytes.
    public static delegate* unmanaged<nint, int> PySequence_Check;
    public static delegate* unmanaged<nint, nint, nint> PySequence_GetItem;
    public static delegate* unmanaged<nint, nint> PyTuple_New;
    public static delegate* unmanaged<nint, nint, nint, int> PyTuple_SetItem;
    public static delegate* unmanaged<nint, nint> PyTuple_Size;
    public static delegate* unmanaged<nint, nint, nint> PyTuple_GetItem;
    public static delegate* unmanaged<nint, nint, nint, int> PyDict_SetItem;
    public static delegate* unmanaged<byte*, nint, nint> PyBytes_FromStringAndSize;

    // Types.
    public static delegate* unmanaged<nint, nint, int> PyType_IsSubtype;
    public static delegate* unmanaged<nint, nint> PyType_GetName;   // 3.11+, optional

    // Capsules.
    public static delegate* unmanaged<void*, byte*, void*, nint> PyCapsule_New;
    public static delegate* unmanaged<nint, byte*, void*> PyCapsule_GetPointer;
    public static delegate* unmanaged<nint, byte*> PyCapsule_GetName;
    public static delegate* unmanaged<nint, void*> PyCapsule_GetContext;
    public static delegate* unmanaged<nint, void*, int> PyCapsule_SetPointer;
    public static delegate* unmanaged<nint, byte*, int> PyCapsule_SetName;
    public static delegate* unmanaged<nint, void*, int> PyCapsule_SetContext;
    public static delegate* unmanaged<nint, void*, int> PyCapsule_SetDestructor;

    // Interpreter services.
    public static delegate* unmanaged<byte*, void> Py_FatalError;
    public static delegate* unmanaged<nint> PyEval_SaveThread;
    public static delegate* unmanaged<nint, void> PyEval_RestoreThread;
    public static delegate* unmanaged<byte*, byte*, int, nint> Py_CompileString;
    public static delegate* unmanaged<nint, nint, nint*, int> PyContextVar_Get;
    public static delegate* unmanaged<nint, void> _PyObject_Dump;   // private API, optional

    static void* Optional(string name) => Symbols.IsAvailable(name) ? Symbols.Require(name) : null;

    static void ResolveObjects()
    {
        PyLong_AsLong = (delegate* unmanaged<nint, CLong>)Symbols.Require("PyLong_AsLong");
        PyLong_AsUnsignedLong = (delegate* unmanaged<nint, CULong>)Symbols.Require("PyLong_AsUnsignedLong");
        PyLong_AsUnsignedLongMask = (delegate* unmanaged<nint, CULong>)Symbols.Require("PyLong_AsUnsignedLongMask");

        PyObject_Call = (delegate* unmanaged<nint, nint, nint, nint>)Symbols.Require("PyObject_Call");
        PyObject_Vectorcall = (delegate* unmanaged<nint, nint*, nuint, nint, nint>)Optional("PyObject_Vectorcall");
        PyObject_VectorcallDict = (delegate* unmanaged<nint, nint*, nuint, nint, nint>)Optional("PyObject_VectorcallDict");
        PyObject_VectorcallMethod = (delegate* unmanaged<nint, nint*, nuint, nint, nint>)Optional("PyObject_VectorcallMethod");

        PySequence_Check = (delegate* unmanaged<nint, int>)Symbols.Require("PySequence_Check");
        PySequence_GetItem = (delegate* unmanaged<nint, nint, nint>)Symbols.Require("PySequence_GetItem");
        PyTuple_New = (delegate* unmanaged<nint, nint>)Symbols.Require("PyTuple_New");
        PyTuple_SetItem = (delegate* unmanaged<nint, nint, nint, int>)Symbols.Require("PyTuple_SetItem");
        PyTuple_Size = (delegate* unmanaged<nint, nint>)Symbols.Require("PyTuple_Size");
        PyTuple_GetItem = (delegate* unmanaged<nint, nint, nint>)Symbols.Require("PyTuple_GetItem");
        PyDict_SetItem = (delegate* unmanaged<nint, nint, nint, int>)Symbols.Require("PyDict_SetItem");
        PyBytes_FromStringAndSize = (delegate* unmanaged<byte*, nint, nint>)Symbols.Require("PyBytes_FromStringAndSize");

        PyType_IsSubtype = (delegate* unmanaged<nint, nint, int>)Symbols.Require("PyType_IsSubtype");
        PyType_GetName = (delegate* unmanaged<nint, nint>)Optional("PyType_GetName");

        PyCapsule_New = (delegate* unmanaged<void*, byte*, void*, nint>)Symbols.Require("PyCapsule_New");
        PyCapsule_GetPointer = (delegate* unmanaged<nint, byte*, void*>)Symbols.Require("PyCapsule_GetPointer");
        PyCapsule_GetName = (delegate* unmanaged<nint, byte*>)Symbols.Require("PyCapsule_GetName");
        PyCapsule_GetContext = (delegate* unmanaged<nint, void*>)Symbols.Require("PyCapsule_GetContext");
        PyCapsule_SetPointer = (delegate* unmanaged<nint, void*, int>)Symbols.Require("PyCapsule_SetPointer");
        PyCapsule_SetName = (delegate* unmanaged<nint, byte*, int>)Symbols.Require("PyCapsule_SetName");
        PyCapsule_SetContext = (delegate* unmanaged<nint, void*, int>)Symbols.Require("PyCapsule_SetContext");
        PyCapsule_SetDestructor = (delegate* unmanaged<nint, void*, int>)Symbols.Require("PyCapsule_SetDestructor");

        Py_FatalError = (delegate* unmanaged<byte*, void>)Symbols.Require("Py_FatalError");
        PyEval_SaveThread = (delegate* unmanaged<nint>)Symbols.Require("PyEval_SaveThread");
        PyEval_RestoreThread = (delegate* unmanaged<nint, void>)Symbols.Require("PyEval_RestoreThread");
        Py_CompileString = (delegate* unmanaged<byte*, byte*, int, nint>)Symbols.Require("Py_CompileString");
        PyContextVar_Get = (delegate* unmanaged<nint, nint, nint*, int>)Symbols.Require("PyContextVar_Get");
        _PyObject_Dump = (delegate* unmanaged<nint, void>)Optional("_PyObject_Dump");
    }
}
