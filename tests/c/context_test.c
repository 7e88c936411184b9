/* The context members one by one, from C, through libhpy.so: conversions at their limits,
 * builders, trackers, calls with keyword names, items, fields, globals, capsules, contextvars,
 * compile/eval. Usage: context_test LIBPYTHON. Prints one line per check; non-zero exit on failure. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "hpyshim.h"

static int failures = 0;
#define CHECK(cond) do { if (cond) printf("ok   %s\n", #cond); \
    else { printf("FAIL %s (line %d)\n", #cond, __LINE__); failures++; } } while (0)

static long refcnt(HPy h) { return *(long *)(void *)h._i; }

static int str_eq(HPyContext *ctx, HPy h, const char *s)
{
    HPy_ssize_t n; const char *u = HPyUnicode_AsUTF8AndSize(ctx, h, &n);
    return u && (size_t)n == strlen(s) && memcmp(u, s, n) == 0;
}

static HPy g_globals;

static HPy eval(HPyContext *ctx, const char *src)
{
    HPy code = HPy_Compile_s(ctx, src, "<t>", HPy_SourceKind_Expr);
    if (HPy_IsNull(code)) return HPy_NULL;
    HPy r = HPy_EvalCode(ctx, code, g_globals, g_globals);
    HPy_Close(ctx, code);
    return r;
}

static int repr_eq(HPyContext *ctx, HPy h, const char *s)
{
    HPy r = HPy_Repr(ctx, h);
    int ok = str_eq(ctx, r, s);
    if (!ok) { HPy_ssize_t n; printf("     repr was: %s\n", HPyUnicode_AsUTF8AndSize(ctx, r, &n)); }
    HPy_Close(ctx, r);
    return ok;
}

/* True (and the error cleared) if the pending exception is of this type. */
static int raised(HPyContext *ctx, HPy exc_type)
{
    int matches = HPyErr_Occurred(ctx) && HPyErr_ExceptionMatches(ctx, exc_type);
    HPyErr_Clear(ctx);
    return matches;
}

static void longs(HPyContext *ctx)
{
    HPy h;
    h = HPyLong_FromInt32_t(ctx, -5); CHECK(HPyLong_AsInt32_t(ctx, h) == -5); HPy_Close(ctx, h);
    h = HPyLong_FromUInt32_t(ctx, 0xFFFFFFFFu); CHECK(HPyLong_AsUInt32_t(ctx, h) == 0xFFFFFFFFu && !HPyErr_Occurred(ctx));
    CHECK(HPyLong_AsInt32_t(ctx, h) == -1 && raised(ctx, ctx->h_OverflowError)); HPy_Close(ctx, h);
    h = HPyLong_FromInt64_t(ctx, INT64_MIN); CHECK(HPyLong_AsInt64_t(ctx, h) == INT64_MIN && !HPyErr_Occurred(ctx));
    CHECK(repr_eq(ctx, h, "-9223372036854775808"));
    CHECK(HPyLong_AsUInt64_t(ctx, h) == (uint64_t)-1 && raised(ctx, ctx->h_OverflowError));
    CHECK(HPyLong_AsUInt64_tMask(ctx, h) == (uint64_t)INT64_MIN && !HPyErr_Occurred(ctx));
    CHECK(HPyLong_AsInt32_t(ctx, h) == -1 && raised(ctx, ctx->h_OverflowError));
    HPy_Close(ctx, h);
    h = HPyLong_FromUInt64_t(ctx, UINT64_MAX); CHECK(repr_eq(ctx, h, "18446744073709551615"));
    CHECK(HPyLong_AsUInt64_t(ctx, h) == UINT64_MAX && !HPyErr_Occurred(ctx));
    CHECK(HPyLong_AsInt64_t(ctx, h) == -1 && raised(ctx, ctx->h_OverflowError));
    CHECK(HPyLong_AsUInt32_t(ctx, h) == 0xFFFFFFFFu && raised(ctx, ctx->h_OverflowError));
    CHECK(HPyLong_AsUInt32_tMask(ctx, h) == 0xFFFFFFFFu && !HPyErr_Occurred(ctx));
    HPy_Close(ctx, h);
    h = eval(ctx, "2**32 + 7");
    CHECK(HPyLong_AsUInt32_tMask(ctx, h) == 7 && !HPyErr_Occurred(ctx));
    CHECK(HPyLong_AsUInt32_t(ctx, h) == 0xFFFFFFFFu && raised(ctx, ctx->h_OverflowError));
    HPy_Close(ctx, h);
    h = eval(ctx, "-1");
    CHECK(HPyLong_AsUInt32_t(ctx, h) == 0xFFFFFFFFu && raised(ctx, ctx->h_OverflowError));
    CHECK(HPyLong_AsUInt32_tMask(ctx, h) == 0xFFFFFFFFu && !HPyErr_Occurred(ctx));
    HPy_Close(ctx, h);
    h = eval(ctx, "2**100");
    CHECK(HPyLong_AsUInt64_tMask(ctx, h) == 0 && !HPyErr_Occurred(ctx));
    CHECK(HPyLong_AsInt32_t(ctx, h) == -1 && raised(ctx, ctx->h_OverflowError));
    HPy_Close(ctx, h);
    h = HPyUnicode_FromString(ctx, "x");
    CHECK(HPyLong_AsInt32_t(ctx, h) == -1 && raised(ctx, ctx->h_TypeError));
    CHECK(HPyLong_AsUInt32_t(ctx, h) == 0xFFFFFFFFu && raised(ctx, ctx->h_TypeError));
    HPy_Close(ctx, h);
    h = HPyBool_FromBool(ctx, true); CHECK(HPy_Is(ctx, h, ctx->h_True)); HPy_Close(ctx, h);
    h = HPyBool_FromBool(ctx, false); CHECK(HPy_Is(ctx, h, ctx->h_False)); HPy_Close(ctx, h);
}

