using System.Runtime.InteropServices;
using HPyShim.Context;
using HPyShim.CPython;

namespace HPyShim.Interop;

/// <summary>
/// The C half of libhpy (native/*/*.c), linked statically into the library. Crossing between
/// C and managed code costs more than a reference-count operation or a method dispatch, so the
/// members marked native or cpython= in api/hpy_context.api are C functions; C# fills the rest of
/// the context and keeps every other responsibility.
/// </summary>
internal static unsafe partial class NativeFastPath
{
    const string Library = "hpyshim_native";

    [DllImport(Library)]
    static extern byte* hpyshim_native_fill(HPyContext* ctx, delegate* unmanaged<HPyContext*, int, void*, void*, void> fallback);

    [DllImport(Library)]
    static extern int hpyshim_native_note_type(nint type, void* methods, nint dataOffset, void* vectorcall, void* destroy, void* traverse, int shape);

    [DllImport(Library)]
    static extern void hpyshim_native_gc_slots(void** dealloc, void** clear);

    /// <summary>tp_dealloc and tp_clear of HPy types with HPy_tp_destroy or HPy_tp_traverse (types.c):
    /// CPython calls them per object, so they are C.</summary>
    public static void* TpDealloc => GcSlot(0);
    public static void* TpClear => GcSlot(1);

    static void* GcSlot(int which)
    {
        void* dealloc, clear;
        hpyshim_native_gc_slots(&dealloc, &clear);
        return which == 0 ? dealloc : clear;
    }

    /// <summary>Drops a dead HPy type from the fast path's table.</summary>
    [DllImport(Library)]
    public static extern void hpyshim_native_forget_type(nint type);

    /// <summary>The tp_new of HPy types with a call function and no HPy_tp_new (see types.c).</summary>
    [DllImport(Library)]
    public static extern void* hpyshim_native_vectorcall_new_address();

    [DllImport(Library)]
    static extern int hpyshim_native_note_library_mode(void* initFn, int universal);

    [DllImport(Library)]
    static extern void* hpyshim_native_method_entry(int sig, void* impl, void* trampoline);

    [DllImport(Library)]
    static extern void* hpyshim_native_slot_entry(int slot, void* impl, void* trampoline);

    [DllImport(Library)]
    static extern int hpyshim_native_thunks_active(byte** reason);

    /// <summary>Before an extension's init runs: whether its functions may get thunks (universal mode).</summary>
    public static void NoteLibraryMode(void* initFn, bool universal)
    {
        if (hpyshim_native_note_library_mode(initFn, universal ? 1 : 0) != 0)
            throw new OutOfMemoryException("cannot record the mode of an HPy extension");
    }

    [DllImport(Library)]
    static extern void hpyshim_native_release_thunk(void* thunk);

    /// <summary>What CPython calls for a method or a get/set function: a thunk straight to impl
    /// (thunks.c, added to <paramref name="thunks"/>) or the trampoline.</summary>
    public static void* MethodEntry(int sig, void* impl, void* trampoline, List<nint>? thunks = null) =>
        Note(hpyshim_native_method_entry(sig, impl, trampoline), trampoline, thunks);

    /// <summary>What CPython calls for a slot: a thunk straight to impl (added to
    /// <paramref name="thunks"/>) or the trampoline.</summary>
    public static void* SlotEntry(int slot, void* impl, void* trampoline, List<nint>? thunks = null) =>
        Note(hpyshim_native_slot_entry(slot, impl, trampoline), trampoline, thunks);

    static void* Note(void* entry, void* trampoline, List<nint>? thunks)
    {
        if (entry != trampoline) thunks?.Add((nint)entry);
        return entry;
    }

    /// <summary>A thunk nothing can call any more (its type died) goes back for reuse.</summary>
    public static void ReleaseThunk(nint thunk) => hpyshim_native_release_thunk((void*)thunk);

    /// <summary>Whether calls use thunks, and if not why (for hpyshim's diagnostics).</summary>
    public static bool ThunksActive(out string? reason)
    {
        byte* why;
        bool on = hpyshim_native_thunks_active(&why) != 0;
        reason = why == null ? null : Utf8.Read(why);
        return on;
    }

    public static void Fill(HPyContext* ctx)
    {
        byte* lacking = hpyshim_native_fill(ctx, &UniversalContext.CallTrampolineFallback);
        if (lacking != null)
            throw new InvalidOperationException($"the native fast path lacks {Utf8.Read(lacking)}");
    }

    /// <summary>Tells the fast path about a new HPy type: where HPy data starts in its objects, the call
    /// trampoline they start with (HPy_New), its destroy and traverse functions (deallocation, GC) and its shape.</summary>
    public static void NoteType(nint type, void* methods, nint dataOffset, void* vectorcall, void* destroy, void* traverse, int shape)
    {
        if (hpyshim_native_note_type(type, methods, dataOffset, vectorcall, destroy, traverse, shape) != 0)
            throw new OutOfMemoryException("cannot record an HPy type for the native fast path");
    }
}
