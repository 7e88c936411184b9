using System.Runtime.InteropServices;
using HPyShim.CPython;

namespace HPyShim.Debug;

/// <summary>
/// Names a native code address for reports ("mymod.hpy0.so!make_point+0x2c"), at report time
/// only: recording an address costs one store per handle, naming it a lookup in the binary's
/// dynamic symbols (dladdr). A function the binary does not export is named by its file and
/// offset.
/// </summary>
internal static unsafe class NativeSymbols
{
    [StructLayout(LayoutKind.Sequential)]
    struct DlInfo
    {
        public byte* dli_fname;
        public void* dli_fbase;
        public byte* dli_sname;
        public void* dli_saddr;
    }

    [DllImport("libc.so.6", EntryPoint = "dladdr")]
    static extern int dladdr(void* address, DlInfo* info);

    public static string Describe(void* address)
    {
        if (OperatingSystem.IsWindows()) return $"0x{(nint)address:x}";
        DlInfo info;
        if (dladdr(address, &info) == 0 || info.dli_fname == null) return $"0x{(nint)address:x}";
        string file = Path.GetFileName(Utf8.Read(info.dli_fname) ?? "?");
        if (info.dli_sname != null && info.dli_saddr != null)
            return $"{file}!{Utf8.Read(info.dli_sname)}+0x{(nint)address - (nint)info.dli_saddr:x}";
        return $"{file}+0x{(nint)address - (nint)info.dli_fbase:x}";
    }
}
