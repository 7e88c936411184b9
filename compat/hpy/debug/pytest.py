"""``hpy.debug.pytest``: the ``hpy_debug`` fixture, and HPy Shim's fatal reports under pytest's
capture (hpyshim.debug.pytest; needs pytest)."""
from hpyshim.debug.pytest import LeakDetector, fixture, hpy_debug  # noqa: F401
