using System.Runtime.InteropServices;
using HPyShim.Context;
using HPyShim.CPython;
using static HPyShim.Interop.NativeImports;
using static HPyShim.Interop.PythonModule;

namespace HPyShim.Trace;

/// <summary>The trace methods of hpyshim._libhpy (declared in api/boundary.api), behind
/// launcher/hpyshim/trace.py.</summary>
internal static unsafe class TracePythonApi
{
    static nint onEnter, onExit;   // Python callables (owned) or 0
    static readonly Dictionary<int, nint> names = [];   // each member's "ctx_Name" as a str, made once

    public static nint State()
    {
        _ = TraceContext.Instance;
        ulong* clock = stackalloc ulong[3];
        shim_trace_clock(clock);
        var members = new List<nint>();
        ulong* counts = stackalloc ulong[3];
        for (int i = 0; shim_trace_read(i, counts) == 0; i++)
        {
            nint name = MemberName(i);
            // a failed name makes this row 0, so the tuple of rows below releases them all and is 0
            members.Add(name == 0 ? 0 : Tuple(NewReference(name), Py.PyLong_FromUnsignedLongLong(counts[0]),
                Py.PyLong_FromUnsignedLongLong(counts[1]), Py.PyLong_FromUnsignedLongLong(counts[2])));
        }
        return Tuple(Py.PyLong_FromUnsignedLongLong(clock[0]), Py.PyLong_FromUnsignedLongLong(clock[1]),
            Py.PyLong_FromUnsignedLongLong(clock[2]), Tuple([.. members]));
    }

    /// <summary>The member's name as a str, borrowed (kept for good); 0 with an exception set.</summary>
    static nint MemberName(int member)
    {
        if (names.TryGetValue(member, out nint known)) return known;
        byte* text = shim_member_name(member, 1);
        if (text == null)
        {
            Failure.Raise(Py.PyExc_SystemError, $"HPy Shim trace: no context member {member}");
            return 0;
        }
        nint name = Py.PyUnicode_FromString(text);
        if (name != 0) names[member] = name;
        return name;
    }

    public static void SetHooks(nint enter, nint exit)
    {
        _ = TraceContext.Instance;
        foreach (nint f in new[] { enter, exit })
            if (f != Py._Py_NoneStruct && Py.PyCallable_Check(f) == 0)
            {
                Failure.Raise(Py.PyExc_TypeError, "Expected a callable object or None");
                return;
            }
        Replace(ref onEnter, enter);
        Replace(ref onExit, exit);
        shim_trace_set_hooks(onEnter != 0 ? (delegate* unmanaged<int, int>)&OnEnter : null,
            onExit != 0 ? (delegate* unmanaged<int, int>)&OnExit : null);
    }

    static void Replace(ref nint slot, nint function)
    {
        if (function == Py._Py_NoneStruct) function = 0;
        if (function != 0) Py.Py_IncRef(function);
        if (slot != 0) Py.Py_DecRef(slot);
        slot = function;
    }

    [UnmanagedCallersOnly]
    static int OnEnter(int member) => Call(onEnter, member);

    [UnmanagedCallersOnly]
    static int OnExit(int member) => Call(onExit, member);

    /// <summary>Calls a hook with the member's name: 0, or -1 (the traceback printed) if it raised;
    /// the trace then ends the process, as HPy does.</summary>
    static int Call(nint function, int member)
    {
        try
        {
            if (function == 0) return 0;
            nint name = MemberName(member);
            nint args = name != 0 ? Tuple(NewReference(name)) : 0;
            if (args == 0) return Printed();
            nint result = Py.PyObject_CallObject(function, args);
            Py.Py_DecRef(args);
            if (result == 0) return Printed();
            Py.Py_DecRef(result);
            return 0;
        }
        catch (Exception e)
        {
            Failure.Managed(e, "a trace hook");
            return Printed();
        }
    }

    static int Printed()
    {
        Py.PyErr_Print();
        return -1;
    }
}
