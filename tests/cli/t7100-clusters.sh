#!/bin/sh
# safer clusters on five made-up wards in a row (a path of neighbours) with
# one attribute 0, 1, 10, 11, 13, whose least partitions are worked by hand:
#   K = 2, M = 3: {0, 1} {10, 11, 13}: 0.5 + 14/3 = 31/6 (the other cut,
#                 {0, 1, 10} {11, 13}, costs 62.67);
#   K = 3, M = 2: {0, 1} {10, 11} {13}: 0.5 + 0.5 = 1 ({0,1} {10} {11,13}
#                 costs 2.5);
#   z-scores (mean 7, population variance 29.2) divide every cost by 29.2.
. "$(dirname "$0")/lib.sh"
expect_status 0 "$SAFER" import areas "$DATA/clusters/strip.geojson"
cat >attr.csv <<'CSV'
whatever,score
E05900001,0
E05900002,1
E05900003,10
E05900004,11
E05900005,13
CSV
expect_status 0 "$SAFER" clusters --attributes attr.csv --max-size 3 --clusters 2 --out k2.csv
expect_file k2.csv 'area_code,cluster
E05900001,1
E05900002,1
E05900003,2
E05900004,2
E05900005,2'
expect_grep '^total cost: 5.16666666666666' "$TMP/out"
expect_grep '^proved optimal' "$TMP/out"
expect_grep '^cluster 2: 3 areas, cost 4.66666666666666' "$TMP/out"
expect_grep '^  E05900005 Elm$' "$TMP/out"

expect_status 0 "$SAFER" clusters --attributes attr.csv --max-size 2 --clusters 3 --out k3.csv \
    --summary k3.txt
expect_file k3.csv 'area_code,cluster
E05900001,1
E05900002,1
E05900003,2
E05900004,2
E05900005,3'
expect_grep '^total cost: 1$' k3.txt
checks=$((checks + 1))
[ ! -s "$TMP/out" ] || fail "--summary FILE: nothing on standard output"

# z-scores: 31/6 / 29.2 = 0.1769406392694...
expect_status 0 "$SAFER" clusters --attributes attr.csv --max-size 3 --clusters 2 --standardise \
    --out z.csv
expect_grep '^total cost: 0.17694063926940' "$TMP/out"
expect_grep 'as z-scores: score' "$TMP/out"

# No partition: 2 clusters of 2 cannot hold 5 areas; one cluster of up
# to 5 is all of them (0 + 1 + 10 + 11 + 13 has sum of squares 146).
expect_status 1 "$SAFER" clusters --attributes attr.csv --max-size 2 --clusters 2 --out no.csv
expect_grep 'no partition: 2 clusters of at most 2 areas cannot hold 5 areas' "$TMP/err"
checks=$((checks + 1))
[ ! -e no.csv ] || fail "no output file on failure"
expect_status 0 "$SAFER" clusters --attributes attr.csv --max-size 5 --clusters 1 --out one.csv
expect_grep '^total cost: 146$' "$TMP/out"

# Errors name the file, the line and the field.
printf 'code,score\nE05900001,0\nE05900002,abc\n' >bad.csv
expect_status 1 "$SAFER" clusters --attributes bad.csv --max-size 2 --clusters 1 --out x.csv
expect_grep "bad.csv:3: score: 'abc' is not a number" "$TMP/err"
printf 'code,score\nE05900001,0\nE05999999,1\n' >unknown.csv
expect_status 1 "$SAFER" clusters --attributes unknown.csv --max-size 2 --clusters 1 --out x.csv
expect_grep "unknown.csv:3: area 'E05999999' is not a stored ward with a boundary" "$TMP/err"
printf 'code,score\nE05900001,0\nE05900001,1\n' >twice.csv
expect_status 1 "$SAFER" clusters --attributes twice.csv --max-size 2 --clusters 1 --out x.csv
expect_grep "twice.csv:3: area 'E05900001' again (first on line 2)" "$TMP/err"
printf 'code,score\nE05900001,0,1\n' >wide.csv
expect_status 1 "$SAFER" clusters --attributes wide.csv --max-size 2 --clusters 1 --out x.csv
expect_grep "wide.csv:2: 3 fields, the header has 2" "$TMP/err"
printf 'code,score\nE05900001,4\nE05900002,4\n' >flat.csv
expect_status 1 "$SAFER" clusters --attributes flat.csv --max-size 2 --clusters 1 --standardise \
    --out x.csv
expect_grep "attribute 'score' is the same for every area: no z-scores" "$TMP/err"
expect_status 2 "$SAFER" clusters --attributes attr.csv --max-size 2 --out x.csv
expect_grep "clusters needs a whole number" "$TMP/err"
expect_status 2 "$SAFER" clusters --attributes attr.csv --max-size 9 --clusters 2 --out x.csv
expect_status 2 "$SAFER" clusters --attributes attr.csv --max-size 2 --clusters 3
expect_status 0 "$SAFER" clusters --help
expect_grep 'usage: safer' "$TMP/out"
# A command that reads never makes a store.
expect_status 1 env SAFER_DB="$TMP/nothing.db" "$SAFER" clusters --attributes attr.csv \
    --max-size 3 --clusters 2 --out x.csv
checks=$((checks + 1))
[ ! -e "$TMP/nothing.db" ] || fail "a store was made"
done_testing
