/* Universal-ABI trampolines.
 *
 * The runtime stores a trampoline's address in the CPython-shaped slot or
 * method table and calls it with PyObject* arguments. The trampoline packs
 * those arguments, in order, into an _HPyFunc_args_<SIG> struct and hands
 * the struct to ctx_CallRealFunctionFromTrampoline, which converts them to
 * handles, calls the real HPy function and writes back `result` (when the
 * signature has one). The struct layouts are therefore ABI.
 */
#ifndef HPY_SHIM_UNIVERSAL_TRAMPOLINES_H
#define HPY_SHIM_UNIVERSAL_TRAMPOLINES_H

/* Going through void(*)(void) keeps -Wcast-function-type quiet: the
   pointer value is unchanged and the runtime casts it back by signature. */
#define _HPY_TO_CFUNC(IMPL) ((HPyCFunction)(void (*)(void))(IMPL))

#define _HPY_TRAMPOLINE_CALL(SIG, IMPL, ARGS)                                 \
    _HPy_CallRealFunctionFromTrampoline(_ctx_for_trampolines, SIG,           \
                                        _HPY_TO_CFUNC(IMPL), (ARGS))

/* ---- argument structs ---- */
typedef struct { cpy_PyObject *self; cpy_PyObject *result; } _HPyFunc_args_NOARGS;
typedef struct { cpy_PyObject *self; cpy_PyObject *arg; cpy_PyObject *result; } _HPyFunc_args_O;
typedef struct {
    cpy_PyObject *self;
    cpy_PyObject *const *args;
    HPy_ssize_t nargs;
    cpy_PyObject *result;
} _HPyFunc_args_VARARGS;
typedef struct {
    cpy_PyObject *self;
    cpy_PyObject *const *args;
    size_t nargsf;          /* may carry PY_VECTORCALL_ARGUMENTS_OFFSET (tp_call) */
    cpy_PyObject *kwnames;
    cpy_PyObject *result;
} _HPyFunc_args_KEYWORDS;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *result; } _HPyFunc_args_UNARYFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; cpy_PyObject *result; } _HPyFunc_args_BINARYFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; cpy_PyObject *arg2; cpy_PyObject *result; } _HPyFunc_args_TERNARYFUNC;
typedef struct { cpy_PyObject *arg0; int result; } _HPyFunc_args_INQUIRY;
typedef struct { cpy_PyObject *arg0; HPy_ssize_t result; } _HPyFunc_args_LENFUNC;
typedef struct { cpy_PyObject *arg0; HPy_ssize_t arg1; cpy_PyObject *result; } _HPyFunc_args_SSIZEARGFUNC;
typedef struct { cpy_PyObject *arg0; HPy_ssize_t arg1; HPy_ssize_t arg2; cpy_PyObject *result; } _HPyFunc_args_SSIZESSIZEARGFUNC;
typedef struct { cpy_PyObject *arg0; HPy_ssize_t arg1; cpy_PyObject *arg2; int result; } _HPyFunc_args_SSIZEOBJARGPROC;
typedef struct { cpy_PyObject *arg0; HPy_ssize_t arg1; HPy_ssize_t arg2; cpy_PyObject *arg3; int result; } _HPyFunc_args_SSIZESSIZEOBJARGPROC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; cpy_PyObject *arg2; int result; } _HPyFunc_args_OBJOBJARGPROC;
typedef struct { void *arg0; } _HPyFunc_args_FREEFUNC;
typedef struct { cpy_PyObject *arg0; char *arg1; cpy_PyObject *result; } _HPyFunc_args_GETATTRFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; cpy_PyObject *result; } _HPyFunc_args_GETATTROFUNC;
typedef struct { cpy_PyObject *arg0; char *arg1; cpy_PyObject *arg2; int result; } _HPyFunc_args_SETATTRFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; cpy_PyObject *arg2; int result; } _HPyFunc_args_SETATTROFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *result; } _HPyFunc_args_REPRFUNC;
typedef struct { cpy_PyObject *arg0; HPy_hash_t result; } _HPyFunc_args_HASHFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; HPy_RichCmpOp arg2; cpy_PyObject *result; } _HPyFunc_args_RICHCMPFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *result; } _HPyFunc_args_GETITERFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *result; } _HPyFunc_args_ITERNEXTFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; cpy_PyObject *arg2; cpy_PyObject *result; } _HPyFunc_args_DESCRGETFUNC;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; cpy_PyObject *arg2; int result; } _HPyFunc_args_DESCRSETFUNC;
typedef struct { cpy_PyObject *self; cpy_PyObject *args; cpy_PyObject *kw; int result; } _HPyFunc_args_INITPROC;
typedef struct { cpy_PyObject *self; cpy_PyObject *args; cpy_PyObject *kw; cpy_PyObject *result; } _HPyFunc_args_NEWFUNC;
typedef struct { cpy_PyObject *arg0; void *arg1; cpy_PyObject *result; } _HPyFunc_args_GETTER;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; void *arg2; int result; } _HPyFunc_args_SETTER;
typedef struct { cpy_PyObject *arg0; cpy_PyObject *arg1; int result; } _HPyFunc_args_OBJOBJPROC;
typedef struct { cpy_PyObject *self; cpy_Py_buffer *view; int flags; int result; } _HPyFunc_args_GETBUFFERPROC;
typedef struct { cpy_PyObject *self; cpy_Py_buffer *view; } _HPyFunc_args_RELEASEBUFFERPROC;
typedef struct { cpy_PyObject *self; cpy_visitproc visit; void *arg; int result; } _HPyFunc_args_TRAVERSEPROC;
typedef struct { cpy_PyObject *arg0; } _HPyFunc_args_DESTRUCTOR;
typedef struct { cpy_PyObject *spec; cpy_PyObject *result; } _HPyFunc_args_MOD_CREATE;

