/* HPyType_FromSpec and instance life cycle for CPython ABI mode.
 *
 * Types are made with PyType_FromSpec*. What CPython cannot hold for us
 * (shape, HPy_tp_destroy, HPy_tp_traverse, HPy_tp_call) lives in a
 * _HPyCPy_TypeInfo attached to the type through a capsule in tp_cache, a
 * slot CPython no longer uses but still releases with the type. The capsule
 * name is fixed so types from other extensions built with these headers are
 * recognised too.
 */
#include <string.h>
#include "runtime.h"
#if PY_VERSION_HEX < 0x030C0000
#  include <structmember.h>     /* PyMemberDef, READONLY */
#endif

#ifndef Py_READONLY
#  define Py_READONLY READONLY
#endif

#define TYPEINFO_CAPSULE "hpyshim.cpython.typeinfo.v1"

typedef struct {
    HPyType_BuiltinShape shape;
    HPyFunc_destroyfunc destroy;            /* HPy_tp_destroy impl or NULL */
    HPyFunc_traverseproc traverse;          /* HPy_tp_traverse impl or NULL */
    cpy_vectorcallfunc call;                /* HPy_tp_call trampoline or NULL */
    Py_ssize_t call_offset;                 /* per-instance call function slot */
    PyTypeObject *type;                     /* the type, for own_forget (added at the end: the
                                               fields above are what other extensions read) */
} TypeInfo;

/* sanity checks of the layouts the headers rely on */
typedef char check_buffer_size[sizeof(HPy_buffer) == sizeof(Py_buffer) ? 1 : -1];
typedef char check_buffer_obj[offsetof(HPy_buffer, obj) == offsetof(Py_buffer, obj) ? 1 : -1];
typedef char check_buffer_internal[offsetof(HPy_buffer, internal) == offsetof(Py_buffer, internal) ? 1 : -1];
typedef char check_handle_size[sizeof(HPy) == sizeof(PyObject *) ? 1 : -1];

static Py_ssize_t header_size(HPyType_BuiltinShape shape)
{
    switch (shape) {
    case HPyType_BuiltinShape_Legacy: return 0;
    case HPyType_BuiltinShape_Object: return (Py_ssize_t)_HPyCPy_HEADER_SIZE(Object);
    case HPyType_BuiltinShape_Type: return (Py_ssize_t)_HPyCPy_HEADER_SIZE(Type);
    case HPyType_BuiltinShape_Long: return (Py_ssize_t)_HPyCPy_HEADER_SIZE(Long);
    case HPyType_BuiltinShape_Float: return (Py_ssize_t)_HPyCPy_HEADER_SIZE(Float);
    case HPyType_BuiltinShape_Unicode: return (Py_ssize_t)_HPyCPy_HEADER_SIZE(Unicode);
    case HPyType_BuiltinShape_Tuple: return (Py_ssize_t)_HPyCPy_HEADER_SIZE(Tuple);
    case HPyType_BuiltinShape_List: return (Py_ssize_t)_HPyCPy_HEADER_SIZE(List);
    case HPyType_BuiltinShape_Dict: return (Py_ssize_t)_HPyCPy_HEADER_SIZE(Dict);
    }
    return -1;
}

/* The types this extension made, by address, so that allocation and deallocation find their
   info without two capsule queries per level and object. An entry leaves when its type dies (the
   capsule's destructor), so an address reused by another type never finds a stale one. Types of
   other extensions built with these headers are found through their capsule. */
typedef struct { PyTypeObject *type; TypeInfo *info; } own_entry;
#define OWN_GONE ((PyTypeObject *)1)
static own_entry *own_table;
static size_t own_capacity, own_filled;   /* a power of two; live entries plus gone ones */

static size_t own_hash(PyTypeObject *tp)
{
    return ((size_t)tp >> 4) * (size_t)0x9E3779B97F4A7C15ULL;
}

static own_entry *own_find(PyTypeObject *tp)
{
    size_t mask = own_capacity - 1, i;
    if (own_capacity == 0)
        return NULL;
    for (i = own_hash(tp) & mask;; i = (i + 1) & mask) {
        if (own_table[i].type == tp)
            return &own_table[i];
        if (own_table[i].type == NULL)
            return NULL;
    }
}

