using System.Runtime.InteropServices;
using HPyShim.Abi;
using HPyShim.Context;
using HPyShim.CPython;
using HPyShim.Interop;

namespace HPyShim.Types;

/// <summary>CPython's Py_* type slot ids used when building a PyType_Spec (typeslots.h).</summary>
internal static class PySlotId
{
    public const int tp_call = 50, tp_clear = 51, tp_dealloc = 52, tp_doc = 56, tp_methods = 64, tp_new = 65,
        tp_members = 72, tp_getset = 73;
}

/// <summary>HPyFunc_Signature values (generated: Types/Generated/Signatures.g.cs) and what methods do with them.</summary>
internal static partial class Sig
{
    public static string Name(int sig) => NameOf(sig) is { } name ? "HPyFunc_" + name : $"HPyFunc_Signature {sig}";

    /// <summary>The ml_flags of a method with this signature, or -1 if methods cannot have it.</summary>
    public static int MethFlags(int sig) => sig switch
    {
        NOARGS => Abi.MethFlags.METH_NOARGS,
        O => Abi.MethFlags.METH_O,
        VARARGS => Abi.MethFlags.METH_FASTCALL,
        KEYWORDS => Abi.MethFlags.METH_FASTCALL | Abi.MethFlags.METH_KEYWORDS,
        _ => -1,
    };
}

/// <summary>
/// HPyType_FromSpec: turns an HPyType_Spec into a PyType_Spec and asks CPython for the heap type.
/// Everything handed to CPython (spec, slots, method/member/getset arrays, names) is allocated in
/// native memory that lives as long as the type: CPython keeps pointers into some of it for the
/// type's life (TypeRegistry frees it after the type has died).
/// </summary>
internal static unsafe class TypeBuilder
{
    const ulong HPy_TPFLAGS_HAVE_GC = Layout.HaveGc, HaveVectorcall = Layout.HaveVectorcall;
    const int T_PYSSIZET = 19;
    const string VectorcallOffsetName = "__vectorcalloffset__";

