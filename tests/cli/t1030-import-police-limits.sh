#!/bin/sh
# Inputs that must not hang, crash or pass for a success: FIFOs, empty
# folders, files with no row to import, far-future months, NUL bytes, and
# files naming thousands of forces.
. "$(dirname "$0")/lib.sh"
P=$DATA/police
K=$P/2019-01-kent-street.csv
HEADER=$(head -1 "$K")

expect_status 0 "$SAFER" import police "$P/2018-01-kent-street.csv"
before=$(digest)

# A FIFO fails at once, as a file or in a folder, before the store is
# locked (timeout: it used to wait for a writer for ever, holding the lock).
mkfifo pipe.csv
expect_status 1 timeout 20 "$SAFER" import police pipe.csv
expect_grep 'pipe.csv: not a regular file' "$TMP/err"
mkdir fifo
mkfifo fifo/2019-01-kent-street.csv
expect_status 1 timeout 20 "$SAFER" import police fifo
expect_grep 'fifo/2019-01-kent-street.csv: not a regular file' "$TMP/err"

# An empty folder (this once sorted a NULL array) finds nothing.
mkdir empty
expect_status 1 "$SAFER" import police empty
expect_grep 'no police.uk CSV files found' "$TMP/err"

# A header alone, or a file whose every row is rejected, imports nothing:
# that fails, unless another file of the command has rows to import.
printf '%s\n' "$HEADER" > 2019-02-kent-street.csv
expect_status 1 "$SAFER" import police 2019-02-kent-street.csv
expect_grep 'no row was imported: no data rows' "$TMP/err"
mkdir bad
sed '2,$s/,Kent Police,Kent Police,0\.[0-9]*,/,Kent Police,Kent Police,east,/; 2,$s/,Kent Police,Kent Police,,/,Kent Police,Kent Police,east,/' "$K" > bad/2019-01-kent-street.csv
expect_status 1 "$SAFER" import police bad/2019-01-kent-street.csv
expect_grep 'no row was imported: all 10 rows read were rejected' "$TMP/err"
expect_grep "bad/2019-01-kent-street.csv:2: 'Longitude' is not a number: 'east'" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "an import with no row changed the store"
expect_status 0 "$SAFER" import police 2019-02-kent-street.csv bad/2019-01-kent-street.csv "$K"
expect_grep 'imported 3 files (0 unchanged, 0 skipped): 20 rows read, 10 imported, 10 rejected' "$TMP/out"
expect_grep 'note: 2019-02-kent-street.csv: no row imported: it has no data rows' "$TMP/err"
expect_grep 'note: bad/2019-01-kent-street.csv: no row imported: all its 10 rows were rejected' "$TMP/err"

# Far-future months are rejected: they would move the assessment's window.
mkdir future
sed '3s/,2019-01,/,9999-12,/' "$K" > future/kent.csv
expect_status 0 "$SAFER" import police future/kent.csv
expect_grep "future/kent.csv:3: month '9999-12' is after the month of this import" "$TMP/err"
expect_grep '10 rows read, 9 imported, 1 rejected, 10 replaced' "$TMP/out"

# A NUL byte in a field rejects its row (it used to cut the field short).
mkdir nul
{
    printf '%s\n' "$HEADER"
    sed -n '2,3p' "$K"
    printf 'n1,2019-01,Kent Police,Kent Police,0.5,51.2,On or near \000Nowhere,E01000001,Test 001A,Burglary,,\n'
    printf 'n2\000x,2019-01,Kent Police,Kent Police,0.5,51.2,On or near X,E01000001,Test 001A,Burglary,,\n'
    printf 'n3,2019-01,Kent Police,Kent Police,0.5,51.2,On or near Y,E01000001,Test 001A,Burglary,,New context\000\n'
    printf 'n4,2019-01,Kent\000 Police,Kent Police,0.5,51.2,On or near Y,E01000001,Test 001A,Burglary,,\n'
    sed -n '4,5p' "$K"
} > nul/kent.csv
expect_status 0 "$SAFER" import police nul/kent.csv
expect_grep '8 rows read, 4 imported, 4 rejected' "$TMP/out"
expect_grep "nul/kent.csv:4: 'Location' holds a NUL byte" "$TMP/err"
expect_grep "nul/kent.csv:5: 'Crime ID' holds a NUL byte" "$TMP/err"
expect_grep "nul/kent.csv:6: 'Context' holds a NUL byte" "$TMP/err"
expect_grep "nul/kent.csv:7: 'Reported by' holds a NUL byte" "$TMP/err"
"$SAFER" export police --out nul.csv
checks=$((checks + 1))
[ "$(grep -c '^n[0-9]' nul.csv)" = 0 ] || fail "a row with a NUL byte was stored"

# 20,000 rows, each of another force: the file is no publication, and that
# is found fast, at the limit of forces and months one file may name.
mkdir many
awk -v h="$HEADER" 'BEGIN { print h; for (i = 0; i < 20000; i++)
    printf "x%d,2019-01,Force %d,Force %d,0.5,51.2,On or near A,E01000001,A,Burglary,,\n", i, i, i }' \
    > many/many.csv
expect_status 1 timeout 60 "$SAFER" import police many/many.csv
expect_grep 'rows of more than 1000 forces and months (limit SAFER_LIMIT_FILE_PUBLICATIONS)' "$TMP/err"
# A few stray forces in a large file are only rejected.
awk -v h="$HEADER" 'BEGIN { print h; for (i = 0; i < 20000; i++)
    printf "x%d,2019-01,%s,Kent Police,0.5,51.2,On or near A,E01000001,A,Burglary,,\n", i,
        i % 1000 == 999 ? "Force " i : "Kent Police" }' > many/kent.csv
expect_status 0 timeout 60 "$SAFER" import police many/kent.csv
expect_grep '20000 rows read, 19980 imported, 20 rejected' "$TMP/out"
done_testing
