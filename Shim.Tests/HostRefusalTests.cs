using HPyShim.CPython;

namespace HPyShim.Tests;

/// <summary>
/// Which CPythons the runtime refuses at bind time, from the version string and the exported
/// symbols alone (tests/python/test_refusal.py checks the ImportError a refusal becomes).
/// </summary>
public class HostRefusalTests
{
    static bool None(string symbol) => false;

    [Theory]
    [InlineData("3.8.18 (default, Jan  1 2024, 00:00:00) [GCC 12.2.0]")]
    [InlineData("3.10.13 (main)")]
    [InlineData("3.13.0 (main, Oct  7 2024, 05:02:14) [GCC 12.2.0]")]
    [InlineData("3.13.0rc3 (main)")]
    public void KnownBuildsAreAccepted(string version) => Assert.Null(Host.RefusalFor(version, None));

    [Theory]
    [InlineData("3.14.0 (main)", "not 3.14")]
    [InlineData("3.7.17 (default)", "not 3.7")]
    [InlineData("4.0.0 (main)", "not 4.0")]
    [InlineData("", "cannot tell which CPython")]
    [InlineData("3 (main)", "cannot tell which CPython")]
    [InlineData("3.13.0 experimental free-threading build (main)", "Py_GIL_DISABLED")]
    public void OtherVersionsAreRefusedWithTheReason(string version, string reason) =>
        Assert.Contains(reason, Host.RefusalFor(version, None));

    [Fact]
    public void AFreeThreadedBuildIsKnownByItsExports() =>
        Assert.Contains("Py_GIL_DISABLED", Host.RefusalFor("3.13.0 (main)", s => s == "_Py_MergeZeroLocalRefcount"));

    [Fact]
    public void ATraceRefsBuildIsKnownByItsExports() =>
        Assert.Contains("Py_TRACE_REFS", Host.RefusalFor("3.12.1 (main)", s => s == "_Py_ForgetReference"));
}
