namespace HPyShim.CPython;

/// <summary>
/// The CPython C API as the runtime calls it: Py.&lt;name&gt; is an entry of the symbol table
/// (Generated/Symbols.g.cs, from api/cpython_symbols.api), resolved once when the host is bound.
/// Only functions exported with the same signature by every CPython from 3.8 to 3.13 belong there.
/// </summary>
internal static unsafe partial class Py
{
    /// <summary>PYTHON_API_VERSION, the same (1013) in every CPython 3.</summary>
    public const int PythonApiVersion = 1013;

    /// <summary>(major, minor) of the running CPython, e.g. 3.13 is (3, 13).</summary>
    public static (int Major, int Minor) Version;

    /// <summary>What the runtime derives from the symbols once they are all there.</summary>
    public static void Init()
    {
        Version = ParseVersion(Utf8.Read(Py_GetVersion()) ?? "");
        HPyShim.Types.Shapes.Init();
    }

    static (int, int) ParseVersion(string text)
    {
        // "3.13.0 (main, ...)": only the first two numbers matter.
        string[] parts = text.Split(' ')[0].Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], out int major) && int.TryParse(parts[1], out int minor)
            ? (major, minor) : (3, 8);
    }
}
