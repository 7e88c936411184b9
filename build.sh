#!/usr/bin/env bash
# HPy Shim build script.
#   ./build.sh          publish libhpy.so (NativeAOT) to out/lib and build the samples to out/cext-samples
#   ./build.sh test     build, then run every test (dotnet test: managed, C harness, Python on every CPython)
#   ./build.sh run      build, then run a sample through the launcher
#   ./build.sh bench    build, then run the benchmark (bench/)
#   ./build.sh conformance [ARGS]  build, then run HPy 0.9.0's own test suite on HPy Shim
#                       (HPY_SRC=checkout of HPy 0.9.0; ARGS go to conformance/run.py)
#   ./build.sh generate rewrite the generated files from api/hpy_context.api
#   ./build.sh fuzz     fuzz the argument parsers and HPy_BuildValue (libFuzzer; FUZZ_SECONDS, default 120)
#   ./build.sh memcheck build, then run the C harnesses under valgrind memcheck
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
OUT=$ROOT/out
PYTHON=${PYTHON:-python3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

case "$(uname -s)" in
    Darwin) RID=osx-$(uname -m | sed 's/x86_64/x64/'); LIB=libhpy.dylib ;;
    *)      RID=linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/'); LIB=libhpy.so ;;
esac

generate() {
    dotnet run --project generator -- --root "$ROOT"
}

build_library() {
    echo "== libhpy (NativeAOT, $RID)"
    dotnet publish Shim/Shim.csproj -c Release -r "$RID" -o "$OUT/publish" -nologo -v quiet
    mkdir -p "$OUT/lib"
    # A new file, renamed over the old: processes still running with the old one keep it intact.
    cp "$OUT/publish/$LIB" "$OUT/lib/$LIB.new"
    mv -f "$OUT/lib/$LIB.new" "$OUT/lib/$LIB"
}

# Every CPython 3.8+ that pyenv has, and the default python: CPython ABI builds are per version.
cpythons() {
    local root=${PYENV_ROOT:-$HOME/.pyenv} dir minor
    for dir in "$root"/versions/3.*; do
        [ -d "$dir" ] || continue
        minor=$(basename "$dir" | cut -d. -f2)
        [ "$minor" -ge 8 ] 2>/dev/null && echo "$dir/bin/python3.$minor"
    done
    command -v "$PYTHON"
}

build_samples() {
    echo "== samples (universal ABI: one build for every CPython; hybrid ones in hybrid mode)"
    mkdir -p "$OUT/cext-samples"
    for dir in cext-samples/*/; do
        name=$(basename "$dir")
        # A sample that also uses the legacy C API says so in its abi file.
        abi=$(cat "$dir/abi" 2>/dev/null || echo universal)
        PYTHONPATH="$ROOT/launcher" "$PYTHON" -m hpyshim build "$name" "$dir"*.c --abi "$abi" -o "$OUT/cext-samples"
    done
    echo "== samples (CPython ABI: one build per CPython)"
    mkdir -p "$OUT/cext-samples/cpython"
    for python in $(cpythons); do
        for dir in cext-samples/*/; do
            name=$(basename "$dir")
            PYTHONPATH="$ROOT/launcher" "$python" -m hpyshim build "$name" "$dir"*.c --abi cpython \
                -o "$OUT/cext-samples/cpython" >/dev/null
        done
    done
    ls "$OUT/cext-samples/cpython"
}

build() {
    build_library
    build_samples
}

# The helpers that parse formats, compiled in CPython ABI mode against the newest pyenv CPython.
fuzz() {
    command -v clang-14 >/dev/null || apt-get install -y clang-14
    [ -n "$(find /usr/lib/llvm-14 -name 'libclang_rt.fuzzer-*.a' 2>/dev/null)" ] || apt-get install -y libclang-rt-14-dev
    local python; python=$(cpythons | grep -v '^/usr' | tail -1)
    mkdir -p "$OUT/fuzz/corpus"
    # shellcheck disable=SC2046
    clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -DHPY_ABI_CPYTHON -Iinclude \
        $("$python" -c 'import sysconfig as s; d = s.get_config_var("LIBDIR"); print("-I%s -L%s -Wl,-rpath,%s -lpython%s" % (s.get_paths()["include"], d, d, s.get_config_var("LDVERSION")))') \
        tests/fuzz/helpers_fuzz.c $(PYTHONPATH=launcher "$python" -c 'from hpyshim import config; print(" ".join(config.helper_sources("cpython")))') \
        -o "$OUT/fuzz/helpers_fuzz"
    echo "== fuzzing for ${FUZZ_SECONDS:-120} s; crashes go to out/fuzz/ (keep each as tests/regressions/fuzz/NAME)"
    ASAN_OPTIONS=detect_leaks=0 "$OUT/fuzz/helpers_fuzz" -max_total_time="${FUZZ_SECONDS:-120}" -max_len=256 \
        -artifact_prefix="$OUT/fuzz/" "$OUT/fuzz/corpus" tests/regressions/fuzz
}

cmd=${1:-build}
case "$cmd" in
    build) build ;;
    generate) generate ;;
    fuzz) fuzz ;;
    memcheck)
        build
        command -v valgrind >/dev/null || apt-get install -y valgrind
        tests/valgrind/memcheck.sh "$OUT"
        ;;
    test)
        build
        command -v valgrind >/dev/null || apt-get install -y valgrind   # MemcheckTests
        rm -rf "$OUT/tests/counts"
        status=0
        dotnet test Shim.Tests/Shim.Tests.csproj -nologo --logger "console;verbosity=normal" || status=$?
        # Each xunit test of a Python or C suite recorded that suite's own count.
        cat "$OUT"/tests/counts/*.txt 2>/dev/null | awk '{ p += $1; f += $2 }
            END { printf "Python and C suites (all CPythons and modes): %d passed, %d failed\n", p, f }'
        exit $status
        ;;
    run)
        build
        echo "== point sample through the launcher"
        PYTHONPATH="$ROOT/launcher:$OUT/cext-samples" "$PYTHON" -m hpyshim run cext-samples/point/example.py
        echo "== simple sample through the launcher"
        PYTHONPATH="$ROOT/launcher:$OUT/cext-samples" "$PYTHON" -m hpyshim run cext-samples/simple/example.py
        ;;
    bench)
        build
        bench/run.sh "${@:2}"
        ;;
    conformance)
        build_library
        "$PYTHON" conformance/run.py "${@:2}"
        ;;
    *) echo "usage: $0 [build|test|run|bench|conformance|generate|fuzz|memcheck]" >&2; exit 2 ;;
esac
