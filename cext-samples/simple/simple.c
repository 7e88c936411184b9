/* simple: one module-level function per HPy call signature, plus a few
   demonstrations of builders, trackers, globals and calls. */
#include <stdio.h>
#include <string.h>
#include "hpy.h"

/* Holds whatever remember() was last given; None until then. */
static HPyGlobal g_remembered;

/* hello() -> "hello from HPy" */
HPyDef_METH(hello, "hello", HPyFunc_NOARGS, .doc = "Return a greeting string.")
static HPy hello_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyUnicode_FromString(ctx, "hello from HPy");
}

/* double(x) -> x + x.  "double" is a C keyword, hence the explicit IMPL. */
HPyDef_METH_IMPL(double_meth, "double", double_impl, HPyFunc_O, .doc = "Return x + x.")
static HPy double_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    return HPy_Add(ctx, x, x);
}

/* add_ints(a, b) -> a + b for C longs */
HPyDef_METH(add_ints, "add_ints", HPyFunc_VARARGS, .doc = "Add two integers.")
static HPy add_ints_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    long a, b;
    (void)self;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "ll:add_ints", &a, &b))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, a + b);
}

/* greet(name, greeting="Hello") -> f"{greeting}, {name}!" */
HPyDef_METH(greet, "greet", HPyFunc_KEYWORDS, .doc = "greet(name, greeting='Hello')")
static HPy greet_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    static const char *kwlist[] = { "name", "greeting", NULL };
    const char *name = NULL;
    const char *greeting = "Hello";
    size_t len;
    char *buf;
    HPy result;
    (void)self;

    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "s|s:greet",
                              kwlist, &name, &greeting))
        return HPy_NULL;
    len = strlen(greeting) + strlen(name) + sizeof(", !");
    buf = (char *)malloc(len);
    if (buf == NULL)
        return HPyErr_NoMemory(ctx);
    snprintf(buf, len, "%s, %s!", greeting, name);
    result = HPyUnicode_FromString(ctx, buf);
    free(buf);
    return result;
}

/* divide(a, b) -> a / b as float */
HPyDef_METH(divide, "divide", HPyFunc_VARARGS, .doc = "Divide two floats.")
static HPy divide_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    double a, b;
    (void)self;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "dd:divide", &a, &b))
        return HPy_NULL;
    if (b == 0.0)
        return HPyErr_SetString(ctx, ctx->h_ZeroDivisionError, "division by zero");
    return HPyFloat_FromDouble(ctx, a / b);
}

/* raise_value_error(msg): raises ValueError(msg) */
HPyDef_METH(raise_value_error, "raise_value_error", HPyFunc_O,
            .doc = "Raise ValueError with the given message.")
static HPy raise_value_error_impl(HPyContext *ctx, HPy self, HPy msg)
{
    (void)self;
    return HPyErr_SetObject(ctx, ctx->h_ValueError, msg);
}

/* sum_list(seq) -> 0 + seq[0] + seq[1] + ... */
HPyDef_METH(sum_list, "sum_list", HPyFunc_O, .doc = "Sum the items of a sequence.")
static HPy sum_list_impl(HPyContext *ctx, HPy self, HPy seq)
{
    HPy_ssize_t n, i;
    HPy total;
    (void)self;

    n = HPy_Length(ctx, seq);
    if (n < 0)
        return HPy_NULL;
    total = HPyLong_FromLong(ctx, 0);
    if (HPy_IsNull(total))
        return HPy_NULL;
    for (i = 0; i < n; i++) {
        HPy item, next;
        item = HPy_GetItem_i(ctx, seq, i);
        if (HPy_IsNull(item)) {
            HPy_Close(ctx, total);
            return HPy_NULL;
        }
        next = HPy_Add(ctx, total, item);
        HPy_Close(ctx, item);
        HPy_Close(ctx, total);
        if (HPy_IsNull(next))
            return HPy_NULL;
        total = next;
    }
    return total;
}

/* Shared by make_list/tracker_demo: a non-negative length from an int. */
static int as_length(HPyContext *ctx, HPy h, HPy_ssize_t *out)
{
    HPy_ssize_t n = HPyLong_AsSsize_t(ctx, h);
    if (n == -1 && HPyErr_Occurred(ctx))
        return 0;
    if (n < 0) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "n must be non-negative");
        return 0;
    }
    *out = n;
    return 1;
}

