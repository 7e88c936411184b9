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
            Assert.True(new[] { Emitters.Banner, LayoutDescription.Banner, HPyFuncDescription.Banner }.Any(text.Split('\n')[0].Contains),
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

    [Fact]
    public void HandWrittenMembersAreFoundByTheCSharpParser()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"hpyshim-members-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "A.cs"), """
                internal static unsafe partial class UniversalContext
                {
                    [System.Obsolete]
                    internal static HPy
                        Spread(
                        HPyContext* ctx, HPy h) => h;
                    // static HPy Commented(HPyContext* ctx) => default;
                    static string Text = "static HPy Quoted(HPyContext* ctx)";
                    HPy NotStatic(HPyContext* ctx) => default;
                    static HPy NoContext(int x) => default;
                }
                internal static unsafe class Elsewhere { static HPy Other(HPyContext* ctx) => default; }
                """);
            Assert.Equal(["Spread"], Program.HandWrittenMembers(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
