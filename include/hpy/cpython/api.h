/* CPython ABI mode: the context struct and every public function, inline
   over the C API or calling the helpers in src/runtime/cpython/. */
#ifndef HPY_SHIM_CPYTHON_API_H
#define HPY_SHIM_CPYTHON_API_H

#include "hpy/cpython/context.gen.h"

/* Most functions never look at ctx: there is only one context. */
#if defined(__GNUC__) || defined(__clang__)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wunused-parameter"
#endif

#include "hpy/cpython/api.gen.h"
#include "hpy/cpython/object.h"
#include "hpy/cpython/number.h"
#include "hpy/cpython/containers.h"
#include "hpy/cpython/fields.h"
#include "hpy/cpython/capsule.h"
#include "hpy/cpython/type.h"
#include "hpy/cpython/unsupported.h"

#if defined(__GNUC__) || defined(__clang__)
#  pragma GCC diagnostic pop
#endif

/* PyInit_<ext> body (src/runtime/cpython/module.c). */
_HPy_HIDDEN PyObject *_HPyModuleDef_AsPyInit(HPyModuleDef *hpydef);

#endif /* HPY_SHIM_CPYTHON_API_H */
