#!/bin/sh
# The public edition (assess --public, docs/assessment.md, Public edition):
# counts from 1 to 4 are hidden, with the counts that would give them away,
# in the CSV files as empty fields and in the report as [c]; the files of
# single places and of months by ward are not written. On a fixture whose
# hidden cells can be worked out by hand, then on the real Maidstone data
# when the shared data sits beside the checkout.
. "$(dirname "$0")/lib.sh"

# January 2019 in Alpha: 72 burglaries (2 under investigation, 30 unable
# to prosecute, 40 with no suspect identified), 50 shoplifting offences
# and 3 anti-social behaviour records.
row() { # N TYPE OUTCOME
    i=0
    while [ "$i" -lt "$1" ]; do
        printf ',2019-01,Kent Police,Kent Police,0.515,51.215,On or near Alpha Road,E01000001,Test 001A,%s,%s,\n' "$2" "$3"
        i=$((i + 1))
    done
}
{
    echo 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context'
    row 2 Burglary 'Under investigation'
    row 30 Burglary 'Unable to prosecute suspect'
    row 40 Burglary 'Investigation complete; no suspect identified'
    row 50 Shoplifting 'Under investigation'
    row 3 'Anti-social behaviour' ''
} >2019-01-kent-street.csv
"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
expect_status 0 "$SAFER" import police 2019-01-kent-street.csv
expect_status 0 "$SAFER" assess --out members --area E07000001
expect_status 0 "$SAFER" assess --out public --area E07000001 --public
expect_grep '^public edition: [0-9]* counts hidden ([0-9]* from 1 to 4, [0-9]* that would give them away)$' "$TMP/out"

# The members' edition publishes every count.
expect_grep '^Burglary,Under investigation,2,' members/outcomes_by_type.csv
expect_grep '^Anti-social behaviour,0,3,3,$' members/change_by_type.csv

# Burglary's 2 is hidden, and its next smallest outcome with it, so that
# neither is 72 - 40 minus the other; shares go with their counts. The
# 40 and its share stay: the two hidden add up to 32, which tells neither.
expect_grep '^Burglary,Under investigation,,$' public/outcomes_by_type.csv
expect_grep '^Burglary,Unable to prosecute suspect,,$' public/outcomes_by_type.csv
expect_grep '^Burglary,Investigation complete; no suspect identified,40,0.55555555555555558$' \
    public/outcomes_by_type.csv
# ASB's 3 is hidden, and the smallest other category with it (the
# categories add up to the area's total, which the report shows).
expect_grep '^Anti-social behaviour,0,,,$' public/change_by_type.csv
expect_grep '^Shoplifting,0,,,$' public/change_by_type.csv
expect_grep '^Burglary,0,72,72,$' public/change_by_type.csv
expect_grep '^public_min,5$' public/summary.csv
expect_grep '^counts_hidden,[1-9][0-9]*$' public/summary.csv

# Single places and months by ward are not written.
checks=$((checks + 1))
for f in counts_ward_type_month.csv hotspots.csv hotspot_locations.csv; do
    [ -f "members/$f" ] || [ "$f" = hotspot_locations.csv ] || fail "members' edition lacks $f"
    [ ! -e "public/$f" ] || fail "the public edition writes $f"
done

# no_small DIR: no count column of any CSV file holds 1 to 4.
no_small() {
    checks=$((checks + 1))
    for f in "$1"/*.csv; do
        awk -F, -v f="$f" '
            NR == 1 { for (i = 1; i <= NF; i++) col[i] = $i; next }
            { for (i = 1; i <= NF; i++)
                  if ((col[i] == "count" || col[i] == "prev_12" || col[i] == "latest_12" ||
                       (col[i] == "value" && $1 ~ /^(rows_|points_)/)) && $i ~ /^[1-4]$/) {
                      print f ": line " NR ": " col[i] " is " $i; bad = 1 } }
            END { exit bad }' "$f" || fail "$f publishes a count under 5"
    done
}
no_small public

D=${SAFER_SHARED_DATA:-/nonexistent}
[ -d "$D/police-uk/kent" ] || { done_testing; exit 0; }
SAFER_DB=$(new_store real)
export SAFER_DB
"$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson" >/dev/null
"$SAFER" import lookup "$D/lookups/lsoa11_to_ward19_lad19_ew.csv" >/dev/null
"$SAFER" import lookup "$D/lookups/lad19_to_csp19_to_pfa19_ew.csv" >/dev/null
"$SAFER" import population "$D/imd/File_6_-_IoD2019_Population_Denominators.csv" >/dev/null
"$SAFER" import police "$D/police-uk/kent/street" "$D/police-uk/btp/street" >/dev/null
expect_status 0 "$SAFER" assess --out real --area E07000110 --public
no_small real
# The page says which edition it is and marks what it hides; the members'
# edition marks nothing. The table of hot spot squares and their places
# is left out.
expect_grep '<strong>Public edition\.</strong>' real/index.html
expect_grep '\[c\]' real/index.html
expect_no_grep 'The strongest hot spots, with the places police.uk gives' real/index.html
expect_status 0 "$SAFER" assess --out members-real --area E07000110
expect_no_grep '\[c\]\|Public edition' members-real/index.html
expect_grep 'The strongest hot spots, with the places police.uk gives' members-real/index.html
# Some of Maidstone's outcomes are counts under 5 (Bicycle theft's).
expect_grep '^Bicycle theft,[^,]*,,$' real/outcomes_by_type.csv
# The same input gives the same edition.
expect_status 0 "$SAFER" assess --out real2 --area E07000110 --public
checks=$((checks + 1))
for f in real/*.csv; do
    cmp -s "$f" "real2/$(basename "$f")" || fail "$f differs between two runs"
done
done_testing
