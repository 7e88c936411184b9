/* The debug context's hand-written members and trampoline dispatch (the rest is debug.gen.c).
 * Handles the extension sees are debug handles (debug.h); the universal context does the work. */
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

#define MEMBER_INDEX_UNKNOWN (-1)

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

/* The context for one call of an extension function, from the ring; the caller's (the global
   one the trampoline got) is not valid meanwhile. A context still in use by an outer call (a
   traverse run by a collection inside HPy_New, say) is never handed out again: a nested call
   takes the next free one, and past 16 nested calls the call keeps its caller's context. */
static unsigned char call_busy[CALL_CONTEXTS];

static HPyContext *begin_call(HPyContext *dctx, uint32_t *saved)
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

static void end_call(HPyContext *dctx, HPyContext *c, uint32_t saved)
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

/* A debug handle for an object CPython lends to the extension for the call of `cctx`. */
static inline HPy lend(HPyContext *cctx, PyObject *o)
{
    return debug_open_in(cctx, _py2h(o), DH_BORROWED, NULL);
}

/* After the call: the lent handle ends (the object stays CPython's). A handle the extension
   closed itself was reported when it did. */
static inline void end_loan(HPy dh)
{
    if (dh._i == 0)
        return;
    debug_handle *h = (debug_handle *)dh._i;
    if (h->state == DH_OPEN)
        debug_retire(h, MEMBER_INDEX_UNKNOWN);
}

/* The object a method or slot returns: the handle must be open and the extension's to give
   away; its reference passes to CPython and the debug handle ends. */
static PyObject *take_result(HPy r, int32_t member)
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

/* ---- members with their own rules ---- */

HPy debug_Dup(HPyContext *ctx, HPy h)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Dup);
    HPy uh = debug_unwrap(h, MEMBER_Dup, 1);
    return debug_open_in(ctx, uctx->ctx_Dup(uctx, uh), 0, __builtin_return_address(0));
}

/* Close: the debug handle ends and the universal handle is closed. Closing twice, closing a
   constant or closing an argument the caller lent are errors. */
static void close_member(HPy h, int32_t member)
{
    HPyContext *uctx = debug_state->uctx;
    if (h._i == 0)
        return;
    debug_handle *e = (debug_handle *)h._i;
    if (e->magic != DEBUG_HANDLE_MAGIC) {
        debug_report(e, member, 1, MISUSE_NOT_A_HANDLE);
        return;
    }
    if (e->state != DH_OPEN) {
        debug_report(e, member, 1, MISUSE_CLOSED);
        return;
    }
    if (e->flags & DH_IMMORTAL) {
        debug_report(e, member, 1, MISUSE_CLOSED_CONSTANT);
        return;
    }
    if (e->flags & DH_BORROWED) {
        debug_report(e, member, 1, MISUSE_CLOSED_LOAN);
        return;
    }
    PyObject *o = e->obj;
    debug_retire(e, member);
    uctx->ctx_Close(uctx, _py2h(o));   /* may run __del__, which calls with contexts of its own */
}

void debug_Close(HPyContext *ctx, HPy h)
{
    debug_check_ctx(ctx, MEMBER_Close);
    debug_raw_close_caller(__builtin_return_address(0));
    WHILE_SUSPENDED(ctx, close_member(h, MEMBER_Close));
}

static void fatal(const char *message);
static int is_tuple_or_null(HPy uh);

/* Unwraps n handles into `out` (checked); returns out, or a heap array when n is large (the
   caller frees it when it differs from `small`). */
static HPy *unwrap_array(const HPy *in, size_t n, HPy *small, size_t small_n, int32_t member,
                         int32_t argument)
{
    HPy *out = n <= small_n ? small : calloc(n, sizeof(HPy));
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        out[i] = debug_unwrap(in[i], member, argument);
    return out;
}

#define SMALL 16

static size_t kwnames_length(HPy ukwnames)
{
    PyObject *o = _h2py(ukwnames);
    if (o == NULL || !(TP_FLAGS(Py_TYPE_OF(o)) & TPFLAGS_TupleSubclass))
        return 0;   /* the universal member raises for a non-tuple */
    return (size_t)TUPLE_SIZE(o);
}


typedef HPy (*vector_call_member)(HPyContext *, HPy, const HPy *, size_t, HPy);

