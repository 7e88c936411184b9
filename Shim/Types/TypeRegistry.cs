using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HPyShim.Abi;
using HPyShim.CPython;
using HPyShim.Native;

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
        NativeFastPath.NoteType(info.Type, info.Methods, info.Header, info.Call);
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
                NativeFastPath.hpyshim_native_forget_type(info.Type);
            }
            foreach (nint block in info.Owned) NativeMemory.Free((void*)block);
            info.Owned.Clear();
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
        nint none = HostObjects.Object("_Py_NoneStruct")._i;
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

    public static int ShapeOf(nint type) => Nearest(type)?.Shape ?? Shape.Legacy;

    public static bool IsType(nint obj) => obj != 0 && ObjectLayout.HasFlag(obj, ObjectLayout.TypeSubclass);

    public static bool IsModule(nint obj)
    {
        nint type = ObjectLayout.TypeOf(obj);
        return type == Py.PyModule_Type || Py.PyType_IsSubtype(type, Py.PyModule_Type) != 0;
    }
}

/// <summary>The C functions HPy types get from the runtime rather than from the extension.</summary>
internal static unsafe class TypeSlots
{
    /// <summary>tp_dealloc of types with HPy_tp_destroy or HPy_tp_traverse.</summary>
    [UnmanagedCallersOnly]
    public static void Dealloc(nint self)
    {
        try
        {
            nint type = ObjectLayout.TypeOf(self);
            // A Python subclass's deallocator has run the finalizer already; only the type whose
            // own tp_dealloc this is runs it (else a non-GC object would be finalized twice).
            bool leaf = TypeLayout.Dealloc(type) == (delegate* unmanaged<nint, void>)&Dealloc;
            if (leaf && TypeLayout.Finalize(type) != null && Py.PyObject_CallFinalizerFromDealloc(self) < 0)
                return;   // resurrected
            if ((ObjectLayout.Flags(type) & ObjectLayout.HaveGc) != 0) Py.PyObject_GC_UnTrack(self);
            if (TypeLayout.WeaklistOffset(type) > 0) Py.PyObject_ClearWeakRefs(self);
            ClearFields(self, type);
            // Every HPy type of the hierarchy destroys its own part, the most derived first.
            for (nint t = type; t != 0; t = TypeLayout.Base(t))
            {
                HPyTypeInfo? info = TypeRegistry.Find(t);
                if (info?.Destroy != null)
                    ((delegate* unmanaged<void*, void>)info.Destroy)((void*)info.Payload(self));
            }
            TypeLayout.Free(type)(self);
            if ((ObjectLayout.Flags(type) & ObjectLayout.HeapType) != 0) Py.Py_DecRef(type);
        }
        catch
        {
            // Nothing may unwind into CPython's deallocator; the object leaks instead.
        }
    }

    /// <summary>tp_clear of types with HPy_tp_traverse: drops every HPyField.</summary>
    [UnmanagedCallersOnly]
    public static int Clear(nint self)
    {
        try { ClearFields(self, ObjectLayout.TypeOf(self)); }
        catch { /* see Dealloc */ }
        return 0;
    }

    static void ClearFields(nint self, nint type)
    {
        for (nint t = type; t != 0; t = TypeLayout.Base(t))
        {
            HPyTypeInfo? info = TypeRegistry.Find(t);
            if (info?.Traverse != null)
                ((delegate* unmanaged<void*, delegate* unmanaged<HPyField*, void*, int>, void*, int>)info.Traverse)(
                    (void*)info.Payload(self), &DecrefVisitor, null);
        }
    }

    [UnmanagedCallersOnly]
    static int DecrefVisitor(HPyField* field, void* arg)
    {
        nint old = field->_i;
        field->_i = 0;
        if (old != 0) Py.Py_DecRef(old);
        return 0;
    }

    /// <summary>CPython's visitproc and its argument, for <see cref="ForwardVisitor"/>.</summary>
    public struct VisitArgs
    {
        public delegate* unmanaged<nint, void*, int> Visit;
        public void* Arg;
    }

    /// <summary>The HPyFunc_visitproc handed to an HPy traverse: an HPyField is its PyObject*.</summary>
    [UnmanagedCallersOnly]
    public static int ForwardVisitor(HPyField* field, void* arg)
    {
        var a = (VisitArgs*)arg;
        return field->_i == 0 ? 0 : a->Visit(field->_i, a->Arg);
    }

    /// <summary>
    /// Runs an HPy traverse for CPython's GC: it visits exactly the fields the extension visits,
    /// as HPy's runtime does (so gc.get_referents shows what HPy_VISIT named). It does not add the
    /// type, which 3.9+ asks of heap types: as with HPy's runtime, a cycle through an object's
    /// reference to its own type is not collected (see README, "How it works").
    /// </summary>
    public static int Traverse(void* impl, nint self, delegate* unmanaged<nint, void*, int> visit, void* arg)
    {
        nint type = ObjectLayout.TypeOf(self);
        HPyTypeInfo? info = null;
        for (nint t = type; t != 0 && info == null; t = TypeLayout.Base(t))
        {
            HPyTypeInfo? candidate = TypeRegistry.Find(t);
            if (candidate != null && candidate.Traverse == impl) info = candidate;
        }
        info ??= TypeRegistry.Nearest(type);
        nint payload = info?.Payload(self) ?? self;
        VisitArgs args = new() { Visit = visit, Arg = arg };
        return ((delegate* unmanaged<void*, delegate* unmanaged<HPyField*, void*, int>, void*, int>)impl)(
            (void*)payload, &ForwardVisitor, &args);
    }
}
