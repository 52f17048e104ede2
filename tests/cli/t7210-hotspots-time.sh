#!/bin/sh
# safer hotspots --persistence and --harm on the demo, against independent
# references: each period's Gi* classes are those of an assessment of that
# period alone; the periods' counts add up to the window's; each square's
# class follows from its periods by the rules of docs/statistics.md
# (re-implemented here in awk); with every weight 1 the harm hot spots are
# the count hot spots. Years when the window holds 36 months.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

"$SAFER" demo --out d --store "$SAFER_DB" >/dev/null
expect_status 0 "$SAFER" hotspots --persistence --out p.csv
expect_grep '^[0-9]* squares over 4 periods of 3 months to 2019-02: p.csv$' "$TMP/out"
expect_grep '^cell_i,cell_j,e_centre,n_centre,persistence,hot_periods,count_2018-03_2018-05,class_2018-03_2018-05,count_2018-06_2018-08,class_2018-06_2018-08,count_2018-09_2018-11,class_2018-09_2018-11,count_2018-12_2019-02,class_2018-12_2019-02$' p.csv
cmp -s p.csv d/hotspot_persistence.csv || fail "hotspots --persistence differs from the assessment's file"
checks=$((checks + 1))

# The periods add up to the window, cell by cell (hotspots.csv: same order).
checks=$((checks + 1))
paste -d, p.csv d/hotspots.csv | awk -F, 'NR > 1 && $7 + $9 + $11 + $13 != $19 { bad++ }
    NR > 1 && ($1 != $15 || $2 != $16) { bad++ } END { exit bad > 0 }' ||
    fail "period counts do not add up to the window's"

# The rules, again (persistence-rules.awk): every period has a score here.
checks=$((checks + 1))
got=$(awk -F, -f "$HERE/persistence-rules.awk" p.csv p.csv)
[ "$got" = "bad 0 scored 4" ] || fail "a square's class does not follow from its periods: $got"
for k in persistent never; do
    checks=$((checks + 1))
    grep -q ",$k," p.csv || fail "the demo has no $k square"
done

# Each period's classes are those of an assessment of that period alone.
col=8
for q in 2018-03:2018-05 2018-06:2018-08 2018-09:2018-11 2018-12:2019-02; do
    from=${q%:*}
    to=${q#*:}
    expect_status 0 "$SAFER" assess --from "$from" --to "$to" --out "a$from"
    checks=$((checks + 1))
    paste -d, p.csv "a$from/hotspots.csv" | awk -F, -v c=$col 'NR > 1 && $c != $(NF) { bad++ }
        NR > 1 && $(c - 1) != $(NF - 5) { bad++ } END { exit bad > 0 }' ||
        fail "period $q: classes differ from an assessment of $q"
    col=$((col + 2))
done

# Years: a window of 36 months has three.
expect_status 0 "$SAFER" hotspots --persistence --from 2016-03 --out y.csv
expect_grep 'over 3 periods of 12 months to 2019-02' "$TMP/out"
expect_grep ',count_2016-03_2017-02,class_2016-03_2017-02,count_2017-03_2018-02,' y.csv
# Too short a window for two periods: the header alone.
expect_status 0 "$SAFER" hotspots --persistence --from 2018-12 --out s.csv
expect_grep 'over 0 periods' "$TMP/out"
checks=$((checks + 1))
[ "$(wc -l <s.csv)" -eq 1 ] || fail "a window of one period has rows"

# Harm with every weight 1 is the count: the same z and classes.
"$SAFER" import harm-weights "$DATA/harm/ones.csv" >/dev/null
expect_status 0 "$SAFER" hotspots --harm --out h.csv
expect_grep '^cell_i,cell_j,e_centre,n_centre,count,harm,gi_z,p_value,p_adjusted,class$' h.csv
checks=$((checks + 1))
paste -d, h.csv d/hotspots.csv | awk -F, 'NR > 1 && ($5 != $6 || $6 != $15 || $7 != $17 ||
    $9 != $19 || $10 != $20) { bad++ } END { exit bad > 0 }' ||
    fail "all-ones harm hot spots differ from the count hot spots"
done_testing
