/* Calls without the trampoline hop. CPython calls a method or slot of a universal module through
 * the extension's trampoline, which packs the arguments into a struct and calls
 * _HPy_CallRealFunctionFromTrampoline, which switches on the signature and calls the
 * implementation. For modules loaded in universal mode the runtime instead gives CPython a
 * thunk per function: a few instructions in executable memory that put the implementation's
 * address in the first unused argument register and jump to a dispatcher for the signature, which
 * calls the implementation with the universal context (x86-64 and arm64, thunk_code.h). Where
 * executable memory is refused, on another architecture, with HPYSHIM_THUNKS=0, or for modules
 * loaded in debug or trace mode (their trampolines wrap arguments), CPython gets the extension's
 * trampoline as before. */
#include <stdlib.h>
#include <string.h>
#include "native.h"
#include "platform.h"
#include "thunk_code.h"

#define PY_VECTORCALL_ARGUMENTS_OFFSET ((size_t)1 << (8 * sizeof(size_t) - 1))

static HPyContext *uctx;   /* the universal context: what a thunk's function receives */

#define P(o) _py2h(o)
#define R(h) ((PyObject *)_h2py(h))
#define CTX uctx

/* ---- dispatchers: CPython's arguments, then the implementation ---- */

static PyObject *d_noargs(PyObject *self, PyObject *unused, HPy (*impl)(HPyContext *, HPy))
{
    return R(impl(CTX, P(self)));
}

static PyObject *d_o(PyObject *self, PyObject *arg, HPy (*impl)(HPyContext *, HPy, HPy))
{
    return R(impl(CTX, P(self), P(arg)));
}

static PyObject *d_varargs(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                           HPy (*impl)(HPyContext *, HPy, const HPy *, size_t))
{
    return R(impl(CTX, P(self), (const HPy *)args, (size_t)nargs));
}

static PyObject *d_keywords(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames,
                            HPy (*impl)(HPyContext *, HPy, const HPy *, size_t, HPy))
{
    /* the keyword values follow the positional ones in args, as HPy expects */
    return R(impl(CTX, P(self), (const HPy *)args, nargsf & ~PY_VECTORCALL_ARGUMENTS_OFFSET, P(kwnames)));
}

static PyObject *d_h(PyObject *a, HPy (*impl)(HPyContext *, HPy))
{
    return R(impl(CTX, P(a)));
}

static PyObject *d_hh(PyObject *a, PyObject *b, HPy (*impl)(HPyContext *, HPy, HPy))
{
    return R(impl(CTX, P(a), P(b)));
}

static PyObject *d_hhh(PyObject *a, PyObject *b, PyObject *c, HPy (*impl)(HPyContext *, HPy, HPy, HPy))
{
    return R(impl(CTX, P(a), P(b), P(c)));
}

static int d_i_h(PyObject *a, int (*impl)(HPyContext *, HPy))
{
    return impl(CTX, P(a));
}

static Py_ssize_t d_s_h(PyObject *a, Py_ssize_t (*impl)(HPyContext *, HPy))
{
    return impl(CTX, P(a));
}

static PyObject *d_hs(PyObject *a, Py_ssize_t i, HPy (*impl)(HPyContext *, HPy, Py_ssize_t))
{
    return R(impl(CTX, P(a), i));
}

static int d_i_hsh(PyObject *a, Py_ssize_t i, PyObject *c, int (*impl)(HPyContext *, HPy, Py_ssize_t, HPy))
{
    return impl(CTX, P(a), i, P(c));
}

static int d_i_hh(PyObject *a, PyObject *b, int (*impl)(HPyContext *, HPy, HPy))
{
    return impl(CTX, P(a), P(b));
}

static int d_i_hhh(PyObject *a, PyObject *b, PyObject *c, int (*impl)(HPyContext *, HPy, HPy, HPy))
{
    return impl(CTX, P(a), P(b), P(c));
}

static PyObject *d_richcmp(PyObject *a, PyObject *b, int op, HPy (*impl)(HPyContext *, HPy, HPy, HPy_RichCmpOp))
{
    return R(impl(CTX, P(a), P(b), (HPy_RichCmpOp)op));
}

/* CPython passes a tuple and a dict; the tuple's items already form the HPy argument array */
static int d_init(PyObject *self, PyObject *args, PyObject *kw,
                  int (*impl)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy))
{
    return impl(CTX, P(self), TUPLE_ITEMS(args), TUPLE_SIZE(args), P(kw));
}

static PyObject *d_new(PyObject *type, PyObject *args, PyObject *kw,
                       HPy (*impl)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy))
{
    return R(impl(CTX, P(type), TUPLE_ITEMS(args), TUPLE_SIZE(args), P(kw)));
}

static int d_traverse(PyObject *self, void *visit, void *arg, HPyFunc_traverseproc impl)
{
    return native_traverse(impl, self, visit, arg);
}

