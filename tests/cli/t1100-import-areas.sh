#!/bin/sh
# Import GeoJSON boundaries: ONS property names, replacement by code, CRS
# and geometry errors that name the feature, failure that changes nothing.
. "$(dirname "$0")/lib.sh"
A=$DATA/areas

expect_status 0 "$SAFER" import areas "$A/wards.geojson"
expect_grep "imported 3 ward areas (0 replaced, 25 positions) from .*; code 'WD19CD', name 'WD19NM', district LAD19CD" "$TMP/out"
expect_status 0 "$SAFER" import areas "$A/wards.geojson"
expect_grep "3 replaced" "$TMP/out"

expect_status 1 "$SAFER" import areas "$A/bng.geojson"
expect_grep "is in CRS 'urn:ogc:def:crs:EPSG::27700'" "$TMP/err"
expect_status 1 "$SAFER" import areas "$A/bad_unclosed.geojson"
expect_grep "feature 2 ('E05000010'): a ring is not closed" "$TMP/err"
expect_status 1 "$SAFER" import areas "$A/bad_short_ring.geojson"
expect_grep "feature 1 ('E05000011'): a ring has 3 positions" "$TMP/err"
expect_status 1 "$SAFER" import areas "$A/bad_coordinate.geojson"
expect_grep "feature 1 ('E05000012'): position 2 of a ring is not a pair of numbers" "$TMP/err"
expect_status 1 "$SAFER" import areas "$A/bad_type.geojson"
expect_grep "feature 1 ('E05000013'): geometry type 'LineString' is not Polygon or MultiPolygon" "$TMP/err"
printf '{"type": "FeatureCollection", "features": [' > broken.geojson
expect_status 1 "$SAFER" import areas broken.geojson
expect_grep "broken.geojson:1: not valid JSON" "$TMP/err"

# A FIFO fails at once (timeout: it used to wait for a writer for ever).
mkfifo pipe.geojson
expect_status 1 timeout 20 "$SAFER" import areas pipe.geojson
expect_grep 'pipe.geojson: not a regular file' "$TMP/err"

# None of the failures stored anything: still the three wards.
expect_status 0 "$SAFER" import areas --code-field WD19CD --name-field WD19NM "$A/wards.geojson"
expect_grep "imported 3 ward areas (3 replaced" "$TMP/out"

expect_status 2 "$SAFER" import areas
expect_status 2 "$SAFER" import areas a b
done_testing
