/* Private declarations shared by the CPython ABI mode runtime sources. */
#ifndef HPY_SHIM_RUNTIME_CPYTHON_H
#define HPY_SHIM_RUNTIME_CPYTHON_H

#include "hpy.h"

#ifndef HPY_ABI_CPYTHON
#  error "src/runtime/cpython/*.c are for CPython ABI mode builds (-DHPY_ABI_CPYTHON) only"
#endif

/* Fill the extension's context; idempotent. 0 on success, -1 with an
   exception set. */
_HPy_HIDDEN int _HPyCPy_InitContext(void);

/* NULL-terminated PyMethodDef array for defines' HPyDef_Kind_Meth entries
   followed by the legacy ones; never freed (CPython keeps pointers into it).
   NULL with an exception set on failure. */
_HPy_HIDDEN PyMethodDef *_HPyCPy_MethodDefs(HPyDef **defines, PyMethodDef *legacy);

#endif /* HPY_SHIM_RUNTIME_CPYTHON_H */
