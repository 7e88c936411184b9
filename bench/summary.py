"""One summary of the last benchmark runs: out/bench/summary.json and out/bench/summary.md (the
tables of docs/performance.md), from what bench/run.py, bench/realistic.py and bench/startup.py
wrote into out/bench. A figure that no run produced is left out ("-").

    python bench/summary.py [--docs]

With --docs (what `./build.sh bench --all` runs last) the figures also become docs/performance.json
and the block of tables in docs/performance.md, rendered from it: the docs' tables are never typed
by hand, and tests/python/test_bench_summary.py fails when the two disagree.
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


DOCS = os.path.join(ROOT, "docs", "performance.md")
DOCS_DATA = os.path.join(ROOT, "docs", "performance.json")
BEGIN = "<!-- tables written by bench/summary.py from docs/performance.json: do not edit -->"
END = "<!-- end of the tables written by bench/summary.py -->"


def collect():
    """Every figure the last runs left in out/bench."""
    ir, ns = read_csv("callgrind.csv", "ir_per_op"), read_csv("results.csv", "ns_per_op")
    return {"microbenchmarks": {"ir_per_op": ir, "ns_per_op": ns},
            "realistic": {"callgrind": read_json("realistic", "callgrind.json"),
                          "times": read_json("realistic", "times.json")},
            "startup": read_json("startup.json"),
            "python": sys.version.split()[0], "pythonhashseed": 0}


def render(summary, level="##"):
    """The tables, as markdown, from a summary (collect()'s, or docs/performance.json's)."""
    micro, real = summary["microbenchmarks"], summary["realistic"]
    real_ir, real_ms = real["callgrind"], real["times"]
    md = ["%s Microbenchmarks (instructions per op under callgrind; time per op)" % level, ""]
    md += micro_table(micro["ir_per_op"], micro["ns_per_op"])
    md += ["", "%s The realistic workloads (solver; instructions at scale %s, time at scale %s)"
           % (level, (real_ir or {}).get("scale", "-"), (real_ms or {}).get("scale", "-")), ""]
    md += realistic_table(real_ir, real_ms)
    md += ["", "%s Start-up (medians of fresh processes)" % level, ""] + startup_table(summary["startup"])
    return "\n".join(md) + "\n"


def docs_block(summary):
    return "%s\n\n%s\n%s" % (BEGIN, render(summary, "###"), END)


def docs_with(text, summary):
    """docs/performance.md's text with its block of tables rendered from `summary`."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit("docs/performance.md has no block between %r and %r" % (BEGIN, END))
    return text[:start] + docs_block(summary) + text[end + len(END):]


def docs_are_fresh():
    """True when docs/performance.md's tables are what docs/performance.json renders to."""
    with open(DOCS_DATA) as f:
        summary = json.load(f)
    with open(DOCS) as f:
        text = f.read()
    return docs_with(text, summary) == text


def main():
    summary = collect()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    text = render(summary)
    with open(os.path.join(OUT, "summary.md"), "w") as f:
        f.write(text)
    print(text)
    print("wrote %s and summary.md" % os.path.relpath(os.path.join(OUT, "summary.json"), ROOT))
    if "--docs" in sys.argv[1:]:
        # a complete run (bench --all): its figures become the docs' tables and their data
        with open(DOCS) as f:
            docs = f.read()
        with open(DOCS_DATA, "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
        with open(DOCS, "w") as f:
            f.write(docs_with(docs, summary))
        print("wrote docs/performance.md's tables and docs/performance.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
