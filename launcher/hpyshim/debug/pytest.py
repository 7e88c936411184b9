"""pytest integration of debug mode: the ``hpy_debug`` fixture, as HPy's ``hpy.debug.pytest``.

Use it from a conftest.py (``pytest_plugins = ["hpyshim.debug.pytest"]``) or import the fixture:
a test that takes ``hpy_debug`` fails if it leaves debug handles open. Needs pytest; importing this
module without it raises ImportError.
"""

import pytest

from .leakdetector import LeakDetector

__all__ = ["hpy_debug", "LeakDetector"]


@pytest.fixture
def hpy_debug(request):
    """The LeakDetector running for the test: leaks fail the test at teardown."""
    with LeakDetector() as detector:
        yield detector
