/* Public API functions that are built from other API functions instead of
   having a context member of their own. */
#ifndef HPY_SHIM_INLINE_HELPERS_H
#define HPY_SHIM_INLINE_HELPERS_H

#include <assert.h>

HPyAPI_INLINE_HELPER HPy
HPyErr_SetFromErrno(HPyContext *ctx, HPy h_type)
{
    return HPyErr_SetFromErrnoWithFilenameObjects(ctx, h_type, HPy_NULL, HPy_NULL);
}

HPyAPI_INLINE_HELPER HPy
HPyErr_SetFromErrnoWithFilenameObject(HPyContext *ctx, HPy h_type, HPy filename)
{
    return HPyErr_SetFromErrnoWithFilenameObjects(ctx, h_type, filename, HPy_NULL);
}

/* HPyTuple_Pack(ctx, n, h0, h1, ...): the n handles are not consumed. */
HPyAPI_INLINE_HELPER HPy
HPyTuple_Pack(HPyContext *ctx, HPy_ssize_t n, ...)
{
    /* Small tuples (the common case) avoid the heap. */
    HPy local[8];
    HPy *items = local;
    HPy result;
    HPy_ssize_t i;
    va_list vargs;

    if (n < 0) n = 0;
    if (n > (HPy_ssize_t)(sizeof(local) / sizeof(local[0]))) {
        items = (HPy *)malloc((size_t)n * sizeof(HPy));
        if (items == NULL)
            return HPyErr_NoMemory(ctx);
    }
    va_start(vargs, n);
    for (i = 0; i < n; i++)
        items[i] = va_arg(vargs, HPy);
    va_end(vargs);
    result = HPyTuple_FromArray(ctx, items, n);
    if (items != local)
        free(items);
    return result;
}

/* Deleting an attribute is setting it to the null handle. */
HPyAPI_INLINE_HELPER int
HPy_DelAttr(HPyContext *ctx, HPy obj, HPy name)
{
    return HPy_SetAttr(ctx, obj, name, HPy_NULL);
}

HPyAPI_INLINE_HELPER int
HPy_DelAttr_s(HPyContext *ctx, HPy obj, const char *utf8_name)
{
    return HPy_SetAttr_s(ctx, obj, utf8_name, HPy_NULL);
}

/* ---- C integer types of platform-dependent size ----
   The context only deals in fixed-width integers; these pick the member
   matching the C type's size (a compile-time constant the optimiser folds). */

HPyAPI_INLINE_HELPER HPy
HPyLong_FromLong(HPyContext *ctx, long l)
{
    if (sizeof(long) <= sizeof(int32_t))
        return HPyLong_FromInt32_t(ctx, (int32_t)l);
    return HPyLong_FromInt64_t(ctx, (int64_t)l);
}

HPyAPI_INLINE_HELPER HPy
HPyLong_FromUnsignedLong(HPyContext *ctx, unsigned long l)
{
    if (sizeof(unsigned long) <= sizeof(uint32_t))
        return HPyLong_FromUInt32_t(ctx, (uint32_t)l);
    return HPyLong_FromUInt64_t(ctx, (uint64_t)l);
}

HPyAPI_INLINE_HELPER HPy
HPyLong_FromLongLong(HPyContext *ctx, long long l)
{
    assert(sizeof(long long) <= sizeof(int64_t));
    return HPyLong_FromInt64_t(ctx, (int64_t)l);
}

HPyAPI_INLINE_HELPER HPy
HPyLong_FromUnsignedLongLong(HPyContext *ctx, unsigned long long l)
{
    assert(sizeof(unsigned long long) <= sizeof(uint64_t));
    return HPyLong_FromUInt64_t(ctx, (uint64_t)l);
}

HPyAPI_INLINE_HELPER long
HPyLong_AsLong(HPyContext *ctx, HPy h)
{
    if (sizeof(long) <= sizeof(int32_t))
        return (long)HPyLong_AsInt32_t(ctx, h);
    return (long)HPyLong_AsInt64_t(ctx, h);
}

