/* The debug context's handles. A debug handle is the address of a debug_handle entry in an
 * arena whose memory C# owns and hands out in slabs (Shim/Debug/DebugArena.cs); the per-call
 * wrappers (debug.gen.c, debug.c) open, check and close entries here, inline, and call into C#
 * only when an entry list runs dry or a handle is misused.
 *
 * An entry is on exactly one list: open (in creation order, for leak reports), closed (a bounded
 * queue, so a closed handle is recognised for a while instead of being reused at once) or free.
 * The layout is shared with C# (DebugHandleEntry, checked by the layout tests). */
#ifndef HPYSHIM_DEBUG_H
#define HPYSHIM_DEBUG_H

#include <stdint.h>
#include "runtime/runtime.h"

#define DEBUG_HANDLE_MAGIC 0x48505944u   /* "HPYD": what tells a debug handle from anything else */
#define DEBUG_CTX_MAGIC 0x48505943u      /* "HPYC": a debug context's _private */

/* debug_handle.state */
enum { DH_FREE = 0, DH_OPEN = 1, DH_CLOSED = 2 };
/* debug_handle.flags */
enum {
    DH_IMMORTAL = 1,   /* a context constant (ctx->h_None...): never closed */
    DH_BORROWED = 2,   /* an argument a trampoline lent to the extension: closing it is an error */
};

#include "debug/misuse.gen.h"   /* MISUSE_*: the kinds of report (api/debug_misuse.api) */

typedef struct debug_handle {
    struct debug_handle *prev, *next;
    PyObject *obj;          /* the universal handle; owned while open unless DH_BORROWED */
    uint64_t generation;
    uint32_t magic;
    uint32_t state;
    uint32_t flags;
    int32_t closed_by;      /* context member that closed it, or -1 */
    void *opened_at;        /* return address of the context call that opened it */
    PyObject *code;         /* code object of the innermost Python frame then (a reference), */
    int64_t instr;          /* and its instruction's byte offset: the line, for reports */
    void *raw;              /* protected copy of the char* a getter returned for it, or NULL */
    int64_t raw_size;       /* its length in bytes (whole pages are mapped) */
    void **stack;           /* native return addresses at the opening, innermost first (malloc'd, */
    int32_t stack_depth;    /* kept with the entry); how many; 0 unless a stack trace limit is set */
    int32_t stack_capacity;
} debug_handle;

typedef struct {
    debug_handle *head, *tail;
    int64_t size;
} debug_list;

/* Slow paths, implemented in C# (DebugArena.cs). */
typedef struct debug_arena debug_arena;
typedef void (*debug_grow_fn)(debug_arena *arena);
/* `kind` is a MISUSE_* (for a builder `dh` is the builder, for a context the context); `here`
   holds the Python frame running at the misuse (code, instr) and `stack` the native return
   addresses at it, innermost first, for the report to name the extension's function. Returns
   only if the program may go on (an on_invalid_handle / on_invalid_builder_handle hook is set). */
typedef void (*debug_invalid_fn)(debug_handle *dh, int32_t member, int32_t argument, int32_t kind,
                                 const debug_handle *here, void *const *stack, int32_t depth);
/* Text for a fault on a getter's raw data, prepared when the getter runs and when the handle is
   closed (a signal handler cannot compute it); kept for good. `closing` 0: where the handle was
   opened (dh's code and instr) and where the getter was called (`caller`); 1: how it was closed
   (dh->closed_by; `caller` is the extension's call of HPy_Close or NULL) and where Python was then
   (dh's code and instr). */
typedef const char *(*debug_describe_fn)(debug_handle *dh, void *caller, int32_t closing);

struct debug_arena {
    debug_list open, closed, free;
    int64_t closed_max;        /* closed-queue bound (set_closed_handles_queue_max_size) */
    int64_t raw_max;           /* bytes of closed handles' raw data kept protected, at most */
    int64_t raw_kept;          /* bytes kept now */
    uint64_t generation;       /* of handles opened now (new_generation) */
    HPyContext *uctx, *dctx;
    debug_grow_fn grow;
    debug_invalid_fn invalid;
    debug_describe_fn describe;
    int64_t stack_limit;       /* native frames recorded per opening (set_handle_stack_trace_limit) */
    int64_t raw_batch_closes;  /* closed handles' raw data protected together, at most (debug_charptr.c) */
    int64_t raw_batch_calls;   /* calls after which a waiting batch is protected, at most */
};

extern debug_arena *debug_state;
extern const frame_layout *debug_frame_layout;   /* NULL: this CPython's frames are unknown */
extern void *(*debug_thread_state)(void);        /* PyThreadState_Get */

/* Where Python code is now: the innermost frame's code object (borrowed) and instruction
   offset, or NULL and -1. Loads, no call, no frame object. */
