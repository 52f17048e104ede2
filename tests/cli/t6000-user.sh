#!/bin/sh
# People of the workspace from the command line (docs/workspace.md): add
# prints a one-time set-up link, reset a new one; disable and enable; list;
# what is refused, and that a refusal changes nothing.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

# No store, then a store without a partnership.
expect_status 1 "$SAFER" user list
expect_grep 'no .*store there' "$TMP/err"
expect_status 0 "$SAFER" store init
expect_status 1 "$SAFER" user add --email jo@maidstone.gov.uk --name Jo --org MBC --role member
expect_grep "^safer: no partnership in the store yet (import its plan first: safer import plan)$" "$TMP/err"

expect_status 0 "$SAFER" import plan "$PLANS/safer-maidstone-2021.json"
expect_status 0 "$SAFER" user add --email Jo.Bloggs@Maidstone.gov.uk --name "Jo Bloggs" \
    --org "Maidstone Borough Council" --role coordinator
expect_grep '^set-up link: http://127.0.0.1:8080/account/setup?token=[0-9a-f]\{32\}$' "$TMP/out"
link1=$(sed 's/.*token=//' "$TMP/out")

# The store's public_url makes the links' base (a trailing / or not).
if [ -z "${SAFER_TEST_PG:-}" ]; then
    sqlite3 "$SAFER_DB" "INSERT INTO meta(key, value) VALUES('public_url', 'https://safer.example.org/')"
else
    psql -X -q "$SAFER_DB" -c "INSERT INTO meta(key, value) VALUES('public_url', 'https://safer.example.org/')"
fi
expect_status 0 "$SAFER" user add --email ann@kent.police.uk --name "Ann Other" \
    --org "Kent Police" --role analyst --partnership E22000142
expect_grep '^set-up link: https://safer.example.org/account/setup?token=[0-9a-f]\{32\}$' "$TMP/out"
expect_status 0 "$SAFER" user reset --email JO.BLOGGS@maidstone.gov.uk
expect_grep '^reset link: https://safer.example.org/account/setup?token=[0-9a-f]\{32\}$' "$TMP/out"
link2=$(sed 's/.*token=//' "$TMP/out")
checks=$((checks + 1))
[ "$link1" != "$link2" ] || fail "a reset gave the same link again"
# Links are kept only as their hashes.
checks=$((checks + 1))
if [ -z "${SAFER_TEST_PG:-}" ]; then
    hashes=$(sqlite3 "$SAFER_DB" "SELECT hash FROM user_token")
else
    hashes=$(psql -X -At "$SAFER_DB" -c "SELECT hash FROM user_token")
fi
case "$hashes" in *"$link1"* | *"$link2"*) fail "a link is stored as it is" ;; esac

expect_status 0 "$SAFER" user list
expect_file "$TMP/out" "ann@kent.police.uk	Ann Other	Kent Police	E22000142	analyst	not set up
jo.bloggs@maidstone.gov.uk	Jo Bloggs	Maidstone Borough Council	E22000142	coordinator	not set up"

expect_status 0 "$SAFER" user disable --email ann@kent.police.uk
expect_grep '^disabled (their sessions ended) ann@kent.police.uk$' "$TMP/out"
expect_status 0 "$SAFER" user list
expect_grep 'analyst	disabled$' "$TMP/out"
expect_status 0 "$SAFER" user disable --email ann@kent.police.uk --enable
expect_grep '^enabled ann@kent.police.uk$' "$TMP/out"
expect_status 0 "$SAFER" user list
expect_grep 'analyst	not set up$' "$TMP/out"

expect_status 0 "$SAFER" user sign-out --email ANN@kent.police.uk
expect_grep '^ended 0 sessions of ANN@kent.police.uk$' "$TMP/out"

