#!/bin/sh
# The audit log from the command line (docs/workspace.md): a row a line in
# plain words, filtered by day, person and record; --verify checks the hash
# chain and names the first row changed behind the program; the log's rows
# cannot be changed through SQL; it reads while another process writes.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

# sql SQL: run SQL on the store with the engine's own tool.
sql() {
    if [ -z "${SAFER_TEST_PG:-}" ]; then
        sqlite3 "$SAFER_DB" "$1"
    else
        psql -X -q -At -v ON_ERROR_STOP=1 "$SAFER_DB" -c "$1"
    fi
}

# expect_empty FILE
expect_empty() {
    checks=$((checks + 1))
    if [ -s "$1" ]; then
        fail "$1 is not empty:"
        sed 's/^/  /' "$1" >&2
    fi
}

# The Maidstone plan without its actions and groups' members (whose
# "action-add" and "org-add" rows would come first): cut the list off the
# end of the file, and each group's members out.
sed -e '/^  "actions": \[/,$d' -e '/^      "members": \[/,/^      \],$/d' \
    "$PLANS/safer-maidstone-2021.json" | sed '$s/,$//' >maidstone.json
echo '}' >>maidstone.json
expect_status 0 "$SAFER" import plan maidstone.json
expect_status 0 "$SAFER" audit
expect_empty "$TMP/out"
expect_status 0 "$SAFER" audit --verify
expect_grep '^the audit log is whole: 0 rows, each matching its hash$' "$TMP/out"

expect_status 0 "$SAFER" user add --email jo@maidstone.gov.uk --name "Jo Bloggs" \
    --org "Maidstone Borough Council" --role coordinator
expect_status 0 "$SAFER" user add --email ann@kent.police.uk --name "Ann Other" \
    --org "Kent Police" --role analyst
expect_status 0 "$SAFER" user reset --email jo@maidstone.gov.uk
expect_status 0 "$SAFER" user disable --email ann@kent.police.uk
expect_status 0 "$SAFER" user disable --email ann@kent.police.uk --enable

expect_status 0 "$SAFER" audit
today=$(date -u +%Y-%m-%d)
T="${today}T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"
sed "s/^${today}T[0-9:]*Z/AT/" "$TMP/out" >rows
expect_file rows 'AT  operator  org-add (added an organisation)  organisation/1  {"name": "Maidstone Borough Council", "kind": "partner"}
AT  operator  user-add (added a person)  user/1  {"email": "jo@maidstone.gov.uk", "name": "Jo Bloggs", "organisation": "Maidstone Borough Council", "partnership": "E22000142", "role": "coordinator"}
AT  operator  org-add (added an organisation)  organisation/2  {"name": "Kent Police", "kind": "partner"}
AT  operator  user-add (added a person)  user/2  {"email": "ann@kent.police.uk", "name": "Ann Other", "organisation": "Kent Police", "partnership": "E22000142", "role": "analyst"}
AT  operator  user-reset (made a reset link)  user/1
AT  operator  user-disable (disabled a person)  user/2  {"disabled": false} → {"disabled": true}
AT  operator  user-enable (enabled a person)  user/2  {"disabled": true} → {"disabled": false}'
expect_grep "^$T  operator  " "$TMP/out"

# Filters.
expect_status 0 "$SAFER" audit --record user/2
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 3 ] || fail "--record user/2 gave $(wc -l <"$TMP/out") rows, not 3"
expect_status 0 "$SAFER" audit --record organisation
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 2 ] || fail "--record organisation gave $(wc -l <"$TMP/out") rows, not 2"
expect_status 0 "$SAFER" audit --user OPERATOR
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 7 ] || fail "--user operator gave $(wc -l <"$TMP/out") rows, not 7"
expect_status 0 "$SAFER" audit --user jo@maidstone.gov.uk
expect_empty "$TMP/out"
expect_status 0 "$SAFER" audit --since "$today"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 7 ] || fail "--since today gave $(wc -l <"$TMP/out") rows, not 7"
expect_status 0 "$SAFER" audit --since 2999-01-01
expect_empty "$TMP/out"
expect_status 1 "$SAFER" audit --since yesterday
expect_grep "^safer: 'yesterday' is not a date to start from (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS)$" "$TMP/err"
expect_status 1 "$SAFER" audit --record /12
expect_grep "^safer: '/12' is not a record (TYPE or TYPE/ID)$" "$TMP/err"
expect_status 2 "$SAFER" audit --verify --since 2026-01-01
expect_grep '^safer: --verify checks the whole log: it takes no other option$' "$TMP/err"
expect_status 2 "$SAFER" audit extra
expect_status 0 "$SAFER" audit --help
expect_grep 'usage: safer \[--db PATH|URL\] audit \[--since DATE\] \[--user EMAIL\] \[--record TYPE\[/ID\]\]' "$TMP/out"

expect_status 0 "$SAFER" audit --verify
expect_grep '^the audit log is whole: 7 rows, each matching its hash$' "$TMP/out"

# It reads while another process holds the store's write transaction.
if [ -z "${SAFER_TEST_PG:-}" ]; then
    { echo "BEGIN IMMEDIATE; INSERT INTO meta(key, value) VALUES('held', 'x');"; sleep 4; echo "COMMIT;"; } |
        sqlite3 "$SAFER_DB" &
else
    { echo "BEGIN; INSERT INTO meta(key, value) VALUES('held', 'x'); LOCK TABLE audit_log IN EXCLUSIVE MODE;"; sleep 4; echo "COMMIT;"; } |
        psql -X -q "$SAFER_DB" >/dev/null &
fi
holder=$!
sleep 1
expect_status 0 "$SAFER" audit --record user/1
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 2 ] || fail "audit while another writes gave $(wc -l <"$TMP/out") rows, not 2"
wait "$holder"

# The log refuses changes through SQL...
checks=$((checks + 1))
if sql "UPDATE audit_log SET detail = 'x' WHERE id = 3" 2>"$TMP/err"; then
    fail "an audit row was changed through SQL"
fi
expect_grep 'audit rows cannot be changed' "$TMP/err"
checks=$((checks + 1))
if sql "DELETE FROM audit_log WHERE id = 3" 2>"$TMP/err"; then
    fail "an audit row was deleted through SQL"
fi
# ...and with the triggers dropped, a change shows.
if [ -z "${SAFER_TEST_PG:-}" ]; then
    sql "DROP TRIGGER audit_log_no_update"
else
    sql "DROP TRIGGER audit_log_append_only ON audit_log"
fi
sql "UPDATE audit_log SET after = replace(after, 'analyst', 'administrator') WHERE id = 4"
expect_status 1 "$SAFER" audit --verify
expect_grep "^safer: .*: the audit log is broken at row 4: it does not match its hash (changed outside safer)$" "$TMP/err"
# A control character put in behind the program is not printed as it is.
sql "UPDATE audit_log SET detail = 'a' || char(27) || '[2Jb' WHERE id = 5" 2>/dev/null ||
    sql "UPDATE audit_log SET detail = 'a' || chr(27) || '[2Jb' WHERE id = 5"
expect_status 0 "$SAFER" audit --record user/1
expect_grep '  a?\[2Jb$' "$TMP/out"
done_testing
