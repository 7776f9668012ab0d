#!/usr/bin/env bash
# End-to-end: `compliance report` on a real chain. An association release
# (sample baseline + trust/statement_signers naming five municipalities,
# trust/auditors) is
# tagged with `git tag -s` (gpg.format=ssh) and synced; municipalities make
# keys and sign statements with the real CLI; one statement is expired, one
# claims an organisation its key is not registered for, one municipality
# sends nothing, one file is not an envelope, and one municipality has an
# older statement besides its latest. The report is checked in every format
# for its numbers, the latest-per-organisation choice and the reasons.
# Expected numbers come from the example declarations (read by python3
# here), never from the program's own output.
set -u

source "$(dirname "$0")/lib.bash"

export HOME="$T/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
G=(git -c user.name=Association -c user.email=release@assoc
    -c init.defaultBranch=main -c gpg.format=ssh -c tag.gpgSign=false
    -c commit.gpgSign=false)
AT=2026-11-27T09:00:00Z
OLD=2026-06-01T09:00:00Z
NOW=2026-12-01

# declarations: the examples, some with another organisation
mkdecl() { # SRC ID NAME OUT
    python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["organisation"] = {"id": sys.argv[2], "name": sys.argv[3]}
json.dump(d, open(sys.argv[4], "w"), indent=1)
PY
}
mkdir "$T/decl" "$T/keys" "$T/st"
cp "$S/examples/small-municipality.json" "$T/decl/kleinbeek.json"
cp "$S/examples/medium-municipality.json" "$T/decl/zonnedaal.json"
mkdecl "$S/examples/small-municipality.json" gem-oud 'Gemeente <Oud> & "Co", ook' "$T/decl/oud.json"
mkdecl "$S/examples/medium-municipality.json" gem-vals "Gemeente Vals" "$T/decl/vals.json"

: >"$T/signers"
for org in gem-kleinbeek gem-zonnedaal gem-oud gem-leeg; do
    run "$C" keygen --out "$T/keys/$org" --org "$org"
    expect "keygen $org" 0 out "$org namespaces="
    cat "$T/out" >>"$T/signers"
done

ssh-keygen -q -t ed25519 -N '' -C release -f "$T/keys/release"
echo "release@assoc namespaces=\"git\" $(cut -d' ' -f1,2 "$T/keys/release.pub")" \
    >"$T/release_signers"
A=$T/assoc
"${G[@]}" init -q "$A"
cp -R "$S/baselines/municipal/." "$A/"
mkdir "$A/trust"
cp "$T/signers" "$A/trust/statement_signers"
run "$C" keygen --out "$T/keys/auditor" --org audit-bureau
expect "keygen auditor" 0 out "audit-bureau namespaces="
cp "$T/out" "$A/trust/auditors"
"${G[@]}" -C "$A" add -A
"${G[@]}" -C "$A" commit -q -m "baseline with trust files"
"${G[@]}" -C "$A" -c user.signingkey="$T/keys/release.pub" \
    tag -s v2026.1 -m $'Release 2026.1\n\nExpires: 2099-12-31'
K=$T/cache
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/release_signers"
expect "sync the release" 0 out "current release: v2026.1"
git -C "$A" show v2026.1:trust/statement_signers >"$T/trust_signers"

attest() { # KEYORG DECL OUT [ARGS...]
    local key=$1 decl=$2 out=$3
    shift 3
    run "$C" attest --declaration "$T/decl/$decl.json" --key "$T/keys/$key" \
        --out "$out" --cache "$K" "$@"
    expect "attest $out" 0 out "statement of"
}
attest gem-kleinbeek kleinbeek "$T/st/kleinbeek-new.json" --at "$AT"
attest gem-kleinbeek kleinbeek "$T/st/kleinbeek-old.json" --at "$OLD"
attest gem-zonnedaal zonnedaal "$T/st/zonnedaal.json" --at "$AT"
attest gem-oud oud "$T/st/oud.json" --at "$AT" --valid-days 1
# signed with gem-oud's key, but claims gem-vals
attest gem-oud vals "$T/st/vals.json" --at "$AT"
echo '{"not": "an envelope"}' >"$T/st/garbage.json"

