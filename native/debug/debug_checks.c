/* The argument checks HPy's debug context makes where CPython would not notice the misuse, and
 * builders that know whether they were built or cancelled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "debug/debug.h"

/* ---- argument checks HPy's debug context makes: misuse that CPython would not notice ---- */

void debug_fatal(const char *message)
{
    HPyContext *uctx = debug_state->uctx;
    uctx->ctx_FatalError(uctx, message);
}

static int is_type(HPy uh)
{
    PyObject *o = _h2py(uh);
    return o != NULL && (TP_FLAGS(Py_TYPE_OF(o)) & TPFLAGS_TypeSubclass) != 0;
}

int debug_is_tuple_or_null(HPy uh)
{
    PyObject *o = _h2py(uh);
    return o == NULL || (TP_FLAGS(Py_TYPE_OF(o)) & TPFLAGS_TupleSubclass) != 0;
}

int debug_TypeCheck(HPyContext *ctx, HPy obj, HPy type)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_TypeCheck);
    HPy uobj = debug_unwrap(obj, MEMBER_TypeCheck, 1), utype = debug_unwrap(type, MEMBER_TypeCheck, 2);
    if (!is_type(utype))
        debug_fatal("HPy_TypeCheck arg 2 must be a type");
    return uctx->ctx_TypeCheck(uctx, uobj, utype);
}

const char *debug_Type_GetName(HPyContext *ctx, HPy type)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Type_GetName);
    HPy utype = debug_unwrap(type, MEMBER_Type_GetName, 1);
    if (!is_type(utype))
        debug_fatal("HPyType_GetName arg must be a type");
    const char *p = uctx->ctx_Type_GetName(uctx, utype);
    return p == NULL ? NULL
        : debug_raw_copy(type, p, strlen(p) + 1, MEMBER_Type_GetName, __builtin_return_address(0));
}

int debug_Type_IsSubtype(HPyContext *ctx, HPy sub, HPy type)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Type_IsSubtype);
    HPy usub = debug_unwrap(sub, MEMBER_Type_IsSubtype, 1), utype = debug_unwrap(type, MEMBER_Type_IsSubtype, 2);
    if (!is_type(usub))
        debug_fatal("HPyType_IsSubtype arg 1 must be a type");
    if (!is_type(utype))
        debug_fatal("HPyType_IsSubtype arg 2 must be a type");
    return uctx->ctx_Type_IsSubtype(uctx, usub, utype);
}

HPy debug_Unicode_Substring(HPyContext *ctx, HPy str, HPy_ssize_t start, HPy_ssize_t end)
{
    HPyContext *uctx = debug_state->uctx;
    debug_check_ctx(ctx, MEMBER_Unicode_Substring);
    HPy ustr = debug_unwrap(str, MEMBER_Unicode_Substring, 1);
    PyObject *o = _h2py(ustr);
    if (o == NULL || !(TP_FLAGS(Py_TYPE_OF(o)) & TPFLAGS_UnicodeSubclass))
        debug_fatal("HPyUnicode_Substring arg 1 must be a Unicode object");
    return debug_open_in(ctx, uctx->ctx_Unicode_Substring(uctx, ustr, start, end), 0, __builtin_return_address(0));
}

static const char *shape_name(HPyType_BuiltinShape shape)
{
    switch (shape) {
    case HPyType_BuiltinShape_Legacy: return "HPyType_BuiltinShape_Legacy";
    case HPyType_BuiltinShape_Object: return "HPyType_BuiltinShape_Object";
    case HPyType_BuiltinShape_Type: return "HPyType_BuiltinShape_Type";
    case HPyType_BuiltinShape_Long: return "HPyType_BuiltinShape_Long";
    case HPyType_BuiltinShape_Float: return "HPyType_BuiltinShape_Float";
    case HPyType_BuiltinShape_Unicode: return "HPyType_BuiltinShape_Unicode";
    case HPyType_BuiltinShape_Tuple: return "HPyType_BuiltinShape_Tuple";
    case HPyType_BuiltinShape_List: return "HPyType_BuiltinShape_List";
    case HPyType_BuiltinShape_Dict: return "HPyType_BuiltinShape_Dict";
    }
    return "<unknown shape>";
}

/* The shape of `type`, for the AsStruct checks: the shapes of a few types are remembered, each
   such type kept alive by a reference so that its address is not another type's meanwhile. */
static struct {
    PyObject *type;
    HPyType_BuiltinShape shape;
} shapes[8];

static HPyType_BuiltinShape shape_of(HPyContext *uctx, PyObject *type)
{
    size_t i = ((uintptr_t)type >> 4) % (sizeof shapes / sizeof shapes[0]);
    if (shapes[i].type == type)
        return shapes[i].shape;
    HPyType_BuiltinShape shape = uctx->ctx_Type_GetBuiltinShape(uctx, _py2h(type));
    PyObject *old = shapes[i].type;
    native_incref(type);
    shapes[i].type = type;
    shapes[i].shape = shape;
    if (old != NULL)
        cpy.Py_DecRef(old);
    return shape;
}

