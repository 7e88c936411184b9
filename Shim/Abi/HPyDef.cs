using System.Runtime.InteropServices;

namespace HPyShim.Abi;

// The definition structs an extension hands the runtime (HPyDef and its parts). Layouts are HPy 0.9's.

internal enum HPyDef_Kind { Slot = 1, Meth = 2, Member = 3, GetSet = 4 }

[CStruct("HPySlot"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct HPySlot
{
    public int slot;                 // HPySlot_Slot
    public void* impl;
    public void* cpy_trampoline;
}

[CStruct("HPyMeth"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct HPyMeth
{
    public byte* name;
    public void* impl;
    public void* cpy_trampoline;
    public int signature;            // HPyFunc_Signature
    public byte* doc;
}

[CStruct("HPyMember"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct HPyMember
{
    public byte* name;
    public int type;                 // HPyMember_FieldType, the same numbers as CPython's T_*
    public nint offset;
    public int @readonly;
    public byte* doc;
}

[CStruct("HPyGetSet"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct HPyGetSet
{
    public byte* name;
    public void* getter_impl;
    public void* setter_impl;
    public void* getter_cpy_trampoline;
    public void* setter_cpy_trampoline;
    public byte* doc;
    public void* closure;
}

[CStruct("HPyDef"), StructLayout(LayoutKind.Explicit)]
internal struct HPyDef
{
    [FieldOffset(0)] public HPyDef_Kind kind;
    [FieldOffset(8)] public HPySlot slot;
    [FieldOffset(8)] public HPyMeth meth;
    [FieldOffset(8)] public HPyMember member;
    [FieldOffset(8)] public HPyGetSet getset;
}

[CStruct("HPyModuleDef"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct HPyModuleDef
{
    public byte* doc;
    public nint size;
    public void* legacy_methods;     // PyMethodDef[], NULL-terminated
    public HPyDef** defines;         // NULL-terminated
    public HPyGlobal** globals;      // NULL-terminated
}

[CStruct("HPyType_Spec"), StructLayout(LayoutKind.Sequential)]
internal unsafe struct HPyType_Spec
{
    public byte* name;
    public int basicsize;
    public int itemsize;
    public CULong flags;
    public int builtin_shape;        // HPyType_BuiltinShape
    public void* legacy_slots;       // PyType_Slot[], 0-terminated
    public HPyDef** defines;         // NULL-terminated
    public byte* doc;
}

internal enum HPyType_SpecParam_Kind { Base = 1, BasesTuple = 2, Metaclass = 3 }

[CStruct("HPyType_SpecParam"), StructLayout(LayoutKind.Sequential)]
internal struct HPyType_SpecParam
{
    public HPyType_SpecParam_Kind kind;
    public HPy @object;
}