static void d_destructor(PyObject *a, void (*impl)(HPyContext *, HPy))
{
    impl(CTX, P(a));
}

/* The dispatcher of a signature and how many arguments CPython passes it (the implementation
 * goes in the next register), or NULL for signatures that keep the trampoline. */
static void *dispatcher_of(HPyFunc_Signature sig, int *nargs)
{
    switch (sig) {
    case HPyFunc_NOARGS: *nargs = 2; return (void *)d_noargs;   /* CPython passes (self, NULL) */
    case HPyFunc_O: *nargs = 2; return (void *)d_o;
    case HPyFunc_VARARGS: *nargs = 3; return (void *)d_varargs;
    case HPyFunc_KEYWORDS: *nargs = 4; return (void *)d_keywords;
    case HPyFunc_UNARYFUNC:
    case HPyFunc_REPRFUNC:
    case HPyFunc_GETITERFUNC:
    case HPyFunc_ITERNEXTFUNC: *nargs = 1; return (void *)d_h;
    case HPyFunc_BINARYFUNC:
    case HPyFunc_GETATTROFUNC: *nargs = 2; return (void *)d_hh;
    case HPyFunc_TERNARYFUNC:
    case HPyFunc_DESCRGETFUNC: *nargs = 3; return (void *)d_hhh;
    case HPyFunc_INQUIRY: *nargs = 1; return (void *)d_i_h;
    case HPyFunc_LENFUNC:
    case HPyFunc_HASHFUNC: *nargs = 1; return (void *)d_s_h;
    case HPyFunc_SSIZEARGFUNC: *nargs = 2; return (void *)d_hs;
    case HPyFunc_SSIZEOBJARGPROC: *nargs = 3; return (void *)d_i_hsh;
    case HPyFunc_OBJOBJPROC: *nargs = 2; return (void *)d_i_hh;
    case HPyFunc_OBJOBJARGPROC:
    case HPyFunc_SETATTROFUNC:
    case HPyFunc_DESCRSETFUNC: *nargs = 3; return (void *)d_i_hhh;
    case HPyFunc_RICHCMPFUNC: *nargs = 3; return (void *)d_richcmp;
    case HPyFunc_INITPROC: *nargs = 3; return (void *)d_init;
    case HPyFunc_NEWFUNC: *nargs = 3; return (void *)d_new;
    case HPyFunc_TRAVERSEPROC: *nargs = 3; return (void *)d_traverse;
    case HPyFunc_DESTRUCTOR: *nargs = 1; return (void *)d_destructor;
    default: return NULL;
    }
}

/* The signature of each HPy slot that can have a thunk (HPy's HPySlot_SIG table). */
static HPyFunc_Signature slot_signature(int slot)
{
    switch (slot) {
#define S(name) case name: return _HPySlot_SIG__##name;
    S(HPy_mp_ass_subscript) S(HPy_mp_length) S(HPy_mp_subscript) S(HPy_nb_absolute) S(HPy_nb_add)
    S(HPy_nb_and) S(HPy_nb_bool) S(HPy_nb_divmod) S(HPy_nb_float) S(HPy_nb_floor_divide)
    S(HPy_nb_index) S(HPy_nb_inplace_add) S(HPy_nb_inplace_and) S(HPy_nb_inplace_floor_divide)
    S(HPy_nb_inplace_lshift) S(HPy_nb_inplace_multiply) S(HPy_nb_inplace_or) S(HPy_nb_inplace_power)
    S(HPy_nb_inplace_remainder) S(HPy_nb_inplace_rshift) S(HPy_nb_inplace_subtract)
    S(HPy_nb_inplace_true_divide) S(HPy_nb_inplace_xor) S(HPy_nb_int) S(HPy_nb_invert)
    S(HPy_nb_lshift) S(HPy_nb_multiply) S(HPy_nb_negative) S(HPy_nb_or) S(HPy_nb_positive)
    S(HPy_nb_power) S(HPy_nb_remainder) S(HPy_nb_rshift) S(HPy_nb_subtract) S(HPy_nb_true_divide)
    S(HPy_nb_xor) S(HPy_sq_ass_item) S(HPy_sq_concat) S(HPy_sq_contains) S(HPy_sq_inplace_concat)
    S(HPy_sq_inplace_repeat) S(HPy_sq_item) S(HPy_sq_length) S(HPy_sq_repeat) S(HPy_tp_descr_get)
    S(HPy_tp_hash) S(HPy_tp_init) S(HPy_tp_new) S(HPy_tp_repr) S(HPy_tp_richcompare) S(HPy_tp_str)
    S(HPy_tp_traverse) S(HPy_nb_matrix_multiply) S(HPy_nb_inplace_matrix_multiply) S(HPy_tp_finalize)
#undef S
    default: return (HPyFunc_Signature)0;
    }
}