/* make_list(n) -> [0, 1, ..., n-1] via HPyListBuilder */
HPyDef_METH(make_list, "make_list", HPyFunc_O, .doc = "Return list(range(n)).")
static HPy make_list_impl(HPyContext *ctx, HPy self, HPy h_n)
{
    HPy_ssize_t n, i;
    HPyListBuilder builder;
    (void)self;

    if (!as_length(ctx, h_n, &n))
        return HPy_NULL;
    builder = HPyListBuilder_New(ctx, n);
    if (builder._lst == 0)
        return HPy_NULL;
    for (i = 0; i < n; i++) {
        HPy item = HPyLong_FromSsize_t(ctx, i);
        if (HPy_IsNull(item)) {
            HPyListBuilder_Cancel(ctx, builder);
            return HPy_NULL;
        }
        /* the builder keeps its own reference */
        HPyListBuilder_Set(ctx, builder, i, item);
        HPy_Close(ctx, item);
    }
    return HPyListBuilder_Build(ctx, builder);
}

/* make_tuple(a, b, c) -> (a, b, c) via HPyTupleBuilder */
HPyDef_METH(make_tuple, "make_tuple", HPyFunc_VARARGS, .doc = "Return (a, b, c).")
static HPy make_tuple_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy a, b, c;
    HPyTupleBuilder builder;
    (void)self;

    /* "O" in HPyArg_Parse borrows the argument handles: nothing to close */
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OOO:make_tuple", &a, &b, &c))
        return HPy_NULL;
    builder = HPyTupleBuilder_New(ctx, 3);
    if (builder._tup == 0)
        return HPy_NULL;
    HPyTupleBuilder_Set(ctx, builder, 0, a);
    HPyTupleBuilder_Set(ctx, builder, 1, b);
    HPyTupleBuilder_Set(ctx, builder, 2, c);
    return HPyTupleBuilder_Build(ctx, builder);
}

/* make_dict(k, v) -> {k: v} */
HPyDef_METH(make_dict, "make_dict", HPyFunc_VARARGS, .doc = "Return {k: v}.")
static HPy make_dict_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy k, v, dict;
    (void)self;

    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO:make_dict", &k, &v))
        return HPy_NULL;
    dict = HPyDict_New(ctx);
    if (HPy_IsNull(dict))
        return HPy_NULL;
    if (HPy_SetItem(ctx, dict, k, v) < 0) {
        HPy_Close(ctx, dict);
        return HPy_NULL;
    }
    return dict;
}

/* call_with(f, args_tuple, kwargs_dict_or_None) -> f(*args, **kwargs) */
HPyDef_METH(call_with, "call_with", HPyFunc_VARARGS,
            .doc = "Call f with a tuple of arguments and an optional dict of keywords.")
static HPy call_with_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy f, call_args, call_kw;
    (void)self;

    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OOO:call_with", &f, &call_args, &call_kw))
        return HPy_NULL;
    if (HPy_Is(ctx, call_kw, ctx->h_None))
        call_kw = HPy_NULL;
    return HPy_CallTupleDict(ctx, f, call_args, call_kw);
}

/* call_method(obj, name, arg) -> obj.name(arg) */
HPyDef_METH(call_method, "call_method", HPyFunc_VARARGS,
            .doc = "Call obj.<name>(arg); name is a str.")
static HPy call_method_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy obj, name, arg;
    HPy call_args[2];
    (void)self;

    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OOO:call_method", &obj, &name, &arg))
        return HPy_NULL;
    /* vectorcall convention: the receiver is the first argument */
    call_args[0] = obj;
    call_args[1] = arg;
    return HPy_CallMethod(ctx, name, call_args, 2, HPy_NULL);
}

/* remember(x): keep x in a module global */
HPyDef_METH(remember, "remember", HPyFunc_O, .doc = "Remember x for recall().")
static HPy remember_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    HPyGlobal_Store(ctx, &g_remembered, x);
    return HPy_Dup(ctx, ctx->h_None);
}

