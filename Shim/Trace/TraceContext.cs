using System.Runtime.InteropServices;
using HPyShim.Context;
using HPyShim.CPython;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.Trace;

/// <summary>
/// The trace context: every call an extension loaded in trace mode makes is counted and timed.
/// The per-call work is generated C (native/trace/trace.gen.c, trace.h) because a managed
/// transition per call would cost more than most calls; C# makes the context on first use and
/// hands the counters and hooks to the Python API (hpyshim.trace) through the exports below.
/// </summary>
internal static unsafe class TraceContext
{

    /// <summary>The trace context, made on first use. Requires a bound host and the GIL.</summary>
    public static HPyContext* Instance
    {
        get
        {
            HPyContext* tctx = shim_trace_context(UniversalContext.Instance);
            if (tctx == null) throw new OutOfMemoryException("cannot allocate the trace context");
            return tctx;
        }
    }

    /// <summary>The counters, names and clock frequency (a trace_state, see trace.c).</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_trace_info")]
    static void* Info()
    {
        try
        {
            if (!Host.TryBind(out string? error))
            {
                Console.Error.WriteLine($"hpyshim_trace_info: {error}");
                return null;
            }
            _ = Instance;
            return shim_trace_state();
        }
        catch (Exception e)
        {
            Failure.Managed(e, "hpyshim_trace_info");
            return null;
        }
    }

    /// <summary>Sets both hooks (C functions taking the member's index; null for none).</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_trace_set_hooks")]
    static void SetHooks(void* onEnter, void* onExit) => shim_trace_set_hooks(onEnter, onExit);
}
