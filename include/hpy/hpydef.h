/* HPyDef: the records an extension uses to describe methods, slots, members
   and get/set descriptors, plus the HPyDef_* macros that fill them. */
#ifndef HPY_SHIM_HPYDEF_H
#define HPY_SHIM_HPYDEF_H

#include "hpy/hpyslot.h"

/* Generic function pointer; the runtime casts it back according to the
   accompanying HPyFunc_Signature. */
typedef void *(*HPyCFunction)(void);
typedef void (*HPyFunc_Capsule_Destructor)(const char *name, void *pointer, void *context);

/* Any function pointer -> a trampoline field type without tripping
   -Wcast-function-type (void(*)(void) is the accepted neutral type). */
#define _HPY_FPTR_CAST(TYPE, F) ((TYPE)(void (*)(void))(F))

typedef struct {
    HPySlot_Slot slot;
    HPyCFunction impl;
    cpy_PyCFunction cpy_trampoline;     /* what CPython-shaped tables call */
} HPySlot;

typedef struct {
    const char *name;                   /* UTF-8 */
    HPyCFunction impl;
    cpy_PyCFunction cpy_trampoline;
    HPyFunc_Signature signature;
    const char *doc;                    /* UTF-8, may be NULL */
} HPyMeth;

/* Type of a struct field exposed with HPyDef_MEMBER. Values match
   CPython's structmember.h T_* codes. */
typedef enum {
    HPyMember_SHORT = 0,
    HPyMember_INT = 1,
    HPyMember_LONG = 2,
    HPyMember_FLOAT = 3,
    HPyMember_DOUBLE = 4,
    HPyMember_STRING = 5,
    HPyMember_OBJECT = 6,
    HPyMember_CHAR = 7,
    HPyMember_BYTE = 8,
    HPyMember_UBYTE = 9,
    HPyMember_USHORT = 10,
    HPyMember_UINT = 11,
    HPyMember_ULONG = 12,
    HPyMember_STRING_INPLACE = 13,
    HPyMember_BOOL = 14,
    HPyMember_OBJECT_EX = 16,           /* NULL raises AttributeError */
    HPyMember_LONGLONG = 17,
    HPyMember_ULONGLONG = 18,
    HPyMember_HPYSSIZET = 19,
    HPyMember_NONE = 20,
} HPyMember_FieldType;

typedef struct {
    const char *name;
    HPyMember_FieldType type;
    HPy_ssize_t offset;                 /* offsetof() into the type's struct */
    int readonly;
    const char *doc;
} HPyMember;

typedef struct {
    const char *name;
    HPyCFunction getter_impl;           /* may be NULL */
    HPyCFunction setter_impl;           /* may be NULL */
    cpy_getter getter_cpy_trampoline;
    cpy_setter setter_cpy_trampoline;
    const char *doc;
    void *closure;                      /* passed to getter/setter */
} HPyGetSet;

typedef enum {
    HPyDef_Kind_Slot = 1,
    HPyDef_Kind_Meth = 2,
    HPyDef_Kind_Member = 3,
    HPyDef_Kind_GetSet = 4,
} HPyDef_Kind;

typedef struct {
    HPyDef_Kind kind;                   /* selects the union member */
    union {
        HPySlot slot;
        HPyMeth meth;
        HPyMember member;
        HPyGetSet getset;
    };
} HPyDef;

typedef struct {
    cpy_PyCapsule_Destructor cpy_trampoline;
    HPyFunc_Capsule_Destructor impl;
} HPyCapsule_Destructor;

typedef struct {
    cpy_vectorcallfunc cpy_trampoline;
    HPyFunc_keywords impl;
} HPyCallFunction;

/* ---- definition macros ----
   Each macro emits the implementation's forward declaration, its
   trampoline and a global HPyDef named SYM. Extra designated initialisers
   (.doc = ..., .readonly = ..., .closure = ...) go in the trailing
   arguments and must follow the struct's field order for C++. */

/* HPy_nb_add -> HPyFunc_BINARYFUNC, ... */
#define HPySlot_SIG(SLOT) _HPySlot_SIG__##SLOT

