#!/bin/sh
# Lookups and populations: recognised by their headers; a bad row fails the
# whole file with FILE:LINE and changes nothing.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv"
expect_grep 'imported 3 lsoa-ward lookup rows (0 replaced)' "$TMP/out"
expect_status 0 "$SAFER" import lookup "$DATA/lookup_csp.csv"
expect_grep 'imported 2 district-csp lookup rows' "$TMP/out"
expect_status 0 "$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv"
expect_grep '(3 replaced)' "$TMP/out"

expect_status 1 "$SAFER" import lookup "$DATA/lookup-bad.csv"
expect_grep 'lookup-bad.csv:3: empty ward code' "$TMP/err"
expect_status 1 "$SAFER" import lookup "$DATA/population.csv"
expect_grep 'not a lookup this program knows' "$TMP/err"

# A FIFO fails at once (timeout: it used to wait for a writer for ever).
mkfifo pipe.csv
expect_status 1 timeout 20 "$SAFER" import lookup pipe.csv
expect_grep 'pipe.csv: not a regular file' "$TMP/err"

# Population: thousands separators, a byte-order mark, the column's heading kept.
expect_status 0 "$SAFER" import population "$DATA/population.csv"
expect_grep "imported population of 3 lsoa areas (total 3287) from .*; basis 'Total population: mid 2015 (excluding prisoners)'" "$TMP/out"
expect_status 1 "$SAFER" import population "$DATA/population-bad.csv"
expect_grep "population-bad.csv:2: population '1,2x6' is not a number" "$TMP/err"
expect_status 1 "$SAFER" import population "$DATA/lookup_csp.csv"
expect_grep 'expected an area code column' "$TMP/err"

# Rates reach the assessment: LSOAs summed to wards through the lookup.
"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import police "$DATA/police/2019-01-kent-street.csv" >/dev/null
expect_status 0 "$SAFER" assess --out rep
# Each rate carries its exact Poisson 95% interval and the flag for fewer
# than 10 records, in columns before rate_per_1000, which stays last.
sed 's/"Beta, the island"/Beta/' rep/rates_by_ward.csv | cut -d, -f1-4,7- > rates.cut
expect_file rates.cut 'ward_code,ward_name,population,latest_12,few_records,rate_per_1000
E05000001,Alpha,1296,3,yes,2.3148148148148149
E05000002,Beta,1004,1,yes,0.99601593625498008
E05000003,Gamma,987,2,yes,2.0263424518743669'
# The limits for 3, 1 and 2 records are the means at which P(X >= k) and
# P(X <= k) are 0.025, from tests/data/poisson/poisson_ci.csv (R's
# poisson.test gives the same), per 1,000 of the population.
checks=$((checks + 1))
sed 's/"Beta, the island"/Beta/' rep/rates_by_ward.csv | awk -F, '
    function off(got, want) { d = got - want; if (d < 0) d = -d; return d > 1e-12 * want }
    NR == 1 { if ($5 != "rate_lower_95" || $6 != "rate_upper_95") bad = 1; next }
    { lo[$4] = 1000 * lo_k[$4] / $3; up[$4] = 1000 * up_k[$4] / $3 }
    BEGIN { lo_k[1] = 0.025317807984289876; up_k[1] = 5.5716433909388989
            lo_k[2] = 0.2422092785439649;   up_k[2] = 7.2246876677239609
            lo_k[3] = 0.61867212289560125;  up_k[3] = 8.7672730697423269 }
    NR > 1 { if (off($5, lo[$4]) || off($6, up[$4])) bad = 1 }
    END { exit bad }' || fail "rates_by_ward.csv: an interval is not the exact Poisson one"

# Deprivation: IMD deciles by LSOA, 1 to 10.
expect_status 1 "$SAFER" import deprivation "$DATA/deprivation-bad.csv"
expect_grep "deprivation-bad.csv:2: IMD decile '11' is not 1 to 10" "$TMP/err"
printf 'LSOA code (2011),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\nE01000001,"1,234",1\nE01000002,"30,000",10\n' > dep.csv
expect_status 0 "$SAFER" import deprivation dep.csv
expect_grep 'imported deprivation of 2 LSOAs' "$TMP/out"
expect_status 0 "$SAFER" assess --out rep2
expect_file rep2/deprivation_by_ward.csv 'ward_code,ward_name,lsoas,lsoas_most_deprived_20pct,mean_imd_decile
E05000001,Alpha,1,1,1
E05000002,"Beta, the island",1,0,10
E05000003,Gamma,0,0,'

