/* protocols: the HPy call protocol, metaclasses and GC traversal.
 *   protocols.Adder         HPy_tp_call without HPy_tp_new: Adder(base)(*args) -> base + sum(args)
 *   protocols.Switch        HPy_tp_new picks the call function per object (HPy_SetCallFunction)
 *   protocols.Bare          a zero-basicsize pure HPy type with HPy_tp_call
 *   protocols.Explicit      an explicit __vectorcalloffset__ member set in HPy_tp_new
 *   protocols.Pair          two HPyFields visited by HPy_tp_traverse
 *   protocols.Meta          an HPy metaclass (base: type) with data of its own
 *   make_type(name, meta)   a new type whose metaclass is `meta`
 *   make_type_two_metas(m)  HPyType_SpecParam_Metaclass given twice (ValueError)
 *   make_var_call_type()    HPy_tp_call on a variable-size type (TypeError)
 *   set_call(obj)           HPy_SetCallFunction on any object
 *   meta_tag(t) / set_meta_tag(t, n)   the Meta data of a type made by make_type
 */
#include <stdint.h>
#include <string.h>
#include "hpy.h"

/* ---- Adder ---------------------------------------------------------- */

typedef struct {
    long base;
} AdderObject;

HPyType_HELPERS(AdderObject)

HPyDef_SLOT(Adder_init, HPy_tp_init)
static int Adder_init_impl(HPyContext *ctx, HPy self, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    long base = 0;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "|l", &base))
        return -1;
    AdderObject_AsStruct(ctx, self)->base = base;
    return 0;
}

/* base + every positional argument; keyword `scale` multiplies the result */
HPyDef_SLOT(Adder_call, HPy_tp_call)
static HPy Adder_call_impl(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    long total = AdderObject_AsStruct(ctx, callable)->base;
    long scale = 1;
    for (size_t i = 0; i < nargs; i++) {
        long v = HPyLong_AsLong(ctx, args[i]);
        if (v == -1 && HPyErr_Occurred(ctx))
            return HPy_NULL;
        total += v;
    }
    if (!HPy_IsNull(kwnames)) {
        HPy_ssize_t nkw = HPy_Length(ctx, kwnames);
        for (HPy_ssize_t i = 0; i < nkw; i++) {
            HPy key = HPy_GetItem_i(ctx, kwnames, i);
            const char *name = HPyUnicode_AsUTF8AndSize(ctx, key, NULL);
            int is_scale = name != NULL && strcmp(name, "scale") == 0;
            HPy_Close(ctx, key);
            if (!is_scale) {
                HPyErr_SetString(ctx, ctx->h_TypeError, "Adder takes only the keyword 'scale'");
                return HPy_NULL;
            }
            scale = HPyLong_AsLong(ctx, args[nargs + i]);
            if (scale == -1 && HPyErr_Occurred(ctx))
                return HPy_NULL;
        }
    }
    return HPyLong_FromLong(ctx, total * scale);
}

static HPyDef *Adder_defines[] = { &Adder_init, &Adder_call, NULL };
static HPyType_Spec Adder_spec = {
    .name = "protocols.Adder",
    .basicsize = sizeof(AdderObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE,
    .defines = Adder_defines,
};

/* ---- Switch: the call function chosen per object ------------------- */

HPyDef_CALL_FUNCTION(call_upper)
static HPy call_upper_impl(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    return HPyUnicode_FromString(ctx, "UPPER");
}

HPyDef_CALL_FUNCTION(call_lower)
static HPy call_lower_impl(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    return HPyLong_FromSize_t(ctx, nargs);
}

HPyDef_SLOT(Switch_new, HPy_tp_new)
static HPy Switch_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    int upper = 0;
    void *data;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "|p", &upper))
        return HPy_NULL;
    HPy h = HPy_New(ctx, cls, &data);
    if (HPy_IsNull(h))
        return HPy_NULL;
    if (HPy_SetCallFunction(ctx, h, upper ? &call_upper : &call_lower) < 0) {
        HPy_Close(ctx, h);
        return HPy_NULL;
    }
    return h;
}

