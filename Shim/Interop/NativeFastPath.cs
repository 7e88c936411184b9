using System.Runtime.InteropServices;
using HPyShim.Context;
using HPyShim.CPython;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.Interop;

/// <summary>
/// The C half of libhpy (native/*/*.c), linked statically into the library. Crossing between
/// C and managed code costs more than a reference-count operation or a method dispatch, so the
/// members marked native or cpython= in api/hpy_context.api are C functions; C# fills the rest of
/// the context and keeps every other responsibility.
/// </summary>
internal static unsafe partial class NativeFastPath
{

    /// <summary>tp_dealloc and tp_clear of HPy types with HPy_tp_destroy or HPy_tp_traverse (types.c):
    /// CPython calls them per object, so they are C.</summary>
    public static void* TpDealloc => GcSlot(0);
    public static void* TpClear => GcSlot(1);

    static void* GcSlot(int which)
    {
        void* dealloc, clear;
        shim_gc_slots(&dealloc, &clear);
        return which == 0 ? dealloc : clear;
    }

    /// <summary>Before an extension's init runs: the context its functions' thunks pass (the
    /// universal or the trace context), or null for none (debug mode keeps the trampolines).</summary>
    public static void NoteLibraryMode(void* initFn, HPyContext* thunkCtx)
    {
        if (shim_note_library_mode(initFn, thunkCtx) != 0)
            throw new OutOfMemoryException("cannot record the mode of an HPy extension");
    }

    /// <summary>What CPython calls for a method or a get/set function: a thunk straight to impl
    /// (thunks.c, added to <paramref name="thunks"/>) or the trampoline.</summary>
    public static void* MethodEntry(int sig, void* impl, void* trampoline, List<nint>? thunks = null) =>
        Note(shim_method_entry(sig, impl, trampoline), trampoline, thunks);

    /// <summary>What CPython calls for a slot: a thunk straight to impl (added to
    /// <paramref name="thunks"/>) or the trampoline.</summary>
    public static void* SlotEntry(int slot, void* impl, void* trampoline, List<nint>? thunks = null) =>
        Note(shim_slot_entry(slot, impl, trampoline), trampoline, thunks);

    static void* Note(void* entry, void* trampoline, List<nint>? thunks)
    {
        if (entry != trampoline) thunks?.Add((nint)entry);
        return entry;
    }

    /// <summary>A thunk nothing can call any more (its type died) goes back for reuse.</summary>
    public static void ReleaseThunk(nint thunk) => shim_release_thunk((void*)thunk);

    /// <summary>Whether calls use thunks, and if not why (for hpyshim's diagnostics).</summary>
    public static bool ThunksActive(out string? reason)
    {
        byte* why;
        bool on = shim_thunks_active(&why) != 0;
        reason = why == null ? null : Utf8.Read(why);
        return on;
    }

    public static void Fill(HPyContext* ctx)
    {
        byte* lacking = shim_fill_context(ctx, &UniversalContext.CallTrampolineFallback);
        if (lacking != null)
            throw new InvalidOperationException($"the native fast path lacks {Utf8.Read(lacking)}");
    }

    /// <summary>Tells the fast path about a new HPy type: where HPy data starts in its objects, the call
    /// trampoline they start with (HPy_New), its destroy and traverse functions (deallocation, GC) and its shape.</summary>
    public static void NoteType(nint type, void* methods, nint dataOffset, void* vectorcall, void* destroy, void* traverse, int shape)
    {
        if (shim_note_type(type, methods, dataOffset, vectorcall, destroy, traverse, shape) != 0)
            throw new OutOfMemoryException("cannot record an HPy type for the native fast path");
    }
}