/* HPy_Call and HPy_CallMethod: `first` (the callable, or the method name) and nargs positional
   plus len(kwnames) keyword values in `args`, all unwrapped; Python code runs meanwhile. */
static HPy vector_call(HPyContext *ctx, vector_call_member call, int32_t member, const char *kw_error,
                       HPy first, const HPy *args, size_t nargs, HPy kwnames, void *caller)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, member);
    HPy ufirst = debug_unwrap(first, member, 1);
    HPy ukw = debug_unwrap(kwnames, member, 4);
    if (!is_tuple_or_null(ukw))
        fatal(kw_error);
    size_t n = nargs + kwnames_length(ukw);
    HPy small[SMALL] = { { 0 } };   /* (zeroed: n may be 0) */
    HPy *uargs = unwrap_array(args, n, small, SMALL, member, 2);
    if (uargs == NULL)
        return uctx->ctx_Err_NoMemory(uctx), HPy_NULL;
    HPy r;
    WHILE_SUSPENDED(ctx, r = call(uctx, ufirst, uargs, nargs, ukw));
    if (uargs != small)
        free(uargs);
    return debug_open_in(ctx, r, 0, caller);
}

HPy debug_Call(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    return vector_call(ctx, debug_state->uctx->ctx_Call, MEMBER_Call,
                       "HPy_Call arg 'kwnames' must be a tuple object or HPy_NULL",
                       callable, args, nargs, kwnames, __builtin_return_address(0));
}

HPy debug_CallMethod(HPyContext *ctx, HPy name, const HPy *args, size_t nargs, HPy kwnames)
{
    return vector_call(ctx, debug_state->uctx->ctx_CallMethod, MEMBER_CallMethod,
                       "HPy_CallMethod arg 'kwnames' must be a tuple object or HPy_NULL",
                       name, args, nargs, kwnames, __builtin_return_address(0));
}

HPy debug_CallTupleDict(HPyContext *ctx, HPy callable, HPy args, HPy kw)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_CallTupleDict);
    HPy ucallable = debug_unwrap(callable, MEMBER_CallTupleDict, 1);
    HPy uargs = debug_unwrap(args, MEMBER_CallTupleDict, 2), ukw = debug_unwrap(kw, MEMBER_CallTupleDict, 3);
    HPy r;
    WHILE_SUSPENDED(ctx, r = uctx->ctx_CallTupleDict(uctx, ucallable, uargs, ukw));
    return debug_open_in(ctx, r, 0, __builtin_return_address(0));
}

HPy debug_Type_GenericNew(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Type_GenericNew);
    HPy utype = debug_unwrap(type, MEMBER_Type_GenericNew, 1);
    HPy ukw = debug_unwrap(kw, MEMBER_Type_GenericNew, 4);
    HPy small[SMALL] = { { 0 } };   /* (zeroed: n may be 0) */
    HPy *uargs = unwrap_array(args, nargs > 0 ? (size_t)nargs : 0, small, SMALL, MEMBER_Type_GenericNew, 2);
    if (uargs == NULL)
        return uctx->ctx_Err_NoMemory(uctx), HPy_NULL;
    HPy r = uctx->ctx_Type_GenericNew(uctx, utype, uargs, nargs, ukw);
    if (uargs != small)
        free(uargs);
    return debug_open_in(ctx, r, 0, __builtin_return_address(0));
}

HPy debug_Tuple_FromArray(HPyContext *ctx, const HPy items[], HPy_ssize_t n)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Tuple_FromArray);
    HPy small[SMALL] = { { 0 } };   /* (zeroed: n may be 0) */
    HPy *uitems = unwrap_array(items, n > 0 ? (size_t)n : 0, small, SMALL, MEMBER_Tuple_FromArray, 1);
    if (uitems == NULL)
        return uctx->ctx_Err_NoMemory(uctx), HPy_NULL;
    HPy r = uctx->ctx_Tuple_FromArray(uctx, uitems, n);
    if (uitems != small)
        free(uitems);
    return debug_open_in(ctx, r, 0, __builtin_return_address(0));
}

