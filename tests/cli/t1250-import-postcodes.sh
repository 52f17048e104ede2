#!/bin/sh
# safer import postcodes: the ONS Postcode Directory in either of its
# layouts; every postcode replaces the one held; a mistake is named by
# FILE:LINE: column and changes nothing.
. "$(dirname "$0")/lib.sh"
P=$DATA/postcodes

expect_status 0 "$SAFER" import postcodes --help
expect_grep 'pcds (or pcd), doterm, osward' "$TMP/out"
expect_status 2 "$SAFER" import postcodes
expect_status 0 "$SAFER" import areas "$DATA/areas/wards.geojson"
before=$(digest)

expect_status 1 "$SAFER" import postcodes "$P/bad-postcode.csv"
expect_grep "bad-postcode.csv:7: pcds: 'ME1 2A!' is not a postcode" "$TMP/err"
expect_grep 'nothing was imported' "$TMP/err"
expect_status 1 "$SAFER" import postcodes "$P/bad-easting.csv"
expect_grep "bad-easting.csv:4: oseast1m: 'east' is not a number" "$TMP/err"
expect_status 1 "$SAFER" import postcodes "$P/dup.csv"
expect_grep "dup.csv:4: pcds: postcode ME1 1AA again (line 2)" "$TMP/err"
expect_status 1 "$SAFER" import postcodes "$P/not-onspd.csv"
expect_grep "not-onspd.csv:1: not the ONS Postcode Directory" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a failed import changed the store"

expect_status 0 "$SAFER" import postcodes "$P/onspd.csv"
expect_grep '^imported 5 postcodes (0 replaced, 1 terminated) from .*onspd.csv; LSOAs from column lsoa21; 1 rows without a ward not stored$' "$TMP/out"
expect_status 0 "$SAFER" import postcodes "$P/onspd-2025.csv"
expect_grep '^imported 1 postcodes (1 replaced, 0 terminated) from .*onspd-2025.csv; LSOAs from column lsoa21cd; 0 rows without a ward not stored$' "$TMP/out"
done_testing
