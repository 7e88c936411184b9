"""Command line: ``python -m hpyshim {build,config,run,trace,info}``."""

import argparse
import os
import runpy
import sys

from . import _native, build, config
from .finder import install

EXIT_ERROR = 1
EXIT_USAGE = 2
PREFIX = "hpyshim: error: "


class _Parser(argparse.ArgumentParser):
    """argparse with one error prefix for every command: usage, then 'hpyshim: error: ...'."""

    def error(self, message):
        self.print_usage(sys.stderr)
        command = self.prog.replace("python -m hpyshim", "").strip()
        self.exit(EXIT_USAGE, "%s%s%s\n" % (PREFIX, command + ": " if command else "", message))


def _version():
    from . import __version__
    return "hpyshim %s" % __version__


def _parser():
    p = _Parser(
        prog="python -m hpyshim",
        description="Load, build and run HPy universal extensions on CPython.")
    p.add_argument("--version", action="version", version=_version())
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    b = sub.add_parser("build", help="compile C or C++ sources into NAME.hpy0.so",
                       description="Compile C or C++ sources into DIR/NAME.hpy0.so. The C compiler "
                                   "is $CC, else gcc, else cc; C++ sources (.cpp, .cc, .cxx) are "
                                   "compiled by $CXX, else g++, else c++, which then links.")
    b.add_argument("name", metavar="NAME", help="module name (HPy_MODINIT name)")
    b.add_argument("sources", metavar="SRC", nargs="+", help="C or C++ source files")
    b.add_argument("--abi", default="universal", choices=build.ABIS,
                   help="target ABI: universal (NAME.hpy0.so, default), hybrid (universal plus the "
                        "legacy C API, for this CPython only: NAME.hpy0-cp3XY.so) or cpython (an ordinary extension for this "
                        "Python, NAME<EXT_SUFFIX>)")
    b.add_argument("-o", "--output-dir", dest="outdir", default=".", metavar="DIR",
                   help="output directory (default: current directory)")
    b.add_argument("--cflag", dest="cflags", action="append", default=[], metavar="FLAG",
                   help="extra compiler flag, repeatable (write --cflag=-DX for flags "
                        "starting with '-')")
    b.add_argument("-v", "--verbose", action="store_true", help="print the compiler command")

    c = sub.add_parser("config", help="print build settings",
                       description="Print build settings, space-separated, in the order asked.")
    c.add_argument("--abi", choices=build.ABIS, default=None,
                   help="the ABI of --cflags and --sources: adds its HPY_ABI_* define (and Python's "
                        "include directory for hybrid and cpython) to --cflags, and the CPython ABI "
                        "runtime to --sources for cpython (default: universal, no define)")
    c.add_argument("--cflags", dest="items", action="append_const", const="cflags",
                   help="the -I flag for the HPy headers")
    c.add_argument("--ldflags", dest="items", action="append_const", const="ldflags",
                   help="the flags a C host links libhpy with (-L, -rpath, -lhpy); extensions "
                        "need none")
    c.add_argument("--sources", dest="items", action="append_const", const="sources",
                   help="helper C sources every extension must compile in")
    c.add_argument("--pkgconfigdir", dest="items", action="append_const", const="pkgconfigdir",
                   help="the folder of hpyshim.pc (for PKG_CONFIG_PATH)")
    c.add_argument("--cmakedir", dest="items", action="append_const", const="cmakedir",
                   help="the folder of HPyShimConfig.cmake (for HPyShim_DIR or CMAKE_PREFIX_PATH)")
    c.add_argument("--includedir", dest="items", action="append_const", const="includedir",
                   help="the HPy include directory")
    c.add_argument("--libdir", dest="items", action="append_const", const="libdir",
                   help="the directory of the runtime library")

    r = sub.add_parser("run", help="run a script with HPy imports enabled",
                       description="Run SCRIPT as __main__ with HPy imports enabled.")
    r.add_argument("script", metavar="SCRIPT", nargs="?")
    r.add_argument("args", metavar="ARGS", nargs=argparse.REMAINDER,
                   help="arguments for the script (its sys.argv[1:])")

    t = sub.add_parser("trace", help="run a script with every HPy module traced and report the calls",
                       description="Run SCRIPT as __main__ with every HPy module loaded in trace mode, "
                                   "then print to stderr which HPy context members it called: count, "
                                   "total and mean time, share of the total, most time first.")
    t.add_argument("--top", type=int, default=None, metavar="N", help="only the N members with most time")
    t.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    t.add_argument("--svg", metavar="FILE", help="also write a bar chart of the time per member (SVG)")
    t.add_argument("--pstats", metavar="FILE",
                   help="also write the counts and times as Python profile statistics (pstats: "
                        "open with python -m pstats FILE, snakeviz or gprof2dot -f pstats)")
    t.add_argument("script", metavar="SCRIPT")
    t.add_argument("args", metavar="ARGS", nargs=argparse.REMAINDER,
                   help="arguments for the script (its sys.argv[1:])")

    sub.add_parser("info", help="print the runtime version, library path and coverage")
    return p


