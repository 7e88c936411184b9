"""The realistic benchmark: cext-samples/solver, an extension written like a real one (GC'd types
holding objects in HPyFields, number protocol and rich comparison creating objects, tuple
builders, types in HPyGlobals checked with HPy_TypeCheck, HPyArg_Parse, names and strengths passed
as str or bytes and read through the char* getters), the same source built for the CPython ABI, as
a hybrid binary and as a universal binary, the universal one also loaded in debug mode.

    python bench/realistic.py [--rounds R] [--scale S] [--callgrind] [--mode M ...]

Workloads, each timed in a fresh process per mode, modes interleaved per round (best of R):
  build    Python operators build ~100k live objects (S=1): 2000 variables named by str or bytes
           (HPyUnicode_AsUTF8AndSize, HPyBytes_AsString), 15000 constraints x*2 + y*3 + 1 <= z with a
           strength given by name (c | "strong", or Constraint(e, "<=", "strong"): one or two
           HPyUnicode_AsUTF8AndSize each)
  collect  gc.collect() over that graph (every object traversed)
  methods  a solver-style loop: update_variables, total_violation, per-object method calls
With --callgrind, instructions per workload under valgrind instead: the difference between runs
that stop before and after the workload. Ratios are to CPython ABI mode.
"""

import argparse
import gc
import glob
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "out", "bench", "realistic")
SOURCE = os.path.join(ROOT, "cext-samples", "solver", "solver.c")
MODES = ("cpython", "hpy", "hybrid", "universal", "debug", "trace")
# hpy: the source built with HPy 0.9's headers, run by HPy's own runtime (when bench/hpy_runtime.py
# has built it; otherwise the mode is left out)
BUILD_OF = {"cpython": "cpython", "hpy": "hpy", "hybrid": "hybrid", "universal": "universal",
            "debug": "universal", "trace": "universal"}
WORKLOADS = ("build", "collect", "methods")

sys.path.insert(0, HERE)
from run import (VALGRIND_ENV, _TOTAL, child_env, print_syscall_table, say,  # noqa: E402
                 strace_run)  # (the microbenchmarks' runner)
from cases import CHECKING_MODES  # noqa: E402
import hpy_runtime  # noqa: E402


# ---------------------------------------------------------------------------------------------
# The child: load the module of a mode, run the workloads up to a stage

def load(mode, directory):
    if mode == "cpython":
        import importlib.machinery
        import importlib.util
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(directory, "solver" + suffix)
            if os.path.isfile(path):
                loader = importlib.machinery.ExtensionFileLoader("solver", path)
                spec = importlib.util.spec_from_file_location("solver", path, loader=loader)
                module = importlib.util.module_from_spec(spec)
                loader.exec_module(module)
                return module
        raise ImportError("no CPython ABI build of solver in %s" % directory)
    if mode == "hpy":
        return hpy_runtime.load("solver", os.path.join(directory, "solver.hpy0.so"))
    import hpyshim
    paths = sorted(glob.glob(os.path.join(directory, "solver.hpy0*.so")))
    if not paths:
        raise ImportError("no solver.hpy0*.so in %s" % directory)
    # trace: the universal binary in trace mode (every context call counted, a sample timed)
    return hpyshim.load("solver", paths[0], mode="universal" if mode == "hybrid" else mode)


def workloads(solver, scale):
    nvars, ncons = 2000, int(15000 * scale)
    state = {}

    def build():
        V, C = solver.Variable, solver.Constraint
        strengths = ("required", "strong", "medium", "weak")
        xs = [V("v%d" % i if i % 2 else b"v%d" % i, float(i % 7)) for i in range(nvars)]
        cons = []
        for i in range(ncons):
            x, y, z = xs[i % nvars], xs[(i * 7 + 1) % nvars], xs[(i * 13 + 2) % nvars]
            if i % 3:
                cons.append((x * 2.0 + y * 3.0 + 1.0 <= z) | strengths[i % 4])
            else:
                cons.append(C(x * 2.0 + y * 3.0 + 1.0 - z, "<=", strengths[i % 4]))
        state["vars"], state["cons"] = xs, cons

    def collect():
        for _ in range(3):
            gc.collect()

    def methods():
        xs, cons = state["vars"], state["cons"]
        values = [float(i % 5) for i in range(len(xs))]
        total = 0.0
        for r in range(10):
            solver.update_variables(xs, values)
            total += solver.total_violation(cons)
            for c in cons[:5000]:
                if c.violated():
                    total += c.violation()
            for v in xs:
                v.setValue(v.value() + 1.0)
        state["total"] = total

    return {"build": build, "collect": collect, "methods": methods}


