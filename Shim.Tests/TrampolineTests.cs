using System.Reflection;
using System.Text;
using HPyShim.Abi;
using HPyShim.Generator;

namespace HPyShim.Tests;

/// <summary>
/// The trampolines and _HPyFunc_args_* structs generated from the tramp lines of api/hpyfunc.api.
/// LayoutTests compares every [CStruct] with the C compiler's layout; these tests make sure every
/// args struct is among them, and that every declared signature gets a trampoline that compiles
/// warning-free in each ABI, as C and as C++, against each CPython's headers.
/// </summary>
public class TrampolineTests
{
    static readonly string Api = Path.Combine(Repo.Root, "api", "hpyfunc.api");

    [Fact]
    public void EveryArgsStructHasACSharpTwinCheckedByTheLayoutTest()
    {
        var described = HPyFuncDescription.ParseTrampolines(Api).Select(t => t.Struct).Order().ToList();
        var twins = typeof(CStructAttribute).Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<CStructAttribute>())
            .Where(a => a is { Header: "hpy" } && a.CName.StartsWith("_HPyFunc_args_"))
            .Select(a => a!.CName).Order().ToList();
        Assert.Equal(36, described.Count);
        Assert.Equal(described, twins);
    }

    [Fact]
    public void DerivedFieldsFollowTheSignature()
    {
        var t = HPyFuncDescription.ParseTrampolines(Api).ToDictionary(x => x.Name);
        string Fields(string name) => string.Join(", ", t[name].Fields.Select(f => f.Declaration)) + " -> " + t[name].Result;
        Assert.Equal("cpy_PyObject *self, cpy_PyObject *arg -> cpy_PyObject *", Fields("O"));
        Assert.Equal("cpy_PyObject *arg0, HPy_ssize_t arg1, cpy_PyObject *arg2 -> int", Fields("SSIZEOBJARGPROC"));
        Assert.Equal("cpy_PyObject *arg0, char *arg1 -> cpy_PyObject *", Fields("GETATTRFUNC"));
        Assert.Equal("void *arg0 -> ", Fields("FREEFUNC"));
        Assert.Equal("cpy_PyObject *self, cpy_PyObject *const *args, size_t nargsf, cpy_PyObject *kwnames -> cpy_PyObject *",
            Fields("KEYWORDS"));
    }

    public static IEnumerable<object[]> AbisAndPythons()
    {
        yield return ["universal", ""];
        foreach (var (label, _) in Interpreters.All().Where(i => i.Label != "python3"))
            foreach (var abi in new[] { "hybrid", "cpython" })
                yield return [abi, label];
    }

    [Theory]
    [MemberData(nameof(AbisAndPythons))]
    public void EverySignatureHasATrampolineThatCompilesWarningFree(string abi, string python)
    {
        using var temp = new TempDir("tramp");
        string dir = temp.Path;
        string source = Path.Combine(dir, "trampolines.c");
        File.WriteAllText(source, TrampolineProgram());
        var flags = new List<string> { "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter", "-Wno-unused-function",
            "-fPIC", $"-DHPY_ABI_{abi.ToUpperInvariant()}", "-I", Repo.Include, "-c" };
        if (python.Length > 0)
        {
            string minor = string.Join('.', python.Split('.').Take(2));
            string include = Path.Combine(Interpreters.PyenvRoot(), "versions", python, "include", $"python{minor}");
            Assert.True(Directory.Exists(include), $"{include} is missing");
            flags.AddRange(["-I", include]);
        }
        Repo.CompileC(Path.Combine(dir, "c.o"), [.. flags, "-std=gnu11", source]);
        var cxx = Repo.Run("g++", [.. flags, "-x", "c++", "-std=c++20", source, "-o", Path.Combine(dir, "cxx.o")]);
        Assert.True(cxx.ExitCode == 0, $"g++ failed: {cxx}");
    }

    /// <summary>Per declared signature: the implementation (a definition) and HPyFunc_TRAMPOLINE for it.</summary>
    static string TrampolineProgram()
    {
        var c = new StringBuilder("#include \"hpy.h\"\n\n");
        foreach (var s in HPyFuncDescription.Parse(Api).Where(s => s.Return != null))
        {
            string parameters = string.Join(", ", HPyFuncDescription.NamedParameters(s).Select(p => p.Declaration));
            string body = s.Return switch { "void" => "", "HPy" => "return HPy_NULL;", _ => $"return ({s.Return})0;" };
            c.AppendLine($"HPyFunc_DECLARE(impl_{s.Name}, HPyFunc_{s.Name});");
            c.AppendLine($"static {s.Return} impl_{s.Name}({parameters}) {{ {body} }}");
            c.AppendLine($"HPyFunc_TRAMPOLINE(tramp_{s.Name}, impl_{s.Name}, HPyFunc_{s.Name});\n");
        }
        return c.ToString();
    }
}
