namespace HPyShim.CPython;

// CPython functions used by the object-level context members (Context/*.cs).
internal static unsafe partial class Py
{
    static void ResolveObjects()
    {
    }
}
