namespace HPyShim.Tests;

/// <summary>tests/c/embed_test.c links libhpy.so, starts CPython through it and uses the API from C.</summary>
public class EmbeddingTests
{
    static readonly Lazy<string> Harness = new(() =>
    {
        Repo.RequireLibrary();
        string dir = Path.Combine(Repo.Out, "tests");
        Directory.CreateDirectory(dir);
        string exe = Path.Combine(dir, "embed_test");
        string libDir = Path.GetDirectoryName(Repo.Library)!;
        Repo.CompileC(exe, "-std=c99", "-Wall", "-Werror", "-I", Repo.Include,
            Path.Combine(Repo.Root, "tests", "c", "embed_test.c"), "-L", libDir, "-lhpy", $"-Wl,-rpath,{libDir}");
        return exe;
    });

    public static IEnumerable<object[]> PyenvPythons() =>
        Interpreters.All().Where(i => i.Label != "python3").Select(i => new object[] { i.Label });

    [Theory]
    [MemberData(nameof(PyenvPythons))]
    public void CHostDrivesTheApiAndLoadsASample(string version)
    {
        string libpython = Interpreters.LibPython(version);
        Assert.True(File.Exists(libpython), $"{libpython} is missing for {version}");
        var result = Repo.Run(Harness.Value, [libpython, Repo.Samples],
            new Dictionary<string, string> { ["PYTHONHOME"] = Path.Combine(Interpreters.PyenvRoot(), "versions", version) });
        Assert.True(result.ExitCode == 0, $"embed_test on {version}:\n{result}");
        Assert.Contains("0 failure(s)", result.Output);
    }
}
