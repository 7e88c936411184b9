/* Trackers: a growable array of handles closed together. There is always room for one more
 * handle, so Add records its handle even when growing fails, and Close still releases it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "runtime/runtime.h"

typedef struct {
    HPy_ssize_t capacity;
    HPy_ssize_t length;
    PyObject **handles;
} tracker_state;

enum { TRACKER_INITIAL_CAPACITY = 5 };

HPyTracker ctx_Tracker_New(HPyContext *ctx, HPy_ssize_t size)
{
    if (size > PTRDIFF_MAX / (HPy_ssize_t)sizeof(PyObject *) - 1) {
        cpy.PyErr_NoMemory();
        return (HPyTracker){ 0 };
    }
    HPy_ssize_t capacity = (size > 0 ? size : TRACKER_INITIAL_CAPACITY) + 1;
    tracker_state *state = malloc(sizeof *state);
    PyObject **handles = malloc((size_t)capacity * sizeof *handles);
    if (state == NULL || handles == NULL) {
        free(state);
        free(handles);
        cpy.PyErr_NoMemory();
        return (HPyTracker){ 0 };
    }
    state->capacity = capacity;
    state->length = 0;
    state->handles = handles;
    return (HPyTracker){ (HPy_ssize_t)state };
}

int ctx_Tracker_Add(HPyContext *ctx, HPyTracker ht, HPy h)
{
    tracker_state *state = (tracker_state *)ht._i;
    if (state == NULL) {
        cpy.PyErr_SetString(*cpy.PyExc_SystemError, "HPyTracker_Add called on a NULL tracker");
        return -1;
    }
    state->handles[state->length++] = _h2py(h);
    if (state->length < state->capacity)
        return 0;
    PyObject **grown = realloc(state->handles, (size_t)state->capacity * 2 * sizeof *grown);
    if (grown == NULL) {
        /* the handle is already recorded in the spare slot; Close releases it */
        cpy.PyErr_NoMemory();
        return -1;
    }
    state->handles = grown;
    state->capacity *= 2;
    return 0;
}

void ctx_Tracker_ForgetAll(HPyContext *ctx, HPyTracker ht)
{
    tracker_state *state = (tracker_state *)ht._i;
    if (state != NULL)
        state->length = 0;
}

void ctx_Tracker_Close(HPyContext *ctx, HPyTracker ht)
{
    tracker_state *state = (tracker_state *)ht._i;
    if (state == NULL)
        return;
    for (HPy_ssize_t i = 0; i < state->length; i++)
        native_decref(state->handles[i]);
    free(state->handles);
    free(state);
}