/* recall() -> the last remembered object, or None */
HPyDef_METH(recall, "recall", HPyFunc_NOARGS, .doc = "Return what remember() stored.")
static HPy recall_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyGlobal_Load(ctx, g_remembered);
}

/* is_none(x) -> x is None */
HPyDef_METH(is_none, "is_none", HPyFunc_O, .doc = "Return x is None.")
static HPy is_none_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    return HPyBool_FromLong(ctx, HPy_Is(ctx, x, ctx->h_None));
}

/* type_name(x) -> type(x).__name__ */
HPyDef_METH(type_name, "type_name", HPyFunc_O, .doc = "Return type(x).__name__.")
static HPy type_name_impl(HPyContext *ctx, HPy self, HPy x)
{
    HPy type, name;
    (void)self;

    type = HPy_Type(ctx, x);
    if (HPy_IsNull(type))
        return HPy_NULL;
    name = HPy_GetAttr_s(ctx, type, "__name__");
    HPy_Close(ctx, type);
    return name;
}

/* tracker_demo(n) -> [0, 1, ..., n-1], closing the ints via an HPyTracker */
HPyDef_METH(tracker_demo, "tracker_demo", HPyFunc_O,
            .doc = "Return list(range(n)), built with HPyList_Append and an HPyTracker.")
static HPy tracker_demo_impl(HPyContext *ctx, HPy self, HPy h_n)
{
    HPy_ssize_t n, i;
    HPy list;
    HPyTracker ht;
    (void)self;

    if (!as_length(ctx, h_n, &n))
        return HPy_NULL;
    list = HPyList_New(ctx, 0);
    if (HPy_IsNull(list))
        return HPy_NULL;
    ht = HPyTracker_New(ctx, n);
    if (HPy_IsNull(ht)) {
        HPy_Close(ctx, list);
        return HPy_NULL;
    }
    for (i = 0; i < n; i++) {
        HPy item = HPyLong_FromSsize_t(ctx, i);
        if (HPy_IsNull(item))
            goto error;
        if (HPyTracker_Add(ctx, ht, item) < 0) {
            HPy_Close(ctx, item);
            goto error;
        }
        /* item is now owned by the tracker */
        if (HPyList_Append(ctx, list, item) < 0)
            goto error;
    }
    HPyTracker_Close(ctx, ht);
    return list;

error:
    HPyTracker_Close(ctx, ht);
    HPy_Close(ctx, list);
    return HPy_NULL;
}

/* Module exec: ANSWER = 42, and recall() answers None until remember(). */
HPyDef_SLOT(simple_exec, HPy_mod_exec)
static int simple_exec_impl(HPyContext *ctx, HPy module)
{
    HPy answer = HPyLong_FromLong(ctx, 42);
    int rc;
    if (HPy_IsNull(answer))
        return -1;
    rc = HPy_SetAttr_s(ctx, module, "ANSWER", answer);
    HPy_Close(ctx, answer);
    if (rc < 0)
        return -1;
    HPyGlobal_Store(ctx, &g_remembered, ctx->h_None);
    return 0;
}

/* item_at(obj, i) -> obj[i] through HPy_GetItem_i */
HPyDef_METH(item_at, "item_at", HPyFunc_VARARGS, .doc = "Return obj[i] (HPy_GetItem_i).")
static HPy item_at_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy obj;
    HPy_ssize_t i;
    (void)self;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "On:item_at", &obj, &i))
        return HPy_NULL;
    return HPy_GetItem_i(ctx, obj, i);
}

static HPyDef *simple_defines[] = {
    &hello,
    &item_at,
    &double_meth,
    &add_ints,
    &greet,
    &divide,
    &raise_value_error,
    &sum_list,
    &make_list,
    &make_tuple,
    &make_dict,
    &call_with,
    &call_method,
    &remember,
    &recall,
    &is_none,
    &type_name,
    &tracker_demo,
    &simple_exec,
    NULL
};

static HPyGlobal *simple_globals[] = {
    &g_remembered,
    NULL
};

static HPyModuleDef simple_def = {
    .doc = "Functions of every HPy call signature.",
    .size = 0,
    .legacy_methods = NULL,
    .defines = simple_defines,
    .globals = simple_globals,
};

HPy_MODINIT(simple, simple_def)
