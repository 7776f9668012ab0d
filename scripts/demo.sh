#!/usr/bin/env bash
# The libcompliance demo (`make demo`): lint the sample baseline, write a
# declaration template, check the three example municipalities and show the
# JSON summary of one; then signed releases (carrying the trust files
# trust/statement_signers and trust/auditors), sync, signed statements
# verified with the trust of the newest verified release, countersigning
# and a sector report. Output goes to ./.demo/ (recreated on every run).
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

# --- Statement keys: made first, so that the release can register them ---
TRUST=$OUT/trust
KEYS=$OUT/keys
mkdir -p "$TRUST" "$KEYS"

banner "The municipality and an auditor make their statement keys and send the public lines to the association" \
    "compliance keygen --out $KEYS/gem-kleinbeek.key --org gem-kleinbeek; compliance keygen --out $KEYS/auditor.key --org audit-bureau --type ecdsa-p256"
"$COMPLIANCE" keygen --out "$KEYS/gem-kleinbeek.key" --org gem-kleinbeek >"$TRUST/statement_signers"
"$COMPLIANCE" keygen --out "$KEYS/auditor.key" --org audit-bureau --type ecdsa-p256 >"$TRUST/auditors"
echo "(the association registers these lines in its release: trust/statement_signers, trust/auditors)"
cat "$TRUST/statement_signers" "$TRUST/auditors"

# --- Signed releases: the association publishes, the municipality syncs ---
ASSOC=$OUT/association
CACHE=$OUT/cache
SIGNERS=$OUT/release_signers
# git with a fixed identity and no user or system configuration
agit() {
    GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git \
        -c user.name="Interlokale Vereniging" -c user.email=release@interlokaal \
        -c init.defaultBranch=main -c gpg.format=ssh \
        -c user.signingkey="$PWD/$OUT/release-key.pub" -C "$ASSOC" "$@"
}
EXPIRES=$(date -u -d '+18 months' +%Y-%m-%d)

banner "The association publishes its baseline with the trust files as a Git repository and signs release v2026.1" \
    "cp $TRUST/statement_signers $TRUST/auditors $ASSOC/trust/; ssh-keygen -t ed25519 -N '' -f $OUT/release-key; git tag -s v2026.1 -m 'Release 2026.1' -m 'Expires: $EXPIRES' (gpg.format=ssh)"
mkdir -p "$ASSOC/trust"
cp -R "$BASELINE/." "$ASSOC/"
cp "$TRUST/statement_signers" "$TRUST/auditors" "$ASSOC/trust/"
agit init -q .
agit add -A
agit commit -q -m "Baseline 2026.1"
ssh-keygen -q -t ed25519 -N '' -C "release@interlokaal" -f "$OUT/release-key"
agit tag -s v2026.1 -m "Release 2026.1" -m "Expires: $EXPIRES"
agit cat-file tag v2026.1 | sed -n '1,8p'
echo "release@interlokaal namespaces=\"git\" $(cut -d' ' -f1,2 "$OUT/release-key.pub")" >"$SIGNERS"
echo "(the municipality pins the release key out of band: $SIGNERS)"

banner "The municipality syncs the signed release into its cache (no checkout, no network)" \
    "compliance sync --remote $ASSOC --cache $CACHE --release-signers $SIGNERS"
"$COMPLIANCE" sync --remote "$ASSOC" --cache "$CACHE" --release-signers "$SIGNERS"

banner "The association changes a control and signs v2026.2; the next sync says what changed" \
    "git tag -s v2026.2 ...; compliance sync --remote $ASSOC --cache $CACHE --release-signers $SIGNERS"
sed -i 's/"title": "Phishing simulation"/"title": "Phishing simulation exercises"/' "$ASSOC/controls/awareness.json"
agit commit -q -a -m "Baseline 2026.2"
agit tag -s v2026.2 -m "Release 2026.2" -m "Expires: $EXPIRES"
"$COMPLIANCE" sync --remote "$ASSOC" --cache "$CACHE" --release-signers "$SIGNERS"

banner "The releases the cache knows" "compliance releases --cache $CACHE"
"$COMPLIANCE" releases --cache "$CACHE"

for size in small medium large; do
    banner "Check the $size municipality against the synced release v2026.2" \
        "compliance -q check --declaration examples/$size-municipality.json --release v2026.2 --cache $CACHE --at $AT"
    check_ok "$COMPLIANCE" -q check --declaration "examples/$size-municipality.json" \
        --release v2026.2 --cache "$CACHE" --at "$AT"
done

banner "A mirror that withholds v2026.2 (rollback) is refused, and the cache keeps v2026.2" \
    "git tag -d v2026.2; compliance sync --remote $ASSOC --cache $CACHE --release-signers $SIGNERS"
agit tag -d v2026.2 >/dev/null
rc=0
"$COMPLIANCE" sync --remote "$ASSOC" --cache "$CACHE" --release-signers "$SIGNERS" || rc=$?
if [ "$rc" -ne 1 ]; then
    echo "demo: the rollback was not refused (exit $rc)" >&2
    exit 1
fi
echo "(exit code $rc: refused)"

# --- Signed compliance statements: attest, verify, countersign ---
banner "The small municipality signs its compliance statement on release v2026.2" \
    "compliance attest --declaration examples/small-municipality.json --key $KEYS/gem-kleinbeek.key --out $OUT/statement.json --release v2026.2 --cache $CACHE --at $AT --sshsig $OUT/statement.sig"
"$COMPLIANCE" attest --declaration examples/small-municipality.json \
    --key "$KEYS/gem-kleinbeek.key" --out "$OUT/statement.json" \
    --release v2026.2 --cache "$CACHE" --at "$AT" --sshsig "$OUT/statement.sig"
