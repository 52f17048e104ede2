#!/bin/sh
# Every real police.uk file (Kent and British Transport Police for five
# months, 39 forces for 2019-01) is one publication whose name agrees with
# its rows: all import, every row, in one command, when the shared data
# sits beside the checkout.
. "$(dirname "$0")/lib.sh"
D=${SAFER_SHARED_DATA:-/nonexistent}/police-uk
[ -d "$D/national/2019-01" ] || skip "the shared data is not at $D"
expect_status 0 "$SAFER" import police "$D/kent/street" "$D/btp/street" "$D/national/2019-01"
expect_grep 'imported 49 files (0 unchanged, 0 skipped): 436099 rows read, 436099 imported, 0 rejected, 0 replaced' "$TMP/out"
checks=$((checks + 1))
[ ! -s "$TMP/err" ] || fail "notes or rejected rows for real files: $(head -3 "$TMP/err")"
expect_status 0 "$SAFER" import police "$D/national/2019-01"
expect_grep 'imported 39 files (39 unchanged, 0 skipped): 335695 rows read, 0 imported' "$TMP/out"
done_testing
