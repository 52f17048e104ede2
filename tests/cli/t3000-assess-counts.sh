#!/bin/sh
# The assessment's counts on hand-made wards and records whose ward is known:
# interior, hole, detached part, boundary (excluded), LSOA fallback, windows.
. "$(dirname "$0")/lib.sh"
P=$DATA/police

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import police "$P/2019-01-kent-street.csv" "$P/2018-01-kent-street.csv" >/dev/null

expect_status 0 "$SAFER" assess --out rep
expect_grep 'report: rep/index.html' "$TMP/out"
expect_file rep/counts_ward_type_month.csv 'ward_code,crime_type,month,count
E05000001,Anti-social behaviour,2018-01,1
E05000001,Bicycle theft,2019-01,1
E05000001,Burglary,2018-01,2
E05000001,Burglary,2019-01,1
E05000001,Shoplifting,2019-01,1
E05000002,Anti-social behaviour,2019-01,1
E05000003,Bicycle theft,2018-01,1
E05000003,Vehicle crime,2019-01,1
E05000003,Violence and sexual offences,2019-01,1'
expect_file rep/change_by_type.csv 'crime_type,prev_12,latest_12,change,pct_change
Anti-social behaviour,1,1,0,0
Bicycle theft,1,1,0,0
Burglary,2,1,-1,-50
Drugs,0,0,0,
Other theft,0,0,0,
Shoplifting,0,1,1,
Vehicle crime,0,1,1,
Violence and sexual offences,0,1,1,'
expect_file rep/change_by_ward.csv 'ward_code,ward_name,prev_12,latest_12,change,pct_change
E05000001,Alpha,3,3,0,0
E05000002,"Beta, the island",0,1,1,
E05000003,Gamma,1,2,1,100'
checks=$((checks + 1))
[ "$(metric rep/summary.csv rows_total)" = 14 ] || fail "rows_total"
[ "$(metric rep/summary.csv rows_no_coords)" = 1 ] || fail "rows_no_coords"
[ "$(metric rep/summary.csv rows_outside_wards)" = 3 ] || fail "rows_outside_wards"
[ "$(metric rep/summary.csv rows_assigned)" = 10 ] || fail "rows_assigned"
[ "$(metric rep/summary.csv rows_assigned_by_lsoa)" = 1 ] || fail "rows_assigned_by_lsoa"
[ "$(metric rep/summary.csv latest_month)" = 2019-01 ] || fail "latest_month"
[ "$(metric rep/summary.csv latest_12_start)" = 2018-02 ] || fail "latest_12_start"
[ "$(metric rep/summary.csv prev_12_start)" = 2017-02 ] || fail "prev_12_start"
[ "$(metric rep/summary.csv prev_12_end)" = 2018-01 ] || fail "prev_12_end"

# --to moves the windows; later records are left out and counted.
expect_status 0 "$SAFER" assess --out out2 --to 2018-06
checks=$((checks + 1))
[ "$(metric out2/summary.csv rows_total)" = 4 ] || fail "--to rows_total"
[ "$(metric out2/summary.csv rows_after_latest)" = 10 ] || fail "--to rows_after_latest"
expect_grep '^Burglary,0,2,2,$' out2/change_by_type.csv

# --from sets the latest window's first month; the previous window is as
# long, just before it: 2018-07 to 2019-01 after 2017-12 to 2018-06.
expect_status 0 "$SAFER" assess --out from1 --from 2018-07
checks=$((checks + 1))
[ "$(metric from1/summary.csv latest_12_start)" = 2018-07 ] || fail "--from latest_12_start"
[ "$(metric from1/summary.csv prev_12_start)" = 2017-12 ] || fail "--from prev_12_start"
[ "$(metric from1/summary.csv prev_12_end)" = 2018-06 ] || fail "--from prev_12_end"
[ "$(metric from1/summary.csv window_months)" = 7 ] || fail "--from window_months"
expect_grep '^Burglary,2,1,-1,-50$' from1/change_by_type.csv
expect_grep 'in the 7 months to January 2019, compared with the 7 months to June 2018' from1/index.html
# One month against a previous month that holds no data: no test, p empty.
expect_status 0 "$SAFER" assess --out from2 --from 2019-01 --to 2019-01
expect_grep '^type,Burglary,0,1,,,no,no$' from2/change_tests.csv
expect_grep '^prev_months_with_data,0$' from2/summary.csv
expect_grep 'no test: no data for December 2018' from2/index.html
expect_status 2 "$SAFER" assess --out x --from 2019-02 --to 2019-01
expect_grep "^safer: --from '2019-02' is after --to '2019-01'" "$TMP/err"
expect_status 2 "$SAFER" assess --out x --from 2019
expect_grep "^safer: --from '2019' is not a month (YYYY-MM)" "$TMP/err"
expect_status 1 "$SAFER" assess --out x --from 2019-03
expect_grep "the first month '2019-03' is after the latest month '2019-01'" "$TMP/err"

# --area keeps one district's wards; the rest count as outside the area.
expect_status 0 "$SAFER" assess --out out3 --area E07000001
expect_file out3/change_by_ward.csv 'ward_code,ward_name,prev_12,latest_12,change,pct_change
E05000001,Alpha,3,3,0,0
E05000002,"Beta, the island",0,1,1,'
checks=$((checks + 1))
[ "$(metric out3/summary.csv rows_outside_area)" = 3 ] || fail "rows_outside_area"
[ "$(metric out3/summary.csv rows_assigned)" = 7 ] || fail "--area rows_assigned"

# A CSP code works through the district -> CSP lookup.
"$SAFER" import lookup "$DATA/lookup_csp.csv" >/dev/null
expect_status 0 "$SAFER" assess --out out4 --area E22000002
expect_file out4/change_by_ward.csv 'ward_code,ward_name,prev_12,latest_12,change,pct_change
E05000003,Gamma,1,2,1,100'
expect_status 1 "$SAFER" assess --out out5 --area E07999999
expect_grep "no stored ward lies in area 'E07999999'" "$TMP/err"

expect_status 2 "$SAFER" assess
expect_status 2 "$SAFER" assess --out x --to 2019-13
done_testing
