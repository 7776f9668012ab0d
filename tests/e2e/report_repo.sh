#!/usr/bin/env bash
# End-to-end: `compliance report --repo URL`. An association release (sample
# baseline + trust/statement_signers naming four municipalities) is tagged
# with `git tag -s` (gpg.format=ssh) and synced; three municipalities sign
# statements with the real CLI and `compliance publish` them to a local bare
# repository and to `git daemon`. Then, with plain git (bypassing publish),
# a statement for the fourth signed with another's key, a tampered
# statement, a symbolic link and a README are committed. The report over the repository is checked for its
# organisations, their statuses and reasons and the per-control numbers;
# expected numbers are computed here by python3 from the signed payloads,
# never from the program's output.
set -u

source "$(dirname "$0")/lib.bash"
source "$S/tests/helpers/servers.sh"
srv_init || { echo "0 passed, 1 failed"; exit 1; }
trap 'srv_stop_all; rm -rf "$T"' EXIT

export HOME="$T/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
G=(git -c user.name=Association -c user.email=release@assoc
    -c init.defaultBranch=main -c gpg.format=ssh -c tag.gpgSign=false
    -c commit.gpgSign=false)
AT=2026-11-27T09:00:00Z
NOW=2026-12-01
PUBS=(gem-a gem-b gem-c)

# check NAME CONDITION...: a plain shell condition as a counted check
check() {
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name"
    fi
}

mkdecl() { # SRC ID NAME OUT
    python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["organisation"] = {"id": sys.argv[2], "name": sys.argv[3]}
json.dump(d, open(sys.argv[4], "w"), indent=1)
PY
}
mkdir "$T/decl" "$T/keys" "$T/st"
: >"$T/signers"
for org in gem-a gem-b gem-c gem-d; do
    case $org in
    gem-b) src=medium ;;
    *) src=small ;;
    esac
    mkdecl "$S/examples/$src-municipality.json" "$org" "Gemeente $org" \
        "$T/decl/$org.json"
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
"${G[@]}" -C "$A" add -A
"${G[@]}" -C "$A" commit -q -m "baseline with trust files"
"${G[@]}" -C "$A" -c user.signingkey="$T/keys/release.pub" \
    tag -s v2026.1 -m $'Release 2026.1\n\nExpires: 2099-12-31'
K=$T/cache
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/release_signers"
expect "sync the release" 0 out "current release: v2026.1"

for org in gem-a gem-b gem-c gem-d; do
    run "$C" attest --declaration "$T/decl/$org.json" --key "$T/keys/$org" \
        --out "$T/st/$org.json" --cache "$K" --at "$AT"
    expect "attest $org" 0 out "statement of"
done
# signed with gem-a's key, but claims gem-d: attributed to gem-d, invalid
run "$C" attest --declaration "$T/decl/gem-d.json" --key "$T/keys/gem-a" \
    --out "$T/st/a-claims-d.json" --cache "$K" --at "$AT"
expect "attest a-claims-d" 0 out "statement of"
# gem-d's statement with its payload changed after signing: no key verifies
# it, so no organisation can be named for it
python3 - "$T/st/gem-d.json" "$T/st/gem-d-tampered.json" <<'PY'
import base64, json, sys
e = json.load(open(sys.argv[1]))
p = base64.b64decode(e["payload"]).replace(b'"non_compliant"', b'"compliant"', 1)
e["payload"] = base64.b64encode(p).decode()
json.dump(e, open(sys.argv[2], "w"))
PY

# the expected numbers, from the signed payloads of the three valid ones
python3 - "$T/expected.json" "${PUBS[@]/#/$T/st/}" <<'PY'
import base64, json, sys
rows, orgs = {}, {}
for f in sys.argv[2:]:
    f += ".json"
    st = json.loads(base64.b64decode(json.load(open(f))["payload"]))
    pred = st["predicate"]
    orgs[pred["organisation"]["id"]] = pred["summary"]
    for r in pred["results"]:
        row = rows.setdefault(r["control"], {})
        row[r["state"]] = row.get(r["state"], 0) + 1
json.dump({"rows": rows, "orgs": orgs}, open(sys.argv[1], "w"))
PY

