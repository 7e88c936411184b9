using HPyShim.Context;
using HPyShim.CPython;
using static HPyShim.Interop.NativeImports;
using static HPyShim.Interop.PythonModule;

namespace HPyShim.Debug;

/// <summary>
/// The debug methods of hpyshim._libhpy (declared in api/boundary.api), behind the Python API
/// launcher/hpyshim/debug/. A handle's id is the address of its arena entry; entries are never
/// freed, and every query checks that the id is an entry's address first.
/// </summary>
internal static unsafe class DebugPythonApi
{
    static debug_arena* Arena
    {
        get
        {
            _ = DebugContext.Instance;   // the arena exists once the context does
            return DebugContext.Arena;
        }
    }

    /// <summary>The entry an id names, or null (with ValueError) if it names none.</summary>
    static debug_handle* Entry(long id)
    {
        var h = DebugContext.EntryAt((nint)id);
        if (h != null && h->magic == debug_handle.Magic) return h;
        Failure.Raise(Py.PyExc_ValueError, $"0x{id:x} is not a debug handle");
        return null;
    }

    public static long NewGeneration() => (long)++Arena->generation;

    public static nint Handles(long which, long generation)
    {
        _ = Arena;
        long capacity = 64;
        while (true)
        {
            var ids = new debug_handle*[capacity];
            long n;
            fixed (debug_handle** output = ids)
                n = shim_debug_handles((int)which, (ulong)Math.Max(generation, 0), output, capacity);
            if (n < 0)
            {
                Failure.Raise(Py.PyExc_SystemError, "HPy Shim debug mode: the handle lists could not be read");
                return 0;
            }
            if (n > capacity)
            {
                capacity = n + 16;
                continue;
            }
            nint list = Py.PyList_New((nint)n);
            if (list == 0) return 0;
            for (long i = 0; i < n; i++)
            {
                nint item = Py.PyLong_FromLongLong((long)ids[i]);
                if (item == 0 || Py.PyList_SetItem(list, (nint)i, item) < 0)
                {
                    Py.Py_DecRef(list);
                    return 0;
                }
            }
            return list;
        }
    }

    public static nint HandleState(long id)
    {
        var h = Entry(id);
        if (h == null) return 0;
        bool open = h->state == debug_handle.Open && h->obj != 0;
        return Tuple(Py.PyLong_FromLongLong((long)h->state), open ? NewReference(h->obj) : NewReference(Py._Py_NoneStruct),
            Py.PyLong_FromLongLong((long)h->generation));
    }

    public static void ForceClose(long id)
    {
        var h = Entry(id);
        if (h != null && shim_debug_force_close(h) < 0 && Py.PyErr_Occurred() == 0)
            Failure.Raise(Py.PyExc_SystemError, "HPy Shim debug mode: _force_close failed (see stderr)");
    }

    public static long RawDataSize(long id)
    {
        var h = Entry(id);
        return h == null || h->raw == null ? -1 : h->raw_size;
    }

    public static string? HandleOrigin(long id)
    {
        var h = Entry(id);
        return h == null || h->opened_at == null ? null : NativeSymbols.Describe(h->opened_at);
    }

    public static string? HandlePythonLine(long id)
    {
        var h = Entry(id);
        return h == null ? null : DebugReports.PythonLine(h);
    }

    public static string? HandleStack(long id)
    {
        var h = Entry(id);
        return h == null ? null : DebugReports.AllocationStack(h);
    }

    public static long ClosedQueueMax(long size)
    {
        var a = Arena;
        if (size >= 0) a->closed_max = size;
        return a->closed_max;
    }

    public static long ProtectedRawDataMax(long size)
    {
        var a = Arena;
        if (size >= 0) a->raw_max = size;
        return a->raw_max;
    }

    public static nint RawDataWindow(long closes, long calls)
    {
        var a = Arena;
        if (closes >= 1) a->raw_batch_closes = closes;
        if (calls >= 0) a->raw_batch_calls = calls;
        return Tuple(Py.PyLong_FromLongLong(a->raw_batch_closes), Py.PyLong_FromLongLong(a->raw_batch_calls));
    }

    public static nint RawDataStats()
    {
        _ = Arena;
        long* counters = stackalloc long[4];
        shim_debug_raw_stats(counters);
        return Tuple(Py.PyLong_FromLongLong(counters[0]), Py.PyLong_FromLongLong(counters[1]),
            Py.PyLong_FromLongLong(counters[2]), Py.PyLong_FromLongLong(counters[3]));
    }

    public static long StackLimit(long limit)
    {
        var a = Arena;
        if (limit >= 0) a->stack_limit = Math.Min(limit, 4096);
        return a->stack_limit;
    }

    public static void SetHook(long which, nint function)
    {
        _ = Arena;
        if (function == Py._Py_NoneStruct) function = 0;
        ref nint slot = ref (which == 0 ? ref DebugReports.OnInvalidHandle : ref DebugReports.OnInvalidBuilder);
        if (slot != 0) Py.Py_DecRef(slot);
        slot = function;
        if (slot != 0) Py.Py_IncRef(slot);
    }
}
