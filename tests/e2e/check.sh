#!/usr/bin/env bash
# End-to-end: `compliance check`: text and JSON output on the examples, exit
# codes 0/1/2/3, every refusal as one line on stderr, --profile, --at,
# --evidence-dir, and colour only on a terminal without NO_COLOR.
set -u

source "$(dirname "$0")/lib.bash"

SMALL=$S/examples/small-municipality.json
MEDIUM=$S/examples/medium-municipality.json
LARGE=$S/examples/large-municipality.json
AT=2026-11-27

# derive OUT PYTHON: write OUT from the small example, after PYTHON has
# edited `d` (the parsed document), or set `t` (the text to write).
# `base` is the sample baseline's directory.
derive() {
    python3 - "$SMALL" "$1" "$2" "$B" <<'PY'
import json, sys
src, out, code, base = sys.argv[1:5]
d = json.load(open(src, encoding="utf-8"))
t = None
exec(code)
open(out, "w", encoding="utf-8").write(t if t is not None else json.dumps(d, indent=2))
PY
}

# pycheck FILE PYTHON: PYTHON runs with `d` = the JSON in FILE; prints "ok".
pycheck() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[2])
print("ok")
PY
}

# on_tty CMD...: run CMD with stdout on a pseudo-terminal.
on_tty() {
    python3 - "$@" <<'PY'
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdout=slave, stdin=subprocess.DEVNULL)
os.close(slave)
data = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
sys.stdout.buffer.write(data.replace(b"\r\n", b"\n"))
sys.exit(p.wait())
PY
}

ESC=$(printf '\033')

#
# The examples
#
run "$C" check --declaration "$SMALL" --baseline "$B" --at $AT
expect "small example has gaps" 1 out "Gemeente Kleinbeek (gem-kleinbeek), baseline interlokaal-basis, profile basic, evaluated at 2026-11-27T00:00:00Z"
expect_re "small example: summary line" 1 out "^Gemeente Kleinbeek — basic: [0-9]+ of 34 compliant, [0-9]+ non-compliant, [0-9]+ excepted, [0-9]+ not applicable, [0-9]+ undeclared — score [0-9]+%$"
expect_re "small example: a finding with its reasons" 1 out "^  [A-Z]+-[0-9]+ +.+ — non-compliant: .+"
expect_re "small example: family lines" 1 out "^Governance and risk \(governance\): [0-9]+ of [0-9]+ compliant(, [0-9]+ excepted)?(, [0-9]+ not applicable)?, score [0-9]+%$"
cp "$T/out" "$T/small.txt"
if grep -q "$ESC" "$T/small.txt"; then
    failed=$((failed + 1)); echo "FAIL: escape codes in output to a file"
else
    passed=$((passed + 1))
fi

run "$C" check --declaration "$SMALL" --baseline "$B" --at $AT --format json
expect "small example: JSON" 1 out '"schema": "lcmp.results/v1"'
cp "$T/out" "$T/small.json"
run pycheck "$T/small.json" '
s = d["summary"]
assert d["organisation"] == {"id": "gem-kleinbeek", "name": "Gemeente Kleinbeek"}
assert d["baseline"]["id"] == "interlokaal-basis" and d["baseline"]["profile"] == "basic"
assert d["evaluated_at"] == "2026-11-27T00:00:00Z", d["evaluated_at"]
assert s["controls"] == 34 == len(d["results"])
assert s["controls"] == sum(s[k] for k in ("compliant", "non_compliant", "excepted", "not_applicable", "undeclared"))
assert s["non_compliant"] + s["undeclared"] > 0
assert sum(f["controls"] for f in d["families"]) == 34
for r in d["results"]:
    assert r["state"] in ("compliant", "non_compliant", "excepted", "not_applicable", "undeclared")
    assert (r["state"] in ("compliant", "not_applicable")) == (len(r.get("reasons", [])) == 0), r'
expect "small example: JSON fields hold together" 0 out ok

# The text agrees with the JSON: same summary, families worst first.
cat >"$T/agree.py" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
text = open(sys.argv[2], encoding="utf-8").read().splitlines()
s = d["summary"]
want = ("Gemeente Kleinbeek — basic: %d of %d compliant, %d non-compliant, %d excepted, "
        "%d not applicable, %d undeclared — score %d%%" % (s["compliant"], s["controls"],
        s["non_compliant"], s["excepted"], s["not_applicable"], s["undeclared"], s["score"]))
