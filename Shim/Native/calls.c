/* Calls: HPy_CallTupleDict, and _HPy_CallRealFunctionFromTrampoline, the path of every method and
 * slot call. The extension's CPython-facing trampoline packs its arguments into an
 * _HPyFunc_args_<SIG> struct; a handle is the PyObject*, so objects pass through unchanged
 * (borrowed in, owned out). Int results that report errors are set to the error value first. */
#include "native.h"

HPy hpyshim_native_CallTupleDict(HPyContext *ctx, HPy callable, HPy args, HPy kw)
{
    if (!HPy_IsNull(args) && !(TP_FLAGS(Py_TYPE_OF(_h2py(args))) & TPFLAGS_TupleSubclass)) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "HPy_CallTupleDict requires args to be a tuple or null handle");
        return HPy_NULL;
    }
    if (!HPy_IsNull(kw) && !(TP_FLAGS(Py_TYPE_OF(_h2py(kw))) & TPFLAGS_DictSubclass)) {
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

#define PY_VECTORCALL_ARGUMENTS_OFFSET ((size_t)1 << (8 * sizeof(size_t) - 1))

/* Function types by shape: every argument is a handle, a word or an int. */
typedef HPy (*fn_h)(HPyContext *, HPy);
typedef HPy (*fn_hh)(HPyContext *, HPy, HPy);
typedef HPy (*fn_hhh)(HPyContext *, HPy, HPy, HPy);
typedef HPy (*fn_hw)(HPyContext *, HPy, void *);
typedef HPy (*fn_hs)(HPyContext *, HPy, HPy_ssize_t);
typedef HPy (*fn_hss)(HPyContext *, HPy, HPy_ssize_t, HPy_ssize_t);
typedef HPy (*fn_varargs)(HPyContext *, HPy, const HPy *, size_t);
typedef HPy (*fn_keywords)(HPyContext *, HPy, const HPy *, size_t, HPy);
typedef HPy (*fn_new)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy);
typedef int (*fn_init)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy);
typedef HPy (*fn_richcmp)(HPyContext *, HPy, HPy, HPy_RichCmpOp);
typedef int (*fn_i_h)(HPyContext *, HPy);
typedef int (*fn_i_hh)(HPyContext *, HPy, HPy);
typedef int (*fn_i_hwh)(HPyContext *, HPy, void *, HPy);
typedef int (*fn_i_hhw)(HPyContext *, HPy, HPy, void *);
typedef int (*fn_i_hhh)(HPyContext *, HPy, HPy, HPy);
typedef int (*fn_i_hsh)(HPyContext *, HPy, HPy_ssize_t, HPy);
typedef int (*fn_i_hssh)(HPyContext *, HPy, HPy_ssize_t, HPy_ssize_t, HPy);
typedef HPy_ssize_t (*fn_s_h)(HPyContext *, HPy);
typedef void (*fn_v_h)(HPyContext *, HPy);
typedef void (*fn_v_w)(void *);

/* func is stored as a generic function pointer; casting through void (*)(void) says so to the compiler */
#define AS(type) ((type)(void (*)(void))func)
#define P(h) _py2h(h)
#define R(h) ((cpy_PyObject *)_h2py(h))

