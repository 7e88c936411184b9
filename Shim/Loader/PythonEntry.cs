using System.Runtime.InteropServices;
using HPyShim.Abi;
using HPyShim.Context;
using HPyShim.CPython;

namespace HPyShim.Loader;

/// <summary>
/// libhpy.so is also an ordinary CPython extension module, <c>hpyshim._libhpy</c>: the launcher
/// imports it (importlib's extension loader) to reach the runtime, so `import hpyshim` and a first
/// load need no ctypes, whose import costs more than the rest of the start-up. The functions
/// mirror the C entry points of Exports.cs; debug and trace keep their ctypes bindings.
/// </summary>
internal static unsafe class PythonEntry
{
    const int MethFastcall = 0x80, MethNoargs = 0x4, MethO = 0x8;

    [UnmanagedCallersOnly(EntryPoint = "PyInit__libhpy")]
    static nint Init()
    {
        // A CPython the runtime refuses (or none) is an ImportError saying why.
        if (!Host.BindOrRaise("PyInit__libhpy")) return 0;
        try
        {
            var methods = (PyMethodDef*)NativeMemory.AllocZeroed(6, (nuint)sizeof(PyMethodDef));
            methods[0] = Method("load_module", (delegate* unmanaged<nint, nint*, nint, nint>)&LoadModule, MethFastcall);
            methods[1] = Method("load_error_type", (delegate* unmanaged<nint, nint, nint>)&LoadErrorType, MethNoargs);
            methods[2] = Method("version", (delegate* unmanaged<nint, nint, nint>)&Version, MethNoargs);
            methods[3] = Method("implemented_summary", (delegate* unmanaged<nint, nint, nint>)&Summary, MethNoargs);
            methods[4] = Method("set_report_fd", (delegate* unmanaged<nint, nint, nint>)&SetReportFd, MethO);
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

    static PyMethodDef Method(string name, void* function, int flags) =>
        new() { ml_name = Utf8.Persistent(name), ml_meth = function, ml_flags = flags, ml_doc = null };

    /// <summary>load_module(name: bytes, path: bytes, spec, mode: int): a new module; the short
    /// name and the file system path come encoded, as for hpyshim_load_module.</summary>
    [UnmanagedCallersOnly]
    static nint LoadModule(nint self, nint* args, nint nargs)
    {
        try
        {
            if (nargs != 4)
            {
                fixed (byte* m = "load_module() takes 4 arguments (name, path, spec, mode)\0"u8)
                    Py.PyErr_SetString(Py.PyExc_TypeError, m);
                return 0;
            }
            byte* name = Py.PyBytes_AsString(args[0]);
            byte* path = name != null ? Py.PyBytes_AsString(args[1]) : null;
            if (name == null || path == null) return 0;
            long mode = (long)Py.PyLong_AsLong(args[3]).Value;
            if (mode == -1 && Py.PyErr_Occurred() != 0) return 0;
            return ModuleLoader.Load(Utf8.Read(name) ?? "", Utf8.Read(path) ?? "", args[2], (LoadMode)mode);
        }
        catch (Exception e)
        {
            Failure.Managed(e, "hpyshim._libhpy.load_module");
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    static nint LoadErrorType(nint self, nint unused)
    {
        try
        {
            nint type = ModuleLoader.LoadErrorType();
            if (type != 0) Py.Py_IncRef(type);   // the runtime keeps its own reference
            return type;
        }
        catch (Exception e)
        {
            Failure.Managed(e, "hpyshim._libhpy.load_error_type");
            return 0;
        }
    }

    /// <summary>set_report_fd(fd: int): where fatal reports also go (-1: nowhere else); see
    /// FatalOutput.</summary>
    [UnmanagedCallersOnly]
    static nint SetReportFd(nint self, nint fd)
    {
        try
        {
            long value = (long)Py.PyLong_AsLong(fd).Value;
            if (value == -1 && Py.PyErr_Occurred() != 0) return 0;
            FatalOutput.SetReportFd(value < 0 || value > int.MaxValue ? -1 : (int)value);
            Py.Py_IncRef(Py._Py_NoneStruct);
            return Py._Py_NoneStruct;
        }
        catch (Exception e)
        {
            Failure.Managed(e, "hpyshim._libhpy.set_report_fd");
            return 0;
        }
    }

    static byte* version, summary;

    [UnmanagedCallersOnly]
    static nint Version(nint self, nint unused)
    {
        try
        {
            if (version == null) version = Utf8.Persistent(Exports.Version);
            return Py.PyUnicode_FromString(version);
        }
        catch (Exception e)
        {
            Failure.Managed(e, "hpyshim._libhpy.version");
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    static nint Summary(nint self, nint unused)
    {
        try
        {
            if (summary == null)
                summary = Utf8.Persistent(
                    $"{ContextTable.ImplementedCount}/{ContextTable.FunctionCount} context functions implemented");
            return Py.PyUnicode_FromString(summary);
        }
        catch (Exception e)
        {
            Failure.Managed(e, "hpyshim._libhpy.implemented_summary");
            return 0;
        }
    }
}
