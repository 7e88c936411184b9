/* C signatures of the functions an extension hands to the runtime, and the
   macros that declare them and emit their trampolines. */
#ifndef HPY_SHIM_HPYFUNC_H
#define HPY_SHIM_HPYFUNC_H

/* Buffer protocol view, as filled by an HPy_bf_getbuffer slot. */
typedef struct {
    void *buf;
    HPy obj;                /* owned */
    HPy_ssize_t len;
    HPy_ssize_t itemsize;
    int readonly;
    int ndim;
    char *format;
    HPy_ssize_t *shape;
    HPy_ssize_t *strides;
    HPy_ssize_t *suboffsets;
    void *internal;
} HPy_buffer;

typedef int (*HPyFunc_visitproc)(HPyField *, void *);

/* For HPy_tp_traverse implementations whose parameters are named visit and
   arg: visit one field, stop on the first non-zero answer. */
#define HPy_VISIT(hpyfield)                                             \
    do {                                                                \
        if (!HPyField_IsNull(*(hpyfield))) {                            \
            int _hpy_vret = visit((hpyfield), arg);                     \
            if (_hpy_vret)                                              \
                return _hpy_vret;                                       \
        }                                                               \
    } while (0)

/* The signatures: HPyFunc_Signature (its values are part of the ABI: the runtime receives them in
   HPyMeth.signature and as the first argument of ctx_CallRealFunctionFromTrampoline), one pointer
   typedef and one declaration macro each; generated from api/hpyfunc.api. */
#include "hpy/hpyfunc.gen.h"

/* HPyFunc_DECLARE(SYM, SIG): forward-declare SYM with signature SIG.
   HPyFunc_TRAMPOLINE(SYM, IMPL, SIG): emit the CPython-callable trampoline
   SYM for IMPL.
   The throw-away enum names SIG in a context where an unknown signature
   gives a readable "undeclared identifier" error instead of a puzzling
   one about a missing _HPyFunc_..._XXX macro. */
#define HPyFunc_DECLARE(SYM, SIG)                                       \
    enum { SYM##_sig = SIG };                                           \
    _HPyFunc_DECLARE_##SIG(SYM)

#define HPyFunc_TRAMPOLINE(SYM, IMPL, SIG)                              \
    enum { SYM##_sig = SIG };                                           \
    _HPyFunc_TRAMPOLINE_##SIG(SYM, IMPL)

#ifdef HPY_ABI_CPYTHON
#  include "hpy/cpython/trampolines.h"
#else
#  include "hpy/universal/trampolines.h"
#endif

#endif /* HPY_SHIM_HPYFUNC_H */
