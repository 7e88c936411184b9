using System.Text.RegularExpressions;

namespace HPyShim.Generator;

/// <summary>
/// One CPython symbol of the runtime's table. CField is the C struct member's declaration without
/// the semicolon; CSharpField the type of the C# mirror's field; CSharpValue the type Py.Name
/// returns (a variable's value rather than its address). Origin says where it is described.
/// </summary>
public sealed record CPythonSymbol(string Name, string Kind, string CField, string CSharpField, string CSharpValue,
    bool Optional, string Origin);

/// <summary>
/// api/cpython_symbols.api merged with the CPython symbols api/hpy_context.api names (forwarders
/// and constant handles): every CPython symbol the runtime uses, each once, in table order.
/// </summary>
public static class SymbolDescription
{
    /// <summary>C types of the description: (C spelling in the native header, C# type).</summary>
    static readonly Dictionary<string, (string C, string CSharp)> Types = new()
    {
        ["void"] = ("void", "void"),
        ["int"] = ("int", "int"),
        ["long"] = ("long", "CLong"),
        ["unsigned long"] = ("unsigned long", "CULong"),
        ["size_t"] = ("size_t", "nuint"),
        ["Py_ssize_t"] = ("Py_ssize_t", "nint"),
        ["PyObject *"] = ("PyObject *", "nint"),
        ["PyObject **"] = ("PyObject **", "nint*"),
        ["PyObject *const *"] = ("PyObject *const *", "nint*"),
        ["const char *"] = ("const char *", "byte*"),
        ["void *"] = ("void *", "void*"),
        // CPython structs the C side never looks into
        ["PyThreadState *"] = ("void *", "nint"),
        ["PyType_Spec *"] = ("void *", "PyType_Spec*"),
        ["PyMethodDef *"] = ("void *", "PyMethodDef*"),
        ["PyModuleDef *"] = ("void *", "PyModuleDef*"),
    };

    static readonly Regex Prototype = new(@"^(?<ret>.*?)\b(?<name>\w+)\s*\((?<params>.*)\)$");
    static readonly Regex ParamText = new(@"^(?<type>.*?)\b(?<name>\w+)$");

    static (string C, string CSharp) Map(string type, string where) =>
        Types.TryGetValue(CType.Parse(type).C, out var t) ? t
            : throw new FormatException($"{where}: no mapping for the C type '{type.Trim()}' (add it to SymbolDescription.Types)");

    static string CPointer(string c, string name) => c.EndsWith('*') ? $"{c}{name}" : $"{c} {name}";

    static string FunctionPointer(IEnumerable<string> parameters, string ret) =>
        $"delegate* unmanaged<{string.Join(", ", parameters.Append(ret))}>";

    /// <summary>The entries of api/cpython_symbols.api, in file order.</summary>
    public static List<CPythonSymbol> ParseFile(string path)
    {
        var symbols = new List<CPythonSymbol>();
        var lines = File.ReadAllLines(path);
        string file = Path.GetFileName(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Split('#')[0].Trim();
            if (line.Length == 0) continue;
            string where = $"api/{file}:{i + 1}";
            var columns = line.Split('|').Select(c => c.Trim()).ToArray();
            bool optional = false;
            foreach (var option in columns.Skip(1))
                optional = option == "optional" ? true : throw new FormatException($"{where}: unknown option '{option}'");
            string[] head = columns[0].Split(' ', 2, StringSplitOptions.TrimEntries);
            if (head.Length != 2) throw new FormatException($"{where}: expected '<kind> <declaration>'");
            symbols.Add(head[0] switch
            {
                "fn" => Function(head[1], optional, where),
                "var" => Variable(head[1], optional, where),
                "object" when IsName(head[1]) => Object(head[1], optional, where),
                "probe" when IsName(head[1]) => new CPythonSymbol(head[1], "probe", $"void *{head[1]}", "void*", "void*", true, where),
                var kind => throw new FormatException($"{where}: malformed '{kind}' line"),
            });
        }
        return symbols;
    }

