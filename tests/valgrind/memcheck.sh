#!/usr/bin/env bash
# valgrind memcheck of the C harnesses (tests/c) on every pyenv CPython: no invalid access, no use
# of uninitialised memory, no definite leak. Some CPython builds are not clean under valgrind by
# themselves; what CPython reports when a C host embeds it alone (tests/valgrind/baseline.c) is the
# baseline, turned into suppressions (their innermost frames only), so only new reports count.
# Usage: tests/valgrind/memcheck.sh OUT_DIR [VERSION...]
#   OUT_DIR: the build output (lib/libhpy.so, cext-samples); VERSIONs: pyenv versions (default all)
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=$(cd "${1:-out}" && pwd) || exit 1
shift
ONLY=" $* "
ROOT=$PWD
DIR=$OUT/memcheck
mkdir -p "$DIR"
export PYTHONMALLOC=malloc               # every allocation visible to valgrind
export DOTNET_GCHeapHardLimit=10000000   # hexadecimal; the default reservation is too big for valgrind
VALGRIND=(valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite
          --errors-for-leak-kinds=definite --num-callers=30)
for name in embed_test context_test; do
    gcc -std=c99 -Wall -Wextra -Werror -g -Iinclude "tests/c/$name.c" -L"$OUT/lib" -lhpy \
        -Wl,-rpath,"$OUT/lib" -o "$DIR/$name" || exit 1
done
failed=0 passed=0
for home in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*; do
    version=$(basename "$home"); minor=$(echo "$version" | cut -d. -f1,2)
    libpython=$home/lib/libpython$minor.so
    [ -f "$libpython" ] || continue
    [ "$ONLY" = "  " ] || [[ "$ONLY" == *" $version "* ]] || continue
    supp=$DIR/cpython-$version.supp
    gcc -g -I"$home/include/python$minor" tests/valgrind/baseline.c -L"$home/lib" -lpython"$minor" \
        -Wl,-rpath,"$home/lib" -o "$DIR/baseline-$version" || exit 1
    PYTHONHOME=$home "${VALGRIND[@]}" --error-exitcode=0 --gen-suppressions=all "$DIR/baseline-$version" 2>&1 >/dev/null \
        | awk '/^{/{s=1; n=0; next} /^}/{if(s){print "{\n   baseline"; for(i=1;i<=n&&i<=7;i++) print l[i]; print "}"}; s=0; next}
               s && !/^   <insert_a_suppression_name_here>/{l[++n]=$0}' > "$supp"
    for name in embed_test context_test; do
        log=$DIR/$name-$version.log
        args=("$libpython"); [ "$name" = embed_test ] && args+=("$OUT/cext-samples")
        if PYTHONHOME=$home "${VALGRIND[@]}" --suppressions="$supp" "$DIR/$name" "${args[@]}" >"$log.out" 2>"$log" \
            && grep -q "^0 failure(s)" "$log.out"; then
            echo "clean   $name on $version"; passed=$((passed + 1))
        else
            echo "FAILED  $name on $version (see $log)"; grep -E "^==[0-9]+== (Invalid|Use of|Conditional|.*definitely lost)" "$log" | head -5
            failed=$((failed + 1))
        fi
    done
done
echo "memcheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
