using System.Runtime.InteropServices;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.CPython;

/// <summary>
/// Finds CPython's C API in the running process. libhpy.so has no link-time dependency on
/// libpython: whichever CPython loaded us (or whichever libpython a C host asked us to start)
/// provides the symbols, so one build serves every CPython from 3.8 to 3.13. The native side
/// resolves the one table (api/cpython_symbols.api, Generated/Symbols.g.cs); C# reads it through
/// the Py.&lt;name&gt; accessors and reports what is missing.
/// </summary>
internal static unsafe partial class Symbols
{

    static readonly List<string> missing = new();

    /// <summary>The required symbols the last <see cref="Resolve"/> did not find.</summary>
    public static IReadOnlyList<string> Missing => missing;

    /// <summary>
    /// Looks every symbol up (again: a C host may have loaded libpython since). HPYSHIM_TEST_MISSING_SYMBOL
    /// names one to treat as absent, so that the tests can show how a missing symbol is reported.
    /// </summary>
    public static void Resolve()
    {
        int count;
        var table = shim_resolve_symbols(&count);
        if (count != Count || sizeof(CPythonTable) != Count * sizeof(void*))
            throw new InvalidOperationException($"the native symbol table has {count} entries, the managed one {Count}");
        var slots = (void**)table;
        string? absent = Environment.GetEnvironmentVariable("HPYSHIM_TEST_MISSING_SYMBOL");
        missing.Clear();
        for (int i = 0; i < Count; i++)
        {
            if (Names[i] == absent) slots[i] = null;
            if (slots[i] == null && !Optional[i]) missing.Add(Names[i]);
        }
        // One of the two ways to create a type with a metaclass (Types/Metaclasses.cs).
        if (table->PyType_FromMetaclass == null && table->_PyType_CalculateMetaclass == null)
            missing.Add("PyType_FromMetaclass or _PyType_CalculateMetaclass");
        Py.Table = table;
    }

    /// <summary>Whether the last <see cref="Resolve"/> found `name`, an entry of the table.</summary>
    public static bool Found(string name)
    {
        int i = Array.IndexOf(Names, name);
        if (i < 0) throw new ArgumentException($"{name} is not in api/cpython_symbols.api");
        return Py.Table != null && ((void**)Py.Table)[i] != null;
    }
}
