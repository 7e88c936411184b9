namespace HPyShim.Tests;

/// <summary>
/// The stdlib-unittest suites in tests/python on every CPython: the universal samples (one build
/// for all) with the launcher and loader suites, then the same sample assertions against the
/// CPython ABI builds of the same sources, so both ABIs must behave identically.
/// </summary>
public class PythonSuiteTests
{
    public static IEnumerable<object[]> Pythons() => Interpreters.Data();

    [Theory]
    [MemberData(nameof(Pythons))]
    public void UniversalSamplesLoaderAndLauncherSuitesPass(string python) =>
        RunUnittest(python, "universal", Repo.Samples, ["discover", "-s", "tests/python", "-t", "."]);

    [Theory]
    [MemberData(nameof(Pythons))]
    public void CPythonAbiSamplesBehaveLikeUniversalOnes(string python) =>
        RunUnittest(python, "cpython", Path.Combine(Repo.Samples, "cpython"), ["tests.python.test_simple", "tests.python.test_hybrid", "tests.python.test_protocols", "tests.python.test_structseq",
            "tests.python.test_helpers", "tests.python.test_solver"]);

    [Theory]
    [MemberData(nameof(Pythons))]
    public void SampleSuitesPassInTraceMode(string python) =>
        RunUnittest(python, "universal", Repo.Samples,
            ["tests.python.test_simple", "tests.python.test_hybrid", "tests.python.test_protocols",
             "tests.python.test_solver", "tests.python.test_native_paths"], mode: "trace");

    [Theory]
    [MemberData(nameof(Pythons))]
    public void SampleSuitesPassInDebugModeWithoutLeaks(string python) =>
        RunUnittest(python, "universal", Repo.Samples,
            ["tests.python.test_simple", "tests.python.test_hybrid", "tests.python.test_protocols",
             "tests.python.test_solver", "tests.python.test_native_paths"], mode: "debug");

    /// <summary>The trampoline path that thunks replace stays covered: the sample suites again
    /// with thunks switched off (what happens where executable memory is refused).</summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public void SampleSuitesPassWithoutThunks(string python) =>
        RunUnittest(python, "universal", Repo.Samples,
            ["tests.python.test_simple", "tests.python.test_hybrid", "tests.python.test_protocols",
             "tests.python.test_structseq", "tests.python.test_helpers", "tests.python.test_solver",
             "tests.python.test_native_paths"], extra: new() { ["HPYSHIM_THUNKS"] = "0" });

    /// <summary>unittest's own counts ("Ran N tests", "FAILED (failures=F, errors=E, skipped=S)");
    /// a run that printed none (it crashed) counts as one failure.</summary>
    static void RecordUnittestCounts(string suite, Repo.Result result)
    {
        int Count(string pattern)
        {
            var m = System.Text.RegularExpressions.Regex.Match(result.Output, pattern);
            return m.Success ? int.Parse(m.Groups[1].Value) : 0;
        }
        var ran = System.Text.RegularExpressions.Regex.Match(result.Output, @"^Ran (\d+) tests?", System.Text.RegularExpressions.RegexOptions.Multiline);
        if (!ran.Success)
        {
            Repo.RecordCounts(suite, 0, 1);
            return;
        }
        int failed = Count(@"failures=(\d+)") + Count(@"errors=(\d+)");
        int skipped = Count(@"skipped=(\d+)");
        Repo.RecordCounts(suite, int.Parse(ran.Groups[1].Value) - failed - skipped, failed);
    }

    static void RunUnittest(string python, string abi, string samples, string[] what, string mode = "universal",
        Dictionary<string, string>? extra = null)
    {
        Repo.RequireLibrary();
        string exe = Interpreters.ExecutableFor(python);
        Assert.True(exe == "python3" || File.Exists(exe), $"pyenv lists {python} but {exe} does not exist");
        var env = new Dictionary<string, string>
        {
            ["PYTHONPATH"] = Path.Combine(Repo.Root, "launcher"),
            ["HPYSHIM_LIBRARY"] = Repo.Library,
            ["HPYSHIM_SAMPLES"] = samples,
            ["HPYSHIM_TEST_ABI"] = abi,
            ["HPYSHIM_TEST_MODE"] = mode,
            ["HPY"] = "",
        };
        foreach (var (key, value) in extra ?? new()) env[key] = value;
        var result = Repo.Run(exe, ["-m", "unittest", .. what, "-v"], env, timeoutSeconds: 1200);
        string variant = extra == null ? "" : " " + string.Join(" ", extra.Select(e => $"{e.Key}={e.Value}"));
        RecordUnittestCounts($"{python} {abi} {mode}{variant}", result);
        Assert.True(result.ExitCode == 0, $"unittest ({abi} ABI, {mode} mode) on {python} failed:\n{result}");
        Assert.Contains("OK", result.Output);
    }
}
