using System.Runtime.InteropServices;
using System.Text;
using HPyShim.Context;
using HPyShim.CPython;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.Debug;

/// <summary>
/// The debug context: every handle an extension loaded in debug mode sees is an entry of an arena
/// this class owns (allocation in slabs, the closed-handle queue's bound, generations, the
/// reports and the Python API's queries). The per-call work is C (native/debug/*.c): a managed
/// transition per call would cost more than the check itself. C calls back here only to grow
/// the arena and to report a misused handle.
/// </summary>
internal static unsafe class DebugContext
{
    public const long DefaultClosedQueueSize = 1024, DefaultProtectedRawDataSize = 10 * 1024 * 1024;
    /// <summary>The window in which the char* of a handle the runtime closed (an argument lent to
    /// a call, a returned result) may still be read: its page is protected with a batch, at the
    /// latest when this many such closes have happened, or at the start of the extension call
    /// that is this many calls after the last protection (native/debug/debug_charptr.c).</summary>
    public const long DefaultRawBatchCloses = 64, DefaultRawBatchCalls = 64;
    const int SlabEntries = 512;

    static debug_arena* arena;
    static HPyContext* context;
    static nint onInvalidHandle, onInvalidBuilder;   // Python callables (owned) or 0

    /// <summary>The debug context, made on first use. Requires a bound host and the GIL.</summary>
    public static HPyContext* Instance
    {
        get
        {
            if (context != null) return context;
            var a = (debug_arena*)NativeMemory.AllocZeroed((nuint)sizeof(debug_arena));
            a->closed_max = DefaultClosedQueueSize;
            a->raw_max = DefaultProtectedRawDataSize;
            a->raw_batch_closes = DefaultRawBatchCloses;
            a->raw_batch_calls = DefaultRawBatchCalls;
            a->grow = &Grow;
            a->invalid = &Invalid;
            a->describe = &DescribeRawData;
            arena = a;
            context = shim_debug_context(UniversalContext.Instance, a);
            if (context == null) throw new OutOfMemoryException("cannot allocate the debug context");
            return context;
        }
    }

    public static bool Is(HPyContext* ctx) => context != null && ctx == context;

    /// <summary>Adds a slab of free entries. A slab is never returned: entries cycle through the
    /// lists, so the arena's size is the most handles ever open at once plus the closed queue.</summary>
    [UnmanagedCallersOnly]
    static void Grow(debug_arena* a)
    {
        try
        {
            var slab = (debug_handle*)NativeMemory.AllocZeroed(SlabEntries, (nuint)sizeof(debug_handle));
            for (int i = 0; i < SlabEntries; i++)
            {
                slab[i].magic = debug_handle.Magic;
                slab[i].state = debug_handle.Free;
                slab[i].closed_by = -1;
                a->free.Append(&slab[i]);
            }
        }
        catch (Exception)
        {
            fixed (byte* message = "HPy debug mode: out of memory for debug handles\0"u8) FatalOutput.Fatal(message);
        }
    }


    /// <summary>A misused handle: the on_invalid_handle hook if one is set (and the program goes
    /// on), else a diagnosis on stderr and a fatal error, as HPy_FatalError.</summary>
    [UnmanagedCallersOnly]
    static void Invalid(debug_handle* h, int member, int argument, int kind, debug_handle* here, void** stack, int depth)
    {
        string title = Misuse.Title(kind);
        string where = WhereNow(here, stack, depth);
        try
        {
            if (kind == Misuse.WrongContext)
            {
                // Not hookable, as in HPy: nothing sensible can go on with a dead context.
                FatalOutput.Write($"{title}\n" +
                    $"HPy debug mode: {MemberName(member) ?? "a context call"} was called with the context " +
                    $"0x{(nint)h:x}, which was valid only during an earlier (or outer) call of the extension: " +
                    "a context must not be kept in a global or a static and used later.\n" + where);
                fixed (byte* message = "Wrong HPy Context\0"u8) FatalOutput.Fatal(message);
            }
            nint hook = kind == Misuse.FinishedBuilder ? onInvalidBuilder : onInvalidHandle;
            if (hook != 0)
            {
                CallHook(hook, kind == Misuse.FinishedBuilder ? "on_invalid_builder_handle" : "on_invalid_handle");
                return;
            }
            if (kind == Misuse.FinishedBuilder)
            {
                string name = MemberName(member) ?? "a builder call";
                // The family's own Build/Cancel: "HPyListBuilder_Set" finished by HPyListBuilder_Build/Cancel.
                string after = name.Contains('_') ? name[..name.IndexOf('_')] + "_Build/Cancel" : "its Build/Cancel";
                FatalOutput.Write($"HPy debug mode: {title}: {name} was given " +
                    $"the builder 0x{(nint)h:x} after {after}\n" + where);
                fixed (byte* message = "Invalid usage of already closed builder\0"u8) FatalOutput.Fatal(message);
            }
            FatalOutput.Write(Diagnosis(h, member, argument, kind, title) + where);
        }
        catch (Exception)
        {
            // the fatal error below still says what happened
        }
        // HPy's words for every misused handle (tools and tests look for them); the diagnosis
        // above says which misuse it was.
        fixed (byte* message = "Invalid usage of already closed handle\0"u8) FatalOutput.Fatal(message);
    }