static void builders(HPyContext *ctx)
{
    HPy item = HPyFloat_FromDouble(ctx, 2.5);
    long rc0 = refcnt(item);
    HPyListBuilder lb = HPyListBuilder_New(ctx, 2);
    HPyListBuilder_Set(ctx, lb, 0, item);
    HPyListBuilder_Set(ctx, lb, 1, ctx->h_None);
    CHECK(refcnt(item) == rc0 + 1);
    HPy list = HPyListBuilder_Build(ctx, lb);
    CHECK(repr_eq(ctx, list, "[2.5, None]"));
    HPy_Close(ctx, list);
    CHECK(refcnt(item) == rc0);
    lb = HPyListBuilder_New(ctx, 2);
    HPyListBuilder_Set(ctx, lb, 0, item);
    HPyListBuilder_Cancel(ctx, lb);
    CHECK(refcnt(item) == rc0);

    HPyTupleBuilder tb = HPyTupleBuilder_New(ctx, 3);
    for (int i = 0; i < 3; i++) HPyTupleBuilder_Set(ctx, tb, i, item);
    CHECK(refcnt(item) == rc0 + 3);
    HPy tup = HPyTupleBuilder_Build(ctx, tb);
    CHECK(repr_eq(ctx, tup, "(2.5, 2.5, 2.5)"));
    HPy_Close(ctx, tup);
    CHECK(refcnt(item) == rc0);
    tb = HPyTupleBuilder_New(ctx, 1); HPyTupleBuilder_Set(ctx, tb, 0, item); HPyTupleBuilder_Cancel(ctx, tb);
    CHECK(refcnt(item) == rc0);

    /* A failed New raises at once, as CPython's constructors do; Build keeps that error. */
    tb = HPyTupleBuilder_New(ctx, -1);
    CHECK(HPyErr_Occurred(ctx));
    HPyTupleBuilder_Set(ctx, tb, 0, item);
    tup = HPyTupleBuilder_Build(ctx, tb);
    CHECK(HPy_IsNull(tup) && raised(ctx, ctx->h_SystemError));
    tb = HPyTupleBuilder_New(ctx, (HPy_ssize_t)1 << 60);
    tup = HPyTupleBuilder_Build(ctx, tb);
    CHECK(HPy_IsNull(tup) && raised(ctx, ctx->h_MemoryError));
    lb = HPyListBuilder_New(ctx, -1);
    CHECK(HPyErr_Occurred(ctx));
    list = HPyListBuilder_Build(ctx, lb);
    CHECK(HPy_IsNull(list) && raised(ctx, ctx->h_SystemError));
    lb = HPyListBuilder_New(ctx, (HPy_ssize_t)1 << 60);
    list = HPyListBuilder_Build(ctx, lb);
    CHECK(HPy_IsNull(list) && raised(ctx, ctx->h_MemoryError));
    lb = HPyListBuilder_New(ctx, -1); HPyListBuilder_Cancel(ctx, lb);
    CHECK(raised(ctx, ctx->h_SystemError));
    lb = HPyListBuilder_New(ctx, -1); HPyErr_Clear(ctx);   /* the error cleared: Build still fails */
    list = HPyListBuilder_Build(ctx, lb);
    CHECK(HPy_IsNull(list) && raised(ctx, ctx->h_MemoryError));
    CHECK(refcnt(item) == rc0);

    HPy arr[3] = { item, ctx->h_None, item };
    tup = HPyTuple_FromArray(ctx, arr, 3);
    CHECK(HPyTuple_Check(ctx, tup) && refcnt(item) == rc0 + 2);
    CHECK(repr_eq(ctx, tup, "(2.5, None, 2.5)"));
    HPy_Close(ctx, tup);
    tup = HPyTuple_FromArray(ctx, NULL, 0);
    CHECK(repr_eq(ctx, tup, "()"));
    HPy_Close(ctx, tup);

    /* tracker: growth past the initial capacity; Close releases everything tracked */
    HPyTracker ht = HPyTracker_New(ctx, 0);
    int allok = 1;
    for (int i = 0; i < 50; i++) allok &= HPyTracker_Add(ctx, ht, HPy_Dup(ctx, item)) == 0;
    CHECK(allok && refcnt(item) == rc0 + 50);
    HPyTracker_Close(ctx, ht);
    CHECK(refcnt(item) == rc0);
    ht = HPyTracker_New(ctx, 2);
    allok = 1;
    for (int i = 0; i < 40; i++) allok &= HPyTracker_Add(ctx, ht, HPy_Dup(ctx, item)) == 0;
    CHECK(allok && refcnt(item) == rc0 + 40);
    HPyTracker_Close(ctx, ht);
    CHECK(refcnt(item) == rc0);
    /* ForgetAll: the tracked handles stay open */
    ht = HPyTracker_New(ctx, 0);
    HPy extra = HPy_Dup(ctx, item);
    HPyTracker_Add(ctx, ht, extra);
    HPyTracker_ForgetAll(ctx, ht);
    HPyTracker_Close(ctx, ht);
    CHECK(refcnt(item) == rc0 + 1);
    HPy_Close(ctx, extra);
    CHECK(refcnt(item) == rc0);
    HPy_Close(ctx, item);
}

