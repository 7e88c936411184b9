/* HPy_New and the data pointer of HPy objects. The C# type registry owns the knowledge of HPy
 * types; it tells this table, for each type it builds, where the HPy data starts in its objects,
 * so that allocation needs no managed call. As in the registry, a dead type's address can be
 * reused, so an entry counts only while the type still has the tp_methods array built for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interop/boundary.gen.h"

typedef struct {
    PyObject *type;
    void *methods;
    HPy_ssize_t data_offset;
    void *vectorcall;   /* the HPy_tp_call trampoline new objects start with, or NULL */
    HPyFunc_destroyfunc destroy;     /* HPy_tp_destroy, or NULL */
    HPyFunc_traverseproc traverse;   /* HPy_tp_traverse, or NULL */
    int shape;                       /* HPyType_BuiltinShape */
} type_entry;

static type_entry *entries;
static size_t capacity;   /* a power of two */
static size_t count;

static size_t slot_of(PyObject *type)
{
    return ((size_t)type >> 4) * 0x9E3779B97F4A7C15ULL;
}

static type_entry *find(PyObject *type)
{
    /* HPy types are heap types: the static ones on every chain (object, the built-in bases) are
       answered without probing the table (deallocation and traversal walk the whole chain) */
    if (capacity == 0 || !(TP_FLAGS(type) & TPFLAGS_HeapType))
        return NULL;
    for (size_t i = slot_of(type) & (capacity - 1);; i = (i + 1) & (capacity - 1)) {
        if (entries[i].type == type)
            return entries[i].methods == TP_METHODS(type) ? &entries[i] : NULL;
        if (entries[i].type == NULL)
            return NULL;
    }
}

static int insert(type_entry *table, size_t cap, type_entry e)
{
    for (size_t i = slot_of(e.type) & (cap - 1);; i = (i + 1) & (cap - 1)) {
        if (table[i].type == NULL || table[i].type == e.type) {
            int added = table[i].type == NULL;
            table[i] = e;
            return added;
        }
    }
}

/* Called by the C# registry (under the GIL) for every type HPyType_FromSpec builds. */
int shim_note_type(PyObject *type, void *methods, HPy_ssize_t data_offset, void *vectorcall,
                             void *destroy, void *traverse, int shape)
{
    if ((count + 1) * 2 > capacity) {
        size_t new_capacity = capacity ? capacity * 2 : 64;
        type_entry *table = calloc(new_capacity, sizeof(type_entry));
        if (table == NULL)
            return -1;
        for (size_t i = 0; i < capacity; i++)
            if (entries[i].type != NULL)
                insert(table, new_capacity, entries[i]);
        free(entries);
        entries = table;
        capacity = new_capacity;
    }
    count += insert(entries, capacity, (type_entry){ type, methods, data_offset, vectorcall,
                                                     (HPyFunc_destroyfunc)destroy, (HPyFunc_traverseproc)traverse, shape });
    return 0;
}

/* Called by the C# registry when an HPy type has died: its entry goes (the table is probed
 * linearly, so the entries after it that were displaced past it move back). */
void shim_forget_type(PyObject *type)
{
    if (capacity == 0)
        return;
    size_t mask = capacity - 1, i = slot_of(type) & mask;
    for (;; i = (i + 1) & mask) {
        if (entries[i].type == NULL)
            return;
        if (entries[i].type == type)
            break;
    }
    for (size_t j = (i + 1) & mask; entries[j].type != NULL; j = (j + 1) & mask) {
        size_t home = slot_of(entries[j].type) & mask;
        /* entry j may fill the hole at i unless its home lies cyclically in (i, j] */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            entries[i] = entries[j];
            i = j;
        }
    }
    memset(&entries[i], 0, sizeof entries[i]);
    count--;
}

/* The nearest HPy type on the tp_base chain (Python subclasses included), or NULL. */
static type_entry *nearest(PyObject *type)
{
    for (PyObject *t = type; t != NULL; t = TP_BASE(t)) {
        type_entry *e = find(t);
        if (e != NULL)
            return e;
    }
    return NULL;
}

/* The HPy call protocol is CPython's vectorcall: every object of a type with HPy_tp_call starts
 * with the type's call trampoline in its hidden vectorcall field (HPy_SetCallFunction replaces it
 * per object). */
