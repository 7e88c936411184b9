#!/usr/bin/env python3
"""Run HPy's own test suite (0.9.0, or a later checkout such as its main branch) with its
modules loaded by HPy Shim.

    HPY_SRC=/path/to/hpy-0.9.0 conformance/run.py [options]

HPy's sources are not ours to commit, so they come from a checkout named by
HPY_SRC (or --hpy-src).  Its ``test/`` is copied to out/conformance/ and run
with pytest under each CPython (every pyenv CPython 3.8+ and Debian's statically linked
/usr/bin/python3.11, labelled 3.11-debian), once per header set:

  official  each test module compiled with HPy 0.9.0's headers and helper
            sources (binary compatibility of libhpy.so)
  ours      compiled with HPy Shim's include/ (source compatibility)

The ``hpy`` package is HPy Shim's compatibility package (compat/hpy, the one the ``hpy`` 0.9.0
wheel ships): hpy.universal, hpy.debug, hpy.trace and hpy.devel are HPy Shim's, hpy.devel pointed
at the staged header set.  test/hpy_devel (setuptools integration: venvs that install pip, wheel,
setuptools and hpy offline) runs once per CPython; its "install hpy" step installs our wheels
from out/dist.  Every test
file runs in its own process, so a crash costs one file, and the crashing test
is named.  The table counts, per CPython, header set and mode (universal,
hybrid, debug, hybrid+debug, trace), the tests that passed, failed, were
skipped, crashed or were not run because an earlier test crashed.
Outputs: out/conformance/results.md, results.json and failures.txt.
"""

import argparse
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "out", "conformance")
SITE = os.path.join(ROOT, "conformance", "site")
COMPAT = os.path.join(ROOT, "compat")
DIST = os.path.join(ROOT, "out", "dist")
PYTHON_WHEELS = "/usr/share/python-wheels"
ALL_MODES = ["universal", "hybrid", "debug", "hybrid+debug", "trace", "cpython"]
DEFAULT_MODES = ["universal", "hybrid", "debug", "hybrid+debug", "trace"]
HEADER_SETS = ["official", "ours"]
# Debian packages that HPy's test harness needs (pure Python; found by every CPython via PYTHONPATH).
DEBIAN_PACKAGES = ["python3-pytest", "python3-setuptools", "python3-filelock",
                   "python3-exceptiongroup", "python3-tomli"]
DIST_PACKAGES = "/usr/lib/python3/dist-packages"
DEP_NAMES = ["_pytest", "pytest", "py.py", "pluggy", "iniconfig", "packaging", "attr", "attrs",
             "filelock", "setuptools", "pkg_resources", "_distutils_hack", "exceptiongroup",
             "tomli"]


DEBIAN_PYTHONS = ["/usr/bin/python3.11"]


def log(msg):
    print(msg, flush=True)


def cpythons():
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = []
    for d in sorted(glob.glob(os.path.join(root, "versions", "3.*")),
                    key=lambda p: [int(x) for x in os.path.basename(p).split(".")[:2]]):
        minor = int(os.path.basename(d).split(".")[1])
        exe = os.path.join(d, "bin", "python3.%d" % minor)
        if minor >= 8 and os.path.exists(exe):
            found.append(exe)
    # Debian's python3, linked statically with libpython: the runtime must find the C API in
    # the executable itself.
    for exe in DEBIAN_PYTHONS:
        if os.path.exists(exe):
            found.append(exe)
    return found


def py_info(python):
    code = ("import sys, sysconfig; print('%d.%d' % sys.version_info[:2]); "
            "print(sysconfig.get_paths()['include']); print(sysconfig.get_config_var('EXT_SUFFIX'))")
    out = subprocess.check_output([python, "-c", code], text=True).split("\n")
    # Debian's statically linked CPython gets its own label beside pyenv's of the same version.
    version = out[0] + ("-debian" if python in DEBIAN_PYTHONS else "")
    return {"version": version, "include": out[1], "ext_suffix": out[2]}


def apt_install(packages, why):
    log("== installing %s (missing: %s)" % (" ".join(packages), why))
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=False)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq"] + packages, check=True)


