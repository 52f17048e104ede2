#!/bin/sh
# safer import harm-weights and safer hotspots --harm-by-ward: a
# partnership's own weights replace the built-in default per category and
# nothing else; every mistake is named by FILE:LINE: column and changes
# nothing (all or nothing); harm by ward is each count times its weight.
. "$(dirname "$0")/lib.sh"
H=$DATA/harm

expect_status 2 "$SAFER" import harm-weights
expect_status 2 "$SAFER" hotspots --out x.csv
expect_grep 'one of --harm, --harm-by-ward, --persistence' "$TMP/err"
expect_status 2 "$SAFER" hotspots --harm --persistence --out x.csv
expect_status 2 "$SAFER" hotspots --harm
expect_grep 'needs --out' "$TMP/err"

"$SAFER" demo --out d --store "$SAFER_DB" >/dev/null
before=$(digest)

# Mistakes: each named by file, line and column; the store is unchanged.
expect_status 1 "$SAFER" import harm-weights "$H/duplicate.csv"
expect_grep "duplicate.csv:3: crime_type: 'Burglary' is given twice (first on line 2)" "$TMP/err"
expect_status 1 "$SAFER" import harm-weights "$H/unknown.csv"
expect_grep "unknown.csv:3: crime_type: 'Car theft' is not a police.uk category" "$TMP/err"
expect_status 1 "$SAFER" import harm-weights "$H/negative.csv"
expect_grep "negative.csv:3: weight: '-1' is not from 0 to 1000000000" "$TMP/err"
expect_status 1 "$SAFER" import harm-weights "$H/nan.csv"
expect_grep "nan.csv:3: weight: 'lots' is not a number" "$TMP/err"
expect_status 1 "$SAFER" import harm-weights "$H/nosource.csv"
expect_grep "nosource.csv:2: source: empty" "$TMP/err"
expect_status 1 "$SAFER" import harm-weights "$H/header.csv"
expect_grep "header.csv:1: weight: the header must name the columns" "$TMP/err"
expect_status 1 "$SAFER" import harm-weights "$TMP/missing.csv"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a failed import changed the store"

# The default: harm = count x weight, every weight from the built-in file.
expect_status 0 "$SAFER" hotspots --harm-by-ward --out def.csv
expect_grep '^26 wards by 14 categories, harm to 2019-02: def.csv$' "$TMP/out"
checks=$((checks + 1))
awk -F, 'NR > 1 && $6 != "default" { bad++ } END { exit bad > 0 }' def.csv ||
    fail "a weight that is not the default"
checks=$((checks + 1))
awk -F, 'NR > 1 && $7 + 0 != $4 * $5 { bad++ } END { exit bad > 0 }' def.csv ||
    fail "harm is not count x weight"
checks=$((checks + 1))
grep -q '^E05900001,Langton,Burglary,[0-9]*,180,default,' def.csv || fail "burglary's weight"

# The public edition: no single squares, and a hidden count hides its harm.
expect_status 0 "$SAFER" assess --public --out pub
checks=$((checks + 1))
[ ! -e pub/harm_hotspots.csv ] && [ ! -e pub/hotspot_persistence.csv ] ||
    fail "the public edition publishes single squares"
checks=$((checks + 1))
awk -F, 'NR > 1 && (($4 == "[c]") != ($7 == "[c]")) { bad++ }
         NR > 1 && $4 != "[c]" && $4 > 0 && $4 < 5 { bad++ }
         END { exit bad > 0 }' pub/harm_by_ward.csv || fail "public harm by ward gives a count away"
expect_grep '\[c\]' pub/harm_by_ward.csv

# A partnership's weights for two categories: those two change, the rest stay.
expect_status 0 "$SAFER" import harm-weights "$H/partial.csv"
expect_grep 'imported harm weights of 2 categories' "$TMP/out"
expect_status 0 "$SAFER" hotspots --harm-by-ward --out part.csv
checks=$((checks + 1))
awk -F, 'NR > 1 { o = ($3 == "Burglary" || $3 == "Shoplifting") ? "partnership" : "default";
                  if ($6 != o) bad++ }
         NR > 1 && $3 == "Burglary" && $5 != 12.5 { bad++ }
         NR > 1 && $3 == "Shoplifting" && $5 != 0.25 { bad++ }
         END { exit bad > 0 }' part.csv || fail "partial weights not applied per category"
checks=$((checks + 1))
awk -F, 'NR > 1 && $3 != "Burglary" && $3 != "Shoplifting"' def.csv >a.txt
awk -F, 'NR > 1 && $3 != "Burglary" && $3 != "Shoplifting"' part.csv >b.txt
cmp -s a.txt b.txt || fail "other categories changed"

# A later import replaces the earlier one whole; a failed one changes nothing.
after=$(digest)
expect_status 1 "$SAFER" import harm-weights "$H/duplicate.csv"
checks=$((checks + 1))
[ "$(digest)" = "$after" ] || fail "a failed import changed the stored weights"
expect_status 0 "$SAFER" import harm-weights "$H/ones.csv"
expect_grep 'imported harm weights of 14 categories' "$TMP/out"
expect_status 0 "$SAFER" hotspots --harm-by-ward --out ones.csv
checks=$((checks + 1))
awk -F, 'NR > 1 && ($5 != 1 || $7 != $4 || $6 != "partnership") { bad++ } END { exit bad > 0 }' \
    ones.csv || fail "all-ones weights: harm is not the count"
done_testing
