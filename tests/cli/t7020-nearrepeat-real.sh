#!/bin/sh
# The near-repeat test of the real Maidstone burglaries (Kent Police and
# BTP, 2018-10 to 2019-02, real 2019 wards), when the shared data sits
# beside the checkout: every burglary of the window is an event (all have
# a location), the command and the assessment agree, and the report words
# the significant cells.
. "$(dirname "$0")/lib.sh"
D=${SAFER_SHARED_DATA:-/nonexistent}
[ -d "$D/police-uk/kent" ] || skip "the shared data is not at $D"
expect_status 0 "$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson"
expect_status 0 "$SAFER" import police "$D/police-uk/kent/street" "$D/police-uk/btp/street"
expect_status 0 "$SAFER" assess --area E07000110 --out rep
burglaries=$(awk -F, '$1 == "Burglary" { print $3 }' rep/change_by_type.csv)
expect_status 0 "$SAFER" nearrepeat --category Burglary --area E07000110 --out b.csv
expect_grep "^$burglaries 'Burglary' records with a location (0 without), [0-9]* pairs within 1000 m, 999 permutations" "$TMP/out"
cmp -s b.csv rep/nearrepeat.csv || fail "the assessment's nearrepeat.csv differs from the command's"
# 24 cells; the observed pairs within 1 km add up to the pairs the
# command counted; every exact mean is positive.
checks=$((checks + 1))
pairs=$(sed -n 's/.* \([0-9]*\) pairs within.*/\1/p' "$TMP/out")
sum=$(awk -F, 'NR > 1 { s += $7 } END { print s }' b.csv)
rows=$(awk 'END { print NR - 1 }' b.csv)
[ "$rows" = 24 ] || fail "$rows cells, not 24"
# Pairs more than 4 months apart count in no cell, so the sum is below.
[ "$sum" -le "$pairs" ] && [ "$sum" -gt 0 ] || fail "cells hold $sum pairs of $pairs"
# The sentence follows the table: a significant cell within 200 m in the
# same month (p <= 0.05, ratio > 1) makes the report say so.
if awk -F, '$1 == 2 && $2 == 1 && $12 <= 0.05 && $11 > 1 { f = 1 } END { exit !f }' b.csv; then
    expect_grep 'After a burglary, places within [0-9,]* m were at raised risk' rep/index.html
fi
done_testing