def ensure_deps():
    """Symlink the Debian-packaged test dependencies into out/conformance/deps."""
    missing = [n for n in DEP_NAMES if not os.path.exists(os.path.join(DIST_PACKAGES, n))]
    if missing:
        apt_install(DEBIAN_PACKAGES, " ".join(missing))
    deps = os.path.join(OUT, "deps")
    shutil.rmtree(deps, ignore_errors=True)
    os.makedirs(deps)
    for name in DEP_NAMES:
        src = os.path.join(DIST_PACKAGES, name)
        if not os.path.exists(src):
            sys.exit("conformance: %s is still missing after installing %s"
                     % (src, " ".join(DEBIAN_PACKAGES)))
        os.symlink(src, os.path.join(deps, name))
    return deps


def copy_hpy_sources(hpy_src):
    """A private copy of HPy's test/ and hpy/ (pytest and the suite write next to them)."""
    for needed in ("test/conftest.py", "test/support.py", "hpy/devel/__init__.py"):
        if not os.path.exists(os.path.join(hpy_src, needed)):
            sys.exit("conformance: %s is not an HPy 0.9.0 checkout (no %s)" % (hpy_src, needed))
    dst = os.path.join(OUT, "hpy-src")
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "*.o", ".pytest_cache")
    for sub in ("test", "hpy"):
        shutil.copytree(os.path.join(hpy_src, sub), os.path.join(dst, sub), ignore=ignore)
    return dst


def wheelhouse(pythons):
    """The offline package index of test/hpy_devel's venvs: Debian's pip and wheel, the newest
    setuptools an interpreter ships (Debian's setuptools wheel is patched for Debian's Python and
    cannot install with others: it is used only when Debian's Python runs alone) and our hpyshim
    and hpy wheels."""
    house = os.path.join(OUT, "wheels")
    shutil.rmtree(house, ignore_errors=True)
    os.makedirs(house)
    ours = glob.glob(os.path.join(DIST, "*.whl"))
    if len(ours) != 2:
        sys.exit("conformance: %s must hold the hpyshim and hpy wheels (run ./build.sh)" % DIST)
    found = {}
    missing = ["python3-%s-whl" % pkg for pkg in ("pip", "wheel")
               if not glob.glob(os.path.join(PYTHON_WHEELS, pkg + "-*.whl"))]
    if missing:
        apt_install(missing, "the wheels of test/hpy_devel's venvs")
    for pkg in ("pip", "wheel"):
        found[pkg] = glob.glob(os.path.join(PYTHON_WHEELS, pkg + "-*.whl"))
    setuptools = []
    for python in pythons:
        stdlib = subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
                                         text=True).strip()
        for pattern in ("ensurepip/_bundled/setuptools-*.whl", "test/wheeldata/setuptools-*.whl",
                        "test/setuptools-*.whl"):
            setuptools += glob.glob(os.path.join(stdlib, pattern))
    if not setuptools and all(p in DEBIAN_PYTHONS for p in pythons):
        # Debian's CPython ships no wheel of its own; Debian's, patched for it, installs there.
        setuptools = glob.glob(os.path.join(PYTHON_WHEELS, "setuptools-*.whl"))
    key = lambda p: [int(x) for x in re.findall(r"setuptools-([0-9.]+)-", p)[0].split(".")]
    found["setuptools"] = sorted(setuptools, key=key)[-1:]
    for pkg, paths in found.items():
        if not paths:
            sys.exit("conformance: no %s wheel for test/hpy_devel (apt-get install python3-%s-whl)" % (pkg, pkg))
    for path in ours + [p[-1] for p in found.values()]:
        os.symlink(path, os.path.join(house, os.path.basename(path)))
    return house, [p for p in ours if os.path.basename(p).startswith("hpy-")][0]


def header_set_dirs(headers, hpy_copy):
    """(include dir, forbid_python_h dir, helper sources, CPython-mode context sources)."""
    if headers == "official":
        devel = os.path.join(hpy_copy, "hpy", "devel")
        inc = os.path.join(devel, "include")
        runtime = os.path.join(devel, "src", "runtime")
        extra = [os.path.join(runtime, f) for f in
                 ("argparse.c", "buildvalue.c", "format.c", "helpers.c", "structseq.c")]
        ctx = sorted(glob.glob(os.path.join(runtime, "ctx_*.c")))
    else:
        inc = os.path.join(ROOT, "include")
        extra = sorted(glob.glob(os.path.join(ROOT, "src", "runtime", "*.c")))
        ctx = sorted(glob.glob(os.path.join(ROOT, "src", "runtime", "cpython", "*.c")))
    return inc, os.path.join(inc, "hpy", "forbid_python_h"), extra, ctx


