/* Handle lifetime, identity and type checks: a handle is its PyObject*. */
#include "native.h"

HPy hpyshim_native_Dup(HPyContext *ctx, HPy h)
{
    cpy.Py_IncRef(_h2py(h));   /* Py_IncRef ignores NULL, as HPy_Dup(HPy_NULL) must */
    return h;
}

void hpyshim_native_Close(HPyContext *ctx, HPy h)
{
    cpy.Py_DecRef(_h2py(h));
}

int hpyshim_native_Is(HPyContext *ctx, HPy obj, HPy other)
{
    return obj._i == other._i;
}

HPy hpyshim_native_Type(HPyContext *ctx, HPy obj)
{
    PyObject *type = Py_TYPE_OF(_h2py(obj));
    cpy.Py_IncRef(type);
    return _py2h(type);
}

int hpyshim_native_TypeCheck(HPyContext *ctx, HPy obj, HPy type)
{
    PyObject *t = Py_TYPE_OF(_h2py(obj));
    return t == _h2py(type) || cpy.PyType_IsSubtype(t, _h2py(type));
}

int hpyshim_native_Err_Occurred(HPyContext *ctx)
{
    return cpy.PyErr_Occurred() != NULL;
}

static int has_flag(HPy h, unsigned long flag)
{
    return (TP_FLAGS(Py_TYPE_OF(_h2py(h))) & flag) != 0;
}

int hpyshim_native_Bytes_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_BYTES_SUBCLASS); }
int hpyshim_native_Unicode_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_UNICODE_SUBCLASS); }
int hpyshim_native_List_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_LIST_SUBCLASS); }
int hpyshim_native_Dict_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_DICT_SUBCLASS); }
int hpyshim_native_Tuple_Check(HPyContext *ctx, HPy h) { return has_flag(h, TPFLAGS_TUPLE_SUBCLASS); }