void hpyshim_native_CallRealFunctionFromTrampoline(HPyContext *ctx, HPyFunc_Signature sig,
                                                   HPyCFunction func, void *args)
{
    /* The method signatures first: they are most of the calls, and a compare is cheaper than the
     * switch's table. */
    if (sig == HPyFunc_NOARGS) {
        _HPyFunc_args_NOARGS *a = args;
        a->result = R(AS(fn_h)(ctx, P(a->self)));
        return;
    }
    if (sig == HPyFunc_O) {
        _HPyFunc_args_O *a = args;
        a->result = R(AS(fn_hh)(ctx, P(a->self), P(a->arg)));
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
    case HPyFunc_UNARYFUNC:
    case HPyFunc_REPRFUNC:
    case HPyFunc_GETITERFUNC:
    case HPyFunc_ITERNEXTFUNC: {
        _HPyFunc_args_UNARYFUNC *a = args;
        a->result = R(AS(fn_h)(ctx, P(a->arg0)));
        return;
    }
    case HPyFunc_BINARYFUNC:
    case HPyFunc_GETATTROFUNC: {
        _HPyFunc_args_BINARYFUNC *a = args;
        a->result = R(AS(fn_hh)(ctx, P(a->arg0), P(a->arg1)));
        return;
    }
    case HPyFunc_TERNARYFUNC:
    case HPyFunc_DESCRGETFUNC: {
        _HPyFunc_args_TERNARYFUNC *a = args;
        a->result = R(AS(fn_hhh)(ctx, P(a->arg0), P(a->arg1), P(a->arg2)));
        return;
    }
    case HPyFunc_INQUIRY: {
        _HPyFunc_args_INQUIRY *a = args;
        a->result = AS(fn_i_h)(ctx, P(a->arg0));
        return;
    }
    case HPyFunc_LENFUNC: {
        _HPyFunc_args_LENFUNC *a = args;
        a->result = AS(fn_s_h)(ctx, P(a->arg0));
        return;
    }
    case HPyFunc_HASHFUNC: {
        _HPyFunc_args_HASHFUNC *a = args;
        a->result = AS(fn_s_h)(ctx, P(a->arg0));
        return;
    }
    case HPyFunc_SSIZEARGFUNC: {
        _HPyFunc_args_SSIZEARGFUNC *a = args;
        a->result = R(AS(fn_hs)(ctx, P(a->arg0), a->arg1));
        return;
    }
    case HPyFunc_SSIZESSIZEARGFUNC: {
        _HPyFunc_args_SSIZESSIZEARGFUNC *a = args;
        a->result = R(AS(fn_hss)(ctx, P(a->arg0), a->arg1, a->arg2));
        return;
    }
    case HPyFunc_GETATTRFUNC: {
        _HPyFunc_args_GETATTRFUNC *a = args;
        a->result = R(AS(fn_hw)(ctx, P(a->arg0), a->arg1));
        return;
    }
    case HPyFunc_GETTER: {
        _HPyFunc_args_GETTER *a = args;
        a->result = R(AS(fn_hw)(ctx, P(a->arg0), a->arg1));
        return;
    }
    case HPyFunc_SSIZEOBJARGPROC: {
        _HPyFunc_args_SSIZEOBJARGPROC *a = args;
        a->result = AS(fn_i_hsh)(ctx, P(a->arg0), a->arg1, P(a->arg2));
        return;
    }
    case HPyFunc_SETATTRFUNC: {
        _HPyFunc_args_SETATTRFUNC *a = args;
        a->result = AS(fn_i_hwh)(ctx, P(a->arg0), a->arg1, P(a->arg2));
        return;
    }
    case HPyFunc_OBJOBJARGPROC:
    case HPyFunc_SETATTROFUNC:
    case HPyFunc_DESCRSETFUNC: {
        _HPyFunc_args_OBJOBJARGPROC *a = args;
        a->result = AS(fn_i_hhh)(ctx, P(a->arg0), P(a->arg1), P(a->arg2));
        return;
    }
    case HPyFunc_SETTER: {
        _HPyFunc_args_SETTER *a = args;
        a->result = AS(fn_i_hhw)(ctx, P(a->arg0), P(a->arg1), a->arg2);
        return;
    }
    case HPyFunc_SSIZESSIZEOBJARGPROC: {
        _HPyFunc_args_SSIZESSIZEOBJARGPROC *a = args;
        a->result = AS(fn_i_hssh)(ctx, P(a->arg0), a->arg1, a->arg2, P(a->arg3));
        return;
    }
    case HPyFunc_OBJOBJPROC: {
        _HPyFunc_args_OBJOBJPROC *a = args;
        a->result = AS(fn_i_hh)(ctx, P(a->arg0), P(a->arg1));
        return;
    }
    case HPyFunc_RICHCMPFUNC: {
        _HPyFunc_args_RICHCMPFUNC *a = args;
        a->result = R(AS(fn_richcmp)(ctx, P(a->arg0), P(a->arg1), a->arg2));
        return;
    }
    case HPyFunc_FREEFUNC: {
        _HPyFunc_args_FREEFUNC *a = args;
        AS(fn_v_h)(ctx, (HPy){ (HPy_ssize_t)a->arg0 });
        return;
    }
    case HPyFunc_DESTRUCTOR: {
        _HPyFunc_args_DESTRUCTOR *a = args;
        AS(fn_v_h)(ctx, P(a->arg0));
        return;
    }
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
    default:
        /* buffers, traversal, capsule destructors, module creation and errors: the C# side */
        native_fallback_trampoline(ctx, sig, func, args);
        return;
    }
}
