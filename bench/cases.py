"""The benchmark cases: one process, one mode, every case timed in a tight loop.

    python bench/cases.py --mode MODE --dir DIR --n N [--case NAME ...] [--repeat R]
        prints JSON {case: best ns/op over R repeats, "_empty_loop": ns/op of an empty loop}
    python bench/cases.py --mode MODE --dir DIR --callgrind-case NAME --n N
        runs one case for exactly N ops and prints nothing (for valgrind)
    python bench/cases.py --mode MODE --dir DIR --probe
        loads the module and exits 0, or prints why it cannot and exits 1

Modes: capi (bench_capi, the plain C API), cpython (bench_hpy built for the CPython ABI),
universal, debug, trace (bench_hpy.hpy0.so through the launcher in that mode), hpy (bench_hpy built
with HPy 0.9's headers, loaded by HPy's own runtime: bench/hpy_runtime.py builds it).

Every case is written out as its own loop rather than built from a generic "call f" helper, so
that each loop is exactly the bytecode a user would write and the loop shape is identical in
every mode. Figures are raw: the loop's own cost is included and reported once as "_empty_loop".
"""

import argparse
import gc
import importlib.machinery
import importlib.util
import json
import os
import sys
from time import perf_counter_ns

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

MODES = ("capi", "cpython", "hpy", "universal", "debug", "trace")
HPY_MODES = ("universal", "debug", "trace")
CHECKING_MODES = ("debug", "trace")   # the universal binary with a checking context
# Cases a mode cannot run: HPy 0.9.0 has no HPy_GetIter/HPyIter_Next.
UNSUPPORTED = {"hpy": ("sum_iter_1000",)}


# ---------------------------------------------------------------------------------------------
# Loading the module of a mode

def module_name(mode):
    return "bench_capi" if mode == "capi" else "bench_hpy"


def _load_extension(name, directory):
    # An ordinary CPython extension: any of this interpreter's extension suffixes will do.
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(directory, name + suffix)
        if os.path.isfile(path):
            loader = importlib.machinery.ExtensionFileLoader(name, path)
            spec = importlib.util.spec_from_file_location(name, path, loader=loader)
            module = importlib.util.module_from_spec(spec)
            loader.exec_module(module)
            return module
    raise ImportError("no %s extension for this interpreter in %s (looked for %s)"
                      % (name, directory, ", ".join(importlib.machinery.EXTENSION_SUFFIXES)))


def load_module(mode, directory):
    if mode not in MODES:
        raise ValueError("unknown mode %r (expected one of: %s)" % (mode, ", ".join(MODES)))
    name = module_name(mode)
    if mode in HPY_MODES:
        launcher = os.path.join(ROOT, "launcher")
        if launcher not in sys.path:
            sys.path.insert(0, launcher)
        import hpyshim
        # the universal build (hpyshim.EXTENSION_SUFFIXES also names this CPython's hybrid files)
        return hpyshim.load(name, os.path.join(directory, name + ".hpy0.so"), mode=mode)
    if mode == "hpy":
        import hpy_runtime
        return hpy_runtime.load(name, os.path.join(directory, name + ".hpy0.so"))
    return _load_extension(name, directory)


# ---------------------------------------------------------------------------------------------
# The cases. Each takes (module, n) and returns the elapsed ns for n ops.

def _target(a, b=None):
    # The callee of call_with_tuple*: a plain Python function, the same in every mode, so that
    # only the extension's calling side differs between modes.
    return b


_keep_alive = []


def empty_loop(m, n):
    t0 = perf_counter_ns()
    for i in range(n):
        pass
    return perf_counter_ns() - t0


def noargs(m, n):
    f = m.noargs
    t0 = perf_counter_ns()
    for i in range(n):
        f()
    return perf_counter_ns() - t0


def onearg_None(m, n):
    f = m.onearg
    t0 = perf_counter_ns()
    for i in range(n):
        f(None)
    return perf_counter_ns() - t0


def onearg_int(m, n):
    f = m.onearg
    t0 = perf_counter_ns()
    for i in range(n):
        f(1)
    return perf_counter_ns() - t0


def varargs(m, n):
    f = m.varargs
    t0 = perf_counter_ns()
    for i in range(n):
        f(1, 2)
    return perf_counter_ns() - t0


def keywords(m, n):
    f = m.keywords
    t0 = perf_counter_ns()
    for i in range(n):
        f(1, b=2)
    return perf_counter_ns() - t0


def call_with_tuple(m, n):
    f = m.call_with_tuple
    target = _target
    args = (1, 2)
    t0 = perf_counter_ns()
    for i in range(n):
        f(target, args)
    return perf_counter_ns() - t0


