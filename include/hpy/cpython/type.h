/* CPython ABI mode: type creation, instance allocation and the
   shape-specific struct accessors. */
#ifndef HPY_SHIM_CPYTHON_TYPE_H
#define HPY_SHIM_CPYTHON_TYPE_H

#if PY_VERSION_HEX < 0x030B0000
#  include <longintrepr.h>      /* the PyLongObject layout */
#endif

/* A non-legacy HPy struct starts after the builtin base's own struct,
   rounded up so any C type can live at the start of the payload. The
   runtime (src/runtime/cpython/type.c) uses the same sizes. */
typedef union {
    long double ld;
    long long ll;
    double d;
    void *p;
    void (*f)(void);
} _HPyCPy_MaxAlign;

#define _HPyCPy_DECLARE_SPACE(NAME, HEAD)                                     \
    typedef struct { HEAD head; _HPyCPy_MaxAlign payload; } _HPyCPy_Space_##NAME;
_HPyCPy_DECLARE_SPACE(Object, PyObject)
_HPyCPy_DECLARE_SPACE(Type, PyHeapTypeObject)
_HPyCPy_DECLARE_SPACE(Long, PyLongObject)
_HPyCPy_DECLARE_SPACE(Float, PyFloatObject)
_HPyCPy_DECLARE_SPACE(Unicode, PyUnicodeObject)
_HPyCPy_DECLARE_SPACE(Tuple, PyTupleObject)
_HPyCPy_DECLARE_SPACE(List, PyListObject)
_HPyCPy_DECLARE_SPACE(Dict, PyDictObject)
#define _HPyCPy_HEADER_SIZE(NAME) offsetof(_HPyCPy_Space_##NAME, payload)

#define _HPyCPy_DEFINE_ASSTRUCT(NAME)                                         \
    HPyAPI_FUNC void *_HPy_AsStruct_##NAME(HPyContext *ctx, HPy h)            \
    {                                                                         \
        return (char *)_h2py(h) + _HPyCPy_HEADER_SIZE(NAME);                  \
    }
_HPyCPy_DEFINE_ASSTRUCT(Object)
_HPyCPy_DEFINE_ASSTRUCT(Type)
_HPyCPy_DEFINE_ASSTRUCT(Long)
_HPyCPy_DEFINE_ASSTRUCT(Float)
_HPyCPy_DEFINE_ASSTRUCT(Unicode)
_HPyCPy_DEFINE_ASSTRUCT(Tuple)
_HPyCPy_DEFINE_ASSTRUCT(List)
_HPyCPy_DEFINE_ASSTRUCT(Dict)

/* Legacy structs begin with PyObject_HEAD themselves. */
HPyAPI_FUNC void *_HPy_AsStruct_Legacy(HPyContext *ctx, HPy h)
{
    return _h2py(h);
}

/* ---- src/runtime/cpython/type.c ---- */
_HPy_HIDDEN HPy _HPyCPy_Type_FromSpec(HPyContext *ctx, HPyType_Spec *spec,
                                      HPyType_SpecParam *params);
_HPy_HIDDEN HPy _HPyCPy_Type_GenericNew(HPyContext *ctx, HPy type, const HPy *args,
                                        HPy_ssize_t nargs, HPy kw);
_HPy_HIDDEN HPyType_BuiltinShape _HPyCPy_Type_GetBuiltinShape(HPyContext *ctx, HPy h_type);
_HPy_HIDDEN const char *_HPyCPy_Type_GetName(HPyContext *ctx, HPy type);
_HPy_HIDDEN int _HPyCPy_SetCallFunction(HPyContext *ctx, HPy h, HPyCallFunction *func);
_HPy_HIDDEN PyObject *_HPyCPy_New(PyTypeObject *type, void **data);

/* The API names are static inline, as in every other mode, so an extension
   may name one as a slot implementation
   (HPyDef_SLOT_IMPL(x_new, HPyType_GenericNew, HPy_tp_new) declares it
   static again). */
HPyAPI_FUNC HPy HPyType_FromSpec(HPyContext *ctx, HPyType_Spec *spec,
                                 HPyType_SpecParam *params)
{
    return _HPyCPy_Type_FromSpec(ctx, spec, params);
}

HPyAPI_FUNC HPy HPyType_GenericNew(HPyContext *ctx, HPy type, const HPy *args,
                                   HPy_ssize_t nargs, HPy kw)
{
    return _HPyCPy_Type_GenericNew(ctx, type, args, nargs, kw);
}

HPyAPI_FUNC HPyType_BuiltinShape _HPyType_GetBuiltinShape(HPyContext *ctx, HPy h_type)
{
    return _HPyCPy_Type_GetBuiltinShape(ctx, h_type);
}

HPyAPI_FUNC const char *HPyType_GetName(HPyContext *ctx, HPy type)
{
    return _HPyCPy_Type_GetName(ctx, type);
}

HPyAPI_FUNC int HPy_SetCallFunction(HPyContext *ctx, HPy h, HPyCallFunction *func)
{
    return _HPyCPy_SetCallFunction(ctx, h, func);
}

/* The result is written through a local so the caller's pointer variable
   can stay in a register. */
HPyAPI_FUNC HPy _HPy_New(HPyContext *ctx, HPy h_type, void **data)
{
    void *payload = NULL;
    PyObject *o = _HPyCPy_New((PyTypeObject *)_h2py(h_type), &payload);
    *data = payload;
    return _py2h(o);
}

HPyAPI_FUNC int HPyType_IsSubtype(HPyContext *ctx, HPy sub, HPy type)
{
    return PyType_IsSubtype((PyTypeObject *)_h2py(sub), (PyTypeObject *)_h2py(type));
}

#endif /* HPY_SHIM_CPYTHON_TYPE_H */
