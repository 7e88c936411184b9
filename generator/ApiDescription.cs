using System.Text.RegularExpressions;

namespace HPyShim.Generator;

/// <summary>One C parameter or return type, with its C# spelling on both sides of the shim.</summary>
public sealed record CType(string C)
{
    /// <summary>The type as the C# context implementation sees it.</summary>
    public string CSharp => Map(C);

    /// <summary>The type as CPython's C API sees it (handles are PyObject* there).</summary>
    public string CPython => C == "HPy" ? "nint" : CSharp;

    public bool IsVoid => C == "void";

    /// <summary>What a failing member returns, per HPy's conventions (HPy_NULL, -1, NULL...).</summary>
    public string ErrorValue => CSharp switch
    {
        "HPy" => "HPy.Null",
        "int" or "nint" or "long" => "-1",
        "double" => "-1.0",
        "uint" => "uint.MaxValue",
        "ulong" => "ulong.MaxValue",
        "nuint" => "nuint.MaxValue",
        var t when t.EndsWith('*') => "null",
        _ => "default",
    };

    static string Map(string c) => c switch
    {
        "void" => "void",
        "HPy" => "HPy",
        "HPy *" or "const HPy *" or "const HPy []" => "HPy*",
        "int" => "int",
        "HPy_ssize_t" or "HPy_hash_t" => "nint",
        "HPy_ssize_t *" => "nint*",
        "double" => "double",
        "bool" => "byte",
        "int32_t" => "int",
        "uint32_t" or "HPy_UCS4" => "uint",
        "int64_t" => "long",
        "uint64_t" => "ulong",
        "size_t" => "nuint",
        "const char *" or "char *" => "byte*",
        "const wchar_t *" or "void *" => "void*",
        "void **" => "void**",
        "cpy_PyObject *" => "nint",
        "HPyListBuilder" or "HPyTupleBuilder" or "HPyTracker" or "HPyThreadState" or "HPyField" or "HPyGlobal" => c,
        "HPyField *" or "HPyGlobal *" or "HPyType_Spec *" or "HPyType_SpecParam *" => c.Replace(" *", "*"),
        "HPyFunc_Signature" or "HPyType_BuiltinShape" or "HPy_SourceKind" or "_HPyCapsule_key" => "int",
        "HPyCFunction" or "HPyCallFunction *" or "HPyCapsule_Destructor *" => "void*",
        _ => throw new FormatException($"no C# mapping for C type '{c}'"),
    };

    public static CType Parse(string text) =>
        new(Regex.Replace(Regex.Replace(text.Trim(), @"\s*\*", " *"), @"\s+", " ").Replace("* *", "**"));
}

public sealed record Parameter(CType Type, string Name);

public abstract record Member(int Line);

/// <summary>A plain field at the start of the context (name, _private, abi_version).</summary>
public sealed record HeaderField(int Line, string Declaration) : Member(Line);

/// <summary>A constant handle, and where the host finds its object.</summary>
public sealed record HandleMember(int Line, string Name, string Source) : Member(Line);

public sealed record FunctionMember(
    int Line, string CtxName, CType Return, IReadOnlyList<Parameter> Parameters, string PublicName,
    string? CPythonFunction, string? PublicReturns, bool HandWrittenPublic, bool Native,
    bool DebugHandWritten = false, bool CSharp = false) : Member(Line)
{
    /// <summary>Implemented in native/runtime: a hand-written fast path or a generated forwarder.</summary>
    public bool IsNative => Native || CPythonFunction != null;

    /// <summary>The name of the hand-written C# implementation, if one exists: ctx_Foo is Foo.</summary>
    public string ImplName => CtxName["ctx_".Length..];
}

public sealed class ApiDescription
{
    public required IReadOnlyList<Member> Members { get; init; }
    public IEnumerable<FunctionMember> Functions => Members.OfType<FunctionMember>();
    public IEnumerable<HandleMember> Handles => Members.OfType<HandleMember>();

    static readonly Regex FunctionLine = new(@"^fn\s+(?<ret>.*?)\b(?<name>ctx_\w+)\s*\((?<params>.*)\)$");
    static readonly Regex ParamText = new(@"^(?<type>.*?)(?<name>\w+)(?<array>\s*\[\])?$");

    public static ApiDescription Parse(string path)
    {
        var members = new List<Member>();
        var seen = new HashSet<string>();
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            int lineNo = i + 1;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            Member member = line.Split(' ', 2)[0] switch
            {
                "header" => new HeaderField(lineNo, line["header".Length..].Trim()),
                "handle" => ParseHandle(lineNo, line),
                "fn" => ParseFunction(lineNo, line),
                var other => throw Error(path, lineNo, $"unknown kind '{other}'"),
            };
            string key = member switch
            {
                HandleMember h => h.Name,
                FunctionMember f => f.CtxName,
                HeaderField h => h.Declaration,
                _ => "",
            };
            if (!seen.Add(key)) throw Error(path, lineNo, $"'{key}' is declared twice");
            members.Add(member);
        }
        return new ApiDescription { Members = members };
    }

    static HandleMember ParseHandle(int lineNo, string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3) throw new FormatException($"line {lineNo}: expected 'handle NAME SOURCE'");
        return new HandleMember(lineNo, parts[1], parts[2]);
    }

    static FunctionMember ParseFunction(int lineNo, string line)
    {
        var columns = line.Split('|').Select(c => c.Trim()).ToArray();
        var m = FunctionLine.Match(columns[0]);
        if (!m.Success || columns.Length < 2) throw new FormatException($"line {lineNo}: malformed fn line");
        var parameters = new List<Parameter>();
        string paramText = m.Groups["params"].Value.Trim();
        if (paramText != "void")
        {
            foreach (var p in paramText.Split(','))
            {
                var pm = ParamText.Match(p.Trim());
                if (!pm.Success) throw new FormatException($"line {lineNo}: malformed parameter '{p}'");
                string type = pm.Groups["type"].Value + (pm.Groups["array"].Success ? " []" : "");
                parameters.Add(new Parameter(CType.Parse(type), pm.Groups["name"].Value));
            }
        }
        string? cpython = null, publicReturns = null;
        bool handWritten = false, native = false, debugHandWritten = false, csharp = false;
        foreach (var option in columns.Skip(2))
        {
            if (option.StartsWith("cpython=")) cpython = option["cpython=".Length..];
            else if (option.StartsWith("public-returns=")) publicReturns = option["public-returns=".Length..];
            else if (option == "hand-written") handWritten = true;
            else if (option == "native") native = true;
            else if (option == "csharp") csharp = true;
            else if (option == "debug=hand-written") debugHandWritten = true;
            else throw new FormatException($"line {lineNo}: unknown option '{option}'");
        }
        if (csharp && (native || cpython != null))
            throw new FormatException($"line {lineNo}: a member is one of native, cpython= and csharp");
        return new FunctionMember(lineNo, m.Groups["name"].Value, CType.Parse(m.Groups["ret"].Value), parameters,
            columns[1], cpython, publicReturns, handWritten, native, debugHandWritten, csharp);
    }

    static FormatException Error(string path, int line, string message) => new($"{path}:{line}: {message}");
}
