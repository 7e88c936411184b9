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

    /// <summary>The built library; a test that needs it fails with a clear message when it is absent.</summary>
    public static string RequireLibrary()
    {
        Assert.True(File.Exists(Library), $"{Library} is missing: run ./build.sh first");
        return Library;
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
