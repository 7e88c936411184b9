"""Execution modes of an HPy extension and the ``HPY`` environment variable.

Grammar of ``HPY`` (mode names are case-insensitive, blanks around items are ignored)::

    HPY   := MODE | ENTRY { ',' ENTRY }
    ENTRY := MODULE_NAME ':' MODE
    MODE  := 'universal' | 'debug' | 'trace'

A single MODE applies to every module.  With per-module entries, MODULE_NAME is
the full dotted name of the module and modules that are not listed load in
universal mode.  An unset or empty variable means universal mode everywhere.
"""

import os

__all__ = [
    "ENV_VAR", "MODES", "DEFAULT_MODE", "HPyModeError",
    "mode_number", "normalize_mode", "parse_hpy_mode", "mode_for_module",
]

ENV_VAR = "HPY"

# The numbers are the `mode` argument of hpyshim_load_module.
MODES = {"universal": 0, "debug": 1, "trace": 2}
DEFAULT_MODE = "universal"


class HPyModeError(ValueError):
    """A malformed value of the HPY environment variable."""


def normalize_mode(mode):
    """Return the canonical name of `mode`, or raise ValueError."""
    if not isinstance(mode, str):
        raise ValueError("HPy mode must be a string, not %s" % type(mode).__name__)
    key = mode.strip().lower()
    if key not in MODES:
        raise ValueError("unknown HPy mode %r (expected one of: %s)"
                         % (mode, ", ".join(sorted(MODES))))
    return key


def mode_number(mode):
    """The native number of a mode name."""
    return MODES[normalize_mode(mode)]


def _bad(value, why):
    return HPyModeError("invalid value for the %s environment variable %r: %s "
                        "(expected MODE or MODULE:MODE[,MODULE:MODE...] with MODE one of %s)"
                        % (ENV_VAR, value, why, ", ".join(sorted(MODES))))


def parse_hpy_mode(value):
    """Parse a value of ``HPY``.

    Returns ``(default_mode, per_module)``: the mode for modules that are not
    listed, and a dict mapping module names to modes.  Raises HPyModeError
    (a ValueError) naming the variable when the value is malformed.
    """
    if value is None or value.strip() == "":
        return DEFAULT_MODE, {}
    if ":" not in value:
        try:
            return normalize_mode(value), {}
        except ValueError:
            raise _bad(value, "unknown mode %r" % value.strip()) from None
    per_module = {}
    for entry in value.split(","):
        name, sep, mode = entry.partition(":")
        name = name.strip()
        if not sep:
            raise _bad(value, "entry %r has no ':'" % entry.strip())
        if not name:
            raise _bad(value, "entry %r has no module name" % entry.strip())
        if not all(part.isidentifier() for part in name.split(".")):
            raise _bad(value, "%r is not a module name" % name)
        try:
            mode = normalize_mode(mode)
        except ValueError:
            raise _bad(value, "unknown mode %r for module %r" % (mode.strip(), name)) from None
        if name in per_module:
            raise _bad(value, "module %r is listed twice" % name)
        per_module[name] = mode
    return DEFAULT_MODE, per_module


def mode_for_module(fullname, environ=None):
    """The mode `fullname` loads in, read from ``HPY`` in `environ` (default os.environ)."""
    if environ is None:
        environ = os.environ
    default, per_module = parse_hpy_mode(environ.get(ENV_VAR))
    return per_module.get(fullname, default)
