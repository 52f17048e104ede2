#!/bin/sh
# run.sh TEST.mjs: run one HTTP test with node, or report it
# skipped (exit 77) when node is not installed; under CI=true nothing may
# skip (tests/cli/lib.sh). The test itself skips when it cannot run
# (no psql under SAFER_TEST_PG, say).
set -eu
if ! command -v node >/dev/null 2>&1; then
    if [ "${CI:-}" = true ]; then
        echo "FAIL: cannot run under CI: node is not installed" >&2
        exit 1
    fi
    echo "skipped: node is not installed (scripts/setup.sh --tests)"
    exit 77
fi
exec node "$@"
