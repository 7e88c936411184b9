/* HPyStructSequence_NewType and HPyStructSequence_New.
 *
 * Universal and hybrid ABI: only the context is available, so the type is a
 * collections.namedtuple (a tuple subclass with named item getters), renamed
 * and documented afterwards so it reads like CPython's struct sequence types.
 * CPython ABI: CPython's PyStructSequence API itself.
 *
 * Both ABIs give the same observable result where they can: __name__ and
 * __qualname__ are desc->name after its last dot and __module__ what is
 * before it ("builtins" without a dot), __doc__ and the field docs are the
 * given ones or None, n_fields == n_sequence_fields == number of fields,
 * n_unnamed_fields == 0, and a field named HPyStructSequence_UnnamedField
 * is called "_<index>".
 */
#include "hpy.h"
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* namedtuple(rename=True) turns a field name starting with '_' into
   "_<index>", so this marker gives exactly that name in universal mode. */
const char * const HPyStructSequence_UnnamedField = "_";

/* The number of fields, or -1 with SystemError for a descriptor that
   cannot describe a type. */
static HPy_ssize_t
count_fields(HPyContext *ctx, const HPyStructSequence_Desc *desc)
{
    HPy_ssize_t n = 0;
    if (desc == NULL) {
        HPyErr_SetString(ctx, ctx->h_SystemError,
                         "HPyStructSequence_NewType: the descriptor is NULL");
        return -1;
    }
    if (desc->name == NULL) {
        HPyErr_SetString(ctx, ctx->h_SystemError,
                         "Struct sequence descriptor does not define the name field.");
        return -1;
    }
    if (desc->fields == NULL) {
        HPyErr_SetString(ctx, ctx->h_SystemError,
                         "Struct sequence descriptor does not define the fields field.");
        return -1;
    }
    while (desc->fields[n].name != NULL)
        n++;
    /* CPython keeps the count in an int (n_in_sequence) */
    if (n > INT_MAX) {
        HPyErr_SetString(ctx, ctx->h_SystemError, "too many struct sequence fields");
        return -1;
    }
    return n;
}

static void
wrong_count(HPyContext *ctx, HPy_ssize_t n_fields, HPy_ssize_t nargs)
{
    HPyErr_Format(ctx, ctx->h_TypeError, "expected exactly %zd arguments but got %zd",
                  n_fields, nargs);
}

#ifndef HPY_ABI_CPYTHON

static HPy str_or_none(HPyContext *ctx, const char *s)
{
    return s != NULL ? HPyUnicode_FromString(ctx, s) : HPy_Dup(ctx, ctx->h_None);
}

static void close_if_set(HPyContext *ctx, HPy h)
{
    if (!HPy_IsNull(h))
        HPy_Close(ctx, h);
}

/* A tuple of the n field names (the marker for unnamed fields is renamed
   by namedtuple), or of n Nones for the defaults. */
static HPy
field_tuple(HPyContext *ctx, const HPyStructSequence_Desc *desc, HPy_ssize_t n, int names)
{
    HPy_ssize_t i;
    /* a failed New leaves an empty builder whose Build raises */
    HPyTupleBuilder b = HPyTupleBuilder_New(ctx, n);
    for (i = 0; i < n; i++) {
        HPy item = names ? HPyUnicode_FromString(ctx, desc->fields[i].name)
                         : HPy_Dup(ctx, ctx->h_None);
        if (HPy_IsNull(item)) {
            HPyTupleBuilder_Cancel(ctx, b);
            return HPy_NULL;
        }
        HPyTupleBuilder_Set(ctx, b, i, item);
        HPy_Close(ctx, item);
    }
    return HPyTupleBuilder_Build(ctx, b);
}

/* __module__: the UTF-8 bytes of desc->name before its last dot. */
static HPy
module_name(HPyContext *ctx, const char *name, const char *dot)
{
    HPy bytes, result;
    if (dot == NULL)
        return HPyUnicode_FromString(ctx, "builtins");
    bytes = HPyBytes_FromStringAndSize(ctx, name, (HPy_ssize_t)(dot - name));
    if (HPy_IsNull(bytes))
        return HPy_NULL;
    result = HPyUnicode_FromEncodedObject(ctx, bytes, "utf-8", "strict");
    HPy_Close(ctx, bytes);
    return result;
}

