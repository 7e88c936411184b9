/* Where CPython keeps the running Python frame, per version: enough to record, on every debug
 * handle opened, the code object and instruction offset of the innermost Python frame without a
 * call (no frame object is materialised). The line is computed only for a report. The offsets
 * are checked against each CPython's own headers by tests/c/frame_layout_test.c. */
#ifndef HPYSHIM_FRAMES_H
#define HPYSHIM_FRAMES_H

#include <stddef.h>

typedef struct {
    int minor;               /* 3.minor */
    int kind;                /* 1: tstate->frame is a PyFrameObject (3.8-3.10)
                                2: tstate->cframe->current_frame (3.11, 3.12)
                                3: tstate->current_frame (3.13) */
    size_t frame;            /* PyThreadState: frame, cframe or current_frame */
    size_t current;          /* _PyCFrame.current_frame (kind 2) */
    size_t code;             /* the frame's code object (f_code, f_executable) */
    size_t instr;            /* f_lasti (int, kind 1) or prev_instr / instr_ptr (a pointer) */
    size_t code_adaptive;    /* PyCodeObject.co_code_adaptive: where instructions start (kinds 2, 3) */
    int lasti_unit;          /* bytes per f_lasti unit (kind 1): 1 before 3.10, 2 from 3.10 */
} frame_layout;

static const frame_layout frame_layouts[] = {
    { 8, 1, 24, 0, 32, 104, 0, 1 },
    { 9, 1, 24, 0, 32, 104, 0, 1 },
    { 10, 1, 24, 0, 32, 96, 0, 2 },
    { 11, 2, 56, 8, 32, 56, 184, 0 },
    { 12, 2, 56, 0, 0, 56, 192, 0 },
    { 13, 3, 72, 0, 0, 56, 200, 0 },
};

#endif
