namespace HPyShim.CPython;

/// <summary>
/// The few object and type fields read directly. Their offsets are the same in every CPython from
/// 3.8 to 3.13 (default, non-free-threaded builds), so a load beats a call into the C API.
/// </summary>
internal static unsafe class ObjectLayout
{
    const int ObTypeOffset = 8;
    const int TpNameOffset = 24;
    const int TpBasicSizeOffset = 32;
    const int TpFlagsOffset = 168;

    // tp_flags bits the runtime tests (argument checks, deallocation).
    public const ulong TupleSubclass = 1UL << 26;
    public const ulong UnicodeSubclass = 1UL << 28;
    public const ulong TypeSubclass = 1UL << 31;
    public const ulong HaveGc = 1UL << 14;
    public const ulong HeapType = 1UL << 9;

    public static nint TypeOf(nint obj) => *(nint*)(obj + ObTypeOffset);
    public static ulong Flags(nint type) => *(ulong*)(type + TpFlagsOffset);
    public static bool HasFlag(nint obj, ulong flag) => (Flags(TypeOf(obj)) & flag) != 0;
    public static byte* TypeName(nint type) => *(byte**)(type + TpNameOffset);
    public static nint BasicSize(nint type) => *(nint*)(type + TpBasicSizeOffset);
    public static void SetBasicSize(nint type, nint size) => *(nint*)(type + TpBasicSizeOffset) = size;
    public static void SetFlags(nint type, ulong flags) => *(ulong*)(type + TpFlagsOffset) = flags;
    public static void SetType(nint obj, nint type) => *(nint*)(obj + ObTypeOffset) = type;
}
