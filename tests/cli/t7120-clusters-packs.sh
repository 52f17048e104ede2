#!/bin/sh
# The demo borough's ward clusters: the report's section and the members'
# packs (safer pack clusters), a page a cluster, the same clusters in both.
. "$(dirname "$0")/lib.sh"
expect_status 0 "$SAFER" demo --out d
expect_grep '<h3 id="clusters">Ward clusters</h3>' d/index.html
expect_grep 'The 26 wards fall into 7 clusters' d/index.html
expect_grep 'the search proved it' d/index.html
DB=d/demo.db
expect_status 0 "$SAFER" --db "$DB" pack clusters --out packs.html
expect_grep '^ward cluster packs: packs.html$' "$TMP/out"
checks=$((checks + 1))
[ "$(grep -o '<section class="cluster">' packs.html | wc -l)" = 7 ] || fail "7 pages"
# Every ward on exactly one page: 26 rows of the wards' tables.
checks=$((checks + 1))
[ "$(grep -o '<tr><td>[^<]*</td><td class="n">[0-9,]*</td><td class="n">[0-9,]*</td>' packs.html |
    wc -l)" = 26 ] || fail "26 wards in the packs"
expect_grep "The cluster's priorities" packs.html
expect_grep 'the least spread, proved' packs.html
# The pack's clusters are the report's: each cluster's wards, in order.
sed -n 's/.*<caption>Ward clusters: each cluster.s wards and spread<\/caption>//p' d/index.html |
    grep -o '<tr><td class="n">[0-9]*</td><td>[^<]*</td>' |
    sed 's/<tr><td class="n">\([0-9]*\)<\/td><td>\([^<]*\)<\/td>/\1: \2/' >report.txt
grep -o '<h2>Cluster [0-9]*: [^<]*</h2>' packs.html | sed 's/<h2>Cluster \(.*\)<\/h2>/\1/' >pack.txt
checks=$((checks + 1))
[ "$(wc -l <report.txt)" = 7 ] && cmp -s report.txt pack.txt || {
    fail "the packs' clusters differ from the report's"
    diff report.txt pack.txt >&2 || true
}
# safer clusters --area: the default attributes, the report's clusters.
expect_status 0 "$SAFER" --db "$DB" clusters --area E22900001 --max-size 4 --clusters 7 \
    --out area.csv
expect_grep '^proved optimal' "$TMP/out"
awk '/^cluster [0-9]+:/ { if (line != "") print line; n = $2; sub(":", "", n); line = n ":"; sep = " "; next }
     /^  E/ { $1 = ""; sub(/^ /, ""); line = line sep $0; sep = ", " }
     END { print line }' "$TMP/out" >cli.txt
checks=$((checks + 1))
cmp -s report.txt cli.txt || {
    fail "safer clusters --area differs from the report"
    diff report.txt cli.txt >&2 || true
}
checks=$((checks + 1))
[ "$(wc -l <area.csv)" = 27 ] || fail "26 wards in area.csv"
expect_status 2 "$SAFER" --db "$DB" clusters --area E22900001 --attributes x.csv --max-size 4 \
    --clusters 7 --out x.csv
expect_grep 'clusters needs --attributes FILE.csv or --area CODE' "$TMP/err"
# The same packs every time.
expect_status 0 "$SAFER" --db "$DB" pack clusters --out again.html
checks=$((checks + 1))
cmp -s packs.html again.html || fail "two runs differ"
expect_status 2 "$SAFER" --db "$DB" pack clusters
expect_grep 'pack clusters needs --out' "$TMP/err"
expect_status 2 "$SAFER" --db "$DB" pack clusters --out x.html --to 2019-13
expect_status 0 "$SAFER" pack clusters --help
expect_grep 'usage: safer \[--db PATH|URL\] pack clusters' "$TMP/out"
done_testing
