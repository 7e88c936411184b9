using System.Text.Json;
using Xunit.Abstractions;

namespace HPyShim.Tests;

/// <summary>
/// The linux-arm64 build that ./build.sh test makes on an x64 machine (out/linux-arm64: libhpy.so
/// cross-built with NativeAOT, the samples cross-compiled, Debian's arm64 CPython 3.11 unpacked into
/// a sysroot; see tools/build.py, CROSS_TARGETS) runs under qemu-user: every configuration of the
/// Python suites (PythonSuiteTests.Suites) and the C harnesses. Each test's outcome must be the one
/// it has on this machine's twin of that CPython, Debian's x64 CPython 3.11, with the x64 build: a
/// test that fails, errs or is skipped (for another reason) on arm64 only fails here.
/// </summary>
public class CrossTargetTests(ITestOutputHelper output)
{
    const string Rid = "linux-arm64";
    const string Triplet = "aarch64-linux-gnu";
    /// <summary>The x64 twin of the target's CPython: the same Debian release of CPython 3.11.</summary>
    const string TwinPython = "/usr/bin/python3.11";
    const string TwinLibPython = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";
    /// <summary>The target's libpython, as the program under qemu names it (qemu finds it in the sysroot).</summary>
    const string TargetLibPython = "/usr/lib/" + Triplet + "/libpython3.11.so.1.0";

    static string TargetOut => Path.Combine(Repo.Out, Rid);
    static string TargetBin => Path.Combine(TargetOut, "bin");
    static string TargetLibrary => Path.Combine(TargetOut, "lib", "libhpy.so");
    static string TargetSamples => Path.Combine(TargetOut, "cext-samples");
    static string TargetPythonHome => Path.Combine(TargetOut, "sysroot", "usr");
    static string TargetPythonInclude => Path.Combine(TargetPythonHome, "include", "python3.11");
    static string TargetCompiler => Path.Combine(TargetBin, "cc");
    static Repo.Result RunOnTarget(string exe) => Repo.Run(Path.Combine(TargetBin, "run"), [exe]);

    public static IEnumerable<object[]> Suites() => PythonSuiteTests.Suites.Keys.Select(k => new object[] { k });

