using System.Runtime.InteropServices;
using HPyShim.Context;
using HPyShim.CPython;
using HPyShim.Debug;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.Trace;

/// <summary>The trace methods of hpyshim._libhpy (declared in api/boundary.api), behind
/// launcher/hpyshim/trace.py.</summary>
internal static unsafe class TracePythonApi
{
    static nint onEnter, onExit;   // Python callables (owned) or 0
    static nint[]? names;          // each member's "ctx_Name" as a str, made once

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
            if (name == 0) break;
            Py.Py_IncRef(name);
            members.Add(DebugPythonApi.Tuple(name, Py.PyLong_FromUnsignedLongLong(counts[0]),
                Py.PyLong_FromUnsignedLongLong(counts[1]), Py.PyLong_FromUnsignedLongLong(counts[2])));
        }
        return DebugPythonApi.Tuple(Py.PyLong_FromUnsignedLongLong(clock[0]), Py.PyLong_FromUnsignedLongLong(clock[1]),
            Py.PyLong_FromUnsignedLongLong(clock[2]), DebugPythonApi.Tuple([.. members]));
    }

    /// <summary>The member's name as a str, borrowed (kept for good); 0 with an exception set.</summary>
    static nint MemberName(int member)
    {
        names ??= new nint[2048];
        if (member >= names.Length) return 0;
        if (names[member] == 0)
            names[member] = Py.PyUnicode_FromString(shim_member_name(member, 1));
        return names[member];
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
            nint args = name != 0 ? Py.PyTuple_New(1) : 0;
            if (args == 0) return Printed();
            Py.Py_IncRef(name);
            Py.PyTuple_SetItem(args, 0, name);
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
