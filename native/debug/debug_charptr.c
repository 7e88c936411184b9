/* Raw data lifetimes in debug mode. The char* a getter returns (HPyUnicode_AsUTF8AndSize,
 * HPyBytes_AsString, HPyBytes_AS_STRING, HPyType_GetName) lives as long as its handle, and the
 * extension must not write to it. So the debug context hands out a copy in pages of their own,
 * read-only; when the handle closes the pages become unreadable (while the bytes kept that way
 * stay under a bound), and when the entry is reused they are unmapped. A read after close or a
 * write faults; a fault handler (platform_on_fault: SIGSEGV) installed after the runtime's own
 * recognises the address and says what the memory was, else passes the fault to the one it replaced. The handler cannot
 * allocate or call Python: it only reads the fixed table below and write(2)s. */
#include <signal.h>   /* sig_atomic_t: the table is read from the fault handler */
#include <stdint.h>
#include <string.h>
#include "debug/debug.h"
#include "platform/platform.h"
#include "interop/boundary.gen.h"   /* shim_debug_member_name */


typedef struct {
    char *base;
    size_t length;          /* mapped bytes (whole pages) */
    debug_handle *owner;
    int32_t member;         /* the getter */
    const char *where;      /* "  opened while Python ran: ...\n  ..." or NULL */
} raw_region;

#define MAX_REGIONS 8192
static raw_region regions[MAX_REGIONS];
static volatile sig_atomic_t region_count;
static size_t page_size;
static int handler_installed;

static size_t pages_for(size_t n)
{
    return (n + page_size - 1) / page_size * page_size;
}

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

static void on_fault(void *fault_address)
{
    char *address = (char *)fault_address;
    for (sig_atomic_t i = 0; i < region_count; i++) {
        raw_region *r = &regions[i];
        if (address >= r->base && address < r->base + r->length) {
            const char *getter = shim_debug_member_name(r->member);
            int closed = r->owner->state != DH_OPEN || r->owner->raw != r->base;
            say("HPy debug mode: invalid access to the char* that ");
            say(getter != NULL ? getter : "a getter");
            say(" returned for the handle ");
            say_hex((uintptr_t)r->owner);
            say(closed ? ": the handle was closed, so the data is gone\n"
                       : ": the data is read-only\n");
            if (r->where != NULL)
                say(r->where);
            say("Fatal Python error: invalid access to the raw data of a closed or read-only handle\n");
            platform_abort();
        }
    }
    /* not ours: returning passes the fault on */
}

void debug_raw_init(void)
{
    page_size = platform_page_size();
    if (handler_installed)
        return;
    if (platform_on_fault(on_fault) == 0)
        handler_installed = 1;
}

/* A read-only copy of `data` (n bytes) attached to the handle `dh`; the original pointer when
   nothing can be protected (no slot, no memory, a handle that already has raw data). */
const char *debug_raw_copy(HPy dh, const char *data, size_t n, int32_t member, void *caller)
{
    if (data == NULL || dh._i == 0 || !handler_installed)
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
    if (region_count >= MAX_REGIONS)
        return data;
    size_t length = pages_for(n > 0 ? n : 1);
    char *copy = platform_pages_map(length);
    if (copy == NULL)
        return data;
    memcpy(copy, data, n);
    platform_pages_protect(copy, length, PLATFORM_READ);
    const char *where = debug_state->describe != NULL ? debug_state->describe(h, caller) : NULL;
    regions[region_count] = (raw_region){ copy, length, h, member, where };
    region_count++;
    h->raw = copy;
    h->raw_size = (int64_t)n;
    return copy;
}

static raw_region *region_of(debug_handle *h)
{
    for (sig_atomic_t i = 0; i < region_count; i++)
        if (regions[i].base == h->raw)
            return &regions[i];
    return NULL;
}

void debug_raw_release(debug_handle *h)
{
    raw_region *r = region_of(h);
    if (r != NULL) {
        size_t length = r->length;
        /* keep the table dense: the last record moves into the hole */
        *r = regions[region_count - 1];
        region_count--;
        platform_pages_unmap(h->raw, length);
        /* a closed handle's data was counted while it stayed protected */
        if (h->state != DH_OPEN && debug_state->raw_kept >= h->raw_size)
            debug_state->raw_kept -= h->raw_size;
    }
    h->raw = NULL;
    h->raw_size = 0;
}

void debug_raw_protect(debug_handle *h)
{
    raw_region *r = region_of(h);
    if (r == NULL) {
        h->raw = NULL;
        return;
    }
    /* the bound counts the data itself, as HPy does (the pages are at least that) */
    if (debug_state->raw_kept + h->raw_size > debug_state->raw_max) {
        /* over the bound: give the memory back now (a late read is then no longer caught) */
        size_t length = r->length;
        *r = regions[region_count - 1];
        region_count--;
        platform_pages_unmap(h->raw, length);
        h->raw = NULL;
        h->raw_size = 0;
        return;
    }
    debug_state->raw_kept += h->raw_size;
    platform_pages_protect(h->raw, r->length, PLATFORM_NONE);
}
