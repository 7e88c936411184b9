/* The debug context's trampolines: what CPython passes to a method or slot becomes debug handles
 * lent for the call (with a call context of its own), and the result is taken back. */
#include <stdlib.h>
#include <string.h>
#include "debug/debug.h"
#include "debug/args_shapes.gen.h"
#include "interop/boundary.gen.h"

/* ---- trampolines: what CPython passes becomes debug handles lent for the call ---- */

#define FIELD(args, offset) (*(PyObject **)((char *)(args) + (offset)))

static void dispatch(HPyContext *cctx, HPyFunc_Signature sig, HPyCFunction func, void *args);

/* Lends n objects (an argument vector) as debug handles, into `small` or, when n is large, a heap
   array; NULL with MemoryError set when that cannot be allocated. */
static HPy *lend_array(HPyContext *cctx, PyObject *const *items, size_t n, HPy *small)
{
    HPy *h = n <= DEBUG_SMALL ? small : malloc(n * sizeof(HPy));
    if (h == NULL) {
        debug_state->uctx->ctx_Err_NoMemory(debug_state->uctx);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        h[i] = debug_lend(cctx, items[i]);
    return h;
}

static void end_array_loan(HPy *h, size_t n, HPy *small)
{
    for (size_t i = 0; i < n; i++)
        debug_end_loan(h[i]);
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
    HPyContext *cctx = debug_begin_call(dctx, &saved);
    dispatch(cctx, sig, func, args);
    debug_end_call(dctx, cctx, saved);
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
        HPy self = debug_lend(cctx, a->self);
        a->result = debug_take_result(((HPyFunc_noargs)(void (*)(void))func)(cctx, self), MEMBER_CallRealFunctionFromTrampoline);
        debug_end_loan(self);
        return;
    }
    case HPyFunc_O:
    case HPyFunc_BINARYFUNC: {
        /* (object, object) -> object */
        _HPyFunc_args_O *a = args;   /* BINARYFUNC has the same fields */
        HPy self = debug_lend(cctx, a->self), arg = debug_lend(cctx, a->arg);
        a->result = debug_take_result(((HPyFunc_o)(void (*)(void))func)(cctx, self, arg), MEMBER_CallRealFunctionFromTrampoline);
        debug_end_loan(arg);
        debug_end_loan(self);
        return;
    }
    case HPyFunc_VARARGS: {
        _HPyFunc_args_VARARGS *a = args;
        size_t n = (size_t)a->nargs;
        HPy self = debug_lend(cctx, a->self), small[DEBUG_SMALL];
        HPy *h = lend_array(cctx, (PyObject *const *)a->args, n, small);
        a->result = NULL;
        if (h != NULL) {
            HPy r = ((HPyFunc_varargs)(void (*)(void))func)(cctx, self, h, n);
            a->result = debug_take_result(r, MEMBER_CallRealFunctionFromTrampoline);
            end_array_loan(h, n, small);
        }
        debug_end_loan(self);
        return;
    }
    case HPyFunc_KEYWORDS: {
        _HPyFunc_args_KEYWORDS *a = args;
        size_t nargs = a->nargsf & ~PY_VECTORCALL_ARGUMENTS_OFFSET;
        size_t n = nargs + (a->kwnames != NULL ? (size_t)TUPLE_SIZE(a->kwnames) : 0);
        HPy self = debug_lend(cctx, a->self), kw = debug_lend(cctx, a->kwnames), small[DEBUG_SMALL];
        HPy *h = lend_array(cctx, (PyObject *const *)a->args, n, small);
        a->result = NULL;
        if (h != NULL) {
            HPy r = ((HPyFunc_keywords)(void (*)(void))func)(cctx, self, h, nargs, kw);
            a->result = debug_take_result(r, MEMBER_CallRealFunctionFromTrampoline);
            end_array_loan(h, n, small);
        }
        debug_end_loan(kw);
        debug_end_loan(self);
        return;
    }
    case HPyFunc_INITPROC:
    case HPyFunc_NEWFUNC: {
        /* (self, args tuple, kw dict): the HPy function takes the tuple's items as an array */
        _HPyFunc_args_NEWFUNC *a = args;   /* INITPROC has the same leading fields */
        _HPyFunc_args_INITPROC *init = args;
        size_t n = (size_t)TUPLE_SIZE(a->args);
        HPy self = debug_lend(cctx, a->self), kw = debug_lend(cctx, a->kw), small[DEBUG_SMALL];
        HPy *h = lend_array(cctx, (PyObject *const *)TUPLE_ITEMS(a->args), n, small);
        if (sig == HPyFunc_NEWFUNC) a->result = NULL; else init->result = -1;
        if (h != NULL) {
            if (sig == HPyFunc_NEWFUNC) {
                HPy r = ((HPyFunc_newfunc)(void (*)(void))func)(cctx, self, h, (HPy_ssize_t)n, kw);
                a->result = debug_take_result(r, MEMBER_CallRealFunctionFromTrampoline);
            } else {
                init->result = ((HPyFunc_initproc)(void (*)(void))func)(cctx, self, h, (HPy_ssize_t)n, kw);
            }
            end_array_loan(h, n, small);
        }
        debug_end_loan(kw);
        debug_end_loan(self);
        return;
    }
    case HPyFunc_GETBUFFERPROC:
    case HPyFunc_RELEASEBUFFERPROC: {
        /* both start with self, then the view */
        _HPyFunc_args_GETBUFFERPROC *a = args;
        PyObject *cself = a->self;
        HPy self = debug_lend(cctx, cself);
        a->self = _h2py(self);
        uctx->ctx_CallRealFunctionFromTrampoline(cctx, sig, func, args);
        a->self = cself;
        if (sig == HPyFunc_GETBUFFERPROC) {
            /* the buffer owns its obj: a debug handle the extension put there is given away */
            PyObject **obj = (PyObject **)((char *)a->view + offsetof(HPy_buffer, obj));
            if (a->result >= 0 && *obj != NULL)
                *obj = debug_take_result(_py2h(*obj), MEMBER_CallRealFunctionFromTrampoline);
        }
        debug_end_loan(self);
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
            lent[i] = debug_lend(cctx, saved[i]);
            FIELD(args, s.offsets[i]) = _h2py(lent[i]);
        }
        uctx->ctx_CallRealFunctionFromTrampoline(cctx, sig, func, args);
        for (int i = 0; i < s.count; i++)
            FIELD(args, s.offsets[i]) = saved[i];
        if (s.result >= 0)
            FIELD(args, s.result) = debug_take_result(_py2h(FIELD(args, s.result)), MEMBER_CallRealFunctionFromTrampoline);
        for (int i = 0; i < s.count; i++)
            debug_end_loan(lent[i]);
        return;
    }
    }
}

/* HPy_mod_create and HPy_mod_exec run by the module builder (C#) in debug mode. */
PyObject *shim_debug_call_create(HPyContext *dctx, void *impl, PyObject *spec)
{
    uint32_t saved;
    HPyContext *cctx = debug_begin_call(dctx, &saved);
    HPy h = debug_lend(cctx, spec);
    HPy r = ((HPy (*)(HPyContext *, HPy))impl)(cctx, h);
    PyObject *result = debug_take_result(r, MEMBER_CallRealFunctionFromTrampoline);
    debug_end_loan(h);
    debug_end_call(dctx, cctx, saved);
    return result;
}

int shim_debug_call_exec(HPyContext *dctx, void *impl, PyObject *module)
{
    uint32_t saved;
    HPyContext *cctx = debug_begin_call(dctx, &saved);
    HPy h = debug_lend(cctx, module);
    int r = ((int (*)(HPyContext *, HPy))impl)(cctx, h);
    debug_end_loan(h);
    debug_end_call(dctx, cctx, saved);
    return r;
}
