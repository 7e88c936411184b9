using HPyShim.Abi;

namespace HPyShim.CPython;

// CPython functions used to build types and modules (Types/, Loader/).
internal static unsafe partial class Py
{
    public static delegate* unmanaged<PyType_Spec*, nint, nint> PyType_FromSpecWithBases;
    public static delegate* unmanaged<nint, void> PyObject_GC_UnTrack;
    public static delegate* unmanaged<nint, int> PyObject_CallFinalizerFromDealloc;
    public static delegate* unmanaged<nint, void> PyObject_ClearWeakRefs;
    public static delegate* unmanaged<PyMethodDef*, nint, nint, nint> PyCFunction_NewEx;
    public static delegate* unmanaged<nint, nint, nint> PyWeakref_NewRef;
    public static delegate* unmanaged<PyModuleDef*, nint, int, nint> PyModule_FromDefAndSpec2;
    public static delegate* unmanaged<nint, PyModuleDef*, int> PyModule_ExecDef;
    public static delegate* unmanaged<nint, nint, nint> PyObject_CallObject;
    public static delegate* unmanaged<byte*> Py_GetVersion;
    public static void* PyVectorcall_Call;   // only ever a tp_call slot value
    public static delegate* unmanaged<nint, nint, nint> _PyType_CalculateMetaclass;
    public static delegate* unmanaged<nint, nint, PyType_Spec*, nint, nint> PyType_FromMetaclass;  // 3.12+

    // Type objects, by address.
    public static nint PyType_Type, PyBaseObject_Type, PyModule_Type, PyLong_Type, PyFloat_Type,
        PyUnicode_Type, PyTuple_Type, PyList_Type, PyDict_Type;

    /// <summary>PYTHON_API_VERSION, the same (1013) in every CPython 3.</summary>
    public const int PythonApiVersion = 1013;

    /// <summary>(major, minor) of the running CPython, e.g. 3.13 is (3, 13).</summary>
    public static (int Major, int Minor) Version;

    static void ResolveTypes()
    {
        PyType_FromSpecWithBases = (delegate* unmanaged<PyType_Spec*, nint, nint>)Symbols.Require("PyType_FromSpecWithBases");
        PyObject_GC_UnTrack = (delegate* unmanaged<nint, void>)Symbols.Require("PyObject_GC_UnTrack");
        PyObject_CallFinalizerFromDealloc = (delegate* unmanaged<nint, int>)Symbols.Require("PyObject_CallFinalizerFromDealloc");
        PyObject_ClearWeakRefs = (delegate* unmanaged<nint, void>)Symbols.Require("PyObject_ClearWeakRefs");
        PyCFunction_NewEx = (delegate* unmanaged<PyMethodDef*, nint, nint, nint>)Symbols.Require("PyCFunction_NewEx");
        PyWeakref_NewRef = (delegate* unmanaged<nint, nint, nint>)Symbols.Require("PyWeakref_NewRef");
        PyModule_FromDefAndSpec2 = (delegate* unmanaged<PyModuleDef*, nint, int, nint>)Symbols.Require("PyModule_FromDefAndSpec2");
        PyModule_ExecDef = (delegate* unmanaged<nint, PyModuleDef*, int>)Symbols.Require("PyModule_ExecDef");
        PyObject_CallObject = (delegate* unmanaged<nint, nint, nint>)Symbols.Require("PyObject_CallObject");
        Py_GetVersion = (delegate* unmanaged<byte*>)Symbols.Require("Py_GetVersion");
        PyVectorcall_Call = Symbols.Require("PyVectorcall_Call");
        // Metaclasses: 3.12+ has the public function; before it, the private one that finds the
        // winning metaclass (3.13 no longer exports it, and no longer needs it).
        if (Symbols.IsAvailable("PyType_FromMetaclass"))
            PyType_FromMetaclass = (delegate* unmanaged<nint, nint, PyType_Spec*, nint, nint>)Symbols.Require("PyType_FromMetaclass");
        else
            _PyType_CalculateMetaclass = (delegate* unmanaged<nint, nint, nint>)Symbols.Require("_PyType_CalculateMetaclass");
        PyType_Type = (nint)Symbols.Require("PyType_Type");
        PyBaseObject_Type = (nint)Symbols.Require("PyBaseObject_Type");
        PyModule_Type = (nint)Symbols.Require("PyModule_Type");
        PyLong_Type = (nint)Symbols.Require("PyLong_Type");
        PyFloat_Type = (nint)Symbols.Require("PyFloat_Type");
        PyUnicode_Type = (nint)Symbols.Require("PyUnicode_Type");
        PyTuple_Type = (nint)Symbols.Require("PyTuple_Type");
        PyList_Type = (nint)Symbols.Require("PyList_Type");
        PyDict_Type = (nint)Symbols.Require("PyDict_Type");
        if (Py_GetVersion != null) Version = ParseVersion(Utf8.Read(Py_GetVersion()) ?? "");
        HPyShim.Types.Shapes.Init();
    }

    static (int, int) ParseVersion(string text)
    {
        // "3.13.0 (main, ...)": only the first two numbers matter.
        string[] parts = text.Split(' ')[0].Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], out int major) && int.TryParse(parts[1], out int minor)
            ? (major, minor) : (3, 8);
    }
}
