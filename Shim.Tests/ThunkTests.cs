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
    }
}
