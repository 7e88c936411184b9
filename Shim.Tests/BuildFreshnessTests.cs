namespace HPyShim.Tests;

/// <summary>The tests refuse a libhpy.so (or samples) older than the sources they are built from.</summary>
public class BuildFreshnessTests
{
    [Fact]
    public void ASourceWrittenAfterTheBuildMakesItStale()
    {
        using var temp = new TempDir("fresh");
        string dir = temp.Path;
        string built = Path.Combine(dir, "libhpy.so"), older = Path.Combine(dir, "a.c"), newer = Path.Combine(dir, "b.cs");
        foreach (var f in new[] { built, older, newer }) File.WriteAllText(f, "");
        var now = DateTime.UtcNow;
        File.SetLastWriteTimeUtc(older, now.AddMinutes(-2));
        File.SetLastWriteTimeUtc(built, now.AddMinutes(-1));
        File.SetLastWriteTimeUtc(newer, now);
        Assert.Null(Repo.NewerSource(built, [older]));
        Assert.Equal(newer, Repo.NewerSource(built, [older, newer]));
    }

    [Fact]
    public void TheLibrarySourcesIncludeTheNativeCodeAndTheHeaders()
    {
        var sources = Repo.LibrarySources().Select(p => Path.GetRelativePath(Repo.Root, p)).ToList();
        Assert.Contains(Path.Combine("native", "runtime", "ctx_containers.c"), sources);
        Assert.Contains(Path.Combine("Shim", "Loader", "ModuleLoader.cs"), sources);
        Assert.Contains(Path.Combine("include", "hpy.h"), sources);
        Assert.DoesNotContain(sources, p => p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));
    }
}
