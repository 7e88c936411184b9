using System.Runtime.InteropServices;
using HPyShim.CPython;

namespace HPyShim.Context;

// Tuples from arrays, list and tuple builders, and trackers. A builder is the half-filled container
// itself; Set takes its own reference to the item (the caller keeps theirs).
internal static unsafe partial class UniversalContext
{
    internal static HPy Tuple_FromArray(HPyContext* ctx, HPy* items, nint n)
    {
        nint tuple = Py.PyTuple_New(n);
        if (tuple == 0) return HPy.Null;
        for (nint i = 0; i < n; i++)
        {
            Py.Py_IncRef(items[i]._i);
            Py.PyTuple_SetItem(tuple, i, items[i]._i);   // steals the reference just taken
        }
        return new HPy(tuple);
    }

    // A builder whose creation failed is 0; its error is cleared and raised again (as MemoryError)
    // by Build, so callers need only check the final result.
    internal static HPyListBuilder ListBuilder_New(HPyContext* ctx, nint size)
    {
        nint list = PythonApi.PyList_New(size);
        if (list == 0) PythonApi.PyErr_Clear();
        return new HPyListBuilder { _lst = list };
    }

    internal static void ListBuilder_Set(HPyContext* ctx, HPyListBuilder builder, nint index, HPy h_item)
    {
        if (builder._lst == 0) return;
        Py.Py_IncRef(h_item._i);
        Py.PyList_SetItem(builder._lst, index, h_item._i);   // steals; on a bad index it raises IndexError
    }

    internal static HPy ListBuilder_Build(HPyContext* ctx, HPyListBuilder builder)
    {
        if (builder._lst == 0)
        {
            PythonApi.PyErr_NoMemory();
            return HPy.Null;
        }
        return new HPy(builder._lst);
    }

    internal static void ListBuilder_Cancel(HPyContext* ctx, HPyListBuilder builder) => Py.Py_DecRef(builder._lst);

    internal static HPyTupleBuilder TupleBuilder_New(HPyContext* ctx, nint size)
    {
        nint tuple = Py.PyTuple_New(size);
        if (tuple == 0) PythonApi.PyErr_Clear();
        return new HPyTupleBuilder { _tup = tuple };
    }

    internal static void TupleBuilder_Set(HPyContext* ctx, HPyTupleBuilder builder, nint index, HPy h_item)
    {
        if (builder._tup == 0) return;
        Py.Py_IncRef(h_item._i);
        Py.PyTuple_SetItem(builder._tup, index, h_item._i);
    }

    internal static HPy TupleBuilder_Build(HPyContext* ctx, HPyTupleBuilder builder)
    {
        if (builder._tup == 0)
        {
            PythonApi.PyErr_NoMemory();
            return HPy.Null;
        }
        return new HPy(builder._tup);
    }

    internal static void TupleBuilder_Cancel(HPyContext* ctx, HPyTupleBuilder builder) => Py.Py_DecRef(builder._tup);

    /// <summary>A tracker's state, in native memory. There is always room for one more handle, so
    /// Add records its handle even when growing fails, and Close still releases it.</summary>
    struct TrackerState
    {
        public nint Capacity;
        public nint Length;
        public nint* Handles;
    }

    const nint TrackerInitialCapacity = 5;

    internal static HPyTracker Tracker_New(HPyContext* ctx, nint size)
    {
        nint capacity = (size > 0 ? size : TrackerInitialCapacity) + 1;
        TrackerState* state = null;
        try
        {
            state = (TrackerState*)NativeMemory.AllocZeroed((nuint)sizeof(TrackerState));
            state->Handles = (nint*)NativeMemory.Alloc((nuint)capacity, (nuint)sizeof(nint));
        }
        catch (OutOfMemoryException)
        {
            NativeMemory.Free(state);
            PythonApi.PyErr_NoMemory();
            return default;
        }
        state->Capacity = capacity;
        state->Length = 0;
        return new HPyTracker { _i = (nint)state };
    }

    internal static int Tracker_Add(HPyContext* ctx, HPyTracker ht, HPy h)
    {
        var state = (TrackerState*)ht._i;
        if (state == null)
        {
            Failure.Raise(Py.PyExc_SystemError, "HPyTracker_Add called on a NULL tracker");
            return -1;
        }
        state->Handles[state->Length++] = h._i;
        if (state->Length < state->Capacity) return 0;
        nint grown = state->Capacity * 2;
        try
        {
            state->Handles = (nint*)NativeMemory.Realloc(state->Handles, (nuint)grown * (nuint)sizeof(nint));
        }
        catch (OutOfMemoryException)
        {
            // The handle is already recorded in the spare slot; Close will release it.
            PythonApi.PyErr_NoMemory();
            return -1;
        }
        state->Capacity = grown;
        return 0;
    }

    internal static void Tracker_ForgetAll(HPyContext* ctx, HPyTracker ht)
    {
        var state = (TrackerState*)ht._i;
        if (state != null) state->Length = 0;
    }

    internal static void Tracker_Close(HPyContext* ctx, HPyTracker ht)
    {
        var state = (TrackerState*)ht._i;
        if (state == null) return;
        for (nint i = 0; i < state->Length; i++) Py.Py_DecRef(state->Handles[i]);
        NativeMemory.Free(state->Handles);
        NativeMemory.Free(state);
    }
}
