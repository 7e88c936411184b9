/* The trace clock of native/trace/trace.h on the machine that runs this: where trace mode reads a
 * processor counter (always on arm64, on x86-64 where the time-stamp counter is invariant), the
 * counter must never go back and must run at one steady rate against CLOCK_MONOTONIC, which is
 * what trace.c's calibration assumes. Built natively and, cross-compiled for arm64, run under
 * qemu by Shim.Tests/TraceClockTests.cs. */
#include <stdio.h>
#include "trace/trace.h"

int trace_use_counter;

/* Ticks per second over `ms` milliseconds of CLOCK_MONOTONIC. */
static double rate(long ms)
{
    uint64_t t0 = trace_clock(), n0 = trace_clock_ns();
    struct timespec wait = { 0, ms * 1000000L };
    nanosleep(&wait, NULL);
    uint64_t t1 = trace_clock(), n1 = trace_clock_ns();
    return (double)(t1 - t0) * 1e9 / (double)(n1 - n0);
}

int main(void)
{
    int failed = 0;
    trace_use_counter = trace_counter_available();
#if defined(__aarch64__)
    if (!trace_use_counter) {
        printf("FAIL: arm64 should read cntvct_el0\n");
        failed++;
    }
#endif
    uint64_t previous = trace_clock(), start_ns = trace_clock_ns();
    int reads = 1000000;
    for (int i = 0; i < reads; i++) {
        uint64_t now = trace_clock();
        if (now < previous) {
            printf("FAIL: the clock went back from %llu to %llu\n", (unsigned long long)previous,
                   (unsigned long long)now);
            failed++;
            break;
        }
        previous = now;
    }
    double per_read = (double)(trace_clock_ns() - start_ns) / reads;
    /* The least of three pairs of 50 ms: another process on the machine only delays a sleep. */
    double best = 0;
    for (int i = 0; i < 3; i++) {
        double a = rate(50), b = rate(50);
        double spread = a > b ? a / b - 1 : b / a - 1;
        if (i == 0 || spread < best)
            best = spread;
    }
    double hz = rate(50);
    if (hz < 1e6) {
        printf("FAIL: %.0f ticks per second is no clock for durations in nanoseconds\n", hz);
        failed++;
    }
    if (best > 0.02) {
        printf("FAIL: the rate changed by %.1f%% between two 50 ms intervals\n", 100 * best);
        failed++;
    }
    printf("trace clock: %s, %.1f MHz, %.1f ns per read, rate steady to %.3f%%\n",
           trace_use_counter ? "processor counter" : "clock_gettime", hz / 1e6, per_read, 100 * best);
    printf("%d failed\n", failed);
    return failed != 0;
}
