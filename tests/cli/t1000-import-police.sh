#!/bin/sh
# Import police.uk files: quoting, BOM, CRLF, rejected rows, republished
# months, byte-identical files, --strict, missing columns, atomic failure.
. "$(dirname "$0")/lib.sh"
P=$DATA/police

expect_status 0 "$SAFER" import police "$P/2019-01-kent-street.csv" "$P/2018-01-kent-street.csv"
expect_grep 'imported 2 files (0 unchanged, 0 skipped): 14 rows read, 14 imported, 0 rejected, 0 replaced' "$TMP/out"

# Byte-identical again: nothing changes.
expect_status 0 "$SAFER" import police "$P/2019-01-kent-street.csv"
expect_grep 'imported 1 files (1 unchanged, 0 skipped): 10 rows read, 0 imported, 0 rejected, 0 replaced' "$TMP/out"

# A republished month replaces the four stored rows of 2018-01.
expect_status 0 "$SAFER" import police "$P/2018-01-kent-street-republished.csv"
expect_grep '6 rows read, 6 imported, 0 rejected, 4 replaced' "$TMP/out"

# Bad rows are rejected, counted and listed as FILE:LINE: reason.
expect_status 0 "$SAFER" import police "$P/2019-01-btp-street-bad-rows.csv"
expect_grep '8 rows read, 2 imported, 6 rejected, 0 replaced' "$TMP/out"
expect_grep 'bad-rows.csv:3: expected 12 fields, found 11' "$TMP/err"
expect_grep "bad-rows.csv:4: bad month '2019-13'" "$TMP/err"
expect_grep "bad-rows.csv:5: 'Longitude' is not a number: 'east'" "$TMP/err"
expect_grep "bad-rows.csv:6: 'Latitude' out of range: '91.5'" "$TMP/err"
expect_grep 'bad-rows.csv:7: unterminated quoted field' "$TMP/err"
expect_grep "bad-rows.csv:9: 'Latitude' is empty but 'Longitude' is not" "$TMP/err"

# --strict: the first rejected row fails the import, which changes nothing.
before=$(digest)
expect_status 1 "$SAFER" import police --strict "$P/2019-01-btp-street-bad-rows.csv"
expect_grep 'bad-rows.csv:3: expected 12 fields' "$TMP/err"
expect_grep 'nothing was imported' "$TMP/err"

# A missing column fails the file and the whole import, naming the column.
expect_status 1 "$SAFER" import police "$P/2018-01-kent-street.csv" "$P/missing-column.csv"
expect_grep "missing-column.csv:1: missing column 'Crime type'" "$TMP/err"
"$SAFER" export police --out after.csv
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a failed import changed the store"
expect_grep '^d4,2018-01,' after.csv

# Every field survives the store: export reproduces the input rows.
expect_grep '^,2019-01,Kent Police,Kent Police,0.507,51.207,"On or near High Street, Upper",E01000002' after.csv
expect_grep '^c3,2019-01,Kent Police,Kent Police,0.53,51.21,"On or near ""The Crescent""",E01000003,Test 002A,Violence and sexual offences,Unable to prosecute suspect,,' after.csv
expect_grep '^aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1,2019-01,' after.csv

# Crime IDs that look like police.uk's 64 hex digits but are not (capitals,
# a 'g', a '/') are kept as they are; export gives back the file's fields
# byte for byte (it adds the ward columns; the file quotes nothing).
ids=$(new_store ids)
SAFER_DB=$ids "$SAFER" import police "$P/2019-02-metropolitan-street-ids.csv" >/dev/null
SAFER_DB=$ids "$SAFER" export police --out ids.csv
checks=$((checks + 1))
cut -d, -f1-12 ids.csv | cmp -s "$P/2019-02-metropolitan-street-ids.csv" - ||
    fail "crime ids changed in the store"

# Folders are searched for *.csv, whatever their kind (by the header:
# t1020); a missing path fails.
expect_status 1 "$SAFER" import police "$TMP/nope"
expect_grep 'nope' "$TMP/err"
mkdir -p dir/sub
cp "$P/2019-01-kent-street.csv" "$P/2019-01-btp-stop-and-search.csv" dir/sub/
echo "not a csv file" > dir/sub/notes.txt
expect_status 0 "$SAFER" import police dir
expect_grep 'imported 1 files (1 unchanged, 1 skipped)' "$TMP/out"
expect_grep 'note: dir/sub/2019-01-btp-stop-and-search.csv: skipped: a stop-and-search file' "$TMP/err"

# Usage errors exit 2.
expect_status 2 "$SAFER" import police
expect_status 2 "$SAFER" import nonsense x
expect_status 0 "$SAFER" import police --help
expect_grep 'usage: safer' "$TMP/out"
done_testing
