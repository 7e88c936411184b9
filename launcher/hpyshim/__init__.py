"""hpyshim: run HPy universal extensions (``NAME.hpy0.so``) on CPython.

The native runtime, libhpy.so (hpy.dll on Windows), provides the HPy universal
context; this package finds it, imports it as the extension module
``hpyshim._libhpy`` and hooks it into ``import``.

Importing
    ``import hpyshim`` adds a finder to ``sys.meta_path`` (once).  After that
    ``import NAME`` finds ``NAME.hpy0-cp3XY.so`` (a hybrid build for this CPython)
    or ``NAME.hpy0.so`` on ``sys.path`` (``.pyd`` on Windows), or in a package's
    ``__path__`` for ``pkg.NAME``.  Ordinary
    modules keep precedence: the finder is consulted last.

    ``hpyshim.load(name, path, spec=None, mode="universal")`` loads one file
    directly and returns the module without putting it in ``sys.modules``.
    A file that cannot be loaded raises ``hpyshim.HPyLoadError``, both an
    ImportError (``name`` and ``path`` set) and a RuntimeError (as HPy's loader).

    ``hpyshim.universal`` has HPy's ``hpy.universal`` API: ``load(name, path,
    spec, debug=False, mode=-1)``, ``MODE_*`` and ``_load_bootstrap``, the entry
    point of the stub ``NAME.py`` files that HPy's setuptools integration writes.

Modes
    ``universal`` (default), ``debug`` or ``trace``.  For imports the ``HPY``
    environment variable chooses, read each time a module is imported exactly as
    HPy's loader reads it (see hpyshim.modes): ``HPY=debug`` for all modules, or
    ``HPY=mod_a:debug,mod_b:universal`` per module (short names).  With
    ``HPY_LOG`` set each load prints HPy's "Loading ..." line.

Finding the runtime library, in order
    ``$HPYSHIM_LIBRARY``; ``libhpy.so`` inside this package; the repository's
    ``out/lib/libhpy.so``.  The library is loaded on first use, so the
    commands that do not need it work without it.

Command line (``python -m hpyshim COMMAND --help`` for details)
    ``build NAME SRC.c... [--abi universal|hybrid|cpython] [-o DIR]``
        compile with ``$CC`` (else gcc, else cc) into ``DIR/NAME.hpy0.so``
        (hybrid: ``NAME.hpy0-cp3XY.so``, as hpy.devel names it).
    ``config --cflags | --sources | --includedir | --libdir``
        build settings; the include directory is ``$HPYSHIM_INCLUDE``, else
        ``include`` inside this package, else the repository's ``include``.
    ``run SCRIPT [ARGS...]``
        run a script as ``__main__`` with HPy imports enabled.
    ``info``
        runtime version, library path and implemented-API summary.
"""

from . import modes
from ._native import LibraryError, find_library, get_library, library_path
from .finder import (ABI_TAG, EXTENSION_SUFFIXES, HPyExtensionLoader, HPyFinder, install,
                     is_installed, load, uninstall)
from .modes import mode_for_module

__all__ = ["load", "install", "uninstall", "is_installed", "HPyFinder", "HPyExtensionLoader",
           "ABI_TAG", "EXTENSION_SUFFIXES", "LibraryError", "find_library", "get_library", "library_path",
           "runtime_version", "implemented_summary", "mode_for_module",
           "modes", "HPyLoadError", "__version__"]

# Version of this launcher package; the runtime's is runtime_version().
__version__ = "0.1.0"


def __getattr__(name):
    # HPyLoadError is created by the runtime library, so it exists once the library is loaded.
    if name == "HPyLoadError":
        from . import _native
        return _native.load_error_type()
    # The stubs' entry point, on first use: `import hpyshim` stays one module shorter.
    if name == "_load_bootstrap":
        from .universal import _load_bootstrap
        return _load_bootstrap
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def runtime_version():
    """Version string reported by the native runtime."""
    from . import _native
    return _native.version()


def implemented_summary():
    """How much of the HPy context the native runtime implements."""
    from . import _native
    return _native.implemented_summary()


install()
