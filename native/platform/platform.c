/* The POSIX implementation of platform.h (Linux tested; the names are those of glibc). */
#define _GNU_SOURCE   /* RTLD_DEFAULT, dladdr, MAP_ANONYMOUS */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "platform/platform.h"
#include "interop/boundary.gen.h"   /* shim_report, shim_set_report_fd, shim_fatal_output */

void *platform_process_symbol(const char *name)
{
    return dlsym(RTLD_DEFAULT, name);
}

void *platform_library_base(const void *address)
{
    Dl_info info;
    if (address == NULL || dladdr(address, &info) == 0)
        return NULL;
    return info.dli_fbase;
}

size_t platform_page_size(void)
{
    static size_t size;
    if (size == 0)
        size = (size_t)sysconf(_SC_PAGESIZE);
    return size;
}

void *platform_pages_map(size_t length)
{
    void *pages = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return pages == MAP_FAILED ? NULL : pages;
}

void platform_pages_unmap(void *pages, size_t length)
{
    munmap(pages, length);
}

int platform_pages_protect(void *pages, size_t length, int protection)
{
    static const int flags[] = {
        [PLATFORM_NONE] = PROT_NONE,
        [PLATFORM_READ] = PROT_READ,
        [PLATFORM_READ_WRITE] = PROT_READ | PROT_WRITE,
        [PLATFORM_READ_EXEC] = PROT_READ | PROT_EXEC,
    };
    return mprotect(pages, length, flags[protection]);
}

int platform_code_map(size_t length, void **writable, void **executable)
{
#ifdef SYS_memfd_create
    /* The system call, not glibc's wrapper (2.27+). MFD_CLOEXEC: children exec'd get no copy.
       MFD_EXEC says that the memory will be executable (kernels since 6.3 ask); older kernels
       refuse the unknown flag, and then get the call without it. */
    const unsigned cloexec = 1u, exec = 0x10u;
    int fd = (int)syscall(SYS_memfd_create, "hpyshim-thunks", cloexec | exec);
    if (fd < 0 && errno == EINVAL)
        fd = (int)syscall(SYS_memfd_create, "hpyshim-thunks", cloexec);
    if (fd < 0)
        return -1;
    void *rw = MAP_FAILED, *rx = MAP_FAILED;
    if (ftruncate(fd, (off_t)length) == 0) {
        rw = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (rw != MAP_FAILED)
            rx = mmap(NULL, length, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    }
    close(fd);   /* the mappings keep the memory */
    if (rx == MAP_FAILED) {
        if (rw != MAP_FAILED)
            munmap(rw, length);
        return -1;
    }
    *writable = rw;
    *executable = rx;
    return 0;
#else
    (void)length; (void)writable; (void)executable;
    return -1;
#endif
}

int platform_code_privatize(void *writable, void *executable, size_t length)
{
    /* writable still shows the contents: map private pages over the executable view, copy,
       seal. Only the forking thread runs in the child, and it is inside fork. */
    void *copy = mmap(executable, length, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (copy != executable)
        return -1;
    memcpy(executable, writable, length);
    if (mprotect(executable, length, PROT_READ | PROT_EXEC) != 0)
        return -1;
    munmap(writable, length);
    return 0;
}

/* A memfd of `length` bytes (MFD_CLOEXEC), or -1. */
static int shared_memory(const char *name, size_t length)
{
#ifdef SYS_memfd_create
    int fd = (int)syscall(SYS_memfd_create, name, 1u);
    if (fd >= 0 && ftruncate(fd, (off_t)length) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
#else
    (void)name; (void)length;
    return -1;
#endif
}

int platform_dual_map(size_t length, void **writable, void **readonly)
{
    int fd = shared_memory("hpyshim-raw-data", length);
    if (fd < 0)
        return -1;
    void *rw = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), *ro = MAP_FAILED;
    if (rw != MAP_FAILED)
        ro = mmap(NULL, length, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);   /* the mappings keep the memory */
    if (ro == MAP_FAILED) {
        if (rw != MAP_FAILED)
            munmap(rw, length);
        return -1;
    }
    *writable = rw;
    *readonly = ro;
    return 0;
}

int platform_dual_renew(void *writable, void *readonly, size_t length,
                        void (*copy)(void *fresh, void *old, void *arg), void *arg)
{
    int fd = shared_memory("hpyshim-raw-data", length);
    if (fd < 0)
        return -1;
    int result = -1;
    void *fresh = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (fresh != MAP_FAILED) {
        copy(fresh, writable, arg);
        if (mmap(writable, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == writable
            && mmap(readonly, length, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) == readonly)
            result = 0;
        munmap(fresh, length);
    }
    close(fd);
    return result;
}

int platform_on_fork_child(void (*child)(void))
{
    return pthread_atfork(NULL, NULL, child);
}

static void (*fault_handler)(void *address);
static struct sigaction previous;

static void on_fault(int sig, siginfo_t *info, void *context)
{
    fault_handler(info->si_addr);
    /* not the handler's: the one we replaced decides */
    if (previous.sa_flags & SA_SIGINFO) {
        if (previous.sa_sigaction != NULL) {
            previous.sa_sigaction(sig, info, context);
            return;
        }
    } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
        return;
    }
    /* default action: reinstall it and let the faulting instruction run again */
    signal(sig, SIG_DFL);
}

int platform_on_fault(void (*handler)(void *address))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    fault_handler = handler;
    return sigaction(SIGSEGV, &sa, &previous);
}

/* Fatal reports go to fd 2 and, when a test runner captures fd 2 (pytest points it at a temporary
   file, lost when the process aborts), to the stderr it started with. Read by the fault handler:
   an int, set from Python under the GIL. */
static volatile sig_atomic_t report_fd = -1;

void shim_set_report_fd(int fd)
{
    report_fd = fd;
}

/* The report fd when it is another file than fd 2, else -1: not captured (pytest -s, no pytest),
   the text is already there once. fstat is async-signal-safe. */
static int distinct_report_fd(void)
{
    int fd = report_fd;
    struct stat mine, err;
    if (fd < 0 || fstat(fd, &mine) != 0)
        return -1;
    if (fstat(2, &err) == 0 && err.st_dev == mine.st_dev && err.st_ino == mine.st_ino)
        return -1;
    return fd;
}

static void write_all(int fd, const char *text, size_t n)
{
    while (n > 0) {
        ssize_t done = write(fd, text, n);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return;
        text += done;
        n -= (size_t)done;
    }
}

void platform_say(const char *text)
{
    size_t n = strlen(text);
    int saved_errno = errno;
    write_all(2, text, n);
    int fd = distinct_report_fd();
    if (fd >= 0)
        write_all(fd, text, n);
    errno = saved_errno;
}

void shim_report(const char *text)
{
    platform_say(text);
}

void shim_fatal_output(void)
{
    int fd = distinct_report_fd();
    if (fd >= 0)
        dup2(fd, 2);
}

void platform_abort(void)
{
    signal(SIGABRT, SIG_DFL);
    abort();
}
