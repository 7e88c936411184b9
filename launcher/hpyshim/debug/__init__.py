"""Debug mode: handles that know when they leak or are used after close.

Modules loaded in debug mode (``HPY=debug``, ``HPY=NAME:debug``, ``hpyshim.load(...,
mode="debug")``) see debug handles: entries of an arena the runtime owns, each knowing its
object, whether it is open, its generation and where it was opened. Misuse (a closed handle
used or closed again, a context constant closed, an argument the caller lent closed, a closed
handle or a constant returned) prints a diagnosis and ends the process, unless a hook is set with
``set_on_invalid_handle``.

The names are those of HPy's ``hpy.debug`` and ``hpy.universal._debug`` (this module is what
``hpyshim.universal._debug`` is), so code written for HPy ports by changing an import:

``new_generation()``, ``get_open_handles(gen)``, ``get_closed_handles(gen=0)``,
``get_closed_handles_queue_max_size()``, ``set_closed_handles_queue_max_size(n)``,
``get_protected_raw_data_max_size()``, ``set_protected_raw_data_max_size(n)``,
``set_on_invalid_handle(f)``, ``set_on_invalid_builder_handle(f)``,
``set_handle_stack_trace_limit(n)``, ``disable_handle_stack_traces()``, ``DebugHandle``,
``LeakDetector``, ``HPyDebugError``, ``HPyLeakError``; and ``LeakCheck``, a unittest mixin, and
``get_raw_data_protection_window()`` / ``set_raw_data_protection_window(closes, calls)``, the
bounds on how long the char* of a handle the runtime closed stays readable (docs/debug-mode.md).
As in HPy, the errors and ``LeakDetector`` come from the ``leakdetector`` submodule and the
``hpy_debug`` pytest fixture from ``pytest``; a stand-in ``hpy.debug`` maps
``hpy.debug.leakdetector`` and ``hpy.debug.pytest`` to ``hpyshim.debug.leakdetector`` and
``hpyshim.debug.pytest``.
"""

from .. import _native

__all__ = ["DebugHandle", "HPyDebugError", "HPyLeakError", "LeakDetector", "LeakCheck",
           "new_generation", "get_open_handles", "get_closed_handles",
           "get_closed_handles_queue_max_size", "set_closed_handles_queue_max_size",
           "get_protected_raw_data_max_size", "set_protected_raw_data_max_size",
           "set_on_invalid_handle", "set_on_invalid_builder_handle",
           "set_handle_stack_trace_limit", "disable_handle_stack_traces",
           "get_handle_stack_trace_limit", "get_raw_data_protection_window",
           "set_raw_data_protection_window"]


def _rt():
    return _native.runtime()


class DebugHandle:
    """A view of one arena entry: its state is read live, so a handle that is closed (or whose
    entry is reused) later shows it. Equal when they view the same entry."""

    __slots__ = ("id",)

    def __init__(self, address):
        self.id = address

    def _state(self):
        return _rt().debug_handle_state(self.id)   # (state, object or None, generation)

    @property
    def is_closed(self):
        return self._state()[0] != 1

    @property
    def obj(self):
        """The object while the handle is open; None once it is closed (the object may be gone)."""
        state, obj, _ = self._state()
        return obj if state == 1 else None

    @property
    def generation(self):
        return self._state()[2]

    @property
    def raw_data_size(self):
        """Bytes of the protected char* copy attached to the handle (-1 if none, as in HPy)."""
        return _rt().debug_raw_data_size(self.id)

    @property
    def opened_by(self):
        """The native call that opened the handle, as "binary!function+0x1c" (or None)."""
        return _rt().debug_handle_origin(self.id)

    @property
    def opened_at(self):
        """The Python line running when the handle was opened, as "file.py:12" (or None)."""
        return _rt().debug_handle_python_line(self.id)

    @property
    def allocation_stacktrace(self):
        """The native frames when the handle was opened, one per line, innermost first, if
        set_handle_stack_trace_limit was in force then (else None)."""
        return _rt().debug_handle_stack(self.id)

    def _force_close(self):
        _rt().debug_force_close(self.id)

    def __eq__(self, other):
        if not isinstance(other, DebugHandle):
            return NotImplemented
        return self.id == other.id

    def __ne__(self, other):
        if not isinstance(other, DebugHandle):
            return NotImplemented
        return self.id != other.id

    def __lt__(self, other):
        return NotImplemented

    __le__ = __gt__ = __ge__ = __lt__

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        # HPy's form: the handle, then its allocation stack trace or how to get one.
        state, obj, _ = self._state()
        if state != 1:
            head = "<DebugHandle 0x%x CLOSED>" % self.id
        else:
            head = "<DebugHandle 0x%x for %r>" % (self.id, obj)
        trace = self.allocation_stacktrace
        if trace:
            return "%s\nAllocation stacktrace:\n%s" % (head, trace)
        return ("%s\nTo get the stack trace of where it was allocated use:\n"
                "hpy.debug.set_handle_stack_trace_limit" % head)


