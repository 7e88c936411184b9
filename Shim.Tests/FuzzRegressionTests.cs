namespace HPyShim.Tests;

/// <summary>
/// Replays tests/regressions/fuzz (seeds and every input ./build.sh fuzz ever found failing)
/// through the fuzz target of the format parsers, built with gcc's address and undefined-behaviour
/// sanitizers in CPython ABI mode against the newest pyenv CPython.
/// </summary>
public class FuzzRegressionTests
{
    [Fact]
    public void RecordedInputsRunCleanUnderTheSanitizers()
    {
        var (label, python) = Interpreters.All().Last(i => i.Label != "python3");
        string Ask(string code)
        {
            var r = Repo.Run(python, ["-c", code], new Dictionary<string, string> { ["PYTHONPATH"] = Path.Combine(Repo.Root, "launcher") });
            Assert.True(r.ExitCode == 0, $"{python}: {r}");
            return r.Output.Trim();
        }
        string include = Ask("import sysconfig; print(sysconfig.get_paths()['include'])");
        string libdir = Ask("import sysconfig; print(sysconfig.get_config_var('LIBDIR'))");
        string ldversion = Ask("import sysconfig; print(sysconfig.get_config_var('LDVERSION'))");
        var helpers = Ask("from hpyshim import config; print('\\n'.join(config.helper_sources('cpython')))").Split('\n');
        string dir = Path.Combine(Repo.Out, "tests");
        Directory.CreateDirectory(dir);
        string exe = Path.Combine(dir, "helpers_replay");
        Repo.CompileC(exe, ["-g", "-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-DREPLAY_MAIN",
            "-DHPY_ABI_CPYTHON", "-I", Repo.Include, "-I", Path.Combine(Repo.Root, "src", "runtime"), "-I", include, Path.Combine(Repo.Root, "tests", "fuzz", "helpers_fuzz.c"),
            .. helpers, "-L", libdir, $"-Wl,-rpath,{libdir}", $"-lpython{ldversion}"]);
        var inputs = Directory.GetFiles(Path.Combine(Repo.Root, "tests", "regressions", "fuzz")).Order().ToArray();
        Assert.NotEmpty(inputs);
        var result = Repo.Run(exe, inputs, new Dictionary<string, string> { ["ASAN_OPTIONS"] = "detect_leaks=0" });
        int ok = result.Output.Split('\n').Count(l => l.StartsWith("ok "));
        Repo.RecordCounts($"fuzz regressions {label}", ok, inputs.Length - ok);
        Assert.True(result.ExitCode == 0 && ok == inputs.Length, $"replay on {label}:\n{result}");
    }
}
