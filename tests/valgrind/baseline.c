/* What CPython reports under valgrind by itself when a C host embeds it as the harnesses do:
 * start, import what the runtime imports, stop. tests/valgrind/memcheck.sh turns its reports
 * into suppressions, so that only reports the runtime adds fail. */
#include <Python.h>

int main(void)
{
    Py_InitializeEx(0);
    const char *modules[] = { "builtins", "importlib.machinery", "random", "json", "gc" };
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++) {
        PyObject *m = PyImport_ImportModule(modules[i]);
        if (m == NULL)
            PyErr_Print();
        Py_XDECREF(m);
    }
    return Py_FinalizeEx() < 0;
}
