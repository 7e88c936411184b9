using HPyShim.CPython;

namespace HPyShim.Types;

/// <summary>
/// PyTypeObject fields the type machinery reads or writes directly, at the offsets of
/// api/cpython_layout.api (identical in every CPython from 3.8 to 3.13; LayoutTests checks them
/// against each version's headers), so no version switch.
/// </summary>
internal static unsafe class TypeLayout
{
    public static nint Base(nint type) => *(nint*)(type + Layout.TpBase);
    public static void* Methods(nint type) => *(void**)(type + Layout.TpMethods);
    public static void* Dealloc(nint type) => *(void**)(type + Layout.TpDealloc);
    public static void* Traverse(nint type) => *(void**)(type + Layout.TpTraverse);
    public static void* Finalize(nint type) => *(void**)(type + Layout.TpFinalize);
    public static nint WeaklistOffset(nint type) => *(nint*)(type + Layout.TpWeaklistOffset);
    public static delegate* unmanaged<nint, nint, nint> Alloc(nint type) => *(delegate* unmanaged<nint, nint, nint>*)(type + Layout.TpAlloc);
    public static delegate* unmanaged<nint, void> Free(nint type) => *(delegate* unmanaged<nint, void>*)(type + Layout.TpFree);
    public static void SetVectorcallOffset(nint type, nint offset) => *(nint*)(type + Layout.TpVectorcallOffset) = offset;
    public static void* New(nint type) => *(void**)(type + Layout.TpNew);
    public static void SetAsBuffer(nint type, void* procs) => *(void**)(type + Layout.TpAsBuffer) = procs;
}
