#!/bin/sh
# The outcomes (outcomes_by_type.csv, section 7 of the report) on the
# fixtures with a police.uk outcomes file, then on the real Maidstone data,
# which has none, when the shared data sits beside the checkout
# (docs/assessment.md, Outcomes).
. "$(dirname "$0")/lib.sh"
P=$DATA/police

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import lookup "$DATA/lookup_csp.csv" >/dev/null
expect_status 0 "$SAFER" import police "$P/2019-01-kent-street.csv" "$P/2019-02-kent-outcomes.csv"
expect_status 0 "$SAFER" assess --out rep --area E22000001

# In Alpha and Beta: the outcomes file replaces the burglary's and the
# shoplifting's Last outcome category; the bicycle theft has none; ASB is
# left out.
expect_file rep/outcomes_by_type.csv 'crime_type,outcome,count,share
Bicycle theft,,1,1
Burglary,Investigation complete; no suspect identified,1,1
Shoplifting,Investigation complete; no suspect identified,1,1'
expect_grep '5 crimes have an outcome in the police.uk outcomes files loaded; 2 of the crimes here' rep/index.html

D=${SAFER_SHARED_DATA:-/nonexistent}
[ -d "$D/police-uk/kent" ] || { done_testing; exit 0; }
SAFER_DB=$(new_store real)
export SAFER_DB
"$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson" >/dev/null
"$SAFER" import lookup "$D/lookups/lsoa11_to_ward19_lad19_ew.csv" >/dev/null
"$SAFER" import police "$D/police-uk/kent/street" "$D/police-uk/btp/street" >/dev/null
expect_status 0 "$SAFER" assess --out real --area E07000110

# No outcomes files among the shared data: the Last outcome category
# alone. Every crime of the latest 12 months is counted once.
expect_grep '^Violence and sexual offences,Unable to prosecute suspect,1509,' real/outcomes_by_type.csv
expect_grep 'No police.uk outcomes files are loaded' real/index.html
expect_grep 'of 2,462 crimes, 61% were closed as the suspect could not be prosecuted, 13% were closed with no suspect identified and 11% had no status update published.' real/index.html
expect_no_grep '^Anti-social behaviour,' real/outcomes_by_type.csv
checks=$((checks + 1))
for t in 'Violence and sexual offences' Burglary 'Bicycle theft'; do
    n=$(awk -F, -v t="$t" 'NR > 1 && $1 == t { s += $3 } END { print s }' real/outcomes_by_type.csv)
    v=$(awk -F, -v t="$t" '$1 == t { print $3 }' real/change_by_type.csv)
    [ "$n" = "$v" ] || fail "$t by outcome $n is not the latest 12 months' $v"
done
done_testing
