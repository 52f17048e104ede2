#!/bin/sh
# Survey indicators through the CSV template and the partnership export
# (docs/exchange.md): a row of kind survey imports with its question; the
# export, imported into a fresh store, gives the same definition back, in
# the CSV files and in the JSON document; a file from before the question
# column still imports; a survey row's mistakes are named FILE:LINE: column.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

expect_status 0 "$SAFER" template indicators
expect_grep '^key,title,priority,group,kind,categories,ward,measure,period,good,target,amber,red,unit,question' "$TMP/out"

cat >s.csv <<'CSV'
key,title,priority,group,kind,categories,ward,measure,period,good,target,amber,red,unit,question
asb-problem,% who think ASB is a big problem,anti-social-behaviour,,Survey,,,,,Down,25.5,5,10,,asb_problem
safe-day,% who feel safe in the day,,smpeg,survey,,,Percent,Wave,up,90,2.5,5,%,safe_day
CSV
expect_status 0 "$SAFER" import plan "$PLANS/safer-maidstone-2021.json"
expect_status 0 "$SAFER" import indicators s.csv
expect_grep ': 2 rows, 2 added, 0 updated, 0 unchanged, 0 rejected$' "$TMP/out"
expect_status 0 "$SAFER" export partnership --format csv --out one
expect_grep '^asb-problem,% who think ASB is a big problem,anti-social-behaviour,,survey,,,percent,wave,down,25.5,5,10,%,asb_problem' one/indicators.csv
expect_grep '^safe-day,% who feel safe in the day,,smpeg,survey,,,percent,wave,up,90,2.5,5,%,safe_day' one/indicators.csv

# The round trip: a fresh store, the same plan, the exported indicators.
fresh=$(new_store fresh)
expect_status 0 env SAFER_DB="$fresh" "$SAFER" import plan "$PLANS/safer-maidstone-2021.json"
expect_status 0 env SAFER_DB="$fresh" "$SAFER" import indicators one/indicators.csv
expect_grep ': 7 rows, 2 added, 0 updated, 5 unchanged, 0 rejected$' "$TMP/out"
expect_status 0 env SAFER_DB="$fresh" "$SAFER" export partnership --format csv --out two
checks=$((checks + 1))
cmp -s one/indicators.csv two/indicators.csv ||
    fail "indicators.csv changed in the round trip: $(diff one/indicators.csv two/indicators.csv)"
# Importing it again changes nothing.
before=$(digest "$fresh")
expect_status 0 env SAFER_DB="$fresh" "$SAFER" import indicators two/indicators.csv
expect_grep ': 7 rows, 0 added, 0 updated, 7 unchanged, 0 rejected$' "$TMP/out"
checks=$((checks + 1))
[ "$(digest "$fresh")" = "$before" ] || fail "re-importing the export changed the store"

# The JSON document carries the same definition in both stores.
expect_status 0 "$SAFER" export partnership --format json --out one.json
expect_status 0 env SAFER_DB="$fresh" "$SAFER" export partnership --format json --out two.json
if command -v python3 >/dev/null; then
    expect_status 0 python3 -c '
import json
def survey(path):
    p = json.load(open(path))["partnership"]
    return sorted((i for i in p["indicators"] if i["kind"] == "survey"), key=lambda i: i["key"])
a, b = survey("one.json"), survey("two.json")
assert [i["key"] for i in a] == ["asb-problem", "safe-after-dark", "safe-day"], a
assert a == b, (a, b)
s = [i for i in a if i["key"] == "safe-after-dark"][0]
assert s["question"] == "safe_night" and s["measure"] == "percent" and s["period"] == "wave"
assert s["target"] == 65 and s["good"] == "up" and s["categories"] == [] and s["unit"] == "%"
'
else
    skip "python3 is needed to parse the JSON"
fi

# A file from before survey indicators: no question column.
printf '%s\n' 'key,title,priority,group,kind,categories,ward,measure,period,good,target,amber,red,unit' \
    'old,Burglary by month,,,computed,Burglary,,count,month,down,10,5,10,' >old.csv
expect_status 0 "$SAFER" import indicators old.csv
expect_grep ': 1 rows, 1 added, 0 updated, 0 unchanged, 0 rejected$' "$TMP/out"

# Mistakes: every one named, and nothing kept.
before=$(digest)
cat >bad.csv <<'CSV'
key,title,priority,group,kind,categories,ward,measure,period,good,target,amber,red,unit,question
no-question,No question,,,survey,,,,,up,60,5,10,,
bad-key,Bad key,,,survey,,,,,up,60,5,10,,safe night?
too-high,Too high,,,survey,,,,,up,120,5,10,,safe_night
a-count,A count,,,survey,,,count,month,up,60,5,10,,safe_night
with-cats,With categories,,,survey,Burglary,,,,up,60,5,10,,safe_night
a-unit,A unit,,,survey,,,,,up,60,5,10,people,safe_night
computed-q,Computed with a question,,,computed,,,count,month,down,10,5,10,,safe_night
safe-after-dark,Kind changed,,,manual,,,count,quarter,up,10,5,10,,
CSV
expect_status 1 "$SAFER" import indicators bad.csv
expect_grep '^bad.csv:2: question: Select the survey question$' "$TMP/err"
expect_grep "^bad.csv:3: question: 'safe night?' is not a survey question's key" "$TMP/err"
expect_grep '^bad.csv:4: target: Target must be a per cent from more than 0 up to 100$' "$TMP/err"
expect_grep "^bad.csv:5: measure: A survey indicator's measure is percent$" "$TMP/err"
expect_grep '^bad.csv:5: period: A survey indicator has one value for each wave of the survey$' "$TMP/err"
expect_grep '^bad.csv:6: categories: A survey indicator has no police.uk categories$' "$TMP/err"
expect_grep "^bad.csv:7: unit: a survey indicator's unit is %: leave it blank$" "$TMP/err"
expect_grep '^bad.csv:8: question: only a survey indicator has a question: leave it blank$' "$TMP/err"
expect_grep '^bad.csv:9: kind: The kind of an indicator cannot change: it is survey$' "$TMP/err"
expect_grep '^safer: bad.csv: 8 of 8 rows rejected$' "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused import changed the store"

done_testing
