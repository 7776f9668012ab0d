#!/usr/bin/env bash
# End-to-end: global options, dispatch and usage errors of `compliance`.
set -u

# --- shared e2e helpers (the same block opens every tests/e2e/*.sh) ---------
# Each check runs the real program and asserts its exit code and a substring
# (or an extended regex) of its stdout or stderr.
C=${LCMP_COMPLIANCE:?set LCMP_COMPLIANCE to the compliance program}
S=${LCMP_SOURCE_DIR:?set LCMP_SOURCE_DIR to the source tree}
if [ ! -x "$C" ]; then
    echo "$C: no such program"
    echo "0 passed, 1 failed"
    exit 1
fi
B=$S/baselines/municipal
mkdir -p "${LCMP_TMPDIR:-${TMPDIR:-/tmp}}"
T=$(mktemp -d "${LCMP_TMPDIR:-${TMPDIR:-/tmp}}/e2e.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
unset LCMP_BASELINE NO_COLOR
passed=0
failed=0

# run CMD...: run it, keeping stdout, stderr and the exit code in $rc.
run() {
    "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
}

_verdict() { # NAME WANT_RC STREAM HOW PATTERN
    local name=$1 want=$2 stream=$3 how=$4 pattern=$5 found=1
    if [ "$how" = re ]; then
        grep -qE -- "$pattern" "$T/$stream" && found=0
    else
        grep -qF -- "$pattern" "$T/$stream" && found=0
    fi
    if [ "$rc" = "$want" ] && [ "$found" = 0 ]; then
        passed=$((passed + 1))
        return 0
    fi
    failed=$((failed + 1))
    echo "FAIL: $name: exit $rc (want $want), $stream should match: $pattern"
    sed -e 's/^/  stdout: /' "$T/out" | head -n 8
    sed -e 's/^/  stderr: /' "$T/err" | head -n 8
    return 1
}

# expect NAME WANT_RC out|err SUBSTRING
expect() { _verdict "$1" "$2" "$3" fixed "$4"; }
# expect_re NAME WANT_RC out|err EXTENDED-REGEX
expect_re() { _verdict "$1" "$2" "$3" re "$4"; }

# expect_lines NAME out|err N: the last run printed exactly N lines there.
expect_lines() {
    local n
    n=$(wc -l <"$T/$2")
    if [ "$n" -eq "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1: $2 has $n lines, want $3"
        sed -e "s/^/  $2: /" "$T/$2" | head -n 8
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
# ---------------------------------------------------------------------------

DECL=$S/examples/small-municipality.json

run "$C"
expect "no command" 2 err "no command given"
expect "no command prints usage" 2 err "usage: compliance"

run "$C" frobnicate
expect "unknown command" 2 err "compliance: 'frobnicate' is not a compliance command"
expect "unknown command prints usage" 2 err "usage: compliance [--config FILE]"

run "$C" sync
expect "planned command" 2 err "'sync' is not available in this version yet"
expect_lines "planned command: one line" err 1

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
expect "--config refused" 2 err "configuration files are not supported yet"
expect_lines "--config: one line" err 1

mkdir "$T/with-config"
echo '{"profile": "basic"}' >"$T/with-config/compliance.json"
run bash -c 'cd "$1" && "$2" validate "$3"' _ "$T/with-config" "$C" "$B"
expect "compliance.json: ignored with a note" 0 err "compliance.json: ignored: configuration files are not supported yet"
run bash -c 'cd "$1" && "$2" -q validate "$3"' _ "$T/with-config" "$C" "$B"
expect_lines "compliance.json: no note with -q" err 0

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
expect "check: bad --format" 2 err "check: --format: unknown format 'xml' (expected text or json)"
expect_lines "check: bad --format: one line" err 1

run "$C" check --declaration "$DECL" --baseline "$B" --at
expect "check: --at without value" 2 err "check: option '--at' needs a value"

run "$C" check --declaration "$DECL" --baseline "$B" extra
expect "check: stray operand" 2 err "check: unexpected argument 'extra'"

run "$C" check --declaration "$DECL"
expect "check: no baseline" 2 err "no baseline: give --baseline DIR"

run "$C" check --declaration "$DECL" --release v2026.1
expect "check: --release not yet" 2 err "releases are not supported yet"

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
