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

    /// <summary>(major, minor) of the running CPython, e.g. 3.13 is (3, 13): parsed once, by Host.TryBind.</summary>
    public static (int Major, int Minor) Version;
}
