namespace HPyShim.Tests;

/// <summary>
/// The machine code of universal-mode thunks (native/thunks/thunk_code.h), run by tests/c/thunk_test.c
/// on x86-64 natively and on arm64 under qemu (cross-compiled with Debian's aarch64 gcc; ./build.sh
/// test installs it and qemu-user when missing). The arm64 encoder ships only because this runs.
/// </summary>
public class ThunkTests
{
    static readonly string Source = Path.Combine(Repo.Root, "tests", "c", "thunk_test.c");
    static readonly string NativeDir = Path.Combine(Repo.Root, "native");

    [Fact]
    public void ThunksReachTheirDispatcherOnX86_64()
    {
        string exe = Path.Combine(Repo.Out, "tests", "thunk_test");
        Directory.CreateDirectory(Path.GetDirectoryName(exe)!);
        Repo.CompileC(exe, "-O2", "-std=gnu99", "-Wall", "-Wextra", "-Werror", "-I", NativeDir, Source);
        var result = Repo.Run(exe, []);
        Assert.True(result.ExitCode == 0, $"thunk_test:\n{result}");
        Assert.Contains("6 thunk shapes checked, 0 failed", result.Output);
        Assert.Contains("3 constant functions checked, 0 failed", result.Output);
    }

    [Fact]
    public void ThunksReachTheirDispatcherOnArm64UnderQemu()
    {
        string exe = Path.Combine(Repo.Out, "tests", "thunk_test_arm64");
        Directory.CreateDirectory(Path.GetDirectoryName(exe)!);
        var compile = Repo.Run("aarch64-linux-gnu-gcc",
            ["-O2", "-std=gnu99", "-static", "-Wall", "-Wextra", "-Werror", "-I", NativeDir, Source, "-o", exe]);
        Assert.True(compile.ExitCode == 0,
            $"cross-compiling for arm64 failed (./build.sh test installs gcc-aarch64-linux-gnu):\n{compile}");
        var result = Repo.Run("qemu-aarch64", [exe]);
        Assert.True(result.ExitCode == 0, $"thunk_test under qemu-aarch64 (package qemu-user):\n{result}");
        Assert.Contains("6 thunk shapes checked, 0 failed", result.Output);
        Assert.Contains("3 constant functions checked, 0 failed", result.Output);
    }

    /// <summary>qemu-user translates code once and notices a rewrite only through the address that
    /// runs it, so code rewritten through the writable view of dual-mapped memory stays stale there
    /// (x86-64 guests as well as arm64 ones); native/thunks/thunks.c then writes thunks by changing
    /// page protection. The x64 build's thunk suites under qemu-x86_64: reused thunks run their new
    /// function (without that check they ran the old one), and the probe finds the mapping stale.</summary>
    [Fact]
    public void ReusedThunksRunTheirNewCodeUnderQemuX86_64()
    {
        Repo.RequireLibrary();
        string version = Interpreters.PyenvVersions().LastOrDefault(v => v.StartsWith("3.11.")) ?? "";
        Assert.True(version != "", "a pyenv CPython 3.11 is needed");
        string home = Path.Combine(Interpreters.PyenvRoot(), "versions", version);
        string dir = Path.Combine(Repo.Out, "tests", "qemu-x86_64");
        Directory.CreateDirectory(dir);
        // argv[0] is the script, so that the tests' child processes run under qemu too.
        string python = Path.Combine(dir, "python3.11");
        File.WriteAllText(python, "#!/bin/sh\nDOTNET_GCRegionRange=100000000 PYTHONHOME=" + home
            + " exec qemu-x86_64 -0 \"$0\" " + Path.Combine(home, "bin", "python3.11") + " \"$@\"\n");
        File.SetUnixFileMode(python, (UnixFileMode)0b111_101_101);
        var env = PythonSuiteTests.Suites["universal"].Environment(Repo.Library, Repo.Samples);
        var result = Repo.Run(python, ["-m", "unittest", "tests.python.test_native_paths.ThunkReuseTest",
            "tests.python.test_native_paths.ForkTest", "tests.python.test_native_paths.ThunkTest", "-v"], env);
        Assert.True(result.ExitCode == 0, $"under qemu-x86_64 (package qemu-user):\n{result}");
        Assert.Contains("Ran 4 tests", result.Output);
    }
}