# Refused, and nothing changed.
before=$(digest)
expect_status 2 "$SAFER" user add --email x@maidstone.gov.uk --name X --org MBC --role boss
expect_grep "^safer: unknown role 'boss' (a person's role is one of: public, member, executive, practitioner, analyst, coordinator, administrator)$" "$TMP/err"
expect_status 1 "$SAFER" user add --email jo.bloggs@MAIDSTONE.gov.uk --name Jo --org MBC --role member
expect_grep "^safer: 'jo.bloggs@maidstone.gov.uk' is someone's e-mail already$" "$TMP/err"
for bad in jo.maidstone.gov.uk @maidstone.gov.uk 'jo@' 'jo@a@b' 'jo bloggs@x.org'; do
    expect_status 1 "$SAFER" user add --email "$bad" --name X --org MBC --role member
    expect_grep "^safer: '$bad' is not an e-mail address: " "$TMP/err"
done
expect_status 1 "$SAFER" user add --email x@maidstone.gov.uk --name X --org MBC --role member \
    --partnership E22999999
expect_grep "^safer: no partnership 'E22999999' in the store (import its plan first: safer import plan)$" "$TMP/err"
expect_status 1 "$SAFER" user reset --email nobody@maidstone.gov.uk
expect_grep "^safer: no person 'nobody@maidstone.gov.uk' here$" "$TMP/err"
expect_status 1 "$SAFER" user disable --email nobody@maidstone.gov.uk
expect_grep "^safer: no person 'nobody@maidstone.gov.uk' here$" "$TMP/err"
expect_status 1 "$SAFER" user sign-out --email nobody@maidstone.gov.uk
expect_grep "^safer: no person 'nobody@maidstone.gov.uk' here$" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused command changed the store"

# Two partnerships: say which.
expect_status 0 "$SAFER" import plan "$DATA/plans/safer-test.json"
expect_status 1 "$SAFER" user add --email x@maidstone.gov.uk --name X --org MBC --role member
expect_grep "^safer: the store has 2 partnerships (E22000001, E22000142): say which one$" "$TMP/err"
expect_grep "^safer: choose one with --partnership CODE$" "$TMP/err"
expect_status 0 "$SAFER" user add --email x@test.gov.uk --name X --org TBC --role administrator \
    --partnership E22000001
expect_status 0 "$SAFER" user list
expect_grep '^x@test.gov.uk	X	TBC	E22000001	administrator	not set up$' "$TMP/out"

# Memberships (area: accounts): join another partnership, change a role
# there, leave it; what is refused changes nothing.
expect_status 1 "$SAFER" user add --email jo.bloggs@maidstone.gov.uk --name Jo --org MBC \
    --role member --partnership E22000001
expect_grep "^safer: to add them to another partnership: safer user join$" "$TMP/err"
expect_status 0 "$SAFER" user join --email Jo.Bloggs@maidstone.gov.uk --role analyst \
    --partnership E22000001
expect_grep '^Jo.Bloggs@maidstone.gov.uk is analyst in E22000001$' "$TMP/out"
expect_status 0 "$SAFER" user list
expect_grep '^jo.bloggs@maidstone.gov.uk	Jo Bloggs	Maidstone Borough Council	E22000001	analyst	not set up$' "$TMP/out"
expect_grep '^jo.bloggs@maidstone.gov.uk	Jo Bloggs	Maidstone Borough Council	E22000142	coordinator	not set up$' "$TMP/out"
expect_status 0 "$SAFER" user role --email jo.bloggs@maidstone.gov.uk --role executive \
    --partnership E22000001
expect_grep '^jo.bloggs@maidstone.gov.uk is executive in E22000001$' "$TMP/out"
expect_status 0 "$SAFER" audit --record user
expect_grep 'user-join (added a person to a partnership) .*{"partnership": "E22000001", "role": "analyst"}' "$TMP/out"
expect_grep 'user-role (changed a person.s role) .*{"partnership": "E22000001", "role": "analyst"} → {"partnership": "E22000001", "role": "executive"}' "$TMP/out"
# An administrator without an authenticator app gets a link to enrol one.
expect_status 0 "$SAFER" user role --email jo.bloggs@maidstone.gov.uk --role administrator \
    --partnership E22000001
