namespace HPyShim.Tests;

/// <summary>
/// The clock of trace mode (native/trace/trace.h), run by tests/c/trace_clock_test.c on x86-64
/// natively and on arm64 under qemu (cross-compiled as for <see cref="ThunkTests"/>): the
/// processor counter it reads never goes back and keeps one rate against CLOCK_MONOTONIC.
/// </summary>
public class TraceClockTests
{
    static readonly string Source = Path.Combine(Repo.Root, "tests", "c", "trace_clock_test.c");
    static readonly string[] Includes = ["-I", Path.Combine(Repo.Root, "native"), "-I", Path.Combine(Repo.Root, "include")];

    [Fact]
    public void TheClockIsSteadyOnX86_64()
    {
        string exe = Path.Combine(Repo.Out, "tests", "trace_clock_test");
        Directory.CreateDirectory(Path.GetDirectoryName(exe)!);
        Repo.CompileC(exe, ["-O2", "-std=gnu99", "-Wall", "-Wextra", "-Werror", .. Includes, Source]);
        var result = Repo.Run(exe, []);
        Assert.True(result.ExitCode == 0, $"trace_clock_test:\n{result}");
        Assert.Contains("0 failed", result.Output);
    }

    [Fact]
    public void Arm64ReadsItsVirtualCounterUnderQemu()
    {
        string exe = Path.Combine(Repo.Out, "tests", "trace_clock_test_arm64");
        Directory.CreateDirectory(Path.GetDirectoryName(exe)!);
        var compile = Repo.Run("aarch64-linux-gnu-gcc",
            ["-O2", "-std=gnu99", "-static", "-Wall", "-Wextra", "-Werror", .. Includes, Source, "-o", exe]);
        Assert.True(compile.ExitCode == 0,
            $"cross-compiling for arm64 failed (./build.sh test installs gcc-aarch64-linux-gnu):\n{compile}");
        var result = Repo.Run("qemu-aarch64", [exe]);
        Assert.True(result.ExitCode == 0, $"trace_clock_test under qemu-aarch64 (package qemu-user):\n{result}");
        Assert.Contains("trace clock: processor counter", result.Output);
        Assert.Contains("0 failed", result.Output);
    }
}
