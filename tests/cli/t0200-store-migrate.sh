#!/bin/sh
# A store written by safer 0.1.0 opens, is migrated once, in one
# transaction, and gives the same outputs 0.1.0 gave.
. "$(dirname "$0")/lib.sh"
V1=$DATA/store-v1
gzip -dc "$V1/store-v1.db.gz" >old.db

expect_status 0 "$SAFER" --db old.db store info
expect_grep '^engine: sqlite$' "$TMP/out"
expect_grep '^schema version: 8$' "$TMP/out"
first=$(digest old.db)

# Opening it again migrates nothing more.
expect_status 0 "$SAFER" --db old.db store info
checks=$((checks + 1))
[ "$(digest old.db)" = "$first" ] || fail "a second open changed the migrated store"

expect_status 0 "$SAFER" --db old.db export police --out export.csv
checks=$((checks + 1))
cmp -s "$V1/export.csv" export.csv || fail "export differs from 0.1.0's"
expect_status 0 "$SAFER" --db old.db assess --out rep
for f in "$V1"/assess/*.csv; do
    checks=$((checks + 1))
    b=$(basename "$f")
    if [ "$b" = coverage.csv ]; then
        # coverage.csv has gained columns between rows and status since
        # 0.1.0 (docs/assessment.md); those 0.1.0 wrote must be the same.
        awk -F, -v OFS=, '{ print $1, $2, $3, $NF }' "rep/$b" >coverage-v1.csv
        cmp -s "$f" coverage-v1.csv || fail "$b differs from 0.1.0's in its 0.1.0 columns"
    elif [ "$b" = summary.csv ]; then
        # summary.csv has gained metrics after those of 0.1.0 (the windows'
        # months with data, the area's files); those 0.1.0 wrote are the same.
        head -n "$(wc -l <"$f")" "rep/$b" >summary-v1.csv
        cmp -s "$f" summary-v1.csv || fail "$b differs from 0.1.0's in its 0.1.0 metrics"
    elif [ "$b" = rates_by_ward.csv ]; then
        # The rate's interval and flag came in before rate_per_1000 (three
        # fields without commas; a ward's name may hold one).
        sed -E 's/,[^,]*,[^,]*,[^,]*(,[^,]*)$/\1/' "rep/$b" >rates-v1.csv
        cmp -s "$f" rates-v1.csv || fail "$b differs from 0.1.0's in its 0.1.0 columns"
    elif [ "$b" = moran.csv ]; then
        # The rows on counts are 0.1.0's; rows on rates follow them.
        grep -v '^rate_latest12,' "rep/$b" >moran-v1.csv
        cmp -s "$f" moran-v1.csv || fail "$b differs from 0.1.0's in its rows on counts"
    else
        cmp -s "$f" "rep/$b" || fail "$b differs from 0.1.0's"
    fi
done
done_testing
