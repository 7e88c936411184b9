/* CPython ABI mode trampolines: CPython calls them through its own slot and
 * method tables; each converts its arguments and calls the implementation
 * directly with the extension's static context. Those that only convert
 * handles (a cast) are generated from api/hpyfunc.api; the ones here do more.
 */
#ifndef HPY_SHIM_CPYTHON_TRAMPOLINES_H
#define HPY_SHIM_CPYTHON_TRAMPOLINES_H

/* Helpers from src/runtime/cpython/type.c and module.c. */
_HPy_HIDDEN int _HPyCPy_CallTraverse(HPyFunc_traverseproc impl, PyObject *self,
                                     visitproc visit, void *arg);
_HPy_HIDDEN PyObject *_HPyCPy_CheckCreateResult(PyObject *result);

#include "hpy/cpython/trampolines.gen.h"

#define _HPyFunc_TRAMPOLINE_HPyFunc_VARARGS(SYM, IMPL)                        \
    static PyObject *SYM(PyObject *self, PyObject *const *args,               \
                         HPy_ssize_t nargs)                                   \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(self), _arr_py2h(args),     \
                          (size_t)nargs));                                    \
    }

/* Also used as a vectorcall function (HPy_tp_call, HPyDef_CALL_FUNCTION),
   where nargsf may carry PY_VECTORCALL_ARGUMENTS_OFFSET. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_KEYWORDS(SYM, IMPL)                       \
    static PyObject *SYM(PyObject *self, PyObject *const *args,               \
                         size_t nargsf, PyObject *kwnames)                    \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(self), _arr_py2h(args),     \
                          (size_t)PyVectorcall_NARGS(nargsf),                 \
                          _py2h(kwnames)));                                   \
    }

/* tp_init/tp_new get a tuple and a dict (or NULL); the tuple's item array
   is passed on as the HPy argument array. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_INITPROC(SYM, IMPL)                       \
    static int SYM(PyObject *self, PyObject *args, PyObject *kw)              \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(self),                            \
                    _arr_py2h(((PyTupleObject *)args)->ob_item),              \
                    PyTuple_GET_SIZE(args), _py2h(kw));                       \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_NEWFUNC(SYM, IMPL)                        \
    static PyObject *SYM(PyTypeObject *type, PyObject *args, PyObject *kw)    \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h((PyObject *)type),          \
                          _arr_py2h(((PyTupleObject *)args)->ob_item),        \
                          PyTuple_GET_SIZE(args), _py2h(kw)));                \
    }

/* The impl walks the extension's struct; the runtime finds the struct and
   turns each HPyField visit into a CPython visit. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_TRAVERSEPROC(SYM, IMPL)                   \
    static int SYM(PyObject *self, visitproc visit, void *arg)                \
    {                                                                         \
        return _HPyCPy_CallTraverse(IMPL, self, visit, arg);                  \
    }

/* HPy_tp_destroy has no CPython slot: the runtime's tp_dealloc calls the
   impl itself, so this trampoline must never run. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_DESTROYFUNC(SYM, IMPL)                    \
    static void SYM(void) { abort(); }

/* Py_mod_create's shape. HPy forbids returning a real module object. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_MOD_CREATE(SYM, IMPL)                     \
    static PyObject *SYM(PyObject *spec, PyModuleDef *def)                    \
    {                                                                         \
        (void)def;                                                            \
        return _HPyCPy_CheckCreateResult(                                     \
            _h2py(IMPL(_HPyGetContext(), _py2h(spec))));                      \
    }

#define HPyCapsule_DESTRUCTOR_TRAMPOLINE(SYM, IMPL)                           \
    static void SYM(PyObject *capsule)                                        \
    {                                                                         \
        const char *name = PyCapsule_GetName(capsule);                        \
        IMPL(name, PyCapsule_GetPointer(capsule, name),                       \
             PyCapsule_GetContext(capsule));                                  \
    }

#endif /* HPY_SHIM_CPYTHON_TRAMPOLINES_H */
