/* CPython ABI mode: capsules are CPython capsules; an HPyCapsule_Destructor
   contributes its CPython-shaped trampoline. */
#ifndef HPY_SHIM_CPYTHON_CAPSULE_H
#define HPY_SHIM_CPYTHON_CAPSULE_H

HPyAPI_FUNC HPy HPyCapsule_New(HPyContext *ctx, void *pointer, const char *utf8_name,
                               HPyCapsule_Destructor *destructor)
{
    PyCapsule_Destructor d = NULL;
    if (destructor != NULL) {
        if (destructor->cpy_trampoline == NULL || destructor->impl == NULL) {
            PyErr_SetString(PyExc_ValueError, "Invalid HPyCapsule destructor");
            return HPy_NULL;
        }
        d = destructor->cpy_trampoline;
    }
    return _py2h(PyCapsule_New(pointer, utf8_name, d));
}

HPyAPI_FUNC void *HPyCapsule_Get(HPyContext *ctx, HPy capsule, _HPyCapsule_key key,
                                 const char *utf8_name)
{
    PyObject *c = _h2py(capsule);
    switch (key) {
    case HPyCapsule_key_Pointer: return PyCapsule_GetPointer(c, utf8_name);
    case HPyCapsule_key_Name: return (void *)PyCapsule_GetName(c);
    case HPyCapsule_key_Context: return PyCapsule_GetContext(c);
    case HPyCapsule_key_Destructor:
        /* the HPyCapsule_Destructor struct is not recoverable */
        PyErr_SetString(PyExc_ValueError, "Invalid operation: get HPyCapsule_key_Destructor");
        return NULL;
    }
    PyErr_SetString(PyExc_SystemError, "HPyCapsule_Get: invalid key");
    return NULL;
}

HPyAPI_FUNC int HPyCapsule_Set(HPyContext *ctx, HPy capsule, _HPyCapsule_key key, void *value)
{
    PyObject *c = _h2py(capsule);
    switch (key) {
    case HPyCapsule_key_Pointer: return PyCapsule_SetPointer(c, value);
    case HPyCapsule_key_Name: return PyCapsule_SetName(c, (const char *)value);
    case HPyCapsule_key_Context: return PyCapsule_SetContext(c, value);
    case HPyCapsule_key_Destructor: {
        HPyCapsule_Destructor *d = (HPyCapsule_Destructor *)value;
        if (d != NULL && (d->cpy_trampoline == NULL || d->impl == NULL)) {
            PyErr_SetString(PyExc_ValueError, "Invalid HPyCapsule destructor");
            return -1;
        }
        return PyCapsule_SetDestructor(c, d != NULL ? d->cpy_trampoline : NULL);
    }
    }
    PyErr_SetString(PyExc_SystemError, "HPyCapsule_Set: invalid key");
    return -1;
}

HPyAPI_FUNC void *HPyCapsule_GetPointer(HPyContext *ctx, HPy capsule, const char *utf8_name)
{
    return PyCapsule_GetPointer(_h2py(capsule), utf8_name);
}

HPyAPI_FUNC const char *HPyCapsule_GetName(HPyContext *ctx, HPy capsule)
{
    return PyCapsule_GetName(_h2py(capsule));
}

HPyAPI_FUNC void *HPyCapsule_GetContext(HPyContext *ctx, HPy capsule)
{
    return PyCapsule_GetContext(_h2py(capsule));
}

HPyAPI_FUNC int HPyCapsule_SetPointer(HPyContext *ctx, HPy capsule, void *pointer)
{
    return PyCapsule_SetPointer(_h2py(capsule), pointer);
}

HPyAPI_FUNC int HPyCapsule_SetName(HPyContext *ctx, HPy capsule, const char *utf8_name)
{
    return PyCapsule_SetName(_h2py(capsule), utf8_name);
}

HPyAPI_FUNC int HPyCapsule_SetContext(HPyContext *ctx, HPy capsule, void *context)
{
    return PyCapsule_SetContext(_h2py(capsule), context);
}

HPyAPI_FUNC int HPyCapsule_SetDestructor(HPyContext *ctx, HPy capsule,
                                         HPyCapsule_Destructor *destructor)
{
    return HPyCapsule_Set(ctx, capsule, HPyCapsule_key_Destructor, (void *)destructor);
}

#endif /* HPY_SHIM_CPYTHON_CAPSULE_H */
