"""Loading HPy universal extensions, directly or through ``import``."""

import importlib.abc
import importlib.machinery
import os
import sys
import threading

from . import _native
from .modes import mode_for_module, normalize_mode, mode_number

__all__ = ["ABI_TAG", "EXTENSION_SUFFIXES", "load", "HPyExtensionLoader", "HPyFinder",
           "install", "uninstall", "is_installed"]

ABI_TAG = "hpy0"
if sys.platform == "win32":
    EXTENSION_SUFFIXES = (".%s.pyd" % ABI_TAG,)
else:
    EXTENSION_SUFFIXES = (".%s.so" % ABI_TAG,)


def _short_name(fullname):
    # The init symbols carry only the last component; '-' cannot appear in a C name.
    return fullname.rpartition(".")[2].replace("-", "_")


def _native_load(fullname, path, spec, mode):
    number = mode_number(mode)
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
        spec = importlib.machinery.ModuleSpec(name, loader, origin=path)
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


class HPyExtensionLoader(importlib.abc.Loader):
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
        mode = self.mode if self.mode is not None else mode_for_module(spec.name)
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


class HPyFinder(importlib.abc.MetaPathFinder):
    """Finds ``NAME.hpy0.so`` on sys.path, or on the parent package's __path__."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        short = fullname.rpartition(".")[2]
        if not short.isidentifier():
            return None
        entries = sys.path if path is None else path
        for entry in entries:
            if not isinstance(entry, str):
                continue
            directory = entry or os.getcwd()
            for suffix in EXTENSION_SUFFIXES:
                candidate = os.path.join(directory, short + suffix)
                if os.path.isfile(candidate):
                    candidate = os.path.abspath(candidate)
                    loader = HPyExtensionLoader(fullname, candidate)
                    spec = importlib.machinery.ModuleSpec(fullname, loader, origin=candidate)
                    spec.has_location = True
                    return spec
        return None

    @classmethod
    def invalidate_caches(cls):
        pass


_install_lock = threading.Lock()


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