static void calls(HPyContext *ctx)
{
    HPy f = eval(ctx, "eval('lambda a, b=0, *, c=0: (a, b, c)')");
    CHECK(!HPy_IsNull(f));
    HPy one = HPyLong_FromInt32_t(ctx, 1), two = HPyLong_FromInt32_t(ctx, 2), three = HPyLong_FromInt32_t(ctx, 3);
    HPy args[3] = { one, two, three };
    HPy r = HPy_Call(ctx, f, args, 2, HPy_NULL);
    CHECK(repr_eq(ctx, r, "(1, 2, 0)")); HPy_Close(ctx, r);
    HPy c = HPyUnicode_FromString(ctx, "c");
    HPy kwn = HPyTuple_FromArray(ctx, &c, 1);
    r = HPy_Call(ctx, f, args, 1, kwn);
    CHECK(repr_eq(ctx, r, "(1, 0, 2)")); HPy_Close(ctx, r);
    r = HPy_Call(ctx, f, args, 2, kwn);
    CHECK(repr_eq(ctx, r, "(1, 2, 3)")); HPy_Close(ctx, r);
    r = HPy_Call(ctx, f, NULL, 0, HPy_NULL);
    CHECK(HPy_IsNull(r) && raised(ctx, ctx->h_TypeError));
    r = HPy_Call(ctx, f, args, 1, c);  /* kwnames not a tuple */
    CHECK(HPy_IsNull(r) && raised(ctx, ctx->h_TypeError));

    /* CallMethod: "a,b,c".split(",", maxsplit=1) */
    HPy s = HPyUnicode_FromString(ctx, "a,b,c"), comma = HPyUnicode_FromString(ctx, ",");
    HPy name = HPyUnicode_FromString(ctx, "split"), ms = HPyUnicode_FromString(ctx, "maxsplit");
    HPy kwn2 = HPyTuple_FromArray(ctx, &ms, 1);
    HPy margs[3] = { s, comma, one };
    r = HPy_CallMethod(ctx, name, margs, 2, kwn2);
    CHECK(repr_eq(ctx, r, "['a', 'b,c']")); HPy_Close(ctx, r);
    r = HPy_CallMethod(ctx, name, margs, 2, HPy_NULL);
    CHECK(repr_eq(ctx, r, "['a', 'b', 'c']")); HPy_Close(ctx, r);
    r = HPy_CallMethod(ctx, name, margs, 1, HPy_NULL);
    CHECK(repr_eq(ctx, r, "['a,b,c']")); HPy_Close(ctx, r);
    HPy nope = HPyUnicode_FromString(ctx, "nope");
    r = HPy_CallMethod(ctx, nope, margs, 1, HPy_NULL);
    CHECK(HPy_IsNull(r) && raised(ctx, ctx->h_AttributeError));
    r = HPy_CallMethod(ctx, name, margs, 0, HPy_NULL);
    CHECK(HPy_IsNull(r) && raised(ctx, ctx->h_TypeError));

    /* CallTupleDict */
    HPy tup = HPyTuple_FromArray(ctx, args, 1);
    HPy kw = HPyDict_New(ctx); HPy_SetItem_s(ctx, kw, "c", three);
    r = HPy_CallTupleDict(ctx, f, tup, kw); CHECK(repr_eq(ctx, r, "(1, 0, 3)")); HPy_Close(ctx, r);
    r = HPy_CallTupleDict(ctx, f, tup, HPy_NULL); CHECK(repr_eq(ctx, r, "(1, 0, 0)")); HPy_Close(ctx, r);
    HPy kw2 = HPyDict_New(ctx); HPy_SetItem_s(ctx, kw2, "a", two);
    r = HPy_CallTupleDict(ctx, f, HPy_NULL, kw2); CHECK(repr_eq(ctx, r, "(2, 0, 0)")); HPy_Close(ctx, r);
    r = HPy_CallTupleDict(ctx, f, kw, HPy_NULL); CHECK(HPy_IsNull(r) && raised(ctx, ctx->h_TypeError));
    r = HPy_CallTupleDict(ctx, f, tup, tup); CHECK(HPy_IsNull(r) && raised(ctx, ctx->h_TypeError));
    HPy_Close(ctx, f); HPy_Close(ctx, tup); HPy_Close(ctx, kw); HPy_Close(ctx, kw2);
    HPy_Close(ctx, one); HPy_Close(ctx, two); HPy_Close(ctx, three); HPy_Close(ctx, c); HPy_Close(ctx, kwn);
    HPy_Close(ctx, s); HPy_Close(ctx, comma); HPy_Close(ctx, name); HPy_Close(ctx, ms); HPy_Close(ctx, kwn2); HPy_Close(ctx, nope);
}

