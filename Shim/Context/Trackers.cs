using System.Runtime.InteropServices;
using HPyShim.CPython;

namespace HPyShim.Context;

// Trackers: a growable array of handles closed together (the builders are on the native fast path).
internal static unsafe partial class UniversalContext
{
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
            Py.PyErr_NoMemory();
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
            Py.PyErr_NoMemory();
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
