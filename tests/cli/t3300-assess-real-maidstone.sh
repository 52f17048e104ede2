#!/bin/sh
# The real Kent Police and British Transport Police files against the real
# Maidstone wards (2019), when the shared data sits beside the checkout.
. "$(dirname "$0")/lib.sh"
D=${SAFER_SHARED_DATA:-/nonexistent}
[ -d "$D/police-uk/kent" ] || skip "the shared data is not at $D"
expect_status 0 "$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson"
expect_status 0 "$SAFER" import police "$D/police-uk/kent/street" "$D/police-uk/btp/street"
expect_grep 'imported 10 files (0 unchanged, 0 skipped): 100404 rows read, 100404 imported, 0 rejected' "$TMP/out"
# The national 2019-01 month: other forces' files, none with a record in
# Maidstone's wards.
expect_status 0 "$SAFER" import police "$D/police-uk/national/2019-01"
expect_status 0 "$SAFER" assess --out rep --area E07000110
checks=$((checks + 1))
[ "$(metric rep/summary.csv wards)" = 26 ] || fail "26 Maidstone wards"
# Coverage judges notifiable crime and ASB apart, each against its usual
# level from the force's nearest months (docs/assessment.md). Kent's 2018-11
# file has 13,818 rows, 85% of the median, but its crime is 11,690 against a
# usual 15,144 while its ASB is as usual: partial. 2018-12 (8,438 rows
# against about 16,000) stays partial, on its crime and its rows. The months
# around them are ok, though their usual levels take in the two low months.
expect_grep '^Kent Police,2018-10,19396,17347,2049,12080,2199,,ok$' rep/coverage.csv
expect_grep '^Kent Police,2018-11,13818,11690,2128,15144,2148,crime low,partial$' rep/coverage.csv
expect_grep '^Kent Police,2018-12,8438,6132,2306,15649,2166,crime low; rows low,partial$' rep/coverage.csv
expect_grep '^Kent Police,2019-01,17792,15659,2133,13859,2252,,ok$' rep/coverage.csv
expect_grep '^Kent Police,2019-02,16291,14125,2166,10911,1986,,ok$' rep/coverage.csv
# British Transport Police publishes no ASB: it is judged on crime alone,
# and its five months are ok.
expect_grep '^British Transport Police,2019-02,4330,4330,0,4736,,,ok$' rep/coverage.csv
checks=$((checks + 1))
[ "$(grep -c '^British Transport Police,[0-9-]*,[0-9]*,[0-9]*,0,[0-9][0-9]*,,,ok$' rep/coverage.csv)" = 5 ] ||
    fail "BTP's five months are not ok on crime alone"
expect_grep 'Kent Police has files for October 2018 to February 2019 only (5 of the 12 months), and its files for November 2018 to December 2018 are partial' rep/index.html
# The report says why, in words.
expect_grep 'November 2018 (crime 11,690 against a usual 15,144; ASB as usual)' rep/index.html
expect_grep 'crime 6,132 against a usual 15,649; ASB as usual; 8,438 records in all' rep/index.html

# The period: the months that hold data, never a span that starts or ends
# on a month without data; averages over the months with data (violence:
# 2,462 records over 5 months is 492 a month, not 205).
expect_grep '<strong>Months with data:</strong> October 2018 to February 2019: 5 of the 12 months\.' rep/index.html
expect_no_grep 'March 2018 to\|2018-03 to\|March 2017 to' rep/index.html
expect_grep '<td>Violence and sexual offences</td><td class="n">2,462</td><td class="n">36.3%</td><td class="n">492.4</td>' rep/index.html
expect_grep 'Violence and sexual offences (2,462, 36% of the total, about 492 a month)' rep/index.html
expect_no_grep '205\.2\|against 0 in the previous' rep/index.html
# No data in the previous window: no test, and the report says why.
expect_grep '^type,Violence and sexual offences,0,2462,,,no,no$' rep/change_tests.csv
expect_no_grep '^\(type\|ward\),[^,]*,[0-9]*,[0-9]*,[0-9]' rep/change_tests.csv
expect_grep 'no test: no data for the 12 months to February 2018' rep/index.html
# The area's figures: its records and the files that contributed to it,
# not the whole store's (the national 2019-01 month is not listed).
expect_grep '^latest_months_with_data,5$' rep/summary.csv
expect_grep '^prev_months_with_data,0$' rep/summary.csv
expect_grep '^files_in_area,10$' rep/summary.csv
expect_no_grep 'All records in the store\|2019-01-avon-and-somerset-street\.csv' rep/index.html
expect_grep '2018-11-kent-street\.csv' rep/index.html

# With Kent's 2018-10, 2018-11 and 2019-01 alone, 2018-11 has two
# neighbouring months with a file (2018-12 is missing, not a 0): too few
# to judge its crime or ASB, and its rows are 78% of the median: ok.
SAFER_DB=$(new_store three)
export SAFER_DB
mkdir three
for m in 2018-10 2018-11 2019-01; do cp "$D/police-uk/kent/street/$m-kent-street.csv" three/; done
expect_status 0 "$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson"
expect_status 0 "$SAFER" import police three
expect_status 0 "$SAFER" assess --out rep3 --area E07000110
expect_grep '^Kent Police,2018-11,13818,11690,2128,,,,ok$' rep3/coverage.csv
expect_grep '^Kent Police,2018-12,0,,,,,,missing$' rep3/coverage.csv
checks=$((checks + 1))
t=$(metric rep/summary.csv rows_total)
s=$(($(metric rep/summary.csv rows_no_coords) + $(metric rep/summary.csv rows_outside_wards) + $(metric rep/summary.csv rows_outside_area) + $(metric rep/summary.csv rows_assigned)))
[ "$t" = "$s" ] || fail "rows_total $t is not the sum of its parts $s"
done_testing
