namespace HPyShim.CPython;

// CPython functions the managed runtime itself calls (loader, context members kept in C#, debug
// and trace support). The context members that are CPython functions unchanged are C forwarders
// (Shim/Native/context.gen.c) and bind their own pointers there.
internal static unsafe partial class Py
{
    public static delegate* unmanaged<nint, byte*> PyBytes_AsString;
    public static delegate* unmanaged<void> PyErr_Clear;
    public static delegate* unmanaged<nint, int> PyErr_ExceptionMatches;
    public static delegate* unmanaged<byte*, nint, nint, nint> PyErr_NewException;
    public static delegate* unmanaged<nint, byte*, void> PyErr_SetString;
    public static delegate* unmanaged<nint, void> PyErr_WriteUnraisable;
    public static delegate* unmanaged<byte*, nint> PyImport_ImportModule;
    public static delegate* unmanaged<nint, byte*, nint> PyObject_GetAttrString;
    public static delegate* unmanaged<nint, nint> PyObject_Repr;
    public static delegate* unmanaged<nint, byte*, nint, int> PyObject_SetAttrString;
    public static delegate* unmanaged<nint, nint> PyObject_Str;
    public static delegate* unmanaged<nint, nint*, byte*> PyUnicode_AsUTF8AndSize;
    public static delegate* unmanaged<byte*, nint> PyUnicode_DecodeFSDefault;
    public static delegate* unmanaged<byte*, nint> PyUnicode_FromString;

    static void ResolveApi()
    {
        PyBytes_AsString = (delegate* unmanaged<nint, byte*>)Symbols.Require("PyBytes_AsString");
        PyErr_Clear = (delegate* unmanaged<void>)Symbols.Require("PyErr_Clear");
        PyErr_ExceptionMatches = (delegate* unmanaged<nint, int>)Symbols.Require("PyErr_ExceptionMatches");
        PyErr_NewException = (delegate* unmanaged<byte*, nint, nint, nint>)Symbols.Require("PyErr_NewException");
        PyErr_SetString = (delegate* unmanaged<nint, byte*, void>)Symbols.Require("PyErr_SetString");
        PyErr_WriteUnraisable = (delegate* unmanaged<nint, void>)Symbols.Require("PyErr_WriteUnraisable");
        PyImport_ImportModule = (delegate* unmanaged<byte*, nint>)Symbols.Require("PyImport_ImportModule");
        PyObject_GetAttrString = (delegate* unmanaged<nint, byte*, nint>)Symbols.Require("PyObject_GetAttrString");
        PyObject_Repr = (delegate* unmanaged<nint, nint>)Symbols.Require("PyObject_Repr");
        PyObject_SetAttrString = (delegate* unmanaged<nint, byte*, nint, int>)Symbols.Require("PyObject_SetAttrString");
        PyObject_Str = (delegate* unmanaged<nint, nint>)Symbols.Require("PyObject_Str");
        PyUnicode_AsUTF8AndSize = (delegate* unmanaged<nint, nint*, byte*>)Symbols.Require("PyUnicode_AsUTF8AndSize");
        PyUnicode_DecodeFSDefault = (delegate* unmanaged<byte*, nint>)Symbols.Require("PyUnicode_DecodeFSDefault");
        PyUnicode_FromString = (delegate* unmanaged<byte*, nint>)Symbols.Require("PyUnicode_FromString");
    }
}
