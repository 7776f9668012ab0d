#!/usr/bin/env bash
# End-to-end: `compliance oscal resolve` (to stdout and atomically to a
# file, deterministic bytes, --map, warnings, every refusal with its exit
# code and one-line message) and `compliance check --format oscal` (the
# assessment-results document parsed with python3 and its structure
# asserted). The NIST SP 800-53 checks need LCMP_OSCAL_DIR; without it they
# say "skipped: ..." and the rest still runs.
set -u

source "$(dirname "$0")/lib.bash"

F=$S/tests/data/oscal
N=${LCMP_OSCAL_DIR:-$S/../shared/anchors/oscal}
SMALL=$S/examples/small-municipality.json
LARGE=$S/examples/large-municipality.json
AT=2026-11-27

# expect_rc NAME WANT_RC: only the exit code of the last run matters
expect_rc() {
    if [ "$rc" = "$2" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1: exit $rc (want $2)"
        sed -e 's/^/  stderr: /' "$T/err" | head -n 8
    fi
}

# py NAME FILE...: run the python3 program in $T/check.py on the files; it
# prints "ok" when every assertion holds.
py() {
    local name=$1
    shift
    run python3 "$T/check.py" "$@"
    expect "$name" 0 out ok
}

# --- oscal resolve ----------------------------------------------------------

run "$C" oscal resolve "$F/profile-asis.json" --out "$T/asis.json"
expect_lines "resolve --out: nothing on stdout" out 0
expect_lines "resolve --out: nothing on stderr" err 0
cat >"$T/check.py" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
c = d["catalog"]
assert list(d) == ["catalog"]
assert list(c) == ["uuid", "metadata", "params", "groups", "back-matter"], list(c)
assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", c["uuid"])
ids = []
def walk(cs):
    for x in cs:
        ids.append(x["id"]); walk(x.get("controls", []))
for g in c["groups"]:
    walk(g.get("controls", []))
assert ids == ["a-1", "a-2", "a-2.1", "b-1"], ids
m = c["metadata"]
assert m["last-modified"] == "2025-02-01T00:00:00Z" and m["oscal-version"] == "1.1.2"
assert {"name": "resolution-tool", "value": m["props"][0]["value"]} == m["props"][0]
assert m["links"] == [{"href": "profile-asis.json", "rel": "source-profile"}]
a1 = c["groups"][0]["controls"][0]
assert [p["values"] for p in a1["params"]] == [["monthly"], ["digital"]]
print("ok")
PY
py "resolve --out: the resolved catalog" "$T/asis.json"

run "$C" oscal resolve "$F/profile-asis.json"
expect "resolve to stdout" 0 out '"catalog": {'
if cmp -s "$T/out" "$T/asis.json"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL: resolving twice gives different bytes"
fi

# --out refuses an existing file; --force replaces it (atomically: no
# temporary file left)
run "$C" oscal resolve "$F/profile-chain.json" --out "$T/asis.json"
expect_re "resolve --out over an existing file" 2 err "^compliance: $T/asis.json: .*exists"
expect_lines "resolve --out over an existing file: one line" err 1
run grep -c '"a directory service"' "$T/asis.json"
expect "resolve --out: the existing file is kept" 1 out 0
run "$C" oscal resolve "$F/profile-chain.json" --out "$T/asis.json" --force
expect_rc "resolve --out --force over an existing file" 0
expect_lines "resolve --out --force: no message" err 0
run grep -c '"a directory service"' "$T/asis.json"
expect "resolve --out: the file was replaced" 0 out 1
run ls -A "$T"
expect_re "resolve --out: no temporary file left" 0 out "^asis.json$"

run "$C" oscal resolve "$F/profile-asis.json" --compact
expect_lines "--compact: one line" out 1

# warnings: resolution goes on; -q silences them
run "$C" oscal resolve "$F/profile-warn.json" --out "$T/warn.json"
expect "warning: unknown parameter" 0 err \
    "compliance: warning: $F/profile-warn.json: /profile/modify/set-parameters/0: set-parameters: parameter 'zz_prm' is in none of the selected controls"
expect_lines "warnings: one line each" err 5
run "$C" -q oscal resolve "$F/profile-warn.json" --out "$T/warn.json" --force
expect_lines "-q: no warnings" err 0

# --map: an https import read from a local file
run "$C" oscal resolve "$F/tree/oscal/strict.json"
expect "an https import is refused" 2 err \
    "compliance: $F/tree/oscal/strict.json: /profile/imports/0/href: import 'https://example.org/abc/catalog.json' is a URL: only local files are read (map it to a file)"
expect_lines "an https import: one line" err 1
run "$C" oscal resolve "$F/tree/oscal/strict.json" \
    --map "https://example.org/abc/catalog.json=$F/catalog.json"
expect "--map reads the import from a file" 0 out '"id": "c-1"'

# refusals: exit 2, one line "compliance: FILE: POINTER: WHY"
run "$C" oscal resolve "$F/bad-cycle-a.json"
expect "cycle" 2 err \
    "compliance: $F/bad-cycle-b.json: /profile/imports/0/href: import cycle: $F/bad-cycle-a.json -> $F/bad-cycle-b.json -> $F/bad-cycle-a.json"
expect_lines "cycle: one line" err 1
expect_lines "cycle: no output" out 0
run "$C" oscal resolve "$F/bad-missing.json"
expect "missing import" 2 err \
    "compliance: $F/bad-missing.json: /profile/imports/1/href: import 'no-such-catalog.json' (read as '$F/no-such-catalog.json'): cannot open: No such file or directory"
expect_lines "missing import: one line" err 1
run "$C" oscal resolve "$F/bad-uuid.json"
expect "unknown back-matter resource" 2 err \
    "compliance: $F/bad-uuid.json: /profile/imports/0/href: no back-matter resource with uuid 'd0000000-0000-4000-8000-00000000ffff'"
expect_lines "unknown back-matter resource: one line" err 1
run "$C" oscal resolve "$F/bad-custom.json"
expect "unknown merge directive" 2 err \
    "compliance: $F/bad-custom.json: /profile/merge/custom: merge directive 'custom' is not supported (use 'as-is' or 'flat')"
expect_lines "unknown merge directive: one line" err 1
run "$C" oscal resolve "$F/bad-control.json"
expect "unknown control" 2 err \
    "compliance: $F/bad-control.json: /profile/imports/0/include-controls/0/with-ids/1: unknown control 'zz-9' (not in '$F/catalog.json')"
expect_lines "unknown control: one line" err 1
run "$C" oscal resolve "$S/baselines/municipal/baseline.json"
expect "not OSCAL" 2 err \
    "compliance: $S/baselines/municipal/baseline.json: /schema: not an OSCAL catalog or profile (found 'schema')"
run "$C" oscal resolve "$T/nothing.json"
expect "no such profile" 2 err "compliance: $T/nothing.json: "
expect_lines "no such profile: one line" err 1
run "$C" oscal resolve
expect "no PROFILE" 2 err \
    "compliance: oscal resolve: missing PROFILE (see 'compliance oscal resolve --help')"
run "$C" oscal resolve "$F/profile-asis.json" --map nothing
expect "--map without =" 2 err \
    "compliance: oscal resolve: --map: expected HREF=PATH, got 'nothing'"
run "$C" oscal frobnicate
expect "unknown subcommand" 2 err \
    "compliance: oscal: unknown subcommand 'frobnicate' (expected 'resolve')"
run "$C" oscal resolve "$F/profile-asis.json" --out "$T/no/such/dir/x.json"
expect_re "unwritable --out" 2 err "^compliance: .*/no/such/dir/x.json: "
expect_lines "unwritable --out: one line" err 1
run "$C" oscal resolve --help
expect "resolve --help" 0 out "usage: compliance oscal resolve PROFILE"

# --- NIST SP 800-53 rev5 ----------------------------------------------------

D=$N/sp800-53-rev5.0.1
if [ -f "$D/NIST_SP-800-53_rev5_catalog.json" ] &&
    [ -f "$D/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json" ]
then
    run "$C" oscal resolve "$D/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json" \
        --out "$T/moderate.json"
    expect_rc "NIST MODERATE resolves" 0
    cat >"$T/check.py" <<'PY'
import json, sys
mine = json.load(open(sys.argv[1]))["catalog"]
nist = json.load(open(sys.argv[2]))["catalog"]
def ids(c):
    out = []
    def walk(cs):
        for x in cs:
            out.append(x["id"]); walk(x.get("controls", []))
    for g in c["groups"]:
        walk(g.get("controls", []))
    return out
assert ids(mine) == ids(nist) and len(ids(nist)) == 287
assert mine["groups"] == nist["groups"]
assert mine["back-matter"] == nist["back-matter"]
print("ok")
PY
    py "NIST MODERATE: the controls of NIST's resolved catalog" \
        "$T/moderate.json" \
        "$D/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json"
    # 5.1.1: the catalog is imported by #uuid; the 5.0.1 catalog stands in
    E=$N/sp800-53-rev5.1.1
    run "$C" oscal resolve "$E/NIST_SP-800-53_rev5_LOW-baseline_profile.json" \
        --map "#84cbf061-eb87-4ec1-8112-1f529232e907=$D/NIST_SP-800-53_rev5_catalog.json" \
        --out "$T/low511.json"
    expect_rc "NIST 5.1.1 LOW resolves with --map" 0
    cat >"$T/check.py" <<'PY'
import json, sys
def ids(c):
    out = []
    def walk(cs):
        for x in cs:
            out.append(x["id"]); walk(x.get("controls", []))
    for g in c["groups"]:
        walk(g.get("controls", []))
    return out
mine = json.load(open(sys.argv[1]))["catalog"]
nist = json.load(open(sys.argv[2]))["catalog"]
assert ids(mine) == ids(nist) and len(ids(nist)) == 149
print("ok")
PY
    py "NIST 5.1.1 LOW: the ids of NIST's resolved catalog" "$T/low511.json" \
        "$E/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json"
else
    echo "skipped: NIST checks: no SP 800-53 rev5 5.0.1 data in $D (set LCMP_OSCAL_DIR)"
fi

# --- check --format oscal ---------------------------------------------------

run "$C" check --declaration "$SMALL" --baseline "$B" --at $AT --format oscal
expect "check --format oscal: gaps, exit 1" 1 out '"assessment-results": {'
expect_lines "check --format oscal: nothing on stderr" err 0
cp "$T/out" "$T/ar.json"
cat >"$T/check.py" <<'PY'
import json, re, sys
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
TIME = "2026-11-27T00:00:00Z"
d = json.load(open(sys.argv[1]))
want_controls = int(sys.argv[2])
ar = d["assessment-results"]
assert list(d) == ["assessment-results"]
assert set(ar) == {"uuid", "metadata", "import-ap", "results", "back-matter"}, set(ar)
assert re.fullmatch(UUID, ar["uuid"])
m = ar["metadata"]
for k in ("title", "last-modified", "version", "oscal-version"):
    assert isinstance(m[k], str) and m[k], k
assert m["last-modified"] == TIME and m["oscal-version"] == "1.1.2"
assert m["parties"][0]["type"] == "organization"
href = ar["import-ap"]["href"]
assert href.startswith("#") and href[1:] in [r["uuid"] for r in ar["back-matter"]["resources"]]
assert len(ar["results"]) == 1
r = ar["results"][0]
for k in ("uuid", "title", "description", "start", "reviewed-controls"):
    assert r[k], k
assert r["start"] == TIME and re.fullmatch(UUID, r["uuid"])
sel = r["reviewed-controls"]["control-selections"][0]["include-controls"]
ids = [c["control-id"] for c in sel]
assert len(ids) == want_controls and len(set(ids)) == len(ids)
findings = r["findings"]
assert [f["target"]["target-id"] for f in findings] == ids
obs = {o["uuid"]: o for o in r.get("observations", [])}
risks = {x["uuid"]: x for x in r.get("risks", [])}
for o in obs.values():
    assert re.fullmatch(UUID, o["uuid"]) and o["description"] and o["collected"] == TIME
    assert o["methods"] == ["EXAMINE"]
    assert o["props"][0]["name"] == "reason" and o["props"][0]["ns"] == "urn:libcompliance:oscal"
seen = set()
states = {}
for f in findings:
    assert re.fullmatch(UUID, f["uuid"]) and f["uuid"] not in seen
    seen.add(f["uuid"])
    assert f["title"] and f["description"]
    t = f["target"]
    assert t["type"] == "objective-id"
    st, why = t["status"]["state"], t["status"]["reason"]
    ours = f["props"][0]["value"]
    assert f["props"][0]["name"] == "state"
    want = {"compliant": ("satisfied", "pass"), "not_applicable": ("satisfied", "other"),
            "non_compliant": ("not-satisfied", "fail"), "excepted": ("not-satisfied", "other"),
            "undeclared": ("not-satisfied", "other")}[ours]
    assert (st, why) == want, (f["title"], st, why, ours)
    states[ours] = states.get(ours, 0) + 1
    rel = [x["observation-uuid"] for x in f.get("related-observations", [])]
    assert all(u in obs for u in rel)
    assert (ours in ("compliant", "not_applicable")) == (not rel), f["title"]
    for x in f.get("related-risks", []):
        assert risks[x["risk-uuid"]]["status"] == "deviation-approved"
    assert (ours == "excepted") == bool(f.get("related-risks"))
for x in risks.values():
    assert x["statement"] and re.fullmatch(r"\d{4}-\d\d-\d\dT23:59:59Z", x["deadline"])
assert len(seen | set(obs) | set(risks)) == len(seen) + len(obs) + len(risks)
print("ok", " ".join("%s=%d" % kv for kv in sorted(states.items())))
PY
py "check --format oscal: an assessment-results document" "$T/ar.json" 34
expect "small example: its states" 0 out \
    "ok compliant=7 non_compliant=20 not_applicable=1 undeclared=6"

run "$C" check --declaration "$SMALL" --baseline "$B" --at $AT --format oscal
if cmp -s "$T/out" "$T/ar.json"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL: check --format oscal twice gives different bytes"
fi

run "$C" check --declaration "$LARGE" --baseline "$B" --at $AT --format oscal
cp "$T/out" "$T/ar-large.json"
py "large example: an exception as an approved deviation" "$T/ar-large.json" 53
expect "large example: one excepted control" 0 out "excepted=1"

# --- a baseline tree whose manifest points at OSCAL files --------------------

TREE=$F/tree
run "$C" validate "$TREE"
if grep -qF "unknown member 'oscal'" "$T/out"; then
    echo "skipped: OSCAL manifests: lcmp_baseline_load() does not delegate to" \
        "lcmp__oscal_baseline_probe() yet (docs/oscal.md)"
else
    expect "validate an OSCAL tree" 0 out \
        "$TREE: valid baseline 'abc' (7 controls, 2 profiles)"
    run "$C" check --declaration "$F/declaration.json" --baseline "$TREE" --at $AT
    expect "check against an OSCAL tree" 1 out \
        "Gemeente X — strict: 1 of 6 compliant, 0 non-compliant, 1 excepted, 1 not applicable, 3 undeclared — score 40%"
    expect "check against an OSCAL tree: titles from the catalog" 1 out \
        "  a-2    Accounts — excepted until 2027-01-31"
    run "$C" check --declaration "$F/declaration.json" --baseline "$TREE" --at $AT \
        --format oscal
    cp "$T/out" "$T/ar-tree.json"
    py "check --format oscal on an OSCAL tree" "$T/ar-tree.json" 6
    expect "OSCAL tree: its states" 0 out \
        "ok compliant=1 excepted=1 not_applicable=1 undeclared=3"
    run "$C" template --profile basic --baseline "$TREE"
    expect "template from an OSCAL tree" 0 out '"a-1": {'
    run "$C" validate "$TREE/oscal"
    expect_re "a tree without manifest" 1 out "baseline.json"
fi

run "$C" check --declaration "$SMALL" --baseline "$B" --at $AT --format xml
expect "unknown --format" 2 err \
    "compliance: check: --format: unknown format 'xml' (expected text, json or oscal)"
expect_lines "unknown --format: one line" err 1

finish
