#!/bin/sh
# A partnership's plan (docs/plan.md): imported whole or not at all, with
# FILE:LINE for what is wrong; a second plan of the same partnership
# replaces the first; a district is one partnership's.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

expect_status 0 "$SAFER" import plan "$DATA/plans/safer-test.json"
expect_grep '^imported the plan of partnership E22000001 from .*safer-test.json: 3 priorities, 2 groups$' "$TMP/out"
expect_status 0 "$SAFER" import plan "$DATA/plans/safer-test.json"
expect_grep '3 priorities, 2 groups (its stored plan replaced)$' "$TMP/out"

# The transcription of the Safer Maidstone Partnership's plan, under its real code.
expect_status 0 "$SAFER" import plan "$PLANS/safer-maidstone-2021.json"
expect_grep '^imported the plan of partnership E22000142 from .*: 8 priorities, 21 groups, 15 new actions$' "$TMP/out"
# Again: its actions are the partnership's now, none is added twice.
expect_status 0 "$SAFER" import plan "$PLANS/safer-maidstone-2021.json"
expect_grep '^imported the plan of partnership E22000142 from .*: 8 priorities, 21 groups (its stored plan replaced)$' "$TMP/out"
before=$(digest)

# Refused files change nothing.
sed 's/"title": "Reducing burglary in Testborough"/"titel": "Reducing burglary in Testborough"/' \
    "$DATA/plans/safer-test.json" >typo.json
expect_status 1 "$SAFER" import plan typo.json
expect_grep "^safer: typo.json:17: unknown key 'titel' in priority 1 (the format has: id, title," "$TMP/err"
expect_grep '^safer: nothing was imported$' "$TMP/err"
sed 's/"Burglary", "Robbery"/"Burglary", "Robery"/' "$DATA/plans/safer-test.json" >category.json
expect_status 1 "$SAFER" import plan category.json
expect_grep "^safer: category.json:18: 'Robery' in 'categories' of priority 1 is not a police.uk crime category" "$TMP/err"
printf '{"safer_plan": 1,\n  "partnership": {"name": "x",\n' >cut.json
expect_status 1 "$SAFER" import plan cut.json
expect_grep '^safer: cut.json:2: not valid JSON: ' "$TMP/err"
# Another partnership may not take Maidstone's district.
sed -e 's/"E22000001"/"E22000002"/' -e 's/"E07000001"/"E07000110"/' \
    "$DATA/plans/safer-test.json" >claim.json
expect_status 1 "$SAFER" import plan claim.json
expect_grep "^safer: claim.json: district 'E07000110' belongs to the stored partnership 'E22000142' ('Safer Maidstone Partnership')" "$TMP/err"
expect_status 1 "$SAFER" import plan missing.json
expect_grep '^safer: missing.json: cannot open: ' "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused plan changed the store"

# The complete example of docs/plan.md is a plan this program reads.
sed -n '/^```json$/,/^```$/p' "$DATA/../../docs/plan.md" | sed '1d;$d' >example.json
expect_status 0 "$SAFER" --db example.db import plan example.json
expect_grep '^imported the plan of partnership E22000001 from example.json: 2 priorities, 2 groups, 1 new action$' "$TMP/out"

# Usage.
expect_status 2 "$SAFER" import plan
expect_grep 'import plan needs exactly one JSON file' "$TMP/err"
expect_status 2 "$SAFER" import plan a.json b.json
expect_status 0 "$SAFER" import plan --help
expect_grep 'usage: safer \[--db PATH\] import plan PLAN.json' "$TMP/out"
done_testing
