using System.Text;

namespace HPyShim.Generator;

/// <summary>
/// What api/boundary.api's export and method lines generate: the C hosts' header, the C# entry
/// points that call the hand-written implementations, _libhpy's method table and its Python stub.
/// An implementation whose signature no longer matches its line fails to compile.
/// </summary>
public static class ExportEmitters
{
    public static string HostHeader(BoundaryDescription d)
    {
        var c = new StringBuilder();
        c.AppendLine($"/* {BoundaryDescription.Banner} */");
        c.AppendLine("/* HPy Shim: what a C host needs to run universal HPy extensions through libhpy.so.");
        c.AppendLine(" *");
        c.AppendLine(" * A Python process that loaded libhpy (e.g. through the hpyshim launcher) already has an");
        c.AppendLine(" * interpreter; a C program starts one with hpyshim_start_python, then gets the universal");
        c.AppendLine(" * context and loads extension modules. Link with -lhpy; libhpy has no link-time dependency on");
        c.AppendLine(" * libpython, it finds CPython's C API in the process at run time. */");
        c.AppendLine("#ifndef HPYSHIM_H\n#define HPYSHIM_H\n");
        c.AppendLine("#include \"hpy.h\"\n");
        c.AppendLine("#ifdef __cplusplus\nextern \"C\" {\n#endif");
        foreach (var e in d.Exports)
        {
            c.AppendLine();
            for (int i = 0; i < e.Doc.Count; i++)
                c.AppendLine($"{(i == 0 ? "/*" : " *")} {e.Doc[i]}{(i == e.Doc.Count - 1 ? " */" : "")}");
            string ps = e.Parameters.Count == 0 ? "void"
                : string.Join(", ", e.Parameters.Select(p => BoundaryDescription.CSpelling(p.Type, p.Name)));
            c.AppendLine($"{BoundaryDescription.CSpelling(e.Return, e.Name)}({ps});");
        }
        c.AppendLine("\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* HPYSHIM_H */");
        return c.ToString();
    }

    public static string ExportsCSharp(BoundaryDescription d)
    {
        var cs = new StringBuilder();
        cs.AppendLine($"// {BoundaryDescription.Banner}");
        cs.AppendLine("using System.Runtime.InteropServices;");
        cs.AppendLine("using HPyShim.Context;");
        cs.AppendLine();
        cs.AppendLine("namespace HPyShim.Interop;");
        cs.AppendLine();
        cs.AppendLine("/// <summary>The C entry points of libhpy.so (include/hpyshim.h). Each calls its implementation;");
        cs.AppendLine("/// an exception the implementation did not handle is reported on stderr, never thrown into C.</summary>");
        cs.AppendLine("internal static unsafe class ExportedEntries");
        cs.AppendLine("{");
        foreach (var e in d.Exports)
        {
            string ret = d.Types[e.Return];
            string ps = string.Join(", ", e.Parameters.Select(p => $"{d.Types[p.Type]} {BoundaryDescription.Escape(p.Name)}"));
            string args = string.Join(", ", e.Parameters.Select(p => BoundaryDescription.Escape(p.Name)));
            string failed = ret == "void" ? "" : ret == "int" ? " -1" : ret.EndsWith('*') ? " null" : " 0";
            cs.AppendLine();
            cs.AppendLine($"    /// <summary>api/boundary.api:{e.Line}</summary>");
            cs.AppendLine($"    [UnmanagedCallersOnly(EntryPoint = \"{e.Name}\")]");
            cs.AppendLine($"    static {ret} {e.Name}({ps})");
            cs.AppendLine("    {");
            cs.AppendLine($"        try {{ {(ret == "void" ? "" : "return ")}{e.Implementation}({args}); }}");
            cs.AppendLine($"        catch (Exception e) {{ Failure.Unexpected(e, \"{e.Name}\"); return{failed}; }}");
            cs.AppendLine("    }");
        }
        cs.AppendLine("}");
        return cs.ToString();
    }

