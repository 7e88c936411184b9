/* The benchmark extension, in HPy. The same source is built in universal mode (through libhpy.so)
 * and in CPython ABI mode; bench_capi.c is the same module written against the plain C API. */
#include "hpy.h"

HPyDef_METH(noargs, "noargs", HPyFunc_NOARGS)
static HPy noargs_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(onearg, "onearg", HPyFunc_O)
static HPy onearg_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPy_Dup(ctx, arg);
}

HPyDef_METH(varargs, "varargs", HPyFunc_VARARGS)
static HPy varargs_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "varargs takes 2 arguments");
    return HPy_Dup(ctx, args[1]);
}

HPyDef_METH(keywords, "keywords", HPyFunc_KEYWORDS)
static HPy keywords_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    if (nargs < 1)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "keywords takes at least 1 argument");
    return HPy_Dup(ctx, args[0]);
}

HPyDef_METH(call_with_tuple, "call_with_tuple", HPyFunc_VARARGS)
static HPy call_with_tuple_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "call_with_tuple takes 2 arguments");
    return HPy_CallTupleDict(ctx, args[0], args[1], HPy_NULL);
}

HPyDef_METH(call_with_tuple_and_dict, "call_with_tuple_and_dict", HPyFunc_VARARGS)
static HPy call_with_tuple_and_dict_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 3)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "call_with_tuple_and_dict takes 3 arguments");
    return HPy_CallTupleDict(ctx, args[0], args[1], args[2]);
}

HPyDef_METH(allocate_int, "allocate_int", HPyFunc_NOARGS)
static HPy allocate_int_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromInt64_t(ctx, 2048);
}

HPyDef_METH(allocate_tuple, "allocate_tuple", HPyFunc_NOARGS)
static HPy allocate_tuple_impl(HPyContext *ctx, HPy self)
{
    HPy a = HPyLong_FromInt64_t(ctx, 2048), b = HPyLong_FromInt64_t(ctx, 2049);
    HPy items[2] = { a, b };
    HPy t = HPyTuple_FromArray(ctx, items, 2);
    HPy_Close(ctx, a);
    HPy_Close(ctx, b);
    return t;
}

/* API-heavy loops: many context calls per Python-level call. */
HPyDef_METH(build_list, "build_list", HPyFunc_O)
static HPy build_list_impl(HPyContext *ctx, HPy self, HPy h_n)
{
    HPy_ssize_t n = HPyLong_AsSsize_t(ctx, h_n);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    HPyListBuilder builder = HPyListBuilder_New(ctx, n);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPyLong_FromInt64_t(ctx, i);
        if (HPy_IsNull(item)) {
            HPyListBuilder_Cancel(ctx, builder);
            return HPy_NULL;
        }
        HPyListBuilder_Set(ctx, builder, i, item);
        HPy_Close(ctx, item);
    }
    return HPyListBuilder_Build(ctx, builder);
}

HPyDef_METH(sum_iter, "sum_iter", HPyFunc_O)
static HPy sum_iter_impl(HPyContext *ctx, HPy self, HPy iterable)
{
#ifdef BENCH_HPY_090
    /* HPy 0.9.0 (built for its own runtime) has no iteration API */
    HPyErr_SetString(ctx, ctx->h_NotImplementedError, "no HPy_GetIter in HPy 0.9.0");
    return HPy_NULL;
#else
    HPy it = HPy_GetIter(ctx, iterable);
    if (HPy_IsNull(it))
        return HPy_NULL;
    int64_t total = 0;
    for (;;) {
        HPy item = HPyIter_Next(ctx, it);
        if (HPy_IsNull(item))
            break;
        total += HPyLong_AsInt64_t(ctx, item);
        HPy_Close(ctx, item);
    }
    HPy_Close(ctx, it);
    if (HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromInt64_t(ctx, total);
#endif
}

HPyDef_METH(unicode_roundtrip, "unicode_roundtrip", HPyFunc_O)
static HPy unicode_roundtrip_impl(HPyContext *ctx, HPy self, HPy text)
{
    HPy_ssize_t size;
    const char *utf8 = HPyUnicode_AsUTF8AndSize(ctx, text, &size);
    if (utf8 == NULL)
        return HPy_NULL;
    HPy bytes = HPyBytes_FromStringAndSize(ctx, utf8, size);
    if (HPy_IsNull(bytes))
        return HPy_NULL;
    HPy result = HPyUnicode_FromEncodedObject(ctx, bytes, "utf-8", "strict");
    HPy_Close(ctx, bytes);
    return result;
}

/* The loops of single hot context members, 1000 per Python call: items, globals, calls. */
HPyDef_METH(sum_getitem, "sum_getitem", HPyFunc_O)
static HPy sum_getitem_impl(HPyContext *ctx, HPy self, HPy seq)
{
    HPy_ssize_t n = HPy_Length(ctx, seq);
    long total = 0;
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, seq, i);
        if (HPy_IsNull(item))
            return HPy_NULL;
        total += HPyLong_AsLong(ctx, item);
        HPy_Close(ctx, item);
    }
    if (HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, total);
}

static HPyGlobal g_value;

