#!/bin/sh
# Actions from the CSV template (docs/exchange.md): the template imports;
# a key adds once and changes after; UK dates, labels, titles and names as
# a spreadsheet holds them; every kind of bad row is named FILE:LINE:
# column and the store is left exactly as it was; --dry-run changes
# nothing; the audit log has a row per change.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

expect_status 0 "$SAFER" import plan "$PLANS/safer-maidstone-2021.json"
expect_status 0 "$SAFER" user add --email lead@example.org --name 'A Lead' \
    --org 'Maidstone Borough Council' --role practitioner
expect_status 0 "$SAFER" user add --email analyst@example.org --name 'An Analyst' \
    --org 'Kent Police' --role analyst

# The template, as printed, is a file the import takes.
expect_status 0 "$SAFER" template actions
cp "$TMP/out" template.csv
expect_grep '^key,title,description,priority,group,lead_organisation,lead_person,start,due,status,progress' template.csv
before=$(digest)
expect_status 0 "$SAFER" import actions template.csv --dry-run
expect_grep '^checked actions of partnership E22000142 from template.csv: 2 rows, 2 added, 0 updated, 0 unchanged, 0 rejected (a dry run: nothing was changed)$' "$TMP/out"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a dry run changed the store"
expect_status 0 "$SAFER" import actions template.csv
expect_grep '^imported actions of partnership E22000142 from template.csv: 2 rows, 2 added, 0 updated, 0 unchanged, 0 rejected$' "$TMP/out"
expect_status 0 "$SAFER" import actions template.csv
expect_grep ': 2 rows, 0 added, 0 updated, 2 unchanged, 0 rejected$' "$TMP/out"

# A spreadsheet's file: a byte-order mark, CRLF, a quoted comma, quote and
# line break, a priority by title and a group by name in another case, a
# status by its label, a lead by e-mail, a formula-guarded title.
printf '\357\273\277Key,Title,Description,Priority,Group,Lead organisation,Lead person,Start,Due,Status,Progress\r\n' >good.csv
printf 'da-awareness,Run a domestic abuse awareness campaign,"Posters, ""leaflets""\r\nand a stall",reducing the harm caused by domestic abuse (including stalking),domestic abuse forum,Maidstone Borough Council,LEAD@example.org,1/4/2021,31/03/2022,At risk,40\r\n' >>good.csv
printf "new-one,'=SUM(A1),,,,,,,,,\r\n" >>good.csv
printf ',,,,,,,,,,\r\n , ,,,,,,,,,\r\n' >>good.csv
expect_status 0 "$SAFER" import actions good.csv
expect_grep ': 2 rows (2 empty rows skipped), 1 added, 1 updated, 0 unchanged, 0 rejected$' "$TMP/out"
expect_status 0 "$SAFER" export partnership --format csv --out x
expect_grep '^da-awareness,Run a domestic abuse awareness campaign,"Posters, ""leaflets""' x/actions.csv
expect_grep '^and a stall",domestic-abuse,domestic-abuse-forum,Maidstone Borough Council,lead@example.org,2021-04-01,2022-03-31,at-risk,40' x/actions.csv
expect_grep "^new-one,'=SUM(A1),,,,,,,,not-started,0" x/actions.csv
expect_status 0 "$SAFER" audit
expect_grep 'action-change' "$TMP/out"

# Every kind of bad row, and a good one among them: all named, nothing kept.
before=$(digest)
cat >bad.csv <<'CSV'
key,title,description,priority,group,lead_organisation,lead_person,start,due,status,progress
ok-row,A good row,,,,,,,,,
bad-date,Bad date,,,,,,31/02/2026,2026-13-01,,
bad-priority,Unknown priority,,no-such-priority,,,,,,,
bad-status,Unknown status,,,,,,,,finished,
bad-progress,Progress too high,,,,,,,,,101
no-title,,,,,,,,,,
ok-row,Same key again,,,,,,,,,
bad-group,Unknown group,,,no-such-group,,,,,,
bad-org,Unknown organisation,,,,No Such Council,,,,,
bad-person,Unknown person,,,,,nobody@example.org,,,,
bad-order,Due before start,,,,,,2026-04-01,2026-03-01,,
good-quote,Quoted line break,"line one
line two, fine",,,,,,,,
short,row
CSV
expect_status 1 "$SAFER" import actions bad.csv
expect_grep "^bad.csv:3: start: Start date must be a real date" "$TMP/err"
expect_grep "^bad.csv:3: due: Due date must be a real date" "$TMP/err"
expect_grep "^bad.csv:4: priority: 'no-such-priority' is not a priority of the partnership's plan" "$TMP/err"
expect_grep "^bad.csv:5: status: 'finished' is not a status" "$TMP/err"
expect_grep "^bad.csv:6: progress: '101' is not a whole number of per cent from 0 to 100" "$TMP/err"
expect_grep "^bad.csv:7: title: Enter a title" "$TMP/err"
expect_grep "^bad.csv:8: key: 'ok-row' is also the key of the row on line 2" "$TMP/err"
expect_grep "^bad.csv:9: group: 'no-such-group' is not a group" "$TMP/err"
expect_grep "^bad.csv:10: lead_organisation: 'No Such Council' is not an organisation" "$TMP/err"
expect_grep "^bad.csv:11: lead_person: no person of the partnership has the e-mail 'nobody@example.org'" "$TMP/err"
expect_grep "^bad.csv:12: due: Due date must be the same as or after the start date" "$TMP/err"
expect_no_grep "^bad.csv:13:" "$TMP/err"
expect_grep "^bad.csv:15: row: 2 fields, but the header has 11 columns" "$TMP/err"
expect_grep "^safer: bad.csv: 11 of 13 rows rejected$" "$TMP/err"
expect_grep "^safer: 13 rows read, 11 rejected (12 mistakes): no actions were imported$" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused import changed the store"
# The dry run of a bad file says the same and changes nothing either.
expect_status 1 "$SAFER" import actions bad.csv --dry-run
expect_grep "^bad.csv:7: title: Enter a title" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused dry run changed the store"

# A header that is not the template's; an unterminated quote; no file.
printf 'key,titel,description\n' >header.csv
expect_status 1 "$SAFER" import actions header.csv
expect_grep "^header.csv:1: header: 'titel' is not a column of the actions template" "$TMP/err"
expect_grep "^header.csv:1: header: no column 'title'" "$TMP/err"
head -1 template.csv >quote.csv
printf 'k,"never closed,,,,,,,,,\n' >>quote.csv
expect_status 1 "$SAFER" import actions quote.csv
expect_grep "^quote.csv:2: row: " "$TMP/err"
expect_status 1 "$SAFER" import actions missing.csv
expect_grep '^safer: missing.csv: cannot open' "$TMP/err"
: >empty.csv
expect_status 1 "$SAFER" import actions empty.csv
expect_grep 'the file is empty' "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused file changed the store"

# Usage.
expect_status 2 "$SAFER" import actions
expect_grep 'import actions needs exactly one CSV file' "$TMP/err"
expect_status 1 "$SAFER" import actions good.csv --partnership E22999999
expect_grep "no partnership 'E22999999'" "$TMP/err"

done_testing
