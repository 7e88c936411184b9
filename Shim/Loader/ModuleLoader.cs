using HPyShim.Abi;
using HPyShim.Context;
using HPyShim.CPython;
using HPyShim.Interop;
using HPyShim.Debug;
using HPyShim.Trace;
using HPyShim.Types;

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

    public static nint Load(string name, string path, nint spec, LoadMode mode) =>
        Open(name, path, mode, out HPyContext* ctx, out HPyModuleDef* def) ? ModuleBuilder.Create(ctx, name, path, def, spec) : 0;

    /// <summary>
    /// importlib.reload of a loaded module: its HPy_mod_exec slots run again on the same module
    /// object, as a Python module's code runs again in its namespace. 0, or -1 with an exception.
    /// </summary>
    public static int Exec(string name, string path, nint module, LoadMode mode) =>
        Open(name, path, mode, out HPyContext* ctx, out HPyModuleDef* def) ? ModuleBuilder.Reexec(ctx, name, path, def, module) : -1;

    /// <summary>Opens the library, checks it and initializes its context: false with an exception set.</summary>
    static bool Open(string name, string path, LoadMode mode, out HPyContext* ctx, out HPyModuleDef* def)
    {
        ctx = null;
        def = null;
        TypeRegistry.ReclaimDead();
        string shortName = ShortName(name);
        string Prefix() => $"HPy Shim: cannot load HPy extension module '{name}' from '{path}'";

        if (!File.Exists(path))
            return Fail(LoadError(name, path, $"{Prefix()}: the file does not exist"));

        nint library = NativeLibraries.Open(path, out string? dlError);
        if (library == 0)
            return Fail(LoadError(name, path, $"{Prefix()}: {dlError}"));

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
                return Fail(LoadError(name, path, $"{Prefix()}: the library does not export the symbol '{symbol}' " +
                    "(was it built with HPy_MODINIT for this module name?)"));
        }

        // The version, then the tag: HPy's order and HPy's words (its tests compare them).
        uint major = ((delegate* unmanaged<uint>)majorFn)();
        uint minor = ((delegate* unmanaged<uint>)minorFn)();
        if (major != AbiMajor || minor > AbiMinor)
            return Fail(LoadError(name, path, $"HPy extension module '{shortName}' requires unsupported version of " +
                $"the HPy runtime. Requested version: {major}.{minor}. Current HPy version: {AbiMajor}.{AbiMinor}."));
        long tag = AbiTag(Path.GetFileName(path));
        if (tag < 0)
            return Fail(LoadError(name, path, $"HPy extension module '{shortName}' at path '{path}': could not find " +
                "HPy ABI tag encoded in the filename. The extension claims to be compiled with HPy ABI " +
                $"version: {major}.{minor}."));
        if (tag != major)
            return Fail(LoadError(name, path, $"HPy extension module '{shortName}' at path '{path}': mismatch between " +
                "the HPy ABI tag encoded in the filename and the major version requested by the HPy extension " +
                $"itself. Major version tag parsed from filename: {tag}. Requested version: {major}.{minor}."));

        switch (mode)
        {
            case LoadMode.Universal: ctx = UniversalContext.Instance; break;
            case LoadMode.Trace: ctx = TraceContext.Instance; break;
            case LoadMode.Debug: ctx = DebugContext.Instance; break;
            default:
                Failure.Raise(Py.PyExc_ValueError,
                    $"HPy Shim: invalid HPy mode {(int)mode} for module '{name}' (0 universal, 1 debug, 2 trace)");
                return false;
        }

        NativeFastPath.NoteLibraryMode(initFn, mode == LoadMode.Debug ? null : ctx);
        ((delegate* unmanaged<HPyContext*, void>)initContextFn)(ctx);
        def = ((delegate* unmanaged<HPyModuleDef*>)initFn)();
        if (def == null)
        {
            if (Py.PyErr_Occurred() != 0) return false;   // the extension said why
            return Fail(LoadError(name, path, $"{Prefix()}: {initName}() returned NULL without setting an exception"));
        }
        return true;
    }

    static bool Fail(nint _) => false;

    static nint loadErrorType;

    /// <summary>
    /// hpyshim.HPyLoadError: an ImportError (with name and path, so import machinery and callers
    /// catching ImportError work) that is also a RuntimeError (what HPy's loader raises).
    /// </summary>
    public static nint LoadErrorType()
    {
        if (loadErrorType != 0) return loadErrorType;
        nint bases = Py.PyTuple_New(2);
        if (bases == 0) return 0;
        Py.Py_IncRef(Py.PyExc_ImportError);
        Py.PyTuple_SetItem(bases, 0, Py.PyExc_ImportError);
        Py.Py_IncRef(Py.PyExc_RuntimeError);
        Py.PyTuple_SetItem(bases, 1, Py.PyExc_RuntimeError);
        fixed (byte* typeName = "hpyshim.HPyLoadError\0"u8)
            loadErrorType = Py.PyErr_NewException(typeName, bases, 0);
        Py.Py_DecRef(bases);
        return loadErrorType;
    }

    static nint LoadError(string name, string path, string message)
    {
        nint type = LoadErrorType();
        if (type == 0) return 0;
        nint msg = Str(message), nameObj = Str(name), pathObj = Str(path);
        if (msg != 0 && nameObj != 0 && pathObj != 0)
            Py.PyErr_SetImportErrorSubclass(type, msg, nameObj, pathObj);
        foreach (nint o in new[] { msg, nameObj, pathObj })
            if (o != 0) Py.Py_DecRef(o);
        return 0;
    }

    static nint Str(string text)
    {
        fixed (byte* utf8 = System.Text.Encoding.UTF8.GetBytes(text + "\0"))
            return Py.PyUnicode_FromString(utf8);
    }

    /// <summary>The name the symbols use: the last dotted part, with '-' read as '_'.</summary>
    static string ShortName(string name)
    {
        int dot = name.LastIndexOf('.');
        return (dot >= 0 ? name[(dot + 1)..] : name).Replace('-', '_');
    }

    /// <summary>N of the first ".hpy" in the file name if a digit follows it, else -1 (HPy's rule,
    /// on the file name only so that a directory called "x.hpy" does not matter).</summary>
    static long AbiTag(string fileName)
    {
        int at = fileName.IndexOf(".hpy", StringComparison.Ordinal);   // HPy looks only at the first
        if (at < 0) return -1;
        int start = at + 4, end = start;
        while (end < fileName.Length && char.IsAsciiDigit(fileName[end])) end++;
        return end > start && long.TryParse(fileName.AsSpan(start, Math.Min(end - start, 9)), out long tag) ? tag : -1;
    }
}
