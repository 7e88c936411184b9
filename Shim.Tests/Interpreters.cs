namespace HPyShim.Tests;

/// <summary>
/// The CPythons the suite runs on: every 3.8+ that `pyenv versions` lists, plus the default
/// python3. One libhpy.so and one set of .hpy0.so files serve them all.
/// </summary>
public static class Interpreters
{
    /// <summary>The CPythons that must be installed: HPYSHIM_REQUIRE_PYTHONS (e.g. "3.8 3.13"; CI lists
    /// all six). Without it the suites run on whatever 3.8+ is found.</summary>
    public static readonly string[] RequiredMinors =
        (Environment.GetEnvironmentVariable("HPYSHIM_REQUIRE_PYTHONS") ?? "")
        .Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>(label, python executable) pairs; a listed version without an executable is kept,
    /// so the test for it fails and reports it rather than vanishing.</summary>
    public static IReadOnlyList<(string Label, string Executable)> All()
    {
        var list = new List<(string, string)>();
        string root = PyenvRoot();
        foreach (var version in PyenvVersions())
        {
            var parts = version.Split('.');
            if (parts.Length < 2 || parts[0] != "3" || !int.TryParse(parts[1], out int minor) || minor < 8) continue;
            list.Add((version, Path.Combine(root, "versions", version, "bin", $"python3.{minor}")));
        }
        list.Add(("python3", "python3"));
        return list;
    }

    public static IEnumerable<object[]> Data() => All().Select(i => new object[] { i.Label });

    public static string ExecutableFor(string label) => All().First(i => i.Label == label).Executable;

    public static string PyenvRoot() =>
        Environment.GetEnvironmentVariable("PYENV_ROOT") is { Length: > 0 } r ? r
        : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".pyenv");

    public static IReadOnlyList<string> PyenvVersions()
    {
        string dir = Path.Combine(PyenvRoot(), "versions");
        if (!Directory.Exists(dir)) return [];
        return Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>()
            .Where(v => char.IsDigit(v[0])).OrderBy(v => v).ToList();
    }

    /// <summary>The libpython a C host must load for a pyenv version.</summary>
    public static string LibPython(string version)
    {
        var parts = version.Split('.');
        return Path.Combine(PyenvRoot(), "versions", version, "lib", $"libpython{parts[0]}.{parts[1]}.so");
    }
}