R=(--signers "$T/trust_signers" --cache "$K" --at "$NOW")

# --- text --------------------------------------------------------------------
run "$C" report "$T/st" "${R[@]}"
expect "report: exit 1 when some organisations lack a valid statement" 1 err \
    "compliance: report: 3 organisations without a valid statement, 1 statement refused without an organisation"
expect_lines "report: one line on stderr" err 1
expect "report: summary line" 1 out \
    "6 statements; organisations: 2 valid, 1 invalid, 1 expired, 1 missing"
expect "report: missing organisation" 1 out "missing  gem-leeg: no statement"
expect "report: expired organisation with reason" 1 out \
    "expired  gem-oud (Gemeente <Oud> & \"Co\", ook): freshness: expired: valid until 2026-11-28T09:00:00Z"
expect_re "report: invalid organisation with the failed step" 1 out \
    "invalid  gem-vals \\(Gemeente Vals\\): signer: "
expect "report: unattributed garbage" 1 out "$T/st/garbage.json: envelope: "
expect "report: headline section" 1 out "Headline controls"
# GOV-03: kleinbeek planned (not compliant), zonnedaal implemented
expect_re "report: GOV-03 is 50% compliant over 2 organisations" 1 out \
    "^  GOV-03 +governance +compliant  50% \\(1/2\\)"
expect "report: latest statement per organisation" 1 out \
    "gem-kleinbeek (Gemeente Kleinbeek): release v2026.1, evaluated at $AT"
run "$C" report "$T/st/kleinbeek-old.json" "$T/st/kleinbeek-new.json" "${R[@]}"
expect "report on files: the newer wins whatever the order" 1 out \
    "evaluated at $AT"

# --- json ---------------------------------------------------------------------
run "$C" report "$T/st" "${R[@]}" --format json --out "$T/report.json"
expect "report --out: exit 1 still writes" 1 err "without a valid statement"
cat >"$T/check_json.py" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "lcmp.report/v1", r["schema"]
assert r["statements"] == 6, r["statements"]
assert r["organisation_counts"] == {"expected": 4, "valid": 2, "invalid": 1,
                                    "expired": 1, "missing": 1}, r["organisation_counts"]
assert r["headline"] == ["GOV-03", "GOV-04", "BCM-01"], r["headline"]
assert [c["id"] for c in r["controls"][:3]] == r["headline"]
# the expected share per headline control, from the declarations
decls = [json.load(open(p)) for p in sys.argv[2:]]
for c in r["controls"][:3]:
    impl = sum(1 for d in decls if d["controls"][c["id"]]["status"] == "implemented")
    assert c["total"] == 2, c
    assert c["compliant"] <= impl, (c, impl)
    assert c["compliant"] + c["non_compliant"] + c["excepted"] + \
        c["not_applicable"] + c["undeclared"] == 2, c
# kleinbeek plans GOV-03 and lacks GOV-04 and BCM-01: never compliant
gov03 = r["controls"][0]
assert gov03["non_compliant"] >= 1 and gov03["percent"]["compliant"] in (0, 50), gov03
orgs = {o["id"]: o for o in r["organisations"]}
assert orgs["gem-kleinbeek"]["evaluated_at"] == "2026-11-27T09:00:00Z"
assert orgs["gem-kleinbeek"]["source"].endswith("kleinbeek-new.json")
assert orgs["gem-oud"]["status"] == "expired"
assert orgs["gem-vals"]["status"] == "invalid"
assert orgs["gem-vals"]["reason"].startswith("signer: ")
assert orgs["gem-leeg"]["status"] == "missing"
assert len(r["unattributed"]) == 1 and r["unattributed"][0]["source"].endswith("garbage.json")
fam = {f["id"]: f for f in r["families"]}
assert sum(f["total"] for f in r["families"]) == sum(c["total"] for c in r["controls"])
print("json ok")
PY
run python3 "$T/check_json.py" "$T/report.json" "$T/decl/kleinbeek.json" "$T/decl/zonnedaal.json"
expect "report json: numbers, latest, reasons" 0 out "json ok"

