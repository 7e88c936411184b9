/* Resolves what the fast path needs from CPython and points the context's fast members at it. */
#include <dlfcn.h>
#include <stdio.h>
#include "native.h"

struct native_cpython cpy;
native_trampoline_fallback native_fallback_trampoline;

static const char *missing_symbol;

void *native_symbol(const char *name)
{
    void *address = dlsym(RTLD_DEFAULT, name);
    if (address == NULL && missing_symbol == NULL)
        missing_symbol = name;
    return address;
}

void *native_symbol_if_present(const char *name)
{
    return dlsym(RTLD_DEFAULT, name);
}

#define RESOLVE(name) (*(void **)&cpy.name = native_symbol(#name))

/* Returns NULL on success, or the name of a CPython symbol that could not be found. */
const char *hpyshim_native_fill(HPyContext *ctx, native_trampoline_fallback fallback)
{
    missing_symbol = NULL;
    native_fallback_trampoline = fallback;
    RESOLVE(Py_IncRef);
    RESOLVE(Py_DecRef);
    RESOLVE(PyErr_Occurred);
    RESOLVE(PyErr_SetString);
    RESOLVE(PyErr_NoMemory);
    RESOLVE(PyErr_Clear);
    RESOLVE(PyType_IsSubtype);
    RESOLVE(PyObject_Call);
    RESOLVE(PyTuple_New);
    RESOLVE(PyTuple_SetItem);
    RESOLVE(PyList_New);
    RESOLVE(PyList_SetItem);
    RESOLVE(PyBytes_FromStringAndSize);
    RESOLVE(PyExc_TypeError);
    RESOLVE(PyExc_ValueError);
    RESOLVE(_Py_Dealloc);
    RESOLVE(Py_GetVersion);
    RESOLVE(PyErr_Fetch);
    RESOLVE(PyErr_Restore);
    native_fill_generated(ctx);
    if (missing_symbol == NULL)
        native_specialize_refcounts(ctx);
    return missing_symbol;
}
