using System.Runtime.InteropServices;
using HPyShim.Context;
using HPyShim.CPython;
using HPyShim.Interop;

namespace HPyShim.Loader;

/// <summary>The C entry points of libhpy.so, declared in include/hpyshim.h.</summary>
internal static unsafe class Exports
{
    public const string Version = "0.1.0";
    static byte* version, summary;

    [UnmanagedCallersOnly(EntryPoint = "hpyshim_version")]
    static byte* HPyShimVersion() => version != null ? version : version = Utf8.Persistent(Version);

    [UnmanagedCallersOnly(EntryPoint = "hpyshim_implemented_summary")]
    static byte* ImplementedSummary() => summary != null ? summary : summary = Utf8.Persistent(
        $"{ContextTable.ImplementedCount}/{ContextTable.FunctionCount} context functions implemented");

    /// <summary>Diagnostics: how often extension code entered C# (see ManagedEntries).</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_managed_entries")]
    static long ManagedEntryCount() => ManagedEntries.Count;

    /// <summary>Diagnostics: 1 if universal-mode calls go through thunks, 0 if through trampolines.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_thunks_active")]
    static int ThunksActive()
    {
        try { return NativeFastPath.ThunksActive(out _) ? 1 : 0; }
        catch { return 0; }
    }

    [UnmanagedCallersOnly(EntryPoint = "hpyshim_start_python")]
    static int StartPython(byte* libpython)
    {
        try
        {
            if (Host.StartPython(Utf8.Read(libpython), out string? error)) return 0;
            Console.Error.WriteLine($"hpyshim_start_python: {error}");
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"hpyshim_start_python: {e.Message}");
        }
        return -1;
    }

    [UnmanagedCallersOnly(EntryPoint = "hpyshim_stop_python")]
    static int StopPython()
    {
        try { return Host.TryBind(out _) && Py.Py_IsInitialized() != 0 ? Py.Py_FinalizeEx() : 0; }
        catch { return -1; }
    }

    [UnmanagedCallersOnly(EntryPoint = "hpyshim_universal_context")]
    static HPyContext* GetUniversalContext()
    {
        try
        {
            if (!Host.TryBind(out string? error))
            {
                Console.Error.WriteLine($"hpyshim_universal_context: {error}");
                return null;
            }
            return UniversalContext.Instance;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"hpyshim_universal_context: {e.Message}");
            return null;
        }
    }

    /// <summary>The exception type of load failures (borrowed; NULL with an exception set on failure).</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_load_error_type")]
    static nint GetLoadErrorType()
    {
        if (!Host.BindOrRaise("hpyshim_load_error_type")) return 0;
        try { return ModuleLoader.LoadErrorType(); }
        catch (Exception e)
        {
            Failure.Managed(e, "hpyshim_load_error_type");
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "hpyshim_load_module")]
    static nint LoadModule(byte* name, byte* path, nint spec, int mode)
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
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_exec_module")]
    static int ExecModule(byte* name, byte* path, nint module, int mode)
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
