/* Small convenience macros of the public API. */
#ifndef HPY_SHIM_MACROS_H
#define HPY_SHIM_MACROS_H

/* HPy_New takes a pointer to a typed struct pointer; the cast to void** lives
   here so callers need not write it. */
#define HPy_New(ctx, cls, data) (_HPy_New((ctx), (cls), ((void **)(data))))

/* Rich comparison opcodes: same numbers as CPython's Py_LT..Py_GE. */
typedef enum {
    HPy_LT = 0,
    HPy_LE = 1,
    HPy_EQ = 2,
    HPy_NE = 3,
    HPy_GT = 4,
    HPy_GE = 5,
} HPy_RichCmpOp;

/* A macro, not a function, because val1/val2 may be of any comparable type. */
#define HPy_RETURN_RICHCOMPARE(ctx, val1, val2, op)                     \
    do {                                                                \
        bool _hpy_cmp;                                                  \
        switch (op) {                                                   \
        case HPy_LT: _hpy_cmp = ((val1) <  (val2)); break;              \
        case HPy_LE: _hpy_cmp = ((val1) <= (val2)); break;              \
        case HPy_EQ: _hpy_cmp = ((val1) == (val2)); break;              \
        case HPy_NE: _hpy_cmp = ((val1) != (val2)); break;              \
        case HPy_GT: _hpy_cmp = ((val1) >  (val2)); break;              \
        case HPy_GE: _hpy_cmp = ((val1) >= (val2)); break;              \
        default:                                                        \
            HPy_FatalError(ctx, "Invalid value for HPy_RichCmpOp");     \
        }                                                               \
        return HPy_Dup(ctx, _hpy_cmp ? (ctx)->h_True : (ctx)->h_False); \
    } while (0)

/* pid_t conversions follow whichever C integer type has its size. */
#if !defined(SIZEOF_PID_T) || SIZEOF_PID_T == SIZEOF_INT
#  define _HPy_PARSE_PID "i"
#  define HPyLong_FromPid HPyLong_FromLong
#  define HPyLong_AsPid HPyLong_AsLong
#elif SIZEOF_PID_T == SIZEOF_LONG
#  define _HPy_PARSE_PID "l"
#  define HPyLong_FromPid HPyLong_FromLong
#  define HPyLong_AsPid HPyLong_AsLong
#elif defined(SIZEOF_LONG_LONG) && SIZEOF_PID_T == SIZEOF_LONG_LONG
#  define _HPy_PARSE_PID "L"
#  define HPyLong_FromPid HPyLong_FromLongLong
#  define HPyLong_AsPid HPyLong_AsLongLong
#else
#  error "HPy Shim: sizeof(pid_t) matches none of int, long, long long"
#endif

/* Bracket code that runs without holding the interpreter (the GIL on
   CPython). The two macros open and close one C block. */
#define HPy_BEGIN_LEAVE_PYTHON(context) {                               \
    HPyThreadState _token;                                              \
    _token = HPy_LeavePythonExecution(context);

#define HPy_END_LEAVE_PYTHON(context)                                   \
    HPy_ReenterPythonExecution(context, _token);                        \
    }

#endif /* HPY_SHIM_MACROS_H */
