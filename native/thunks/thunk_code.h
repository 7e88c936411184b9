/* The machine code of thunks, two kinds:
 *   thunk_encode: put `impl` in argument register `reg` (0-based), then jump to `dispatcher`;
 *   thunk_encode_direct: shift the `n` arguments one register up, put `ctx` in the first, clear
 *     the top bit of argument `mask` (-1: none; PY_VECTORCALL_ARGUMENTS_OFFSET), jump to `impl`:
 *     a call of impl(ctx, args...) with no dispatcher in between;
 * and thunk_encode_constant, a function that returns `value` (thunks.c's check that rewritten code
 * runs).
 * Kept apart from thunks.c so that tests/c/thunk_test.c runs the same encoders on x86-64 and,
 * cross-compiled, on arm64 under qemu. */
#ifndef HPYSHIM_THUNK_CODE_H
#define HPYSHIM_THUNK_CODE_H

#include <stdint.h>
#include <string.h>

enum { THUNK_SIZE = 64 };

#if defined(__x86_64__)
#define THUNK_MAX_REGISTER 5   /* System V: rdi rsi rdx rcx r8 r9 */
/* mov <reg>, imm64 ; mov r11, imm64 ; jmp r11 ; int3 padding */
static inline int thunk_encode(unsigned char *p, int reg, void *impl, void *dispatcher)
{
    static const unsigned char rex[6] = { 0x48, 0x48, 0x48, 0x48, 0x49, 0x49 };
    static const unsigned char op[6] = { 0xBF, 0xBE, 0xBA, 0xB9, 0xB8, 0xB9 };
    if (reg < 0 || reg > THUNK_MAX_REGISTER)
        return -1;
    p[0] = rex[reg];
    p[1] = op[reg];
    memcpy(p + 2, &impl, 8);
    p[10] = 0x49;
    p[11] = 0xBB;
    memcpy(p + 12, &dispatcher, 8);
    p[20] = 0x41;
    p[21] = 0xFF;
    p[22] = 0xE3;
    memset(p + 23, 0xCC, THUNK_SIZE - 23);
    return 0;
}

static inline int thunk_encode_direct(unsigned char *p, int n, int mask, void *ctx, void *impl)
{
    static const int reg[6] = { 7, 6, 2, 1, 8, 9 };   /* rdi rsi rdx rcx r8 r9 */
    int at = 0;
    if (n < 0 || n > THUNK_MAX_REGISTER || mask >= n)
        return -1;
    for (int i = n - 1; i >= 0; i--) {   /* mov reg[i+1], reg[i] */
        int src = reg[i], dst = reg[i + 1];
        p[at++] = (unsigned char)(0x48 | (src >= 8 ? 4 : 0) | (dst >= 8 ? 1 : 0));
        p[at++] = 0x89;
        p[at++] = (unsigned char)(0xC0 | ((src & 7) << 3) | (dst & 7));
    }
    if (mask >= 0) {   /* btr reg[mask+1], 63 */
        int r = reg[mask + 1];
        p[at++] = (unsigned char)(0x48 | (r >= 8 ? 1 : 0));
        p[at++] = 0x0F;
        p[at++] = 0xBA;
        p[at++] = (unsigned char)(0xF0 | (r & 7));
        p[at++] = 63;
    }
    p[at++] = 0x48;
    p[at++] = 0xBF;   /* mov rdi, ctx */
    memcpy(p + at, &ctx, 8);
    at += 8;
    p[at++] = 0x48;
    p[at++] = 0xB8;   /* mov rax, impl */
    memcpy(p + at, &impl, 8);
    at += 8;
    p[at++] = 0xFF;
    p[at++] = 0xE0;   /* jmp rax */
    memset(p + at, 0xCC, (size_t)(THUNK_SIZE - at));
    return 0;
}

