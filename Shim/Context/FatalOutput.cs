using System.Runtime.InteropServices;
using System.Text;
using HPyShim.CPython;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.Context;

/// <summary>
/// Where fatal reports go: stderr, and also the stderr a test runner started with when it has
/// pointed fd 2 elsewhere. pytest's default capture sends fd 2 to a temporary file that it shows
/// after each test; a process that aborts never gets there. The launcher's pytest plugin
/// (launcher/_hpyshim_pytest.py) hands over a duplicate of the original stderr; the C side
/// (native/platform/platform.c) keeps it, so the fault handler writes there too, and skips it
/// when it is the same file as fd 2 (pytest -s, no pytest), so nothing is printed twice.
/// </summary>
internal static unsafe class FatalOutput
{
    /// <summary>A report's text, to stderr and the report fd.</summary>
    public static void Write(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        fixed (byte* p = bytes) shim_report(p);
    }

    /// <summary>Py_FatalError, with CPython's lines (the message, the Python traceback) sent where
    /// the person sees them. Does not return.</summary>
    public static void Fatal(byte* message)
    {
        shim_fatal_output();
        Py.Py_FatalError(message);
    }

    /// <summary>The file descriptor that fatal reports also go to (-1: none). The caller owns it
    /// and sets -1 before closing it.</summary>
    public static void SetReportFd(int fd) => shim_set_report_fd(fd);
}
