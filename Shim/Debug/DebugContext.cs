using System.Runtime.InteropServices;
using HPyShim.Context;
using HPyShim.CPython;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.Debug;

/// <summary>
/// The debug context and its arena: every handle an extension loaded in debug mode sees is an
/// entry of an arena this class owns (allocation in slabs, the closed-handle queue's bound,
/// generations). The per-call work is C (native/debug/*.c): a managed transition per call would
/// cost more than the check itself. C calls back into C# only to grow the arena and to report a
/// misused handle (DebugReports); the Python API is DebugPythonApi.
/// </summary>
internal static unsafe class DebugContext
{
    public const long DefaultClosedQueueSize = 1024, DefaultProtectedRawDataSize = 10 * 1024 * 1024;
    /// <summary>The window in which the char* of a handle the runtime closed (an argument lent to
    /// a call, a returned result) may still be read: its page is protected with a batch, at the
    /// latest when this many such closes have happened, or at the start of the extension call
    /// that is this many calls after the last protection (native/debug/debug_charptr.c).</summary>
    public const long DefaultRawBatchCloses = 64, DefaultRawBatchCalls = 64;
    const int SlabEntries = 512;

    static HPyContext* context;
    static readonly List<nint> slabs = [];

    /// <summary>The arena (after Instance made it).</summary>
    public static debug_arena* Arena { get; private set; }

    /// <summary>The debug context, made on first use. Requires a bound host and the GIL.</summary>
    public static HPyContext* Instance
    {
        get
        {
            if (context != null) return context;
            var a = (debug_arena*)NativeMemory.AllocZeroed((nuint)sizeof(debug_arena));
            a->closed_max = DefaultClosedQueueSize;
            a->raw_max = DefaultProtectedRawDataSize;
            a->raw_batch_closes = DefaultRawBatchCloses;
            a->raw_batch_calls = DefaultRawBatchCalls;
            a->grow = &Grow;
            DebugReports.Attach(a);
            Arena = a;
            context = shim_debug_context(UniversalContext.Instance, a);
            if (context == null) throw new OutOfMemoryException("cannot allocate the debug context");
            return context;
        }
    }

    public static bool Is(HPyContext* ctx) => context != null && ctx == context;

    /// <summary>The arena entry at `address`, or null if no entry starts there (a Python caller's
    /// id is checked before it is read).</summary>
    public static debug_handle* EntryAt(nint address)
    {
        foreach (nint slab in slabs)
        {
            long offset = (long)address - slab;
            if (offset >= 0 && offset < SlabEntries * (long)sizeof(debug_handle) && offset % sizeof(debug_handle) == 0)
                return (debug_handle*)address;
        }
        return null;
    }

    /// <summary>Adds a slab of free entries. A slab is never returned: entries cycle through the
    /// lists, so the arena's size is the most handles ever open at once plus the closed queue.</summary>
    [UnmanagedCallersOnly]
    static void Grow(debug_arena* a)
    {
        try
        {
            var slab = (debug_handle*)NativeMemory.AllocZeroed(SlabEntries, (nuint)sizeof(debug_handle));
            slabs.Add((nint)slab);
            for (int i = 0; i < SlabEntries; i++)
            {
                slab[i].magic = debug_handle.Magic;
                slab[i].state = debug_handle.Free;
                slab[i].closed_by = -1;
                a->free.Append(&slab[i]);
            }
        }
        catch (Exception)
        {
            fixed (byte* message = "HPy debug mode: out of memory for debug handles\0"u8) FatalOutput.Fatal(message);
        }
    }
}
