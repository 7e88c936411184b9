using HPyShim.Context;
using HPyShim.CPython;

namespace HPyShim.Loader;

internal static class ModuleLoader
{
    public static nint Load(string name, string path, nint spec, LoadMode mode)
    {
        Failure.NotImplemented("module loading");
        return 0;
    }
}
