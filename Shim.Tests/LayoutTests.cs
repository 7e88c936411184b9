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
    static IEnumerable<(Type Type, string CName, string Header)> SharedStructs()
    {
        yield return (typeof(HPyShim.Context.HPyContext), "HPyContext", "hpy");
        foreach (var t in typeof(CStructAttribute).Assembly.GetTypes())
            if (t.GetCustomAttribute<CStructAttribute>() is { } a) yield return (t, a.CName, a.Header);
    }

    static Dictionary<string, long> CLayout(string header, IEnumerable<(Type Type, string CName)> structs)
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
        var include = header == "python" ? PythonInclude() : Repo.Include;
        Repo.CompileC(exe, "-I", include, "-I", Path.Combine(Repo.Root, "native"), source);
        var run = Repo.Run(exe, []);
        Assert.Equal(0, run.ExitCode);
        return run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
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
    public void SharedStructsMatchTheCCompiler(string header)
    {
        var structs = SharedStructs().Where(s => s.Header == header).ToList();
        Assert.NotEmpty(structs);
        var c = CLayout(header, structs.Select(s => (s.Type, s.CName)));
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
        var entries = HPyShim.Generator.LayoutDescription.Parse(Path.Combine(Repo.Root, "api", "cpython_layout.api"));
        string minor = string.Join('.', version.Split('.').Take(2));
        string include = Path.Combine(Interpreters.PyenvRoot(), "versions", version, "include", $"python{minor}");
        Assert.True(Directory.Exists(include), $"{include} is missing");
        string dir = Path.Combine(Repo.Out, "tests");
        Directory.CreateDirectory(dir);
        string source = Path.Combine(dir, $"cpython_layout_{minor}.c"), exe = Path.Combine(dir, $"cpython_layout_{minor}");
        File.WriteAllText(source, HPyShim.Generator.LayoutDescription.CheckProgram(entries));
        Repo.CompileC(exe, "-I", include, source);
        var run = Repo.Run(exe, []);
        Assert.Equal(0, run.ExitCode);
        var actual = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(p => p[0] + " " + p[1], p => p[2]);
        var mismatches = new List<string>();
        foreach (var e in entries)
        {
            string expected = e.Kind == "flag" ? (1UL << e.Value).ToString() : e.Value.ToString();
            if (actual[$"{e.Kind} {e.Name}"] != expected)
                mismatches.Add($"{e.Kind} {e.Name} ({e.CType} {e.Designator}): api says {expected}, CPython {version} has {actual[$"{e.Kind} {e.Name}"]}");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }
}
