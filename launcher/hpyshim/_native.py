"""Finding and binding the native runtime library (libhpy.so) with ctypes."""

import _thread
import os
import sys

from . import platform_support

__all__ = ["LIBRARY_ENV_VAR", "LibraryError", "library_name", "library_candidates", "find_library",
           "get_library", "load_module", "version", "implemented_summary"]

LIBRARY_ENV_VAR = "HPYSHIM_LIBRARY"

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# launcher/hpyshim -> repository root
_REPO_DIR = os.path.dirname(os.path.dirname(_PACKAGE_DIR))


class LibraryError(ImportError, RuntimeError):
    """The runtime library is missing or unusable.

    An ImportError so that `import ext` failing for this reason behaves like any
    other failed import; a RuntimeError for callers outside the import system.
    """


def library_name():
    return platform_support.library_name()


def library_candidates():
    """The places searched for the library, in order, as (description, path)."""
    name = library_name()
    places = []
    env = os.environ.get(LIBRARY_ENV_VAR)
    if env:
        places.append(("$" + LIBRARY_ENV_VAR, os.path.abspath(env)))
    places.append(("next to the package", os.path.join(_PACKAGE_DIR, name)))
    places.append(("repository build output", os.path.join(_REPO_DIR, "out", "lib", name)))
    return places


def find_library():
    """Absolute path of the runtime library; RuntimeError listing the places searched."""
    places = library_candidates()
    env = os.environ.get(LIBRARY_ENV_VAR)
    if env:
        # An explicit choice that is wrong must not silently fall back to another build.
        path = places[0][1]
        if os.path.isfile(path):
            return path
        raise LibraryError("%s is set to %r, but %s does not exist"
                           % (LIBRARY_ENV_VAR, env, path))
    for _, path in places:
        if os.path.isfile(path):
            return path
    raise LibraryError(
        "cannot find the HPy Shim runtime library %s; searched:\n%s\n"
        "Build it, or set %s to its path."
        % (library_name(),
           "\n".join("  %s (%s)" % (path, what) for what, path in places),
           LIBRARY_ENV_VAR))


# ctypes is imported with the library, not with the package: `import hpyshim` stays cheap.
ctypes = None
_Py_DecRef = None

_lock = _thread.allocate_lock()
_lib = None
_lib_path = None


def get_library():
    """The loaded library (a ctypes.PyDLL), loading it on first use."""
    global _lib, _lib_path, ctypes, _Py_DecRef
    with _lock:
        if _lib is None:
            import ctypes as _ctypes
            ctypes = _ctypes
            _Py_DecRef = ctypes.pythonapi.Py_DecRef
            _Py_DecRef.argtypes = [ctypes.py_object]
            _Py_DecRef.restype = None
            path = find_library()
            try:
                # PyDLL: calls keep the GIL and pending Python errors are raised.
                lib = ctypes.PyDLL(path)
            except OSError as e:
                raise LibraryError("cannot load the HPy Shim runtime library %s: %s"
                                   % (path, e)) from e
            try:
                fn = lib.hpyshim_load_module
                fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.py_object, ctypes.c_int]
                # Not py_object: ctypes crashes on a NULL py_object result that comes
                # without an exception, so load_module converts the pointer itself.
                fn.restype = ctypes.c_void_p
                lib.hpyshim_load_error_type.argtypes = []
                lib.hpyshim_load_error_type.restype = ctypes.c_void_p
                for sym in ("hpyshim_version", "hpyshim_implemented_summary"):
                    f = getattr(lib, sym)
                    f.argtypes = []
                    f.restype = ctypes.c_char_p
                lib.hpyshim_set_report_fd.argtypes = [ctypes.c_int]
                lib.hpyshim_set_report_fd.restype = None
            except AttributeError as e:
                raise LibraryError("%s is not the HPy Shim runtime library: %s"
                                   % (path, e)) from e
            _lib, _lib_path = lib, path
            loaded = True
        else:
            loaded = False
    if loaded:
        _runtime_loaded()
    return _lib


def library_path():
    get_library()
    return _lib_path


_runtime = None


