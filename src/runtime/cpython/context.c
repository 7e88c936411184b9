/* The one context of a CPython ABI mode extension. Its handles are the
   interpreter's own objects, filled in when PyInit_<ext> first runs. */
#include "runtime.h"

_HPy_HIDDEN HPyContext _HPyCPy_context;

_HPy_HIDDEN int _HPyCPy_InitContext(void)
{
    HPyContext *c = &_HPyCPy_context;
    PyObject *builtins;

    if (c->name != NULL)
        return 0;

    /* builtins' dict, kept alive for the life of the process */
    builtins = PyImport_ImportModule("builtins");
    if (builtins == NULL)
        return -1;
    c->h_Builtins = _py2h(PyModule_GetDict(builtins));
    Py_INCREF(_h2py(c->h_Builtins));
    Py_DECREF(builtins);

    c->abi_version = HPY_ABI_VERSION;
    c->h_None = _py2h(Py_None);
    c->h_True = _py2h(Py_True);
    c->h_False = _py2h(Py_False);
    c->h_NotImplemented = _py2h(Py_NotImplemented);
    c->h_Ellipsis = _py2h(Py_Ellipsis);

#define EXC(NAME) c->h_##NAME = _py2h(PyExc_##NAME)
    EXC(BaseException); EXC(Exception); EXC(StopAsyncIteration);
    EXC(StopIteration); EXC(GeneratorExit); EXC(ArithmeticError);
    EXC(LookupError); EXC(AssertionError); EXC(AttributeError);
    EXC(BufferError); EXC(EOFError); EXC(FloatingPointError); EXC(OSError);
    EXC(ImportError); EXC(ModuleNotFoundError); EXC(IndexError);
    EXC(KeyError); EXC(KeyboardInterrupt); EXC(MemoryError); EXC(NameError);
    EXC(OverflowError); EXC(RuntimeError); EXC(RecursionError);
    EXC(NotImplementedError); EXC(SyntaxError); EXC(IndentationError);
    EXC(TabError); EXC(ReferenceError); EXC(SystemError); EXC(SystemExit);
    EXC(TypeError); EXC(UnboundLocalError); EXC(UnicodeError);
    EXC(UnicodeEncodeError); EXC(UnicodeDecodeError);
    EXC(UnicodeTranslateError); EXC(ValueError); EXC(ZeroDivisionError);
    EXC(BlockingIOError); EXC(BrokenPipeError); EXC(ChildProcessError);
    EXC(ConnectionError); EXC(ConnectionAbortedError);
    EXC(ConnectionRefusedError); EXC(ConnectionResetError);
    EXC(FileExistsError); EXC(FileNotFoundError); EXC(InterruptedError);
    EXC(IsADirectoryError); EXC(NotADirectoryError); EXC(PermissionError);
    EXC(ProcessLookupError); EXC(TimeoutError); EXC(Warning);
    EXC(UserWarning); EXC(DeprecationWarning); EXC(PendingDeprecationWarning);
    EXC(SyntaxWarning); EXC(RuntimeWarning); EXC(FutureWarning);
    EXC(ImportWarning); EXC(UnicodeWarning); EXC(BytesWarning);
    EXC(ResourceWarning);
#undef EXC

#define TYPE(FIELD, TP) c->FIELD = _py2h((PyObject *)&TP)
    TYPE(h_BaseObjectType, PyBaseObject_Type);
    TYPE(h_TypeType, PyType_Type);
    TYPE(h_BoolType, PyBool_Type);
    TYPE(h_LongType, PyLong_Type);
    TYPE(h_FloatType, PyFloat_Type);
    TYPE(h_UnicodeType, PyUnicode_Type);
    TYPE(h_TupleType, PyTuple_Type);
    TYPE(h_ListType, PyList_Type);
    TYPE(h_ComplexType, PyComplex_Type);
    TYPE(h_BytesType, PyBytes_Type);
    TYPE(h_MemoryViewType, PyMemoryView_Type);
    TYPE(h_CapsuleType, PyCapsule_Type);
    TYPE(h_SliceType, PySlice_Type);
    TYPE(h_DictType, PyDict_Type);
#undef TYPE

    /* set last: a non-NULL name marks the context as ready */
    c->name = "HPy CPython ABI";
    return 0;
}
