namespace HPyShim.CPython;

/// <summary>The constant handle that is no CPython symbol (see api/hpy_context.api); the others
/// are entries of the symbol table.</summary>
internal static unsafe class HostObjects
{
    /// <summary>The builtins module's dict; the context keeps one reference to it for good.</summary>
    public static HPy Builtins()
    {
        fixed (byte* name = "builtins"u8)
        {
            nint module = Py.PyImport_ImportModule(name);
            if (module == 0) return HPy.Null;
            nint dict = Py.PyModule_GetDict(module); // borrowed, kept alive by the module
            Py.Py_IncRef(dict);
            Py.Py_DecRef(module);
            return new(dict);
        }
    }
}
