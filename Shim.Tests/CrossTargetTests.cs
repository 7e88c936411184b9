using System.Text.Json;

namespace HPyShim.Tests;

/// <summary>
/// The linux-arm64 build that ./build.sh test makes on an x64 machine (out/linux-arm64: libhpy.so
/// cross-built with NativeAOT, the samples cross-compiled, Debian's arm64 CPython 3.11 unpacked into
/// a sysroot; see tools/build.py, CROSS_TARGETS) runs under qemu-user: every configuration of the
/// Python suites (PythonSuiteTests.Suites) and the C harnesses. Each test's outcome must be the one
/// it has on this machine's twin of that CPython, Debian's x64 CPython 3.11, with the x64 build: a
/// test that fails, errs or is skipped (for another reason) on arm64 only fails here.
/// </summary>
public class CrossTargetTests
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
    public void PythonSuiteOnArm64MatchesX64(string name)
    {
        RequireTargetBuild();
        var suite = PythonSuiteTests.Suites[name];
        string dir = Path.Combine(Repo.Out, "tests", Rid);
        Directory.CreateDirectory(dir);
        string targetFile = Path.Combine(dir, $"{name}.{Rid}.json"), twinFile = Path.Combine(dir, $"{name}.x64.json");

        var targetEnv = suite.Environment(TargetLibrary, TargetSamples);
        targetEnv["CC"] = Path.Combine(TargetBin, "cc");   // the extensions the tests build are arm64 ones
        var target = Repo.Run(Path.Combine(TargetBin, "python3.11"), ["-m", "tests.python.outcomes", targetFile, .. suite.What, "-v"],
            targetEnv, timeoutSeconds: 3600);
        PythonSuiteTests.RecordUnittestCounts($"{Rid} python3.11 {PythonSuiteTests.Describe(suite)}", target);
        var twin = Repo.Run(TwinPython, ["-m", "tests.python.outcomes", twinFile, .. suite.What, "-v"],
            suite.Environment(Repo.Library, Repo.Samples), timeoutSeconds: 1200);

        Assert.True(target.ExitCode == 0, $"the {name} suite on {Rid} (qemu) failed:\n{target}");
        Assert.True(twin.ExitCode == 0, $"the {name} suite on {TwinPython} (x64, the twin) failed:\n{twin}");
        var differences = Differences(Outcomes(twinFile), Outcomes(targetFile));
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
            .Where(t => x64.GetValueOrDefault(t) != target.GetValueOrDefault(t))
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

    static string[] Checks(string output) =>
        output.Split('\n').Where(l => l.StartsWith("ok ") || l.StartsWith("FAIL ")).ToArray();
}
