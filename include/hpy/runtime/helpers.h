/* Convenience helpers compiled into the extension (src/runtime/helpers.c). */
#ifndef HPY_SHIM_RUNTIME_HELPERS_H
#define HPY_SHIM_RUNTIME_HELPERS_H

#include "hpy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Create a type from hpyspec/params and store it as obj.<name>.
   Returns 1 on success, 0 with an exception set. */
HPyAPI_HELPER int
HPyHelpers_AddType(HPyContext *ctx, HPy obj, const char *name,
                   HPyType_Spec *hpyspec, HPyType_SpecParam *params);

/* Turn vectorcall-style arguments into (args tuple, kwargs dict). Either
   output is HPy_NULL when there is nothing to put in it. Returns 1 on
   success, 0 with an exception set. */
HPyAPI_HELPER int
HPyHelpers_PackArgsAndKeywords(HPyContext *ctx, const HPy *args, size_t nargs,
                               HPy kwnames, HPy *out_args_tuple, HPy *out_kwd);

#ifdef __cplusplus
}
#endif
#endif /* HPY_SHIM_RUNTIME_HELPERS_H */
