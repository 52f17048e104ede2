#!/bin/sh
# safer partner counts|change|compare on hand-made data: counts and rates
# by ward and month, suppression under the threshold with its secondary
# cells (and --unsuppressed), the change test of the windows, and the
# partner series beside police.uk violence by ward and month, with
# Pearson's r checked against awk's own computation and Spearman's rho
# against ranks worked out by hand.
. "$(dirname "$0")/lib.sh"
P=$DATA/partner

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import population "$DATA/population.csv" >/dev/null
"$SAFER" import partner "$P/admissions.csv" --map "$P/admissions.json" >/dev/null
"$SAFER" import partner "$P/fires.csv" --map "$P/fires.json" >/dev/null

# Police.uk violence, 2019-01 to 2019-04, by ward (a point in each):
# Alpha 20 15 25 18, Beta 5 9 12 2, Gamma 10 4 15 14.
mkdir police
for m in 1 2 3 4; do
    f=police/2019-0$m-kent-street.csv
    echo 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context' >"$f"
    for w in "0.501 51.201 E01000001 20 15 25 18" "0.507 51.207 E01000002 5 9 12 2" \
             "0.53 51.21 E01000003 10 4 15 14"; do
        set -- $w
        eval n=\${$((3 + m))}
        i=0
        while [ $i -lt "$n" ]; do
            i=$((i + 1))
            printf '%064x,2019-0%s,Kent Police,Kent Police,%s,%s,On or near Test Road,%s,Test,Violence and sexual offences,Under investigation,\n' \
                "$((m * 1000 + i + ${#3}))$i" "$m" "$1" "$2" "$3" >>"$f"
        done
    done
done
"$SAFER" import police police >/dev/null

expect_status 0 "$SAFER" partner counts assault-admissions --unsuppressed
expect_file "$TMP/out" "ward,ward_name,population,count,rate_per_1000
E05000001,Alpha,1296,46,35.49
E05000002,\"Beta, the island\",1004,17,16.93
E05000003,Gamma,987,28,28.37
all,All wards,,91,"

# Threshold 5: Beta's 3 and Gamma's 2 are small; each row, column and
# window (January and February: Beta 9, Gamma 9) keeps two hidden cells.
expect_status 0 "$SAFER" partner counts assault-admissions --by-month --out counts.csv
expect_grep '^assault-admissions, 2019-01 to 2019-04: 91 records in 3 wards, suppressed' "$TMP/out"
expect_file counts.csv "ward,ward_name,month,count
E05000001,Alpha,2019-01,12
E05000001,Alpha,2019-02,9
E05000001,Alpha,2019-03,14
E05000001,Alpha,2019-04,11
E05000002,\"Beta, the island\",2019-01,[c]
E05000002,\"Beta, the island\",2019-02,[c]
E05000002,\"Beta, the island\",2019-03,8
E05000002,\"Beta, the island\",2019-04,0
E05000003,Gamma,2019-01,[c]
E05000003,Gamma,2019-02,[c]
E05000003,Gamma,2019-03,10
E05000003,Gamma,2019-04,9
all,All wards,2019-01,22
all,All wards,2019-02,17
all,All wards,2019-03,32
all,All wards,2019-04,20"
# No shown count is from 1 to 4.
checks=$((checks + 1))
awk -F, 'NR > 1 && $NF ~ /^[1-4]$/ { bad = 1 } END { exit bad }' counts.csv ||
    fail "a count under the threshold is shown"

# The fires (threshold 3): Beta's 1 is hidden, and Gamma's 3 with it, or
# Alpha's 4 would give it away from the total.
expect_status 0 "$SAFER" partner counts deliberate-fires
expect_file "$TMP/out" "ward,ward_name,population,count,rate_per_1000
E05000001,Alpha,1296,4,3.09
E05000002,\"Beta, the island\",1004,[c],[c]
E05000003,Gamma,987,[c],[c]
all,All wards,,8,"

# The change test: March and April against January and February.
expect_status 0 "$SAFER" partner change assault-admissions --window 2 --unsuppressed
expect_file "$TMP/out" "ward,ward_name,prev_from,latest_to,prev,latest,p,p_adj
E05000001,Alpha,2019-01,2019-04,21,25,0.658738,0.988107
E05000002,\"Beta, the island\",2019-01,2019-04,9,8,1,1
E05000003,Gamma,2019-01,2019-04,9,19,0.0871586,0.261476
all,All wards,2019-01,2019-04,39,52,0.208174,0.208174"
expect_status 2 "$SAFER" partner change assault-admissions --window 0
expect_status 1 "$SAFER" partner change assault-admissions --window 3
expect_grep 'needs 6 months of data; the table holds 4' "$TMP/err"
expect_status 1 "$SAFER" partner counts no-such-set
expect_grep "no partner data set 'no-such-set' in the store" "$TMP/err"

# Beside police.uk violence by ward: police 78 28 43, partner 46 17 28.
expect_status 0 "$SAFER" partner compare assault-admissions --unsuppressed --out cmp.csv
expect_file cmp.csv "ward,ward_name,population,police,partner,police_rate_per_1000,partner_rate_per_1000
E05000001,Alpha,1296,78,46,60.19,35.49
E05000002,\"Beta, the island\",1004,28,17,27.89,16.93
E05000003,Gamma,987,43,28,43.57,28.37"
r=$(awk 'BEGIN { n = 3; split("78 28 43", x, " "); split("46 17 28", y, " ");
    for (i = 1; i <= n; i++) { mx += x[i] / n; my += y[i] / n }
    for (i = 1; i <= n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ^ 2; syy += (y[i] - my) ^ 2 }
    printf "%.4f", sxy / sqrt(sxx * syy) }')
expect_grep "^assault-admissions against police.uk 'Violence and sexual offences', 2019-01 to 2019-04, by ward: Pearson r = $r, Spearman rho = 1.0000$" "$TMP/out"
# By month: police 35 28 52 34, partner 22 17 32 20; ranks 3 1 4 2 both.
expect_status 0 "$SAFER" partner compare assault-admissions --by-month --unsuppressed
expect_file "$TMP/out" "month,police,partner
2019-01,35,22
2019-02,28,17
2019-03,52,32
2019-04,34,20"
expect_grep 'by month: Pearson r = 0\.99[0-9]*, Spearman rho = 1\.0000$' "$TMP/err"
# Suppressed, the correlation uses the wards shown: Alpha alone is too few.
expect_status 0 "$SAFER" partner compare deliberate-fires --police-category all
expect_grep 'by ward: Pearson r = none, Spearman rho = none (over the figures shown)$' "$TMP/err"

# Hot spots of the fires' points: every square of the bounding box, the
# counts adding up to the 8 fires; a data set without points is refused.
expect_status 0 "$SAFER" partner hotspots deliberate-fires --cell 500 --unsuppressed --out hot.csv
expect_grep '^deliberate-fires: 8 points on [0-9]* squares of 500 m, [0-9]* hot spots' "$TMP/out"
checks=$((checks + 1))
[ "$(awk -F, 'NR > 1 { s += $5 } END { print s }' hot.csv)" = 8 ] || fail "the squares do not hold the 8 fires"
expect_grep '^cell_i,cell_j,e_centre,n_centre,count,z,p_adj,class$' hot.csv
expect_status 0 "$SAFER" partner hotspots deliberate-fires --cell 500
expect_no_grep ',none$' "$TMP/out"
expect_status 1 "$SAFER" partner hotspots assault-admissions
expect_grep 'hot spots need record-level data placed by point or postcode' "$TMP/err"
expect_status 2 "$SAFER" partner hotspots deliberate-fires --cell 5
done_testing