/* ---- trampolines ----
   Every struct is fully initialised (result included) so -Wextra stays
   quiet about missing initialisers. */

#define _HPyFunc_TRAMPOLINE_HPyFunc_NOARGS(SYM, IMPL)                         \
    static cpy_PyObject *SYM(cpy_PyObject *self)                              \
    {                                                                         \
        _HPyFunc_args_NOARGS a = { self, NULL };                              \
        _HPY_TRAMPOLINE_CALL(HPyFunc_NOARGS, IMPL, &a);                       \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_O(SYM, IMPL)                              \
    static cpy_PyObject *SYM(cpy_PyObject *self, cpy_PyObject *arg)           \
    {                                                                         \
        _HPyFunc_args_O a = { self, arg, NULL };                              \
        _HPY_TRAMPOLINE_CALL(HPyFunc_O, IMPL, &a);                            \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_VARARGS(SYM, IMPL)                        \
    static cpy_PyObject *SYM(cpy_PyObject *self, cpy_PyObject *const *args,   \
                             HPy_ssize_t nargs)                               \
    {                                                                         \
        _HPyFunc_args_VARARGS a = { self, args, nargs, NULL };                \
        _HPY_TRAMPOLINE_CALL(HPyFunc_VARARGS, IMPL, &a);                      \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_KEYWORDS(SYM, IMPL)                       \
    static cpy_PyObject *SYM(cpy_PyObject *self, cpy_PyObject *const *args,   \
                             size_t nargs, cpy_PyObject *kwnames)             \
    {                                                                         \
        _HPyFunc_args_KEYWORDS a = { self, args, nargs, kwnames, NULL };      \
        _HPY_TRAMPOLINE_CALL(HPyFunc_KEYWORDS, IMPL, &a);                     \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_UNARYFUNC(SYM, IMPL)                      \
    static cpy_PyObject *SYM(cpy_PyObject *arg0)                              \
    {                                                                         \
        _HPyFunc_args_UNARYFUNC a = { arg0, NULL };                           \
        _HPY_TRAMPOLINE_CALL(HPyFunc_UNARYFUNC, IMPL, &a);                    \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_BINARYFUNC(SYM, IMPL)                     \
    static cpy_PyObject *SYM(cpy_PyObject *arg0, cpy_PyObject *arg1)          \
    {                                                                         \
        _HPyFunc_args_BINARYFUNC a = { arg0, arg1, NULL };                    \
        _HPY_TRAMPOLINE_CALL(HPyFunc_BINARYFUNC, IMPL, &a);                   \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_TERNARYFUNC(SYM, IMPL)                    \
    static cpy_PyObject *SYM(cpy_PyObject *arg0, cpy_PyObject *arg1,          \
                             cpy_PyObject *arg2)                              \
    {                                                                         \
        _HPyFunc_args_TERNARYFUNC a = { arg0, arg1, arg2, NULL };             \
        _HPY_TRAMPOLINE_CALL(HPyFunc_TERNARYFUNC, IMPL, &a);                  \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_INQUIRY(SYM, IMPL)                        \
    static int SYM(cpy_PyObject *arg0)                                        \
    {                                                                         \
        _HPyFunc_args_INQUIRY a = { arg0, 0 };                                \
        _HPY_TRAMPOLINE_CALL(HPyFunc_INQUIRY, IMPL, &a);                      \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_LENFUNC(SYM, IMPL)                        \
    static HPy_ssize_t SYM(cpy_PyObject *arg0)                                \
    {                                                                         \
        _HPyFunc_args_LENFUNC a = { arg0, 0 };                                \
        _HPY_TRAMPOLINE_CALL(HPyFunc_LENFUNC, IMPL, &a);                      \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SSIZEARGFUNC(SYM, IMPL)                   \
    static cpy_PyObject *SYM(cpy_PyObject *arg0, HPy_ssize_t arg1)            \
    {                                                                         \
        _HPyFunc_args_SSIZEARGFUNC a = { arg0, arg1, NULL };                  \
        _HPY_TRAMPOLINE_CALL(HPyFunc_SSIZEARGFUNC, IMPL, &a);                 \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SSIZESSIZEARGFUNC(SYM, IMPL)              \
    static cpy_PyObject *SYM(cpy_PyObject *arg0, HPy_ssize_t arg1,            \
                             HPy_ssize_t arg2)                                \
    {                                                                         \
        _HPyFunc_args_SSIZESSIZEARGFUNC a = { arg0, arg1, arg2, NULL };       \
        _HPY_TRAMPOLINE_CALL(HPyFunc_SSIZESSIZEARGFUNC, IMPL, &a);            \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SSIZEOBJARGPROC(SYM, IMPL)                \
    static int SYM(cpy_PyObject *arg0, HPy_ssize_t arg1, cpy_PyObject *arg2)  \
    {                                                                         \
        _HPyFunc_args_SSIZEOBJARGPROC a = { arg0, arg1, arg2, 0 };            \
        _HPY_TRAMPOLINE_CALL(HPyFunc_SSIZEOBJARGPROC, IMPL, &a);              \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SSIZESSIZEOBJARGPROC(SYM, IMPL)           \
    static int SYM(cpy_PyObject *arg0, HPy_ssize_t arg1, HPy_ssize_t arg2,    \
                   cpy_PyObject *arg3)                                        \
    {                                                                         \
        _HPyFunc_args_SSIZESSIZEOBJARGPROC a = { arg0, arg1, arg2, arg3, 0 }; \
        _HPY_TRAMPOLINE_CALL(HPyFunc_SSIZESSIZEOBJARGPROC, IMPL, &a);         \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_OBJOBJARGPROC(SYM, IMPL)                  \
    static int SYM(cpy_PyObject *arg0, cpy_PyObject *arg1, cpy_PyObject *arg2)\
    {                                                                         \
        _HPyFunc_args_OBJOBJARGPROC a = { arg0, arg1, arg2, 0 };              \
        _HPY_TRAMPOLINE_CALL(HPyFunc_OBJOBJARGPROC, IMPL, &a);                \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_FREEFUNC(SYM, IMPL)                       \
    static void SYM(void *arg0)                                               \
    {                                                                         \
        _HPyFunc_args_FREEFUNC a = { arg0 };                                  \
        _HPY_TRAMPOLINE_CALL(HPyFunc_FREEFUNC, IMPL, &a);                     \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_GETATTRFUNC(SYM, IMPL)                    \
    static cpy_PyObject *SYM(cpy_PyObject *arg0, char *arg1)                  \
    {                                                                         \
        _HPyFunc_args_GETATTRFUNC a = { arg0, arg1, NULL };                   \
        _HPY_TRAMPOLINE_CALL(HPyFunc_GETATTRFUNC, IMPL, &a);                  \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_GETATTROFUNC(SYM, IMPL)                   \
    static cpy_PyObject *SYM(cpy_PyObject *arg0, cpy_PyObject *arg1)          \
    {                                                                         \
        _HPyFunc_args_GETATTROFUNC a = { arg0, arg1, NULL };                  \
        _HPY_TRAMPOLINE_CALL(HPyFunc_GETATTROFUNC, IMPL, &a);                 \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SETATTRFUNC(SYM, IMPL)                    \
    static int SYM(cpy_PyObject *arg0, char *arg1, cpy_PyObject *arg2)        \
    {                                                                         \
        _HPyFunc_args_SETATTRFUNC a = { arg0, arg1, arg2, 0 };                \
        _HPY_TRAMPOLINE_CALL(HPyFunc_SETATTRFUNC, IMPL, &a);                  \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SETATTROFUNC(SYM, IMPL)                   \
    static int SYM(cpy_PyObject *arg0, cpy_PyObject *arg1, cpy_PyObject *arg2)\
    {                                                                         \
        _HPyFunc_args_SETATTROFUNC a = { arg0, arg1, arg2, 0 };               \
        _HPY_TRAMPOLINE_CALL(HPyFunc_SETATTROFUNC, IMPL, &a);                 \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_REPRFUNC(SYM, IMPL)                       \
    static cpy_PyObject *SYM(cpy_PyObject *arg0)                              \
    {                                                                         \
        _HPyFunc_args_REPRFUNC a = { arg0, NULL };                            \
        _HPY_TRAMPOLINE_CALL(HPyFunc_REPRFUNC, IMPL, &a);                     \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_HASHFUNC(SYM, IMPL)                       \
    static HPy_hash_t SYM(cpy_PyObject *arg0)                                 \
    {                                                                         \
        _HPyFunc_args_HASHFUNC a = { arg0, 0 };                               \
        _HPY_TRAMPOLINE_CALL(HPyFunc_HASHFUNC, IMPL, &a);                     \
        return a.result;                                                      \
    }

/* CPython passes the opcode as int; the struct carries HPy_RichCmpOp. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_RICHCMPFUNC(SYM, IMPL)                    \
    static cpy_PyObject *SYM(cpy_PyObject *self, cpy_PyObject *obj, int op)   \
    {                                                                         \
        _HPyFunc_args_RICHCMPFUNC a = { self, obj, (HPy_RichCmpOp)op, NULL }; \
        _HPY_TRAMPOLINE_CALL(HPyFunc_RICHCMPFUNC, IMPL, &a);                  \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_GETITERFUNC(SYM, IMPL)                    \
    static cpy_PyObject *SYM(cpy_PyObject *arg0)                              \
    {                                                                         \
        _HPyFunc_args_GETITERFUNC a = { arg0, NULL };                         \
        _HPY_TRAMPOLINE_CALL(HPyFunc_GETITERFUNC, IMPL, &a);                  \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_ITERNEXTFUNC(SYM, IMPL)                   \
    static cpy_PyObject *SYM(cpy_PyObject *arg0)                              \
    {                                                                         \
        _HPyFunc_args_ITERNEXTFUNC a = { arg0, NULL };                        \
        _HPY_TRAMPOLINE_CALL(HPyFunc_ITERNEXTFUNC, IMPL, &a);                 \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_DESCRGETFUNC(SYM, IMPL)                   \
    static cpy_PyObject *SYM(cpy_PyObject *arg0, cpy_PyObject *arg1,          \
                             cpy_PyObject *arg2)                              \
    {                                                                         \
        _HPyFunc_args_DESCRGETFUNC a = { arg0, arg1, arg2, NULL };            \
        _HPY_TRAMPOLINE_CALL(HPyFunc_DESCRGETFUNC, IMPL, &a);                 \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_DESCRSETFUNC(SYM, IMPL)                   \
    static int SYM(cpy_PyObject *arg0, cpy_PyObject *arg1, cpy_PyObject *arg2)\
    {                                                                         \
        _HPyFunc_args_DESCRSETFUNC a = { arg0, arg1, arg2, 0 };               \
        _HPY_TRAMPOLINE_CALL(HPyFunc_DESCRSETFUNC, IMPL, &a);                 \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_INITPROC(SYM, IMPL)                       \
    static int SYM(cpy_PyObject *self, cpy_PyObject *args, cpy_PyObject *kw)  \
    {                                                                         \
        _HPyFunc_args_INITPROC a = { self, args, kw, 0 };                     \
        _HPY_TRAMPOLINE_CALL(HPyFunc_INITPROC, IMPL, &a);                     \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_NEWFUNC(SYM, IMPL)                        \
    static cpy_PyObject *SYM(cpy_PyObject *self, cpy_PyObject *args,          \
                             cpy_PyObject *kw)                                \
    {                                                                         \
        _HPyFunc_args_NEWFUNC a = { self, args, kw, NULL };                   \
        _HPY_TRAMPOLINE_CALL(HPyFunc_NEWFUNC, IMPL, &a);                      \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_GETTER(SYM, IMPL)                         \
    static cpy_PyObject *SYM(cpy_PyObject *arg0, void *arg1)                  \
    {                                                                         \
        _HPyFunc_args_GETTER a = { arg0, arg1, NULL };                        \
        _HPY_TRAMPOLINE_CALL(HPyFunc_GETTER, IMPL, &a);                       \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_SETTER(SYM, IMPL)                         \
    static int SYM(cpy_PyObject *arg0, cpy_PyObject *arg1, void *arg2)        \
    {                                                                         \
        _HPyFunc_args_SETTER a = { arg0, arg1, arg2, 0 };                     \
        _HPY_TRAMPOLINE_CALL(HPyFunc_SETTER, IMPL, &a);                       \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_OBJOBJPROC(SYM, IMPL)                     \
    static int SYM(cpy_PyObject *arg0, cpy_PyObject *arg1)                    \
    {                                                                         \
        _HPyFunc_args_OBJOBJPROC a = { arg0, arg1, 0 };                       \
        _HPY_TRAMPOLINE_CALL(HPyFunc_OBJOBJPROC, IMPL, &a);                   \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_GETBUFFERPROC(SYM, IMPL)                  \
    static int SYM(cpy_PyObject *self, cpy_Py_buffer *view, int flags)        \
    {                                                                         \
        _HPyFunc_args_GETBUFFERPROC a = { self, view, flags, 0 };             \
        _HPY_TRAMPOLINE_CALL(HPyFunc_GETBUFFERPROC, IMPL, &a);                \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_RELEASEBUFFERPROC(SYM, IMPL)              \
    static void SYM(cpy_PyObject *self, cpy_Py_buffer *view)                  \
    {                                                                         \
        _HPyFunc_args_RELEASEBUFFERPROC a = { self, view };                   \
        _HPY_TRAMPOLINE_CALL(HPyFunc_RELEASEBUFFERPROC, IMPL, &a);            \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_TRAVERSEPROC(SYM, IMPL)                   \
    static int SYM(cpy_PyObject *self, cpy_visitproc visit, void *arg)        \
    {                                                                         \
        _HPyFunc_args_TRAVERSEPROC a = { self, visit, arg, 0 };               \
        _HPY_TRAMPOLINE_CALL(HPyFunc_TRAVERSEPROC, IMPL, &a);                 \
        return a.result;                                                      \
    }

#define _HPyFunc_TRAMPOLINE_HPyFunc_DESTRUCTOR(SYM, IMPL)                     \
    static void SYM(cpy_PyObject *arg0)                                       \
    {                                                                         \
        _HPyFunc_args_DESTRUCTOR a = { arg0 };                                \
        _HPY_TRAMPOLINE_CALL(HPyFunc_DESTRUCTOR, IMPL, &a);                   \
    }

/* HPy_tp_destroy has no CPython counterpart: the runtime calls the impl
   directly from its own deallocator, so this trampoline must never run. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_DESTROYFUNC(SYM, IMPL)                    \
    static void SYM(void) { abort(); }

/* Same shape as PyModuleDef_Slot's Py_mod_create function. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_MOD_CREATE(SYM, IMPL)                     \
    static cpy_PyObject *SYM(cpy_PyObject *spec, cpy_PyModuleDef *def)        \
    {                                                                         \
        _HPyFunc_args_MOD_CREATE a = { spec, NULL };                          \
        (void)def;                                                            \
        _HPY_TRAMPOLINE_CALL(HPyFunc_MOD_CREATE, IMPL, &a);                   \
        return a.result;                                                      \
    }

/* The capsule itself is passed instead of an args struct. */
#define HPyCapsule_DESTRUCTOR_TRAMPOLINE(SYM, IMPL)                           \
    static void SYM(cpy_PyObject *capsule)                                    \
    {                                                                         \
        _HPY_TRAMPOLINE_CALL(HPyFunc_CAPSULE_DESTRUCTOR, IMPL, capsule);      \
    }

#endif /* HPY_SHIM_UNIVERSAL_TRAMPOLINES_H */
