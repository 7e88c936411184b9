/* Calls: HPy_CallTupleDict, and _HPy_CallRealFunctionFromTrampoline, the path of every method and
 * slot call. The extension's CPython-facing trampoline packs its arguments into an
 * _HPyFunc_args_<SIG> struct; a handle is the PyObject*, so objects pass through unchanged
 * (borrowed in, owned out). Int results that report errors are set to the error value first. */
#include <stdio.h>
#include "runtime/dispatch.gen.h"

HPy ctx_CallTupleDict(HPyContext *ctx, HPy callable, HPy args, HPy kw)
{
    if (!HPy_IsNull(args) && !native_has_flag(_h2py(args), TPFLAGS_TupleSubclass)) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "HPy_CallTupleDict requires args to be a tuple or null handle");
        return HPy_NULL;
    }
    if (!HPy_IsNull(kw) && !native_has_flag(_h2py(kw), TPFLAGS_DictSubclass)) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "HPy_CallTupleDict requires kw to be a dict or null handle");
        return HPy_NULL;
    }
    if (!HPy_IsNull(args))
        return _py2h(cpy.PyObject_Call(_h2py(callable), _h2py(args), _h2py(kw)));
    /* PyObject_Call wants a tuple even when there are no positional arguments. */
    PyObject *empty = cpy.PyTuple_New(0);
    if (empty == NULL)
        return HPy_NULL;
    PyObject *result = cpy.PyObject_Call(_h2py(callable), empty, _h2py(kw));
    cpy.Py_DecRef(empty);
    return _py2h(result);
}

/* The function types of the signatures converted here (dispatch.gen.h has the others). */
typedef HPy (*fn_varargs)(HPyContext *, HPy, const HPy *, size_t);
typedef HPy (*fn_keywords)(HPyContext *, HPy, const HPy *, size_t, HPy);
typedef HPy (*fn_new)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy);
typedef int (*fn_init)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy);

/* func is stored as a generic function pointer; casting through void (*)(void) says so to the compiler */
#define AS(type) ((type)(void (*)(void))func)
#define P(h) _py2h(h)
#define R(h) ((cpy_PyObject *)_h2py(h))

void ctx_CallRealFunctionFromTrampoline(HPyContext *ctx, HPyFunc_Signature sig,
                                                   HPyCFunction func, void *args)
{
    /* The method signatures first: they are most of the calls, and a compare is cheaper than the
     * switch's table. Every signature whose arguments pass through is generated from
     * api/hpyfunc.api (dispatch.gen.h); the ones below convert something. */
    if (sig == HPyFunc_NOARGS) {
        DISPATCH_NOARGS(ctx, func, args);
        return;
    }
    if (sig == HPyFunc_O) {
        DISPATCH_O(ctx, func, args);
        return;
    }
    switch (sig) {
    case HPyFunc_VARARGS: {
        _HPyFunc_args_VARARGS *a = args;
        a->result = R(AS(fn_varargs)(ctx, P(a->self), (const HPy *)a->args, (size_t)a->nargs));
        return;
    }
    case HPyFunc_KEYWORDS: {
        /* the keyword values follow the positional ones in args, as HPy expects */
        _HPyFunc_args_KEYWORDS *a = args;
        size_t nargs = a->nargsf & ~PY_VECTORCALL_ARGUMENTS_OFFSET;
        a->result = R(AS(fn_keywords)(ctx, P(a->self), (const HPy *)a->args, nargs, P(a->kwnames)));
        return;
    }
    DISPATCH_PASSTHROUGH_CASES(ctx, func, args)
    case HPyFunc_INITPROC: {
        /* CPython passes a tuple and a dict; the tuple's items already form the HPy array */
        _HPyFunc_args_INITPROC *a = args;
        a->result = AS(fn_init)(ctx, P(a->self), TUPLE_ITEMS(a->args), TUPLE_SIZE(a->args), P(a->kw));
        return;
    }
    case HPyFunc_NEWFUNC: {
        _HPyFunc_args_NEWFUNC *a = args;
        a->result = R(AS(fn_new)(ctx, P(a->self), TUPLE_ITEMS(a->args), TUPLE_SIZE(a->args), P(a->kw)));
        return;
    }
    case HPyFunc_TRAVERSEPROC: {
        /* every GC collection runs this per object: no managed code */
        _HPyFunc_args_TRAVERSEPROC *a = args;
        a->result = native_traverse((HPyFunc_traverseproc)(void (*)(void))func, a->self, (void *)a->visit, a->arg);
        return;
    }
    default:
        /* buffers, capsule destructors, module creation and errors: the C# side */
        native_fallback_trampoline(ctx, sig, func, args);
        return;
    }
}

