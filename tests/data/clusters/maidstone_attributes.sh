#!/bin/sh
# maidstone_attributes.sh DIR: the ward attributes of the Maidstone
# measurement and test (tests/cli/t7110-clusters-maidstone.sh,
# make_skater.R) from the assessment written into DIR: each ward's records
# per 1,000 residents of the six major categories, over every month in
# counts_ward_type_month.csv, and its LSOAs' mean IMD decile. Standard output.
set -eu
dir=$1
awk -F, '
FNR == 1 { file++; next }
file == 1 { pop[$1] = $3; order[++n] = $1 }
file == 2 { dep[$1] = $5 }
file == 3 { c[$1 "," $2] += $4 }
END {
    k = split("Violence and sexual offences,Anti-social behaviour,Criminal damage and arson,Other theft,Public order,Burglary", cat, ",")
    printf "ward"
    for (j = 1; j <= k; j++) { s = tolower(cat[j]); gsub(/ /, "_", s); printf ",%s", s }
    print ",imd_decile"
    for (i = 1; i <= n; i++) {
        w = order[i]
        printf "%s", w
        for (j = 1; j <= k; j++) printf ",%.10g", 1000 * c[w "," cat[j]] / pop[w]
        printf ",%.10g\n", dep[w]
    }
}' "$dir/rates_by_ward.csv" "$dir/deprivation_by_ward.csv" "$dir/counts_ward_type_month.csv"
