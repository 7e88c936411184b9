using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HPyShim.Generator;

/// <summary>
/// Usage: generator [--check] [--root DIR]. Without --check it writes the generated files; with it,
/// it writes nothing and exits 1 naming every file that is stale.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        bool check = args.Contains("--check");
        int rootIndex = Array.IndexOf(args, "--root");
        string root = rootIndex >= 0 ? args[rootIndex + 1] : FindRoot(Directory.GetCurrentDirectory());
        try
        {
            var stale = Run(root, check);
            foreach (var path in stale)
                Console.WriteLine(check ? $"stale: {path}" : $"wrote {path}");
            return check && stale.Count > 0 ? 1 : 0;
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"generator: {e.Message}");
            return 2;
        }
    }

    /// <summary>Every generated file, relative to the repository root, with its expected text.</summary>
    public static IReadOnlyDictionary<string, string> Generate(string root)
    {
        var api = ApiDescription.Parse(Path.Combine(root, "api", "hpy_context.api"));
        var handWritten = CheckHandWritten(api, HandWrittenMembers(Path.Combine(root, "Shim", "Context")));
        var symbols = SymbolDescription.Table(Path.Combine(root, "api", "cpython_symbols.api"), api);
        var layout = LayoutDescription.Parse(Path.Combine(root, "api", "cpython_layout.api"));
        var boundary = BoundaryDescription.Parse(Path.Combine(root, "api", "boundary.api"));
        var versions = VersionsDescription.Parse(Path.Combine(root, "api", "cpython_versions.api"));
        var misuse = MisuseDescription.Parse(Path.Combine(root, "api", "debug_misuse.api"));
        var signatures = HPyFuncDescription.Parse(Path.Combine(root, "api", "hpyfunc.api"));
        var slots = HPyFuncDescription.ParseSlots(Path.Combine(root, "api", "hpyfunc.api"));
        var trampolines = HPyFuncDescription.ParseTrampolines(Path.Combine(root, "api", "hpyfunc.api"));
        return new Dictionary<string, string>
        {
            ["include/hpy/hpyfunc.gen.h"] = HPyFuncDescription.CHeader(signatures),
            ["include/hpy/hpyslot.gen.h"] = HPyFuncDescription.SlotHeader(slots),
            ["Shim/Types/Generated/Signatures.g.cs"] = HPyFuncDescription.CSharp(signatures, slots),
            ["include/hpy/universal/trampolines.gen.h"] = TrampolineEmitters.UniversalHeader(trampolines),
            ["include/hpy/cpython/trampolines.gen.h"] = TrampolineEmitters.CPythonHeader(trampolines),
            ["Shim/Context/Generated/TrampolineArgs.g.cs"] = TrampolineEmitters.CSharp(trampolines),
            ["native/debug/args_shapes.gen.h"] = TrampolineEmitters.NativeShapes(trampolines),
            ["native/runtime/dispatch.gen.h"] = TrampolineEmitters.Dispatch(trampolines),
            ["native/cpython/layout.gen.h"] = LayoutDescription.CHeader(layout),
            ["Shim/CPython/Generated/Layout.g.cs"] = LayoutDescription.CSharp(layout),
            ["include/hpy/universal/context.gen.h"] = Emitters.ContextHeader(api),
            ["include/hpy/universal/api.gen.h"] = Emitters.PublicApiHeader(api),
            ["include/hpy/cpython/context.gen.h"] = Emitters.CPythonContextHeader(api),
            ["include/hpy/cpython/api.gen.h"] = Emitters.CPythonApiHeader(api),
            ["Shim/Context/Generated/HPyContext.g.cs"] = Emitters.ContextStruct(api),
            ["Shim/Context/Generated/ContextTable.g.cs"] = Emitters.ContextTable(api, handWritten),
            ["native/runtime/members.gen.h"] = Emitters.MembersHeader(api),
            ["native/interop/boundary.gen.h"] = boundary.CHeader(),
            ["native/cpython/versions.gen.h"] = VersionsDescription.CHeader(versions),
            ["native/debug/misuse.gen.h"] = MisuseDescription.CHeader(misuse),
            ["Shim/Debug/Generated/Misuse.g.cs"] = MisuseDescription.CSharp(misuse),
            ["Shim/CPython/Generated/Versions.g.cs"] = VersionsDescription.CSharp(versions),
            ["Shim/Interop/Generated/NativeImports.g.cs"] = boundary.CSharp(),
            ["include/hpyshim.h"] = ExportEmitters.HostHeader(boundary),
            ["Shim/Interop/Generated/Exports.g.cs"] = ExportEmitters.ExportsCSharp(boundary),
            ["Shim/Interop/Generated/PythonModule.g.cs"] = ExportEmitters.PythonModuleCSharp(boundary),
            ["launcher/hpyshim/_libhpy.pyi"] = ExportEmitters.PythonStub(boundary),
            ["native/runtime/context.gen.c"] = Emitters.NativeTable(api),
            ["native/trace/trace.gen.c"] = Emitters.TraceTable(api),
            ["native/debug/debug.gen.c"] = Emitters.DebugTable(api),
            ["docs/context-members.md"] = Emitters.MemberList(api, handWritten),
            ["native/cpython/cpython_symbols.gen.h"] = SymbolEmitters.CHeader(symbols),
            ["native/cpython/cpython_symbols.gen.c"] = SymbolEmitters.CSource(symbols),
            ["Shim/CPython/Generated/Symbols.g.cs"] = SymbolEmitters.CSharp(symbols),
        };
    }

    /// <summary>Writes (or, when checking, compares) the generated files; returns those that differed.</summary>
    public static List<string> Run(string root, bool check)
    {
        var changed = new List<string>();
        foreach (var (relative, text) in Generate(root))
        {
            string path = Path.Combine(root, relative);
            if (File.Exists(path) && File.ReadAllText(path) == text) continue;
            changed.Add(relative);
            if (check) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        return changed;
    }

    /// <summary>
    /// The hand-written members: methods of UniversalContext (under Shim/Context) marked
    /// [ContextMember], as C#'s own parser sees them; ctx_Foo is implemented by
    /// `[ContextMember] static ... Foo(HPyContext* ctx, ...)`. Read from the source, not the compiled
    /// assembly, because the assembly includes files generated from this very list. Maps each
    /// name to where it is declared.
    /// </summary>
    public static Dictionary<string, string> HandWrittenMembers(string contextDir)
    {
        var names = new Dictionary<string, string>();
        foreach (var file in Directory.EnumerateFiles(contextDir, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}Generated{Path.DirectorySeparatorChar}")) continue;
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file).GetRoot();
            foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                if (!method.AttributeLists.SelectMany(l => l.Attributes).Any(IsContextMember)) continue;
                string where = $"{Path.GetFileName(file)}:{method.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
                var first = method.ParameterList.Parameters.FirstOrDefault();
                if (method.Parent is not ClassDeclarationSyntax { Identifier.Text: "UniversalContext" }
                    || !method.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword))
                    || first?.Type is not PointerTypeSyntax { ElementType: IdentifierNameSyntax { Identifier.Text: "HPyContext" } })
                    throw new FormatException($"{where}: [ContextMember] {method.Identifier.Text} must be a static method of UniversalContext taking HPyContext* ctx first");
                if (!names.TryAdd(method.Identifier.Text, where))
                    throw new FormatException($"{where}: [ContextMember] {method.Identifier.Text} is also declared at {names[method.Identifier.Text]}");
            }
        }
        return names;
    }

    static bool IsContextMember(AttributeSyntax a)
    {
        string name = a.Name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.Text,
            SimpleNameSyntax s => s.Identifier.Text,
            _ => "",
        };
        return name is "ContextMember" or "ContextMemberAttribute";
    }

    /// <summary>
    /// The members the API description says are C# (option csharp) must be exactly those marked
    /// [ContextMember]; returns their names.
    /// </summary>
    public static HashSet<string> CheckHandWritten(ApiDescription api, IReadOnlyDictionary<string, string> marked)
    {
        var byImpl = api.Functions.ToDictionary(f => f.ImplName);
        foreach (var (name, where) in marked)
        {
            if (!byImpl.TryGetValue(name, out var f))
                throw new FormatException($"{where}: [ContextMember] {name} implements no member: api/hpy_context.api has no ctx_{name}");
            if (!f.CSharp)
                throw new FormatException($"{where}: [ContextMember] {name} implements ctx_{name}, which api/hpy_context.api:{f.Line} does not mark csharp");
        }
        foreach (var f in api.Functions.Where(f => f.CSharp && !marked.ContainsKey(f.ImplName)))
            throw new FormatException($"api/hpy_context.api:{f.Line}: {f.CtxName} is marked csharp, but no method of UniversalContext named {f.ImplName} has [ContextMember]");
        return marked.Keys.ToHashSet();
    }

    public static string FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "api", "hpy_context.api"))) return dir.FullName;
        throw new FormatException($"no api/hpy_context.api above {start}");
    }
}
