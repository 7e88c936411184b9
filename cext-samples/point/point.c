/* point: two small HPy types.
 *   point.Point  a 2-D point with members, get/set descriptors, methods,
 *                repr, rich comparison and addition.
 *   point.Box    a boxed C long using the generic allocator plus tp_init.
 */
#include <math.h>
#include <stdio.h>
#include "hpy.h"

/* ====================================================================== */
/* Point                                                                  */
/* ====================================================================== */

typedef struct {
    double x;
    double y;
} PointObject;

HPyType_HELPERS(PointObject)

/* The Point type itself, so instances can be created and recognised from
   any function (set in the module's exec slot). */
static HPyGlobal g_Point_type;

static HPy point_new(HPyContext *ctx, HPy type, double x, double y)
{
    PointObject *p;
    HPy h = HPy_New(ctx, type, &p);
    if (HPy_IsNull(h))
        return HPy_NULL;
    p->x = x;
    p->y = y;
    return h;
}

/* 1 if h is a Point, 0 if not, -1 on error. */
static int is_point(HPyContext *ctx, HPy h)
{
    HPy type = HPyGlobal_Load(ctx, g_Point_type);
    int res;
    if (HPy_IsNull(type))
        return -1;
    res = HPy_TypeCheck(ctx, h, type);
    HPy_Close(ctx, type);
    return res;
}

/* A new Point of the registered type. */
static HPy make_point(HPyContext *ctx, double x, double y)
{
    HPy type = HPyGlobal_Load(ctx, g_Point_type);
    HPy h;
    if (HPy_IsNull(type))
        return HPy_NULL;
    h = point_new(ctx, type, x, y);
    HPy_Close(ctx, type);
    return h;
}

/* Point(x=0.0, y=0.0) */
HPyDef_SLOT(Point_new, HPy_tp_new)
static HPy Point_new_impl(HPyContext *ctx, HPy cls, const HPy *args,
                          HPy_ssize_t nargs, HPy kw)
{
    static const char *kwlist[] = { "x", "y", NULL };
    double x = 0.0, y = 0.0;
    /* tp_new receives keywords as a dict */
    if (!HPyArg_ParseKeywordsDict(ctx, NULL, args, nargs, kw, "|dd:Point",
                                  kwlist, &x, &y))
        return HPy_NULL;
    return point_new(ctx, cls, x, y);
}

HPyDef_MEMBER(Point_x, "x", HPyMember_DOUBLE, offsetof(PointObject, x), .doc = "x coordinate")
HPyDef_MEMBER(Point_y, "y", HPyMember_DOUBLE, offsetof(PointObject, y), .doc = "y coordinate")

/* xy: read as (x, y); assign from a 2-tuple of numbers; not deletable */
HPyDef_GETSET(Point_xy, "xy", .doc = "(x, y) as a tuple")
static HPy Point_xy_get(HPyContext *ctx, HPy self, void *closure)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    HPy hx, hy, result;
    (void)closure;
    hx = HPyFloat_FromDouble(ctx, p->x);
    if (HPy_IsNull(hx))
        return HPy_NULL;
    hy = HPyFloat_FromDouble(ctx, p->y);
    if (HPy_IsNull(hy)) {
        HPy_Close(ctx, hx);
        return HPy_NULL;
    }
    result = HPyTuple_Pack(ctx, 2, hx, hy);
    HPy_Close(ctx, hx);
    HPy_Close(ctx, hy);
    return result;
}

static int Point_xy_set(HPyContext *ctx, HPy self, HPy value, void *closure)
{
    PointObject *p;
    double coords[2];
    HPy_ssize_t i;
    (void)closure;

    if (HPy_IsNull(value)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "cannot delete the xy attribute");
        return -1;
    }
    if (!HPyTuple_Check(ctx, value) || HPy_Length(ctx, value) != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "xy must be a tuple of two numbers");
        return -1;
    }
    for (i = 0; i < 2; i++) {
        HPy item = HPy_GetItem_i(ctx, value, i);
        if (HPy_IsNull(item))
            return -1;
        if (!HPyNumber_Check(ctx, item)) {
            HPy_Close(ctx, item);
            HPyErr_SetString(ctx, ctx->h_TypeError, "xy must be a tuple of two numbers");
            return -1;
        }
        coords[i] = HPyFloat_AsDouble(ctx, item);
        HPy_Close(ctx, item);
        if (coords[i] == -1.0 && HPyErr_Occurred(ctx))
            return -1;
    }
    /* assign only once both coordinates converted */
    p = PointObject_AsStruct(ctx, self);
    p->x = coords[0];
    p->y = coords[1];
    return 0;
}