static void own_remember(PyTypeObject *tp, TypeInfo *info)
{
    size_t i, mask;
    if ((own_filled + 1) * 2 > own_capacity) {
        size_t capacity = own_capacity ? own_capacity * 2 : 64, live = 0;
        own_entry *table = (own_entry *)PyMem_Calloc(capacity, sizeof(own_entry));
        if (table == NULL)
            return;   /* the capsule still answers */
        for (i = 0; i < own_capacity; i++) {
            if (own_table[i].type != NULL && own_table[i].type != OWN_GONE) {
                size_t j = own_hash(own_table[i].type) & (capacity - 1);
                while (table[j].type != NULL)
                    j = (j + 1) & (capacity - 1);
                table[j] = own_table[i];
                live++;
            }
        }
        PyMem_Free(own_table);
        own_table = table;
        own_capacity = capacity;
        own_filled = live;
    }
    mask = own_capacity - 1;
    for (i = own_hash(tp) & mask; own_table[i].type != NULL; i = (i + 1) & mask)
        ;
    own_table[i].type = tp;
    own_table[i].info = info;
    own_filled++;
}

static void own_forget(PyTypeObject *tp)
{
    own_entry *e = own_find(tp);
    if (e != NULL) {
        e->type = OWN_GONE;
        e->info = NULL;
    }
}

/* The info of this very type, or NULL if it was not made by HPyType_FromSpec. */
static TypeInfo *own_info(PyTypeObject *tp)
{
    PyObject *c = tp->tp_cache;
    own_entry *e;
    if (c == NULL)
        return NULL;
    e = own_find(tp);
    if (e != NULL)
        return e->info;
    if (!PyCapsule_IsValid(c, TYPEINFO_CAPSULE))
        return NULL;
    return (TypeInfo *)PyCapsule_GetPointer(c, TYPEINFO_CAPSULE);
}

/* The nearest HPy type's info along tp_base (subclasses inherit layout). */
static TypeInfo *find_info(PyTypeObject *tp)
{
    for (; tp != NULL; tp = tp->tp_base) {
        TypeInfo *info = own_info(tp);
        if (info != NULL)
            return info;
    }
    return NULL;
}

static TypeInfo *find_call_info(PyTypeObject *tp)
{
    for (; tp != NULL; tp = tp->tp_base) {
        TypeInfo *info = own_info(tp);
        if (info != NULL && info->call_offset > 0)
            return info;
    }
    return NULL;
}

static void *payload(PyObject *self)
{
    TypeInfo *info = find_info(Py_TYPE(self));
    return (char *)self + header_size(info ? info->shape : HPyType_BuiltinShape_Legacy);
}

/* ---- traverse / clear / dealloc ---- */

typedef struct { visitproc visit; void *arg; } VisitArgs;

static int visit_field(HPyField *f, void *arg)
{
    VisitArgs *a = (VisitArgs *)arg;
    PyObject *o = _hf2py(*f);
    return o != NULL ? a->visit(o, a->arg) : 0;
}

_HPy_HIDDEN int _HPyCPy_CallTraverse(HPyFunc_traverseproc impl, PyObject *self,
                                     visitproc visit, void *arg)
{
    VisitArgs a;
    /* Exactly the fields the extension visits, as in HPy (gc.get_referents shows them); not the
       type, which 3.9+ asks of heap types: as in HPy, a cycle through an object's reference to
       its type is not collected. */
    a.visit = visit;
    a.arg = arg;
    return impl(payload(self), visit_field, &a);
}

static int clear_field(HPyField *f, void *arg)
{
    PyObject *o = _hf2py(*f);
    (void)arg;
    *f = HPyField_NULL;
    Py_XDECREF(o);
    return 0;
}

/* Drop every HPyField of every HPy level (found through their traverse). */
static int hpy_clear(PyObject *self)
{
    PyTypeObject *tp;
    for (tp = Py_TYPE(self); tp != NULL; tp = tp->tp_base) {
        TypeInfo *info = own_info(tp);
        if (info != NULL && info->traverse != NULL)
            info->traverse(payload(self), clear_field, NULL);
    }
    return 0;
}

