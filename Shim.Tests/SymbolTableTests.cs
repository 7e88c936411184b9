using System.Text.RegularExpressions;
using HPyShim.Generator;

namespace HPyShim.Tests;

/// <summary>
/// The CPython symbol table (api/cpython_symbols.api plus the context's forwarders and handles) is
/// the runtime's only way to CPython: every symbol described there is used, and no code looks a
/// CPython symbol up any other way. Both read the sources, without comments and generated files.
/// </summary>
public class SymbolTableTests
{
    static string SymbolsApi => Path.Combine(Repo.Root, "api", "cpython_symbols.api");

    /// <summary>The runtime's source folders: the C# control plane and the C data plane.</summary>
    static readonly string[] RuntimeFolders = ["Shim", "native"];

    /// <summary>Non-generated C and C# sources in the runtime's folders under `root`, by path relative
    /// to it, comments removed.</summary>
    static Dictionary<string, string> Sources(string root)
    {
        var banners = new[] { Emitters.Banner, SymbolEmitters.Banner, LayoutDescription.Banner, HPyFuncDescription.Banner, BoundaryDescription.Banner, VersionsDescription.Banner, MisuseDescription.Banner };
        var result = new Dictionary<string, string>();
        var files = RuntimeFolders.Select(f => Path.Combine(root, f)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            if (Path.GetExtension(file) is not (".c" or ".h" or ".cs")) continue;
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Split('/').Any(part => part is "bin" or "obj")) continue;
            string text = File.ReadAllText(file);
            if (banners.Any(text.Split('\n')[0].Contains)) continue;
            result[relative] = Regex.Replace(text, @"/\*.*?\*/|//[^\n]*", " ", RegexOptions.Singleline);
        }
        return result;
    }

    /// <summary>The entries of `api` no source uses: as cpy.X or Py.X (any member access), or by name in quotes.</summary>
    static List<string> Unused(string api, string sourceDir)
    {
        var code = string.Join("\n", Sources(sourceDir).Values);
        return SymbolDescription.ParseFile(api).Select(s => s.Name)
            .Where(name => !Regex.IsMatch(code, $@"(\.|->){name}\b|""{name}"""))
            .ToList();
    }

    [Fact]
    public void EveryDescribedSymbolIsUsed()
    {
        var unused = Unused(SymbolsApi, Repo.Root);
        Assert.True(unused.Count == 0, $"api/cpython_symbols.api describes symbols no code uses (remove them): {string.Join(", ", unused)}");
    }

    /// <summary>Ways to reach a CPython symbol other than the table, and the one file each may appear in.</summary>
    static readonly (string What, Regex Pattern, string[] AllowedIn)[] Lookups =
    [
        // platform_process_symbol is the one lookup; the generated resolver is its only caller
        ("dlsym", new(@"\bdlsym\s*\("), ["native/platform/platform.c"]),
        ("GetProcAddress", new(@"\bGetProcAddress\s*\("), []),
        ("platform_process_symbol", new(@"\bplatform_process_symbol\s*\("), ["native/platform/platform.h", "native/platform/platform.c"]),
        // NativeLibraries.Find looks up the HPy extensions' own symbols in their libraries
        ("a NativeLibrary export lookup", new(@"\bNativeLibrary\.(TryGetExport|GetExport)\s*\("), ["Shim/Loader/NativeLibraries.cs"]),
        ("the main program's handle", new(@"\bGetMainProgramHandle\b"), []),
        ("a DllImport of libpython", new(@"(DllImport|LibraryImport)\s*\(\s*""[^""]*python", RegexOptions.IgnoreCase), []),
        ("an extern declaration of a CPython symbol", new(@"\bextern\b[^;{]*\b_?Py[A-Z_]\w*\s*[;(\[]"), []),
    ];

    static List<string> LookupsOutsideTheTable(string sourceDir) =>
        Sources(sourceDir)
            .SelectMany(file => Lookups
                .Where(l => !l.AllowedIn.Contains(file.Key) && l.Pattern.IsMatch(file.Value))
                .Select(l => $"{file.Key}: {l.What}"))
            .ToList();

    [Fact]
    public void NoCodeLooksUpACPythonSymbolOutsideTheTable()
    {
        var found = LookupsOutsideTheTable(Repo.Root);
        Assert.True(found.Count == 0,
            "CPython symbols are looked up outside the table (describe them in api/cpython_symbols.api " +
            $"and use cpy.X in C, Py.X in C#): {string.Join("; ", found)}");
    }

    [Fact]
    public void TheChecksFindWhatTheyLookFor()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"hpyshim-symbols-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "native", "platform"));
        Directory.CreateDirectory(Path.Combine(dir, "Shim"));
        try
        {
            string api = Path.Combine(dir, "cpython_symbols.api");
            File.WriteAllText(api, "fn void Used(void)\nfn void InCommentOnly(void)\nobject Quoted\nprobe Unused\n");
            File.WriteAllText(Path.Combine(dir, "native", "a.c"),
                "void f(void) { cpy.Used(); /* cpy.InCommentOnly() */ void *p = dlsym(0, \"x\"); }\n" +
                "extern PyObject *PyExc_Foo;\n");
            File.WriteAllText(Path.Combine(dir, "native", "platform", "platform.c"), "void *g(void) { return dlsym(0, \"y\"); }\n");
            File.WriteAllText(Path.Combine(dir, "Shim", "B.cs"),
                "// Py.Unused()\nclass B { bool f() => Symbols.Found(\"Quoted\"); void* g() => NativeLibrary.GetMainProgramHandle(); }\n");
            File.WriteAllText(Path.Combine(dir, "Shim", "C.cs"), $"// {SymbolEmitters.Banner}\nclass C {{ void f() => Py.Unused(); }}\n");
            Assert.Equal(["InCommentOnly", "Unused"], Unused(api, dir));
            Assert.Equal(["Shim/B.cs: the main program's handle", "native/a.c: an extern declaration of a CPython symbol", "native/a.c: dlsym"],
                LookupsOutsideTheTable(dir).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static List<CPythonSymbol> TableOf(string symbols, string context)
    {
        using var temp = new TempDir("table");
        string dir = temp.Path;
        File.WriteAllText(Path.Combine(dir, "cpython_symbols.api"), symbols);
        File.WriteAllText(Path.Combine(dir, "hpy_context.api"), context);
        return SymbolDescription.Table(Path.Combine(dir, "cpython_symbols.api"), ApiDescription.Parse(Path.Combine(dir, "hpy_context.api")));
    }

    [Fact]
    public void TheTableHoldsTheFileThenTheForwardersThenTheHandles()
    {
        var table = TableOf(
            "fn PyObject *PyObject_Vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) | optional\n" +
            "fn unsigned long PyLong_AsUnsignedLong(PyObject *o)\nprobe _Py_GetRefTotal\n",
            "handle h_None object:_Py_NoneStruct\nhandle h_TypeError pointer:PyExc_TypeError\nhandle h_Builtins builtins\n" +
            "fn HPy ctx_Add(HPy h1, HPy h2) | HPy_Add | cpython=PyNumber_Add\n" +
            "fn HPy ctx_InPlaceAdd(HPy h1, HPy h2) | HPy_InPlaceAdd | cpython=PyNumber_Add\n");
        Assert.Equal(["PyObject_Vectorcall", "PyLong_AsUnsignedLong", "_Py_GetRefTotal", "PyNumber_Add", "_Py_NoneStruct", "PyExc_TypeError"],
            table.Select(s => s.Name));
        Assert.Equal("PyObject *(*PyObject_Vectorcall)(PyObject *, PyObject *const *, size_t, PyObject *)", table[0].CField);
        Assert.Equal("delegate* unmanaged<nint, nint*, nuint, nint, nint>", table[0].CSharpField);
        Assert.True(table[0].Optional);
        Assert.Equal("delegate* unmanaged<nint, CULong>", table[1].CSharpField);
        Assert.True(table[2].Optional);
        Assert.Equal("PyObject *(*PyNumber_Add)(PyObject *, PyObject *)", table[3].CField);
        Assert.Equal(("PyObject *_Py_NoneStruct", "nint"), (table[4].CField, table[4].CSharpValue));
        Assert.Equal(("PyObject **PyExc_TypeError", "nint*", "nint"), (table[5].CField, table[5].CSharpField, table[5].CSharpValue));
    }

    [Fact]
    public void ASymbolIsDescribedOnce()
    {
        var e = Assert.Throws<FormatException>(() => TableOf("fn void PyErr_Clear(void)\n",
            "fn void ctx_Err_Clear(void) | HPyErr_Clear | cpython=PyErr_Clear\n"));
        Assert.Contains("PyErr_Clear is already described at api/cpython_symbols.api:1", e.Message);
        Assert.Throws<FormatException>(() => TableOf("object PyList_Type\n", "handle h_ListType object:PyList_Type\n"));
        Assert.Throws<FormatException>(() => TableOf("fn void A(void)\nfn void A(void)\n", ""));
    }

    [Fact]
    public void MalformedLinesAreErrors()
    {
        Assert.Contains("no mapping for the C type 'PyFrameObject *'",
            Assert.Throws<FormatException>(() => TableOf("fn int F(PyFrameObject *f)\n", "")).Message);
        Assert.Contains("needs a type and a name", Assert.Throws<FormatException>(() => TableOf("fn int F(PyObject *)\n", "")).Message);
        Assert.Contains("unknown option 'sometimes'", Assert.Throws<FormatException>(() => TableOf("object X | sometimes\n", "")).Message);
        Assert.Throws<FormatException>(() => TableOf("thing X\n", ""));
    }
}
