namespace HPyShim.Tests;

/// <summary>
/// Shipping: the wheels in out/dist installed offline into fresh venvs of every CPython
/// (tests/packaging: setuptools builds, the hpy compatibility distribution, C hosts from the
/// wheel's pkg-config and CMake files), and the C host layout of `./build.sh install PREFIX`.
/// </summary>
public class PackagingTests
{
    // venvs need ensurepip, which pyenv CPythons have (Debian's python3 lacks it without python3-venv).
    public static IEnumerable<object[]> Pythons() => EmbeddingTests.PyenvPythons();

    static string Dist => Path.Combine(Repo.Out, "dist");

    [Theory]
    [MemberData(nameof(Pythons))]
    public void WheelsInstallAndBuildInFreshVenvs(string python)
    {
        Repo.RequireLibrary();
        Assert.True(Directory.Exists(Dist), $"{Dist} is missing: run ./build.sh");
        var result = Repo.Run(Interpreters.ExecutableFor(python),
            ["-m", "unittest", "tests.packaging.test_wheel", "tests.packaging.test_compat", "-v"],
            new Dictionary<string, string>
            {
                ["HPYSHIM_DIST"] = Dist,
                ["HPYSHIM_SAMPLES"] = Repo.Samples,
                ["PYTHONPATH"] = "",
                ["HPY"] = "",
            }, timeoutSeconds: 900);
        Assert.True(result.ExitCode == 0, $"packaging suite on {python} failed:\n{result}");
        Assert.Contains("OK", result.Output);
    }

    [Fact]
    public void InstalledPrefixServesPkgConfigAndCMakeHosts()
    {
        Repo.RequireLibrary();
        string prefix = Path.Combine(Repo.Out, "tests", "prefix");
        if (Directory.Exists(prefix)) Directory.Delete(prefix, true);
        var install = Repo.Run("python3", ["packaging/wheels.py", "install", prefix, "--lib", Repo.Library]);
        Assert.True(install.ExitCode == 0, $"install failed: {install}");
        Assert.True(File.Exists(Path.Combine(prefix, "include", "hpyshim", "hpy.h")));

        string version = Interpreters.PyenvVersions().LastOrDefault(v => v.StartsWith("3.")) ?? "";
        Assert.False(version == "", "no pyenv CPython for the C host to start");
        string libpython = Interpreters.LibPython(version);
        string home = Path.Combine(Interpreters.PyenvRoot(), "versions", version);
        var env = new Dictionary<string, string> { ["PKG_CONFIG_PATH"] = Path.Combine(prefix, "lib", "pkgconfig"), ["PYTHONHOME"] = home };

        var flags = Repo.Run("pkg-config", ["--cflags", "--libs", "hpyshim"], env);
        Assert.True(flags.ExitCode == 0, $"pkg-config: {flags}");
        string exe = Path.Combine(Repo.Out, "tests", "embed_test_pkgconfig");
        Repo.CompileC(exe, [Path.Combine(Repo.Root, "tests", "c", "embed_test.c"), .. flags.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);
        var run = Repo.Run(exe, [libpython, Repo.Samples], env);
        Assert.True(run.ExitCode == 0, $"embed_test (pkg-config) on {version}: {run}");
        Assert.Contains("0 failure(s)", run.Output);

        string build = Path.Combine(Repo.Out, "tests", "cmake-prefix-build");
        if (Directory.Exists(build)) Directory.Delete(build, true);
        var configure = Repo.Run("cmake", ["-S", Path.Combine(Repo.Root, "tests", "c", "cmake"), "-B", build,
            $"-DCMAKE_PREFIX_PATH={prefix}", $"-DLIBPYTHON={libpython}", $"-DSAMPLES={Repo.Samples}", $"-DPYTHONHOME={home}"]);
        Assert.True(configure.ExitCode == 0, $"cmake configure: {configure}");
        var compile = Repo.Run("cmake", ["--build", build]);
        Assert.True(compile.ExitCode == 0, $"cmake build: {compile}");
        var ctest = Repo.Run("ctest", ["--output-on-failure"], workingDirectory: build);
        Assert.True(ctest.ExitCode == 0, $"ctest: {ctest}");
        Assert.Contains("100% tests passed", ctest.Output);
    }
}