static void hpy_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self), *base;

    /* Python subclasses run the finalizer before reaching us */
    if (tp->tp_finalize != NULL && tp->tp_dealloc == hpy_dealloc) {
        if (PyObject_CallFinalizerFromDealloc(self) < 0)
            return;         /* resurrected */
    }
    if (PyType_IS_GC(tp))
        PyObject_GC_UnTrack(self);
    hpy_clear(self);
    for (base = tp; base != NULL; base = base->tp_base) {
        TypeInfo *info = own_info(base);
        if (info != NULL && info->destroy != NULL)
            info->destroy(payload(self));
    }
    /* The first base not made by HPyType_FromSpec releases the rest:
       builtin types (list, dict, ...) free what they own, anything else
       only frees memory. Python subclasses above us are skipped first. */
    base = tp;
    while (base != NULL && own_info(base) == NULL)
        base = base->tp_base;
    while (base != NULL && own_info(base) != NULL)
        base = base->tp_base;
    if (base != NULL && base != &PyBaseObject_Type &&
        !(PyType_GetFlags(base) & Py_TPFLAGS_HEAPTYPE) && base->tp_dealloc != NULL) {
        /* some builtin deallocators (type's, for metaclasses) untrack without checking */
        if (PyType_IS_GC(base))
            PyObject_GC_Track(self);
        base->tp_dealloc(self);
    }
    else
        tp->tp_free(self);
    Py_DECREF(tp);
}

/* ---- metaclasses ---- */

/* PyType_FromMetaclass where CPython has it (3.12+). Before, PyType_FromSpecWithBases always makes
   an instance of 'type', sized by type's tp_basicsize: for the length of that one call (under the
   GIL) 'type' gets the metaclass's size, and the metaclass then becomes the new type's type. The
   object has the size and layout of an instance of the metaclass, including the member table
   CPython stores after Py_TYPE(type)->tp_basicsize bytes. */
static PyObject *type_from_metaclass(PyTypeObject *meta, PyType_Spec *spec, PyObject *bases)
{
    if (meta == NULL || meta == &PyType_Type)
        return PyType_FromSpecWithBases(spec, bases);
    if (meta->tp_new != PyType_Type.tp_new) {
        PyErr_SetString(PyExc_TypeError, "Metaclasses with custom tp_new are not supported.");
        return NULL;
    }
#if PY_VERSION_HEX >= 0x030C0000
    return PyType_FromMetaclass(meta, NULL, spec, bases);
#else
    PyTypeObject *winner = meta;
    if (bases != NULL) {
        winner = _PyType_CalculateMetaclass(meta, bases);
        if (winner == NULL)
            return NULL;
        if (winner->tp_new != PyType_Type.tp_new) {
            PyErr_SetString(PyExc_TypeError, "Metaclasses with custom tp_new are not supported.");
            return NULL;
        }
    }
    Py_ssize_t type_size = PyType_Type.tp_basicsize;
    PyType_Type.tp_basicsize = winner->tp_basicsize;
    PyObject *result = PyType_FromSpecWithBases(spec, bases);
    PyType_Type.tp_basicsize = type_size;
    if (result == NULL)
        return NULL;
    result->ob_type = winner;   /* Py_SET_TYPE is 3.9+ */
    if (winner->tp_flags & Py_TPFLAGS_HEAPTYPE)
        Py_INCREF(winner);   /* objects of heap types own a reference to their type */
    return result;
#endif
}

/* ---- calls (HPy_tp_call, HPy_SetCallFunction) ---- */

static cpy_vectorcallfunc *call_slot(PyObject *self, TypeInfo *info)
{
    return (cpy_vectorcallfunc *)(void *)((char *)self + info->call_offset);
}

/* Set once a type with HPy_tp_call exists: until then allocation skips the lookup below. */
static int any_type_has_call;

static void init_call_slot(PyObject *self)
{
    if (!any_type_has_call)
        return;
    TypeInfo *info = find_call_info(Py_TYPE(self));
    if (info != NULL && info->call != NULL)
        *call_slot(self, info) = info->call;
}