    public static HPy FromSpec(HPyType_Spec* hspec, HPyType_SpecParam* @params)
    {
        TypeRegistry.ReclaimDead();
        if (hspec == null) return Failure.RaiseNull(Py.PyExc_SystemError, "HPyType_FromSpec: spec is NULL");
        if (hspec->name == null) return Failure.RaiseNull(Py.PyExc_SystemError, "HPyType_FromSpec: spec.name is NULL");
        string name = Utf8.Read(hspec->name)!;

        // Parameters: bases, a bases tuple, a metaclass.
        int baseCount = 0, tupleCount = 0;
        nint basesTuple = 0, metaclass = 0;
        if (@params != null)
        {
            for (HPyType_SpecParam* p = @params; p->kind != 0; p++)
            {
                switch (p->kind)
                {
                    case HPyType_SpecParam_Kind.Base: baseCount++; break;
                    case HPyType_SpecParam_Kind.BasesTuple: tupleCount++; basesTuple = p->@object._i; break;
                    case HPyType_SpecParam_Kind.Metaclass:
                        if (metaclass != 0)
                            return Failure.RaiseNull(Py.PyExc_ValueError, "metaclass was specified multiple times");
                        metaclass = p->@object._i;
                        if (!TypeRegistry.IsType(metaclass))
                            return Failure.RaiseNull(Py.PyExc_TypeError,
                                $"Metaclass of '{name}' is not a subclass of 'type'.");
                        break;
                    default:
                        return Failure.RaiseNull(Py.PyExc_TypeError,
                            $"unknown HPyType_SpecParam specification for '{name}'");
                }
            }
        }
        if (tupleCount > 1)
            return Failure.RaiseNull(Py.PyExc_TypeError, "multiple specifications of HPyType_SpecParam_BasesTuple");
        if (baseCount > 0 && tupleCount > 0)
            return Failure.RaiseNull(Py.PyExc_TypeError,
                "cannot specify both HPyType_SpecParam_Base and HPyType_SpecParam_BasesTuple");

        // CPython would take a negative size as a huge unsigned one, or crash on it.
        if (hspec->basicsize < 0 || hspec->itemsize < 0)
            return Failure.RaiseNull(Py.PyExc_ValueError,
                $"HPyType_Spec of '{name}' has a negative {(hspec->basicsize < 0 ? "basicsize" : "itemsize")}");

        int shape = hspec->builtin_shape;
        nint header = Shapes.HeaderSize(shape);
        if (header < 0)
            return Failure.RaiseNull(Py.PyExc_ValueError, $"invalid shape: {shape}");

        // Walk the definitions once to learn what the type needs.
        HPyDef** defines = hspec->defines;
        int methCount = 0, memberCount = 0, getsetCount = 0, slotCount = 0;
        void* destroy = null, traverse = null, getbuffer = null, releasebuffer = null, call = null;
        bool hasNew = false;
        if (defines != null)
        {
            for (int i = 0; defines[i] != null; i++)
            {
                HPyDef* d = defines[i];
                switch (d->kind)
                {
                    case HPyDef_Kind.Meth:
                        if (d->meth.name == null)
                            return Failure.RaiseNull(Py.PyExc_ValueError, $"a method of type '{name}' has no name (HPyDef.meth.name is NULL)");
                        methCount++;
                        break;
                    case HPyDef_Kind.Member: memberCount++; break;
                    case HPyDef_Kind.GetSet: getsetCount++; break;
                    case HPyDef_Kind.Slot:
                        switch (d->slot.slot)
                        {
                            case HPySlotId.tp_destroy: destroy = d->slot.impl; break;
                            case HPySlotId.bf_getbuffer: getbuffer = d->slot.cpy_trampoline; break;
                            case HPySlotId.bf_releasebuffer: releasebuffer = d->slot.cpy_trampoline; break;
                            case HPySlotId.tp_call:
                                // Implemented with CPython's vectorcall, through a hidden field
                                // appended to the struct: impossible after variable-size items.
                                if (hspec->itemsize != 0)
                                    return Failure.RaiseNull(Py.PyExc_TypeError,
                                        "Cannot use HPy call protocol with var objects");
                                call = d->slot.cpy_trampoline;
                                break;
                            case PySlotId.tp_new: hasNew = true; slotCount++; break;
                            case HPySlotId.mod_create:
                            case HPySlotId.mod_exec:
                                return Failure.RaiseNull(Py.PyExc_TypeError,
                                    $"type '{name}': slot {d->slot.slot} (HPy_mod_create/HPy_mod_exec) is only valid in modules");
                            case HPySlotId.tp_traverse: traverse = d->slot.impl; slotCount++; break;
                            default: slotCount++; break;
                        }
                        break;
                    default:
                        return Failure.RaiseNull(Py.PyExc_TypeError,
                            $"type '{name}': unknown HPyDef kind {(int)d->kind}");
                }
            }
        }

        // Legacy slots: methods, members and getsets merge into ours, the rest is copied.
        var legacySlots = (PyType_Slot*)hspec->legacy_slots;
        PyMethodDef* legacyMethods = null;
        PyMemberDef* legacyMembers = null;
        PyGetSetDef* legacyGetsets = null;
        int legacySlotCount = 0;
        bool legacyDealloc = false;
        if (legacySlots != null)
        {
            if (shape != Shape.Legacy)
                return Failure.RaiseNull(Py.PyExc_TypeError,
                    "cannot specify .legacy_slots without setting .builtin_shape=HPyType_BuiltinShape_Legacy");
            for (int i = 0; legacySlots[i].slot != 0; i++)
            {
                switch (legacySlots[i].slot)
                {
                    case PySlotId.tp_methods: legacyMethods = (PyMethodDef*)legacySlots[i].pfunc; break;
                    case PySlotId.tp_members: legacyMembers = (PyMemberDef*)legacySlots[i].pfunc; break;
                    case PySlotId.tp_getset: legacyGetsets = (PyGetSetDef*)legacySlots[i].pfunc; break;
                    case PySlotId.tp_dealloc: legacyDealloc = true; legacySlotCount++; break;
                    default: legacySlotCount++; break;
                }
            }
        }
        bool needsDealloc = destroy != null || traverse != null;
        if (legacyDealloc && needsDealloc)
            return Failure.RaiseNull(Py.PyExc_TypeError,
                "legacy tp_dealloc is incompatible with HPy_tp_traverse or HPy_tp_destroy.");
        if ((hspec->flags.Value & HPy_TPFLAGS_HAVE_GC) != 0 && traverse == null)
            return Failure.RaiseNull(Py.PyExc_ValueError,
                "You must provide an HPy_tp_traverse slot if you specify HPy_TPFLAGS_HAVE_GC");

        // A zero basicsize inherits the base's struct; otherwise the HPy struct follows the header.
        nint basicsize = hspec->basicsize != 0 ? hspec->basicsize + header : 0;
        nint memberOffset = basicsize != 0 ? header : 0;
        int legacyMemberCount = CountMembers(legacyMembers);
        if (basicsize == 0 && memberCount + legacyMemberCount > 0)
            return Failure.RaiseNull(Py.PyExc_TypeError, "Type claims to have basicsize==0 but defines members");

        // The call protocol: the vectorcall field is a member named __vectorcalloffset__, given
        // explicitly or appended (aligned) after the struct for HPy_tp_call.
        nint vectorcallOffset = ExplicitVectorcallOffset(defines, legacyMembers, memberOffset);
        if (call != null)
        {
            if (vectorcallOffset > 0)
                return Failure.RaiseNull(Py.PyExc_TypeError,
                    "Cannot have HPy_tp_call and explicit member '__vectorcalloffset__'. Specify just one of them.");
            nint end = basicsize != 0 ? basicsize : header;
            if (end == 0)
                return Failure.RaiseNull(Py.PyExc_TypeError,
                    "Cannot use HPy call protocol with legacy types that inherit the struct. Either set " +
                    "the basicsize to a non-zero value or use legacy slot 'Py_tp_call'.");
            vectorcallOffset = (end + sizeof(nint) - 1) & ~(nint)(sizeof(nint) - 1);
            basicsize = vectorcallOffset + sizeof(nint);
        }

        // Everything allocated from here on belongs to the type, freed after it dies (or now, if
        // it is never made). Methods: always a fresh array, its address identifies the type.
        var owned = new List<nint>();
        var thunks = new List<nint>();   // the thunks CPython calls instead of trampolines (thunks.c)
        HPy made = Build();
        if (made.IsNull)
        {
            foreach (nint block in owned) NativeMemory.Free((void*)block);
            foreach (nint thunk in thunks) NativeFastPath.ReleaseThunk(thunk);
        }
        return made;

        T* Alloc<T>(int count) where T : unmanaged
        {
            var block = (T*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(T));
            owned.Add((nint)block);
            return block;
        }

        byte* Text(string text)
        {
            byte* block = Utf8.Persistent(text);
            owned.Add((nint)block);
            return block;
        }

        HPy Build()
        {
        int legacyMethodCount = CountMethods(legacyMethods);
        var methods = Alloc<PyMethodDef>(methCount + legacyMethodCount + 1);
        int m = 0;
        var members = Alloc<PyMemberDef>(memberCount + legacyMemberCount + 2);
        int mb = 0;
        int legacyGetsetCount = CountGetsets(legacyGetsets);
        var getsets = Alloc<PyGetSetDef>(getsetCount + legacyGetsetCount + 1);
        int g = 0;
        var slots = Alloc<PyType_Slot>(slotCount + legacySlotCount + 9);
        int s = 0;
        if (defines != null)
        {
            for (int i = 0; defines[i] != null; i++)
            {
                HPyDef* d = defines[i];
                switch (d->kind)
                {
                    case HPyDef_Kind.Meth:
                    {
                        int flags = Sig.MethFlags(d->meth.signature);
                        if (flags < 0)
                        {
                            Failure.RaiseWithDetail(Py.PyExc_ValueError, "Unsupported HPyMeth signature",
                                $"{Sig.Name(d->meth.signature)} for method '{Utf8.Read(d->meth.name)}' of type '{name}'");
                            return HPy.Null;
                        }
                        methods[m++] = new PyMethodDef
                        {
                            ml_name = d->meth.name, ml_flags = flags, ml_doc = d->meth.doc,
                            ml_meth = NativeFastPath.MethodEntry(d->meth.signature, d->meth.impl, d->meth.cpy_trampoline, thunks),
                        };
                        break;
                    }
                    case HPyDef_Kind.Member:
                        // An HPyField is the PyObject* itself, so HPyMember_OBJECT(_EX) are plain
                        // T_OBJECT(_EX) members.
                        members[mb++] = new PyMemberDef
                        {
                            name = d->member.name, type = d->member.type, offset = d->member.offset + memberOffset,
                            flags = d->member.@readonly != 0 ? PyMemberDef.READONLY : 0, doc = d->member.doc,
                        };
                        break;
                    case HPyDef_Kind.GetSet:
                        getsets[g++] = new PyGetSetDef
                        {
                            name = d->getset.name, doc = d->getset.doc, closure = d->getset.closure,
                            get = NativeFastPath.MethodEntry(Sig.GETTER, d->getset.getter_impl, d->getset.getter_cpy_trampoline, thunks),
                            set = NativeFastPath.MethodEntry(Sig.SETTER, d->getset.setter_impl, d->getset.setter_cpy_trampoline, thunks),
                        };
                        break;
                    case HPyDef_Kind.Slot:
                        int id = d->slot.slot;
                        if (id == HPySlotId.tp_destroy || id == HPySlotId.bf_getbuffer || id == HPySlotId.bf_releasebuffer)
                            break;   // no CPython slot: handled by the runtime below
                        slots[s++] = new PyType_Slot { slot = id, pfunc = NativeFastPath.SlotEntry(id, d->slot.impl, d->slot.cpy_trampoline, thunks) };
                        break;
                }
            }
        }
        for (int i = 0; i < legacyMethodCount; i++) methods[m++] = legacyMethods[i];
        for (int i = 0; i < legacyMemberCount; i++) members[mb++] = legacyMembers[i];
        if (call != null)
            members[mb++] = new PyMemberDef
            {
                name = Text(VectorcallOffsetName), type = T_PYSSIZET, offset = vectorcallOffset,
                flags = PyMemberDef.READONLY,
            };
        for (int i = 0; i < legacyGetsetCount; i++) getsets[g++] = legacyGetsets[i];
        if (legacySlots != null)
        {
            for (int i = 0; legacySlots[i].slot != 0; i++)
            {
                int id = legacySlots[i].slot;
                if (id != PySlotId.tp_methods && id != PySlotId.tp_members && id != PySlotId.tp_getset)
                    slots[s++] = legacySlots[i];
            }
        }
        if (hspec->doc != null) slots[s++] = new PyType_Slot { slot = PySlotId.tp_doc, pfunc = hspec->doc };
        slots[s++] = new PyType_Slot { slot = PySlotId.tp_methods, pfunc = methods };
        slots[s++] = new PyType_Slot { slot = PySlotId.tp_members, pfunc = members };
        slots[s++] = new PyType_Slot { slot = PySlotId.tp_getset, pfunc = getsets };
        if (needsDealloc)
            slots[s++] = new PyType_Slot { slot = PySlotId.tp_dealloc, pfunc = NativeFastPath.TpDealloc };
        if (traverse != null)
            slots[s++] = new PyType_Slot { slot = PySlotId.tp_clear, pfunc = NativeFastPath.TpClear };
        ulong typeFlags = hspec->flags.Value;
        if (vectorcallOffset > 0)
        {
            // CPython's generic tp_call reads the vectorcall field; without an HPy_tp_new the
            // inherited one is wrapped so that new objects get the type's call function.
            slots[s++] = new PyType_Slot { slot = PySlotId.tp_call, pfunc = (void*)Py.PyVectorcall_Call };
            if (!hasNew && !HasLegacySlot(legacySlots, PySlotId.tp_new))
                slots[s++] = new PyType_Slot { slot = PySlotId.tp_new, pfunc = NativeImports.shim_vectorcall_new_address() };
            typeFlags |= HaveVectorcall;
        }

        var spec = Alloc<PyType_Spec>(1);
        spec->name = Text(name);
        spec->basicsize = checked((int)basicsize);
        spec->itemsize = hspec->itemsize;
        // Some CPythons neither read __vectorcalloffset__ nor accept the flag before the offset is set.
        bool lateVectorcall = vectorcallOffset > 0 && !Versions.SpecReadsVectorcallOffset(Py.Version.Minor);
        spec->flags = (uint)(lateVectorcall ? typeFlags & ~HaveVectorcall : typeFlags);
        spec->slots = slots;

        // Bases: one tuple, built from the Base parameters unless a whole tuple was given.
        nint bases = 0;
        if (tupleCount > 0)
        {
            bases = basesTuple;
            Py.Py_IncRef(bases);
        }
        else if (baseCount > 0)
        {
            bases = Py.PyTuple_New(baseCount);
            if (bases == 0) return HPy.Null;
            int k = 0;
            for (HPyType_SpecParam* p = @params; p->kind != 0; p++)
            {
                if (p->kind != HPyType_SpecParam_Kind.Base) continue;
                Py.Py_IncRef(p->@object._i);
                Py.PyTuple_SetItem(bases, k++, p->@object._i);
            }
        }

        nint type = Metaclasses.FromSpec(spec, bases, metaclass);
        if (bases != 0) Py.Py_DecRef(bases);
        if (type == 0) return HPy.Null;
        if (lateVectorcall)
        {
            TypeLayout.SetVectorcallOffset(type, vectorcallOffset);
            ObjectLayout.SetFlags(type, ObjectLayout.Flags(type) | HaveVectorcall);
        }

        // The buffer protocol has no PyType_FromSpec slot on 3.8: fill tp_as_buffer directly.
        if (getbuffer != null || releasebuffer != null)
        {
            var procs = Alloc<nint>(2);
            procs[0] = (nint)getbuffer;
            procs[1] = (nint)releasebuffer;
            TypeLayout.SetAsBuffer(type, procs);
        }

        var info = new HPyTypeInfo
        {
            Type = type, Methods = methods, Shape = shape, Header = header, Destroy = destroy, Traverse = traverse,
            Call = call, Owned = owned, Thunks = thunks,
        };
        if (shape == Shape.Legacy)
        {
            // A legacy struct starts with PyObject_HEAD, so it cannot extend a pure HPy struct.
            HPyTypeInfo? baseInfo = TypeRegistry.Nearest(TypeLayout.Base(type));
            if (baseInfo != null && baseInfo.Shape != Shape.Legacy)
            {
                Py.Py_DecRef(type);
                return Failure.RaiseNull(Py.PyExc_TypeError,
                    "A legacy type should not inherit its memory layout from a pure type");
            }
        }
        TypeRegistry.Add(info);
        return new HPy(type);
        }
    }