assert text[1] == want, (text[1], want)
# the headline block comes right after the summary, in manifest order
assert text[2] == "" and text[3] == "Headline controls:", text[2:4]
head = text[4:text.index("", 4)]
state_words = {"compliant": "compliant", "non_compliant": "non-compliant", "excepted": "excepted",
               "not_applicable": "not applicable", "undeclared": "undeclared"}
byid = {r["control"]: r for r in d["results"]}
assert [l.split()[0] for l in head] == ["GOV-03", "GOV-04", "BCM-01"], head
for l in head:
    assert " — " + state_words[byid[l.split()[0]]["state"]] in l, l
text = text[:2] + text[4 + len(head):]
order = [m.group(1) for m in (re.match(r"^\S.* \(([A-Za-z0-9._-]+)\): [0-9]+ of [0-9]+ compliant", l) for l in text) if m]
scores = {f["id"]: f["score"] for f in d["families"]}
assert [scores[f] for f in order] == sorted(scores[f] for f in order), order
clean = [l for l in text if l.startswith("Without findings: ")]
clean = clean[0][len("Without findings: "):].split(", ") if clean else []
for f in d["families"]:
    findings = f["non_compliant"] + f["undeclared"] + f["excepted"]
    assert (f["id"] in order) == (findings > 0), f
    assert (f["title"] in clean) == (findings == 0), (f, clean)
for r in d["results"]:
    lines = [l for l in text if l.startswith("  " + r["control"] + " ")]
    if r["state"] in ("non_compliant", "undeclared", "excepted"):
        assert len(lines) == 1, (r["control"], lines)
        for reason in r.get("reasons", []):
            assert reason["message"] in lines[0], (reason, lines[0])
    else:
        assert not lines, lines
print("ok")
PY
run python3 "$T/agree.py" "$T/small.json" "$T/small.txt"
expect "text agrees with JSON" 0 out ok

run "$C" -q check --declaration "$SMALL" --baseline "$B" --at $AT
expect_re "-q: only the summary" 1 out "^Gemeente Kleinbeek — basic: "
expect_lines "-q: one line" out 1

run "$C" check -v --declaration "$SMALL" --baseline "$B" --at $AT
expect_re "-v: compliant controls listed too" 1 out " — compliant"
expect_re "-v: every family listed" 1 out "^Endpoints and network \(network\): "

run "$C" check --declaration "$MEDIUM" --baseline "$B" --at $AT
expect_re "families without findings share a line" 1 out "^Without findings: .*Governance and risk"

run "$C" check --declaration "$MEDIUM" --baseline "$B" --at $AT
expect_re "medium example" 1 out "^Gemeente Zonnedaal — basic: "

run "$C" check --declaration "$LARGE" --baseline "$B" --at $AT
expect_re "large example" '1' out "^Stad Havenburg — important: "
run "$C" check --declaration "$LARGE" --baseline "$B" --at $AT --format json
cp "$T/out" "$T/large.json"
run pycheck "$T/large.json" '
assert d["baseline"]["profile"] == "important"
exc = [r for r in d["results"] if r["state"] == "excepted"]
assert exc and all(r["exception"]["expires"] for r in exc), exc
assert all("original_state" in r for r in exc)'
expect "large example: excepted controls carry their exception" 0 out ok
run "$C" check --declaration "$LARGE" --baseline "$B" --at $AT
expect_re "large example: exception expiry in the text" 1 out " — excepted until [0-9]{4}-[0-9]{2}-[0-9]{2}"

# --profile overrides the declaration's profile
run "$C" check --declaration "$SMALL" --baseline "$B" --at $AT --profile important --format json
expect "--profile overrides" 1 out '"profile": "important"'

# --at is an evaluation time: RFC 3339 with an offset is converted to UTC
run "$C" check --declaration "$SMALL" --baseline "$B" --at 2026-11-27T10:30:00+01:00 --format json
expect "--at with an offset" 1 out '"evaluated_at": "2026-11-27T09:30:00Z"'

# Without --at the current time is used.
run "$C" check --declaration "$SMALL" --baseline "$B" --format json
expect_re "default --at is now" 1 out "\"evaluated_at\": \"$(date -u +%Y-%m-%d)T"

