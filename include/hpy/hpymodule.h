/* Module definitions and HPy_MODINIT. */
#ifndef HPY_SHIM_HPYMODULE_H
#define HPY_SHIM_HPYMODULE_H

/* The context every trampoline hands to the runtime. HPy_MODINIT defines it
   and the loader fills it through HPyInitGlobalContext_<ext> before any
   trampoline can run. With HPY_EMBEDDED_MODULES several modules share one
   binary, so each keeps a file-local copy (declare it with
   HPY_MOD_EMBEDDABLE in the module's single source file). */
#if defined(HPY_ABI_CPYTHON)
/* Trampolines call the implementation directly with the extension's one
   static context (hpy/cpython/handles.h): nothing to declare per module. */
#  define HPY_MOD_EMBEDDABLE(modname)
#elif defined(HPY_EMBEDDED_MODULES)
#  define _HPy_CTX_MODIFIER static
#  define HPY_MOD_EMBEDDABLE(modname) _HPy_CTX_MODIFIER HPyContext *_ctx_for_trampolines;
#else
#  define _HPy_CTX_MODIFIER _HPy_HIDDEN
#  define HPY_MOD_EMBEDDABLE(modname)
extern HPyContext *_ctx_for_trampolines;
#endif

/* Returned by HPyInit_<ext>; the runtime builds the module from it
   (multi-phase init: the name comes from the module spec). */
typedef struct {
    const char *doc;                    /* UTF-8, may be NULL */
    HPy_ssize_t size;                   /* module state size; 0 = none */
    cpy_PyMethodDef *legacy_methods;    /* NULL-terminated; hybrid only */
    HPyDef **defines;                   /* NULL-terminated */
    HPyGlobal **globals;                /* NULL-terminated */
} HPyModuleDef;

#ifdef __cplusplus
#  define HPy_EXPORTED_FUNC extern "C" HPy_EXPORTED_SYMBOL
#else
#  define HPy_EXPORTED_FUNC HPy_EXPORTED_SYMBOL
#endif

#ifdef HPY_ABI_CPYTHON
/* An ordinary CPython extension: PyInit_<ext> returns a multi-phase
   PyModuleDef built from mod_def (src/runtime/cpython/module.c).
   Not PyMODINIT_FUNC: before 3.9 it does not export the symbol from
   -fvisibility=hidden builds. */
#define HPy_MODINIT(ext_name, mod_def)                                        \
    HPy_EXPORTED_FUNC PyObject *PyInit_##ext_name(void);                      \
    PyObject *PyInit_##ext_name(void)                                         \
    {                                                                         \
        return _HPyModuleDef_AsPyInit(&mod_def);                              \
    }
#else
/* Emits the four symbols an HPy loader looks up in <ext>.hpy0.so:
     uint32_t get_required_hpy_major_version_<ext>(void)
     uint32_t get_required_hpy_minor_version_<ext>(void)
     void HPyInitGlobalContext_<ext>(HPyContext *)  (stores the context)
     HPyModuleDef *HPyInit_<ext>(void)
   They get default visibility so -fvisibility=hidden builds still export
   them. */
#define HPy_MODINIT(ext_name, mod_def)                                        \
    HPy_EXPORTED_FUNC uint32_t get_required_hpy_major_version_##ext_name(void); \
    uint32_t get_required_hpy_major_version_##ext_name(void)                  \
    {                                                                         \
        return HPY_ABI_VERSION;                                               \
    }                                                                         \
    HPy_EXPORTED_FUNC uint32_t get_required_hpy_minor_version_##ext_name(void); \
    uint32_t get_required_hpy_minor_version_##ext_name(void)                  \
    {                                                                         \
        return HPY_ABI_VERSION_MINOR;                                         \
    }                                                                         \
    _HPy_CTX_MODIFIER HPyContext *_ctx_for_trampolines;                       \
    HPy_EXPORTED_FUNC void HPyInitGlobalContext_##ext_name(HPyContext *ctx);  \
    void HPyInitGlobalContext_##ext_name(HPyContext *ctx)                     \
    {                                                                         \
        _ctx_for_trampolines = ctx;                                           \
    }                                                                         \
    HPy_EXPORTED_FUNC HPyModuleDef *HPyInit_##ext_name(void);                 \
    HPyModuleDef *HPyInit_##ext_name(void)                                    \
    {                                                                         \
        return &mod_def;                                                      \
    }
#endif /* HPY_ABI_CPYTHON */

#endif /* HPY_SHIM_HPYMODULE_H */
