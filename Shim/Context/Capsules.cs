using HPyShim.CPython;

namespace HPyShim.Context;

// Capsules are CPython capsules. An HPyCapsule_Destructor carries a CPython-callable trampoline,
// which is what CPython stores and calls.
internal static unsafe partial class UniversalContext
{
    // _HPyCapsule_key
    const int CapsuleKeyPointer = 0, CapsuleKeyName = 1, CapsuleKeyContext = 2, CapsuleKeyDestructor = 3;

    /// <summary>The trampoline to hand CPython, or false (with ValueError) for a half-filled destructor.</summary>
    static bool CapsuleTrampoline(void* destructor, out void* trampoline)
    {
        trampoline = null;
        if (destructor == null) return true;
        // HPyCapsule_Destructor is { cpy_PyCapsule_Destructor cpy_trampoline; impl; }.
        var fields = (void**)destructor;
        if (fields[0] == null || fields[1] == null)
        {
            Failure.Raise(Py.PyExc_ValueError, "Invalid HPyCapsule destructor");
            return false;
        }
        trampoline = fields[0];
        return true;
    }

    internal static HPy Capsule_New(HPyContext* ctx, void* pointer, byte* utf8_name, void* destructor)
    {
        if (!CapsuleTrampoline(destructor, out void* trampoline)) return HPy.Null;
        return new HPy(Py.PyCapsule_New(pointer, utf8_name, trampoline));
    }

    internal static void* Capsule_Get(HPyContext* ctx, HPy capsule, int key, byte* utf8_name)
    {
        switch (key)
        {
            case CapsuleKeyPointer: return Py.PyCapsule_GetPointer(capsule._i, utf8_name);
            case CapsuleKeyName: return Py.PyCapsule_GetName(capsule._i);
            case CapsuleKeyContext: return Py.PyCapsule_GetContext(capsule._i);
            case CapsuleKeyDestructor:
                Failure.Raise(Py.PyExc_ValueError, "Invalid operation: get HPyCapsule_key_Destructor");
                return null;
            default:
                Failure.Raise(Py.PyExc_ValueError, "invalid HPyCapsule key");
                return null;
        }
    }

    internal static int Capsule_Set(HPyContext* ctx, HPy capsule, int key, void* value)
    {
        switch (key)
        {
            case CapsuleKeyPointer: return Py.PyCapsule_SetPointer(capsule._i, value);
            case CapsuleKeyName: return Py.PyCapsule_SetName(capsule._i, (byte*)value);
            case CapsuleKeyContext: return Py.PyCapsule_SetContext(capsule._i, value);
            case CapsuleKeyDestructor:
                if (!CapsuleTrampoline(value, out void* trampoline)) return -1;
                return Py.PyCapsule_SetDestructor(capsule._i, trampoline);
            default:
                Failure.Raise(Py.PyExc_ValueError, "invalid HPyCapsule key");
                return -1;
        }
    }
}
