#!/bin/sh
# Indicators from the CSV template (docs/exchange.md): the template
# imports; a key changes, a kind does not; categories by ';' in any case;
# bad rows named FILE:LINE: column, and then nothing is kept.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

expect_status 0 "$SAFER" import plan "$PLANS/safer-maidstone-2021.json"
expect_status 0 "$SAFER" template indicators
cp "$TMP/out" template.csv
expect_grep '^key,title,priority,group,kind,categories,ward,measure,period,good,target,amber,red,unit' template.csv
before=$(digest)
expect_status 0 "$SAFER" import indicators template.csv --dry-run
expect_grep ': 2 rows, 2 added, 0 updated, 0 unchanged, 0 rejected (a dry run: nothing was changed)$' "$TMP/out"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a dry run changed the store"
expect_status 0 "$SAFER" import indicators template.csv
expect_grep '^imported indicators of partnership E22000142 from template.csv: 2 rows, 2 added, 0 updated, 0 unchanged, 0 rejected$' "$TMP/out"

cat >change.csv <<'CSV'
Key,Title,Priority,Group,Kind,Categories,Ward,Measure,Period,Good,Target,Amber,Red,Unit
asb-quarter,ASB and damage,The general duty to reduce anti-social behaviour (ASB),,Computed,anti-social behaviour ; criminal damage and arson;Burglary,,Count,Rolling 12,Down,380.5,5,10,
CSV
expect_status 0 "$SAFER" import indicators change.csv
expect_grep ': 1 rows, 0 added, 1 updated, 0 unchanged, 0 rejected$' "$TMP/out"
expect_status 0 "$SAFER" export partnership --format csv --out x
expect_grep '^asb-quarter,ASB and damage,anti-social-behaviour,,computed,Anti-social behaviour;Criminal damage and arson;Burglary,,count,rolling12,down,380.5,5,10,' x/indicators.csv

before=$(digest)
cat >bad.csv <<'CSV'
key,title,priority,group,kind,categories,ward,measure,period,good,target,amber,red,unit
fine,A good one,,,manual,,,count,month,up,10,5,10,people
bad-cat,Bad category,,,computed,Burglary;Shoplifitng,,count,month,down,10,5,10,
bad-kind,Bad kind,,,guessed,,,count,month,down,10,5,10,
asb-quarter,Kind changed,,,manual,,,count,quarter,down,10,5,10,
bad-numbers,Bad numbers,,,computed,,,count,month,down,-3,ten,5,
bad-ward,Bad ward,,,computed,,Nowhere,count,month,down,10,5,10,
manual-cats,Manual with categories,,,manual,Burglary,,count,month,up,10,5,10,
fine,Key twice,,,manual,,,count,month,up,10,5,10,
CSV
expect_status 1 "$SAFER" import indicators bad.csv
expect_grep "^bad.csv:3: categories: .*'Shoplifitng' is not a police.uk category" "$TMP/err"
expect_grep "^bad.csv:4: kind: " "$TMP/err"
expect_grep "^bad.csv:5: kind: The kind of an indicator cannot change: it is computed" "$TMP/err"
expect_grep "^bad.csv:6: target: Target must be more than 0" "$TMP/err"
expect_grep "^bad.csv:6: amber: Amber threshold must be a number" "$TMP/err"
expect_grep "^bad.csv:7: ward: Select a ward in the partnership's area" "$TMP/err"
expect_grep "^bad.csv:8: categories: a manual indicator has no categories" "$TMP/err"
expect_grep "^bad.csv:9: key: 'fine' is also the key of the row on line 2" "$TMP/err"
expect_grep "^safer: bad.csv: 7 of 8 rows rejected$" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused import changed the store"

done_testing
