using HPyShim.Context;
using HPyShim.CPython;
using HPyShim.Interop;

namespace HPyShim.Loader;

/// <summary>The loader's methods of hpyshim._libhpy (declared in api/boundary.api).</summary>
internal static unsafe class PythonMethods
{
    public static nint LoadModule(byte* name, byte* path, nint spec, long mode) =>
        ModuleLoader.Load(Utf8.Read(name) ?? "", Utf8.Read(path) ?? "", spec, (LoadMode)mode);

    public static void ExecModule(byte* name, byte* path, nint module, long mode)
    {
        string file = Utf8.Read(path) ?? "";
        if (ModuleLoader.Exec(Utf8.Read(name) ?? "", file, module, (LoadMode)mode) != 0 && Py.PyErr_Occurred() == 0)
            Failure.Raise(Py.PyExc_SystemError, $"the HPy Shim runtime failed to reload {file} without setting an exception (see stderr)");
    }

    public static nint LoadErrorType()
    {
        nint type = ModuleLoader.LoadErrorType();
        if (type != 0) Py.Py_IncRef(type);   // the runtime keeps its own reference
        return type;
    }

    public static string Version() => Exports.VersionText;

    public static string ImplementedSummary() => Exports.Summary;

    public static void SetReportFd(long fd) => FatalOutput.SetReportFd(fd < 0 || fd > int.MaxValue ? -1 : (int)fd);

    public static long ManagedEntries() => Interop.ManagedEntries.Count;

    public static long ThunksActive() => NativeFastPath.ThunksActive(out _) ? 1 : 0;
}
