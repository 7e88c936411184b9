/* HPy_BuildValue: build a value from a format string (src/runtime/buildvalue.c). */
#ifndef HPY_SHIM_RUNTIME_BUILDVALUE_H
#define HPY_SHIM_RUNTIME_BUILDVALUE_H

#include "hpy.h"

#ifdef __cplusplus
extern "C" {
#endif

HPyAPI_HELPER HPy HPy_BuildValue(HPyContext *ctx, const char *fmt, ...);

#ifdef __cplusplus
}
#endif
#endif /* HPY_SHIM_RUNTIME_BUILDVALUE_H */