def child(mode, directory, upto, scale, timed, clock=time.perf_counter):
    solver = load(mode, directory)
    steps = workloads(solver, scale)
    order = list(WORKLOADS)
    stop = order.index(upto) + 1 if upto != "none" else 0
    times = {}
    for name in order[:stop]:
        if name == "collect" and upto == "methods":
            continue   # the methods figure does not include a collection
        t0 = clock()
        steps[name]()
        times[name] = clock() - t0
    if timed:
        import json
        print(json.dumps(times))


# ---------------------------------------------------------------------------------------------
# The parent: build, time, count

def build(mode):
    d = os.path.join(OUT, mode)
    os.makedirs(d, exist_ok=True)
    for f in glob.glob(os.path.join(d, "solver*")):
        os.remove(f)
    if mode == "hpy":
        cmd, _ = hpy_runtime.build_extension_command("solver", [SOURCE], d)
    else:
        cmd = [sys.executable, "-m", "hpyshim", "build", "solver", SOURCE, "--abi", mode, "-o", d]
    p = subprocess.run(cmd, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if p.returncode != 0:
        raise RuntimeError("building solver for %s failed: %s" % (mode, p.stdout.strip()[-400:]))
    return d


def child_command(mode, d, upto, scale):
    return [sys.executable, os.path.abspath(__file__), "--child", mode, d, upto, str(scale)]


def run_child(mode, d, upto, scale, timed, valgrind_out=None, cpu_time=False):
    cmd = child_command(mode, d, upto, scale)
    env = child_env()
    if timed:
        cmd.append("--timed")
    if cpu_time:
        cmd.append("--cpu-time")
    if valgrind_out:
        env.update(VALGRIND_ENV)
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + valgrind_out] + cmd
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        raise RuntimeError("%s child failed: %s" % (mode, (p.stderr or p.stdout).strip()[-600:]))
    return p.stdout


def ir_of(path):
    with open(path) as f:
        return int(_TOTAL.search(f.read()).group(1))


def table(title, results, modes, unit, digits):
    # every mode against CPython ABI mode; the checking modes also against universal mode
    pairs = [(m, "cpython") for m in modes if m != "cpython"]
    pairs += [(m, "universal") for m in modes if m in CHECKING_MODES and "universal" in modes]
    say(title)
    say("| workload | " + " | ".join("%s %s" % (m, unit) for m in modes) + " | "
        + " | ".join("%s / %s" % p for p in pairs) + " |")
    say("| --- |" + " ---: |" * (len(modes) + len(pairs)))
    for w in WORKLOADS:
        row = [results[m].get(w) for m in modes]
        cells = ["%.*f" % (digits, v) if v is not None else "-" for v in row]
        ratios = []
        for m, r in pairs:
            ref = results[r].get(w) if r in results else None
            ratios.append("%.3f" % (results[m][w] / ref) if ref and results[m].get(w) else "-")
        say("| %s | %s | %s |" % (w, " | ".join(cells), " | ".join(ratios)))
    say()


def syscalls(modes, dirs, scale):
    """System calls per workload run (strace -f -c): the difference between runs that stop before
    and after each workload, as for the instruction counts."""
    if not shutil.which("strace"):
        say("strace is not installed (it is a Debian package: strace; ./build.sh bench installs it)")
        return
    per_run = {m: {} for m in modes}
    for m in modes:
        counts = {}
        for upto in ("none", "build", "collect", "methods"):
            out = os.path.join(OUT, "strace", "%s.%s.txt" % (m, upto))
            counts[upto] = strace_run(child_command(m, dirs[m], upto, scale), out, child_env())

        def minus(b, a):
            return {k: b.get(k, 0) - a.get(k, 0) for k in set(a) | set(b)}
        per_run[m] = {"build": minus(counts["build"], counts["none"]),
                      "collect": minus(counts["collect"], counts["build"]),
                      "methods": minus(counts["methods"], counts["build"])}
    print_syscall_table("System calls per workload run (strace -f -c, scale %.2f: the build workload makes "
                        "%d char* copies in debug mode):" % (scale, char_pointers(scale)),
                        list(WORKLOADS), modes, per_run, unit="run")
    say()


