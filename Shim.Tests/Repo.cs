using System.Diagnostics;

namespace HPyShim.Tests;

/// <summary>Paths of the repository and its build output, and a way to run tools.</summary>
internal static class Repo
{
    public static readonly string Root = HPyShim.Generator.Program.FindRoot(AppContext.BaseDirectory);
    /// <summary>The build output: out/, or HPYSHIM_OUT (relative to the root, as the build driver takes it).</summary>
    public static string Out => Path.Combine(Root, Environment.GetEnvironmentVariable("HPYSHIM_OUT") is { Length: > 0 } o ? o : "out");
    public static string Library => Path.Combine(Out, "lib", "libhpy.so");
    public static string Samples => Path.Combine(Out, "cext-samples");
    public static string Include => Path.Combine(Root, "include");

    /// <summary>
    /// The built library; a test that needs it fails with a clear message when it is absent or
    /// older than a source it is built from (tests must test what the sources say).
    /// </summary>
    public static string RequireLibrary()
    {
        Assert.True(File.Exists(Library), $"{Library} is missing: run ./build.sh first");
        string? stale = NewerSource(Library, LibrarySources());
        Assert.True(stale == null, $"{Library} is older than {stale}: run ./build.sh to rebuild it");
        string sample = Path.Combine(Samples, "simple.hpy0.so");
        if (File.Exists(sample))
        {
            stale = NewerSource(sample, Files("include").Concat(Files("src")).Concat(Files("cext-samples")));
            Assert.True(stale == null, $"the samples in {Samples} are older than {stale}: run ./build.sh to rebuild them");
        }
        return Library;
    }

    /// <summary>What libhpy.so is built from: the control plane's C# and project, the data plane's C, and the headers.</summary>
    public static IEnumerable<string> LibrarySources() =>
        Files("Shim", "*.cs").Concat(Files("Shim", "*.csproj"))
            .Concat(Files("native", "*.c")).Concat(Files("native", "*.h")).Concat(Files("include"));

    static IEnumerable<string> Files(string dir, string pattern = "*")
    {
        string root = Path.Combine(Root, dir);
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateFiles(root, pattern, SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
    }

    /// <summary>The first source written after `built`, or null when `built` is up to date.</summary>
    public static string? NewerSource(string built, IEnumerable<string> sources)
    {
        DateTime time = File.GetLastWriteTimeUtc(built);
        return sources.FirstOrDefault(s => File.GetLastWriteTimeUtc(s) > time);
    }

    /// <summary>
    /// Adds a suite's own test count to out/tests/counts, which ./build.sh test sums into the
    /// final line of its output (an xunit test stands for a whole Python or C suite).
    /// </summary>
    public static void RecordCounts(string suite, int passed, int failed)
    {
        string dir = Path.Combine(Out, "tests", "counts");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, $"{Guid.NewGuid():N}.txt"), $"{passed} {failed} {suite}\n");
    }

    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit code {ExitCode}\n{Output}";
    }

    public static Result Run(string file, IEnumerable<string> args, IDictionary<string, string>? env = null,
        string? workingDirectory = null, int timeoutSeconds = 300)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Root,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (env != null) foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            return new Result(-1, $"timed out after {timeoutSeconds} s\n{stdout.Result}{stderr.Result}");
        }
        return new Result(process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Compiles C with gcc; asserts success.</summary>
    public static void CompileC(string output, params string[] args)
    {
        var result = Run("gcc", args.Append("-o").Append(output));
        Assert.True(result.ExitCode == 0, $"gcc failed: {result}");
    }
}

/// <summary>A folder of its own for one test, deleted with everything in it when disposed.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; }

    public TempDir(string purpose)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hpyshim-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a child still holds a file: the temp folder keeps it */ }
    }
}
