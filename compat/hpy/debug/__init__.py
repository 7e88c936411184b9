"""``hpy.debug``: HPy Shim's debug mode (hpyshim.debug)."""
from hpyshim.debug import (HPyDebugError, HPyLeakError, LeakDetector,  # noqa: F401
                           disable_handle_stack_traces, set_handle_stack_trace_limit)

from . import leakdetector  # noqa: F401,E402  (an attribute of HPy's hpy.debug too)