HPy debug_Type_FromSpec(HPyContext *ctx, HPyType_Spec *spec, HPyType_SpecParam *params)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Type_FromSpec);
    size_t n = 0;
    if (params != NULL)
        while (params[n].kind != 0)
            n++;
    HPyType_SpecParam small[8];
    HPyType_SpecParam *uparams = NULL;
    if (params != NULL) {
        uparams = n < 8 ? small : malloc((n + 1) * sizeof(HPyType_SpecParam));
        if (uparams == NULL)
            return uctx->ctx_Err_NoMemory(uctx), HPy_NULL;
        for (size_t i = 0; i < n; i++) {
            uparams[i].kind = params[i].kind;
            uparams[i].object = debug_unwrap(params[i].object, MEMBER_Type_FromSpec, 2);
        }
        uparams[n].kind = (HPyType_SpecParam_Kind)0;
        uparams[n].object = HPy_NULL;
    }
    HPy r = uctx->ctx_Type_FromSpec(uctx, spec, uparams);
    if (uparams != NULL && uparams != small)
        free(uparams);
    return debug_open_in(ctx, r, 0, __builtin_return_address(0));
}

int32_t debug_ContextVar_Get(HPyContext *ctx, HPy context_var, HPy default_value, HPy *result)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_ContextVar_Get);
    HPy uresult = HPy_NULL;
    int32_t r = uctx->ctx_ContextVar_Get(uctx, debug_unwrap(context_var, MEMBER_ContextVar_Get, 1),
                                         debug_unwrap(default_value, MEMBER_ContextVar_Get, 2), &uresult);
    *result = debug_open_in(ctx, uresult, 0, __builtin_return_address(0));
    return r;
}

/* ---- trackers: the debug context keeps its own, of debug handles ---- */

typedef struct {
    HPy_ssize_t length, capacity;
    HPy *handles;
} debug_tracker;

HPyTracker debug_Tracker_New(HPyContext *ctx, HPy_ssize_t size)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Tracker_New);
    if (size < 0) {
        uctx->ctx_Err_SetString(uctx, uctx->h_ValueError, "HPyTracker_New: negative size");
        return (HPyTracker){ 0 };
    }
    debug_tracker *t = malloc(sizeof *t);
    HPy_ssize_t capacity = size > 0 ? size : 4;
    HPy *handles = malloc((size_t)capacity * sizeof(HPy));
    if (t == NULL || handles == NULL) {
        free(t);
        free(handles);
        uctx->ctx_Err_NoMemory(uctx);
        return (HPyTracker){ 0 };
    }
    *t = (debug_tracker){ 0, capacity, handles };
    return (HPyTracker){ (intptr_t)t };
}

int debug_Tracker_Add(HPyContext *ctx, HPyTracker ht, HPy h)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Tracker_Add);
    debug_tracker *t = (debug_tracker *)ht._i;
    debug_unwrap(h, MEMBER_Tracker_Add, 2);   /* checks it is open */
    if (t->length == t->capacity) {
        HPy *grown = realloc(t->handles, (size_t)t->capacity * 2 * sizeof(HPy));
        if (grown == NULL) {
            uctx->ctx_Err_NoMemory(uctx);
            return -1;
        }
        t->handles = grown;
        t->capacity *= 2;
    }
    t->handles[t->length++] = h;
    return 0;
}

void debug_Tracker_ForgetAll(HPyContext *ctx, HPyTracker ht)
{
    debug_check_ctx(ctx, MEMBER_Tracker_ForgetAll);
    ((debug_tracker *)ht._i)->length = 0;
}

void debug_Tracker_Close(HPyContext *ctx, HPyTracker ht)
{
    debug_check_ctx(ctx, MEMBER_Tracker_Close);
    debug_raw_close_caller(__builtin_return_address(0));
    debug_tracker *t = (debug_tracker *)ht._i;
    for (HPy_ssize_t i = 0; i < t->length; i++)
        close_member(t->handles[i], MEMBER_Tracker_Close);
    free(t->handles);
    free(t);
}

/* ---- trampolines: what CPython passes becomes debug handles lent for the call ---- */

#define FIELD(args, offset) (*(PyObject **)((char *)(args) + (offset)))

static void dispatch(HPyContext *cctx, HPyFunc_Signature sig, HPyCFunction func, void *args);

/* Lends n objects (an argument vector) as debug handles, into `small` or, when n is large, a heap
   array; NULL with MemoryError set when that cannot be allocated. */
