# Helpers for the CLI tests. Each test sources this file, then runs the real
# binary ($SAFER) in a fresh temporary folder that is removed at exit.
set -eu
: "${SAFER:?set SAFER to the safer binary}"
: "${SAFER_TEST_DATA:?set SAFER_TEST_DATA to tests/data}"
DATA=$SAFER_TEST_DATA
TMP=$(mktemp -d "${TMPDIR:-/tmp}/safer-test.XXXXXX")
cd "$TMP"
failures=0
checks=0

# With SAFER_TEST_PG (a server's base URL, see scripts/pg.sh) every store of
# the test is a new PostgreSQL database on that server, else a SQLite file.
PG_PREFIX=$(basename "$TMP" | tr 'A-Z.-' 'a-z__')
cleanup() {
    if [ -n "${SAFER_TEST_PG:-}" ]; then
        for db in $(psql -X -At "$SAFER_TEST_PG/postgres" -c \
                "SELECT datname FROM pg_database WHERE datname LIKE '${PG_PREFIX}_%'"); do
            psql -X -q "$SAFER_TEST_PG/postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" \
                >/dev/null 2>&1 || true
        done
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# new_store NAME: the target of a new, empty store for this test.
new_store() {
    if [ -n "${SAFER_TEST_PG:-}" ]; then
        psql -X -q "$SAFER_TEST_PG/postgres" -c "CREATE DATABASE \"${PG_PREFIX}_$1\"" >/dev/null
        echo "$SAFER_TEST_PG/${PG_PREFIX}_$1"
    else
        echo "$TMP/$1.db"
    fi
}

SAFER_DB=$(new_store test)
export SAFER_DB

# digest [TARGET]: the digest of a store (default $SAFER_DB).
digest() {
    SAFER_DB=${1:-$SAFER_DB} "$SAFER" store digest
}

# skip REASON: this test cannot run here (exit 77, which ctest reports as
# skipped). Under CI=true nothing may skip: that is a failure.
skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: cannot run under CI: $*" >&2
        exit 1
    fi
    echo "skipped: $*"
    exit 77
}

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
