#!/usr/bin/env bash
# End-to-end: signed compliance statements on a real chain. An association
# repository (the sample baseline plus trust/statement_signers and
# trust/auditors) is released with `git tag -s` (gpg.format=ssh) and synced
# with `compliance sync`; then keygen, attest, verify, countersign and
# verify --require-auditor. Our signatures are checked by the real
# `openssl pkeyutl -verify` over PAE bytes built here, and the --sshsig
# output by the real `ssh-keygen -Y verify`. Forged statements are made with
# `openssl pkeyutl -sign` (not with our code). Every refusal is checked for
# its exit code and its one-line message.
set -u

source "$(dirname "$0")/lib.bash"

export HOME="$T/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
G=(git -c user.name=Association -c user.email=release@assoc
    -c init.defaultBranch=main -c gpg.format=ssh -c tag.gpgSign=false
    -c commit.gpgSign=false)
DECL=$S/examples/small-municipality.json
ORG=gem-kleinbeek
AT=2026-11-27T09:00:00Z
NOW=2026-12-01

# A few DSSE tools, independent of the code under test.
cat >"$T/dsse.py" <<'PY'
import base64, json, sys

def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read())

def pae(t, body):
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)

cmd = sys.argv[1]
if cmd == "pae":  # pae ENVELOPE OUT [SIGINDEX SIGOUT]
    e = load(sys.argv[2])
    body = base64.b64decode(e["payload"])
    open(sys.argv[3], "wb").write(pae(e["payloadType"].encode(), body))
    if len(sys.argv) > 5:
        sig = e["signatures"][int(sys.argv[4])]["sig"]
        open(sys.argv[5], "wb").write(base64.b64decode(sig))
elif cmd == "payload":  # payload ENVELOPE OUT
    e = load(sys.argv[2])
    open(sys.argv[3], "wb").write(base64.b64decode(e["payload"]))
elif cmd == "pae-of":  # pae-of TYPE PAYLOADFILE OUT
    body = open(sys.argv[3], "rb").read()
    open(sys.argv[4], "wb").write(pae(sys.argv[2].encode(), body))
elif cmd == "envelope":  # envelope TYPE PAYLOADFILE SIGFILE OUT
    body = open(sys.argv[3], "rb").read()
    sig = open(sys.argv[4], "rb").read()
    env = {"payload": base64.b64encode(body).decode(),
           "payloadType": sys.argv[2],
           "signatures": [{"keyid": "", "sig": base64.b64encode(sig).decode()}]}
    open(sys.argv[5], "w").write(json.dumps(env))