python3 - "$OUT/statement.json" <<'PY'
import base64, json, sys
e = json.load(open(sys.argv[1]))
p = json.loads(base64.b64decode(e["payload"]))
print("payloadType:", e["payloadType"], "| signatures:", [s["keyid"] for s in e["signatures"]])
print("subjects:", json.dumps(p["subject"]))
print("predicate:", json.dumps({k: p["predicate"][k] for k in ("organisation", "baseline", "evaluated_at",
                                                              "valid_until", "summary")}, ensure_ascii=False))
PY

banner "The auditor verifies it against the declaration the municipality shows (re-evaluated at the signed time; trusted keys from the newest verified release's trust files)" \
    "compliance verify $OUT/statement.json --cache $CACHE --declaration examples/small-municipality.json --at $AT"
"$COMPLIANCE" verify "$OUT/statement.json" --cache "$CACHE" \
    --declaration examples/small-municipality.json --at "$AT"

banner "Anyone can check the statement with stock OpenSSH" \
    "ssh-keygen -Y verify -f $TRUST/statement_signers -I gem-kleinbeek -n compliance-statement -s $OUT/statement.sig < payload"
python3 -c 'import base64,json,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["payload"]))' \
    "$OUT/statement.json" >"$OUT/statement.payload"
ssh-keygen -Y verify -f "$TRUST/statement_signers" -I gem-kleinbeek \
    -n compliance-statement -s "$OUT/statement.sig" <"$OUT/statement.payload"

banner "The auditor countersigns the same envelope" \
    "compliance countersign $OUT/statement.json --key $KEYS/auditor.key --out $OUT/statement.audited.json --cache $CACHE --declaration examples/small-municipality.json --at $AT"
"$COMPLIANCE" countersign "$OUT/statement.json" --key "$KEYS/auditor.key" \
    --out "$OUT/statement.audited.json" --cache "$CACHE" \
    --declaration examples/small-municipality.json --at "$AT"

banner "Verified again, now with the auditor's signature required" \
    "compliance verify $OUT/statement.audited.json --cache $CACHE --require-auditor --at $AT"
"$COMPLIANCE" verify "$OUT/statement.audited.json" --cache "$CACHE" \
    --require-auditor --at "$AT"

banner "A statement whose results were edited (and re-signed with the municipality's key) is refused" \
    "compliance verify $OUT/statement.edited.json --cache $CACHE --declaration examples/small-municipality.json"
python3 - "$OUT/statement.payload" "$OUT/statement.edited.payload" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1], "rb").read())
for r in d["predicate"]["results"]:
    if r["state"] == "non_compliant":
        r["state"] = "compliant"
        r.pop("reasons", None)
        print("(edited: %s now claims 'compliant')" % r["control"])
        break
open(sys.argv[2], "w").write(json.dumps(d, sort_keys=True, separators=(",", ":")))
PY
python3 - "$OUT/statement.edited.payload" "$OUT/statement.edited.pae" <<'PY'
import sys
t = b"application/vnd.in-toto+json"
b = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(b), b))
PY
openssl pkeyutl -sign -inkey "$KEYS/gem-kleinbeek.key" -rawin \
    -in "$OUT/statement.edited.pae" -out "$OUT/statement.edited.sig"
python3 - "$OUT/statement.edited.payload" "$OUT/statement.edited.sig" "$OUT/statement.edited.json" <<'PY'
import base64, json, sys
env = {"payload": base64.b64encode(open(sys.argv[1], "rb").read()).decode(),
       "payloadType": "application/vnd.in-toto+json",
       "signatures": [{"keyid": "", "sig": base64.b64encode(open(sys.argv[2], "rb").read()).decode()}]}
open(sys.argv[3], "w").write(json.dumps(env))
PY
rc=0
"$COMPLIANCE" -q verify "$OUT/statement.edited.json" --cache "$CACHE" \
    --declaration examples/small-municipality.json --at "$AT" || rc=$?
if [ "$rc" -ne 1 ]; then
    echo "demo: the edited statement was not refused (exit $rc)" >&2
    exit 1
fi
echo "(exit code $rc: refused)"
echo "demo: statements: signed, verified with the declaration and with stock OpenSSH, countersigned by an auditor, an edited statement refused"


# --- The sector-wide picture: a synthetic sector, verified and reported ---
SECTOR=$OUT/sector
banner "A synthetic sector of 12 municipalities signs statements; the association reports on all of them (their keys are not in the release: --signers names them)" \
    "scripts/gen_sector.sh $SECTOR 12 $CACHE v2026.2 $AT; compliance report $SECTOR/statements --signers $SECTOR/statement_signers --cache $CACHE --format html --out $OUT/report.html"
COMPLIANCE="$COMPLIANCE" scripts/gen_sector.sh "$SECTOR" 12 "$CACHE" v2026.2 "$AT"
"$COMPLIANCE" report "$SECTOR/statements" --signers "$SECTOR/statement_signers" \
    --cache "$CACHE" --at "$AT" | sed -n '1,7p'
"$COMPLIANCE" report "$SECTOR/statements" --signers "$SECTOR/statement_signers" \
    --cache "$CACHE" --at "$AT" --format html --out "$OUT/report.html"
echo "demo: sector report: $OUT/report.html (one self-contained page)"

printf '\ndemo: done: baseline valid, template written, 3 examples checked (%d with gaps), release v2026.2 signed, synced and checked, a rollback refused, statements signed and verified, a sector report written; output in %s/\n' \
    "$gaps" "$OUT"
