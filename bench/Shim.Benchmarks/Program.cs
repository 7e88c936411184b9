using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using HPyShim;
using HPyShim.Context;
using HPyShim.CPython;

namespace HPyShim.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        // In-process: the benchmarks need the CPython this process embeds, and a generated child
        // project would have to rebuild the runtime and its native half for nothing. The job is
        // short (3 warm-ups, 3 iterations): these figures are for comparing members, not for papers.
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}

/// <summary>
/// CPython embedded in this process, started once. Each benchmark class holds the GIL between its
/// GlobalSetup and GlobalCleanup, on whatever thread BenchmarkDotNet runs it.
/// </summary>
static unsafe class EmbeddedPython
{
    static bool started;
    static delegate* unmanaged<int> gilStateEnsure;
    static delegate* unmanaged<int, void> gilStateRelease;

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int setenv(string name, string value, int overwrite);

    public static int Enter()
    {
        if (!started)
        {
            (string libpython, string prefix) = Locate();
            // Environment.SetEnvironmentVariable does not reach the C environment CPython reads.
            setenv("PYTHONHOME", prefix, 1);
            if (!Host.StartPython(libpython, out string? error))
                throw new InvalidOperationException("cannot start CPython: " + error);
            nint lib = NativeLibrary.Load(libpython);
            gilStateEnsure = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "PyGILState_Ensure");
            gilStateRelease = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(lib, "PyGILState_Release");
            var gilStateCheck = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "PyGILState_Check");
            var saveThread = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "PyEval_SaveThread");
            // Py_Initialize left the GIL with this thread; give it up so that a later class on
            // another thread can take it with PyGILState_Ensure.
            if (gilStateCheck() != 0) saveThread();
            started = true;
        }
        return gilStateEnsure();
    }

    public static void Leave(int state) => gilStateRelease(state);

    /// <summary>libpython and the prefix: $HPYSHIM_LIBPYTHON / $HPYSHIM_PYTHON_PREFIX, else python3's.</summary>
    static (string libpython, string prefix) Locate()
    {
        string? libpython = Environment.GetEnvironmentVariable("HPYSHIM_LIBPYTHON");
        string? prefix = Environment.GetEnvironmentVariable("HPYSHIM_PYTHON_PREFIX");
        if (!string.IsNullOrEmpty(libpython) && !string.IsNullOrEmpty(prefix)) return (libpython, prefix);

        string python = Environment.GetEnvironmentVariable("PYTHON") is { Length: > 0 } p ? p : "python3";
        var psi = new ProcessStartInfo(python, ["-c", "import sys; print(sys.base_prefix); print('%d.%d' % sys.version_info[:2])"])
        {
            RedirectStandardOutput = true,
        };
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"cannot run {python}");
        string[] lines = proc.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        proc.WaitForExit();
        if (proc.ExitCode != 0 || lines.Length < 2)
            throw new InvalidOperationException($"{python} did not report its prefix; set HPYSHIM_LIBPYTHON and HPYSHIM_PYTHON_PREFIX");
        prefix = string.IsNullOrEmpty(prefix) ? lines[0].Trim() : prefix;
        if (string.IsNullOrEmpty(libpython))
            libpython = Path.Combine(prefix, "lib", $"libpython{lines[1].Trim()}.so");
        if (!File.Exists(libpython))
            throw new InvalidOperationException($"{libpython} does not exist (a CPython built without --enable-shared?); set HPYSHIM_LIBPYTHON");
        return (libpython, prefix);
    }
}

/// <summary>Handles and helpers shared by the benchmark classes.</summary>
public abstract unsafe class ContextBenchmark
{
    private protected HPyContext* ctx;
    private protected HPy none, one, trueObject, longType;
    private protected HPy* items;
    int gil;

    [GlobalSetup]
    public void Setup()
    {
        gil = EmbeddedPython.Enter();
        ctx = UniversalContext.Instance;
        none = ctx->h_None;
        trueObject = ctx->h_True;
        longType = ctx->h_LongType;
        one = ctx->ctx_Long_FromInt64_t(ctx, 1);
        items = (HPy*)NativeMemory.Alloc(16, (nuint)sizeof(HPy));
        for (int i = 0; i < 16; i++) items[i] = none;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ctx->ctx_Close(ctx, one);
        NativeMemory.Free(items);
        EmbeddedPython.Leave(gil);
    }
}

/// <summary>
/// Members called through the context's function pointers, the way an extension calls them. This
/// measures whatever implements the member, C# or the C fast path, plus the call through the table.
/// </summary>
public unsafe class ContextTable : ContextBenchmark
{
    [Benchmark(Description = "Dup+Close")]
    public void DupClose()
    {
        HPy h = ctx->ctx_Dup(ctx, none);
        ctx->ctx_Close(ctx, h);
    }

    [Benchmark(Description = "TypeCheck_exact")]
    public int TypeCheckExact() => ctx->ctx_TypeCheck(ctx, one, longType);

    [Benchmark(Description = "TypeCheck_subtype")]
    public int TypeCheckSubtype() => ctx->ctx_TypeCheck(ctx, trueObject, longType);

    [Benchmark(Description = "Long_FromInt64_t+Close")]
    public void LongFromInt64()
    {
        HPy h = ctx->ctx_Long_FromInt64_t(ctx, 123456789);
        ctx->ctx_Close(ctx, h);
    }

    [Benchmark(Description = "Tracker_New+Add*16+Close")]
    public void Tracker16()
    {
        HPyTracker t = ctx->ctx_Tracker_New(ctx, 0);
        for (int i = 0; i < 16; i++) ctx->ctx_Tracker_Add(ctx, t, ctx->ctx_Dup(ctx, none));
        ctx->ctx_Tracker_Close(ctx, t);
    }

    [Benchmark(Description = "ListBuilder_New+Set*16+Build+Close")]
    public void ListBuilder16()
    {
        HPyListBuilder b = ctx->ctx_ListBuilder_New(ctx, 16);
        for (int i = 0; i < 16; i++) ctx->ctx_ListBuilder_Set(ctx, b, i, none);
        HPy list = ctx->ctx_ListBuilder_Build(ctx, b);
        ctx->ctx_Close(ctx, list);
    }

    [Benchmark(Description = "Field_Store+Field_Load+Close")]
    public void FieldStoreLoad()
    {
        HPyField field = default;
        ctx->ctx_Field_Store(ctx, none, &field, one);
        HPy h = ctx->ctx_Field_Load(ctx, none, field);
        ctx->ctx_Close(ctx, h);
        ctx->ctx_Field_Store(ctx, none, &field, default);
    }

    [Benchmark(Description = "Tuple_FromArray(2)+Close")]
    public void TupleFromArray2()
    {
        HPy t = ctx->ctx_Tuple_FromArray(ctx, items, 2);
        ctx->ctx_Close(ctx, t);
    }
}