# compare REPORT.json: organisations, statuses, numbers (prints mismatches)
verify_json() { # REPORT [REPO-TAG]
    python3 - "$1" "$T/expected.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
orgs = {o["id"]: o for o in rep["organisations"]}
want(sorted(orgs) == ["gem-a", "gem-b", "gem-c", "gem-d"], "org ids %s" % sorted(orgs))
for org, summ in exp["orgs"].items():
    o = orgs.get(org, {})
    want(o.get("status") == "valid", "%s status %s" % (org, o.get("status")))
    want(o.get("source") == "<repo:statements/%s/v2026.1.json>" % org,
         "%s source %s" % (org, o.get("source")))
    want(o.get("compliant") == summ["compliant"] and o.get("controls") == summ["controls"],
         "%s summary" % org)
d = orgs.get("gem-d", {})
want(d.get("status") == "invalid", "gem-d status %s" % d.get("status"))
want(d.get("reason", "").startswith("signer: "), "gem-d reason %r" % d.get("reason"))
want(d.get("source") == "<repo:statements/gem-d/v2026.1.json>", "gem-d source %r" % d.get("source"))
c = rep["organisation_counts"]
want((c["expected"], c["valid"], c["invalid"], c["expired"], c["missing"]) == (4, 3, 1, 0, 0),
     "organisation_counts %s" % c)
want(rep["statements"] == 6, "statements %s" % rep["statements"])
un = sorted((u["source"], u["reason"]) for u in rep["unattributed"])
want(len(un) == 2, "unattributed %s" % un)
want(un[0][0] == "<repo:statements/gem-c/tampered.json>"
     and un[0][1].startswith("signature: "), "unattributed tampered %s" % un)
want(un[1:] == [("<repo:statements/gem-x/link.json>", "a symbolic link: not read")],
     "unattributed symlink %s" % un)
seen = 0
for row in rep["controls"]:
    e = exp["rows"].get(row["id"])
    if e is None:
        continue
    seen += 1
    for s in ("compliant", "non_compliant", "excepted", "not_applicable", "undeclared"):
        want(row[s] == e.get(s, 0), "%s %s: %s != %s" % (row["id"], s, row[s], e.get(s, 0)))
    want(row["total"] == sum(e.values()), "%s total" % row["id"])
want(seen == len(exp["rows"]) and seen > 0, "controls seen %d of %d" % (seen, len(exp["rows"])))
for b in bad:
    print("  mismatch:", b)
sys.exit(1 if bad else 0)
PY
}

# publish PUBS to REMOTE, then commit the bypassing content with plain git
populate() { # REMOTE-URL REMOTE-GITDIR
    local url=$1 dir=$2 org
    for org in "${PUBS[@]}"; do
        run "$C" publish "$T/st/$org.json" --remote "$url" --cache "$K" \
            --signers "$T/signers" --at "$NOW"
        expect "publish $org to $url" 0 out \
            "published as statements/$org/v2026.1.json"
    done
    rm -rf "$T/work"
    "${G[@]}" clone -q -b main "$dir" "$T/work"
    mkdir -p "$T/work/statements/gem-d" "$T/work/statements/gem-x"
    cp "$T/st/a-claims-d.json" "$T/work/statements/gem-d/v2026.1.json"
    cp "$T/st/gem-d-tampered.json" "$T/work/statements/gem-c/tampered.json"
    ln -s ../gem-a/v2026.1.json "$T/work/statements/gem-x/link.json"
    echo "statements of the sector" >"$T/work/statements/README"
    "${G[@]}" -C "$T/work" add -A
    "${G[@]}" -C "$T/work" commit -q -m "by hand, bypassing publish"
    "${G[@]}" -C "$T/work" push -q origin main
}

report_repo() { # URL [ARGS...]
    local url=$1
    shift
    run "$C" report --repo "$url" --signers "$T/signers" --cache "$K" \
        --at "$NOW" --format json --out "$T/report.json" "$@"
}

# === a local bare repository, by path ========================================
L=$T/local.git
"${G[@]}" init -q --bare "$L"
populate "$L" "$L"
check "local: the symlink is a real symlink in the tree" \
    test "$(git -C "$L" ls-tree main statements/gem-x/link.json | cut -c1-6)" = 120000

report_repo "$L"
expect "local: report --repo exits 1 (an invalid statement, a refused entry)" \
    1 err "compliance: report: 1 organisation without a valid statement, 2 statements refused without an organisation"
