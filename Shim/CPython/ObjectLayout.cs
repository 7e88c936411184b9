namespace HPyShim.CPython;

/// <summary>
/// The few object and type fields read directly, at the offsets of api/cpython_layout.api (the
/// same in every CPython from 3.8 to 3.13, default builds): a load beats a call into the C API.
/// </summary>
internal static unsafe class ObjectLayout
{
    // tp_flags bits the runtime tests (argument checks, deallocation).
    public const ulong TupleSubclass = Layout.TupleSubclass;
    public const ulong UnicodeSubclass = Layout.UnicodeSubclass;
    public const ulong TypeSubclass = Layout.TypeSubclass;
    public const ulong HaveGc = Layout.HaveGc;
    public const ulong HeapType = Layout.HeapType;

    public static nint TypeOf(nint obj) => *(nint*)(obj + Layout.ObType);
    public static ulong Flags(nint type) => *(ulong*)(type + Layout.TpFlags);
    public static bool HasFlag(nint obj, ulong flag) => (Flags(TypeOf(obj)) & flag) != 0;
    public static byte* TypeName(nint type) => *(byte**)(type + Layout.TpName);
    public static nint BasicSize(nint type) => *(nint*)(type + Layout.TpBasicsize);
    public static void SetBasicSize(nint type, nint size) => *(nint*)(type + Layout.TpBasicsize) = size;
    public static void SetFlags(nint type, ulong flags) => *(ulong*)(type + Layout.TpFlags) = flags;
    public static void SetType(nint obj, nint type) => *(nint*)(obj + Layout.ObType) = type;
}