static inline int thunk_encode_constant(unsigned char *p, uint16_t value)
{
    p[0] = 0xB8;   /* mov eax, imm32 (zero-extended into rax) */
    p[1] = (unsigned char)(value & 0xFF);
    p[2] = (unsigned char)(value >> 8);
    p[3] = p[4] = 0;
    p[5] = 0xC3;   /* ret */
    memset(p + 6, 0xCC, THUNK_SIZE - 6);
    return 0;
}
#elif defined(__aarch64__)
#define THUNK_MAX_REGISTER 7   /* AAPCS64: x0-x7 */
/* ldr x<reg>, [pc+16] ; ldr x16, [pc+20] ; br x16 ; brk #0 ; .quad impl ; .quad dispatcher
   (x16 is the intra-procedure-call scratch register, free at a call boundary) */
static inline int thunk_encode(unsigned char *p, int reg, void *impl, void *dispatcher)
{
    uint32_t code[4];
    if (reg < 0 || reg > THUNK_MAX_REGISTER)
        return -1;
    code[0] = 0x58000000u | (4u << 5) | (uint32_t)reg;   /* LDR (literal), 64-bit, offset 16 */
    code[1] = 0x58000000u | (5u << 5) | 16u;             /* LDR x16, offset 20 (from 4: 24) */
    code[2] = 0xD61F0200u;                               /* BR x16 */
    code[3] = 0xD4200000u;                               /* BRK #0 */
    memcpy(p, code, 16);
    memcpy(p + 16, &impl, 8);
    memcpy(p + 24, &dispatcher, 8);
    return 0;
}

static inline int thunk_encode_direct(unsigned char *p, int n, int mask, void *ctx, void *impl)
{
    uint32_t code[12];
    int at = 0;
    if (n < 0 || n > THUNK_MAX_REGISTER - 1 || mask >= n)
        return -1;
    for (int i = n - 1; i >= 0; i--)   /* mov x<i+1>, x<i> (ORR with xzr) */
        code[at++] = 0xAA0003E0u | ((uint32_t)i << 16) | (uint32_t)(i + 1);
    if (mask >= 0)                     /* and x<m>, x<m>, #0x7fffffffffffffff */
        code[at++] = 0x9240F800u | ((uint32_t)(mask + 1) << 5) | (uint32_t)(mask + 1);
    /* literals at 48 (ctx) and 56 (impl); LDR (literal) counts words from its own address */
    code[at] = 0x58000000u | ((uint32_t)((48 - 4 * at) / 4) << 5) | 0u;    /* ldr x0, ctx */
    at++;
    code[at] = 0x58000000u | ((uint32_t)((56 - 4 * at) / 4) << 5) | 16u;   /* ldr x16, impl */
    at++;
    code[at++] = 0xD61F0200u;   /* br x16 */
    while (at < 12)
        code[at++] = 0xD4200000u;   /* brk #0 */
    memcpy(p, code, 48);
    memcpy(p + 48, &ctx, 8);
    memcpy(p + 56, &impl, 8);
    return 0;
}

static inline int thunk_encode_constant(unsigned char *p, uint16_t value)
{
    uint32_t code[2];
    code[0] = 0xD2800000u | ((uint32_t)value << 5);   /* movz x0, #value */
    code[1] = 0xD65F03C0u;                            /* ret */
    memcpy(p, code, 8);
    for (int at = 8; at < THUNK_SIZE; at += 4)
        memcpy(p + at, &(uint32_t){ 0xD4200000u }, 4);   /* brk #0 */
    return 0;
}
#else
#define THUNK_MAX_REGISTER (-1)
static inline int thunk_encode(unsigned char *p, int reg, void *impl, void *dispatcher)
{
    (void)p; (void)reg; (void)impl; (void)dispatcher;
    return -1;
}

static inline int thunk_encode_direct(unsigned char *p, int n, int mask, void *ctx, void *impl)
{
    (void)p; (void)n; (void)mask; (void)ctx; (void)impl;
    return -1;
}

static inline int thunk_encode_constant(unsigned char *p, uint16_t value)
{
    (void)p; (void)value;
    return -1;
}
#endif

#define THUNK_ENCODER_AVAILABLE (THUNK_MAX_REGISTER >= 0)

#endif
