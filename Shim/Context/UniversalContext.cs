using System.Runtime.InteropServices;
using HPyShim.CPython;

namespace HPyShim.Context;

/// <summary>
/// The universal context: one HPyContext in native memory that every universal extension in the
/// process shares. The hand-written members live in the partial files of this class, one file
/// per area; a member ctx_Foo is implemented by a method Foo(HPyContext* ctx, ...), which the
/// generator finds and wires into the table. Members without one raise SystemError.
/// </summary>
internal static unsafe partial class UniversalContext
{
    public const int AbiVersion = 0;

    static HPyContext* instance;

    /// <summary>The context, built on first use. Requires a bound host and the GIL.</summary>
    public static HPyContext* Instance
    {
        get
        {
            if (instance == null) instance = Create();
            return instance;
        }
    }

    static HPyContext* Create()
    {
        var ctx = (HPyContext*)NativeMemory.AllocZeroed((nuint)sizeof(HPyContext));
        ctx->name = Utf8.Persistent("HPy Universal ABI (HPy Shim)");
        ctx->abi_version = AbiVersion;
        ContextTable.FillMembers(ctx);
        return ctx;
    }
}
