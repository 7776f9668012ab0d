#!/usr/bin/env bash
# End-to-end: `compliance validate [DIR]` on the sample baseline and on
# broken copies of it (malformed JSON, duplicate keys, unknown members, wrong
# types, oversized files, missing manifest).
set -u

source "$(dirname "$0")/lib.bash"

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
