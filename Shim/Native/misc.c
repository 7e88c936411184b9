/* Small members that only read a field or pass through: the GIL, context variables, bytes. */
#include "native.h"

HPyThreadState hpyshim_native_LeavePythonExecution(HPyContext *ctx)
{
    return (HPyThreadState){ (intptr_t)cpy.PyEval_SaveThread() };
}

void hpyshim_native_ReenterPythonExecution(HPyContext *ctx, HPyThreadState state)
{
    cpy.PyEval_RestoreThread((void *)state._i);
}

int32_t hpyshim_native_ContextVar_Get(HPyContext *ctx, HPy context_var, HPy default_value, HPy *result)
{
    PyObject *value = NULL;
    int status = cpy.PyContextVar_Get(_h2py(context_var), _h2py(default_value), &value);
    *result = _py2h(value);
    return status;
}

HPy_ssize_t hpyshim_native_Bytes_GET_SIZE(HPyContext *ctx, HPy h)
{
    return VAR_SIZE(_h2py(h));
}

const char *hpyshim_native_Bytes_AS_STRING(HPyContext *ctx, HPy h)
{
    return (const char *)_h2py(h) + BYTES_DATA_OFFSET;
}

/* PyType_IsSubtype reads type fields of both; anything but types would be read as garbage. */
int hpyshim_native_Type_IsSubtype(HPyContext *ctx, HPy sub, HPy type)
{
    if (sub._i == type._i)
        return 1;
    if (HPy_IsNull(sub) || HPy_IsNull(type) || !native_has_flag(_h2py(sub), TPFLAGS_TypeSubclass) ||
        !native_has_flag(_h2py(type), TPFLAGS_TypeSubclass))
        return 0;
    return cpy.PyType_IsSubtype(_h2py(sub), _h2py(type));
}
