using System.Runtime.InteropServices;
using HPyShim.CPython;

namespace HPyShim.Loader;

/// <summary>Opens extension libraries for good (they are never unloaded) and finds their symbols.</summary>
internal static unsafe class NativeLibraries
{
    const int RTLD_NOW = 2;

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    static extern nint dlopen(byte* file, int mode);

    [DllImport("libc.so.6", EntryPoint = "dlerror")]
    static extern byte* dlerror();

    /// <summary>The library's handle, or 0 with the system's reason.</summary>
    public static nint Open(string path, out string? error)
    {
        error = null;
        if (OperatingSystem.IsWindows())
        {
            if (NativeLibrary.TryLoad(path, out nint h)) return h;
            error = "the system could not load the library";
            return 0;
        }
        // dlopen directly, for dlerror's reason (missing dependency, wrong architecture...).
        // RTLD_NOW makes unresolved symbols fail here rather than in the middle of a call.
        byte* file = Utf8.Persistent(path);
        // dlerror is bound on its first call, and binding it goes through the dynamic loader, which
        // resets the error state: call it once first, so the call after a failed dlopen reports it.
        dlerror();
        nint handle = dlopen(file, RTLD_NOW);
        NativeMemory.Free(file);
        if (handle == 0) error = Utf8.Read(dlerror()) ?? "no error message provided by the system";
        return handle;
    }

    public static void* Find(nint library, string symbol) =>
        NativeLibrary.TryGetExport(library, symbol, out nint address) ? (void*)address : null;
}
