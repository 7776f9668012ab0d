#!/usr/bin/env bash
# End-to-end: `compliance validate [DIR]` on the sample baseline and on
# broken copies of it (malformed JSON, duplicate keys, unknown members, wrong
# types, oversized files, missing manifest).
set -u

# --- shared e2e helpers (the same block opens every tests/e2e/*.sh) ---------
# Each check runs the real program and asserts its exit code and a substring
# (or an extended regex) of its stdout or stderr.
C=${LCMP_COMPLIANCE:?set LCMP_COMPLIANCE to the compliance program}
S=${LCMP_SOURCE_DIR:?set LCMP_SOURCE_DIR to the source tree}
if [ ! -x "$C" ]; then
    echo "$C: no such program"
    echo "0 passed, 1 failed"
    exit 1
fi
B=$S/baselines/municipal
mkdir -p "${LCMP_TMPDIR:-${TMPDIR:-/tmp}}"
T=$(mktemp -d "${LCMP_TMPDIR:-${TMPDIR:-/tmp}}/e2e.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
unset LCMP_BASELINE NO_COLOR
passed=0
failed=0

# run CMD...: run it, keeping stdout, stderr and the exit code in $rc.
run() {
    "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
}

_verdict() { # NAME WANT_RC STREAM HOW PATTERN
    local name=$1 want=$2 stream=$3 how=$4 pattern=$5 found=1
    if [ "$how" = re ]; then
        grep -qE -- "$pattern" "$T/$stream" && found=0
    else
        grep -qF -- "$pattern" "$T/$stream" && found=0
    fi
    if [ "$rc" = "$want" ] && [ "$found" = 0 ]; then
        passed=$((passed + 1))
        return 0
    fi
    failed=$((failed + 1))
    echo "FAIL: $name: exit $rc (want $want), $stream should match: $pattern"
    sed -e 's/^/  stdout: /' "$T/out" | head -n 8
    sed -e 's/^/  stderr: /' "$T/err" | head -n 8
    return 1
}

# expect NAME WANT_RC out|err SUBSTRING
expect() { _verdict "$1" "$2" "$3" fixed "$4"; }
# expect_re NAME WANT_RC out|err EXTENDED-REGEX
expect_re() { _verdict "$1" "$2" "$3" re "$4"; }

# expect_lines NAME out|err N: the last run printed exactly N lines there.
expect_lines() {
    local n
    n=$(wc -l <"$T/$2")
    if [ "$n" -eq "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1: $2 has $n lines, want $3"
        sed -e "s/^/  $2: /" "$T/$2" | head -n 8
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
# ---------------------------------------------------------------------------

# fixture NAME: a fresh copy of the sample baseline at $T/NAME
fixture() {
    rm -rf "${T:?}/$1"
    cp -R "$B" "$T/$1"
}

# edit FILE PYTHON: run PYTHON with `t` bound to FILE's text, write `t` back
# (`json` is imported: `d = json.loads(t)` ... `t = json.dumps(d)`).
edit() {
    python3 - "$1" "$2" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
t = open(path, encoding="utf-8").read()
exec(code)
open(path, "w", encoding="utf-8").write(t)
PY
}

run "$C" validate "$B"
expect "sample baseline is valid" 0 out "$B: valid baseline 'interlokaal-basis' (54 controls, 3 profiles)"
expect_lines "valid: one line" out 1

run "$C" -q validate "$B"
expect "valid, -q" 0 out "valid baseline 'interlokaal-basis'"

run bash -c 'cd "$1" && "$2" validate' _ "$B" "$C"
expect "default DIR is ." 0 out ".: valid baseline 'interlokaal-basis'"

run "$C" validate "$T/nowhere"
expect "missing directory" 2 err "compliance: $T/nowhere: no such directory"
expect_lines "missing directory: one line" err 1

: >"$T/plain-file"
run "$C" validate "$T/plain-file"
expect "not a directory" 2 err "compliance: $T/plain-file: not a directory"

mkdir "$T/empty"
run "$C" validate "$T/empty"
expect "empty directory: the manifest is a problem" 1 out "baseline.json"
expect_re "empty directory: summary" 1 out "^[0-9]+ problems? in $T/empty$"

fixture malformed
edit "$T/malformed/controls/governance.json" \
    't = t.replace("\"family\": \"governance\",", "\"family\": \"governance\",,", 1)'
run "$C" validate "$T/malformed"
expect_re "malformed JSON: file:line:column" 1 out "controls/governance\.json:3:[0-9]+: "
expect "malformed JSON: summary" 1 out "1 problem in $T/malformed"

fixture duplicate
edit "$T/duplicate/controls/backups.json" \
    't = t.replace("\"schema\": \"lcmp.controls/v1\",", "\"schema\": \"lcmp.controls/v1\", \"schema\": \"lcmp.controls/v1\",", 1)'
run "$C" validate "$T/duplicate"
expect_re "duplicate key" 1 out "controls/backups\.json:[0-9]+:[0-9]+: .*duplicate"

fixture unknown
edit "$T/unknown/controls/identity.json" \
    'd = json.loads(t); d["controls"][1]["colour"] = "blue"; t = json.dumps(d, indent=2)'
run "$C" validate "$T/unknown"
expect "unknown member with pointer" 1 out "controls/identity.json: /controls/1/colour: unknown member 'colour'"

fixture wrongtype
edit "$T/wrongtype/controls/logging.json" \
    'd = json.loads(t); d["controls"][0]["title"] = 42; t = json.dumps(d, indent=2)'
run "$C" validate "$T/wrongtype"
expect "wrong type with pointer" 1 out "controls/logging.json: /controls/0/title: expected"

fixture oversize
python3 -c 'import sys; f = open(sys.argv[1], "a"); f.write(" " * (17 << 20))' \
    "$T/oversize/controls/network.json"
run "$C" validate "$T/oversize"
expect "oversize file" 1 out "controls/network.json: file is larger than 16777216 bytes"

fixture missingfile
rm "$T/missingfile/profiles/essential.json"
run "$C" validate "$T/missingfile"
expect "missing profile file" 1 out "profiles/essential.json"

# Several broken files: every one is reported, each on one line.
fixture several
edit "$T/several/controls/governance.json" \
    't = t.replace("\"family\": \"governance\",", "\"family\": \"governance\",,", 1)'
edit "$T/several/controls/identity.json" \
    'd = json.loads(t); d["controls"][1]["colour"] = "blue"; t = json.dumps(d, indent=2)'
run "$C" validate "$T/several"
expect "two problems: both listed (1)" 1 out "controls/governance.json:3:"
expect "two problems: both listed (2)" 1 out "/controls/1/colour: unknown member 'colour'"
expect "two problems: summary" 1 out "2 problems in $T/several"
expect_lines "two problems: three lines" out 3

run "$C" -q validate "$T/several"
expect "problems, -q: summary only" 1 out "2 problems in $T/several"
expect_lines "problems, -q: one line" out 1

finish
