/* Calls without the trampoline hop. CPython calls a method or slot of a universal module through
 * the extension's trampoline, which packs the arguments into a struct and calls
 * _HPy_CallRealFunctionFromTrampoline, which switches on the signature and calls the
 * implementation. For modules loaded in universal mode the runtime instead gives CPython a
 * thunk per function: a few instructions in executable memory that call the implementation with
 * the universal context, directly where the arguments pass through, else through a dispatcher for
 * the signature (x86-64 and arm64, thunk_code.h). Modules loaded in trace mode get thunks too,
 * that pass the trace context (whose trampoline dispatch is uncounted anyway). Where
 * executable memory is refused, on another architecture, with HPYSHIM_THUNKS=0, or for modules
 * loaded in debug mode (their trampolines wrap arguments), CPython gets the extension's
 * trampoline as before. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/runtime.h"
#include "platform/platform.h"
#include "thunks/thunk_code.h"
#include "interop/boundary.gen.h"
#include "runtime/dispatch.gen.h"

static HPyContext *uctx;   /* the universal context: what a thunk's function receives */


/* ---- what a thunk does per signature ----
 * Most signatures pass CPython's arguments through unchanged (a handle is its PyObject*): their
 * thunk shifts the arguments up one register, puts the context first and jumps straight to the
 * implementation. The few that convert arguments go through a dispatcher, which receives the
 * implementation after CPython's arguments. */

/* CPython passes a tuple and a dict; the tuple's items already form the HPy argument array */
static int d_init(PyObject *self, PyObject *args, PyObject *kw,
                  int (*impl)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy))
{
    return impl(uctx, _py2h(self), TUPLE_ITEMS(args), TUPLE_SIZE(args), _py2h(kw));
}

static PyObject *d_new(PyObject *type, PyObject *args, PyObject *kw,
                       HPy (*impl)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy))
{
    return (PyObject *)_h2py(impl(uctx, _py2h(type), TUPLE_ITEMS(args), TUPLE_SIZE(args), _py2h(kw)));
}

/* The same for the trace context (the one other context thunks pass; set when a library is
   first noted with it). */
static HPyContext *tctx;

static int d_init_trace(PyObject *self, PyObject *args, PyObject *kw,
                        int (*impl)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy))
{
    return impl(tctx, _py2h(self), TUPLE_ITEMS(args), TUPLE_SIZE(args), _py2h(kw));
}

static PyObject *d_new_trace(PyObject *type, PyObject *args, PyObject *kw,
                             HPy (*impl)(HPyContext *, HPy, const HPy *, HPy_ssize_t, HPy))
{
    return (PyObject *)_h2py(impl(tctx, _py2h(type), TUPLE_ITEMS(args), TUPLE_SIZE(args), _py2h(kw)));
}

/* No context: the same for every mode. */
static int d_traverse(PyObject *self, void *visit, void *arg, HPyFunc_traverseproc impl)
{
    return native_traverse(impl, self, visit, arg);
}

typedef struct {
    int nargs;          /* arguments CPython passes */
    int mask;           /* direct: the argument whose top bit is cleared (nargsf), or -1 */
    void *dispatcher;   /* NULL: direct */
} thunk_kind;

/* How a signature is called through a thunk; 0 for signatures that keep the trampoline. Those whose
   arguments pass through unchanged are listed in api/hpyfunc.api (dispatch.gen.h); the others here. */
static int kind_of(HPyFunc_Signature sig, thunk_kind *k)
{
    k->mask = -1;
    k->dispatcher = NULL;
    k->nargs = passthrough_nargs(sig);   /* NOARGS: CPython passes (self, NULL), only self goes on */
    if (k->nargs > 0)
        return 1;
    switch (sig) {
    case HPyFunc_VARARGS: k->nargs = 3; return 1;   /* (self, args, nargs): HPy takes the array as it is */
    case HPyFunc_KEYWORDS:        /* (self, args, nargsf, kwnames): nargs without the offset flag */
        k->nargs = 4;
        k->mask = 2;
        return 1;
    case HPyFunc_INITPROC: k->nargs = 3; k->dispatcher = (void *)d_init; return 1;
    case HPyFunc_NEWFUNC: k->nargs = 3; k->dispatcher = (void *)d_new; return 1;
    case HPyFunc_TRAVERSEPROC: k->nargs = 3; k->dispatcher = (void *)d_traverse; return 1;
    default: return 0;
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

/* ---- the thunks: code written into memory that is writable or executable, never both ----
 * Where the system allows, thunks live in chunks of shared memory mapped twice
 * (platform_code_map): written through the writable view, run through the executable one, with no
 * protection change per thunk (two mprotect calls per thunk cost more than the rest of loading a
 * module). Elsewhere, and in a child process after fork (whose chunks become private copies, so
 * that parent and child never write each other's code), a page is writable only while a thunk is
 * written into it. */

enum { CHUNK_SIZE = 64 * 1024 };
typedef struct {
    unsigned char *rx, *rw;   /* CHUNK_SIZE bytes; rw NULL: written by changing the protection */
} code_chunk;
static code_chunk *chunks;
static size_t chunk_count, chunk_capacity;
static int dual_state;            /* 0 not tried, 1 works, -1 refused */

static unsigned char *page;       /* where thunks are being added (their executable address) */
static size_t page_used, area_size, page_size;
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
        /* The tests' way to the fallback of systems without dual-mapped memory. */
        const char *pages = getenv("HPYSHIM_TEST_THUNK_PAGES");
        if (pages != NULL && strcmp(pages, "1") == 0)
            dual_state = -1;
    }
    return thunks_state > 0;
}

