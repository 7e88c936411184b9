using System.Runtime.InteropServices;
using HPyShim.Abi;
using HPyShim.CPython;
using HPyShim.Interop;
using HPyShim.Types;

namespace HPyShim.Context;

// _HPy_CallRealFunctionFromTrampoline runs on the native fast path (native/runtime/ctx_calls.c), which
// handles every signature whose arguments only pass through. The signatures that need the runtime
// (buffers, capsule destructors, module creation) and unknown ones come here. The args structs
// (HPyFuncArgs) are generated from api/hpyfunc.api.
internal static unsafe partial class UniversalContext
{
    [UnmanagedCallersOnly]
    internal static void CallTrampolineFallback(HPyContext* ctx, int sig, void* func, void* args)
    {
        ManagedEntries.Count++;
        try { CallTrampolineSlowPath(ctx, sig, func, args); }
        catch (Exception e) { Failure.Managed(e, "_HPy_CallRealFunctionFromTrampoline"); }
    }

    static void CallTrampolineSlowPath(HPyContext* ctx, int sig, void* func, void* args)
    {
        switch (sig)
        {
            case Sig.GETBUFFERPROC:
            {
                // HPy_buffer and Py_buffer have the same layout, and both own their obj.
                var a = (HPyFuncArgs.GETBUFFERPROC*)args;
                a->result = -1;
                a->result = ((delegate* unmanaged<HPyContext*, nint, Py_buffer*, int, int>)func)(ctx, a->self, a->view, a->flags);
                if (a->result < 0) a->view->obj = 0;
                return;
            }
            case Sig.RELEASEBUFFERPROC:
            {
                var a = (HPyFuncArgs.RELEASEBUFFERPROC*)args;
                ((delegate* unmanaged<HPyContext*, nint, Py_buffer*, void>)func)(ctx, a->self, a->view);
                return;
            }
            case Sig.CAPSULE_DESTRUCTOR:
            {
                // args is the capsule itself.
                nint capsule = (nint)args;
                byte* name = Py.PyCapsule_GetName(capsule);
                void* pointer = Py.PyCapsule_GetPointer(capsule, name);
                void* context = Py.PyCapsule_GetContext(capsule);
                ((delegate* unmanaged<byte*, void*, void*, void>)func)(name, pointer, context);
                return;
            }
            case Sig.MOD_CREATE:
            {
                var a = (HPyFuncArgs.MOD_CREATE*)args;
                a->result = ((delegate* unmanaged<HPyContext*, nint, nint>)func)(ctx, a->spec);
                if (a->result != 0 && TypeRegistry.IsModule(a->result))
                {
                    Py.Py_DecRef(a->result);
                    a->result = 0;
                    Failure.Raise(Py.PyExc_SystemError,
                        "HPy_mod_create slot returned a builtin module object. This is currently not supported.");
                }
                return;
            }
            default:
                // DESTROYFUNC never comes through a trampoline (the runtime calls it from
                // tp_dealloc), and VECTORCALLFUNC (the HPy call protocol) is not implemented.
                Failure.Raise(Py.PyExc_SystemError,
                    $"HPy Shim: _HPy_CallRealFunctionFromTrampoline does not support {Sig.Name(sig)}");
                return;
        }
    }
}

