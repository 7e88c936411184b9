using System.Runtime.InteropServices;

namespace HPyShim.CPython;

/// <summary>
/// Finds CPython's C API in the running process. libhpy.so has no link-time dependency on
/// libpython: whichever CPython loaded us (or whichever libpython a C host asked us to start)
/// provides the symbols, so one build serves every CPython from 3.8 to 3.13.
/// </summary>
internal static class Symbols
{
    static readonly List<string> missing = new();

    /// <summary>The address of an exported CPython symbol, or 0 (remembered in <see cref="Missing"/>).</summary>
    public static unsafe void* Require(string name)
    {
        void* address = Loader.NativeLibraries.FindInProcess(name);
        if (address != null) return address;
        missing.Add(name);
        return null;
    }

    public static unsafe bool IsAvailable(string name) =>
        Loader.NativeLibraries.FindInProcess(name) != null;

    public static IReadOnlyList<string> Missing => missing;
}
