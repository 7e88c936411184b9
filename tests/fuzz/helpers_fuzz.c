/* Fuzz target of the helpers that parse untrusted format strings and arguments:
 * HPyArg_Parse, HPyArg_ParseKeywords, HPyArg_ParseKeywordsDict and HPy_BuildValue
 * (src/runtime/argparse.c, buildvalue.c). Built in CPython ABI mode, so that no runtime but
 * CPython itself runs in the process: the parsing code is the same in every ABI.
 *
 * Input: one byte choosing the function, a NUL-terminated format (at most MAX_FORMAT bytes are
 * used), then bytes describing the arguments (see make_object and the callers).
 * ./build.sh fuzz runs it under libFuzzer; ./build.sh test replays tests/regressions/fuzz/ with
 * the same file compiled with REPLAY_MAIN (a main that feeds it each file named on the command line). */
#include "hpy.h"
#include "cpython/runtime.h"   /* src/runtime/cpython: the CPython ABI mode runtime */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FORMAT 60   /* fewer units than output slots and arguments below */
#define SLOTS 64

typedef struct { const uint8_t *p, *end; } input;

static int next(input *in)
{
    return in->p < in->end ? *in->p++ : 0;
}

static const char *const names[] = { "", "a", "b", "c", "x", "y", "long_name", "\xc3\xa9" };
#define NAME(in) names[next(in) % 8]

static PyObject *make_object(input *in)
{
    int kind = next(in) % 11;
    switch (kind) {
    case 0: return PyLong_FromLong((signed char)next(in));
    case 1: {
        unsigned long long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (unsigned)next(in);
        return PyLong_FromLongLong((long long)v);
    }
    case 2: return PyLong_FromString("123456789012345678901234567890", NULL, 10);
    case 3: {
        double d;
        uint8_t b[8];
        for (int i = 0; i < 8; i++) b[i] = (uint8_t)next(in);
        memcpy(&d, b, sizeof d);
        return PyFloat_FromDouble(d);
    }
    case 4: case 5: {
        char buf[16];
        int n = next(in) % 16;
        for (int i = 0; i < n; i++) buf[i] = (char)next(in);
        return kind == 4 ? PyUnicode_DecodeUTF8(buf, n, "replace") : PyBytes_FromStringAndSize(buf, n);
    }
    case 6: Py_INCREF(Py_None); return Py_None;
    case 7: Py_INCREF(Py_True); return Py_True;
    case 8: return PyTuple_New(0);
    case 9: return PyList_New(0);
    default: return PyDict_New();
    }
}

static union { char bytes[16]; long long ll; double d; void *p; } slots[SLOTS];
#define OUT(i) ((void *)&slots[i])
#define OUTS16(b) OUT(b), OUT(b + 1), OUT(b + 2), OUT(b + 3), OUT(b + 4), OUT(b + 5), OUT(b + 6), \
    OUT(b + 7), OUT(b + 8), OUT(b + 9), OUT(b + 10), OUT(b + 11), OUT(b + 12), OUT(b + 13), OUT(b + 14), OUT(b + 15)
#define OUTS OUTS16(0), OUTS16(16), OUTS16(32), OUTS16(48)

static PyObject *pinned;   /* every HPy_BuildValue argument: a valid object and a valid string */
#define PIN ((uintptr_t)pinned)
#define PINS8 PIN, PIN, PIN, PIN, PIN, PIN, PIN, PIN
#define PINS PINS8, PINS8, PINS8, PINS8, PINS8, PINS8, PINS8, PINS8

static void parse(HPyContext *ctx, int which, const char *fmt, input *in)
{
    HPy args[16];
    PyObject *kwnames = NULL, *kwdict = NULL;
    size_t nargs = next(in) % 6, nkw = 0;
    const char *keywords[10];
    size_t nkeywords = next(in) % 9;
    for (size_t i = 0; i < nargs; i++)
        args[i] = _py2h(make_object(in));
    for (size_t i = 0; i < nkeywords; i++)
        keywords[i] = NAME(in);
    keywords[nkeywords] = NULL;
    if (which == 1) {
        nkw = next(in) % 4;
        kwnames = PyTuple_New((Py_ssize_t)nkw);
        for (size_t i = 0; i < nkw; i++) {
            PyTuple_SET_ITEM(kwnames, (Py_ssize_t)i, PyUnicode_FromString(NAME(in)));
            args[nargs + i] = _py2h(make_object(in));
        }
    } else if (which == 2) {
        kwdict = PyDict_New();
        for (int i = next(in) % 4; i > 0; i--) {
            PyObject *v = make_object(in);
            PyDict_SetItemString(kwdict, NAME(in), v);
            Py_DECREF(v);
        }
    }
    memset(slots, 0, sizeof slots);
    HPyTracker ht;
    int ok;
    if (which == 0)
        ok = HPyArg_Parse(ctx, &ht, args, nargs, fmt, OUTS);
    else if (which == 1)
        ok = HPyArg_ParseKeywords(ctx, &ht, args, nargs, kwnames ? _py2h(kwnames) : HPy_NULL, fmt, keywords, OUTS);
    else
        ok = HPyArg_ParseKeywordsDict(ctx, &ht, args, (HPy_ssize_t)nargs, _py2h(kwdict), fmt, keywords, OUTS);
    if (ok)
        HPyTracker_Close(ctx, ht);
    else if (!PyErr_Occurred())
        abort();   /* a failure must say why */
    PyErr_Clear();
    for (size_t i = 0; i < nargs + nkw; i++)
        Py_DECREF(_h2py(args[i]));
    Py_XDECREF(kwnames);
    Py_XDECREF(kwdict);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    setenv("PYTHONMALLOC", "malloc", 1);   /* let the sanitizer see every allocation */
    Py_InitializeEx(0);
    if (_HPyCPy_InitContext() < 0)   /* what a module's init does first in this ABI */
        abort();
    pinned = PyBytes_FromString("pinned");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = { data, data + size };
    int which = next(&in) % 4;
    char fmt[MAX_FORMAT + 1];
    size_t n = 0;
    while (in.p < in.end && *in.p != 0) {
        if (n < MAX_FORMAT)
            fmt[n++] = (char)*in.p;
        in.p++;
    }
    in.p += in.p < in.end;
    fmt[n] = '\0';
    HPyContext *ctx = _HPyGetContext();
    if (which < 3) {
        parse(ctx, which, fmt, &in);
    } else {
        Py_SET_REFCNT(pinned, 1 << 20);   /* whatever a bad format did to it */
        HPy h = HPy_BuildValue(ctx, fmt, PINS);
        if (HPy_IsNull(h) && !PyErr_Occurred())
            abort();
        HPy_Close(ctx, h);
        PyErr_Clear();
    }
    return 0;
}

#ifdef REPLAY_MAIN
int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            perror(argv[i]);
            return 2;
        }
        static uint8_t buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        printf("ok   %s\n", argv[i]);
    }
    printf("0 failure(s)\n");
    return 0;
}
#endif
