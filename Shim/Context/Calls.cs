using HPyShim.CPython;

namespace HPyShim.Context;

// Calls. HPy's vectorcall-style convention maps onto CPython's directly (a handle array is a
// PyObject* array), but PyObject_Vectorcall is only exported from 3.11 and
// PyObject_VectorcallDict / PyObject_VectorcallMethod from 3.9, so older hosts fall back to
// building a tuple and a dict.
internal static unsafe partial class UniversalContext
{
    internal static HPy Call(HPyContext* ctx, HPy callable, HPy* args, nuint nargs, HPy kwnames)
    {
        if (!CheckKwnames(kwnames, "HPy_Call")) return HPy.Null;
        return new HPy(Invoke(callable._i, (nint*)args, nargs, kwnames._i));
    }

    internal static HPy CallMethod(HPyContext* ctx, HPy name, HPy* args, nuint nargs, HPy kwnames)
    {
        if (!CheckKwnames(kwnames, "HPy_CallMethod")) return HPy.Null;
        if (nargs == 0 || args == null)
            return Failure.RaiseNull(Py.PyExc_TypeError, "HPy_CallMethod requires the receiver in args[0] (nargs >= 1)");
        if (name.IsNull || !ObjectLayout.HasFlag(name._i, ObjectLayout.UnicodeSubclass))
            return Failure.RaiseNull(Py.PyExc_TypeError, "HPy_CallMethod requires the method name to be a str");
        // No PY_VECTORCALL_ARGUMENTS_OFFSET: the caller's array is const, CPython may not borrow a slot.
        if (Py.PyObject_VectorcallMethod != null)
            return new HPy(Py.PyObject_VectorcallMethod(name._i, (nint*)args, nargs, kwnames._i));
        nint method = Py.PyObject_GetAttr(args[0]._i, name._i);
        if (method == 0) return HPy.Null;
        nint result = Invoke(method, (nint*)args + 1, nargs - 1, kwnames._i);
        Py.Py_DecRef(method);
        return new HPy(result);
    }

    static bool CheckKwnames(HPy kwnames, string function)
    {
        if (kwnames.IsNull || ObjectLayout.HasFlag(kwnames._i, ObjectLayout.TupleSubclass)) return true;
        Failure.Raise(Py.PyExc_TypeError, $"{function} requires kwnames to be a tuple or null handle");
        return false;
    }

    /// <summary>Vectorcall semantics on every host: args holds nargs positional values followed by
    /// one value per name in kwnames (a tuple, or 0).</summary>
    static nint Invoke(nint callable, nint* args, nuint nargs, nint kwnames)
    {
        if (Py.PyObject_Vectorcall != null) return Py.PyObject_Vectorcall(callable, args, nargs, kwnames);
        nint kwcount = kwnames == 0 ? 0 : Py.PyTuple_Size(kwnames);
        if (kwcount < 0) return 0;
        if (kwcount == 0 && Py.PyObject_VectorcallDict != null)
            return Py.PyObject_VectorcallDict(callable, args, nargs, 0);

        nint kwargs = 0;
        if (kwcount > 0)
        {
            kwargs = Py.PyDict_New();
            if (kwargs == 0) return 0;
            for (nint i = 0; i < kwcount; i++)
            {
                nint key = Py.PyTuple_GetItem(kwnames, i);   // borrowed
                if (Py.PyDict_SetItem(kwargs, key, args[(nint)nargs + i]) < 0)
                {
                    Py.Py_DecRef(kwargs);
                    return 0;
                }
            }
        }

        nint result;
        if (Py.PyObject_VectorcallDict != null)
        {
            result = Py.PyObject_VectorcallDict(callable, args, nargs, kwargs);
        }
        else
        {
            // 3.8: no exported vectorcall entry point at all.
            nint tuple = Py.PyTuple_New((nint)nargs);
            if (tuple == 0)
            {
                Py.Py_DecRef(kwargs);
                return 0;
            }
            for (nint i = 0; i < (nint)nargs; i++)
            {
                Py.Py_IncRef(args[i]);
                Py.PyTuple_SetItem(tuple, i, args[i]);
            }
            result = Py.PyObject_Call(callable, tuple, kwargs);
            Py.Py_DecRef(tuple);
        }
        Py.Py_DecRef(kwargs);
        return result;
    }
}
