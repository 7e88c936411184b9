using HPyShim.Abi;
using HPyShim.Context;
using HPyShim.CPython;

namespace HPyShim.Loader;

/// <summary>
/// Loads an HPy universal extension: NAME.hpy&lt;N&gt;.so exporting the version getters,
/// HPyInitGlobalContext_NAME and HPyInit_NAME. Every failure is a Python exception naming the
/// file and the cause.
/// </summary>
internal static unsafe class ModuleLoader
{
    /// <summary>The HPy ABI version this runtime implements (HPy 0.9: 0.0).</summary>
    public const uint AbiMajor = 0, AbiMinor = 0;

    public static nint Load(string name, string path, nint spec, LoadMode mode)
    {
        string shortName = ShortName(name);
        string Prefix() => $"HPy Shim: cannot load HPy extension module '{name}' from '{path}'";

        if (!File.Exists(path))
            return ImportError($"{Prefix()}: the file does not exist");
        int tag = AbiTag(Path.GetFileName(path));
        if (tag < 0)
            return ImportError($"{Prefix()}: the file name has no HPy ABI tag " +
                $"(expected a name like '{shortName}.hpy{AbiMajor}.so')");

        nint library = NativeLibraries.Open(path, out string? dlError);
        if (library == 0)
            return ImportError($"{Prefix()}: {dlError}");

        string majorName = "get_required_hpy_major_version_" + shortName;
        string minorName = "get_required_hpy_minor_version_" + shortName;
        string initContextName = "HPyInitGlobalContext_" + shortName;
        string initName = "HPyInit_" + shortName;
        void* majorFn = NativeLibraries.Find(library, majorName);
        void* minorFn = NativeLibraries.Find(library, minorName);
        void* initContextFn = NativeLibraries.Find(library, initContextName);
        void* initFn = NativeLibraries.Find(library, initName);
        foreach ((string symbol, bool found) in new[]
                 {
                     (majorName, majorFn != null), (minorName, minorFn != null),
                     (initContextName, initContextFn != null), (initName, initFn != null),
                 })
        {
            if (!found)
                return ImportError($"{Prefix()}: the library does not export the symbol '{symbol}' " +
                    "(was it built with HPy_MODINIT for this module name?)");
        }

        uint major = ((delegate* unmanaged<uint>)majorFn)();
        uint minor = ((delegate* unmanaged<uint>)minorFn)();
        if (major != AbiMajor || minor > AbiMinor)
            return ImportError($"{Prefix()}: the extension requires HPy ABI version {major}.{minor}, " +
                $"but this runtime supports {AbiMajor}.{AbiMinor}");
        if (major != tag)
            return ImportError($"{Prefix()}: the ABI tag in the file name (hpy{tag}) does not match " +
                $"the HPy version the extension requires ({major}.{minor})");

        switch (mode)
        {
            case LoadMode.Universal: break;
            case LoadMode.Debug:
                Failure.Raise(Py.PyExc_SystemError, $"HPy Shim: debug mode is not implemented yet (loading {name})");
                return 0;
            case LoadMode.Trace:
                Failure.Raise(Py.PyExc_SystemError, $"HPy Shim: trace mode is not implemented yet (loading {name})");
                return 0;
            default:
                Failure.Raise(Py.PyExc_ValueError,
                    $"HPy Shim: invalid HPy mode {(int)mode} for module '{name}' (0 universal, 1 debug, 2 trace)");
                return 0;
        }

        HPyContext* ctx = UniversalContext.Instance;
        ((delegate* unmanaged<HPyContext*, void>)initContextFn)(ctx);
        var def = ((delegate* unmanaged<HPyModuleDef*>)initFn)();
        if (def == null)
        {
            if (Py.PyErr_Occurred() != 0) return 0;   // the extension said why
            return ImportError($"{Prefix()}: {initName}() returned NULL without setting an exception");
        }
        return ModuleBuilder.Create(ctx, name, path, def, spec);
    }

    static nint ImportError(string message)
    {
        Failure.Raise(Py.PyExc_ImportError, message);
        return 0;
    }

    /// <summary>The name the symbols use: the last dotted part, with '-' read as '_'.</summary>
    static string ShortName(string name)
    {
        int dot = name.LastIndexOf('.');
        return (dot >= 0 ? name[(dot + 1)..] : name).Replace('-', '_');
    }

    /// <summary>N of the first ".hpyN" in the file name, or -1 if there is none.</summary>
    static int AbiTag(string fileName)
    {
        for (int at = fileName.IndexOf(".hpy", StringComparison.Ordinal); at >= 0;
             at = fileName.IndexOf(".hpy", at + 1, StringComparison.Ordinal))
        {
            int start = at + 4, end = start;
            while (end < fileName.Length && char.IsAsciiDigit(fileName[end])) end++;
            if (end > start && int.TryParse(fileName.AsSpan(start, end - start), out int tag)) return tag;
        }
        return -1;
    }
}
