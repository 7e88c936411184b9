/* Marks a symbol as visible outside the shared object, even when the
   extension is built with -fvisibility=hidden. */
#ifndef HPY_SHIM_EXPORTS_H
#define HPY_SHIM_EXPORTS_H

#ifndef HPy_EXPORTED_SYMBOL
#  if defined(_WIN32) || defined(__CYGWIN__)
#    define HPy_EXPORTED_SYMBOL __declspec(dllexport)
#  else
#    define HPy_EXPORTED_SYMBOL __attribute__((visibility("default")))
#  endif
#endif

#endif /* HPY_SHIM_EXPORTS_H */
