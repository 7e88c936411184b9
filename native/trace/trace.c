/* The trace context: a copy of the universal context whose members count and time each call
 * (trace.gen.c), and the state behind hpyshim.trace. One per process, made on first use;
 * counters are never reset, as in HPy. */
#include "trace/trace.h"
#include "interop/boundary.gen.h"
#include <stdlib.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

uint64_t *trace_counts;
uint64_t *trace_durations;
trace_hook trace_on_enter, trace_on_exit;
HPyContext *trace_uctx;

static HPyContext *trace_ctx;

static trace_state state;

int trace_use_tsc;
static uint64_t calibration_ticks, calibration_ns;

/* An invariant time-stamp counter runs at one rate in every power state and on every core
   (CPUID 0x80000007, EDX bit 8). */
static int has_invariant_tsc(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    unsigned int eax, ebx, ecx, edx;
    if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) && eax >= 0x80000007u &&
        __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx))
        return (edx >> 8) & 1;
#endif
    return 0;
}

/* Ticks per second of trace_clock: nanoseconds without the counter; with it, measured against
   CLOCK_MONOTONIC since the context was made (waiting until 20 ms have passed), so the figure
   gets more exact the longer the process runs. */
static uint64_t clock_frequency(void)
{
    if (!trace_use_tsc)
        return 1000000000u;
    uint64_t elapsed = trace_clock_ns() - calibration_ns;
    if (elapsed < 20000000u) {
        struct timespec wait = { 0, (long)(20000000u - elapsed) };
        nanosleep(&wait, NULL);
    }
    uint64_t ticks = trace_clock() - calibration_ticks;
    elapsed = trace_clock_ns() - calibration_ns;
    return (uint64_t)((double)ticks * 1e9 / (double)elapsed);
}

/* The trace context around `uctx`, made on first call; NULL if out of memory. */
HPyContext *shim_trace_context(HPyContext *uctx)
{
    if (trace_ctx != NULL)
        return trace_ctx;
    uint64_t *counts = calloc((size_t)native_member_count, sizeof(uint64_t));
    uint64_t *durations = calloc((size_t)native_member_count, sizeof(uint64_t));
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

    trace_use_tsc = has_invariant_tsc();
    calibration_ticks = trace_clock();
    calibration_ns = trace_clock_ns();
    state = (trace_state){ native_member_count, native_member_names, counts, durations, 1000000000u };
    trace_ctx = tctx;
    return tctx;
}

/* The counters and names (after shim_trace_context); NULL before. */
const trace_state *shim_trace_state(void)
{
    if (trace_ctx == NULL)
        return NULL;
    state.frequency = clock_frequency();
    return &state;
}

void shim_trace_set_hooks(trace_hook on_enter, trace_hook on_exit)
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
