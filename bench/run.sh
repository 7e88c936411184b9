#!/usr/bin/env bash
# Benchmark entry point (./build.sh bench runs this after building); $PYTHON picks the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" bench/run.py "$@"
