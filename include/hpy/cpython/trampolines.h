/* CPython ABI mode trampolines: CPython calls them through its own slot and
 * method tables; each converts its arguments (a cast) and calls the
 * implementation directly with the extension's static context.
 */
#ifndef HPY_SHIM_CPYTHON_TRAMPOLINES_H
#define HPY_SHIM_CPYTHON_TRAMPOLINES_H

/* Helpers from include/runtime/cpython/type.c and module.c. */
_HPy_HIDDEN int _HPyCPy_CallTraverse(HPyFunc_traverseproc impl, PyObject *self,
                                     visitproc visit, void *arg);
_HPy_HIDDEN PyObject *_HPyCPy_CheckCreateResult(PyObject *result);

#define _HPyFunc_TRAMPOLINE_HPyFunc_NOARGS(SYM, IMPL)                         \
    static PyObject *SYM(PyObject *self)                                      \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(self)));                    \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_O(SYM, IMPL)                              \
    static PyObject *SYM(PyObject *self, PyObject *arg)                       \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(self), _py2h(arg)));        \
    }

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

#define _HPyFunc_TRAMPOLINE_HPyFunc_UNARYFUNC(SYM, IMPL)                      \
    static PyObject *SYM(PyObject *a0)                                        \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(a0)));                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_BINARYFUNC(SYM, IMPL)                     \
    static PyObject *SYM(PyObject *a0, PyObject *a1)                          \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(a0), _py2h(a1)));           \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_TERNARYFUNC(SYM, IMPL)                    \
    static PyObject *SYM(PyObject *a0, PyObject *a1, PyObject *a2)            \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(a0), _py2h(a1),             \
                          _py2h(a2)));                                        \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_INQUIRY(SYM, IMPL)                        \
    static int SYM(PyObject *a0)                                              \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(a0));                             \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_LENFUNC(SYM, IMPL)                        \
    static HPy_ssize_t SYM(PyObject *a0)                                      \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(a0));                             \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SSIZEARGFUNC(SYM, IMPL)                   \
    static PyObject *SYM(PyObject *a0, HPy_ssize_t a1)                        \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(a0), a1));                  \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SSIZESSIZEARGFUNC(SYM, IMPL)              \
    static PyObject *SYM(PyObject *a0, HPy_ssize_t a1, HPy_ssize_t a2)        \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(a0), a1, a2));              \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SSIZEOBJARGPROC(SYM, IMPL)                \
    static int SYM(PyObject *a0, HPy_ssize_t a1, PyObject *a2)                \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(a0), a1, _py2h(a2));              \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SSIZESSIZEOBJARGPROC(SYM, IMPL)           \
    static int SYM(PyObject *a0, HPy_ssize_t a1, HPy_ssize_t a2, PyObject *a3)\
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(a0), a1, a2, _py2h(a3));          \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_OBJOBJARGPROC(SYM, IMPL)                  \
    static int SYM(PyObject *a0, PyObject *a1, PyObject *a2)                  \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(a0), _py2h(a1), _py2h(a2));       \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_FREEFUNC(SYM, IMPL)                       \
    static void SYM(void *a0)                                                 \
    {                                                                         \
        IMPL(_HPyGetContext(), a0);                                           \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_GETATTRFUNC(SYM, IMPL)                    \
    static PyObject *SYM(PyObject *a0, char *a1)                              \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(a0), a1));                  \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_GETATTROFUNC(SYM, IMPL)                   \
    static PyObject *SYM(PyObject *a0, PyObject *a1)                          \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(a0), _py2h(a1)));           \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SETATTRFUNC(SYM, IMPL)                    \
    static int SYM(PyObject *a0, char *a1, PyObject *a2)                      \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(a0), a1, _py2h(a2));              \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SETATTROFUNC(SYM, IMPL)                   \
    static int SYM(PyObject *a0, PyObject *a1, PyObject *a2)                  \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(a0), _py2h(a1), _py2h(a2));       \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_REPRFUNC(SYM, IMPL)                       \
    _HPyFunc_TRAMPOLINE_HPyFunc_UNARYFUNC(SYM, IMPL)

#define _HPyFunc_TRAMPOLINE_HPyFunc_HASHFUNC(SYM, IMPL)                       \
    static HPy_hash_t SYM(PyObject *a0)                                       \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(a0));                             \
    }

/* CPython passes the opcode as int; HPy's impl takes HPy_RichCmpOp. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_RICHCMPFUNC(SYM, IMPL)                    \
    static PyObject *SYM(PyObject *self, PyObject *other, int op)             \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(self), _py2h(other),        \
                          (HPy_RichCmpOp)op));                                \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_GETITERFUNC(SYM, IMPL)                    \
    _HPyFunc_TRAMPOLINE_HPyFunc_UNARYFUNC(SYM, IMPL)

#define _HPyFunc_TRAMPOLINE_HPyFunc_ITERNEXTFUNC(SYM, IMPL)                   \
    _HPyFunc_TRAMPOLINE_HPyFunc_UNARYFUNC(SYM, IMPL)

#define _HPyFunc_TRAMPOLINE_HPyFunc_DESCRGETFUNC(SYM, IMPL)                   \
    _HPyFunc_TRAMPOLINE_HPyFunc_TERNARYFUNC(SYM, IMPL)

#define _HPyFunc_TRAMPOLINE_HPyFunc_DESCRSETFUNC(SYM, IMPL)                   \
    _HPyFunc_TRAMPOLINE_HPyFunc_OBJOBJARGPROC(SYM, IMPL)

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

#define _HPyFunc_TRAMPOLINE_HPyFunc_GETTER(SYM, IMPL)                         \
    static PyObject *SYM(PyObject *self, void *closure)                       \
    {                                                                         \
        return _h2py(IMPL(_HPyGetContext(), _py2h(self), closure));           \
    }

/* value is NULL for `del obj.attr`; the impl sees HPy_NULL. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_SETTER(SYM, IMPL)                         \
    static int SYM(PyObject *self, PyObject *value, void *closure)            \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(self), _py2h(value), closure);    \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_OBJOBJPROC(SYM, IMPL)                     \
    static int SYM(PyObject *a0, PyObject *a1)                                \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(a0), _py2h(a1));                  \
    }

/* HPy_buffer has Py_buffer's layout (checked in include/runtime/cpython/
   type.c), so the view is passed through. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_GETBUFFERPROC(SYM, IMPL)                  \
    static int SYM(PyObject *self, Py_buffer *view, int flags)                \
    {                                                                         \
        return IMPL(_HPyGetContext(), _py2h(self), (HPy_buffer *)(void *)view,\
                    flags);                                                   \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_RELEASEBUFFERPROC(SYM, IMPL)              \
    static void SYM(PyObject *self, Py_buffer *view)                          \
    {                                                                         \
        IMPL(_HPyGetContext(), _py2h(self), (HPy_buffer *)(void *)view);      \
    }

/* The impl walks the extension's struct; the runtime finds the struct and
   turns each HPyField visit into a CPython visit. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_TRAVERSEPROC(SYM, IMPL)                   \
    static int SYM(PyObject *self, visitproc visit, void *arg)                \
    {                                                                         \
        return _HPyCPy_CallTraverse(IMPL, self, visit, arg);                  \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_DESTRUCTOR(SYM, IMPL)                     \
    static void SYM(PyObject *a0)                                             \
    {                                                                         \
        IMPL(_HPyGetContext(), _py2h(a0));                                    \
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
