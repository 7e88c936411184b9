using HPyShim.Abi;
using HPyShim.Context;
using HPyShim.CPython;

namespace HPyShim.Types;

/// <summary>
/// Creating a heap type whose metaclass is not <c>type</c> (HPyType_SpecParam_Metaclass) on every
/// CPython. 3.12 has PyType_FromMetaclass. Before it, PyType_FromSpecWithBases always allocates
/// the new type as an instance of <c>type</c>, sized by <c>type.tp_basicsize</c>; so for the length
/// of that one call (under the GIL, nothing else can allocate a type meanwhile) the runtime gives
/// <c>type</c> the metaclass's basicsize, then makes the metaclass the new type's type. The object
/// then has exactly the size and layout an instance of the metaclass has, including the member
/// table CPython stores right after <c>Py_TYPE(type)->tp_basicsize</c> bytes.
/// </summary>
internal static unsafe class Metaclasses
{
    public static nint FromSpec(PyType_Spec* spec, nint bases, nint metaclass)
    {
        if (metaclass == 0) return Py.PyType_FromSpecWithBases(spec, bases);

        // As PyType_FromMetaclass: type_new is not run, so a metaclass relying on its own tp_new
        // would be silently bypassed.
        if (TypeLayout.New(metaclass) != TypeLayout.New(Py.PyType_Type))
        {
            Failure.Raise(Py.PyExc_TypeError, "Metaclasses with custom tp_new are not supported.");
            return 0;
        }
        if (Py.PyType_FromMetaclass != null) return Py.PyType_FromMetaclass(metaclass, 0, spec, bases);

        // The most derived of the metaclass and the bases' metaclasses, or a conflict error.
        nint winner = metaclass;
        if (bases != 0)
        {
            winner = Py._PyType_CalculateMetaclass(metaclass, bases);
            if (winner == 0) return 0;
            if (TypeLayout.New(winner) != TypeLayout.New(Py.PyType_Type))
            {
                Failure.Raise(Py.PyExc_TypeError, "Metaclasses with custom tp_new are not supported.");
                return 0;
            }
        }
        nint typeSize = ObjectLayout.BasicSize(Py.PyType_Type);
        nint metaSize = ObjectLayout.BasicSize(winner);
        if (metaSize < typeSize)
        {
            Failure.Raise(Py.PyExc_TypeError, "metaclass is smaller than 'type'");
            return 0;
        }
        ObjectLayout.SetBasicSize(Py.PyType_Type, metaSize);
        nint type;
        try
        {
            type = Py.PyType_FromSpecWithBases(spec, bases);
        }
        finally
        {
            ObjectLayout.SetBasicSize(Py.PyType_Type, typeSize);
        }
        if (type == 0) return 0;
        ObjectLayout.SetType(type, winner);
        // Objects of heap types own a reference to their type (static `type` had none taken).
        if ((ObjectLayout.Flags(winner) & ObjectLayout.HeapType) != 0) Py.Py_IncRef(winner);
        return type;
    }
}
