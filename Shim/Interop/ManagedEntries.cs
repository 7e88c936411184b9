namespace HPyShim.Interop;

/// <summary>
/// How many times extension code entered C# through the context or the trampoline fallback. Hot
/// paths must not: tests run real workloads and check that this does not move (a member or
/// callback that falls back into managed code is caught there, not in a benchmark). Written under
/// the GIL; a plain counter costs one instruction on paths that already cost a transition.
/// </summary>
internal static class ManagedEntries
{
    public static long Count;
}
