/* Raw data lifetimes in debug mode. The char* a getter returns (HPyUnicode_AsUTF8AndSize,
 * HPyBytes_AsString, HPyBytes_AS_STRING, HPyType_GetName) lives as long as its handle, and the
 * extension must not write to it. So the debug context hands out a copy on pages of its own,
 * read-only, which become unreadable once the handle is closed (while the bytes kept that way stay
 * under a bound). A read after close or a write faults; a fault handler (platform_on_fault:
 * SIGSEGV) installed after the runtime's own recognises the address and says what the memory was,
 * else passes the fault to the one it replaced. The handler cannot allocate or call Python: it only
 * reads the tables below and write(2)s texts prepared earlier.
 *
 * Without a system call per char* in the common case:
 *  - Memory comes in areas mapped once, twice over (platform_dual_map): a read-only view, whose
 *    addresses the getters return, and a writable view of the same pages, through which copies
 *    are written; writing a copy changes no protection.
 *  - Each copy gets pages of its own (no two handles share a page, so a closed handle's page can be
 *    protected whatever its neighbours do), handed out in order from chunks of CHUNK_PAGES pages. A
 *    chunk whose pages are all given back is made readable again with one call and reused.
 *  - A handle the extension closes itself (HPy_Close, HPyTracker_Close) has its data protected at
 *    once. Handles the runtime closes when a call ends (the arguments lent to it, the result it
 *    returns) are the common case; their pages wait in a batch, protected together (one
 *    mprotect per run of adjacent pages) at the first of: the batch holding raw_batch_closes
 *    pages' copies; an extension call starting while the last protection is raw_batch_calls or
 *    more calls old; an explicit close. Until then the data reads as poison (0xDB bytes, the
 *    final NUL kept). docs/debug-mode.md states the window.
 * Copies too large for a chunk get a mapping of their own, protected at close, as before. Without
 * dual-mapped memory (no memfd) copies are written by making their pages writable for the time of
 * the copy. After fork the child copies the pages in use to memory of its own. */
#include <signal.h>   /* sig_atomic_t: the tables are read from the fault handler */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "debug/debug.h"
#include "platform/platform.h"
#include "interop/boundary.gen.h"   /* shim_member_name */

#define CHUNK_PAGES 64
#define AREA_CHUNKS 64           /* an area: 4096 pages (16 MiB with 4 KiB pages) of address space */
#define AREA_PAGES (CHUNK_PAGES * AREA_CHUNKS)
#define MAX_AREAS 32
#define MAX_BIG 256              /* copies larger than a chunk, each in a mapping of its own */
#define MAX_BATCH 4096           /* raw_batch_closes is capped by this */
#define POISON 0xDB

/* A page's state (the first page of a copy holds the copy's; the others point to it). */
enum { PAGE_FREE, PAGE_OPEN, PAGE_PENDING, PAGE_KEPT, PAGE_DEAD };

typedef struct {
    debug_handle *owner;     /* the handle the copy was made for (its entry's address is the handle) */
    const char *opened;      /* where the handle was opened and the getter called (text), or NULL */
    const char *closed;      /* how and where the handle was closed (text), or NULL */
    int64_t size;            /* bytes of data */
    int32_t member;          /* the getter */
    uint32_t first;          /* the copy's first page */
    uint32_t count;          /* pages of the copy (on the first page) */
    uint8_t state;
    uint8_t counted;         /* size is in debug_state->raw_kept */
    uint8_t dropped;         /* given back before it was protected: dead once it is */
} raw_page;

enum { CHUNK_FRESH, CHUNK_ACTIVE, CHUNK_SEALED, CHUNK_FREE };

typedef struct {
    uint16_t used;           /* pages handed out */
    uint16_t live;           /* of them, not dead */
    uint8_t state;
} raw_chunk;

typedef struct {
    char *ro;                /* what getters return */
    char *rw;                /* the same memory, writable; == ro without dual mapping */
    raw_page *pages;         /* one record per page */
    raw_chunk chunks[AREA_CHUNKS];
    uint32_t fresh;          /* chunks from here on were never used */
} raw_area;

typedef struct {
    char *base;
    size_t length;
    raw_page record;         /* first == count == 0 */
} raw_big;

