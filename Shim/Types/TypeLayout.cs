namespace HPyShim.Types;

/// <summary>
/// PyTypeObject fields the type machinery reads or writes directly. The offsets are identical in
/// every CPython from 3.8 to 3.13 (checked against each version's headers), so no version switch.
/// </summary>
internal static unsafe class TypeLayout
{
    const int TpDealloc = 48, TpVectorcallOffset = 56, TpNew = 312, TpAsBuffer = 160, TpTraverse = 184, TpWeaklistOffset = 208,
        TpMethods = 232, TpBase = 256, TpAlloc = 304, TpFree = 320, TpFinalize = 392;

    public static nint Base(nint type) => *(nint*)(type + TpBase);
    public static void* Methods(nint type) => *(void**)(type + TpMethods);
    public static void* Dealloc(nint type) => *(void**)(type + TpDealloc);
    public static void* Traverse(nint type) => *(void**)(type + TpTraverse);
    public static void* Finalize(nint type) => *(void**)(type + TpFinalize);
    public static nint WeaklistOffset(nint type) => *(nint*)(type + TpWeaklistOffset);
    public static delegate* unmanaged<nint, nint, nint> Alloc(nint type) => *(delegate* unmanaged<nint, nint, nint>*)(type + TpAlloc);
    public static delegate* unmanaged<nint, void> Free(nint type) => *(delegate* unmanaged<nint, void>*)(type + TpFree);
    public static void SetVectorcallOffset(nint type, nint offset) => *(nint*)(type + TpVectorcallOffset) = offset;
    public static void* New(nint type) => *(void**)(type + TpNew);
    public static void SetAsBuffer(nint type, void* procs) => *(void**)(type + TpAsBuffer) = procs;

}
