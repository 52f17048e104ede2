#!/bin/sh
# The partnership exported (docs/exchange.md): one CSV file a record kind,
# text guarded against spreadsheet formulas, no credentials; one JSON
# document that parses; and the round trip: actions.csv and
# indicators.csv imported into a fresh store export again unchanged.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

setup() {
    SAFER_DB=$1 "$SAFER" import plan "$PLANS/safer-maidstone-2021.json" >/dev/null
    SAFER_DB=$1 "$SAFER" user add --email lead@example.org --name '=Lead' \
        --org 'Maidstone Borough Council' --role practitioner >/dev/null
    SAFER_DB=$1 "$SAFER" user add --email analyst@example.org --name 'An Analyst' \
        --org 'Kent Police' --role analyst >/dev/null
}
setup "$SAFER_DB"
"$SAFER" template actions >a.csv
"$SAFER" template indicators >i.csv
printf '%s\n' 'x-1,"-2+3, a formula?","multi' 'line",domestic-abuse,,,lead@example.org,,,complete,100' >>a.csv
# A row without a key adds an action as the workspace would: it gets the
# key action-ID, and exports with it.
printf '%s\n' ',Added without a key,,,,,,,,not-started,0' >>a.csv
expect_status 0 "$SAFER" import actions a.csv
expect_status 0 "$SAFER" import indicators i.csv

expect_status 0 "$SAFER" export partnership --format csv --out one
expect_grep '^wrote 21 CSV files of partnership E22000142 into one$' "$TMP/out"
for f in groups group_members group_remits priorities priority_categories priority_links \
    priority_groups group_plans actions action_updates indicators indicator_values \
    indicator_comments equality_assessments funding funding_actions organisations people \
    partnership districts plan; do
    checks=$((checks + 1))
    [ -s "one/$f.csv" ] || fail "no one/$f.csv"
done
expect_grep "^x-1,\"'-2+3, a formula?\",\"multi" one/actions.csv
expect_grep '^action-[0-9]*,Added without a key,' one/actions.csv
expect_grep "^'=Lead,lead@example.org,Maidstone Borough Council,practitioner,0" one/people.csv
expect_no_grep 'password\|totp\|\$argon\|\$2' one/people.csv

# The round trip into a fresh store.
fresh=$(new_store fresh)
setup "$fresh"
expect_status 0 env SAFER_DB="$fresh" "$SAFER" import actions one/actions.csv
expect_status 0 env SAFER_DB="$fresh" "$SAFER" import indicators one/indicators.csv
expect_status 0 env SAFER_DB="$fresh" "$SAFER" export partnership --format csv --out two
for f in actions indicators priorities groups people; do
    checks=$((checks + 1))
    cmp -s "one/$f.csv" "two/$f.csv" || fail "$f.csv changed in the round trip: $(diff one/$f.csv two/$f.csv)"
done
# And importing the export into the store it came from changes nothing.
before=$(digest)
expect_status 0 "$SAFER" import actions one/actions.csv
expect_grep ' 0 added, 0 updated, 19 unchanged, 0 rejected$' "$TMP/out"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "re-importing the export changed the store"

# JSON: one document, nested.
expect_status 0 "$SAFER" export partnership --format json --out p.json
if command -v python3 >/dev/null; then
    expect_status 0 python3 -c '
import json, sys
d = json.load(open("p.json"))
p = d["partnership"]
assert d["format"] == "safer-partnership" and p["code"] == "E22000142"
a = [x for x in p["actions"] if x["key"] == "x-1"][0]
assert a["title"] == "-2+3, a formula?" and a["description"] == "multi\nline", a
assert a["progress"] == 100 and a["updates"] == []
i = [x for x in p["indicators"] if x["key"] == "asb-quarter"][0]
assert i["categories"] == ["Anti-social behaviour", "Criminal damage and arson"], i
assert i["target"] == 400 and i["values"] == [] and i["comments"] == []
g = [x for x in p["groups"] if x["key"] == "smpeg"][0]
assert g["remit"] and "members" in g
r = [x for x in p["priorities"] if x["key"] == "domestic-abuse"][0]
assert r["categories"] and "links" in r
for k in ("plans", "equality", "funding", "people", "organisations"):
    assert isinstance(p[k], list), k
'
else
    skip "python3 is needed to parse the JSON"
fi
expect_status 0 "$SAFER" export partnership --format json
checks=$((checks + 1))
cmp -s "$TMP/out" p.json || fail "standard output differs from --out"

# Usage and refusals.
expect_status 2 "$SAFER" export partnership --out x
expect_grep 'needs --format csv or --format json' "$TMP/err"
expect_status 2 "$SAFER" export partnership --format csv
expect_grep 'needs --out DIR' "$TMP/err"
mkdir mine && echo keep >mine/notes.txt
expect_status 1 "$SAFER" export partnership --format csv --out mine
checks=$((checks + 1))
[ "$(cat mine/notes.txt)" = keep ] || fail "an export replaced a folder it did not write"

done_testing
