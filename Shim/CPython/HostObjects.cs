namespace HPyShim.CPython;

/// <summary>How the constant handles of the context find their objects (see api/hpy_context.api).</summary>
internal static unsafe class HostObjects
{
    /// <summary>The symbol is the object itself, e.g. _Py_NoneStruct or PyLong_Type.</summary>
    public static HPy Object(string symbol) => new((nint)Symbols.Require(symbol));

    /// <summary>The symbol is a PyObject* variable, e.g. PyExc_TypeError.</summary>
    public static HPy Pointer(string symbol)
    {
        var variable = (nint*)Symbols.Require(symbol);
        return new(variable == null ? 0 : *variable);
    }

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
