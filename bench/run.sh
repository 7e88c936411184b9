#!/usr/bin/env bash
# Benchmark entry point (./build.sh bench runs this after building); $PYTHON picks the interpreter.
# First the microbenchmarks (bench/run.py, every argument goes there), then the realistic workloads
# (bench/realistic.py: time, or instructions with --callgrind; --quick makes both shorter).
#   --all       time and instructions both: the timed run (microbenchmarks, system calls,
#               start-up), then the same under callgrind, then the realistic workloads timed and
#               under callgrind; ends with bench/summary.py (out/bench/summary.json and .md)
#   --with-hpy  first build HPy 0.9's own runtime if it is not built (bench/hpy_runtime.py; the
#               sources from $HPYSHIM_HPY_SOURCE or a clone), so that every table has its column
# Every child process runs with PYTHONHASHSEED=0 (bench/run.py child_env).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
all=0
args=()
for arg in "$@"; do
    case $arg in
        --all) all=1 ;;
        --with-hpy) "$PY" bench/hpy_runtime.py --keep ;;
        *) args+=("$arg") ;;
    esac
done
set -- ${args[@]+"${args[@]}"}
if [ $all = 1 ]; then
    "$PY" bench/run.py "$@"
    "$PY" bench/run.py --callgrind --no-build "$@"
    "$PY" bench/realistic.py --no-strace
    "$PY" bench/realistic.py --callgrind
    exec "$PY" bench/summary.py
fi
"$PY" bench/run.py "$@"
realistic=()
for arg in "$@"; do
    case $arg in
        --callgrind) realistic+=(--callgrind) ;;
        --cpu-time) realistic+=(--cpu-time) ;;
        --quick) realistic+=(--rounds 2 --scale 0.3) ;;
        --strace | --no-strace) realistic+=("$arg") ;;
        --managed) exit 0 ;;   # the managed benchmarks only
    esac
done
"$PY" bench/realistic.py ${realistic[@]+"${realistic[@]}"}
exec "$PY" bench/summary.py