static raw_area areas[MAX_AREAS];
static volatile sig_atomic_t area_count;
static raw_big bigs[MAX_BIG];
static volatile sig_atomic_t big_count;
static size_t page_size;
static int handler_installed;
static int enabled;          /* copies are made (the handler is installed, and after fork the memory
                                could be made the child's own) */
static int dual = 1;         /* 1: areas are dual-mapped; 0: the fallback */

static int32_t m_Close, m_Tracker_Close;

/* chunks whose pages are all dead (and protected), to reuse: area * AREA_CHUNKS + chunk */
static uint32_t free_chunks[MAX_AREAS * AREA_CHUNKS];
static size_t free_chunk_count;
static int current_area = -1, current_chunk = -1;

/* the batch: pages of closed handles not yet protected */
typedef struct {
    uint32_t area, page;
} raw_ref;
static raw_ref pending[MAX_BATCH];
int64_t debug_raw_pending;          /* pages' copies in the batch */
uint64_t debug_raw_calls;           /* extension calls started (debug_raw_call) */
uint64_t debug_raw_protected_at;    /* debug_raw_calls at the last protection of a batch */

/* Counters for tests and the benchmark (shim_debug_raw_stats). */
static int64_t stat_copies, stat_protect_calls, stat_batches;

void *debug_raw_closer;             /* the extension's call of HPy_Close / HPyTracker_Close */

#define say platform_say

static void say_hex(uintptr_t value)
{
    char buffer[2 + 16 + 1];
    int i = (int)sizeof buffer - 1;
    buffer[i] = 0;
    do {
        buffer[--i] = "0123456789abcdef"[value & 15];
        value >>= 4;
    } while (value != 0 && i > 2);
    buffer[--i] = 'x';
    buffer[--i] = '0';
    say(buffer + i);
}

/* The record of the copy holding `address`, or NULL (signal-safe: reads the tables only). */
static raw_page *record_at(const char *address)
{
    for (sig_atomic_t i = 0; i < area_count; i++) {
        raw_area *a = &areas[i];
        if (address >= a->ro && address < a->ro + (size_t)AREA_PAGES * page_size) {
            raw_page *p = &a->pages[(size_t)(address - a->ro) / page_size];
            return p->state == PAGE_FREE ? NULL : &a->pages[p->first];
        }
    }
    for (sig_atomic_t i = 0; i < big_count; i++)
        if (address >= bigs[i].base && address < bigs[i].base + bigs[i].length)
            return bigs[i].record.state == PAGE_FREE ? NULL : &bigs[i].record;
    return NULL;
}

static void on_fault(void *fault_address)
{
    raw_page *r = record_at((const char *)fault_address);
    if (r == NULL)
        return;   /* not ours: returning passes the fault on */
    const char *getter = shim_member_name(r->member, 0);
    int closed = r->state != PAGE_OPEN;
    say("HPy debug mode: invalid access to the char* that ");
    say(getter != NULL ? getter : "a getter");
    say(" returned for the handle ");
    say_hex((uintptr_t)r->owner);
    say(closed ? ": the handle was closed, so the data is gone\n"
               : ": the data is read-only\n");
    if (r->opened != NULL)
        say(r->opened);
    if (closed && r->closed != NULL)
        say(r->closed);
    say("Fatal Python error: invalid access to the raw data of a closed or read-only handle\n");
    platform_abort();
}

/* ---- areas and chunks ---- */

static void after_fork(void);

void debug_raw_init(int32_t close_member, int32_t tracker_close_member)
{
    page_size = platform_page_size();
    m_Close = close_member;
    m_Tracker_Close = tracker_close_member;
    if (handler_installed)
        return;
    /* The tests' way to the fallback of systems without dual-mapped memory. */
    const char *single = getenv("HPYSHIM_TEST_RAW_SINGLE_MAP");
    if (single != NULL && strcmp(single, "1") == 0)
        dual = 0;
    if (platform_on_fault(on_fault) == 0) {
        handler_installed = enabled = 1;
        /* the first call with a batch waiting protects it (no protection in the last calls) */
        debug_raw_protected_at = debug_raw_calls - ((uint64_t)1 << 62);
        platform_on_fork_child(after_fork);
    }
}

