#!/bin/sh
# Partner data in the assessment report: "None loaded" said plainly without
# any; with the fixtures, each data set with its source, licence and
# threshold, counts suppressed in both editions; and on the demo, the three
# fictional data sets, with hospital admissions for assault beside police
# violence by ward.
. "$(dirname "$0")/lib.sh"
P=$DATA/partner

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import population "$DATA/population.csv" >/dev/null
"$SAFER" import police "$DATA/police/2019-01-kent-street.csv" >/dev/null
expect_status 0 "$SAFER" assess --out rep
expect_grep '<h2 id="partner">Partner agencies&#39;\|<h2 id="partner">Partner agencies' rep/index.html
expect_grep 'None loaded.</strong> No partner agency' rep/index.html
expect_grep 'href="#partner"' rep/index.html

"$SAFER" import partner "$P/admissions.csv" --map "$P/admissions.json" >/dev/null
expect_status 0 "$SAFER" assess --out rep2 --from 2019-01 --to 2019-01
expect_grep 'Hospital admissions for assault</h3>' rep2/index.html
expect_grep 'Information sharing agreement ISA-7 (fictional)' rep2/index.html
expect_grep 'counts from 1 to 4 are shown as \[c\]' rep2/index.html
expect_status 0 "$SAFER" assess --out rep3 --from 2019-01 --to 2019-01 --public
expect_grep 'Hospital admissions for assault</h3>' rep3/index.html

# The demo: three data sets, stored by the importer from the demo's files.
expect_status 0 "$SAFER" demo --out demo
DB=demo/demo.db
for f in deliberate-fires hospital-assault-admissions council-asb-reports; do
    checks=$((checks + 1))
    [ -s "demo/data/partner/$f.csv" ] && [ -s "demo/data/partner/$f.json" ] ||
        fail "the demo did not write data/partner/$f"
done
expect_status 0 "$SAFER" --db "$DB" partner list
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 4 ] || fail "the demo has $(($(wc -l <"$TMP/out") - 1)) data sets, not 3"
expect_grep 'synthetic: not its data' "$TMP/out"
expect_status 0 "$SAFER" --db "$DB" partner compare assault-admissions --out cmp.csv
expect_grep "^assault-admissions against police.uk 'Violence and sexual offences', .* by ward: Pearson r = 0\.9[0-9]*, Spearman rho = 0\.[0-9]*" "$TMP/out"
echo "# $(cat "$TMP/out")"
expect_grep 'Hospital admissions for assault</h3>' demo/index.html
expect_grep 'Deliberate fires</h3>' demo/index.html
expect_grep 'Council ASB reports</h3>' demo/index.html
done_testing