def new_generation():
    """Start a new generation; handles opened from now on belong to it. Returns its number."""
    return _rt().debug_new_generation()


def _handles(which, generation):
    return [DebugHandle(i) for i in _rt().debug_handles(which, int(generation))]


def get_open_handles(gen):
    """The open handles of generation `gen` or later, oldest first."""
    return _handles(0, gen)


def get_closed_handles(gen=0):
    """The closed handles still in the queue (of generation `gen` or later), oldest first."""
    return _handles(1, gen)


def get_closed_handles_queue_max_size():
    return _rt().debug_closed_queue_max(-1)


def set_closed_handles_queue_max_size(size):
    if size < 0:
        raise ValueError("the closed handles queue size must be >= 0")
    _rt().debug_closed_queue_max(int(size))


def get_protected_raw_data_max_size():
    return _rt().debug_protected_raw_data_max(-1)


def set_protected_raw_data_max_size(size):
    if size < 0:
        raise ValueError("the protected raw data size must be >= 0")
    _rt().debug_protected_raw_data_max(int(size))


def _raw_data_window(closes, calls):
    return _rt().debug_raw_data_window(closes, calls)


def get_raw_data_protection_window():
    """(closes, calls): the char* of a handle the runtime closed (an argument lent to a call, a
    result taken back) is protected with a batch at the latest when `closes` such handles have
    been closed, or when an extension call starts `calls` or more calls after the last batch was
    protected (at once in a process quiet for that long). Handles the extension closes itself
    (HPy_Close, HPyTracker_Close) have their char* protected at the close."""
    return _raw_data_window(-1, -1)


def set_raw_data_protection_window(closes=None, calls=None):
    """Sets either bound (None keeps it). closes=1 or calls=0 protect every char* at its close (a
    system call per char*, as HPy does); larger values make fewer system calls."""
    if closes is not None and closes < 1:
        raise ValueError("the raw data batch must hold at least 1 close")
    if calls is not None and calls < 0:
        raise ValueError("the raw data batch's bound in calls must be >= 0")
    _raw_data_window(-1 if closes is None else int(closes), -1 if calls is None else int(calls))


def _raw_data_stats():
    """Counters of the raw data copies: {'copies', 'protection_changes', 'batches', 'waiting'}."""
    return dict(zip(("copies", "protection_changes", "batches", "waiting"), _rt().debug_raw_data_stats()))


def _set_hook(which, function):
    if function is not None and not callable(function):
        raise TypeError("Expected a callable object or None")
    _rt().debug_set_hook(which, function)   # the runtime keeps a reference


def set_on_invalid_handle(function):
    """Call `function()` on each invalid use of a handle, and go on, instead of ending the process."""
    _set_hook(0, function)


def set_on_invalid_builder_handle(function):
    """Kept for HPy compatibility: the hook is stored, but builder misuse is not checked yet."""
    _set_hook(1, function)


def set_handle_stack_trace_limit(limit):
    """Record up to `limit` native frames at each handle's opening from now on (None or 0: none);
    reprs and leak reports show them as "Allocation stacktrace:"."""
    limit = 0 if limit is None else int(limit)
    if limit < 0:
        raise ValueError("the handle stack trace limit must be >= 0 or None")
    _rt().debug_stack_limit(limit)


def disable_handle_stack_traces():
    set_handle_stack_trace_limit(None)


def get_handle_stack_trace_limit():
    """The current limit (0: stack traces are off)."""
    return _rt().debug_stack_limit(-1)


# HPy's hpy.debug names: the errors and LeakDetector live in the leakdetector submodule.
from .leakdetector import HPyDebugError, HPyLeakError, LeakDetector  # noqa: E402


class LeakCheck:
    """unittest mixin: each test fails if it leaves debug handles open."""

    def setUp(self):
        super().setUp()
        self._hpy_leaks = LeakDetector()
        self._hpy_leaks.start()
        self.addCleanup(self._hpy_check_leaks)

    def _hpy_check_leaks(self):
        try:
            self._hpy_leaks.stop()
        except HPyLeakError as e:
            self.fail(str(e))
