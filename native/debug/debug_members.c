/* The debug context's members with rules of their own: HPy_Dup and HPy_Close, the calls (each
 * argument checked, the context invalid while Python runs), trackers of debug handles, and the
 * getters of raw data, whose protected copy lives as long as the handle (debug_charptr.c). */
#include <stdlib.h>
#include <string.h>
#include "debug/debug.h"

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
    if (!debug_is_tuple_or_null(ukw))
        debug_fatal(kw_error);
    size_t n = nargs + kwnames_length(ukw);
    HPy small[DEBUG_SMALL] = { { 0 } };   /* (zeroed: n may be 0) */
    HPy *uargs = unwrap_array(args, n, small, DEBUG_SMALL, member, 2);
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
    HPy small[DEBUG_SMALL] = { { 0 } };   /* (zeroed: n may be 0) */
    HPy *uargs = unwrap_array(args, nargs > 0 ? (size_t)nargs : 0, small, DEBUG_SMALL, MEMBER_Type_GenericNew, 2);
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
    HPy small[DEBUG_SMALL] = { { 0 } };   /* (zeroed: n may be 0) */
    HPy *uitems = unwrap_array(items, n > 0 ? (size_t)n : 0, small, DEBUG_SMALL, MEMBER_Tuple_FromArray, 1);
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
