using System.Runtime.InteropServices;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.CPython;

/// <summary>Binds the runtime to the CPython running in this process, once.</summary>
internal static unsafe partial class Host
{
    static bool bound;

    /// <summary>Why the CPython in this process is refused (set when TryBind found one it does not know).</summary>
    public static string? Refusal { get; private set; }

    /// <summary>Resolves the C API; false (with a reason) when this process has no usable CPython.</summary>
    public static bool TryBind(out string? error)
    {
        error = null;
        if (bound) return true;
        Symbols.Resolve();
        if (Py.Py_IsInitialized == null)
        {
            error = "no CPython in this process: load libhpy from Python, or call hpyshim_start_python first";
            return false;
        }
        // Before anything reads CPython's memory: only builds whose object and type layouts the
        // runtime knows, judged from the version string and exported symbols alone.
        Refusal = RefusalFor(VersionString(), Symbols.Found);
        if (Refusal != null)
        {
            error = Refusal;
            return false;
        }
        if (Symbols.Missing.Count > 0)
        {
            error = "this CPython lacks C API functions HPy Shim needs: " + string.Join(", ", Symbols.Missing);
            return false;
        }
        // The version is parsed once, here: C# keeps it (Py.Version) and C selects its line of
        // api/cpython_versions.api (refcount model, frame layout).
        var (major, minor) = ParseVersion(VersionString())!.Value;
        if (shim_bind_version(minor) != 0)
        {
            error = $"CPython {major}.{minor} is not in the runtime's table of versions";
            return false;
        }
        Py.Version = (major, minor);
        bound = true;
        return true;
    }

    /// <summary>
    /// TryBind for an entry point called from Python: on failure (a refused build, a missing
    /// symbol), the reason is a Python ImportError when a CPython is there to raise it (set with
    /// two stable symbols of the limited API, not through the refused layouts), else a line on stderr.
    /// </summary>
    public static bool BindOrRaise(string entryPoint)
    {
        string? error;
        try
        {
            if (TryBind(out error)) return true;
        }
        catch (Exception e)
        {
            error = e.Message;
        }
        // Only the two symbols below are read: when they are there, the reason is an ImportError.
        bool canRaise = Py.Table != null && Py.Table->PyErr_SetString != null && Py.Table->PyExc_ImportError != null;
        if (canRaise)
        {
            byte* text = Utf8.Persistent(error ?? "HPy Shim cannot bind to this CPython");
            Py.PyErr_SetString(Py.PyExc_ImportError, text);
            System.Runtime.InteropServices.NativeMemory.Free(text);
        }
        else
        {
            Console.Error.WriteLine($"{entryPoint}: {error}");
        }
        return false;
    }

    /// <summary>Py_GetVersion(), e.g. "3.13.0 (main, ...) [GCC ...]"; HPYSHIM_TEST_PYTHON_VERSION
    /// replaces it, so that the tests can show how other versions are refused.</summary>
    static string VersionString()
    {
        if (Environment.GetEnvironmentVariable("HPYSHIM_TEST_PYTHON_VERSION") is { Length: > 0 } fake) return fake;
        return Py.Py_GetVersion != null ? Utf8.Read(Py.Py_GetVersion()) ?? "" : "";
    }

    const int OldestMinor = Versions.OldestMinor, NewestMinor = Versions.NewestMinor;

    /// <summary>(major, minor) of a Py_GetVersion() text ("3.13.0 (main, ...)"), or null.</summary>
    static (int Major, int Minor)? ParseVersion(string version)
    {
        string[] parts = version.Split(' ', 2)[0].Split('.');
        string digits(string p) => new string(p.TakeWhile(char.IsAsciiDigit).ToArray());
        return parts.Length >= 2 && int.TryParse(parts[0], out int major) && int.TryParse(digits(parts[1]), out int minor)
            ? (major, minor) : null;
    }

    /// <summary>
    /// Why HPy Shim cannot run on this CPython, or null. `version` is Py_GetVersion()'s text and
    /// `exports` tells whether libpython exports a symbol: a free-threaded build (Py_GIL_DISABLED)
    /// has another object header and says so in its version; a Py_TRACE_REFS build (3.8-3.12)
    /// puts two more pointers in every object header and exports _Py_ForgetReference.
    /// </summary>
    public static string? RefusalFor(string version, Func<string, bool> exports)
    {
        if (ParseVersion(version) is not var (major, minor))
            return $"HPy Shim cannot tell which CPython this is (Py_GetVersion() says \"{version}\"); it supports CPython 3.{OldestMinor} to 3.{NewestMinor}";
        if (major != 3 || minor < OldestMinor || minor > NewestMinor)
            return $"HPy Shim supports CPython 3.{OldestMinor} to 3.{NewestMinor}, not {major}.{minor} " +
                "(its object and type layouts are not known to this runtime)";
        if (version.Contains("free-threading", StringComparison.OrdinalIgnoreCase) || exports("_Py_MergeZeroLocalRefcount"))
            return $"HPy Shim does not support free-threaded CPython builds (Py_GIL_DISABLED): CPython {major}.{minor} " +
                "without the GIL has another object header";
        if (exports("_Py_ForgetReference"))
            return $"HPy Shim does not support CPython builds with Py_TRACE_REFS: CPython {major}.{minor} built so " +
                "has a larger object header";
        return null;
    }


    /// <summary>
    /// Makes libpython's symbols global in this process (so the lookups above find them) and starts
    /// the interpreter if none runs. For C hosts; Python processes already have one.
    /// </summary>
    public static bool StartPython(string? libpython, out string? error)
    {
        error = null;
        if (!bound) Symbols.Resolve();
        if (Py.Py_IsInitialized == null)
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
