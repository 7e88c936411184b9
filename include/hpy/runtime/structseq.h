/* Struct sequences (named tuples à la os.stat_result), built on top of
   collections.namedtuple-like types (include/runtime/structseq.c). */
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

extern const char * const HPyStructSequence_UnnamedField;

HPyAPI_HELPER HPy HPyStructSequence_NewType(HPyContext *ctx, HPyStructSequence_Desc *desc);
HPyAPI_HELPER HPy HPyStructSequence_New(HPyContext *ctx, HPy type, HPy_ssize_t nargs, HPy *args);

#ifdef __cplusplus
}
#endif
#endif /* HPY_SHIM_RUNTIME_STRUCTSEQ_H */