static void init_vectorcall(PyObject *type, PyObject *obj)
{
    if (TP_VECTORCALL_OFFSET(type) <= 0)   /* (Python subclasses lack the flag before 3.12) */
        return;
    type_entry *e = nearest(type);
    if (e != NULL && e->vectorcall != NULL)
        NATIVE_FIELD(obj, TP_VECTORCALL_OFFSET(type), void *) = e->vectorcall;
}

/* tp_new of HPy types with a call function but no HPy_tp_new: the inherited tp_new, then the
 * vectorcall field. The inherited one is that of the base of the highest type on the chain that
 * has this very tp_new, so that subclasses (which inherit it) do not recurse into themselves. */
static PyObject *slot_vectorcall_new(PyObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *owner = type;
    while (TP_BASE(owner) != NULL && TP_NEW(TP_BASE(owner)) == slot_vectorcall_new)
        owner = TP_BASE(owner);
    PyObject *base = TP_BASE(owner);
    if (base == NULL || TP_NEW(base) == NULL) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "cannot create instances of this HPy type");
        return NULL;
    }
    PyObject *obj;
    PyObject *object_type = cpy.PyBaseObject_Type;
    if (TP_NEW(base) == TP_NEW(object_type) && TP_INIT(type) != TP_INIT(object_type)) {
        /* object.__new__ refuses arguments unless it is the type's own tp_new (then they are
           tp_init's); this wrapper stands in for it, so it passes none */
        PyObject *no_args = cpy.PyTuple_New(0);
        if (no_args == NULL)
            return NULL;
        obj = TP_NEW(base)(type, no_args, NULL);
        cpy.Py_DecRef(no_args);
    } else {
        obj = TP_NEW(base)(type, args, kwds);
    }
    if (obj != NULL)
        init_vectorcall(Py_TYPE_OF(obj), obj);
    return obj;
}

void *shim_vectorcall_new_address(void)
{
    return (void *)slot_vectorcall_new;
}

int ctx_SetCallFunction(HPyContext *ctx, HPy h, HPyCallFunction *func)
{
    PyObject *obj = _h2py(h);
    PyObject *type = Py_TYPE_OF(obj);
    /* an HPy type (or a subclass) with a vectorcall field; never a builtin such as function */
    if (TP_VECTORCALL_OFFSET(type) <= 0 || nearest(type) == NULL) {
        char message[200];
        snprintf(message, sizeof message, "type '%.50s' does not implement the HPy call protocol",
                 TP_NAME(type));
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, message);
        return -1;
    }
    NATIVE_FIELD(obj, TP_VECTORCALL_OFFSET(type), void *) = (void *)func->cpy_trampoline;
    return 0;
}

HPy ctx_New(HPyContext *ctx, HPy h_type, void **data)
{
    PyObject *type = _h2py(h_type);
    if (!(TP_FLAGS(Py_TYPE_OF(type)) & TPFLAGS_TypeSubclass)) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "HPy_New arg 1 must be a type");
        return HPy_NULL;
    }
    /* One lookup for both, taken before tp_alloc (which may collect, and run code that changes
       the table). */
    type_entry *e = nearest(type);
    HPy_ssize_t offset = e != NULL ? e->data_offset : 0;
    void *vectorcall = e != NULL && TP_VECTORCALL_OFFSET(type) > 0 ? e->vectorcall : NULL;
    /* tp_alloc (PyType_GenericAlloc for heap types) zeroes the object and then tracks it */
    PyObject *obj = TP_ALLOC(type)(type, 0);
    if (obj == NULL)
        return HPy_NULL;
    *data = (char *)obj + offset;
    if (vectorcall != NULL)
        NATIVE_FIELD(obj, TP_VECTORCALL_OFFSET(type), void *) = vectorcall;
    return _py2h(obj);
}

void *ctx_AsStruct_Object(HPyContext *ctx, HPy h)
{
    return (char *)_h2py(h) + OBJECT_HEADER_SIZE;
}

void *ctx_AsStruct_Legacy(HPyContext *ctx, HPy h)
{
    return _h2py(h);
}

/* Where a pure HPy type's data starts: after the built-in base's struct, rounded up to the
 * strictest C alignment (16 bytes), like HPy's own runtime. The structs change between CPython
 * versions, so the offsets come from this CPython's tp_basicsize. Type creation (C#) asks
 * shim_shape_data_offset. */
