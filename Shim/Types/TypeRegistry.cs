using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HPyShim.Abi;
using HPyShim.CPython;
using HPyShim.Interop;

namespace HPyShim.Types;

/// <summary>What the runtime remembers about a type made by HPyType_FromSpec.</summary>
internal sealed unsafe class HPyTypeInfo
{
    public nint Type;
    public void* Methods;        // the type's tp_methods array: ours, unique while the type lives
    public int Shape;
    public nint Header;          // where the HPy data starts in an object (0 for Legacy)
    public void* Destroy;        // HPyFunc_destroyfunc or null
    public void* Traverse;       // HPyFunc_traverseproc or null
    public void* Call;           // the HPy_tp_call trampoline (a vectorcallfunc) or null
    public List<nint> Owned = new();   // native memory made for the type (Methods among it), freed after it dies
    public List<nint> Thunks = new();  // its methods' and slots' thunks, released after it dies
    public nint Weakref;         // tells the registry that the type died

    public nint Payload(nint obj) => obj + Header;
}

/// <summary>
/// The side table of HPy types, keyed by type object. No tp_flags bit marks them (spare bits
/// get taken by newer CPythons). A dead type's address can be reused by another type, so an
/// entry only counts if the type still has the tp_methods array that was built for it.
/// A weak reference to each type notes its death; the entry and the type's native memory go at
/// the next type creation or module load, not in the callback itself: the garbage collector
/// calls it before it frees the type's remaining instances, whose deallocation still needs the
/// entry. The tp_methods array is freed only with the entry, so while an entry exists no other
/// type can have its array.
/// </summary>
internal static unsafe class TypeRegistry
{
    static readonly Dictionary<nint, HPyTypeInfo> types = new();
    static readonly Dictionary<nint, HPyTypeInfo> byWeakref = new();
    static readonly List<nint> died = new();
    static nint deathCallback;

    public static void Add(HPyTypeInfo info)
    {
        types[info.Type] = info;
        NativeFastPath.NoteType(info.Type, info.Methods, info.Header, info.Call, info.Destroy, info.Traverse, info.Shape);
        nint callback = DeathCallback();
        info.Weakref = callback != 0 ? Py.PyWeakref_NewRef(info.Type, callback) : 0;
        if (info.Weakref != 0)
            byWeakref[info.Weakref] = info;
        else
            Py.PyErr_Clear();   // without the reference the type's memory is simply kept
    }

    /// <summary>The number of HPy types alive or not yet reclaimed (for tests).</summary>
    public static int Count => types.Count;

    /// <summary>Forgets the HPy types that died since the last call and frees their memory.</summary>
    public static void ReclaimDead()
    {
        if (died.Count == 0) return;
        foreach (nint weakref in died)
        {
            if (!byWeakref.Remove(weakref, out HPyTypeInfo? info)) continue;
            if (types.TryGetValue(info.Type, out HPyTypeInfo? current) && current == info)
            {
                types.Remove(info.Type);
                NativeImports.shim_forget_type(info.Type);
            }
            foreach (nint block in info.Owned) NativeMemory.Free((void*)block);
            info.Owned.Clear();
            foreach (nint thunk in info.Thunks) NativeFastPath.ReleaseThunk(thunk);
            info.Thunks.Clear();
            Py.Py_DecRef(weakref);
        }
        died.Clear();
    }

    static nint DeathCallback()
    {
        if (deathCallback != 0) return deathCallback;
        var def = (PyMethodDef*)NativeMemory.AllocZeroed((nuint)sizeof(PyMethodDef));   // kept for good
        def->ml_name = Utf8.Persistent("hpyshim_type_died");
        def->ml_meth = (delegate* unmanaged<nint, nint, nint>)&TypeDied;
        def->ml_flags = MethFlags.METH_O;
        return deathCallback = Py.PyCFunction_NewEx(def, 0, 0);
    }

    [UnmanagedCallersOnly]
    static nint TypeDied(nint self, nint weakref)
    {
        try { died.Add(weakref); }
        catch { /* the type's memory stays allocated */ }
        nint none = Py._Py_NoneStruct;
        Py.Py_IncRef(none);
        return none;
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