HPyAPI_INLINE_HELPER unsigned long
HPyLong_AsUnsignedLong(HPyContext *ctx, HPy h)
{
    if (sizeof(unsigned long) <= sizeof(uint32_t))
        return (unsigned long)HPyLong_AsUInt32_t(ctx, h);
    return (unsigned long)HPyLong_AsUInt64_t(ctx, h);
}

HPyAPI_INLINE_HELPER unsigned long
HPyLong_AsUnsignedLongMask(HPyContext *ctx, HPy h)
{
    if (sizeof(unsigned long) <= sizeof(uint32_t))
        return (unsigned long)HPyLong_AsUInt32_tMask(ctx, h);
    return (unsigned long)HPyLong_AsUInt64_tMask(ctx, h);
}

HPyAPI_INLINE_HELPER long long
HPyLong_AsLongLong(HPyContext *ctx, HPy h)
{
    assert(sizeof(long long) <= sizeof(int64_t));
    return (long long)HPyLong_AsInt64_t(ctx, h);
}

HPyAPI_INLINE_HELPER unsigned long long
HPyLong_AsUnsignedLongLong(HPyContext *ctx, HPy h)
{
    assert(sizeof(unsigned long long) <= sizeof(uint64_t));
    return (unsigned long long)HPyLong_AsUInt64_t(ctx, h);
}

HPyAPI_INLINE_HELPER unsigned long long
HPyLong_AsUnsignedLongLongMask(HPyContext *ctx, HPy h)
{
    assert(sizeof(unsigned long long) <= sizeof(uint64_t));
    return (unsigned long long)HPyLong_AsUInt64_tMask(ctx, h);
}

HPyAPI_INLINE_HELPER HPy
HPyBool_FromLong(HPyContext *ctx, long v)
{
    return HPyBool_FromBool(ctx, v != 0);
}

/* Clamp start/stop (as returned by HPySlice_Unpack) to a sequence of the
   given length and return how many items the slice selects. Same rules as
   CPython's PySlice_AdjustIndices. */
HPyAPI_INLINE_HELPER HPy_ssize_t
HPySlice_AdjustIndices(HPyContext *ctx, HPy_ssize_t length,
                       HPy_ssize_t *start, HPy_ssize_t *stop, HPy_ssize_t step)
{
    /* Out-of-range bounds snap to the first/last position the walk
       direction can reach; -1 means "before the start" when stepping back. */
    const HPy_ssize_t low = (step < 0) ? -1 : 0;
    const HPy_ssize_t high = (step < 0) ? length - 1 : length;
    (void)ctx;
    assert(step != 0);
    assert(step >= -HPY_SSIZE_T_MAX);

    if (*start < 0) {
        *start += length;
        if (*start < 0)
            *start = low;
    } else if (*start >= length) {
        *start = high;
    }
    if (*stop < 0) {
        *stop += length;
        if (*stop < 0)
            *stop = low;
    } else if (*stop >= length) {
        *stop = high;
    }

    if (step > 0)
        return (*start < *stop) ? (*stop - *start - 1) / step + 1 : 0;
    return (*stop < *start) ? (*start - *stop - 1) / (-step) + 1 : 0;
}

/* receiver.<name>(*args, **kw); args must be a tuple, kw a dict or HPy_NULL. */
HPyAPI_INLINE_HELPER HPy
HPy_CallMethodTupleDict(HPyContext *ctx, HPy name, HPy receiver, HPy args, HPy kw)
{
    HPy result;
    HPy method = HPy_GetAttr(ctx, receiver, name);
    if (HPy_IsNull(method))
        return HPy_NULL;
    result = HPy_CallTupleDict(ctx, method, args, kw);
    HPy_Close(ctx, method);
    return result;
}

HPyAPI_INLINE_HELPER HPy
HPy_CallMethodTupleDict_s(HPyContext *ctx, const char *utf8_name, HPy receiver, HPy args, HPy kw)
{
    HPy result;
    HPy method = HPy_GetAttr_s(ctx, receiver, utf8_name);
    if (HPy_IsNull(method))
        return HPy_NULL;
    result = HPy_CallTupleDict(ctx, method, args, kw);
    HPy_Close(ctx, method);
    return result;
}

#endif /* HPY_SHIM_INLINE_HELPERS_H */
