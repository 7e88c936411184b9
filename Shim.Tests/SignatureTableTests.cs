using System.Reflection;
using System.Text;
using HPyShim.Generator;

namespace HPyShim.Tests;

/// <summary>
/// The HPyFunc signatures and HPySlot_Slot ids of api/hpyfunc.api: what the C compiler sees in
/// hpy.h and the C# constants the runtime uses are the same numbers, and each slot's
/// _HPySlot_SIG__ macro names the signature the description gives it.
/// </summary>
public class SignatureTableTests
{
    [Fact]
    public void CHeadersAndCSharpAgreeWithTheDescription()
    {
        string api = Path.Combine(Repo.Root, "api", "hpyfunc.api");
        var sigs = HPyFuncDescription.Parse(api);
        var slots = HPyFuncDescription.ParseSlots(api);
        var c = new StringBuilder("#include \"hpy.h\"\n#include <stdio.h>\nint main(void) {\n");
        foreach (var s in sigs) c.AppendLine($"    printf(\"sig {s.Name} %d\\n\", (int)HPyFunc_{s.Name});");
        foreach (var s in slots)
            c.AppendLine($"    printf(\"slot {s.Name} %d %d\\n\", (int)HPy_{s.Name}, (int)_HPySlot_SIG__HPy_{s.Name});");
        c.AppendLine("    return 0;\n}");
        using var temp = new TempDir("sigs");
        string dir = temp.Path;
        string source = Path.Combine(dir, "sigs.c"), exe = Path.Combine(dir, "sigs");
        File.WriteAllText(source, c.ToString());
        Repo.CompileC(exe, "-DHPY_ABI_UNIVERSAL", "-I", Repo.Include, source);
        var run = Repo.Run(exe, []);
        Assert.Equal(0, run.ExitCode);

        var shim = typeof(HPyShim.Context.HPyContext).Assembly;
        int Constant(string type, string name) =>
            (int)shim.GetType($"HPyShim.Types.{type}")!.GetField(name, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.GetRawConstantValue()!;
        var expected = new List<string>();
        foreach (var s in sigs)
        {
            Assert.Equal(s.Value, Constant("Sig", s.Name));
            expected.Add($"sig {s.Name} {s.Value}");
        }
        foreach (var s in slots)
        {
            Assert.Equal(s.Value, Constant("HPySlotId", s.Name));
            expected.Add($"slot {s.Name} {s.Value} {sigs.Single(g => g.Name == s.Signature).Value}");
        }
        Assert.Equal(expected, run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
