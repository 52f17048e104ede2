# Helpers for the CLI tests. Each test sources this file, then runs the real
# binary ($SAFER) in a fresh temporary folder that is removed at exit.
set -eu
: "${SAFER:?set SAFER to the safer binary}"
: "${SAFER_TEST_DATA:?set SAFER_TEST_DATA to tests/data}"
DATA=$SAFER_TEST_DATA
TMP=$(mktemp -d "${TMPDIR:-/tmp}/safer-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
export SAFER_DB="$TMP/test.db"
failures=0
checks=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect_status N CMD... : run CMD, keep stdout/stderr in $TMP/out, $TMP/err
expect_status() {
    want=$1
    shift
    checks=$((checks + 1))
    set +e
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    set -e
    if [ "$got" != "$want" ]; then
        fail "'$*' exited $got, expected $want"
        sed 's/^/  stdout: /' "$TMP/out" >&2
        sed 's/^/  stderr: /' "$TMP/err" >&2
    fi
}

# expect_file FILE EXPECTED_CONTENT
expect_file() {
    checks=$((checks + 1))
    if ! printf '%s\n' "$2" | diff -u - "$1" >"$TMP/diff"; then
        fail "$1 differs from what was expected:"
        cat "$TMP/diff" >&2
    fi
}

# expect_grep PATTERN FILE
expect_grep() {
    checks=$((checks + 1))
    if ! grep -q -- "$1" "$2"; then
        fail "'$1' not found in $2:"
        sed 's/^/  /' "$2" >&2
    fi
}

expect_no_grep() {
    checks=$((checks + 1))
    if grep -q -- "$1" "$2"; then
        fail "'$1' unexpectedly found in $2"
    fi
}

# metric FILE NAME: the value of a metric,value row
metric() {
    awk -F, -v k="$2" '$1 == k { print $2 }' "$1"
}

done_testing() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures of $checks checks failed" >&2
        exit 1
    fi
    echo "$checks checks passed"
}