def stage_devel(headers, hpy_copy, python, info, modes):
    """A directory laid out like an installed hpy.devel (include/, src/runtime/, lib/ABI/*.a)
    for one header set and one CPython, with the helper sources built once per ABI into the
    static library HPy's test harness links (it asks for static libraries)."""
    inc, forbid, extra, ctx = header_set_dirs(headers, hpy_copy)
    base = os.path.join(OUT, "devel", headers, "py" + info["version"])
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "src", "runtime", "cpython"))
    os.symlink(inc, os.path.join(base, "include"))
    for src in extra:
        os.symlink(src, os.path.join(base, "src", "runtime", os.path.basename(src)))
    for src in ctx:  # the CPython ABI mode sources, where hpy.devel's HPyDevel looks for them
        os.symlink(src, os.path.join(base, "src", "runtime", "cpython", os.path.basename(src)))
    abis = sorted({"hybrid" if "hybrid" in m else "cpython" if m == "cpython" else "universal"
                   for m in modes})
    cc = os.environ.get("CC", "gcc")
    for abi in abis:
        libdir = os.path.join(base, "lib", abi)
        objdir = os.path.join(base, "obj", abi)
        os.makedirs(libdir)
        os.makedirs(objdir)
        flags = ["-fPIC", "-g", "-O2", "-DHPY", "-I" + inc]
        sources = list(extra)
        if abi == "universal":
            flags += ["-DHPY_ABI_UNIVERSAL", "-I" + forbid]
        elif abi == "hybrid":
            flags += ["-DHPY_ABI_HYBRID", "-I" + info["include"]]
        else:
            flags += ["-DHPY_ABI_CPYTHON", "-I" + info["include"]]
            sources += ctx
        objs = []
        for src in sources:
            obj = os.path.join(objdir, os.path.basename(src) + ".o")
            subprocess.run([cc, "-c", src, "-o", obj] + flags, check=True)
            objs.append(obj)
        subprocess.run([os.environ.get("AR", "ar"), "rcs", os.path.join(libdir, "libhpy-%s.a" % abi)] + objs, check=True)
    return base


def test_files(hpy_copy, only):
    files = sorted(glob.glob(os.path.join(hpy_copy, "test", "test_*.py")))
    files += sorted(glob.glob(os.path.join(hpy_copy, "test", "debug", "test_*.py")))
    files += sorted(glob.glob(os.path.join(hpy_copy, "test", "trace", "test_*.py")))
    files += sorted(glob.glob(os.path.join(hpy_copy, "test", "hpy_devel", "test_*.py")))
    rel = [os.path.relpath(f, hpy_copy) for f in files]
    if only:
        rel = [r for r in rel if any(o in r for o in only)]
    return rel


def run_file(job):
    python, info, headers, devel, hpy_copy, rel, modes, env_base, timeout = job
    tag = "%s-%s-%s" % (info["version"], headers, rel.replace("/", "_").replace(".py", ""))
    logfile = os.path.join(OUT, "logs", tag + ".jsonl")
    outfile = os.path.join(OUT, "logs", tag + ".out")
    for f in (logfile, outfile):
        if os.path.exists(f):
            os.remove(f)
    env = dict(env_base)
    env.update({"HPYSHIM_CONFORMANCE_LOG": logfile, "HPYSHIM_CONFORMANCE_DEVEL": devel,
                "HPYSHIM_CONFORMANCE_MODES": ",".join(modes), "HPY_SRC": hpy_copy})
    cmd = [python, "-m", "pytest", "-p", "hpyshim_conformance", "-p", "no:cacheprovider",
           "-q", "-rN", "--basetemp", os.path.join(OUT, "tmp", tag), rel]
    start = time.time()
    with open(outfile, "w") as out:
        try:
            proc = subprocess.run(cmd, cwd=hpy_copy, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=timeout)
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    return summarize(python, info, headers, rel, logfile, rc, time.time() - start)


