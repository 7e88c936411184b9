"""HPy Shim benchmark driver: build the benchmark module in every mode, time it, report.

    python bench/run.py [--quick] [--n N] [--rounds R] [--mode M ...] [--case NAME ...]
    python bench/run.py --callgrind [--case NAME ...] [--mode M ...]
    python bench/run.py --managed

See bench/README.md for what the modes and figures mean.
"""

import argparse
import concurrent.futures
import csv
import json
import math
import os
import platform
import random
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "out", "bench")
sys.path.insert(0, HERE)

import cases  # noqa: E402  (after the path tweak: bench/ is not a package)
import svgchart  # noqa: E402
import startup  # noqa: E402
import hpy_runtime  # noqa: E402

MODES = cases.MODES
CASES_PY = os.path.join(HERE, "cases.py")

DEFAULT_N, DEFAULT_ROUNDS = 300000, 5
QUICK_N, QUICK_ROUNDS = 50000, 3
CALLGRIND_N1, CALLGRIND_N2 = 400, 2400  # the 1000-element loops get N/100: 4 and 24

# NativeAOT's GC reserves 256 GiB of address space at start-up, which valgrind refuses (the
# runtime then aborts). A heap limit (hex, no 0x) makes it reserve a small range instead.
VALGRIND_ENV = {"DOTNET_GCHeapHardLimit": "20000000"}


def say(msg=""):
    print(msg, flush=True)


def mode_dir(mode):
    return os.path.join(OUT, mode)


def child_env():
    env = dict(os.environ)
    # Same hash seed in every process, so that dict/set layouts do not differ between modes.
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.join(ROOT, "launcher")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


# ---------------------------------------------------------------------------------------------
# Building

def _last_lines(text, count=6):
    lines = [l for l in (text or "").strip().splitlines() if l.strip()]
    return " | ".join(lines[-count:]) or "(no output)"


def _clean(directory):
    # A failed build must not leave an older binary behind for the probe to pick up.
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith((".so", ".pyd", ".dylib")):
            os.remove(os.path.join(directory, name))


