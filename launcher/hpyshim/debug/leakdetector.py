"""Leak detection for debug mode: HPy's ``hpy.debug.leakdetector`` (HPyDebugError, HPyLeakError,
LeakDetector), served by HPy Shim."""

__all__ = ["HPyDebugError", "HPyLeakError", "LeakDetector"]

# Tracebacks name the classes as HPy's users see them ("hpy.debug.leakdetector.HPyLeakError: ..."),
# the module a stand-in hpy.debug maps to this one.
_HPY_MODULE = "hpy.debug.leakdetector"


class HPyDebugError(Exception):
    pass


class HPyLeakError(HPyDebugError):
    def __init__(self, leaks):
        super().__init__()
        self.leaks = leaks

    def __str__(self):
        n = len(self.leaks)
        lines = ["%d unclosed handle%s:" % (n, "" if n == 1 else "s")]
        for h in self.leaks:
            # HPy's lines (the repr, with its stack trace or hint), and after the repr's first
            # line where HPy Shim saw the handle open: the Python line and the native call.
            head, _, rest = repr(h).partition("\n")
            lines.append("    " + head)
            line = getattr(h, "opened_at", None)
            if line:
                lines.append("        opened while Python ran: %s" % line)
            origin = getattr(h, "opened_by", None)
            if origin:
                lines.append("        opened by the call at: %s" % origin)
            if rest:
                lines.append(rest)
        return "\n".join(lines)


HPyDebugError.__module__ = HPyLeakError.__module__ = _HPY_MODULE


class LeakDetector:
    """Raises HPyLeakError when handles opened between start() and stop() are still open."""

    def __init__(self):
        self.generation = None

    def start(self):
        if self.generation is not None:
            raise ValueError("LeakDetector already started")
        from . import new_generation
        self.generation = new_generation()

    def stop(self):
        if self.generation is None:
            raise ValueError("LeakDetector not started yet")
        from . import get_open_handles
        leaks = get_open_handles(self.generation)
        self.generation = None
        if leaks:
            raise HPyLeakError(leaks)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, etype, evalue, tb):
        self.stop()
