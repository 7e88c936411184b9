#!/usr/bin/env bash
# Compile-checks the HPy Shim headers, runtime helper sources and samples.
#
#   include/check_headers.sh
#
# Every sample is built warning-free as a universal-ABI shared object with
# hidden default visibility, and the four HPy loader entry points must still
# be exported. Each sample is also compiled as C11 and as C++, then as a
# CPython ABI mode extension (PyInit_<name>) and as a hybrid one.
#
# PYTHON: the interpreter whose headers CPython/hybrid mode builds use
# (default python3).
#
# HPY_GEN_INCLUDE: extra include directory searched first (for stand-ins of
# the generated hpy/universal/*.gen.h while the generator has not run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="${TMPDIR:-/tmp}/hpyshim-check"
mkdir -p "$out"

inc=()
if [[ -n "${HPY_GEN_INCLUDE:-}" ]]; then inc+=(-I "$HPY_GEN_INCLUDE"); fi
inc+=(-I "$here")

warn=(-Wall -Wextra -Werror)
fail=0

for dir in "$root"/cext-samples/*/; do
    name="$(basename "$dir")"
    so="$out/$name.hpy0.so"
    echo "== $name"

    gcc -std=c99 "${warn[@]}" -O2 -fPIC -shared -fvisibility=hidden "${inc[@]}" \
        "$dir"*.c "$here"/runtime/*.c -o "$so"

    syms="$(nm -D --defined-only "$so" | awk '{print $3}')"
    for sym in "get_required_hpy_major_version_$name" \
               "get_required_hpy_minor_version_$name" \
               "HPyInitGlobalContext_$name" \
               "HPyInit_$name"; do
        if grep -qx "$sym" <<<"$syms"; then
            echo "   exported: $sym"
        else
            echo "   MISSING:  $sym"; fail=1
        fi
    done
    # helpers and the trampoline context must stay private to the extension
    for sym in HPyArg_Parse HPy_BuildValue HPyHelpers_AddType _ctx_for_trampolines; do
        if grep -qx "$sym" <<<"$syms"; then
            echo "   LEAKED:   $sym"; fail=1
        fi
    done

    for f in "$dir"*.c; do
        gcc -std=c11 "${warn[@]}" -fPIC "${inc[@]}" -c "$f" -o "$out/$name.c11.o"
        echo "   c11 ok: $(basename "$f")"
        # C++ warns about designated initialisers that skip fields (.doc
        # without .readonly, ...); that is how the HPyDef macros are used.
        g++ -x c++ -std=c++20 "${warn[@]}" -Wno-missing-field-initializers -fPIC "${inc[@]}" -c "$f" -o "$out/$name.cxx.o"
        echo "   c++20 ok: $(basename "$f")"
    done
done

# The runtime sources on their own, under C11 too.
for f in "$here"/runtime/*.c; do
    gcc -std=c11 "${warn[@]}" -fPIC "${inc[@]}" -c "$f" -o "$out/$(basename "$f" .c).o"
done
echo "== runtime sources ok (c99 + c11)"

# CPython ABI mode: each sample becomes an ordinary CPython extension built
# against $PYTHON's headers (python3 by default), with the runtime helpers of
# include/runtime/cpython compiled in. Only PyInit_<name> may be exported.
# (CPython's own headers need POSIX types, hence gnu11 rather than c99.)
py="${PYTHON:-python3}"
pyinc="$("$py" -c "import sysconfig; print(sysconfig.get_paths()['include'])")"
for dir in "$root"/cext-samples/*/; do
    name="$(basename "$dir")"
    so="$out/$name.cpython.so"
    echo "== $name (HPY_ABI_CPYTHON, $("$py" -c 'import sys; print(sys.version.split()[0])'))"
    gcc -std=gnu11 "${warn[@]}" -O2 -fPIC -shared -fvisibility=hidden -DHPY_ABI_CPYTHON \
        "${inc[@]}" -I "$pyinc" "$dir"*.c "$here"/runtime/*.c "$here"/runtime/cpython/*.c \
        -lm -o "$so"
    syms="$(nm -D --defined-only "$so" | awk '{print $3}')"
    if grep -qx "PyInit_$name" <<<"$syms"; then
        echo "   exported: PyInit_$name"
    else
        echo "   MISSING:  PyInit_$name"; fail=1
    fi
    for sym in HPyArg_Parse HPyType_FromSpec HPyTracker_New _HPyCPy_context \
               _HPyModuleDef_AsPyInit "HPyInit_$name"; do
        if grep -qx "$sym" <<<"$syms"; then
            echo "   LEAKED:   $sym"; fail=1
        fi
    done
    for f in "$dir"*.c; do
        g++ -x c++ -std=c++20 "${warn[@]}" -Wno-missing-field-initializers -fPIC -DHPY_ABI_CPYTHON \
            "${inc[@]}" -I "$pyinc" -c "$f" -o "$out/$name.cpython.cxx.o"
        echo "   c++20 ok: $(basename "$f")"
    done

    # hybrid: universal ABI plus the legacy C API
    gcc -std=gnu11 "${warn[@]}" -O2 -fPIC -shared -fvisibility=hidden -DHPY_ABI_HYBRID \
        "${inc[@]}" -I "$pyinc" "$dir"*.c "$here"/runtime/*.c -o "$out/$name.hybrid.so"
    echo "   hybrid ok"
done

# Universal-only context members are a compile error in CPython mode.
if printf '#include "hpy.h"\nvoid f(HPyContext *c);\nvoid f(HPyContext *c) { _HPy_CallRealFunctionFromTrampoline(c, HPyFunc_O, 0, 0); }\n' \
        | gcc -DHPY_ABI_CPYTHON "${inc[@]}" -I "$pyinc" -x c -c -o /dev/null - 2>"$out/cpython.err"; then
    echo "_HPy_CallRealFunctionFromTrampoline unexpectedly compiled in CPython mode"; fail=1
elif grep -q "not available in HPy's CPython ABI mode" "$out/cpython.err"; then
    echo "== universal-only members rejected in CPython mode"
else
    cat "$out/cpython.err"; fail=1
fi

# Mixing ABI modes is refused.
if echo '#include "hpy.h"' | gcc -DHPY_ABI_CPYTHON -DHPY_ABI_UNIVERSAL "${inc[@]}" -I "$pyinc" \
        -x c -fsyntax-only - 2>/dev/null; then
    echo "HPY_ABI_CPYTHON + HPY_ABI_UNIVERSAL unexpectedly compiled"; fail=1
fi

exit $fail
