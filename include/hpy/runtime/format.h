/* printf-style str construction (src/runtime/format.c). */
#ifndef HPY_SHIM_RUNTIME_FORMAT_H
#define HPY_SHIM_RUNTIME_FORMAT_H

#include "hpy.h"

#ifdef __cplusplus
extern "C" {
#endif

HPyAPI_HELPER HPy HPyUnicode_FromFormat(HPyContext *ctx, const char *fmt, ...);
HPyAPI_HELPER HPy HPyUnicode_FromFormatV(HPyContext *ctx, const char *format, va_list vargs);
/* Sets h_type with the formatted message; always returns HPy_NULL. */
HPyAPI_HELPER HPy HPyErr_Format(HPyContext *ctx, HPy h_type, const char *fmt, ...);

#ifdef __cplusplus
}
#endif
#endif /* HPY_SHIM_RUNTIME_FORMAT_H */