def call_with_tuple_and_dict(m, n):
    f = m.call_with_tuple_and_dict
    target = _target
    args = (1,)
    kwargs = {"b": 2}
    t0 = perf_counter_ns()
    for i in range(n):
        f(target, args, kwargs)
    return perf_counter_ns() - t0


def allocate_int(m, n):
    f = m.allocate_int
    t0 = perf_counter_ns()
    for i in range(n):
        f()
    return perf_counter_ns() - t0


def allocate_tuple(m, n):
    f = m.allocate_tuple
    t0 = perf_counter_ns()
    for i in range(n):
        f()
    return perf_counter_ns() - t0


def allocate_obj(m, n):
    Foo = m.Foo
    objs = [None] * n
    t0 = perf_counter_ns()
    for i in range(n):
        objs[i] = Foo()
    t1 = perf_counter_ns()
    # Deallocation is allocate_and_collect's business: the objects outlive the measurement (and,
    # under callgrind, the process, which exits without tearing down).
    _keep_alive.append(objs)
    return t1 - t0


def allocate_and_collect(m, n):
    Foo = m.Foo
    objs = [None] * n
    t0 = perf_counter_ns()
    for i in range(n):
        objs[i] = Foo()
    del objs
    gc.collect()
    return perf_counter_ns() - t0


def method_lookup(m, n):
    o = m.Foo()
    t0 = perf_counter_ns()
    for i in range(n):
        o.noargs
    return perf_counter_ns() - t0


def method_noargs(m, n):
    o = m.Foo()
    t0 = perf_counter_ns()
    for i in range(n):
        o.noargs()
    return perf_counter_ns() - t0


def method_onearg(m, n):
    o = m.Foo()
    t0 = perf_counter_ns()
    for i in range(n):
        o.onearg(1)
    return perf_counter_ns() - t0


def method_varargs(m, n):
    o = m.Foo()
    t0 = perf_counter_ns()
    for i in range(n):
        o.varargs(1, 2)
    return perf_counter_ns() - t0


def len_(m, n):
    o = m.Foo()
    ln = len
    t0 = perf_counter_ns()
    for i in range(n):
        ln(o)
    return perf_counter_ns() - t0


def getitem(m, n):
    o = m.Foo()
    t0 = perf_counter_ns()
    for i in range(n):
        o[1]
    return perf_counter_ns() - t0


def nb_add(m, n):
    o = m.Foo()
    t0 = perf_counter_ns()
    for i in range(n):
        o + 1
    return perf_counter_ns() - t0


def build_list_1000(m, n):
    f = m.build_list
    t0 = perf_counter_ns()
    for i in range(n):
        f(1000)
    return perf_counter_ns() - t0


def sum_iter_1000(m, n):
    f = m.sum_iter
    items = list(range(1000))
    t0 = perf_counter_ns()
    for i in range(n):
        f(items)
    return perf_counter_ns() - t0


def sum_getitem_1000(m, n):
    f = m.sum_getitem
    items = list(range(1000))
    t0 = perf_counter_ns()
    for i in range(n):
        f(items)
    return perf_counter_ns() - t0


def field_loop_1000(m, n):
    f = m.Holder(object()).field_loop
    t0 = perf_counter_ns()
    for i in range(n):
        f(1000)
    return perf_counter_ns() - t0


def global_loop_1000(m, n):
    f = m.global_loop
    t0 = perf_counter_ns()
    for i in range(n):
        f(1000)
    return perf_counter_ns() - t0


def call_loop_100(m, n):
    f = m.call_loop
    target = _target
    t0 = perf_counter_ns()
    for i in range(n):
        f(target, 100)
    return perf_counter_ns() - t0


def unicode_roundtrip(m, n):
    f = m.unicode_roundtrip
    text = "HPy Shim benchmark: h\u00e9llo w\u00f6rld \u2713"
    t0 = perf_counter_ns()
    for i in range(n):
        f(text)
    return perf_counter_ns() - t0


