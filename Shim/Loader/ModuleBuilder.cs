using System.Runtime.InteropServices;
using HPyShim.Abi;
using HPyShim.Context;
using HPyShim.CPython;
using HPyShim.Interop;
using HPyShim.Debug;
using HPyShim.Types;

namespace HPyShim.Loader;

/// <summary>
/// Makes the module object from an HPyModuleDef. The runtime runs the HPy_mod_create and
/// HPy_mod_exec implementations itself; CPython only sees a PyModuleDef without slots, whose
/// method table and name stay allocated for the life of the process (one per library and name).
/// </summary>
internal static unsafe class ModuleBuilder
{
    const string CreateAloneMessage =
        "This is not allowed because custom HPy_mod_create slot cannot return a builtin module " +
        "object and cannot make any use of any other data defined in the HPyModuleDef. Either do " +
        "not define HPy_mod_create slot and let the runtime create a builtin module object from the " +
        "provided HPyModuleDef, or do not define anything else but the HPy_mod_create slot.";

    public static nint Create(HPyContext* ctx, string name, string path, HPyModuleDef* def, nint spec)
    {
        string where = $"HPy extension module '{name}' ('{path}')";
        if (def->size < 0)
            return SystemError($"HPy does not permit HPyModuleDef.size < 0 ({where})");

        // Sort the definitions: methods, the create slot, the exec slots.
        HPyDef** defines = def->defines;
        int methCount = 0;
        void* create = null;
        var execs = new List<nint>();
        if (defines != null)
        {
            for (int i = 0; defines[i] != null; i++)
            {
                HPyDef* d = defines[i];
                switch (d->kind)
                {
                    case HPyDef_Kind.Meth:
                        if (d->meth.name == null)
                            return SystemError($"a function of {where} has no name (HPyDef.meth.name is NULL)");
                        if (Sig.MethFlags(d->meth.signature) < 0)
                        {
                            Failure.RaiseWithDetail(Py.PyExc_ValueError, "Unsupported HPyMeth signature",
                                $"{Sig.Name(d->meth.signature)} for function '{Utf8.Read(d->meth.name)}' of {where}");
                            return 0;
                        }
                        methCount++;
                        break;
                    case HPyDef_Kind.Slot when d->slot.slot == HPySlotId.mod_create:
                        if (create != null)
                            return SystemError($"Multiple definitions of the HPy_mod_create slot in HPyModuleDef.defines ({where}).");
                        create = d->slot.impl;
                        break;
                    case HPyDef_Kind.Slot when d->slot.slot == HPySlotId.mod_exec:
                        execs.Add((nint)d->slot.impl);
                        break;
                    case HPyDef_Kind.Slot:
                        return SystemError($"Unsupported slot in HPyModuleDef.defines (value: {d->slot.slot}) ({where}).");
                    case HPyDef_Kind.Member:
                    case HPyDef_Kind.GetSet:
                        return SystemError($"HPyModuleDef.defines of {where} contains a " +
                            $"{(d->kind == HPyDef_Kind.Member ? "member" : "get-set descriptor")} " +
                            "definition; only methods and the HPy_mod_create/HPy_mod_exec slots are allowed in modules");
                    default:
                        return SystemError($"Unknown HPyDef kind {(int)d->kind} in HPyModuleDef.defines ({where}).");
                }
            }
        }

        bool ownSpec = false;
        if (spec == 0 || spec == NoneObject())
        {
            spec = MakeSpec(name, path);
            if (spec == 0) return 0;
            ownSpec = true;
        }
        try
        {
            if (create != null)
            {
                if (methCount > 0 || execs.Count > 0)
                    return SystemError("HPyModuleDef defines a HPy_mod_create slot and some other slots or methods. " +
                        CreateAloneMessage + $" ({where})");
                if (def->legacy_methods != null || def->size > 0 || def->doc != null || def->globals != null)
                    return SystemError("HPyModuleDef defines a HPy_mod_create slot and some of the other fields " +
                        "are not set to their default value. " + CreateAloneMessage + $" ({where})");
                // In debug mode the slot gets debug handles, lent for the call.
                nint obj = DebugContext.Is(ctx)
                    ? NativeImports.shim_debug_call_create(ctx, create, spec)
                    : ((delegate* unmanaged<HPyContext*, nint, nint>)create)(ctx, spec);
                if (obj == 0)
                {
                    if (Py.PyErr_Occurred() == 0)
                        SystemError($"the HPy_mod_create slot of {where} returned NULL without setting an exception");
                    return 0;
                }
                if (TypeRegistry.IsModule(obj))
                {
                    Py.Py_DecRef(obj);
                    return SystemError("HPy_mod_create slot returned a builtin module object. This is currently not supported.");
                }
                return obj;
            }

            PyModuleDef* pydef = ModuleDefFor(def, name, defines, methCount);

            nint module = Py.PyModule_FromDefAndSpec2(pydef, spec, Py.PythonApiVersion);
            if (module == 0) return 0;
            // Without slots this only allocates the zeroed module state (size > 0).
            if (Py.PyModule_ExecDef(module, pydef) != 0)
            {
                Py.Py_DecRef(module);
                if (Py.PyErr_Occurred() != 0 && Py.PyErr_ExceptionMatches(Py.PyExc_MemoryError) != 0)
                {
                    Py.PyErr_Clear();
                    Failure.Raise(Py.PyExc_MemoryError,
                        $"cannot allocate the module state of {where}: HPyModuleDef.size is {def->size} bytes");
                }
                return 0;
            }
            if (!SetFile(module, path))
            {
                Py.Py_DecRef(module);
                return 0;
            }
            // HPyGlobals keep what they hold: a reload's exec slot stores over it, and the store
            // releases the old object (resetting them here leaked it, types included).
            if (RunExecs(ctx, execs, module, where) != 0)
            {
                Py.Py_DecRef(module);
                return 0;
            }
            return module;
        }
        finally
        {
            if (ownSpec) Py.Py_DecRef(spec);
        }
    }