static int
set_long_attr(HPyContext *ctx, HPy obj, const char *name, HPy_ssize_t value)
{
    int rc;
    HPy h = HPyLong_FromSsize_t(ctx, value);
    if (HPy_IsNull(h))
        return -1;
    rc = HPy_SetAttr_s(ctx, obj, name, h);
    HPy_Close(ctx, h);
    return rc;
}

/* namedtuple's item getters document themselves as "Alias for field number
   N"; a struct sequence field's doc is the one given, or None. */
static int
set_field_docs(HPyContext *ctx, HPy type, const HPyStructSequence_Desc *desc, HPy_ssize_t n)
{
    HPy_ssize_t i;
    int rc = -1;
    /* the names after renaming */
    HPy fields = HPy_GetAttr_s(ctx, type, "_fields");
    if (HPy_IsNull(fields))
        return -1;
    for (i = 0; i < n; i++) {
        HPy name = HPy_NULL, getter = HPy_NULL, doc = HPy_NULL;
        int ok = 0;
        name = HPy_GetItem_i(ctx, fields, i);
        if (!HPy_IsNull(name))
            getter = HPy_GetAttr(ctx, type, name);
        if (!HPy_IsNull(getter))
            doc = str_or_none(ctx, desc->fields[i].doc);
        if (!HPy_IsNull(doc))
            ok = HPy_SetAttr_s(ctx, getter, "__doc__", doc) == 0;
        close_if_set(ctx, name);
        close_if_set(ctx, getter);
        close_if_set(ctx, doc);
        if (!ok)
            goto done;
    }
    rc = 0;
done:
    HPy_Close(ctx, fields);
    return rc;
}

HPyAPI_HELPER HPy
HPyStructSequence_NewType(HPyContext *ctx, HPyStructSequence_Desc *desc)
{
    HPy collections, namedtuple = HPy_NULL, names = HPy_NULL, defaults = HPy_NULL,
        module = HPy_NULL, kw = HPy_NULL, args = HPy_NULL, type = HPy_NULL,
        tail = HPy_NULL, doc = HPy_NULL;
    HPy pos[2];
    const char *dot;
    HPy_ssize_t n = count_fields(ctx, desc);
    if (n < 0)
        return HPy_NULL;
    dot = strrchr(desc->name, '.');

    collections = HPyImport_ImportModule(ctx, "collections");
    if (HPy_IsNull(collections))
        return HPy_NULL;
    namedtuple = HPy_GetAttr_s(ctx, collections, "namedtuple");
    HPy_Close(ctx, collections);
    if (HPy_IsNull(namedtuple))
        goto fail;

    /* namedtuple(placeholder, names, rename=True, defaults=(None,)*n, module=...):
       a placeholder because desc->name need not be an identifier; rename so
       that any field name is accepted (the marker, keywords, duplicates);
       defaults so that Python code may pass fewer values, as with HPy 0.9's
       types (HPyStructSequence_New itself wants them all). */
    names = field_tuple(ctx, desc, n, 1);
    if (HPy_IsNull(names))
        goto fail;
    defaults = field_tuple(ctx, desc, n, 0);
    if (HPy_IsNull(defaults))
        goto fail;
    module = module_name(ctx, desc->name, dot);
    if (HPy_IsNull(module))
        goto fail;
    kw = HPyDict_New(ctx);
    if (HPy_IsNull(kw)
            || HPy_SetItem_s(ctx, kw, "rename", ctx->h_True) < 0
            || HPy_SetItem_s(ctx, kw, "defaults", defaults) < 0
            || HPy_SetItem_s(ctx, kw, "module", module) < 0)
        goto fail;
    pos[0] = HPyUnicode_FromString(ctx, "structseq");
    if (HPy_IsNull(pos[0]))
        goto fail;
    pos[1] = names;
    args = HPyTuple_FromArray(ctx, pos, 2);
    HPy_Close(ctx, pos[0]);
    if (HPy_IsNull(args))
        goto fail;
    type = HPy_CallTupleDict(ctx, namedtuple, args, kw);
    if (HPy_IsNull(type))
        goto fail;

    tail = HPyUnicode_FromString(ctx, dot != NULL ? dot + 1 : desc->name);
    if (HPy_IsNull(tail)
            || HPy_SetAttr_s(ctx, type, "__name__", tail) < 0
            || HPy_SetAttr_s(ctx, type, "__qualname__", tail) < 0)
        goto fail;
    doc = str_or_none(ctx, desc->doc);
    if (HPy_IsNull(doc) || HPy_SetAttr_s(ctx, type, "__doc__", doc) < 0)
        goto fail;
    if (set_field_docs(ctx, type, desc, n) < 0
            || set_long_attr(ctx, type, "n_sequence_fields", n) < 0
            || set_long_attr(ctx, type, "n_fields", n) < 0
            || set_long_attr(ctx, type, "n_unnamed_fields", 0) < 0)
        goto fail;
    goto done;

fail:
    close_if_set(ctx, type);
    type = HPy_NULL;
done:
    close_if_set(ctx, namedtuple);
    close_if_set(ctx, names);
    close_if_set(ctx, defaults);
    close_if_set(ctx, module);
    close_if_set(ctx, kw);
    close_if_set(ctx, args);
    close_if_set(ctx, tail);
    close_if_set(ctx, doc);
    return type;
}

