/* The benchmark module written against the plain CPython C API: the floor that HPy's CPython ABI
 * mode and the universal ABI are measured against. Same functions as bench_hpy.c. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *noargs(PyObject *self, PyObject *unused)
{
    Py_RETURN_NONE;
}

static PyObject *onearg(PyObject *self, PyObject *arg)
{
    Py_INCREF(arg);
    return arg;
}

static PyObject *varargs(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "varargs takes 2 arguments");
        return NULL;
    }
    Py_INCREF(args[1]);
    return args[1];
}

static PyObject *keywords(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (nargs < 1) {
        PyErr_SetString(PyExc_TypeError, "keywords takes at least 1 argument");
        return NULL;
    }
    Py_INCREF(args[0]);
    return args[0];
}

static PyObject *call_with_tuple(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "call_with_tuple takes 2 arguments");
        return NULL;
    }
    return PyObject_Call(args[0], args[1], NULL);
}

static PyObject *call_with_tuple_and_dict(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "call_with_tuple_and_dict takes 3 arguments");
        return NULL;
    }
    return PyObject_Call(args[0], args[1], args[2]);
}

static PyObject *allocate_int(PyObject *self, PyObject *unused)
{
    return PyLong_FromLongLong(2048);
}

static PyObject *allocate_tuple(PyObject *self, PyObject *unused)
{
    PyObject *a = PyLong_FromLongLong(2048), *b = PyLong_FromLongLong(2049);
    PyObject *t = PyTuple_Pack(2, a, b);
    Py_DECREF(a);
    Py_DECREF(b);
    return t;
}

static PyObject *build_list(PyObject *self, PyObject *h_n)
{
    Py_ssize_t n = PyLong_AsSsize_t(h_n);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    PyObject *list = PyList_New(n);
    if (list == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyLong_FromLongLong(i);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, item);
    }
    return list;
}

static PyObject *sum_iter(PyObject *self, PyObject *iterable)
{
    PyObject *it = PyObject_GetIter(iterable);
    if (it == NULL)
        return NULL;
    long long total = 0;
    PyObject *item;
    while ((item = PyIter_Next(it)) != NULL) {
        total += PyLong_AsLongLong(item);
        Py_DECREF(item);
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return NULL;
    return PyLong_FromLongLong(total);
}

static PyObject *unicode_roundtrip(PyObject *self, PyObject *text)
{
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == NULL)
        return NULL;
    PyObject *bytes = PyBytes_FromStringAndSize(utf8, size);
    if (bytes == NULL)
        return NULL;
    PyObject *result = PyUnicode_FromEncodedObject(bytes, "utf-8", "strict");
    Py_DECREF(bytes);
    return result;
}

/* The loops of single hot operations, as bench_hpy.c has them. */
static PyObject *sum_getitem(PyObject *self, PyObject *seq)
{
    Py_ssize_t n = PyObject_Length(seq);
    long total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_GetItem(seq, i);
        if (item == NULL)
            return NULL;
        total += PyLong_AsLong(item);
        Py_DECREF(item);
    }
    if (PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(total);
}

static PyObject *g_value;

static PyObject *global_loop(PyObject *self, PyObject *h_n)
{
    Py_ssize_t n = PyLong_AsSsize_t(h_n);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = g_value;
        Py_INCREF(v);
        Py_DECREF(v);
    }
    Py_RETURN_NONE;
}

static PyObject *call_loop(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "call_loop(f, n)");
        return NULL;
    }
    Py_ssize_t n = PyLong_AsSsize_t(args[1]);
    for (Py_ssize_t i = 0; i < n; i++) {
#if PY_VERSION_HEX >= 0x03090000
        PyObject *r = PyObject_CallOneArg(args[0], args[1]);
#else
        PyObject *r = _PyObject_Vectorcall(args[0], &args[1], 1, NULL);
#endif
        if (r == NULL)
            return NULL;
        Py_DECREF(r);
    }
    Py_RETURN_NONE;
}

typedef struct {
    PyObject_HEAD
    PyObject *item;
} HolderObject;

static PyObject *Holder_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    HolderObject *h = (HolderObject *)type->tp_alloc(type, 0);
    if (h != NULL) {
        h->item = PyTuple_GET_SIZE(args) > 0 ? PyTuple_GET_ITEM(args, 0) : Py_None;
        Py_INCREF(h->item);
    }
    return (PyObject *)h;
}

static int Holder_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(((HolderObject *)self)->item);
    return 0;
}

static int Holder_clear(PyObject *self)
{
    Py_CLEAR(((HolderObject *)self)->item);
    return 0;
}

