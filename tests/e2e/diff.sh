#!/usr/bin/env bash
# End-to-end: `compliance diff` between two real releases (signed tags
# v2026.1 and v2026.2 built with git, synced with `compliance sync`),
# between baseline directories, the impact on the example declarations, the
# impact summary at the end of `compliance sync`, and two signed statements
# of one organisation. Every refusal is checked for its exit code and its
# one-line message.
#
# v2026.2 changes, against v2026.1 (= baselines/municipal + trust files):
#   GOV-04 max_age_months 24 -> 12 in basic only (important already had 12)
#   GOV-05 moved from important to basic
#   AWR-01 renamed ("Training for every new staff member")
#   SUP-04 removed (from the controls and from basic)
#   GOV-02 rule changed: reports_to must be college or mayor
set -u

source "$(dirname "$0")/lib.bash"

export HOME="$T/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
G=(git -c user.name=Association -c user.email=release@assoc
    -c init.defaultBranch=main -c gpg.format=ssh -c tag.gpgSign=false
    -c commit.gpgSign=false)
SMALL=$S/examples/small-municipality.json
MEDIUM=$S/examples/medium-municipality.json
LARGE=$S/examples/large-municipality.json
AT=2026-11-27

# edit_tree DIR: apply the v2026.2 changes to the baseline tree in DIR
edit_tree() {
    python3 - "$1" <<'EOF'
import json, os, sys
root = sys.argv[1]
def load(p):
    with open(os.path.join(root, p)) as f:
        return json.load(f)
def save(p, d):
    with open(os.path.join(root, p), "w") as f:
        json.dump(d, f, indent=2)
b, i = load("profiles/basic.json"), load("profiles/important.json")
b["params"]["GOV-04"]["max_age_months"] = 12
i["include"]["ids"].remove("GOV-05")
b["include"]["ids"].append("GOV-05")
b["include"]["ids"].remove("SUP-04")
save("profiles/basic.json", b)
save("profiles/important.json", i)
a = load("controls/awareness.json")
for c in a["controls"]:
    if c["id"] == "AWR-01":
        c["title"] = "Training for every new staff member"
save("controls/awareness.json", a)
s = load("controls/suppliers.json")
s["controls"] = [c for c in s["controls"] if c["id"] != "SUP-04"]
save("controls/suppliers.json", s)
g = load("controls/governance.json")
for c in g["controls"]:
    if c["id"] == "GOV-02":
        c["rules"][1]["values"] = ["college", "mayor"]
save("controls/governance.json", g)
EOF
}

# --- statement keys (registered in the release's trust files) --------------------
mkdir "$T/keys"
"$C" keygen --out "$T/keys/zonnedaal" --org gem-zonnedaal >"$T/zonnedaal.line" 2>/dev/null
"$C" keygen --out "$T/keys/kleinbeek" --org gem-kleinbeek >"$T/kleinbeek.line" 2>/dev/null
ssh-keygen -q -t ed25519 -N '' -C release -f "$T/keys/release"
echo "release@assoc namespaces=\"git\" $(cut -d' ' -f1,2 "$T/keys/release.pub")" \
    >"$T/release_signers"

# --- the association's repository: two signed releases ---------------------------
A=$T/assoc
K=$T/cache
"${G[@]}" init -q "$A"
cp -R "$B/." "$A/"
mkdir "$A/trust"
cat "$T/zonnedaal.line" "$T/kleinbeek.line" >"$A/trust/statement_signers"
"${G[@]}" -C "$A" add -A
"${G[@]}" -C "$A" commit -q -m "baseline"
sign() {
    "${G[@]}" -C "$A" -c user.signingkey="$T/keys/release.pub" \
        tag -s "$1" -m $'Release\n\nExpires: 2099-12-31'
}
sign v2026.1
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/release_signers" \
    --declaration "$MEDIUM"
expect "sync v2026.1 (first sync: no impact)" 0 out "current release: v2026.1 (first sync"
expect_lines "first sync: one line" out 1

edit_tree "$A"
"${G[@]}" -C "$A" commit -q -a -m "2026.2"
sign v2026.2
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/release_signers" \
    --declaration "$MEDIUM"
expect "sync v2026.2: summary" 0 out "current release: v2026.2 (was v2026.1): 0 controls added, 2 changed, 1 removed"
expect_re "sync ends with the impact" 0 out "^Impact on Gemeente Zonnedaal \(gem-zonnedaal\), profile basic, at "
expect "sync impact: GOV-02 newly failing" 0 out \
    "  ! GOV-02  Security officer — newly failing (was compliant): 'reports_to' is 'general_director', must be one of 'college', 'mayor'"