expect_grep '^as an administrator they sign in with an authenticator app: their sessions ended, and this link enrols one$' "$TMP/out"
expect_grep '^reset link: https://safer.example.org/account/setup?token=[0-9a-f]\{32\}$' "$TMP/out"
before=$(digest)
expect_status 1 "$SAFER" user join --email jo.bloggs@maidstone.gov.uk --role analyst \
    --partnership E22000001
expect_grep "^safer: 'jo.bloggs@maidstone.gov.uk' is in partnership 'E22000001' already, as administrator (change it with safer user role)$" "$TMP/err"
expect_status 1 "$SAFER" user join --email nobody@maidstone.gov.uk --role analyst --partnership E22000001
expect_grep "^safer: no person 'nobody@maidstone.gov.uk' here$" "$TMP/err"
expect_status 1 "$SAFER" user role --email x@test.gov.uk --role analyst --partnership E22000142
expect_grep "^safer: no person 'x@test.gov.uk' in partnership 'E22000142'$" "$TMP/err"
expect_status 1 "$SAFER" user role --email jo.bloggs@maidstone.gov.uk --role analyst
expect_grep "^safer: the store has 2 partnerships (E22000001, E22000142): say which one$" "$TMP/err"
expect_grep "^safer: choose one with --partnership CODE$" "$TMP/err"
expect_status 2 "$SAFER" user role --email jo.bloggs@maidstone.gov.uk --role boss --partnership E22000001
expect_status 1 "$SAFER" user leave --email x@test.gov.uk --partnership E22000001
expect_grep "^safer: 'x@test.gov.uk' is in no other partnership: disable them instead (safer user disable)$" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a refused membership command changed the store"
expect_status 0 "$SAFER" user leave --email jo.bloggs@maidstone.gov.uk --partnership E22000142
expect_grep '^jo.bloggs@maidstone.gov.uk left E22000142 (their sessions there ended)$' "$TMP/out"
expect_status 0 "$SAFER" user list
expect_grep '^jo.bloggs@maidstone.gov.uk	Jo Bloggs	Maidstone Borough Council	E22000001	administrator	not set up$' "$TMP/out"
checks=$((checks + 1))
! grep -q '^jo.bloggs@maidstone.gov.uk.*E22000142' "$TMP/out" || fail "jo is still in E22000142"
expect_status 0 "$SAFER" audit --record user
expect_grep 'user-leave (took a person out of a partnership) .*{"partnership": "E22000142", "role": "coordinator"}' "$TMP/out"

# Usage.
expect_status 2 "$SAFER" user add --email a@b.org --name A --org B
expect_grep '^safer: user add needs --role$' "$TMP/err"
expect_status 2 "$SAFER" user reset
expect_grep '^safer: user reset needs --email$' "$TMP/err"
expect_status 2 "$SAFER" user disable
expect_status 2 "$SAFER" user sign-out
expect_status 2 "$SAFER" user join --email a@b.org --role member
expect_grep '^safer: user join needs --partnership$' "$TMP/err"
expect_status 2 "$SAFER" user role --email a@b.org
expect_grep '^safer: user role needs --role$' "$TMP/err"
expect_status 2 "$SAFER" user leave
expect_grep '^safer: user leave needs --email$' "$TMP/err"
expect_status 2 "$SAFER" user
expect_status 2 "$SAFER" user remove --email a@b.org
expect_status 0 "$SAFER" user --help
expect_grep 'usage: safer \[--db PATH|URL\] user add --email EMAIL --name NAME --org ORG --role ROLE' "$TMP/out"
expect_status 0 "$SAFER" --help
expect_grep '^  user ' "$TMP/out"
expect_grep '^  audit ' "$TMP/out"
done_testing