HPyDef_METH(global_loop, "global_loop", HPyFunc_O)
static HPy global_loop_impl(HPyContext *ctx, HPy self, HPy h_n)
{
    HPy_ssize_t n = HPyLong_AsSsize_t(ctx, h_n);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy v = HPyGlobal_Load(ctx, g_value);
        HPy_Close(ctx, v);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(call_loop, "call_loop", HPyFunc_VARARGS)
static HPy call_loop_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "call_loop(f, n)");
    HPy_ssize_t n = HPyLong_AsSsize_t(ctx, args[1]);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy r = HPy_Call(ctx, args[0], &args[1], 1, HPy_NULL);
        if (HPy_IsNull(r))
            return HPy_NULL;
        HPy_Close(ctx, r);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

/* An object holding another in an HPyField: field_loop(n) loads and stores it n times. */
typedef struct {
    HPyField item;
} HolderObject;

HPyType_HELPERS(HolderObject)

HPyDef_SLOT(Holder_new, HPy_tp_new)
static HPy Holder_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    HolderObject *holder;
    HPy h = HPy_New(ctx, cls, &holder);
    if (!HPy_IsNull(h))
        HPyField_Store(ctx, h, &holder->item, nargs > 0 ? args[0] : ctx->h_None);
    return h;
}

HPyDef_SLOT(Holder_traverse, HPy_tp_traverse)
static int Holder_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((HolderObject *)self)->item);
    return 0;
}

HPyDef_METH(Holder_field_loop, "field_loop", HPyFunc_O)
static HPy Holder_field_loop_impl(HPyContext *ctx, HPy self, HPy h_n)
{
    HolderObject *holder = HolderObject_AsStruct(ctx, self);
    HPy_ssize_t n = HPyLong_AsSsize_t(ctx, h_n);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPyField_Load(ctx, self, holder->item);
        HPyField_Store(ctx, self, &holder->item, item);
        HPy_Close(ctx, item);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *Holder_defines[] = { &Holder_new, &Holder_traverse, &Holder_field_loop, NULL };

static HPyType_Spec Holder_spec = {
    .name = "bench_hpy.Holder",
    .basicsize = sizeof(HolderObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Holder_defines,
};

/* A type with a C struct: allocation, method lookup and calls, and slots. */
typedef struct {
    int64_t value;
} FooObject;

HPyType_HELPERS(FooObject)

HPyDef_SLOT(Foo_new, HPy_tp_new)
static HPy Foo_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    FooObject *foo;
    HPy h = HPy_New(ctx, cls, &foo);
    if (!HPy_IsNull(h))
        foo->value = 7;
    return h;
}

HPyDef_METH(Foo_noargs, "noargs", HPyFunc_NOARGS)
static HPy Foo_noargs_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Foo_onearg, "onearg", HPyFunc_O)
static HPy Foo_onearg_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPy_Dup(ctx, arg);
}

HPyDef_METH(Foo_varargs, "varargs", HPyFunc_VARARGS)
static HPy Foo_varargs_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "varargs takes 2 arguments");
    return HPy_Dup(ctx, args[1]);
}

HPyDef_SLOT(Foo_len, HPy_sq_length)
static HPy_ssize_t Foo_len_impl(HPyContext *ctx, HPy self)
{
    return 42;
}

HPyDef_SLOT(Foo_getitem, HPy_mp_subscript)
static HPy Foo_getitem_impl(HPyContext *ctx, HPy self, HPy key)
{
    return HPy_Dup(ctx, key);
}

HPyDef_SLOT(Foo_add, HPy_nb_add)
static HPy Foo_add_impl(HPyContext *ctx, HPy a, HPy b)
{
    return HPy_Dup(ctx, a);
}

static HPyDef *Foo_defines[] = {
    &Foo_new, &Foo_noargs, &Foo_onearg, &Foo_varargs, &Foo_len, &Foo_getitem, &Foo_add, NULL
};

static HPyType_Spec Foo_spec = {
    .name = "bench_hpy.Foo",
    .basicsize = sizeof(FooObject),
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = Foo_defines,
};

HPyDef_SLOT(bench_exec, HPy_mod_exec)
static int bench_exec_impl(HPyContext *ctx, HPy module)
{
    HPy foo = HPyType_FromSpec(ctx, &Foo_spec, NULL);
    if (HPy_IsNull(foo))
        return -1;
    int rc = HPy_SetAttr_s(ctx, module, "Foo", foo);
    HPy_Close(ctx, foo);
    if (rc < 0)
        return -1;
    HPy holder = HPyType_FromSpec(ctx, &Holder_spec, NULL);
    if (HPy_IsNull(holder))
        return -1;
    rc = HPy_SetAttr_s(ctx, module, "Holder", holder);
    HPy_Close(ctx, holder);
    HPy value = HPyLong_FromLong(ctx, 4242);
    HPyGlobal_Store(ctx, &g_value, value);
    HPy_Close(ctx, value);
    return rc;
}

static HPyDef *module_defines[] = {
    &noargs, &onearg, &varargs, &keywords, &call_with_tuple, &call_with_tuple_and_dict,
    &allocate_int, &allocate_tuple, &build_list, &sum_iter, &unicode_roundtrip, &sum_getitem,
    &global_loop, &call_loop, &bench_exec, NULL
};

static HPyGlobal *module_globals[] = { &g_value, NULL };

static HPyModuleDef moduledef = {
    .doc = "HPy Shim benchmark module",
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(bench_hpy, moduledef)
