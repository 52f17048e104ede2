#!/bin/sh
# Fault injection (SAFER_FAULT=db:N): a survey import that replaces the
# stored waves fails at each of its database calls in turn, each time with
# a message and the stored estimates exactly as they were, until it runs to
# its end; `safer survey` fails cleanly at each of its calls.
. "$(dirname "$0")/lib.sh"
S=$DATA/survey/cli
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import population "$DATA/population.csv" >/dev/null
"$SAFER" import survey "$S/survey.csv" --map "$S/map.json" --margins "$S/margins.csv" >/dev/null
"$SAFER" survey --exact >before.csv

n=1
while :; do
    set +e
    SAFER_FAULT=db:$n "$SAFER" import survey "$S/survey.csv" --map "$S/map.json" --trim 0.5:1.5 \
        >"$TMP/out" 2>"$TMP/err"
    status=$?
    set -e
    [ $status -eq 0 ] && break
    checks=$((checks + 1))
    if [ $status -ne 1 ] || ! grep -q '^safer: ' "$TMP/err"; then
        fail "import survey, db:$n: exit $status without a message"
    else
        "$SAFER" survey --exact >now.csv
        cmp -s now.csv before.csv || fail "import survey, db:$n changed the stored waves"
    fi
    n=$((n + 1))
    [ $n -lt 500 ] || { fail "import survey never ran to its end"; break; }
done
checks=$((checks + 1))
[ "$n" -gt 10 ] || fail "only $n database calls"
expect_grep '(replaces the stored wave)$' "$TMP/out"
"$SAFER" survey --exact >after.csv
checks=$((checks + 1))
cmp -s after.csv before.csv && fail "the trimmed import changed nothing"

n=1
while :; do
    set +e
    SAFER_FAULT=db:$n "$SAFER" survey >"$TMP/out" 2>"$TMP/err"
    status=$?
    set -e
    [ $status -eq 0 ] && break
    checks=$((checks + 1))
    if [ $status -ne 1 ] || ! grep -q '^safer: ' "$TMP/err" || [ -s "$TMP/out" ]; then
        fail "survey, db:$n: exit $status, or output without a message"
    fi
    n=$((n + 1))
    [ $n -lt 200 ] || { fail "survey never ran to its end"; break; }
done
expect_grep '^question,wave,domain' "$TMP/out"

done_testing
