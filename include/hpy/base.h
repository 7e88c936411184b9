/* Handles, scalar types and the compiler glue every other header relies on. */
#ifndef HPY_SHIM_BASE_H
#define HPY_SHIM_BASE_H

/* ---- compiler glue ---- */
#if defined(__GNUC__) || defined(__clang__)
#  define _HPy_HIDDEN __attribute__((visibility("hidden")))
#  define _HPy_UNUSED __attribute__((unused))
#else
#  define _HPy_HIDDEN
#  define _HPy_UNUSED
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define _HPy_NO_RETURN __attribute__((__noreturn__))
#elif defined(_MSC_VER)
#  define _HPy_NO_RETURN __declspec(noreturn)
#else
#  define _HPy_NO_RETURN
#endif

#ifdef __has_attribute
#  define _HPY_compiler_has_attribute(x) __has_attribute(x)
#else
#  define _HPY_compiler_has_attribute(x) 0
#endif

/* Calling a legacy (PyObject*) API from a universal extension is a build
   error rather than a crash at load time on non-CPython runtimes. */
#if defined(HPY_ABI_UNIVERSAL) && _HPY_compiler_has_attribute(error)
#  define _HPY_LEGACY __attribute__((error("Cannot use legacy functions when targeting the HPy Universal ABI")))
#else
#  define _HPY_LEGACY
#endif

/* Public API: thin static inline shims that dispatch through the context. */
#define HPyAPI_FUNC _HPy_UNUSED static inline
#define HPyAPI_INLINE_HELPER HPyAPI_FUNC
/* Runtime-side implementations (not used by extensions, kept for sources
   that spell it). */
#define HPyAPI_IMPL _HPy_HIDDEN
/* Helpers compiled into each extension (argparse, buildvalue, ...): they
   must not leak out of the extension's shared object. */
#define HPyAPI_HELPER _HPy_HIDDEN

/* ---- handles ----
   Every handle-like type is one pointer-sized integer wrapped in a struct so
   the C compiler keeps the kinds apart. Zero means "null" for all of them. */
typedef struct _HPy_s { intptr_t _i; } HPy;
typedef struct { intptr_t _i; } HPyField;
typedef struct { intptr_t _i; } HPyGlobal;
typedef struct { intptr_t _lst; } HPyListBuilder;
typedef struct { intptr_t _tup; } HPyTupleBuilder;
typedef struct { intptr_t _i; } HPyTracker;
typedef struct { intptr_t _i; } HPyThreadState;

#if defined(_MSC_VER) && defined(__cplusplus)
#  define _hconv(h) {h}
#  define _hfconv(h) {h}
#  define _htsconv(h) {h}
#  define _hgconv(h) {h}
#else
#  define _hconv(h) ((HPy){h})
#  define _hfconv(h) ((HPyField){h})
#  define _htsconv(h) ((HPyThreadState){h})
#  define _hgconv(h) ((HPyGlobal){h})
#endif

#define HPy_NULL _hconv(0)
#define HPy_IsNull(h) ((h)._i == 0)

#define HPyField_NULL _hfconv(0)
#define HPyField_IsNull(f) ((f)._i == 0)

static inline HPy HPy_FromVoidP(void *p) { HPy h; h._i = (intptr_t)p; return h; }
static inline void *HPy_AsVoidP(HPy h) { return (void *)h._i; }

/* ---- scalar types ---- */
typedef intptr_t HPy_ssize_t;
typedef intptr_t HPy_hash_t;
typedef uint32_t HPy_UCS4;

#define HPY_SSIZE_T_MAX INTPTR_MAX
#define HPY_SSIZE_T_MIN (-HPY_SSIZE_T_MAX - 1)

typedef struct _HPyContext_s HPyContext;

/* Mode argument of HPy_Compile_s. */
typedef enum {
    HPy_SourceKind_Expr = 0,    /* a single expression */
    HPy_SourceKind_File = 1,    /* a module's worth of statements */
    HPy_SourceKind_Single = 2,  /* one interactive statement */
} HPy_SourceKind;

/* Which capsule field ctx_Capsule_Get / ctx_Capsule_Set address. */
typedef enum {
    HPyCapsule_key_Pointer = 0,
    HPyCapsule_key_Name = 1,
    HPyCapsule_key_Context = 2,
    HPyCapsule_key_Destructor = 3,
} _HPyCapsule_key;

#endif /* HPY_SHIM_BASE_H */