static inline void debug_current_frame(PyObject **code_out, int64_t *instr_out)
{
    const frame_layout *l = debug_frame_layout;
    *code_out = NULL;
    *instr_out = -1;
    if (l == NULL)
        return;
    char *ts = debug_thread_state();
    char *f = ts != NULL ? *(char **)(ts + l->frame) : NULL;
    if (l->kind == 2 && f != NULL)
        f = *(char **)(f + l->current);
    if (f == NULL)
        return;
    PyObject *code = *(PyObject **)(f + l->code);
    if (code == NULL)
        return;
    if (l->kind == 1)
        *instr_out = (int64_t)*(int *)(f + l->instr) * l->lasti_unit;
    else
        *instr_out = *(char **)(f + l->instr) - ((char *)code + l->code_adaptive);
    *code_out = code;
}

/* Records where Python code was when the handle opened (the handle keeps a reference). */
static inline void debug_record_frame(debug_handle *h)
{
    debug_current_frame(&h->code, &h->instr);
    if (h->code != NULL)
        native_incref(h->code);
}

static inline void debug_list_remove(debug_list *l, debug_handle *h)
{
    if (h->prev) h->prev->next = h->next; else l->head = h->next;
    if (h->next) h->next->prev = h->prev; else l->tail = h->prev;
    h->prev = h->next = NULL;
    l->size--;
}

/* The list's first entry, taken off it (the list is not empty). */
static inline debug_handle *debug_list_pop(debug_list *l)
{
    debug_handle *h = l->head;
    l->head = h->next;
    if (h->next) h->next->prev = NULL; else l->tail = NULL;
    h->next = NULL;
    l->size--;
    return h;
}

static inline void debug_list_append(debug_list *l, debug_handle *h)
{
    h->next = NULL;
    h->prev = l->tail;
    if (l->tail) l->tail->next = h; else l->head = h;
    l->tail = h;
    l->size++;
}

/* Raw data (debug_charptr.c): a protected copy of a getter's char*, living as long as its handle. */
void debug_raw_init(int32_t close_member, int32_t tracker_close_member);
const char *debug_raw_copy(HPy dh, const char *data, size_t n, int32_t member, void *caller);
void debug_raw_release(debug_handle *h);   /* gives back an entry's raw data when it is reused */
void debug_raw_protect(debug_handle *h);   /* makes it unreadable at close (now or with a batch) */
void debug_raw_call_slow(void);
extern int64_t debug_raw_pending;
extern uint64_t debug_raw_calls, debug_raw_protected_at;
extern void *debug_raw_closer;

/* HPy_Close and HPyTracker_Close say where the extension called them, for a fault's report. */
static inline void debug_raw_close_caller(void *caller)
{
    debug_raw_closer = caller;
}

/* An extension call starts: counted, for the bound on a batch's wait in calls. */
static inline void debug_raw_call(void)
{
    debug_raw_calls++;
    if (__builtin_expect(debug_raw_pending != 0
                         && (int64_t)(debug_raw_calls - debug_raw_protected_at) >= debug_state->raw_batch_calls, 0))
        debug_raw_call_slow();
}

/* An entry for a new handle: the oldest closed one once the closed queue is full (so recently
   closed handles stay recognisable), else a free one; C# adds a slab when both are empty. */
static inline debug_handle *debug_take_entry(void)
{
    debug_arena *a = debug_state;
    debug_handle *h;
    if (a->closed.size >= a->closed_max && a->closed.head != NULL) {
        h = debug_list_pop(&a->closed);
    } else {
        if (a->free.head == NULL)
            a->grow(a);
        h = debug_list_pop(&a->free);
    }
    if (h->raw != NULL)
        debug_raw_release(h);
    return h;
}

void debug_record_stack(debug_handle *h);   /* debug.c: the native frames, when asked for */

/* Each call of an extension function gets a context of its own, valid only during the call
   (debug.c keeps a ring of them); ctx->_private says whether it still is. The Python frame is
   the same throughout a call (frames pushed by Python code it calls are gone when it goes on):
   the call's context records it once, for every handle opened during the call. */
typedef struct {
    uint32_t magic;
    uint32_t valid;
    PyObject *code;         /* the innermost Python frame's code object at the call (borrowed), */
    int64_t instr;          /* and its instruction; DEBUG_NO_FRAME for contexts of no call */
} debug_ctx_info;

#define DEBUG_NO_FRAME (-2)

/* A new debug handle for the universal handle `uh` (HPy_NULL stays HPy_NULL), opened while
   Python was at `code`, `instr`. */
static inline HPy debug_open_at(HPy uh, uint32_t flags, void *opened_at, PyObject *code, int64_t instr)
{
    if (uh._i == 0)
        return uh;
    debug_handle *h = debug_take_entry();
    PyObject *previous_code = h->code;   /* of the entry's last use: released once it is set up */
    h->obj = _h2py(uh);
    h->generation = debug_state->generation;
    h->magic = DEBUG_HANDLE_MAGIC;
    h->state = DH_OPEN;
    h->flags = flags;
    h->closed_by = -1;
    h->opened_at = opened_at;
    h->code = code;
    h->instr = instr;
    if (__builtin_expect(debug_state->stack_limit > 0, 0))
        debug_record_stack(h);
    else
        h->stack_depth = 0;
    debug_list_append(&debug_state->open, h);
    /* the entry keeps a reference to its code object; the same one as at its last use (a loop)
       keeps the reference it has */
    if (code != previous_code) {
        if (code != NULL)
            native_incref(code);
        if (previous_code != NULL)
            cpy.Py_DecRef(previous_code);
    }
    return (HPy){ (HPy_ssize_t)h };
}