/* Thunks of dead types, for reuse (their pages stay mapped). */
static unsigned char **free_thunks;
static size_t free_count, free_capacity;

void shim_release_thunk(void *thunk)
{
    if (free_count == free_capacity) {
        size_t capacity = free_capacity ? free_capacity * 2 : 64;
        unsigned char **grown = realloc(free_thunks, capacity * sizeof *grown);
        if (grown == NULL)
            return;   /* kept, unused */
        free_thunks = grown;
        free_capacity = capacity;
    }
    free_thunks[free_count++] = thunk;
}

/* The writable view of an executable address, or NULL when it has none. */
static unsigned char *writable_alias(unsigned char *thunk)
{
    for (size_t i = 0; i < chunk_count; i++)
        if (chunks[i].rw != NULL && thunk >= chunks[i].rx && thunk < chunks[i].rx + CHUNK_SIZE)
            return chunks[i].rw + (thunk - chunks[i].rx);
    return NULL;
}

/* In a child after fork: its chunks become private, so the parent's later writes (new or reused
 * thunks) do not change the child's code, nor the child's the parent's. */
static void chunks_after_fork(void)
{
    for (size_t i = 0; i < chunk_count; i++) {
        if (chunks[i].rw == NULL)
            continue;
        if (platform_code_privatize(chunks[i].rw, chunks[i].rx, CHUNK_SIZE) == 0) {
            chunks[i].rw = NULL;
        } else {
            /* still shared: write no more thunks in this process */
            thunks_state = -1;
            off_reason = "the thunk memory could not be made private after fork";
            free_count = 0;
        }
    }
}

/* Writes the thunk at `thunk` (an executable address; or in a fresh, still writable page). Without
 * a writable view, the page is writable only while it is written: only threads holding the GIL
 * run thunks, and they spend a few instructions in one; this runs under the GIL, so no thread is
 * inside the page meanwhile. 1 written, 0 not encodable, -1 the system refused the protection change. */
static int write_thunk(unsigned char *thunk, int fresh_page, const thunk_kind *k, HPyContext *ctx, void *impl)
{
    unsigned char *alias = writable_alias(thunk);
    unsigned char *base = (unsigned char *)((uintptr_t)thunk & ~(uintptr_t)(page_size - 1));
    if (alias == NULL && !fresh_page && platform_pages_protect(base, page_size, PLATFORM_READ_WRITE) != 0)
        return -1;
    unsigned char *at = alias != NULL ? alias : thunk;
    int ok = (k->dispatcher != NULL ? thunk_encode(at, k->nargs, impl, k->dispatcher)
                                    : thunk_encode_direct(at, k->nargs, k->mask, ctx, impl)) == 0;
    if (alias == NULL && platform_pages_protect(base, page_size, PLATFORM_READ_EXEC) != 0)
        return -1;
    __builtin___clear_cache((char *)thunk, (char *)thunk + THUNK_SIZE);
    return ok;
}

/* Whether code rewritten through the writable view is what then runs, checked once on the first
 * chunk: a function returning 1 is written and run, then rewritten to return 2 and run. A processor
 * keeps its instruction cache coherent with __builtin___clear_cache (IC IVAU on arm64, nothing to
 * do on x86-64), but an emulator that translates code once and notices writes only through the
 * address that runs it (qemu-user: arm64 and x86-64 guests alike) goes on running the old code, so
 * a reused thunk (shim_release_thunk) would call its previous function. There thunks are written by
 * changing the protection of the page that runs them, a write the emulator sees. */
static int rewrites_seen(unsigned char *rw, unsigned char *rx)
{
    for (uint16_t value = 1; value <= 2; value++) {
        if (thunk_encode_constant(rw, value) != 0)
            return 0;
        __builtin___clear_cache((char *)rx, (char *)rx + THUNK_SIZE);
        if (((uintptr_t (*)(void))(void *)rx)() != value)
            return 0;
    }
    return 1;
}

/* Makes a new dual-mapped chunk the area thunks are added to: 0, or -1 when the system (or
 * memory for the list of chunks) refuses, or rewrites through the writable view go unseen. */
