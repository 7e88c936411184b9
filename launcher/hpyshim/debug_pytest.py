"""The ``hpy_debug`` pytest fixture under its earlier name; see hpyshim.debug.pytest."""

from .debug.pytest import LeakDetector, fixture, hpy_debug  # noqa: F401

__all__ = ["hpy_debug", "LeakDetector", "fixture"]
