"""``hpy.trace``: HPy Shim's trace mode (hpyshim.trace)."""
from hpyshim.trace import get_call_counts, get_durations, get_frequency, set_trace_functions  # noqa: F401