static int new_area(void)
{
    if (area_count >= MAX_AREAS)
        return -1;
    size_t length = (size_t)AREA_PAGES * page_size;
    raw_page *pages = platform_pages_map(sizeof(raw_page) * AREA_PAGES);
    if (pages == NULL)
        return -1;
    void *rw = NULL, *ro = NULL;
    if (dual && platform_dual_map(length, &rw, &ro) != 0)
        dual = 0;   /* refused (no memfd): every area is single from now on */
    if (!dual) {
        ro = rw = platform_pages_map(length);
        if (ro == NULL || platform_pages_protect(ro, length, PLATFORM_NONE) != 0) {
            if (ro != NULL)
                platform_pages_unmap(ro, length);
            platform_pages_unmap(pages, sizeof(raw_page) * AREA_PAGES);
            return -1;
        }
    }
    raw_area *a = &areas[area_count];
    memset(a, 0, sizeof *a);
    a->ro = ro;
    a->rw = rw;
    a->pages = pages;
    area_count++;   /* after the fields: the fault handler may read it at any time */
    return (int)area_count - 1;
}

static char *page_address(raw_area *a, uint32_t page)
{
    return a->ro + (size_t)page * page_size;
}

/* Makes chunk `c` of area `i` the one pages are handed out from. */
static int activate(int i, int c)
{
    raw_area *a = &areas[i];
    raw_chunk *k = &a->chunks[c];
    /* a reused chunk's pages are protected; a fresh one is readable (dual) or protected (single);
       without dual mapping the chunk stays writable until each copy is written */
    if (k->state == CHUNK_FREE || !dual) {
        stat_protect_calls++;
        if (platform_pages_protect(page_address(a, (uint32_t)c * CHUNK_PAGES), CHUNK_PAGES * page_size,
                                   dual ? PLATFORM_READ : PLATFORM_READ_WRITE) != 0)
            return -1;
    }
    memset(&a->pages[c * CHUNK_PAGES], 0, sizeof(raw_page) * CHUNK_PAGES);
    k->used = k->live = 0;
    k->state = CHUNK_ACTIVE;
    current_area = i;
    current_chunk = c;
    return 0;
}

static void chunk_became_free(raw_area *a, int c)
{
    a->chunks[c].state = CHUNK_FREE;
    free_chunks[free_chunk_count++] = (uint32_t)((a - areas) * AREA_CHUNKS + c);
}

static void seal_current(void)
{
    if (current_area < 0)
        return;
    raw_area *a = &areas[current_area];
    raw_chunk *k = &a->chunks[current_chunk];
    if (!dual && k->used < CHUNK_PAGES) {
        /* the pages never handed out were left writable */
        stat_protect_calls++;
        platform_pages_protect(page_address(a, (uint32_t)(current_chunk * CHUNK_PAGES + k->used)),
                               (size_t)(CHUNK_PAGES - k->used) * page_size, PLATFORM_NONE);
    }
    k->state = CHUNK_SEALED;
    if (k->live == 0)
        chunk_became_free(a, current_chunk);
    current_area = current_chunk = -1;
}

/* `count` pages (at most a chunk) for a copy: their area, and the first page in `*page`. */
static raw_area *take_pages(uint32_t count, uint32_t *page)
{
    if (current_area >= 0 && areas[current_area].chunks[current_chunk].used + count > CHUNK_PAGES)
        seal_current();
    if (current_area < 0) {
        int ok = -1;
        while (ok != 0 && free_chunk_count > 0) {
            uint32_t f = free_chunks[--free_chunk_count];
            ok = activate((int)(f / AREA_CHUNKS), (int)(f % AREA_CHUNKS));
        }
        if (ok != 0) {
            int i = (int)area_count - 1;
            if (i < 0 || areas[i].fresh >= AREA_CHUNKS)
                i = new_area();
            if (i < 0)
                return NULL;
            if (activate(i, (int)areas[i].fresh++) != 0)
                return NULL;
        }
    }
    raw_area *a = &areas[current_area];
    raw_chunk *k = &a->chunks[current_chunk];
    *page = (uint32_t)current_chunk * CHUNK_PAGES + k->used;
    k->used = (uint16_t)(k->used + count);
    k->live = (uint16_t)(k->live + count);
    return a;
}

