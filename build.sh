#!/usr/bin/env bash
# HPy Shim build script. Every command is implemented once, in tools/build.py, which build.ps1 (the
# PowerShell front end) runs too: `./build.sh help` lists the commands. The usual ones:
#   ./build.sh          publish libhpy.so (NativeAOT) to out/lib, build the samples to out/cext-samples
#                       and write the wheels to out/dist
#   ./build.sh test     build, then run every test (HPYSHIM_REQUIRE_PYTHONS="3.8 3.13": CPythons that must exist)
#   ./build.sh run | bench | conformance [ARGS] | generate | install PREFIX
#   ./build.sh --dry-run COMMAND   print the steps of COMMAND without running them
#   ./build.sh --verbose COMMAND   also print every file built
#   ./build.sh --target linux-arm64 build|run|test   for arm64, into out/linux-arm64, run under qemu
HPYSHIM_BUILD_SCRIPT=./build.sh exec python3 "$(dirname "$0")/tools/build.py" "$@"
