/* CPython ABI mode: an HPyField / HPyGlobal stores the PyObject* and owns
   one reference to it. Reference cycles through fields are found by the
   type's HPy_tp_traverse (see src/runtime/cpython/type.c). */
#ifndef HPY_SHIM_CPYTHON_FIELDS_H
#define HPY_SHIM_CPYTHON_FIELDS_H

HPyAPI_FUNC void HPyField_Store(HPyContext *ctx, HPy target_object,
                                HPyField *target_field, HPy h)
{
    PyObject *old = _hf2py(*target_field), *o = _h2py(h);
    Py_XINCREF(o);
    *target_field = _py2hf(o);
    Py_XDECREF(old);
}

HPyAPI_FUNC HPy HPyField_Load(HPyContext *ctx, HPy source_object, HPyField source_field)
{
    PyObject *o = _hf2py(source_field);
    Py_XINCREF(o);
    return _py2h(o);
}

/* A global lives as long as the extension: the last stored object stays
   alive until the next store. */
HPyAPI_FUNC void HPyGlobal_Store(HPyContext *ctx, HPyGlobal *global, HPy h)
{
    PyObject *old = _hg2py(*global), *o = _h2py(h);
    Py_XINCREF(o);
    *global = _py2hg(o);
    Py_XDECREF(old);
}

HPyAPI_FUNC HPy HPyGlobal_Load(HPyContext *ctx, HPyGlobal global)
{
    PyObject *o = _hg2py(global);
    Py_XINCREF(o);
    return _py2h(o);
}

#endif /* HPY_SHIM_CPYTHON_FIELDS_H */