expect "sync impact: GOV-05 newly required" 0 out \
    "  + GOV-05  Risk register and risk acceptance — newly required, undeclared"
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/release_signers" \
    --declaration "$MEDIUM"
expect "no-op sync: no impact" 0 out "current release: v2026.2 (up to date)"
expect_lines "no-op sync: one line" out 1
run "$C" -q sync --remote "$A" --cache "$K" --release-signers "$T/release_signers" \
    --declaration "$T/nowhere.json"
expect_rc() { # NAME WANT_RC
    if [ "$rc" = "$2" ]; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL: $1: exit $rc (want $2)"; fi
}
expect_rc "no-op sync does not read the declaration" 0
expect_lines "no-op sync -q: quiet" out 0

# --- diff between the two releases -----------------------------------------------
D=("$C" diff --cache "$K")
run "${D[@]}" v2026.1 v2026.2
expect "diff releases: differences exit 1" 1 out \
    "interlokaal-basis v2026.1 -> v2026.2: 0 controls added, 1 removed, 2 changed"
expect "diff: rule changed" 1 out "  ~ GOV-02  Security officer: rules"
expect "diff: renamed" 1 out \
    "  ~ AWR-01  Training for every new staff member: title (was \"Training for new staff\")"
expect "diff: removed" 1 out "  - SUP-04  Supplier remote access (removed, was in suppliers)"
expect "diff: basic changes" 1 out \
    "Profile basic: 1 newly required, 1 no longer required, 1 parameter value changed"
expect "diff: parameter tightened in basic" 1 out "  ~ GOV-04  max_age_months 24 -> 12"
expect "diff: moved between profiles" 1 out "  + GOV-05  newly required (moved from important)"
expect "diff: removed from the profile" 1 out "  - SUP-04  no longer required (control removed)"
expect "diff: important only loses SUP-04" 1 out "Profile important: 1 no longer required"
cp "$T/out" "$T/saved"
run grep -c "max_age_months" "$T/saved"
expect "diff: the parameter changed in one profile only" 0 out "1"
run "${D[@]}" v2026.1 v2026.2 -q
expect_lines "diff -q: one line" out 1

run "${D[@]}" v2026.1 v2026.1
expect "diff: same release twice" 0 out "interlokaal-basis v2026.1 -> v2026.1: no differences"
expect_lines "diff: same release: one line" out 1
run "${D[@]}" v2026.2 v2026.1
expect "diff: the other way round" 1 out "  + SUP-04  Supplier remote access (added, suppliers)"

# JSON
run "${D[@]}" v2026.1 v2026.2 --format json
expect "diff json: exit 1" 1 out '"schema": "lcmp.diff/v1"'
python3 - "$T/out" >"$T/json.check" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "lcmp.diff/v1"
assert d["old"] == {"name": "v2026.1", "baseline": "interlokaal-basis", "controls": 54}, d["old"]
assert d["new"]["controls"] == 53
assert d["changed"] is True
c = {x["id"]: x for x in d["controls"]}
assert [x["id"] for x in d["controls"]] == ["GOV-02", "AWR-01", "SUP-04"]
assert c["GOV-02"]["change"] == "changed" and c["GOV-02"]["aspects"] == ["rules"]
assert c["AWR-01"]["aspects"] == ["title"]
assert c["AWR-01"]["old"]["title"] == "Training for new staff"
assert c["SUP-04"]["change"] == "removed" and c["SUP-04"]["new"] is None
p = {x["id"]: x for x in d["profiles"]}
assert [x["id"] for x in d["profiles"]] == ["basic", "important", "essential"]
assert p["basic"]["params"] == [{"control": "GOV-04", "param": "max_age_months", "old": 24, "new": 12}]
assert p["basic"]["newly_required"] == [{"control": "GOV-05", "from": "important"}]
assert p["basic"]["no_longer_required"] == [{"control": "SUP-04", "to": None}]
assert p["important"]["params"] == [] and p["important"]["newly_required"] == []
assert d["impact"] is None
print("ok")
EOF
run cat "$T/json.check"
expect "diff json: content (python3)" 0 out "ok"

# --- impact on a declaration -------------------------------------------------------
run "${D[@]}" v2026.1 v2026.2 --declaration "$LARGE" --at "$AT"
expect_re "impact: header" 1 out \
    "^Impact on Stad Havenburg \(stad-havenburg\), profile important, at 2026-11-27T00:00:00Z: score [0-9]+% -> [0-9]+%, 1 to do, 1 better$"