    /// <summary>The target's build, up to date with the sources (as Repo.RequireLibrary checks the host's).</summary>
    static void RequireTargetBuild()
    {
        Repo.RequireLibrary();
        foreach (var path in new[] { TargetLibrary, Path.Combine(TargetBin, "python3.11"), Path.Combine(TargetBin, "run"),
                     Path.Combine(TargetSamples, "simple.hpy0.so") })
            Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh --target {Rid} build (./build.sh test does)");
        string? stale = Repo.NewerSource(TargetLibrary, Repo.LibrarySources());
        Assert.True(stale == null, $"{TargetLibrary} is older than {stale}: run ./build.sh --target {Rid} build");
        Assert.True(File.Exists(TwinPython), $"{TwinPython} (Debian's x64 CPython 3.11, the twin of the arm64 one) is missing: ./build.sh test installs it");
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void PythonSuiteOnArm64MatchesX64(string name) => RunAndCompare(name, PythonSuiteTests.Suites[name]);

    /// <summary>Page sizes other than 4 KiB (arm64 kernels are built with 16 or 64 KiB pages too):
    /// qemu gives the program that page size (QEMU_PAGESIZE; sysconf and the mappings follow it).
    /// The suites whose code maps and protects pages: debug mode's char* copies, the thunks, loading
    /// and freeing again, and the sample suites in debug mode.</summary>
    [Theory]
    [InlineData("16384")]
    [InlineData("65536")]
    public void PageSuitesOnArm64WithLargerPagesMatchX64(string pageSize)
    {
        RunAndCompare($"pages-{pageSize}", new PythonSuiteTests.Suite("universal", "universal",
            ["tests.python.test_debug", "tests.python.test_native_paths", "tests.python.test_reload"]),
            new() { ["QEMU_PAGESIZE"] = pageSize });
        RunAndCompare($"debug-pages-{pageSize}", PythonSuiteTests.Suites["debug"], new() { ["QEMU_PAGESIZE"] = pageSize });
    }

    /// <summary>Tests whose arm64 outcome is not compared with x64's, and why. Each is still run and
    /// its outcome printed; a failure of any other test fails the comparison.</summary>
    static readonly Dictionary<string, string> NotCompared = new()
    {
        // Emulated code is slow next to qemu's counter read (a native call): ctx_Add's timed calls
        // cost about 80 ticks of the 62.5 MHz counter, near the bound of 100 clock reads past which
        // trace mode times a member at every call; on a busy machine they pass it and the test sees
        // every call timed. On x64 (and on arm64 processors) the same calls cost a few clock reads.
        ["tests.python.test_trace.TraceSamplingTest.test_after_the_first_calls_only_some_are_timed"] =
            "a member costs about 80 counter reads under qemu, near trace mode's bound of 100 for timing every call",
    };

    void RunAndCompare(string name, PythonSuiteTests.Suite suite, Dictionary<string, string>? targetOnly = null)
    {
        RequireTargetBuild();
        string dir = Path.Combine(Repo.Out, "tests", Rid);
        Directory.CreateDirectory(dir);
        string targetFile = Path.Combine(dir, $"{name}.{Rid}.json"), twinFile = Path.Combine(dir, $"{name}.x64.json");
        File.Delete(targetFile);
        File.Delete(twinFile);

        var targetEnv = suite.Environment(TargetLibrary, TargetSamples);
        targetEnv["CC"] = TargetCompiler;   // the extensions the tests build are arm64 ones
        foreach (var (key, value) in targetOnly ?? new()) targetEnv[key] = value;
        var target = Repo.Run(Path.Combine(TargetBin, "python3.11"), ["-m", "tests.python.outcomes", targetFile, .. suite.What, "-v"],
            targetEnv, timeoutSeconds: 3600);
        var twin = Repo.Run(TwinPython, ["-m", "tests.python.outcomes", twinFile, .. suite.What, "-v"],
            suite.Environment(Repo.Library, Repo.Samples), timeoutSeconds: 1200);

        // A run that wrote no outcomes crashed: one failure.
        var targetOutcomes = File.Exists(targetFile) ? Outcomes(targetFile) : null;
        var failed = targetOutcomes?.Where(o => o.Value is "FAIL" or "ERROR" or "unexpected success").Select(o => o.Key).ToList();
        Repo.RecordCounts($"{Rid} python3.11 {name}: {PythonSuiteTests.Describe(suite)}",
            targetOutcomes?.Count(o => o.Value == "ok") ?? 0, failed?.Count(t => !NotCompared.ContainsKey(t)) ?? 1);
        foreach (var (test, why) in NotCompared)
            if (targetOutcomes != null && targetOutcomes.TryGetValue(test, out var outcome))
                output.WriteLine($"not compared: {test}: {Rid} {outcome} ({why})");

        Assert.True(targetOutcomes != null, $"the {name} suite on {Rid} (qemu) ended without its outcomes:\n{target}");
        Assert.True(twin.ExitCode == 0, $"the {name} suite on {TwinPython} (x64, the twin) failed:\n{twin}");
        Assert.True(failed!.All(NotCompared.ContainsKey), $"the {name} suite on {Rid} (qemu) failed:\n{target}");
        var differences = Differences(Outcomes(twinFile), targetOutcomes);
        Assert.True(differences.Count == 0, $"the {name} suite: outcomes on {Rid} differ from x64's:\n"
            + string.Join("\n", differences) + $"\n\n{Rid} output:\n{target.Output}");
    }

    static Dictionary<string, string> Outcomes(string file)
    {
        Assert.True(File.Exists(file), $"{file} was not written");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file))!;
    }

    /// <summary>Each test whose outcome differs (or that ran on one side only).</summary>
    static List<string> Differences(Dictionary<string, string> x64, Dictionary<string, string> target) =>
        x64.Keys.Union(target.Keys).Order()
            .Where(t => !NotCompared.ContainsKey(t) && x64.GetValueOrDefault(t) != target.GetValueOrDefault(t))
            .Select(t => $"  {t}: x64 {x64.GetValueOrDefault(t) ?? "(not run)"}, {Rid} {target.GetValueOrDefault(t) ?? "(not run)"}")
            .ToList();

    /// <summary>The C harnesses (tests/c) cross-compiled, linked with the arm64 libhpy.so and run under
    /// qemu on the arm64 libpython; their check lines must be x64's, one by one.</summary>
    [Theory]
    [InlineData("context_test")]
    [InlineData("embed_test")]
    public void CHarnessOnArm64MatchesX64(string program)
    {
        RequireTargetBuild();
        Assert.True(File.Exists(TwinLibPython), $"{TwinLibPython} is missing: ./build.sh test installs it (libpython3.11)");
        string dir = Path.Combine(Repo.Out, "tests", Rid);
        Directory.CreateDirectory(dir);
        string source = Path.Combine(Repo.Root, "tests", "c", program + ".c");
        bool loadsSamples = program == "embed_test";   // its second argument: the samples' folder

        string targetExe = Path.Combine(dir, program);
        string targetLibDir = Path.GetDirectoryName(TargetLibrary)!;
        var compile = Repo.Run(Triplet + "-gcc", ["-std=c99", "-Wall", "-Wextra", "-Werror", "-I", Repo.Include, source,
            "-L", targetLibDir, "-lhpy", $"-Wl,-rpath,{targetLibDir}", "-o", targetExe]);
        Assert.True(compile.ExitCode == 0, $"cross-compiling {program}: {compile}");
        var target = Repo.Run(Path.Combine(TargetBin, "run"),
            loadsSamples ? [targetExe, TargetLibPython, TargetSamples] : [targetExe, TargetLibPython],
            new Dictionary<string, string> { ["PYTHONHOME"] = TargetPythonHome });

        string twinExe = Path.Combine(dir, program + ".x64");
        string twinLibDir = Path.GetDirectoryName(Repo.Library)!;
        Repo.CompileC(twinExe, "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", Repo.Include, source,
            "-L", twinLibDir, "-lhpy", $"-Wl,-rpath,{twinLibDir}");
        var twin = Repo.Run(twinExe, loadsSamples ? [TwinLibPython, Repo.Samples] : [TwinLibPython],
            new Dictionary<string, string> { ["PYTHONHOME"] = "/usr" });

        var targetChecks = Checks(target.Output);
        Repo.RecordCounts($"{Rid} {program} python3.11", targetChecks.Count(l => l.StartsWith("ok ")),
            target.ExitCode != 0 && !targetChecks.Any(l => l.StartsWith("FAIL ")) ? 1 : targetChecks.Count(l => l.StartsWith("FAIL ")));
        Assert.True(target.ExitCode == 0, $"{program} on {Rid} (qemu):\n{target}");
        Assert.True(twin.ExitCode == 0, $"{program} on x64 with {TwinLibPython}:\n{twin}");
        Assert.Contains("0 failure(s)", target.Output);
        Assert.Equal(Checks(twin.Output), targetChecks);
    }

    /// <summary>The structs C# shares with C have one layout on every 64-bit target (explicit offsets,
    /// or the natural alignment that arm64's and x86-64's LP64 ABIs share): the arm64 C compiler,
    /// against our headers and the arm64 CPython's, must agree field by field.</summary>
    [Theory]
    [InlineData("hpy")]
    [InlineData("python")]
    [InlineData("debug")]
    public void SharedStructsMatchTheArm64CCompiler(string header)
    {
        RequireTargetBuild();
        var structs = LayoutTests.SharedStructs().Where(s => s.Header == header).Select(s => (s.Type, s.CName));
        LayoutTests.AssertSharedStructsMatch(header,
            LayoutTests.CLayout(header, structs, TargetCompiler, TargetPythonInclude, RunOnTarget));
    }

    /// <summary>api/cpython_layout.api and the frame offsets of api/cpython_versions.api against the
    /// arm64 CPython 3.11's own headers.</summary>
    [Fact]
    public void CPythonLayoutsMatchTheArm64Headers()
    {
        RequireTargetBuild();
        string dir = Path.Combine(Repo.Out, "tests", Rid);
        Directory.CreateDirectory(dir);
        CPythonLayoutTests.AssertDescriptionMatches($"{Rid} CPython 3.11", Path.Combine(dir, "cpython_layout_3.11"),
            TargetCompiler, TargetPythonInclude, RunOnTarget);
        string exe = Path.Combine(dir, "frame_layout_test_3.11");
        var compile = Repo.Run(TargetCompiler, ["-I", TargetPythonInclude, "-I", Path.Combine(Repo.Root, "native"),
            Path.Combine(Repo.Root, "tests", "c", "frame_layout_test.c"), "-o", exe]);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var result = RunOnTarget(exe);
        Assert.True(result.ExitCode == 0, $"frame layout on {Rid}:\n{result}");
        Assert.Contains("the frame layout matches", result.Output);
    }

    static string[] Checks(string output) =>
        output.Split('\n').Where(l => l.StartsWith("ok ") || l.StartsWith("FAIL ")).ToArray();
}
