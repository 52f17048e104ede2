#!/bin/sh
# assess --out DIR and demo --out DIR put their files in place as a unit:
# a rerun leaves nothing of an earlier one, a folder holding files safer
# did not write (or a store) is refused with nothing written, links are
# never followed, and what a killed run leaves beside DIR is ignored.
. "$(dirname "$0")/lib.sh"
P=$DATA/police

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import population "$DATA/population.csv" >/dev/null
"$SAFER" import police "$P/2019-01-kent-street.csv" "$P/2018-01-kent-street.csv" >/dev/null
SAFER_DB=nopop.db "$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
SAFER_DB=nopop.db "$SAFER" import police "$P/2019-01-kent-street.csv" >/dev/null

# Siblings of folder $1 in the current folder, as a killed run would leave them.
siblings() { ls -A | grep -c "^\.$1\.safer-" || true; }

expect_status 0 "$SAFER" assess --out rep
expect_grep '^file rates_by_ward.csv$' rep/.safer-output
expect_grep '^file index.html$' rep/.safer-output
expect_grep '^file summary.csv$' rep/.safer-output
checks=$((checks + 1))
[ "$(stat -c %a rep/index.html)" = 644 ] || fail "index.html is not 0644"

# A rerun without a population: the earlier rates_by_ward.csv is gone too.
expect_status 0 env SAFER_DB=nopop.db "$SAFER" assess --out rep/
checks=$((checks + 1))
[ ! -e rep/rates_by_ward.csv ] || fail "rates_by_ward.csv of the earlier run survived"
expect_no_grep rates_by_ward rep/.safer-output
checks=$((checks + 1))
[ "$(siblings rep)" = 0 ] || fail "a folder was left beside rep"

# A folder holding a file safer did not write is refused; nothing is written.
mkdir mine
echo notes > mine/notes.txt
expect_status 1 "$SAFER" assess --out mine
expect_grep "^safer: 'mine' holds 'notes.txt', which safer did not write" "$TMP/err"
checks=$((checks + 1))
[ "$(ls -A mine)" = notes.txt ] && [ "$(siblings mine)" = 0 ] || fail "safer wrote beside or into mine"
echo more > rep/mine.txt
expect_status 1 "$SAFER" assess --out rep
expect_grep "holds 'mine.txt'" "$TMP/err"
expect_grep . rep/mine.txt
rm rep/mine.txt

# A link planted where the old code put its temporary file: refused, and
# its target untouched. The new files are never written through a link.
echo precious > victim
ln -s ../victim rep/index.html.tmp
expect_status 1 "$SAFER" assess --out rep
checks=$((checks + 1))
[ "$(cat victim)" = precious ] || fail "the link's target was overwritten"
rm rep/index.html.tmp

# Not a folder, a link to one, or no name at all.
expect_status 1 "$SAFER" assess --out victim
expect_grep "'victim' exists and is not a folder" "$TMP/err"
ln -s rep replink
expect_status 1 "$SAFER" assess --out replink
expect_grep "'replink' is a symbolic link" "$TMP/err"
expect_status 1 "$SAFER" assess --out .
expect_grep "name the output folder itself" "$TMP/err"

# An empty folder is fine; so is one a killed run left a sibling of.
mkdir empty
expect_status 0 "$SAFER" assess --out empty
mkdir .rep.safer-0badf00d .rep.safer-old-0badf00d
touch .rep.safer-0badf00d/index.html
expect_status 0 "$SAFER" assess --out rep
checks=$((checks + 1))
[ -f .rep.safer-0badf00d/index.html ] && [ -d .rep.safer-old-0badf00d ] ||
    fail "a folder beside rep that safer did not make now was touched"
expect_grep '^file rates_by_ward.csv$' rep/.safer-output

# Killed at any moment, a run leaves the whole old set or the whole new
# one: runs alternate between two stores whose sets differ (with and
# without rates_by_ward.csv), and each is killed after a different delay.
"$SAFER" assess --out setA >/dev/null
SAFER_DB=nopop.db "$SAFER" assess --out setB >/dev/null
cp -R setA kill
for d in 0 0.001 0.002 0.004 0.006 0.008 0.01 0.015 0.02 0.03 0.05 0.08; do
    db=$SAFER_DB
    [ "$((${#d} % 2))" = 0 ] && db=nopop.db
    SAFER_DB=$db "$SAFER" assess --out kill >/dev/null 2>&1 &
    pid=$!
    sleep "$d"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" || true
    checks=$((checks + 1))
    diff -r setA kill >/dev/null || diff -r setB kill >/dev/null ||
        fail "killed after $d s, kill/ holds neither whole set: $(ls -A kill | tr '\n' ' ')"
done
expect_status 0 "$SAFER" assess --out kill

# The demo: its store is safer's, rebuilt by the demo and by nothing else.
expect_status 0 "$SAFER" demo --out d
expect_grep '^store demo.db$' d/.safer-output
expect_grep '^folder data$' d/.safer-output
expect_status 1 "$SAFER" --db d/demo.db assess --out d
expect_grep "^safer: 'd' holds the store 'demo.db': write into another folder" "$TMP/err"
expect_status 0 "$SAFER" --db d/demo.db assess --out d2
expect_status 0 "$SAFER" demo --out d
checks=$((checks + 1))
[ -f d/demo.db ] && [ -f d/data/wards.geojson ] && [ "$(siblings d)" = 0 ] || fail "demo rerun"
expect_status 1 "$SAFER" demo --out mine
expect_grep "holds 'notes.txt'" "$TMP/err"

# export --out FILE: the file appears whole; a link there is replaced, not followed.
ln -s victim exported.csv
expect_status 0 "$SAFER" export police --out exported.csv
checks=$((checks + 1))
[ ! -L exported.csv ] && [ "$(cat victim)" = precious ] || fail "export wrote through a link"
expect_grep '^Crime ID,' exported.csv
expect_status 1 "$SAFER" export police --out no/such/folder.csv
expect_grep '^safer: no/such/folder.csv: cannot write' "$TMP/err"
done_testing
