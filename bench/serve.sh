#!/bin/sh
# serve.sh [SECONDS] - the workspace under load: wrk on loopback, 100
# connections, against `safer serve` on the demo's store, on SQLite and on
# PostgreSQL (a throwaway server from scripts/pg.sh, when PostgreSQL 15 is
# installed), in the same run. Three routes:
#   /health                 static, no store: the server's ceiling
#   /                       the coordinator's dashboard (signed in)
#   /api/indicators/N       one indicator's series as JSON (signed in)
# Prints requests per second and latency percentiles of each, and the
# ratios the issue sets: the dashboard's p99 under 20 ms, the dashboard at
# least a fifth and the JSON indicator at least a third of the health
# route's requests per second. A benchmark, not a test: it reports.
#
# Needs wrk and curl (scripts/setup.sh --tests). SAFER: the binary
# (default build/safer). THREADS: wrk's threads (default 2).
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}
SAFER=${SAFER:-$PWD/build/safer}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "serve.sh: wrk is not installed" >&2; exit 1; }
command -v curl >/dev/null || { echo "serve.sh: curl is not installed" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/safer-bench-serve.XXXXXX")
SERVER=
PGDIR=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    [ -n "$PGDIR" ] && sh scripts/pg.sh stop "$PGDIR" || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# run_engine NAME STORE LOGINS: serve STORE, sign in as the coordinator,
# wrk each route, print a table row per route.
run_engine() {
    name=$1 store=$2 logins=$3
    email=$(sed -n 's/^login: \([^ ]*\) \([^ ]*\) coordinator$/\1/p' "$logins")
    password=$(sed -n 's/^login: \([^ ]*\) \([^ ]*\) coordinator$/\2/p' "$logins")
    "$SAFER" --db "$store" serve --listen 127.0.0.1:0 > "$WORK/serve.out" 2> "$WORK/serve.log" &
    SERVER=$!
    i=0
    while ! grep -q '^serving' "$WORK/serve.out" && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    url=$(sed -n 's/^serving .* at \(http:[^ ]*\)\/$/\1/p' "$WORK/serve.out")
    [ -n "$url" ] || { cat "$WORK/serve.log" >&2; exit 1; }
    jar=$WORK/cookies
    rm -f "$jar"
    token=$(curl -fsS -c "$jar" -b "$jar" "$url/sign-in" |
        sed -n 's/.*name="csrf_token" value="\([0-9a-f]*\)".*/\1/p' | head -1)
    curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
        --data-urlencode "email=$email" --data-urlencode "password=$password" "$url/sign-in"
    cookie=$(awk '$6 ~ /session/ { printf "%s=%s", $6, $7 }' "$jar")
    [ -n "$cookie" ] || { echo "serve.sh: could not sign in to $name" >&2; exit 1; }
    indicator=$(curl -fsS -H "Cookie: $cookie" "$url/api/indicators" |
        sed -n 's/^{"indicators":\[{"id":\([0-9]*\),.*/\1/p')
    [ -n "$indicator" ] || { echo "serve.sh: no indicator in $name's demo" >&2; exit 1; }
    for route in /health / "/api/indicators/$indicator"; do
        status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url$route")
        [ "$status" = 200 ] || { echo "serve.sh: $route answered $status on $name" >&2; exit 1; }
        wrk -t"$THREADS" -c100 -d"${SECONDS_EACH}s" --latency -H "Cookie: $cookie" \
            "$url$route" > "$WORK/wrk.out"
        rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk.out")
        p50=$(awk '$1 == "50%" { print $2 }' "$WORK/wrk.out")
        p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.out")
        errs=$(awk '/Non-2xx or 3xx responses:/ { print $5 } /Socket errors:/ { print "socket errors" }' \
            "$WORK/wrk.out" | tr '\n' ' ')
        printf '%s %s %s %s %s %s\n' "$name" "$route" "$rps" "$p50" "$p99" "${errs:-none}" \
            >> "$WORK/results"
    done
    kill -TERM "$SERVER"
    wait "$SERVER" || { echo "serve.sh: the server did not stop cleanly" >&2; exit 1; }
    SERVER=
}

: > "$WORK/results"
echo "building the demo (SQLite)..." >&2
"$SAFER" demo --out "$WORK/sqlite" > "$WORK/sqlite.logins"
run_engine sqlite "$WORK/sqlite/demo.db" "$WORK/sqlite.logins"

set +e
pgenv=$(sh scripts/pg.sh start 2>/dev/null)
pgrc=$?
set -e
if [ $pgrc -eq 0 ]; then
    eval "$pgenv"
    PGDIR=$SAFER_TEST_PG_DIR
    psql -X -q "$SAFER_TEST_PG/postgres" -c 'CREATE DATABASE bench_serve' >/dev/null
    echo "building the demo (PostgreSQL)..." >&2
    "$SAFER" demo --out "$WORK/pg" --store "$SAFER_TEST_PG/bench_serve" > "$WORK/pg.logins"
    run_engine postgresql "$SAFER_TEST_PG/bench_serve" "$WORK/pg.logins"
else
    echo "serve.sh: PostgreSQL 15 is not installed: SQLite only" >&2
fi

echo "wrk -t$THREADS -c100 -d${SECONDS_EACH}s on $(nproc) cores, loopback"
printf '%-11s %-22s %10s %9s %9s  %s\n' engine route req/s p50 p99 errors
while read -r e r rps p50 p99 errs; do
    printf '%-11s %-22s %10s %9s %9s  %s\n' "$e" "$r" "$rps" "$p50" "$p99" "$errs"
done < "$WORK/results"
echo
# The issue's figures, per engine.
awk '
function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
{ e = $1; r = $2; rps[e, r] = $3; p99[e, r] = ms($5); if (!(e in seen)) { seen[e] = 1; order[++n] = e } }
$2 ~ /^\/api\/indicators\// { ind[$1] = $2 }
END {
    for (i = 1; i <= n; i++) {
        e = order[i]
        h = rps[e, "/health"]; d = rps[e, "/"]; j = rps[e, ind[e]]
        printf "%s: dashboard p99 %.2f ms (target under 20): %s\n", e, p99[e, "/"], (p99[e, "/"] < 20 ? "met" : "NOT met")
        printf "%s: dashboard/health %.3f (target at least 0.2): %s\n", e, d / h, (d / h >= 0.2 ? "met" : "NOT met")
        printf "%s: JSON indicator/health %.3f (target at least 0.333): %s\n", e, j / h, (j / h >= 1 / 3 ? "met" : "NOT met")
    }
}' "$WORK/results"