def build_mode(mode):
    """Build the module of `mode` into out/bench/<mode>; return None, or why it failed."""
    d = mode_dir(mode)
    _clean(d)
    if mode == "capi":
        cc = shlex.split(os.environ.get("CC", "").strip()) or [shutil.which("gcc") or shutil.which("cc") or "gcc"]
        target = os.path.join(d, "bench_capi" + sysconfig.get_config_var("EXT_SUFFIX"))
        cmd = cc + ["-O2", "-fPIC", "-shared", "-I" + sysconfig.get_paths()["include"],
                    os.path.join(HERE, "bench_capi.c"), "-o", target]
    elif mode == "hpy":
        if not hpy_runtime.runtime_built():
            return "HPy's runtime is not built for this CPython (python bench/hpy_runtime.py)"
        # HPy 0.9 has no HPy_GetIter/HPyIter_Next: sum_iter_1000 raises in this build
        cmd, _ = hpy_runtime.build_extension_command("bench_hpy", [os.path.join(HERE, "bench_hpy.c")], d,
                                                     ["-DBENCH_HPY_090"])
    else:
        abi = "cpython" if mode == "cpython" else "universal"
        cmd = [sys.executable, "-m", "hpyshim", "build", "bench_hpy",
               os.path.join(HERE, "bench_hpy.c"), "--abi", abi, "-o", d]
    try:
        p = subprocess.run(cmd, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
    except OSError as e:
        return "cannot run %s: %s" % (cmd[0], e)
    if p.returncode == 2 and mode == "cpython":
        return "build exited 2: %s" % _last_lines(p.stdout, 2)
    if p.returncode != 0:
        return "build failed (exit %d): %s" % (p.returncode, _last_lines(p.stdout))
    return None


def probe_mode(mode):
    """None if the module of `mode` loads, else the error it raised."""
    p = subprocess.run([sys.executable, CASES_PY, "--mode", mode, "--dir", mode_dir(mode), "--probe"],
                       env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode != 0:
        return "does not load: %s" % _last_lines(p.stderr + p.stdout, 2)
    return None


def prepare(modes, skip_build=False):
    """Build and probe; return (available modes, {mode: reason} for the others)."""
    available, unavailable = [], {}
    for mode in modes:
        reason = None if skip_build else build_mode(mode)
        if reason is None:
            reason = probe_mode(mode)
        if reason is None:
            available.append(mode)
            say("  %-9s ok" % mode)
        else:
            unavailable[mode] = reason
            say("  %-9s UNAVAILABLE: %s" % (mode, reason))
    return available, unavailable


# ---------------------------------------------------------------------------------------------
# Report helpers

def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def reference_of(available):
    if "cpython" in available:
        return "cpython", "ratios are to cpython (HPy source built for the CPython ABI)"
    if "capi" in available:
        return "capi", "ratios are to capi (cpython mode unavailable or not selected)"
    return None, "no reference mode available: no ratios"


def fmt_num(v, digits=1):
    if v is None:
        return "-"
    if v >= 10000:
        return "%.0f" % v
    return "%.*f" % (digits, v)


def print_table(title, unit, names, available, results, ref, note, digits=1):
    """results[mode][case] -> number. Prints the table and returns its rows for the CSV."""
    ratio_modes = [m for m in available if ref and m != ref]
    # (mode, reference) pairs: every mode against the reference, and the checking modes also
    # against universal mode (the same binary without the checks)
    pairs = [(m, ref) for m in ratio_modes]
    pairs += [(m, "universal") for m in available if m in cases.CHECKING_MODES and "universal" in available]
    header = ["case"] + ["%s %s" % (m, unit) for m in available] + ["%s/%s" % p for p in pairs]
    rows = []
    for name in names:
        row = [name]
        row += [fmt_num(results[m].get(name), digits) for m in available]
        for m, r in pairs:
            a, b = results[m].get(name), results[r].get(name)
            row.append("%.2f" % (a / b) if a and b else "-")
        rows.append(row)

    def mean_row(label, subset):
        row = [label]
        row += [fmt_num(geomean([results[m].get(n) for n in subset]), digits) for m in available]
        for m, r in pairs:
            g = geomean([results[m][n] / results[r][n] for n in subset
                         if results[m].get(n) and results[r].get(n)])
            row.append("%.2f" % g if g else "-")
        return row

    call_subset = [n for n in names if n in cases.CALL_PATH]
    summary = []
    if call_subset:
        summary.append(mean_row("geomean (call path)", call_subset))
    summary.append(mean_row("geomean (all)", names))

    widths = [max(len(r[i]) for r in [header] + rows + summary) for i in range(len(header))]

    def line(r):
        return "  ".join((r[0].ljust(widths[0]),) + tuple(c.rjust(w) for c, w in zip(r[1:], widths[1:])))

    say()
    say(title)
    say(note)
    say(line(header))
    say("  ".join("-" * w for w in widths))
    for r in rows:
        say(line(r))
    say("  ".join("-" * w for w in widths))
    for r in summary:
        say(line(r))
    return ratio_modes


def write_csv(path, names, available, results, ref, value_column, extra=None):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["case", "mode", value_column, "ratio_to_%s" % ref if ref else "ratio"])
        for name in names:
            for m in available:
                v = results[m].get(name)
                r = results[ref].get(name) if ref else None
                w.writerow([name, m, "%.3f" % v if v is not None else "",
                            "%.4f" % (v / r) if v and r else ""])
        for name, per_mode in (extra or {}).items():
            for m in available:
                v = per_mode.get(m)
                w.writerow([name, m, "%.3f" % v if v is not None else "", ""])


def print_unavailable(unavailable):
    for mode, reason in unavailable.items():
        say("unavailable: %s — %s" % (mode, reason))


def interpreter_line():
    return "Python %s (%s) %s" % (platform.python_version(), platform.python_implementation(),
                                  sys.executable)


# ---------------------------------------------------------------------------------------------
# Timing

def run_timing(ns, modes):
    n = ns.n if ns.n else (QUICK_N if ns.quick else DEFAULT_N)
    rounds = ns.rounds if ns.rounds else (QUICK_ROUNDS if ns.quick else DEFAULT_ROUNDS)
    names = ns.case or list(cases.CASES)

    say("== building into %s" % os.path.relpath(OUT, ROOT))
    available, unavailable = prepare(modes, ns.no_build)
    if not available:
        say("no mode is available; nothing to time")
        return 1

    say("== timing: %s" % interpreter_line())
    say("   N = %d ops per case (N/100 = %d for build_list_1000 and sum_iter_1000), "
        "%d in-process repeats, %d rounds" % (n, max(1, n // 100), ns.repeat, rounds))
    rng = random.Random(ns.seed)
    best = {m: {} for m in available}
    t_start = time.time()
    for r in range(rounds):
        order = list(available)
        rng.shuffle(order)  # interleaved and shuffled: drifts of the machine hit every mode alike
        for mode in order:
            cmd = [sys.executable, CASES_PY, "--mode", mode, "--dir", mode_dir(mode),
                   "--n", str(n), "--repeat", str(ns.repeat)]
            if ns.cpu_time:
                cmd.append("--cpu-time")
            for c in names:
                cmd += ["--case", c]
            p = subprocess.run(cmd, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True)
            if p.returncode != 0:
                say("  round %d %s FAILED (exit %d): %s" % (r + 1, mode, p.returncode,
                                                           _last_lines(p.stderr + p.stdout)))
                continue
            data = json.loads(p.stdout.strip().splitlines()[-1])
            for k, v in data.items():
                if k not in best[mode] or v < best[mode][k]:
                    best[mode][k] = v
        say("  round %d/%d done (%s) %.0fs" % (r + 1, rounds, " ".join(order), time.time() - t_start))

    ref, note = reference_of(available)
    say()
    print_unavailable(unavailable)
    print_table("%s, ns/op (best of %d rounds x %d repeats; N=%d; %s)"
                % ("CPU time" if ns.cpu_time else "Wall time", rounds, ns.repeat, n, interpreter_line()),
                "ns", names, available, best, ref, note)
    say("empty loop (included in every figure above), ns/iteration: "
        + ", ".join("%s %s" % (m, fmt_num(best[m].get(cases.EMPTY), 1)) for m in available))

    os.makedirs(OUT, exist_ok=True)
    csv_path = os.path.join(OUT, "results.csv")
    write_csv(csv_path, names, available, best, ref, "ns_per_op",
              extra={cases.EMPTY: {m: best[m].get(cases.EMPTY) for m in available}})
    chart_path = os.path.join(OUT, "results.svg")
    svgchart.bar_chart(
        chart_path, "HPy Shim benchmark: ns/op (lower is better)", names, available,
        {name: {m: best[m].get(name) for m in available} for name in names},
        subtitle="Python %s, N=%d, best of %d rounds; empty loop %s ns"
                 % (platform.python_version(), n, rounds,
                    "/".join(fmt_num(best[m].get(cases.EMPTY)) for m in available)))
    say()
    say("wrote %s" % os.path.relpath(csv_path, ROOT))
    say("wrote %s" % os.path.relpath(chart_path, ROOT))
    return 0


# ---------------------------------------------------------------------------------------------
# Callgrind

_TOTAL = re.compile(r"^(?:summary|totals):\s+(\d+)", re.M)


def callgrind_ir(mode, name, n):
    """Total instructions (Ir) of one `cases.py --callgrind-case` run, or raise RuntimeError."""
    os.makedirs(os.path.join(OUT, "callgrind"), exist_ok=True)
    outfile = os.path.join(OUT, "callgrind", "%s.%s.%d.out" % (mode, name, n))
    env = child_env()
    env.update(VALGRIND_ENV)
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + outfile,
           sys.executable, CASES_PY, "--mode", mode, "--dir", mode_dir(mode),
           "--callgrind-case", name, "--n", str(n)]
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode != 0:
        raise RuntimeError("valgrind run failed (exit %d): %s" % (p.returncode, _last_lines(p.stderr, 4)))
    with open(outfile) as f:
        m = _TOTAL.search(f.read())
    if not m:
        raise RuntimeError("no summary/totals line in %s" % outfile)
    return int(m.group(1))


def run_callgrind(ns, modes):
    if not shutil.which("valgrind"):
        say("valgrind is not installed (it is a Debian package: valgrind)")
        return 1
    names = ns.case or list(cases.CASES)
    say("== building into %s" % os.path.relpath(OUT, ROOT))
    available, unavailable = prepare(modes, ns.no_build)
    if not available:
        say("no mode is available")
        return 1
    n1, n2 = ns.callgrind_n
    all_names = [cases.EMPTY] + names
    jobs = []
    for mode in available:
        for name in all_names:
            if name in cases.UNSUPPORTED.get(mode, ()):
                continue
            div = cases.CASES[name][2] if name in cases.CASES else 1
            a, b = max(1, n1 // div), max(2, n2 // div)
            if b <= a:
                b = a + 1
            jobs.append((mode, name, a, b))
    say("== callgrind: %s; %d cases x %d modes, two runs each (N1=%d, N2=%d; /100 for the "
        "1000-element loops), %d at a time" % (interpreter_line(), len(all_names), len(available),
                                                n1, n2, ns.jobs))
    results = {m: {} for m in available}
    t_start = time.time()

    def one(job):
        mode, name, a, b = job
        ir_a, ir_b = callgrind_ir(mode, name, a), callgrind_ir(mode, name, b)
        return (ir_b - ir_a) / float(b - a)

    with concurrent.futures.ThreadPoolExecutor(max_workers=ns.jobs) as pool:
        futures = {pool.submit(one, job): job for job in jobs}
        done = 0
        for fut in concurrent.futures.as_completed(futures):
            mode, name, _, _ = futures[fut]
            done += 1
            try:
                results[mode][name] = fut.result()
            except RuntimeError as e:
                say("  %s %s FAILED: %s" % (mode, name, e))
                continue
            say("  [%d/%d %.0fs] %-9s %-26s %10.1f Ir/op" % (done, len(jobs), time.time() - t_start,
                                                          mode, name, results[mode][name]))
    ref, note = reference_of(available)
    say()
    print_unavailable(unavailable)
    print_table("Instructions per op under callgrind, (Ir(N2) - Ir(N1)) / (N2 - N1); %s"
                % interpreter_line(), "Ir", names, available, results, ref, note, digits=0)
    say("empty loop (included in every figure above), Ir/iteration: "
        + ", ".join("%s %s" % (m, fmt_num(results[m].get(cases.EMPTY), 0)) for m in available))
    csv_path = os.path.join(OUT, "callgrind.csv")
    write_csv(csv_path, names, available, results, ref, "ir_per_op",
              extra={cases.EMPTY: {m: results[m].get(cases.EMPTY) for m in available}})
    say()
    say("wrote %s" % os.path.relpath(csv_path, ROOT))
    return 0


# ---------------------------------------------------------------------------------------------
# System calls (strace)

STRACE_N1, STRACE_N2 = 1000, 6000  # the 1000-element loops get N/100: 10 and 60


def parse_strace(path):
    """{syscall: calls} from the summary `strace -c -o PATH` writes."""
    counts = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            # "% time  seconds  usecs/call  calls  [errors]  syscall"
            if len(fields) in (5, 6) and fields[-1] != "total" and fields[3].isdigit():
                counts[fields[-1]] = counts.get(fields[-1], 0) + int(fields[3])
    return counts


def strace_run(cmd, outfile, env):
    """The system calls of `cmd` (and its threads and children), {syscall: calls}."""
    os.makedirs(os.path.dirname(outfile), exist_ok=True)
    p = subprocess.run(["strace", "-f", "-c", "-o", outfile] + cmd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        raise RuntimeError("strace run failed (exit %d): %s" % (p.returncode, _last_lines(p.stderr, 4)))
    return parse_strace(outfile)


def syscalls_per_op(a, b, n_a, n_b):
    """{syscall: calls per op} from two runs of n_a and n_b ops (start-up cancels out)."""
    return {k: (b.get(k, 0) - a.get(k, 0)) / float(n_b - n_a) for k in set(a) | set(b)}


def print_syscall_table(title, names, modes, per_op, unit="op"):
    """per_op[mode][name] -> {syscall: calls per op}: the total per mode, then what makes it."""
    say()
    say(title)
    header = ["case"] + ["%s calls/%s" % (m, unit) for m in modes]
    def total(calls):
        t = sum(calls.values())
        return "%.3f" % (t if abs(t) >= 0.0005 else 0.0)   # no "-0.000" from a stray call of start-up
    rows = [[n] + [total(per_op[m][n]) if n in per_op[m] else "-" for m in modes] for n in names]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    say("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(header, widths))))
    say("  ".join("-" * w for w in widths))
    for r in rows:
        say("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    details = []
    for m in modes:
        for n in names:
            calls = per_op[m].get(n, {})
            top = sorted(((v, k) for k, v in calls.items() if v >= 0.005), reverse=True)[:4]
            if top:
                details.append("  %s %s: %s" % (m, n, ", ".join("%s %.3f" % (k, v) for v, k in top)))
    if details:
        say("where there are any (calls per %s):" % unit)
        for d in details:
            say(d)


def run_strace(ns, modes, names=None):
    """System calls per op of each case in each mode: strace -f -c over two run lengths."""
    if not shutil.which("strace"):
        say("strace is not installed (it is a Debian package: strace; ./build.sh bench installs it)")
        return 1
    names = names or ns.case or list(cases.CASES)
    n1, n2 = ns.strace_n
    jobs = []
    for mode in modes:
        for name in names:
            div = cases.CASES[name][2]
            a, b = max(1, n1 // div), max(2, n2 // div)
            jobs.append((mode, name, a, b if b > a else a + 1))
    say("== system calls: %s; %d cases x %d modes under strace -f -c, two runs each (N1=%d, N2=%d; "
        "/100 for the 1000-element loops)" % (interpreter_line(), len(names), len(modes), n1, n2))

    def one(job):
        mode, name, a, b = job
        counts = []
        for n in (a, b):
            cmd = [sys.executable, CASES_PY, "--mode", mode, "--dir", mode_dir(mode),
                   "--callgrind-case", name, "--n", str(n)]
            counts.append(strace_run(cmd, os.path.join(OUT, "strace", "%s.%s.%d.txt" % (mode, name, n)),
                                     child_env()))
        return syscalls_per_op(counts[0], counts[1], a, b)

    per_op = {m: {} for m in modes}
    with concurrent.futures.ThreadPoolExecutor(max_workers=ns.jobs) as pool:
        futures = {pool.submit(one, job): job for job in jobs}
        for fut in concurrent.futures.as_completed(futures):
            mode, name, _, _ = futures[fut]
            try:
                per_op[mode][name] = fut.result()
            except RuntimeError as e:
                say("  %s %s FAILED: %s" % (mode, name, e))
    print_syscall_table("System calls per op, (calls(N2) - calls(N1)) / (N2 - N1); %s" % interpreter_line(),
                        names, modes, per_op)
    path = os.path.join(OUT, "syscalls.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["case", "mode", "syscall", "calls_per_op"])
        for m in modes:
            for n in names:
                for k, v in sorted(per_op[m].get(n, {}).items()):
                    if v:
                        w.writerow([n, m, k, "%.4f" % v])
    say("wrote %s" % os.path.relpath(path, ROOT))
    return 0


# ---------------------------------------------------------------------------------------------
# Managed (BenchmarkDotNet)

def run_managed(ns):
    project = os.path.join(HERE, "Shim.Benchmarks")
    artifacts = os.path.join(OUT, "managed")
    if not shutil.which("dotnet"):
        say("dotnet is not installed")
        return 1
    env = dict(os.environ)
    env.setdefault("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
    env.setdefault("DOTNET_NOLOGO", "1")
    # The benchmark process embeds the CPython running this script (see Program.cs).
    env.setdefault("HPYSHIM_PYTHON_PREFIX", sys.base_prefix)
    libpython = os.path.join(sysconfig.get_config_var("LIBDIR") or "", sysconfig.get_config_var("LDLIBRARY") or "")
    if os.path.isfile(libpython) and libpython.endswith(".so"):
        env.setdefault("HPYSHIM_LIBPYTHON", libpython)
    cmd = ["dotnet", "run", "-c", "Release", "--project", project, "--",
           "--filter", ns.managed_filter, "--artifacts", artifacts]
    say("== managed benchmarks: %s" % " ".join(shlex.quote(c) for c in cmd))
    # Reports of an earlier run (other filter, renamed benchmarks) must not be printed as this one's.
    shutil.rmtree(os.path.join(artifacts, "results"), ignore_errors=True)
    os.makedirs(artifacts, exist_ok=True)
    log_path = os.path.join(artifacts, "run.log")
    with open(log_path, "w") as log:
        p = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    with open(log_path) as f:
        text = f.read()
    if p.returncode != 0:
        say(text[-4000:])
        say("dotnet run failed (exit %d); full log: %s" % (p.returncode, os.path.relpath(log_path, ROOT)))
        return 1
    reports = sorted(os.path.join(artifacts, "results", f) for f in os.listdir(os.path.join(artifacts, "results"))
                     if f.endswith("-report-github.md")) if os.path.isdir(os.path.join(artifacts, "results")) else []
    if reports:
        for r in reports:
            # The file is named after the benchmark class: <namespace>.<Class>-report-github.md
            say("## " + os.path.basename(r)[:-len("-report-github.md")].rpartition(".")[2])
            with open(r) as f:
                say(f.read().rstrip())
            say()
    else:
        # Fall back to the summary BenchmarkDotNet printed on its console.
        start = text.rfind("// * Summary *")
        say(text[start:] if start >= 0 else text[-4000:])
    say("full log: %s" % os.path.relpath(log_path, ROOT))
    return 0


# ---------------------------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description="Build and run the HPy Shim benchmark.")
    p.add_argument("--quick", action="store_true",
                   help="a short run (N=%d, %d rounds)" % (QUICK_N, QUICK_ROUNDS))
    p.add_argument("--n", type=int, help="ops per case (default %d; N/100 for the 1000-element loops)" % DEFAULT_N)
    p.add_argument("--rounds", type=int, help="rounds of one process per mode (default %d)" % DEFAULT_ROUNDS)
    p.add_argument("--repeat", type=int, default=3, help="timed repeats per case inside each process (default 3)")
    p.add_argument("--mode", action="append", choices=MODES, default=[],
                   help="only this mode (repeatable; default: all)")
    p.add_argument("--case", action="append", default=[], metavar="NAME",
                   help="only this case (repeatable; default: all)")
    p.add_argument("--seed", type=int, default=20240601, help="seed of the per-round mode shuffle")
    p.add_argument("--no-build", action="store_true", help="use the modules already in out/bench")
    p.add_argument("--cpu-time", action="store_true",
                   help="time with each process's CPU time instead of wall time (for a busy machine)")
    p.add_argument("--callgrind", action="store_true", help="count instructions per op under valgrind")
    p.add_argument("--callgrind-n", type=int, nargs=2, default=(CALLGRIND_N1, CALLGRIND_N2),
                   metavar=("N1", "N2"), help="the two op counts (default %d %d)" % (CALLGRIND_N1, CALLGRIND_N2))
    p.add_argument("--jobs", type=int, default=2, help="parallel valgrind or strace runs (default 2)")
    p.add_argument("--strace", action="store_true",
                   help="only the system calls per op (strace -f -c over two run lengths)")
    p.add_argument("--no-strace", action="store_true", help="leave the system call section out")
    p.add_argument("--strace-n", type=int, nargs=2, default=(STRACE_N1, STRACE_N2), metavar=("N1", "N2"),
                   help="the two op counts of the system call section (default %d %d)" % (STRACE_N1, STRACE_N2))
    p.add_argument("--managed", action="store_true",
                   help="run the BenchmarkDotNet benchmarks of the managed internals")
    p.add_argument("--managed-filter", default="*", help="BenchmarkDotNet --filter (default '*')")
    p.add_argument("--startup", action="store_true",
                   help="only the start-up section (bench/startup.py: import hpyshim + first load)")
    p.add_argument("--startup-runs", type=int, default=40,
                   help="fresh processes per kind in the start-up section (default 40)")
    ns = p.parse_args(argv)

    unknown = [c for c in ns.case if c not in cases.CASES]
    if unknown:
        p.error("unknown case(s): %s\nknown: %s" % (", ".join(unknown), ", ".join(cases.CASES)))
    modes = [m for m in MODES if m in ns.mode] if ns.mode else list(MODES)

    if ns.managed:
        return run_managed(ns)
    if ns.callgrind:
        return run_callgrind(ns, modes)
    if ns.startup:
        return run_startup(ns)
    if ns.strace:
        say("== building into %s" % os.path.relpath(OUT, ROOT))
        available, unavailable = prepare(modes, ns.no_build)
        print_unavailable(unavailable)
        return run_strace(ns, available)
    status = run_timing(ns, modes)
    if not status and not ns.no_strace:
        # the modules are built: every mode the timing ran, but capi (no runtime in between)
        say()
        run_strace(ns, [m for m in modes if m != "capi" and os.path.isdir(mode_dir(m))
                        and any(f.endswith(".so") for f in os.listdir(mode_dir(m)))])
    return status or run_startup(ns)


def run_startup(ns):
    """The start-up section: import hpyshim + a first load against a CPython ABI import."""
    say()
    result = startup.run(sys.executable, QUICK_ROUNDS * 5 if ns.quick else ns.startup_runs, say=say)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "startup.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    say("wrote %s" % os.path.relpath(path, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