def _error(msg, status=EXIT_ERROR):
    sys.stderr.write(PREFIX + "%s\n" % msg)
    return status


def _usage_error(command, msg):
    _parser()._subparsers._group_actions[0].choices[command].print_usage(sys.stderr)
    return _error("%s: %s" % (command, msg), EXIT_USAGE)


def cmd_build(ns):
    try:
        out = build.build_extension(ns.name, ns.sources, abi=ns.abi, outdir=ns.outdir,
                                    extra_flags=ns.cflags, verbose=ns.verbose)
    except (build.BuildError, RuntimeError) as e:
        return _error(str(e))
    print(out)
    return 0


def cmd_config(ns):
    if not ns.items:
        return _usage_error("config", "give at least one of --cflags, --ldflags, --sources, "
                                      "--includedir, --libdir, --pkgconfigdir, --cmakedir")
    words = []
    try:
        for item in ns.items:
            if item == "cflags":
                words += config.cflags(ns.abi)
            elif item == "ldflags":
                words += config.ldflags()
            elif item == "sources":
                words += config.helper_sources(ns.abi or "universal")
            elif item in ("pkgconfigdir", "cmakedir"):
                words.append(config.data_dir(item))
            elif item == "includedir":
                words.append(config.include_dir())
            elif item == "libdir":
                words.append(os.path.dirname(_native.find_library()))
    except RuntimeError as e:
        return _error(str(e))
    print(" ".join(words))
    return 0


def cmd_run(ns, command="run"):
    script = ns.script
    if script is None:
        return _usage_error(command, "give the SCRIPT to run")
    if not os.path.exists(script):
        return _error("%s: cannot open %r: no such file" % (command, script))
    install()
    sys.argv = [script] + list(ns.args)
    # As `python SCRIPT` does: the script's directory comes first on sys.path
    # (in place of the current directory that -m put there).
    script_dir = os.path.dirname(os.path.abspath(script))
    if sys.path and sys.path[0] in ("", os.getcwd()):
        sys.path[0] = script_dir
    else:
        sys.path.insert(0, script_dir)
    runpy.run_path(script, run_name="__main__")
    return 0


def cmd_trace(ns):
    from . import trace
    if not os.path.exists(ns.script):
        return _error("trace: cannot open %r: no such file" % ns.script)
    if ns.top is not None and ns.top < 1:
        return _error("trace: --top must be at least 1", EXIT_USAGE)
    # Every HPy module the script imports loads in trace mode (HPY is read at each import).
    os.environ["HPY"] = "trace"
    before_counts, before_durations = trace.get_call_counts(), trace.estimated_durations()

    def report():
        # Estimates: the report covers every call, including those since a member's last timed
        # one (see hpyshim.trace); an estimate can shrink, hence the floor at 0.
        counts, durations = trace.get_call_counts(), trace.estimated_durations()
        delta_c = {n: counts[n] - before_counts[n] for n in counts}
        delta_d = {n: max(0, durations[n] - before_durations[n]) for n in durations}
        rows = trace.report_rows(delta_c, delta_d, ns.top)
        sys.stdout.flush()
        sys.stderr.write("\n== HPy trace of %s\n" % ns.script)
        sys.stderr.write(trace.format_report(rows))
        sampling, exact_calls = trace.get_sampling()
        if sampling > 1 and any(counts[n] > exact_calls for n in delta_c if delta_c[n]):
            sys.stderr.write("(times: every call up to a member's %d-th, then 1 in %d on average, "
                             "estimated; HPYSHIM_TRACE_SAMPLING=1 times every call)\n"
                             % (exact_calls, sampling))
        if ns.csv:
            trace.write_csv(ns.csv, rows)
            sys.stderr.write("CSV: %s\n" % ns.csv)
        if ns.svg:
            trace.write_svg(ns.svg, rows, "HPy context calls of %s" % os.path.basename(ns.script))
            sys.stderr.write("chart: %s\n" % ns.svg)
        if ns.pstats:
            trace.write_pstats(ns.pstats, delta_c, delta_d)
            sys.stderr.write("pstats: %s (python -m pstats %s)\n" % (ns.pstats, ns.pstats))

    try:
        return cmd_run(ns, "trace")
    finally:
        report()


def cmd_info(ns):
    try:
        path = _native.library_path()
        print("hpyshim runtime %s" % _native.version())
        print("library: %s" % path)
        print("implemented: %s" % _native.implemented_summary())
    except RuntimeError as e:
        return _error(str(e))
    return 0


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    ns = _parser().parse_args(argv)
    handler = {"build": cmd_build, "config": cmd_config, "run": cmd_run, "trace": cmd_trace,
               "info": cmd_info}.get(ns.command)
    if handler is None:
        _parser().print_help(sys.stderr)
        return EXIT_USAGE
    return handler(ns)
