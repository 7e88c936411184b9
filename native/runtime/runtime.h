/* The native fast path of libhpy: context members so small that crossing into managed code would
 * cost more than the work itself (see README, "Performance"). C# owns the context and fills it;
 * shim_fill_context then points these members at the functions here. Everything else stays C#. */
#ifndef HPYSHIM_NATIVE_H
#define HPYSHIM_NATIVE_H

#include <stdint.h>
#include "hpy.h"

typedef void PyObject;
typedef HPy_ssize_t Py_ssize_t;

#define _h2py(h) ((PyObject *)(h)._i)
#define _py2h(o) ((HPy){ (HPy_ssize_t)(o) })

/* Object and type fields read directly: offsets and flags from api/cpython_layout.api, the same
 * in CPython 3.8 to 3.13 (the C# side uses the same description, CPython/Generated/Layout.g.cs). */
#include "cpython/layout.gen.h"
#define NATIVE_FIELD(obj, offset, type) (*(type *)((char *)(obj) + (offset)))
#define Py_TYPE_OF(o) NATIVE_FIELD(o, OFFSET_ObType, PyObject *)
#define TP_FLAGS(t) NATIVE_FIELD(t, OFFSET_TpFlags, unsigned long)
#define TP_BASE(t) NATIVE_FIELD(t, OFFSET_TpBase, PyObject *)
#define TP_METHODS(t) NATIVE_FIELD(t, OFFSET_TpMethods, void *)
typedef PyObject *(*native_allocfunc)(PyObject *, Py_ssize_t);
#define TP_ALLOC(t) NATIVE_FIELD(t, OFFSET_TpAlloc, native_allocfunc)
typedef PyObject *(*native_newfunc)(PyObject *, PyObject *, PyObject *);
#define TP_NEW(t) NATIVE_FIELD(t, OFFSET_TpNew, native_newfunc)
#define TP_INIT(t) NATIVE_FIELD(t, OFFSET_TpInit, void *)
#define TP_NAME(t) NATIVE_FIELD(t, OFFSET_TpName, const char *)
#define TP_VECTORCALL_OFFSET(t) NATIVE_FIELD(t, OFFSET_TpVectorcallOffset, Py_ssize_t)
#define TP_BASICSIZE(t) NATIVE_FIELD(t, OFFSET_TpBasicsize, Py_ssize_t)
#define TP_DEALLOC(t) NATIVE_FIELD(t, OFFSET_TpDealloc, void *)
#define TP_WEAKLISTOFFSET(t) NATIVE_FIELD(t, OFFSET_TpWeaklistOffset, Py_ssize_t)
typedef void (*native_freefunc)(void *);
#define TP_FREE(t) NATIVE_FIELD(t, OFFSET_TpFree, native_freefunc)
#define TP_FINALIZE(t) NATIVE_FIELD(t, OFFSET_TpFinalize, void *)
#define VAR_SIZE(o) NATIVE_FIELD(o, OFFSET_VarSize, Py_ssize_t)
#define BYTES_DATA_OFFSET OFFSET_BytesData
#define TUPLE_SIZE(t) NATIVE_FIELD(t, OFFSET_TupleSize, Py_ssize_t)
#define TUPLE_ITEMS(t) ((HPy *)((char *)(t) + OFFSET_TupleItems))
#define LIST_SIZE(l) NATIVE_FIELD(l, OFFSET_ListSize, Py_ssize_t)
#define LIST_ITEMS(l) NATIVE_FIELD(l, OFFSET_ListItems, PyObject **)
#define OBJECT_HEADER_SIZE SIZE_ObjectHeader

/* Every CPython symbol the runtime uses (api/cpython_symbols.api and the context's forwarders and
 * handles): struct native_cpython cpy, resolved once when the runtime binds to a CPython. */
#include "cpython/cpython_symbols.gen.h"
#include "runtime/members.gen.h"
#include "cpython/versions.gen.h"   /* what differs between the supported CPythons */

/* The running CPython's line of cpython_versions (shim_bind_version); NULL before binding. */
extern const cpython_version *native_cpython;   /* member indices and every member's prototype */

