/* Put this directory first on the include path of a universal build to turn
   an accidental #include <Python.h> into a clear error. The wording of the
   second error is HPy's, which build tools and tests look for. */
#ifndef HPY_ABI_UNIVERSAL
#  error "HPy Shim: hpy/forbid_python_h is on the include path but the ABI is not universal"
#endif
#error "It is forbidden to #include <Python.h> when targeting the HPy Universal ABI (build in hybrid mode, HPY_ABI_HYBRID, to use the legacy C API)"
