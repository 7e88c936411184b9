/* Tuples from arrays and the list/tuple builders: a builder is the half-filled container itself,
 * and Set takes its own reference to the item (the caller keeps theirs). A builder whose New failed
 * is 0 and New leaves CPython's error set (SystemError for a negative size, MemoryError for a huge
 * one), so a caller that returns at once reports the real cause; Set ignores such a builder and
 * Build keeps that error (or raises MemoryError if it was cleared meanwhile). Items are stored
 * directly, as the C API's own SET_ITEM macros do; an index out of range goes through the C API
 * setter, which raises the IndexError. */
#include "runtime/runtime.h"

/* The general case: a slot already filled, an index out of range, or references counted by call. */
__attribute__((noinline)) static void set_item_slow(PyObject **items, Py_ssize_t size, PyObject *container, HPy_ssize_t index, HPy h_item,
                          int (*set_item_checked)(PyObject *, Py_ssize_t, PyObject *))
{
    PyObject *item = _h2py(h_item);
    native_incref(item);
    if ((size_t)index >= (size_t)size) {
        set_item_checked(container, index, item);   /* raises IndexError and drops the reference */
        return;
    }
    PyObject *old = items[index];
    items[index] = item;
    if (old != NULL)
        cpy.Py_DecRef(old);
}

/* The usual case makes no call, so it needs no saved registers. */
static inline int set_item_fast(PyObject **items, Py_ssize_t size, HPy_ssize_t index, HPy h_item)
{
    if ((size_t)index >= (size_t)size || items[index] != NULL || native_refcount_model == REFCOUNT_BY_CALL)
        return 0;
    native_incref_known(_h2py(h_item));
    items[index] = _h2py(h_item);
    return 1;
}

HPy ctx_Tuple_FromArray(HPyContext *ctx, const HPy items[], HPy_ssize_t n)
{
    PyObject *tuple = cpy.PyTuple_New(n);
    if (tuple == NULL)
        return HPy_NULL;
    for (HPy_ssize_t i = 0; i < n; i++) {
        native_incref(_h2py(items[i]));
        TUPLE_ITEMS(tuple)[i] = items[i];   /* a fresh tuple's slots are empty */
    }
    return _py2h(tuple);
}

HPyListBuilder ctx_ListBuilder_New(HPyContext *ctx, HPy_ssize_t size)
{
    PyObject *list = cpy.PyList_New(size);
    return (HPyListBuilder){ (HPy_ssize_t)list };
}

void ctx_ListBuilder_Set(HPyContext *ctx, HPyListBuilder builder, HPy_ssize_t index, HPy h_item)
{
    PyObject *list = (PyObject *)builder._lst;
    if (list != NULL && !set_item_fast(LIST_ITEMS(list), LIST_SIZE(list), index, h_item))
        set_item_slow(LIST_ITEMS(list), LIST_SIZE(list), list, index, h_item, cpy.PyList_SetItem);
}

HPy ctx_ListBuilder_Build(HPyContext *ctx, HPyListBuilder builder)
{
    if (builder._lst == 0) {
        if (cpy.PyErr_Occurred() == NULL)
            cpy.PyErr_NoMemory();
        return HPy_NULL;
    }
    return (HPy){ builder._lst };
}

void ctx_ListBuilder_Cancel(HPyContext *ctx, HPyListBuilder builder)
{
    cpy.Py_DecRef((PyObject *)builder._lst);
}

HPyTupleBuilder ctx_TupleBuilder_New(HPyContext *ctx, HPy_ssize_t size)
{
    PyObject *tuple = cpy.PyTuple_New(size);
    return (HPyTupleBuilder){ (HPy_ssize_t)tuple };
}

void ctx_TupleBuilder_Set(HPyContext *ctx, HPyTupleBuilder builder, HPy_ssize_t index, HPy h_item)
{
    PyObject *tuple = (PyObject *)builder._tup;
    if (tuple != NULL && !set_item_fast((PyObject **)TUPLE_ITEMS(tuple), TUPLE_SIZE(tuple), index, h_item))
        set_item_slow((PyObject **)TUPLE_ITEMS(tuple), TUPLE_SIZE(tuple), tuple, index, h_item, cpy.PyTuple_SetItem);
}

