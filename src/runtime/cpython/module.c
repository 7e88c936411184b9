/* PyInit_<ext> for CPython ABI mode: an HPyModuleDef becomes a multi-phase
   PyModuleDef (PEP 489), so CPython creates the module from its spec and
   runs the HPy_mod_create / HPy_mod_exec slots itself. */
#include <string.h>
#include "runtime.h"

static int meth_flags(HPyFunc_Signature sig)
{
    switch (sig) {
    case HPyFunc_VARARGS: return METH_FASTCALL;
    case HPyFunc_KEYWORDS: return METH_FASTCALL | METH_KEYWORDS;
    case HPyFunc_NOARGS: return METH_NOARGS;
    case HPyFunc_O: return METH_O;
    default: return -1;
    }
}

/* The exception being raised, normalized (new reference), or NULL. */
static PyObject *take_exception(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value != NULL && tb != NULL)
        PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
#endif
}

/* HPy's exact words, caused by an error that names the method (the same as
   a universal build loaded through libhpy). */
static void raise_unsupported_signature(const char *name, int signature)
{
    PyObject *cause, *exc;
    PyErr_Format(PyExc_ValueError, "HPyFunc_Signature %d for method '%s'", signature, name);
    cause = take_exception();
    PyErr_SetString(PyExc_ValueError, "Unsupported HPyMeth signature");
    exc = take_exception();
    if (exc == NULL) {
        Py_XDECREF(cause);
        return;
    }
    if (cause != NULL)
        PyException_SetCause(exc, cause);     /* steals cause */
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(exc);
#else
    Py_INCREF(Py_TYPE(exc));
    PyErr_Restore((PyObject *)Py_TYPE(exc), exc, PyException_GetTraceback(exc));
#endif
}

