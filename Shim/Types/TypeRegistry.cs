using System.Runtime.CompilerServices;
using HPyShim.CPython;
using HPyShim.Native;

namespace HPyShim.Types;

/// <summary>What the runtime remembers about a type made by HPyType_FromSpec.</summary>
internal sealed unsafe class HPyTypeInfo
{
    public nint Type;
    public void* Methods;        // the type's tp_methods array: ours, unique, never freed
    public int Shape;
    public nint Header;          // where the HPy data starts in an object (0 for Legacy)
    public void* Destroy;        // HPyFunc_destroyfunc or null
    public void* Traverse;       // HPyFunc_traverseproc or null
    public void* Call;           // the HPy_tp_call trampoline (a vectorcallfunc) or null

    public nint Payload(nint obj) => obj + Header;
}

/// <summary>
/// The side table of HPy types, keyed by type object. No tp_flags bit marks them (spare bits
/// get taken by newer CPythons). A dead type's address can be reused by another type, so an
/// entry only counts if the type still has the tp_methods array that was built for it: those
/// arrays are never freed, so no other type can ever have the same one.
/// </summary>
internal static unsafe class TypeRegistry
{
    static readonly Dictionary<nint, HPyTypeInfo> types = new();

    public static void Add(HPyTypeInfo info)
    {
        types[info.Type] = info;
        NativeFastPath.NoteType(info.Type, info.Methods, info.Header, info.Call, info.Destroy, info.Traverse, info.Shape);
    }

    /// <summary>The info of this very type, or null if it is not an HPy type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HPyTypeInfo? Find(nint type) =>
        types.TryGetValue(type, out HPyTypeInfo? info) && info.Methods == TypeLayout.Methods(type) ? info : null;

    /// <summary>The nearest HPy type along the tp_base chain (Python subclasses included).</summary>
    public static HPyTypeInfo? Nearest(nint type)
    {
        for (nint t = type; t != 0; t = TypeLayout.Base(t))
        {
            HPyTypeInfo? info = Find(t);
            if (info != null) return info;
        }
        return null;
    }

    public static bool IsType(nint obj) => obj != 0 && ObjectLayout.HasFlag(obj, ObjectLayout.TypeSubclass);

    public static bool IsModule(nint obj)
    {
        nint type = ObjectLayout.TypeOf(obj);
        return type == Py.PyModule_Type || Py.PyType_IsSubtype(type, Py.PyModule_Type) != 0;
    }
}
