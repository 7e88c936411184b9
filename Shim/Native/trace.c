/* The trace context: a copy of the universal context whose members count and time each call
 * (trace.gen.c), and the state behind hpyshim.trace. One per process, made on first use;
 * counters are never reset, as in HPy. */
#include "trace.h"
#include <stdlib.h>

uint64_t *trace_counts;
uint64_t *trace_durations;
trace_hook trace_on_enter, trace_on_exit;
HPyContext *trace_uctx;

static HPyContext *trace_ctx;

/* What C# hands to the Python API (hpyshim.trace) through native_trace_state. */
typedef struct {
    int32_t member_count;
    const char *const *names;
    uint64_t *counts;
    uint64_t *durations;
    uint64_t frequency;       /* of the clock, in Hz */
} trace_state;

static trace_state state;

/* The trace context around `uctx`, made on first call; NULL if out of memory. */
HPyContext *native_trace_context(HPyContext *uctx)
{
    if (trace_ctx != NULL)
        return trace_ctx;
    uint64_t *counts = calloc((size_t)trace_member_count, sizeof(uint64_t));
    uint64_t *durations = calloc((size_t)trace_member_count, sizeof(uint64_t));
    HPyContext *tctx = malloc(sizeof(HPyContext));
    if (counts == NULL || durations == NULL || tctx == NULL) {
        free(counts);
        free(durations);
        free(tctx);
        return NULL;
    }
    *tctx = *uctx;   /* the handles, the ABI version, and the members that pass through */
    tctx->name = "HPy Trace Mode ABI";
    trace_fill_generated(tctx);
    trace_counts = counts;
    trace_durations = durations;
    trace_uctx = uctx;

    struct timespec res;
    uint64_t frequency = 1000000000u;
    if (clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0)
        frequency = 1000000000u / (uint64_t)res.tv_nsec;
    state = (trace_state){ trace_member_count, trace_member_names, counts, durations, frequency };
    trace_ctx = tctx;
    return tctx;
}

/* The counters and names (after native_trace_context); NULL before. */
const trace_state *native_trace_state(void)
{
    return trace_ctx != NULL ? &state : NULL;
}

void native_trace_set_hooks(trace_hook on_enter, trace_hook on_exit)
{
    trace_on_enter = on_enter;
    trace_on_exit = on_exit;
}

/* A hook runs Python code, which must not see the traced call's pending exception (an
 * HPyErr_SetString, say), and must not leave one of its own: a hook that raises is fatal, as
 * in HPy. */
void trace_call_hook(trace_hook hook, int member, const char *fatal_message)
{
    PyObject *type, *value, *traceback;
    cpy.PyErr_Fetch(&type, &value, &traceback);
    int failed = hook(member) < 0;
    cpy.PyErr_Restore(type, value, traceback);
    if (failed)
        trace_uctx->ctx_FatalError(trace_uctx, fatal_message);
}
