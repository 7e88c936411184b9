namespace HPyShim.Tests;

/// <summary>
/// The C harnesses under valgrind memcheck on the newest pyenv CPython (./build.sh memcheck runs
/// them on every one): no invalid access, no use of uninitialised memory, no definite leak beyond
/// what CPython embedded alone reports (tests/valgrind/memcheck.sh).
/// </summary>
public class MemcheckTests
{
    [Fact]
    public void CHarnessesAreCleanUnderValgrind()
    {
        Repo.RequireLibrary();
        string version = Interpreters.PyenvVersions().Where(v => v.StartsWith("3."))
            .MaxBy(v => Version.Parse(string.Concat(v.TakeWhile(c => char.IsAsciiDigit(c) || c == '.'))))!;
        var result = Repo.Run("bash", [Path.Combine(Repo.Root, "tests", "valgrind", "memcheck.sh"), Repo.Out, version],
            timeoutSeconds: 900);
        int clean = result.Output.Split('\n').Count(l => l.StartsWith("clean "));
        Repo.RecordCounts($"memcheck {version}", clean, result.ExitCode == 0 ? 0 : Math.Max(1, 2 - clean));
        Assert.True(result.ExitCode == 0 && clean == 2, $"memcheck on {version}:\n{result}");
    }
}
