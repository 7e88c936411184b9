using HPyShim.CPython;

namespace HPyShim.Context;

// Fatal errors and compilation (the GIL and context variables are on the native fast path).
internal static unsafe partial class UniversalContext
{
    [ContextMember]
    internal static void FatalError(HPyContext* ctx, byte* message) => FatalOutput.Fatal(message);   // does not return

    // CPython's start symbols (Py_single_input, Py_file_input, Py_eval_input), stable since 2.x.
    const int PySingleInput = 256, PyFileInput = 257, PyEvalInput = 258;

    [ContextMember]
    internal static HPy Compile_s(HPyContext* ctx, byte* utf8_source, byte* utf8_filename, int kind)
    {
        int start = kind switch
        {
            0 => PyEvalInput,     // HPy_SourceKind_Expr
            1 => PyFileInput,     // HPy_SourceKind_File
            2 => PySingleInput,   // HPy_SourceKind_Single
            _ => 0,
        };
        if (start == 0) return Failure.RaiseNull(Py.PyExc_SystemError, "invalid source kind");
        return new HPy(Py.Py_CompileString(utf8_source, utf8_filename, start));
    }
}
