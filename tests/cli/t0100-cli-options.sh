#!/bin/sh
# One option parser for every command: GNU-style options, --help
# everywhere, the global --db, and the exit statuses (0 done, 1 failed,
# 2 usage error).
. "$(dirname "$0")/lib.sh"
P=$DATA/police

# Options may follow the arguments: --strict after the file still applies.
expect_status 1 "$SAFER" import police "$P/2019-01-btp-street-bad-rows.csv" --strict
expect_grep '^safer: .*bad-rows.csv:3: expected 12 fields' "$TMP/err"
expect_grep 'nothing was imported' "$TMP/err"

# --opt=value and --opt value both work; a unique prefix names an option.
expect_status 0 "$SAFER" import areas "$DATA/areas/wards.geojson" --level=ward --code-field WD19CD
expect_grep "imported 3 ward areas .*code 'WD19CD'" "$TMP/out"
expect_status 0 "$SAFER" import police "$P/2019-01-kent-street.csv"
expect_status 0 "$SAFER" assess --out=rep --to=2019-01 --cell 500 --ti='A title'
expect_grep 'report: rep/index.html' "$TMP/out"
expect_grep 'A title' rep/index.html
expect_status 0 "$SAFER" export police --ou=all.csv
expect_grep '^Crime ID,' all.csv

# "--" ends the options: a file whose name starts with '-'.
cp "$P/2018-01-kent-street.csv" ./-2018-01.csv
expect_status 0 "$SAFER" import police -- -2018-01.csv
expect_grep 'imported 1 files (0 unchanged, 0 skipped): 4 rows read, 4 imported' "$TMP/out"

# Usage errors: exit 2, "safer: what is wrong", then the usage.
expect_status 2 "$SAFER" assess --out rep --bogus
expect_grep "^safer: unknown option '--bogus'" "$TMP/err"
expect_grep '^usage: safer \[--db PATH\] assess' "$TMP/err"
expect_status 2 "$SAFER" assess --out
expect_grep "^safer: option '--out' needs a value (DIR)" "$TMP/err"
expect_status 2 "$SAFER" import police --strict=yes x.csv
expect_grep "^safer: option '--strict' takes no value" "$TMP/err"
expect_status 2 "$SAFER" assess --out rep --t 2019-01
expect_grep "^safer: option '--t' is ambiguous" "$TMP/err"
expect_status 2 "$SAFER" assess --out rep extra
expect_grep "^safer: unexpected argument 'extra'" "$TMP/err"
expect_status 2 "$SAFER" assess --out rep -x
expect_grep "^safer: unknown option '-x'" "$TMP/err"
expect_status 2 "$SAFER" import lookup a.csv b.csv
expect_grep '^usage: safer \[--db PATH\] import lookup' "$TMP/err"
expect_status 2 "$SAFER" import --strict police x.csv
expect_grep 'the kind comes first' "$TMP/err"
expect_status 2 "$SAFER" import
expect_grep '^safer: import needs a kind: police, areas, lookup, population, deprivation, plan, actions, indicators, harm-weights, postcodes, survey, visits, venues or partner' "$TMP/err"
expect_status 2 "$SAFER" export
expect_status 2 "$SAFER" export nonsense
expect_grep "^safer: unknown export kind 'nonsense'" "$TMP/err"
expect_status 2 "$SAFER" demo extra
expect_status 2 "$SAFER" nonsense
expect_grep "^safer: unknown command 'nonsense'" "$TMP/err"
expect_status 2 "$SAFER"
expect_grep '^usage: safer' "$TMP/err"
expect_status 2 "$SAFER" --bogus assess
expect_status 2 "$SAFER" --db
expect_status 2 "$SAFER" --db= assess --out rep
# --db belongs before the command.
expect_status 2 "$SAFER" assess --db x.db --out rep
expect_grep "^safer: unknown option '--db'" "$TMP/err"

# Every command and import kind answers --help (or -h) with exit 0.
for c in "" demo assess export "export police" import "import police" "import areas" \
    "import lookup" "import population" "import deprivation"; do
    # shellcheck disable=SC2086
    expect_status 0 "$SAFER" $c --help
    expect_grep '^usage: safer' "$TMP/out"
    expect_grep '^  --help' "$TMP/out"
done
expect_status 0 "$SAFER" assess -h
expect_grep '^  --out DIR' "$TMP/out"
expect_status 0 "$SAFER" import police x.csv --help
expect_grep '^  --strict' "$TMP/out"
expect_status 0 "$SAFER" --version
expect_grep '^safer [0-9]' "$TMP/out"

# The store: --db PATH or --db=PATH before the command, else $SAFER_DB,
# else ./safer.db.
A=$DATA/areas/wards.geojson
expect_status 0 "$SAFER" --db one.db import areas "$A"
expect_status 0 "$SAFER" --db=two.db import areas "$A"
expect_status 0 env SAFER_DB=three.db "$SAFER" import areas "$A"
expect_status 0 env -u SAFER_DB "$SAFER" import areas "$A"
expect_status 0 env SAFER_DB=three.db "$SAFER" --db four.db import areas "$A"
checks=$((checks + 1))
for db in one.db two.db three.db safer.db four.db; do
    [ -f "$db" ] || fail "$db was not created"
done
expect_status 0 env SAFER_DB= "$SAFER" import areas "$A"
expect_grep '(3 replaced' "$TMP/out"

# The server's worker threads: 1 to 64.
for t in 0 65 two; do
    expect_status 2 "$SAFER" serve --threads "$t"
    expect_grep "^safer: --threads '$t' must be a whole number from 1 to 64$" "$TMP/err"
done

# A failed command exits 1 and says why, naming file and line.
expect_status 1 "$SAFER" import lookup "$DATA/lookup-bad.csv"
expect_grep '^safer: .*lookup-bad.csv:3: ' "$TMP/err"
done_testing
