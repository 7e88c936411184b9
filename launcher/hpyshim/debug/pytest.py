"""pytest integration of debug mode, as HPy's ``hpy.debug.pytest``: the ``hpy_debug`` fixture, and
fatal reports that reach the person under pytest's output capture.

Use it from a conftest.py as HPy documents (``from hpyshim.debug.pytest import hpy_debug``, or
``hpy.debug.pytest`` with the hpy compatibility distribution), or with
``pytest_plugins = ["hpyshim.debug.pytest"]``: a test that takes ``hpy_debug`` fails if it leaves
debug handles open. Importing this module from a pytest run also registers HPy Shim's pytest plugin
(``_hpyshim_pytest``, which the hpyshim distribution's entry point loads anyway): a misuse that
ends the process is then reported on the stderr pytest started with, not only in the capture that
the abort throws away. Needs pytest 7 or later; importing this module without pytest raises
ImportError.
"""

import pytest

from .leakdetector import LeakDetector

__all__ = ["hpy_debug", "LeakDetector", "fixture"]

# HPy's module names the decorator it uses (pytest.fixture on every pytest it supports).
fixture = pytest.fixture

try:
    import _hpyshim_pytest
except ImportError:   # a stand-in pytest without hooks (or the plugin not installed)
    _hpyshim_pytest = None
else:
    _hpyshim_pytest.register_from_stack()


@fixture
def hpy_debug(request):
    """The LeakDetector running for the test: leaks fail the test at teardown."""
    if _hpyshim_pytest is not None and request is not None:
        _hpyshim_pytest.register(request.config.pluginmanager)
    with LeakDetector() as detector:
        yield detector
