"""``hpy.devel.abitag``: file-name suffixes of HPy extensions."""
from hpyshim.devel import (HPY_ABI_TAG, HPY_ABI_VERSION, HPY_ABI_VERSION_MINOR,  # noqa: F401
                           get_hpy_ext_suffix, parse_ext_suffix)
