namespace HPyShim.CPython;

// CPython functions used to build types and modules (Types/, Loader/).
internal static unsafe partial class Py
{
    static void ResolveTypes()
    {
    }
}
