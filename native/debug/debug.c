/* The debug context's core: misuse reports, the contexts valid for one call, lending arguments and
 * taking results, the context itself and the queries behind hpyshim.debug. Its members are in
 * debug_members.c (those with rules of their own), debug_checks.c (argument checks, builders) and
 * debug.gen.c (the rest); the trampolines' dispatch is debug_calls.c. Handles the extension sees
 * are debug handles (debug.h); the universal context does the work. */
#include <execinfo.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "debug/debug.h"
#include "debug/args_shapes.gen.h"
#include "interop/boundary.gen.h"

debug_arena *debug_state;
const frame_layout *debug_frame_layout;
void *(*debug_thread_state)(void);

/* A misuse: the report (C#) gets where Python and the native code were at that moment. */
void debug_report(debug_handle *h, int32_t member, int32_t argument, int32_t kind)
{
    debug_handle here;
    memset(&here, 0, sizeof here);
    debug_record_frame(&here);
    void *stack[24];
    int depth = backtrace(stack, 24);
    debug_state->invalid(h, member, argument, kind, &here, stack, depth);
    if (here.code != NULL)
        cpy.Py_DecRef(here.code);
}

/* The native frames at a handle's opening (HPy's allocation stack trace), only while a limit is
   set: up to `stack_limit` return addresses, innermost first, without this function's own. */
__attribute__((noinline)) void debug_record_stack(debug_handle *h)
{
    int want = (int)debug_state->stack_limit + 1;
    if (h->stack_capacity < want) {
        void **grown = realloc(h->stack, sizeof(void *) * (size_t)want);
        if (grown == NULL) {
            h->stack_depth = 0;
            return;
        }
        h->stack = grown;
        h->stack_capacity = want;
    }
    int depth = backtrace(h->stack, want);
    if (depth > 0) {
        memmove(h->stack, h->stack + 1, sizeof(void *) * (size_t)(depth - 1));
        depth--;
    }
    h->stack_depth = depth;
}

/* ---- contexts valid only during a call ---- */

#define CALL_CONTEXTS 16   /* as HPy: a kept context is caught unless 16 calls later it is reused */

static debug_ctx_info global_info = { DEBUG_CTX_MAGIC, 1, NULL, DEBUG_NO_FRAME };
static HPyContext *call_contexts[CALL_CONTEXTS];
static debug_ctx_info call_infos[CALL_CONTEXTS];
static unsigned next_call_context;

void debug_wrong_context(HPyContext *ctx, int32_t member)
{
    debug_report((debug_handle *)ctx, member, 0, MISUSE_WRONG_CONTEXT);
}


/* The context for one call of an extension function, from the ring; the caller's (the global
   one the trampoline got) is not valid meanwhile. A context still in use by an outer call (a
   traverse run by a collection inside HPy_New, say) is never handed out again: a nested call
   takes the next free one, and past 16 nested calls the call keeps its caller's context. */
static unsigned char call_busy[CALL_CONTEXTS];

HPyContext *debug_begin_call(HPyContext *dctx, uint32_t *saved)
{
    debug_raw_call();
    debug_ctx_info *outer = (debug_ctx_info *)dctx->_private;
    *saved = outer->valid;
    for (int k = 0; k < CALL_CONTEXTS; k++) {
        unsigned i = next_call_context++ % CALL_CONTEXTS;
        if (!call_busy[i]) {
            call_busy[i] = 1;
            outer->valid = 0;
            debug_ctx_info *info = (debug_ctx_info *)call_contexts[i]->_private;
            info->valid = 1;
            debug_current_frame(&info->code, &info->instr);
            return call_contexts[i];
        }
    }
    outer->valid = 1;
    return dctx;
}

void debug_end_call(HPyContext *dctx, HPyContext *c, uint32_t saved)
{
    if (c != dctx) {
        debug_ctx_info *info = (debug_ctx_info *)c->_private;
        info->valid = 0;
        info->instr = DEBUG_NO_FRAME;
        call_busy[info - call_infos] = 0;
    }
    ((debug_ctx_info *)dctx->_private)->valid = saved;
}

