namespace HPyShim.CPython;

/// <summary>
/// CPython functions the runtime calls by hand, resolved once when the host is bound. Only
/// functions exported with the same signature by every CPython from 3.8 to 3.13 belong here.
/// Each area of the runtime declares its own in a partial file and resolves them in its
/// Resolve* method, called from <see cref="Resolve"/>.
/// </summary>
internal static unsafe partial class Py
{
    public static delegate* unmanaged<int> Py_IsInitialized;
    public static delegate* unmanaged<int, void> Py_InitializeEx;
    public static delegate* unmanaged<int> Py_FinalizeEx;
    public static delegate* unmanaged<nint, void> Py_IncRef;
    public static delegate* unmanaged<nint, void> Py_DecRef;
    public static delegate* unmanaged<nint, byte*, void> PyErr_SetString;
    public static delegate* unmanaged<nint, nint, void> PyErr_SetObject;
    public static delegate* unmanaged<nint> PyErr_Occurred;
    public static delegate* unmanaged<nint*, nint*, nint*, void> PyErr_Fetch;
    public static delegate* unmanaged<nint, nint, nint, void> PyErr_Restore;
    public static delegate* unmanaged<byte*, nint> PyImport_ImportModule;
    public static delegate* unmanaged<nint, nint> PyModule_GetDict;
    public static delegate* unmanaged<byte*, nint> PyUnicode_FromString;
    public static delegate* unmanaged<nint, nint*, byte*> PyUnicode_AsUTF8AndSize;
    public static delegate* unmanaged<nint, nint> PyObject_Str;
    public static delegate* unmanaged<int> PyGILState_Ensure;
    public static delegate* unmanaged<int, void> PyGILState_Release;

    public static nint PyExc_SystemError, PyExc_ImportError, PyExc_RuntimeError, PyExc_TypeError,
        PyExc_ValueError, PyExc_MemoryError, PyExc_IndexError, PyExc_OverflowError, PyExc_AttributeError;

    public static void Resolve()
    {
        PythonApi.Resolve();
        Py_IsInitialized = (delegate* unmanaged<int>)Symbols.Require("Py_IsInitialized");
        Py_InitializeEx = (delegate* unmanaged<int, void>)Symbols.Require("Py_InitializeEx");
        Py_FinalizeEx = (delegate* unmanaged<int>)Symbols.Require("Py_FinalizeEx");
        Py_IncRef = (delegate* unmanaged<nint, void>)Symbols.Require("Py_IncRef");
        Py_DecRef = (delegate* unmanaged<nint, void>)Symbols.Require("Py_DecRef");
        PyErr_SetString = (delegate* unmanaged<nint, byte*, void>)Symbols.Require("PyErr_SetString");
        PyErr_SetObject = (delegate* unmanaged<nint, nint, void>)Symbols.Require("PyErr_SetObject");
        PyErr_Occurred = (delegate* unmanaged<nint>)Symbols.Require("PyErr_Occurred");
        PyErr_Fetch = (delegate* unmanaged<nint*, nint*, nint*, void>)Symbols.Require("PyErr_Fetch");
        PyErr_Restore = (delegate* unmanaged<nint, nint, nint, void>)Symbols.Require("PyErr_Restore");
        PyImport_ImportModule = (delegate* unmanaged<byte*, nint>)Symbols.Require("PyImport_ImportModule");
        PyModule_GetDict = (delegate* unmanaged<nint, nint>)Symbols.Require("PyModule_GetDict");
        PyUnicode_FromString = (delegate* unmanaged<byte*, nint>)Symbols.Require("PyUnicode_FromString");
        PyUnicode_AsUTF8AndSize = (delegate* unmanaged<nint, nint*, byte*>)Symbols.Require("PyUnicode_AsUTF8AndSize");
        PyObject_Str = (delegate* unmanaged<nint, nint>)Symbols.Require("PyObject_Str");
        PyGILState_Ensure = (delegate* unmanaged<int>)Symbols.Require("PyGILState_Ensure");
        PyGILState_Release = (delegate* unmanaged<int, void>)Symbols.Require("PyGILState_Release");
        PyExc_SystemError = HostObjects.Pointer("PyExc_SystemError")._i;
        PyExc_ImportError = HostObjects.Pointer("PyExc_ImportError")._i;
        PyExc_RuntimeError = HostObjects.Pointer("PyExc_RuntimeError")._i;
        PyExc_TypeError = HostObjects.Pointer("PyExc_TypeError")._i;
        PyExc_ValueError = HostObjects.Pointer("PyExc_ValueError")._i;
        PyExc_MemoryError = HostObjects.Pointer("PyExc_MemoryError")._i;
        PyExc_IndexError = HostObjects.Pointer("PyExc_IndexError")._i;
        PyExc_OverflowError = HostObjects.Pointer("PyExc_OverflowError")._i;
        PyExc_AttributeError = HostObjects.Pointer("PyExc_AttributeError")._i;
        ResolveObjects();
        ResolveTypes();
    }
}