static HPy *lend_array(HPyContext *cctx, PyObject *const *items, size_t n, HPy *small)
{
    HPy *h = n <= SMALL ? small : malloc(n * sizeof(HPy));
    if (h == NULL) {
        debug_state->uctx->ctx_Err_NoMemory(debug_state->uctx);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        h[i] = lend(cctx, items[i]);
    return h;
}

static void end_array_loan(HPy *h, size_t n, HPy *small)
{
    for (size_t i = 0; i < n; i++)
        end_loan(h[i]);
    if (h != small)
        free(h);
}

void debug_CallRealFunctionFromTrampoline(HPyContext *dctx, HPyFunc_Signature sig, HPyCFunction func,
                                          void *args)
{
    if (sig == HPyFunc_TRAVERSEPROC) {
        /* a GC pass: the function gets no context and sees no handle (its fields are visited
           as they are), so it needs no call context either */
        debug_state->uctx->ctx_CallRealFunctionFromTrampoline(dctx, sig, func, args);
        return;
    }
    uint32_t saved;
    HPyContext *cctx = begin_call(dctx, &saved);
    dispatch(cctx, sig, func, args);
    end_call(dctx, cctx, saved);
}

/* Lends what CPython passes as debug handles, calls the function with its call context `cctx`,
   takes back the result. */
static void dispatch(HPyContext *cctx, HPyFunc_Signature sig, HPyCFunction func, void *args)
{
    HPyContext *uctx = debug_state->uctx;
    switch (sig) {
    case HPyFunc_NOARGS:
    case HPyFunc_UNARYFUNC:
    case HPyFunc_REPRFUNC:
    case HPyFunc_GETITERFUNC:
    case HPyFunc_ITERNEXTFUNC: {
        /* (object) -> object: the commonest shapes, called directly */
        _HPyFunc_args_NOARGS *a = args;   /* the others have the same fields */
        HPy self = lend(cctx, a->self);
        a->result = take_result(((HPyFunc_noargs)(void (*)(void))func)(cctx, self), MEMBER_CallRealFunctionFromTrampoline);
        end_loan(self);
        return;
    }
    case HPyFunc_O:
    case HPyFunc_BINARYFUNC: {
        /* (object, object) -> object */
        _HPyFunc_args_O *a = args;   /* BINARYFUNC has the same fields */
        HPy self = lend(cctx, a->self), arg = lend(cctx, a->arg);
        a->result = take_result(((HPyFunc_o)(void (*)(void))func)(cctx, self, arg), MEMBER_CallRealFunctionFromTrampoline);
        end_loan(arg);
        end_loan(self);
        return;
    }
    case HPyFunc_VARARGS: {
        _HPyFunc_args_VARARGS *a = args;
        size_t n = (size_t)a->nargs;
        HPy self = lend(cctx, a->self), small[SMALL];
        HPy *h = lend_array(cctx, (PyObject *const *)a->args, n, small);
        a->result = NULL;
        if (h != NULL) {
            HPy r = ((HPyFunc_varargs)(void (*)(void))func)(cctx, self, h, n);
            a->result = take_result(r, MEMBER_CallRealFunctionFromTrampoline);
            end_array_loan(h, n, small);
        }
        end_loan(self);
        return;
    }
    case HPyFunc_KEYWORDS: {
        _HPyFunc_args_KEYWORDS *a = args;
        size_t nargs = a->nargsf & ~PY_VECTORCALL_ARGUMENTS_OFFSET;
        size_t n = nargs + (a->kwnames != NULL ? (size_t)TUPLE_SIZE(a->kwnames) : 0);
        HPy self = lend(cctx, a->self), kw = lend(cctx, a->kwnames), small[SMALL];
        HPy *h = lend_array(cctx, (PyObject *const *)a->args, n, small);
        a->result = NULL;
        if (h != NULL) {
            HPy r = ((HPyFunc_keywords)(void (*)(void))func)(cctx, self, h, nargs, kw);
            a->result = take_result(r, MEMBER_CallRealFunctionFromTrampoline);
            end_array_loan(h, n, small);
        }
        end_loan(kw);
        end_loan(self);
        return;
    }
    case HPyFunc_INITPROC:
    case HPyFunc_NEWFUNC: {
        /* (self, args tuple, kw dict): the HPy function takes the tuple's items as an array */
        _HPyFunc_args_NEWFUNC *a = args;   /* INITPROC has the same leading fields */
        _HPyFunc_args_INITPROC *init = args;
        size_t n = (size_t)TUPLE_SIZE(a->args);
        HPy self = lend(cctx, a->self), kw = lend(cctx, a->kw), small[SMALL];
        HPy *h = lend_array(cctx, (PyObject *const *)TUPLE_ITEMS(a->args), n, small);
        if (sig == HPyFunc_NEWFUNC) a->result = NULL; else init->result = -1;
        if (h != NULL) {
            if (sig == HPyFunc_NEWFUNC) {
                HPy r = ((HPyFunc_newfunc)(void (*)(void))func)(cctx, self, h, (HPy_ssize_t)n, kw);
                a->result = take_result(r, MEMBER_CallRealFunctionFromTrampoline);
            } else {
                init->result = ((HPyFunc_initproc)(void (*)(void))func)(cctx, self, h, (HPy_ssize_t)n, kw);
            }
            end_array_loan(h, n, small);
        }
        end_loan(kw);
        end_loan(self);
        return;
    }
    case HPyFunc_GETBUFFERPROC:
    case HPyFunc_RELEASEBUFFERPROC: {
        /* both start with self, then the view */
        _HPyFunc_args_GETBUFFERPROC *a = args;
        PyObject *cself = a->self;
        HPy self = lend(cctx, cself);
        a->self = _h2py(self);
        uctx->ctx_CallRealFunctionFromTrampoline(cctx, sig, func, args);
        a->self = cself;
        if (sig == HPyFunc_GETBUFFERPROC) {
            /* the buffer owns its obj: a debug handle the extension put there is given away */
            PyObject **obj = (PyObject **)((char *)a->view + offsetof(HPy_buffer, obj));
            if (a->result >= 0 && *obj != NULL)
                *obj = take_result(_py2h(*obj), MEMBER_CallRealFunctionFromTrampoline);
        }
        end_loan(self);
        return;
    }
    case HPyFunc_TRAVERSEPROC:
        /* a GC pass: the object is not lent (its fields are visited as they are) */
        uctx->ctx_CallRealFunctionFromTrampoline(cctx, sig, func, args);
        return;
    default: {
        /* the other structs' objects only pass through (args_shapes.gen.h says where they are) */
        args_shape s;
        if (!args_shape_of(sig, &s)) {
            /* no args struct (capsule destructors, unknown signatures) */
            uctx->ctx_CallRealFunctionFromTrampoline(cctx, sig, func, args);
            return;
        }
        PyObject *saved[ARGS_SHAPE_MAX];
        HPy lent[ARGS_SHAPE_MAX];
        for (int i = 0; i < s.count; i++) {
            saved[i] = FIELD(args, s.offsets[i]);
            lent[i] = lend(cctx, saved[i]);
            FIELD(args, s.offsets[i]) = _h2py(lent[i]);
        }
        uctx->ctx_CallRealFunctionFromTrampoline(cctx, sig, func, args);
        for (int i = 0; i < s.count; i++)
            FIELD(args, s.offsets[i]) = saved[i];
        if (s.result >= 0)
            FIELD(args, s.result) = take_result(_py2h(FIELD(args, s.result)), MEMBER_CallRealFunctionFromTrampoline);
        for (int i = 0; i < s.count; i++)
            end_loan(lent[i]);
        return;
    }
    }
}

/* HPy_mod_create and HPy_mod_exec run by the module builder (C#) in debug mode. */
PyObject *shim_debug_call_create(HPyContext *dctx, void *impl, PyObject *spec)
{
    uint32_t saved;
    HPyContext *cctx = begin_call(dctx, &saved);
    HPy h = lend(cctx, spec);
    HPy r = ((HPy (*)(HPyContext *, HPy))impl)(cctx, h);
    PyObject *result = take_result(r, MEMBER_CallRealFunctionFromTrampoline);
    end_loan(h);
    end_call(dctx, cctx, saved);
    return result;
}

int shim_debug_call_exec(HPyContext *dctx, void *impl, PyObject *module)
{
    uint32_t saved;
    HPyContext *cctx = begin_call(dctx, &saved);
    HPy h = lend(cctx, module);
    int r = ((int (*)(HPyContext *, HPy))impl)(cctx, h);
    end_loan(h);
    end_call(dctx, cctx, saved);
    return r;
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

/* The public name of a context member ("HPy_Add"), for reports; NULL if out of range. */
const char *shim_debug_member_name(int32_t member)
{
    return member >= 0 && member < native_member_count ? native_member_public_names[member] : NULL;
}

/* ---- argument checks HPy's debug context makes: misuse that CPython would not notice ---- */

static void fatal(const char *message)
{
    HPyContext *uctx = debug_state->uctx;
    uctx->ctx_FatalError(uctx, message);
}

static int is_type(HPy uh)
{
    PyObject *o = _h2py(uh);
    return o != NULL && (TP_FLAGS(Py_TYPE_OF(o)) & TPFLAGS_TypeSubclass) != 0;
}

static int is_tuple_or_null(HPy uh)
{
    PyObject *o = _h2py(uh);
    return o == NULL || (TP_FLAGS(Py_TYPE_OF(o)) & TPFLAGS_TupleSubclass) != 0;
}

int debug_TypeCheck(HPyContext *ctx, HPy obj, HPy type)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_TypeCheck);
    HPy uobj = debug_unwrap(obj, MEMBER_TypeCheck, 1), utype = debug_unwrap(type, MEMBER_TypeCheck, 2);
    if (!is_type(utype))
        fatal("HPy_TypeCheck arg 2 must be a type");
    return uctx->ctx_TypeCheck(uctx, uobj, utype);
}

