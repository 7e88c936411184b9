using System.Runtime.InteropServices;
using System.Text;
using HPyShim.Context;
using HPyShim.CPython;
using static HPyShim.Interop.NativeImports;

namespace HPyShim.Debug;

/// <summary>
/// Debug mode's reports: a misused handle (a diagnosis on stderr and a fatal error, or the
/// on_invalid_handle hook), where a handle was opened and closed, and the texts the char* fault
/// handler prints (it runs no managed code, so they are made beforehand).
/// </summary>
internal static unsafe class DebugReports
{
    /// <summary>The on_invalid_handle and on_invalid_builder_handle hooks: Python callables (owned) or 0.</summary>
    public static nint OnInvalidHandle, OnInvalidBuilder;

    public static void Attach(debug_arena* a)
    {
        a->invalid = &Invalid;
        a->describe = &DescribeRawData;
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
            nint hook = kind == Misuse.FinishedBuilder ? OnInvalidBuilder : OnInvalidHandle;
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
    public static string? PythonLine(debug_handle* h)
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

    public static string? AllocationStack(debug_handle* h)
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

    static string? MemberName(int member) => Utf8.Read(shim_member_name(member, 0));

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
}
