using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using HPyShim.Abi;

namespace HPyShim.Tests;

/// <summary>
/// Every struct C# shares with C (the context and each [CStruct]) must have the C compiler's size
/// and field offsets. The test writes a C program that prints them, compiles it against our
/// headers (and Python.h for CPython's structs) and compares field by field.
/// </summary>
public class LayoutTests
{
    internal static IEnumerable<(Type Type, string CName, string Header)> SharedStructs()
    {
        yield return (typeof(HPyShim.Context.HPyContext), "HPyContext", "hpy");
        foreach (var t in typeof(CStructAttribute).Assembly.GetTypes())
            if (t.GetCustomAttribute<CStructAttribute>() is { } a) yield return (t, a.CName, a.Header);
    }

    /// <summary>The C compiler's sizes and offsets: compiled with gcc and run here, or with another
    /// target's `compiler` (and `pythonInclude`), run by `run`.</summary>
    internal static Dictionary<string, long> CLayout(string header, IEnumerable<(Type Type, string CName)> structs,
        string compiler = "gcc", string? pythonInclude = null, Func<string, Repo.Result>? run = null)
    {
        var c = new StringBuilder();
        if (header == "python") c.AppendLine("#include <Python.h>\n#include <structmember.h>");
        else if (header == "debug") c.AppendLine("#include \"debug/debug.h\"");   // native/debug
        else c.AppendLine("#include \"hpy.h\"");
        c.AppendLine("#include <stdio.h>\n#include <stddef.h>\nint main(void) {");
        foreach (var (type, cname) in structs)
        {
            c.AppendLine($"    printf(\"{cname} sizeof %zu\\n\", sizeof({cname}));");
            foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                c.AppendLine($"    printf(\"{cname} {f.Name} %zu\\n\", offsetof({cname}, {f.Name}));");
        }
        c.AppendLine("    return 0;\n}");
        using var temp = new TempDir("layout");
        string dir = temp.Path;
        string source = Path.Combine(dir, "layout.c"), exe = Path.Combine(dir, "layout");
        File.WriteAllText(source, c.ToString());
        var include = header == "python" ? pythonInclude ?? PythonInclude() : Repo.Include;
        var compile = Repo.Run(compiler, ["-I", include, "-I", Path.Combine(Repo.Root, "native"), source, "-o", exe]);
        Assert.True(compile.ExitCode == 0, $"{compiler} failed: {compile}");
        var result = run != null ? run(exe) : Repo.Run(exe, []);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(p => p[0] + " " + p[1], p => long.Parse(p[2]));
    }

    static string PythonInclude()
    {
        var r = Repo.Run("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['include'])"]);
        Assert.Equal(0, r.ExitCode);
        return r.Output.Trim();
    }

    [Theory]
    [InlineData("hpy")]
    [InlineData("python")]
    [InlineData("debug")]
    public void SharedStructsMatchTheCCompiler(string header) =>
        AssertSharedStructsMatch(header, CLayout(header, SharedStructs().Where(s => s.Header == header).Select(s => (s.Type, s.CName))));

    /// <summary>Each shared struct of `header` against the C layout `c`, field by field.</summary>
    internal static void AssertSharedStructsMatch(string header, Dictionary<string, long> c)
    {
        var structs = SharedStructs().Where(s => s.Header == header).ToList();
        Assert.NotEmpty(structs);
        var mismatches = new List<string>();
        foreach (var (type, cname, _) in structs)
        {
            long size = Marshal.SizeOf(type);
            if (c[$"{cname} sizeof"] != size) mismatches.Add($"sizeof({cname}): C {c[$"{cname} sizeof"]}, C# {size}");
            foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                long offset = Marshal.OffsetOf(type, f.Name).ToInt64();
                long expected = c[$"{cname} {f.Name}"];
                if (offset != expected) mismatches.Add($"{cname}.{f.Name}: C {expected}, C# {offset}");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }
}

/// <summary>
/// The debug context reads the running Python frame through per-version offsets
/// (api/cpython_versions.api); tests/c/frame_layout_test.c, compiled against each CPython's own
/// headers (internal ones included), checks them.
/// </summary>
public class FrameLayoutTests
{
    public static IEnumerable<object[]> PyenvPythons() => EmbeddingTests.PyenvPythons();

    [Theory]
    [MemberData(nameof(PyenvPythons))]
    public void FrameOffsetsMatchTheHeadersOf(string version)
    {
        string minor = string.Join('.', version.Split('.').Take(2));
        string include = Path.Combine(Interpreters.PyenvRoot(), "versions", version, "include", $"python{minor}");
        Assert.True(Directory.Exists(include), $"{include} is missing");
        string dir = Path.Combine(Repo.Out, "tests");
        Directory.CreateDirectory(dir);
        string exe = Path.Combine(dir, $"frame_layout_test_{minor}");
        Repo.CompileC(exe, "-I", include, "-I", Path.Combine(Repo.Root, "native"),
            Path.Combine(Repo.Root, "tests", "c", "frame_layout_test.c"));
        var result = Repo.Run(exe, []);
        Assert.True(result.ExitCode == 0, $"frame layout on {version}:\n{result}");
        Assert.Contains("the frame layout matches", result.Output);
    }
}

/// <summary>
/// api/cpython_layout.api (the object and type offsets and tp_flags bits both the C fast path and
/// the C# runtime use) against every installed CPython's own Python.h.
/// </summary>
public class CPythonLayoutTests
{
    public static IEnumerable<object[]> PyenvPythons() => EmbeddingTests.PyenvPythons();

    [Theory]
    [MemberData(nameof(PyenvPythons))]
    public void DescribedOffsetsAndFlagsMatchTheHeadersOf(string version)
    {
        string minor = string.Join('.', version.Split('.').Take(2));
        string include = Path.Combine(Interpreters.PyenvRoot(), "versions", version, "include", $"python{minor}");
        Assert.True(Directory.Exists(include), $"{include} is missing");
        string dir = Path.Combine(Repo.Out, "tests");
        Directory.CreateDirectory(dir);
        AssertDescriptionMatches($"CPython {version}", Path.Combine(dir, $"cpython_layout_{minor}"), "gcc", include, exe => Repo.Run(exe, []));
    }

    /// <summary>The program checking api/cpython_layout.api, built as `exe` by `compiler` against
    /// `include` and run by `run`, must find every entry as described.</summary>
    internal static void AssertDescriptionMatches(string what, string exe, string compiler, string include, Func<string, Repo.Result> run)
    {
        var entries = HPyShim.Generator.LayoutDescription.Parse(Path.Combine(Repo.Root, "api", "cpython_layout.api"));
        string source = exe + ".c";
        File.WriteAllText(source, HPyShim.Generator.LayoutDescription.CheckProgram(entries));
        var compile = Repo.Run(compiler, ["-I", include, source, "-o", exe]);
        Assert.True(compile.ExitCode == 0, $"{compiler} failed: {compile}");
        var result = run(exe);
        Assert.True(result.ExitCode == 0, result.ToString());
        var actual = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(p => p[0] + " " + p[1], p => p[2]);
        var mismatches = new List<string>();
        foreach (var e in entries)
        {
            string expected = e.Kind == "flag" ? (1UL << e.Value).ToString() : e.Value.ToString();
            if (actual[$"{e.Kind} {e.Name}"] != expected)
                mismatches.Add($"{e.Kind} {e.Name} ({e.CType} {e.Designator}): api says {expected}, {what} has {actual[$"{e.Kind} {e.Name}"]}");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }
}
