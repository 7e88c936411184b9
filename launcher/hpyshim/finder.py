"""Loading HPy universal extensions, directly or through ``import``."""

# Only modules a fresh interpreter has already imported: importlib.abc would pull in
# importlib.resources, tempfile and typing, several milliseconds of every start-up.
import _thread
import os
import sys

try:
    # importlib.machinery's ModuleSpec, without importing importlib (and warnings) for it.
    from _frozen_importlib import ModuleSpec
except ImportError:  # pragma: no cover - an interpreter without a frozen importlib
    from importlib.machinery import ModuleSpec

from . import _native
from .modes import log_loading, mode_for_module, normalize_mode, mode_number

__all__ = ["ABI_TAG", "EXTENSION_SUFFIXES", "UNIVERSAL_SUFFIX", "HYBRID_SUFFIX", "cpython_abi_tag",
           "check_file_abi", "load", "HPyExtensionLoader", "HPyFinder",
           "install", "uninstall", "is_installed"]

ABI_TAG = "hpy0"
_EXT = ".pyd" if sys.platform == "win32" else ".so"


def cpython_abi_tag():
    """This CPython's tag in hybrid file names, as hpy.devel derives it: 'cp311', 'cp311d'."""
    # The cache tag is 'cpython-311'; the ABI flags ('d', 't') complete it.
    return sys.implementation.cache_tag.replace("cpython-", "cp") + getattr(sys, "abiflags", "")


# HPy's names: universal NAME.hpy0.so for every Python; hybrid NAME.hpy0-cp311.so, built
# against one CPython's C API and only for it.
UNIVERSAL_SUFFIX = ".%s%s" % (ABI_TAG, _EXT)
HYBRID_SUFFIX = ".%s-%s%s" % (ABI_TAG, cpython_abi_tag(), _EXT)
# Tried in this order: a build for this very CPython first.
EXTENSION_SUFFIXES = (HYBRID_SUFFIX, UNIVERSAL_SUFFIX)


def _foreign_hybrid(directory, short):
    """A hybrid build of `short` in `directory` for another CPython 3.x, or None."""
    # A few stat calls rather than a directory listing: this runs for every failed import.
    flags = getattr(sys, "abiflags", "")
    for minor in range(6, 21):
        tag = "cp3%d%s" % (minor, flags)
        path = os.path.join(directory, "%s.%s-%s%s" % (short, ABI_TAG, tag, _EXT))
        if path != os.path.join(directory, short + HYBRID_SUFFIX) and os.path.isfile(path):
            return path
    return None


def check_file_abi(path):
    """Raise the loader's error for a hybrid file built for another CPython."""
    base = os.path.basename(path)
    marker = "." + ABI_TAG + "-"
    if marker not in base or base.endswith(HYBRID_SUFFIX):
        return
    tag = base[base.index(marker) + len(marker):]
    if tag.endswith(_EXT):
        tag = tag[:-len(_EXT)]
    raise _native.load_error_type()(
        "HPy extension %s is a hybrid build for CPython ABI %r and loads only on that CPython; "
        "this is %s (%s): build it again for this Python (hybrid files are named NAME%s here)"
        % (path, tag, sys.implementation.name + " " + sys.version.split()[0], cpython_abi_tag(),
           HYBRID_SUFFIX), name=base.split(".")[0], path=path)


def _short_name(fullname):
    # The init symbols carry only the last component; '-' cannot appear in a C name.
    return fullname.rpartition(".")[2].replace("-", "_")


def _native_load(fullname, path, spec, mode):
    number = mode_number(mode)
    check_file_abi(path)
    return _native.load_module(_short_name(fullname), path, spec, number)


def load(name, path, spec=None, mode="universal"):
    """Load the HPy universal extension at `path` as module `name` and return it.

    The module is not put in sys.modules (use ``import`` for that).  Errors are
    raised as the runtime reports them (ImportError for a file that cannot be
    loaded); an unknown `mode` raises ValueError.
    """
    mode = normalize_mode(mode)
    # Without a directory part dlopen would search the system library path.
    path = os.path.abspath(os.fspath(path))
    if spec is None:
        loader = HPyExtensionLoader(name, path, mode=mode)
        spec = ModuleSpec(name, loader, origin=path)
        spec.has_location = True
    module = _native_load(name, path, spec, mode)
    _set_attrs(module, spec, path)
    return module


