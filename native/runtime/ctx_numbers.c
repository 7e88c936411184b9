/* Fixed-width integer conversions with HPy's overflow rules (the value goes through C long, 64 bits
 * on the supported targets, then is range-checked), and booleans. */
#include "runtime/runtime.h"

HPy ctx_Long_FromInt32_t(HPyContext *ctx, int32_t value)
{
    return _py2h(cpy.PyLong_FromLong(value));
}

HPy ctx_Long_FromUInt32_t(HPyContext *ctx, uint32_t value)
{
    return _py2h(cpy.PyLong_FromUnsignedLong(value));
}

int32_t ctx_Long_AsInt32_t(HPyContext *ctx, HPy h)
{
    long value = cpy.PyLong_AsLong(_h2py(h));
    if (value == -1 && cpy.PyErr_Occurred() != NULL)
        return -1;
    if (value < INT32_MIN || value > INT32_MAX) {
        cpy.PyErr_SetString(*cpy.PyExc_OverflowError, "Python int too large to convert to C int32_t");
        return -1;
    }
    return (int32_t)value;
}

uint32_t ctx_Long_AsUInt32_t(HPyContext *ctx, HPy h)
{
    unsigned long value = cpy.PyLong_AsUnsignedLong(_h2py(h));
    /* (unsigned long)-1 is CPython's error value */
    if (value == (unsigned long)-1 && cpy.PyErr_Occurred() != NULL)
        return (uint32_t)-1;
    if (value > UINT32_MAX) {
        cpy.PyErr_SetString(*cpy.PyExc_OverflowError, "Python int too large to convert to C uint32_t");
        return (uint32_t)-1;
    }
    return (uint32_t)value;
}

/* Masking conversions never overflow; CPython's own error value passes through unchanged. */
uint32_t ctx_Long_AsUInt32_tMask(HPyContext *ctx, HPy h)
{
    return (uint32_t)cpy.PyLong_AsUnsignedLongMask(_h2py(h));
}

HPy ctx_Bool_FromBool(HPyContext *ctx, bool v)
{
    HPy result = v ? ctx->h_True : ctx->h_False;
    native_incref(_h2py(result));
    return result;
}
