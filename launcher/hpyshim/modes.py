"""Execution modes of an HPy extension and the ``HPY`` environment variable.

``HPY`` is read exactly as HPy's own loader reads it (its stub loader and
hpy.universal), so a value means the same thing under HPy and under HPy Shim::

    HPY   := MODE | ENTRY { ',' ENTRY }
    ENTRY := MODULE_NAME ':' MODE
    MODE  := 'universal' | 'debug' | 'trace'

- Unset: universal mode.
- Without ':': MODE applies to every module.
- With ':': the entries are tried in order and the first whose MODULE_NAME
  starts the module's *short* name (the last component of a dotted name, as in
  HPy's stub files) gives the mode; a module that no entry names has no valid
  mode, so loading it fails.
- A MODE is compared case-insensitively, and HPy accepts any leading part of a
  mode name ('deb', and even an empty one, which means debug).
- Anything else raises ``ValueError('invalid HPy mode: VALUE')`` (HPyModeError),
  HPy's message.
"""

import os
import sys

__all__ = [
    "ENV_VAR", "LOG_VAR", "MODES", "DEFAULT_MODE", "HPyModeError",
    "mode_number", "normalize_mode", "mode_from_environ", "mode_for_module",
    "log_loading",
]

ENV_VAR = "HPY"
# When set (to anything), every load prints HPy's "Loading ..." line to stdout.
LOG_VAR = "HPY_LOG"

# The numbers are HPy's MODE_* and the `mode` argument of hpyshim_load_module.
MODES = {"universal": 0, "debug": 1, "trace": 2}
DEFAULT_MODE = "universal"
# HPy's order of comparison, which decides what an abbreviation means.
_MATCH_ORDER = ("debug", "trace", "universal")


# HPy raises a plain ValueError, and tracebacks should read the same.
HPyModeError = ValueError


def normalize_mode(mode):
    """Return the canonical name of `mode`, or raise ValueError (hpyshim.load's argument)."""
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


def _mode_from_text(text):
    # HPy compares the first len(text) characters, ignoring case.
    lowered = text.lower()
    for mode in _MATCH_ORDER:
        if mode.startswith(lowered):
            return mode
    return None


def _mapping_get(mapping, key):
    try:
        return mapping[key]
    except KeyError:
        return None


def _choose(short_name, value):
    if ":" not in value:
        return _mode_from_text(value)
    start = 0
    colon = value.find(":")
    while colon >= 0:
        comma = value.find(",", colon + 1)
        end = comma if comma >= 0 else len(value)
        if short_name.startswith(value[start:colon]):
            return _mode_from_text(value[colon + 1:end])
        if comma < 0:
            break
        start = comma + 1
        colon = value.find(":", start)
    return None


def mode_from_environ(short_name, env):
    """The mode HPy loads the module `short_name` in, from ``env['HPY']``.

    `env` is any mapping (os.environ, a dict).  Raises HPyModeError for a value
    that gives no valid mode for this module, TypeError for a non-str value.
    """
    value = _mapping_get(env, ENV_VAR)
    if value is None:
        return DEFAULT_MODE
    if not isinstance(value, str):
        raise TypeError("the %s value must be a str, not %s" % (ENV_VAR, type(value).__name__))
    mode = _choose(short_name, value)
    if mode is None:
        raise HPyModeError("invalid HPy mode: %.50s" % value)
    return mode


def mode_for_module(fullname, environ=None):
    """The mode the module `fullname` imports in, from ``HPY`` in `environ` (default os.environ).

    HPy matches the short name (the last component of a dotted name)."""
    return mode_from_environ(fullname.rpartition(".")[2], os.environ if environ is None else environ)


def log_loading(short_name, mode, env=None):
    """Print HPy's ``Loading ...`` line to stdout if ``HPY_LOG`` is set in `env`."""
    if _mapping_get(os.environ if env is None else env, LOG_VAR) is None:
        return
    extra = {"debug": " with a debug context", "trace": " with a trace context"}.get(mode, "")
    sys.stdout.write("Loading '%.200s' in HPy universal mode%s\n" % (short_name, extra))
