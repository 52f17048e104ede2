#!/bin/sh
# safer import partner: --help, mapping errors (exit 1, "safer: MAP.json:
# what"), rejected rows by FILE:LINE: column with the count, all or
# nothing, every place kind (point, postcode, LSOA, ward), replacement of a
# data set of the same key.
. "$(dirname "$0")/lib.sh"
P=$DATA/partner

expect_status 0 "$SAFER" import partner --help
expect_grep 'usage: safer \[--db PATH\] import partner FILE.csv --map MAP.json' "$TMP/out"
expect_status 2 "$SAFER" import partner "$P/admissions.csv"
expect_grep 'import partner needs --map MAP.json' "$TMP/err"
expect_status 2 "$SAFER" import partner --map "$P/admissions.json"

# Mappings are checked before anything else.
expect_status 1 "$SAFER" import partner "$P/admissions.csv" --map "$P/bad-key.json"
expect_grep "^safer: $P/bad-key.json: unknown key 'license'$" "$TMP/err"
expect_status 1 "$SAFER" import partner "$P/admissions.csv" --map "$P/bad-json.json"
expect_grep "^safer: $P/bad-json.json: not JSON" "$TMP/err"
expect_status 1 "$SAFER" import partner "$P/admissions.csv" --map "$TMP/none.json"
expect_grep "none.json" "$TMP/err"

# No wards yet: nothing to place the records in.
"$SAFER" store init >/dev/null
expect_status 1 "$SAFER" import partner "$P/admissions.csv" --map "$P/admissions.json"
expect_grep 'holds no wards to place the records in' "$TMP/err"

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import population "$DATA/population.csv" >/dev/null
before=$(digest)

expect_status 1 "$SAFER" import partner "$P/bad-rows.csv" --map "$P/admissions.json"
expect_grep "bad-rows.csv:3: Month: '2019-13' is not a month (YYYY-MM)" "$TMP/err"
expect_grep "bad-rows.csv:4: LSOA: 'E01009999' is not an LSOA" "$TMP/err"
expect_grep "bad-rows.csv:5: Admissions: '-2' is not a whole number" "$TMP/err"
expect_grep "bad-rows.csv:6: LSOA: empty" "$TMP/err"
expect_grep "bad-rows.csv:7: Admissions: 'many' is not a whole number" "$TMP/err"
expect_grep '^safer: 6 rows read, 5 rejected: nothing was imported$' "$TMP/err"
expect_status 1 "$SAFER" import partner "$P/fires-bad.csv" --map "$P/fires.json"
expect_grep "fires-bad.csv:3: Longitude: " "$TMP/err"
expect_grep "fires-bad.csv:4: Longitude: 'east' is not a longitude" "$TMP/err"
expect_grep "fires-bad.csv:5: Latitude: '91' is not a latitude" "$TMP/err"
expect_grep '^safer: 4 rows read, 3 rejected: nothing was imported$' "$TMP/err"
expect_status 1 "$SAFER" import partner "$P/no-count-column.csv" --map "$P/admissions.json"
expect_grep "no-count-column.csv:1: no column 'Admissions' (the mapping's key 'count')" "$TMP/err"
expect_status 1 "$SAFER" import partner "$P/asb-postcode.csv" --map "$P/asb-postcode.json"
expect_grep 'no postcodes to place the records by' "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a failed import changed the store"

expect_status 0 "$SAFER" import partner "$P/admissions.csv" --map "$P/admissions.json"
expect_grep "^imported partner data set 'assault-admissions' (Hospital admissions for assault, .*) from .*admissions.csv: 12 rows, 91 records in 3 wards, 2019-01 to 2019-04, 0 rejected$" "$TMP/out"
expect_status 0 "$SAFER" import partner "$P/fires.csv" --map "$P/fires.json"
expect_grep ": 8 rows, 8 records in 3 wards, 2019-01 to 2019-03, 0 rejected$" "$TMP/out"
expect_status 0 "$SAFER" import partner "$P/asb.csv" --map "$P/asb.json"
expect_grep ": 4 rows, 10 records in 3 wards, 2019-01 to 2019-02, 0 rejected$" "$TMP/out"
expect_status 0 "$SAFER" import partner "$P/admissions.csv" --map "$P/admissions.json"
expect_grep 'it replaces the data set of that key' "$TMP/out"

"$SAFER" import postcodes "$DATA/postcodes/onspd.csv" >/dev/null
expect_status 1 "$SAFER" import partner "$P/asb-postcode-bad.csv" --map "$P/asb-postcode.json"
expect_grep "asb-postcode-bad.csv:2: Opened: '2019-02-30' is not a date (YYYY-MM-DD)" "$TMP/err"
expect_grep "asb-postcode-bad.csv:3: Postcode: 'ME99 9ZZ'" "$TMP/err"
expect_grep "asb-postcode-bad.csv:4: Case type: empty" "$TMP/err"
expect_status 0 "$SAFER" import partner "$P/asb-postcode.csv" --map "$P/asb-postcode.json"
expect_grep ": 4 rows, 4 records in 3 wards, 2019-01 to 2019-02, 0 rejected$" "$TMP/out"

expect_status 0 "$SAFER" partner list
expect_file "$TMP/out" "key,title,agency,source,licence,threshold,place,police_category,file,rows,records,first_month,last_month,months_missing
assault-admissions,Hospital admissions for assault,Testshire Hospitals NHS Trust (fictional),\"Emergency department attendances, ISTV (fictional)\",Information sharing agreement ISA-7 (fictional),5,lsoa,Violence and sexual offences,admissions.csv,12,91,2019-01,2019-04,0
council-asb,Council ASB reports,Testborough Council (fictional),ASB case system (fictional),Open Government Licence v3.0,1,ward,,asb.csv,4,10,2019-01,2019-02,0
deliberate-fires,Deliberate fires,Testshire Fire and Rescue Service (fictional),Incident Recording System extract (fictional),Data sharing agreement TFRS-01 (fictional),3,point,Criminal damage and arson,fires.csv,8,8,2019-01,2019-03,0
housing-asb,Housing ASB cases,Testborough Homes (fictional),Housing management system (fictional),Data sharing agreement TH-3 (fictional),2,postcode,,asb-postcode.csv,4,4,2019-01,2019-02,0"
expect_status 0 "$SAFER" partner counts housing-asb --unsuppressed
expect_file "$TMP/out" "ward,ward_name,population,count,rate_per_1000
E05000001,Alpha,1296,2,1.54
E05000002,\"Beta, the island\",1004,1,1.00
E05000003,Gamma,987,1,1.01
all,All wards,,4,"
done_testing
