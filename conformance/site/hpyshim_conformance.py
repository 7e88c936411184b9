"""pytest plugin of the conformance runner (conformance/run.py), loaded with ``-p``.

It (1) keeps only the tests whose ``hpy_abi`` parameter is one of the modes in
``$HPYSHIM_CONFORMANCE_MODES``, (2) points hpy.devel at the staged header set in
``$HPYSHIM_CONFORMANCE_DEVEL`` (official headers or ours, with their static
helper libraries) and (3) appends one JSON line per collected test and per test
phase to ``$HPYSHIM_CONFORMANCE_LOG`` as it happens, so a test that crashes the
process is still known.  For test/hpy_devel it (4) makes the "install hpy" step install the
wheel in ``$HPYSHIM_CONFORMANCE_HPY_WHEEL`` (our compatibility distribution, which pulls hpyshim
from ``$PIP_FIND_LINKS``) and keeps this run's PYTHONPATH out of the venvs it creates.
"""
import json
import os
from pathlib import Path

_log = None


def _write(record):
    if _log is not None:
        _log.write(json.dumps(record) + "\n")
        _log.flush()


def _mode_of(item):
    """The hpy_abi parameter; for tests without one, the mode their folder is about
    (test/debug, test/trace), else None (the harness's own tests)."""
    callspec = getattr(item, "callspec", None)
    mode = callspec.params.get("hpy_abi") if callspec is not None else None
    if item.nodeid.startswith("test/hpy_devel/"):
        return "hpy_devel"  # builds every ABI through setuptools: its own row, always run
    if mode is None:
        for folder in ("debug", "trace"):
            if item.nodeid.startswith("test/%s/" % folder):
                return folder
    return mode


def pytest_configure(config):
    global _log
    path = os.environ.get("HPYSHIM_CONFORMANCE_LOG")
    if path:
        _log = open(path, "a")
    devel = os.environ.get("HPYSHIM_CONFORMANCE_DEVEL")
    if devel:
        # HPyDevel() without arguments must mean the staged header set.
        import hpy.devel
        hpy.devel.HPyDevel.__init__.__defaults__ = (Path(devel),)


def pytest_collection_modifyitems(session, config, items):
    wanted = set(filter(None, os.environ.get("HPYSHIM_CONFORMANCE_MODES", "").split(",")))
    keep, drop = [], []
    for item in items:
        mode = _mode_of(item)
        # The harness's own tests (no mode) always run.
        if mode is None or mode == "hpy_devel" or mode in wanted:
            keep.append(item)
        else:
            drop.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    for item in items:
        _write({"event": "collected", "nodeid": item.nodeid, "mode": _mode_of(item)})
    wheel = os.environ.get("HPYSHIM_CONFORMANCE_HPY_WHEEL")
    modules = {item.module for item in items if item.nodeid.startswith("test/hpy_devel/")}
    for module in modules:
        if hasattr(module, "HPY_ROOT") and wheel:
            module.HPY_ROOT = wheel  # `pip install HPY_ROOT` installs our hpy wheel
    if modules:
        # The venvs must see only what is installed in them (this run's PYTHONPATH holds a
        # Debian setuptools and the compat package's source).
        os.environ.pop("PYTHONPATH", None)


def pytest_runtest_logstart(nodeid, location):
    _write({"event": "start", "nodeid": nodeid})


def pytest_runtest_logreport(report):
    record = {"event": "report", "nodeid": report.nodeid, "when": report.when,
              "outcome": report.outcome}
    if report.failed:
        text = str(report.longrepr) if report.longrepr is not None else ""
        lines = [line for line in text.splitlines() if line.startswith("E ")]
        record["error"] = (lines[-1] if lines else text.splitlines()[-1] if text else "")[:300]
    _write(record)


def pytest_collectreport(report):
    if report.failed:
        _write({"event": "collect_error", "nodeid": report.nodeid,
                "error": str(report.longrepr)[-500:]})
