using HPyShim.CPython;

namespace HPyShim.Context;

// Fixed-width integer conversions with HPy's overflow rules: the value goes through the
// C type CPython offers, then a narrower target is range-checked here.
internal static unsafe partial class UniversalContext
{
    internal static HPy Long_FromInt32_t(HPyContext* ctx, int value) => new(Py.PyLong_FromLongLong(value));

    internal static HPy Long_FromUInt32_t(HPyContext* ctx, uint value) => new(Py.PyLong_FromUnsignedLongLong(value));

    internal static int Long_AsInt32_t(HPyContext* ctx, HPy h)
    {
        long value = Py.PyLong_AsLong(h._i).Value;
        if (value == -1 && Py.PyErr_Occurred() != 0) return -1;
        if (value < int.MinValue || value > int.MaxValue)
        {
            Failure.Raise(Py.PyExc_OverflowError, "Python int too large to convert to C int32_t");
            return -1;
        }
        return (int)value;
    }

    internal static uint Long_AsUInt32_t(HPyContext* ctx, HPy h)
    {
        ulong value = Py.PyLong_AsUnsignedLong(h._i).Value;
        // (unsigned long)-1 is CPython's error value, whatever the width of long.
        if (value == nuint.MaxValue && Py.PyErr_Occurred() != 0) return uint.MaxValue;
        if (value > uint.MaxValue)
        {
            Failure.Raise(Py.PyExc_OverflowError, "Python int too large to convert to C uint32_t");
            return uint.MaxValue;
        }
        return (uint)value;
    }

    // Masking conversions never overflow; CPython's own error value passes through unchanged.
    internal static uint Long_AsUInt32_tMask(HPyContext* ctx, HPy h) => (uint)Py.PyLong_AsUnsignedLongMask(h._i).Value;

    internal static HPy Bool_FromBool(HPyContext* ctx, byte v)
    {
        HPy result = v != 0 ? ctx->h_True : ctx->h_False;
        Py.Py_IncRef(result._i);
        return result;
    }
}
