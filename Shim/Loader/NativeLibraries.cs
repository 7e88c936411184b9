using System.Runtime.InteropServices;
using HPyShim.CPython;

namespace HPyShim.Loader;

/// <summary>
/// Everything the runtime asks of the operating system's dynamic loader, in one place: opening
/// extension libraries (never unloaded) and libpython, finding symbols in them and in the host
/// process, and naming the binary that holds a code address. POSIX (glibc's libdl) only: on Windows
/// the host's C API lives in pythonXY.dll rather than the process, and there is no dladdr; a
/// Windows port replaces this file (and Shim/Native/platform.c), and until one is tested the
/// Windows branches fail with <see cref="WindowsUnsupported"/>.
/// </summary>
internal static unsafe class NativeLibraries
{
    public const string WindowsUnsupported =
        "HPy Shim does not support Windows yet (its loader uses the POSIX dynamic loader)";

    const string LibDl = "libc.so.6";
    const int RTLD_NOW = 2, RTLD_GLOBAL = 0x100;

    [DllImport(LibDl, EntryPoint = "dlopen")]
    static extern nint dlopen(byte* file, int mode);

    [DllImport(LibDl, EntryPoint = "dlerror")]
    static extern byte* dlerror();

    [StructLayout(LayoutKind.Sequential)]
    struct DlInfo
    {
        public byte* dli_fname;
        public void* dli_fbase;
        public byte* dli_sname;
        public void* dli_saddr;
    }

    [DllImport(LibDl, EntryPoint = "dladdr")]
    static extern int dladdr(void* address, DlInfo* info);

    /// <summary>The library's handle, or 0 with the system's reason.</summary>
    public static nint Open(string path, out string? error) => Open(path, RTLD_NOW, out error);

    /// <summary>Opens a library whose symbols the rest of the process then finds (libpython for a C
    /// host): the handle, or 0 with the system's reason.</summary>
    public static nint OpenGlobal(string path, out string? error) => Open(path, RTLD_NOW | RTLD_GLOBAL, out error);

    static nint Open(string path, int mode, out string? error)
    {
        error = null;
        if (OperatingSystem.IsWindows())
        {
            error = WindowsUnsupported;
            return 0;
        }
        // dlopen directly, for dlerror's reason (missing dependency, wrong architecture...).
        // RTLD_NOW makes unresolved symbols fail here rather than in the middle of a call.
        byte* file = Utf8.Persistent(path);
        // dlerror is bound on its first call, and binding it goes through the dynamic loader, which
        // resets the error state: call it once first, so the call after a failed dlopen reports it.
        dlerror();
        nint handle = dlopen(file, mode);
        NativeMemory.Free(file);
        if (handle == 0) error = Utf8.Read(dlerror()) ?? "no error message provided by the system";
        return handle;
    }

    public static void* Find(nint library, string symbol) =>
        NativeLibrary.TryGetExport(library, symbol, out nint address) ? (void*)address : null;

    /// <summary>A symbol of the host process (the CPython that loaded us, or the libpython a C host
    /// opened with <see cref="OpenGlobal"/>), or null.</summary>
    public static void* FindInProcess(string symbol) =>
        OperatingSystem.IsWindows() ? null : Find(NativeLibrary.GetMainProgramHandle(), symbol);

    /// <summary>The binary that holds `address`: its path and load address, and the nearest exported
    /// symbol below the address (name and address, or null); false when the loader does not know.</summary>
    public static bool DescribeAddress(void* address, out string path, out nint loadAddress,
        out string? symbol, out nint symbolAddress)
    {
        path = "";
        loadAddress = symbolAddress = 0;
        symbol = null;
        if (OperatingSystem.IsWindows()) return false;
        DlInfo info;
        if (dladdr(address, &info) == 0 || info.dli_fname == null) return false;
        path = Utf8.Read(info.dli_fname) ?? "?";
        loadAddress = (nint)info.dli_fbase;
        if (info.dli_sname != null && info.dli_saddr != null)
        {
            symbol = Utf8.Read(info.dli_sname);
            symbolAddress = (nint)info.dli_saddr;
        }
        return true;
    }
}