static void items(HPyContext *ctx)
{
    HPy d = eval(ctx, "{'k': 1, 5: 'five'}");
    HPy v = HPy_GetItem_s(ctx, d, "k"); CHECK(repr_eq(ctx, v, "1")); HPy_Close(ctx, v);
    v = HPy_GetItem_s(ctx, d, "missing"); CHECK(HPy_IsNull(v) && raised(ctx, ctx->h_KeyError));
    v = HPy_GetItem_i(ctx, d, 5); CHECK(repr_eq(ctx, v, "'five'")); HPy_Close(ctx, v);
    CHECK(HPy_SetItem_i(ctx, d, 6, ctx->h_None) == 0 && HPy_SetItem_s(ctx, d, "z", ctx->h_True) == 0);
    CHECK(HPy_DelItem_s(ctx, d, "k") == 0 && HPy_DelItem_i(ctx, d, 5) == 0);
    CHECK(repr_eq(ctx, d, "{6: None, 'z': True}"));
    CHECK(HPy_DelItem_s(ctx, d, "k") == -1 && raised(ctx, ctx->h_KeyError));
    CHECK(HPyDict_Check(ctx, d) && !HPyList_Check(ctx, d));
    HPy l = eval(ctx, "[10, 20, 30]");
    v = HPy_GetItem_i(ctx, l, -1); CHECK(repr_eq(ctx, v, "30")); HPy_Close(ctx, v);
    v = HPy_GetItem_i(ctx, l, 3); CHECK(HPy_IsNull(v) && raised(ctx, ctx->h_IndexError));
    CHECK(HPy_SetItem_i(ctx, l, 0, ctx->h_None) == 0 && HPy_DelItem_i(ctx, l, 1) == 0);
    CHECK(repr_eq(ctx, l, "[None, 30]"));
    CHECK(HPyList_Check(ctx, l) && !HPyTuple_Check(ctx, l) && !HPyUnicode_Check(ctx, l));
    HPy b = HPyBytes_FromStringAndSize(ctx, "ab\0c", 4);
    CHECK(HPyBytes_Check(ctx, b) && HPyBytes_GET_SIZE(ctx, b) == 4 && memcmp(HPyBytes_AS_STRING(ctx, b), "ab\0c", 5) == 0);
    HPy_Close(ctx, b);
    b = HPyBytes_FromStringAndSize(ctx, NULL, 3); CHECK(HPy_IsNull(b) && raised(ctx, ctx->h_ValueError));
    HPy t = HPy_Type(ctx, l); CHECK(HPy_Is(ctx, t, ctx->h_ListType)); HPy_Close(ctx, t);
    CHECK(HPy_TypeCheck(ctx, ctx->h_True, ctx->h_LongType) && !HPy_TypeCheck(ctx, l, ctx->h_TupleType));
    CHECK(HPyType_IsSubtype(ctx, ctx->h_BoolType, ctx->h_LongType) && !HPyType_IsSubtype(ctx, ctx->h_LongType, ctx->h_BoolType));
    CHECK(strcmp(HPyType_GetName(ctx, ctx->h_LongType), "int") == 0);
    HPy od = eval(ctx, "__import__('collections').OrderedDict");
    CHECK(strcmp(HPyType_GetName(ctx, od), "OrderedDict") == 0); HPy_Close(ctx, od);
    HPy cls = eval(ctx, "type('My.Cls', (), {})");
    CHECK(strcmp(HPyType_GetName(ctx, cls), "My.Cls") == 0); HPy_Close(ctx, cls);
    CHECK(HPyType_GetName(ctx, l) == NULL && raised(ctx, ctx->h_TypeError));
    HPy_Close(ctx, d); HPy_Close(ctx, l);
}

