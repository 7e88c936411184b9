using System.Runtime.InteropServices;
using HPyShim.Abi;
using HPyShim.Context;

namespace HPyShim.Debug;

// The debug handle arena's structs, twins of native/debug/debug.h (checked by the layout tests).
// C# allocates the arena and every entry; the generated C wrappers move entries between lists.

[CStruct("debug_handle", "debug")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct debug_handle
{
    public debug_handle* prev, next;
    public nint obj;
    public ulong generation;
    public uint magic, state, flags;
    public int closed_by;
    public void* opened_at;
    public nint code;
    public long instr;
    public void* raw;
    public long raw_size;
    public void** stack;
    public int stack_depth, stack_capacity;

    public const uint Magic = 0x48505944;
    public const uint Free = 0, Open = 1, Closed = 2;
    public const uint Immortal = 1, Borrowed = 2;
}

[CStruct("debug_list", "debug")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct debug_list
{
    public debug_handle* head, tail;
    public long size;

    public void Append(debug_handle* h)
    {
        h->next = null;
        h->prev = tail;
        if (tail != null) tail->next = h; else head = h;
        tail = h;
        size++;
    }
}

[CStruct("debug_arena", "debug")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct debug_arena
{
    public debug_list open, closed, free;
    public long closed_max;
    public long raw_max, raw_kept;
    public ulong generation;
    public HPyContext* uctx, dctx;
    public delegate* unmanaged<debug_arena*, void> grow;
    public delegate* unmanaged<debug_handle*, int, int, int, debug_handle*, void**, int, void> invalid;
    public delegate* unmanaged<debug_handle*, void*, int, byte*> describe;
    public long stack_limit;
    public long raw_batch_closes, raw_batch_calls;
}