    /// <summary>The HPy_mod_exec slots in order, on the module: 0, or -1 with an exception set.</summary>
    static int RunExecs(HPyContext* ctx, List<nint> execs, nint module, string where)
    {
        foreach (nint exec in execs)
        {
            int r = DebugContext.Is(ctx)
                ? NativeImports.shim_debug_call_exec(ctx, (void*)exec, module)
                : ((delegate* unmanaged<HPyContext*, nint, int>)exec)(ctx, module);
            if (r != 0)
            {
                if (Py.PyErr_Occurred() == 0)
                    SystemError($"the HPy_mod_exec slot of {where} failed without setting an exception");
                return -1;
            }
        }
        return 0;
    }

    /// <summary>Runs the exec slots again on a module this definition made (importlib.reload).</summary>
    public static int Reexec(HPyContext* ctx, string name, string path, HPyModuleDef* def, nint module)
    {
        string where = $"HPy extension module '{name}' ('{path}')";
        var execs = new List<nint>();
        HPyDef** defines = def->defines;
        if (defines != null)
        {
            for (int i = 0; defines[i] != null; i++)
            {
                if (defines[i]->kind != HPyDef_Kind.Slot) continue;
                if (defines[i]->slot.slot == HPySlotId.mod_create)
                {
                    Failure.Raise(Py.PyExc_ImportError, $"cannot reload {where}: its HPy_mod_create slot made the " +
                        "module object, and a new one would not be the object being reloaded; import it afresh instead");
                    return -1;
                }
                if (defines[i]->slot.slot == HPySlotId.mod_exec) execs.Add((nint)defines[i]->slot.impl);
            }
        }
        if (!TypeRegistry.IsModule(module))
        {
            Failure.Raise(Py.PyExc_TypeError, $"cannot reload {where}: the object to reload is not a module");
            return -1;
        }
        return RunExecs(ctx, execs, module, where);
    }

    static readonly Dictionary<(nint Def, string Name), nint> moduleDefs = new();

