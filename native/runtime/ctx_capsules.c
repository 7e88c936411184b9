/* Capsules are CPython capsules. An HPyCapsule_Destructor carries a CPython-callable trampoline,
 * which is what CPython stores and calls. */
#include "runtime/runtime.h"

/* The trampoline to hand CPython, or -1 (with ValueError) for a half-filled destructor. */
static int capsule_trampoline(HPyCapsule_Destructor *destructor, void **trampoline)
{
    *trampoline = NULL;
    if (destructor == NULL)
        return 0;
    if (destructor->cpy_trampoline == NULL || destructor->impl == NULL) {
        cpy.PyErr_SetString(*cpy.PyExc_ValueError, "Invalid HPyCapsule destructor");
        return -1;
    }
    *trampoline = (void *)destructor->cpy_trampoline;
    return 0;
}

void *ctx_Capsule_Get(HPyContext *ctx, HPy capsule, _HPyCapsule_key key, const char *utf8_name)
{
    PyObject *o = _h2py(capsule);
    switch (key) {
    case HPyCapsule_key_Pointer: return cpy.PyCapsule_GetPointer(o, utf8_name);
    case HPyCapsule_key_Name: return (void *)cpy.PyCapsule_GetName(o);
    case HPyCapsule_key_Context: return cpy.PyCapsule_GetContext(o);
    case HPyCapsule_key_Destructor:
        cpy.PyErr_SetString(*cpy.PyExc_ValueError, "Invalid operation: get HPyCapsule_key_Destructor");
        return NULL;
    default:
        cpy.PyErr_SetString(*cpy.PyExc_ValueError, "invalid HPyCapsule key");
        return NULL;
    }
}

int ctx_Capsule_Set(HPyContext *ctx, HPy capsule, _HPyCapsule_key key, void *value)
{
    PyObject *o = _h2py(capsule);
    void *trampoline;
    switch (key) {
    case HPyCapsule_key_Pointer: return cpy.PyCapsule_SetPointer(o, value);
    case HPyCapsule_key_Name: return cpy.PyCapsule_SetName(o, value);
    case HPyCapsule_key_Context: return cpy.PyCapsule_SetContext(o, value);
    case HPyCapsule_key_Destructor:
        if (capsule_trampoline(value, &trampoline) < 0)
            return -1;
        return cpy.PyCapsule_SetDestructor(o, trampoline);
    default:
        cpy.PyErr_SetString(*cpy.PyExc_ValueError, "invalid HPyCapsule key");
        return -1;
    }
}

HPy ctx_Capsule_New(HPyContext *ctx, void *pointer, const char *utf8_name, HPyCapsule_Destructor *destructor)
{
    void *trampoline;
    if (capsule_trampoline(destructor, &trampoline) < 0)
        return HPy_NULL;
    return _py2h(cpy.PyCapsule_New(pointer, utf8_name, trampoline));
}
