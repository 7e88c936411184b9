/* Struct sequences: tuple subclasses whose items also have names, like
   os.stat_result (src/runtime/structseq.c).

   Universal and hybrid ABI: the type is made by collections.namedtuple and
   then given the name, module, docs and n_* counts a CPython struct sequence
   type has. CPython ABI: CPython's PyStructSequence API. HPy 0.9 has no
   n_in_sequence: every field is part of the sequence. A field named
   HPyStructSequence_UnnamedField is reachable by index, and in both ABIs
   also as "_<index>" (the name namedtuple gives it). Other names namedtuple
   refuses (keywords, duplicates, a leading '_', non-identifiers) become
   "_<index>" in universal and hybrid mode only. */
#ifndef HPY_SHIM_RUNTIME_STRUCTSEQ_H
#define HPY_SHIM_RUNTIME_STRUCTSEQ_H

#include "hpy.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *name;       /* NULL ends the list; HPyStructSequence_UnnamedField for no name */
    const char *doc;        /* may be NULL */
} HPyStructSequence_Field;

typedef struct {
    const char *name;       /* "module.Name", required */
    const char *doc;        /* may be NULL */
    HPyStructSequence_Field *fields;    /* NULL-name terminated */
} HPyStructSequence_Desc;

/* Hidden like the helpers: every extension has its own copy. */
extern _HPy_HIDDEN const char * const HPyStructSequence_UnnamedField;

/* A new struct sequence type, or HPy_NULL with SystemError for a bad desc. */
HPyAPI_HELPER HPy HPyStructSequence_NewType(HPyContext *ctx, HPyStructSequence_Desc *desc);

/* A new instance of `type` (made by HPyStructSequence_NewType) holding
   args[0..nargs-1]; TypeError when `type` is not a struct sequence type or
   nargs is not its number of fields. */
HPyAPI_HELPER HPy HPyStructSequence_New(HPyContext *ctx, HPy type, HPy_ssize_t nargs, HPy *args);

#ifdef __cplusplus
}
#endif
#endif /* HPY_SHIM_RUNTIME_STRUCTSEQ_H */