/* The n_fields of a struct sequence type, or -1 with TypeError. */
static HPy_ssize_t
structseq_size(HPyContext *ctx, HPy type)
{
    HPy h;
    HPy_ssize_t n;
    if (!HPy_TypeCheck(ctx, type, ctx->h_TypeType)) {
        HPy t = HPy_Type(ctx, type);
        HPyErr_Format(ctx, ctx->h_TypeError,
                      "expected a struct sequence type, got a '%s' object",
                      HPy_IsNull(t) ? "?" : HPyType_GetName(ctx, t));
        close_if_set(ctx, t);
        return -1;
    }
    n = -1;
    if (HPyType_IsSubtype(ctx, type, ctx->h_TupleType)) {
        h = HPy_GetAttr_s(ctx, type, "n_fields");
        if (!HPy_IsNull(h)) {
            n = HPyLong_AsSsize_t(ctx, h);      /* -1 for a non-int too */
            HPy_Close(ctx, h);
        }
    }
    if (n < 0) {
        /* whatever went wrong looking, the caller passed the wrong type */
        HPyErr_Clear(ctx);
        HPyErr_Format(ctx, ctx->h_TypeError,
                      "type '%s' does not look like a struct sequence type",
                      HPyType_GetName(ctx, type));
    }
    return n;
}

HPyAPI_HELPER HPy
HPyStructSequence_New(HPyContext *ctx, HPy type, HPy_ssize_t nargs, HPy *args)
{
    HPy tuple, result;
    HPy_ssize_t n = structseq_size(ctx, type);
    if (n < 0)
        return HPy_NULL;
    /* checked here: namedtuple's defaults would accept fewer */
    if (nargs != n) {
        wrong_count(ctx, n, nargs);
        return HPy_NULL;
    }
    if (nargs > 0 && args == NULL) {
        HPyErr_SetString(ctx, ctx->h_SystemError, "HPyStructSequence_New: args is NULL");
        return HPy_NULL;
    }
    tuple = HPyTuple_FromArray(ctx, args, nargs);
    if (HPy_IsNull(tuple))
        return HPy_NULL;
    result = HPy_CallTupleDict(ctx, type, tuple, HPy_NULL);
    HPy_Close(ctx, tuple);
    return result;
}

#else /* HPY_ABI_CPYTHON */

static int is_unnamed(const char *name)
{
    return strcmp(name, HPyStructSequence_UnnamedField) == 0;
}

/* CPython leaves a type whose name has no dot without __module__ (3.9+ warn
   about it); universal mode says "builtins", as for CPython's static types. */
static int set_builtins_module(PyTypeObject *tp)
{
    int rc;
    PyObject *s = PyUnicode_FromString("builtins");
    if (s == NULL)
        return -1;
    rc = PyObject_SetAttrString((PyObject *)tp, "__module__", s);
    Py_DECREF(s);
    return rc;
}