    /// <summary>
    /// The PyModuleDef for this HPyModuleDef and name: made once and shared by every load of the
    /// same library as the same name (extension libraries are never unloaded, so the HPyModuleDef
    /// stays put); module and function objects point into it, so it lives as long as the process.
    /// </summary>
    static PyModuleDef* ModuleDefFor(HPyModuleDef* def, string name, HPyDef** defines, int methCount)
    {
        if (moduleDefs.TryGetValue(((nint)def, name), out nint known)) return (PyModuleDef*)known;
        var pydef = (PyModuleDef*)NativeMemory.AllocZeroed((nuint)sizeof(PyModuleDef));
        pydef->m_name = Utf8.Persistent(name);
        pydef->m_doc = def->doc;
        pydef->m_size = def->size;
        pydef->m_methods = MethodTable(defines, methCount, (PyMethodDef*)def->legacy_methods);
        moduleDefs[((nint)def, name)] = (nint)pydef;
        return pydef;
    }

    /// <summary>The HPy methods then the legacy ones, NULL-terminated; never freed.</summary>
    static PyMethodDef* MethodTable(HPyDef** defines, int methCount, PyMethodDef* legacy)
    {
        int legacyCount = 0;
        if (legacy != null) while (legacy[legacyCount].ml_name != null) legacyCount++;
        var table = (PyMethodDef*)NativeMemory.AllocZeroed((nuint)(methCount + legacyCount + 1), (nuint)sizeof(PyMethodDef));
        int n = 0;
        if (defines != null)
        {
            for (int i = 0; defines[i] != null; i++)
            {
                HPyDef* d = defines[i];
                if (d->kind != HPyDef_Kind.Meth) continue;
                table[n++] = new PyMethodDef
                {
                    ml_name = d->meth.name,
                    ml_meth = NativeFastPath.MethodEntry(d->meth.signature, d->meth.impl, d->meth.cpy_trampoline),
                    ml_flags = Sig.MethFlags(d->meth.signature), ml_doc = d->meth.doc,
                };
            }
        }
        for (int i = 0; i < legacyCount; i++) table[n++] = legacy[i];
        return table;
    }

    static bool SetFile(nint module, string path)
    {
        byte* text = Utf8.Persistent(path);
        nint file = Py.PyUnicode_DecodeFSDefault(text);
        NativeMemory.Free(text);
        if (file == 0) return false;
        int r;
        fixed (byte* attr = "__file__"u8) r = Py.PyObject_SetAttrString(module, attr, file);
        Py.Py_DecRef(file);
        return r == 0;
    }

    static nint NoneObject() => Py._Py_NoneStruct;

    /// <summary>importlib.machinery.ModuleSpec(name, None, origin=path), for loads without a spec.</summary>
    static nint MakeSpec(string name, string path)
    {
        nint machinery, specType;
        fixed (byte* m = "importlib.machinery"u8) machinery = Py.PyImport_ImportModule(m);
        if (machinery == 0) return 0;
        fixed (byte* attr = "ModuleSpec"u8) specType = Py.PyObject_GetAttrString(machinery, attr);
        Py.Py_DecRef(machinery);
        if (specType == 0) return 0;
        nint args = Py.PyTuple_New(2), spec = 0;
        if (args != 0)
        {
            byte* text = Utf8.Persistent(name);
            nint nameObj = Py.PyUnicode_FromString(text);
            NativeMemory.Free(text);
            if (nameObj != 0)
            {
                Py.PyTuple_SetItem(args, 0, nameObj);
                Py.Py_IncRef(NoneObject());
                Py.PyTuple_SetItem(args, 1, NoneObject());
                spec = Py.PyObject_CallObject(specType, args);
            }
            Py.Py_DecRef(args);
        }
        Py.Py_DecRef(specType);
        if (spec != 0)
        {
            byte* text = Utf8.Persistent(path);
            nint origin = Py.PyUnicode_DecodeFSDefault(text);
            NativeMemory.Free(text);
            int r = -1;
            if (origin != 0)
            {
                fixed (byte* attr = "origin"u8) r = Py.PyObject_SetAttrString(spec, attr, origin);
                Py.Py_DecRef(origin);
            }
            if (r != 0)
            {
                Py.Py_DecRef(spec);
                spec = 0;
            }
        }
        return spec;
    }

    static nint SystemError(string message)
    {
        Failure.Raise(Py.PyExc_SystemError, message);
        return 0;
    }
}
