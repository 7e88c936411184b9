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
    public static delegate* unmanaged<nint> PyErr_Occurred;
    public static delegate* unmanaged<nint*, nint*, nint*, void> PyErr_Fetch;
    public static delegate* unmanaged<nint, nint, nint, nint, nint> PyErr_SetImportErrorSubclass;
    public static delegate* unmanaged<nint, nint, void> PyException_SetCause;
    public static delegate* unmanaged<nint*, nint*, nint*, void> PyErr_NormalizeException;
    public static delegate* unmanaged<nint, nint, nint, void> PyErr_Restore;
    public static delegate* unmanaged<nint, nint> PyModule_GetDict;
    public static delegate* unmanaged<int> PyGILState_Ensure;
    public static delegate* unmanaged<int, void> PyGILState_Release;

    public static nint PyExc_SystemError, PyExc_ImportError, PyExc_RuntimeError, PyExc_TypeError,
        PyExc_ValueError, PyExc_MemoryError, PyExc_IndexError, PyExc_OverflowError, PyExc_AttributeError;

    public static void Resolve()
    {
        ResolveApi();
        Py_IsInitialized = (delegate* unmanaged<int>)Symbols.Require("Py_IsInitialized");
        Py_InitializeEx = (delegate* unmanaged<int, void>)Symbols.Require("Py_InitializeEx");
        Py_FinalizeEx = (delegate* unmanaged<int>)Symbols.Require("Py_FinalizeEx");
        Py_IncRef = (delegate* unmanaged<nint, void>)Symbols.Require("Py_IncRef");
        Py_DecRef = (delegate* unmanaged<nint, void>)Symbols.Require("Py_DecRef");
        PyErr_Occurred = (delegate* unmanaged<nint>)Symbols.Require("PyErr_Occurred");
        PyErr_Fetch = (delegate* unmanaged<nint*, nint*, nint*, void>)Symbols.Require("PyErr_Fetch");
        PyErr_Restore = (delegate* unmanaged<nint, nint, nint, void>)Symbols.Require("PyErr_Restore");
        PyErr_SetImportErrorSubclass = (delegate* unmanaged<nint, nint, nint, nint, nint>)Symbols.Require("PyErr_SetImportErrorSubclass");
        PyException_SetCause = (delegate* unmanaged<nint, nint, void>)Symbols.Require("PyException_SetCause");
        PyErr_NormalizeException = (delegate* unmanaged<nint*, nint*, nint*, void>)Symbols.Require("PyErr_NormalizeException");
        PyModule_GetDict = (delegate* unmanaged<nint, nint>)Symbols.Require("PyModule_GetDict");
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