# Populations by ward and by LSOA combine ward by ward: a ward figure wins
# for its ward, a missing or zero one means no rate for that ward only, and
# no placeholder ever reaches a reader (one ward row for a ward elsewhere
# once made every rate empty and the summary say "-1.0 per 1,000").
SAFER_DB=$(new_store rates)
"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import police "$DATA/police/2019-01-kent-street.csv" >/dev/null
printf 'WD19CD,population\nE05002000,5000\n' > elsewhere.csv
expect_status 0 "$SAFER" import population elsewhere.csv
expect_status 0 "$SAFER" assess --out r1
expect_file r1/rates_by_ward.csv 'ward_code,ward_name,population,latest_12,rate_lower_95,rate_upper_95,few_records,rate_per_1000
E05000001,Alpha,,3,,,,
E05000002,"Beta, the island",,1,,,,
E05000003,Gamma,,2,,,,'
expect_grep 'Alpha had the most records, 3 (no ward of the area has a population figure' r1/index.html
expect_no_grep '\-1\.0\|NaN\|nan' r1/index.html
printf 'WD19CD,population\nE05000001,0\nE05000003,800\n' > wards0.csv
expect_status 0 "$SAFER" import population wards0.csv
expect_status 0 "$SAFER" import population "$DATA/population.csv"
expect_status 0 "$SAFER" assess --out r2
sed 's/"Beta, the island"/Beta/' r2/rates_by_ward.csv | cut -d, -f1-4,7- > rates2.cut
expect_file rates2.cut 'ward_code,ward_name,population,latest_12,few_records,rate_per_1000
E05000001,Alpha,,3,,
E05000002,Beta,1004,1,yes,0.99601593625498008
E05000003,Gamma,800,2,yes,2.5'
expect_grep 'Gamma had the highest rate, 2.5 per 1,000 residents (2 records in 1 month with data); 1 ward has no population figure, so no rate' r2/index.html

# An ONS estimate by single year of age and sex (the LSOA layout from
# mid-2022: Total, F0..F90, M0..M90) is stored by age and sex as well; the
# ages must sum to the total, and a file with some age columns but not all
# is refused. A refused file changes nothing.
SAFER_DB=$(new_store ages)
sape() { # sape LSOA... : a row each; a woman of age k counts 1 + k mod 3, a man 2
    awk -v lsoas="$*" 'BEGIN {
        printf "LAD 2021 Code,LAD 2021 Name,LSOA 2021 Code,LSOA 2021 Name,Total"
        for (k = 0; k <= 90; k++) printf ",F%d", k
        for (k = 0; k <= 90; k++) printf ",M%d", k
        printf "\n"
        n = split(lsoas, l, " ")
        for (i = 1; i <= n; i++) {
            t = 0; row = ""
            for (k = 0; k <= 90; k++) { v = 1 + k % 3; t += v; row = row "," v }
            for (k = 0; k <= 90; k++) { t += 2; row = row ",2" }
            printf "E07000001,Testborough,%s,Test %d,%d%s\n", l[i], i, t, row
        }
    }'
}
sape E01000001 E01000002 > sape.csv
expect_status 0 "$SAFER" import population sape.csv
expect_grep "^imported population of 2 lsoa areas (total 726) from .*sape.csv; basis 'Total'; by sex and single year of age$" "$TMP/out"
before=$(digest)
sed '2s/,2$/,3/' sape.csv > sape-sum.csv
expect_status 1 "$SAFER" import population sape-sum.csv
expect_grep 'sape-sum.csv:2: the ages F0 to M90 sum to 364, not the total 363$' "$TMP/err"
sed '1s/,M45,/,Age45,/' sape.csv > sape-col.csv
expect_status 1 "$SAFER" import population sape-col.csv
expect_grep "sape-col.csv:1: column 'M45' is missing: an estimate by single year of age has F0 to F90 and M0 to M90$" "$TMP/err"
sed '3s/,2,2$/,x,2/' sape.csv > sape-num.csv
expect_status 1 "$SAFER" import population sape-num.csv
expect_grep "sape-num.csv:3: population 'x' in column 'M89' is not a number$" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused estimate by age changed the store"
# Again with another woman of 0 (and so another total): the digest sees it.
sed '2s/,363,1,/,364,2,/' sape.csv > sape2.csv
expect_status 0 "$SAFER" import population sape2.csv
checks=$((checks + 1))
[ "$(digest)" != "$before" ] || fail "the digest does not see a population by age"

# The real IoD2019 denominators, when the shared data is beside the checkout
# (with CI=true they must be there).
IMD=${SAFER_SHARED_DATA:-}/imd/File_6_-_IoD2019_Population_Denominators.csv
if [ ! -f "$IMD" ] && [ "${CI:-}" = true ]; then
    fail "the shared data is not at ${SAFER_SHARED_DATA:-(unset)}"
elif [ ! -f "$IMD" ]; then
    echo "the real IoD2019 files are not here: those checks are skipped"
else
    expect_status 0 "$SAFER" import population "$IMD"
    expect_grep 'imported population of 32844 lsoa areas' "$TMP/out"
    expect_status 0 "$SAFER" import deprivation "${SAFER_SHARED_DATA}/imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
    expect_grep 'imported deprivation of 32844 LSOAs' "$TMP/out"
fi
done_testing
