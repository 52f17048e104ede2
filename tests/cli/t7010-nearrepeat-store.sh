#!/bin/sh
# safer nearrepeat --category: the store's records of a category with a
# location in the study wards, t their month, as the assessment takes them;
# the same table as the assessment's nearrepeat.csv; and its errors.
. "$(dirname "$0")/lib.sh"
P=$DATA/police

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import police "$P/2019-01-kent-street.csv" "$P/2018-01-kent-street.csv" >/dev/null

# The study wards hold burglaries 2018-01 (2, E05000001) and 2019-01 (1)
# (t3000): one pair 0 months apart, two 12 months apart, all within 100 km.
# With every time the same across permutations of two groups, the counts
# are fixed: exact sd 0.
expect_status 0 "$SAFER" nearrepeat --category Burglary --from 2018-01 --to 2019-01 \
    --space 0,100000 --time 0,1,13 --perms 9 --out b.csv
expect_grep "^3 'Burglary' records with a location (0 without), 3 pairs within 100000 m" "$TMP/out"
awk -F, 'NR > 1 { print $1, $2, $7, $13 }' b.csv > cells
expect_file cells "1 1 1 1
1 2 2 2"
# The latest 12 months alone hold one burglary: no pair, a table of zeros.
expect_status 0 "$SAFER" nearrepeat --category Burglary --to 2019-01 --space 0,100000 \
    --time 0,1 --perms 9 --out c.csv
expect_grep '^1,1,0,100000,0,1,0,0,0,0,NA,1,0,0$' c.csv

# The assessment's table is the command's with the defaults.
expect_status 0 "$SAFER" assess --from 2018-01 --to 2019-01 --out rep
expect_status 0 "$SAFER" nearrepeat --category Burglary --from 2018-01 --to 2019-01 --out d.csv
cmp -s d.csv rep/nearrepeat.csv || fail "the assessment's nearrepeat.csv differs from the command's"
expect_grep 'id="near-repeats"' rep/index.html
expect_grep 'No near-repeat pattern' rep/index.html
expect_status 0 "$SAFER" assess --from 2018-01 --to 2019-01 --public --out pub
[ ! -e pub/nearrepeat.csv ] || fail "the public edition has nearrepeat.csv"
expect_grep "members' edition only" pub/index.html

# Errors.
expect_status 1 "$SAFER" nearrepeat --category Robbery --out x.csv
expect_grep "no 'Robbery' record with a location in the study wards from 2018-02 to 2019-01" "$TMP/err"
expect_status 2 "$SAFER" nearrepeat --category Burglary --events x.csv --out x.csv
expect_grep 'needs --events FILE.csv or --category NAME' "$TMP/err"
expect_status 2 "$SAFER" nearrepeat --events x.csv --area E1 --space 0,1 --time 0,1 --out x.csv
expect_grep 'go with --category' "$TMP/err"
expect_status 2 "$SAFER" nearrepeat --category Burglary --from 2019-13 --out x.csv
expect_grep "from '2019-13' is not a month" "$TMP/err"
expect_status 1 env SAFER_DB="$TMP/none.db" "$SAFER" nearrepeat --category Burglary --out x.csv
expect_grep 'no store there' "$TMP/err"

done_testing