expect "impact: GOV-02 newly failing with the new reason" 1 out \
    "  ! GOV-02  Security officer — newly failing (was compliant): 'reports_to' is 'general_director', must be one of 'college', 'mayor'"
expect "impact: SUP-04 no longer required" 1 out \
    "  - SUP-04  Supplier remote access — no longer required (was not applicable)"
cp "$T/out" "$T/saved"
run grep -c "^  [!+~✓-] [A-Z]" "$T/saved"
# 3 control lines, 5 profile lines (basic 3, important 1, essential 1), 2 impact lines
expect "impact: large: nothing else is listed" 0 out "10"

run "${D[@]}" v2026.1 v2026.2 --declaration "$MEDIUM" --at "$AT" --format json
python3 - "$T/out" >"$T/json.check" 2>&1 <<'EOF'
import json, sys
im = json.load(open(sys.argv[1]))["impact"]
assert im["organisation"] == {"id": "gem-zonnedaal", "name": "Gemeente Zonnedaal"}
assert im["profile"] == "basic" and im["evaluated_at"] == "2026-11-27T00:00:00Z"
got = [(c["id"], c["impact"], c["old_state"], c["new_state"],
        [r["code"] for r in c["reasons"]]) for c in im["controls"]]
want = [("GOV-02", "newly_failing", "compliant", "non_compliant", ["fact_out_of_range"]),
        ("GOV-04", "newly_failing", "compliant", "non_compliant", ["stale"]),
        ("GOV-05", "newly_required", None, "undeclared", ["undeclared"]),
        ("SUP-04", "no_longer_required", "compliant", None, [])]
assert got == want, got
assert im["new_summary"]["compliant"] == im["old_summary"]["compliant"] - 3
print("ok")
EOF
run cat "$T/json.check"
expect "impact json: medium, control by control" 0 out "ok"

run "${D[@]}" v2026.1 v2026.2 --declaration "$SMALL" --at "$AT"
expect "impact: small: GOV-05 undeclared" 1 out \
    "  + GOV-05  Risk register and risk acceptance — newly required, undeclared: not declared"
expect "impact: small: SUP-04 was failing" 1 out \
    "  - SUP-04  Supplier remote access — no longer required (was non-compliant)"
run "${D[@]}" v2026.1 v2026.2 --declaration "$SMALL" --at "$AT" --profile premium
expect "impact: unknown profile" 2 err "compliance: $SMALL: profile 'premium' is not in the old baseline"
expect_lines "impact: unknown profile: one line" err 1

# --- directories ---------------------------------------------------------------------
cp -R "$B" "$T/new-dir"
edit_tree "$T/new-dir"
run "$C" diff "$B" "$T/new-dir"
expect "diff directories" 1 out "  ~ GOV-04  max_age_months 24 -> 12"
run "$C" diff "$B" "$B"
expect "diff: same directory twice" 0 out "no differences"
run "${D[@]}" v2026.2 "$T/new-dir"
expect "diff: a release against the same tree" 0 out "no differences"

# --- refusals -------------------------------------------------------------------------
run "${D[@]}" v2026.1 v2026.9
expect "unknown tag" 2 err \
    "compliance: v2026.9: not a baseline directory, a statement file or a release in the cache (see 'compliance releases')"
expect_lines "unknown tag: one line" err 1
run "${D[@]}" v2026.1 main
expect "not a release" 2 err \
    "compliance: main: not a baseline directory, a statement file or a release in the cache (see 'compliance releases')"
run "$C" diff --cache "$T/no-cache" v2026.1 v2026.2
expect "no cache" 2 err \
    "compliance: v2026.1: not a baseline directory, a statement file or a release: no synced releases in $T/no-cache (run 'compliance sync' first)"
expect_lines "no cache: one line" err 1
mkdir -p "$T/broken"
cp -R "$B/." "$T/broken/"
printf '{"schema": "lcmp.baseline/v1",' >"$T/broken/baseline.json"
run "$C" diff "$B" "$T/broken"
expect_re "malformed directory" 2 err "^compliance: $T/broken/baseline.json:"
expect_lines "malformed directory: one line" err 1
run "$C" diff "$B" "$SMALL"
expect "a directory and a file" 2 err \
    "compliance: diff: $SMALL: compare two statements or two baselines, not one of each"
