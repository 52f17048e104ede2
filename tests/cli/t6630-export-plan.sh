#!/bin/sh
# A partnership's strategy written back as a plan file (safer export plan,
# docs/plan.md): import(export(x)) reads back to the same file, groups'
# terms, members and outcomes and priorities' links included; the new
# fields' mistakes name file, line and field, and change nothing.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

expect_status 0 "$SAFER" import plan "$PLANS/safer-maidstone-2021.json"
expect_status 0 "$SAFER" export plan --out one.json
expect_empty_out() { checks=$((checks + 1)); [ ! -s "$TMP/out" ] || fail "export wrote to standard output"; }
expect_empty_out
for want in '"terms": "The Safer Maidstone Partnership Executive Group (SMPEG) works with' \
    '{ "name": "Alison Broom", "organisation": "Maidstone Borough Council", "role": "chair" }' \
    '"year": 2021' '"kind": "county"' '"meets": "weekly"'; do
    checks=$((checks + 1))
    tr -s ' \n' ' ' <one.json | grep -qF "$(printf '%s' "$want" | tr -s ' \n' ' ')" ||
        fail "the export lacks $want"
done

# Into a new store and out again: the same bytes, and the same strategy.
OTHER=$(new_store other)
expect_status 0 "$SAFER" --db "$OTHER" import plan one.json
expect_grep '^imported the plan of partnership E22000142 from one.json: 8 priorities, 21 groups$' "$TMP/out"
expect_status 0 "$SAFER" --db "$OTHER" export plan --out two.json
checks=$((checks + 1))
cmp -s one.json two.json || fail "import(export(x)) is not x: $(diff one.json two.json | head -5)"
# Standard output gives the same.
expect_status 0 "$SAFER" --db "$OTHER" export plan --area E07000110
checks=$((checks + 1))
cmp -s one.json "$TMP/out" || fail "export to standard output differs from the file"

# Two partnerships: name one.
expect_status 0 "$SAFER" import plan "$DATA/plans/safer-test.json"
expect_status 1 "$SAFER" export plan --out x.json
expect_grep '^safer: the store holds 2 partnerships: name one with --area$' "$TMP/err"
checks=$((checks + 1))
[ ! -e x.json ] || fail "a failed export left x.json"
expect_status 1 "$SAFER" export plan --area E22009999
expect_grep "^safer: no stored plan applies to 'E22009999'$" "$TMP/err"
expect_status 0 "$SAFER" export plan --area E22000001 --out test.json
expect_grep '"id": "asb-panel"' test.json

# The new fields' mistakes: FILE:LINE and the field, nothing imported.
before=$(digest)
bad() { # bad NAME SED-EXPRESSION MESSAGE
    sed "$2" one.json >"$1.json"
    checks=$((checks + 1))
    cmp -s one.json "$1.json" && fail "$1: the sed expression changed nothing"
    expect_status 1 "$SAFER" import plan "$1.json"
    expect_grep "^safer: $1.json:[0-9][0-9]*: $3" "$TMP/err"
}
bad role 's/"role": "chair"/"role": "chairman"/' "'role' of member 1 of group 1 is 'chairman', not one of"
bad year 's/"year": 2021/"year": "2021"/' "'year' in plan 1 of group 5 must be a number"
bad kind 's/"kind": "county"/"kind": "district"/' "'kind' of link 1 of priority 3 is 'district'"
bad account 's/"role": "chair"$/"role": "chair", "account": "alison"/' "'account' of member 1 of group 1 must be an e-mail address"
bad extra 's/"role": "chair"$/"role": "chair", "phone": "1"/' "unknown key 'phone' in member 1 of group 1"
bad terms 's/"terms": "[^"]*"/"terms": " "/' "'terms' in group 1 is empty"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused plan changed the store"

# Usage.
expect_status 2 "$SAFER" export plan --area
done_testing