    public static string PythonModuleCSharp(BoundaryDescription d)
    {
        var cs = new StringBuilder();
        cs.AppendLine($"// {BoundaryDescription.Banner}");
        cs.AppendLine("using System.Runtime.InteropServices;");
        cs.AppendLine("using HPyShim.Abi;");
        cs.AppendLine("using HPyShim.Context;");
        cs.AppendLine("using HPyShim.CPython;");
        cs.AppendLine();
        cs.AppendLine("namespace HPyShim.Interop;");
        cs.AppendLine();
        cs.AppendLine("/// <summary>The methods of hpyshim._libhpy: each checks and converts its arguments, calls its");
        cs.AppendLine("/// implementation and turns a managed exception into SystemError.</summary>");
        cs.AppendLine("internal static unsafe partial class PythonModule");
        cs.AppendLine("{");
        cs.AppendLine($"    public const int MethodCount = {d.Methods.Count};");
        cs.AppendLine();
        cs.AppendLine("    /// <summary>Fills `table` (MethodCount + 1 entries, zeroed) with the methods.</summary>");
        cs.AppendLine("    public static void FillMethods(PyMethodDef* table)");
        cs.AppendLine("    {");
        for (int i = 0; i < d.Methods.Count; i++)
        {
            var m = d.Methods[i];
            string doc = string.Join(" ", m.Doc).Replace("\\", "\\\\").Replace("\"", "\\\"");
            cs.AppendLine($"        table[{i}] = Method(\"{m.Name}\", (delegate* unmanaged<nint, nint*, nint, nint>)&{m.Name}, \"{m.Name}({string.Join(", ", m.Parameters.Select(p => p.Name))})\\n--\\n\\n{doc}\");");
        }
        cs.AppendLine("    }");
        foreach (var m in d.Methods)
        {
            cs.AppendLine();
            cs.AppendLine($"    /// <summary>api/boundary.api:{m.Line}</summary>");
            cs.AppendLine("    [UnmanagedCallersOnly]");
            cs.AppendLine($"    static nint {m.Name}(nint self, nint* args, nint nargs)");
            cs.AppendLine("    {");
            string signature = $"{m.Name}({string.Join(", ", m.Parameters.Select(p => p.Name))})";
            cs.AppendLine($"        if (nargs != {m.Parameters.Count}) return WrongArguments(\"{signature}\", {m.Parameters.Count}, nargs);");
            cs.AppendLine("        try");
            cs.AppendLine("        {");
            for (int i = 0; i < m.Parameters.Count; i++)
            {
                var (name, kind) = m.Parameters[i];
                string v = BoundaryDescription.Escape(name);
                switch (kind)
                {
                    case "int":
                        cs.AppendLine($"            long {v} = Py.PyLong_AsLongLong(args[{i}]);");
                        cs.AppendLine($"            if ({v} == -1 && Py.PyErr_Occurred() != 0) return 0;");
                        break;
                    case "bytes":
                        cs.AppendLine($"            byte* {v} = Py.PyBytes_AsString(args[{i}]);");
                        cs.AppendLine($"            if ({v} == null) return 0;");
                        break;
                    default:
                        cs.AppendLine($"            nint {v} = args[{i}];");
                        break;
                }
            }
            string call = $"HPyShim.{m.Implementation}({string.Join(", ", m.Parameters.Select(p => BoundaryDescription.Escape(p.Name)))})";
            switch (m.Result)
            {
                case "object": cs.AppendLine($"            return ObjectResult({call}, \"{m.Name}\");"); break;
                case "int": cs.AppendLine($"            return IntResult({call});"); break;
                case "str": cs.AppendLine($"            return StrResult({call});"); break;
                default:
                    cs.AppendLine($"            {call};");
                    cs.AppendLine("            return NoneResult();");
                    break;
            }
            cs.AppendLine("        }");
            cs.AppendLine($"        catch (Exception e) {{ Failure.Managed(e, \"hpyshim._libhpy.{m.Name}\"); return 0; }}");
            cs.AppendLine("    }");
        }
        cs.AppendLine("}");
        return cs.ToString();
    }

    static string PythonKind(string kind) => kind switch
    {
        "int" => "int",
        "bytes" => "bytes",
        "object" => "object",
        "str" => "Optional[str]",
        "none" => "None",
        _ => throw new ArgumentException(kind),
    };

    public static string PythonStub(BoundaryDescription d)
    {
        var py = new StringBuilder();
        py.AppendLine($"# {BoundaryDescription.Banner}");
        py.AppendLine("\"\"\"hpyshim._libhpy: the runtime library, libhpy.so, imported as an extension module. The");
        py.AppendLine("launcher's only way into the runtime (launcher/hpyshim/_native.py imports it).\"\"\"");
        py.AppendLine();
        py.AppendLine("from typing import Optional");
        foreach (var m in d.Methods)
        {
            py.AppendLine();
            py.AppendLine();
            string ps = string.Join(", ", m.Parameters.Select(p => $"{p.Name}: {PythonKind(p.Kind)}"));
            py.AppendLine($"def {m.Name}({ps}) -> {PythonKind(m.Result)}:");
            py.AppendLine($"    \"\"\"{string.Join("\n    ", m.Doc)}\"\"\"");
        }
        return py.ToString();
    }
}
