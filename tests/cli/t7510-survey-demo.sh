#!/bin/sh
# The demo's residents' survey, stored through the real importer: two
# fictional waves, about 2,350 respondents in the latest, whose weighted
# estimates are the plan's headline figures (94% feel safe in their local
# area in the day, 60% at night); section 8 of the report shows them.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$SAFER" demo --out demo
expect_grep '^Survey year,LSOA,Age,Sex,' demo/data/survey.csv
checks=$((checks + 1))
[ "$(grep -c '^2021,' demo/data/survey.csv)" = 2350 ] || fail "the 2021 wave is not 2,350 rows"
export SAFER_DB=demo/demo.db
expect_status 0 "$SAFER" survey
expect_grep '^safe_day,2021,,All respondents,[0-9]*,94\.[0-4],' "$TMP/out"
expect_grep '^safe_night,2021,,All respondents,[0-9]*,60\.[0-4],' "$TMP/out"
expect_status 0 "$SAFER" survey --changes
expect_grep '^safe_night,,All respondents,2019,2021,' "$TMP/out"
expect_grep '<h2 id="public">8. The public.s views</h2>' demo/index.html
expect_grep '94.3% who feel safe in their local area during the day (95% confidence interval 93.2% to 95.3%)' demo/index.html
expect_no_grep 'Not loaded' demo/index.html
# The members' edition marks a small base; the public edition shows no
# ward estimate on one, and says so.
expect_grep '<p class="note">\* A small base (under 50 respondents)' demo/index.html
expect_grep '%) \*</td>' demo/index.html
expect_status 0 "$SAFER" assess --area E22900001 --public --out pub
expect_grep '<td class="n">not shown</td>' pub/index.html
expect_grep 'a base under 50 respondents, too few to publish' pub/index.html
expect_no_grep '%) \*</td>' pub/index.html

done_testing
