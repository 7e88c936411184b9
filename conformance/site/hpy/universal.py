"""``hpy.universal`` for the conformance run: HPy Shim's implementation."""
from hpyshim.universal import *  # noqa: F401,F403
from hpyshim.universal import _load_bootstrap, _debug, _trace  # noqa: F401
