#!/bin/sh
# safer import visits and venues: only the mapped columns are read and
# stored; a home postcode that does not resolve is reported by FILE:LINE,
# counted and kept; a malformed row or an invalid mapping changes nothing.
. "$(dirname "$0")/lib.sh"
V=$DATA/visits

expect_status 0 "$SAFER" import visits --help
expect_grep 'Only the columns the mapping names are read' "$TMP/out"
expect_status 0 "$SAFER" import venues --help
expect_status 2 "$SAFER" import visits "$V/visits.csv"
expect_grep 'import visits needs --map MAP.json' "$TMP/err"

expect_status 0 "$SAFER" import areas "$DATA/areas/wards.geojson"
expect_status 0 "$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv"
expect_status 0 "$SAFER" import population "$DATA/population.csv"
# Postcodes before the directory is held: said plainly.
expect_status 1 "$SAFER" import visits "$V/visits.csv" --map "$V/map.json"
expect_grep 'holds no postcodes.*safer import postcodes' "$TMP/err"
expect_status 0 "$SAFER" import postcodes "$DATA/postcodes/onspd.csv"
before=$(digest)

# Invalid mappings: exit 1, "safer: MAP.json: what is wrong".
expect_status 1 "$SAFER" import visits "$V/visits.csv" --map "$V/map-unknown-key.json"
expect_grep "^safer: .*map-unknown-key.json: unknown key 'name'" "$TMP/err"
expect_status 1 "$SAFER" import visits "$V/visits.csv" --map "$V/map-missing.json"
expect_grep "^safer: .*map-missing.json: 'home_kind' is missing" "$TMP/err"
expect_status 1 "$SAFER" import visits "$V/visits.csv" --map "$V/map-not-json.json"
expect_grep "^safer: .*map-not-json.json: not JSON" "$TMP/err"
expect_status 1 "$SAFER" import visits "$V/visits.csv" --map "$V/map-no-column.json"
expect_grep "^safer: .*map-no-column.json: home column 'Postcode' is not in" "$TMP/err"
expect_status 1 "$SAFER" import visits "$V/visits.csv" --map "$V/no-such.json"
expect_grep "^safer: .*no-such.json" "$TMP/err"
# Malformed rows: FILE:LINE: field, and nothing stored.
expect_status 1 "$SAFER" import visits "$V/visits-bad-date.csv" --map "$V/map.json"
expect_grep "visits-bad-date.csv:4: Date: '2024-02-30' is not a date YYYY-MM-DD" "$TMP/err"
expect_grep 'nothing was imported' "$TMP/err"
expect_status 1 "$SAFER" import visits "$V/visits-bad-postcode.csv" --map "$V/map.json"
expect_grep "visits-bad-postcode.csv:3: Home postcode: '12345' is not a postcode" "$TMP/err"
expect_status 1 "$SAFER" import venues "$V/venues-bad.csv"
expect_grep "venues-bad.csv:3: kind: 'maybe' must be existing or candidate" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a failed import changed the store"

expect_status 0 "$SAFER" import visits "$V/visits.csv" --map "$V/map.json"
expect_grep "^imported 7 visits of source 'Test one-stop-shop' from .*visits.csv: 1 without a ward (home area not placed), 6 with a visitor id, 0 replaced$" "$TMP/out"
expect_grep "visits.csv:5: Home postcode: 'ME9 9ZZ' is not a postcode" "$TMP/err"
# Again: the source's visits are replaced, not added.
expect_status 0 "$SAFER" import visits "$V/visits.csv" --map "$V/map.json"
expect_grep ', 7 replaced$' "$TMP/out"
expect_status 0 "$SAFER" visits --trend
expect_file "$TMP/out" "month,visits
2024-01,4
2024-02,2
2024-03,1"
# The unmapped column of names never reaches the store.
if [ -z "${SAFER_TEST_PG:-}" ]; then
    checks=$((checks + 1))
    if grep -a -q 'Testperson\|Fictional\|Madeup\|Invented' "$SAFER_DB"*; then
        fail "a visitor's name was stored"
    fi
fi

# Ward codes, DD/MM/YYYY and fixed service and venue: a second source.
expect_status 0 "$SAFER" import visits "$V/visits-uk.csv" --map "$V/map-uk.json"
expect_grep "^imported 2 visits of source 'visits-uk.csv'.*: 0 without a ward" "$TMP/out"
expect_status 0 "$SAFER" visits --heatmap
expect_grep '^Wednesday,10,1$' "$TMP/out"
expect_grep '^Thursday,11,1$' "$TMP/out"

expect_status 0 "$SAFER" import venues "$V/venues.csv"
expect_grep '^imported 4 venues (1 existing, 3 candidates, 0 replaced)' "$TMP/out"
expect_status 0 "$SAFER" import venues "$V/venues.csv"
expect_grep '3 candidates, 4 replaced' "$TMP/out"
done_testing
