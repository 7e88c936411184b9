/* HPyTracker for CPython ABI mode: a growable array of owned references. */
#include "runtime.h"

typedef struct {
    HPy_ssize_t capacity;
    HPy_ssize_t length;
    PyObject **items;
} _HPyCPy_Tracker;

#define TRACKER(ht) ((_HPyCPy_Tracker *)(ht)._i)

_HPy_HIDDEN HPyTracker _HPyCPy_Tracker_New(HPyContext *ctx, HPy_ssize_t size)
{
    HPyTracker ht;
    _HPyCPy_Tracker *t;
    (void)ctx;
    ht._i = 0;
    if (size < 0)
        size = 0;
    /* one spare slot so the common Add-then-Close never reallocates */
    size += 1;
    t = (_HPyCPy_Tracker *)PyMem_Malloc(sizeof(_HPyCPy_Tracker));
    if (t == NULL) {
        PyErr_NoMemory();
        return ht;
    }
    t->items = (PyObject **)PyMem_Calloc((size_t)size, sizeof(PyObject *));
    if (t->items == NULL) {
        PyMem_Free(t);
        PyErr_NoMemory();
        return ht;
    }
    t->capacity = size;
    t->length = 0;
    ht._i = (intptr_t)t;
    return ht;
}

/* Takes ownership of h on success; on failure (-1, MemoryError) the caller
   still owns it. */
_HPy_HIDDEN int _HPyCPy_Tracker_Add(HPyContext *ctx, HPyTracker ht, HPy h)
{
    _HPyCPy_Tracker *t = TRACKER(ht);
    (void)ctx;
    if (t->length == t->capacity) {
        HPy_ssize_t cap = t->capacity * 2;
        PyObject **items = (PyObject **)PyMem_Realloc(t->items, (size_t)cap * sizeof(PyObject *));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        t->items = items;
        t->capacity = cap;
    }
    t->items[t->length++] = _h2py(h);
    return 0;
}

_HPy_HIDDEN void _HPyCPy_Tracker_ForgetAll(HPyContext *ctx, HPyTracker ht)
{
    (void)ctx;
    TRACKER(ht)->length = 0;
}

_HPy_HIDDEN void _HPyCPy_Tracker_Close(HPyContext *ctx, HPyTracker ht)
{
    _HPyCPy_Tracker *t = TRACKER(ht);
    HPy_ssize_t i;
    (void)ctx;
    for (i = 0; i < t->length; i++)
        Py_XDECREF(t->items[i]);
    PyMem_Free(t->items);
    PyMem_Free(t);
}
