"""``hpy.devel``: building HPy extensions with setuptools against HPy Shim's headers (hpyshim.devel).

The ``hpy_ext_modules`` setup() keyword is registered by the hpyshim distribution and handled by
the same function as here, so a setup.py written for hpy.devel builds unchanged.
"""
from hpyshim.devel import (DEFAULT_HPY_ABI, HPyDevel, handle_hpy_ext_modules,  # noqa: F401
                           get_hpy_ext_suffix)
