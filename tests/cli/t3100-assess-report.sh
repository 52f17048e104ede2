#!/bin/sh
# The report and the statistics files on the hand-made fixtures.
. "$(dirname "$0")/lib.sh"

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import police "$DATA/police/2019-01-kent-street.csv" "$DATA/police/2018-01-kent-street.csv" >/dev/null
expect_status 0 "$SAFER" assess --out rep --cell 500

for f in counts_ward_type_month change_by_type change_by_ward summary coverage change_tests hotspots moran; do
    checks=$((checks + 1))
    [ -s "rep/$f.csv" ] || fail "rep/$f.csv is missing"
done
expect_grep '^cell_i,cell_j,e_centre,n_centre,count,neighbours,gi_z,p_value,p_adjusted,class$' rep/hotspots.csv
expect_grep '^variable,style,assumption,n,I,expectation,variance,z,p_value$' rep/moran.csv
expect_grep '^total_latest12,W,randomisation,3,' rep/moran.csv
expect_grep '^total_latest12,B,randomisation,3,' rep/moran.csv
expect_grep '^force,month,rows,crime_rows,asb_rows,crime_baseline,asb_baseline,reason,status$' rep/coverage.csv
# Kent published 2018-01 (4 rows: 3 crimes, 1 ASB) and 2019-01 (10 rows) only:
# the months between are missing, and 2018-01 is under 60% of the median (7)
# so partial. Neither has enough neighbouring months for its crime or ASB to
# be judged against a usual level: no baselines.
expect_grep '^Kent Police,2018-01,4,3,1,,,rows low,partial$' rep/coverage.csv
expect_grep '^Kent Police,2019-01,10,9,1,,,,ok$' rep/coverage.csv
expect_grep '^Kent Police,2018-06,0,,,,,,missing$' rep/coverage.csv
expect_grep '^latest_12_complete,no$' rep/summary.csv
expect_grep '^type,Burglary,2,1,1,1,no,no$' rep/change_tests.csv
expect_grep '^ward,E05000002,0,1,' rep/change_tests.csv

# Cells are ordered by row then column, and their centres sit on the 500 m grid.
checks=$((checks + 1))
awk -F, 'NR > 1 { if ($2 < pj || ($2 == pj && $1 <= pi)) bad = 1; pi = $1; pj = $2;
                  if ($3 != ($1 + 0.5) * 500 || $4 != ($2 + 0.5) * 500) bad = 1 }
         END { exit bad }' rep/hotspots.csv || fail "hotspots.csv order or centres"
# Located records of the latest 12 months in study wards: 5 (Alpha 2, Beta 1, Gamma 2).
checks=$((checks + 1))
[ "$(awk -F, 'NR > 1 { s += $5 } END { print s }' rep/hotspots.csv)" = 5 ] || fail "hotspot counts"

# The report: self-contained, sections in order, figures flagged, data escaped.
R=rep/index.html
expect_grep '<!DOCTYPE html>' $R
expect_no_grep 'src="http' $R
expect_no_grep '<script' $R
expect_no_grep 'NaN' $R
expect_no_grep 'nan' rep/moran.csv
checks=$((checks + 1))
order=$(grep -o 'id="\(summary\|data\|levels\|change\|places\|public\|candidates\|priorities\|progress\|caveats\|method\)"' $R | tr '\n' ' ')
[ "$order" = 'id="summary" id="data" id="levels" id="change" id="places" id="public" id="candidates" id="priorities" id="progress" id="caveats" id="method" ' ] || fail "sections out of order: $order"
expect_grep 'Incomplete data' $R
expect_grep 'not comparable' $R
expect_grep 'Beta, the island' $R
expect_grep 'safer-scale-bar' $R
expect_grep 'safer-north-arrow' $R
expect_grep 'Open Government Licence' $R
# No plan is loaded (and no --area): the report says so and names no
# partnership's groups (t3600 loads plans).
expect_grep '<strong>No plan loaded.</strong>' $R
expect_no_grep 'police.uk has no domestic-abuse flag' $R
expect_grep 'chose the operation' $R
# The version line names the version of the binary that wrote it.
checks=$((checks + 1))
version=$("$SAFER" --version | sed -n 's/^safer \([0-9][0-9.]*[0-9]\)$/\1/p')
[ -n "$version" ] || fail "safer --version gives no version number"
grep -qF "Produced by safer $version from the files listed in section 2." $R ||
    fail "the report does not say it was produced by safer $version"
# The licence line: the OGL statement, and the OS copyright year of the
# boundaries used: the fixture's codes are WD19CD, so 2019.
expect_grep '<dt>Licence</dt><dd>Contains public sector information licensed under the Open Government Licence v3\.0\. Contains OS data © Crown copyright and database right 2019\. Police data: data\.police\.uk\.</dd>' $R

# Every square holding the same count: no z-score, said plainly.
SAFER_DB=$(new_store flat)
"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
printf 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\nx,2019-01,Kent Police,Kent Police,,,No Location,,,Burglary,,\n' > nopoints.csv
"$SAFER" import police nopoints.csv >/dev/null
expect_status 0 "$SAFER" assess --out flat
expect_grep ',0,[1-9],,,,no_score$' flat/hotspots.csv
expect_no_grep 'hot99\|none$' flat/hotspots.csv
expect_grep 'No z-score exists for this grid' flat/index.html
expect_no_grep 'NaN' flat/index.html
done_testing