# --- csv ----------------------------------------------------------------------
run "$C" report "$T/st" "${R[@]}" --format csv --out "$T/report.csv"
cat >"$T/check_csv.py" <<'PY'
import csv, sys
raw = open(sys.argv[1], newline="").read()
assert raw.endswith("\r\n")
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
orgs = {r["id"]: r for r in rows if r["section"] == "organisation"}
assert orgs["gem-oud"]["name"] == 'Gemeente <Oud> & "Co", ook', orgs["gem-oud"]["name"]
assert orgs["gem-oud"]["status"] == "expired"
ctl = [r for r in rows if r["section"] == "control"]
assert ctl[0]["id"] == "GOV-03" and ctl[0]["headline"] == "yes" and ctl[0]["total"] == "2"
print("csv ok", len(ctl))
PY
run python3 "$T/check_csv.py" "$T/report.csv"
expect "report csv parses with quoting intact" 0 out "csv ok"
run grep -c '"Gemeente <Oud> & ""Co"", ook"' "$T/report.csv"
expect "csv: RFC 4180 quoting" 0 out "1"

# --- markdown -----------------------------------------------------------------
run "$C" report "$T/st" "${R[@]}" --format md
expect "markdown: title" 1 out "# Compliance report"
expect "markdown: headline table row" 1 out "| GOV-03 | governance | 50% |"
expect "markdown: escaped name" 1 out 'Gemeente &lt;Oud&gt; &amp; "Co", ook'

# --- html ---------------------------------------------------------------------
run "$C" report "$T/st" "${R[@]}" --format html --out "$T/report.html"
expect "html written" 1 err "without a valid statement"
run grep -c '<svg class="chart"' "$T/report.html"
expect "html: inline svg charts" 0 out "3"
run grep -c 'Gemeente &lt;Oud&gt; &amp; &quot;Co&quot;, ook' "$T/report.html"
expect "html: names escaped" 0 out "1"
run grep -ciE 'https?://|<script|<link|src=|<img|@import|url\(' "$T/report.html"
expect "html: self-contained (no URL, script, link, src, import)" 1 out "0"
run grep -c "@media print" "$T/report.html"
expect "html: print styles" 0 out "1"

# --- refusals -----------------------------------------------------------------
run "$C" report "$T/st" --cache "$K" --at "$NOW"
expect "report without --signers: trust/statement_signers of the release" 1 err \
    "compliance: report: 3 organisations without a valid statement, 1 statement refused without an organisation"
expect "report without --signers: the same picture" 1 out \
    "6 statements; organisations: 2 valid, 1 invalid, 1 expired, 1 missing"
expect "report without --signers: expected organisations from the release" 1 out \
    "missing  gem-leeg: no statement"
run "$C" report "${R[@]}"
expect "report without statements" 2 err \
    "compliance: report: no statements given (see 'compliance report --help')"
run "$C" report "$T/nope" "${R[@]}"
expect "report: missing input" 2 err "compliance: $T/nope: no such statement or directory"
run "$C" report "$T/st" "${R[@]}" --format pdf
expect "report: unknown format" 2 err \
    "compliance: report: --format: unknown format 'pdf' (expected text, json, csv, md or html)"
expect_lines "refusal: one line" err 1
run "$C" report "$T/st/zonnedaal.json" --signers "$T/trust_signers" --cache "$T/nocache" --at "$NOW"
expect "report: no cache" 2 err "compliance: $T/nocache: no synced baseline here (run 'compliance sync' first)"

# all valid: exit 0 when every expected organisation reports
grep -E '^(gem-kleinbeek|gem-zonnedaal) ' "$T/trust_signers" >"$T/two_signers"
run "$C" report "$T/st/kleinbeek-new.json" "$T/st/zonnedaal.json" \
    --signers "$T/two_signers" --cache "$K" --at "$NOW"
expect "report: everyone valid, exit 0" 0 out "2 statements; organisations: 2 valid, 0 invalid, 0 expired, 0 missing"
expect_lines "report: nothing on stderr" err 0

# --- trust from the cache's newest verified release (DESIGN §3.6) -------------
# a release without trust/statement_signers: one clear refusal
A3=$T/assoc-notrust
"${G[@]}" init -q "$A3"
cp -R "$S/baselines/municipal/." "$A3/"
"${G[@]}" -C "$A3" add -A
"${G[@]}" -C "$A3" commit -q -m "baseline without trust files"
"${G[@]}" -C "$A3" -c user.signingkey="$T/keys/release.pub" \
    tag -s v2026.1 -m $'Release 2026.1\n\nExpires: 2099-12-31'
