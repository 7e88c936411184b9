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
    public static void SetVectorcallOffset(nint type, nint offset) => *(nint*)(type + Layout.TpVectorcallOffset) = offset;
    public static void* New(nint type) => *(void**)(type + Layout.TpNew);
    public static void SetAsBuffer(nint type, void* procs) => *(void**)(type + Layout.TpAsBuffer) = procs;
}
