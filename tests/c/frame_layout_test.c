/* Compiled against one CPython's headers (internal ones included): checks that api/cpython_versions.api
 * (native/cpython/versions.gen.h) has that version's frame offsets. Exit status 0 when they match, 1 (naming the field) when they do not. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <stdio.h>
#if PY_VERSION_HEX >= 0x030B0000
#  include "internal/pycore_frame.h"
#  include "internal/pycore_code.h"
#else
#  include "frameobject.h"
#endif
#include "cpython/versions.gen.h"

static int failures;

#define CHECK(field, expected)                                                             \
    do {                                                                                   \
        if ((size_t)(l->field) != (size_t)(expected)) {                                    \
            printf("3.%d: cpython_versions.api says %s = %zu, the headers say %zu\n", PY_MINOR_VERSION, \
                   #field, (size_t)(l->field), (size_t)(expected));                         \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

int main(void)
{
    const frame_layout *l = NULL;
    for (size_t i = 0; i < sizeof cpython_versions / sizeof cpython_versions[0]; i++)
        if (cpython_versions[i].minor == PY_MINOR_VERSION)
            l = &cpython_versions[i].frame;
    if (l == NULL) {
        printf("3.%d: cpython_versions.api has no line for this version\n", PY_MINOR_VERSION);
        return 1;
    }
#if PY_VERSION_HEX < 0x030B0000
    CHECK(kind, 1);
    CHECK(frame, offsetof(PyThreadState, frame));
    CHECK(code, offsetof(PyFrameObject, f_code));
    CHECK(instr, offsetof(PyFrameObject, f_lasti));
    CHECK(lasti_unit, PY_VERSION_HEX >= 0x030A0000 ? 2 : 1);
#elif PY_VERSION_HEX < 0x030D0000
    CHECK(kind, 2);
    CHECK(frame, offsetof(PyThreadState, cframe));
    CHECK(current, offsetof(_PyCFrame, current_frame));
    CHECK(code, offsetof(_PyInterpreterFrame, f_code));
    CHECK(instr, offsetof(_PyInterpreterFrame, prev_instr));
    CHECK(code_adaptive, offsetof(PyCodeObject, co_code_adaptive));
#else
    CHECK(kind, 3);
    CHECK(frame, offsetof(PyThreadState, current_frame));
    CHECK(code, offsetof(_PyInterpreterFrame, f_executable));
    CHECK(instr, offsetof(_PyInterpreterFrame, instr_ptr));
    CHECK(code_adaptive, offsetof(PyCodeObject, co_code_adaptive));
#endif
    if (failures == 0)
        printf("3.%d: the frame layout matches\n", PY_MINOR_VERSION);
    return failures != 0;
}
