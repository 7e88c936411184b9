/* A hybrid extension: HPy code that also uses the legacy C API, as a step in porting an existing
 * extension. Built with HPY_ABI_HYBRID it is still a universal binary (NAME.hpy0.so, loaded through
 * libhpy); built with HPY_ABI_CPYTHON it is an ordinary extension. */
#include <Python.h>
#include "hpy.h"

/* HPy code reaching a C API function through HPy_AsPyObject / HPy_FromPyObject. */
HPyDef_METH(legacy_repr, "legacy_repr", HPyFunc_O)
static HPy legacy_repr_impl(HPyContext *ctx, HPy self, HPy obj)
{
    PyObject *o = HPy_AsPyObject(ctx, obj);
    PyObject *r = PyObject_Repr(o);
    Py_DECREF(o);
    if (r == NULL)
        return HPy_NULL;
    HPy result = HPy_FromPyObject(ctx, r);
    Py_DECREF(r);
    return result;
}

/* A method written entirely in the C API, listed in legacy_methods. */
static PyObject *legacy_add(PyObject *self, PyObject *args)
{
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b))
        return NULL;
    return PyLong_FromLong(a + b);
}

static PyMethodDef legacy_methods[] = {
    {"legacy_add", legacy_add, METH_VARARGS, "a + b, in the legacy C API"},
    {NULL, NULL, 0, NULL}
};

/* A legacy-shape type: its struct starts with PyObject_HEAD, so C API slots and HPy methods
 * see the same object. */
typedef struct {
    PyObject_HEAD
    long count;
} CounterObject;

HPyType_LEGACY_HELPERS(CounterObject)

static PyObject *Counter_increment(PyObject *self, PyObject *unused)
{
    ((CounterObject *)self)->count++;
    Py_RETURN_NONE;
}

static PyMethodDef Counter_legacy_methods[] = {
    {"increment", Counter_increment, METH_NOARGS, "add one, in the legacy C API"},
    {NULL, NULL, 0, NULL}
};

static PyType_Slot Counter_legacy_slots[] = {
    {Py_tp_methods, Counter_legacy_methods},
    {0, NULL}
};

HPyDef_METH(Counter_get, "get", HPyFunc_NOARGS)
static HPy Counter_get_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, CounterObject_AsStruct(ctx, self)->count);
}

HPyDef_SLOT(Counter_new, HPy_tp_new)
static HPy Counter_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    CounterObject *counter;
    HPy h = HPy_New(ctx, cls, &counter);
    if (!HPy_IsNull(h))
        counter->count = 0;
    return h;
}

static HPyDef *Counter_defines[] = { &Counter_get, &Counter_new, NULL };

static HPyType_Spec Counter_spec = {
    .name = "hybrid.Counter",
    .basicsize = sizeof(CounterObject),
    .flags = HPy_TPFLAGS_DEFAULT,
    .builtin_shape = HPyType_BuiltinShape_Legacy,
    .legacy_slots = Counter_legacy_slots,
    .defines = Counter_defines,
    .doc = "A counter: increment() is legacy C API, get() is HPy",
};

/* LegacyMeta: a static metaclass written in the C API, with a C field of its own; an HPy type
   made with it (HPyType_SpecParam_Metaclass) is an instance of it. */
typedef struct {
    PyHeapTypeObject type;
    long stamp;
} LegacyMetaObject;

static PyTypeObject LegacyMeta_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "hybrid.LegacyMeta",
    .tp_basicsize = sizeof(LegacyMetaObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A static metaclass from the C API",
};

typedef struct {
    long unused;
} StampedObject;

static HPyType_Spec Stamped_spec = {
    .name = "hybrid.Stamped",
    .basicsize = sizeof(StampedObject),
    .flags = HPy_TPFLAGS_DEFAULT,
};

/* stamp(): make Stamped with LegacyMeta and return (type, its C field) */
HPyDef_METH(stamp, "stamp", HPyFunc_NOARGS)
static HPy stamp_impl(HPyContext *ctx, HPy self)
{
    HPy meta = HPy_FromPyObject(ctx, (PyObject *)&LegacyMeta_Type);
    HPyType_SpecParam params[] = {
        { HPyType_SpecParam_Metaclass, meta },
        { (HPyType_SpecParam_Kind)0 },
    };
    HPy type = HPyType_FromSpec(ctx, &Stamped_spec, params);
    HPy_Close(ctx, meta);
    if (HPy_IsNull(type))
        return HPy_NULL;
    LegacyMetaObject *m = (LegacyMetaObject *)HPy_AsPyObject(ctx, type);
    m->stamp = 1234;
    HPy stamp = HPyLong_FromLong(ctx, m->stamp);
    Py_DECREF(m);
    HPy result = HPyTuple_Pack(ctx, 2, type, stamp);
    HPy_Close(ctx, type);
    HPy_Close(ctx, stamp);
    return result;
}

HPyDef_SLOT(hybrid_exec, HPy_mod_exec)
static int hybrid_exec_impl(HPyContext *ctx, HPy module)
{
    LegacyMeta_Type.tp_base = &PyType_Type;
    if (PyType_Ready(&LegacyMeta_Type) < 0)
        return -1;
    HPy meta = HPy_FromPyObject(ctx, (PyObject *)&LegacyMeta_Type);
    int err = HPy_SetAttr_s(ctx, module, "LegacyMeta", meta);
    HPy_Close(ctx, meta);
    if (err < 0)
        return -1;
    return HPyHelpers_AddType(ctx, module, "Counter", &Counter_spec, NULL) ? 0 : -1;
}

static HPyDef *module_defines[] = { &legacy_repr, &stamp, &hybrid_exec, NULL };

static HPyModuleDef moduledef = {
    .doc = "HPy and the legacy C API side by side",
    .legacy_methods = legacy_methods,
    .defines = module_defines,
};

HPy_MODINIT(hybrid, moduledef)
