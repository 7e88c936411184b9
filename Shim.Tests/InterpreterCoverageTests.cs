namespace HPyShim.Tests;

public class InterpreterCoverageTests
{
    [Fact]
    public void EveryRequiredCPythonIsInstalled()
    {
        var minors = Interpreters.PyenvVersions().Select(v => string.Join('.', v.Split('.').Take(2))).ToHashSet();
        var missing = Interpreters.RequiredMinors.Where(m => !minors.Contains(m)).ToList();
        Assert.True(missing.Count == 0,
            $"no pyenv interpreter for CPython {string.Join(", ", missing)} (listed in HPYSHIM_REQUIRE_PYTHONS): the suite cannot prove those versions");
    }
}