    /// <summary>"  misused while Python ran: f.py:3" and "  by the call at: ext.so!fn+0x1c": the
    /// Python line at the misuse, and the innermost native frame outside libhpy (the extension's
    /// function that made the call).</summary>
    static string WhereNow(debug_handle* here, void** stack, int depth)
    {
        var sb = new StringBuilder();
        try
        {
            string? line = here != null ? PythonLine(here) : null;
            if (line != null) sb.Append($"  misused while Python ran: {line}\n");
            string? runtime = NativeSymbols.FileOf((void*)(delegate* unmanaged<debug_handle*, int, int, int, debug_handle*, void**, int, void>)&Invalid);
            for (int i = 0; i < depth; i++)
            {
                string? file = NativeSymbols.FileOf(stack[i]);
                if (file == null || file == runtime) continue;
                sb.Append($"  by the call at: {NativeSymbols.Describe(stack[i])}\n");
                break;
            }
        }
        catch (Exception) { /* the report goes on without it */ }
        return sb.ToString();
    }

    static void CallHook(nint hook, string name)
    {
        nint type, value, traceback;
        Py.PyErr_Fetch(&type, &value, &traceback);
        nint result = Py.PyObject_CallObject(hook, 0);
        if (result == 0)
        {
            Console.Error.WriteLine($"Error when executing the {name} callback");
            Py.PyErr_WriteUnraisable(hook);
        }
        else Py.Py_DecRef(result);
        Py.PyErr_Restore(type, value, traceback);
    }

    static string Diagnosis(debug_handle* h, int member, int argument, int kind, string title)
    {
        var sb = new StringBuilder();
        string where = MemberName(member) ?? "a context call";
        string what = argument > 0 ? $"argument {argument} of {where}" : $"the result returned to {where}";
        sb.AppendLine($"HPy debug mode: {title}");
        sb.AppendLine($"  handle 0x{(nint)h:x}, {what}");
        if (kind == Misuse.NotAHandle)
        {
            sb.AppendLine("  the value is not a debug handle: a universal handle, a handle from another context, or garbage");
            return sb.ToString();
        }
        if (h->state == debug_handle.Open)
            sb.AppendLine($"  object: {Describe(h->obj)}");
        else
        {
            string? closer = MemberName(h->closed_by);
            sb.AppendLine(h->state == debug_handle.Closed
                ? $"  closed by: {closer ?? "the end of the call that lent it"}"
                : "  closed long ago (its entry was recycled)");
        }
        string? line = PythonLine(h);
        if (line != null) sb.AppendLine($"  opened while Python ran: {line}");
        if (h->opened_at != null) sb.AppendLine($"  opened by the call at: {NativeSymbols.Describe(h->opened_at)}");
        return sb.ToString();
    }

    /// <summary>"file.py:12" of the Python frame that was running when the handle opened.</summary>
    static string? PythonLine(debug_handle* h)
    {
        if (h->code == 0 || h->instr < 0) return null;
        nint codeType = Py.PyCode_Type;
        var addrToLine = Py.PyCode_Addr2Line;
        if (codeType == 0 || addrToLine == null || ObjectLayout.TypeOf(h->code) != codeType) return null;
        nint saved, value, traceback;
        Py.PyErr_Fetch(&saved, &value, &traceback);
        int line = addrToLine(h->code, (int)h->instr);
        string? file = null;
        fixed (byte* name = "co_filename\0"u8)
        {
            nint f = Py.PyObject_GetAttrString(h->code, name);
            if (f != 0)
            {
                file = Utf8.StrOf(f);
                Py.Py_DecRef(f);
            }
            else Py.PyErr_Clear();
        }
        Py.PyErr_Restore(saved, value, traceback);
        return file == null ? null : $"{file}:{line}";
    }

    /// <summary>Where an entry was opened in Python ("file.py:12"), as UTF-8 into `buffer`; the
    /// length written, 0 if unknown.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_handle_python_line")]
    static int HandlePythonLine(debug_handle* h, byte* buffer, int size) =>
        WriteText(h, buffer, size, static e => PythonLine((debug_handle*)e));

