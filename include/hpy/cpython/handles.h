/* CPython ABI mode: a handle is the PyObject* itself, so converting is a
   cast and every C API call can be made inline. */
#ifndef HPY_SHIM_CPYTHON_HANDLES_H
#define HPY_SHIM_CPYTHON_HANDLES_H

HPyAPI_FUNC PyObject *_h2py(HPy h) { return (PyObject *)h._i; }
HPyAPI_FUNC HPy _py2h(PyObject *o) { HPy h; h._i = (intptr_t)o; return h; }

/* A field or global holds one strong reference to its object. */
HPyAPI_FUNC PyObject *_hf2py(HPyField f) { return (PyObject *)f._i; }
HPyAPI_FUNC HPyField _py2hf(PyObject *o) { HPyField f; f._i = (intptr_t)o; return f; }
HPyAPI_FUNC PyObject *_hg2py(HPyGlobal g) { return (PyObject *)g._i; }
HPyAPI_FUNC HPyGlobal _py2hg(PyObject *o) { HPyGlobal g; g._i = (intptr_t)o; return g; }

/* Vectorcall argument arrays are handed over as HPy arrays without copying:
   both are arrays of one pointer-sized value. */
HPyAPI_FUNC const HPy *_arr_py2h(PyObject *const *args) { return (const HPy *)(const void *)args; }
HPyAPI_FUNC PyObject *const *_arr_h2py(const HPy *args) { return (PyObject *const *)(const void *)args; }

/* The extension's single context, defined and filled by
   src/runtime/cpython/context.c when PyInit_<ext> runs. */
extern _HPy_HIDDEN HPyContext _HPyCPy_context;
HPyAPI_FUNC HPyContext *_HPyGetContext(void) { return &_HPyCPy_context; }

#endif /* HPY_SHIM_CPYTHON_HANDLES_H */
