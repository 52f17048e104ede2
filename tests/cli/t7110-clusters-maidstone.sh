#!/bin/sh
# safer clusters on the real Maidstone wards (2019), with attributes from the
# assessment of the real Kent Police files (maidstone_attributes.sh), against
# R: tests/data/clusters/skater_maidstone.csv (make_skater.R) holds, for each
# K, the cost of safer's clusters computed independently in R, whether they
# are connected and within the size, and the cost of spdep::skater's
# clusters, which safer's proved optimum must not exceed. With SAFER_KEEP=DIR
# the attribute file and the clusters are copied there for make_skater.R.
. "$(dirname "$0")/lib.sh"
D=${SAFER_SHARED_DATA:-/nonexistent}
[ -d "$D/police-uk/kent" ] || skip "the shared data is not at $D"
expect_status 0 "$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson"
expect_status 0 "$SAFER" import lookup "$D/lookups/lsoa11_to_ward19_lad19_ew.csv"
expect_status 0 "$SAFER" import population "$D/imd/File_6_-_IoD2019_Population_Denominators.csv"
expect_status 0 "$SAFER" import deprivation "$D/imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
expect_status 0 "$SAFER" import police "$D/police-uk/kent/street"
expect_status 0 "$SAFER" assess --out rep --area E07000110
sh "$DATA/clusters/maidstone_attributes.sh" rep >attr.csv
checks=$((checks + 1))
[ "$(wc -l <attr.csv)" = 27 ] || fail "26 wards and a header in attr.csv"
REF=$DATA/clusters/skater_maidstone.csv
while IFS=, read -r k m made largest skater cost valid; do
    [ "$k" = k ] && continue
    expect_status 0 "$SAFER" clusters --attributes attr.csv --max-size "$m" --clusters "$k" \
        --standardise --out "k$k.csv"
    expect_grep '^proved optimal' "$TMP/out"
    total=$(sed -n 's/^total cost: //p' "$TMP/out")
    checks=$((checks + 1))
    awk -v a="$total" -v b="$cost" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-9 * b) }' ||
        fail "K = $k: total cost $total, R computes $cost for the reference clusters"
    checks=$((checks + 1))
    [ "$valid" = yes ] || fail "K = $k: R found the reference clusters invalid"
    checks=$((checks + 1))
    [ "$(tail -n +2 "k$k.csv" | cut -d, -f2 | sort -u | wc -l)" = "$k" ] || fail "K = $k clusters"
    if [ -n "$skater" ]; then
        checks=$((checks + 1))
        awk -v a="$total" -v b="$skater" 'BEGIN { exit !(a <= b * (1 + 1e-12)) }' ||
            fail "K = $k: safer's optimum $total above skater's $skater"
    fi
done <"$REF"
# The report's section: 7 clusters, proved.
expect_grep '<h3 id="clusters">Ward clusters</h3>' rep/index.html
expect_grep 'The 26 wards fall into 7 clusters' rep/index.html
expect_grep 'the search proved it' rep/index.html
# The report's attributes from the store: 7 clusters, as the report has.
expect_status 0 "$SAFER" clusters --area E07000110 --max-size 4 --clusters 7 --out area.csv
expect_grep '^proved optimal' "$TMP/out"
expect_grep 'on 7 attributes as z-scores: Violence and sexual offences, Anti-social behaviour' \
    "$TMP/out"
checks=$((checks + 1))
[ "$(tail -n +2 area.csv | cut -d, -f2 | sort -u | wc -l)" = 7 ] || fail "--area: 7 clusters"
if [ -n "${SAFER_KEEP:-}" ]; then
    mkdir -p "$SAFER_KEEP"
    cp attr.csv k*.csv "$SAFER_KEEP"/
fi
done_testing
