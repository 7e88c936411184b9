/* HPy Shim: public header for extensions targeting the HPy universal ABI.
 *
 * Binary compatible with HPy ABI version 0.0 ("hpy0"): every struct, enum
 * and context member below has the layout and value an HPy 0.9 loader (plus
 * the context members appended after 0.9) expects.
 *
 * ABI selection: define at most one of HPY_ABI_UNIVERSAL, HPY_ABI_HYBRID,
 * HPY_ABI_CPYTHON. Universal is assumed when none is given.
 */
#ifndef HPy_H
#define HPy_H

/* ---- ABI version (what the loader checks via HPy_MODINIT) ---- */
#define HPY_ABI_VERSION 0
#define HPY_ABI_VERSION_MINOR 0
#define HPY_ABI_TAG "hpy0"

/* ---- ABI mode selection ---- */
#if defined(HPY_ABI_CPYTHON)
#  if defined(HPY_ABI_UNIVERSAL) || defined(HPY_ABI_HYBRID)
#    error "HPy Shim: define only one of HPY_ABI_CPYTHON, HPY_ABI_UNIVERSAL, HPY_ABI_HYBRID"
#  endif
#  define HPY_ABI "cpython"
#elif defined(HPY_ABI_HYBRID)
#  if defined(HPY_ABI_UNIVERSAL)
#    error "HPy Shim: define only one of HPY_ABI_HYBRID and HPY_ABI_UNIVERSAL"
#  endif
#  define HPY_ABI "hybrid"
#else
#  ifndef HPY_ABI_UNIVERSAL
#    define HPY_ABI_UNIVERSAL
#  endif
#  define HPY_ABI "universal"
#endif

/* Hybrid extensions may use legacy (PyObject*) features, so they see the
   real CPython types; CPython-mode extensions are built on them. Universal
   extensions never do. */
#if defined(HPY_ABI_HYBRID) || defined(HPY_ABI_CPYTHON)
#  define PY_SSIZE_T_CLEAN
#  include <Python.h>
#endif

#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "hpy/base.h"
#include "hpy/cpy_types.h"
#include "hpy/exports.h"
#include "hpy/macros.h"
#ifdef HPY_ABI_CPYTHON
#  include "hpy/cpython/handles.h"
#endif
#include "hpy/hpyfunc.h"
#include "hpy/hpydef.h"
#include "hpy/hpytype.h"
#include "hpy/hpymodule.h"
#include "hpy/runtime/argparse.h"
#include "hpy/runtime/buildvalue.h"
#include "hpy/runtime/format.h"
#include "hpy/runtime/helpers.h"
#include "hpy/runtime/structseq.h"

/* The context struct and the plain forwarding wrappers are generated from
   api/hpy_context.api; everything they mention is declared above. */
#ifdef HPY_ABI_CPYTHON
#  include "hpy/cpython/api.h"
#else
#  include "hpy/universal/context.gen.h"
#  include "hpy/universal/api.gen.h"
#  include "hpy/universal/hand_written.h"
#endif

#include "hpy/inline_helpers.h"

#ifdef __cplusplus
}
#endif
#endif /* HPy_H */