/* The copy on `page` of `a` is dead (protected, no handle refers to it): its pages can be reused
   once their whole chunk is dead. */
static void page_died(raw_area *a, raw_page *p)
{
    p->state = PAGE_DEAD;
    int c = (int)(p->first / CHUNK_PAGES);
    raw_chunk *k = &a->chunks[c];
    k->live = (uint16_t)(k->live - p->count);
    if (k->live == 0 && k->state == CHUNK_SEALED)
        chunk_became_free(a, c);
}

/* The area and record of the copy at `raw` (an address a getter returned), or NULL. */
static raw_page *record_of(const char *raw, raw_area **area)
{
    for (sig_atomic_t i = 0; i < area_count; i++) {
        raw_area *a = &areas[i];
        if (raw >= a->ro && raw < a->ro + (size_t)AREA_PAGES * page_size) {
            *area = a;
            return &a->pages[(size_t)(raw - a->ro) / page_size];
        }
    }
    *area = NULL;
    for (sig_atomic_t i = 0; i < big_count; i++)
        if (bigs[i].base == raw)
            return &bigs[i].record;
    return NULL;
}

static raw_big *big_of(raw_page *p)
{
    return (raw_big *)((char *)p - offsetof(raw_big, record));
}

/* ---- texts for the fault handler, prepared when the getter runs and at close ---- */

/* A signal handler cannot compute where Python was: C# writes the text (kept for good) the first
   time a place is seen; this table spares the call into C# for places seen before. */
typedef struct {
    PyObject *code;
    int64_t instr;
    void *caller;
    int32_t kind;
    const char *text;
} raw_text;

#define TEXTS 1024
static raw_text texts[TEXTS];

static const char *text_for(debug_handle *where, void *caller, int32_t kind)
{
    if (debug_state->describe == NULL)
        return NULL;
    uintptr_t key = ((uintptr_t)where->code >> 4) * 0x9E3779B97F4A7C15u ^ (uintptr_t)where->instr * 0xC2B2AE3D27D4EB4Fu
                    ^ ((uintptr_t)caller >> 2) * 0x165667B19E3779F9u ^ (uintptr_t)(uint32_t)kind;
    raw_text *t = &texts[(key >> 32) % TEXTS];
    if (t->text != NULL && t->code == where->code && t->instr == where->instr && t->caller == caller && t->kind == kind)
        return t->text;
    const char *text = debug_state->describe(where, caller, kind);
    if (text != NULL)
        *t = (raw_text){ where->code, where->instr, caller, kind, text };
    return text;
}

/* ---- the getters' side ---- */

/* A read-only copy of `data` (n bytes) attached to the handle `dh`; the original pointer when
   nothing can be protected (no memory, a handle that already has other raw data). */
const char *debug_raw_copy(HPy dh, const char *data, size_t n, int32_t member, void *caller)
{
    if (data == NULL || dh._i == 0 || !enabled)
        return data;
    debug_handle *h = (debug_handle *)dh._i;
    if (h->magic != DEBUG_HANDLE_MAGIC || h->state != DH_OPEN)
        return data;
    if (h->raw != NULL) {
        /* the same getter again on the same handle: the same copy */
        if ((size_t)h->raw_size == n && memcmp(h->raw, data, n) == 0)
            return h->raw;
        return data;
    }
    size_t length = (n > 0 ? n : 1);
    uint32_t count = (uint32_t)((length + page_size - 1) / page_size);
    raw_page *r;
    char *copy;
    if (count <= CHUNK_PAGES) {
        uint32_t page;
        raw_area *a = take_pages(count, &page);
        if (a == NULL)
            return data;
        copy = page_address(a, page);
        if (dual) {
            memcpy(a->rw + (size_t)page * page_size, data, n);
        } else {
            memcpy(copy, data, n);
            stat_protect_calls++;
            platform_pages_protect(copy, (size_t)count * page_size, PLATFORM_READ);
        }
        for (uint32_t i = 1; i < count; i++)
            a->pages[page + i] = (raw_page){ .first = page, .state = PAGE_OPEN };
        r = &a->pages[page];
        *r = (raw_page){ .first = page, .count = count };
    } else {
        if (big_count >= MAX_BIG)
            return data;
        size_t bytes = (size_t)count * page_size;
        copy = platform_pages_map(bytes);
        if (copy == NULL)
            return data;
        memcpy(copy, data, n);
        stat_protect_calls++;
        platform_pages_protect(copy, bytes, PLATFORM_READ);
        raw_big *b = &bigs[big_count];
        b->base = copy;
        b->length = bytes;
        r = &b->record;
        *r = (raw_page){ 0 };
        big_count++;
    }
    r->owner = h;
    r->member = member;
    r->size = (int64_t)n;
    r->opened = text_for(h, caller, 0);
    r->state = PAGE_OPEN;
    stat_copies++;
    h->raw = copy;
    h->raw_size = (int64_t)n;
    return copy;
}

