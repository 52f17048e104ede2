#!/bin/sh
# safer digest: each lead's due work from the demo's workspace (built in
# this test's store, SQLite or PostgreSQL): a block a person, most overdue
# first, then the actions an organisation leads with no lead person; one
# person's list; a person with none; a store with no partnership.
. "$(dirname "$0")/lib.sh"

expect_status 1 "$SAFER" digest
expect_grep 'no store there\|no safer store there\|holds no partnership' "$TMP/err"

"$SAFER" demo --out d --store "$SAFER_DB" >/dev/null
expect_status 0 "$SAFER" digest
cp "$TMP/out" all.out
expect_grep '^To: practitioner@demo.example (Demo Practitioner)$' all.out
expect_grep '^  overdue [0-9]* days\?: .* (due [0-9-]*, [A-Z][a-z ]*, [0-9]*%)$' all.out
expect_grep '^Led by: Kent Police (no lead person)$' all.out
# People before organisations; within a person, the oldest due date first.
checks=$((checks + 1))
awk '/^To: / { if (org) bad = 1 } /^Led by: / { org = 1 } END { exit bad }' all.out ||
    fail "an organisation's block comes before a person's"
checks=$((checks + 1))
awk '/^(To|Led by): / { last = "" } /^  (overdue|due) / {
        d = $0; sub(/.*due /, "", d); d = substr(d, 1, 10)
        if (last != "" && d < last) bad = 1; last = d }
     END { exit bad }' all.out || fail "a block is not in due-date order"

expect_status 0 "$SAFER" digest --lead PRACTITIONER@demo.example
checks=$((checks + 1))
[ "$(grep -c '^To: ' "$TMP/out")" = 1 ] || fail "--lead shows one person"
expect_no_grep '^Led by: ' "$TMP/out"
expect_status 0 "$SAFER" digest --lead member@demo.example
expect_grep '^no actions due in the next 30 days or overdue in E22900001 for member@demo.example$' "$TMP/out"
expect_status 1 "$SAFER" digest --partnership E22999999
expect_grep "E22999999" "$TMP/err"
done_testing
