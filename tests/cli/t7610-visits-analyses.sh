#!/bin/sh
# safer visits: every analysis of the fixture against the figures worked
# by hand in tests/data/visits/README.md.
. "$(dirname "$0")/lib.sh"
V=$DATA/visits

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import population "$DATA/population.csv" >/dev/null
"$SAFER" import postcodes "$DATA/postcodes/onspd.csv" >/dev/null
"$SAFER" import visits "$V/visits.csv" --map "$V/map.json" >/dev/null 2>&1
"$SAFER" import venues "$V/venues.csv" >/dev/null

expect_status 2 "$SAFER" visits
expect_grep 'visits needs one of' "$TMP/err"
expect_status 2 "$SAFER" visits --popup --p 5
expect_status 2 "$SAFER" visits --popup --objective nearest

expect_status 0 "$SAFER" visits --heatmap --out heat.csv
checks=$((checks + 1))
[ "$(wc -l <heat.csv)" -eq 169 ] || fail "heat map: not 168 cells"
grep -v ',0$' heat.csv >"$TMP/nonzero"
expect_file "$TMP/nonzero" "weekday,hour,visits
Monday,09,3
Wednesday,14,1
Friday,16,1
Saturday,10,1
Saturday,11,1"

expect_status 0 "$SAFER" visits --wards
expect_grep '^E05000001,Alpha,4,1296,3.09,' "$TMP/out"
expect_grep '^E05000002,"Beta, the island",1,1004,1.00,' "$TMP/out"
expect_grep '^E05000003,Gamma,1,987,1.01,' "$TMP/out"
# Small counts hidden on request.
expect_status 0 "$SAFER" visits --wards --hide-below 2
expect_grep '^E05000002,"Beta, the island",,1004,,' "$TMP/out"
expect_grep '^E05000001,Alpha,4,1296,3.09,' "$TMP/out"

expect_status 0 "$SAFER" visits --distance
checks=$((checks + 1))
total=$(awk -F, 'NR > 1 { s += $5 } END { print s }' "$TMP/out")
[ "$total" = 6 ] || fail "distance bands hold $total visits, not the 6 placed"

expect_status 0 "$SAFER" visits --repeat
cp "$TMP/out" rep.csv
for kv in visits_with_id=6 visitors=3 visitors_with_1_visits=1 visitors_with_2_visits=1 \
          visitors_with_3_visits=1 visits_per_visitor=2.000 eligible_visitors=3 \
          returned_within_window=1 share_returned=0.3333; do
    checks=$((checks + 1))
    [ "$(metric rep.csv "${kv%%=*}")" = "${kv#*=}" ] || fail "repeat: ${kv%%=*} is $(metric rep.csv "${kv%%=*}"), not ${kv#*=}"
done
# 74 days: A and B had them (C came 55 days before the last day), and B
# came back on the 74th.
expect_status 0 "$SAFER" visits --repeat --window 74
cp "$TMP/out" rep.csv
checks=$((checks + 1))
[ "$(metric rep.csv eligible_visitors)" = 2 ] || fail "window 74: A and B eligible"
checks=$((checks + 1))
[ "$(metric rep.csv returned_within_window)" = 2 ] || fail "window 74: B returns on day 74"

expect_status 0 "$SAFER" visits --popup --demand visitors --within 1000 --p 1 --out pop.csv
for kv in site_1=Library demand_total=5 covered_existing=4 covered_with_sites=5 \
          demand_left_out=2 sets_evaluated=3; do
    checks=$((checks + 1))
    [ "$(metric pop.csv "${kv%%=*}")" = "${kv#*=}" ] || fail "cover: ${kv%%=*} is $(metric pop.csv "${kv%%=*}"), not ${kv#*=}"
done
expect_grep '^proof,all 3 sets of 1 of 3 candidates evaluated$' pop.csv
expect_status 0 "$SAFER" visits --popup --demand visitors --objective median --p 1 --out pop.csv
for kv in site_1=Library mean_distance_existing_m=288 mean_distance_with_sites_m=28; do
    checks=$((checks + 1))
    [ "$(metric pop.csv "${kv%%=*}")" = "${kv#*=}" ] || fail "median: ${kv%%=*} is $(metric pop.csv "${kv%%=*}"), not ${kv#*=}"
done
expect_status 1 "$SAFER" visits --popup --p 4
expect_grep 'p 4 is more than the 3 candidate venues' "$TMP/err"
expect_status 1 "$SAFER" visits --popup --demand records
expect_grep 'the store holds no police.uk records to weigh' "$TMP/err"
done_testing