/* tp_call: (tuple, dict) -> the instance's vectorcall-shaped function */
static PyObject *hpy_call(PyObject *self, PyObject *args, PyObject *kw)
{
    TypeInfo *info = find_call_info(Py_TYPE(self));
    cpy_vectorcallfunc f;
    Py_ssize_t nargs = PyTuple_GET_SIZE(args), nkw, i;
    PyObject **stack, *kwnames, *key, *value, *res;

    if (info == NULL) {
        PyErr_Format(PyExc_TypeError, "'%.200s' object is not callable", Py_TYPE(self)->tp_name);
        return NULL;
    }
    f = *call_slot(self, info);
    if (f == NULL)
        f = info->call;
    if (f == NULL) {   /* an explicit __vectorcalloffset__ that tp_new left empty */
        PyErr_Format(PyExc_TypeError, "'%.200s' object has no call function", Py_TYPE(self)->tp_name);
        return NULL;
    }
    if (kw == NULL || PyDict_GET_SIZE(kw) == 0)
        return f(self, ((PyTupleObject *)args)->ob_item, (size_t)nargs, NULL);

    nkw = PyDict_GET_SIZE(kw);
    stack = (PyObject **)PyMem_Malloc((size_t)(nargs + nkw) * sizeof(PyObject *));
    if (stack == NULL)
        return PyErr_NoMemory();
    kwnames = PyTuple_New(nkw);
    if (kwnames == NULL) {
        PyMem_Free(stack);
        return NULL;
    }
    for (i = 0; i < nargs; i++)
        stack[i] = PyTuple_GET_ITEM(args, i);
    i = 0;
    {
        Py_ssize_t pos = 0;
        while (PyDict_Next(kw, &pos, &key, &value)) {
            Py_INCREF(key);
            PyTuple_SET_ITEM(kwnames, i, key);
            stack[nargs + i] = value;       /* borrowed: kw outlives the call */
            i++;
        }
    }
    res = f(self, stack, (size_t)nargs, kwnames);
    Py_DECREF(kwnames);
    PyMem_Free(stack);
    return res;
}

