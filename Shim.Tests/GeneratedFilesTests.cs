using HPyShim.Generator;

namespace HPyShim.Tests;

public class GeneratedFilesTests
{
    [Fact]
    public void GeneratedFilesMatchTheApiDescription()
    {
        var stale = Program.Run(Repo.Root, check: true);
        Assert.True(stale.Count == 0,
            $"stale generated files (run ./build.sh generate): {string.Join(", ", stale)}");
    }

    [Fact]
    public void EveryGeneratedFileSaysSoOnItsFirstLine()
    {
        foreach (var (path, text) in Program.Generate(Repo.Root))
            Assert.True(new[] { Emitters.Banner, LayoutDescription.Banner, HPyFuncDescription.Banner, SymbolEmitters.Banner, BoundaryDescription.Banner, VersionsDescription.Banner, MisuseDescription.Banner }.Any(text.Split('\n')[0].Contains),
                $"{path} does not say on line 1 that it is generated");
    }

    [Fact]
    public void ContextKeepsHPyOrderAndAppendedMembers()
    {
        var api = ApiDescription.Parse(Path.Combine(Repo.Root, "api", "hpy_context.api"));
        var names = api.Members.Select(m => m switch
        {
            HandleMember h => h.Name,
            FunctionMember f => f.CtxName,
            _ => "header",
        }).ToList();
        Assert.Equal(["header", "header", "header", "h_None", "h_True"], names.Take(5));
        // The members HPy's main branch appended after 0.9.0, in order, at the end.
        Assert.Equal(["h_DictType", "ctx_AsStruct_Dict", "ctx_List_Insert", "ctx_GetSlice", "ctx_SetSlice",
            "ctx_DelSlice", "ctx_GetIter", "ctx_Iter_Next", "ctx_Iter_Check", "ctx_Slice_New"], names.TakeLast(10));
        Assert.Equal(276, names.Count);
    }

    static T InTempDir<T>(string source, Func<string, T> action)
    {
        using var temp = new TempDir("members");
        string dir = temp.Path;
        File.WriteAllText(Path.Combine(dir, "A.cs"), source);
        return action(dir);
    }

    [Fact]
    public void HandWrittenMembersAreFoundByTheirAttribute()
    {
        var found = InTempDir("""
            internal static unsafe partial class UniversalContext
            {
                [System.Obsolete, ContextMember]
                internal static HPy
                    Spread(
                    HPyContext* ctx, HPy h) => h;
                [HPyShim.Context.ContextMemberAttribute]
                static void Qualified(HPyContext* ctx) { }
                // [ContextMember] static HPy Commented(HPyContext* ctx) => default;
                static string Text = "[ContextMember] static HPy Quoted(HPyContext* ctx)";
                static HPy Unmarked(HPyContext* ctx) => default;
            }
            """, Program.HandWrittenMembers);
        Assert.Equal(["Qualified", "Spread"], found.Keys.Order());
        Assert.Equal("A.cs:3", found["Spread"]);
    }

    [Fact]
    public void AMisplacedAttributeIsAnError()
    {
        foreach (var source in new[]
        {
            "internal static class Elsewhere { [ContextMember] static HPy Other(HPyContext* ctx) => default; }",
            "internal partial class UniversalContext { [ContextMember] HPy NotStatic(HPyContext* ctx) => default; }",
            "internal partial class UniversalContext { [ContextMember] static HPy NoContext(int x) => default; }",
        })
        {
            var e = Assert.Throws<FormatException>(() => InTempDir(source, Program.HandWrittenMembers));
            Assert.Contains("must be a static method of UniversalContext taking HPyContext* ctx first", e.Message);
        }
    }

    static ApiDescription Api(string text)
    {
        string path = Path.GetTempFileName();
        File.WriteAllText(path, text);
        try { return ApiDescription.Parse(path); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TheAttributeAndTheDescriptionMustAgree()
    {
        var api = Api("""
            fn void ctx_FatalError(const char *message) | HPy_FatalError | csharp
            fn HPy ctx_Dump(HPy h) | _HPy_Dump
            """);
        Assert.Equal(["FatalError"], Program.CheckHandWritten(api, new Dictionary<string, string> { ["FatalError"] = "Misc.cs:9" }));
        Assert.Contains("Misc.cs:3: [ContextMember] Nothing implements no member: api/hpy_context.api has no ctx_Nothing",
            Assert.Throws<FormatException>(() => Program.CheckHandWritten(api,
                new Dictionary<string, string> { ["FatalError"] = "Misc.cs:9", ["Nothing"] = "Misc.cs:3" })).Message);
        Assert.Contains("[ContextMember] Dump implements ctx_Dump, which api/hpy_context.api:2 does not mark csharp",
            Assert.Throws<FormatException>(() => Program.CheckHandWritten(api,
                new Dictionary<string, string> { ["FatalError"] = "Misc.cs:9", ["Dump"] = "Objects.cs:4" })).Message);
        Assert.Contains("api/hpy_context.api:1: ctx_FatalError is marked csharp, but no method of UniversalContext named FatalError has [ContextMember]",
            Assert.Throws<FormatException>(() => Program.CheckHandWritten(api, new Dictionary<string, string>())).Message);
        Assert.Throws<FormatException>(() => Api("fn HPy ctx_Dup(HPy h) | HPy_Dup | native | csharp\n"));
    }

    [Fact]
    public void EveryCSharpMemberOfTheRuntimeIsMarked()
    {
        var api = ApiDescription.Parse(Path.Combine(Repo.Root, "api", "hpy_context.api"));
        var marked = Program.HandWrittenMembers(Path.Combine(Repo.Root, "Shim", "Context"));
        Assert.Equal(["Compile_s", "Dump", "FatalError", "Type_FromSpec", "Type_GetName"], marked.Keys.Order());
        Assert.Equal(marked.Keys.Order(), api.Functions.Where(f => f.CSharp).Select(f => f.ImplName).Order());
    }
}
