#!/bin/sh
# The report renders the plan of its area's partnership, and no other: with
# the fixtures' plan and the Safer Maidstone Partnership's in the store, the
# report of district E07000001 names its plan's groups, the report of
# E07000002 names none; on the real Kent wards (when the shared data is
# beside the checkout), Sevenoaks' report does not name Maidstone's groups
# and Maidstone's does. The CSV files do not depend on the plan.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import lookup "$DATA/lookup_csp.csv" >/dev/null
"$SAFER" import police "$DATA/police/2018-01-kent-street.csv" "$DATA/police/2019-01-kent-street.csv" >/dev/null
expect_status 0 "$SAFER" assess --out before --area E07000001
"$SAFER" import plan "$DATA/plans/safer-test.json" >/dev/null
"$SAFER" import plan "$PLANS/safer-maidstone-2021.json" >/dev/null

expect_status 0 "$SAFER" assess --out test --area E07000001
expect_grep 'Testborough Executive Group' test/index.html
expect_grep 'Testborough ASB Panel' test/index.html
expect_no_grep 'Safer Maidstone' test/index.html
for f in before/*.csv; do
    checks=$((checks + 1))
    cmp -s "$f" "test/$(basename "$f")" || fail "$(basename "$f") changed with a plan loaded"
done

expect_status 0 "$SAFER" assess --out other --area E07000002
expect_grep "<strong>No plan loaded.</strong> No partnership's plan is stored for Otherborough (E07000002)" other/index.html
for w in 'Testborough Executive Group' 'ASB Panel' 'Safer Maidstone' 'SMPEG' 'Community Safety and Vulnerability Group' 'MARAC'; do
    expect_no_grep "$w" other/index.html
done

D=${SAFER_SHARED_DATA:-/nonexistent}
if [ -d "$D/boundaries/kent" ]; then
    export SAFER_DB="$(new_store kent)"
    "$SAFER" import areas "$D/boundaries/kent/kent_county_wards_2019_WD19.geojson" >/dev/null
    "$SAFER" import lookup "$D/lookups/lad19_to_csp19_to_pfa19_ew.csv" >/dev/null
    "$SAFER" import police "$D/police-uk/kent/street/2019-01-kent-street.csv" >/dev/null
    "$SAFER" import plan "$PLANS/safer-maidstone-2021.json" >/dev/null
    expect_status 0 "$SAFER" assess --out sevenoaks --area E07000111
    expect_grep "No partnership's plan is stored for Sevenoaks (E07000111)" sevenoaks/index.html
    for w in 'Safer Maidstone' 'SMPEG' 'Serious &amp; Organised Crime Panel' 'Domestic Abuse Forum' 'Community Safety and Vulnerability Group' 'Maidstone Task Force' 'MARAC'; do
        expect_no_grep "$w" sevenoaks/index.html
    done
    # Maidstone, by district and by its CSP code.
    for area in E07000110 E22000142; do
        expect_status 0 "$SAFER" assess --out "maidstone-$area" --area $area
        expect_grep 'Safer Maidstone Partnership Executive Group (SMPEG)' "maidstone-$area/index.html"
        expect_grep 'Serious &amp; Organised Crime Panel (SOCP)' "maidstone-$area/index.html"
    done
else
    echo "the shared data is not at $D: the Sevenoaks check is left out"
fi
done_testing
