using HPyShim.Context;
using HPyShim.CPython;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.Trace;

/// <summary>
/// The trace context: every call an extension loaded in trace mode makes is counted and timed.
/// The per-call work is generated C (native/trace/trace.gen.c, trace.h) because a managed
/// transition per call would cost more than most calls; C# makes the context on first use and
/// hands the counters and hooks to the Python API (hpyshim.trace) through TracePythonApi.
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
}