    static bool IsName(string text) => Regex.IsMatch(text, @"^\w+$");

    static CPythonSymbol Function(string prototype, bool optional, string where)
    {
        var m = Prototype.Match(prototype);
        if (!m.Success) throw new FormatException($"{where}: malformed prototype '{prototype}'");
        var parameters = new List<(string C, string CSharp)>();
        string text = m.Groups["params"].Value.Trim();
        if (text != "void")
        {
            foreach (var p in text.Split(','))
            {
                var pm = ParamText.Match(p.Trim());
                if (!pm.Success || pm.Groups["type"].Value.Trim().Length == 0)
                    throw new FormatException($"{where}: parameter '{p.Trim()}' needs a type and a name");
                parameters.Add(Map(pm.Groups["type"].Value, where));
            }
        }
        var ret = Map(m.Groups["ret"].Value, where);
        string name = m.Groups["name"].Value;
        string cParams = parameters.Count == 0 ? "void" : string.Join(", ", parameters.Select(p => p.C));
        string cField = $"{CPointer(ret.C, "")}(*{name})({cParams})";
        string cs = FunctionPointer(parameters.Select(p => p.CSharp), ret.CSharp);
        return new CPythonSymbol(name, "fn", cField, cs, cs, optional, where);
    }

    static CPythonSymbol Variable(string declaration, bool optional, string where)
    {
        var m = ParamText.Match(declaration);
        if (!m.Success) throw new FormatException($"{where}: malformed variable '{declaration}'");
        var type = Map(m.Groups["type"].Value, where);
        string name = m.Groups["name"].Value;
        return new CPythonSymbol(name, "var", CPointer(type.C + " *", name).Replace("* *", "**"),
            type.CSharp + "*", type.CSharp, optional, where);
    }

    static CPythonSymbol Object(string name, bool optional, string where) =>
        new(name, "object", $"PyObject *{name}", "nint", "nint", optional, where);

    /// <summary>
    /// The whole table: api/cpython_symbols.api first, then the CPython functions the context
    /// forwards to, then the symbols of its constant handles. A symbol described twice is an error.
    /// </summary>
    public static List<CPythonSymbol> Table(string symbolsPath, ApiDescription api)
    {
        var table = new List<CPythonSymbol>();
        var seen = new Dictionary<string, string>();
        void Add(CPythonSymbol s)
        {
            if (seen.TryGetValue(s.Name, out var first))
                throw new FormatException($"{s.Origin}: the CPython symbol {s.Name} is already described at {first}; describe it once");
            seen[s.Name] = s.Origin;
            table.Add(s);
        }
        foreach (var s in ParseFile(symbolsPath)) Add(s);
        var forwarders = api.Functions.Where(f => f.CPythonFunction != null).ToList();
        foreach (var f in forwarders.DistinctBy(f => f.CPythonFunction))
        {
            string cParams = f.Parameters.Count == 0 ? "void"
                : string.Join(", ", f.Parameters.Select(p => p.Type.C == "HPy" ? "PyObject *" : p.Type.C));
            string ret = f.Return.C == "HPy" ? "PyObject *" : f.Return.C;
            string cs = FunctionPointer(f.Parameters.Select(p => p.Type.CPython), f.Return.CPython);
            Add(new CPythonSymbol(f.CPythonFunction!, "fn", $"{CPointer(ret, "")}(*{f.CPythonFunction})({cParams})",
                cs, cs, false, $"api/hpy_context.api:{f.Line} (cpython=)"));
        }
        foreach (var h in api.Handles)
        {
            string where = $"api/hpy_context.api:{h.Line} ({h.Source})";
            switch (h.Source.Split(':', 2))
            {
                case ["object", var sym]: Add(Object(sym, false, where)); break;
                case ["pointer", var sym]: Add(Variable($"PyObject *{sym}", false, where)); break;
            }
        }
        return table;
    }
}
