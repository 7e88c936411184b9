#!/usr/bin/env bash
# Benchmark entry point (./build.sh bench runs this after building); $PYTHON picks the interpreter.
# First the microbenchmarks (bench/run.py, every argument goes there), then the realistic workloads
# (bench/realistic.py: time, or instructions with --callgrind; --quick makes both shorter).
set -euo pipefail
cd "$(dirname "$0")/.."
"${PYTHON:-python3}" bench/run.py "$@"
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
exec "${PYTHON:-python3}" bench/realistic.py ${realistic[@]+"${realistic[@]}"}
