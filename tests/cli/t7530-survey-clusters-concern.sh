#!/bin/sh
# Survey estimates by ward cluster, and public concern in the scores of
# candidate priorities, on the demo: `safer survey --clusters --area` gives
# the clusters of the report (cluster-K, named by their wards), the report's
# section 8 shows the same figures by cluster, the public edition hides a
# small base; the demo's concern questions score public concern in section
# 9, naming the categories asked about; a mapping naming a category
# police.uk does not have fails; without concern questions the component is
# left out, with the reason.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$SAFER" demo --out demo
export SAFER_DB=demo/demo.db

expect_status 2 "$SAFER" survey --clusters
expect_grep '^safer: survey --clusters needs --area CODE' "$TMP/err"
expect_status 2 "$SAFER" survey --area E22900001
expect_grep '^safer: --area goes with --clusters' "$TMP/err"
expect_status 0 "$SAFER" survey --help
expect_grep 'survey --clusters --area CODE' "$TMP/out"

expect_status 0 "$SAFER" survey --clusters --area E22900001
cp "$TMP/out" clusters.csv
expect_grep '^question,wave,domain,domain_name,base,weighted_pct,lower,upper,small_base$' clusters.csv
# The overall row is the same as by ward; no ward rows.
expect_grep '^safe_day,2021,,All respondents,[0-9]*,94\.3,93\.2,95\.3,no$' clusters.csv
expect_no_grep '^safe_day,2021,E05' clusters.csv
expect_grep '^safe_day,2021,cluster-1,"[A-Z][a-z]*, ' clusters.csv
# Every cluster of the report, each question.
k=$(grep -c '^safe_night,2021,cluster-' clusters.csv)
checks=$((checks + 1))
[ "$k" -ge 2 ] || fail "only $k clusters"
expect_grep "wards fall into $k clusters" demo/index.html
# The report's cluster table holds the CSV's figure for cluster 1.
line=$(grep '^safe_night,2021,cluster-1,' clusters.csv)
pct=$(echo "$line" | awk -F, '{print $(NF-3)}')
lo=$(echo "$line" | awk -F, '{print $(NF-2)}')
hi=$(echo "$line" | awk -F, '{print $(NF-1)}')
expect_grep '<h3>By ward cluster</h3>' demo/index.html
expect_grep "<tr><th scope=\"row\">1</th><td>[^<]*</td><td class=\"n\">[^<]*</td><td class=\"n\">$pct% ($lo% to $hi%)</td>" demo/index.html
expect_status 0 "$SAFER" survey --clusters --area E22900001 --changes
expect_grep '^safe_night,cluster-1,"[^"]*",2019,2021,' "$TMP/out"

# Public concern: scored from the demo's concern questions.
expect_grep '<td>Public concern</td><td class="n">1</td><td>yes</td>' demo/index.html
expect_grep 'Wave 2021 asked about Anti-social behaviour ([0-9.]*%), Burglary' demo/index.html
expect_grep 'every other category is scored neutral, at the mean of those asked about' demo/index.html
expect_grep 'Scored on volume, trend and public concern, the highest-scoring' demo/index.html
expect_grep ' (not asked)</td>' demo/index.html

# A category police.uk does not have.
sed 's/"concern": \["Drugs"\]/"concern": ["Drug dealing"]/' demo/data/survey-map.json >bad.json
expect_status 1 "$SAFER" import survey demo/data/survey.csv --map bad.json \
    --margins demo/data/survey-margins.csv
expect_grep "^safer: bad.json: questions\[3\].concern: 'Drug dealing' is not a police.uk category (Anti-social behaviour, Bicycle theft, " "$TMP/err"

# No concern question: left out, with the reason.
sed 's/"concern": \[[^]]*\]/"concern": []/' demo/data/survey-map.json >none.json
expect_status 0 "$SAFER" import survey demo/data/survey.csv --map none.json \
    --margins demo/data/survey-margins.csv
expect_status 0 "$SAFER" assess --area E22900001 --out again
expect_grep '<td>Public concern</td><td class="n">1</td><td>no</td>' again/index.html
expect_grep 'Left out: no question of the survey loaded (section 8) names a police.uk category' again/index.html
expect_no_grep '(not asked)' again/index.html

# The public edition: a cluster on a base under 50 would be "not shown";
# the demo's clusters are all larger, so every figure is shown.
expect_status 0 "$SAFER" assess --area E22900001 --public --out pub
expect_grep '<h3>By ward cluster</h3>' pub/index.html
expect_status 0 "$SAFER" survey --clusters --area E22900001 --public
checks=$((checks + 1))
[ "$(grep -c ',cluster-' "$TMP/out")" = "$(grep -c ',cluster-' clusters.csv)" ] ||
    fail "the public view drops a cluster with a base of 50 or more"

done_testing
