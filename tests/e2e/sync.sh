#!/usr/bin/env bash
# End-to-end: `compliance sync`, `releases` and `check --release` against
# association repositories built with the real git command and releases
# signed with `git tag -s` (gpg.format=ssh), over a local path and file://.
# Every refusal is checked for its exit code and its one-line message.
set -u

source "$(dirname "$0")/lib.bash"

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

# git and ssh-keygen only, with no user or system configuration
export HOME="$T/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
G=(git -c user.name=Association -c user.email=release@assoc
    -c init.defaultBranch=main -c gpg.format=ssh -c tag.gpgSign=false
    -c commit.gpgSign=false)
DECL=$S/examples/small-municipality.json

mkdir "$T/keys"
ssh-keygen -q -t ed25519 -N '' -C release -f "$T/keys/release"
ssh-keygen -q -t ed25519 -N '' -C other -f "$T/keys/other"
ssh-keygen -q -t ed25519 -N '' -C retired -f "$T/keys/retired"
{
    echo "release@assoc namespaces=\"git\" $(cut -d' ' -f1,2 "$T/keys/release.pub")"
    echo "retired@assoc namespaces=\"git\",valid-before=\"20200101\" $(cut -d' ' -f1,2 "$T/keys/retired.pub")"
} >"$T/signers"

# fresh NAME: a new association repository $A (one commit of the sample
# baseline) and an empty cache $K for it
fresh() {
    A=$T/$1
    K=$T/$1-cache
    "${G[@]}" init -q "$A"
    cp -R "$B/." "$A/"
    "${G[@]}" -C "$A" add -A
    "${G[@]}" -C "$A" commit -q -m "baseline"
}

# sign NAME MESSAGE [KEY] [OBJECT]: a signed annotated tag
sign() {
    "${G[@]}" -C "$A" -c user.signingkey="${3:-$T/keys/release}.pub" \
        tag -s "$1" -m "$2" ${4:+"$4"}
}

commit_change() { # a new commit changing one control's title
    sed -i "s/\"$1\"/\"$2\"/" "$A/controls/awareness.json"
    "${G[@]}" -C "$A" commit -q -a -m "change"
}

sync() {
    run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/signers" "$@"
}

current_in_state() {
    grep -o '"current": "[^"]*"' "$K/state.json"
}

NOTE=$'Release\n\nExpires: 2099-12-31'

# --- first sync, no-op sync, new release -----------------------------------
fresh assoc
sign v2026.1 "$NOTE"
sync
expect "first sync" 0 out "current release: v2026.1 (first sync; 1 release verified)"
expect_lines "first sync: quiet stderr" err 0
tag_id=$(git -C "$A" rev-parse v2026.1)
run grep -F "\"tag_id\": \"$tag_id\"" "$K/state.json"
expect "state records the tag object id" 0 out "$tag_id"
run grep -F "\"commit_id\": \"$(git -C "$A" rev-parse v2026.1^{commit})\"" "$K/state.json"
expect "state records the commit id" 0 out "commit_id"
run git --git-dir="$K/repo.git" rev-parse --is-bare-repository
expect "the cache is a bare repository" 0 out "true"
run ls "$K/repo.git"
expect_re "no working tree files in the cache" 0 out "^(HEAD|config|description|hooks|info|objects|refs|packed-refs|FETCH_HEAD)$"

run "$C" sync --remote "file://$A" --cache "$K" --release-signers "$T/signers"
expect "no-op sync over file://" 0 out "current release: v2026.1 (up to date)"

commit_change "Training for new staff" "Training for every new staff member"
sign v2026.2 "$NOTE"
run "$C" sync --remote "file://$A" --cache "$K" --release-signers "$T/signers"
expect "new release with summary" 0 out "current release: v2026.2 (was v2026.1): 0 controls added, 1 changed, 0 removed"

run "$C" -q sync --remote "$A" --cache "$K" --release-signers "$T/signers"
expect_lines "-q sync prints nothing" out 0

# --- releases ------------------------------------------------------------------
run "$C" releases --cache "$K"
expect_re "releases: current first" 0 out "^\* v2026\.2 +verified +first seen [0-9T:-]+Z  expires 2099-12-31  signed by release@assoc$"
expect_re "releases: older listed" 0 out "^  v2026\.1 +verified"
expect_lines "releases: two lines" out 2
run "$C" releases --cache "$K" --format json
expect "releases json: schema" 0 out '"schema": "lcmp.releases/v1"'
expect "releases json: current" 0 out '"current": "v2026.2"'
expect "releases json: entry" 0 out "\"tag\": \"v2026.1\", \"tag_id\": \"$tag_id\""
run "$C" releases --cache "$T/nowhere"
expect "releases: no cache" 2 err "compliance: $T/nowhere: no synced releases here (run 'compliance sync' first)"
expect_lines "releases: no cache: one line" err 1
run "$C" releases --cache "$K" --format xml
expect "releases: bad format" 2 err "releases: --format: unknown format 'xml'"

