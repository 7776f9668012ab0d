#!/usr/bin/env bash
# The libcompliance demo (`make demo`): lint the sample baseline, write a
# declaration template, check the three example municipalities and show the
# JSON summary of one. Output goes to ./.demo/ (recreated on every run).
#
# COMPLIANCE names the program (default: build/compliance). A check that
# finds gaps (exit 1) is expected; any other failure stops the demo.
set -euo pipefail

COMPLIANCE=${COMPLIANCE:-build/compliance}
BASELINE=baselines/municipal
AT=2026-11-27
OUT=.demo

if [ ! -x "$COMPLIANCE" ]; then
    echo "demo: $COMPLIANCE: no such program; build first (cmake -S . -B build && cmake --build build)" >&2
    exit 2
fi

step=0
banner() {
    step=$((step + 1))
    printf '\n=== %d. %s\n$ %s\n\n' "$step" "$1" "$2"
}

# check_ok CMD...: run a check, accepting exit 0 (no gaps) and 1 (gaps).
check_ok() {
    local rc=0
    "$@" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "demo: '$*' failed with exit code $rc" >&2
        exit "$rc"
    fi
    return 0
}

rm -rf "$OUT"
mkdir -p "$OUT"

banner "Lint the association's baseline" \
    "compliance validate $BASELINE"
"$COMPLIANCE" validate "$BASELINE"

banner "Write a ready-to-fill declaration for profile 'basic'" \
    "compliance template --profile basic --baseline $BASELINE --org gem-voorbeeld --name 'Gemeente Voorbeeld' --out $OUT/declaration.json"
"$COMPLIANCE" template --profile basic --baseline "$BASELINE" \
    --org gem-voorbeeld --name "Gemeente Voorbeeld" \
    --out "$OUT/declaration.json"
echo "wrote $OUT/declaration.json ($(wc -c <"$OUT/declaration.json") bytes); its first lines:"
head -n 12 "$OUT/declaration.json"

gaps=0
for size in small medium large; do
    decl=examples/$size-municipality.json
    banner "Check the $size municipality at $AT" \
        "compliance check --declaration $decl --baseline $BASELINE --at $AT"
    rc=0
    "$COMPLIANCE" check --declaration "$decl" --baseline "$BASELINE" \
        --at "$AT" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "demo: check of $decl failed with exit code $rc" >&2
        exit "$rc"
    fi
    if [ "$rc" -eq 1 ]; then
        gaps=$((gaps + 1))
    fi
done

banner "The same check as JSON (lcmp.results/v1): the summary of the medium municipality" \
    "compliance check --declaration examples/medium-municipality.json --baseline $BASELINE --at $AT --format json"
check_ok "$COMPLIANCE" check --declaration examples/medium-municipality.json \
    --baseline "$BASELINE" --at "$AT" --format json >"$OUT/medium-results.json"
python3 - "$OUT/medium-results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps({k: d[k] for k in ("organisation", "baseline", "evaluated_at", "summary")}, indent=2,
                 ensure_ascii=False))
PY
echo "(full results: $OUT/medium-results.json)"

banner "A fresh template declares nothing yet: every control is a gap" \
    "compliance -q check --declaration $OUT/declaration.json --baseline $BASELINE --at $AT"
check_ok "$COMPLIANCE" -q check --declaration "$OUT/declaration.json" \
    --baseline "$BASELINE" --at "$AT"

printf '\ndemo: done: baseline valid, template written, 3 examples checked (%d with gaps); output in %s/\n' \
    "$gaps" "$OUT"
