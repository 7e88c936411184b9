using HPyShim.Generator;

namespace HPyShim.Tests;

public class ApiDescriptionTests
{
    static ApiDescription ParseText(string text)
    {
        string path = Path.GetTempFileName();
        File.WriteAllText(path, text);
        try { return ApiDescription.Parse(path); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ParsesFunctionsWithOptions()
    {
        var api = ParseText("""
            header int abi_version;
            handle h_None object:_Py_NoneStruct
            fn void ctx_Err_SetString(HPy h_type, const char *utf8_message) | HPyErr_SetString | cpython=PyErr_SetString | public-returns=HPy_NULL
            fn HPy ctx_Tuple_FromArray(const HPy items[], HPy_ssize_t n) | HPyTuple_FromArray
            fn int ctx_Err_Occurred(void) | HPyErr_Occurred
            """);
        var f = api.Functions.ToList();
        Assert.Equal("PyErr_SetString", f[0].CPythonFunction);
        Assert.Equal("HPy_NULL", f[0].PublicReturns);
        Assert.Equal("byte*", f[0].Parameters[1].Type.CSharp);
        Assert.Equal("HPy*", f[1].Parameters[0].Type.CSharp);
        Assert.Equal("nint", f[1].Parameters[1].Type.CSharp);
        Assert.Empty(f[2].Parameters);
        Assert.Equal("-1", f[2].Return.ErrorValue);
    }

    [Fact]
    public void RejectsDuplicatesAndUnknownTypes()
    {
        Assert.Throws<FormatException>(() => ParseText("handle h_None object:A\nhandle h_None object:B\n"));
        Assert.Throws<FormatException>(() =>
            Emitters.ContextStruct(ParseText("fn HPy ctx_X(struct foo *p) | HPyX\n")));
    }

    [Fact]
    public void LayoutPadsTheIntHeaderField()
    {
        var api = ParseText("header const char *name;\nheader int abi_version;\nhandle h_None object:X\n");
        var layout = Emitters.Layout(api);
        Assert.Equal([0, 8, 16], layout.Select(l => l.Offset));
    }
}
