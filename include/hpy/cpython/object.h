/* CPython ABI mode: handles, object protocol, calls, errors and the
   interpreter-level members. */
#ifndef HPY_SHIM_CPYTHON_OBJECT_H
#define HPY_SHIM_CPYTHON_OBJECT_H

HPyAPI_FUNC HPy HPy_Dup(HPyContext *ctx, HPy h)
{
    Py_XINCREF(_h2py(h));
    return h;
}

HPyAPI_FUNC void HPy_Close(HPyContext *ctx, HPy h)
{
    Py_XDECREF(_h2py(h));
}

/* Hybrid-style escape hatches; both give a new reference. */
HPyAPI_FUNC PyObject *HPy_AsPyObject(HPyContext *ctx, HPy h)
{
    PyObject *o = _h2py(h);
    Py_XINCREF(o);
    return o;
}

HPyAPI_FUNC HPy HPy_FromPyObject(HPyContext *ctx, PyObject *obj)
{
    Py_XINCREF(obj);
    return _py2h(obj);
}

HPyAPI_FUNC int HPy_Is(HPyContext *ctx, HPy obj, HPy other)
{
    return _h2py(obj) == _h2py(other);
}

HPyAPI_FUNC HPy HPy_Type(HPyContext *ctx, HPy obj)
{
    PyObject *tp = (PyObject *)Py_TYPE(_h2py(obj));
    Py_INCREF(tp);
    return _py2h(tp);
}

HPyAPI_FUNC int HPy_TypeCheck(HPyContext *ctx, HPy obj, HPy type)
{
    return PyObject_TypeCheck(_h2py(obj), (PyTypeObject *)_h2py(type));
}

HPyAPI_FUNC int HPyErr_Occurred(HPyContext *ctx)
{
    return PyErr_Occurred() != NULL;
}

HPyAPI_FUNC _HPy_NO_RETURN void HPy_FatalError(HPyContext *ctx, const char *message)
{
    Py_FatalError(message);
}

HPyAPI_FUNC void _HPy_Dump(HPyContext *ctx, HPy h)
{
    _PyObject_Dump(_h2py(h));
}

/* ---- items by C index or C string key: box the key, use the object
   protocol (so dicts with int keys behave as in Python) ---- */

HPyAPI_FUNC HPy HPy_GetItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx)
{
    PyObject *o = _h2py(obj), *key, *res;
    /* exact lists and tuples: the item directly, as PyObject_GetItem would give it */
    if (PyList_CheckExact(o) && (size_t)idx < (size_t)PyList_GET_SIZE(o)) {
        res = PyList_GET_ITEM(o, idx);
        Py_INCREF(res);
        return _py2h(res);
    }
    if (PyTuple_CheckExact(o) && (size_t)idx < (size_t)PyTuple_GET_SIZE(o)) {
        res = PyTuple_GET_ITEM(o, idx);
        Py_INCREF(res);
        return _py2h(res);
    }
    key = PyLong_FromSsize_t(idx);
    if (key == NULL)
        return HPy_NULL;
    res = PyObject_GetItem(o, key);
    Py_DECREF(key);
    return _py2h(res);
}

HPyAPI_FUNC HPy HPy_GetItem_s(HPyContext *ctx, HPy obj, const char *utf8_key)
{
    PyObject *key = PyUnicode_FromString(utf8_key), *res;
    if (key == NULL)
        return HPy_NULL;
    res = PyObject_GetItem(_h2py(obj), key);
    Py_DECREF(key);
    return _py2h(res);
}

HPyAPI_FUNC int HPy_SetItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx, HPy value)
{
    PyObject *key = PyLong_FromSsize_t(idx);
    int res;
    if (key == NULL)
        return -1;
    res = PyObject_SetItem(_h2py(obj), key, _h2py(value));
    Py_DECREF(key);
    return res;
}

HPyAPI_FUNC int HPy_SetItem_s(HPyContext *ctx, HPy obj, const char *utf8_key, HPy value)
{
    PyObject *key = PyUnicode_FromString(utf8_key);
    int res;
    if (key == NULL)
        return -1;
    res = PyObject_SetItem(_h2py(obj), key, _h2py(value));
    Py_DECREF(key);
    return res;
}

HPyAPI_FUNC int HPy_DelItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx)
{
    PyObject *key = PyLong_FromSsize_t(idx);
    int res;
    if (key == NULL)
        return -1;
    res = PyObject_DelItem(_h2py(obj), key);
    Py_DECREF(key);
    return res;
}

HPyAPI_FUNC int HPy_DelItem_s(HPyContext *ctx, HPy obj, const char *utf8_key)
{
    PyObject *key = PyUnicode_FromString(utf8_key);
    int res;
    if (key == NULL)
        return -1;
    res = PyObject_DelItem(_h2py(obj), key);
    Py_DECREF(key);
    return res;
}