# --- check and template against releases -----------------------------------------
run "$C" check --declaration "$DECL" --cache "$K" --release v2026.1 --format json
expect "check --release v2026.1" 1 out '"schema": "lcmp.results/v1"'
run "$C" check --declaration "$DECL" --cache "$K" --release v2026.1 -v
expect "check --release v2026.1: old title" 1 out "Training for new staff"
run "$C" check --declaration "$DECL" --cache "$K" -v
expect "check: default is the current release" 1 out "Training for every new staff member"
run "$C" check --declaration "$DECL" --cache "$K" --release v2026.7
expect "check: unknown release" 2 err "compliance: v2026.7: no such release in the cache (see 'compliance releases')"
expect_lines "check: unknown release: one line" err 1
run "$C" template --profile basic --cache "$K" --release v2026.1
expect "template --release" 0 out '"profile": "basic"'
run bash -c 'cd "$1" && mv "$2" .compliance && "$3" check --declaration "$4" -q; rc=$?; mv .compliance "$2"; exit $rc' _ "$T" "$K" "$C" "$DECL"
expect "check: default cache .compliance" 1 out "Kleinbeek"

# the cache's release ref must still match the state file
good_ref=$(git --git-dir="$K/repo.git" rev-parse refs/lcmp/releases/v2026.1)
git --git-dir="$K/repo.git" update-ref refs/lcmp/releases/v2026.1 "$(git -C "$A" rev-parse v2026.2)"
run "$C" check --declaration "$DECL" --cache "$K" --release v2026.1
expect "check: tampered cache ref refused" 1 err "compliance: v2026.1: the cache's ref names tag object"
git --git-dir="$K/repo.git" update-ref refs/lcmp/releases/v2026.1 "$good_ref"

# --- rollback ----------------------------------------------------------------------
cp "$K/state.json" "$T/state.before"
git -C "$A" tag -d v2026.2 >/dev/null
sync
expect "rollback refused" 1 err "compliance: v2026.1: older than the current release v2026.2: rollback refused (--allow-downgrade accepts it)"
expect_lines "rollback: one line" err 1
run cmp "$K/state.json" "$T/state.before"
expect_rc "rollback: state unchanged" 0
sync --allow-downgrade
expect "--allow-downgrade accepts it" 0 out "current release: v2026.1 (was v2026.2): 0 controls added, 1 changed, 0 removed"
run current_in_state
expect "downgrade recorded" 0 out '"current": "v2026.1"'
sync
expect "after a downgrade: up to date" 0 out "current release: v2026.1 (up to date)"

# --- moved tag ---------------------------------------------------------------------
fresh moved
sign v2026.1 "$NOTE"
sync
expect "moved: first sync" 0 out "current release: v2026.1"
cp "$K/state.json" "$T/state.before"
git -C "$A" tag -d v2026.1 >/dev/null
commit_change "Training for new staff" "Moved"
sign v2026.1 "$NOTE"
sync
expect "moved tag refused" 1 err "compliance: v2026.1: tag moved: it named tag object"
expect_lines "moved tag: one line" err 1
run cmp "$K/state.json" "$T/state.before"
expect_rc "moved tag: state unchanged" 0
sync --allow-downgrade
expect "moved tag: --allow-downgrade does not help" 1 err "tag moved"
run "$C" check --declaration "$DECL" --cache "$K" -v
expect "moved tag: check still reads the verified release" 1 out "Training for new staff"

# --- expired -------------------------------------------------------------------------
fresh expired
sign v2026.1 $'Release\n\nExpires: 2020-01-01'
sync
expect "expired release refused" 1 err "compliance: v2026.1: release expired on 2020-01-01 (Expires trailer): refused, the remote may be frozen"
expect_lines "expired: one line" err 1
run test -e "$K/state.json"
expect_rc "expired: no state written" 1

fresh badexpiry
sign v2026.1 $'Release\n\nExpires: soon'
sync
expect "malformed Expires refused" 1 err "compliance: v2026.1: malformed tag: 'Expires' trailer is not a date (YYYY-MM-DD)"

