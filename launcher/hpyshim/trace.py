"""Trace mode: how often an extension calls each HPy context member, and for how long.

Modules loaded in trace mode (``HPY=trace``, ``HPY=NAME:trace``, ``hpyshim.load(...,
mode="trace")``) get a context whose every member counts its calls and measures their duration.
The names and units are those of HPy's ``hpy.trace``:

``get_call_counts()``
    dict from member name (HPy's spelling, e.g. ``"ctx_Add"``) to calls so far; every member is
    present. Exact.
``get_durations()``
    same keys; nanoseconds spent inside each member (see below).
``get_frequency()``
    resolution of the clock, in Hz.
``set_trace_functions(on_enter=..., on_exit=...)``
    functions called with the member's name when a member is entered / exited; an argument not
    given leaves that function as it is, ``None`` clears it. A function that raises ends the
    process, as in HPy (its traceback is printed first).

Durations: two clock reads cost several times what most members do, so not every call is timed.
Every call is timed while a hook is set, for the first ``exact_calls`` (256) calls of each
member, and for a member while its last 8 timed calls each took a hundred clock reads or more;
otherwise one call of a member in ``sampling`` (128) on average, at random gaps, and each timed
call counts for itself and for the calls of its member since the previous timed one.
``get_durations()`` is then an estimate that only grows and covers each member's calls up to
its last timed one (at most ``2 * sampling - 2`` calls behind); ``estimated_durations()`` adds
the calls since, at their member's mean. ``HPYSHIM_TRACE_SAMPLING=1`` times every call, as HPy
does; ``get_sampling()`` returns ``(sampling, exact_calls)``. Each duration leaves out the cost
of reading the clock (the least difference of two reads in a row).

Counters are process-wide and never reset; compare two readings to measure a piece of code.
``python -m hpyshim trace SCRIPT`` runs a script with every HPy module traced and prints a
report (``--csv``, ``--svg``, ``--pstats`` write it to files too).
"""

from . import _native

__all__ = ["get_call_counts", "get_durations", "get_frequency", "set_trace_functions",
           "get_sampling", "estimated_durations", "member_names", "report_rows", "format_report",
           "write_csv", "write_pstats", "write_svg"]

_KEEP = object()
_hooks = {"on_enter": None, "on_exit": None}


def _state():
    """(frequency, sampling, exact calls, ((member, calls, ticks, covered), ...)), read at once."""
    return _native.runtime().trace_state()


def member_names():
    """Every context member the trace counts, in context order."""
    return [m[0] for m in _state()[3]]


def get_call_counts():
    return {name: calls for name, calls, _, _ in _state()[3]}


def get_frequency():
    # Measured once by the runtime, 20 ms after the trace context was made (see trace.c).
    return _state()[0]


def get_durations():
    """Nanoseconds per member (the runtime counts clock ticks; converted here): the calls up to
    each member's last timed one (see the module's documentation)."""
    frequency, _, _, members = _state()
    to_ns = 1e9 / frequency
    return {name: int(ticks * to_ns) for name, _, ticks, _ in members}


def get_sampling():
    """(sampling, exact_calls): after its first ``exact_calls`` calls, one call of a member in
    ``sampling`` is timed on average (1: every call; ``HPYSHIM_TRACE_SAMPLING`` sets it)."""
    _, sampling, exact_calls, _ = _state()
    return sampling, exact_calls


def estimated_durations():
    """Nanoseconds per member including its calls since its last timed one, estimated at the
    mean of its timed calls: what a report at the end of a run wants. Unlike
    ``get_durations()``, an estimate can shrink when the next timed call is quick, so do not
    subtract two of them."""
    frequency, _, _, members = _state()
    to_ns = 1e9 / frequency
    result = {}
    for name, calls, ticks, covered in members:
        if covered and calls > covered:
            ticks = ticks * calls / covered
        result[name] = int(ticks * to_ns)
    return result


def set_trace_functions(on_enter=_KEEP, on_exit=_KEEP):
    """Set the functions called with a member's name when it is entered or exited. A function
    that raises ends the process (its traceback printed), as in HPy."""
    for value in (on_enter, on_exit):
        if value is not _KEEP and value is not None and not callable(value):
            raise TypeError("Expected a callable object or None")
    for key, value in (("on_enter", on_enter), ("on_exit", on_exit)):
        if value is not _KEEP:
            _hooks[key] = value
    _native.runtime().trace_set_hooks(_hooks["on_enter"], _hooks["on_exit"])


# ---- reports (python -m hpyshim trace) ----

def report_rows(counts, durations, top=None):
    """(name, calls, total ns, mean ns, share of the total time) for the members called,
    most time first."""
    total = sum(durations[n] for n in counts if counts[n]) or 1
    rows = [(n, counts[n], durations[n], durations[n] / counts[n], durations[n] / total)
            for n in counts if counts[n]]
    rows.sort(key=lambda r: (-r[2], -r[1], r[0]))
    return rows[:top] if top else rows


def _ns(value):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if value >= scale:
            return "%.2f %s" % (value / scale, unit)
    return "%.0f ns" % value


def format_report(rows, total_calls=None):
    if not rows:
        return "hpyshim trace: no HPy context member was called\n"
    width = max(len("member"), max(len(r[0]) for r in rows))
    lines = ["%-*s %12s %12s %12s %7s" % (width, "member", "calls", "total", "mean", "share")]
    for name, calls, total, mean, share in rows:
        lines.append("%-*s %12d %12s %12s %6.1f%%" % (width, name, calls, _ns(total), _ns(mean),
                                                      100 * share))
    return "\n".join(lines) + "\n"


def write_csv(path, rows):
    import csv
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["member", "calls", "total_ns", "mean_ns", "share"])
        for name, calls, total, mean, share in rows:
            w.writerow([name, calls, total, "%.1f" % mean, "%.6f" % share])


def pstats_key(name):
    """The key of a member in a pstats file: ``('~', 0, name)`` is how pstats spells a function
    without a file (it prints just the name, as for CPython's built-ins)."""
    return ("~", 0, name)


def write_pstats(path, counts, durations):
    """Writes the members called (``counts``: calls, ``durations``: ns, keyed by member name) as
    a file of Python's profile statistics: the marshalled dict that ``pstats.Stats(path)``,
    ``python -m pstats``, snakeviz and gprof2dot read. Each member is a function without a
    file; its own and cumulative times are both its duration (a member's time includes what it
    runs, such as Python code it calls: the trace does not split it), and it has no callers."""
    import marshal
    stats = {}
    for name, calls in counts.items():
        if calls:
            seconds = durations.get(name, 0) / 1e9
            stats[pstats_key(name)] = (calls, calls, seconds, seconds, {})
    with open(path, "wb") as f:
        marshal.dump(stats, f)


def write_svg(path, rows, title="HPy context calls by time"):
    """A horizontal bar chart of the total time per member, as SVG text (real fonts)."""
    from xml.sax.saxutils import escape
    bar_h, gap, left, right, top = 18, 6, 260, 160, 40
    width = 900
    height = top + len(rows) * (bar_h + gap) + 20
    longest = max((r[2] for r in rows), default=1) or 1
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="24" font-size="16" font-weight="bold">%s</text>' % (left, escape(title))]
    for i, (name, calls, total, mean, share) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(1, int((width - left - right) * total / longest))
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (left - 8, y + bar_h - 5, escape(name)))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="#4878a8"/>'
                   % (left, y, w, bar_h))
        out.append('<text x="%d" y="%d">%s, %d calls (%.1f%%)</text>'
                   % (left + w + 6, y + bar_h - 5, _ns(total), calls, 100 * share))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
