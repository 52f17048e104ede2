#!/bin/sh
# Published assessments: an edition keeps both editions' files exactly as
# `safer assess` writes them for the partnership's area, the police.uk files
# they came from with their checksums, and its approval; a later import
# changes none of its bytes; editions are numbered per partnership; bad
# input is refused, saying what, with nothing stored.
. "$(dirname "$0")/lib.sh"

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import police "$DATA/police/2018-01-kent-street.csv" "$DATA/police/2019-01-kent-street.csv" >/dev/null

# No partnership yet: nothing to publish.
expect_status 1 "$SAFER" publish --approved-by exec --approved-on 2026-01-15
expect_grep 'no partnership' "$TMP/err"
"$SAFER" import plan "$DATA/plans/safer-test.json" >/dev/null

expect_status 0 "$SAFER" published
expect_file "$TMP/out" "no published assessments"

# Bad input: the group, the date, the options.
expect_status 2 "$SAFER" publish --approved-on 2026-01-15
expect_grep 'publish needs --approved-by GROUP' "$TMP/err"
expect_status 2 "$SAFER" publish --approved-by exec
expect_grep 'publish needs --approved-on' "$TMP/err"
expect_status 1 "$SAFER" publish --approved-by nobody --approved-on 2026-01-15
expect_grep "the plan of E22000001 has no group 'nobody' to approve the assessment" "$TMP/err"
expect_status 1 "$SAFER" publish --approved-by exec --approved-on 2026-02-30
expect_grep "the approval date '2026-02-30' is not a real date" "$TMP/err"
expect_status 1 "$SAFER" publish --approved-by exec --approved-on 15/01/2026
expect_grep "is not a date like 2026-03-31" "$TMP/err"
expect_status 1 "$SAFER" publish --approved-by exec --approved-on 2999-01-01
expect_grep 'the approval date 2999-01-01 is after today' "$TMP/err"
expect_status 1 "$SAFER" publish --approved-by exec --approved-on 2026-01-15 --partnership E22999999
expect_grep "no partnership 'E22999999' in the store" "$TMP/err"
expect_status 0 "$SAFER" published
expect_file "$TMP/out" "no published assessments"

expect_status 0 "$SAFER" publish --approved-by exec --approved-on 2026-01-15
expect_file "$TMP/out" "published edition 1 (approved by exec on 2026-01-15)"

# The edition's files are the assessment's, byte for byte, both editions.
"$SAFER" assess --out live --area E07000001 --title "Safer Test Partnership" >/dev/null
"$SAFER" assess --out live-public --area E07000001 --title "Safer Test Partnership" --public >/dev/null
expect_status 0 "$SAFER" published 1 --out one
expect_grep 'edition 1 (members.): one/index.html' "$TMP/out"
expect_status 0 "$SAFER" published 1 --out one-public --public
for d in one one-public; do
    want=live
    [ "$d" = one-public ] && want=live-public
    checks=$((checks + 1))
    (cd "$want" && ls) > want.list
    (cd "$d" && ls) > got.list
    cmp -s want.list got.list || fail "$d holds other files than $want"
    for f in "$want"/*; do
        checks=$((checks + 1))
        cmp -s "$f" "$d/$(basename "$f")" || fail "$d/$(basename "$f") differs from $f"
    done
done

expect_status 0 "$SAFER" published 1
expect_grep '^edition 1: Safer Test Partnership$' "$TMP/out"
expect_grep '^period: 2018-02 to 2019-01$' "$TMP/out"
expect_grep '^approved by: Testborough Executive Group (exec) on 2026-01-15$' "$TMP/out"
expect_grep '^published: .* by operator$' "$TMP/out"
expect_grep '^files: index.html ' "$TMP/out"
expect_grep '^inputs (2 police.uk files):$' "$TMP/out"
expect_grep '^  Kent Police  2018-01  2018-01-kent-street.csv  [0-9a-f]\{32\}  3 records$' "$TMP/out"
expect_grep '^  Kent Police  2019-01  2019-01-kent-street.csv  [0-9a-f]\{32\}  [0-9]* records$' "$TMP/out"

# A later import changes the live report, not the edition.
"$SAFER" import police "$DATA/police/2018-01-kent-street-republished.csv" >/dev/null
expect_status 0 "$SAFER" publish --approved-by asb-panel --approved-on 2026-01-20
expect_file "$TMP/out" "published edition 2 (approved by asb-panel on 2026-01-20)"
expect_status 0 "$SAFER" published 1 --out one-again
for f in one/*; do
    checks=$((checks + 1))
    cmp -s "$f" "one-again/$(basename "$f")" || fail "edition 1's $(basename "$f") changed"
done
expect_status 0 "$SAFER" published
checks=$((checks + 1))
[ "$(wc -l < "$TMP/out")" = 2 ] || fail "two editions expected"
expect_grep '^2  2018-02 to 2019-01  approved by Testborough ASB Panel on 2026-01-20  published .* by operator  [0-9]* records$' "$TMP/out"
checks=$((checks + 1))
head -1 "$TMP/out" | grep -q '^2 ' || fail "the newest edition is not listed first"

expect_status 1 "$SAFER" published 3
expect_grep 'E22000001 has no published assessment 3' "$TMP/err"
expect_status 2 "$SAFER" published x
expect_grep "'x' is not an edition number" "$TMP/err"
expect_status 2 "$SAFER" published --public

# Publishing is in the audit log, by the operator.
expect_status 0 "$SAFER" audit --record assessment
expect_grep 'assessment-publish' "$TMP/out"

done_testing