/* the type's default call function, replaced in every object by Switch_new */
HPyDef_SLOT(Switch_call, HPy_tp_call)
static HPy Switch_call_impl(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    return HPyUnicode_FromString(ctx, "default");
}

typedef struct {
    long unused;
} SwitchObject;

static HPyDef *Switch_defines[] = { &Switch_new, &Switch_call, NULL };
static HPyType_Spec Switch_spec = {
    .name = "protocols.Switch",
    .basicsize = sizeof(SwitchObject),
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = Switch_defines,
};

/* ---- Bare: zero basicsize -------------------------------------------- */

HPyDef_SLOT(Bare_call, HPy_tp_call)
static HPy Bare_call_impl(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    return HPyUnicode_FromString(ctx, "bare");
}

static HPyDef *Bare_defines[] = { &Bare_call, NULL };
static HPyType_Spec Bare_spec = {
    .name = "protocols.Bare",
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = Bare_defines,
};

/* ---- Explicit: __vectorcalloffset__ ---------------------------------- */

typedef struct {
    void *before;
    HPyCallFunction call;
    void *after;
} ExplicitObject;

HPyDef_MEMBER(Explicit_offset, "__vectorcalloffset__", HPyMember_HPYSSIZET,
              offsetof(ExplicitObject, call), .readonly = 1)

HPyDef_CALL_FUNCTION(call_explicit)
static HPy call_explicit_impl(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    return HPyUnicode_FromString(ctx, "explicit");
}

HPyDef_SLOT(Explicit_new, HPy_tp_new)
static HPy Explicit_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    ExplicitObject *data;
    HPy h = HPy_New(ctx, cls, &data);
    if (HPy_IsNull(h))
        return HPy_NULL;
    data->call = call_explicit;
    return h;
}

static HPyDef *Explicit_defines[] = { &Explicit_offset, &Explicit_new, NULL };
static HPyType_Spec Explicit_spec = {
    .name = "protocols.Explicit",
    .basicsize = sizeof(ExplicitObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_VECTORCALL,
    .defines = Explicit_defines,
};

/* ---- Pair: two fields, traversed ------------------------------------ */

typedef struct {
    HPyField a;
    HPyField b;
} PairObject;

HPyType_HELPERS(PairObject)

HPyDef_SLOT(Pair_new, HPy_tp_new)
static HPy Pair_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    HPy a, b;
    PairObject *p;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &a, &b))
        return HPy_NULL;
    HPy h = HPy_New(ctx, cls, &p);
    if (HPy_IsNull(h))
        return HPy_NULL;
    HPyField_Store(ctx, h, &p->a, a);
    HPyField_Store(ctx, h, &p->b, b);
    return h;
}

HPyDef_SLOT(Pair_traverse, HPy_tp_traverse)
static int Pair_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    PairObject *p = (PairObject *)self;
    HPy_VISIT(&p->a);
    HPy_VISIT(&p->b);
    return 0;
}

HPyDef_GET(Pair_first, "first")
static HPy Pair_first_get(HPyContext *ctx, HPy self, void *closure)
{
    return HPyField_Load(ctx, self, PairObject_AsStruct(ctx, self)->a);
}

static HPyDef *Pair_defines[] = { &Pair_new, &Pair_traverse, &Pair_first, NULL };
static HPyType_Spec Pair_spec = {
    .name = "protocols.Pair",
    .basicsize = sizeof(PairObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Pair_defines,
};

/* ---- Meta: a metaclass with data of its own -------------------------- */

typedef struct {
    long tag;
    char padding[40];
} MetaObject;

HPyType_HELPERS(MetaObject, HPyType_BuiltinShape_Type)

static HPyType_Spec Meta_spec = {
    .name = "protocols.Meta",
    .basicsize = sizeof(MetaObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE,
    .builtin_shape = HPyType_BuiltinShape_Type,
};

typedef struct {
    long value;
} MadeObject;

HPyDef_MEMBER(Made_value, "value", HPyMember_LONG, offsetof(MadeObject, value))
static HPyDef *Made_defines[] = { &Made_value, NULL };
static HPyType_Spec Made_spec = {
    .name = "protocols.Made",   /* renamed by make_type */
    .basicsize = sizeof(MadeObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE,
    .defines = Made_defines,
};

HPyDef_METH(make_type, "make_type", HPyFunc_VARARGS)
static HPy make_type_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    const char *name;
    HPy meta;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "sO", &name, &meta))
        return HPy_NULL;
    HPyType_SpecParam params[] = {
        { HPyType_SpecParam_Metaclass, meta },
        { (HPyType_SpecParam_Kind)0 },
    };
    HPyType_Spec spec = Made_spec;
    spec.name = name;
    return HPyType_FromSpec(ctx, &spec, params);
}

