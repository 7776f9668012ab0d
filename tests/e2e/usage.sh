#!/usr/bin/env bash
# End-to-end: global options, dispatch and usage errors of `compliance`.
set -u

source "$(dirname "$0")/lib.bash"

DECL=$S/examples/small-municipality.json

run "$C"
expect "no command" 2 err "no command given"
expect "no command prints usage" 2 err "usage: compliance"

run "$C" frobnicate
expect "unknown command" 2 err "compliance: 'frobnicate' is not a compliance command"
expect "unknown command prints usage" 2 err "usage: compliance [--config FILE]"

run "$C" publish
expect "publish without a statement" 2 err "compliance: publish: missing the statement S"
expect_lines "publish without a statement: one line" err 1

run "$C" --bogus validate
expect "unknown global option" 2 err "unknown option '--bogus'"

run "$C" -x validate
expect "unknown short global option" 2 err "unknown option '-x'"

run "$C" --version
expect_re "--version" 0 out "^compliance [0-9]+\.[0-9]+\.[0-9]+$"

run "$C" --help
expect "--help" 0 out "usage: compliance [--config FILE] [-q|-v] <command>"
expect "--help lists check" 0 out "check --declaration F"

run "$C" help check
expect "help check" 0 out "usage: compliance check --declaration F"

run "$C" help nosuch
expect "help for unknown command" 2 err "'nosuch' is not a compliance command"

for cmd in validate template check; do
    run "$C" "$cmd" --help
    expect "$cmd --help" 0 out "usage: compliance $cmd"
    run "$C" "$cmd" -h
    expect "$cmd -h" 0 out "exit codes:"
    run "$C" "$cmd" --bogus
    expect "$cmd: unknown option" 2 err "compliance: $cmd: unknown option '--bogus'"
    expect_lines "$cmd: unknown option: one line" err 1
done

run "$C" --config "$T/compliance.json" validate "$B"
expect "--config: missing file" 2 err "compliance: --config: $T/compliance.json: no such file"
expect_lines "--config: missing file: one line" err 1

mkdir "$T/with-config"
echo '{"profile": "basic"}' >"$T/with-config/compliance.json"
run bash -c 'cd "$1" && "$2" validate "$3"' _ "$T/with-config" "$C" "$B"
expect "compliance.json: read silently" 0 out ""
expect_lines "compliance.json: no note" err 0

# compliance.json gives defaults: the profile for template
run bash -c 'cd "$1" && "$2" template --baseline "$3"' _ "$T/with-config" "$C" "$B"
expect "compliance.json: profile default" 0 out '"profile": "basic"'

echo '{"baseline": "'"$B"'", "profile": "important"}' >"$T/cfg2.json"
run "$C" --config "$T/cfg2.json" template
expect "--config: baseline and profile defaults" 0 out '"profile": "important"'
run "$C" --config "$T/cfg2.json" template --profile basic
expect "--config: the command line wins" 0 out '"profile": "basic"'

echo '{"profil": "basic"}' >"$T/with-config/compliance.json"
run bash -c 'cd "$1" && "$2" validate "$3"' _ "$T/with-config" "$C" "$B"
expect "compliance.json: unknown key refused" 2 err "compliance: compliance.json: /profil: unknown member 'profil'"
expect_lines "compliance.json: unknown key: one line" err 1

echo '{"cache": 3}' >"$T/bad.json"
run "$C" --config "$T/bad.json" releases
expect "--config: wrong type refused" 2 err "compliance: $T/bad.json: /cache: expected a string, got an integer"

echo '{"cache": ' >"$T/broken.json"
run "$C" --config "$T/broken.json" releases
expect_re "--config: malformed JSON refused" 2 err "^compliance: $T/broken.json:[0-9]+(:[0-9]+)?: "

run "$C" --config
expect "--config without value" 2 err "option '--config' needs a value"

# check: usage errors
run "$C" check --baseline "$B"
expect "check: missing --declaration" 2 err "check: missing --declaration F"
expect_lines "check: missing --declaration: one line" err 1

run "$C" check --declaration "$DECL" --baseline "$B" --at yesterday
expect "check: bad --at" 2 err "check: --at: invalid time 'yesterday'"
expect_lines "check: bad --at: one line" err 1

run "$C" check --declaration "$DECL" --baseline "$B" --at 2026-02-30
expect "check: impossible date" 2 err "invalid time '2026-02-30'"

run "$C" check --declaration "$DECL" --baseline "$B" --at 2026-11-27T25:00:00Z
expect "check: impossible hour" 2 err "invalid time '2026-11-27T25:00:00Z'"

run "$C" check --declaration "$DECL" --baseline "$B" --format xml
expect "check: bad --format" 2 err "check: --format: unknown format 'xml' (expected text, json or oscal)"
expect_lines "check: bad --format: one line" err 1

run "$C" check --declaration "$DECL" --baseline "$B" --at
expect "check: --at without value" 2 err "check: option '--at' needs a value"

run "$C" check --declaration "$DECL" --baseline "$B" extra
expect "check: stray operand" 2 err "check: unexpected argument 'extra'"

run "$C" check --declaration "$DECL"
expect "check: no baseline" 2 err "no baseline: give --baseline DIR"

run "$C" check --declaration "$DECL" --release v2026.1 --cache "$T/nocache"
expect "check: --release without a cache" 2 err "compliance: $T/nocache: no synced releases here (run 'compliance sync' first)"
expect_lines "check: --release without a cache: one line" err 1

run "$C" check --declaration "$DECL" --release v2026.1 --baseline "$B"
expect "check: --release and --baseline" 2 err "check: give either --baseline DIR or --release TAG, not both"

run "$C" check --declaration "$DECL" --baseline "$T/nowhere"
expect "check: missing baseline dir" 2 err "$T/nowhere: no such baseline directory"

# template and validate: usage errors
run "$C" template --baseline "$B"
expect "template: missing --profile" 2 err "template: missing --profile P"

run "$C" template --profile basic --baseline "$B" stray
expect "template: stray operand" 2 err "template: unexpected argument 'stray'"

run "$C" template --profile basic --baseline "$B" --force
expect "template: --force without --out" 2 err "template: --force needs --out FILE"

run "$C" template --profile basic --baseline "$B" --force=yes --out "$T/x.json"
expect "template: value for a flag" 2 err "option '--force' takes no value"

run "$C" validate "$B" "$B"
expect "validate: two directories" 2 err "validate: more than one directory given"

# Options in either order, --opt=value, -- ending the options
run "$C" validate -- "$B"
expect "validate -- DIR" 0 out "valid baseline 'interlokaal-basis'"

run "$C" -q check --format=json --at=2026-11-27 --baseline="$B" --declaration="$DECL"
expect_re "check with --opt=value" 1 out '"schema": *"lcmp.results/v1"'

finish