elif cmd == "flip":  # flip ENVELOPE OUT: one payload bit, re-encoded
    e = load(sys.argv[2])
    body = bytearray(base64.b64decode(e["payload"]))
    body[len(body) // 2] ^= 1
    e["payload"] = base64.b64encode(bytes(body)).decode()
    open(sys.argv[3], "w").write(json.dumps(e))
elif cmd == "set-type":  # set-type ENVELOPE TYPE OUT (signature unchanged)
    e = load(sys.argv[2])
    e["payloadType"] = sys.argv[3]
    open(sys.argv[4], "w").write(json.dumps(e))
elif cmd == "urlsafe":  # urlsafe ENVELOPE OUT: URL-safe, unpadded base64
    e = load(sys.argv[2])
    b = base64.b64decode(e["payload"])
    e["payload"] = base64.urlsafe_b64encode(b).decode().rstrip("=")
    for s in e["signatures"]:
        s["sig"] = base64.urlsafe_b64encode(base64.b64decode(s["sig"])).decode()
    open(sys.argv[3], "w").write(json.dumps(e))
PY
dsse() { python3 "$T/dsse.py" "$@"; }

# forge NAME TYPE PAYLOADFILE KEY: an envelope $T/NAME signed by KEY with
# the real openssl command over PAE(TYPE, payload)
forge() {
    dsse pae-of "$2" "$3" "$T/$1.pae"
    openssl pkeyutl -sign -inkey "$4" -rawin -in "$T/$1.pae" \
        -out "$T/$1.sig" 2>"$T/openssl.err" || cat "$T/openssl.err"
    dsse envelope "$2" "$3" "$T/$1.sig" "$T/$1"
}

# --- keys ---------------------------------------------------------------------
mkdir "$T/keys"
run "$C" keygen --out "$T/keys/muni" --org "$ORG"
expect_re "keygen prints the allowed_signers line" 0 out \
    "^$ORG namespaces=\"compliance-statement\" ssh-ed25519 AAAA[A-Za-z0-9+/=]+\$"
cp "$T/out" "$T/muni.line"
run stat -c '%a' "$T/keys/muni"
expect "keygen: key 0600" 0 out "600"
run stat -c '%a' "$T/keys/muni.pub"
expect "keygen: public key 0644" 0 out "644"
run grep -c "BEGIN PRIVATE KEY" "$T/keys/muni"
expect "keygen writes PKCS#8 PEM" 0 out "1"
run "$C" keygen --out "$T/keys/aud" --org audit-bureau --type ecdsa-p256
expect_re "keygen ecdsa-p256" 0 out \
    '^audit-bureau namespaces="compliance-statement" ecdsa-sha2-nistp256 AAAA'
cp "$T/out" "$T/aud.line"
run "$C" keygen --out "$T/keys/other" --org gem-elders
cp "$T/out" "$T/other.line"
run "$C" keygen --out "$T/keys/retired" --org "$ORG"
expect "keygen for a key to retire" 0 out "$ORG namespaces="
sed "s/^$ORG namespaces=\"compliance-statement\"/$ORG namespaces=\"compliance-statement\",valid-before=\"20200101\"/" \
    "$T/out" >"$T/retired.line"

run "$C" keygen --out "$T/keys/muni" --org "$ORG"
expect "keygen never overwrites" 2 err \
    "compliance: $T/keys/muni: already exists (a key is never overwritten)"
expect_lines "keygen refusal: one line" err 1
run "$C" keygen --out "$T/keys/x" --type rsa
expect "keygen: unknown type" 2 err \
    "compliance: keygen: --type: unknown key type 'rsa' (expected ed25519 or ecdsa-p256)"
run "$C" keygen --out "$T/keys/x" --org "bad id"
expect "keygen: bad organisation id" 2 err "compliance: keygen: --org: 'bad id' is not an organisation id"

# encrypted key: passphrase from an environment variable, never argv
export LCMP_TEST_PASS="correct horse battery staple"
run "$C" keygen --out "$T/keys/enc" --org "$ORG" --passphrase-env LCMP_TEST_PASS
expect "keygen --passphrase-env" 0 out "$ORG namespaces="
cp "$T/out" "$T/enc.line"
run grep -c "BEGIN ENCRYPTED PRIVATE KEY" "$T/keys/enc"
expect "the key is encrypted" 0 out "1"
run openssl pkey -in "$T/keys/enc" -passin env:LCMP_TEST_PASS -noout
expect_rc_ok() { if [ "$rc" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1: exit $rc"; cat "$T/err"; fi; }
expect_rc_ok "openssl reads the encrypted key with the passphrase"
run "$C" keygen --out "$T/keys/y" --passphrase-env LCMP_NO_SUCH_VARIABLE
expect "keygen: unset passphrase variable" 2 err \
    "compliance: --passphrase-env: the environment variable 'LCMP_NO_SUCH_VARIABLE' is not set or empty"
[ ! -e "$T/keys/y" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: a refused keygen wrote a key"; }

# passphrase from the terminal: a real pty (tests/helpers/pty_run.py) types it;
# echo must be off, so the transcript never shows it
PTY=(python3 "$S/tests/helpers/pty_run.py" "$T/tty")
TTYPASS="typed at the terminal"
run "${PTY[@]}" "$TTYPASS" "$TTYPASS" -- \
    "$C" keygen --out "$T/keys/tty" --org "$ORG" --passphrase-prompt
expect "keygen --passphrase-prompt: asks twice" 0 tty "passphrase again: "
expect "keygen --passphrase-prompt: writes the key" 0 tty "$ORG namespaces="
run grep -c "$TTYPASS" "$T/tty"
expect "keygen --passphrase-prompt: nothing echoed" 1 out "0"
export LCMP_TTY_PASS="$TTYPASS"
run openssl pkey -in "$T/keys/tty" -passin env:LCMP_TTY_PASS -noout
expect_rc_ok "openssl reads the prompted key with the typed passphrase"
run "${PTY[@]}" "one thing" "another" -- \
    "$C" keygen --out "$T/keys/tty2" --org "$ORG" --passphrase-prompt
expect "keygen --passphrase-prompt: the two differ" 2 tty \
    "compliance: --passphrase-prompt: the two passphrases differ"
run "${PTY[@]}" "" -- "$C" keygen --out "$T/keys/tty2" --org "$ORG" --passphrase-prompt
expect "keygen --passphrase-prompt: empty" 2 tty "compliance: --passphrase-prompt: the passphrase is empty"
run "${PTY[@]}" "$(printf '%01025d' 0)" -- \
    "$C" keygen --out "$T/keys/tty2" --org "$ORG" --passphrase-prompt
expect "keygen --passphrase-prompt: too long" 2 tty \
    "compliance: --passphrase-prompt: the passphrase is longer than 1024 bytes"
[ ! -e "$T/keys/tty2" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: a refused prompt wrote a key"; }
run setsid -w "$C" keygen --out "$T/keys/tty2" --org "$ORG" --passphrase-prompt
expect "keygen --passphrase-prompt without a terminal" 2 err \
    "compliance: --passphrase-prompt: no terminal to ask on (use --passphrase-env VAR)"

# --- the association's release, with trust files -------------------------------
ssh-keygen -q -t ed25519 -N '' -C release -f "$T/keys/release"
echo "release@assoc namespaces=\"git\" $(cut -d' ' -f1,2 "$T/keys/release.pub")" \
    >"$T/release_signers"
A=$T/assoc
"${G[@]}" init -q "$A"
cp -R "$B/." "$A/"
mkdir "$A/trust"
cat "$T/muni.line" "$T/enc.line" "$T/other.line" "$T/retired.line" >"$A/trust/statement_signers"
cat "$T/aud.line" >"$A/trust/auditors"
"${G[@]}" -C "$A" add -A
"${G[@]}" -C "$A" commit -q -m "baseline with trust files"
"${G[@]}" -C "$A" -c user.signingkey="$T/keys/release.pub" \
    tag -s v2026.1 -m $'Release 2026.1\n\nExpires: 2099-12-31'
K=$T/cache
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/release_signers"
expect "sync the release (trust files do not disturb the baseline)" 0 out \
    "current release: v2026.1"
# the trust files, exactly as released
git -C "$A" show v2026.1:trust/statement_signers >"$T/signers"
git -C "$A" show v2026.1:trust/auditors >"$T/auditors"
TRUST=(--cache "$K" --signers "$T/signers" --auditors "$T/auditors")

# --- attest -----------------------------------------------------------------
ST=$T/statement.json
run "$C" attest --declaration "$DECL" --key "$T/keys/muni" --out "$ST" \
    --cache "$K" --at "$AT" --sshsig "$T/statement.sig"
expect "attest" 0 out \
    "$ST: statement of Gemeente Kleinbeek ($ORG) on baseline interlokaal-basis v2026.1, profile basic: 7 of 34 compliant, score 21%"
run stat -c '%a' "$ST"
expect "the statement is written 0644" 0 out "644"
run python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(e["payloadType"], len(e["signatures"]), e["signatures"][0]["keyid"])' "$ST"
expect_re "an in-toto DSSE envelope, keyid = fingerprint" 0 out \
    '^application/vnd.in-toto\+json 1 SHA256:[A-Za-z0-9+/]{43}$'

# our signature, checked by the real openssl over PAE bytes built here
openssl pkey -in "$T/keys/muni" -pubout -out "$T/muni.pub.pem"
dsse pae "$ST" "$T/st.pae" 0 "$T/st.sig0"
run openssl pkeyutl -verify -pubin -inkey "$T/muni.pub.pem" -rawin \
    -in "$T/st.pae" -sigfile "$T/st.sig0"
expect "openssl pkeyutl -verify (Ed25519) over the PAE" 0 out "Signature Verified Successfully"
printf 'X' >>"$T/st.pae"
run openssl pkeyutl -verify -pubin -inkey "$T/muni.pub.pem" -rawin \
    -in "$T/st.pae" -sigfile "$T/st.sig0"
expect "openssl: other bytes do not verify" 1 out "Signature Verification Failure"

# the --sshsig output, checked by the real ssh-keygen
dsse payload "$ST" "$T/st.payload"
# (run reads stdin from /dev/null: the message goes through sh)
sshsig_verify() { # PRINCIPAL
    run sh -c 'ssh-keygen -Y verify -f "$1" -I "$2" -n compliance-statement -s "$3" <"$4"' \
        _ "$T/signers" "$1" "$T/statement.sig" "$T/st.payload"
}
sshsig_verify "$ORG"
expect "ssh-keygen -Y verify accepts --sshsig" 0 out \
    "Good \"compliance-statement\" signature for $ORG"
sshsig_verify gem-elders
expect_re "ssh-keygen: not for another organisation" 255 out "Could not verify signature"

# --- verify -----------------------------------------------------------------
run "$C" verify "$ST" "${TRUST[@]}" --declaration "$DECL" --at "$NOW"
expect "verify: valid" 0 out "$ST: valid"
expect "verify: the signer in its role" 0 out "✓ signer       signed by '$ORG' with key SHA256:"
expect "verify: re-evaluation" 0 out \
    "✓ evaluation   re-evaluating the declaration at $AT gives the signed results (34 controls, score 21%)"
expect "verify: release from the cache" 0 out "✓ release      release 'v2026.1'"
expect "verify: who signed" 0 out "signature 0: SHA256:"
expect_lines "verify: nothing on stderr" err 0
run "$C" verify "$ST" "${TRUST[@]}" --at "$NOW" --format json
expect "verify --format json" 0 out '"schema": "lcmp.verification/v1"'
cp "$T/out" "$T/verification.json"
run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["valid"], [s["status"] for s in d["steps"]].count("ok"), d["signatures"][0]["role"], d["statement"]["organisation"]["id"])' "$T/verification.json"
expect "verify json: valid, 8 steps ok (3 skipped), organisation role" 0 out "True 8 organisation $ORG"

# URL-safe, unpadded base64 is accepted
dsse urlsafe "$ST" "$T/urlsafe.json"
run "$C" verify "$T/urlsafe.json" "${TRUST[@]}" --declaration "$DECL" --at "$NOW"
expect "verify accepts URL-safe base64" 0 out "valid"

# --- countersign ------------------------------------------------------------
run "$C" verify "$ST" "${TRUST[@]}" --at "$NOW" --require-auditor
expect "verify --require-auditor without an auditor" 1 err \
    "compliance: $ST: invalid statement: auditor: no signature by a registered auditor, and one is required"
expect_lines "one line on stderr" err 1
S2=$T/countersigned.json
run "$C" countersign "$ST" --key "$T/keys/aud" --out "$S2" "${TRUST[@]}" \
    --declaration "$DECL" --at "$NOW"
expect "countersign" 0 out \
    "$S2: countersigned by auditor 'audit-bureau' with SHA256:"
run "$C" verify "$S2" "${TRUST[@]}" --declaration "$DECL" --at "$NOW" --require-auditor
expect "verify --require-auditor after countersigning" 0 out \
    "✓ auditor      countersigned by auditor 'audit-bureau' with key SHA256:"
expect "both roles are reported" 0 out "(audit-bureau) — auditor"
run python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); print(a["payload"]==b["payload"], a["signatures"][0]==b["signatures"][0], len(b["signatures"]))' "$ST" "$S2"
expect "countersigning keeps payload and signature byte for byte" 0 out "True True 2"
openssl pkey -in "$T/keys/aud" -pubout -out "$T/aud.pub.pem"
dsse pae "$S2" "$T/s2.pae" 1 "$T/s2.sig1"
run openssl pkeyutl -verify -pubin -inkey "$T/aud.pub.pem" -rawin -digest sha256 \
    -in "$T/s2.pae" -sigfile "$T/s2.sig1"
expect "openssl pkeyutl -verify (ECDSA P-256, DER) of the countersignature" 0 out \
    "Signature Verified Successfully"
run "$C" countersign "$ST" --key "$T/keys/other" --out "$T/notaud.json" "${TRUST[@]}" --at "$NOW"
expect "countersign: only a registered auditor" 1 err \
    "is not a registered auditor's: key SHA256:"
[ ! -e "$T/notaud.json" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: a refused countersign wrote a file"; }
run "$C" countersign "$S2" --key "$T/keys/aud" --out "$T/twice.json" "${TRUST[@]}" --at "$NOW"
expect "countersign: not twice with one key" 1 err "already signed by this key (SHA256:"

# --- refusals, each with its own reason ---------------------------------------
refused() { # NAME FILE STEP: REASON-SUBSTRING [verify options...]
    local name=$1 file=$2 want=$3
    shift 3
    run "$C" verify "$file" "${TRUST[@]}" --at "$NOW" "$@"
    expect "$name" 1 err "compliance: $file: invalid statement: $want"
    expect_lines "$name: one line on stderr" err 1
}

dsse flip "$ST" "$T/flipped.json"
refused "flipped payload byte" "$T/flipped.json" \
    "signature: none of the 1 signatures verifies with a trusted key"

dsse set-type "$ST" "application/json" "$T/type-unsigned.json"
refused "changed payloadType" "$T/type-unsigned.json" \
    "signature: none of the 1 signatures verifies with a trusted key"
forge type-signed.json "application/json" "$T/st.payload" "$T/keys/muni"
refused "another payloadType, validly signed" "$T/type-signed.json" \
    "payload_type: payloadType is 'application/json', expected 'application/vnd.in-toto+json'"

run "$C" attest --declaration "$DECL" --key "$T/keys/other" --out "$T/other.json" --cache "$K" --at "$AT"
refused "key registered for another organisation" "$T/other.json" \
    "signer: key $(ssh-keygen -lf "$T/keys/other.pub" | cut -d' ' -f2) is not registered for principal '$ORG'"

run "$C" attest --declaration "$DECL" --key "$T/keys/retired" --out "$T/retired.json" --cache "$K" --at "$AT"
refused "key outside its validity window" "$T/retired.json" \
    "signer: key $(ssh-keygen -lf "$T/keys/retired.pub" | cut -d' ' -f2) is not valid after 2020-01-01T00:00:00Z for principal '$ORG'"

# a statement on a release the verifier's cache does not have
A2=$T/assoc2
"${G[@]}" clone -q "$A" "$A2"
"${G[@]}" -C "$A2" -c user.signingkey="$T/keys/release.pub" \
    tag -s v2026.2 -m $'Release 2026.2\n\nExpires: 2099-12-31'
run "$C" sync --remote "$A2" --cache "$T/cache2" --release-signers "$T/release_signers"
run "$C" attest --declaration "$DECL" --key "$T/keys/muni" --out "$T/v2.json" \
    --cache "$T/cache2" --release v2026.2 --at "$AT"
expect "attest on another release" 0 out "v2026.2"
refused "unknown release" "$T/v2.json" \
    "release: release 'v2026.2' is not in the cache"

cp "$DECL" "$T/decl-changed.json"
printf ' ' >>"$T/decl-changed.json"
refused "declaration digest mismatch" "$ST" \
    "declaration: the declaration's sha256 is $(sha256sum "$T/decl-changed.json" | cut -d' ' -f1), the statement signs $(sha256sum "$DECL" | cut -d' ' -f1)" \
    --declaration "$T/decl-changed.json"

python3 - "$T/st.payload" "$T/edited.payload" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1], "rb").read())
for r in d["predicate"]["results"]:
    if r["control"] == "GOV-04":
        r["state"] = "compliant"
        r.pop("reasons", None)
open(sys.argv[2], "w").write(json.dumps(d, sort_keys=True, separators=(",", ":")))
PY
forge edited.json "application/vnd.in-toto+json" "$T/edited.payload" "$T/keys/muni"
run "$C" verify "$T/edited.json" "${TRUST[@]}" --at "$NOW"
expect "edited results pass without the declaration" 0 out "valid"
refused "results edited and re-signed with a valid key" "$T/edited.json" \
    "evaluation: control GOV-04 is 'compliant' in the statement, 'non_compliant' on re-evaluation" \
    --declaration "$DECL"

refused "expired statement" "$ST" \
    "freshness: expired: valid until 2027-11-27T09:00:00Z, verified at 2028-01-01T00:00:00Z" \
    --at 2028-01-01

sed 's/^{/{"predicateType":"urn:libcompliance:compliance-statement:v1",/' \
    "$T/st.payload" >"$T/dup.payload"
forge dup.json "application/vnd.in-toto+json" "$T/dup.payload" "$T/keys/muni"
refused "duplicate JSON keys in the payload" "$T/dup.json" \
    "payload: payload:1:"
expect "duplicate JSON keys: the reason" 1 err "duplicate object key 'predicateType'"

# --- keys that must not be used, inputs that must not be trusted ---------------
cp "$T/keys/muni" "$T/keys/shared"
chmod 640 "$T/keys/shared"
run "$C" attest --declaration "$DECL" --key "$T/keys/shared" --out "$T/x.json" --cache "$K" --at "$AT"
expect "group-readable key refused" 2 err \
    "compliance: $T/keys/shared: key file is readable by others (mode 0640): chmod 600"
expect_lines "key refusal: one line" err 1
run "$C" countersign "$ST" --key "$T/keys/shared" --out "$T/x.json" "${TRUST[@]}"
expect "countersign: group-readable key refused" 2 err "key file is readable by others (mode 0640): chmod 600"
[ ! -e "$T/x.json" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: a refused key wrote a statement"; }

run "$C" attest --declaration "$DECL" --key "$T/keys/enc" --out "$T/enc.json" --cache "$K" --at "$AT"
expect "encrypted key without a passphrase" 2 err \
    "compliance: $T/keys/enc: the key is encrypted: give --passphrase-env VAR or --passphrase-prompt"
export LCMP_WRONG=wrong
run "$C" attest --declaration "$DECL" --key "$T/keys/enc" --out "$T/enc.json" \
    --cache "$K" --at "$AT" --passphrase-env LCMP_WRONG
expect "encrypted key, wrong passphrase" 2 err "compliance: $T/keys/enc: wrong passphrase, or a damaged key"
run "$C" attest --declaration "$DECL" --key "$T/keys/enc" --out "$T/enc.json" \
    --cache "$K" --at "$AT" --passphrase-env LCMP_TEST_PASS
expect "encrypted key round trip: attest" 0 out "statement of Gemeente Kleinbeek"
run "$C" verify "$T/enc.json" "${TRUST[@]}" --declaration "$DECL" --at "$NOW"
expect "encrypted key round trip: verify" 0 out "valid"

run "${PTY[@]}" "not it" -- "$C" attest --declaration "$DECL" --key "$T/keys/tty" \
    --out "$T/tty.json" --cache "$K" --at "$AT" --passphrase-prompt
expect "attest --passphrase-prompt: wrong passphrase" 2 tty \
    "compliance: $T/keys/tty: wrong passphrase, or a damaged key"
run "${PTY[@]}" "$TTYPASS" -- "$C" attest --declaration "$DECL" --key "$T/keys/tty" \
    --out "$T/tty.json" --cache "$K" --at "$AT" --passphrase-prompt
expect "attest --passphrase-prompt: asks once" 0 tty "passphrase: "
expect "attest --passphrase-prompt: signs" 0 tty "statement of Gemeente Kleinbeek"
run grep -c "$TTYPASS" "$T/tty"
expect "attest --passphrase-prompt: nothing echoed" 1 out "0"

printf '{"payload":"e30=","payloadType":"x","signatures":[]}' >"$T/nosig.json"
run "$C" verify "$T/nosig.json" "${TRUST[@]}"
expect "malformed envelope is malformed input" 2 err \
    "compliance: $T/nosig.json: /signatures: no signatures"
run "$C" verify "$ST" --signers "$T/signers" --cache "$T/nocache" --at "$NOW"
expect "verify needs a synced cache" 2 err "compliance: $T/nocache: no synced baseline here (run 'compliance sync' first)"

printf '{"schema":"lcmp.declaration/v1"}' >"$T/bad-decl.json"
run "$C" attest --declaration "$T/bad-decl.json" --key "$T/keys/muni" --out "$T/bad.json" --cache "$K"
expect "invalid declaration" 2 err "compliance: $T/bad-decl.json"
[ ! -e "$T/bad.json" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: an invalid declaration wrote a statement"; }
run "$C" attest --declaration "$DECL" --key "$T/keys/muni" --out "$T/bad.json" --cache "$K" --release v1999.1
expect "attest on an unknown release" 2 err "compliance: --release: release 'v1999.1' is not in the cache"
run "$C" attest --declaration "$DECL" --key "$T/keys/muni" --out "$ST" --cache "$K"
expect "attest never overwrites without --force" 2 err "compliance: $ST: already exists (use --force to overwrite)"

# --- trust from the cache's newest verified release (DESIGN §3.6) -------------
# without --signers/--auditors the keys come from the release's trust files
run "$C" verify "$ST" --cache "$K" --declaration "$DECL" --at "$NOW"
expect "verify without --signers: trust from the release" 0 out "$ST: valid"
expect "verify without --signers: the signer in its role" 0 out \
    "✓ signer       signed by '$ORG' with key SHA256:"
expect_lines "verify without --signers: nothing on stderr" err 0
run "$C" verify "$S2" --cache "$K" --at "$NOW" --require-auditor
expect "verify without --auditors: the release's trust/auditors" 0 out \
    "✓ auditor      countersigned by auditor 'audit-bureau' with key SHA256:"
refused_cache() { # NAME FILE STEP: REASON [verify options...]
    local name=$1 file=$2 want=$3
    shift 3
    run "$C" verify "$file" --cache "$K" --at "$NOW" "$@"
    expect "$name" 1 err "compliance: $file: invalid statement: $want"
    expect_lines "$name: one line on stderr" err 1
}
refused_cache "trust from the release: key of another organisation" "$T/other.json" \
    "signer: key $(ssh-keygen -lf "$T/keys/other.pub" | cut -d' ' -f2) is not registered for principal '$ORG'"
S3=$T/countersigned-cache.json
run "$C" countersign "$ST" --key "$T/keys/aud" --out "$S3" --cache "$K" --at "$NOW"
expect "countersign without --signers/--auditors" 0 out \
    "$S3: countersigned by auditor 'audit-bureau' with SHA256:"
run "$C" countersign "$ST" --key "$T/keys/other" --out "$T/notaud2.json" --cache "$K" --at "$NOW"
expect "countersign, trust from the release: only a registered auditor" 1 err \
    "is not a registered auditor's: key SHA256:"
[ ! -e "$T/notaud2.json" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: a refused countersign wrote a file"; }
# --signers alone names the whole trust: no auditors unless --auditors
run "$C" verify "$S2" --cache "$K" --signers "$T/signers" --at "$NOW" --require-auditor
expect "--signers without --auditors trusts no auditor" 1 err \
    "compliance: $S2: invalid statement: auditor: no signature by a registered auditor, and one is required"

# a release without trust files: one clear refusal, --signers still works
A3=$T/assoc-notrust
"${G[@]}" init -q "$A3"
cp -R "$B/." "$A3/"
"${G[@]}" -C "$A3" add -A
"${G[@]}" -C "$A3" commit -q -m "baseline without trust files"
"${G[@]}" -C "$A3" -c user.signingkey="$T/keys/release.pub" \
    tag -s v2026.1 -m $'Release 2026.1\n\nExpires: 2099-12-31'
K3=$T/cache-notrust
run "$C" sync --remote "$A3" --cache "$K3" --release-signers "$T/release_signers"
expect "sync a release without trust files" 0 out "current release: v2026.1"
run "$C" verify "$ST" --cache "$K3" --at "$NOW"
expect "verify: the release has no trust/statement_signers" 2 err \
    "compliance: $K3: release v2026.1 has no trust/statement_signers (trust comes from the newest verified release; give --signers FILE to name it)"
expect_lines "missing trust file: one line" err 1
run "$C" verify "$ST" --cache "$K3" --at "$NOW" --signers "$T/signers"
expect "--signers overrides the release (then the release step decides)" 1 err \
    "compliance: $ST: invalid statement: release: "
run "$C" countersign "$ST" --key "$T/keys/aud" --out "$T/x3.json" --cache "$K3" --at "$NOW"
expect "countersign: the release has no trust/statement_signers" 2 err \
    "compliance: $K3: release v2026.1 has no trust/statement_signers"
mkdir "$A3/trust"
cat "$T/muni.line" >"$A3/trust/statement_signers"
"${G[@]}" -C "$A3" add -A
"${G[@]}" -C "$A3" commit -q -m "statement signers only"
"${G[@]}" -C "$A3" -c user.signingkey="$T/keys/release.pub" \
    tag -s v2026.2 -m $'Release 2026.2\n\nExpires: 2099-12-31'
run "$C" sync --remote "$A3" --cache "$K3" --release-signers "$T/release_signers"
expect "sync a release with statement signers only" 0 out "current release: v2026.2"
run "$C" verify "$ST" --cache "$K3" --at "$NOW"
expect "verify: the release has no trust/auditors" 2 err \
    "compliance: $K3: release v2026.2 has no trust/auditors (trust comes from the newest verified release; give --auditors FILE to name it)"

# revocation and retirement: release v2026.2 removes the municipality's
# key and bounds the encrypted key with valid-before; trust comes from the
# newest verified release, not from the release a statement names
run "$C" attest --declaration "$DECL" --key "$T/keys/enc" --out "$T/enc-before.json" \
    --cache "$K" --at 2026-11-26T09:00:00Z --passphrase-env LCMP_TEST_PASS
expect "attest with the key to retire, before its end" 0 out "statement of Gemeente Kleinbeek"
run "$C" verify "$T/enc-before.json" --cache "$K" --at "$NOW"
expect "before the later release: the early statement is valid" 0 out "valid"
sed "s/^$ORG namespaces=\"compliance-statement\"/$ORG namespaces=\"compliance-statement\",valid-before=\"20261127\"/" \
    "$T/enc.line" >"$T/enc-bounded.line"
cat "$T/enc-bounded.line" "$T/other.line" "$T/retired.line" >"$A/trust/statement_signers"
run grep -c -F "$(cut -d' ' -f4 "$T/muni.line")" "$A/trust/statement_signers"
expect "the later release no longer lists the municipality's key" 1 out "0"
"${G[@]}" -C "$A" commit -q -a -m "revoke a key, retire another"
"${G[@]}" -C "$A" -c user.signingkey="$T/keys/release.pub" \
    tag -s v2026.2 -m $'Release 2026.2\n\nExpires: 2099-12-31'
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/release_signers"
expect "sync the later release" 0 out "current release: v2026.2"
ENC_FP=$(ssh-keygen -lf "$T/keys/enc.pub" | cut -d' ' -f2)
refused_cache "a key removed by a later release is revoked" "$ST" \
    "signature: none of the 1 signatures verifies with a trusted key"
refused_cache "revoked even with the declaration" "$ST" \
    "signature: none of the 1 signatures verifies with a trusted key" --declaration "$DECL"
run "$C" verify "$S2" --cache "$K" --at "$NOW"
expect "a countersignature does not save a revoked key" 1 err \
    "compliance: $S2: invalid statement: signer: "
run "$C" verify "$T/enc-before.json" --cache "$K" --at "$NOW"
expect "a retired key still vouches for a statement made before valid-before" 0 out \
    "✓ signer       signed by '$ORG' with key $ENC_FP"
refused_cache "a retired key does not vouch for a statement made after valid-before" "$T/enc.json" \
    "signer: key $ENC_FP is not valid after 2026-11-27T00:00:00Z for principal '$ORG'"
run "$C" countersign "$ST" --key "$T/keys/aud" --out "$T/revoked-cs.json" --cache "$K" --at "$NOW"
expect "countersign refuses a statement by a revoked key" 1 err \
    "compliance: $ST: invalid statement: signature: none of the 1 signatures verifies with a trusted key"
[ ! -e "$T/revoked-cs.json" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: countersign wrote a revoked statement"; }
# the old trust file, named explicitly, overrides the cache
run "$C" verify "$ST" --cache "$K" --signers "$T/signers" --at "$NOW"
expect "--signers overrides the release's trust files" 0 out "$ST: valid"
# two statements: diff verifies both with the release's trust
run "$C" diff "$ST" "$T/enc-before.json" --cache "$K" --at "$NOW"
expect "diff of two statements: the revoked one is refused" 2 err \
    "compliance: $ST: invalid statement: signature: none of the 1 signatures verifies with a trusted key"
run "$C" diff "$ST" "$T/enc-before.json" --cache "$K" --signers "$T/signers" --at "$NOW"
expect "diff of two statements with --signers" 0 out \
    "Gemeente Kleinbeek ($ORG): score 21% -> 21% (+0), 0 improved, 0 regressed, 34 unchanged"

finish