HPy_ssize_t native_shape_header[8];

static HPy_ssize_t header_of(PyObject *type)
{
    return (TP_BASICSIZE(type) + 15) & ~(HPy_ssize_t)15;
}

void native_init_shapes(void)
{
    native_shape_header[0] = OBJECT_HEADER_SIZE;
    native_shape_header[1] = header_of(cpy.PyType_Type);
    native_shape_header[2] = header_of(cpy.PyLong_Type);
    native_shape_header[3] = header_of(cpy.PyFloat_Type);
    native_shape_header[4] = header_of(cpy.PyUnicode_Type);
    native_shape_header[5] = header_of(cpy.PyTuple_Type);
    native_shape_header[6] = header_of(cpy.PyList_Type);
    native_shape_header[7] = header_of(cpy.PyDict_Type);
}

/* The data offset of a shape, for type creation; -1 for a shape HPy does not define. */
HPy_ssize_t shim_shape_data_offset(int shape)
{
    if (shape == HPyType_BuiltinShape_Legacy)
        return 0;
    if (shape < HPyType_BuiltinShape_Object || shape > HPyType_BuiltinShape_Dict)
        return -1;
    if (native_shape_header[HPyType_BuiltinShape_Object] == 0)
        native_init_shapes();
    return native_shape_header[shape];
}

void *ctx_AsStruct_Type(HPyContext *ctx, HPy h) { return (char *)_h2py(h) + native_shape_header[1]; }
void *ctx_AsStruct_Long(HPyContext *ctx, HPy h) { return (char *)_h2py(h) + native_shape_header[2]; }
void *ctx_AsStruct_Float(HPyContext *ctx, HPy h) { return (char *)_h2py(h) + native_shape_header[3]; }
void *ctx_AsStruct_Unicode(HPyContext *ctx, HPy h) { return (char *)_h2py(h) + native_shape_header[4]; }
void *ctx_AsStruct_Tuple(HPyContext *ctx, HPy h) { return (char *)_h2py(h) + native_shape_header[5]; }
void *ctx_AsStruct_List(HPyContext *ctx, HPy h) { return (char *)_h2py(h) + native_shape_header[6]; }
void *ctx_AsStruct_Dict(HPyContext *ctx, HPy h) { return (char *)_h2py(h) + native_shape_header[7]; }

HPy ctx_Type_GenericNew(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    PyObject *t = _h2py(type);
    if (t == NULL || !native_has_flag(t, TPFLAGS_TypeSubclass)) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "HPy_Type_GenericNew arg 1 must be a type");
        return HPy_NULL;
    }
    return _py2h(TP_ALLOC(t)(t, 0));
}

/* ---- Deallocation and GC support of HPy types: called by CPython per object and per collection,
 * so no managed code runs here. ---- */

static int decref_visitor(HPyField *field, void *arg)
{
    PyObject *old = (PyObject *)field->_i;
    field->_i = 0;
    native_decref(old);
    return 0;
}

/* Every HPy type of the hierarchy drops the fields its traverse names, the most derived first. */
static void clear_fields(PyObject *self, PyObject *type)
{
    for (PyObject *t = type; t != NULL; t = TP_BASE(t)) {
        type_entry *e = find(t);
        if (e != NULL && e->traverse != NULL)
            e->traverse((char *)self + e->data_offset, decref_visitor, NULL);
    }
}

/* tp_clear of types with HPy_tp_traverse. */
static int slot_tp_clear(PyObject *self)
{
    clear_fields(self, Py_TYPE_OF(self));
    return 0;
}

