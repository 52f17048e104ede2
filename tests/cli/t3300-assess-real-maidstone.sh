#!/bin/sh
# The real Kent Police and British Transport Police files against the real
# Maidstone wards (2019), when the shared data sits beside the checkout.
. "$(dirname "$0")/lib.sh"
D=${SAFER_SHARED_DATA:-/nonexistent}
[ -d "$D/police-uk/kent" ] || skip "the shared data is not at $D"
expect_status 0 "$SAFER" import areas "$D/boundaries/maidstone/maidstone_wards_2019_WD19.geojson"
expect_status 0 "$SAFER" import police "$D/police-uk/kent/street" "$D/police-uk/btp/street"
expect_grep 'imported 10 files (0 unchanged, 0 skipped): 100404 rows read, 100404 imported, 0 rejected' "$TMP/out"
expect_status 0 "$SAFER" assess --out rep --area E07000110
checks=$((checks + 1))
[ "$(metric rep/summary.csv wards)" = 26 ] || fail "26 Maidstone wards"
# Kent's 2018-12 file (8,438 rows against about 16,000) is partial.
expect_grep '^Kent Police,2018-12,8438,partial$' rep/coverage.csv
expect_grep '^Kent Police,2019-01,17792,ok$' rep/coverage.csv
expect_grep '^British Transport Police,2019-02,4330,ok$' rep/coverage.csv
checks=$((checks + 1))
t=$(metric rep/summary.csv rows_total)
s=$(($(metric rep/summary.csv rows_no_coords) + $(metric rep/summary.csv rows_outside_wards) + $(metric rep/summary.csv rows_outside_area) + $(metric rep/summary.csv rows_assigned)))
[ "$t" = "$s" ] || fail "rows_total $t is not the sum of its parts $s"
expect_grep 'Kent Police 2018-12' rep/index.html
done_testing
