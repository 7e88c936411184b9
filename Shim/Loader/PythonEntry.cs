using System.Runtime.InteropServices;
using HPyShim.Abi;
using HPyShim.Context;
using HPyShim.CPython;
using HPyShim.Interop;

namespace HPyShim.Loader;

/// <summary>
/// libhpy.so is also an ordinary CPython extension module, <c>hpyshim._libhpy</c>: the launcher
/// imports it (importlib's extension loader) to reach the runtime, with no ctypes. Its methods are
/// declared in api/boundary.api (Interop/Generated/PythonModule.g.cs).
/// </summary>
internal static unsafe class PythonEntry
{
    [UnmanagedCallersOnly(EntryPoint = "PyInit__libhpy")]
    static nint Init()
    {
        // A CPython the runtime refuses (or none) is an ImportError saying why.
        if (!Host.BindOrRaise("PyInit__libhpy")) return 0;
        try
        {
            var methods = (PyMethodDef*)NativeMemory.AllocZeroed(PythonModule.MethodCount + 1, (nuint)sizeof(PyMethodDef));
            PythonModule.FillMethods(methods);
            var def = (PyModuleDef*)NativeMemory.AllocZeroed((nuint)sizeof(PyModuleDef));
            def->m_base.ob_base.ob_refcnt = 1;
            def->m_name = Utf8.Persistent("hpyshim._libhpy");
            def->m_doc = Utf8.Persistent("The HPy Shim runtime's entry points for the launcher.");
            def->m_size = -1;
            def->m_methods = methods;
            return Py.PyModule_Create2(def, Py.PythonApiVersion);
        }
        catch (Exception e)
        {
            Failure.Managed(e, "PyInit__libhpy");
            return 0;
        }
    }
}
