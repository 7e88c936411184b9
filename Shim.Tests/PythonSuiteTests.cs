namespace HPyShim.Tests;

/// <summary>The stdlib-unittest suites in tests/python, on every CPython, against one build.</summary>
public class PythonSuiteTests
{
    public static IEnumerable<object[]> Pythons() => Interpreters.Data();

    [Theory]
    [MemberData(nameof(Pythons))]
    public void SamplesAndLauncherSuitePasses(string python)
    {
        Repo.RequireLibrary();
        string exe = Interpreters.ExecutableFor(python);
        Assert.True(exe == "python3" || File.Exists(exe), $"pyenv lists {python} but {exe} does not exist");
        var result = Repo.Run(exe, ["-m", "unittest", "discover", "-s", "tests/python", "-t", ".", "-v"],
            new Dictionary<string, string>
            {
                ["PYTHONPATH"] = Path.Combine(Repo.Root, "launcher"),
                ["HPYSHIM_LIBRARY"] = Repo.Library,
                ["HPYSHIM_SAMPLES"] = Repo.Samples,
                ["HPY"] = "",
            });
        Assert.True(result.ExitCode == 0, $"unittest on {python} failed:\n{result}");
        Assert.Contains("OK", result.Output);
    }
}