/* ---- the thunks: code written into pages that are writable or executable, never both ---- */

static unsigned char *page;       /* the page thunks are being added to */
static size_t page_used, page_size;
static int thunks_state;          /* 0 not decided, 1 on, -1 off */
static const char *off_reason;

static int thunks_enabled(void)
{
    if (thunks_state == 0) {
        const char *env = getenv("HPYSHIM_THUNKS");
        if (env != NULL && strcmp(env, "0") == 0) {
            thunks_state = -1;
            off_reason = "HPYSHIM_THUNKS=0";
        } else if (!THUNK_ENCODER_AVAILABLE) {
            thunks_state = -1;
            off_reason = "no thunk encoder for this architecture";
        } else {
            thunks_state = 1;
        }
    }
    return thunks_state > 0;
}

/* A thunk calling dispatcher with impl after nargs arguments, or NULL (the caller falls back). */
static void *make_thunk(int nargs, void *impl, void *dispatcher)
{
    if (page_size == 0)
        page_size = platform_page_size();
    if (page == NULL || page_used + THUNK_SIZE > page_size) {
        void *fresh = platform_pages_map(page_size);
        if (fresh == NULL)
            goto refused;
        page = fresh;
        page_used = 0;
    } else if (platform_pages_protect(page, page_size, PLATFORM_READ_WRITE) != 0) {
        goto refused;
    }
    /* Only threads holding the GIL run thunks, and they spend three instructions in one; this runs
       under the GIL, so no thread is inside the page while it is writable. */
    unsigned char *thunk = page + page_used;
    int ok = thunk_encode(thunk, nargs, impl, dispatcher) == 0;
    if (platform_pages_protect(page, page_size, PLATFORM_READ_EXEC) != 0)
        goto refused;   /* the page stays writable and unused: thunks are off from now on */
    __builtin___clear_cache((char *)thunk, (char *)thunk + THUNK_SIZE);
    if (!ok)
        return NULL;
    page_used += THUNK_SIZE;
    return thunk;
refused:
    thunks_state = -1;
    off_reason = "the system refused executable memory";
    page = NULL;
    return NULL;
}

/* Libraries whose modules were last loaded in another mode than universal keep their trampolines. */
typedef struct {
    void *base;
    int universal;
} library_mode;
static library_mode *libraries;
static size_t library_count, library_capacity;

static library_mode *library_of(const void *address)
{
    void *base = platform_library_base(address);
    if (base == NULL)
        return NULL;
    for (size_t i = 0; i < library_count; i++)
        if (libraries[i].base == base)
            return &libraries[i];
    return NULL;
}

/* The loader says, before an extension's init function runs, in which mode it loads it (init_fn is
 * any address inside the library). */
int hpyshim_native_note_library_mode(void *init_fn, int universal)
{
    void *base = platform_library_base(init_fn);
    if (base == NULL)
        return 0;
    library_mode *known = library_of(init_fn);
    if (known != NULL) {
        known->universal = universal;
        return 0;
    }
    if (library_count == library_capacity) {
        size_t capacity = library_capacity ? library_capacity * 2 : 16;
        library_mode *grown = realloc(libraries, capacity * sizeof *grown);
        if (grown == NULL)
            return -1;
        libraries = grown;
        library_capacity = capacity;
    }
    libraries[library_count++] = (library_mode){ base, universal };
    return 0;
}

/* What CPython should call for a function of signature sig, implemented by impl, whose extension
 * trampoline is trampoline: a thunk where possible, else the trampoline. */
static void *entry_point(HPyFunc_Signature sig, void *impl, void *trampoline)
{
    int nargs;
    void *dispatcher = dispatcher_of(sig, &nargs);
    if (dispatcher == NULL || impl == NULL || uctx == NULL || !thunks_enabled())
        return trampoline;
    library_mode *library = library_of(trampoline);
    if (library == NULL || !library->universal)
        return trampoline;
    void *thunk = make_thunk(nargs, impl, dispatcher);
    return thunk != NULL ? thunk : trampoline;
}

void *hpyshim_native_method_entry(int sig, void *impl, void *trampoline)
{
    return entry_point((HPyFunc_Signature)sig, impl, trampoline);
}

void *hpyshim_native_slot_entry(int slot, void *impl, void *trampoline)
{
    HPyFunc_Signature sig = slot_signature(slot);
    return sig == 0 ? trampoline : entry_point(sig, impl, trampoline);
}

/* 1 if thunks are in use, 0 if not; *reason says why not. */
int hpyshim_native_thunks_active(const char **reason)
{
    int on = thunks_enabled();
    *reason = on ? NULL : off_reason;
    return on;
}

void native_thunks_init(HPyContext *ctx)
{
    uctx = ctx;
}