/* norm: read-only, distance from the origin */
HPyDef_GET(Point_norm, "norm", .doc = "Distance from the origin")
static HPy Point_norm_get(HPyContext *ctx, HPy self, void *closure)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    (void)closure;
    return HPyFloat_FromDouble(ctx, sqrt(p->x * p->x + p->y * p->y));
}

/* scale(k) -> Point(x*k, y*k) */
HPyDef_METH(Point_scale, "scale", HPyFunc_O, .doc = "Return a new point scaled by k.")
static HPy Point_scale_impl(HPyContext *ctx, HPy self, HPy h_k)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    double k = HPyFloat_AsDouble(ctx, h_k);
    if (k == -1.0 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return make_point(ctx, p->x * k, p->y * k);
}

/* dot(other) -> x*ox + y*oy */
HPyDef_METH(Point_dot, "dot", HPyFunc_O, .doc = "Dot product with another point.")
static HPy Point_dot_impl(HPyContext *ctx, HPy self, HPy other)
{
    PointObject *a, *b;
    int ok = is_point(ctx, other);
    if (ok < 0)
        return HPy_NULL;
    if (!ok)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "expected a Point");
    a = PointObject_AsStruct(ctx, self);
    b = PointObject_AsStruct(ctx, other);
    return HPyFloat_FromDouble(ctx, a->x * b->x + a->y * b->y);
}

/* as_tuple() -> (x, y) */
HPyDef_METH(Point_as_tuple, "as_tuple", HPyFunc_NOARGS, .doc = "Return (x, y).")
static HPy Point_as_tuple_impl(HPyContext *ctx, HPy self)
{
    return Point_xy_get(ctx, self, NULL);
}

/* repr: "Point(<repr(x)>, <repr(y)>)", e.g. Point(1.0, 2.0) */
HPyDef_SLOT(Point_repr, HPy_tp_repr)
static HPy Point_repr_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    double coords[2];
    const char *text[2] = { NULL, NULL };
    HPy reprs[2] = { HPy_NULL, HPy_NULL };
    HPy result = HPy_NULL;
    char buf[160];
    HPy_ssize_t len;
    int i;

    coords[0] = p->x;
    coords[1] = p->y;
    for (i = 0; i < 2; i++) {
        /* Python's float repr gives the shortest round-tripping text */
        HPy f = HPyFloat_FromDouble(ctx, coords[i]);
        if (HPy_IsNull(f))
            goto done;
        reprs[i] = HPy_Repr(ctx, f);
        HPy_Close(ctx, f);
        if (HPy_IsNull(reprs[i]))
            goto done;
        text[i] = HPyUnicode_AsUTF8AndSize(ctx, reprs[i], &len);
        if (text[i] == NULL)
            goto done;
    }
    snprintf(buf, sizeof(buf), "Point(%s, %s)", text[0], text[1]);
    result = HPyUnicode_FromString(ctx, buf);

done:
    for (i = 0; i < 2; i++)
        if (!HPy_IsNull(reprs[i]))
            HPy_Close(ctx, reprs[i]);
    return result;
}

/* == and != compare coordinates with another Point */
HPyDef_SLOT(Point_richcompare, HPy_tp_richcompare)
static HPy Point_richcompare_impl(HPyContext *ctx, HPy self, HPy other, HPy_RichCmpOp op)
{
    PointObject *a, *b;
    int same;
    int ok = is_point(ctx, other);
    if (ok < 0)
        return HPy_NULL;
    if (!ok || (op != HPy_EQ && op != HPy_NE))
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    a = PointObject_AsStruct(ctx, self);
    b = PointObject_AsStruct(ctx, other);
    same = (a->x == b->x) && (a->y == b->y);
    return HPyBool_FromLong(ctx, op == HPy_EQ ? same : !same);
}

