/* The machine code of a thunk: put `impl` in argument register `reg` (0-based), then jump to
 * `dispatcher`. Kept apart from thunks.c so that tests/c/thunk_test.c runs the same encoders on
 * x86-64 and, cross-compiled, on arm64 under qemu. */
#ifndef HPYSHIM_THUNK_CODE_H
#define HPYSHIM_THUNK_CODE_H

#include <stdint.h>
#include <string.h>

enum { THUNK_SIZE = 32 };

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
#else
#define THUNK_MAX_REGISTER (-1)
static inline int thunk_encode(unsigned char *p, int reg, void *impl, void *dispatcher)
{
    (void)p; (void)reg; (void)impl; (void)dispatcher;
    return -1;
}
#endif

#define THUNK_ENCODER_AVAILABLE (THUNK_MAX_REGISTER >= 0)

#endif