/* ---- protection ---- */

static void big_release(raw_page *r)
{
    raw_big *b = big_of(r);
    platform_pages_unmap(b->base, b->length);
    /* keep the table dense: the last record moves into the hole */
    raw_big *last = &bigs[big_count - 1];
    if (b != last)
        *b = *last;
    big_count--;
}

static void uncount(raw_page *r)
{
    if (r->counted && debug_state->raw_kept >= r->size)
        debug_state->raw_kept -= r->size;
    r->counted = 0;
}

/* Is page `p` of `a` protected already (so a run of pages to protect may span it)? */
static int protected_already(raw_area *a, uint32_t p)
{
    raw_page *r = &a->pages[p];
    if (r->state == PAGE_FREE)
        return 0;   /* not handed out since the chunk was (re)activated */
    uint8_t s = a->pages[r->first].state;
    return s == PAGE_KEPT || s == PAGE_DEAD;
}

/* Protects the batch: one call per run of adjacent pages (runs may span pages protected before). */
static void flush(void)
{
    /* in address order (insertion sort: the batch is mostly in order already) */
    for (int64_t i = 1; i < debug_raw_pending; i++) {
        raw_ref x = pending[i];
        int64_t j = i - 1;
        while (j >= 0 && (pending[j].area > x.area || (pending[j].area == x.area && pending[j].page > x.page))) {
            pending[j + 1] = pending[j];
            j--;
        }
        pending[j + 1] = x;
    }
    for (int64_t i = 0; i < debug_raw_pending;) {
        raw_area *a = &areas[pending[i].area];
        uint32_t start = pending[i].page, end = start + a->pages[start].count;
        int64_t j = i + 1;
        while (j < debug_raw_pending && pending[j].area == pending[i].area) {
            uint32_t next = pending[j].page;
            uint32_t gap = end;
            while (gap < next && protected_already(a, gap))
                gap++;
            if (gap != next)
                break;
            end = next + a->pages[next].count;
            j++;
        }
        stat_protect_calls++;
        platform_pages_protect(page_address(a, start), (size_t)(end - start) * page_size, PLATFORM_NONE);
        for (int64_t k = i; k < j; k++) {
            raw_page *r = &a->pages[pending[k].page];
            if (r->dropped)
                page_died(a, r);
            else
                r->state = PAGE_KEPT;
        }
        i = j;
    }
    debug_raw_pending = 0;
    debug_raw_protected_at = debug_raw_calls;
    stat_batches++;
}

/* At close (`h->closed_by` is set): the data becomes unreadable, now or with the batch. */
void debug_raw_protect(debug_handle *h)
{
    raw_area *a;
    raw_page *r = record_of(h->raw, &a);
    if (r == NULL || r->state != PAGE_OPEN || r->owner != h) {
        h->raw = NULL;
        h->raw_size = 0;
        return;
    }
    int explicit = h->closed_by == m_Close || h->closed_by == m_Tracker_Close;
    debug_handle where;
    where.closed_by = h->closed_by;
    debug_current_frame(&where.code, &where.instr);
    r->closed = text_for(&where, explicit ? debug_raw_closer : NULL, 2 + h->closed_by);
    /* the bound counts the data itself, as HPy does (the pages are at least that) */
    if (debug_state->raw_kept + r->size > debug_state->raw_max) {
        /* over the bound: the memory is given back once protected (the handle no longer says
           it has raw data; a late read still faults while the page is not reused) */
        r->dropped = 1;
        h->raw = NULL;
        h->raw_size = 0;
    } else {
        debug_state->raw_kept += r->size;
        r->counted = 1;
    }
    if (a == NULL) {
        /* a copy of its own */
        stat_protect_calls++;
        platform_pages_protect(big_of(r)->base, big_of(r)->length, PLATFORM_NONE);
        r->state = PAGE_KEPT;
        if (r->dropped) {
            r->state = PAGE_DEAD;
            big_release(r);
        }
        return;
    }
    r->state = PAGE_PENDING;
    if (dual && r->size > 1)
        memset(a->rw + (size_t)r->first * page_size, POISON, (size_t)r->size - 1);
    int64_t limit = debug_state->raw_batch_closes;
    if (limit > MAX_BATCH)
        limit = MAX_BATCH;
    pending[debug_raw_pending++] = (raw_ref){ (uint32_t)(a - areas), r->first };
    if (debug_raw_pending >= limit
        || (explicit && (int64_t)(debug_raw_calls - debug_raw_protected_at) >= debug_state->raw_batch_calls))
        flush();
}

