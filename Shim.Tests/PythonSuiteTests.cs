namespace HPyShim.Tests;

/// <summary>
/// The stdlib-unittest suites in tests/python on every CPython: the universal samples (one build
/// for all) with the launcher and loader suites, then the same sample assertions against the
/// CPython ABI builds of the same sources, so both ABIs must behave identically.
/// </summary>
public class PythonSuiteTests
{
    public static IEnumerable<object[]> Pythons() => Interpreters.Data();

    /// <summary>A configuration of the suites: the samples' ABI, the mode they are imported in, what
    /// unittest runs, and more environment.</summary>
    public sealed record Suite(string Abi, string Mode, string[] What, Dictionary<string, string>? Extra = null)
    {
        public string SamplesIn(string samples) => Abi == "cpython" ? Path.Combine(samples, "cpython") : samples;

        /// <summary>The environment of a run with this library and these samples (the folder of the
        /// universal ones).</summary>
        public Dictionary<string, string> Environment(string library, string samples)
        {
            var env = new Dictionary<string, string>
            {
                ["PYTHONPATH"] = Path.Combine(Repo.Root, "launcher"),
                ["HPYSHIM_LIBRARY"] = library,
                ["HPYSHIM_SAMPLES"] = SamplesIn(samples),
                ["HPYSHIM_TEST_ABI"] = Abi,
                ["HPYSHIM_TEST_MODE"] = Mode,
                ["HPY"] = "",
            };
            foreach (var (key, value) in Extra ?? new()) env[key] = value;
            return env;
        }
    }

    /// <summary>The sample suites that trace and debug mode run.</summary>
    static readonly string[] SuitesInModes = ["tests.python.test_simple", "tests.python.test_hybrid", "tests.python.test_protocols",
        "tests.python.test_solver", "tests.python.test_native_paths"];

    /// <summary>Every configuration, by name: CrossTargetTests runs them all on the cross-built targets too.</summary>
    public static readonly Dictionary<string, Suite> Suites = new()
    {
        ["universal"] = new("universal", "universal", ["discover", "-s", "tests/python", "-t", "."]),
        ["cpython-abi"] = new("cpython", "universal", ["tests.python.test_simple", "tests.python.test_hybrid",
            "tests.python.test_protocols", "tests.python.test_structseq", "tests.python.test_helpers", "tests.python.test_solver"]),
        ["trace"] = new("universal", "trace", SuitesInModes),
        ["debug"] = new("universal", "debug", SuitesInModes),
        ["no-thunks"] = new("universal", "universal", ["tests.python.test_simple", "tests.python.test_hybrid",
            "tests.python.test_protocols", "tests.python.test_structseq", "tests.python.test_helpers",
            "tests.python.test_solver", "tests.python.test_native_paths"], new() { ["HPYSHIM_THUNKS"] = "0" }),
    };

    [Theory]
    [MemberData(nameof(Pythons))]
    public void UniversalSamplesLoaderAndLauncherSuitesPass(string python) => RunUnittest(python, Suites["universal"]);

    [Theory]
    [MemberData(nameof(Pythons))]
    public void CPythonAbiSamplesBehaveLikeUniversalOnes(string python) => RunUnittest(python, Suites["cpython-abi"]);

    [Theory]
    [MemberData(nameof(Pythons))]
    public void SampleSuitesPassInTraceMode(string python) => RunUnittest(python, Suites["trace"]);

    [Theory]
    [MemberData(nameof(Pythons))]
    public void SampleSuitesPassInDebugModeWithoutLeaks(string python) => RunUnittest(python, Suites["debug"]);

    /// <summary>The trampoline path that thunks replace stays covered: the sample suites again
    /// with thunks switched off (what happens where executable memory is refused).</summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public void SampleSuitesPassWithoutThunks(string python) => RunUnittest(python, Suites["no-thunks"]);

    /// <summary>unittest's own counts ("Ran N tests", "FAILED (failures=F, errors=E, skipped=S)");
    /// a run that printed none (it crashed) counts as one failure.</summary>
    internal static void RecordUnittestCounts(string suite, Repo.Result result)
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

    static void RunUnittest(string python, Suite suite)
    {
        Repo.RequireLibrary();
        string exe = Interpreters.ExecutableFor(python);
        Assert.True(exe == "python3" || File.Exists(exe), $"pyenv lists {python} but {exe} does not exist");
        var env = suite.Environment(Repo.Library, Repo.Samples);
        var result = Repo.Run(exe, ["-m", "unittest", .. suite.What, "-v"], env, timeoutSeconds: 1200);
        RecordUnittestCounts($"{python} {Describe(suite)}", result);
        Assert.True(result.ExitCode == 0, $"unittest ({suite.Abi} ABI, {suite.Mode} mode) on {python} failed:\n{result}");
        Assert.Contains("OK", result.Output);
    }

    public static string Describe(Suite suite) => $"{suite.Abi} {suite.Mode}"
        + (suite.Extra == null ? "" : " " + string.Join(" ", suite.Extra.Select(e => $"{e.Key}={e.Value}")));
}