def write_json(name, data):
    import json
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
    say("wrote %s" % os.path.relpath(path, ROOT))


def char_pointers(scale):
    """The char* the build workload asks for: a name per variable, one strength per constraint
    built with |, an operator and a strength per constraint built with Constraint()."""
    ncons = int(15000 * scale)
    return 2000 + ncons + len(range(0, ncons, 3))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--child", nargs=4, metavar=("MODE", "DIR", "UPTO", "SCALE"), help=argparse.SUPPRESS)
    p.add_argument("--timed", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--scale", type=float, default=1.0, help="graph size (1.0: ~100k live objects)")
    p.add_argument("--mode", action="append", choices=MODES, default=[])
    p.add_argument("--callgrind", action="store_true", help="instructions under valgrind instead of time")
    p.add_argument("--cpu-time", action="store_true",
                   help="the thread's CPU time instead of wall time (for a busy machine)")
    p.add_argument("--no-strace", action="store_true", help="leave the system call counts out")
    p.add_argument("--strace", action="store_true", help="only the system call counts")
    ns = p.parse_args(argv)
    if ns.child:
        mode, d, upto, scale = ns.child
        child(mode, d, upto, float(scale), ns.timed, time.thread_time if ns.cpu_time else time.perf_counter)
        return 0

    modes = [m for m in MODES if not ns.mode or m in ns.mode]
    if "hpy" in modes and not hpy_runtime.runtime_built():
        if ns.mode:
            say("mode hpy: HPy's runtime is not built for this CPython (python bench/hpy_runtime.py)")
        modes.remove("hpy")
    say("== realistic benchmark (cext-samples/solver), %s" % sys.version.split()[0])
    built = {}
    for m in modes:
        if BUILD_OF[m] not in built:
            built[BUILD_OF[m]] = build(BUILD_OF[m])
    dirs = {m: built[BUILD_OF[m]] for m in modes}
    if ns.callgrind:
        scale = min(ns.scale, 0.2)   # valgrind is ~50x slower; the ratios do not depend on size
        results = {m: {} for m in modes}
        cg = os.path.join(OUT, "callgrind")
        os.makedirs(cg, exist_ok=True)
        for m in modes:
            ir = {}
            for upto in ("none", "build", "collect", "methods"):
                out = os.path.join(cg, "%s.%s.out" % (m, upto))
                run_child(m, dirs[m], upto, scale, False, valgrind_out=out)
                ir[upto] = ir_of(out)
            results[m] = {"build": ir["build"] - ir["none"], "collect": ir["collect"] - ir["build"],
                          "methods": ir["methods"] - ir["build"]}
            say("  %-9s " % m + ", ".join("%s %d" % (w, results[m][w]) for w in WORKLOADS))
        say()
        table("Instructions per workload (callgrind, scale %.2f; ratio to CPython ABI mode):" % scale,
              results, modes, "Ir", 0)
        write_json("callgrind.json", {"python": sys.version.split()[0], "scale": scale, "ir": results})
        return 0
    if ns.strace:
        syscalls(modes, dirs, ns.scale)
        return 0
    best = {m: {} for m in modes}
    import json
    for r in range(ns.rounds):
        order = modes[r % len(modes):] + modes[:r % len(modes)]
        for m in order:
            times = json.loads(run_child(m, dirs[m], "methods", ns.scale, True, cpu_time=ns.cpu_time)
                               .strip().splitlines()[-1])
            t2 = json.loads(run_child(m, dirs[m], "collect", ns.scale, True, cpu_time=ns.cpu_time)
                            .strip().splitlines()[-1])
            times["collect"] = t2["collect"]
            for w, t in times.items():
                best[m][w] = min(best[m].get(w, t * 1000.0), t * 1000.0)
    table("%s per workload in ms (best of %d rounds, one process per mode and round; ratio to "
          "CPython ABI mode):" % ("CPU time" if ns.cpu_time else "Time", ns.rounds), best, modes, "ms", 1)
    write_json("times.json", {"python": sys.version.split()[0], "scale": ns.scale, "rounds": ns.rounds,
                              "clock": "cpu" if ns.cpu_time else "wall", "ms": best})
    if not ns.no_strace:
        syscalls(modes, dirs, ns.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
