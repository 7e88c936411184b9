/* Bytes: made from a C buffer, and read in place (the size and data fields of the object). */
#include "runtime/runtime.h"

HPy ctx_Bytes_FromStringAndSize(HPyContext *ctx, const char *bytes, HPy_ssize_t len)
{
    if (bytes == NULL) {
        cpy.PyErr_SetString(*cpy.PyExc_ValueError, "NULL char * passed to HPyBytes_FromStringAndSize");
        return HPy_NULL;
    }
    return _py2h(cpy.PyBytes_FromStringAndSize(bytes, len));
}

HPy_ssize_t ctx_Bytes_GET_SIZE(HPyContext *ctx, HPy h)
{
    return VAR_SIZE(_h2py(h));
}

const char *ctx_Bytes_AS_STRING(HPyContext *ctx, HPy h)
{
    return (const char *)_h2py(h) + BYTES_DATA_OFFSET;
}
