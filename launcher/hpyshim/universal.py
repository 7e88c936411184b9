"""The surface of HPy's ``hpy.universal`` module, served by HPy Shim.

Code and build tools written for HPy call ``hpy.universal.load`` and, from the
stub ``NAME.py`` files that HPy's setuptools integration writes next to each
``NAME.hpy0.so``, ``hpy.universal._load_bootstrap``.  This module offers both
with HPy's signatures and behaviour, so a stand-in ``hpy.universal`` can simply
re-export it.
"""

import os

from . import finder, modes

__all__ = ["MODE_UNIVERSAL", "MODE_DEBUG", "MODE_TRACE", "load", "_load_bootstrap",
           "get_version"]

# HPy's numbering of the modes (also the `mode` argument of hpyshim_load_module).
MODE_UNIVERSAL = modes.MODES["universal"]
MODE_DEBUG = modes.MODES["debug"]
MODE_TRACE = modes.MODES["trace"]

_MODE_NAMES = {number: name for name, number in modes.MODES.items()}


def _mode_name(number):
    try:
        return _MODE_NAMES[number]
    except KeyError:
        raise ValueError("invalid HPy mode: %r" % (number,)) from None


def load(name, path, spec, debug=False, mode=-1):
    """HPy's ``load(name, path, spec, debug=False, mode=-1)``: a positive `mode`
    overrides `debug`."""
    number = MODE_DEBUG if debug else MODE_UNIVERSAL
    if mode > 0:
        number = mode
    return finder.load(name, os.fsdecode(path), spec, mode=_mode_name(number))


def _load_bootstrap(name, ext_name, package, file, loader, spec, env):
    """Entry point of HPy's stub files: load `file` as module `name` in the mode
    ``env['HPY']`` asks for, and set the module attributes HPy sets."""
    mode = modes.mode_from_environ(name, env)
    modes.log_loading(name, mode, env)
    module = finder.load(name, os.fsdecode(file), spec, mode=mode)
    for attr, value in (("__file__", file), ("__loader__", loader), ("__name__", ext_name),
                        ("__package__", package)):
        setattr(module, attr, value)
    spec.origin = file
    module.__spec__ = spec
    return module


def __getattr__(name):
    # HPy's hpy.universal._debug and _trace, imported on first use (they bind ctypes).
    if name == "_debug":
        from . import debug
        return debug
    if name == "_trace":
        from . import trace
        return trace
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def get_version():
    """``(version, git revision)`` as HPy reports them: the runtime's version."""
    from . import _native, __version__
    try:
        revision = _native.version()
    except Exception:  # the runtime is not built: the launcher's version still answers
        revision = ""
    return __version__, revision
