/* The trace context's bookkeeping, inline in every generated wrapper (trace.gen.c). Every call
 * is counted; only some are timed, because two clock reads (about 20 ns) cost several times what
 * most members do: the first TRACE_EXACT_CALLS calls of each member, the calls of members whose
 * calls take long next to a clock read, every call while a hook is set or when
 * HPYSHIM_TRACE_SAMPLING=1, and otherwise one call in HPYSHIM_TRACE_SAMPLING (128) on average, at
 * random gaps. A timed call's duration stands for itself and for the untimed calls of its member
 * since the previous timed one, so durations stay estimates that only grow. The rare
 * path (hooks, the clock, the choice of the next timed call) is out of line in trace.c. */
#ifndef HPYSHIM_TRACE_H
#define HPYSHIM_TRACE_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L   /* clock_gettime under -std=c99 */
#endif

#include <stdint.h>
#include <time.h>
#include "runtime/runtime.h"
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

/* A hook: called with the member's index; 0, or -1 if the Python function raised. */
typedef int (*trace_hook)(int member);

/* What every call touches: a countdown to the member's next timed call, and the calls counted
   ahead (each timed call adds the gap it sets), so that the usual path is one decrement and the
   exact count is counted - left. */
typedef struct {
    uint64_t left;      /* the call that brings this to 0 is timed */
    uint64_t counted;
} trace_counter;

/* What only the timed calls touch. */
typedef struct {
    uint64_t ticks;     /* of trace_clock, for the calls up to `covered` */
    uint64_t covered;   /* calls whose time `ticks` accounts for (timed or stood for) */
    uint64_t slow_run;  /* timed calls in a row that each took TRACE_SLOW_CLOCK_READS or more */
} trace_timing;

/* Hidden: the wrappers reach these directly rather than through the global offset table. */
#define TRACE_INTERNAL __attribute__((visibility("hidden")))
/* The timed path of a wrapper: out of the way of the usual one. */
#define TRACE_COLD __attribute__((noinline, cold))

/* Indexed by MEMBER_* (runtime/members.gen.h); defined in trace.gen.c. */
extern TRACE_INTERNAL trace_counter trace_counters[];
extern TRACE_INTERNAL trace_timing trace_timings[];
extern TRACE_INTERNAL trace_hook trace_on_enter, trace_on_exit;
extern TRACE_INTERNAL HPyContext *trace_uctx;   /* the universal context the wrappers call */

void trace_call_hook(trace_hook hook, int member, const char *fatal_message);
uint64_t trace_begin(int member);
void trace_account(int member, uint64_t calls, uint64_t ticks);

/* Nonzero if trace_clock reads a processor counter (x86's invariant time-stamp counter, arm64's
   virtual counter) instead of clock_gettime: about half the cost, which matters on every timed
   call. */
extern TRACE_INTERNAL int trace_use_counter;

/* Whether trace_clock can read a processor counter. x86's time-stamp counter qualifies where it
   is invariant: one rate in every power state and on every core (CPUID 0x80000007, EDX bit 8).
   arm64's virtual counter has a constant rate by definition, and Linux lets user code read it
   (or emulates the read where a core's erratum forbids it). */
static inline int trace_counter_available(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    unsigned int eax, ebx, ecx, edx;
    if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) && eax >= 0x80000007u &&
        __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx))
        return (edx >> 8) & 1;
    return 0;
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    return 1;
#else
    return 0;
#endif
}

static inline uint64_t trace_clock_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Ticks of the trace clock (trace.c knows their frequency). */
static inline uint64_t trace_clock(void)
{
    if (trace_use_counter) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
        return __builtin_ia32_rdtsc();
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
        uint64_t ticks;
        __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(ticks));
        return ticks;
#endif
    }
    return trace_clock_ns();
}

/* Counts a call; nonzero if this call is to be timed (and its hooks run). */
static inline int trace_count(int member)
{
    return __builtin_expect(--trace_counters[member].left == 0, 0);
}

static inline uint64_t trace_calls_of(const trace_counter *c)
{
    return c->counted - c->left;
}

/* After the timed call: its duration, for the `calls` trace_begin returned. */
static inline void trace_end(int member, uint64_t calls, uint64_t start)
{
    trace_account(member, calls, trace_clock() - start);
}

#endif