HPyAPI_HELPER HPy
HPyStructSequence_NewType(HPyContext *ctx, HPyStructSequence_Desc *desc)
{
    PyStructSequence_Field *fields;
    PyStructSequence_Desc d;
    PyTypeObject *tp;
    char *generated = NULL, *next;
    HPy_ssize_t i, n_unnamed = 0;
    HPy_ssize_t n = count_fields(ctx, desc);
    if (n < 0)
        return HPy_NULL;

    /* CPython's own unnamed fields have no member, which breaks its repr when
       they are in the sequence part (always, here); they get the name
       universal mode gives them instead. */
    for (i = 0; i < n; i++)
        n_unnamed += is_unnamed(desc->fields[i].name);
    if (n_unnamed > 0) {
        /* CPython keeps pointers to the member names for the life of the
           type, so this block is never freed once the type exists */
        generated = (char *)PyMem_RawMalloc((size_t)n_unnamed * 24);
        if (generated == NULL)
            return HPyErr_NoMemory(ctx);
    }
    fields = PyMem_New(PyStructSequence_Field, (size_t)n + 1);
    if (fields == NULL) {
        PyMem_RawFree(generated);
        return HPyErr_NoMemory(ctx);
    }
    next = generated;
    for (i = 0; i < n; i++) {
        fields[i].name = desc->fields[i].name;
        fields[i].doc = desc->fields[i].doc;
        if (is_unnamed(fields[i].name)) {
            snprintf(next, 24, "_%zd", i);
            fields[i].name = next;
            next += 24;
        }
    }
    fields[n].name = NULL;
    fields[n].doc = NULL;

    d.name = desc->name;
    d.doc = desc->doc;
#if PY_VERSION_HEX < 0x03090000
    /* 3.8 crashes on a NULL type doc; __doc__ is set to None below */
    if (d.doc == NULL)
        d.doc = "";
#endif
    d.fields = fields;
    d.n_in_sequence = (int)n;
    tp = PyStructSequence_NewType(&d);
    PyMem_Free(fields);     /* copied into the type's members */
    if (tp == NULL) {
        PyMem_RawFree(generated);
        return HPy_NULL;
    }
    if ((desc->doc == NULL && PyObject_SetAttrString((PyObject *)tp, "__doc__", Py_None) < 0)
            || (strchr(desc->name, '.') == NULL && set_builtins_module(tp) < 0)) {
        Py_DECREF(tp);
        return HPy_NULL;
    }
    return _py2h((PyObject *)tp);
}

/* An int in the type's own dict, as PyStructSequence_New reads it (3.8 to
   3.11 without checking); -1 when missing or not an int. */
static Py_ssize_t
own_size_attr(PyTypeObject *tp, const char *name)
{
    PyObject *v;
    Py_ssize_t n = -1;
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *dict = PyType_GetDict(tp);    /* NULL in tp_dict for static builtins */
#else
    PyObject *dict = tp->tp_dict;
    Py_XINCREF(dict);
#endif
    if (dict == NULL)
        return -1;
    v = PyDict_GetItemString(dict, name);
    if (v != NULL && PyLong_Check(v))
        n = PyLong_AsSsize_t(v);
    Py_DECREF(dict);
    return n;
}

HPyAPI_HELPER HPy
HPyStructSequence_New(HPyContext *ctx, HPy type, HPy_ssize_t nargs, HPy *args)
{
    PyObject *obj = _h2py(type), *seq;
    PyTypeObject *tp;
    Py_ssize_t n, i;
    if (!PyType_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "expected a struct sequence type, got a '%s' object",
                     Py_TYPE(obj)->tp_name);
        return HPy_NULL;
    }
    tp = (PyTypeObject *)obj;
    n = -1;
    if (PyType_IsSubtype(tp, &PyTuple_Type) && own_size_attr(tp, "n_sequence_fields") >= 0)
        n = own_size_attr(tp, "n_fields");
    if (n < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "type '%s' does not look like a struct sequence type",
                     tp->tp_name);
        return HPy_NULL;
    }
    if (nargs != n) {
        wrong_count(ctx, n, nargs);
        return HPy_NULL;
    }
    if (nargs > 0 && args == NULL) {
        PyErr_SetString(PyExc_SystemError, "HPyStructSequence_New: args is NULL");
        return HPy_NULL;
    }
    seq = PyStructSequence_New(tp);
    if (seq == NULL)
        return HPy_NULL;
    for (i = 0; i < nargs; i++) {
        PyObject *item = _h2py(args[i]);
        Py_INCREF(item);
        PyStructSequence_SetItem(seq, i, item);     /* steals item */
    }
    return _py2h(seq);
}

#endif /* HPY_ABI_CPYTHON */