run "$C" sync --remote "$A3" --cache "$T/cache3" --release-signers "$T/release_signers"
expect "sync a release without trust files" 0 out "current release: v2026.1"
run "$C" report "$T/st" --cache "$T/cache3" --at "$NOW"
expect "report: the release has no trust/statement_signers" 2 err \
    "compliance: $T/cache3: release v2026.1 has no trust/statement_signers (trust comes from the newest verified release; give --signers FILE to name it)"
expect_lines "missing trust file: one line" err 1

# v2026.2 rotates gem-zonnedaal's key (the old one is removed: revoked) and
# retires gem-kleinbeek's key with valid-before 2026-11-27
run "$C" keygen --out "$T/keys/zonnedaal-2" --org gem-zonnedaal
expect "keygen zonnedaal's new key" 0 out "gem-zonnedaal namespaces="
cp "$T/out" "$T/zonnedaal-2.line"
{
    grep '^gem-kleinbeek ' "$T/signers" |
        sed 's/^gem-kleinbeek namespaces="compliance-statement"/gem-kleinbeek namespaces="compliance-statement",valid-before="20261127"/'
    cat "$T/zonnedaal-2.line"
    grep -E '^(gem-oud|gem-leeg) ' "$T/signers"
} >"$A/trust/statement_signers"
"${G[@]}" -C "$A" commit -q -a -m "rotate and retire keys"
"${G[@]}" -C "$A" -c user.signingkey="$T/keys/release.pub" \
    tag -s v2026.2 -m $'Release 2026.2\n\nExpires: 2099-12-31'
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/release_signers"
expect "sync the later release" 0 out "current release: v2026.2"
run "$C" report "$T/st/kleinbeek-new.json" "$T/st/kleinbeek-old.json" \
    "$T/st/zonnedaal.json" --cache "$K" --at "$NOW" --format json --out "$T/later.json"
expect "report after the later release: exit 1" 1 err "without a valid statement"
cat >"$T/check_later.py" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
orgs = {o["id"]: o for o in r["organisations"]}
# kleinbeek: the statement made after valid-before is refused, the one
# made before still counts
k = orgs["gem-kleinbeek"]
assert k["status"] == "valid", k
assert k["evaluated_at"] == "2026-06-01T09:00:00Z", k
# zonnedaal: its only statement was signed with the removed key
z = orgs["gem-zonnedaal"]
assert z["status"] != "valid", z
refused = [u["reason"] for u in r["unattributed"]] + [z.get("reason") or ""]
assert any("none of the 1 signatures verifies with a trusted key" in x
           for x in refused), refused
print("later ok")
PY
run python3 "$T/check_later.py" "$T/later.json"
expect "revoked key and retired key, from the newest release" 0 out "later ok"
run "$C" report "$T/st/kleinbeek-new.json" --cache "$K" --at "$NOW"
expect "report: a statement after valid-before is refused" 1 out \
    "is not valid after 2026-11-27T00:00:00Z for principal 'gem-kleinbeek'"
# --signers overrides the release: the old trust file still vouches
run "$C" report "$T/st/kleinbeek-new.json" "$T/st/zonnedaal.json" \
    --signers "$T/two_signers" --cache "$K" --at "$NOW"
expect "report: --signers overrides the release's trust" 0 out \
    "2 statements; organisations: 2 valid, 0 invalid, 0 expired, 0 missing"

# refusals arrive from parallel workers in any order; the output is sorted
mkdir -p "$T/junk"
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
    echo "{\"junk\": $i}" >"$T/junk/j$i.json"
done
run "$C" report "$T/junk" "${R[@]}" --format json
cp "$T/out" "$T/junk.out"
run python3 -c 'import json, sys
u = [x["source"] for x in json.load(open(sys.argv[1]))["unattributed"]]
assert len(u) == 20 and u == sorted(u), u
print("sorted")' "$T/junk.out"
expect "report: refused statements listed in a stable, sorted order" 0 out "sorted"

finish
