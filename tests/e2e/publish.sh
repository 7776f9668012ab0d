#!/usr/bin/env bash
# End-to-end: `compliance publish` on a real chain. An association release
# (sample baseline + trust/statement_signers naming the municipalities) is
# tagged with `git tag -s` (gpg.format=ssh) and synced; municipalities make
# keys and sign statements with the real CLI, then publish them to a local
# bare repository (by path) and to `git daemon --enable=receive-pack`,
# several at once, each from its own cache. The results are read back with
# plain git on the server side, never through the program.
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
LATER=2026-11-28T09:00:00Z
NOW=2026-12-01
ORGS=(gem-a gem-b gem-c gem-d gem-e)

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
for org in "${ORGS[@]}"; do
    mkdecl "$S/examples/small-municipality.json" "$org" "Gemeente $org" \
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

# every publisher has its own synced cache
for org in "${ORGS[@]}"; do
    run "$C" sync --remote "$A" --cache "$T/cache-$org" \
        --release-signers "$T/release_signers"
    expect "sync for $org" 0 out "current release: v2026.1"
done

attest() { # ORG(key+cache) DECL OUT [ARGS...]
    local key=$1 decl=$2 out=$3
    shift 3
    run "$C" attest --declaration "$T/decl/$decl.json" --key "$T/keys/$key" \
        --out "$out" --cache "$T/cache-$key" "$@"
    expect "attest $out" 0 out "statement of"
}
for org in "${ORGS[@]}"; do
    attest "$org" "$org" "$T/st/$org.json" --at "$AT"
done
attest gem-a gem-a "$T/st/gem-a-later.json" --at "$LATER"
# gem-b's key, but the declaration claims gem-a
attest gem-b gem-a "$T/st/b-claims-a.json" --at "$AT"
# a signed statement whose payload was changed afterwards
python3 - "$T/st/gem-c.json" "$T/st/tampered.json" <<'PY'
import base64, json, sys
e = json.load(open(sys.argv[1]))
p = base64.b64decode(e["payload"]).replace(b'"gem-c"', b'"gem-a"')
e["payload"] = base64.b64encode(p).decode()
json.dump(e, open(sys.argv[2], "w"))
PY

pub() { # ORG FILE REMOTE [ARGS...]: publish from ORG's cache
    local org=$1 file=$2 remote=$3
    shift 3
    run "$C" publish "$file" --remote "$remote" --cache "$T/cache-$org" \
        --at "$NOW" "$@"
}

# === a local bare repository, by path ========================================
L=$T/local.git
"${G[@]}" init -q --bare "$L"

pub gem-a "$T/st/gem-a.json" "$L"
expect "local: first publish (root commit)" 0 out \
    "published as statements/gem-a/v2026.1.json"
check "local: main holds the statement byte for byte" \
    cmp -s "$T/st/gem-a.json" <(git -C "$L" show main:statements/gem-a/v2026.1.json)
check "local: a root commit" \
    test "$(git -C "$L" rev-list --count main)" = 1
check "local: fixed author" \
    test "$(git -C "$L" log -1 --format='%an' main)" = "compliance publish gem-a"
check "local: commit time is now (--at)" \
    test "$(git -C "$L" log -1 --format='%ad' --date=iso-strict main)" = \
    "2026-12-01T00:00:00+00:00"
check "local: nothing else in the tree" \
    test "$(git -C "$L" ls-tree -r --name-only main)" = \
    "statements/gem-a/v2026.1.json"

tip=$(git -C "$L" rev-parse main)
pub gem-a "$T/st/gem-a.json" "$L"
expect "local: re-publishing the same statement is a no-op" 0 out \
    "already published as statements/gem-a/v2026.1.json"
check "local: no-op leaves main alone" \
    test "$(git -C "$L" rev-parse main)" = "$tip"

pub gem-a "$T/st/gem-a-later.json" "$L"
expect "local: a newer statement replaces the file" 0 out \
    "replacing the earlier statement"
check "local: replaced content" \
    cmp -s "$T/st/gem-a-later.json" <(git -C "$L" show main:statements/gem-a/v2026.1.json)
check "local: replacement is a child of the old tip" \
    test "$(git -C "$L" rev-parse main^)" = "$tip"

# --- refusals: nothing is pushed ----------------------------------------------
tip=$(git -C "$L" rev-parse main)
pub gem-b "$T/st/b-claims-a.json" "$L"
expect "local: gem-b's key claiming gem-a is refused" 1 err \
    "compliance: $T/st/b-claims-a.json: invalid statement: signer: "
expect_lines "local: refusal is one line" err 1
pub gem-c "$T/st/tampered.json" "$L"
expect "local: a tampered statement is refused" 1 err \
    "compliance: $T/st/tampered.json: invalid statement: signature: "
expect_lines "local: tampered refusal is one line" err 1
check "local: refusals leave main alone" \
    test "$(git -C "$L" rev-parse main)" = "$tip"

run "$C" publish "$T/st/gem-a.json" --cache "$T/cache-gem-a"
expect "publish without --remote" 2 err \
    "compliance: publish: missing --remote URL"
expect_lines "publish without --remote: one line" err 1
pub gem-a "$T/st/none.json" "$L"
expect "publish a missing file" 2 err "compliance: $T/st/none.json: "
expect_lines "publish a missing file: one line" err 1

