#!/usr/bin/env bash
# Compile-checks the HPy Shim headers, runtime helper sources and samples.
#
#   include/check_headers.sh
#
# Every sample is built warning-free as a universal-ABI shared object with
# hidden default visibility, and the four HPy loader entry points must still
# be exported. Each sample is also compiled as C11 and as C++.
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

# CPython ABI mode must refuse clearly.
if echo '#include "hpy.h"' | gcc -DHPY_ABI_CPYTHON "${inc[@]}" -x c -fsyntax-only - 2>"$out/cpython.err"; then
    echo "HPY_ABI_CPYTHON unexpectedly compiled"; fail=1
elif grep -q "CPython ABI mode is not implemented yet" "$out/cpython.err"; then
    echo "== HPY_ABI_CPYTHON rejected as expected"
else
    cat "$out/cpython.err"; fail=1
fi

exit $fail
