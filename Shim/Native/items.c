/* Item access by C index or C string key. Sequences take an index directly (negative ones count
 * from the end, as in HPy); anything else gets a boxed key, made here and dropped after the call. */
#include "native.h"

HPy hpyshim_native_GetItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx)
{
    PyObject *o = _h2py(obj);
    /* An exact list with the index in range is what PySequence_GetItem would answer. */
    if (Py_TYPE_OF(o) == cpy.PyList_Type && (size_t)idx < (size_t)LIST_SIZE(o)) {
        PyObject *item = LIST_ITEMS(o)[idx];
        native_incref(item);
        return _py2h(item);
    }
    if (cpy.PySequence_Check(o))
        return _py2h(cpy.PySequence_GetItem(o, idx));
    PyObject *key = cpy.PyLong_FromSsize_t(idx);
    if (key == NULL)
        return HPy_NULL;
    PyObject *result = cpy.PyObject_GetItem(o, key);
    native_decref(key);
    return _py2h(result);
}

HPy hpyshim_native_GetItem_s(HPyContext *ctx, HPy obj, const char *utf8_key)
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

int hpyshim_native_SetItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx, HPy value)
{
    return set_with_key(_h2py(obj), cpy.PyLong_FromSsize_t(idx), 0, _h2py(value));
}

int hpyshim_native_SetItem_s(HPyContext *ctx, HPy obj, const char *utf8_key, HPy value)
{
    return set_with_key(_h2py(obj), cpy.PyUnicode_FromString(utf8_key), 0, _h2py(value));
}

int hpyshim_native_DelItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx)
{
    return set_with_key(_h2py(obj), cpy.PyLong_FromSsize_t(idx), 1, NULL);
}

int hpyshim_native_DelItem_s(HPyContext *ctx, HPy obj, const char *utf8_key)
{
    return set_with_key(_h2py(obj), cpy.PyUnicode_FromString(utf8_key), 1, NULL);
}
