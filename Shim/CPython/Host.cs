using System.Runtime.InteropServices;

namespace HPyShim.CPython;

/// <summary>Binds the runtime to the CPython running in this process, once.</summary>
internal static unsafe partial class Host
{
    static bool bound;

    /// <summary>Resolves the C API; false (with a reason) when this process has no usable CPython.</summary>
    public static bool TryBind(out string? error)
    {
        error = null;
        if (bound) return true;
        if (!Symbols.IsAvailable("Py_IsInitialized"))
        {
            error = "no CPython in this process: load libhpy from Python, or call hpyshim_start_python first";
            return false;
        }
        Py.Resolve();
        if (Symbols.Missing.Count > 0)
        {
            error = "this CPython lacks C API functions HPy Shim needs: " + string.Join(", ", Symbols.Missing);
            return false;
        }
        bound = true;
        return true;
    }

    /// <summary>
    /// Makes libpython's symbols global in this process (so the lookups above find them) and starts
    /// the interpreter if none runs. For C hosts; Python processes already have one.
    /// </summary>
    public static bool StartPython(string? libpython, out string? error)
    {
        error = null;
        if (!Symbols.IsAvailable("Py_IsInitialized"))
        {
            libpython ??= Environment.GetEnvironmentVariable("HPYSHIM_LIBPYTHON");
            if (string.IsNullOrEmpty(libpython))
            {
                error = "no libpython given and HPYSHIM_LIBPYTHON is not set";
                return false;
            }
            if (Loader.NativeLibraries.OpenGlobal(libpython, out string? reason) == 0)
            {
                error = $"cannot load {libpython}: {reason}";
                return false;
            }
        }
        if (!TryBind(out error)) return false;
        if (Py.Py_IsInitialized() == 0) Py.Py_InitializeEx(0);
        return true;
    }
}