static int destroyed = 0;
/* A raw CPython-level destructor: the real trampoline needs _HPy_CallRealFunctionFromTrampoline. */
static void my_destructor_impl(const char *name, void *pointer, void *context) { (void)name; (void)pointer; (void)context; }
static void my_destructor_trampoline(cpy_PyObject *capsule) { (void)capsule; destroyed++; }
static HPyCapsule_Destructor my_destructor = { my_destructor_trampoline, my_destructor_impl };

static void misc(HPyContext *ctx)
{
    static int payload = 42, ctxdata = 7;
    HPy cap = HPyCapsule_New(ctx, &payload, "my.cap", &my_destructor);
    CHECK(!HPy_IsNull(cap));
    CHECK(HPyCapsule_GetPointer(ctx, cap, "my.cap") == &payload);
    CHECK(HPyCapsule_GetPointer(ctx, cap, "other") == NULL && raised(ctx, ctx->h_ValueError));
    CHECK(strcmp(HPyCapsule_GetName(ctx, cap), "my.cap") == 0);
    CHECK(HPyCapsule_SetContext(ctx, cap, &ctxdata) == 0 && HPyCapsule_GetContext(ctx, cap) == &ctxdata);
    CHECK(HPyCapsule_SetName(ctx, cap, "new.name") == 0 && HPyCapsule_IsValid(ctx, cap, "new.name"));
    CHECK(HPyCapsule_SetPointer(ctx, cap, &ctxdata) == 0 && HPyCapsule_GetPointer(ctx, cap, "new.name") == &ctxdata);
    HPy_Close(ctx, cap);
    CHECK(destroyed == 1);
    cap = HPyCapsule_New(ctx, &payload, NULL, NULL);
    CHECK(HPyCapsule_SetDestructor(ctx, cap, &my_destructor) == 0);
    HPy_Close(ctx, cap);
    CHECK(destroyed == 2);
    HPyCapsule_Destructor bad = { NULL, NULL };
    cap = HPyCapsule_New(ctx, &payload, NULL, &bad);
    CHECK(HPy_IsNull(cap) && raised(ctx, ctx->h_ValueError));

    /* fields and globals */
    HPy obj = HPyFloat_FromDouble(ctx, 9.5);
    long rc0 = refcnt(obj);
    HPyField fld = HPyField_NULL;
    HPyField_Store(ctx, ctx->h_None, &fld, obj); CHECK(refcnt(obj) == rc0 + 1);
    HPyField_Store(ctx, ctx->h_None, &fld, obj); CHECK(refcnt(obj) == rc0 + 1);
    HPy ld = HPyField_Load(ctx, ctx->h_None, fld); CHECK(HPy_Is(ctx, ld, obj) && refcnt(obj) == rc0 + 2); HPy_Close(ctx, ld);
    HPyField_Store(ctx, ctx->h_None, &fld, HPy_NULL); CHECK(refcnt(obj) == rc0);
    HPyGlobal g = {0};
    HPyGlobal_Store(ctx, &g, obj); CHECK(refcnt(obj) == rc0 + 1);
    ld = HPyGlobal_Load(ctx, g); CHECK(HPy_Is(ctx, ld, obj)); HPy_Close(ctx, ld);
    HPyGlobal_Store(ctx, &g, ctx->h_None); CHECK(refcnt(obj) == rc0);

    cpy_PyObject *py = ctx->ctx_AsPyObject(ctx, obj); CHECK((void *)py == (void *)obj._i);
    CHECK(refcnt(obj) == rc0 + 1);
    HPy back = ctx->ctx_FromPyObject(ctx, py);
    CHECK(refcnt(obj) == rc0 + 2 && HPy_Is(ctx, back, obj));
    HPy_Close(ctx, back); HPy_Close(ctx, back);  /* the second releases the cpy_PyObject* reference */
    CHECK(refcnt(obj) == rc0);
    HPy dup = HPy_Dup(ctx, obj); CHECK(refcnt(obj) == rc0 + 1); HPy_Close(ctx, dup); HPy_Close(ctx, obj);
    HPy_Close(ctx, HPy_NULL);
    CHECK(HPy_IsNull(HPy_Dup(ctx, HPy_NULL)));

    HPyThreadState ts = HPy_LeavePythonExecution(ctx);
    HPy_ReenterPythonExecution(ctx, ts);
    CHECK(!HPyErr_Occurred(ctx));

    HPy cv = HPyContextVar_New(ctx, "cv", HPy_NULL);
    HPy res;
    CHECK(HPyContextVar_Get(ctx, cv, HPy_NULL, &res) == 0 && HPy_IsNull(res));
    CHECK(HPyContextVar_Get(ctx, cv, ctx->h_True, &res) == 0 && HPy_Is(ctx, res, ctx->h_True)); HPy_Close(ctx, res);
    HPy tok = HPyContextVar_Set(ctx, cv, ctx->h_False); HPy_Close(ctx, tok);
    CHECK(HPyContextVar_Get(ctx, cv, ctx->h_True, &res) == 0 && HPy_Is(ctx, res, ctx->h_False)); HPy_Close(ctx, res);
    HPy_Close(ctx, cv);

    HPy code = HPy_Compile_s(ctx, "x = 1 +", "<bad>", HPy_SourceKind_File);
    CHECK(HPy_IsNull(code) && raised(ctx, ctx->h_SyntaxError));
    code = HPy_Compile_s(ctx, "x = 1", "<f>", 7);
    CHECK(HPy_IsNull(code) && raised(ctx, ctx->h_SystemError));
    code = HPy_Compile_s(ctx, "y = 40 + 2", "<f>", HPy_SourceKind_File);
    HPy r = HPy_EvalCode(ctx, code, g_globals, g_globals); HPy_Close(ctx, r); HPy_Close(ctx, code);
    HPy y = HPy_GetItem_s(ctx, g_globals, "y"); CHECK(HPyLong_AsInt32_t(ctx, y) == 42); HPy_Close(ctx, y);

    HPyErr_SetString(ctx, ctx->h_KeyError, "pending");
    CHECK(HPyErr_Occurred(ctx) == 1);
    _HPy_Dump(ctx, ctx->h_True);
    CHECK(HPyErr_Occurred(ctx) == 1);
    HPyErr_Clear(ctx);
    CHECK(HPyErr_Occurred(ctx) == 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s LIBPYTHON\n", argv[0]);
        return 2;
    }
    if (hpyshim_start_python(argv[1]) != 0) return 1;
    HPyContext *ctx = hpyshim_universal_context();
    if (!ctx) return 1;
    g_globals = HPyDict_New(ctx);
    HPy_SetItem_s(ctx, g_globals, "__builtins__", ctx->h_Builtins);
    longs(ctx); builders(ctx); calls(ctx); items(ctx); misc(ctx);
    HPy_Close(ctx, g_globals);
    printf("%d failure(s)\n", failures);
    return failures != 0;
}
