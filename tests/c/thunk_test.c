/* The thunk encoders of native/thunks/thunk_code.h, on the machine that runs this: for every
 * argument register a thunk can use, a thunk called with that many arguments must reach its
 * dispatcher with the arguments unchanged and the implementation pointer after them; a direct
 * thunk must reach its function with the context first, then the arguments unchanged, except the
 * masked one, whose top bit is cleared; a constant function must return its constant (thunks.c runs
 * one to see whether rewritten code runs). Built natively and, cross-compiled for arm64, run under
 * qemu by Shim.Tests/ThunkTests.cs. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "thunks/thunk_code.h"

typedef uintptr_t W;

/* Each dispatcher folds its arguments so that a swapped or lost one changes the result. */
static W d0(W impl) { return impl; }
static W d1(W a, W impl) { return a * 3 + impl; }
static W d2(W a, W b, W impl) { return (a * 3 + b) * 3 + impl; }
static W d3(W a, W b, W c, W impl) { return ((a * 3 + b) * 3 + c) * 3 + impl; }
static W d4(W a, W b, W c, W d, W impl) { return (((a * 3 + b) * 3 + c) * 3 + d) * 3 + impl; }
static W d5(W a, W b, W c, W d, W e, W impl) { return ((((a * 3 + b) * 3 + c) * 3 + d) * 3 + e) * 3 + impl; }

/* The direct thunks' targets: the context, then the arguments. */
static W g0(W ctx) { return ctx; }
static W g1(W ctx, W a) { return ctx * 5 + a; }
static W g2(W ctx, W a, W b) { return (ctx * 5 + a) * 5 + b; }
static W g3(W ctx, W a, W b, W c) { return ((ctx * 5 + a) * 5 + b) * 5 + c; }
static W g4(W ctx, W a, W b, W c, W d) { return (((ctx * 5 + a) * 5 + b) * 5 + c) * 5 + d; }
static W g5(W ctx, W a, W b, W c, W d, W e) { return ((((ctx * 5 + a) * 5 + b) * 5 + c) * 5 + d) * 5 + e; }

static W call(void *thunk, int n, const W *v)
{
    switch (n) {
    case 0: return ((W (*)(void))thunk)();
    case 1: return ((W (*)(W))thunk)(v[0]);
    case 2: return ((W (*)(W, W))thunk)(v[0], v[1]);
    case 3: return ((W (*)(W, W, W))thunk)(v[0], v[1], v[2]);
    case 4: return ((W (*)(W, W, W, W))thunk)(v[0], v[1], v[2], v[3]);
    default: return ((W (*)(W, W, W, W, W))thunk)(v[0], v[1], v[2], v[3], v[4]);
    }
}

int main(void)
{
    void *dispatchers[6] = { (void *)d0, (void *)d1, (void *)d2, (void *)d3, (void *)d4, (void *)d5 };
    const W v[5] = { 11, 0x1234567890ULL, 5, (W)-7, 0xABCDEF };
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    int failures = 0, max = THUNK_MAX_REGISTER < 5 ? THUNK_MAX_REGISTER : 5;

    if (!THUNK_ENCODER_AVAILABLE) {
        printf("no thunk encoder for this architecture\n");
        return 2;
    }
    unsigned char *code = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    for (int n = 0; n <= max; n++) {
        W impl = 0x5A5A0000u + (W)n;
        if (thunk_encode(code + n * THUNK_SIZE, n, (void *)impl, dispatchers[n]) != 0) {
            printf("encoding for register %d refused\n", n);
            return 1;
        }
    }
    if (thunk_encode(code, THUNK_MAX_REGISTER + 1, NULL, NULL) != -1 || thunk_encode(code, -1, NULL, NULL) != -1) {
        printf("an out-of-range register was accepted\n");
        return 1;
    }
    if (mprotect(code, page, PROT_READ | PROT_EXEC) != 0) {
        perror("mprotect");
        return 1;
    }
    __builtin___clear_cache((char *)code, (char *)code + page);
    for (int n = 0; n <= max; n++) {
        W impl = 0x5A5A0000u + (W)n, expected = 0, got;
        /* what the dispatcher computes from the arguments in order, then impl */
        for (int i = 0; i < n; i++)
            expected = expected * 3 + v[i];
        expected = n == 0 ? impl : expected * 3 + impl;
        got = call(code + n * THUNK_SIZE, n, v);
        if (got != expected) {
            printf("register %d: got %#lx, expected %#lx\n", n, (unsigned long)got, (unsigned long)expected);
            failures++;
        }
    }
    /* direct thunks: every argument count, unmasked and with each argument masked */
    void *targets[6] = { (void *)g0, (void *)g1, (void *)g2, (void *)g3, (void *)g4, (void *)g5 };
    const W top = (W)1 << (8 * sizeof(W) - 1);
    const W ctx = 0xC0C0;
    unsigned char *direct = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int shapes = 0, direct_failures = 0;
    if (direct == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    for (int n = 0; n <= max; n++)
        for (int mask = -1; mask < n; mask++, shapes++)
            if (thunk_encode_direct(direct + shapes * THUNK_SIZE, n, mask, (void *)ctx, targets[n]) != 0) {
                printf("direct encoding of %d arguments (mask %d) refused\n", n, mask);
                return 1;
            }
    if (mprotect(direct, page, PROT_READ | PROT_EXEC) != 0) {
        perror("mprotect");
        return 1;
    }
    __builtin___clear_cache((char *)direct, (char *)direct + page);
    shapes = 0;
    for (int n = 0; n <= max; n++) {
        for (int mask = -1; mask < n; mask++, shapes++) {
            W args[5], expected = ctx, got;
            for (int i = 0; i < n; i++)
                args[i] = v[i] | (i == mask ? top : 0);   /* the masked one arrives without it */
            for (int i = 0; i < n; i++)
                expected = expected * 5 + (i == mask ? v[i] & ~top : v[i]);
            got = call(direct + shapes * THUNK_SIZE, n, args);
            if (got != expected) {
                printf("direct, %d arguments, mask %d: got %#lx, expected %#lx\n", n, mask,
                       (unsigned long)got, (unsigned long)expected);
                direct_failures++;
            }
        }
    }
    /* constant functions: a value in each byte of the immediate, and the largest */
    const uint16_t constants[3] = { 1, 0x1234, 0xFFFF };
    int constant_failures = 0;
    unsigned char *constant = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (constant == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    for (int i = 0; i < 3; i++)
        if (thunk_encode_constant(constant + i * THUNK_SIZE, constants[i]) != 0) {
            printf("constant %u refused\n", constants[i]);
            return 1;
        }
    if (mprotect(constant, page, PROT_READ | PROT_EXEC) != 0) {
        perror("mprotect");
        return 1;
    }
    __builtin___clear_cache((char *)constant, (char *)constant + page);
    for (int i = 0; i < 3; i++) {
        W got = call(constant + i * THUNK_SIZE, 0, v);
        if (got != constants[i]) {
            printf("constant %u: got %#lx\n", constants[i], (unsigned long)got);
            constant_failures++;
        }
    }
    printf("%d thunk shapes checked, %d failed\n", max + 1, failures);
    printf("%d direct thunk shapes checked, %d failed\n", shapes, direct_failures);
    printf("3 constant functions checked, %d failed\n", constant_failures);
    return failures + direct_failures + constant_failures != 0;
}
