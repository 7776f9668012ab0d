# Shared helpers of the end-to-end tests: `source "$(dirname "$0")/lib.bash"`
# at the top of every tests/e2e/*.sh. Each check runs the real program and
# asserts its exit code and a substring (or an extended regex) of its stdout
# or stderr; `finish` prints "N passed, M failed" and sets the exit status.
# (Not a test itself: ctest picks up *.sh only.)
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
