/* HPy_New and the data pointer of HPy objects. The C# type registry owns the knowledge of HPy
 * types; it tells this table, for each type it builds, where the HPy data starts in its objects,
 * so that allocation needs no managed call. As in the registry, a dead type's address can be
 * reused, so an entry counts only while the type still has the tp_methods array built for it. */
#include <stdio.h>
#include <stdlib.h>
#include "native.h"

typedef struct {
    PyObject *type;
    void *methods;
    HPy_ssize_t data_offset;
    void *vectorcall;   /* the HPy_tp_call trampoline new objects start with, or NULL */
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
    if (capacity == 0)
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
int hpyshim_native_note_type(PyObject *type, void *methods, HPy_ssize_t data_offset, void *vectorcall)
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
    count += insert(entries, capacity, (type_entry){ type, methods, data_offset, vectorcall });
    return 0;
}

/* Called by the C# registry when an HPy type has died: its entry goes (the table is probed
 * linearly, so the entries after it that were displaced past it move back). */
void hpyshim_native_forget_type(PyObject *type)
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
    entries[i] = (type_entry){ NULL, NULL, 0, NULL };
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

/* Where the HPy data of objects of `type` starts; objects of other types have no header (legacy). */
static HPy_ssize_t data_offset(PyObject *type)
{
    type_entry *e = nearest(type);
    return e != NULL ? e->data_offset : 0;
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
PyObject *hpyshim_native_vectorcall_new(PyObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *owner = type;
    while (TP_BASE(owner) != NULL && TP_NEW(TP_BASE(owner)) == hpyshim_native_vectorcall_new)
        owner = TP_BASE(owner);
    PyObject *base = TP_BASE(owner);
    if (base == NULL || TP_NEW(base) == NULL) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "cannot create instances of this HPy type");
        return NULL;
    }
    PyObject *obj;
    static PyObject *object_type;
    if (object_type == NULL)
        object_type = native_symbol_if_present("PyBaseObject_Type");
    if (object_type != NULL && TP_NEW(base) == TP_NEW(object_type) && TP_INIT(type) != TP_INIT(object_type)) {
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

void *hpyshim_native_vectorcall_new_address(void)
{
    return (void *)hpyshim_native_vectorcall_new;
}

int hpyshim_native_SetCallFunction(HPyContext *ctx, HPy h, HPyCallFunction *func)
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

HPy hpyshim_native_New(HPyContext *ctx, HPy h_type, void **data)
{
    PyObject *type = _h2py(h_type);
    if (!(TP_FLAGS(Py_TYPE_OF(type)) & TPFLAGS_TypeSubclass)) {
        cpy.PyErr_SetString(*cpy.PyExc_TypeError, "HPy_New arg 1 must be a type");
        return HPy_NULL;
    }
    /* tp_alloc (PyType_GenericAlloc for heap types) zeroes the object and then tracks it */
    PyObject *obj = TP_ALLOC(type)(type, 0);
    if (obj == NULL)
        return HPy_NULL;
    *data = (char *)obj + data_offset(type);
    init_vectorcall(type, obj);
    return _py2h(obj);
}

void *hpyshim_native_AsStruct_Object(HPyContext *ctx, HPy h)
{
    return (char *)_h2py(h) + OBJECT_HEADER_SIZE;
}

void *hpyshim_native_AsStruct_Legacy(HPyContext *ctx, HPy h)
{
    return _h2py(h);
}