/* ---- HPy_Call and HPy_CallMethod: HPy's vectorcall-style convention maps onto CPython's directly
 * (a handle array is a PyObject* array). PyObject_Vectorcall is exported from 3.11 and
 * PyObject_VectorcallDict / PyObject_VectorcallMethod from 3.9; before, a callable's own
 * vectorcall function is called as CPython's inline PyObject_Vectorcall does, and the rest
 * build a tuple and a dict. ---- */

typedef PyObject *(*native_vectorcallfunc)(PyObject *, PyObject *const *, size_t, PyObject *);

static int check_kwnames(HPy kwnames, const char *function)
{
    if (HPy_IsNull(kwnames) || native_has_flag(_h2py(kwnames), TPFLAGS_TupleSubclass))
        return 0;
    char message[120];
    snprintf(message, sizeof message, "%s requires kwnames to be a tuple or null handle", function);
    cpy.PyErr_SetString(*cpy.PyExc_TypeError, message);
    return -1;
}

/* args holds nargs positional values followed by one value per name in kwnames (a tuple or NULL). */
static PyObject *invoke(PyObject *callable, PyObject *const *args, size_t nargs, PyObject *kwnames)
{
    if (cpy.PyObject_Vectorcall != NULL)
        return cpy.PyObject_Vectorcall(callable, args, nargs, kwnames);
    PyObject *type = Py_TYPE_OF(callable);
    Py_ssize_t offset = TP_VECTORCALL_OFFSET(type);
    if ((TP_FLAGS(type) & TPFLAGS_HaveVectorcall) && offset > 0) {
        native_vectorcallfunc func = NATIVE_FIELD(callable, offset, native_vectorcallfunc);
        if (func != NULL)
            return func(callable, args, nargs, kwnames);
    }
    Py_ssize_t kwcount = kwnames == NULL ? 0 : TUPLE_SIZE(kwnames);
    if (kwcount == 0 && cpy.PyObject_VectorcallDict != NULL)
        return cpy.PyObject_VectorcallDict(callable, args, nargs, NULL);
    PyObject *kwargs = NULL;
    if (kwcount > 0) {
        kwargs = cpy.PyDict_New();
        if (kwargs == NULL)
            return NULL;
        for (Py_ssize_t i = 0; i < kwcount; i++) {
            if (cpy.PyDict_SetItem(kwargs, ((PyObject **)TUPLE_ITEMS(kwnames))[i], args[nargs + i]) < 0) {
                native_decref(kwargs);
                return NULL;
            }
        }
    }
    PyObject *result;
    if (cpy.PyObject_VectorcallDict != NULL) {
        result = cpy.PyObject_VectorcallDict(callable, args, nargs, kwargs);
    } else {
        PyObject *tuple = cpy.PyTuple_New((Py_ssize_t)nargs);
        if (tuple == NULL) {
            native_decref(kwargs);
            return NULL;
        }
        for (size_t i = 0; i < nargs; i++) {
            native_incref(args[i]);
            ((PyObject **)TUPLE_ITEMS(tuple))[i] = args[i];
        }
        result = cpy.PyObject_Call(callable, tuple, kwargs);
        native_decref(tuple);
    }
    native_decref(kwargs);
    return result;
}

HPy ctx_Call(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    if (check_kwnames(kwnames, "HPy_Call") < 0)
        return HPy_NULL;
    return _py2h(invoke(_h2py(callable), (PyObject *const *)args, nargs, _h2py(kwnames)));
}

HPy ctx_CallMethod(HPyContext *ctx, HPy name, const HPy *args, size_t nargs, HPy kwnames)
{
    if (check_kwnames(kwnames, "HPy_CallMethod") < 0)
        return HPy_NULL;
    if (nargs == 0 || args == NULL) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "HPy_CallMethod requires the receiver in args[0] (nargs >= 1)");
        return HPy_NULL;
    }
    if (HPy_IsNull(name) || !native_has_flag(_h2py(name), TPFLAGS_UnicodeSubclass)) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "HPy_CallMethod requires the method name to be a str");
        return HPy_NULL;
    }
    /* no PY_VECTORCALL_ARGUMENTS_OFFSET: the caller's array is const, CPython may not borrow a slot */
    if (cpy.PyObject_VectorcallMethod != NULL)
        return _py2h(cpy.PyObject_VectorcallMethod(_h2py(name), (PyObject *const *)args, nargs, _h2py(kwnames)));
    PyObject *method = cpy.PyObject_GetAttr(_h2py(args[0]), _h2py(name));
    if (method == NULL)
        return HPy_NULL;
    PyObject *result = invoke(method, (PyObject *const *)args + 1, nargs - 1, _h2py(kwnames));
    native_decref(method);
    return _py2h(result);
}
