#!/bin/sh
# safer nearrepeat --events: the Knox table of a hand-made file
# (tests/data/knox/README.md works it out), reproducible for a seed, with
# no store opened, and its errors: usage (2) and input (1, FILE:LINE).
. "$(dirname "$0")/lib.sh"
EV=$DATA/knox/five.csv
rm -f "$SAFER_DB"

expect_status 0 "$SAFER" nearrepeat --events "$EV" --space 0,150,400 --time 0,1,2 \
    --perms 99 --seed 5 --out a.csv
expect_grep '5 events, 6 pairs within 400 m, 99 permutations: a.csv' "$TMP/out"
[ ! -e "$SAFER_DB" ] || fail "a store was opened with --events"
expect_grep '^space_band,time_band,s_lo,s_hi,t_lo,t_hi,observed,mean_sim,sd_sim,median_sim,knox_ratio,p_value,exact_mean,exact_sd$' a.csv
# observed and exact_mean per cell
awk -F, 'NR > 1 { printf "%s,%s,%s,%.12g\n", $1, $2, $7, $13 }' a.csv > cells
expect_file cells "1,1,1,0.4
1,2,1,0.8
2,1,0,0.8
2,2,1,1.6"
# bounds, 17 significant digits, p-values of the form (k + 1) / 100
awk -F, 'NR == 2 { print $3, $4, $5, $6 }' a.csv > bounds
expect_file bounds "0 150 0 1"
awk -F, 'NR > 1 { k = $12 * 100 - 1; if (k < 0 || k > 99 || k != int(k + 0.5)) print "bad p " $12 }' a.csv > badp
[ ! -s badp ] || fail "$(cat badp)"
expect_grep '^1,1,0,150,0,1,1,.*,0\.40000000000000002,0\.4898979485566356$' a.csv

# The same seed gives the same table; another seed another.
expect_status 0 "$SAFER" nearrepeat --events "$EV" --space 0,150,400 --time 0,1,2 \
    --perms 99 --seed 5 --out b.csv
cmp -s a.csv b.csv || fail "the same seed gave another table"
expect_status 0 "$SAFER" nearrepeat --events "$EV" --space 0,150,400 --time 0,1,2 \
    --perms 99 --seed 6 --out c.csv
cmp -s a.csv c.csv && fail "another seed gave the same table"
# No permutations: the simulated columns are NA.
expect_status 0 "$SAFER" nearrepeat --events "$EV" --space 0,150,400 --time 0,1,2 \
    --perms 0 --out d.csv
expect_grep '^1,1,0,150,0,1,1,NA,NA,NA,NA,NA,0.40000000000000002,' d.csv

# Usage errors: exit 2.
expect_status 2 "$SAFER" nearrepeat --space 0,1 --time 0,1 --out x.csv
expect_grep 'needs --events' "$TMP/err"
expect_status 2 "$SAFER" nearrepeat --events "$EV" --space 0,400,150 --time 0,1 --out x.csv
expect_grep "break '150' is not above" "$TMP/err"
expect_status 2 "$SAFER" nearrepeat --events "$EV" --space 0,1 --time 0,a --out x.csv
expect_grep "^safer: --time '0,a': break 'a'" "$TMP/err"
expect_status 2 "$SAFER" nearrepeat --events "$EV" --space 0,1 --time 0,1 --perms -3 --out x.csv
expect_grep "perms '-3'" "$TMP/err"
expect_status 2 "$SAFER" nearrepeat --events "$EV" --space 0,1 --time 0,1
expect_grep 'needs --out' "$TMP/err"

# Bad input: exit 1, FILE:LINE: field.
printf 'id,x,y,t\n1,0,0,0\n2,10,zz,1\n' > bad.csv
expect_status 1 "$SAFER" nearrepeat --events bad.csv --space 0,1 --time 0,1 --out x.csv
expect_grep "^safer: bad.csv:3: field 'y': 'zz'" "$TMP/err"
printf 'id,x,y,t\n1,0,0,1.5\n' > bad.csv
expect_status 1 "$SAFER" nearrepeat --events bad.csv --space 0,1 --time 0,1 --out x.csv
expect_grep "^safer: bad.csv:2: field 't'" "$TMP/err"
printf 'id,east,north,t\n' > bad.csv
expect_status 1 "$SAFER" nearrepeat --events bad.csv --space 0,1 --time 0,1 --out x.csv
expect_grep "bad.csv:1: header field 2 is not 'x'" "$TMP/err"
expect_status 1 "$SAFER" nearrepeat --events missing.csv --space 0,1 --time 0,1 --out x.csv
expect_grep "cannot open 'missing.csv'" "$TMP/err"
expect_status 1 "$SAFER" nearrepeat --events "$EV" --space 0,1 --time 0,1 --out nodir/x.csv
expect_grep "cannot write 'nodir/x.csv'" "$TMP/err"
[ ! -e "$SAFER_DB" ] || fail "a store was opened with --events"

done_testing
