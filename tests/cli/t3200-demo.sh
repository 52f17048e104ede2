#!/bin/sh
# The main job: the demo builds a partnership from nothing, deterministically,
# and never touches ./safer.db.
. "$(dirname "$0")/lib.sh"
unset SAFER_DB

expect_status 0 "$SAFER" demo --out one
expect_grep 'report: one/index.html' "$TMP/out"
# The workspace's accounts, printed last: one a role, the public's too
# (it sees what anyone not signed in sees), e-mail and password without
# spaces; the waived second factor is said.
cp "$TMP/out" one.out
checks=$((checks + 1))
[ "$(grep -c '^login: ' one.out)" = 7 ] || fail "the demo printed $(grep -c '^login: ' one.out) login lines"
for role in administrator coordinator analyst practitioner executive member public; do
    expect_grep "^login: [^ ]*@[^ ]* [^ ][^ ]* $role\$" one.out
done
checks=$((checks + 1))
awk '/^login: / && NF != 4 { bad = 1 } END { exit bad }' one.out || fail "a login line has spaces in it"
checks=$((checks + 1))
[ "$(awk '/^login: / { print $4 }' one.out | sort -u | wc -l)" = 7 ] || fail "a role has two accounts"
expect_grep "^the demo administrator's second factor is waived: demo database only$" one.out
checks=$((checks + 1))
tail -n 8 one.out | head -n 7 | awk '!/^login: / { bad = 1 } END { exit bad }' ||
    fail "the login lines are not the demo's last output"
# Each account signs in to the demo store (tests/unit/test_demo_accounts.c
# tries every one); the command line's list of people shows them.
expect_status 0 "$SAFER" --db one/demo.db user list
for role in administrator coordinator analyst practitioner executive member; do
    expect_grep "$role@demo.example" "$TMP/out"
done
checks=$((checks + 1))
[ ! -e safer.db ] || fail "the demo created ./safer.db"
expect_status 0 "$SAFER" demo --out two
# Every run has new passwords.
checks=$((checks + 1))
[ "$(grep '^login: ' one.out | sort)" != "$(grep '^login: ' "$TMP/out" | sort)" ] ||
    fail "two demo runs gave the same passwords"
for f in counts_ward_type_month change_by_type change_by_ward summary coverage change_tests hotspots moran rates_by_ward deprivation_by_ward; do
    checks=$((checks + 1))
    cmp -s "one/$f.csv" "two/$f.csv" || fail "$f.csv differs between two demo runs"
done
checks=$((checks + 1))
cmp -s one/index.html two/index.html || fail "index.html differs between two demo runs"

# 20-30 wards, 36 months, a partial month, the LSOA fallback, two forces.
checks=$((checks + 1))
w=$(metric one/summary.csv wards)
[ "$w" -ge 20 ] && [ "$w" -le 30 ] || fail "demo has $w wards"
checks=$((checks + 1))
[ "$(grep -c '^Kent Police,' one/coverage.csv)" -ge 24 ] || fail "demo coverage too short"
expect_grep '^British Transport Police,' one/coverage.csv
# Coverage on the demo's 36 months: its one partial month (about 40% of a
# normal month) is flagged on crime, ASB and rows, and nothing else is,
# though its ASB more than doubles from winter to July, and British
# Transport Police's dozen rows a month (0 to 3 of them ASB) swing by a
# quarter or more from month to month.
checks=$((checks + 1))
[ "$(grep -c ',partial$' one/coverage.csv)" = 1 ] || fail "the demo has other partial months"
expect_grep '^Kent Police,[0-9-]*,[0-9]*,[0-9]*,[0-9]*,[0-9]*,[0-9]*,crime low; ASB low; rows low,partial$' one/coverage.csv
checks=$((checks + 1))
awk -F, '$1 == "Kent Police" && $9 == "ok" { if (lo == "" || $5 < lo) lo = $5; if ($5 > hi) hi = $5 }
         END { exit !(hi > 2 * lo) }' one/coverage.csv || fail "the demo's ASB has no seasons to test"
checks=$((checks + 1))
[ "$(metric one/summary.csv rows_assigned_by_lsoa)" -gt 0 ] || fail "no LSOA fallback in the demo"
expect_grep 'hot99$' one/hotspots.csv
expect_grep 'synthetic' one/index.html
# The seed's plan, built into the program (the test runs far from data/),
# is the demo partnership's: its priorities and groups, under the demo's
# synthetic code, saying that the figures are invented.
expect_grep 'Safer Maidstone Partnership Executive Group (SMPEG)' one/index.html
expect_grep 'Reducing the harm caused by domestic abuse (including stalking)' one/index.html
expect_grep 'Community Safety and Vulnerability Group (CSVG)' one/index.html
expect_grep 'its partnership code E22900001 and district E07900001 are the demo' one/index.html
expect_grep 'From the plan file safer-maidstone-2021.json (built into safer)' one/index.html
expect_grep 'which are those of the plan <cite>Maidstone Community Safety Partnership Plan</cite>' one/index.html
# Synthetic boundaries are no one's data: no OS copyright line.
expect_no_grep 'OS data' one/index.html
expect_status 0 "$SAFER" --db one/demo.db export police --out all.csv
checks=$((checks + 1))
[ "$(($(wc -l < all.csv) - 1))" = "$(metric one/summary.csv rows_total)" ] || fail "export row count"
# An area's export holds the records its assessment counts, no others.
expect_status 0 "$SAFER" --db one/demo.db export police --area E22900001 --out area.csv
checks=$((checks + 1))
[ "$(($(wc -l < area.csv) - 1))" = "$(metric one/summary.csv rows_assigned)" ] ||
    fail "export --area row count is not rows_assigned"
checks=$((checks + 1))
[ "$(awk -F, '{ print $NF }' area.csv | sort -u | tr '\n' ' ')" = "assigned_by lsoa point " ] ||
    fail "export --area gave unassigned records"
expect_status 1 "$SAFER" --db one/demo.db export police --area E07000001
expect_grep "no stored ward lies in area 'E07000001'" "$TMP/err"

# The count table agrees with the assessment: every demo ward is in the
# partnership, so its counts up to the latest month are the assessment's.
latest=$(metric one/summary.csv latest_month)
expect_status 0 "$SAFER" --db one/demo.db export counts --to "$latest" --out counts.csv
grep -v '^,' counts.csv >counts-wards.csv
checks=$((checks + 1))
cmp -s one/counts_ward_type_month.csv counts-wards.csv ||
    fail "the count table disagrees with counts_ward_type_month.csv"
expect_status 0 "$SAFER" --db one/demo.db export counts --ward E05900001 --type Burglary
checks=$((checks + 1))
n=$(grep -c '^E05900001,Burglary,' "$TMP/out")
[ "$n" -gt 0 ] && [ "$n" = "$(($(wc -l < "$TMP/out") - 1))" ] ||
    fail "export counts --ward --type gave other rows"
expect_status 2 "$SAFER" --db one/demo.db export counts --from 2019-13
done_testing
