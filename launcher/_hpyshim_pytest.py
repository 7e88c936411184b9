"""HPy Shim's pytest plugin: fatal debug-mode reports reach the person under pytest's capture.

A misuse in debug mode (a handle closed twice, used after close, a ``char*`` read after its handle
closed) prints a report and ends the process, as ``HPy_FatalError`` does. pytest's default capture
points file descriptor 2 at a temporary file that it shows after each test; a process that aborts
never gets there, and all one sees is "Aborted". This plugin keeps a duplicate of the stderr pytest
started with and hands it to the runtime, which writes each fatal report there as well as to fd 2,
and skips it when both are the same file (``pytest -s``), so nothing is printed twice.

How it is registered: by pytest through the ``pytest11`` entry point of the hpyshim distribution
(before the capture starts); else, in a checkout or a tree on PYTHONPATH, by the launcher when it
loads the runtime inside a pytest run, and by ``hpyshim.debug.pytest`` (so ``hpy.debug.pytest``)
when a conftest.py or a test module imports it. ``-p no:hpyshim`` turns it off. It is a module of
its own, outside the hpyshim package: a pytest run that never loads an HPy extension imports
nothing of HPy Shim's, and pays one file descriptor.
"""

import os
import sys

from pytest import hookimpl

NAME = "hpyshim"

# The duplicate of the stderr pytest started with (None: not taken yet, or given back).
# hpyshim._native reads it when it loads the runtime.
report_fd = None


def _take(capture_manager=None):
    """Duplicates the stderr pytest started with, once: fd 2 itself while pytest's capture is off,
    else fd 2 with the capture suspended for the moment."""
    global report_fd
    if report_fd is not None:
        return
    if capture_manager is None:
        report_fd = os.dup(2)   # not inherited by child processes (PEP 446)
    else:
        with capture_manager.global_and_fixture_disabled():
            report_fd = os.dup(2)
    _hand_over()


def _hand_over():
    native = sys.modules.get("hpyshim._native")
    if native is not None:
        native.apply_report_fd()


@hookimpl(hookwrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # Loaded by the entry point: this runs before the capture starts (the capture plugin's own
    # wrapper starts it around the loading of conftest.py files, whose imports may crash too).
    _take()
    yield


def pytest_configure(config):
    # Registered later (by an import in a conftest.py or a test module): pytest calls this at
    # registration, perhaps while it captures.
    _take(config.pluginmanager.getplugin("capturemanager"))


def pytest_unconfigure(config):
    global report_fd
    fd, report_fd = report_fd, None
    _hand_over()   # the runtime forgets the descriptor before it is closed
    if fd is not None:
        os.close(fd)


def register(plugin_manager):
    """Registers this plugin with a pytest plugin manager, unless it is registered already (the
    entry point) or blocked (``-p no:hpyshim``), and takes the descriptor at once: a crash before
    pytest_configure (in a conftest.py's import) is reported too."""
    module = sys.modules[__name__]
    if (plugin_manager.is_registered(module) or plugin_manager.is_blocked(NAME)
            or plugin_manager.get_plugin(NAME) is not None):
        return
    plugin_manager.register(module, NAME)
    _take(plugin_manager.getplugin("capturemanager"))


def register_from_stack():
    """Registers this plugin with the pytest run that is calling, found on the stack: pytest
    imports conftest.py files, plugins and test modules, and runs fixtures and tests, from methods
    of its plugin manager, its config, a collector or an item. Called when hpyshim.debug.pytest is
    imported and when the runtime is loaded inside a pytest run; nothing happens outside one."""
    pytest = sys.modules.get("pytest")
    names = ("PytestPluginManager", "Config", "Collector", "Item", "FixtureRequest")
    kinds = tuple(getattr(pytest, name, None) for name in names)
    if None in kinds:
        return
    manager_type, config_type = kinds[:2]
    has_config = kinds[2:]
    frame = sys._getframe(1)
    while frame is not None:
        local = frame.f_locals
        for key in ("self", "config", "early_config", "item", "request", "session"):
            value = local.get(key)
            if isinstance(value, has_config):
                value = value.config
            if isinstance(value, config_type):
                value = value.pluginmanager
            if isinstance(value, manager_type):
                register(value)
                return
        frame = frame.f_back