# A declaration with a valid exception for every control has no gaps: exit 0.
derive "$T/all-excepted.json" '
ids = json.load(open(base + "/profiles/basic.json"))["include"]["ids"]
d["exceptions"] = [{"control": i, "justification": "test", "approved_by": "test", "expires": "2099-12-31"} for i in ids]'
run "$C" check --declaration "$T/all-excepted.json" --baseline "$B" --at $AT
expect "no gaps: exit 0" 0 out "Gemeente Kleinbeek — basic: "
expect "no gaps: score 100%" 0 out "— score 100%"
run "$C" check --declaration "$T/all-excepted.json" --baseline "$B" --at $AT --format json
expect "no gaps: JSON exit 0" 0 out '"score": 100'

# Unknown declared controls are warnings, printed last.
derive "$T/unknown-id.json" 'd["controls"]["XYZ-99"] = {"status": "implemented"}'
run "$C" check --declaration "$T/unknown-id.json" --baseline "$B" --at $AT
expect_re "unknown control: a warning" 1 out "^warning: /controls/XYZ-99: "

#
# Refusals: exit 2, one line on stderr naming the file and the place
#
refused() { # NAME SUBSTRING: the last run was refused with SUBSTRING
    expect "$1" 2 err "$2"
    expect_lines "$1: one line on stderr" err 1
    expect_lines "$1: nothing on stdout" out 0
}
refused_re() {
    expect_re "$1" 2 err "$2"
    expect_lines "$1: one line on stderr" err 1
}

printf '{"schema": "lcmp.declaration/v1",\n  "organisation": {"id": "x" "name": "y"}}\n' >"$T/malformed.json"
run "$C" check --declaration "$T/malformed.json" --baseline "$B" --at $AT
refused_re "malformed declaration: line:column" "^compliance: $T/malformed\.json:2:[0-9]+: "

derive "$T/duplicate.json" 't = json.dumps(d, indent=2).replace("\"profile\": \"basic\",", "\"profile\": \"basic\", \"profile\": \"basic\",", 1)'
run "$C" check --declaration "$T/duplicate.json" --baseline "$B" --at $AT
refused_re "duplicate key" "^compliance: $T/duplicate\.json:[0-9]+:[0-9]+: .*duplicate"

derive "$T/unknown-member.json" 'd["controls"]["GOV-01"]["colour"] = "blue"'
run "$C" check --declaration "$T/unknown-member.json" --baseline "$B" --at $AT
refused "unknown member: pointer" "compliance: $T/unknown-member.json: /controls/GOV-01/colour: unknown member 'colour'"

derive "$T/wrong-type.json" 'd["organisation"]["name"] = 7'
run "$C" check --declaration "$T/wrong-type.json" --baseline "$B" --at $AT
refused "wrong type: pointer" "compliance: $T/wrong-type.json: /organisation/name: expected"

derive "$T/bad-status.json" 'd["controls"]["GOV-01"]["status"] = "done"'
run "$C" check --declaration "$T/bad-status.json" --baseline "$B" --at $AT
refused "unknown status: pointer" "$T/bad-status.json: /controls/GOV-01/status: "

run "$C" check --declaration "$T/missing.json" --baseline "$B" --at $AT
refused "missing declaration" "compliance: $T/missing.json: no such declaration file"

run "$C" check --declaration "$T" --baseline "$B" --at $AT
refused "declaration is a directory" "compliance: $T: is a directory"

python3 -c 'import sys; open(sys.argv[1], "w").write("[" + " " * (17 << 20) + "]")' "$T/big.json"
run "$C" check --declaration "$T/big.json" --baseline "$B" --at $AT
refused "oversize declaration" "compliance: $T/big.json: file is larger than 16777216 bytes"
rm -f "$T/big.json"

derive "$T/other-baseline.json" 'd["baseline"] = "another-baseline"'
run "$C" check --declaration "$T/other-baseline.json" --baseline "$B" --at $AT
refused "baseline id mismatch" "another-baseline"
expect "baseline id mismatch names the file" 2 err "$T/other-baseline.json"

derive "$T/no-profile.json" 'del d["profile"]'
run "$C" check --declaration "$T/no-profile.json" --baseline "$B" --at $AT
refused "no profile" "$T/no-profile.json: no profile: give --profile P"
run "$C" check --declaration "$T/no-profile.json" --baseline "$B" --at $AT --profile basic -q
expect "no profile in the file, --profile given" 1 out "Gemeente Kleinbeek — basic: "