    /// <summary>Where an entry was opened natively ("binary!function+0x1c"), as UTF-8 into
    /// `buffer`; the length written, 0 if unknown.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_handle_origin")]
    static int HandleOrigin(debug_handle* h, byte* buffer, int size) =>
        WriteText(h, buffer, size, static e => ((debug_handle*)e)->opened_at is var at && at != null ? NativeSymbols.Describe(at) : null);

    /// <summary>The native frames recorded when an entry was opened (set_handle_stack_trace_limit),
    /// one "binary!function+0x1c" per line, innermost first, as UTF-8 into `buffer`; the length
    /// written, 0 if none were recorded.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_handle_stack")]
    static int HandleStack(debug_handle* h, byte* buffer, int size) =>
        WriteText(h, buffer, size, static e => AllocationStack((debug_handle*)e));

    static string? AllocationStack(debug_handle* h)
    {
        if (h->stack == null || h->stack_depth <= 0) return null;
        var sb = new StringBuilder();
        for (int i = 0; i < h->stack_depth; i++)
        {
            if (i > 0) sb.Append('\n');
            sb.Append(NativeSymbols.Describe(h->stack[i]));
        }
        return sb.ToString();
    }

    /// <summary>How many native frames each handle opening records (0: none, the default); a
    /// value >= 0 sets it first.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_stack_limit")]
    static long StackLimit(long set)
    {
        try
        {
            if (!Ready()) return -1;
            if (set >= 0) arena->stack_limit = Math.Min(set, 4096);
            return arena->stack_limit;
        }
        catch (Exception e) { Failure.Managed(e, "set_handle_stack_trace_limit"); return -1; }
    }

    static int WriteText(debug_handle* h, byte* buffer, int size, Func<nint, string?> describe)
    {
        try
        {
            if (h == null || h->magic != debug_handle.Magic || size <= 0) return 0;
            string? text = describe((nint)h);
            if (text == null) return 0;
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            int n = Math.Min(bytes.Length, size);
            bytes.AsSpan(0, n).CopyTo(new Span<byte>(buffer, size));
            return n;
        }
        catch (Exception) { return 0; }
    }

    // (code object, instruction, getter's caller) -> the text, in native memory for good. The code
    // objects are kept alive so that an address is never reused for another one.
    static readonly Dictionary<(nint, long, nint, int), nint> rawDataTexts = new();

    /// <summary>Where a getter's raw data came from (closing 0), or how and where its handle was
    /// closed (closing 1), for the fault handler (see native/debug/debug_charptr.c).</summary>
    [UnmanagedCallersOnly]
    static byte* DescribeRawData(debug_handle* h, void* caller, int closing)
    {
        try
        {
            int kind = closing == 0 ? 0 : 2 + h->closed_by;
            var key = (h->code, h->instr, (nint)caller, kind);
            if (rawDataTexts.TryGetValue(key, out nint known)) return (byte*)known;
            var sb = new StringBuilder();
            string? line = PythonLine(h);
            if (closing == 0)
            {
                if (line != null) sb.Append($"  the handle was opened while Python ran: {line}\n");
                if (caller != null) sb.Append($"  the getter was called at: {NativeSymbols.Describe(caller)}\n");
            }
            else
            {
                string? member = MemberName(h->closed_by);
                if (member == null)
                    sb.Append("  the handle was closed when the call it was lent to returned");
                else if (member.Contains("Trampoline"))
                    sb.Append("  the handle was closed when the function returned it");
                else
                    sb.Append($"  the handle was closed by {member}");
                if (caller != null) sb.Append($", called at: {NativeSymbols.Describe(caller)}");
                sb.Append('\n');
                if (line != null) sb.Append($"  the handle was closed while Python ran: {line}\n");
            }
            byte* text = Utf8.Persistent(sb.ToString());
            if (h->code != 0) Py.Py_IncRef(h->code);
            rawDataTexts[key] = (nint)text;
            return text;
        }
        catch (Exception) { return null; }
    }

    static string? MemberName(int member) => Utf8.Read(shim_debug_member_name(member));

    /// <summary>"type 'str', 'hello'": the type name and, when it can be computed, the repr.</summary>
    static string Describe(nint obj)
    {
        string type = Utf8.Read(ObjectLayout.TypeName(ObjectLayout.TypeOf(obj))) ?? "?";
        nint saved, value, traceback;
        Py.PyErr_Fetch(&saved, &value, &traceback);
        string repr = Utf8.ReprOf(obj) ?? "?";
        Py.PyErr_Restore(saved, value, traceback);
        if (repr.Length > 200) repr = repr[..200] + "...";
        return $"type '{type}', {repr}";
    }

