using System.Buffers.Binary;
using System.Runtime.InteropServices;
using HPyShim.CPython;
using HPyShim.Loader;

namespace HPyShim.Debug;

/// <summary>
/// Names a native code address for reports ("mymod.hpy0.so!make_point+0x2c"), at report time
/// only: recording an address costs one store per handle. The dynamic loader
/// (<see cref="NativeLibraries.DescribeAddress"/>) finds the binary and its exported symbols; a
/// function the binary does not export (a static HPy implementation, the usual case) is found in
/// the binary's ELF symbol table (.symtab), read once per binary. A stripped binary is named by
/// file and offset.
/// </summary>
internal static unsafe class NativeSymbols
{
    /// <summary>A function symbol: [Start, Start + Size) relative to the load address.</summary>
    readonly record struct Symbol(ulong Start, ulong Size, string Name);

    static readonly Dictionary<string, Symbol[]> tables = new();

    /// <summary>The path of the binary that holds `address`, or null.</summary>
    public static string? FileOf(void* address) =>
        NativeLibraries.DescribeAddress(address, out string path, out _, out _, out _) ? path : null;

    public static string Describe(void* address)
    {
        if (!NativeLibraries.DescribeAddress(address, out string path, out nint loadAddress,
                out string? exported, out nint exportedAddress))
            return $"0x{(nint)address:x}";
        string file = Path.GetFileName(path);
        ulong offset = (ulong)((nint)address - loadAddress);
        // The call's return address is just past the call: look up the byte before it.
        foreach (var s in SymbolTable(path))
            if (offset - 1 >= s.Start && offset - 1 < s.Start + Math.Max(s.Size, 1))
                return $"{file}!{s.Name}+0x{offset - s.Start:x}";
        if (exported != null)
            return $"{file}!{exported}+0x{(nint)address - exportedAddress:x}";
        return $"{file}+0x{offset:x}";
    }

    static Symbol[] SymbolTable(string path)
    {
        if (tables.TryGetValue(path, out var known)) return known;
        Symbol[] symbols;
        try { symbols = ReadElfFunctions(File.ReadAllBytes(path)); }
        catch (Exception) { symbols = []; }   // not ELF, unreadable, truncated: no names
        tables[path] = symbols;
        return symbols;
    }

    // ELF64 little-endian: the section headers give .symtab and its string table; STT_FUNC
    // symbols with a size are the functions. Offsets of the fields are those of the ELF spec.
    static Symbol[] ReadElfFunctions(byte[] elf)
    {
        var data = elf.AsSpan();
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F'
            || data[4] != 2 /* 64-bit */ || data[5] != 1 /* little-endian */)
            return [];
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(data[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(data[0x3a..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(data[0x3c..]);
        var result = new List<Symbol>();
        for (int i = 0; i < shnum; i++)
        {
            var sh = data.Slice(checked((int)shoff + i * shentsize), shentsize);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]);
            if (type != 2 /* SHT_SYMTAB */) continue;
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(sh[0x18..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(sh[0x20..]);
            uint link = BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
            ulong entsize = BinaryPrimitives.ReadUInt64LittleEndian(sh[0x38..]);
            var strtab = data.Slice(checked((int)shoff + (int)link * shentsize), shentsize);
            ulong stroff = BinaryPrimitives.ReadUInt64LittleEndian(strtab[0x18..]);
            for (ulong at = offset; entsize > 0 && at + entsize <= offset + size; at += entsize)
            {
                var sym = data.Slice(checked((int)at), (int)entsize);
                uint name = BinaryPrimitives.ReadUInt32LittleEndian(sym);
                byte info = sym[4];
                ulong value = BinaryPrimitives.ReadUInt64LittleEndian(sym[8..]);
                ulong symsize = BinaryPrimitives.ReadUInt64LittleEndian(sym[16..]);
                if ((info & 0xf) != 2 /* STT_FUNC */ || value == 0) continue;
                var names = data[checked((int)(stroff + name))..];
                int end = names.IndexOf((byte)0);
                result.Add(new Symbol(value, symsize, System.Text.Encoding.UTF8.GetString(names[..end])));
            }
        }
        return result.ToArray();
    }
}
