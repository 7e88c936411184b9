/* The trace context: a copy of the universal context whose members count and time each call
 * (trace.gen.c), and the state behind hpyshim.trace. One per process, made on first use;
 * counters are never reset, as in HPy. */
#include "trace/trace.h"
#include "interop/boundary.gen.h"
#include <stdio.h>
#include <stdlib.h>

trace_hook trace_on_enter, trace_on_exit;
HPyContext *trace_uctx;

static HPyContext *trace_ctx;

/* Every call of a member is timed while its count is at most this: members called a few times
   (type creation, module set-up) get exact figures, and a test's first calls too. */
#define TRACE_EXACT_CALLS 256u
/* Mean calls per timed call after that (HPYSHIM_TRACE_SAMPLING; 1: every call, as HPy does). */
#define TRACE_DEFAULT_SAMPLING 128u
/* A member whose last TRACE_SLOW_RUN timed calls each took this many clock reads or more is timed
   at every call (until a timed call is quicker): the two reads then cost it under 2%, and its
   figure is exact. A run of calls rather than the mean, so that a rare long call of a quick
   member (a garbage collection inside HPy_New, a preemption) does not make it look slow. */
#define TRACE_SLOW_CLOCK_READS 100u
#define TRACE_SLOW_RUN 8u

int trace_use_counter;
static uint64_t calibration_ticks, calibration_ns;
static uint64_t sampling = TRACE_DEFAULT_SAMPLING;
static uint64_t slow_ticks;       /* TRACE_SLOW_CLOCK_READS clock reads, in ticks */
static uint64_t clock_overhead;   /* the least difference of two reads in a row, in ticks */
static int every_call;            /* a hook is set or sampling is 1 */
static uint64_t random_state = 0x9e3779b97f4a7c15u;   /* fixed: runs repeat their choices */

/* Ticks per second of trace_clock: nanoseconds without the counter; with it, measured once
   against CLOCK_MONOTONIC over at least 20 ms since the context was made (a few parts per
   million), then kept, so that durations converted to nanoseconds only grow. */
static uint64_t clock_frequency(void)
{
    static uint64_t measured;
    if (!trace_use_counter)
        return 1000000000u;
    if (measured != 0)
        return measured;
    uint64_t elapsed = trace_clock_ns() - calibration_ns;
    if (elapsed < 20000000u) {
        struct timespec wait = { 0, (long)(20000000u - elapsed) };
        nanosleep(&wait, NULL);
    }
    uint64_t ticks = trace_clock() - calibration_ticks;
    elapsed = trace_clock_ns() - calibration_ns;
    measured = (uint64_t)((double)ticks * 1e9 / (double)elapsed);
    return measured;
}

/* HPYSHIM_TRACE_SAMPLING: a whole number from 1 (time every call) up; anything else is reported
   and the default kept. */
static uint64_t read_sampling(void)
{
    const char *text = getenv("HPYSHIM_TRACE_SAMPLING");
    if (text == NULL || *text == '\0')
        return TRACE_DEFAULT_SAMPLING;
    char *end;
    unsigned long long value = strtoull(text, &end, 10);
    if (*end != '\0' || value < 1 || value > (1ull << 31) || text[0] == '-') {
        fprintf(stderr, "hpyshim: HPYSHIM_TRACE_SAMPLING=%s is not a whole number from 1 to 2^31; "
                "using %u\n", text, TRACE_DEFAULT_SAMPLING);
        return TRACE_DEFAULT_SAMPLING;
    }
    return (uint64_t)value;
}

/* The cost of one clock read, in ticks (the least of a few runs of 16 reads). */
static uint64_t clock_read_ticks(void)
{
    uint64_t best = UINT64_MAX;
    for (int run = 0; run < 8; run++) {
        uint64_t first = trace_clock(), last = first;
        for (int i = 0; i < 16; i++)
            last = trace_clock();
        if (last - first < best)
            best = last - first;
    }
    return best / 16 > 0 ? best / 16 : 1;
}

/* What a timed call's duration includes besides the call: the least difference between two
   reads of the clock in a row, taken off every duration (down to 0), so that a quick member's
   time is not mostly the clock's. */
static uint64_t clock_read_overhead(void)
{
    uint64_t least = UINT64_MAX;
    for (int i = 0; i < 1000; i++) {
        uint64_t first = trace_clock();
        uint64_t second = trace_clock();
        if (second - first < least)
            least = second - first;
    }
    return least;
}

