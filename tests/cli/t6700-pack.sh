#!/bin/sh
# safer pack: the executive's and the scrutiny committee's packs of the
# demo's workspace (this test's store, SQLite or PostgreSQL) as HTML files:
# a cover, a section a priority, the print rules; the executive pack names
# the leads of overdue actions and the decisions asked; the scrutiny pack
# names no one and hides small counts even though the operator may see
# them; usage errors and a store with no partnership.
. "$(dirname "$0")/lib.sh"

expect_status 2 "$SAFER" pack
expect_status 2 "$SAFER" pack weekly --out x.html
expect_grep "unknown pack 'weekly'" "$TMP/err"
expect_status 2 "$SAFER" pack executive
expect_grep 'needs --out' "$TMP/err"
expect_status 1 "$SAFER" pack executive --out x.html
expect_grep 'no store there\|no safer store there\|holds no partnership' "$TMP/err"
checks=$((checks + 1))
[ ! -e x.html ] || fail "a failed pack left x.html"

"$SAFER" demo --out d --store "$SAFER_DB" >/dev/null
expect_status 0 "$SAFER" pack executive --out exec.html
expect_grep '^executive pack of E22900001: exec.html$' "$TMP/out"
expect_status 0 "$SAFER" pack scrutiny --partnership E22900001 --out scr.html
for f in exec.html scr.html; do
    expect_grep '^<!DOCTYPE html>' "$f"
    expect_grep '@page{size:A4;margin:15mm' "$f"
    expect_grep 'counter(page) " of " counter(pages)' "$f"
    expect_grep 'section.priority{break-before:page}' "$f"
    expect_grep 'tr,figure,.inset,li{break-inside:avoid}' "$f"
    expect_grep '<header class="cover">' "$f"
    expect_grep 'Maidstone Community Safety Partnership Plan' "$f"
    expect_no_grep '<script' "$f"
    checks=$((checks + 1))
    [ "$(grep -o '<section class="priority">' "$f" | wc -l)" -ge 8 ] || fail "$f: fewer than 8 priority sections"
done
expect_grep 'Safer Maidstone Partnership Executive Group (SMPEG)' exec.html
expect_grep 'Decisions asked of the group' exec.html
expect_grep 'Demo Practitioner' exec.html
expect_grep 'Days overdue' exec.html
expect_grep '<dt>For</dt><dd>Crime and Disorder Committee' scr.html
expect_grep 'Actions by status' scr.html
expect_no_grep 'Demo \|@demo.example' scr.html

# The operator may see small counts; the scrutiny pack hides them all the
# same, and says so (tests/unit/test_pack.c checks the hidden cells).
expect_grep 'are not shown (\[c\])' scr.html
expect_status 1 "$SAFER" pack scrutiny --partnership E22999999 --out y.html
expect_grep 'E22999999' "$TMP/err"
done_testing