    /// <summary>The CPython offset of an explicit __vectorcalloffset__ member (HPy or legacy), or 0.</summary>
    static nint ExplicitVectorcallOffset(HPyDef** defines, PyMemberDef* legacyMembers, nint memberOffset)
    {
        if (defines != null)
            for (int i = 0; defines[i] != null; i++)
                if (defines[i]->kind == HPyDef_Kind.Member && Utf8.Read(defines[i]->member.name) == VectorcallOffsetName)
                    return defines[i]->member.offset + memberOffset;
        if (legacyMembers != null)
            for (int i = 0; legacyMembers[i].name != null; i++)
                if (Utf8.Read(legacyMembers[i].name) == VectorcallOffsetName)
                    return legacyMembers[i].offset;
        return 0;
    }

    static bool HasLegacySlot(PyType_Slot* slots, int id)
    {
        if (slots != null)
            for (int i = 0; slots[i].slot != 0; i++)
                if (slots[i].slot == id) return true;
        return false;
    }

    static int CountMethods(PyMethodDef* defs)
    {
        int n = 0;
        if (defs != null) while (defs[n].ml_name != null) n++;
        return n;
    }

    static int CountMembers(PyMemberDef* defs)
    {
        int n = 0;
        if (defs != null) while (defs[n].name != null) n++;
        return n;
    }

    static int CountGetsets(PyGetSetDef* defs)
    {
        int n = 0;
        if (defs != null) while (defs[n].name != null) n++;
        return n;
    }
}
