#!/bin/sh
# safer project: the demo's task-force project listed, and assessed (in
# this test's store, SQLite or PostgreSQL): the series as CSV, one row a
# month, "before" up to the start; the estimate printed is the mean
# monthly difference from the start less the mean before it, recomputed
# here from the CSV, and lies in its interval; usage errors; a project
# that is not there.
. "$(dirname "$0")/lib.sh"

expect_status 2 "$SAFER" project --k 3
expect_grep 'need --id' "$TMP/err"
expect_status 2 "$SAFER" project --id 0
expect_status 2 "$SAFER" project --id 1 --k 51

"$SAFER" demo --out d --store "$SAFER_DB" >/dev/null
expect_status 0 "$SAFER" project
expect_grep '^1	[0-9-]*	assessment	Burglary	E059[0-9]*,E059[0-9]*	Task force focus area: burglary$' "$TMP/out"

expect_status 0 "$SAFER" project --id 1 --k 3 --out a.csv
cp "$TMP/out" summary.out
expect_grep '^months: 24 before the start, 12 from it' summary.out
checks=$((checks + 1))
[ "$(grep -c '^comparison: ' summary.out)" = 3 ] || fail "three comparison wards"
checks=$((checks + 1))
[ "$(sed -n 1p a.csv)" = "month,period,project,comparison,difference" ] || fail "the CSV's header"
checks=$((checks + 1))
[ "$(grep -c ',before,' a.csv)" = 24 ] && [ "$(grep -c ',after,' a.csv)" = 12 ] ||
    fail "24 months before and 12 after"
est=$(sed -n 's/^estimate: //p' summary.out)
interval=$(sed -n 's/^interval: //p' summary.out)
checks=$((checks + 1))
awk -F, -v est="$est" -v iv="$interval" 'NR > 1 {
        d = $3 - $4; if ($5 - d > 1e-9 || d - $5 > 1e-9) bad = 1
        if ($2 == "before") { s0 += $5; n0++ } else { s1 += $5; n1++ } }
    END { b = s1 / n1 - s0 / n0; split(iv, v, " ")
          if (b - est > 1e-9 || est - b > 1e-9) bad = 1
          if (!(v[1] <= est && est <= v[2])) bad = 1
          exit bad }' a.csv || fail "the estimate is not the difference of the CSV's means ($est)"

expect_status 1 "$SAFER" project --id 999
expect_grep 'no project 999' "$TMP/err"
done_testing
