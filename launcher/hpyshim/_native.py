"""Finding the native runtime library (libhpy.so) and importing it as hpyshim._libhpy."""

import _thread
import os
import sys

from . import platform_support

__all__ = ["LIBRARY_ENV_VAR", "LibraryError", "library_name", "library_candidates", "find_library",
           "get_library", "runtime", "library_path", "load_module", "version", "implemented_summary"]

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


_lock = _thread.allocate_lock()
_runtime = None
_lib_path = None


def runtime():
    """The runtime library imported as the extension module hpyshim._libhpy, loading it on first
    use. Its methods (launcher/hpyshim/_libhpy.pyi) are the launcher's only way into the runtime."""
    global _runtime, _lib_path
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
                    raise LibraryError("%s is not the HPy Shim runtime library: it has no "
                                       "PyInit__libhpy" % path) from e
                except Exception as e:
                    raise LibraryError("cannot load the HPy Shim runtime library %s: %s"
                                       % (path, e)) from e
                _runtime, _lib_path = module, path
                loaded = True
            else:
                loaded = False
        if loaded:
            _runtime_loaded()
    return _runtime


# The name hpyshim exported before the runtime was an extension module.
get_library = runtime


def library_path():
    runtime()
    return _lib_path


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
    if _runtime is not None:
        _runtime.set_report_fd(_report_fd())


def load_module(name, path, spec, mode_number):
    """Load an extension through the runtime; `name` is the module's short name."""
    return runtime().load_module(name.encode("utf-8"), os.fsencode(path), spec, int(mode_number))


def exec_module(name, path, module, mode_number):
    """The module's exec slots again (importlib.reload)."""
    runtime().exec_module(name.encode("utf-8"), os.fsencode(path), module, int(mode_number))


def load_error_type():
    """The runtime's exception class for files that cannot be loaded (hpyshim.HPyLoadError)."""
    return runtime().load_error_type()


def version():
    return runtime().version()


def implemented_summary():
    return runtime().implemented_summary()


def managed_entries():
    """How many times extension code has entered the runtime's managed (C#) half: hot paths never do."""
    return runtime().managed_entries()


def thunks_active():
    """True if universal-mode methods and slots are called through thunks (not the trampolines)."""
    return bool(runtime().thunks_active())
