#!/bin/sh
# The demo built in a store of one's choosing (a PostgreSQL database under
# SAFER_TEST_PG, else a SQLite file): the same partnership, records and
# accounts as DIR/demo.db, and no DIR/demo.db; a store that holds anything
# already is refused before anything is written; --serve serves it until
# SIGTERM, exit 0.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$SAFER" demo --out d --store "$SAFER_DB"
expect_grep '^report: d/index.html$' "$TMP/out"
checks=$((checks + 1))
[ "$(grep -c '^login: ' "$TMP/out")" = 7 ] || fail "the demo's accounts"
checks=$((checks + 1))
[ ! -e d/demo.db ] || fail "a demo with --store wrote d/demo.db"
expect_status 0 "$SAFER" user list
checks=$((checks + 1))
[ "$(grep -c '@demo.example' "$TMP/out")" = 7 ] || fail "the demo's people are in the store"
expect_status 0 "$SAFER" assess --out again --area E22900001
for f in summary counts_ward_type_month coverage; do
    checks=$((checks + 1))
    cmp -s "d/$f.csv" "again/$f.csv" || fail "$f.csv differs from the store's own assessment"
done

# The same store again: it holds a partnership now.
before=$(digest)
expect_status 1 "$SAFER" demo --out e --store "$SAFER_DB"
expect_grep 'holds 1 partnership(s) and .* police.uk publication(s): the demo is built only in an empty store' "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused demo changed the store"

expect_status 2 "$SAFER" demo --out e --listen 127.0.0.1:0
expect_grep 'listen goes with --serve' "$TMP/err"

# --serve: serves until SIGTERM.
"$SAFER" demo --out s --serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
pid=$!
i=0
while ! grep -q '^serving 1 partnership(s) at http://127.0.0.1:[0-9]*/$' serve.out && [ $i -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
done
expect_grep '^serving 1 partnership(s)' serve.out
url=$(sed -n 's/^serving .* at \(http:[^ ]*\)$/\1/p' serve.out)
checks=$((checks + 1))
curl -fsS "${url}health" > health.out 2>&1 || fail "the demo's server does not answer /health"
kill -TERM $pid
set +e
wait $pid
status=$?
set -e
checks=$((checks + 1))
[ "$status" = 0 ] || fail "safer demo --serve exited $status on SIGTERM"

done_testing
