using HPyShim.Context;
using HPyShim.CPython;

namespace HPyShim.Loader;

/// <summary>The C entry points of libhpy.so for C hosts: declared in api/boundary.api, which
/// generates include/hpyshim.h and the exported wrappers (Interop/Generated/Exports.g.cs) that
/// call these.</summary>
internal static unsafe class Exports
{
    public const string VersionText = "0.1.0";
    static byte* version, summary;

    public static byte* Version() => version != null ? version : version = Utf8.Persistent(VersionText);

    public static string Summary =>
        $"{ContextTable.ImplementedCount}/{ContextTable.FunctionCount} context functions implemented";

    public static byte* ImplementedSummary() => summary != null ? summary : summary = Utf8.Persistent(Summary);

    public static int StartPython(byte* libpython)
    {
        if (Host.StartPython(Utf8.Read(libpython), out string? error)) return 0;
        Console.Error.WriteLine($"hpyshim_start_python: {error}");
        return -1;
    }

    public static int StopPython() => Host.TryBind(out _) && Py.Py_IsInitialized() != 0 ? Py.Py_FinalizeEx() : 0;

    public static HPyContext* GetUniversalContext()
    {
        if (Host.TryBind(out string? error)) return UniversalContext.Instance;
        Console.Error.WriteLine($"hpyshim_universal_context: {error}");
        return null;
    }

    public static nint LoadModule(byte* name, byte* path, nint spec, int mode)
    {
        if (!Host.BindOrRaise("hpyshim_load_module")) return 0;
        try
        {
            return ModuleLoader.Load(Utf8.Read(name) ?? "", Utf8.Read(path) ?? "", spec, (LoadMode)mode);
        }
        catch (Exception e)
        {
            Failure.Managed(e, "hpyshim_load_module");
            return 0;
        }
    }

    /// <summary>Runs the HPy_mod_exec slots of a loaded module again (importlib.reload): 0, or -1 with an exception.</summary>
    public static int ExecModule(byte* name, byte* path, nint module, int mode)
    {
        if (!Host.BindOrRaise("hpyshim_exec_module")) return -1;
        try
        {
            return ModuleLoader.Exec(Utf8.Read(name) ?? "", Utf8.Read(path) ?? "", module, (LoadMode)mode);
        }
        catch (Exception e)
        {
            Failure.Managed(e, "hpyshim_exec_module");
            return -1;
        }
    }
}

/// <summary>How a module is loaded; the values are the C API's (universal 0, debug 1, trace 2).</summary>
internal enum LoadMode { Universal = 0, Debug = 1, Trace = 2 }
