/* CPython types as they appear in HPy's data structures (trampoline
   pointers, legacy methods, HPy_AsPyObject). A universal extension only ever
   holds pointers to them, so opaque declarations suffice and stop anyone
   from dereferencing them. */
#ifndef HPY_SHIM_CPY_TYPES_H
#define HPY_SHIM_CPY_TYPES_H

#ifdef HPY_ABI_UNIVERSAL
typedef struct FORBIDDEN_cpy_PyObject cpy_PyObject;
typedef struct FORBIDDEN_PyMethodDef cpy_PyMethodDef;
typedef struct FORBIDDEN_PyModuleDef cpy_PyModuleDef;
typedef struct FORBIDDEN_bufferinfo cpy_Py_buffer;
#else
/* hybrid: Python.h was included by hpy.h */
typedef PyObject cpy_PyObject;
typedef PyMethodDef cpy_PyMethodDef;
typedef PyModuleDef cpy_PyModuleDef;
typedef Py_buffer cpy_Py_buffer;
#endif

typedef cpy_PyObject *(*cpy_PyCFunction)(cpy_PyObject *, cpy_PyObject *const *, HPy_ssize_t);
typedef int (*cpy_visitproc)(cpy_PyObject *, void *);
typedef cpy_PyObject *(*cpy_getter)(cpy_PyObject *, void *);
typedef int (*cpy_setter)(cpy_PyObject *, cpy_PyObject *, void *);
typedef void (*cpy_PyCapsule_Destructor)(cpy_PyObject *);
typedef cpy_PyObject *(*cpy_vectorcallfunc)(cpy_PyObject *callable, cpy_PyObject *const *args,
                                            size_t nargsf, cpy_PyObject *kwnames);

/* Declared ahead of the generated wrappers so the legacy attribute sticks. */
HPyAPI_FUNC _HPY_LEGACY cpy_PyObject *HPy_AsPyObject(HPyContext *ctx, HPy h);
HPyAPI_FUNC _HPY_LEGACY HPy HPy_FromPyObject(HPyContext *ctx, cpy_PyObject *obj);

#endif /* HPY_SHIM_CPY_TYPES_H */