#define HPyDef_SLOT_IMPL(SYM, IMPL, SLOT)                                     \
    enum { SYM##_slot = SLOT };                                               \
    _HPyDef_SLOT(SYM, IMPL, SLOT, HPySlot_SIG(SLOT))

#define HPyDef_SLOT(SYM, SLOT) HPyDef_SLOT_IMPL(SYM, SYM##_impl, SLOT)

/* An extra level so HPySlot_SIG(SLOT) is expanded before pasting. */
#define _HPyDef_SLOT(SYM, IMPL, SLOT, SIG)                                    \
    HPyFunc_DECLARE(IMPL, SIG);                                               \
    HPyFunc_TRAMPOLINE(SYM##_trampoline, IMPL, SIG)                           \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_Slot,                                             \
        .slot = {                                                             \
            .slot = SLOT,                                                     \
            .impl = _HPY_FPTR_CAST(HPyCFunction, IMPL),                       \
            .cpy_trampoline = _HPY_FPTR_CAST(cpy_PyCFunction, SYM##_trampoline) \
        }                                                                     \
    };

#define HPyDef_METH_IMPL(SYM, NAME, IMPL, SIG, ...)                           \
    HPyFunc_DECLARE(IMPL, SIG);                                               \
    HPyFunc_TRAMPOLINE(SYM##_trampoline, IMPL, SIG)                           \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_Meth,                                             \
        .meth = {                                                             \
            .name = NAME,                                                     \
            .impl = _HPY_FPTR_CAST(HPyCFunction, IMPL),                       \
            .cpy_trampoline = _HPY_FPTR_CAST(cpy_PyCFunction, SYM##_trampoline), \
            .signature = SIG,                                                 \
            __VA_ARGS__                                                       \
        }                                                                     \
    };

#define HPyDef_METH(SYM, NAME, SIG, ...)                                      \
    HPyDef_METH_IMPL(SYM, NAME, SYM##_impl, SIG, __VA_ARGS__)

#define HPyDef_MEMBER(SYM, NAME, TYPE, OFFSET, ...)                           \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_Member,                                           \
        .member = {                                                           \
            .name = NAME,                                                     \
            .type = TYPE,                                                     \
            .offset = OFFSET,                                                 \
            __VA_ARGS__                                                       \
        }                                                                     \
    };

#define HPyDef_GET_IMPL(SYM, NAME, GETIMPL, ...)                              \
    HPyFunc_DECLARE(GETIMPL, HPyFunc_GETTER);                                 \
    HPyFunc_TRAMPOLINE(SYM##_get_trampoline, GETIMPL, HPyFunc_GETTER)         \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_GetSet,                                           \
        .getset = {                                                           \
            .name = NAME,                                                     \
            .getter_impl = _HPY_FPTR_CAST(HPyCFunction, GETIMPL),             \
            .getter_cpy_trampoline = SYM##_get_trampoline,                    \
            __VA_ARGS__                                                       \
        }                                                                     \
    };

#define HPyDef_GET(SYM, NAME, ...)                                            \
    HPyDef_GET_IMPL(SYM, NAME, SYM##_get, __VA_ARGS__)

#define HPyDef_SET_IMPL(SYM, NAME, SETIMPL, ...)                              \
    HPyFunc_DECLARE(SETIMPL, HPyFunc_SETTER);                                 \
    HPyFunc_TRAMPOLINE(SYM##_set_trampoline, SETIMPL, HPyFunc_SETTER)         \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_GetSet,                                           \
        .getset = {                                                           \
            .name = NAME,                                                     \
            .setter_impl = _HPY_FPTR_CAST(HPyCFunction, SETIMPL),             \
            .setter_cpy_trampoline = SYM##_set_trampoline,                    \
            __VA_ARGS__                                                       \
        }                                                                     \
    };

#define HPyDef_SET(SYM, NAME, ...)                                            \
    HPyDef_SET_IMPL(SYM, NAME, SYM##_set, __VA_ARGS__)

#define HPyDef_GETSET_IMPL(SYM, NAME, GETIMPL, SETIMPL, ...)                  \
    HPyFunc_DECLARE(GETIMPL, HPyFunc_GETTER);                                 \
    HPyFunc_TRAMPOLINE(SYM##_get_trampoline, GETIMPL, HPyFunc_GETTER)         \
    HPyFunc_DECLARE(SETIMPL, HPyFunc_SETTER);                                 \
    HPyFunc_TRAMPOLINE(SYM##_set_trampoline, SETIMPL, HPyFunc_SETTER)         \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_GetSet,                                           \
        .getset = {                                                           \
            .name = NAME,                                                     \
            .getter_impl = _HPY_FPTR_CAST(HPyCFunction, GETIMPL),             \
            .setter_impl = _HPY_FPTR_CAST(HPyCFunction, SETIMPL),             \
            .getter_cpy_trampoline = SYM##_get_trampoline,                    \
            .setter_cpy_trampoline = SYM##_set_trampoline,                    \
            __VA_ARGS__                                                       \
        }                                                                     \
    };

#define HPyDef_GETSET(SYM, NAME, ...)                                         \
    HPyDef_GETSET_IMPL(SYM, NAME, SYM##_get, SYM##_set, __VA_ARGS__)

/* A static HPyCapsule_Destructor named SYM around SYM_impl. */
#define HPyCapsule_DESTRUCTOR(SYM)                                            \
    static void SYM##_impl(const char *name, void *pointer, void *context);   \
    HPyCapsule_DESTRUCTOR_TRAMPOLINE(SYM##_trampoline, SYM##_impl)            \
    static HPyCapsule_Destructor SYM = {                                      \
        SYM##_trampoline,                                                     \
        SYM##_impl                                                            \
    };

/* A static HPyCallFunction named SYM around SYM_impl (an HPyFunc_KEYWORDS
   function), for HPy_SetCallFunction. */
#define HPyDef_CALL_FUNCTION(SYM)                                             \
    HPyFunc_DECLARE(SYM##_impl, HPyFunc_KEYWORDS);                            \
    HPyFunc_TRAMPOLINE(SYM##_trampoline, SYM##_impl, HPyFunc_KEYWORDS)        \
    static HPyCallFunction SYM = {                                            \
        _HPY_FPTR_CAST(cpy_vectorcallfunc, SYM##_trampoline),                 \
        SYM##_impl                                                            \
    };

#endif /* HPY_SHIM_HPYDEF_H */