static int new_chunk(void)
{
    void *rw, *rx;
    if (chunk_count == chunk_capacity) {
        size_t capacity = chunk_capacity ? chunk_capacity * 2 : 8;
        code_chunk *grown = realloc(chunks, capacity * sizeof *grown);
        if (grown == NULL)
            return -1;
        chunks = grown;
        chunk_capacity = capacity;
    }
    if (platform_code_map(CHUNK_SIZE, &rw, &rx) != 0)
        return -1;
    if (dual_state == 0 && (!rewrites_seen(rw, rx) || platform_on_fork_child(chunks_after_fork) != 0)) {
        /* stale code, or a child would share the chunk with its parent: do without */
        platform_pages_unmap(rw, CHUNK_SIZE);
        platform_pages_unmap(rx, CHUNK_SIZE);
        return -1;
    }
    chunks[chunk_count].rx = rx;
    chunks[chunk_count].rw = rw;
    chunk_count++;
    page = rx;
    area_size = CHUNK_SIZE;
    page_used = 0;
    return 0;
}

/* Starts a new area for thunks: a dual-mapped chunk while the system gives them, else one page
 * (fresh and still writable: *fresh set). 0, or -1 when the system gives no memory. */
static int new_area(int *fresh)
{
    *fresh = 0;
    if (dual_state >= 0) {
        dual_state = new_chunk() == 0 ? 1 : -1;
        if (dual_state > 0)
            return 0;
    }
    void *one = platform_pages_map(page_size);
    if (one == NULL)
        return -1;
    page = one;
    area_size = page_size;
    page_used = 0;
    *fresh = 1;
    return 0;
}

/* A thunk for impl of that kind, passing ctx, or NULL (the caller falls back). */
static void *make_thunk(const thunk_kind *k, HPyContext *ctx, void *impl)
{
    int fresh_page = 0, written;
    unsigned char *thunk;
    if (page_size == 0)
        page_size = platform_page_size();
    if (free_count > 0) {
        thunk = free_thunks[--free_count];   /* a released one */
        written = write_thunk(thunk, 0, k, ctx, impl);
        if (written == 0)
            free_count++;
    } else {
        if (page == NULL || page_used + THUNK_SIZE > area_size) {
            if (new_area(&fresh_page) != 0)
                goto refused;
        }
        thunk = page + page_used;
        written = write_thunk(thunk, fresh_page, k, ctx, impl);
        if (written > 0)
            page_used += THUNK_SIZE;
    }
    if (written < 0)
        goto refused;
    return written > 0 ? thunk : NULL;
refused:
    thunks_state = -1;
    off_reason = "the system refused executable memory";
    page = NULL;
    return NULL;
}

/* The context the thunks of a library's functions pass, after the mode its modules were last
   loaded in: the universal or the trace context; NULL (debug mode) keeps the trampolines. */
typedef struct {
    void *base;
    HPyContext *ctx;
} library_mode;
static library_mode *libraries;
static size_t library_count, library_capacity;

static library_mode *library_at(void *base)
{
    for (size_t i = 0; i < library_count; i++)
        if (libraries[i].base == base)
            return &libraries[i];
    return NULL;
}

/* The loader says, before an extension's init function runs, which context its thunks pass
 * (init_fn is any address inside the library; NULL: no thunks). */
int shim_note_library_mode(void *init_fn, HPyContext *thunk_ctx)
{
    void *base = platform_library_base(init_fn);
    if (base == NULL)
        return 0;
    library_mode *known = library_at(base);
    if (known != NULL) {
        known->ctx = thunk_ctx;
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
    libraries[library_count++] = (library_mode){ base, thunk_ctx };
    return 0;
}

/* What CPython should call for a function of signature sig, implemented by impl, whose extension
 * trampoline is trampoline: a thunk where possible, else the trampoline. */
static void *entry_point(HPyFunc_Signature sig, void *impl, void *trampoline)
{
    thunk_kind kind;
    if (!kind_of(sig, &kind) || impl == NULL || uctx == NULL || !thunks_enabled())
        return trampoline;
    void *base = platform_library_base(trampoline);
    library_mode *library = base != NULL ? library_at(base) : NULL;
    if (library == NULL || library->ctx == NULL)
        return trampoline;
    if (library->ctx != uctx && kind.dispatcher != NULL && kind.dispatcher != (void *)d_traverse) {
        if (tctx == NULL)
            tctx = library->ctx;
        if (library->ctx != tctx)
            return trampoline;
        kind.dispatcher = kind.dispatcher == (void *)d_init ? (void *)d_init_trace : (void *)d_new_trace;
    }
    void *thunk = make_thunk(&kind, library->ctx, impl);
    return thunk != NULL ? thunk : trampoline;
}

void *shim_method_entry(int sig, void *impl, void *trampoline)
{
    return entry_point((HPyFunc_Signature)sig, impl, trampoline);
}

void *shim_slot_entry(int slot, void *impl, void *trampoline)
{
    HPyFunc_Signature sig = slot_signature(slot);
    return sig == 0 ? trampoline : entry_point(sig, impl, trampoline);
}

/* 1 if thunks are in use, 0 if not; *reason says why not. */
int shim_thunks_active(const char **reason)
{
    int on = thunks_enabled();
    *reason = on ? NULL : off_reason;
    return on;
}

void native_thunks_init(HPyContext *ctx)
{
    uctx = ctx;
}
