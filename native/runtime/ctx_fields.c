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

/* The same four per refcount model, installed by native_specialize_refcounts: an attribute load of
 * an object holding objects is then an increment and a return, as in a runtime compiled against
 * one CPython, instead of a test of the model at every reference count operation. */
#define FIELD_MEMBERS(model, incref, decref)                                                 \
    static void field_store_##model(HPyContext *ctx, HPy target_object, HPyField *target_field, HPy h) \
    {                                                                                       \
        PyObject *old = (PyObject *)target_field->_i;                                       \
        if (!HPy_IsNull(h))                                                                 \
            incref(_h2py(h));                                                               \
        target_field->_i = h._i;                                                            \
        if (old != NULL)                                                                    \
            decref(old);                                                                    \
    }                                                                                       \
    static HPy field_load_##model(HPyContext *ctx, HPy source_object, HPyField source_field) \
    {                                                                                       \
        if (source_field._i != 0)                                                           \
            incref((PyObject *)source_field._i);                                            \
        return (HPy){ source_field._i };                                                    \
    }                                                                                       \
    static void global_store_##model(HPyContext *ctx, HPyGlobal *global, HPy h)             \
    {                                                                                       \
        PyObject *old = (PyObject *)global->_i;                                             \
        if (!HPy_IsNull(h))                                                                 \
            incref(_h2py(h));                                                               \
        global->_i = h._i;                                                                  \
        if (old != NULL)                                                                    \
            decref(old);                                                                    \
    }                                                                                       \
    static HPy global_load_##model(HPyContext *ctx, HPyGlobal global)                       \
    {                                                                                       \
        if (global._i != 0)                                                                 \
            incref((PyObject *)global._i);                                                  \
        return (HPy){ global._i };                                                          \
    }

FIELD_MEMBERS(counting, native_incref_counting, native_decref_counting)
FIELD_MEMBERS(immortal_aware, native_incref_immortal_aware, native_decref_immortal_aware)

void native_specialize_fields(HPyContext *ctx, int model)
{
    if (model == REFCOUNT_COUNTING) {
        ctx->ctx_Field_Store = field_store_counting;
        ctx->ctx_Field_Load = field_load_counting;
        ctx->ctx_Global_Store = global_store_counting;
        ctx->ctx_Global_Load = global_load_counting;
    } else if (model == REFCOUNT_IMMORTAL_AWARE) {
        ctx->ctx_Field_Store = field_store_immortal_aware;
        ctx->ctx_Field_Load = field_load_immortal_aware;
        ctx->ctx_Global_Store = global_store_immortal_aware;
        ctx->ctx_Global_Load = global_load_immortal_aware;
    }
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
