#!/bin/sh
# Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
# the start) comes out of export and of every assessment CSV file with a
# leading apostrophe; numbers, negative ones included, come out as they are.
. "$(dirname "$0")/lib.sh"

cat > wards.geojson <<'JSON'
{ "type": "FeatureCollection", "features": [
{ "type": "Feature", "properties": { "WD19CD": "E05000099", "WD19NM": "@Evil ward" },
  "geometry": { "type": "Polygon", "coordinates": [
    [ [-0.6, 51.4], [-0.4, 51.4], [-0.4, 51.6], [-0.6, 51.6], [-0.6, 51.4] ] ] } } ] }
JSON
# One file per publication (force and month), as police.uk publishes them.
cat > police-2019.csv <<'CSV'
Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context
,2019-01,-Force,-Force,-0.5,51.5,=1+1,E01000001,-2+3,+Burglary,,
a1,2019-01,-Force,-Force,-0.45,51.45,@SUM(A1),E01000001,"=cmd|' /C calc'!A0",Shoplifting,,
CSV
cat > police-2018.csv <<'CSV'
Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context
a2,2018-01,-Force,-Force,-0.5,51.5,"=HYPERLINK(""http://x"",""y"")",E01000001,@x,+Burglary,,
a3,2018-01,-Force,-Force,-0.55,51.55,"-a, b",E01000001,Plain,+Burglary,,
CSV
"$SAFER" import areas wards.geojson >/dev/null
"$SAFER" import police police-2019.csv police-2018.csv >/dev/null

expect_status 0 "$SAFER" export police --out all.csv
expect_file all.csv "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context,ward_code,assigned_by
a2,2018-01,'-Force,'-Force,-0.5,51.5,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",E01000001,'@x,'+Burglary,,,E05000099,point
a3,2018-01,'-Force,'-Force,-0.55,51.55,\"'-a, b\",E01000001,Plain,'+Burglary,,,E05000099,point
,2019-01,'-Force,'-Force,-0.5,51.5,'=1+1,E01000001,'-2+3,'+Burglary,,,E05000099,point
a1,2019-01,'-Force,'-Force,-0.45,51.45,'@SUM(A1),E01000001,'=cmd|' /C calc'!A0,Shoplifting,,,E05000099,point"
# Standard output gets the same bytes.
expect_status 0 "$SAFER" export police
checks=$((checks + 1))
cmp -s all.csv "$TMP/out" || fail "export to standard output differs from --out"

expect_status 0 "$SAFER" assess --out rep --cell 1000
expect_file rep/change_by_type.csv "crime_type,prev_12,latest_12,change,pct_change
'+Burglary,2,1,-1,-50
Shoplifting,0,1,1,"
expect_file rep/change_by_ward.csv "ward_code,ward_name,prev_12,latest_12,change,pct_change
E05000099,'@Evil ward,2,2,0,0"
expect_grep "^E05000099,'+Burglary,2018-01,2$" rep/counts_ward_type_month.csv
expect_grep "^'-Force,2019-01,2," rep/coverage.csv
expect_grep "^type,'+Burglary,2,1," rep/change_tests.csv

# Every field of every file starting with a formula character is a number
# or guarded ('-Force and the like are the guarded ones).
checks=$((checks + 1))
for f in rep/*.csv all.csv; do
    awk -F, -v f="$f" '{ for (i = 1; i <= NF; i++)
        if ($i ~ /^"?[-=+@\t\r]/ && $i !~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/) { print f ": " $i; bad = 1 } }
        END { exit bad }' "$f" || fail "$f has an unguarded formula"
done
done_testing
