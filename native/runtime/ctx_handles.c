/* Handle lifetime, identity and type checks: a handle is its PyObject*. */
#include <stdint.h>
#include <stdlib.h>
#include "interop/boundary.gen.h"

/* HPy_Dup and HPy_Close are reference-count operations. The portable versions call CPython's
 * Py_IncRef/Py_DecRef (which ignore NULL, as HPy_Dup(HPy_NULL) must); on the CPythons whose
 * refcount field we know, native_specialize_refcounts installs versions that do the same work
 * inline, as the C API's own macros do, saving a call on the most frequent context members. */
HPy ctx_Dup(HPyContext *ctx, HPy h)
{
    cpy.Py_IncRef(_h2py(h));
    return h;
}

void ctx_Close(HPyContext *ctx, HPy h)
{
    cpy.Py_DecRef(_h2py(h));
}

/* The versions per refcount model (the operations themselves are in native.h). */
static HPy dup_counting(HPyContext *ctx, HPy h)
{
    if (!HPy_IsNull(h))
        native_incref_counting(_h2py(h));
    return h;
}

static void close_counting(HPyContext *ctx, HPy h)
{
    if (!HPy_IsNull(h))
        native_decref_counting(_h2py(h));
}

static HPy dup_immortal_aware(HPyContext *ctx, HPy h)
{
    if (!HPy_IsNull(h))
        native_incref_immortal_aware(_h2py(h));
    return h;
}

static void close_immortal_aware(HPyContext *ctx, HPy h)
{
    if (!HPy_IsNull(h))
        native_decref_immortal_aware(_h2py(h));
}

int native_refcount_model = REFCOUNT_BY_CALL;
const cpython_version *native_cpython;

/* The running CPython is 3.minor, which the control plane parsed once and checked is listed. */
int shim_bind_version(int minor)
{
    if (minor < CPYTHON_OLDEST_MINOR || minor > CPYTHON_NEWEST_MINOR)
        return -1;
    native_cpython = &cpython_versions[minor - CPYTHON_OLDEST_MINOR];
    return 0;
}

void native_specialize_refcounts(HPyContext *ctx)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && UINTPTR_MAX > 0xFFFFFFFFu
    /* Debug builds keep reference totals and free-threaded builds have another header: both keep
     * the portable calls. */
    if (cpy._Py_GetRefTotal != NULL || cpy._Py_MergeZeroLocalRefcount != NULL)
        return;
    if (native_cpython == NULL)
        return;
    if (native_cpython->refcount == REFCOUNT_COUNTING) {
        native_refcount_model = REFCOUNT_COUNTING;
        ctx->ctx_Dup = dup_counting;
        ctx->ctx_Close = close_counting;
    } else if (native_cpython->refcount == REFCOUNT_IMMORTAL_AWARE) {
        native_refcount_model = REFCOUNT_IMMORTAL_AWARE;
        ctx->ctx_Dup = dup_immortal_aware;
        ctx->ctx_Close = close_immortal_aware;
    }
    native_specialize_fields(ctx, native_refcount_model);
    native_specialize_containers(ctx, native_refcount_model);
    native_specialize_items(ctx, native_refcount_model);
#endif
}

int ctx_Is(HPyContext *ctx, HPy obj, HPy other)
{
    return obj._i == other._i;
}

HPy ctx_Type(HPyContext *ctx, HPy obj)
{
    PyObject *type = Py_TYPE_OF(_h2py(obj));
    cpy.Py_IncRef(type);
    return _py2h(type);
}

int ctx_TypeCheck(HPyContext *ctx, HPy obj, HPy type)
{
    PyObject *t = Py_TYPE_OF(_h2py(obj));
    return t == _h2py(type) || cpy.PyType_IsSubtype(t, _h2py(type));
}

int ctx_Err_Occurred(HPyContext *ctx)
{
    return cpy.PyErr_Occurred() != NULL;
}

/* HPy_NULL is "not a ...", not a crash: HPy's own argument parser asks HPyUnicode_Check about
 * omitted optional arguments ("s" after "|"). */
static int has_flag(HPy h, unsigned long flag)
{
    return !HPy_IsNull(h) && native_has_flag(_h2py(h), flag);
}

int ctx_Bytes_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_BytesSubclass); }
int ctx_Unicode_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_UnicodeSubclass); }
int ctx_List_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_ListSubclass); }
int ctx_Dict_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_DictSubclass); }
int ctx_Tuple_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_TupleSubclass); }