const char *debug_Type_GetName(HPyContext *ctx, HPy type)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Type_GetName);
    HPy utype = debug_unwrap(type, MEMBER_Type_GetName, 1);
    if (!is_type(utype))
        fatal("HPyType_GetName arg must be a type");
    const char *p = uctx->ctx_Type_GetName(uctx, utype);
    return p == NULL ? NULL
        : debug_raw_copy(type, p, strlen(p) + 1, MEMBER_Type_GetName, __builtin_return_address(0));
}

int debug_Type_IsSubtype(HPyContext *ctx, HPy sub, HPy type)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Type_IsSubtype);
    HPy usub = debug_unwrap(sub, MEMBER_Type_IsSubtype, 1), utype = debug_unwrap(type, MEMBER_Type_IsSubtype, 2);
    if (!is_type(usub))
        fatal("HPyType_IsSubtype arg 1 must be a type");
    if (!is_type(utype))
        fatal("HPyType_IsSubtype arg 2 must be a type");
    return uctx->ctx_Type_IsSubtype(uctx, usub, utype);
}

HPy debug_Unicode_Substring(HPyContext *ctx, HPy str, HPy_ssize_t start, HPy_ssize_t end)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Unicode_Substring);
    HPy ustr = debug_unwrap(str, MEMBER_Unicode_Substring, 1);
    PyObject *o = _h2py(ustr);
    if (o == NULL || !(TP_FLAGS(Py_TYPE_OF(o)) & TPFLAGS_UnicodeSubclass))
        fatal("HPyUnicode_Substring arg 1 must be a Unicode object");
    return debug_open_in(ctx, uctx->ctx_Unicode_Substring(uctx, ustr, start, end), 0, __builtin_return_address(0));
}