/* _HPy_AsStruct_<SHAPE>: the object's type must have that shape (HPy's message). */
#define DEBUG_AS_STRUCT(SHAPE)                                                                  \
    void *debug_AsStruct_##SHAPE(HPyContext *ctx, HPy h)                                        \
    {                                                                                           \
        HPyContext *uctx = debug_state->uctx;                                                   \
        debug_check_ctx(ctx, MEMBER_AsStruct_##SHAPE);                                      \
        HPy uh = debug_unwrap(h, MEMBER_AsStruct_##SHAPE, 1);                               \
        HPyType_BuiltinShape actual = shape_of(uctx, Py_TYPE_OF(_h2py(uh)));                   \
        if (actual != HPyType_BuiltinShape_##SHAPE) {                                           \
            char message[200];                                                                  \
            snprintf(message, sizeof message, "Invalid usage of _HPy_AsStruct_%s. Expected "    \
                     "shape HPyType_BuiltinShape_%s but got %s", #SHAPE, #SHAPE,                \
                     shape_name(actual));                                                       \
            debug_fatal(message);                                                                     \
        }                                                                                       \
        return uctx->ctx_AsStruct_##SHAPE(uctx, uh);                                            \
    }

DEBUG_AS_STRUCT(Object)
DEBUG_AS_STRUCT(Legacy)
DEBUG_AS_STRUCT(Type)
DEBUG_AS_STRUCT(Long)
DEBUG_AS_STRUCT(Float)
DEBUG_AS_STRUCT(Unicode)
DEBUG_AS_STRUCT(Tuple)
DEBUG_AS_STRUCT(List)
DEBUG_AS_STRUCT(Dict)

/* ---- builders: a debug builder knows whether it was built or cancelled ---- */

#define BUILDER_MAGIC 0x48505942u   /* "HPYB" */

typedef struct debug_builder {
    struct debug_builder *next;   /* the queue of finished builders */
    uint32_t magic;
    uint32_t finished;
    intptr_t universal;           /* the universal builder */
} debug_builder;

/* Finished builders stay recognisable for as long as closed handles do. */
static debug_builder *finished_head, *finished_tail;
static int64_t finished_count;

static void finish_builder(debug_builder *b)
{
    b->finished = 1;
    b->next = NULL;
    if (finished_tail) finished_tail->next = b; else finished_head = b;
    finished_tail = b;
    finished_count++;
    if (finished_count > debug_state->closed_max && finished_head != NULL) {
        debug_builder *oldest = finished_head;
        finished_head = oldest->next;
        if (finished_head == NULL) finished_tail = NULL;
        finished_count--;
        oldest->magic = 0;
        free(oldest);
    }
}

static intptr_t open_builder(intptr_t universal)
{
    if (universal == 0)
        return 0;   /* New failed: the universal member raised */
    debug_builder *b = malloc(sizeof *b);
    if (b == NULL) {
        debug_state->uctx->ctx_Err_NoMemory(debug_state->uctx);
        return 0;
    }
    *b = (debug_builder){ NULL, BUILDER_MAGIC, 0, universal };
    return (intptr_t)b;
}

/* The universal builder of an unfinished debug builder; a finished one is reported and
   gives 0, which the universal members treat as a failed New (MemoryError), as in HPy. */
static debug_builder *builder_of(intptr_t value, int32_t member)
{
    if (value == 0)
        return NULL;
    debug_builder *b = (debug_builder *)value;
    if (b->magic != BUILDER_MAGIC || b->finished) {
        debug_report((debug_handle *)value, member, 1, MISUSE_FINISHED_BUILDER);
        return NULL;
    }
    return b;
}

/* Both builders work alike: one definition each for tuples and lists. */
#define DEBUG_BUILDER(KIND, TYPE, FIELD)                                                          \
    TYPE debug_##KIND##Builder_New(HPyContext *ctx, HPy_ssize_t size)                             \
    {                                                                                             \
        HPyContext *uctx = debug_state->uctx;                                                     \
        debug_check_ctx(ctx, MEMBER_##KIND##Builder_New);                                         \
        return (TYPE){ open_builder(uctx->ctx_##KIND##Builder_New(uctx, size).FIELD) };           \
    }                                                                                             \
                                                                                                  \
    void debug_##KIND##Builder_Set(HPyContext *ctx, TYPE builder, HPy_ssize_t index, HPy h_item)  \
    {                                                                                             \
        HPyContext *uctx = debug_state->uctx;                                                     \
        debug_check_ctx(ctx, MEMBER_##KIND##Builder_Set);                                         \
        debug_builder *b = builder_of(builder.FIELD, MEMBER_##KIND##Builder_Set);                 \
        HPy item = debug_unwrap(h_item, MEMBER_##KIND##Builder_Set, 3);                           \
        if (b != NULL)                                                                            \
            uctx->ctx_##KIND##Builder_Set(uctx, (TYPE){ b->universal }, index, item);             \
    }                                                                                             \
                                                                                                  \
    HPy debug_##KIND##Builder_Build(HPyContext *ctx, TYPE builder)                                \
    {                                                                                             \
        HPyContext *uctx = debug_state->uctx;                                                     \
        debug_check_ctx(ctx, MEMBER_##KIND##Builder_Build);                                       \
        debug_builder *b = builder_of(builder.FIELD, MEMBER_##KIND##Builder_Build);               \
        HPy r = uctx->ctx_##KIND##Builder_Build(uctx, (TYPE){ b != NULL ? b->universal : 0 });    \
        if (b != NULL)                                                                            \
            finish_builder(b);                                                                    \
        return debug_open_in(ctx, r, 0, __builtin_return_address(0));                                     \
    }                                                                                             \
                                                                                                  \
    void debug_##KIND##Builder_Cancel(HPyContext *ctx, TYPE builder)                              \
    {                                                                                             \
        HPyContext *uctx = debug_state->uctx;                                                     \
        debug_check_ctx(ctx, MEMBER_##KIND##Builder_Cancel);                                      \
        debug_builder *b = builder_of(builder.FIELD, MEMBER_##KIND##Builder_Cancel);              \
        if (b == NULL)                                                                            \
            return;                                                                               \
        uctx->ctx_##KIND##Builder_Cancel(uctx, (TYPE){ b->universal });                           \
        finish_builder(b);                                                                        \
    }

DEBUG_BUILDER(Tuple, HPyTupleBuilder, _tup)
DEBUG_BUILDER(List, HPyListBuilder, _lst)
