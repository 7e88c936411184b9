using System.Text.RegularExpressions;

namespace HPyShim.Tests;

/// <summary>
/// CONTRIBUTING.md's recipes, followed step by step in a copy of the sources: each edit the recipe
/// asks for, then `./build.sh generate` (the generator, in process) and the data plane compiled and
/// linked as the build does (every C file with -Wmissing-prototypes -Werror, no undefined symbol
/// left). What the recipe promises is checked at each step: a member without its implementation
/// does not link, one with the wrong signature does not compile, a new CPython line reaches both
/// tables. The NativeAOT build and the Python suites that the recipes' last steps run are not
/// repeated here; ./build.sh test runs them on the real tree.
/// </summary>
public class RecipeTests
{
    /// <summary>A copy of what the generator reads and the data plane's build compiles.</summary>
    sealed class Sandbox : IDisposable
    {
        readonly TempDir temp = new("recipe");
        public string Root => temp.Path;

        public Sandbox()
        {
            foreach (var dir in new[] { "api", "native", "include", Path.Combine("Shim", "Context") })
                Copy(Path.Combine(Repo.Root, dir), Path.Combine(Root, dir));
        }

        static void Copy(string from, string to)
        {
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        public string Read(string path) => File.ReadAllText(Path.Combine(Root, path));

        public void Append(string path, string text) => File.AppendAllText(Path.Combine(Root, path), text);

        public void Replace(string path, string old, string replacement)
        {
            string text = Read(path);
            Assert.Contains(old, text);
            File.WriteAllText(Path.Combine(Root, path), text.Replace(old, replacement));
        }

        public void Generate() => HPyShim.Generator.Program.Run(Root, check: false);

        /// <summary>Compiles every C file of native/ with the build's flags and links them into one
        /// shared object that may leave no symbol undefined (the data plane needs none: CPython is
        /// reached through its symbol table, C# through function pointers).</summary>
        public Repo.Result BuildDataPlane()
        {
            string objects = Path.Combine(Root, "obj");
            Directory.CreateDirectory(objects);
            var flags = Regex.Match(File.ReadAllText(Path.Combine(Repo.Root, "Shim", "Shim.csproj")),
                    @"<NativeCFlags>(.*?)</NativeCFlags>").Groups[1].Value
                .Replace("$(MSBuildProjectDirectory)/..", Root).Replace("-O2", "-O0")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(flags);
            var list = new List<string>();
            foreach (var source in Directory.EnumerateFiles(Path.Combine(Root, "native"), "*.c", SearchOption.AllDirectories))
            {
                string o = Path.Combine(objects, Path.GetFileNameWithoutExtension(source) + ".o");
                var compile = Repo.Run("gcc", flags.Concat(["-c", source, "-o", o]));
                if (compile.ExitCode != 0) return compile;
                list.Add(o);
            }
            return Repo.Run("gcc", new[] { "-shared", "-Wl,--no-undefined", "-o", Path.Combine(objects, "native.so") }.Concat(list));
        }

        public void Dispose() => temp.Dispose();
    }

    static void Builds(Repo.Result result) => Assert.True(result.ExitCode == 0, result.ToString());

    [Fact]
    public void ANewContextMember()
    {
        using var s = new Sandbox();
        // 1. describe it (native)
        s.Append(Path.Combine("api", "hpy_context.api"), "fn HPy ctx_Recipe_Twice(HPy h) | HPyRecipe_Twice | native\n");
        // 3. generate: its prototype, its enum constant, its debug and trace wrappers, the public function
        s.Generate();
        Assert.Contains("MEMBER_Recipe_Twice", s.Read(Path.Combine("native", "runtime", "members.gen.h")));
        Assert.Matches(@"HPy ctx_Recipe_Twice\(HPyContext \*ctx, HPy h\);", s.Read(Path.Combine("native", "runtime", "members.gen.h")));
        Assert.Contains("debug_Recipe_Twice", s.Read(Path.Combine("native", "debug", "debug.gen.c")));
        Assert.Contains("Recipe_Twice", s.Read(Path.Combine("native", "trace", "trace.gen.c")));
        Assert.Contains("HPyRecipe_Twice", s.Read(Path.Combine("include", "hpy", "universal", "api.gen.h")));
        Assert.Contains("HPyRecipe_Twice", s.Read(Path.Combine("docs", "context-members.md")));
        // without step 2 the data plane does not link, and says what is missing
        var missing = s.BuildDataPlane();
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("ctx_Recipe_Twice", missing.Output);
        // 2. implement it in the ctx_<area>.c of its area: a wrong signature does not compile
        string area = Path.Combine("native", "runtime", "ctx_numbers.c");
        s.Append(area, "\nHPy ctx_Recipe_Twice(HPyContext *ctx, HPy h, int times)\n{\n    return ctx->ctx_Add(ctx, h, h);\n}\n");
        var wrong = s.BuildDataPlane();
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("ctx_Recipe_Twice", wrong.Output);
        s.Replace(area, "HPy ctx_Recipe_Twice(HPyContext *ctx, HPy h, int times)", "HPy ctx_Recipe_Twice(HPyContext *ctx, HPy h)");
        Builds(s.BuildDataPlane());
    }