# --- an organisation cannot touch another's files -----------------------------
# someone else's file at statements/gem-b/... and an unrelated file exist;
# publishing gem-b's statement (path from the verified organisation) and
# gem-c's must change exactly their own paths and never gem-a's blob
W=$T/work
"${G[@]}" clone -q -b main "$L" "$W"
mkdir -p "$W/statements/gem-b"
echo "an older hand-made file" >"$W/statements/gem-b/v2025.1.json"
echo "readme" >"$W/README"
"${G[@]}" -C "$W" add -A
"${G[@]}" -C "$W" commit -q -m "other content"
"${G[@]}" -C "$W" push -q origin main
before=$(git -C "$L" rev-parse main)
a_blob=$(git -C "$L" rev-parse main:statements/gem-a/v2026.1.json)
pub gem-b "$T/st/gem-b.json" "$L"
expect "local: gem-b publishes" 0 out \
    "published as statements/gem-b/v2026.1.json"
pub gem-c "$T/st/gem-c.json" "$L"
expect "local: gem-c publishes" 0 out \
    "published as statements/gem-c/v2026.1.json"
check "local: only the publishers' own paths changed" \
    test "$(git -C "$L" diff --name-only "$before" main | tr '\n' ' ')" = \
    "statements/gem-b/v2026.1.json statements/gem-c/v2026.1.json "
check "local: gem-a's file is the same blob" \
    test "$(git -C "$L" rev-parse main:statements/gem-a/v2026.1.json)" = "$a_blob"
check "local: gem-b's other file kept" \
    test "$(git -C "$L" show main:statements/gem-b/v2025.1.json)" = \
    "an older hand-made file"
check "local: unrelated file kept" \
    test "$(git -C "$L" show main:README)" = readme

# --- several publishers at once, local path -----------------------------------
P=$T/para.git
"${G[@]}" init -q --bare "$P"
pids=()
for org in "${ORGS[@]}"; do
    "$C" publish "$T/st/$org.json" --remote "$P" --cache "$T/cache-$org" \
        --at "$NOW" >"$T/para-$org.out" 2>"$T/para-$org.err" </dev/null &
    pids+=($!)
done
i=0
for org in "${ORGS[@]}"; do
    wait "${pids[$i]}"
    rc=$?
    i=$((i + 1))
    check "local at once: $org exit 0 (got $rc: $(head -c 300 "$T/para-$org.err"))" \
        test "$rc" = 0
done
want=$(for org in "${ORGS[@]}"; do echo "statements/$org/v2026.1.json"; done)
check "local at once: every statement on main" \
    test "$(git -C "$P" ls-tree -r --name-only main)" = "$want"
check "local at once: one commit per publisher, linear" \
    test "$(git -C "$P" rev-list --count main)" = "${#ORGS[@]}" -a \
    "$(git -C "$P" rev-list --min-parents=2 --count main)" = 0
for org in "${ORGS[@]}"; do
    check "local at once: $org's bytes" \
        cmp -s "$T/st/$org.json" <(git -C "$P" show "main:statements/$org/v2026.1.json")
done

# === git daemon with receive-pack, several publishers at once ================
D=$T/srv
mkdir "$D"
"${G[@]}" init -q --bare "$D/statements.git"
git -C "$D/statements.git" config receive.denyNonFastForwards true
if srv_git_daemon "$D" receive-pack; then
    passed=$((passed + 1))
    U=git://127.0.0.1:$SRV_PORT/statements.git
    for round in 1 2; do
        pids=()
        for org in "${ORGS[@]}"; do
            "$C" publish "$T/st/$org.json" --remote "$U" \
                --cache "$T/cache-$org" --at "$NOW" \
                >"$T/d-$org.out" 2>"$T/d-$org.err" </dev/null &
            pids+=($!)
        done
        i=0
        for org in "${ORGS[@]}"; do
            wait "${pids[$i]}"
            rc=$?
            i=$((i + 1))
            check "daemon round $round: $org exit 0 (got $rc: $(head -c 300 "$T/d-$org.err"))" \
                test "$rc" = 0
        done
        if [ "$round" = 2 ]; then
            check "daemon round 2: every publisher saw its statement there" \
                test "$(cat "$T"/d-*.out | grep -c 'already published')" = "${#ORGS[@]}"
        fi
    done
    check "daemon: every statement on main, each in its own org's path" \
        test "$(git -C "$D/statements.git" ls-tree -r --name-only main)" = "$want"
    check "daemon: one commit per publisher, linear" \
        test "$(git -C "$D/statements.git" rev-list --count main)" = "${#ORGS[@]}" -a \
        "$(git -C "$D/statements.git" rev-list --min-parents=2 --count main)" = 0
    for org in "${ORGS[@]}"; do
        check "daemon: $org's bytes" \
            cmp -s "$T/st/$org.json" \
            <(git -C "$D/statements.git" show "main:statements/$org/v2026.1.json")
        check "daemon: $org's commit touches only its path" \
            test "$(git -C "$D/statements.git" log --format= --name-only \
                --author="compliance publish $org" main)" = \
            "statements/$org/v2026.1.json"
    done
    # the published repository is what `compliance report` reads
    git clone -q -b main "$D/statements.git" "$T/clone"
    run "$C" report "$T/clone/statements" --signers "$T/signers" \
        --cache "$T/cache-gem-a" --at "$NOW"
    expect "daemon: report over the published statements" 0 out \
        "5 statements; organisations: 5 valid"
else
    failed=$((failed + 1))
    echo "FAIL: git daemon did not start"
fi

finish
