using System.Text;

namespace HPyShim.Generator;

/// <summary>
/// The trampolines and their _HPyFunc_args_* structs, from the tramp lines of api/hpyfunc.api:
/// the universal ABI's structs and macros, the CPython ABI's macros, and the structs' C# twins.
/// What a line does not generate is hand-written in include/hpy/{universal,cpython}/trampolines.h.
/// </summary>
public static class TrampolineEmitters
{
    const int MacroWidth = 77;

    public static string UniversalHeader(IReadOnlyList<HPyFuncTrampoline> trampolines)
    {
        var c = new StringBuilder();
        c.AppendLine($"/* {HPyFuncDescription.Banner} */");
        c.AppendLine("/* Universal ABI: the _HPyFunc_args_<SIG> structs (ABI: the runtime reads them) and the");
        c.AppendLine("   trampolines that only pack what CPython passes. Included by universal/trampolines.h. */");
        c.AppendLine("#ifndef HPY_SHIM_UNIVERSAL_TRAMPOLINES_GEN_H\n#define HPY_SHIM_UNIVERSAL_TRAMPOLINES_GEN_H\n");
        foreach (var t in trampolines)
        {
            c.AppendLine("typedef struct {");
            foreach (var f in t.Fields) c.AppendLine($"    {f.Declaration};");
            if (t.Result != null) c.AppendLine($"    {new HPyFuncParam(t.Result, "result").Declaration};");
            c.AppendLine($"}} {t.Struct};\n");
        }
        // Every struct is fully initialised (result included) so -Wextra stays quiet.
        foreach (var t in trampolines.Where(t => t.UniversalGenerated))
        {
            var init = t.Fields.Select(f => f.Name).ToList();
            if (t.Result != null) init.Add(t.Result.EndsWith('*') ? "NULL" : "0");
            var body = new List<string>
            {
                $"static {Function(t.Result, t.Fields)}",
                "{",
                $"    {t.Struct} a = {{ {string.Join(", ", init)} }};",
                $"    _HPY_TRAMPOLINE_CALL(HPyFunc_{t.Name}, IMPL, &a);",
            };
            if (t.Result != null) body.Add("    return a.result;");
            body.Add("}");
            c.Append(Macro($"_HPyFunc_TRAMPOLINE_HPyFunc_{t.Name}(SYM, IMPL)", body));
        }
        c.AppendLine("#endif");
        return c.ToString();
    }

    public static string CPythonHeader(IReadOnlyList<HPyFuncTrampoline> trampolines)
    {
        var c = new StringBuilder();
        c.AppendLine($"/* {HPyFuncDescription.Banner} */");
        c.AppendLine("/* CPython ABI: the trampolines whose arguments only convert (PyObject* to HPy, a cast where");
        c.AppendLine("   CPython's type is not the implementation's). Included by cpython/trampolines.h. */");
        c.AppendLine("#ifndef HPY_SHIM_CPYTHON_TRAMPOLINES_GEN_H\n#define HPY_SHIM_CPYTHON_TRAMPOLINES_GEN_H\n");
        foreach (var t in trampolines.Where(t => t.CPythonGenerated))
        {
            var args = new List<string> { "_HPyGetContext()" };
            for (int i = 0; i < t.Fields.Count; i++)
            {
                var (field, impl) = (t.Fields[i], t.Impl[i]);
                args.Add(impl.Type == "HPy" ? $"_py2h({field.Name})"
                    : impl.Type == field.Type ? field.Name
                    : $"({impl.Type}){field.Name}");
            }
            string call = $"IMPL({string.Join(", ", args)})";
            string statement = t.Signature.Return switch
            {
                "void" => call + ";",
                "HPy" => $"return _h2py({call});",
                _ => $"return {call};",
            };
            c.Append(Macro($"_HPyFunc_TRAMPOLINE_HPyFunc_{t.Name}(SYM, IMPL)",
                [$"static {Function(t.Result, t.Fields)}", "{", "    " + statement, "}"]));
        }
        c.AppendLine("#endif");
        return c.ToString();
    }

