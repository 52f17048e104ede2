#!/bin/sh
# Hot spots over time and harm on the real Maidstone data (Kent Police and
# BTP, 2018-10 to 2019-02): the default window's first two quarters hold no
# stored month, have no score and are left out, so each square is classed
# over the last two; the rules are checked again by persistence-rules.awk;
# harm by ward is count x weight and adds up to the wards' counts; with
# every weight 1 the harm hot spots are the count hot spots.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
D=${SAFER_SHARED_DATA:-/nonexistent}
[ -d "$D/police-uk/kent" ] || skip "the shared data is not at $D"

expect_status 0 "$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson"
expect_status 0 "$SAFER" import police "$D/police-uk/kent/street" "$D/police-uk/btp/street"
expect_status 0 "$SAFER" assess --out rep --area E07000110
expect_status 0 "$SAFER" hotspots --persistence --area E07000110 --out p.csv
expect_grep '^[0-9]* squares over 4 periods of 3 months to 2019-02: p.csv$' "$TMP/out"
cmp -s p.csv rep/hotspot_persistence.csv || fail "hotspots --persistence differs from assess"
checks=$((checks + 1))
# No stored month before 2018-10: the first two quarters have no score.
checks=$((checks + 1))
awk -F, 'NR > 1 && ($8 != "no_score" || $10 != "no_score" || $7 != 0 || $9 != 0) { bad++ }
    END { exit bad > 0 }' p.csv || fail "the quarters without data have a score"
checks=$((checks + 1))
got=$(awk -F, -f "$HERE/persistence-rules.awk" p.csv p.csv)
[ "$got" = "bad 0 scored 2" ] || fail "a square's class does not follow from its periods: $got"
for k in persistent emerging former never; do
    checks=$((checks + 1))
    grep -q ",$k," p.csv || fail "no $k square in Maidstone"
done
expect_grep 'Hot spots over time' rep/index.html
expect_grep '2 of the periods have no z-score' rep/index.html

# Harm by ward: count x weight, and the counts are the wards' records.
expect_status 0 "$SAFER" hotspots --harm-by-ward --area E07000110 --out w.csv
checks=$((checks + 1))
awk -F, 'NR > 1 && $7 + 0 != $4 * $5 { bad++ } END { exit bad > 0 }' w.csv ||
    fail "harm is not count x weight"
checks=$((checks + 1))
a=$(awk -F, 'NR > 1 { s += $4 } END { print s }' w.csv)
b=$(awk -F, 'NR > 1 { s += $4 } END { print s }' rep/change_by_ward.csv)
[ "$a" = "$b" ] || fail "harm_by_ward counts $a records, change_by_ward $b"

"$SAFER" import harm-weights "$DATA/harm/ones.csv" >/dev/null
expect_status 0 "$SAFER" hotspots --harm --area E07000110 --out h.csv
checks=$((checks + 1))
paste -d, h.csv rep/hotspots.csv | awk -F, 'NR > 1 && ($5 != $6 || $6 != $15 || $7 != $17 ||
    $10 != $20) { bad++ } END { exit bad > 0 }' || fail "all-ones harm hot spots differ"
done_testing
