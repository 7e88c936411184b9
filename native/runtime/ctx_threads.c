/* Leaving and re-entering Python execution: the GIL, released and taken back. */
#include "runtime/runtime.h"

HPyThreadState ctx_LeavePythonExecution(HPyContext *ctx)
{
    return (HPyThreadState){ (intptr_t)cpy.PyEval_SaveThread() };
}

void ctx_ReenterPythonExecution(HPyContext *ctx, HPyThreadState state)
{
    cpy.PyEval_RestoreThread((void *)state._i);
}