/* ---- calls ---- */

HPyAPI_FUNC HPy HPy_CallTupleDict(HPyContext *ctx, HPy callable, HPy args, HPy kw)
{
    PyObject *a = _h2py(args), *k = _h2py(kw), *res;
    if (a != NULL && !PyTuple_Check(a)) {
        PyErr_SetString(PyExc_TypeError,
                        "HPy_CallTupleDict requires args to be a tuple or null handle");
        return HPy_NULL;
    }
    if (k != NULL && !PyDict_Check(k)) {
        PyErr_SetString(PyExc_TypeError,
                        "HPy_CallTupleDict requires kw to be a dict or null handle");
        return HPy_NULL;
    }
    if (a != NULL)
        return _py2h(PyObject_Call(_h2py(callable), a, k));
    /* PyObject_Call insists on a tuple */
    a = PyTuple_New(0);
    if (a == NULL)
        return HPy_NULL;
    res = PyObject_Call(_h2py(callable), a, k);
    Py_DECREF(a);
    return _py2h(res);
}

/* 3.8 has the same protocol under its provisional name. */
#if PY_VERSION_HEX < 0x03090000
#  define _HPyCPy_Vectorcall _PyObject_Vectorcall
#else
#  define _HPyCPy_Vectorcall PyObject_Vectorcall
#endif

HPyAPI_FUNC int _HPyCPy_CheckKwnames(PyObject *kwnames)
{
    if (kwnames != NULL && !PyTuple_Check(kwnames)) {
        PyErr_SetString(PyExc_TypeError, "HPy_Call: kwnames must be a tuple or null handle");
        return -1;
    }
    return 0;
}

/* args holds nargs positional values followed by one value per kwnames
   entry; it is passed to CPython as is (no offset slot is promised, so
   CPython will not write in front of it). */
HPyAPI_FUNC HPy HPy_Call(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    if (_HPyCPy_CheckKwnames(_h2py(kwnames)) < 0)
        return HPy_NULL;
    return _py2h(_HPyCPy_Vectorcall(_h2py(callable), _arr_h2py(args), nargs, _h2py(kwnames)));
}

/* args[0] is the receiver. */
HPyAPI_FUNC HPy HPy_CallMethod(HPyContext *ctx, HPy name, const HPy *args, size_t nargs, HPy kwnames)
{
#if PY_VERSION_HEX < 0x03090000
    PyObject *meth, *res;
#endif
    if (_HPyCPy_CheckKwnames(_h2py(kwnames)) < 0)
        return HPy_NULL;
    if (nargs == 0) {
        PyErr_SetString(PyExc_TypeError, "HPy_CallMethod: the receiver (args[0]) is missing");
        return HPy_NULL;
    }
#if PY_VERSION_HEX >= 0x03090000
    return _py2h(PyObject_VectorcallMethod(_h2py(name), _arr_h2py(args), nargs, _h2py(kwnames)));
#else
    /* no method vectorcall before 3.9: bind, then call the rest */
    meth = PyObject_GetAttr(_h2py(args[0]), _h2py(name));
    if (meth == NULL)
        return HPy_NULL;
    res = _PyObject_Vectorcall(meth, _arr_h2py(args + 1), nargs - 1, _h2py(kwnames));
    Py_DECREF(meth);
    return _py2h(res);
#endif
}

/* ---- interpreter state ---- */

HPyAPI_FUNC HPyThreadState HPy_LeavePythonExecution(HPyContext *ctx)
{
    HPyThreadState s;
    s._i = (intptr_t)PyEval_SaveThread();
    return s;
}

HPyAPI_FUNC void HPy_ReenterPythonExecution(HPyContext *ctx, HPyThreadState state)
{
    PyEval_RestoreThread((PyThreadState *)state._i);
}

HPyAPI_FUNC HPy HPy_Compile_s(HPyContext *ctx, const char *utf8_source,
                              const char *utf8_filename, HPy_SourceKind kind)
{
    int start;
    switch (kind) {
    case HPy_SourceKind_Expr: start = Py_eval_input; break;
    case HPy_SourceKind_File: start = Py_file_input; break;
    case HPy_SourceKind_Single: start = Py_single_input; break;
    default:
        PyErr_SetString(PyExc_SystemError, "HPy_Compile_s: invalid source kind");
        return HPy_NULL;
    }
    return _py2h(Py_CompileString(utf8_source, utf8_filename, start));
}

HPyAPI_FUNC int32_t HPyContextVar_Get(HPyContext *ctx, HPy context_var,
                                      HPy default_value, HPy *result)
{
    PyObject *value = NULL;
    int32_t rc = (int32_t)PyContextVar_Get(_h2py(context_var), _h2py(default_value), &value);
    *result = _py2h(value);
    return rc;
}

#endif /* HPY_SHIM_CPYTHON_OBJECT_H */