def runtime():
    """The runtime library imported as the extension module hpyshim._libhpy (no ctypes); None if
    this library has no such entry point (then the ctypes binding serves)."""
    global _runtime
    if _runtime is None:
        with _lock:
            if _runtime is None:
                path = find_library()
                import _imp
                try:
                    from _frozen_importlib import ModuleSpec
                except ImportError:  # pragma: no cover
                    from importlib.machinery import ModuleSpec
                try:
                    module = _imp.create_dynamic(ModuleSpec("hpyshim._libhpy", None, origin=path))
                except ImportError as e:
                    if "PyInit__libhpy" not in str(e):
                        raise   # the runtime refused this CPython: it says why
                    module = False   # a library without PyInit__libhpy
                except Exception as e:
                    raise LibraryError("cannot load the HPy Shim runtime library %s: %s"
                                       % (path, e)) from e
                _runtime = module
                loaded = True
            else:
                loaded = False
        if loaded:
            _runtime_loaded()
    return _runtime or None


# The pytest plugin that keeps the stderr pytest started with (launcher/_hpyshim_pytest.py).
REPORT_PLUGIN = "_hpyshim_pytest"


def _report_fd():
    fd = getattr(sys.modules.get(REPORT_PLUGIN), "report_fd", None)
    return -1 if fd is None else fd


def _runtime_loaded():
    # Inside a pytest run, the plugin that keeps pytest's original stderr: the hpyshim
    # distribution's entry point has registered it when installed; from a checkout, this does.
    if "pytest" in sys.modules:
        try:
            import _hpyshim_pytest
        except ImportError:   # pytest without hooks (a stand-in), or no plugin beside the package
            pass
        else:
            _hpyshim_pytest.register_from_stack()
    if REPORT_PLUGIN in sys.modules:   # else the runtime's default holds: fd 2 only
        apply_report_fd()


def apply_report_fd():
    """Tells a loaded runtime the file descriptor that fatal reports also go to: the pytest
    plugin's duplicate of the stderr pytest started with, or none (-1). Called when the runtime is
    loaded and when the plugin takes or gives back its descriptor; the runtime skips it when it is
    the same file as fd 2."""
    fd = _report_fd()
    if _runtime:
        _runtime.set_report_fd(fd)
    elif _lib is not None:
        _lib.hpyshim_set_report_fd(fd)


def load_module(name, path, spec, mode_number):
    """Load an extension through the runtime; `name` is the module's short name."""
    rt = runtime()
    if rt is not None:
        return rt.load_module(name.encode("utf-8"), os.fsencode(path), spec, int(mode_number))
    lib = get_library()
    # PyDLL raises the exception the runtime set before looking at the result.
    result = lib.hpyshim_load_module(name.encode("utf-8"), os.fsencode(path), spec,
                                     int(mode_number))
    if not result:
        raise SystemError("the HPy Shim runtime failed to load %r from %s without "
                          "setting an exception (see stderr)" % (name, path))
    module = ctypes.cast(result, ctypes.py_object).value  # takes a reference of its own
    _Py_DecRef(module)  # so drop the one the runtime handed over
    return module


def exec_module(name, path, module, mode_number):
    """Direct call of hpyshim_exec_module: the module's exec slots again (importlib.reload)."""
    fn = get_library().hpyshim_exec_module
    fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.py_object, ctypes.c_int]
    fn.restype = ctypes.c_int
    # PyDLL raises the exception the runtime set; -1 without one is the runtime's own failure.
    if fn(name.encode("utf-8"), os.fsencode(path), module, int(mode_number)) != 0:
        raise SystemError("the HPy Shim runtime failed to reload %r from %s without setting an "
                          "exception (see stderr)" % (name, path))


def load_error_type():
    """The runtime's exception class for files that cannot be loaded (hpyshim.HPyLoadError)."""
    rt = runtime()
    if rt is not None:
        return rt.load_error_type()
    result = get_library().hpyshim_load_error_type()
    if not result:
        raise SystemError("the HPy Shim runtime could not create its load error type")
    return ctypes.cast(result, ctypes.py_object).value  # a borrowed reference, kept by the runtime


def _text(value):
    return value.decode("utf-8", "replace") if value is not None else ""


def version():
    rt = runtime()
    return rt.version() if rt is not None else _text(get_library().hpyshim_version())


def implemented_summary():
    rt = runtime()
    return rt.implemented_summary() if rt is not None else _text(get_library().hpyshim_implemented_summary())


def managed_entries():
    """How many times extension code has entered the runtime's managed (C#) half: hot paths never do."""
    f = get_library().hpyshim_managed_entries
    f.argtypes, f.restype = [], ctypes.c_int64
    return f()


def thunks_active():
    """True if universal-mode methods and slots are called through thunks (not the trampolines)."""
    f = get_library().hpyshim_thunks_active
    f.argtypes, f.restype = [], ctypes.c_int
    return bool(f())
