"""``hpy.debug.pytest``: the ``hpy_debug`` fixture (needs pytest)."""
from hpyshim.debug_pytest import hpy_debug  # noqa: F401