def summarize(python, info, headers, rel, logfile, rc, seconds):
    """Per test: passed, failed, skipped, crashed (started, never finished) or not run."""
    collected, order, phases, errors, started = {}, [], {}, {}, set()
    collect_errors = []
    if os.path.exists(logfile):
        with open(logfile) as f:
            for line in f:
                try:
                    r = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a crash
                if r["event"] == "collected":
                    collected[r["nodeid"]] = r["mode"] or "none"
                    order.append(r["nodeid"])
                elif r["event"] == "start":
                    started.add(r["nodeid"])
                elif r["event"] == "report":
                    phases.setdefault(r["nodeid"], {})[r["when"]] = r["outcome"]
                    if "error" in r:
                        errors.setdefault(r["nodeid"], r["error"])
                elif r["event"] == "collect_error":
                    collect_errors.append(r)
    results = {}
    for nodeid in order:
        p = phases.get(nodeid, {})
        if "teardown" not in p:
            outcome = "crashed" if nodeid in started else "not run"
        elif "failed" in p.values():
            outcome = "failed"
        elif p.get("setup") == "skipped" or p.get("call") == "skipped":
            outcome = "skipped"
        else:
            outcome = "passed"
        results[nodeid] = {"mode": collected[nodeid], "outcome": outcome,
                           "error": errors.get(nodeid, "")}
    return {"python": info["version"], "headers": headers, "file": rel, "rc": rc,
            "seconds": round(seconds, 1), "tests": results,
            "collect_errors": [c["nodeid"] + ": " + c["error"] for c in collect_errors]}