# name -> (function, group, divisor of N). The 1000-element loops do ~1000x the work per op, so
# they run N // 100 ops to keep every case at a comparable wall time.
CASES = {
    "noargs": (noargs, "call", 1),
    "onearg_None": (onearg_None, "call", 1),
    "onearg_int": (onearg_int, "call", 1),
    "varargs": (varargs, "call", 1),
    "keywords": (keywords, "call", 1),
    "call_with_tuple": (call_with_tuple, "call", 1),
    "call_with_tuple_and_dict": (call_with_tuple_and_dict, "call", 1),
    "allocate_int": (allocate_int, "alloc", 1),
    "allocate_tuple": (allocate_tuple, "alloc", 1),
    "allocate_obj": (allocate_obj, "alloc", 1),
    "allocate_and_collect": (allocate_and_collect, "alloc", 1),
    "method_lookup": (method_lookup, "type", 1),
    "method_noargs": (method_noargs, "call", 1),
    "method_onearg": (method_onearg, "call", 1),
    "method_varargs": (method_varargs, "call", 1),
    "len": (len_, "call", 1),
    "getitem": (getitem, "call", 1),
    "nb_add": (nb_add, "call", 1),
    "build_list_1000": (build_list_1000, "api", 100),
    "sum_iter_1000": (sum_iter_1000, "api", 100),
    "sum_getitem_1000": (sum_getitem_1000, "api", 100),
    "field_loop_1000": (field_loop_1000, "api", 100),
    "global_loop_1000": (global_loop_1000, "api", 100),
    "call_loop_100": (call_loop_100, "api", 10),
    "unicode_roundtrip": (unicode_roundtrip, "api", 1),
}

# The cases that measure the cost of crossing into the extension and back (the geometric-mean row
# "call path" of the report).
EMPTY = "_empty_loop"  # the key of the empty loop's cost in the output, and its callgrind name

CALL_PATH = [name for name, (_, group, _) in CASES.items() if group == "call"]


def ops_for(name, n):
    return max(1, n // CASES[name][2])


def time_case(fn, m, ops, repeat):
    best = None
    for _ in range(repeat):
        # No collection may start inside a timed loop: whichever case crossed an allocation
        # threshold would pay for the garbage of the others. allocate_and_collect collects itself.
        gc.collect()
        gc.disable()
        try:
            elapsed = fn(m, ops)
        finally:
            gc.enable()
        del _keep_alive[:]
        if best is None or elapsed < best:
            best = elapsed
    return best / ops


def main(argv=None):
    p = argparse.ArgumentParser(description="Run the benchmark cases in one mode.")
    p.add_argument("--mode", required=True, choices=MODES)
    p.add_argument("--dir", required=True, help="directory holding the built module of MODE")
    p.add_argument("--n", type=int, default=100000, help="ops per case (N/100 for the 1000-element loops)")
    p.add_argument("--case", action="append", default=[], metavar="NAME",
                   help="run only this case (repeatable)")
    p.add_argument("--repeat", type=int, default=3, help="timed repeats per case; the best is kept")
    p.add_argument("--callgrind-case", metavar="NAME",
                   help="run this case for exactly N ops, no timing, no output")
    p.add_argument("--probe", action="store_true", help="only check that the module loads")
    p.add_argument("--list", action="store_true", help="print the case names and groups as JSON")
    p.add_argument("--cpu-time", action="store_true",
                   help="time with this thread's CPU time, not wall time (leaves out the time other "
                        "processes on a busy machine take)")
    ns = p.parse_args(argv)
    if ns.cpu_time:
        global perf_counter_ns   # what every case reads its clock through
        import time
        perf_counter_ns = time.thread_time_ns

    if ns.list:
        print(json.dumps({"cases": list(CASES), "call_path": CALL_PATH}))
        return 0
    unknown = [c for c in ns.case if c not in CASES]
    if ns.callgrind_case and ns.callgrind_case not in CASES and ns.callgrind_case != EMPTY:
        unknown.append(ns.callgrind_case)
    if unknown:
        p.error("unknown case(s): %s (known: %s)" % (", ".join(unknown), ", ".join(CASES)))

    try:
        m = load_module(ns.mode, ns.dir)
    except Exception as e:
        sys.stderr.write("%s: %s\n" % (type(e).__name__, e))
        return 1
    if ns.probe:
        return 0

    if ns.callgrind_case:
        # Exactly N ops, no repeat: the caller subtracts two runs to cancel start-up.
        fn = empty_loop if ns.callgrind_case == EMPTY else CASES[ns.callgrind_case][0]
        fn(m, ns.n)
        # No teardown: freeing what a case kept alive would be counted as part of the case.
        sys.stdout.flush()
        os._exit(0)

    names = [n for n in ns.case or list(CASES) if n not in UNSUPPORTED.get(ns.mode, ())]
    result = {}
    # The empty loop goes first: it doubles as the warm-up of the interpreter and the CPU.
    result[EMPTY] = time_case(empty_loop, m, ns.n, ns.repeat)
    for name in names:
        result[name] = time_case(CASES[name][0], m, ops_for(name, ns.n), ns.repeat)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
