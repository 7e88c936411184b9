/* Type specifications (HPyType_FromSpec) and the per-type helper macros. */
#ifndef HPY_SHIM_HPYTYPE_H
#define HPY_SHIM_HPYTYPE_H

#if defined(__GNUC__) || defined(__clang__)
#  define HPyAPI_UNUSED __attribute__((unused)) static inline
#else
#  define HPyAPI_UNUSED static inline
#endif

/* Which built-in layout an HPy type's C struct extends. The runtime uses it
   to find where the extension's struct starts inside the object. Object is
   0 so a zero-initialised spec gets the common case. */
typedef enum {
    HPyType_BuiltinShape_Legacy = -1,   /* struct starts with PyObject_HEAD */
    HPyType_BuiltinShape_Object = 0,
    HPyType_BuiltinShape_Type = 1,      /* metaclass; base h_TypeType */
    HPyType_BuiltinShape_Long = 2,      /* base h_LongType */
    HPyType_BuiltinShape_Float = 3,     /* base h_FloatType */
    HPyType_BuiltinShape_Unicode = 4,   /* base h_UnicodeType */
    HPyType_BuiltinShape_Tuple = 5,     /* base h_TupleType */
    HPyType_BuiltinShape_List = 6,      /* base h_ListType */
    HPyType_BuiltinShape_Dict = 7,      /* base h_DictType */
} HPyType_BuiltinShape;

typedef struct {
    cpy_vectorcallfunc cpy_trampoline;
    HPyCallFunction impl;
} HPyType_Vectorcall;

typedef struct {
    const char *name;                   /* "module.Name", UTF-8 */
    int basicsize;                      /* sizeof the extension's struct */
    int itemsize;
    unsigned long flags;                /* HPy_TPFLAGS_* */
    HPyType_BuiltinShape builtin_shape;
    void *legacy_slots;                 /* PyType_Slot[]; legacy types only */
    HPyDef **defines;                   /* NULL-terminated */
    const char *doc;                    /* UTF-8, may be NULL */
} HPyType_Spec;

typedef enum {
    HPyType_SpecParam_Base = 1,         /* one base; may repeat */
    HPyType_SpecParam_BasesTuple = 2,   /* a tuple of bases */
    HPyType_SpecParam_Metaclass = 3,
} HPyType_SpecParam_Kind;

/* Arrays of these end with an entry whose kind is 0. */
typedef struct {
    HPyType_SpecParam_Kind kind;
    HPy object;
} HPyType_SpecParam;

/* Flag bits share CPython's values. */
#define _Py_TPFLAGS_HEAPTYPE (1UL << 9)
#define _Py_TPFLAGS_HAVE_VERSION_TAG (1UL << 18)
#define HPy_TPFLAGS_DEFAULT (_Py_TPFLAGS_HEAPTYPE | _Py_TPFLAGS_HAVE_VERSION_TAG)
#define HPy_TPFLAGS_BASETYPE (1UL << 10)
#define HPy_TPFLAGS_HAVE_VECTORCALL (1UL << 11)
#define HPy_TPFLAGS_HAVE_GC (1UL << 14)

/* HPyType_HELPERS(STRUCT [, SHAPE]) defines
     enum { STRUCT_SHAPE = SHAPE };            (default: Object)
     STRUCT *STRUCT_AsStruct(HPyContext *, HPy);
   and SHAPE(STRUCT) gives the value for HPyType_Spec.builtin_shape.
   The default shape is appended to the arguments and the first two are
   picked, which makes the second argument optional. */
#define _HPY_EXPAND(X) X
#define HPyType_HELPERS(...)                                                  \
    _HPY_EXPAND(_HPyType_HELPERS_PICK(__VA_ARGS__, HPyType_BuiltinShape_Object, _))
#define _HPyType_HELPERS_PICK(TYPE, SHAPE_, ...) _HPyType_HELPERS_EMIT(TYPE, SHAPE_)
#define _HPyType_HELPERS_EMIT(TYPE, SHAPE_)                                   \
    enum { TYPE##_SHAPE = (int)SHAPE_ };                                      \
    HPyAPI_UNUSED TYPE *TYPE##_AsStruct(HPyContext *ctx, HPy h)               \
    {                                                                         \
        return (TYPE *)_HPyType_ASSTRUCT_FOR(SHAPE_)(ctx, h);                 \
    }
#define _HPyType_ASSTRUCT_FOR(SHAPE_) SHAPE_##_AsStruct

#define HPyType_LEGACY_HELPERS(TYPE) HPyType_HELPERS(TYPE, HPyType_BuiltinShape_Legacy)

#define SHAPE(TYPE) ((HPyType_BuiltinShape)TYPE##_SHAPE)

/* Shape -> the context accessor that finds the extension's struct. */
#define HPyType_BuiltinShape_Legacy_AsStruct _HPy_AsStruct_Legacy
#define HPyType_BuiltinShape_Object_AsStruct _HPy_AsStruct_Object
#define HPyType_BuiltinShape_Type_AsStruct _HPy_AsStruct_Type
#define HPyType_BuiltinShape_Long_AsStruct _HPy_AsStruct_Long
#define HPyType_BuiltinShape_Float_AsStruct _HPy_AsStruct_Float
#define HPyType_BuiltinShape_Unicode_AsStruct _HPy_AsStruct_Unicode
#define HPyType_BuiltinShape_Tuple_AsStruct _HPy_AsStruct_Tuple
#define HPyType_BuiltinShape_List_AsStruct _HPy_AsStruct_List
#define HPyType_BuiltinShape_Dict_AsStruct _HPy_AsStruct_Dict

#endif /* HPY_SHIM_HPYTYPE_H */