_HPy_HIDDEN PyMethodDef *_HPyCPy_MethodDefs(HPyDef **defines, PyMethodDef *legacy)
{
    size_t n = 0, i, k = 0;
    PyMethodDef *res;

    if (defines != NULL)
        for (i = 0; defines[i] != NULL; i++)
            if (defines[i]->kind == HPyDef_Kind_Meth)
                n++;
    if (legacy != NULL)
        for (i = 0; legacy[i].ml_name != NULL; i++)
            n++;
    res = (PyMethodDef *)PyMem_Calloc(n + 1, sizeof(PyMethodDef));
    if (res == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    if (defines != NULL) {
        for (i = 0; defines[i] != NULL; i++) {
            HPyMeth *m = &defines[i]->meth;
            int flags;
            if (defines[i]->kind != HPyDef_Kind_Meth)
                continue;
            flags = meth_flags(m->signature);
            if (flags < 0) {
                raise_unsupported_signature(m->name, (int)m->signature);
                PyMem_Free(res);
                return NULL;
            }
            res[k].ml_name = m->name;
            res[k].ml_meth = (PyCFunction)(void (*)(void))m->cpy_trampoline;
            res[k].ml_flags = flags;
            res[k].ml_doc = m->doc;
            k++;
        }
    }
    if (legacy != NULL)
        for (i = 0; legacy[i].ml_name != NULL; i++)
            res[k++] = legacy[i];
    return res;
}

/* HPy_mod_create must produce a plain object, not a module: a module
   object would not be tied to this HPyModuleDef. */
_HPy_HIDDEN PyObject *_HPyCPy_CheckCreateResult(PyObject *result)
{
    if (result != NULL && PyModule_Check(result)) {
        Py_DECREF(result);
        PyErr_SetString(PyExc_SystemError,
                        "HPy_mod_create slot returned a builtin module object. "
                        "This is currently not supported.");
        return NULL;
    }
    return result;
}

/* HPy's words: HPy_mod_create makes the module object itself, so nothing else
   in the definition could be used. */
#define CREATE_ALONE                                                          \
    "This is not allowed because custom HPy_mod_create slot cannot return a " \
    "builtin module object and cannot make any use of any other data defined " \
    "in the HPyModuleDef. Either do not define HPy_mod_create slot and let "  \
    "the runtime create a builtin module object from the provided "          \
    "HPyModuleDef, or do not define anything else but the HPy_mod_create slot."

static PyModuleDef_Slot *module_slots(HPyModuleDef *hpydef, int *has_create)
{
    size_t n = 0, i, k = 0;
    int others = 0;
    PyModuleDef_Slot *slots;

    *has_create = 0;
    for (i = 0; hpydef->defines != NULL && hpydef->defines[i] != NULL; i++) {
        HPyDef *d = hpydef->defines[i];
        if (d->kind != HPyDef_Kind_Slot) {
            others = 1;
            continue;
        }
        if (d->slot.slot == HPy_mod_create) {
            if (*has_create) {
                PyErr_SetString(PyExc_SystemError,
                                "Multiple definitions of the HPy_mod_create slot in "
                                "HPyModuleDef.defines.");
                return NULL;
            }
            *has_create = 1;
        } else if (d->slot.slot == HPy_mod_exec) {
            others = 1;
        } else {
            PyErr_Format(PyExc_SystemError,
                         "Unsupported slot in HPyModuleDef.defines (value: %d).",
                         (int)d->slot.slot);
            return NULL;
        }
        n++;
    }
    if (*has_create && others) {
        PyErr_SetString(PyExc_SystemError,
                        "HPyModuleDef defines a HPy_mod_create slot and some other slots "
                        "or methods. " CREATE_ALONE);
        return NULL;
    }
    if (*has_create && (hpydef->legacy_methods != NULL || hpydef->size > 0 ||
                        hpydef->doc != NULL || hpydef->globals != NULL)) {
        PyErr_SetString(PyExc_SystemError,
                        "HPyModuleDef defines a HPy_mod_create slot and some of the other "
                        "fields are not set to their default value. " CREATE_ALONE);
        return NULL;
    }
    slots = (PyModuleDef_Slot *)PyMem_Calloc(n + 1, sizeof(PyModuleDef_Slot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (i = 0; hpydef->defines != NULL && hpydef->defines[i] != NULL; i++) {
        HPyDef *d = hpydef->defines[i];
        if (d->kind != HPyDef_Kind_Slot)
            continue;
        slots[k].slot = d->slot.slot == HPy_mod_create ? Py_mod_create : Py_mod_exec;
        slots[k].value = (void *)d->slot.cpy_trampoline;
        k++;
    }
    return slots;
}

_HPy_HIDDEN PyObject *_HPyModuleDef_AsPyInit(HPyModuleDef *hpydef)
{
    static const PyModuleDef blank = {
        PyModuleDef_HEAD_INIT, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL
    };
    PyModuleDef *def;
    int has_create;

    if (_HPyCPy_InitContext() < 0)
        return NULL;
    if (hpydef->size < 0) {
        PyErr_SetString(PyExc_SystemError, "HPy does not permit HPyModuleDef.size < 0");
        return NULL;
    }
    if (hpydef->size > 0) {
        /* there is no HPy API to reach per-module state yet */
        PyErr_SetString(PyExc_SystemError,
                        "Module state is not supported yet in HPy, set "
                        "HPyModuleDef.size = 0 if module state is not needed");
        return NULL;
    }
    /* CPython keeps pointers to the definition for the interpreter's life */
    def = (PyModuleDef *)PyMem_Malloc(sizeof(PyModuleDef));
    if (def == NULL)
        return PyErr_NoMemory();
    memcpy(def, &blank, sizeof(PyModuleDef));
    def->m_doc = hpydef->doc;
    /* methods first: a module with both faults reports what HPy reports */
    def->m_methods = _HPyCPy_MethodDefs(hpydef->defines,
                                        (PyMethodDef *)hpydef->legacy_methods);
    if (def->m_methods == NULL)
        goto error;
    def->m_slots = module_slots(hpydef, &has_create);
    if (def->m_slots == NULL) {
        PyMem_Free(def->m_methods);
        goto error;
    }
    /* HPyGlobals need no registration: each is a static strong reference,
       NULL until the first HPyGlobal_Store. */
    return PyModuleDef_Init(def);

error:
    PyMem_Free(def);
    return NULL;
}