    /// <summary>
    /// native/runtime/dispatch.gen.h: for each signature that passes through, the call from its
    /// args struct (ctx_CallRealFunctionFromTrampoline) and the number of arguments a thunk passes on.
    /// </summary>
    public static string Dispatch(IReadOnlyList<HPyFuncTrampoline> trampolines)
    {
        var c = new StringBuilder();
        c.AppendLine($"/* {HPyFuncDescription.Banner} */");
        c.AppendLine("/* The signatures whose trampoline only packs what CPython passes, each HPy being the PyObject*");
        c.AppendLine("   (tramp lines \"both\" without \"converts\"): their call from the args struct, and how many");
        c.AppendLine("   arguments a thunk passes straight on. Included by ctx_calls.c and thunks.c. */");
        c.AppendLine("#ifndef HPYSHIM_DISPATCH_GEN_H\n#define HPYSHIM_DISPATCH_GEN_H\n");
        c.AppendLine("#include \"runtime/runtime.h\"\n");
        var through = trampolines.Where(t => t.PassesThrough).ToList();
        string Case(HPyFuncTrampoline t)
        {
            var args = new List<string> { "dispatch_ctx" };
            for (int i = 0; i < t.Fields.Count; i++)
            {
                var (field, impl) = (t.Fields[i], t.Impl[i]);
                args.Add(impl.Type == "HPy" ? $"_py2h((PyObject *)a->{field.Name})"
                    : impl.Type == field.Type ? $"a->{field.Name}" : $"({impl.Type})a->{field.Name}");
            }
            string call = $"((HPyFunc_{t.Name.ToLowerInvariant()})(void (*)(void))dispatch_func)({string.Join(", ", args)})";
            string statement = t.Signature.Return switch
            {
                "void" => call + ";",
                "HPy" => $"a->result = (cpy_PyObject *)_h2py({call});",
                _ => $"a->result = {call};",
            };
            return $"{t.Struct} *a = (ARGS); {statement}";
        }
        c.AppendLine("/* The call of each from its args struct: DISPATCH_<SIG>(CTX, FUNC, ARGS) is a block. */");
        foreach (var t in through)
            c.AppendLine($"#define DISPATCH_{t.Name}(CTX, FUNC, ARGS) do {{ HPyContext *dispatch_ctx = (CTX); HPyCFunction dispatch_func = (FUNC); {Case(t)} }} while (0)");
        c.AppendLine();
        c.AppendLine("/* The cases of a switch on the signature for all but the method signatures NOARGS and O, which");
        c.AppendLine("   callers test first: most calls are theirs, and a compare costs less than the switch. */");
        var rest = through.Where(t => t.Name is not ("NOARGS" or "O")).ToList();
        c.AppendLine("#define DISPATCH_PASSTHROUGH_CASES(CTX, FUNC, ARGS) \\");
        for (int k = 0; k < rest.Count; k++)
            c.AppendLine($"    case HPyFunc_{rest[k].Name}: DISPATCH_{rest[k].Name}(CTX, FUNC, ARGS); return;" + (k < rest.Count - 1 ? " \\" : ""));
        c.AppendLine();
        c.AppendLine("/* The arguments CPython passes for a signature that passes through; 0 for the others. */");
        c.AppendLine("static inline int passthrough_nargs(HPyFunc_Signature sig)");
        c.AppendLine("{");
        c.AppendLine("    switch (sig) {");
        foreach (var t in through)
            c.AppendLine($"    case HPyFunc_{t.Name}: return {t.Fields.Count};");
        c.AppendLine("    default: return 0;");
        c.AppendLine("    }");
        c.AppendLine("}");
        c.AppendLine("\n#endif");
        return c.ToString();
    }

    public static string CSharp(IReadOnlyList<HPyFuncTrampoline> trampolines)
    {
        var c = new StringBuilder();
        c.AppendLine($"// {HPyFuncDescription.Banner}");
        c.AppendLine("using System.Runtime.InteropServices;");
        c.AppendLine("using HPyShim.Abi;\n");
        c.AppendLine("namespace HPyShim.Context;\n");
        c.AppendLine("/// <summary>");
        c.AppendLine("/// The _HPyFunc_args_&lt;SIG&gt; structs a universal trampoline hands to");
        c.AppendLine("/// _HPy_CallRealFunctionFromTrampoline, one per signature: what CPython passed, then `result`.");
        c.AppendLine("/// </summary>");
        c.AppendLine("internal static unsafe class HPyFuncArgs\n{");
        foreach (var t in trampolines)
        {
            var fields = t.Fields.ToList();
            if (t.Result != null) fields.Add(new HPyFuncParam(t.Result, "result"));
            c.AppendLine($"    [CStruct(\"{t.Struct}\"), StructLayout(LayoutKind.Sequential)]");
            c.AppendLine($"    public struct {t.Name}");
            c.AppendLine("    {");
            foreach (var f in fields) c.AppendLine($"        public {CSharpType(f.Type, t.Name)} {f.Name};");
            c.AppendLine("    }\n");
        }
        c.Length -= Environment.NewLine.Length;
        c.AppendLine("}");
        return c.ToString();
    }

