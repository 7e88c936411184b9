/* Universal-ABI trampolines.
 *
 * The runtime stores a trampoline's address in the CPython-shaped slot or
 * method table and calls it with PyObject* arguments. The trampoline packs
 * those arguments, in order, into an _HPyFunc_args_<SIG> struct and hands
 * the struct to ctx_CallRealFunctionFromTrampoline, which converts them to
 * handles, calls the real HPy function and writes back `result` (when the
 * signature has one). The struct layouts are therefore ABI.
 */
#ifndef HPY_SHIM_UNIVERSAL_TRAMPOLINES_H
#define HPY_SHIM_UNIVERSAL_TRAMPOLINES_H

/* Going through void(*)(void) keeps -Wcast-function-type quiet: the
   pointer value is unchanged and the runtime casts it back by signature. */
#define _HPY_TO_CFUNC(IMPL) ((HPyCFunction)(void (*)(void))(IMPL))

#define _HPY_TRAMPOLINE_CALL(SIG, IMPL, ARGS)                                 \
    _HPy_CallRealFunctionFromTrampoline(_ctx_for_trampolines, SIG,           \
                                        _HPY_TO_CFUNC(IMPL), (ARGS))

/* The argument structs and every trampoline that only packs its arguments:
   generated from api/hpyfunc.api. The ones below do more. */
#include "hpy/universal/trampolines.gen.h"

/* HPy_tp_destroy has no CPython counterpart: the runtime calls the impl
   directly from its own deallocator, so this trampoline must never run. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_DESTROYFUNC(SYM, IMPL)                    \
    static void SYM(void) { abort(); }

/* Same shape as PyModuleDef_Slot's Py_mod_create function. */
#define _HPyFunc_TRAMPOLINE_HPyFunc_MOD_CREATE(SYM, IMPL)                     \
    static cpy_PyObject *SYM(cpy_PyObject *spec, cpy_PyModuleDef *def)        \
    {                                                                         \
        _HPyFunc_args_MOD_CREATE a = { spec, NULL };                          \
        (void)def;                                                            \
        _HPY_TRAMPOLINE_CALL(HPyFunc_MOD_CREATE, IMPL, &a);                   \
        return a.result;                                                      \
    }

/* The capsule itself is passed instead of an args struct. */
#define HPyCapsule_DESTRUCTOR_TRAMPOLINE(SYM, IMPL)                           \
    static void SYM(cpy_PyObject *capsule)                                    \
    {                                                                         \
        _HPY_TRAMPOLINE_CALL(HPyFunc_CAPSULE_DESTRUCTOR, IMPL, capsule);      \
    }

#endif /* HPY_SHIM_UNIVERSAL_TRAMPOLINES_H */
