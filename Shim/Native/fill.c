/* Resolves what the fast path needs from CPython and points the context's fast members at it. */
#include <stdio.h>
#include "native.h"
#include "platform.h"

struct native_cpython cpy;
native_trampoline_fallback native_fallback_trampoline;

static const char *missing_symbol;

void *native_symbol(const char *name)
{
    void *address = platform_process_symbol(name);
    if (address == NULL && missing_symbol == NULL)
        missing_symbol = name;
    return address;
}

void *native_symbol_if_present(const char *name)
{
    return platform_process_symbol(name);
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
    RESOLVE(PyLong_FromSsize_t);
    RESOLVE(PyLong_FromLong);
    RESOLVE(PyLong_FromUnsignedLong);
    RESOLVE(PyLong_AsLong);
    RESOLVE(PyLong_AsUnsignedLong);
    RESOLVE(PyLong_AsUnsignedLongMask);
    RESOLVE(PyUnicode_FromString);
    RESOLVE(PyObject_GetItem);
    RESOLVE(PyObject_SetItem);
    RESOLVE(PyObject_DelItem);
    RESOLVE(PyObject_GetAttr);
    RESOLVE(PyTuple_Size);
    RESOLVE(PyTuple_GetItem);
    RESOLVE(PyDict_New);
    RESOLVE(PyDict_SetItem);
    RESOLVE(PyEval_SaveThread);
    RESOLVE(PyEval_RestoreThread);
    RESOLVE(PyCapsule_GetPointer);
    RESOLVE(PyCapsule_GetName);
    RESOLVE(PyCapsule_GetContext);
    RESOLVE(PyCapsule_SetPointer);
    RESOLVE(PyCapsule_SetName);
    RESOLVE(PyCapsule_SetContext);
    RESOLVE(PyCapsule_SetDestructor);
    RESOLVE(PyContextVar_Get);
    RESOLVE(PyObject_GC_UnTrack);
    RESOLVE(PyObject_ClearWeakRefs);
    RESOLVE(PyObject_CallFinalizerFromDealloc);
    RESOLVE(PyExc_OverflowError);
    RESOLVE(PyExc_SystemError);
    RESOLVE(PyCapsule_New);
    RESOLVE(PyList_Type);
    RESOLVE(PyTuple_Type);
    *(void **)&cpy.PyObject_Vectorcall = native_symbol_if_present("PyObject_Vectorcall");
    *(void **)&cpy.PyObject_VectorcallDict = native_symbol_if_present("PyObject_VectorcallDict");
    *(void **)&cpy.PyObject_VectorcallMethod = native_symbol_if_present("PyObject_VectorcallMethod");
    native_fill_generated(ctx);
    if (missing_symbol == NULL) {
        native_specialize_refcounts(ctx);
        native_init_shapes();
        native_thunks_init(ctx);
    }
    return missing_symbol;
}
