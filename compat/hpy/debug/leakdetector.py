"""``hpy.debug.leakdetector``."""
from hpyshim.debug import HPyDebugError, HPyLeakError, LeakDetector  # noqa: F401