/* ---- lending arguments, taking results (trampolines) ---- */

/* The object a method or slot returns: the handle must be open and the extension's to give
   away; its reference passes to CPython and the debug handle ends. */
PyObject *debug_take_result(HPy r, int32_t member)
{
    if (r._i == 0)
        return NULL;
    debug_handle *h = (debug_handle *)r._i;
    if (h->magic != DEBUG_HANDLE_MAGIC) {
        debug_report(h, member, 0, MISUSE_NOT_A_HANDLE);
        return (PyObject *)r._i;
    }
    if (h->state != DH_OPEN) {
        debug_report(h, member, 0, MISUSE_CLOSED);
        cpy.Py_IncRef(h->obj);   /* only reached with a hook: keep the process consistent */
        return h->obj;
    }
    if (h->flags & (DH_IMMORTAL | DH_BORROWED)) {
        /* a context constant or an argument returned without HPy_Dup */
        debug_report(h, member, 0, (h->flags & DH_IMMORTAL) ? MISUSE_RETURNED_CONSTANT : MISUSE_RETURNED_LOAN);
        cpy.Py_IncRef(h->obj);
        return h->obj;
    }
    PyObject *o = h->obj;
    debug_retire(h, member);
    return o;
}

/* ---- the context and the queries behind hpyshim.debug ---- */


static HPyContext *debug_ctx;

/* The debug context over `uctx`, with `arena` (made by C#, its lists empty); made once. */
HPyContext *shim_debug_context(HPyContext *uctx, debug_arena *arena)
{
    if (debug_ctx != NULL)
        return debug_ctx;
    HPyContext *dctx = malloc(sizeof(HPyContext));
    if (dctx == NULL)
        return NULL;
    debug_state = arena;
    arena->uctx = uctx;
    arena->dctx = dctx;
    debug_raw_init(MEMBER_Close, MEMBER_Tracker_Close);
    /* where this CPython keeps the running frame (api/cpython_versions.api) */
    debug_frame_layout = native_cpython != NULL ? &native_cpython->frame : NULL;
    debug_thread_state = cpy.PyThreadState_Get;
    if (debug_thread_state == NULL)
        debug_frame_layout = NULL;
    *dctx = *uctx;
    dctx->name = "HPy Debug Mode ABI";
    dctx->_private = &global_info;
    debug_fill_generated(dctx, uctx);
    for (int i = 0; i < CALL_CONTEXTS; i++) {
        HPyContext *c = malloc(sizeof(HPyContext));
        if (c == NULL)
            return NULL;
        *c = *dctx;
        call_infos[i] = (debug_ctx_info){ DEBUG_CTX_MAGIC, 0, NULL, DEBUG_NO_FRAME };
        c->_private = &call_infos[i];
        call_contexts[i] = c;
    }
    debug_ctx = dctx;
    return dctx;
}

/* Fills `out` with up to `capacity` entries of the open (which 0) or closed (1) list whose
   generation is at least `generation`, oldest first; returns how many there are in all. */
int64_t shim_debug_handles(int32_t which, uint64_t generation, debug_handle **out, int64_t capacity)
{
    if (debug_state == NULL)
        return 0;
    int64_t n = 0;
    for (debug_handle *h = (which == 0 ? debug_state->open : debug_state->closed).head; h != NULL; h = h->next) {
        if (h->generation < generation || (h->flags & DH_IMMORTAL))
            continue;
        if (n < capacity)
            out[n] = h;
        n++;
    }
    return n;
}

/* Closes an open handle as HPy_Close would, without the checks (DebugHandle._force_close). */
int shim_debug_force_close(debug_handle *h)
{
    if (h->magic != DEBUG_HANDLE_MAGIC || h->state != DH_OPEN || (h->flags & DH_IMMORTAL))
        return -1;
    PyObject *o = h->obj;
    int borrowed = (h->flags & DH_BORROWED) != 0;
    debug_retire(h, MEMBER_INDEX_UNKNOWN);
    if (!borrowed)
        debug_state->uctx->ctx_Close(debug_state->uctx, _py2h(o));
    return 0;
}