    // ---- the Python API (launcher/hpyshim/debug.py) ----

    static bool Ready()
    {
        if (!Host.TryBind(out string? error))
        {
            Console.Error.WriteLine($"hpyshim debug: {error}");
            return false;
        }
        _ = Instance;
        return true;
    }

    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_new_generation")]
    static long NewGeneration()
    {
        try { return Ready() ? (long)++arena->generation : -1; }
        catch (Exception e) { Failure.Managed(e, "new_generation"); return -1; }
    }

    /// <summary>Open (which 0) or closed (1) handles of at least `generation`, oldest first, into
    /// `output`; returns how many there are (call again with more room if that exceeds capacity).</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_handles")]
    static long Handles(int which, long generation, debug_handle** output, long capacity)
    {
        try { return Ready() ? shim_debug_handles(which, (ulong)Math.Max(generation, 0), output, capacity) : -1; }
        catch (Exception e) { Failure.Managed(e, "get_open_handles"); return -1; }
    }

    /// <summary>The closed-queue bound; a value >= 0 sets it first.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_closed_queue_max")]
    static long ClosedQueueMax(long set)
    {
        try
        {
            if (!Ready()) return -1;
            if (set >= 0) arena->closed_max = set;
            return arena->closed_max;
        }
        catch (Exception e) { Failure.Managed(e, "closed_handles_queue_max_size"); return -1; }
    }

    /// <summary>How many bytes of closed handles' raw data stay protected (beyond it, raw data
    /// is unmapped at close); a value >= 0 sets it first.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_protected_raw_data_max")]
    static long ProtectedRawDataMax(long set)
    {
        try
        {
            if (!Ready()) return -1;
            if (set >= 0) arena->raw_max = set;
            return arena->raw_max;
        }
        catch (Exception e) { Failure.Managed(e, "protected_raw_data_max_size"); return -1; }
    }

    /// <summary>The raw data batch's bounds (see DefaultRawBatchCloses): the closes, then the
    /// calls, into `window`; values >= 0 in `set` (closes >= 1) set them first.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_raw_data_window")]
    static int RawDataWindow(long* set, long* window)
    {
        try
        {
            if (!Ready()) return -1;
            if (set[0] >= 1) arena->raw_batch_closes = set[0];
            if (set[1] >= 0) arena->raw_batch_calls = set[1];
            window[0] = arena->raw_batch_closes;
            window[1] = arena->raw_batch_calls;
            return 0;
        }
        catch (Exception e) { Failure.Managed(e, "raw_data_protection_window"); return -1; }
    }

    /// <summary>Raw data counters: copies made, protection changes asked of the system, batches
    /// protected, copies waiting in the batch now.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_raw_data_stats")]
    static int RawDataStats(long* output)
    {
        try
        {
            if (!Ready()) return -1;
            shim_debug_raw_stats(output);
            return 0;
        }
        catch (Exception e) { Failure.Managed(e, "raw_data_stats"); return -1; }
    }

    /// <summary>Size of the raw data attached to an entry, -1 if none (HPy's convention).</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_raw_data_size")]
    static long RawDataSize(debug_handle* h) =>
        h == null || h->magic != debug_handle.Magic || h->raw == null ? -1 : h->raw_size;

    /// <summary>State of an entry (0 free, 1 open, 2 closed), its object if open (borrowed) and
    /// generation; -1 if the address is not an entry.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_handle_state")]
    static int HandleState(debug_handle* h, nint* obj, long* generation)
    {
        if (h == null || h->magic != debug_handle.Magic) return -1;
        *obj = h->state == debug_handle.Open ? h->obj : 0;
        *generation = (long)h->generation;
        return (int)h->state;
    }

    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_force_close")]
    static int ForceClose(debug_handle* h)
    {
        try { return Ready() ? shim_debug_force_close(h) : -1; }
        catch (Exception e) { Failure.Managed(e, "_force_close"); return -1; }
    }

    /// <summary>Sets a hook (which 0: invalid handle, 1: invalid builder) to a callable, or
    /// clears it for None/NULL.</summary>
    [UnmanagedCallersOnly(EntryPoint = "hpyshim_debug_set_hook")]
    static int SetHook(int which, nint callable)
    {
        try
        {
            if (!Ready()) return -1;
            ref nint slot = ref (which == 0 ? ref onInvalidHandle : ref onInvalidBuilder);
            if (slot != 0) Py.Py_DecRef(slot);
            slot = callable;   // NULL (None in Python) clears
            if (slot != 0) Py.Py_IncRef(slot);
            return 0;
        }
        catch (Exception e) { Failure.Managed(e, "set_on_invalid_handle"); return -1; }
    }
}
