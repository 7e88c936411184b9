/* CPython ABI mode: context members that only exist for the universal
   ABI. Using one is a build error (or, without the compiler attribute, an
   unresolved symbol), never a silent misbehaviour. */
#ifndef HPY_SHIM_CPYTHON_UNSUPPORTED_H
#define HPY_SHIM_CPYTHON_UNSUPPORTED_H

#if _HPY_compiler_has_attribute(error)
#  define _HPY_CPYTHON_UNSUPPORTED(what) \
    __attribute__((error(what " is not available in HPy's CPython ABI mode")))
#else
#  define _HPY_CPYTHON_UNSUPPORTED(what)
#endif

/* Trampolines call implementations directly in this mode. */
_HPY_CPYTHON_UNSUPPORTED("_HPy_CallRealFunctionFromTrampoline")
void _HPy_CallRealFunctionFromTrampoline(HPyContext *ctx, HPyFunc_Signature sig,
                                         HPyCFunction func, void *args);

#endif /* HPY_SHIM_CPYTHON_UNSUPPORTED_H */
