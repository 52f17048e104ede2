#!/bin/sh
# Commands at once on one store: two imports and an assessment, ten times.
# Writers wait for each other (no "database is locked"), the reader sees
# whole imports, and the end is what the imports give one after the other.
. "$(dirname "$0")/lib.sh"
P=$DATA/police

ref=$(new_store ref)
SAFER_DB=$ref "$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
SAFER_DB=$ref "$SAFER" import police "$P/2019-01-kent-street.csv" >/dev/null
SAFER_DB=$ref "$SAFER" import police "$P/2018-01-kent-street.csv" >/dev/null
SAFER_DB=$ref "$SAFER" export police --out ref.csv

for i in 1 2 3 4 5 6 7 8 9 10; do
    db=$(new_store "trial$i")
    SAFER_DB=$db "$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
    SAFER_DB=$db "$SAFER" import police "$P/2019-01-btp-street-bad-rows.csv" >/dev/null 2>&1
    SAFER_DB=$db "$SAFER" import police "$P/2019-01-kent-street.csv" >o1 2>e1 &
    SAFER_DB=$db "$SAFER" import police "$P/2018-01-kent-street.csv" >o2 2>e2 &
    SAFER_DB=$db "$SAFER" assess --out "rep$i" >o3 2>e3 &
    wait
    for e in e1 e2 e3; do
        checks=$((checks + 1))
        if [ -s $e ]; then
            fail "trial $i: a command failed while others ran:"
            sed 's/^/  /' $e >&2
        fi
    done
    # The assessment saw 0, 1 or 2 of the Kent imports, never part of one.
    checks=$((checks + 1))
    total=$(metric "rep$i/summary.csv" rows_total)
    case "$total" in 2 | 6 | 12 | 16) ;; *) fail "trial $i: the assessment saw $total records" ;; esac
    SAFER_DB=$db "$SAFER" export police --out "all$i.csv"
    grep -v '^[^,]*,2019-01,British Transport Police,' "all$i.csv" >"kent$i.csv"
    checks=$((checks + 1))
    cmp -s ref.csv "kent$i.csv" || fail "trial $i: the imports at once left other records"
done
done_testing
