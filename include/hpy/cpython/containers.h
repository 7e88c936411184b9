/* CPython ABI mode: bytes/str/tuple/list/dict checks, tuple construction,
   list/tuple builders and trackers. */
#ifndef HPY_SHIM_CPYTHON_CONTAINERS_H
#define HPY_SHIM_CPYTHON_CONTAINERS_H

HPyAPI_FUNC int HPyBytes_Check(HPyContext *ctx, HPy h) { return PyBytes_Check(_h2py(h)); }
HPyAPI_FUNC HPy_ssize_t HPyBytes_GET_SIZE(HPyContext *ctx, HPy h) { return PyBytes_GET_SIZE(_h2py(h)); }
HPyAPI_FUNC const char *HPyBytes_AS_STRING(HPyContext *ctx, HPy h) { return PyBytes_AS_STRING(_h2py(h)); }
HPyAPI_FUNC int HPyUnicode_Check(HPyContext *ctx, HPy h) { return PyUnicode_Check(_h2py(h)); }
HPyAPI_FUNC int HPyList_Check(HPyContext *ctx, HPy h) { return PyList_Check(_h2py(h)); }
HPyAPI_FUNC int HPyDict_Check(HPyContext *ctx, HPy h) { return PyDict_Check(_h2py(h)); }
HPyAPI_FUNC int HPyTuple_Check(HPyContext *ctx, HPy h) { return PyTuple_Check(_h2py(h)); }

/* HPy objects are immutable from C, so the C API's "uninitialised bytes of
   this size" form (bytes == NULL) is refused. */
HPyAPI_FUNC HPy HPyBytes_FromStringAndSize(HPyContext *ctx, const char *bytes, HPy_ssize_t len)
{
    if (bytes == NULL) {
        PyErr_SetString(PyExc_ValueError, "NULL char * passed to HPyBytes_FromStringAndSize");
        return HPy_NULL;
    }
    return _py2h(PyBytes_FromStringAndSize(bytes, len));
}

/* The items are not consumed. */
HPyAPI_FUNC HPy HPyTuple_FromArray(HPyContext *ctx, const HPy items[], HPy_ssize_t n)
{
    PyObject *t = PyTuple_New(n);
    HPy_ssize_t i;
    if (t == NULL)
        return HPy_NULL;
    for (i = 0; i < n; i++) {
        PyObject *o = _h2py(items[i]);
        Py_INCREF(o);
        PyTuple_SET_ITEM(t, i, o);
    }
    return _py2h(t);
}

/* ---- builders: the builder is the list/tuple under construction; empty
   slots stay NULL, which CPython's deallocators accept on Cancel ---- */

HPyAPI_FUNC HPyListBuilder HPyListBuilder_New(HPyContext *ctx, HPy_ssize_t size)
{
    HPyListBuilder b;
    b._lst = (intptr_t)PyList_New(size);
    return b;
}

/* Set does not consume h_item. */
HPyAPI_FUNC void HPyListBuilder_Set(HPyContext *ctx, HPyListBuilder builder,
                                    HPy_ssize_t index, HPy h_item)
{
    PyObject *lst = (PyObject *)builder._lst, *item = _h2py(h_item);
    Py_INCREF(item);
    Py_XSETREF(((PyListObject *)lst)->ob_item[index], item);
}

HPyAPI_FUNC HPy HPyListBuilder_Build(HPyContext *ctx, HPyListBuilder builder)
{
    return _py2h((PyObject *)builder._lst);
}

HPyAPI_FUNC void HPyListBuilder_Cancel(HPyContext *ctx, HPyListBuilder builder)
{
    Py_XDECREF((PyObject *)builder._lst);
}

HPyAPI_FUNC HPyTupleBuilder HPyTupleBuilder_New(HPyContext *ctx, HPy_ssize_t size)
{
    HPyTupleBuilder b;
    b._tup = (intptr_t)PyTuple_New(size);
    return b;
}

HPyAPI_FUNC void HPyTupleBuilder_Set(HPyContext *ctx, HPyTupleBuilder builder,
                                     HPy_ssize_t index, HPy h_item)
{
    PyObject *tup = (PyObject *)builder._tup, *item = _h2py(h_item);
    Py_INCREF(item);
    Py_XSETREF(((PyTupleObject *)tup)->ob_item[index], item);
}

HPyAPI_FUNC HPy HPyTupleBuilder_Build(HPyContext *ctx, HPyTupleBuilder builder)
{
    return _py2h((PyObject *)builder._tup);
}

HPyAPI_FUNC void HPyTupleBuilder_Cancel(HPyContext *ctx, HPyTupleBuilder builder)
{
    Py_XDECREF((PyObject *)builder._tup);
}

/* ---- trackers (src/runtime/cpython/tracker.c; static inline names as
   in the other modes) ---- */
_HPy_HIDDEN HPyTracker _HPyCPy_Tracker_New(HPyContext *ctx, HPy_ssize_t size);
_HPy_HIDDEN int _HPyCPy_Tracker_Add(HPyContext *ctx, HPyTracker ht, HPy h);
_HPy_HIDDEN void _HPyCPy_Tracker_ForgetAll(HPyContext *ctx, HPyTracker ht);
_HPy_HIDDEN void _HPyCPy_Tracker_Close(HPyContext *ctx, HPyTracker ht);

HPyAPI_FUNC HPyTracker HPyTracker_New(HPyContext *ctx, HPy_ssize_t size)
{
    return _HPyCPy_Tracker_New(ctx, size);
}

HPyAPI_FUNC int HPyTracker_Add(HPyContext *ctx, HPyTracker ht, HPy h)
{
    return _HPyCPy_Tracker_Add(ctx, ht, h);
}

HPyAPI_FUNC void HPyTracker_ForgetAll(HPyContext *ctx, HPyTracker ht)
{
    _HPyCPy_Tracker_ForgetAll(ctx, ht);
}

HPyAPI_FUNC void HPyTracker_Close(HPyContext *ctx, HPyTracker ht)
{
    _HPyCPy_Tracker_Close(ctx, ht);
}

#endif /* HPY_SHIM_CPYTHON_CONTAINERS_H */
