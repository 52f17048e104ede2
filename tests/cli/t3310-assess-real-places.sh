#!/bin/sh
# The places of the real Maidstone report: the Kent Police and British
# Transport Police files of 2018-10 to 2019-02 against the Maidstone wards
# (2019), with the IoD2019 populations. The hot spot squares are named by
# the police.uk Locations of their records; ward rates carry their 95%
# interval; Moran's I is on rates too; every rate says the months it covers.
. "$(dirname "$0")/lib.sh"
D=${SAFER_SHARED_DATA:-/nonexistent}
[ -d "$D/police-uk/kent" ] || skip "the shared data is not at $D"
expect_status 0 "$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson"
expect_status 0 "$SAFER" import lookup "$D/lookups/lsoa11_to_ward19_lad19_ew.csv"
expect_status 0 "$SAFER" import lookup "$D/lookups/lad19_to_csp19_to_pfa19_ew.csv"
expect_status 0 "$SAFER" import population "$D/imd/File_6_-_IoD2019_Population_Denominators.csv"
expect_status 0 "$SAFER" import police "$D/police-uk/kent/street" "$D/police-uk/btp/street"
expect_status 0 "$SAFER" assess --out rep --area E07000110

# The square over Maidstone's shopping centre (its centre at 576125,
# 155875): 383 records, 299 of them "On or near Shopping Area", all in High
# Street ward. hotspot_locations.csv has every square's Locations, adding
# up to its count; the report's table the three most frequent.
expect_grep '^cell_i,cell_j,ward_code,location,count$' rep/hotspot_locations.csv
expect_grep '^2304,623,E05004996,On or near Shopping Area,299$' rep/hotspot_locations.csv
expect_grep '^2304,624,E05004996,On or near Station Road,88$' rep/hotspot_locations.csv
checks=$((checks + 1))
awk -F, 'NR > 1 { s[$1 "," $2] += $NF } END { for (k in s) print k "," s[k] }' \
    rep/hotspot_locations.csv | sort >located.txt
awk -F, 'NR > 1 && $5 > 0 { print $1 "," $2 "," $5 }' rep/hotspots.csv | sort >counted.txt
cmp -s located.txt counted.txt || fail "a square's Locations do not add up to its count"
expect_grep '<tr><td class="n">1</td><td>High Street</td><td>On or near Shopping Area (299)<br>On or near Church Street (34)<br>On or near Rose Yard (33)<br>and 2 other places</td><td class="n">383</td><td>Hot spot, 99% confidence</td>' rep/index.html
expect_grep '<td>High Street, East</td><td>On or near Station Road (88)<br>On or near Parking Area (37)' rep/index.html
# The densest cluster is enlarged, its squares numbered as in the table.
expect_grep 'Figure 8: the densest cluster of hot spots, around High Street ward, enlarged' rep/index.html
expect_grep '<g class="safer-cell-labels"' rep/index.html

# Five months of the latest 12 hold data: every rate says so, and is not annualised.
expect_grep 'Rates are records per 1,000 residents over October 2018 to February 2019 (5 of the 12 months). They are not annualised' rep/index.html
# The places section (to the next section's heading) never names a range
# whose first month holds no data.
awk '/<h2 id="places">/ { on = 1 } /<h2 id="priorities">/ { on = 0 } on' rep/index.html >places.html
expect_grep 'Places</h2>' places.html
expect_no_grep 'March 2018' places.html
# Ward rates with their exact Poisson interval; rate_per_1000 stays last.
expect_grep '^ward_code,ward_name,population,latest_12,rate_lower_95,rate_upper_95,few_records,rate_per_1000$' rep/rates_by_ward.csv
expect_grep '^E05004996,High Street,10851,1688,148\.[0-9]*,163\.[0-9]*,no,155\.5[0-9]*$' rep/rates_by_ward.csv
expect_grep '<td>High Street</td><td>E05004996</td><td class="n">1,688</td><td class="n">10,851</td><td class="n">155.6</td><td class="n">148.2&#160;to&#160;163.2</td>' rep/index.html
# Moran's I on counts (as before) and on rates.
expect_grep '^total_latest12,W,randomisation,26,' rep/moran.csv
expect_grep '^rate_latest12,W,randomisation,26,' rep/moran.csv
expect_grep '^rate_latest12,B,randomisation,26,' rep/moran.csv
# A map per major category: all crime, ASB, violence, burglary, criminal
# damage and the largest other, each of the 26 wards numbered.
for p in 1 2 3 4 5 6; do
    expect_grep "aria-labelledby=\"category-map-$p-title\"" rep/index.html
done
expect_grep 'Figure 6c: Violence and sexual offences by ward, records per 1,000 residents, October 2018 to February 2019' rep/index.html
done_testing
