/* Item access by C index or C string key: a boxed key, made here and dropped after the call, as in
 * HPy; exact lists and tuples read the item directly. */
#include "runtime/runtime.h"

HPy ctx_GetItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx)
{
    PyObject *o = _h2py(obj);
    /* An exact list or tuple with the index in range: the item, as PyObject_GetItem would give. */
    PyObject *type = Py_TYPE_OF(o);
    if ((type == cpy.PyList_Type || type == cpy.PyTuple_Type) && (size_t)idx < (size_t)VAR_SIZE(o)) {
        PyObject *item = type == cpy.PyList_Type ? LIST_ITEMS(o)[idx] : ((PyObject **)TUPLE_ITEMS(o))[idx];
        native_incref(item);
        return _py2h(item);
    }
    /* Everything else gets an int key, as in HPy: for a class with __getitem__, -1 stays -1. */
    PyObject *key = cpy.PyLong_FromSsize_t(idx);
    if (key == NULL)
        return HPy_NULL;
    PyObject *result = cpy.PyObject_GetItem(o, key);
    native_decref(key);
    return _py2h(result);
}

/* The same per refcount model (native_specialize_refcounts): loops over a list's items. */
#define GETITEM_I(model, incref)                                                              \
    static HPy getitem_i_##model(HPyContext *ctx, HPy obj, HPy_ssize_t idx)                  \
    {                                                                                        \
        PyObject *o = _h2py(obj);                                                            \
        PyObject *type = Py_TYPE_OF(o);                                                      \
        if (type == cpy.PyList_Type && (size_t)idx < (size_t)VAR_SIZE(o)) {                  \
            PyObject *item = LIST_ITEMS(o)[idx];                                             \
            incref(item);                                                                    \
            return _py2h(item);                                                              \
        }                                                                                    \
        if (type == cpy.PyTuple_Type && (size_t)idx < (size_t)VAR_SIZE(o)) {                 \
            PyObject *item = ((PyObject **)TUPLE_ITEMS(o))[idx];                             \
            incref(item);                                                                    \
            return _py2h(item);                                                              \
        }                                                                                    \
        return ctx_GetItem_i(ctx, obj, idx);                                                 \
    }

GETITEM_I(counting, native_incref_counting)
GETITEM_I(immortal_aware, native_incref_immortal_aware)

void native_specialize_items(HPyContext *ctx, int model)
{
    if (model == REFCOUNT_COUNTING)
        ctx->ctx_GetItem_i = getitem_i_counting;
    else if (model == REFCOUNT_IMMORTAL_AWARE)
        ctx->ctx_GetItem_i = getitem_i_immortal_aware;
}

HPy ctx_GetItem_s(HPyContext *ctx, HPy obj, const char *utf8_key)
{
    PyObject *key = cpy.PyUnicode_FromString(utf8_key);
    if (key == NULL)
        return HPy_NULL;
    PyObject *result = cpy.PyObject_GetItem(_h2py(obj), key);
    native_decref(key);
    return _py2h(result);
}

static int set_with_key(PyObject *o, PyObject *key, int delete, PyObject *value)
{
    if (key == NULL)
        return -1;
    int result = delete ? cpy.PyObject_DelItem(o, key) : cpy.PyObject_SetItem(o, key, value);
    native_decref(key);
    return result;
}

int ctx_SetItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx, HPy value)
{
    return set_with_key(_h2py(obj), cpy.PyLong_FromSsize_t(idx), 0, _h2py(value));
}

int ctx_SetItem_s(HPyContext *ctx, HPy obj, const char *utf8_key, HPy value)
{
    return set_with_key(_h2py(obj), cpy.PyUnicode_FromString(utf8_key), 0, _h2py(value));
}

int ctx_DelItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx)
{
    return set_with_key(_h2py(obj), cpy.PyLong_FromSsize_t(idx), 1, NULL);
}

int ctx_DelItem_s(HPyContext *ctx, HPy obj, const char *utf8_key)
{
    return set_with_key(_h2py(obj), cpy.PyUnicode_FromString(utf8_key), 1, NULL);
}
