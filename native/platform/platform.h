/* What the native fast path asks of the operating system, in one place (platform.c): symbols of the
 * host process, pages with chosen protections, the library that holds an address, a fault handler
 * and async-signal-safe error output. POSIX only (dlfcn, mmap, sigaction); a Windows port replaces
 * platform.c, and until one is tested a Windows build stops here. */
#ifndef HPYSHIM_PLATFORM_H
#define HPYSHIM_PLATFORM_H

#include <stddef.h>

#if defined(_WIN32) || defined(__CYGWIN__)
#error "HPy Shim does not support Windows yet: native/platform/platform.c uses the POSIX loader, mmap and signals (see README.md, Platforms)"
#endif

/* A symbol of the host process (CPython's C API), or NULL. */
void *platform_process_symbol(const char *name);

/* The load address of the library holding `address`, or NULL. */
void *platform_library_base(const void *address);

enum { PLATFORM_NONE, PLATFORM_READ, PLATFORM_READ_WRITE, PLATFORM_READ_EXEC };

size_t platform_page_size(void);
/* `length` bytes (whole pages) of fresh read-write memory, or NULL. */
void *platform_pages_map(size_t length);
void platform_pages_unmap(void *pages, size_t length);
/* 0 on success. */
int platform_pages_protect(void *pages, size_t length, int protection);

/* `length` bytes (whole pages) of shared memory seen at two addresses, `*writable` (read-write)
 * and `*executable` (read-execute): code is written through one and run through the other, so no
 * page is ever writable and executable and writing needs no protection change. 0 on success, -1
 * where the system refuses (no memfd, or executable shared memory forbidden). */
int platform_code_map(size_t length, void **writable, void **executable);
/* In a child process after fork: replaces the executable view by a private copy at the same
 * address (the parent keeps writing into the shared memory) and unmaps the writable view; from
 * then on that memory is written by changing its protection. 0 on success. */
int platform_code_privatize(void *writable, void *executable, size_t length);
/* `length` bytes (whole pages) of shared memory seen at two addresses, `*writable` (read-write) and
 * `*readonly`: data is written through one and handed out through the other, so writing it needs
 * no protection change. 0 on success, -1 where the system refuses (no memfd). */
int platform_dual_map(size_t length, void **writable, void **readonly);
/* In a child process after fork: both views get new memory of their own at the same addresses;
 * `copy(fresh, old, arg)` copies what must be kept from the old writable view into a writable
 * view of the new memory first. The read-only view is readable throughout afterwards. 0 on
 * success. */
int platform_dual_renew(void *writable, void *readonly, size_t length,
                        void (*copy)(void *fresh, void *old, void *arg), void *arg);
/* Registers `child` to run in the child process after fork (POSIX pthread_atfork). 0 on success. */
int platform_on_fork_child(void (*child)(void));

/* Calls `handler` with the faulting address on an invalid memory access; a handler that returns
 * passes the fault on to the handler it replaced. 0 when installed. */
int platform_on_fault(void (*handler)(void *address));

/* From a fault handler (and for every fatal report): text to stderr, and to the report fd when that
 * is another file (shim_set_report_fd: the stderr a test runner had before it captured fd 2);
 * abort without running handlers. */
void platform_say(const char *text);
void platform_abort(void);

#endif
