using System.Runtime.InteropServices;
using HPyShim.Abi;
using HPyShim.CPython;
using HPyShim.Types;

namespace HPyShim.Context;

// _HPy_CallRealFunctionFromTrampoline: the extension's CPython-facing trampoline packs its C
// arguments into a _HPyFunc_args_<SIG> struct, and we call the HPy implementation with them. A
// handle is the PyObject*, so objects pass through unchanged, borrowed in and owned out (a returned
// handle's reference becomes the returned PyObject*'s). Int results that report errors are set to
// the error value before the call, so a failure of ours still reads as an error to CPython.
internal static unsafe partial class UniversalContext
{
    internal static void CallRealFunctionFromTrampoline(HPyContext* ctx, int sig, void* func, void* args)
    {
        switch (sig)
        {
            case Sig.NOARGS:
            {
                var a = (Tramp.Args2*)args;
                a->r = ((delegate* unmanaged<HPyContext*, nint, nint>)func)(ctx, a->a0);
                return;
            }
            case Sig.O:
            {
                var a = (Tramp.Args3*)args;
                a->r = ((delegate* unmanaged<HPyContext*, nint, nint, nint>)func)(ctx, a->a0, a->a1);
                return;
            }
            case Sig.VARARGS:
            {
                var a = (Tramp.Varargs*)args;
                a->result = ((delegate* unmanaged<HPyContext*, nint, nint*, nint, nint>)func)(ctx, a->self, a->args, a->nargs);
                return;
            }
            case Sig.KEYWORDS:
            {
                // nargsf may carry PY_VECTORCALL_ARGUMENTS_OFFSET; the keyword values follow the
                // positional ones in args, as HPy expects.
                var a = (Tramp.Keywords*)args;
                nint nargs = (nint)(a->nargsf & ~(1UL << 63));
                a->result = ((delegate* unmanaged<HPyContext*, nint, nint*, nint, nint, nint>)func)(
                    ctx, a->self, a->args, nargs, a->kwnames);
                return;
            }
            case Sig.UNARYFUNC:
            case Sig.REPRFUNC:
            case Sig.GETITERFUNC:
            case Sig.ITERNEXTFUNC:
            {
                var a = (Tramp.Args2*)args;
                a->r = ((delegate* unmanaged<HPyContext*, nint, nint>)func)(ctx, a->a0);
                return;
            }
            case Sig.BINARYFUNC:
            case Sig.GETATTROFUNC:
            {
                var a = (Tramp.Args3*)args;
                a->r = ((delegate* unmanaged<HPyContext*, nint, nint, nint>)func)(ctx, a->a0, a->a1);
                return;
            }
            case Sig.TERNARYFUNC:
            case Sig.DESCRGETFUNC:
            {
                var a = (Tramp.Args4*)args;
                a->r = ((delegate* unmanaged<HPyContext*, nint, nint, nint, nint>)func)(ctx, a->a0, a->a1, a->a2);
                return;
            }
            case Sig.INQUIRY:
            {
                var a = (Tramp.ObjInt*)args;
                a->result = -1;
                a->result = ((delegate* unmanaged<HPyContext*, nint, int>)func)(ctx, a->a0);
                return;
            }
            case Sig.LENFUNC:
            case Sig.HASHFUNC:
            {
                var a = (Tramp.Args2*)args;   // the result is a Py_ssize_t / Py_hash_t: one word
                a->r = -1;
                a->r = ((delegate* unmanaged<HPyContext*, nint, nint>)func)(ctx, a->a0);
                return;
            }
            case Sig.SSIZEARGFUNC:
            case Sig.GETATTRFUNC:
            case Sig.GETTER:
            {
                // (object, word) -> object: Py_ssize_t, char* and void* closure are all one word.
                var a = (Tramp.Args3*)args;
                a->r = ((delegate* unmanaged<HPyContext*, nint, nint, nint>)func)(ctx, a->a0, a->a1);
                return;
            }
            case Sig.SSIZESSIZEARGFUNC:
            {
                var a = (Tramp.Args4*)args;
                a->r = ((delegate* unmanaged<HPyContext*, nint, nint, nint, nint>)func)(ctx, a->a0, a->a1, a->a2);
                return;
            }
            case Sig.SSIZEOBJARGPROC:
            case Sig.OBJOBJARGPROC:
            case Sig.SETATTRFUNC:
            case Sig.SETATTROFUNC:
            case Sig.DESCRSETFUNC:
            case Sig.SETTER:
            {
                // Three words in, int out.
                var a = (Tramp.Words3Int*)args;
                a->result = -1;
                a->result = ((delegate* unmanaged<HPyContext*, nint, nint, nint, int>)func)(ctx, a->a0, a->a1, a->a2);
                return;
            }
            case Sig.SSIZESSIZEOBJARGPROC:
            {
                var a = (Tramp.Words4Int*)args;
                a->result = -1;
                a->result = ((delegate* unmanaged<HPyContext*, nint, nint, nint, nint, int>)func)(
                    ctx, a->a0, a->a1, a->a2, a->a3);
                return;
            }
            case Sig.OBJOBJPROC:
            {
                var a = (Tramp.Words2Int*)args;
                a->result = -1;
                a->result = ((delegate* unmanaged<HPyContext*, nint, nint, int>)func)(ctx, a->a0, a->a1);
                return;
            }
            case Sig.RICHCMPFUNC:
            {
                var a = (Tramp.RichCmp*)args;
                a->result = ((delegate* unmanaged<HPyContext*, nint, nint, int, nint>)func)(ctx, a->a0, a->a1, a->op);
                return;
            }
            case Sig.FREEFUNC:
            {
                var a = (Tramp.Args2*)args;
                ((delegate* unmanaged<HPyContext*, nint, void>)func)(ctx, a->a0);
                return;
            }
            case Sig.DESTRUCTOR:
            {
                var a = (Tramp.Args2*)args;
                ((delegate* unmanaged<HPyContext*, nint, void>)func)(ctx, a->a0);
                return;
            }
            case Sig.INITPROC:
            {
                // CPython passes a tuple and a dict; the tuple's items already form the HPy array.
                var a = (Tramp.InitProc*)args;
                a->result = -1;
                a->result = ((delegate* unmanaged<HPyContext*, nint, nint*, nint, nint, int>)func)(
                    ctx, a->self, TypeLayout.TupleItemsOf(a->args), TypeLayout.TupleSize(a->args), a->kw);
                return;
            }
            case Sig.NEWFUNC:
            {
                var a = (Tramp.NewFunc*)args;
                a->result = ((delegate* unmanaged<HPyContext*, nint, nint*, nint, nint, nint>)func)(
                    ctx, a->self, TypeLayout.TupleItemsOf(a->args), TypeLayout.TupleSize(a->args), a->kw);
                return;
            }
            case Sig.GETBUFFERPROC:
            {
                // HPy_buffer and Py_buffer have the same layout, and both own their obj.
                var a = (Tramp.GetBuffer*)args;
                a->result = -1;
                a->result = ((delegate* unmanaged<HPyContext*, nint, Py_buffer*, int, int>)func)(ctx, a->self, a->view, a->flags);
                if (a->result < 0) a->view->obj = 0;
                return;
            }
            case Sig.RELEASEBUFFERPROC:
            {
                var a = (Tramp.ReleaseBuffer*)args;
                ((delegate* unmanaged<HPyContext*, nint, Py_buffer*, void>)func)(ctx, a->self, a->view);
                return;
            }
            case Sig.TRAVERSEPROC:
            {
                var a = (Tramp.Traverse*)args;
                a->result = TypeSlots.Traverse(func, a->self, a->visit, a->arg);
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
                var a = (Tramp.Args2*)args;
                a->r = ((delegate* unmanaged<HPyContext*, nint, nint>)func)(ctx, a->a0);
                if (a->r != 0 && TypeRegistry.IsModule(a->r))
                {
                    Py.Py_DecRef(a->r);
                    a->r = 0;
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

/// <summary>The _HPyFunc_args_* layouts, grouped by shape (every argument is one word or an int).</summary>
internal static unsafe class Tramp
{
    [StructLayout(LayoutKind.Sequential)] public struct Args2 { public nint a0, r; }
    [StructLayout(LayoutKind.Sequential)] public struct Args3 { public nint a0, a1, r; }
    [StructLayout(LayoutKind.Sequential)] public struct Args4 { public nint a0, a1, a2, r; }
    [StructLayout(LayoutKind.Sequential)] public struct ObjInt { public nint a0; public int result; }
    [StructLayout(LayoutKind.Sequential)] public struct Words2Int { public nint a0, a1; public int result; }
    [StructLayout(LayoutKind.Sequential)] public struct Words3Int { public nint a0, a1, a2; public int result; }
    [StructLayout(LayoutKind.Sequential)] public struct Words4Int { public nint a0, a1, a2, a3; public int result; }
    [StructLayout(LayoutKind.Sequential)] public struct RichCmp { public nint a0, a1; public int op; public nint result; }

    [StructLayout(LayoutKind.Sequential)]
    public struct Varargs { public nint self; public nint* args; public nint nargs; public nint result; }

    [StructLayout(LayoutKind.Sequential)]
    public struct Keywords { public nint self; public nint* args; public ulong nargsf; public nint kwnames; public nint result; }

    [StructLayout(LayoutKind.Sequential)]
    public struct InitProc { public nint self, args, kw; public int result; }

    [StructLayout(LayoutKind.Sequential)]
    public struct NewFunc { public nint self, args, kw, result; }

    [StructLayout(LayoutKind.Sequential)]
    public struct GetBuffer { public nint self; public Py_buffer* view; public int flags; public int result; }

    [StructLayout(LayoutKind.Sequential)]
    public struct ReleaseBuffer { public nint self; public Py_buffer* view; }

    [StructLayout(LayoutKind.Sequential)]
    public struct Traverse { public nint self; public delegate* unmanaged<nint, void*, int> visit; public void* arg; public int result; }
}
