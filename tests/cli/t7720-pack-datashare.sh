#!/bin/sh
# safer pack data-share: the quarter's partner tables, suppressed under each
# data set's threshold (and not with --unsuppressed), the police.uk figures
# of the same months, usage errors, and a store without partner data.
. "$(dirname "$0")/lib.sh"
P=$DATA/partner

expect_status 0 "$SAFER" pack data-share --help
expect_grep 'usage: safer \[--db PATH|URL\] pack data-share --quarter YYYY-QN --out FILE.html' "$TMP/out"
expect_status 0 "$SAFER" pack --help
expect_grep 'pack data-share --help' "$TMP/out"
expect_status 2 "$SAFER" pack data-share --out x.html
expect_grep 'pack data-share needs --quarter YYYY-QN' "$TMP/err"
expect_status 2 "$SAFER" pack data-share --quarter 2019-Q5 --out x.html
expect_grep "'2019-Q5' is not a quarter" "$TMP/err"
expect_status 2 "$SAFER" pack data-share --quarter 2019-Q1

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import lookup "$DATA/lookup_csp.csv" >/dev/null
"$SAFER" import population "$DATA/population.csv" >/dev/null
"$SAFER" import police "$DATA/police/2019-01-kent-street.csv" >/dev/null
"$SAFER" import plan "$DATA/plans/safer-test.json" >/dev/null

expect_status 0 "$SAFER" pack data-share --quarter 2019-Q1 --out empty.html
expect_grep 'No partner data is loaded' empty.html

"$SAFER" import partner "$P/admissions.csv" --map "$P/admissions.json" >/dev/null
"$SAFER" import partner "$P/fires.csv" --map "$P/fires.json" >/dev/null
expect_status 0 "$SAFER" pack data-share --quarter 2019-Q1 --out pack.html
expect_grep '^data-share pack of .* for 2019-Q1: pack.html$' "$TMP/out"
expect_grep 'Data-share pack, 2019-Q1' pack.html
expect_grep 'Hospital admissions for assault by ward and month' pack.html
expect_grep 'Police.uk records by category' pack.html
# The admissions of the quarter (January to March): Alpha 12 9 14 (35),
# Beta 3 6 8 (17), Gamma 7 2 10 (19); 3 and 2 are under 5.
# The admissions table's partner cells (the police column is marked apart).
sed -n 's/.*Hospital admissions for assault by ward and month//p' pack.html |
    sed 's|</table>.*||' | tr '<' '\n' | sed -n 's/^td class="n">//p' >cells
checks=$((checks + 1))
[ "$(wc -l <cells)" -eq 16 ] || fail "the admissions table has $(wc -l <cells) partner cells, not 4 x 4"
checks=$((checks + 1))
grep -qx '\[c\]' cells || fail "nothing is suppressed in the pack"
checks=$((checks + 1))
! grep -qx '[1-4]' cells || fail "a count from 1 to 4 is shown: $(grep -x '[1-4]' cells | head -3 | tr '\n' ' ')"
expect_status 0 "$SAFER" pack data-share --quarter 2019-Q1 --unsuppressed --out all.html
tr '<' '\n' <all.html | sed -n 's/^td class="n">//p' >cells
checks=$((checks + 1))
! grep -qx '\[c\]' cells || fail "--unsuppressed still suppresses"
expect_grep 'not to be passed on' all.html
done_testing
