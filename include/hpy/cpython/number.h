/* CPython ABI mode: fixed-width integer and bool conversions. The C API
   speaks long / long long, so narrower results are range-checked here (the
   64-bit ones are exactly the long long functions: see api.gen.h). */
#ifndef HPY_SHIM_CPYTHON_NUMBER_H
#define HPY_SHIM_CPYTHON_NUMBER_H

HPyAPI_FUNC HPy HPyLong_FromInt32_t(HPyContext *ctx, int32_t value)
{
    return _py2h(PyLong_FromLong((long)value));
}

HPyAPI_FUNC HPy HPyLong_FromUInt32_t(HPyContext *ctx, uint32_t value)
{
    return _py2h(PyLong_FromUnsignedLong((unsigned long)value));
}

HPyAPI_FUNC int32_t HPyLong_AsInt32_t(HPyContext *ctx, HPy h)
{
    long v = PyLong_AsLong(_h2py(h));
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < INT32_MIN || v > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C int32_t");
        return -1;
    }
    return (int32_t)v;
}

HPyAPI_FUNC uint32_t HPyLong_AsUInt32_t(HPyContext *ctx, HPy h)
{
    unsigned long v = PyLong_AsUnsignedLong(_h2py(h));
    if (v == (unsigned long)-1 && PyErr_Occurred())
        return (uint32_t)-1;
    if (v > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C uint32_t");
        return (uint32_t)-1;
    }
    return (uint32_t)v;
}

HPyAPI_FUNC uint32_t HPyLong_AsUInt32_tMask(HPyContext *ctx, HPy h)
{
    return (uint32_t)PyLong_AsUnsignedLongMask(_h2py(h));
}

HPyAPI_FUNC HPy HPyBool_FromBool(HPyContext *ctx, bool v)
{
    return _py2h(PyBool_FromLong(v ? 1 : 0));
}

#endif /* HPY_SHIM_CPYTHON_NUMBER_H */
