"""``hpy.universal``: HPy Shim's implementation (hpyshim.universal)."""
from hpyshim.universal import *  # noqa: F401,F403
from hpyshim.universal import _debug, _load_bootstrap, _trace  # noqa: F401
