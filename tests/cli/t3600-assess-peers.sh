#!/bin/sh
# The peer comparison (peers.csv) on the fixtures, then on the real
# Maidstone data when the shared data sits beside the checkout
# (docs/assessment.md, Peers).
. "$(dirname "$0")/lib.sh"
P=$DATA/police

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import lookup "$DATA/lookup_csp.csv" >/dev/null
"$SAFER" import population "$DATA/population.csv" >/dev/null
expect_status 0 "$SAFER" import police "$P/2019-01-kent-street.csv"
expect_status 0 "$SAFER" assess --out rep --area E22000001

# By LSOA, the partnership (Alpha's and Beta's LSOAs, 1,296 + 1,004
# residents) has the burglaries whose points are on a boundary too; Kent
# adds Gamma's LSOA. The district lookup names one police force area of
# England and Wales's 43, and no deprivation is loaded, so no similar
# partnership can be chosen.
expect_grep '^area,E22000001,Safer Test Partnership,2300,,,Burglary,3,1.3043478260869565,ok$' rep/peers.csv
expect_grep '^force_area,E23000032,Kent,3287,,,Vehicle crime,1,0.30422878004259202,ok$' rep/peers.csv
expect_grep '^england_and_wales,K04000001,England and Wales,3287,,,Burglary,,,lookup_partial$' rep/peers.csv
expect_no_grep '^similar,' rep/peers.csv
checks=$((checks + 1))
[ "$(wc -l <rep/peers.csv)" = 25 ] || fail "peers.csv: 3 places x 8 types and a header"
expect_grep 'No similar partnership is shown: some of the area' rep/index.html
expect_grep 'the district lookup names 1 of its 43 police force areas' rep/index.html

D=${SAFER_SHARED_DATA:-/nonexistent}
[ -d "$D/police-uk/kent" ] || { done_testing; exit 0; }
SAFER_DB=$(new_store real)
export SAFER_DB
"$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson" >/dev/null
"$SAFER" import lookup "$D/lookups/lsoa11_to_ward19_lad19_ew.csv" >/dev/null
"$SAFER" import lookup "$D/lookups/lad19_to_csp19_to_pfa19_ew.csv" >/dev/null
"$SAFER" import population "$D/imd/File_6_-_IoD2019_Population_Denominators.csv" >/dev/null
"$SAFER" import deprivation "$D/imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" >/dev/null
"$SAFER" import police "$D/police-uk/kent/street" "$D/police-uk/btp/street" >/dev/null
"$SAFER" import police "$D/police-uk/national/2019-01" >/dev/null
expect_status 0 "$SAFER" assess --out real --area E07000110

# Maidstone's 95 LSOAs (163,352 residents, mid-2015) and Kent's over
# October 2018 to February 2019; England and Wales lacks 37 forces' other
# four months and four forces altogether (172 of 215 files).
expect_grep '^area,E07000110,Maidstone,163352,6.3488601302708263,,Violence and sexual offences,2461,15.065625153043733,ok$' real/peers.csv
expect_grep '^force_area,E23000032,Kent,1795251,5.6486641700798383,,Burglary,4286,2.3874098942153492,ok$' real/peers.csv
expect_grep '^england_and_wales,K04000001,England and Wales,,,,Burglary,,,files_missing$' real/peers.csv
expect_grep '^similar,E22000138,Canterbury,159663,6.3258300294996337,0.038763203980730625,Burglary,418,2.6180141923927271,ok$' real/peers.csv
checks=$((checks + 1))
[ "$(grep -c '^similar,' real/peers.csv)" = 70 ] || fail "5 similar partnerships x 14 types"
checks=$((checks + 1))
total=$(awk -F, '$1 == "area" { s += $8 } END { print s }' real/peers.csv)
[ "$total" = 6784 ] || fail "the area's records by LSOA: $total, not 6784"
expect_grep 'Counted by LSOA, the area has 6,784 records in these months; the rest of this report places records by their map point in the ward boundaries and counts 6,791.' real/index.html
expect_grep 'England and Wales is not compared (not complete: 172 of the 215 monthly files of its 43 police force areas' real/index.html
expect_grep 'Kent Police November 2018; Kent Police December 2018' real/index.html
done_testing
