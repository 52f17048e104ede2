#!/bin/sh
# A file replaces only the publication it is: one force's street (or
# outcomes) file for one month, decided by most of its rows and checked
# against its police.uk name. Rows of other forces or months are rejected
# and replace nothing; two files of one publication in one command fail.
. "$(dirname "$0")/lib.sh"
P=$DATA/police
K=$P/2019-01-kent-street.csv # 10 rows of Kent Police 2019-01

# rows FORCE MONTH: how many exported records are of that publication.
rows() {
    "$SAFER" export police --out e.csv
    grep -c ",$2,$1," e.csv || true
}

expect_status 0 "$SAFER" import police "$K" "$P/2018-01-kent-street.csv"
checks=$((checks + 1))
[ "$(rows 'Kent Police' 2018-01)" = 4 ] || fail "Kent 2018-01 should hold 4 rows"

# One row of another month (line 4) is rejected; Kent 2018-01 keeps its 4
# rows, and Kent 2019-01 is replaced by the file's other 9.
mkdir m
sed '4s/,2019-01,/,2018-01,/' "$K" > m/2019-01-kent-street.csv
expect_status 0 "$SAFER" import police m/2019-01-kent-street.csv
expect_grep '10 rows read, 9 imported, 1 rejected, 10 replaced' "$TMP/out"
expect_grep "m/2019-01-kent-street.csv:4: a row of 'Kent Police' for 2018-01 in the file of 'Kent Police' for 2019-01" "$TMP/err"
checks=$((checks + 2))
[ "$(rows 'Kent Police' 2018-01)" = 4 ] || fail "a stray row replaced Kent 2018-01"
[ "$(rows 'Kent Police' 2019-01)" = 9 ] || fail "Kent 2019-01 should hold the file's 9 good rows"

# One row of another force: rejected, and no publication of that force.
mkdir f
sed "5s/,Kent Police,Kent Police,/,Essex Police,Essex Police,/" "$K" > f/2019-01-kent-street.csv
expect_status 0 "$SAFER" import police f/2019-01-kent-street.csv
expect_grep '10 rows read, 9 imported, 1 rejected' "$TMP/out"
expect_grep "f/2019-01-kent-street.csv:5: a row of 'Essex Police' for 2019-01 in the file of 'Kent Police'" "$TMP/err"
checks=$((checks + 1))
[ "$(rows 'Essex Police' 2019-01)" = 0 ] || fail "a stray row made an Essex publication"

# The first row a stray: the file is still Kent 2019-01 (read again), and
# only the stray is rejected.
mkdir s
sed '2s/,2019-01,/,2018-12,/' "$K" > s/2019-01-kent-street.csv
expect_status 0 "$SAFER" import police s/2019-01-kent-street.csv
expect_grep '10 rows read, 9 imported, 1 rejected' "$TMP/out"
expect_grep "s/2019-01-kent-street.csv:2: a row of 'Kent Police' for 2018-12 in the file of 'Kent Police' for 2019-01" "$TMP/err"
expect_no_grep ':3: ' "$TMP/err"
# ... and with --strict it fails at that row, not at the next.
before=$(digest)
expect_status 1 "$SAFER" import police --strict s/2019-01-kent-street.csv
expect_grep "s/2019-01-kent-street.csv:2: a row of 'Kent Police' for 2018-12 .*(rejected in --strict mode)" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a failed --strict import changed the store"

# No force and month with more than half the rows: the file fails.
mkdir h
sed '2,6s/,2019-01,/,2018-12,/' "$K" > h/kent.csv
expect_status 1 "$SAFER" import police h/kent.csv
expect_grep "h/kent.csv: no force and month has more than half of its 10 rows: 5 are of 'Kent Police' for 2018-12, 5 of 'Kent Police' for 2019-01" "$TMP/err"
expect_grep 'nothing was imported' "$TMP/err"

# Two different files of one publication in one command fail, naming both;
# a 2-row excerpt does not replace the whole month.
mkdir two
head -3 "$K" > two/excerpt.csv
before=$(digest)
expect_status 1 "$SAFER" import police "$K" two/excerpt.csv
expect_grep "$K and two/excerpt.csv are both the street publication of 'Kent Police' for 2019-01" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "two files of one publication changed the store"
# Byte-identical copies count once.
cp "$P/2018-01-kent-street-republished.csv" two/copy.csv
expect_status 0 "$SAFER" import police "$P/2018-01-kent-street-republished.csv" two/copy.csv
expect_grep 'imported 1 files (0 unchanged, 1 skipped): 6 rows read, 6 imported, 0 rejected, 4 replaced' "$TMP/out"
expect_grep 'note: two/copy.csv: skipped: byte-identical to .*2018-01-kent-street-republished.csv' "$TMP/err"

# A police.uk name that disagrees with the rows fails the file: month,
# force and kind; a name of another form is not checked.
mkdir n
cp "$K" n/2019-02-kent-street.csv
cp "$K" n/2019-01-essex-street.csv
cp "$K" n/2019-01-kent-outcomes.csv
cp "$K" n/kent-january.csv
before=$(digest)
expect_status 1 "$SAFER" import police n/2019-02-kent-street.csv
expect_grep 'n/2019-02-kent-street.csv: the name says 2019-02 but the rows are of 2019-01' "$TMP/err"
expect_status 1 "$SAFER" import police n/2019-01-essex-street.csv
expect_grep "n/2019-01-essex-street.csv: the name says force 'essex' but the rows are of 'Kent Police'" "$TMP/err"
expect_status 1 "$SAFER" import police n/2019-01-kent-outcomes.csv
expect_grep 'n/2019-01-kent-outcomes.csv: the name says it holds outcomes but its header is that of street-level crimes' "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a file whose name disagrees changed the store"
expect_status 0 "$SAFER" import police n/kent-january.csv
expect_grep '10 rows read, 10 imported, 0 rejected, 9 replaced' "$TMP/out"
done_testing