static const char *shape_name(HPyType_BuiltinShape shape)
{
    switch (shape) {
    case HPyType_BuiltinShape_Legacy: return "HPyType_BuiltinShape_Legacy";
    case HPyType_BuiltinShape_Object: return "HPyType_BuiltinShape_Object";
    case HPyType_BuiltinShape_Type: return "HPyType_BuiltinShape_Type";
    case HPyType_BuiltinShape_Long: return "HPyType_BuiltinShape_Long";
    case HPyType_BuiltinShape_Float: return "HPyType_BuiltinShape_Float";
    case HPyType_BuiltinShape_Unicode: return "HPyType_BuiltinShape_Unicode";
    case HPyType_BuiltinShape_Tuple: return "HPyType_BuiltinShape_Tuple";
    case HPyType_BuiltinShape_List: return "HPyType_BuiltinShape_List";
    case HPyType_BuiltinShape_Dict: return "HPyType_BuiltinShape_Dict";
    }
    return "<unknown shape>";
}

/* The shape of `type`, for the AsStruct checks: the shapes of a few types are remembered, each
   such type kept alive by a reference so that its address is not another type's meanwhile. */
static struct {
    PyObject *type;
    HPyType_BuiltinShape shape;
} shapes[8];

static HPyType_BuiltinShape shape_of(HPyContext *uctx, PyObject *type)
{
    size_t i = ((uintptr_t)type >> 4) % (sizeof shapes / sizeof shapes[0]);
    if (shapes[i].type == type)
        return shapes[i].shape;
    HPyType_BuiltinShape shape = uctx->ctx_Type_GetBuiltinShape(uctx, _py2h(type));
    PyObject *old = shapes[i].type;
    native_incref(type);
    shapes[i].type = type;
    shapes[i].shape = shape;
    if (old != NULL)
        cpy.Py_DecRef(old);
    return shape;
}

