/* The trace context's bookkeeping, inline in every generated wrapper (trace.gen.c): a counter
 * increment and two reads of the monotonic clock around the universal member. The counters and
 * hooks live in trace.c; the hooks are rare, so they stay out of line. */
#ifndef HPYSHIM_TRACE_H
#define HPYSHIM_TRACE_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L   /* clock_gettime under -std=c99 */
#endif

#include <stdint.h>
#include <time.h>
#include "runtime/runtime.h"

/* A hook: called with the member's index; 0, or -1 if the Python function raised. */
typedef int (*trace_hook)(int member);

extern uint64_t *trace_counts;      /* calls per member, indexed like native_member_names */
extern uint64_t *trace_durations;   /* ticks of trace_clock per member */
extern trace_hook trace_on_enter, trace_on_exit;
extern HPyContext *trace_uctx;      /* the universal context the wrappers call */

/* What C# hands to the Python API (hpyshim.trace) through shim_trace_state. */
typedef struct {
    int32_t member_count;
    const char *const *names;
    uint64_t *counts;
    uint64_t *durations;
    uint64_t frequency;       /* of trace_clock, in Hz: durations / frequency = seconds */
} trace_state;

void trace_call_hook(trace_hook hook, int member, const char *fatal_message);

/* Nonzero if trace_clock counts the processor's invariant time-stamp counter: a monotonic clock
   read in about a third of the time of clock_gettime, which matters twice per traced call. */
extern int trace_use_tsc;

static inline uint64_t trace_clock_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Ticks of the trace clock (trace.c knows their frequency). */
static inline uint64_t trace_clock(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (trace_use_tsc)
        return __builtin_ia32_rdtsc();
#endif
    return trace_clock_ns();
}

static inline HPyContext *trace_enter(HPyContext *tctx, int member)
{
    (void)tctx;
    trace_counts[member]++;
    if (trace_on_enter != NULL)
        trace_call_hook(trace_on_enter, member, "error when executing on-enter trace function");
    return trace_uctx;
}

static inline void trace_exit(int member, uint64_t start)
{
    trace_durations[member] += trace_clock() - start;
    if (trace_on_exit != NULL)
        trace_call_hook(trace_on_exit, member, "error when executing on-exit trace function");
}

#endif