HPyDef_METH(make_type_two_metas, "make_type_two_metas", HPyFunc_O)
static HPy make_type_two_metas_impl(HPyContext *ctx, HPy self, HPy meta)
{
    HPyType_SpecParam params[] = {
        { HPyType_SpecParam_Metaclass, meta },
        { HPyType_SpecParam_Metaclass, meta },
        { (HPyType_SpecParam_Kind)0 },
    };
    return HPyType_FromSpec(ctx, &Made_spec, params);
}

HPyDef_METH(meta_tag, "meta_tag", HPyFunc_O)
static HPy meta_tag_impl(HPyContext *ctx, HPy self, HPy type)
{
    return HPyLong_FromLong(ctx, MetaObject_AsStruct(ctx, type)->tag);
}

HPyDef_METH(set_meta_tag, "set_meta_tag", HPyFunc_VARARGS)
static HPy set_meta_tag_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy type;
    long tag;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "Ol", &type, &tag))
        return HPy_NULL;
    MetaObject_AsStruct(ctx, type)->tag = tag;
    return HPy_Dup(ctx, ctx->h_None);
}

/* ---- errors ----------------------------------------------------------- */

static HPyDef *Var_defines[] = { &Bare_call, NULL };
static HPyType_Spec Var_spec = {
    .name = "protocols.Var",
    .basicsize = sizeof(AdderObject),
    .itemsize = sizeof(intptr_t),
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = Var_defines,
};

HPyDef_METH(make_var_call_type, "make_var_call_type", HPyFunc_NOARGS)
static HPy make_var_call_type_impl(HPyContext *ctx, HPy self)
{
    return HPyType_FromSpec(ctx, &Var_spec, NULL);
}

HPyDef_METH(set_call, "set_call", HPyFunc_O)
static HPy set_call_impl(HPyContext *ctx, HPy self, HPy obj)
{
    if (HPy_SetCallFunction(ctx, obj, &call_upper) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

/* ---- module ------------------------------------------------------------ */

HPyDef_SLOT(protocols_exec, HPy_mod_exec)
static int protocols_exec_impl(HPyContext *ctx, HPy m)
{
    if (!HPyHelpers_AddType(ctx, m, "Adder", &Adder_spec, NULL) ||
        !HPyHelpers_AddType(ctx, m, "Switch", &Switch_spec, NULL) ||
        !HPyHelpers_AddType(ctx, m, "Bare", &Bare_spec, NULL) ||
        !HPyHelpers_AddType(ctx, m, "Explicit", &Explicit_spec, NULL) ||
        !HPyHelpers_AddType(ctx, m, "Pair", &Pair_spec, NULL))
        return -1;
    HPyType_SpecParam meta_params[] = {
        { HPyType_SpecParam_Base, ctx->h_TypeType },
        { (HPyType_SpecParam_Kind)0 },
    };
    if (!HPyHelpers_AddType(ctx, m, "Meta", &Meta_spec, meta_params))
        return -1;
    return 0;
}

static HPyDef *module_defines[] = {
    &protocols_exec, &make_type, &make_type_two_metas, &meta_tag, &set_meta_tag,
    &make_var_call_type, &set_call, NULL
};

static HPyModuleDef moduledef = {
    .doc = "The HPy call protocol, metaclasses and GC traversal",
    .defines = module_defines,
};

HPy_MODINIT(protocols, moduledef)
