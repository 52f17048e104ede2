#!/bin/sh
# The demo's one-stop-shop: its synthetic postcode directory, visits and
# venues go through the real importers; `safer visits` answers from them,
# the pop-up choice with its proof; the report's section "Services and who
# uses them" shows them, and its public edition hides small ward counts.
# A report of a store without visits says so plainly.
. "$(dirname "$0")/lib.sh"

if [ -n "${SAFER_TEST_PG:-}" ]; then
    expect_status 0 "$SAFER" demo --out demo --store "$SAFER_DB"
else
    expect_status 0 "$SAFER" demo --out demo
    SAFER_DB=$TMP/demo/demo.db
    export SAFER_DB
fi
for f in onspd-demo.csv one-stop-shop.csv one-stop-shop-map.json venues.csv; do
    checks=$((checks + 1))
    [ -s "demo/data/visits/$f" ] || fail "the demo wrote no $f"
done
# Postcodes in the area ZZ, which no real postcode uses, in the ONSPD's layout.
expect_grep '^pcd,pcd2,pcds,dointr,doterm,' demo/data/visits/onspd-demo.csv
checks=$((checks + 1))
awk -F, 'NR > 1 && $3 !~ /^"ZZ[0-9]+ [0-9][A-Z][A-Z]"$/ { bad = 1 } END { exit bad }' \
    demo/data/visits/onspd-demo.csv || fail "a demo postcode is not a ZZ one"

expect_status 0 "$SAFER" visits --trend
checks=$((checks + 1))
[ "$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$TMP/out")" = 3000 ] || fail "not 3,000 visits"
checks=$((checks + 1))
[ "$(awk 'END { print NR - 1 }' "$TMP/out")" = 12 ] || fail "not 12 months of visits"
# Weekday daytime peaks: no visit on a Sunday, none at night.
expect_status 0 "$SAFER" visits --heatmap
checks=$((checks + 1))
awk -F, 'NR > 1 && $3 > 0 && ($1 == "Sunday" || $2 < 8 || $2 > 18) { bad = 1 } END { exit bad }' \
    "$TMP/out" || fail "visits at night or on a Sunday"
# Who comes thins with distance: the nearest band's rate is the highest.
expect_status 0 "$SAFER" visits --distance
cp "$TMP/out" bands.csv
checks=$((checks + 1))
awk -F, 'NR == 2 { first = $7 } NR > 2 && $7 != "" && $7 + 0 >= first + 0 { bad = 1 } END { exit bad }' \
    bands.csv || fail "a band farther out has a rate as high as the nearest"

expect_status 0 "$SAFER" visits --popup --p 4 --out pop.csv
expect_grep '^candidates,20$' pop.csv
expect_grep '^proof,"all 4,845 sets of 4 of 20 candidates evaluated"$' pop.csv
checks=$((checks + 1))
[ "$(metric pop.csv covered_with_sites)" -gt "$(metric pop.csv covered_existing)" ] ||
    fail "four pop-up sites reach no more residents"
cat pop.csv
# Weighed by police-recorded violence and sexual offences instead.
expect_status 0 "$SAFER" visits --popup --p 2 --demand records --out rec.csv
expect_grep '^demand,records$' rec.csv
expect_grep '^proof,all 190 sets of 2 of 20 candidates evaluated$' rec.csv
# The demand in all is the assessment's count of the category in its
# latest 12 months (the demo's data end in 2019-02).
want=$(awk -F, 'NR > 1 && $2 == "Violence and sexual offences" && $3 >= "2018-03" { s += $4 }
    END { print s }' demo/counts_ward_type_month.csv)
checks=$((checks + 1))
[ "$(metric rec.csv demand_total)" = "$want" ] ||
    fail "records demand $(metric rec.csv demand_total), the assessment counts $want"

# The report's section, members' and public editions.
expect_grep '<h2 id="services">Services and who uses them</h2>' demo/index.html
expect_grep 'all 190 sets of 2 of 20 candidates evaluated' demo/index.html
expect_status 0 "$SAFER" assess --out public --area E22900001 --public
expect_status 0 "$SAFER" visits --wards --hide-below 5
cp "$TMP/out" hidden.csv
hidden=$(awk -F, 'NR > 1 && $3 == "" { n++ } END { print n + 0 }' hidden.csv)
checks=$((checks + 1))
[ "$hidden" -gt 0 ] || fail "the demo has no small ward counts to hide"
checks=$((checks + 1))
section=$(sed -n '/<h2 id="services">/,/<h2 id="candidates">/p' public/index.html)
[ "$(printf '%s' "$section" | grep -o '<td class="num">\[c\]</td>' | wc -l)" -ge "$((hidden * 2))" ] ||
    fail "the public edition does not hide the $hidden small ward counts and their rates"

# A store without visits: said plainly.
SAFER_DB=$(new_store empty)
export SAFER_DB
"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
printf 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n,2019-01,Kent Police,Kent Police,0.515,51.215,On or near Alpha Road,E01000001,Test 001A,Burglary,,\n' >one.csv
"$SAFER" import police one.csv >/dev/null
expect_status 0 "$SAFER" assess --out empty --area E07000001
expect_grep 'No service visits are loaded' empty/index.html
done_testing
