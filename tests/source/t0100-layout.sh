#!/bin/sh
# The layers keep to their rules (docs/internals/layout.md): each folder of
# lib/ includes only what its row below allows, only lib/store/ talks to a
# database, and the front ends use the public headers.
set -eu
ROOT=${SAFER_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
failures=0
checks=0

# allowed FOLDER PATTERN: every quoted include of FOLDER's files matches PATTERN.
allowed() {
    folder=$1
    pattern=$2
    for f in $folder/*.[ch]; do
        [ -e "$f" ] || continue
        checks=$((checks + 1))
        bad=$(sed -n 's/^#include "\(.*\)".*/\1/p' "$f" | grep -Ev "^($pattern)$" || true)
        if [ -n "$bad" ]; then
            echo "FAIL: $f includes what its layer may not: $bad" >&2
            failures=$((failures + 1))
        fi
    done
}

# only FILES may include <HEADER>.
only() {
    header=$1
    shift
    checks=$((checks + 1))
    found=$(grep -rl "^#include <$header>" lib cli web bench fuzz 2>/dev/null | sort | tr '\n' ' ')
    if [ "$found" != "$* " ] && [ -n "$found" ]; then
        echo "FAIL: <$header> is included by: $found(only $* may)" >&2
        failures=$((failures + 1))
    fi
}

PUB='safer/[a-z_]+\.h'
allowed lib/util   "util/[a-z_]+\.h|safer/(arena|buf|csv|error|html|limits|lib|output)\.h"
allowed lib/geo    "util/[a-z_]+\.h|geo/[a-z_]+\.h|$PUB"
allowed lib/stats  "util/[a-z_]+\.h|$PUB"
allowed lib/auth   "util/[a-z_]+\.h|$PUB"
allowed lib/store  "util/[a-z_]+\.h|store/[a-z_]+\.h|$PUB"
allowed lib/import "util/[a-z_]+\.h|import/[a-z_]+\.h|store/(store_internal|colblob)\.h|$PUB"
allowed lib/assess "util/[a-z_]+\.h|assess/[a-z_]+\.h|geo/geo_internal\.h|store/store_internal\.h|$PUB"
allowed lib/render "util/[a-z_]+\.h|render/[a-z_]+\.h|$PUB"
allowed lib/synth  "util/[a-z_]+\.h|$PUB"
allowed lib/run    "util/[a-z_]+\.h|run/[a-z_]+\.h|$PUB"
allowed cli        "cli\.h|[a-z_]+\.h|util/compat\.h|$PUB"
allowed web        "[a-z_]+\.h|util/compat\.h|$PUB"
only sqlite3.h lib/store/sqlite.c
only libpq-fe.h lib/store/pg.c
only proj.h lib/geo/proj.c
only microhttpd.h web/server.c
only nettle/hmac.h lib/auth/totp.c
only sodium.h lib/auth/password.c lib/auth/token.c lib/auth/totp.c

if [ "$failures" -ne 0 ]; then
    echo "$failures of $checks checks failed" >&2
    exit 1
fi
echo "$checks checks passed"