/* The trace context around `uctx`, made on first call; NULL if out of memory. */
HPyContext *shim_trace_context(HPyContext *uctx)
{
    if (trace_ctx != NULL)
        return trace_ctx;
    HPyContext *tctx = malloc(sizeof(HPyContext));
    if (tctx == NULL)
        return NULL;
    *tctx = *uctx;   /* the handles, the ABI version, and the members that pass through */
    tctx->name = "HPy Trace Mode ABI";
    trace_fill_generated(tctx);
    trace_uctx = uctx;
    for (int i = 0; i < MEMBER_COUNT; i++)
        trace_counters[i] = (trace_counter){ 1, 1 };   /* no call yet; the first is timed */

    trace_use_counter = trace_counter_available();
    calibration_ticks = trace_clock();
    calibration_ns = trace_clock_ns();
    sampling = read_sampling();
    every_call = sampling == 1;
    slow_ticks = TRACE_SLOW_CLOCK_READS * clock_read_ticks();
    clock_overhead = clock_read_overhead();
    trace_ctx = tctx;
    return tctx;
}

/* A member's call count, the ticks of its timed calls (and of those they stand for) and how many
   calls those ticks cover; -1 past the last member. */
int shim_trace_read(int32_t member, uint64_t *out)
{
    if (member < 0 || member >= MEMBER_COUNT)
        return -1;
    out[0] = trace_calls_of(&trace_counters[member]);
    out[1] = trace_timings[member].ticks;
    out[2] = trace_timings[member].covered;
    return 0;
}

/* The clock's frequency in Hz (measured once, see clock_frequency), the sampling (one call in
   this many timed on average) and how many first calls of each member are timed exactly. */
void shim_trace_clock(uint64_t *out)
{
    out[0] = trace_ctx != NULL ? clock_frequency() : 1000000000u;
    out[1] = sampling;
    out[2] = TRACE_EXACT_CALLS;
}

void shim_trace_set_hooks(trace_hook on_enter, trace_hook on_exit)
{
    trace_on_enter = on_enter;
    trace_on_exit = on_exit;
    every_call = sampling == 1 || on_enter != NULL || on_exit != NULL;
    if (every_call)   /* the next call of every member takes the slow path, where the hooks run */
        for (int i = 0; i < MEMBER_COUNT; i++)
            trace_counters[i] = (trace_counter){ 1, trace_calls_of(&trace_counters[i]) + 1 };
}

/* How many calls of a member until the next timed one, chosen as its current call is timed. */
static uint64_t next_gap(const trace_timing *t, uint64_t count)
{
    if (every_call || count < TRACE_EXACT_CALLS || t->slow_run >= TRACE_SLOW_RUN)
        return 1;
    /* xorshift64*: uniform from 1 to 2 * sampling - 1, whose mean is `sampling`; random rather
       than every n-th, so that no periodic pattern in a member's calls is always (or never)
       timed. */
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    uint64_t r = (random_state * 0x2545f4914f6cdd1du) >> 32;
    return 1 + ((r * (2 * sampling - 1)) >> 32);   /* sampling <= 2^31: no overflow, no division */
}

/* Before a timed call: claims the calls its duration will stand for (itself and the untimed
   ones since the member's last timed call; claimed now, so that a nested call of the same member
   claims only itself), picks the next timed call and runs the on-enter hook. */
uint64_t trace_begin(int member)
{
    trace_counter *c = &trace_counters[member];
    trace_timing *t = &trace_timings[member];
    uint64_t count = c->counted;   /* left is 0: this call's number */
    uint64_t calls = count - t->covered;
    uint64_t gap = next_gap(t, count);
    c->left = gap;
    c->counted = count + gap;
    t->covered = count;
    if (trace_on_enter != NULL)
        trace_call_hook(trace_on_enter, member, "error when executing on-enter trace function");
    return calls;
}

/* After a timed call: its duration for each call it stands for, then the on-exit hook. */
void trace_account(int member, uint64_t calls, uint64_t ticks)
{
    trace_timing *t = &trace_timings[member];
    ticks = ticks > clock_overhead ? ticks - clock_overhead : 0;
    t->ticks += ticks * calls;
    t->slow_run = ticks >= slow_ticks ? t->slow_run + 1 : 0;
    if (trace_on_exit != NULL)
        trace_call_hook(trace_on_exit, member, "error when executing on-exit trace function");
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