run "$C" diff "$B"
expect "one operand" 2 err "compliance: diff: give OLD and NEW (see 'compliance diff --help')"
run "$C" diff "$B" "$B" "$B"
expect "three operands" 2 err "compliance: diff: unexpected argument '$B' (give exactly OLD and NEW)"
run "$C" diff "$B" "$B" --format xml
expect "bad format" 2 err "compliance: diff: --format: unknown format 'xml' (expected text or json)"
run "$C" diff "$B" "$B" --at yesterday
expect "bad time" 2 err "compliance: diff: --at: invalid time 'yesterday'"
run "$C" diff "$B" "$B" --declaration "$T/nowhere.json"
expect_re "missing declaration" 2 err "^compliance: .*nowhere.json"
expect_lines "missing declaration: one line" err 1
run "$C" diff --help
expect "help" 0 out "usage: compliance diff OLD NEW"

# --- two statements of one organisation --------------------------------------------------
python3 - "$MEDIUM" "$T/worse.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["controls"]["IAM-01"] = {"status": "not_implemented"}
d["controls"]["BCK-01"] = {"status": "not_implemented"}
json.dump(d, open(sys.argv[2], "w"), indent=2)
EOF
git -C "$A" show v2026.2:trust/statement_signers >"$T/signers"
att() { # DECL KEY OUT
    "$C" attest --declaration "$1" --key "$T/keys/$2" --out "$3" --cache "$K" \
        --at 2026-11-27T09:00:00Z >/dev/null 2>"$T/attest.err" || cat "$T/attest.err"
}
att "$MEDIUM" zonnedaal "$T/s-good.json"
att "$T/worse.json" zonnedaal "$T/s-worse.json"
att "$SMALL" kleinbeek "$T/s-small.json"
SD=("$C" diff --cache "$K" --signers "$T/signers" --at 2026-12-01)
run "${SD[@]}" "$T/s-good.json" "$T/s-worse.json"
expect_re "statements: regressions exit 1" 1 out \
    "^Gemeente Zonnedaal \(gem-zonnedaal\): score [0-9]+% -> [0-9]+% \(-[0-9]+\), 0 improved, 2 regressed, 32 unchanged$"
expect "statements: IAM-01 regressed" 1 out "  IAM-01  (identity) compliant -> non_compliant"
expect "statements: BCK-01 regressed" 1 out "  BCK-01  (backups) compliant -> non_compliant"
expect_re "statements: old and new on their own lines" 1 out "^old: v2026\.2, profile basic, evaluated at 2026-11-27T09:00:00Z$"
run "${SD[@]}" "$T/s-worse.json" "$T/s-good.json" --format json
python3 - "$T/out" >"$T/json.check" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "lcmp.statement-diff/v1"
assert d["organisation"]["id"] == "gem-zonnedaal"
assert d["tally"] == {"improved": 2, "regressed": 0, "unchanged": 32, "added": 0, "removed": 0}, d["tally"]
assert d["score_change"] == d["new"]["summary"]["score"] - d["old"]["summary"]["score"] > 0
imp = sorted(c["id"] for c in d["controls"] if c["move"] == "improved")
assert imp == ["BCK-01", "IAM-01"], imp
print("ok")
EOF
run cat "$T/json.check"
expect "statements json: improved (python3)" 0 out "ok"
run "${SD[@]}" "$T/s-good.json" "$T/s-good.json"
expect "statements: the same statement twice" 0 out "0 improved, 0 regressed, 34 unchanged"
run "${SD[@]}" "$T/s-good.json" "$T/s-small.json"
expect "statements: different organisations" 2 err \
    "compliance: diff: statements are for different organisations: 'gem-zonnedaal' and 'gem-kleinbeek'"
expect_lines "different organisations: one line" err 1
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); e["signatures"][0]["sig"]="A"+e["signatures"][0]["sig"][1:]; json.dump(e,open(sys.argv[2],"w"))' \
    "$T/s-worse.json" "$T/s-forged.json"
run "${SD[@]}" "$T/s-good.json" "$T/s-forged.json"
expect_re "statements: a forged statement is refused" 2 err "^compliance: $T/s-forged.json: invalid statement: signature: "
expect_lines "forged statement: one line" err 1
run "$C" diff --cache "$K" --at 2026-12-01 "$T/s-good.json" "$T/s-worse.json"
# without --signers, trust comes from the newest verified release, which here
# has trust/statement_signers but no trust/auditors
expect_re "statements: trust from the release, which lacks trust/auditors" 2 err \
    "^compliance: .*release v2026\\.2 has no trust/auditors"

finish