/* _HPy_AsStruct_<SHAPE>: the object's type must have that shape (HPy's message). */
#define DEBUG_AS_STRUCT(SHAPE)                                                                  \
    void *debug_AsStruct_##SHAPE(HPyContext *ctx, HPy h)                                        \
    {                                                                                           \
        HPyContext *uctx = debug_state->uctx;                                                   \
        debug_check_ctx(ctx, MEMBER_AsStruct_##SHAPE);                                      \
        HPy uh = debug_unwrap(h, MEMBER_AsStruct_##SHAPE, 1);                               \
        HPyType_BuiltinShape actual = shape_of(uctx, Py_TYPE_OF(_h2py(uh)));                   \
        if (actual != HPyType_BuiltinShape_##SHAPE) {                                           \
            char message[200];                                                                  \
            snprintf(message, sizeof message, "Invalid usage of _HPy_AsStruct_%s. Expected "    \
                     "shape HPyType_BuiltinShape_%s but got %s", #SHAPE, #SHAPE,                \
                     shape_name(actual));                                                       \
            fatal(message);                                                                     \
        }                                                                                       \
        return uctx->ctx_AsStruct_##SHAPE(uctx, uh);                                            \
    }

DEBUG_AS_STRUCT(Object)
DEBUG_AS_STRUCT(Legacy)
DEBUG_AS_STRUCT(Type)
DEBUG_AS_STRUCT(Long)
DEBUG_AS_STRUCT(Float)
DEBUG_AS_STRUCT(Unicode)
DEBUG_AS_STRUCT(Tuple)
DEBUG_AS_STRUCT(List)
DEBUG_AS_STRUCT(Dict)

/* ---- builders: a debug builder knows whether it was built or cancelled ---- */

#define BUILDER_MAGIC 0x48505942u   /* "HPYB" */

typedef struct debug_builder {
    struct debug_builder *next;   /* the queue of finished builders */
    uint32_t magic;
    uint32_t finished;
    intptr_t universal;           /* the universal builder */
} debug_builder;

/* Finished builders stay recognisable for as long as closed handles do. */
static debug_builder *finished_head, *finished_tail;
static int64_t finished_count;

static void finish_builder(debug_builder *b)
{
    b->finished = 1;
    b->next = NULL;
    if (finished_tail) finished_tail->next = b; else finished_head = b;
    finished_tail = b;
    finished_count++;
    if (finished_count > debug_state->closed_max && finished_head != NULL) {
        debug_builder *oldest = finished_head;
        finished_head = oldest->next;
        if (finished_head == NULL) finished_tail = NULL;
        finished_count--;
        oldest->magic = 0;
        free(oldest);
    }
}

static intptr_t open_builder(intptr_t universal)
{
    if (universal == 0)
        return 0;   /* New failed: the universal member raised */
    debug_builder *b = malloc(sizeof *b);
    if (b == NULL) {
        debug_state->uctx->ctx_Err_NoMemory(debug_state->uctx);
        return 0;
    }
    *b = (debug_builder){ NULL, BUILDER_MAGIC, 0, universal };
    return (intptr_t)b;
}

/* The universal builder of an unfinished debug builder; a finished one is reported and
   gives 0, which the universal members treat as a failed New (MemoryError), as in HPy. */
static debug_builder *builder_of(intptr_t value, int32_t member)
{
    if (value == 0)
        return NULL;
    debug_builder *b = (debug_builder *)value;
    if (b->magic != BUILDER_MAGIC || b->finished) {
        debug_report((debug_handle *)value, member, 1, MISUSE_FINISHED_BUILDER);
        return NULL;
    }
    return b;
}

/* Both builders work alike: one definition each for tuples and lists. */
#define DEBUG_BUILDER(KIND, TYPE, FIELD)                                                          \
    TYPE debug_##KIND##Builder_New(HPyContext *ctx, HPy_ssize_t size)                             \
    {                                                                                             \
        HPyContext *uctx = debug_state->uctx;                                                     \
        debug_check_ctx(ctx, MEMBER_##KIND##Builder_New);                                         \
        return (TYPE){ open_builder(uctx->ctx_##KIND##Builder_New(uctx, size).FIELD) };           \
    }                                                                                             \
                                                                                                  \
    void debug_##KIND##Builder_Set(HPyContext *ctx, TYPE builder, HPy_ssize_t index, HPy h_item)  \
    {                                                                                             \
        HPyContext *uctx = debug_state->uctx;                                                     \
        debug_check_ctx(ctx, MEMBER_##KIND##Builder_Set);                                         \
        debug_builder *b = builder_of(builder.FIELD, MEMBER_##KIND##Builder_Set);                 \
        HPy item = debug_unwrap(h_item, MEMBER_##KIND##Builder_Set, 3);                           \
        if (b != NULL)                                                                            \
            uctx->ctx_##KIND##Builder_Set(uctx, (TYPE){ b->universal }, index, item);             \
    }                                                                                             \
                                                                                                  \
    HPy debug_##KIND##Builder_Build(HPyContext *ctx, TYPE builder)                                \
    {                                                                                             \
        HPyContext *uctx = debug_state->uctx;                                                     \
        debug_check_ctx(ctx, MEMBER_##KIND##Builder_Build);                                       \
        debug_builder *b = builder_of(builder.FIELD, MEMBER_##KIND##Builder_Build);               \
        HPy r = uctx->ctx_##KIND##Builder_Build(uctx, (TYPE){ b != NULL ? b->universal : 0 });    \
        if (b != NULL)                                                                            \
            finish_builder(b);                                                                    \
        return debug_open_in(ctx, r, 0, __builtin_return_address(0));                                     \
    }                                                                                             \
                                                                                                  \
    void debug_##KIND##Builder_Cancel(HPyContext *ctx, TYPE builder)                              \
    {                                                                                             \
        HPyContext *uctx = debug_state->uctx;                                                     \
        debug_check_ctx(ctx, MEMBER_##KIND##Builder_Cancel);                                      \
        debug_builder *b = builder_of(builder.FIELD, MEMBER_##KIND##Builder_Cancel);              \
        if (b == NULL)                                                                            \
            return;                                                                               \
        uctx->ctx_##KIND##Builder_Cancel(uctx, (TYPE){ b->universal });                           \
        finish_builder(b);                                                                        \
    }

DEBUG_BUILDER(Tuple, HPyTupleBuilder, _tup)
DEBUG_BUILDER(List, HPyListBuilder, _lst)

/* ---- getters of raw data: a protected copy lives as long as the handle (debug_charptr.c) ---- */

const char *debug_Unicode_AsUTF8AndSize(HPyContext *ctx, HPy h, HPy_ssize_t *size)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Unicode_AsUTF8AndSize);
    HPy_ssize_t n = 0;
    const char *p = uctx->ctx_Unicode_AsUTF8AndSize(uctx, debug_unwrap(h, MEMBER_Unicode_AsUTF8AndSize, 1), &n);
    if (size != NULL)
        *size = n;
    return p == NULL ? NULL : debug_raw_copy(h, p, (size_t)n + 1, MEMBER_Unicode_AsUTF8AndSize, __builtin_return_address(0));
}

const char *debug_Bytes_AsString(HPyContext *ctx, HPy h)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Bytes_AsString);
    HPy uh = debug_unwrap(h, MEMBER_Bytes_AsString, 1);
    const char *p = uctx->ctx_Bytes_AsString(uctx, uh);
    return p == NULL ? NULL
        : debug_raw_copy(h, p, (size_t)uctx->ctx_Bytes_Size(uctx, uh) + 1, MEMBER_Bytes_AsString,
                         __builtin_return_address(0));
}

const char *debug_Bytes_AS_STRING(HPyContext *ctx, HPy h)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Bytes_AS_STRING);
    HPy uh = debug_unwrap(h, MEMBER_Bytes_AS_STRING, 1);
    const char *p = uctx->ctx_Bytes_AS_STRING(uctx, uh);
    return p == NULL ? NULL
        : debug_raw_copy(h, p, (size_t)uctx->ctx_Bytes_GET_SIZE(uctx, uh) + 1, MEMBER_Bytes_AS_STRING,
                         __builtin_return_address(0));
}