/* An extension call starts with a batch waiting and the last protection raw_batch_calls calls
   old or more (debug_raw_call): the batch is protected. */
void debug_raw_call_slow(void)
{
    flush();
}

/* The handle's entry is reused: its copy is given back (once protected). */
void debug_raw_release(debug_handle *h)
{
    raw_area *a;
    raw_page *r = record_of(h->raw, &a);
    if (r != NULL && r->owner == h && r->state == PAGE_OPEN)
        debug_raw_protect(h);   /* not closed through debug_retire (not done today): closed now */
    h->raw = NULL;
    h->raw_size = 0;
    if (r == NULL || r->owner != h)
        return;
    uncount(r);
    if (a == NULL) {
        if (r->state == PAGE_KEPT)
            big_release(r);
        return;
    }
    if (r->state == PAGE_PENDING)
        r->dropped = 1;
    else if (r->state == PAGE_KEPT)
        page_died(a, r);
}

/* For tests and the benchmark: copies made, protection changes asked for, batches protected, and
   the batch's size now. */
void shim_debug_raw_stats(int64_t *out)
{
    out[0] = stat_copies;
    out[1] = stat_protect_calls;
    out[2] = stat_batches;
    out[3] = debug_raw_pending;
}

/* ---- fork ---- */

/* In a child after fork: the areas' memory is still shared with the parent, which goes on writing
   copies into it. The child gets memory of its own with the same contents (copied for the chunks
   in use) at the same addresses, and its protections again. */
static void copy_chunks_in_use(void *fresh, void *old, void *arg)
{
    raw_area *a = arg;
    size_t chunk = (size_t)CHUNK_PAGES * page_size;
    for (int c = 0; c < AREA_CHUNKS; c++)
        if (a->chunks[c].state == CHUNK_ACTIVE || a->chunks[c].state == CHUNK_SEALED)
            memcpy((char *)fresh + (size_t)c * chunk, (char *)old + (size_t)c * chunk, chunk);
}

static void after_fork(void)
{
    if (!dual)
        return;   /* private memory already */
    for (sig_atomic_t i = 0; i < area_count; i++) {
        raw_area *a = &areas[i];
        if (platform_dual_renew(a->rw, a->ro, (size_t)AREA_PAGES * page_size, copy_chunks_in_use, a) != 0) {
            /* still shared: make no more copies in this process */
            enabled = 0;
            return;
        }
        /* the read-only view is readable throughout again: protect what was protected */
        for (uint32_t p = 0; p < (uint32_t)AREA_PAGES;) {
            int c = (int)(p / CHUNK_PAGES);
            raw_chunk *k = &a->chunks[c];
            uint32_t end = p;
            if (k->state == CHUNK_FREE)
                end = (uint32_t)(c + 1) * CHUNK_PAGES;
            else if (k->state != CHUNK_FRESH)
                while (end < (uint32_t)(c + 1) * CHUNK_PAGES && end < (uint32_t)c * CHUNK_PAGES + k->used
                       && protected_already(a, end))
                    end++;
            if (end > p) {
                platform_pages_protect(page_address(a, p), (size_t)(end - p) * page_size, PLATFORM_NONE);
                p = end;
            } else {
                p++;
            }
        }
    }
}
