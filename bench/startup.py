"""Start-up cost: what ``import hpyshim`` plus loading a first extension costs in a fresh process,
against importing the same extension built for the CPython ABI.

    python bench/startup.py [--runs N] [--python PYTHON] [--sample NAME]

Each run is a fresh interpreter that measures, around one statement, the wall time
(time.perf_counter), the CPU time of the process (time.process_time: all its threads; less
disturbed by other load on the machine) and the growth of its resident set (VmRSS):

  cpython    ``import NAME``            NAME<EXT_SUFFIX>, an ordinary extension (the reference)
  hpyshim    ``import hpyshim, NAME``   NAME.hpy0.so through libhpy.so
  hpy        HPy 0.9's own runtime loading NAME built with its headers (when bench/hpy_runtime.py
             has built it; what `import NAME` costs through HPy's generated stub)

and, without Python, the NativeAOT runtime's own start (bench/runtime_start.c: dlopen of
libhpy.so and its first managed call), the floor under the hpyshim figure.

The two kinds alternate, so that load on the machine affects both alike; the report gives the
median of each and the difference (the start-up cost of HPy Shim).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SAMPLES = os.path.join(ROOT, "out", "cext-samples")

# The child: time and RSS around the imports only (the interpreter's own start is the same for both).
CHILD = r"""
import sys, time
def rss_kib():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
r0 = rss_kib()
c0 = time.process_time()
t0 = time.perf_counter()
exec(sys.argv[1])
t1 = time.perf_counter()
c1 = time.process_time()
r1 = rss_kib()
print('STARTUP %.6f %.6f %d' % ((t1 - t0) * 1000.0, (c1 - c0) * 1000.0, r1 - r0))
"""


def measure(python, statement, path, env):
    env = dict(env)
    env["PYTHONPATH"] = os.pathsep.join(path)
    out = subprocess.run([python, "-c", CHILD, statement], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True, check=True).stdout
    line = [l for l in out.splitlines() if l.startswith("STARTUP ")][-1]
    ms, cpu_ms, kib = line.split()[1:]
    return float(ms), float(cpu_ms), int(kib)


def runtime_start(runs, say):
    """Medians of the runtime's own start (bench/runtime_start.c), or None when it cannot run."""
    import shutil
    import sysconfig
    lib = os.path.join(ROOT, "out", "lib", "libhpy.so")
    exe = os.path.join(ROOT, "out", "bench", "runtime_start")
    cc = os.environ.get("CC", "").split() or [shutil.which("gcc") or "cc"]
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    if not os.path.isfile(lib) or subprocess.call(cc + ["-O2", os.path.join(HERE, "runtime_start.c"), "-ldl",
                                                        "-o", exe]) != 0:
        return None
    rows = []
    for _ in range(runs):
        out = subprocess.run([exe, lib], stdout=subprocess.PIPE, universal_newlines=True).stdout
        rows.append([float(x) for x in out.split()[1:]])
    cols = list(zip(*rows))
    med = {"dlopen_ms": statistics.median(cols[0]), "first_call_ms": statistics.median(cols[1]),
           "cpu_ms": statistics.median(cols[2]), "rss_kib": statistics.median(cols[3])}
    say("   the NativeAOT runtime alone (dlopen %.2f ms + first managed call %.2f ms; CPU %.2f ms; "
        "%+d KiB; bench/runtime_start.c)" % (med["dlopen_ms"], med["first_call_ms"], med["cpu_ms"], med["rss_kib"]))
    return med


def hpy_kind(python, sample):
    """(statement, path) of loading `sample` with HPy's own runtime, or None when it is not built."""
    import hpy_runtime
    if not hpy_runtime.runtime_built(python):
        return None
    d = os.path.join(ROOT, "out", "bench", "startup", "hpy")
    os.makedirs(d, exist_ok=True)
    cmd, out = hpy_runtime.build_extension_command(sample, [os.path.join(ROOT, "cext-samples", sample,
                                                                         sample + ".c")], d)
    if subprocess.call(cmd) != 0:
        return None
    # what HPy's generated stub module does: hpy.universal loads the file
    statement = ("import hpy.universal, importlib.util; hpy.universal.load(%r, %r, "
                 "importlib.util.spec_from_file_location(%r, %r))" % (sample, out, sample, out))
    return statement, [hpy_runtime.SRC]


def run(python=sys.executable, runs=40, sample="simple", say=print):
    env = dict(os.environ)
    # An installed package has its bytecode cached: the warm-up writes it.
    for var in ("HPY", "HPY_LOG", "PYTHONDONTWRITEBYTECODE"):
        env.pop(var, None)
    launcher = os.path.join(ROOT, "launcher")
    kinds = {
        "cpython": ("import %s" % sample, [os.path.join(SAMPLES, "cpython")]),
        "hpyshim": ("import hpyshim, %s" % sample, [launcher, SAMPLES]),
    }
    sys.path.insert(0, HERE)
    hpy = hpy_kind(python, sample)
    if hpy is not None:
        kinds["hpy"] = hpy
    # One warm-up of each (the page cache), not counted.
    for statement, path in kinds.values():
        measure(python, statement, path, env)
    results = {k: ([], [], []) for k in kinds}
    for _ in range(runs):
        for kind, (statement, path) in kinds.items():
            for column, value in zip(results[kind], measure(python, statement, path, env)):
                column.append(value)
    med = {k: tuple(statistics.median(c) for c in cols) for k, cols in results.items()}
    delta = tuple(med["hpyshim"][i] - med["cpython"][i] for i in range(3))
    say("== start-up: fresh processes, %d runs each, medians (%s)" % (runs, python))
    say("   %-9s %-28s %9s %9s %10s" % ("kind", "statement", "wall ms", "CPU ms", "RSS KiB"))
    for kind, (statement, _) in kinds.items():
        say("   %-9s %-28s %9.2f %9.2f %10d" % ((kind, statement if len(statement) < 29 else
                                                  "(HPy's runtime) load " + sample) + med[kind]))
    say("   HPy Shim's start-up cost: %+.2f ms wall, %+.2f ms CPU, %+d KiB "
        "(target <= 2 ms, <= 1024 KiB)" % delta)
    if "hpy" in med:
        say("   HPy's runtime's: %+.2f ms wall, %+.2f ms CPU, %+d KiB"
            % tuple(med["hpy"][i] - med["cpython"][i] for i in range(3)))
    runtime = runtime_start(runs, say)
    return {"python": python, "runs": runs, "sample": sample, "runtime_alone": runtime,
            "median_wall_ms": {k: v[0] for k, v in med.items()},
            "median_cpu_ms": {k: v[1] for k, v in med.items()},
            "median_rss_kib": {k: v[2] for k, v in med.items()},
            "delta_wall_ms": delta[0], "delta_cpu_ms": delta[1], "delta_rss_kib": delta[2]}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=40, help="fresh processes per kind (default 40)")
    p.add_argument("--python", default=sys.executable, help="interpreter (default: this one)")
    p.add_argument("--sample", default="simple", help="sample extension (default simple)")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ns = p.parse_args(argv)
    result = run(ns.python, ns.runs, ns.sample)
    if ns.json:
        with open(ns.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
