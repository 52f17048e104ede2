#!/bin/sh
# Import GeoJSON boundaries: ONS property names, replacement by code, CRS,
# axis order and geometry errors that name the feature, failure that
# changes nothing.
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

# Latitude first is refused whatever the crs says; the EPSG URN (latitude
# first by definition) is read only where the order cannot be in doubt.
expect_status 1 "$SAFER" import areas "$A/bad_swapped_axes.geojson"
expect_grep "bad_swapped_axes.geojson: feature 2 ('E05000021'): position (51.2, 0.5) has latitude first" "$TMP/err"
expect_status 1 "$SAFER" import areas "$A/bad_urn_latlon.geojson"
expect_grep "bad_urn_latlon.geojson: feature 1 ('E05000023'): position (51.2, 0.5) has latitude first" "$TMP/err"
expect_status 1 "$SAFER" import areas "$A/bad_urn_outside_gb.geojson"
expect_grep "bad_urn_outside_gb.geojson: the crs 'urn:ogc:def:crs:EPSG::4326' puts latitude first, and position (2.3, 48.8) of feature 2 lies outside Great Britain" "$TMP/err"
expect_grep "ogr2ogr -t_srs OGC:CRS84" "$TMP/err"
# Rings that cross or touch themselves, or cross each other, are refused,
# naming the place; a hole touching its shell at one point is read.
expect_status 1 "$SAFER" import areas "$A/bad_bowtie.geojson"
expect_grep "bad_bowtie.geojson: feature 2 ('E05000031'): ring 1 crosses itself near 0.650000, 51.250000" "$TMP/err"
expect_status 1 "$SAFER" import areas "$A/bad_self_touch.geojson"
expect_grep "bad_self_touch.geojson: feature 1 ('E05000032'): ring 1 touches itself at 0.52, 51.24" "$TMP/err"
expect_status 1 "$SAFER" import areas "$A/bad_hole_crosses_shell.geojson"
expect_grep "bad_hole_crosses_shell.geojson: feature 1 ('E05000033'): ring 1 crosses ring 2 near 0.540000, 51.210000" "$TMP/err"
printf '{"type": "FeatureCollection", "features": [' > broken.geojson
expect_status 1 "$SAFER" import areas broken.geojson
expect_grep "broken.geojson:1: not valid JSON" "$TMP/err"

# A FIFO fails at once (timeout: it used to wait for a writer for ever).
mkfifo pipe.geojson
expect_status 1 timeout 20 "$SAFER" import areas pipe.geojson
expect_grep 'pipe.geojson: not a regular file' "$TMP/err"

# None of the failures stored anything, not even the good features before
# a bad one: still the three wards, the only ward areas --replace-level
# removes.
expect_status 0 "$SAFER" import areas --code-field WD19CD --name-field WD19NM "$A/wards.geojson"
expect_grep "imported 3 ward areas (3 replaced" "$TMP/out"
expect_status 0 "$SAFER" import areas --replace-level "$A/wards.geojson"
expect_grep "imported 3 ward areas (3 replaced" "$TMP/out"

expect_status 0 "$SAFER" import areas "$A/hole_touches_shell.geojson"
expect_grep "imported 1 ward areas (0 replaced, 9 positions)" "$TMP/out"

# A file in the EPSG URN whose positions can only be longitude first.
expect_status 0 "$SAFER" import areas "$A/urn_4326.geojson"
expect_grep "imported 1 ward areas (0 replaced, 4 positions)" "$TMP/out"

expect_status 2 "$SAFER" import areas
expect_status 2 "$SAFER" import areas a b
done_testing
