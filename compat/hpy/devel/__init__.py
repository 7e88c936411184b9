"""``hpy.devel``: building HPy extensions with setuptools against HPy Shim's headers (hpyshim.devel).

The ``hpy_ext_modules`` setup() keyword is registered by the hpyshim distribution and handled by
the same function as here, so a setup.py written for hpy.devel builds unchanged.
"""
from hpyshim import devel as _devel
from hpyshim.devel import (DEFAULT_HPY_ABI, HPyDevel, HPyExtensionName, get_hpy_ext_suffix,  # noqa: F401
                           handle_hpy_ext_modules, is_hpy_extension, make_mixin, monkeypatch,
                           remember_hpy_extension)

from . import abitag  # noqa: F401,E402  (an attribute of HPy's hpy.devel too)

# build_hpy_mixin and build_ext_hpy_mixin import setuptools: on first use.
_LAZY = ("build_hpy_mixin", "build_ext_hpy_mixin")


def __getattr__(name):
    if name in _LAZY:
        return getattr(_devel, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
