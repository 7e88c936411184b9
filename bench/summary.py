"""One summary of the last benchmark runs: out/bench/summary.json and out/bench/summary.md (the
tables of docs/performance.md), from what bench/run.py, bench/realistic.py and bench/startup.py
wrote into out/bench. A figure that no run produced is left out ("-").

    python bench/summary.py
"""

import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "out", "bench")
MODES = ("cpython", "hpy", "universal")   # the columns: reference, HPy's runtime, HPy Shim


def read_csv(name, column):
    path = os.path.join(OUT, name)
    result = {}
    if os.path.isfile(path):
        with open(path) as f:
            for row in csv.DictReader(f):
                if row.get(column):
                    result.setdefault(row["case"], {})[row["mode"]] = float(row[column])
    return result


def read_json(*parts):
    path = os.path.join(OUT, *parts)
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def fmt(v, digits=0):
    return "-" if v is None else ("{:,.%df}" % digits).format(v)


def ratio(a, b):
    return "-" if a is None or not b else "%.3f" % (a / b)


def micro_table(ir, ns):
    lines = ["| case | CPython ABI Ir | HPy's runtime Ir | HPy Shim Ir | Shim / CPython ABI | Shim / HPy's "
             "| CPython ABI ns | HPy's runtime ns | HPy Shim ns | Shim / CPython ABI | Shim / HPy's |",
             "| --- |" + " ---: |" * 10]
    for case in [c for c in (list(ir) or list(ns)) if not c.startswith("_")] + ["_empty_loop"]:
        i, t = ir.get(case, {}), ns.get(case, {})
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            case.strip("_").replace("_", " ") if case == "_empty_loop" else case,
            fmt(i.get("cpython")), fmt(i.get("hpy")), fmt(i.get("universal")),
            ratio(i.get("universal"), i.get("cpython")), ratio(i.get("universal"), i.get("hpy")),
            fmt(t.get("cpython"), 1), fmt(t.get("hpy"), 1), fmt(t.get("universal"), 1),
            ratio(t.get("universal"), t.get("cpython")), ratio(t.get("universal"), t.get("hpy"))))
    return lines


def realistic_table(ir, ms):
    modes = [m for m in ("cpython", "hpy", "hybrid", "universal")
             if (ir and m in ir.get("ir", {})) or (ms and m in ms.get("ms", {}))]
    lines = ["| workload | " + " | ".join("%s Ir" % m for m in modes) + " | "
             + " | ".join("%s ms" % m for m in modes) + " | universal / cpython Ir | universal / hpy Ir "
             "| universal / cpython ms | universal / hpy ms |",
             "| --- |" + " ---: |" * (2 * len(modes) + 4)]
    for w in ("build", "collect", "methods"):
        i = {m: (ir or {}).get("ir", {}).get(m, {}).get(w) for m in modes}
        t = {m: (ms or {}).get("ms", {}).get(m, {}).get(w) for m in modes}
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            w, " | ".join(fmt(i[m]) for m in modes), " | ".join(fmt(t[m], 2) for m in modes),
            ratio(i.get("universal"), i.get("cpython")), ratio(i.get("universal"), i.get("hpy")),
            ratio(t.get("universal"), t.get("cpython")), ratio(t.get("universal"), t.get("hpy"))))
    return lines


def startup_table(s):
    if not s:
        return []
    lines = ["| kind | wall ms | CPU ms | RSS KiB | over CPython ABI (wall / CPU / KiB) |",
             "| --- | ---: | ---: | ---: | --- |"]
    for kind in ("cpython", "hpy", "hpyshim"):
        if kind in s["median_wall_ms"]:
            w, c, r = s["median_wall_ms"][kind], s["median_cpu_ms"][kind], s["median_rss_kib"][kind]
            d = (w - s["median_wall_ms"]["cpython"], c - s["median_cpu_ms"]["cpython"],
                 r - s["median_rss_kib"]["cpython"])
            lines.append("| %s | %.2f | %.2f | %d | %+.2f / %+.2f / %+d |" % ((kind, w, c, r) + d))
    rt = s.get("runtime_alone")
    if rt:
        lines.append("| NativeAOT runtime alone (dlopen + first call, no Python) | %.2f | %.2f | %d | |"
                     % (rt["dlopen_ms"] + rt["first_call_ms"], rt["cpu_ms"], rt["rss_kib"]))
    return lines


def main():
    ir, ns = read_csv("callgrind.csv", "ir_per_op"), read_csv("results.csv", "ns_per_op")
    real_ir, real_ms = read_json("realistic", "callgrind.json"), read_json("realistic", "times.json")
    start = read_json("startup.json")
    summary = {"microbenchmarks": {"ir_per_op": ir, "ns_per_op": ns},
               "realistic": {"callgrind": real_ir, "times": real_ms}, "startup": start,
               "python": sys.version.split()[0], "pythonhashseed": 0}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    md = ["## Microbenchmarks (instructions per op under callgrind; time per op)", ""]
    md += micro_table(ir, ns)
    md += ["", "## The realistic workloads (solver; instructions at scale %s, time at scale %s)"
           % ((real_ir or {}).get("scale", "-"), (real_ms or {}).get("scale", "-")), ""]
    md += realistic_table(real_ir, real_ms)
    md += ["", "## Start-up (medians of fresh processes)", ""] + startup_table(start)
    text = "\n".join(md) + "\n"
    with open(os.path.join(OUT, "summary.md"), "w") as f:
        f.write(text)
    print(text)
    print("wrote %s and summary.md" % os.path.relpath(os.path.join(OUT, "summary.json"), ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
