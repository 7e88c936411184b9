/* Context variables. */
#include "runtime/runtime.h"

int32_t ctx_ContextVar_Get(HPyContext *ctx, HPy context_var, HPy default_value, HPy *result)
{
    PyObject *value = NULL;
    int status = cpy.PyContextVar_Get(_h2py(context_var), _h2py(default_value), &value);
    *result = _py2h(value);
    return status;
}