def _set_attrs(module, spec, path):
    # What the import machinery would set; some module objects refuse attributes.
    for attr, value in (("__spec__", spec), ("__loader__", spec.loader),
                        ("__file__", path), ("__package__", spec.parent)):
        try:
            if getattr(module, attr, None) is None:
                setattr(module, attr, value)
        except (AttributeError, TypeError):
            pass


class HPyExtensionLoader:
    """Loader of one ``NAME.hpy0.so`` file.

    The runtime creates and executes the module in create_module, so
    exec_module has nothing left to do for it.  ``importlib.reload`` calls
    exec_module alone, on the module it reloads: the module's HPy_mod_exec
    slots run again on it, as a Python module's code runs again in its
    namespace.
    """

    def __init__(self, name, path, mode=None):
        self.name = name
        self.path = path
        # None: read HPY at each import.
        self.mode = mode

    def __eq__(self, other):
        return (self.__class__ is other.__class__ and self.name == other.name
                and self.path == other.path)

    def __hash__(self):
        return hash((self.name, self.path))

    def __repr__(self):
        return "<%s %r from %r>" % (type(self).__name__, self.name, self.path)

    def create_module(self, spec):
        if self.mode is not None:
            mode = self.mode
        else:
            # As HPy's stub loader: HPY and HPY_LOG are read for the short name at each import.
            mode = mode_for_module(spec.name)
            log_loading(_short_name(spec.name), mode)
        module = _native_load(spec.name, self.path, spec, mode)
        self._created = module
        return module

    def exec_module(self, module):
        if getattr(self, "_created", None) is module:
            self._created = None   # made and executed by create_module
            return
        mode = self.mode if self.mode is not None else mode_for_module(module.__name__)
        _native.exec_module(_short_name(module.__name__), self.path, module, mode_number(mode))

    def is_package(self, fullname):
        return False

    def get_filename(self, fullname=None):
        return self.path

    def get_code(self, fullname):
        return None

    def get_source(self, fullname):
        return None


class HPyFinder:
    """Finds ``NAME.hpy0-cp3XY.so`` (a hybrid build for this CPython) or ``NAME.hpy0.so`` on
    sys.path, or on the parent package's __path__."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        short = fullname.rpartition(".")[2]
        if not short.isidentifier():
            return None
        entries = [entry or os.getcwd() for entry in (sys.path if path is None else path)
                   if isinstance(entry, str)]
        for directory in entries:
            for suffix in EXTENSION_SUFFIXES:
                candidate = os.path.join(directory, short + suffix)
                if os.path.isfile(candidate):
                    return cls._spec(fullname, candidate)
        # Only when no directory has a loadable build (foreign ones cost 15 stat calls a
        # directory): a hybrid build for another CPython, which the loader explains.
        for directory in entries:
            foreign = _foreign_hybrid(directory, short)
            if foreign is not None:
                return cls._spec(fullname, foreign)
        return None

    @staticmethod
    def _spec(fullname, path):
        path = os.path.abspath(path)
        spec = ModuleSpec(fullname, HPyExtensionLoader(fullname, path), origin=path)
        spec.has_location = True
        return spec

    @classmethod
    def invalidate_caches(cls):
        pass


_install_lock = _thread.allocate_lock()


def is_installed():
    return any(f is HPyFinder for f in sys.meta_path)


def install():
    """Put HPyFinder on sys.meta_path (once).

    It goes last so that ordinary modules keep precedence over HPy ones.
    """
    with _install_lock:
        if not is_installed():
            sys.meta_path.append(HPyFinder)


def uninstall():
    with _install_lock:
        while HPyFinder in sys.meta_path:
            sys.meta_path.remove(HPyFinder)
