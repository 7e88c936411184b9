using System.Runtime.InteropServices;
using HPyShim.Context;
using HPyShim.CPython;

namespace HPyShim.Native;

/// <summary>
/// The C half of libhpy (Shim/Native/*.c), linked statically into the library. Crossing between
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
    static extern int hpyshim_native_note_type(nint type, void* methods, nint dataOffset, void* vectorcall);

    /// <summary>Drops a dead HPy type from the fast path's table.</summary>
    [DllImport(Library)]
    public static extern void hpyshim_native_forget_type(nint type);

    /// <summary>The tp_new of HPy types with a call function and no HPy_tp_new (see types.c).</summary>
    [DllImport(Library)]
    public static extern void* hpyshim_native_vectorcall_new_address();

    public static void Fill(HPyContext* ctx)
    {
        byte* missing = hpyshim_native_fill(ctx, &UniversalContext.CallTrampolineFallback);
        if (missing != null)
            throw new InvalidOperationException($"CPython lacks {Utf8.Read(missing)}, which the native fast path needs");
    }

    /// <summary>Tells the fast path where HPy data starts in objects of a new HPy type and the call trampoline its objects start with (for HPy_New).</summary>
    public static void NoteType(nint type, void* methods, nint dataOffset, void* vectorcall)
    {
        if (hpyshim_native_note_type(type, methods, dataOffset, vectorcall) != 0)
            throw new OutOfMemoryException("cannot record an HPy type for the native fast path");
    }
}