/* Point + Point -> Point; anything else is NotImplemented */
HPyDef_SLOT(Point_add, HPy_nb_add)
static HPy Point_add_impl(HPyContext *ctx, HPy left, HPy right)
{
    PointObject *a, *b;
    int l_ok, r_ok;
    l_ok = is_point(ctx, left);
    if (l_ok < 0)
        return HPy_NULL;
    r_ok = is_point(ctx, right);
    if (r_ok < 0)
        return HPy_NULL;
    if (!l_ok || !r_ok)
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    a = PointObject_AsStruct(ctx, left);
    b = PointObject_AsStruct(ctx, right);
    return make_point(ctx, a->x + b->x, a->y + b->y);
}

static HPyDef *Point_defines[] = {
    &Point_new,
    &Point_x,
    &Point_y,
    &Point_xy,
    &Point_norm,
    &Point_scale,
    &Point_dot,
    &Point_as_tuple,
    &Point_repr,
    &Point_richcompare,
    &Point_add,
    NULL
};

static HPyType_Spec Point_spec = {
    .name = "point.Point",
    .basicsize = sizeof(PointObject),
    .itemsize = 0,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE,
    .builtin_shape = SHAPE(PointObject),
    .legacy_slots = NULL,
    .defines = Point_defines,
    .doc = "A 2-D point",
};

/* ====================================================================== */
/* Box                                                                    */
/* ====================================================================== */

typedef struct {
    long value;
} BoxObject;

HPyType_HELPERS(BoxObject)

/* Allocation is the runtime's generic one; tp_init fills the value. */
HPyDef_SLOT(Box_new, HPy_tp_new)
static HPy Box_new_impl(HPyContext *ctx, HPy cls, const HPy *args,
                        HPy_ssize_t nargs, HPy kw)
{
    return HPyType_GenericNew(ctx, cls, args, nargs, kw);
}

/* Box(value=0) */
HPyDef_SLOT(Box_init, HPy_tp_init)
static int Box_init_impl(HPyContext *ctx, HPy self, const HPy *args,
                         HPy_ssize_t nargs, HPy kw)
{
    static const char *kwlist[] = { "value", NULL };
    long value = 0;
    if (!HPyArg_ParseKeywordsDict(ctx, NULL, args, nargs, kw, "|l:Box",
                                  kwlist, &value))
        return -1;
    BoxObject_AsStruct(ctx, self)->value = value;
    return 0;
}

HPyDef_MEMBER(Box_value, "value", HPyMember_LONG, offsetof(BoxObject, value), .doc = "the boxed integer")

/* get() -> value */
HPyDef_METH(Box_get, "get", HPyFunc_NOARGS, .doc = "Return the boxed integer.")
static HPy Box_get_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, BoxObject_AsStruct(ctx, self)->value);
}

static HPyDef *Box_defines[] = {
    &Box_new,
    &Box_init,
    &Box_value,
    &Box_get,
    NULL
};

static HPyType_Spec Box_spec = {
    .name = "point.Box",
    .basicsize = sizeof(BoxObject),
    .itemsize = 0,
    .flags = HPy_TPFLAGS_DEFAULT,
    .builtin_shape = SHAPE(BoxObject),
    .legacy_slots = NULL,
    .defines = Box_defines,
    .doc = "A box holding one C long",
};

/* ====================================================================== */
/* module                                                                 */
/* ====================================================================== */

HPyDef_SLOT(point_exec, HPy_mod_exec)
static int point_exec_impl(HPyContext *ctx, HPy module)
{
    HPy type;
    if (!HPyHelpers_AddType(ctx, module, "Point", &Point_spec, NULL))
        return -1;
    if (!HPyHelpers_AddType(ctx, module, "Box", &Box_spec, NULL))
        return -1;
    type = HPy_GetAttr_s(ctx, module, "Point");
    if (HPy_IsNull(type))
        return -1;
    HPyGlobal_Store(ctx, &g_Point_type, type);
    HPy_Close(ctx, type);
    return 0;
}

static HPyDef *point_defines[] = {
    &point_exec,
    NULL
};

static HPyGlobal *point_globals[] = {
    &g_Point_type,
    NULL
};

static HPyModuleDef point_def = {
    .doc = "Sample HPy types: Point and Box.",
    .size = 0,
    .legacy_methods = NULL,
    .defines = point_defines,
    .globals = point_globals,
};

HPy_MODINIT(point, point_def)
