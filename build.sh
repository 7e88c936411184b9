#!/usr/bin/env bash
# HPy Shim build script.
#   ./build.sh          publish libhpy.so (NativeAOT) to out/lib, build the samples to out/cext-samples
#                       and write the wheels to out/dist (hpyshim, and the hpy 0.9.0 compatibility one)
#   ./build.sh test     build, then run every test (dotnet test: managed, C harness, Python on every CPython;
#                       a CPython listed in HPYSHIM_REQUIRE_PYTHONS, e.g. "3.8 3.13", must be installed)
#   ./build.sh install PREFIX  build the library, then install it for C hosts: PREFIX/lib/libhpy.so,
#                       PREFIX/include/hpyshim, PREFIX/lib/pkgconfig/hpyshim.pc, PREFIX/lib/cmake/HPyShim
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
    echo "== libhpy (NativeAOT, $RID; about a minute)"
    # A line every 15 s, so a quiet minute-long publish is visibly alive.
    ( s=0; while sleep 15; do s=$((s + 15)); echo "   ... still publishing libhpy ($s s)"; done ) &
    local ticker=$!
    dotnet publish Shim/Shim.csproj -c Release -r "$RID" -o "$OUT/publish" -nologo -v quiet \
        || { kill "$ticker" 2>/dev/null; return 1; }
    kill "$ticker" 2>/dev/null || true
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
    echo "== samples (universal ABI: one build for every CPython; hybrid ones: one per CPython)"
    mkdir -p "$OUT/cext-samples"
    for dir in cext-samples/*/; do
        name=$(basename "$dir")
        # A sample that also uses the legacy C API says so in its abi file.
        abi=$(cat "$dir/abi" 2>/dev/null || echo universal)
        if [ "$abi" = hybrid ]; then
            # NAME.hpy0-cp3XY.so, as hpy.devel names it: built against one CPython's C API.
            for python in $(cpythons); do
                PYTHONPATH="$ROOT/launcher" "$python" -m hpyshim build "$name" "$dir"*.c --abi hybrid -o "$OUT/cext-samples"
            done
        else
            PYTHONPATH="$ROOT/launcher" "$PYTHON" -m hpyshim build "$name" "$dir"*.c --abi "$abi" -o "$OUT/cext-samples"
        fi
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

build_wheels() {
    echo "== wheels (out/dist)"
    "$PYTHON" packaging/wheels.py wheels --lib "$OUT/lib/$LIB" --out "$OUT/dist"
}

# The Python packages the packaging tests' venvs install offline (pip, setuptools, wheel).
ensure_python_wheels() {
    local missing=()
    for pkg in pip setuptools wheel; do
        ls /usr/share/python-wheels/$pkg-*.whl >/dev/null 2>&1 || missing+=("python3-$pkg-whl")
    done
    # the arm64 thunk encoder is tested cross-compiled, under qemu (Shim.Tests/ThunkTests.cs)
    command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
    command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
    if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
        local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
        echo "== installing ${missing[*]}"
        $sudo apt-get update -qq || true
        $sudo apt-get install -y -qq "${missing[@]}"
    fi
}

build() {
    build_library
    build_samples
    build_wheels
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
    install)
        [ $# -eq 2 ] || { echo "usage: $0 install PREFIX" >&2; exit 2; }
        build_library
        "$PYTHON" packaging/wheels.py install "$2" --lib "$OUT/lib/$LIB"
        ;;
    fuzz) fuzz ;;
    memcheck)
        build
        command -v valgrind >/dev/null || apt-get install -y valgrind
        tests/valgrind/memcheck.sh "$OUT"
        ;;
    test)
        build
        ensure_python_wheels
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
        build_wheels  # test/hpy_devel installs them
        "$PYTHON" conformance/run.py "${@:2}"
        ;;
    *) echo "usage: $0 [build|test|run|bench|conformance|generate|install PREFIX|fuzz|memcheck]" >&2; exit 2 ;;
esac