def table(runs, modes):
    outcomes = ["passed", "failed", "skipped", "crashed", "not run"]
    rows = {}
    for run in runs:
        for t in run["tests"].values():
            key = (run["python"], run["headers"], t["mode"])
            row = rows.setdefault(key, dict.fromkeys(outcomes, 0))
            row[t["outcome"]] += 1
    lines = ["| CPython | headers | mode | passed | failed | skipped | crashed | not run | total |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    order = {m: i for i, m in enumerate(modes + ["hpy_devel", "none"])}
    for key in sorted(rows, key=lambda k: ([int(x) for x in k[0].split("-")[0].split(".")], k[0], k[1],
                                           order.get(k[2], 99))):
        row = rows[key]
        lines.append("| %s | %s | %s | %s | %d |" % (key[0], key[1], key[2] if key[2] != "none"
                                                      else "(harness's own tests)",
                                                      " | ".join(str(row[o]) for o in outcomes),
                                                      sum(row.values())))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hpy-src", default=os.environ.get("HPY_SRC"),
                    help="HPy 0.9.0 checkout (default $HPY_SRC)")
    ap.add_argument("--python", action="append", help="CPython to run under (repeatable; "
                    "default every pyenv CPython 3.8+)")
    ap.add_argument("--headers", default=",".join(HEADER_SETS), help="official,ours")
    ap.add_argument("--modes", default=",".join(DEFAULT_MODES),
                    help="comma-separated, from %s" % ",".join(ALL_MODES))
    ap.add_argument("--file", action="append", help="only test files whose path contains this")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=900, help="seconds per test file")
    ap.add_argument("--out", default=OUT, help="work and result folder (default out/conformance)")
    ap.add_argument("--expect", help="results.json of another run (another processor's): exit 1 when a "
                    "test's outcome differs from it (the CPython's label is not compared)")
    args = ap.parse_args()
    globals()["OUT"] = os.path.abspath(args.out)
    if not args.hpy_src:
        sys.exit("conformance: set HPY_SRC (or --hpy-src) to a checkout of HPy 0.9.0, e.g.\n"
                 "  git -C HPY_REPO archive 0.9.0 | tar -x -C /tmp/hpy-0.9.0")
    modes = [m for m in args.modes.split(",") if m]
    bad = [m for m in modes if m not in ALL_MODES]
    if bad:
        sys.exit("conformance: unknown mode(s) %s" % ", ".join(bad))
    headers = [h for h in args.headers.split(",") if h]
    lib = os.environ.get("HPYSHIM_LIBRARY") or os.path.join(ROOT, "out", "lib", "libhpy.so")
    if not os.path.exists(lib):
        sys.exit("conformance: %s does not exist; run ./build.sh first" % lib)
    pythons = args.python or cpythons()
    os.makedirs(OUT, exist_ok=True)
    for sub in ("logs", "tmp"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
        os.makedirs(os.path.join(OUT, sub))
    deps = ensure_deps()
    hpy_copy = copy_hpy_sources(os.path.abspath(args.hpy_src))
    files = test_files(hpy_copy, args.file)
    env_base = dict(os.environ)
    for var in ("PYTHONHOME", "HPY", "HPY_LOG", "SETUPTOOLS_USE_DISTUTILS"):
        env_base.pop(var, None)
    env_base.update({"PYTHONPATH": os.pathsep.join([SITE, COMPAT, os.path.join(ROOT, "launcher"), deps]),
                     "HPYSHIM_LIBRARY": lib, "PYTHONDONTWRITEBYTECODE": "1"})
    if any(f.startswith("test/hpy_devel/") for f in files):
        house, hpy_wheel = wheelhouse(pythons)
        env_base.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": house, "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                         "HPYSHIM_CONFORMANCE_HPY_WHEEL": hpy_wheel})
    jobs = []
    for python in pythons:
        info = py_info(python)
        for h in headers:
            devel = stage_devel(h, hpy_copy, python, info, modes)
            for rel in files:
                if rel.startswith("test/hpy_devel/") and h != headers[-1]:
                    continue  # it installs our wheel, whatever the header set: once per CPython
                jobs.append((python, info, h, devel, hpy_copy, rel, modes, env_base, args.timeout))
    log("== HPy %s test suite on HPy Shim: %d files x %d CPythons x %d header sets, modes %s"
        % (os.path.basename(os.path.abspath(args.hpy_src)), len(files), len(pythons),
           len(headers), ",".join(modes)))
    runs = []
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for run in pool.map(run_file, jobs):
            counts = {}
            for t in run["tests"].values():
                counts[t["outcome"]] = counts.get(t["outcome"], 0) + 1
            log("  %s %-8s %-34s %s%s" % (run["python"], run["headers"], run["file"],
                                          " ".join("%s=%d" % kv for kv in sorted(counts.items())),
                                          "" if run["rc"] in (0, 1, 5) else " (exit %s)" % run["rc"]))
            runs.append(run)
    md = table(runs, modes)
    log("\n" + md)
    log("\n%.0f s; details: %s" % (time.time() - start, os.path.join(OUT, "failures.txt")))
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(md + "\n")
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(runs, f, indent=1)
    with open(os.path.join(OUT, "failures.txt"), "w") as f:
        for run in runs:
            for err in run["collect_errors"]:
                f.write("%s %s COLLECT ERROR %s\n" % (run["python"], run["headers"], err))
            for nodeid, t in run["tests"].items():
                if t["outcome"] not in ("passed", "skipped"):
                    f.write("%s %s %s %s %s\n" % (run["python"], run["headers"], t["outcome"],
                                                  nodeid, t["error"]))
    if args.expect:
        with open(args.expect) as f:
            differences = compare(json.load(f), runs)
        log("\n%d outcomes differ from %s%s" % (len(differences), args.expect,
                                                ":" if differences else ""))
        for line in differences:
            log("  " + line)
        return 1 if differences else 0
    return 0


def outcomes(runs):
    """(header set, test) -> outcome; a file that crashed before collecting counts as one outcome."""
    result = {}
    for run in runs:
        for nodeid, t in run["tests"].items():
            result[(run["headers"], nodeid)] = t["outcome"]
        if not run["tests"]:
            result[(run["headers"], run["file"])] = "no tests (exit %s)" % run["rc"]
    return result


def compare(expected_runs, runs):
    """Each test whose outcome is not the expected run's (or that ran in one run only)."""
    expected, actual = outcomes(expected_runs), outcomes(runs)
    return ["%s %s: expected %s, got %s" % (key[0], key[1], expected.get(key, "(not run)"),
                                             actual.get(key, "(not run)"))
            for key in sorted(set(expected) | set(actual)) if expected.get(key) != actual.get(key)]


if __name__ == "__main__":
    sys.exit(main())