# --- unsigned, lightweight, unknown key, validity window ----------------------------
fresh unsigned
"${G[@]}" -C "$A" tag -a v2026.1 -m "Release"
sync
expect "unsigned tag refused" 1 err "compliance: v2026.1: unsigned tag: a release must be signed with an SSH key (git tag -s, gpg.format=ssh)"
expect_lines "unsigned: one line" err 1

fresh lightweight
"${G[@]}" -C "$A" tag v2026.1
sync
expect "lightweight tag refused" 1 err "compliance: v2026.1: lightweight tag (it names a commit): a release must be an annotated tag signed with an SSH key"
expect_lines "lightweight: one line" err 1

fresh unknownkey
sign v2026.1 "$NOTE" "$T/keys/other"
sync
expect "unknown key refused" 1 err "compliance: v2026.1: signature refused: key $(ssh-keygen -l -f "$T/keys/other.pub" | cut -d' ' -f2) is not in allowed signers"
expect_lines "unknown key: one line" err 1

fresh retired
sign v2026.1 "$NOTE" "$T/keys/retired"
sync
expect "key outside its validity window refused" 1 err "compliance: v2026.1: signature refused: key $(ssh-keygen -l -f "$T/keys/retired.pub" | cut -d' ' -f2) is not valid after"
expect_lines "validity window: one line" err 1

# a newer release by an unknown key blocks the sync; nothing is recorded
fresh mixed
sign v2026.1 "$NOTE"
sync
sign v2026.2 "$NOTE" "$T/keys/other"
cp "$K/state.json" "$T/state.before"
sync
expect "one bad release refuses the sync" 1 err "compliance: v2026.2: signature refused"
run cmp "$K/state.json" "$T/state.before"
expect_rc "bad release: state unchanged" 0

# --- tag name != ref, target not a commit -------------------------------------------
fresh renamed
sign v2026.2 "$NOTE"
git -C "$A" update-ref refs/tags/v2026.3 "$(git -C "$A" rev-parse v2026.2)"
git -C "$A" update-ref -d refs/tags/v2026.2
sync
expect "tag name != ref refused" 1 err "compliance: v2026.3: the tag object is named 'v2026.2', not 'v2026.3' like its ref"
expect_lines "tag name != ref: one line" err 1

fresh tree
sign v2026.1 "$NOTE" "$T/keys/release" "HEAD^{tree}"
sync
expect "tag of a tree refused" 1 err "compliance: v2026.1: the tag points to a tree, not a commit"

fresh blob
sign v2026.1 "$NOTE" "$T/keys/release" "HEAD:baseline.json"
sync
expect "tag of a blob refused" 1 err "compliance: v2026.1: the tag points to a blob, not a commit"