expect_lines "local: the verdict is one line" err 1
check "local: organisations, reasons and numbers" verify_json "$T/report.json"
check "local: work repository is a private bare repo in the cache" \
    test "$(git --git-dir="$K/report.git" rev-parse --is-bare-repository)" = true
check "local: fetched into a private ref only" \
    test "$(git --git-dir="$K/report.git" for-each-ref --format='%(refname)')" = \
    "refs/lcmp-report/main"

# the text output names the symlink and why
run "$C" report --repo "$L" --signers "$T/signers" --cache "$K" --at "$NOW"
expect "local: text lists the symlink with its reason" 1 out \
    "  <repo:statements/gem-x/link.json>: a symbolic link: not read"

# a local ref in the work repository never decides what is reported: point
# the private ref (and a fake main) at an older commit; the report must
# still follow the remote's main
old=$(git -C "$L" rev-parse main~1)
git --git-dir="$K/report.git" update-ref refs/lcmp-report/main "$old"
git --git-dir="$K/report.git" update-ref refs/heads/main "$old"
report_repo "$L"
expect "local: stale local refs: still exit 1" 1 err "2 statements refused"
check "local: stale local refs do not change the report" verify_json "$T/report.json"

# operands and --repo combine: gem-d's genuine statement as a file wins
# over the invalid one of the repository
report_repo "$L" "$T/st/gem-d.json"
expect "local: --repo plus a file" 1 err \
    "compliance: report: 0 organisations without a valid statement, 2 statements refused without an organisation"
check "local: gem-d valid from the file" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
o = {x["id"]: x for x in r["organisations"]}
sys.exit(0 if o["gem-d"]["status"] == "valid" and r["statements"] == 7 else 1)' \
    "$T/report.json"

# a repository without main
E=$T/empty.git
"${G[@]}" init -q --bare "$E"
report_repo "$E"
expect "empty repository: exit 2" 2 err \
    "compliance: $E: the statements repository has no main branch"
expect_lines "empty repository: one line" err 1

# unreachable: nothing listens on this port
srv_free_port
port=$SRV_PORT
rm -f "$T/report.json"
report_repo "git://127.0.0.1:$port/statements.git"
expect_re "unreachable: exit 3, one line naming the URL" 3 err \
    "^compliance: git://127\.0\.0\.1:$port/statements\.git: "
expect_lines "unreachable: one line" err 1
check "unreachable: no report written" test ! -e "$T/report.json"

# usage
run "$C" report --ca-file /dev/null --signers "$T/signers" --cache "$K" "$T/st/gem-a.json"
expect "network option without --repo" 2 err \
    "compliance: report: --max-bytes, --ca-file, --ssh-key, --ssh-user and --host-key need --repo URL"
expect_lines "network option without --repo: one line" err 1
run "$C" report --repo "$L" --max-bytes 12x --signers "$T/signers" --cache "$K"
expect "bad --max-bytes" 2 err \
    "compliance: report: --max-bytes: '12x' is not a positive number of bytes"
# a fresh work repository, so that the objects must be transferred
rm -rf "$K/report.git"
report_repo "$L" --max-bytes 100
expect "byte cap: refused in one line" 2 err \
    "compliance: $L: transfer exceeded the limit of 100 bytes (--max-bytes)"
expect_lines "byte cap: one line" err 1

# === git daemon ===============================================================
D=$T/srv
mkdir "$D"
"${G[@]}" init -q --bare "$D/statements.git"
if srv_git_daemon "$D" receive-pack; then
    passed=$((passed + 1))
    U=git://127.0.0.1:$SRV_PORT/statements.git
    populate "$U" "$D/statements.git"
    rm -rf "$K/report.git"
    report_repo "$U"
    expect "daemon: report --repo exits 1" 1 err \
        "compliance: report: 1 organisation without a valid statement, 2 statements refused without an organisation"
    expect_lines "daemon: the verdict is one line" err 1
    check "daemon: organisations, reasons and numbers" verify_json "$T/report.json"
    # a second run fetches nothing new and gives the same report
    cp "$T/report.json" "$T/report1.json"
    report_repo "$U"
    expect "daemon: second run" 1 err "2 statements refused"
    check "daemon: same report twice" cmp -s "$T/report.json" "$T/report1.json"
else
    failed=$((failed + 1))
    echo "FAIL: git daemon did not start"
fi

finish