/* tp_dealloc of types with HPy_tp_destroy or HPy_tp_traverse. */
static void slot_tp_dealloc(PyObject *self)
{
    PyObject *type = Py_TYPE_OF(self);
    /* A Python subclass's deallocator has run the finalizer already; only the type whose own
       tp_dealloc this is runs it (else a non-GC object would be finalized twice). */
    int leaf = TP_DEALLOC(type) == (void *)slot_tp_dealloc;
    if (leaf && TP_FINALIZE(type) != NULL && cpy.PyObject_CallFinalizerFromDealloc(self) < 0)
        return;   /* resurrected */
    if (TP_FLAGS(type) & TPFLAGS_HaveGc)
        cpy.PyObject_GC_UnTrack(self);
    if (TP_WEAKLISTOFFSET(type) > 0)
        cpy.PyObject_ClearWeakRefs(self);
    /* One walk of the chain: each HPy type's fields are cleared, most derived first, and its
       destroy noted (by value: a field's decref may run code that changes the table) to run after
       all fields are cleared. A chain of more HPy types than noted here is walked again. */
    enum { NOTED = 8 };
    struct { HPyFunc_destroyfunc destroy; HPy_ssize_t offset; } destroys[NOTED];
    int noted = 0, more = 0;
    for (PyObject *t = type; t != NULL; t = TP_BASE(t)) {
        type_entry *e = find(t);
        if (e == NULL)
            continue;
        HPyFunc_destroyfunc destroy = e->destroy;
        HPy_ssize_t offset = e->data_offset;
        if (e->traverse != NULL)
            e->traverse((char *)self + offset, decref_visitor, NULL);
        if (destroy == NULL)
            continue;
        if (noted < NOTED && !more) {
            destroys[noted].destroy = destroy;
            destroys[noted].offset = offset;
            noted++;
        } else {
            more = 1;
        }
    }
    for (int i = 0; i < noted; i++)
        destroys[i].destroy((char *)self + destroys[i].offset);
    if (more) {
        int skip = noted;
        for (PyObject *t = type; t != NULL; t = TP_BASE(t)) {
            type_entry *e = find(t);
            if (e != NULL && e->destroy != NULL && skip-- <= 0)
                e->destroy((char *)self + e->data_offset);
        }
    }
    TP_FREE(type)(self);
    if (TP_FLAGS(type) & TPFLAGS_HeapType)
        native_decref(type);
}

void shim_gc_slots(void **dealloc, void **clear)
{
    *dealloc = (void *)slot_tp_dealloc;
    *clear = (void *)slot_tp_clear;
}

typedef struct {
    int (*visit)(PyObject *, void *);
    void *arg;
} visit_args;

/* The HPyFunc_visitproc handed to an HPy traverse: an HPyField is its PyObject*. */
static int forward_visitor(HPyField *field, void *arg)
{
    visit_args *a = arg;
    return field->_i == 0 ? 0 : a->visit((PyObject *)field->_i, a->arg);
}

/* Runs an HPy traverse for CPython's GC: it visits exactly the fields the extension visits, as
 * HPy's runtime does (so gc.get_referents shows what HPy_VISIT named). It does not add the type,
 * which 3.9+ asks of heap types: as with HPy's runtime, a cycle through an object's reference to
 * its own type is not collected (README, "How it works"). The data pointer is that of the type
 * on the chain whose traverse this is. */
int native_traverse(HPyFunc_traverseproc impl, PyObject *self, void *visit, void *arg)
{
    PyObject *type = Py_TYPE_OF(self);
    type_entry *owner = NULL;
    for (PyObject *t = type; t != NULL && owner == NULL; t = TP_BASE(t)) {
        type_entry *e = find(t);
        if (e != NULL && e->traverse == impl)
            owner = e;
    }
    if (owner == NULL)
        owner = nearest(type);
    char *payload = (char *)self + (owner != NULL ? owner->data_offset : 0);
    visit_args a = { (int (*)(PyObject *, void *))visit, arg };
    return impl(payload, forward_visitor, &a);
}

/* The shape of the nearest HPy type on the chain; Legacy for every other type. Debug mode asks
 * this on every HPy_AsStruct_*, so it is C. */
int ctx_Type_GetBuiltinShape(HPyContext *ctx, HPy h_type)
{
    PyObject *type = _h2py(h_type);
    if (type == NULL || !native_has_flag(type, TPFLAGS_TypeSubclass)) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "arg must be a type");
        return -2;
    }
    type_entry *e = nearest(type);
    return e != NULL ? e->shape : HPyType_BuiltinShape_Legacy;
}

/* PyType_IsSubtype reads type fields of both; anything but types would be read as garbage. */
int ctx_Type_IsSubtype(HPyContext *ctx, HPy sub, HPy type)
{
    if (sub._i == type._i)
        return 1;
    if (HPy_IsNull(sub) || HPy_IsNull(type) || !native_has_flag(_h2py(sub), TPFLAGS_TypeSubclass) ||
        !native_has_flag(_h2py(type), TPFLAGS_TypeSubclass))
        return 0;
    return cpy.PyType_IsSubtype(_h2py(sub), _h2py(type));
}