    [Fact]
    public void ANewDebugCheck()
    {
        using var s = new Sandbox();
        // 1. the member's debug wrapper becomes hand-written
        s.Replace(Path.Combine("api", "hpy_context.api"), "fn int ctx_Iter_Check(HPy obj) | HPyIter_Check | cpython=PyIter_Check\n",
            "fn int ctx_Iter_Check(HPy obj) | HPyIter_Check | cpython=PyIter_Check | debug=hand-written\n");
        // 3. a new kind of misuse, with its title
        s.Append(Path.Combine("api", "debug_misuse.api"), "misuse RECIPE_NOT_ITERABLE | Invalid handle: not an iterator\n");
        s.Generate();
        Assert.DoesNotContain("static int debug_Iter_Check", s.Read(Path.Combine("native", "debug", "debug.gen.c")));
        Assert.Matches(@"int debug_Iter_Check\(HPyContext \*ctx, HPy obj\);", s.Read(Path.Combine("native", "runtime", "members.gen.h")));
        Assert.Contains("MISUSE_RECIPE_NOT_ITERABLE", s.Read(Path.Combine("native", "debug", "misuse.gen.h")));
        Assert.Contains("Invalid handle: not an iterator", s.Read(Path.Combine("Shim", "Debug", "Generated", "Misuse.g.cs")));
        var missing = s.BuildDataPlane();
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("debug_Iter_Check", missing.Output);
        // 2. write it in debug_checks.c, naming the member in each report
        s.Append(Path.Combine("native", "debug", "debug_checks.c"), """

            int debug_Iter_Check(HPyContext *ctx, HPy obj)
            {
                HPyContext *uctx = debug_state->uctx;
                debug_check_ctx(ctx, MEMBER_Iter_Check);
                HPy uobj = debug_unwrap(obj, MEMBER_Iter_Check, 1);
                int r = uctx->ctx_Iter_Check(uctx, uobj);
                if (!r)
                    debug_report((debug_handle *)obj._i, MEMBER_Iter_Check, 1, MISUSE_RECIPE_NOT_ITERABLE);
                return r;
            }

            """);
        Builds(s.BuildDataPlane());
    }

    [Fact]
    public void ANewCPythonVersion()
    {
        using var s = new Sandbox();
        // 1. its line, here with 3.13's facts for an imaginary next version
        string table = Path.Combine("api", "cpython_versions.api");
        string last = s.Read(table).Split('\n').Last(l => l.StartsWith("version "));
        var minor = int.Parse(Regex.Match(last, @"^version 3\.(\d+)").Groups[1].Value);
        s.Append(table, Regex.Replace(last, @"^version 3\.\d+", $"version 3.{minor + 1}") + "\n");
        s.Generate();
        Assert.Contains($"{minor + 1}", Regex.Match(s.Read(Path.Combine("Shim", "CPython", "Generated", "Versions.g.cs")), $@"\b{minor + 1}\b").Value);
        Assert.Matches($@"\b{minor + 1}\b", s.Read(Path.Combine("native", "cpython", "versions.gen.h")));
        Builds(s.BuildDataPlane());
        // 2. CI names it in the variable the recipe says
        Assert.Matches(@"HPYSHIM_REQUIRE_PYTHONS=""[0-9. ]+""", File.ReadAllText(Path.Combine(Repo.Root, ".ci", "run")));
    }

    /// <summary>Every file and folder CONTRIBUTING.md names exists, so a recipe cannot send a
    /// newcomer to a path that moved.</summary>
    [Fact]
    public void EveryPathTheRecipesNameExists()
    {
        string text = File.ReadAllText(Path.Combine(Repo.Root, "CONTRIBUTING.md"));
        var missing = Regex.Matches(text, @"`((?:api|native|Shim|Shim\.Tests|tests|include|launcher|docs|generator|\.ci)/[\w./<>-]*)`")
            .Select(m => m.Groups[1].Value)
            .Where(p => !p.Contains('<'))
            .Where(p => !File.Exists(Path.Combine(Repo.Root, p)) && !Directory.Exists(Path.Combine(Repo.Root, p)))
            .Distinct().ToList();
        Assert.True(missing.Count == 0, "CONTRIBUTING.md names paths that do not exist: " + string.Join(", ", missing));
    }
}