    /// <summary>
    /// native/debug/args_shapes.gen.h: where each args struct holds objects (its cpy_PyObject *
    /// fields and result), for the runtime code that treats them alike (debug mode lends them).
    /// </summary>
    public static string NativeShapes(IReadOnlyList<HPyFuncTrampoline> trampolines)
    {
        static bool IsObject(string type) => type == "cpy_PyObject *";
        int max = trampolines.Max(t => t.Fields.Count(f => IsObject(f.Type)));
        var c = new StringBuilder();
        c.AppendLine($"/* {HPyFuncDescription.Banner} */");
        c.AppendLine("/* Where each _HPyFunc_args_<SIG> struct holds objects: its PyObject* fields and its PyObject*");
        c.AppendLine("   result. Code that treats every such object alike (debug mode lends them) reads this. */");
        c.AppendLine("#ifndef HPYSHIM_ARGS_SHAPES_GEN_H\n#define HPYSHIM_ARGS_SHAPES_GEN_H\n");
        c.AppendLine("#include <stddef.h>\n#include <stdint.h>\n");
        c.AppendLine($"#define ARGS_SHAPE_MAX {max}\n");
        c.AppendLine("typedef struct {");
        c.AppendLine("    int8_t count;                      /* object fields */");
        c.AppendLine("    uint8_t offsets[ARGS_SHAPE_MAX];   /* their offsets */");
        c.AppendLine("    int16_t result;                    /* offset of an object result, or -1 */");
        c.AppendLine("} args_shape;\n");
        c.AppendLine("/* 0 for a signature without an args struct. */");
        c.AppendLine("static inline int args_shape_of(HPyFunc_Signature sig, args_shape *s)\n{");
        c.AppendLine("    switch (sig) {");
        foreach (var t in trampolines)
        {
            var objects = t.Fields.Where(f => IsObject(f.Type)).Select(f => $"(uint8_t)offsetof({t.Struct}, {f.Name})").ToList();
            string result = t.Result != null && IsObject(t.Result) ? $"(int16_t)offsetof({t.Struct}, result)" : "-1";
            string offsets = objects.Count > 0 ? string.Join(", ", objects) : "0";
            c.AppendLine($"    case HPyFunc_{t.Name}:");
            c.AppendLine($"        *s = (args_shape){{ {objects.Count}, {{ {offsets} }}, {result} }};");
            c.AppendLine("        return 1;");
        }
        c.AppendLine("    default:\n        return 0;\n    }\n}\n");
        c.AppendLine("#endif");
        return c.ToString();
    }

    /// <summary>The C# type of a struct field; every one is blittable.</summary>
    static string CSharpType(string c, string signature) => c switch
    {
        "cpy_PyObject *" => "nint",
        "cpy_PyObject *const *" => "nint*",
        "HPy_ssize_t" or "HPy_hash_t" => "nint",
        "size_t" => "nuint",
        "int" => "int",
        "char *" => "byte*",
        "void *" => "void*",
        "cpy_Py_buffer *" => "Py_buffer*",
        "cpy_visitproc" => "delegate* unmanaged<nint, void*, int>",
        _ => throw new FormatException($"api/hpyfunc.api: no C# type for {c} (tramp {signature})"),
    };

    /// <summary>"int SYM(cpy_PyObject *arg0)" for a trampoline returning `result`'s type (void without one).</summary>
    static string Function(string? result, IReadOnlyList<HPyFuncParam> parameters)
    {
        string ret = result ?? "void";
        string name = ret.EndsWith('*') ? ret + "SYM" : ret + " SYM";
        return $"{name}({string.Join(", ", parameters.Select(p => p.Declaration))})";
    }

    /// <summary>A #define with the continuation backslashes in one column, and an empty line after it.</summary>
    static string Macro(string head, IReadOnlyList<string> body)
    {
        var lines = new List<string> { "#define " + head };
        lines.AddRange(body.Select(l => "    " + l));
        var c = new StringBuilder();
        for (int i = 0; i < lines.Count; i++)
            c.AppendLine(i < lines.Count - 1 ? lines[i].PadRight(MacroWidth) + " \\" : lines[i]);
        c.AppendLine();
        return c.ToString();
    }
}
