/* The NativeAOT runtime's own start, without Python: dlopen of libhpy.so (as CPython opens an
 * extension: RTLD_NOW) and the first managed call (hpyshim_version, which starts the runtime).
 * Prints "RUNTIME dlopen_ms first_call_ms cpu_ms rss_kib" for one fresh process; bench/startup.py
 * builds it into out/bench and takes medians over many processes.
 *
 *     cc -O2 bench/runtime_start.c -ldl -o out/bench/runtime_start && out/bench/runtime_start out/lib/libhpy.so
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double ms(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f != NULL)
        fclose(f);
    return kib;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s LIBHPY\n", argv[0]);
        return 2;
    }
    long r0 = rss_kib();
    double c0 = ms(CLOCK_PROCESS_CPUTIME_ID), t0 = ms(CLOCK_MONOTONIC);
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    double t1 = ms(CLOCK_MONOTONIC);
    if (lib == NULL) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    const char *(*version)(void) = (const char *(*)(void))dlsym(lib, "hpyshim_version");
    if (version == NULL || version() == NULL) {
        fprintf(stderr, "no hpyshim_version\n");
        return 1;
    }
    double t2 = ms(CLOCK_MONOTONIC), c1 = ms(CLOCK_PROCESS_CPUTIME_ID);
    printf("RUNTIME %.4f %.4f %.4f %ld\n", t1 - t0, t2 - t1, c1 - c0, rss_kib() - r0);
    return 0;
}