/* The same, where Python is now. */
static inline HPy debug_open(HPy uh, uint32_t flags, void *opened_at)
{
    PyObject *code;
    int64_t instr;
    debug_current_frame(&code, &instr);
    return debug_open_at(uh, flags, opened_at, code, instr);
}

/* The same, for a context member called with `ctx` (checked by debug_check_ctx): the frame the
   call's context recorded. */
static inline HPy debug_open_in(HPyContext *ctx, HPy uh, uint32_t flags, void *opened_at)
{
    debug_ctx_info *info = (debug_ctx_info *)ctx->_private;
    if (__builtin_expect(info != NULL && info->magic == DEBUG_CTX_MAGIC && info->instr != DEBUG_NO_FRAME, 1))
        return debug_open_at(uh, flags, opened_at, info->code, info->instr);
    return debug_open(uh, flags, opened_at);
}

void debug_report(debug_handle *h, int32_t member, int32_t argument, int32_t kind);


void debug_wrong_context(HPyContext *ctx, int32_t member);

static inline void debug_check_ctx(HPyContext *ctx, int32_t member)
{
    debug_ctx_info *info = (debug_ctx_info *)ctx->_private;
    if (__builtin_expect(info == NULL || info->magic != DEBUG_CTX_MAGIC || info->valid != 1, 0))
        debug_wrong_context(ctx, member);
}

/* The universal handle behind `dh`, after checking it is an open debug handle; a misuse is
   reported (and, without an on_invalid_handle hook, ends the process). */
static inline HPy debug_unwrap(HPy dh, int32_t member, int32_t argument)
{
    if (dh._i == 0)
        return dh;
    debug_handle *h = (debug_handle *)dh._i;
    if (h->magic != DEBUG_HANDLE_MAGIC) {
        debug_report(h, member, argument, MISUSE_NOT_A_HANDLE);
        return dh;   /* the hook let us go on: it may be a universal handle */
    }
    if (h->state != DH_OPEN)
        debug_report(h, member, argument, MISUSE_CLOSED);
    return _py2h(h->obj);
}

/* Moves an open entry to the closed queue; a queue over its bound gives back its oldest entry
   (one per close, so a lowered bound takes effect gradually, as in HPy). */
static inline void debug_retire(debug_handle *h, int32_t member)
{
    debug_arena *a = debug_state;
    debug_list_remove(&a->open, h);
    h->state = DH_CLOSED;
    h->closed_by = member;
    if (h->raw != NULL)
        debug_raw_protect(h);
    debug_list_append(&a->closed, h);
    if (a->closed.size > a->closed_max && a->closed.head != NULL) {
        debug_handle *oldest = a->closed.head;
        debug_list_remove(&a->closed, oldest);
        oldest->state = DH_FREE;   /* still an arena entry: a stale handle is reported as closed */
        debug_list_append(&a->free, oldest);
    }
}

/* ---- shared by debug.c and the files of its members and trampolines ---- */

#define MEMBER_INDEX_UNKNOWN (-1)
#define DEBUG_SMALL 16   /* arrays of up to this many handles live on the stack */

/* Runs while `ctx` must not be used: a call into Python code, which may call the extension with
   a context of its own, or a close, which may run __del__. */
#define WHILE_SUSPENDED(ctx, statement)                                                   \
    do {                                                                                  \
        debug_ctx_info *suspended_ = (debug_ctx_info *)(ctx)->_private;                   \
        uint32_t was_ = suspended_->valid;                                                \
        suspended_->valid = 0;                                                            \
        statement;                                                                        \
        suspended_->valid = was_;                                                         \
    } while (0)

/* The context for one call of an extension function, and the end of that call (debug.c). */
HPyContext *debug_begin_call(HPyContext *dctx, uint32_t *saved);
void debug_end_call(HPyContext *dctx, HPyContext *c, uint32_t saved);
/* The object a method or slot returns, taken back from its debug handle (debug.c). */
PyObject *debug_take_result(HPy r, int32_t member);
/* A fatal misuse CPython would not notice, and a check (debug_checks.c). */
void debug_fatal(const char *message);
int debug_is_tuple_or_null(HPy uh);

/* A debug handle for an object CPython lends to the extension for the call of `cctx`. */
static inline HPy debug_lend(HPyContext *cctx, PyObject *o)
{
    return debug_open_in(cctx, _py2h(o), DH_BORROWED, NULL);
}

/* After the call: the lent handle ends (the object stays CPython's). A handle the extension
   closed itself was reported when it did. */
static inline void debug_end_loan(HPy dh)
{
    if (dh._i == 0)
        return;
    debug_handle *h = (debug_handle *)dh._i;
    if (h->state == DH_OPEN)
        debug_retire(h, MEMBER_INDEX_UNKNOWN);
}

#endif
