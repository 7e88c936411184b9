/* Fields, globals and the PyObject* bridge. On CPython a handle, a field and a global are all the
 * PyObject* itself, so these are reference-count operations: every attribute access of an object
 * that holds objects and every check against a module's own type comes through here. */
#include "runtime/runtime.h"

/* Fields and globals own a strong reference. The new value is taken before the old one is
 * dropped, so storing the value already there cannot free it. */
void ctx_Field_Store(HPyContext *ctx, HPy target_object, HPyField *target_field, HPy h)
{
    PyObject *old = (PyObject *)target_field->_i;
    native_xincref(_h2py(h));
    target_field->_i = h._i;
    native_decref(old);
}

HPy ctx_Field_Load(HPyContext *ctx, HPy source_object, HPyField source_field)
{
    native_xincref((PyObject *)source_field._i);
    return (HPy){ source_field._i };
}

void ctx_Global_Store(HPyContext *ctx, HPyGlobal *global, HPy h)
{
    PyObject *old = (PyObject *)global->_i;
    native_xincref(_h2py(h));
    global->_i = h._i;
    native_decref(old);
}

HPy ctx_Global_Load(HPyContext *ctx, HPyGlobal global)
{
    native_xincref((PyObject *)global._i);
    return (HPy){ global._i };
}

HPy ctx_FromPyObject(HPyContext *ctx, cpy_PyObject *obj)
{
    native_xincref((PyObject *)obj);
    return _py2h(obj);
}

cpy_PyObject *ctx_AsPyObject(HPyContext *ctx, HPy h)
{
    native_xincref(_h2py(h));
    return (cpy_PyObject *)_h2py(h);
}
