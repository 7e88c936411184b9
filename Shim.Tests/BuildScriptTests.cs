using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace HPyShim.Tests;

/// <summary>
/// build.sh and build.ps1 are two front ends of one driver (tools/build.py): every command runs the
/// same steps through both, and a real `run` through PowerShell (from the repository's tool manifest)
/// produces the same library, samples, wheels and output as through bash.
/// </summary>
public class BuildScriptTests
{
    /// <summary>Arguments each command is tried with (commands missing here get none).</summary>
    static readonly Dictionary<string, string[]> SampleArguments = new()
    {
        ["install"] = ["/tmp/hpyshim-prefix"],
        ["bench"] = ["--quick", "x y"],
        ["conformance"] = ["-k", "test_foo"],
    };

    static Repo.Result Bash(IEnumerable<string> args, Dictionary<string, string>? env = null, int timeout = 120) =>
        Repo.Run(Path.Combine(Repo.Root, "build.sh"), args, env, timeoutSeconds: timeout);

    static Repo.Result PowerShell(IEnumerable<string> args, Dictionary<string, string>? env = null, int timeout = 120)
    {
        var result = Repo.Run("dotnet", new[] { "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "./build.ps1" }
            .Concat(args), env, timeoutSeconds: timeout);
        Assert.False(result.Output.Contains("Cannot find a tool in the manifest file")
                     || result.Output.Contains("Run 'dotnet tool restore'"),
            $"PowerShell is not restored: run `dotnet tool restore` (./build.sh test does)\n{result}");
        return result;
    }

    static string[] Commands()
    {
        var result = Repo.Run("python3", ["tools/build.py", "--commands"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var commands = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("build", commands);
        Assert.Contains("test", commands);
        return commands;
    }

    static string Normalize(string output, string script) => output.Replace(script, "SCRIPT");

    [Fact]
    public void EveryCommandRunsTheSameStepsThroughBothFrontEnds()
    {
        foreach (var command in Commands())
        {
            string[] args = ["--dry-run", command, .. SampleArguments.GetValueOrDefault(command, [])];
            var bash = Bash(args);
            var pwsh = PowerShell(args);
            Assert.True(bash.ExitCode == 0, $"./build.sh {string.Join(' ', args)}: {bash}");
            Assert.True(pwsh.ExitCode == 0, $"./build.ps1 {string.Join(' ', args)}: {pwsh}");
            Assert.Equal(Normalize(bash.Output, "./build.sh"), Normalize(pwsh.Output, "./build.ps1"));
            Assert.Contains("$ ", bash.Output);
        }
    }

    [Fact]
    public void DryRunNamesTheRuntimeIdentifierAndLibraryOfThisMachine()
    {
        var result = PowerShell(["--dry-run", "build"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        string arch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        Assert.Contains($"-r linux-{arch} ", result.Output);
        Assert.Contains("out/publish/libhpy.so", result.Output);
        Assert.DoesNotContain("hpy.dll", result.Output);
    }

    /// <summary>--target linux-arm64: the same steps through both front ends, all of them for arm64
    /// and into out/linux-arm64 (the host's build untouched); commands without a cross build refuse it.</summary>
    [Fact]
    public void CrossTargetBuildsIntoItsOwnFolderThroughBothFrontEnds()
    {
        string[] args = ["--dry-run", "--target", "linux-arm64", "build"];
        var bash = Bash(args);
        var pwsh = PowerShell(args);
        Assert.True(bash.ExitCode == 0, bash.ToString());
        Assert.True(pwsh.ExitCode == 0, pwsh.ToString());
        Assert.Equal(Normalize(bash.Output, "./build.sh"), Normalize(pwsh.Output, "./build.ps1"));
        Assert.Contains("-r linux-arm64 ", bash.Output);
        Assert.Contains(Path.Combine(Repo.Out, "linux-arm64", "lib", "libhpy.so"), bash.Output);
        Assert.Contains("--platform linux_aarch64", bash.Output);
        Assert.DoesNotContain("-r linux-x64", bash.Output);
        Assert.DoesNotContain(Path.Combine(Repo.Out, "lib", "libhpy.so"), bash.Output);
        string[] bench = ["--dry-run", "--target", "linux-arm64", "bench"];
        var refused = Bash(bench);
        var pwshRefused = PowerShell(bench);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.True(pwshRefused.ExitCode == 2, pwshRefused.ToString());
        Assert.Contains("bench does not take --target", refused.Output);
        Assert.Equal(Normalize(refused.Output, "./build.sh"), Normalize(pwshRefused.Output, "./build.ps1"));
        // HPy's suite: run by the arm64 CPython with the arm64 library and compiler, compared with x64's run.
        string[] conformance = ["--dry-run", "--target", "linux-arm64", "conformance"];
        var hpy = new Dictionary<string, string> { ["HPY_SRC"] = "/tmp/hpy-0.9.0" };
        var bashConformance = Bash(conformance, hpy);
        var pwshConformance = PowerShell(conformance, hpy);
        Assert.True(bashConformance.ExitCode == 0, bashConformance.ToString());
        Assert.Equal(Normalize(bashConformance.Output, "./build.sh"), Normalize(pwshConformance.Output, "./build.ps1"));
        string arm64Python = Path.Combine(Repo.Out, "linux-arm64", "bin", "python3.11");
        Assert.Matches(new Regex($"CC={Regex.Escape(Path.Combine(Repo.Out, "linux-arm64", "bin", "cc"))} "
            + $"HPYSHIM_LIBRARY={Regex.Escape(Path.Combine(Repo.Out, "linux-arm64", "lib", "libhpy.so"))} "
            + $".*conformance/run.py --python {Regex.Escape(arm64Python)} .*--expect "), bashConformance.Output);
        Assert.Contains("conformance/run.py --python /usr/bin/python3.11 ", bashConformance.Output);
    }

    [Theory]
    [InlineData(new[] { "no-such-command" }, "usage: SCRIPT [--dry-run] [--verbose] [--target RID] [COMMAND [ARGS]]")]
    [InlineData(new[] { "install" }, "usage: SCRIPT install PREFIX")]
    [InlineData(new[] { "--dry-run", "install", "a", "b" }, "usage: SCRIPT install PREFIX")]
    [InlineData(new[] { "--dry-run", "run", "extra" }, "usage: SCRIPT run (takes no arguments)")]
    public void UsageErrorsExitWithTwoAndTheSameMessage(string[] args, string message)
    {
        var bash = Bash(args);
        var pwsh = PowerShell(args);
        Assert.True(bash.ExitCode == 2, bash.ToString());
        Assert.True(pwsh.ExitCode == 2, pwsh.ToString());
        Assert.Contains(message, Normalize(bash.Output, "./build.sh"));
        Assert.Equal(Normalize(bash.Output, "./build.sh"), Normalize(pwsh.Output, "./build.ps1"));
    }

    [Fact]
    public void HelpListsEveryCommandAndTheReadmeDocumentsIt()
    {
        var help = Bash(["help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        foreach (var command in Commands())
        {
            Assert.Matches(new Regex($"^  {Regex.Escape(command)}\\b", RegexOptions.Multiline), help.Output);
            Assert.Contains($"./build.sh {command}", readme);
        }
        Assert.Contains("./build.ps1", readme);
    }

    /// <summary>A command added to one front end and not the other would live in that script: both
    /// stay a handful of lines that hand every argument to the driver.</summary>
    [Fact]
    public void FrontEndsOnlyForwardToTheDriver()
    {
        static string[] Code(string file, string comment) => File.ReadAllLines(Path.Combine(Repo.Root, file))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith(comment)).ToArray();
        var sh = Code("build.sh", "#");
        var ps = Code("build.ps1", "#");
        Assert.True(sh.Length <= 3, "build.sh grew beyond forwarding:\n" + string.Join('\n', sh));
        Assert.Contains(sh, l => l.Contains("tools/build.py") && l.EndsWith("\"$@\""));
        Assert.True(ps.Length <= 25, "build.ps1 grew beyond forwarding:\n" + string.Join('\n', ps));
        Assert.Contains(ps, l => l.Contains("tools/build.py") && l.Contains("@args"));
        Assert.DoesNotContain(ps, l => l.StartsWith("switch") || l.StartsWith("function"));
    }

    /// <summary>The real thing, once per front end, each into its own output folder: the NativeAOT
    /// publish is incremental (the library this test run built is up to date); the samples and
    /// wheels are rebuilt, the CPython ABI samples for the default python3 only (the other CPythons
    /// add time, not coverage of the front ends). Same files, same bytes, same output; and files that
    /// ./build.sh's build (the one this test run uses) has too.</summary>
    [Fact]
    public void RunThroughPowerShellMatchesRunThroughBash()
    {
        string tmp = Path.Combine(Path.GetTempPath(), $"hpyshim-frontends-{Environment.ProcessId}");
        string bashOut = Path.Combine(tmp, "bash"), pwshOut = Path.Combine(tmp, "pwsh");
        try
        {
            var bash = Bash(["run"], new() { ["HPYSHIM_OUT"] = bashOut, ["HPYSHIM_SAMPLE_PYTHONS"] = "python3" }, timeout: 1200);
            Assert.True(bash.ExitCode == 0, $"./build.sh run: {bash}");
            var pwsh = PowerShell(["run"], new() { ["HPYSHIM_OUT"] = pwshOut, ["HPYSHIM_SAMPLE_PYTHONS"] = "python3" }, timeout: 1200);
            Assert.True(pwsh.ExitCode == 0, $"./build.ps1 run: {pwsh}");

            Assert.Equal(Comparable(bash.Output, bashOut), Comparable(pwsh.Output, pwshOut));
            Assert.Contains("== point sample through the launcher", pwsh.Output);
            Assert.Contains("== simple sample through the launcher", pwsh.Output);
            Assert.Contains("Point(1.0, 2.0)", pwsh.Output);

            var bashFiles = Files(bashOut);
            var pwshFiles = Files(pwshOut);
            Assert.Equal(bashFiles.Keys.Order(), pwshFiles.Keys.Order());
            Assert.Contains(Path.Combine("lib", "libhpy.so"), pwshFiles.Keys);
            Assert.Contains(pwshFiles.Keys, f => f.StartsWith("dist") && f.EndsWith(".whl"));
            foreach (var (file, hash) in pwshFiles)
                if (file.StartsWith("lib") || file.StartsWith("cext-samples"))
                    Assert.True(bashFiles[file] == hash, $"{file} differs between the two front ends");
            // Names only: the library embeds the git commit, so a commit since ./build.sh's build
            // changes its bytes (both publishes above then relink, alike).
            var built = Files(Repo.Out);
            foreach (var file in pwshFiles.Keys.Where(f => f.StartsWith("cext-samples") || f.StartsWith("dist")))
                Assert.True(built.ContainsKey(file), $"{file}: ./build.sh's build has no such file");
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
    }

    /// <summary>Output with the output folder named OUT and the timing lines of the publish ticker left out.</summary>
    /// <summary>The output without what differs from run to run: the out folder, progress and timings.</summary>
    static string Comparable(string output, string outDir) => string.Join('\n', output.Replace(outDir, "OUT")
        .Split('\n').Where(l => !l.StartsWith("   ... still publishing"))
        .Select(l => Regex.Replace(l, @"^(== \w+ done in )\d+ s$", "$1N s")));

    /// <summary>Relative path -> SHA-256 of the build's products under `dir`: the library, the
    /// samples and the wheels.</summary>
    static Dictionary<string, string> Files(string dir) => Directory
        .EnumerateFiles(dir, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(dir, f))
        .Where(f => f.StartsWith("lib") || f.StartsWith("cext-samples") || f.StartsWith("dist"))
        .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, f)))));
}