HPy ctx_TupleBuilder_Build(HPyContext *ctx, HPyTupleBuilder builder)
{
    if (builder._tup == 0) {
        if (cpy.PyErr_Occurred() == NULL)
            cpy.PyErr_NoMemory();
        return HPy_NULL;
    }
    return (HPy){ builder._tup };
}

void ctx_TupleBuilder_Cancel(HPyContext *ctx, HPyTupleBuilder builder)
{
    cpy.Py_DecRef((PyObject *)builder._tup);
}

/* Set and Tuple_FromArray per refcount model, installed by native_specialize_refcounts: the
 * usual case of a builder loop is then two checks, an increment and a store. */
#define CONTAINER_MEMBERS(model, incref)                                                        \
    static void list_set_##model(HPyContext *ctx, HPyListBuilder builder, HPy_ssize_t index, HPy h_item) \
    {                                                                                          \
        PyObject *list = (PyObject *)builder._lst;                                             \
        if (list == NULL)                                                                      \
            return;                                                                            \
        PyObject **items = LIST_ITEMS(list);                                                   \
        if ((size_t)index < (size_t)LIST_SIZE(list) && items[index] == NULL) {                 \
            incref(_h2py(h_item));                                                             \
            items[index] = _h2py(h_item);                                                      \
            return;                                                                            \
        }                                                                                      \
        set_item_slow(items, LIST_SIZE(list), list, index, h_item, cpy.PyList_SetItem);       \
    }                                                                                          \
    static void tuple_set_##model(HPyContext *ctx, HPyTupleBuilder builder, HPy_ssize_t index, HPy h_item) \
    {                                                                                          \
        PyObject *tuple = (PyObject *)builder._tup;                                            \
        if (tuple == NULL)                                                                     \
            return;                                                                            \
        PyObject **items = (PyObject **)TUPLE_ITEMS(tuple);                                    \
        if ((size_t)index < (size_t)TUPLE_SIZE(tuple) && items[index] == NULL) {               \
            incref(_h2py(h_item));                                                             \
            items[index] = _h2py(h_item);                                                      \
            return;                                                                            \
        }                                                                                      \
        set_item_slow(items, TUPLE_SIZE(tuple), tuple, index, h_item, cpy.PyTuple_SetItem);   \
    }                                                                                          \
    static HPy tuple_from_array_##model(HPyContext *ctx, const HPy items[], HPy_ssize_t n)     \
    {                                                                                          \
        PyObject *tuple = cpy.PyTuple_New(n);                                                  \
        if (tuple == NULL)                                                                     \
            return HPy_NULL;                                                                   \
        HPy *slots = TUPLE_ITEMS(tuple);                                                       \
        for (HPy_ssize_t i = 0; i < n; i++) {                                                  \
            incref(_h2py(items[i]));                                                           \
            slots[i] = items[i];                                                               \
        }                                                                                      \
        return _py2h(tuple);                                                                   \
    }

CONTAINER_MEMBERS(counting, native_incref_counting)
CONTAINER_MEMBERS(immortal_aware, native_incref_immortal_aware)

void native_specialize_containers(HPyContext *ctx, int model)
{
    if (model == REFCOUNT_COUNTING) {
        ctx->ctx_ListBuilder_Set = list_set_counting;
        ctx->ctx_TupleBuilder_Set = tuple_set_counting;
        ctx->ctx_Tuple_FromArray = tuple_from_array_counting;
    } else if (model == REFCOUNT_IMMORTAL_AWARE) {
        ctx->ctx_ListBuilder_Set = list_set_immortal_aware;
        ctx->ctx_TupleBuilder_Set = tuple_set_immortal_aware;
        ctx->ctx_Tuple_FromArray = tuple_from_array_immortal_aware;
    }
}
