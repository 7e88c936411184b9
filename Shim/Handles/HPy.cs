using System.Runtime.InteropServices;

namespace HPyShim;

/// <summary>
/// An HPy handle. On CPython a universal handle is the PyObject* it stands for, so converting
/// between the two costs nothing: arguments CPython lends us are borrowed handles, and a handle a
/// context function returns owns one reference.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct HPy(nint pointer)
{
    public readonly nint _i = pointer;

    public static HPy Null => default;
    public bool IsNull => _i == 0;
    public override string ToString() => $"HPy(0x{_i:x})";
}

/// <summary>An HPyField: a PyObject* stored inside an object, owning one reference.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HPyField { public nint _i; }

/// <summary>An HPyGlobal: a PyObject* kept alive for the life of the process.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HPyGlobal { public nint _i; }

/// <summary>Builders and trackers are one word: a pointer to state the runtime owns.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HPyListBuilder { public nint _lst; }

[StructLayout(LayoutKind.Sequential)]
internal struct HPyTupleBuilder { public nint _tup; }

[StructLayout(LayoutKind.Sequential)]
internal struct HPyTracker { public nint _i; }

[StructLayout(LayoutKind.Sequential)]
internal struct HPyThreadState { public nint _i; }
