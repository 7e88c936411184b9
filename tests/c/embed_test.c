/* A C host that starts CPython through libhpy.so, takes the universal context and drives the
 * HPy API directly, then loads a sample extension. Usage: embed_test LIBPYTHON SAMPLES_DIR
 * Prints one line per check and exits non-zero if any failed. */
#include <stdio.h>
#include <string.h>
#include "hpyshim.h"

static int failures = 0;

#define CHECK(cond) do {                                                    \
        if (cond) printf("ok   %s\n", #cond);                               \
        else { printf("FAIL %s (line %d)\n", #cond, __LINE__); failures++; } \
    } while (0)

static int str_equals(HPyContext *ctx, HPy h, const char *expected)
{
    HPy_ssize_t size;
    const char *utf8 = HPyUnicode_AsUTF8AndSize(ctx, h, &size);
    return utf8 != NULL && (size_t)size == strlen(expected) && memcmp(utf8, expected, size) == 0;
}

static void numbers(HPyContext *ctx)
{
    HPy a = HPyLong_FromInt64_t(ctx, 40), b = HPyLong_FromInt32_t(ctx, 2);
    HPy sum = HPy_Add(ctx, a, b);
    CHECK(HPyLong_AsInt64_t(ctx, sum) == 42);
    HPy big = HPyLong_FromUInt64_t(ctx, 1ULL << 40);
    CHECK(HPyLong_AsInt32_t(ctx, big) == -1 && HPyErr_Occurred(ctx));
    CHECK(HPyErr_ExceptionMatches(ctx, ctx->h_OverflowError));
    HPyErr_Clear(ctx);
    CHECK(!HPyErr_Occurred(ctx));
    HPy f = HPyFloat_FromDouble(ctx, 1.5);
    HPy prod = HPy_Multiply(ctx, f, b);
    CHECK(HPyFloat_AsDouble(ctx, prod) == 3.0);
    CHECK(HPy_TypeCheck(ctx, prod, ctx->h_FloatType));
    CHECK(HPy_IsTrue(ctx, ctx->h_True) == 1 && HPy_IsTrue(ctx, ctx->h_None) == 0);
    HPy_Close(ctx, a); HPy_Close(ctx, b); HPy_Close(ctx, sum); HPy_Close(ctx, big);
    HPy_Close(ctx, f); HPy_Close(ctx, prod);
}

static void containers(HPyContext *ctx)
{
    HPyListBuilder lb = HPyListBuilder_New(ctx, 3);
    for (int i = 0; i < 3; i++) {
        HPy item = HPyLong_FromInt32_t(ctx, i * 10);
        HPyListBuilder_Set(ctx, lb, i, item);
        HPy_Close(ctx, item);
    }
    HPy list = HPyListBuilder_Build(ctx, lb);
    CHECK(HPyList_Check(ctx, list) && HPy_Length(ctx, list) == 3);
    HPy second = HPy_GetItem_i(ctx, list, 1);
    CHECK(HPyLong_AsInt32_t(ctx, second) == 10);

    HPy items[2] = { list, second };
    HPy tuple = HPyTuple_FromArray(ctx, items, 2);
    CHECK(HPyTuple_Check(ctx, tuple) && HPy_Length(ctx, tuple) == 2);

    HPy dict = HPyDict_New(ctx);
    CHECK(HPy_SetItem_s(ctx, dict, "key", tuple) == 0);
    HPy back = HPy_GetItem_s(ctx, dict, "key");
    CHECK(HPy_Is(ctx, back, tuple));
    HPy_Close(ctx, back);

    HPy text = HPyUnicode_FromString(ctx, "h\xc3\xa9llo");
    CHECK(str_equals(ctx, text, "h\xc3\xa9llo"));
    CHECK(HPy_Length(ctx, text) == 5);

    HPy_Close(ctx, text); HPy_Close(ctx, dict); HPy_Close(ctx, tuple);
    HPy_Close(ctx, second); HPy_Close(ctx, list);

    /* Builder misuse: an index out of range raises IndexError; setting a slot twice keeps only
     * the second item, and the first loses the builder's reference. */
    HPy a = HPyUnicode_FromString(ctx, "a"), b = HPyUnicode_FromString(ctx, "b");
    HPy_ssize_t a_refs = *(HPy_ssize_t *)a._i;
    HPyTupleBuilder tb = HPyTupleBuilder_New(ctx, 1);
    HPyTupleBuilder_Set(ctx, tb, 5, a);
    CHECK(HPyErr_ExceptionMatches(ctx, ctx->h_IndexError));
    HPyErr_Clear(ctx);
    CHECK(*(HPy_ssize_t *)a._i == a_refs);
    HPyTupleBuilder_Set(ctx, tb, 0, a);
    HPyTupleBuilder_Set(ctx, tb, 0, b);
    CHECK(*(HPy_ssize_t *)a._i == a_refs);
    HPy built = HPyTupleBuilder_Build(ctx, tb);
    HPy first = HPy_GetItem_i(ctx, built, 0);
    CHECK(HPy_Is(ctx, first, b));
    HPyListBuilder lb2 = HPyListBuilder_New(ctx, 2);
    HPyListBuilder_Set(ctx, lb2, -1, a);
    CHECK(HPyErr_ExceptionMatches(ctx, ctx->h_IndexError));
    HPyErr_Clear(ctx);
    HPyListBuilder_Cancel(ctx, lb2);
    CHECK(*(HPy_ssize_t *)a._i == a_refs);
    HPy_Close(ctx, first); HPy_Close(ctx, built); HPy_Close(ctx, a); HPy_Close(ctx, b);
}

static void errors_and_misuse(HPyContext *ctx)
{
    HPy r = HPyErr_SetString(ctx, ctx->h_ValueError, "boom");
    CHECK(HPy_IsNull(r) && HPyErr_ExceptionMatches(ctx, ctx->h_ValueError));
    HPyErr_Clear(ctx);
    /* Misuse raises: None has no HPy call protocol. */
    int rc = HPy_SetCallFunction(ctx, ctx->h_None, NULL);
    CHECK(rc == -1 && HPyErr_ExceptionMatches(ctx, ctx->h_TypeError));
    HPyErr_Clear(ctx);
}

/* The reference count is the first field of every object; Dup and Close must move it exactly as
 * CPython's own macros do (immortal objects of 3.12+ do not move at all). */
static HPy_ssize_t refcount(HPy h)
{
    return *(HPy_ssize_t *)h._i;
}

static void reference_counts(HPyContext *ctx)
{
    HPy list = HPyList_New(ctx, 0);
    HPy_ssize_t before = refcount(list);
    HPy copies[100];
    for (int i = 0; i < 100; i++)
        copies[i] = HPy_Dup(ctx, list);
    CHECK(refcount(list) == before + 100);
    for (int i = 0; i < 100; i++)
        HPy_Close(ctx, copies[i]);
    CHECK(refcount(list) == before);

    HPy_ssize_t none_before = refcount(ctx->h_None);
    for (int i = 0; i < 100; i++)
        copies[i] = HPy_Dup(ctx, ctx->h_None);
    for (int i = 0; i < 100; i++)
        HPy_Close(ctx, copies[i]);
    CHECK(refcount(ctx->h_None) == none_before);

    CHECK(HPy_IsNull(HPy_Dup(ctx, HPy_NULL)));
    CHECK(!HPyUnicode_Check(ctx, HPy_NULL) && !HPyList_Check(ctx, HPy_NULL) && !HPyTuple_Check(ctx, HPy_NULL));
    HPy_Close(ctx, HPy_NULL);   /* a no-op, must not crash */

    /* The last Close deallocates: a weak reference to the object dies with it. */
    HPy weakref_module = HPyImport_ImportModule(ctx, "weakref");
    HPy ref_type = HPy_GetAttr_s(ctx, weakref_module, "ref");
    HPy set_type = HPy_GetAttr_s(ctx, weakref_module, "WeakSet");
    HPy obj = HPy_CallTupleDict(ctx, set_type, HPy_NULL, HPy_NULL);   /* WeakSet objects support weakrefs */
    HPy args = HPyTuple_Pack(ctx, 1, obj);
    HPy ref = HPy_CallTupleDict(ctx, ref_type, args, HPy_NULL);
    HPy alive = HPy_CallTupleDict(ctx, ref, HPy_NULL, HPy_NULL);
    CHECK(HPy_Is(ctx, alive, obj));
    HPy_Close(ctx, alive);
    HPy_Close(ctx, args);
    HPy_Close(ctx, obj);
    HPy dead = HPy_CallTupleDict(ctx, ref, HPy_NULL, HPy_NULL);
    CHECK(HPy_Is(ctx, dead, ctx->h_None));
    HPy_Close(ctx, dead); HPy_Close(ctx, ref); HPy_Close(ctx, set_type); HPy_Close(ctx, ref_type);
    HPy_Close(ctx, weakref_module); HPy_Close(ctx, list);
}

static void calls(HPyContext *ctx)
{
    HPy builtins = ctx->h_Builtins;
    HPy max = HPy_GetItem_s(ctx, builtins, "max");
    HPy args[3] = { HPyLong_FromInt32_t(ctx, 3), HPyLong_FromInt32_t(ctx, 9), HPyLong_FromInt32_t(ctx, 4) };
    HPy m = HPy_Call(ctx, max, args, 3, HPy_NULL);
    CHECK(HPyLong_AsInt32_t(ctx, m) == 9);
    HPy sep = HPyUnicode_FromString(ctx, "-");
    HPy name = HPyUnicode_FromString(ctx, "join");
    HPy parts = HPyTuple_Pack(ctx, 2, sep, sep);
    HPy method_args[2] = { sep, parts };
    HPy joined = HPy_CallMethod(ctx, name, method_args, 2, HPy_NULL);
    CHECK(str_equals(ctx, joined, "---"));
    for (int i = 0; i < 3; i++) HPy_Close(ctx, args[i]);
    HPy_Close(ctx, m); HPy_Close(ctx, max); HPy_Close(ctx, sep); HPy_Close(ctx, name);
    HPy_Close(ctx, parts); HPy_Close(ctx, joined);
}

static void load_sample(HPyContext *ctx, const char *samples)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/simple.hpy0.so", samples);
    cpy_PyObject *module = hpyshim_load_module("simple", path, NULL, 0);
    CHECK(module != NULL);
    if (module == NULL) return;
    /* A host, unlike a universal extension, may hand CPython objects to the context directly. */
    HPy h_module = ctx->ctx_FromPyObject(ctx, module);
    HPy hello = HPy_GetAttr_s(ctx, h_module, "hello");
    HPy greeting = HPy_CallTupleDict(ctx, hello, HPy_NULL, HPy_NULL);
    CHECK(str_equals(ctx, greeting, "hello from HPy"));
    HPy answer = HPy_GetAttr_s(ctx, h_module, "ANSWER");
    CHECK(HPyLong_AsInt32_t(ctx, answer) == 42);
    HPy_Close(ctx, answer); HPy_Close(ctx, greeting); HPy_Close(ctx, hello); HPy_Close(ctx, h_module);

    /* The same file in trace mode (2): a module of its own that works the same (the Python suites
       check what the trace counts). */
    cpy_PyObject *traced = hpyshim_load_module("simple", path, NULL, 2);
    CHECK(traced != NULL && traced != module);
    if (traced != NULL) {
        HPy h_traced = ctx->ctx_FromPyObject(ctx, traced);
        HPy hello2 = HPy_GetAttr_s(ctx, h_traced, "hello");
        HPy greeting2 = HPy_CallTupleDict(ctx, hello2, HPy_NULL, HPy_NULL);
        CHECK(str_equals(ctx, greeting2, "hello from HPy"));
        HPy_Close(ctx, greeting2); HPy_Close(ctx, hello2); HPy_Close(ctx, h_traced);
        ctx->ctx_Close(ctx, (HPy){ (HPy_ssize_t)traced });
    }

    snprintf(path, sizeof path, "%s/does-not-exist.hpy0.so", samples);
    CHECK(hpyshim_load_module("nothing", path, NULL, 0) == NULL && HPyErr_ExceptionMatches(ctx, ctx->h_ImportError));
    HPyErr_Clear(ctx);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s LIBPYTHON SAMPLES_DIR\n", argv[0]);
        return 2;
    }
    if (hpyshim_start_python(argv[1]) != 0) return 1;
    HPyContext *ctx = hpyshim_universal_context();
    CHECK(ctx != NULL);
    if (ctx == NULL) return 1;
    CHECK(ctx->abi_version == 0);
    printf("context: %s; %s\n", ctx->name, hpyshim_implemented_summary());
    numbers(ctx);
    containers(ctx);
    errors_and_misuse(ctx);
    reference_counts(ctx);
    calls(ctx);
    load_sample(ctx, argv[2]);
    CHECK(hpyshim_stop_python() == 0);
    printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