static void Holder_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    Holder_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *Holder_field_loop(PyObject *self, PyObject *h_n)
{
    HolderObject *h = (HolderObject *)self;
    Py_ssize_t n = PyLong_AsSsize_t(h_n);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = h->item;
        Py_INCREF(item);
        Py_INCREF(item);
        Py_SETREF(h->item, item);
        Py_DECREF(item);
    }
    Py_RETURN_NONE;
}

static PyMethodDef Holder_methods[] = {
    {"field_loop", (PyCFunction)Holder_field_loop, METH_O, NULL},
    {NULL, NULL, 0, NULL}
};

static PyType_Slot Holder_slots[] = {
    {Py_tp_new, (void *)Holder_new},
    {Py_tp_methods, Holder_methods},
    {Py_tp_traverse, (void *)Holder_traverse},
    {Py_tp_clear, (void *)Holder_clear},
    {Py_tp_dealloc, (void *)Holder_dealloc},
    {0, NULL}
};

static PyType_Spec Holder_spec = {
    "bench_capi.Holder", sizeof(HolderObject), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, Holder_slots
};

typedef struct {
    PyObject_HEAD
    long long value;
} FooObject;

static PyObject *Foo_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    FooObject *foo = (FooObject *)type->tp_alloc(type, 0);
    if (foo != NULL)
        foo->value = 7;
    return (PyObject *)foo;
}

static Py_ssize_t Foo_len(PyObject *self)
{
    return 42;
}

static PyObject *Foo_getitem(PyObject *self, PyObject *key)
{
    Py_INCREF(key);
    return key;
}

static PyObject *Foo_add(PyObject *a, PyObject *b)
{
    Py_INCREF(a);
    return a;
}

static PyMethodDef Foo_methods[] = {
    {"noargs", (PyCFunction)noargs, METH_NOARGS, NULL},
    {"onearg", (PyCFunction)onearg, METH_O, NULL},
    {"varargs", (PyCFunction)(void (*)(void))varargs, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL}
};

static PyType_Slot Foo_slots[] = {
    {Py_tp_new, (void *)Foo_new},
    {Py_tp_methods, Foo_methods},
    {Py_sq_length, (void *)Foo_len},
    {Py_mp_subscript, (void *)Foo_getitem},
    {Py_nb_add, (void *)Foo_add},
    {0, NULL}
};

static PyType_Spec Foo_spec = {
    "bench_capi.Foo", sizeof(FooObject), 0, Py_TPFLAGS_DEFAULT, Foo_slots
};

static PyMethodDef module_methods[] = {
    {"noargs", (PyCFunction)noargs, METH_NOARGS, NULL},
    {"onearg", (PyCFunction)onearg, METH_O, NULL},
    {"varargs", (PyCFunction)(void (*)(void))varargs, METH_FASTCALL, NULL},
    {"keywords", (PyCFunction)(void (*)(void))keywords, METH_FASTCALL | METH_KEYWORDS, NULL},
    {"call_with_tuple", (PyCFunction)(void (*)(void))call_with_tuple, METH_FASTCALL, NULL},
    {"call_with_tuple_and_dict", (PyCFunction)(void (*)(void))call_with_tuple_and_dict, METH_FASTCALL, NULL},
    {"allocate_int", (PyCFunction)allocate_int, METH_NOARGS, NULL},
    {"allocate_tuple", (PyCFunction)allocate_tuple, METH_NOARGS, NULL},
    {"build_list", (PyCFunction)build_list, METH_O, NULL},
    {"sum_iter", (PyCFunction)sum_iter, METH_O, NULL},
    {"unicode_roundtrip", (PyCFunction)unicode_roundtrip, METH_O, NULL},
    {"sum_getitem", (PyCFunction)sum_getitem, METH_O, NULL},
    {"global_loop", (PyCFunction)global_loop, METH_O, NULL},
    {"call_loop", (PyCFunction)(void (*)(void))call_loop, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "bench_capi", "HPy Shim benchmark module (plain C API)", -1, module_methods,
};

PyMODINIT_FUNC PyInit_bench_capi(void)
{
    PyObject *m = PyModule_Create(&moduledef);
    if (m == NULL)
        return NULL;
    PyObject *foo = PyType_FromSpec(&Foo_spec);
    if (foo == NULL || PyModule_AddObject(m, "Foo", foo) < 0) {
        Py_XDECREF(foo);
        Py_DECREF(m);
        return NULL;
    }
    PyObject *holder = PyType_FromSpec(&Holder_spec);
    if (holder == NULL || PyModule_AddObject(m, "Holder", holder) < 0) {
        Py_XDECREF(holder);
        Py_DECREF(m);
        return NULL;
    }
    g_value = PyLong_FromLong(4242);
    return g_value != NULL ? m : NULL;
}