derive "$T/gold.json" 'd["profile"] = "gold"'
run "$C" check --declaration "$T/gold.json" --baseline "$B" --at $AT
refused "unknown profile" "baseline 'interlokaal-basis' has no profile 'gold' (profiles: basic, important, essential)"

cp -R "$B" "$T/broken"
python3 - "$T/broken/profiles/basic.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["colour"] = "blue"
open(sys.argv[1], "w").write(json.dumps(d, indent=2))
PY
run "$C" check --declaration "$SMALL" --baseline "$T/broken" --at $AT
refused "malformed baseline" "profiles/basic.json: /colour: unknown member 'colour'"

run "$C" check --declaration "$SMALL" --baseline "$B" --at $AT --evidence-dir "$T/no-evidence"
refused "missing evidence directory" "$T/no-evidence: no such evidence directory"

#
# --evidence-dir: a local file whose sha256 differs from the declared one
#
mkdir "$T/evidence"
echo "not the appointment decision" >"$T/evidence/appointment.pdf"
derive "$T/evidence.json" '
d["controls"]["GOV-02"]["evidence"][0]["uri"] = "dms://kleinbeek/appointment.pdf"'
run "$C" check --declaration "$T/evidence.json" --baseline "$B" --at $AT --format json --evidence-dir "$T/evidence"
cp "$T/out" "$T/evidence-result.json"
run pycheck "$T/evidence-result.json" '
r = [r for r in d["results"] if r["control"] == "GOV-02"][0]
codes = [x["code"] for x in r.get("reasons", [])]
assert "evidence_digest_mismatch" in codes, codes'
expect "--evidence-dir: digest mismatch found" 0 out ok
run "$C" check --declaration "$T/evidence.json" --baseline "$B" --at $AT --format json
cp "$T/out" "$T/no-evidence-result.json"
run pycheck "$T/no-evidence-result.json" '
r = [r for r in d["results"] if r["control"] == "GOV-02"][0]
codes = [x["code"] for x in r.get("reasons", [])]
assert "evidence_digest_mismatch" not in codes, codes'
expect "without --evidence-dir no file is read" 0 out ok

#
# Environment failure: exit 3
#
if [ -w /dev/full ]; then
    run bash -c '"$1" check --declaration "$2" --baseline "$3" --at 2026-11-27 >/dev/full' _ "$C" "$SMALL" "$B"
    expect "stdout write error: exit 3" 3 err "compliance: standard output: write error"
fi

#
# Colour: only on a terminal, never with NO_COLOR or TERM=dumb
#
run on_tty env TERM=xterm "$C" check --declaration "$SMALL" --baseline "$B" --at $AT
expect "terminal: colour" 1 out "${ESC}[31mnon-compliant${ESC}[0m"
run on_tty env TERM=xterm NO_COLOR=1 "$C" check --declaration "$SMALL" --baseline "$B" --at $AT
expect "NO_COLOR: findings still shown" 1 out " — non-compliant"
if grep -q "$ESC" "$T/out"; then
    failed=$((failed + 1)); echo "FAIL: NO_COLOR: escape codes on a terminal"
else
    passed=$((passed + 1))
fi
run on_tty env TERM=dumb "$C" -q check --declaration "$SMALL" --baseline "$B" --at $AT
expect "TERM=dumb: summary" 1 out "Gemeente Kleinbeek — basic"
if grep -q "$ESC" "$T/out"; then
    failed=$((failed + 1)); echo "FAIL: TERM=dumb: escape codes"
else
    passed=$((passed + 1))
fi
run on_tty env TERM=xterm "$C" check --declaration "$T/all-excepted.json" --baseline "$B" --at $AT -q
expect "terminal, no gaps: green summary" 0 out "${ESC}[32mGemeente Kleinbeek — basic"

# Control characters from a declaration never reach the terminal.
derive "$T/escape.json" 'd["organisation"]["name"] = "Gemeente \u001b[2JKleinbeek"'
run on_tty env TERM=xterm NO_COLOR=1 "$C" check --declaration "$T/escape.json" --baseline "$B" --at $AT
expect "control characters are replaced" 1 out "Gemeente ?[2JKleinbeek — basic"
if grep -q "$ESC" "$T/out"; then
    failed=$((failed + 1)); echo "FAIL: escape from the declaration reached the terminal"
else
    passed=$((passed + 1))
fi

finish
