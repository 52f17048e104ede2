#!/bin/sh
# safer focus on the real Maidstone wards (2019) with Kent Police and BTP
# files, the ONS lookup, IoD2019 File 6 populations and File 2 domains,
# when the shared data sits beside the checkout. The ward domain figures
# are checked against a computation in awk straight from the files.
. "$(dirname "$0")/lib.sh"
D=${SAFER_SHARED_DATA:-/nonexistent}
[ -f "$D/imd/File_2_-_IoD2019_Domains_of_Deprivation.csv" ] || skip "the shared data is not at $D"
"$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson" >/dev/null
"$SAFER" import police "$D/police-uk/kent/street" "$D/police-uk/btp/street" >/dev/null
"$SAFER" import lookup "$D/lookups/lsoa11_to_ward19_lad19_ew.csv" >/dev/null
"$SAFER" import population "$D/imd/File_6_-_IoD2019_Population_Denominators.csv" >/dev/null
expect_status 0 "$SAFER" import deprivation "$D/imd/File_2_-_IoD2019_Domains_of_Deprivation.csv"
expect_grep 'imported deprivation of 32844 LSOAs from .*, with 7 domains' "$TMP/out"

expect_status 0 "$SAFER" focus --area E07000110 --out f.csv
cp "$TMP/out" summary.txt
expect_grep '^focus index of 26 wards (26 ranked) from 6 indicators' summary.txt
checks=$((checks + 1))
[ "$(wc -l < f.csv)" = 27 ] || fail "f.csv: a header and 26 wards"
# The wards the partnership chose, Shepway North and Shepway South, are
# in the top 5 and in the proposed focus area, with Park Wood between them.
for w in 'Shepway North' 'Shepway South' 'Park Wood'; do
    expect_grep "^[1-5],E0500[0-9]*,$w,[^,]*,5,[^,]*,[^,]*,[^,]*,1,1," f.csv
    checks=$((checks + 1))
    grep '^proposed focus area:' summary.txt | grep -q "$w" || fail "$w not in the focus area"
done

# Health (column 16) and income (column 14) by ward: population-weighted
# mean LSOA rank, from the files themselves.
sed -E ':a;s/"([0-9]+),([0-9,]*)"/"\1\2"/;ta' "$D/imd/File_6_-_IoD2019_Population_Denominators.csv" |
    tr -d '"' > pop.csv
awk -F, -v OFS=, '
    FILENAME == ARGV[1] && $6 == "E07000110" { ward[$2] = $4 }
    FILENAME == ARGV[2] { pop[$1] = $5 }
    FILENAME == ARGV[3] && ($1 in ward) { w = ward[$1]; p = pop[$1];
        s[w] += p; inc[w] += p * $7; hea[w] += p * $13 }
    END { for (w in s) printf "%s,%.17g,%.17g\n", w, inc[w] / s[w], hea[w] / s[w] }
' "$D/lookups/lsoa11_to_ward19_lad19_ew.csv" pop.csv \
    "$D/imd/File_2_-_IoD2019_Domains_of_Deprivation.csv" | sort > want.csv
awk -F, -v OFS=, 'NR > 1 { print $2, $14, $16 }' f.csv | sort > got.csv
checks=$((checks + 1))
[ "$(wc -l < want.csv)" = 26 ] || fail "want.csv: 26 wards"
checks=$((checks + 1))
awk -F, 'NR == FNR { a[$1] = $2; b[$1] = $3; next }
    { d1 = a[$1] - $2; d2 = b[$1] - $3; if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2;
      if (!($1 in a) || d1 > 1e-9 * $2 || d2 > 1e-9 * $3) { print "ward " $1 ": " $2 "," $3; bad = 1 } }
    END { exit bad }' want.csv got.csv || fail "ward domain ranks differ from the files"

done_testing
