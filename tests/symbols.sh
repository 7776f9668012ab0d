#!/bin/sh
# Checks the dynamic symbols exported by libcompliance.so (STYLE.md rule 37).
#
#   sh tests/symbols.sh <libcompliance.so>           check
#   sh tests/symbols.sh --update <libcompliance.so>  (re)write tests/symbols.txt
#
# Rules, while the API is in flux a pattern rather than a list:
#   - at least one symbol is exported;
#   - every exported symbol starts with lcmp_ and contains no "__"
#     (lcmp__x and lcmp_<module>__x are internals: never exported);
#   - every exported symbol is named in a public header (include/);
# and once tests/symbols.txt exists (one symbol a line, '#' comments), the
# exported set must equal it: an API change then shows as a diff to review.
set -eu

update=0
if [ "${1:-}" = "--update" ]; then
    update=1
    shift
fi
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 [--update] <libcompliance.so>" >&2
    exit 2
fi
lib=$1
here=$(cd "$(dirname "$0")" && pwd)
include_dir="$here/../include"
list_file="$here/symbols.txt"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Defined dynamic symbols, minus what the toolchain and sanitizers add.
nm -D --defined-only "$lib" |
    awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' |
    grep -Ev '^(_init|_fini|_edata|_end|__bss_start)$' |
    grep -Ev '^__(asan|ubsan|lsan|sanitizer|odr_asan)' |
    LC_ALL=C sort -u >"$tmp/exported" || true

status=0
count=$(wc -l <"$tmp/exported" | tr -d ' ')
if [ "$count" -eq 0 ]; then
    echo "symbols: $lib exports no symbol (is LCMP_EXTERN visibility set?)"
    status=1
fi

if grep -Ev '^lcmp_[A-Za-z0-9]' "$tmp/exported" >"$tmp/bad_prefix"; then
    echo "symbols: exported without the lcmp_ prefix:"
    sed 's/^/  /' "$tmp/bad_prefix"
    status=1
fi
if grep -E '__' "$tmp/exported" >"$tmp/internal"; then
    echo "symbols: internal symbols (with '__') exported:"
    sed 's/^/  /' "$tmp/internal"
    status=1
fi

if [ -d "$include_dir" ]; then
    find "$include_dir" -name '*.h' -exec cat {} + >"$tmp/headers"
    while IFS= read -r sym; do
        if ! grep -qw -- "$sym" "$tmp/headers"; then
            echo "symbols: exported but not in any public header: $sym"
            status=1
        fi
    done <"$tmp/exported"
fi

if [ "$update" -eq 1 ]; then
    {
        echo "# Symbols exported by libcompliance.so; regenerate with"
        echo "# sh tests/symbols.sh --update build/libcompliance.so"
        cat "$tmp/exported"
    } >"$list_file"
    echo "symbols: wrote $count symbols to $list_file"
elif [ -f "$list_file" ]; then
    grep -Ev '^[[:space:]]*(#|$)' "$list_file" | LC_ALL=C sort -u >"$tmp/expected"
    if ! diff -u "$tmp/expected" "$tmp/exported" >"$tmp/diff"; then
        echo "symbols: exported set differs from tests/symbols.txt" \
             "(- listed only, + exported only):"
        tail -n +3 "$tmp/diff" | grep -E '^[-+]'
        echo "symbols: if intended, run: sh tests/symbols.sh --update $lib"
        status=1
    fi
fi

if [ "$status" -eq 0 ]; then
    echo "symbols: $count exported symbols, all lcmp_* and public"
fi
exit "$status"
