namespace HPyShim.Tests;

/// <summary>
/// The C programs in tests/c link libhpy.so, start CPython through it and use the API from C:
/// embed_test drives the API and loads a sample; context_test checks the context members one by one.
/// </summary>
public class EmbeddingTests
{
    static readonly Dictionary<string, Lazy<string>> Programs = new[] { "embed_test", "context_test" }
        .ToDictionary(name => name, name => new Lazy<string>(() => Compile(name)));

    static string Compile(string name)
    {
        Repo.RequireLibrary();
        string dir = Path.Combine(Repo.Out, "tests");
        Directory.CreateDirectory(dir);
        string exe = Path.Combine(dir, name);
        string libDir = Path.GetDirectoryName(Repo.Library)!;
        Repo.CompileC(exe, "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", Repo.Include,
            Path.Combine(Repo.Root, "tests", "c", name + ".c"), "-L", libDir, "-lhpy", $"-Wl,-rpath,{libDir}");
        return exe;
    }

    public static IEnumerable<object[]> PyenvPythons() =>
        Interpreters.All().Where(i => i.Label != "python3").Select(i => new object[] { i.Label });

    [Theory]
    [MemberData(nameof(PyenvPythons))]
    public void CHostDrivesTheApiAndLoadsASample(string version) =>
        RunHarness("embed_test", version, Repo.Samples);

    [Theory]
    [MemberData(nameof(PyenvPythons))]
    public void ContextMembersBehaveFromC(string version) => RunHarness("context_test", version);

    static void RunHarness(string program, string version, params string[] extraArgs)
    {
        string libpython = Interpreters.LibPython(version);
        Assert.True(File.Exists(libpython), $"{libpython} is missing for {version}");
        var result = Repo.Run(Programs[program].Value, [libpython, .. extraArgs],
            new Dictionary<string, string> { ["PYTHONHOME"] = Path.Combine(Interpreters.PyenvRoot(), "versions", version) });
        var lines = result.Output.Split('\n');
        int failed = lines.Count(l => l.StartsWith("FAIL "));
        Repo.RecordCounts($"{program} {version}", lines.Count(l => l.StartsWith("ok ")),
            result.ExitCode != 0 && failed == 0 ? 1 : failed);
        Assert.True(result.ExitCode == 0, $"{program} on {version}:\n{result}");
        Assert.Contains("0 failure(s)", result.Output);
    }
}
