/* Argument parsing helpers (compiled into the extension from
   src/runtime/argparse.c). Return 1 on success, 0 with an exception set
   on failure. When ht is given, a tracker is always created; close it after
   a successful parse, it is closed for you on failure. */
#ifndef HPY_SHIM_RUNTIME_ARGPARSE_H
#define HPY_SHIM_RUNTIME_ARGPARSE_H

#include "hpy.h"

#ifdef __cplusplus
extern "C" {
#endif

HPyAPI_HELPER int
HPyArg_Parse(HPyContext *ctx, HPyTracker *ht, const HPy *args,
             size_t nargs, const char *fmt, ...);

/* kwnames: tuple of keyword names whose values follow args[nargs-1]. */
HPyAPI_HELPER int
HPyArg_ParseKeywords(HPyContext *ctx, HPyTracker *ht, const HPy *args,
                     size_t nargs, HPy kwnames, const char *fmt,
                     const char *keywords[], ...);

/* kw: a dict of keyword arguments (or HPy_NULL). */
HPyAPI_HELPER int
HPyArg_ParseKeywordsDict(HPyContext *ctx, HPyTracker *ht, const HPy *args,
                         HPy_ssize_t nargs, HPy kw, const char *fmt,
                         const char *keywords[], ...);

#ifdef __cplusplus
}
#endif
#endif /* HPY_SHIM_RUNTIME_ARGPARSE_H */
