using System.Runtime.InteropServices;
using HPyShim.CPython;

namespace HPyShim.Loader;

/// <summary>
/// Everything the runtime asks of the operating system's dynamic loader, in one place: opening
/// extension libraries (never unloaded) and libpython, finding symbols in them and in the host
/// process, and naming the binary that holds a code address. POSIX (glibc's libdl) only: on Windows
/// the host's C API lives in pythonXY.dll rather than the process, and there is no dladdr; a
/// Windows port replaces this file (and native/platform/platform.c), and until one is tested the
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
        // dlopen maps the segments the headers describe without checking them against the file's
        // size, and touching a page past the end of the file raises SIGBUS: check first.
        error = ElfProblem(path);
        if (error != null) return 0;
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

    /// <summary>
    /// Why the file cannot be a whole ELF library, or null: every table and segment its headers
    /// name must lie inside the file. Only 64-bit little-endian files are checked (what this
    /// runtime loads); dlopen rejects the others, and files that are not ELF at all, by itself.
    /// Reads the headers only (a few hundred bytes), not the file: extensions can be large.
    /// </summary>
    public static string? ElfProblem(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            long length = RandomAccess.GetLength(handle);
            return ElfProblem((ulong)length, (offset, count) =>
            {
                var bytes = new byte[count];
                int got = 0;
                while (got < count)
                {
                    int n = RandomAccess.Read(handle, bytes.AsSpan(got), (long)offset + got);
                    if (n <= 0) break;
                    got += n;
                }
                return got == count ? bytes : null;
            });
        }
        catch (Exception e)
        {
            return $"cannot read the file: {e.Message}";
        }
    }

    /// <summary>ElfProblem of a whole file in memory (the tests and fuzz inputs).</summary>
    public static string? ElfProblem(byte[] data) =>
        ElfProblem((ulong)data.Length, (offset, count) => data.AsSpan((int)offset, count).ToArray());

    /// <summary>The checks, given the file's size and a reader of byte ranges inside it (ranges
    /// are read only once the size has shown they lie inside the file).</summary>
    static string? ElfProblem(ulong size, Func<ulong, int, byte[]?> read)
    {
        const int HeaderSize = 64, ProgramHeaderSize = 56, SectionHeaderSize = 64;
        byte[]? header = size >= 4 ? read(0, (int)Math.Min(size, HeaderSize)) : null;
        if (header == null || header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            return null;
        if (size < HeaderSize)
            return $"the file is truncated: an ELF header needs {HeaderSize} bytes, the file has {size}";
        if (header[4] != 2 || header[5] != 1) return null;   // not ELFCLASS64 / little-endian
        ulong U64(int at) => BitConverter.ToUInt64(header, at);
        ulong U16(int at) => BitConverter.ToUInt16(header, at);
        string? Table(string what, ulong offset, ulong entrySize, ulong count, ulong minEntry)
        {
            if (count == 0) return null;
            if (entrySize < minEntry)
                return $"the {what} entries are {entrySize} bytes, less than the {minEntry} an ELF64 entry has";
            ulong end = offset + entrySize * count;   // both factors < 2^16: no overflow but the sum
            if (end < offset || end > size)
                return $"the file is truncated or corrupt: the {what} table (bytes {offset} to {end}) " +
                    $"lies past the end of the file ({size} bytes)";
            return null;
        }
        ulong phoff = U64(32), shoff = U64(40), phentsize = U16(54), phnum = U16(56), shentsize = U16(58), shnum = U16(60);
        string? problem = Table("program header", phoff, phentsize, phnum, ProgramHeaderSize);
        if (problem != null) return problem;
        byte[]? table = phnum > 0 ? read(phoff, checked((int)(phentsize * phnum))) : null;
        if (phnum > 0 && table == null) return "cannot read the file's program header table";
        for (ulong i = 0; i < phnum; i++)
        {
            int at = checked((int)(i * phentsize));
            uint type = BitConverter.ToUInt32(table!, at);
            ulong offset = BitConverter.ToUInt64(table!, at + 8), fileSize = BitConverter.ToUInt64(table!, at + 32);
            ulong end = offset + fileSize;
            if (fileSize != 0 && (end < offset || end > size))
                return $"the file is truncated or corrupt: segment {i} ({SegmentName(type)}) needs bytes {offset} " +
                    $"to {end}, but the file has {size} bytes";
        }
        return shoff != 0 ? Table("section header", shoff, shentsize, shnum, SectionHeaderSize) : null;
    }

    static string SegmentName(uint type) => type switch
    {
        1 => "LOAD", 2 => "DYNAMIC", 3 => "INTERP", 4 => "NOTE", 6 => "PHDR", 7 => "TLS",
        0x6474e550 => "GNU_EH_FRAME", 0x6474e552 => "GNU_RELRO", 0x6474e553 => "GNU_PROPERTY",
        _ => $"type 0x{type:x}",
    };

    public static void* Find(nint library, string symbol) =>
        NativeLibrary.TryGetExport(library, symbol, out nint address) ? (void*)address : null;

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
