/* Put this directory first on the include path of a universal build to turn
   an accidental #include <Python.h> into a clear error. */
#ifndef HPY_ABI_UNIVERSAL
#  error "HPy Shim: hpy/forbid_python_h is on the include path but the ABI is not universal"
#endif
#error "HPy Shim: a universal HPy extension must not #include <Python.h>"