/* The C# implementation of _HPy_CallRealFunctionFromTrampoline, for the signatures kept there. */
typedef void (*native_trampoline_fallback)(HPyContext *, HPyFunc_Signature, HPyCFunction, void *);
extern native_trampoline_fallback native_fallback_trampoline;

void native_specialize_refcounts(HPyContext *ctx);
void native_specialize_fields(HPyContext *ctx, int model);   /* fields and globals, per model */
void native_specialize_containers(HPyContext *ctx, int model);   /* builders' Set, Tuple_FromArray */
void native_specialize_items(HPyContext *ctx, int model);   /* HPy_GetItem_i */

#define PY_VECTORCALL_ARGUMENTS_OFFSET ((size_t)1 << (8 * sizeof(size_t) - 1))

/* How this CPython counts references (REFCOUNT_*, set by native_specialize_refcounts). */
extern int native_refcount_model;

/* The reference count operations of each model, inline: one definition serves the specialized
 * HPy_Dup/HPy_Close (handles.c) and the helpers below. The count is the first field (the low half
 * comes first: little-endian). 3.8-3.11 count plainly; 3.12-3.13 (64-bit, GIL) saturate the low
 * half of immortal objects, whose low half reads negative, and never free them. */
#define NATIVE_REFCNT(o) NATIVE_FIELD(o, OFFSET_ObRefcnt, Py_ssize_t)
#define NATIVE_REFCNT_LOW32(o) NATIVE_FIELD(o, OFFSET_ObRefcnt, uint32_t)

static inline void native_incref_counting(PyObject *o) { NATIVE_REFCNT(o)++; }

static inline void native_incref_immortal_aware(PyObject *o)
{
    uint32_t incremented = NATIVE_REFCNT_LOW32(o) + 1;
    if (incremented != 0)
        NATIVE_REFCNT_LOW32(o) = incremented;
}

static inline void native_decref_counting(PyObject *o)
{
    if (--NATIVE_REFCNT(o) == 0)
        cpy._Py_Dealloc(o);
}

static inline void native_decref_immortal_aware(PyObject *o)
{
    if ((int32_t)NATIVE_REFCNT_LOW32(o) >= 0)
        native_decref_counting(o);
}

/* Py_INCREF without a call, for a model other than REFCOUNT_BY_CALL. */
static inline void native_incref_known(PyObject *o)
{
    if (native_refcount_model == REFCOUNT_COUNTING)
        native_incref_counting(o);
    else
        native_incref_immortal_aware(o);
}

/* Py_INCREF for the fast path's own use: inline where the header is known. */
static inline void native_incref(PyObject *o)
{
    if (native_refcount_model == REFCOUNT_BY_CALL)
        cpy.Py_IncRef(o);
    else
        native_incref_known(o);
}

/* Py_DECREF without a call where the header is known (NULL allowed, as Py_XDECREF). */
static inline void native_decref(PyObject *o)
{
    if (o == NULL)
        return;
    if (native_refcount_model == REFCOUNT_BY_CALL)
        cpy.Py_DecRef(o);
    else if (native_refcount_model == REFCOUNT_COUNTING)
        native_decref_counting(o);
    else
        native_decref_immortal_aware(o);
}

static inline void native_xincref(PyObject *o)
{
    if (o != NULL)
        native_incref(o);
}

static inline int native_has_flag(PyObject *o, unsigned long flag)
{
    return (TP_FLAGS(Py_TYPE_OF(o)) & flag) != 0;
}

/* The data offset of each HPyType_BuiltinShape from Object (0) to Dict (7), for this CPython. */
extern HPy_ssize_t native_shape_header[8];
void native_init_shapes(void);

void native_thunks_init(HPyContext *universal_ctx);
int native_traverse(HPyFunc_traverseproc impl, PyObject *self, void *visit, void *arg);

/* Every function member's names, indexed by position in api/hpy_context.api (generated). */
extern const int native_member_count;
extern const char *const native_member_names[];         /* "ctx_Add" */
extern const char *const native_member_public_names[];  /* "HPy_Add" */

#endif
