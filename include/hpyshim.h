/* HPy Shim: what a C host needs to run universal HPy extensions through libhpy.so.
 *
 * A Python process that loaded libhpy (e.g. through the hpyshim launcher) already has an
 * interpreter; a C program starts one with hpyshim_start_python, then gets the universal
 * context and loads extension modules. Link with -lhpy; libhpy has no link-time dependency on
 * libpython, it finds CPython's C API in the process at run time. */
#ifndef HPYSHIM_H
#define HPYSHIM_H

#include "hpy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Makes `libpython` (a path to libpython3.X.so; NULL means $HPYSHIM_LIBPYTHON) available to the
 * shim and initializes the interpreter unless one is already running. 0 on success; -1 with a
 * message on stderr otherwise. On return the calling thread holds the GIL. */
int hpyshim_start_python(const char *libpython);

/* Finalizes the interpreter started by hpyshim_start_python. */
int hpyshim_stop_python(void);

/* The universal context shared by all universal extensions in the process; NULL (message on
 * stderr) when no CPython is running. */
HPyContext *hpyshim_universal_context(void);

/* Loads the universal extension `name` from `path`. mode: 0 universal, 1 debug, 2 trace.
 * `spec` may be NULL. Returns a new reference to the module, or NULL with a Python exception
 * set (ImportError naming the file and the cause). Call with the GIL held. */
cpy_PyObject *hpyshim_load_module(const char *name, const char *path, cpy_PyObject *spec, int mode);

/* Runs the HPy_mod_exec slots of `module`, loaded from `path` as `name`, again (what
 * importlib.reload does). Returns 0, or -1 with a Python exception set. Call with the GIL held. */
int hpyshim_exec_module(const char *name, const char *path, cpy_PyObject *module, int mode);

/* The shim's version, and how many context functions it implements, e.g. "200/189". */
const char *hpyshim_version(void);
const char *hpyshim_implemented_summary(void);

#ifdef __cplusplus
}
#endif

#endif /* HPYSHIM_H */