# --- forged signature blocks ---------------------------------------------------------
# a commit whose message starts with a copied gpgsig block (libgit2's
# commit splitter accepts it) is no release, tagged lightweight or unsigned
fresh forged
"${G[@]}" -C "$A" -c user.signingkey="$T/keys/release.pub" commit -q -S --allow-empty -m "signed"
signed=$(git -C "$A" cat-file commit HEAD)
forged=$(printf '%s\n' "$signed" | awk '
    !body && /^gpgsig / { insig = 1; sig = sig $0 "\n"; next }
    !body && insig && /^ / { sig = sig $0 "\n"; next }
    { insig = 0 }
    !body && /^$/ { body = 1; print; printf "%s", sig; next }
    { print }' | git -C "$A" hash-object -t commit -w --stdin)
run git -C "$A" cat-file commit "$forged"
expect "forged commit carries a signature block in its message" 0 out "gpgsig -----BEGIN SSH SIGNATURE-----"
"${G[@]}" -C "$A" tag v2026.1 "$forged"
"${G[@]}" -C "$A" tag -a v2026.2 -m "Release" "$forged"
sync
expect "forged commit signature, lightweight tag refused" 1 err "compliance: v2026.1: lightweight tag (it names a commit)"
git -C "$A" tag -d v2026.1 >/dev/null
sync
expect "forged commit signature, unsigned tag refused" 1 err "compliance: v2026.2: unsigned tag"

# a tag object whose message carries another tag's real signature
fresh copied
sign v2026.1 "$NOTE"
git -C "$A" cat-file tag v2026.1 | sed 's/^tag v2026.1$/tag v2026.2/' >"$T/copied.tag"
copied=$(git -C "$A" mktag <"$T/copied.tag")
git -C "$A" update-ref refs/tags/v2026.2 "$copied"
sync
expect "copied signature refused" 1 err "compliance: v2026.2: signature refused:"
expect_lines "copied signature: one line" err 1

# --- release content: symlink, oversized blob -----------------------------------------
fresh symlink
rm "$A/controls/backups.json"
ln -s ../baseline.json "$A/controls/backups.json"
"${G[@]}" -C "$A" commit -q -a -m "symlink"
sign v2026.1 "$NOTE"
sync
expect "symlink in the release refused" 2 err "compliance: <git:v2026.1:controls/backups.json>: is a symbolic link (only regular files are read from a release)"
expect_lines "symlink: one line" err 1
run test -e "$K/state.json"
expect_rc "symlink: no state written" 1

fresh bigblob
head -c 17000000 /dev/zero | tr '\0' ' ' >>"$A/controls/backups.json"
"${G[@]}" -C "$A" commit -q -a -m "big"
sign v2026.1 "$NOTE"
sync
expect_re "oversized blob refused" 2 err "^compliance: <git:v2026.1:controls/backups.json>: file of [0-9]+ bytes is larger than 16777216$"

# --- transfer cap, usage, environment ----------------------------------------------------
fresh capped
sign v2026.1 "$NOTE"
sync --max-bytes 1000
expect "transfer cap" 2 err "transfer exceeded the limit of 1000 bytes (--max-bytes)"
expect_lines "transfer cap: one line" err 1
run test -e "$K/state.json"
expect_rc "transfer cap: no state written" 1
sync --max-bytes 10x
expect "bad --max-bytes" 2 err "compliance: sync: --max-bytes: '10x' is not a positive number of bytes"

run "$C" sync --remote "$A" --cache "$K"
expect "no release signers refused" 2 err "compliance: sync: no release-signers file: give --release-signers FILE (pinned out of band, never taken from the repository)"
expect_lines "no release signers: one line" err 1
run "$C" sync --cache "$K" --release-signers "$T/signers"
expect "no remote refused" 2 err "compliance: sync: no remote: give --remote URL"
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/nosigners"
expect "missing signers file" 2 err "$T/nosigners: no such release-signers file"
echo "release@assoc cert-authority $(cut -d' ' -f1,2 "$T/keys/release.pub")" >"$T/badsigners"
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/badsigners"
expect_re "malformed signers file" 2 err "^compliance: $T/badsigners:1"
run "$C" sync --remote "$T/no-such-repo" --cache "$K" --release-signers "$T/signers"
expect_re "unreachable remote" 3 err "^compliance: $T/no-such-repo: "
expect_lines "unreachable remote: one line" err 1
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/signers" extra
expect "sync: operand refused" 2 err "compliance: sync: unexpected argument 'extra'"

fresh norelease
"${G[@]}" -C "$A" tag -s -m x -u "$T/keys/release.pub" not-a-release 2>/dev/null
sync
expect "no release tags" 2 err "no release tags (vYYYY.N or vMAJOR.MINOR.PATCH) on the remote"

for cmd in sync releases; do
    run "$C" "$cmd" --help
    expect "$cmd --help" 0 out "usage: compliance $cmd"
    run "$C" "$cmd" --bogus
    expect "$cmd: unknown option" 2 err "compliance: $cmd: unknown option '--bogus'"
done

# --- compliance.json ----------------------------------------------------------------------
fresh configured
sign v2026.1 "$NOTE"
mkdir "$T/muni"
cat >"$T/muni/compliance.json" <<EOF
{"remote": "file://$A", "cache": "cache", "release_signers": "$T/signers",
 "declaration": "$DECL"}
EOF
run bash -c 'cd "$1" && "$2" sync' _ "$T/muni" "$C"
expect "sync from compliance.json" 0 out "current release: v2026.1 (first sync"
run bash -c 'cd "$1" && "$2" releases' _ "$T/muni" "$C"
expect "releases from compliance.json" 0 out "* v2026.1"
run bash -c 'cd "$1" && "$2" check -q' _ "$T/muni" "$C"
expect "check from compliance.json" 1 out "Kleinbeek"
echo '{"remote": "x", "max_fetch_bytes": 100}' >"$T/cap.json"
run "$C" --config "$T/cap.json" sync --remote "$A" --cache "$T/cap-cache" --release-signers "$T/signers"
expect "max_fetch_bytes from compliance.json" 2 err "transfer exceeded the limit of 100 bytes"

finish
