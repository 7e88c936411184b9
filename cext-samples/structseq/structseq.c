/* structseq: struct sequence types (tuples with named fields, like
 * os.stat_result) made with HPyStructSequence_NewType.
 *   structseq.Stats   count, total and an unnamed third field (the largest
 *                     value); stats(*values) returns one
 *   structseq.Empty   no fields, no doc
 *   pkg.sub.Deep      a name with two dots: module "pkg.sub"
 *   NoDot             a name without a dot: module "builtins"
 *   make(type, *items)      HPyStructSequence_New(type, items) as it is
 *   make_empty(type)        HPyStructSequence_New(type, 0, NULL)
 *   new_bad_type(which)     HPyStructSequence_NewType on a broken descriptor
 */
#include "hpy.h"

static HPyStructSequence_Field Stats_fields[] = {
    { "count", "number of values" },
    { "total", NULL },
    { NULL, "the largest value" },  /* HPyStructSequence_UnnamedField, set in exec */
    { NULL, NULL },
};

static HPyStructSequence_Desc Stats_desc = {
    "structseq.Stats",
    "Summary of some numbers",
    Stats_fields,
};

static HPyStructSequence_Field Empty_fields[] = { { NULL, NULL } };
static HPyStructSequence_Desc Empty_desc = { "structseq.Empty", NULL, Empty_fields };

static HPyStructSequence_Field Deep_fields[] = {
    { "a", "first" },
    { "b", "second" },
    { NULL, NULL },
};
static HPyStructSequence_Desc Deep_desc = { "pkg.sub.Deep", "Two levels down", Deep_fields };

static HPyStructSequence_Field NoDot_fields[] = { { "x", NULL }, { NULL, NULL } };
static HPyStructSequence_Desc NoDot_desc = { "NoDot", NULL, NoDot_fields };

/* Stats, for stats() (set in the module's exec slot). */
static HPyGlobal g_Stats_type;

/* stats(*values) -> Stats(count, total, largest); values must support + and > */
HPyDef_METH(stats, "stats", HPyFunc_VARARGS, .doc = "stats(*values) -> Stats(count, total, largest)")
static HPy stats_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy items[3] = { HPy_NULL, HPy_NULL, HPy_NULL };
    HPy type, result = HPy_NULL;
    size_t i;
    int k;
    (void)self;

    if (nargs == 0)
        return HPyErr_SetString(ctx, ctx->h_ValueError, "stats() needs at least one value");
    items[0] = HPyLong_FromSize_t(ctx, nargs);
    items[1] = HPy_Dup(ctx, args[0]);
    items[2] = HPy_Dup(ctx, args[0]);
    if (HPy_IsNull(items[0]))
        goto done;
    for (i = 1; i < nargs; i++) {
        HPy sum = HPy_Add(ctx, items[1], args[i]);
        int greater;
        if (HPy_IsNull(sum))
            goto done;
        HPy_Close(ctx, items[1]);
        items[1] = sum;
        greater = HPy_RichCompareBool(ctx, args[i], items[2], HPy_GT);
        if (greater < 0)
            goto done;
        if (greater) {
            HPy_Close(ctx, items[2]);
            items[2] = HPy_Dup(ctx, args[i]);
        }
    }
    type = HPyGlobal_Load(ctx, g_Stats_type);
    /* New takes its own references to the items */
    result = HPyStructSequence_New(ctx, type, 3, items);
    HPy_Close(ctx, type);
done:
    for (k = 0; k < 3; k++) {
        if (!HPy_IsNull(items[k]))
            HPy_Close(ctx, items[k]);
    }
    return result;
}

/* make(type, *items): HPyStructSequence_New with exactly what it was given,
   so wrong types and counts reach its checks */
HPyDef_METH(make, "make", HPyFunc_VARARGS, .doc = "make(type, *items)")
static HPy make_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs == 0)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "make() needs a type");
    return HPyStructSequence_New(ctx, args[0], (HPy_ssize_t)(nargs - 1), (HPy *)(args + 1));
}

/* make_empty(type): no items and no array */
HPyDef_METH(make_empty, "make_empty", HPyFunc_O, .doc = "make_empty(type)")
static HPy make_empty_impl(HPyContext *ctx, HPy self, HPy type)
{
    (void)self;
    return HPyStructSequence_New(ctx, type, 0, NULL);
}

static HPyStructSequence_Field bad_fields[] = { { "x", NULL }, { NULL, NULL } };
static HPyStructSequence_Desc bad_no_name = { NULL, NULL, bad_fields };
static HPyStructSequence_Desc bad_no_fields = { "structseq.Bad", NULL, NULL };

/* new_bad_type(which): 0 no name, 1 no fields, 2 no descriptor at all */
HPyDef_METH(new_bad_type, "new_bad_type", HPyFunc_O, .doc = "new_bad_type(which)")
static HPy new_bad_type_impl(HPyContext *ctx, HPy self, HPy which)
{
    long w = HPyLong_AsLong(ctx, which);
    (void)self;
    if (w == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyStructSequence_NewType(ctx, w == 0 ? &bad_no_name : w == 1 ? &bad_no_fields : NULL);
}

static int add_structseq(HPyContext *ctx, HPy module, const char *attr,
                         HPyStructSequence_Desc *desc, HPyGlobal *keep)
{
    int rc;
    HPy type = HPyStructSequence_NewType(ctx, desc);
    if (HPy_IsNull(type))
        return -1;
    rc = HPy_SetAttr_s(ctx, module, attr, type);
    if (rc == 0 && keep != NULL)
        HPyGlobal_Store(ctx, keep, type);
    HPy_Close(ctx, type);
    return rc;
}

HPyDef_SLOT(structseq_exec, HPy_mod_exec)
static int structseq_exec_impl(HPyContext *ctx, HPy module)
{
    /* the marker is a variable, not a constant, so it cannot be in the
       static initializer */
    Stats_fields[2].name = HPyStructSequence_UnnamedField;
    if (add_structseq(ctx, module, "Stats", &Stats_desc, &g_Stats_type) < 0
            || add_structseq(ctx, module, "Empty", &Empty_desc, NULL) < 0
            || add_structseq(ctx, module, "Deep", &Deep_desc, NULL) < 0
            || add_structseq(ctx, module, "NoDot", &NoDot_desc, NULL) < 0)
        return -1;
    return 0;
}

static HPyDef *structseq_defines[] = {
    &stats,
    &make,
    &make_empty,
    &new_bad_type,
    &structseq_exec,
    NULL
};

static HPyGlobal *structseq_globals[] = {
    &g_Stats_type,
    NULL
};

static HPyModuleDef structseq_def = {
    .doc = "Struct sequence types made with HPyStructSequence_NewType.",
    .size = 0,
    .legacy_methods = NULL,
    .defines = structseq_defines,
    .globals = structseq_globals,
};

HPy_MODINIT(structseq, structseq_def)
