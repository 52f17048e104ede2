#!/bin/sh
# Fault injection (SAFER_FAULT=db:N, as t0300 walks the other importers):
# the IoD2019 File 2 import fails at each of its database calls in turn,
# each time with a message and the store exactly as it was (its digest),
# until it runs to its end; `safer focus` fails cleanly at each of its
# first calls and one in nine after, and writes no file.
. "$(dirname "$0")/lib.sh"
F=$DATA/focus
"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import police "$DATA/police/2019-01-kent-street.csv" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import lookup "$F/lookup_extra.csv" >/dev/null
"$SAFER" import population "$F/population.csv" >/dev/null

before=$(digest)
n=1
while :; do
    set +e
    SAFER_FAULT=db:$n "$SAFER" import deprivation "$F/domains.csv" >"$TMP/out" 2>"$TMP/err"
    status=$?
    set -e
    [ $status -eq 0 ] && break
    checks=$((checks + 1))
    if [ $status -ne 1 ] || ! grep -q '^safer: ' "$TMP/err"; then
        fail "import deprivation, db:$n: exit $status without a message"
    elif [ "$(digest)" != "$before" ]; then
        fail "import deprivation, db:$n changed the store"
    fi
    n=$((n + 1))
    [ $n -lt 1000 ] || { fail "import deprivation never ran to its end"; break; }
done
checks=$((checks + 1))
[ "$n" -gt 40 ] || fail "only $n database calls: the domains were not written one by one"
expect_grep 'with 7 domains' "$TMP/out"

n=1
while :; do
    set +e
    SAFER_FAULT=db:$n "$SAFER" focus --out f.csv >"$TMP/out" 2>"$TMP/err"
    status=$?
    set -e
    [ $status -eq 0 ] && break
    checks=$((checks + 1))
    if [ $status -ne 1 ] || ! grep -q '^safer: ' "$TMP/err"; then
        fail "focus, db:$n: exit $status without a message"
    elif [ -e f.csv ]; then
        fail "focus, db:$n wrote f.csv"
    fi
    # Every call up to 20, then one in 9 (the assessment's reads are many).
    if [ $n -lt 20 ]; then n=$((n + 1)); else n=$((n + 9)); fi
    [ $n -lt 1000 ] || { fail "focus never ran to its end"; break; }
done
expect_grep '^proposed focus area: ' "$TMP/out"

done_testing
