#!/bin/sh
# A file's kind comes from its header row: street-level crimes, outcomes
# (stored per force and month like crimes) or stop and search (skipped,
# with a note). Names do not decide it.
. "$(dirname "$0")/lib.sh"
P=$DATA/police
O=$P/2019-02-kent-outcomes.csv # 8 rows, 3 of them rejected

expect_status 0 "$SAFER" import police "$P/2019-01-kent-street.csv"
street=$(digest)
"$SAFER" export police --out before.csv

# Outcomes are read and stored; rows of another month, with no Crime ID or
# no Outcome type are rejected.
expect_status 0 "$SAFER" import police "$O"
expect_grep 'imported 1 files, 1 of outcomes (0 unchanged, 0 skipped): 8 rows read, 5 imported, 3 rejected, 0 replaced' "$TMP/out"
expect_grep "outcomes.csv:7: a row of 'Kent Police' for 2019-01 in the file of 'Kent Police' for 2019-02" "$TMP/err"
expect_grep "outcomes.csv:8: empty 'Crime ID' (an outcome belongs to a crime)" "$TMP/err"
expect_grep "outcomes.csv:9: empty 'Outcome type'" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" != "$street" ] || fail "the digest does not see the outcomes"
"$SAFER" export police --out after.csv
checks=$((checks + 1))
cmp -s before.csv after.csv || fail "outcomes changed the street records"

# The same file again changes nothing; a republished one replaces them.
expect_status 0 "$SAFER" import police "$O"
expect_grep 'imported 1 files, 1 of outcomes (1 unchanged, 0 skipped): 8 rows read, 0 imported' "$TMP/out"
mkdir re
head -4 "$O" > re/2019-02-kent-outcomes.csv
expect_status 0 "$SAFER" import police re/2019-02-kent-outcomes.csv
expect_grep '3 rows read, 3 imported, 0 rejected, 5 replaced' "$TMP/out"

# Kind by header, not name: an outcomes file under another name is read as
# outcomes; a stop-and-search file is skipped, named in a note.
mkdir k
cp "$O" k/a.csv
cp "$P/2019-01-btp-stop-and-search.csv" k/b.csv
expect_status 0 "$SAFER" import police k
expect_grep 'imported 1 files, 1 of outcomes (0 unchanged, 1 skipped): 8 rows read, 5 imported, 3 rejected, 3 replaced' "$TMP/out"
expect_grep 'note: k/b.csv: skipped: a stop-and-search file' "$TMP/err"

# Street and outcomes files of one force and month are two publications.
expect_status 0 "$SAFER" import police "$P/2018-01-kent-street.csv" "$O"
expect_grep 'imported 2 files, 1 of outcomes (1 unchanged, 0 skipped)' "$TMP/out"

# A stop-and-search file alone imports nothing: that fails.
before=$(digest)
expect_status 1 "$SAFER" import police "$P/2019-01-btp-stop-and-search.csv"
expect_grep 'no row was imported: no police.uk street or outcomes file among them' "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a failed import changed the store"

# A header of no known kind fails, saying what it expected.
printf 'not,a,police,file\n1,2,3,4\n' > k/c.csv
expect_status 1 "$SAFER" import police k/c.csv
expect_grep "k/c.csv:1: unexpected column 'not' in a police.uk street file" "$TMP/err"
done_testing