_HPy_HIDDEN int _HPyCPy_SetCallFunction(HPyContext *ctx, HPy h, HPyCallFunction *func)
{
    PyObject *obj = _h2py(h);
    TypeInfo *info = find_call_info(Py_TYPE(obj));
    (void)ctx;
    if (info == NULL) {
        PyErr_Format(PyExc_TypeError, "type '%.50s' does not implement the HPy call protocol",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    *call_slot(obj, info) = func->cpy_trampoline;
    return 0;
}

/* ---- instances ---- */

_HPy_HIDDEN PyObject *_HPyCPy_New(PyTypeObject *type, void **data)
{
    PyObject *o = type->tp_alloc(type, 0);
    if (o == NULL)
        return NULL;
    init_call_slot(o);
    *data = payload(o);
    return o;
}

_HPy_HIDDEN HPy _HPyCPy_Type_GenericNew(HPyContext *ctx, HPy type, const HPy *args,
                                   HPy_ssize_t nargs, HPy kw)
{
    PyTypeObject *tp = (PyTypeObject *)_h2py(type);
    PyObject *o;
    (void)ctx; (void)args; (void)nargs; (void)kw;
    o = tp->tp_alloc(tp, 0);
    if (o != NULL)
        init_call_slot(o);
    return _py2h(o);
}

_HPy_HIDDEN HPyType_BuiltinShape _HPyCPy_Type_GetBuiltinShape(HPyContext *ctx, HPy h_type)
{
    PyObject *tp = _h2py(h_type);
    TypeInfo *info;
    (void)ctx;
    if (!PyType_Check(tp)) {
        PyErr_SetString(PyExc_TypeError, "_HPyType_GetBuiltinShape: not a type");
        return (HPyType_BuiltinShape)-2;
    }
    info = find_info((PyTypeObject *)tp);
    return info != NULL ? info->shape : HPyType_BuiltinShape_Legacy;
}

_HPy_HIDDEN const char *_HPyCPy_Type_GetName(HPyContext *ctx, HPy type)
{
    PyTypeObject *tp = (PyTypeObject *)_h2py(type);
    const char *dot;
    (void)ctx;
    if (PyType_GetFlags(tp) & Py_TPFLAGS_HEAPTYPE)
        return PyUnicode_AsUTF8(((PyHeapTypeObject *)tp)->ht_name);
    dot = strrchr(tp->tp_name, '.');
    return dot != NULL ? dot + 1 : tp->tp_name;
}

/* ---- HPyType_FromSpec ---- */

static void free_info(PyObject *capsule)
{
    TypeInfo *info = (TypeInfo *)PyCapsule_GetPointer(capsule, TYPEINFO_CAPSULE);
    if (info != NULL && info->type != NULL)
        own_forget(info->type);
    PyMem_Free(info);
}

static Py_ssize_t count_until_null_slot(PyType_Slot *s)
{
    Py_ssize_t n = 0;
    while (s != NULL && s[n].slot != 0)
        n++;
    return n;
}

/* bases tuple (new reference) and metaclass (borrowed) from params; both may
   be NULL. -1 with an exception set on error. */
static int read_params(HPyType_SpecParam *params, const char *name,
                       PyObject **bases, PyTypeObject **meta)
{
    Py_ssize_t nbase = 0, i;
    int have_tuple = 0;
    *bases = NULL;
    *meta = NULL;
    for (i = 0; params != NULL && params[i].kind != 0; i++) {
        PyObject *o = _h2py(params[i].object);
        switch (params[i].kind) {
        case HPyType_SpecParam_Base:
            nbase++;
            break;
        case HPyType_SpecParam_BasesTuple:
            if (have_tuple) {
                PyErr_Format(PyExc_TypeError,
                             "type '%s': HPyType_SpecParam_BasesTuple given twice", name);
                return -1;
            }
            have_tuple = 1;
            break;
        case HPyType_SpecParam_Metaclass:
            if (*meta != NULL) {
                PyErr_SetString(PyExc_ValueError, "metaclass was specified multiple times");
                return -1;
            }
            if (!PyType_Check(o)) {
                PyErr_SetString(PyExc_TypeError, "Metaclass is not a type");
                return -1;
            }
            *meta = (PyTypeObject *)o;
            break;
        default:
            PyErr_Format(PyExc_TypeError, "unknown HPyType_SpecParam specification for '%s'", name);
            return -1;
        }
    }
    if (have_tuple && nbase > 0) {
        PyErr_Format(PyExc_TypeError,
                     "type '%s': HPyType_SpecParam_Base and _BasesTuple are exclusive", name);
        return -1;
    }
    if (nbase > 0) {
        Py_ssize_t k = 0;
        *bases = PyTuple_New(nbase);
        if (*bases == NULL)
            return -1;
        for (i = 0; params[i].kind != 0; i++) {
            if (params[i].kind == HPyType_SpecParam_Base) {
                PyObject *o = _h2py(params[i].object);
                Py_INCREF(o);
                PyTuple_SET_ITEM(*bases, k++, o);
            }
        }
    } else if (have_tuple) {
        for (i = 0; params[i].kind != 0; i++) {
            if (params[i].kind == HPyType_SpecParam_BasesTuple) {
                *bases = _h2py(params[i].object);
                if (!PyTuple_Check(*bases)) {
                    PyErr_SetString(PyExc_TypeError, "HPyType_SpecParam_BasesTuple needs a tuple");
                    *bases = NULL;
                    return -1;
                }
                Py_INCREF(*bases);
            }
        }
    }
    return 0;
}

#define GROW_CHECK(ptr) do { if ((ptr) == NULL) { PyErr_NoMemory(); goto error; } } while (0)

_HPy_HIDDEN HPy _HPyCPy_Type_FromSpec(HPyContext *ctx, HPyType_Spec *hpyspec,
                                 HPyType_SpecParam *params)
{
    PyType_Spec spec;
    PyType_Slot *slots = NULL, *legacy = (PyType_Slot *)hpyspec->legacy_slots;
    PyMemberDef *members = NULL;
    PyGetSetDef *getsets = NULL;
    PyMethodDef *methods = NULL, *legacy_methods = NULL;
    PyMemberDef *legacy_members = NULL;
    PyGetSetDef *legacy_getsets = NULL;
    PyObject *bases = NULL, *result = NULL, *capsule;
    PyTypeObject *meta = NULL, *tp;
    TypeInfo *info = NULL;
    getbufferproc getbuffer = NULL;
    releasebufferproc releasebuffer = NULL;
    Py_ssize_t head, basicsize, ndefs = 0, nlegacy, nmem = 0, ngs = 0, nslot = 0, i;
    Py_ssize_t explicit_call_offset = 0;
    int legacy_dealloc = 0, legacy_clear = 0;
    unsigned long flags = hpyspec->flags;
    (void)ctx;

    head = header_size(hpyspec->builtin_shape);
    if (head < 0) {
        PyErr_Format(PyExc_ValueError, "invalid shape: %d", (int)hpyspec->builtin_shape);
        return HPy_NULL;
    }
    if (legacy != NULL && hpyspec->builtin_shape != HPyType_BuiltinShape_Legacy) {
        PyErr_SetString(PyExc_TypeError, "cannot specify .legacy_slots without setting "
                        ".builtin_shape=HPyType_BuiltinShape_Legacy");
        return HPy_NULL;
    }
    if (read_params(params, hpyspec->name, &bases, &meta) < 0)
        return HPy_NULL;

    info = (TypeInfo *)PyMem_Calloc(1, sizeof(TypeInfo));
    GROW_CHECK(info);
    info->shape = hpyspec->builtin_shape;

    if (hpyspec->defines != NULL)
        while (hpyspec->defines[ndefs] != NULL)
            ndefs++;
    nlegacy = count_until_null_slot(legacy);

    /* legacy tables are merged with the HPy ones: CPython takes one each */
    for (i = 0; i < nlegacy; i++) {
        switch (legacy[i].slot) {
        case Py_tp_methods: legacy_methods = (PyMethodDef *)legacy[i].pfunc; break;
        case Py_tp_members: legacy_members = (PyMemberDef *)legacy[i].pfunc; break;
        case Py_tp_getset: legacy_getsets = (PyGetSetDef *)legacy[i].pfunc; break;
        case Py_tp_dealloc: legacy_dealloc = 1; break;
        case Py_tp_clear: legacy_clear = 1; break;
        default: break;
        }
    }
    for (i = 0; legacy_members != NULL && legacy_members[i].name != NULL; i++)
        nmem++;
    for (i = 0; legacy_getsets != NULL && legacy_getsets[i].name != NULL; i++)
        ngs++;
    for (i = 0; i < ndefs; i++) {
        if (hpyspec->defines[i]->kind == HPyDef_Kind_Member) nmem++;
        if (hpyspec->defines[i]->kind == HPyDef_Kind_GetSet) ngs++;
    }

    methods = _HPyCPy_MethodDefs(hpyspec->defines, legacy_methods);
    if (methods == NULL)
        goto error;
    members = (PyMemberDef *)PyMem_Calloc((size_t)nmem + 1, sizeof(PyMemberDef));
    GROW_CHECK(members);
    getsets = (PyGetSetDef *)PyMem_Calloc((size_t)ngs + 1, sizeof(PyGetSetDef));
    GROW_CHECK(getsets);
    /* defines + legacy + doc, methods, members, getset, dealloc, clear, call */
    slots = (PyType_Slot *)PyMem_Calloc((size_t)(ndefs + nlegacy + 10), sizeof(PyType_Slot));
    GROW_CHECK(slots);

    nmem = ngs = 0;
    for (i = 0; i < ndefs; i++) {
        HPyDef *d = hpyspec->defines[i];
        switch (d->kind) {
        case HPyDef_Kind_Slot:
            switch (d->slot.slot) {
            case HPy_tp_destroy:
                info->destroy = (HPyFunc_destroyfunc)(void (*)(void))d->slot.impl;
                break;
            case HPy_tp_traverse:
                info->traverse = (HPyFunc_traverseproc)(void (*)(void))d->slot.impl;
                slots[nslot].slot = Py_tp_traverse;
                slots[nslot++].pfunc = (void *)d->slot.cpy_trampoline;
                break;
            case HPy_tp_call:
                info->call = (cpy_vectorcallfunc)(void (*)(void))d->slot.cpy_trampoline;
                any_type_has_call = 1;
                break;
            case HPy_bf_getbuffer:
                getbuffer = (getbufferproc)(void (*)(void))d->slot.cpy_trampoline;
                break;
            case HPy_bf_releasebuffer:
                releasebuffer = (releasebufferproc)(void (*)(void))d->slot.cpy_trampoline;
                break;
            case HPy_mod_create:
            case HPy_mod_exec:
                PyErr_Format(PyExc_TypeError, "type '%s': module slot %d in a type",
                             hpyspec->name, (int)d->slot.slot);
                goto error;
            default:
                /* every other HPy slot number is CPython's typeslots.h id */
                slots[nslot].slot = (int)d->slot.slot;
                slots[nslot++].pfunc = (void *)d->slot.cpy_trampoline;
                break;
            }
            break;
        case HPyDef_Kind_Member:
            members[nmem].name = d->member.name;
            members[nmem].type = (int)d->member.type;
            members[nmem].offset = d->member.offset + head;
            /* the call protocol's field, placed by the extension */
            if (strcmp(d->member.name, "__vectorcalloffset__") == 0)
                explicit_call_offset = d->member.offset + head;
            members[nmem].flags = d->member.readonly ? Py_READONLY : 0;
            members[nmem].doc = d->member.doc;
            nmem++;
            break;
        case HPyDef_Kind_GetSet:
            getsets[ngs].name = d->getset.name;
            getsets[ngs].get = d->getset.getter_impl ? (getter)d->getset.getter_cpy_trampoline : NULL;
            getsets[ngs].set = d->getset.setter_impl ? (setter)d->getset.setter_cpy_trampoline : NULL;
            getsets[ngs].doc = d->getset.doc;
            getsets[ngs].closure = d->getset.closure;
            ngs++;
            break;
        case HPyDef_Kind_Meth:
            break;
        default:
            PyErr_Format(PyExc_TypeError, "type '%s': invalid HPyDef kind %d",
                         hpyspec->name, (int)d->kind);
            goto error;
        }
    }
    for (i = 0; legacy_members != NULL && legacy_members[i].name != NULL; i++)
        members[nmem++] = legacy_members[i];
    for (i = 0; legacy_getsets != NULL && legacy_getsets[i].name != NULL; i++)
        getsets[ngs++] = legacy_getsets[i];

    if ((flags & HPy_TPFLAGS_HAVE_GC) && info->traverse == NULL && !legacy_clear) {
        int has_legacy_traverse = 0;
        for (i = 0; i < nlegacy; i++)
            if (legacy[i].slot == Py_tp_traverse)
                has_legacy_traverse = 1;
        if (!has_legacy_traverse) {
            PyErr_Format(PyExc_ValueError,
                         "type '%s' sets HPy_TPFLAGS_HAVE_GC but defines no HPy_tp_traverse",
                         hpyspec->name);
            goto error;
        }
    }
    if (legacy_dealloc && (info->destroy != NULL || info->traverse != NULL)) {
        PyErr_Format(PyExc_TypeError,
                     "type '%s': a legacy tp_dealloc cannot be combined with "
                     "HPy_tp_destroy or HPy_tp_traverse", hpyspec->name);
        goto error;
    }

    for (i = 0; i < nlegacy; i++) {
        int s = legacy[i].slot;
        if (s == Py_tp_methods || s == Py_tp_members || s == Py_tp_getset)
            continue;
        slots[nslot++] = legacy[i];
    }
    slots[nslot].slot = Py_tp_methods; slots[nslot++].pfunc = methods;
    slots[nslot].slot = Py_tp_members; slots[nslot++].pfunc = members;
    slots[nslot].slot = Py_tp_getset; slots[nslot++].pfunc = getsets;
    if (hpyspec->doc != NULL) {
        slots[nslot].slot = Py_tp_doc;
        slots[nslot++].pfunc = (void *)hpyspec->doc;
    }
    if (!legacy_dealloc) {
        slots[nslot].slot = Py_tp_dealloc;
        slots[nslot++].pfunc = (void *)hpy_dealloc;
    }
    if (info->traverse != NULL && !legacy_clear) {
        slots[nslot].slot = Py_tp_clear;
        slots[nslot++].pfunc = (void *)hpy_clear;
    }

    /* basicsize counts the builtin base's struct too (head); 0 inherits */
    basicsize = hpyspec->basicsize != 0 ? hpyspec->basicsize + head : 0;
    if (basicsize == 0 && nmem > 0) {
        PyErr_SetString(PyExc_TypeError, "Type claims to have basicsize==0 but defines members");
        goto error;
    }
    if (info->call != NULL && explicit_call_offset > 0) {
        PyErr_SetString(PyExc_TypeError, "Cannot have HPy_tp_call and explicit member "
                        "'__vectorcalloffset__'. Specify just one of them.");
        goto error;
    }
    if (info->call != NULL && hpyspec->itemsize != 0) {
        PyErr_SetString(PyExc_TypeError, "Cannot use HPy call protocol with var objects");
        goto error;
    }
    if (explicit_call_offset > 0) {
        info->call_offset = explicit_call_offset;
        slots[nslot].slot = Py_tp_call;
        slots[nslot++].pfunc = (void *)hpy_call;
    }
    if (info->call != NULL) {
        /* one pointer per instance after everything else holds the call
           function (HPy_SetCallFunction may change it per object) */
        if (basicsize == 0 && head == 0) {
            /* a legacy struct of unknown size: no room can be made after it */
            PyErr_SetString(PyExc_TypeError,
                            "Cannot use HPy call protocol with legacy types that inherit the "
                            "struct. Either set the basicsize to a non-zero value or use "
                            "legacy slot 'Py_tp_call'.");
            goto error;
        }
        if (basicsize == 0) {
            PyTypeObject *b = bases != NULL ? (PyTypeObject *)PyTuple_GET_ITEM(bases, 0)
                                            : &PyBaseObject_Type;
            basicsize = b->tp_basicsize;
        }
        basicsize = (basicsize + (Py_ssize_t)sizeof(void *) - 1) / (Py_ssize_t)sizeof(void *)
                    * (Py_ssize_t)sizeof(void *);
        info->call_offset = basicsize;
        basicsize += (Py_ssize_t)sizeof(void *);
        slots[nslot].slot = Py_tp_call;
        slots[nslot++].pfunc = (void *)hpy_call;
    }
#if PY_VERSION_HEX >= 0x03090000
    if (getbuffer != NULL) {
        slots[nslot].slot = Py_bf_getbuffer;
        slots[nslot++].pfunc = (void *)getbuffer;
    }
    if (releasebuffer != NULL) {
        slots[nslot].slot = Py_bf_releasebuffer;
        slots[nslot++].pfunc = (void *)releasebuffer;
    }
#endif
    slots[nslot].slot = 0;
    slots[nslot].pfunc = NULL;

    spec.name = hpyspec->name;
    spec.basicsize = (int)basicsize;
    spec.itemsize = hpyspec->itemsize;
    /* calls go through our own tp_call, not CPython's vectorcall offset */
    spec.flags = (unsigned int)(flags & ~HPy_TPFLAGS_HAVE_VECTORCALL);
    spec.slots = slots;

    result = type_from_metaclass(meta, &spec, bases);
    if (result == NULL)
        goto error;
    tp = (PyTypeObject *)result;
    if (hpyspec->builtin_shape == HPyType_BuiltinShape_Legacy) {
        /* a legacy struct starts with PyObject_HEAD: it cannot extend a pure HPy struct */
        TypeInfo *base_info = find_info(tp->tp_base);
        if (base_info != NULL && base_info->shape != HPyType_BuiltinShape_Legacy) {
            PyErr_SetString(PyExc_TypeError,
                            "A legacy type should not inherit its memory layout from a pure type");
            goto error;
        }
    }
#if PY_VERSION_HEX < 0x03090000
    /* PyType_FromSpec learned the buffer slots in 3.9 */
    if (getbuffer != NULL || releasebuffer != NULL) {
        PyHeapTypeObject *ht = (PyHeapTypeObject *)tp;
        ht->as_buffer.bf_getbuffer = getbuffer;
        ht->as_buffer.bf_releasebuffer = releasebuffer;
        tp->tp_as_buffer = &ht->as_buffer;
    }
#endif
    capsule = PyCapsule_New(info, TYPEINFO_CAPSULE, free_info);
    if (capsule == NULL)
        goto error;
    info->type = tp;
    own_remember(tp, info);
    info = NULL;            /* owned by the capsule now */
    Py_XSETREF(tp->tp_cache, capsule);

    /* methods and getsets stay referenced by the type; members and slots
       were copied */
    PyMem_Free(members);
    PyMem_Free(slots);
    Py_XDECREF(bases);
    return _py2h(result);

error:
    Py_XDECREF(result);
    if (result == NULL) {
        PyMem_Free(methods);
        PyMem_Free(getsets);
    }
    PyMem_Free(members);
    PyMem_Free(slots);
    PyMem_Free(info);
    Py_XDECREF(bases);
    return HPy_NULL;
}
