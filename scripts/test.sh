#!/bin/sh
# Set up, build and run every test: on the release build against SQLite
# (the browser tests with it), and against a throwaway PostgreSQL server,
# then under AddressSanitizer and UndefinedBehaviorSanitizer, then under
# ThreadSanitizer. The browser tests check the page, not the store or the
# memory, so they run once, on the release build. A test that cannot run
# here (no PostgreSQL, no ../shared/data, no chromium) is reported as
# skipped; with CI=true nothing may skip.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh --tests
jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s)

stage() {
    echo "== $1 ($(($(date +%s) - start)) s so far)"
}

stage "tests (release build, SQLite; browser tests)"
(cd build && ctest --output-on-failure -j"$jobs")

stage "tests (release build, PostgreSQL)"
set +e
pgenv=$(sh scripts/pg.sh start)
pgrc=$?
set -e
if [ $pgrc -eq 0 ]; then
    eval "$pgenv"
    trap 'sh scripts/pg.sh stop "$SAFER_TEST_PG_DIR"' EXIT
    (cd build && ctest --output-on-failure -j"$jobs" -LE browser)
    sh scripts/pg.sh stop "$SAFER_TEST_PG_DIR"
    trap - EXIT
    unset SAFER_TEST_PG SAFER_TEST_PG_DIR
elif [ $pgrc -eq 77 ] && [ "${CI:-}" != true ]; then
    echo "skipped: PostgreSQL 15 is not installed"
else
    echo "test.sh: cannot start PostgreSQL for the tests" >&2
    exit 1
fi

stage "tests (AddressSanitizer + UndefinedBehaviorSanitizer, SQLite)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j"$jobs" -LE 'fault|browser')

stage "tests (ThreadSanitizer, SQLite)"
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
(cd build-tsan && ctest --output-on-failure -j"$jobs" -R '^unit/')
stage "done"
