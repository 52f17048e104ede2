#!/bin/sh
# safer focus on the hand-made wards (tests/data/areas, tests/data/focus):
# IoD2019 File 2 import and its errors, the index against a computation in
# awk from docs/statistics.md, the weights file, the focus area, usage.
. "$(dirname "$0")/lib.sh"
F=$DATA/focus

"$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
"$SAFER" import police "$DATA/police/2019-01-kent-street.csv" >/dev/null
"$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
"$SAFER" import lookup "$F/lookup_extra.csv" >/dev/null
"$SAFER" import population "$F/population.csv" >/dev/null

# Without File 2 the default index cannot be made, and says why.
expect_status 1 "$SAFER" focus --out f.csv
expect_grep "focus indicator 'domain:income': no ward has it (import the IoD2019 domains" "$TMP/err"
[ ! -e f.csv ] || fail "f.csv written after a failure"

# File 2: recognised by its header; a bad row changes nothing.
sed 's/"7,000",3/"7,000",0/' "$F/domains.csv" > bad.csv
expect_status 1 "$SAFER" import deprivation bad.csv
expect_grep "bad.csv:2: Crime decile '0' is not 1 to 10" "$TMP/err"
expect_status 1 "$SAFER" focus --out f.csv
expect_status 0 "$SAFER" import deprivation "$F/domains.csv"
expect_grep 'imported deprivation of 5 LSOAs from .*domains.csv, with 7 domains' "$TMP/out"
# A bad file after a good one leaves the store as it was, byte for byte.
before=$(digest)
sed 's/"26,000",8/"26,000",x/' "$F/domains.csv" > bad2.csv
expect_status 1 "$SAFER" import deprivation bad2.csv
expect_grep "bad2.csv:4: Living Environment decile 'x' is not 1 to 10" "$TMP/err"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a failed File 2 import changed the store"
# The digest covers the domains: a changed rank (the file's name the
# same) changes it.
mkdir c
sed 's/"26,000",8/"25,999",8/' "$F/domains.csv" > c/domains.csv
expect_status 0 "$SAFER" import deprivation c/domains.csv
checks=$((checks + 1))
[ "$(digest)" != "$before" ] || fail "the digest does not see the domains"
expect_status 0 "$SAFER" import deprivation "$F/domains.csv"

# One indicator: income deprivation. Ward ranks (population-weighted):
# Alpha (1000 x 1000 + 3000 x 4000) / 4000 = 3250, Beta 20000, Gamma 32000.
printf 'indicator,weight\ndomain:income,2\n' > w.csv
expect_status 0 "$SAFER" focus --weights w.csv --top 2 --draws 50 --out f.csv
expect_grep '^proposed focus area: Alpha + Beta, the island$' "$TMP/out"
expect_grep '^wrote f.csv$' "$TMP/out"
expect_grep '^rank,ward_code,ward_name,index,top_k,top_k_share,rank_min,rank_max,focus_group,proposed_focus_area,value:domain:income,z:domain:income$' f.csv
# The z-score of -rank with the population sd, computed here.
want=$(awk 'BEGIN { a = 3250; b = 20000; c = 32000; m = (a + b + c) / 3;
    s = sqrt(((a - m)^2 + (b - m)^2 + (c - m)^2) / 3); printf "%.15f", -(a - m) / s }')
got=$(awk -F, '$2 == "E05000001" { printf "%.15f", $4 }' f.csv)
checks=$((checks + 1))
[ "$want" = "$got" ] || fail "Alpha's index $got, want $want"
expect_grep '^1,E05000001,Alpha,[0-9.e-]*,2,1,1,1,1,1,3250,' f.csv
expect_grep '^2,E05000002,"Beta, the island",[0-9.e-]*,2,1,2,2,1,1,20000,' f.csv
expect_grep '^3,E05000003,Gamma,-[0-9.e-]*,2,0,3,3,,0,32000,' f.csv

# The defaults: six indicators, a summary on standard output.
expect_status 0 "$SAFER" focus --out d.csv --seed 7
expect_grep 'focus index of 3 wards (3 ranked) from 6 indicators; stability: 1000 draws of +-25% per weight, seed 7' "$TMP/out"
checks=$((checks + 1))
[ "$(wc -l < d.csv)" = 4 ] || fail "d.csv: a header and 3 wards"
expect_grep ',value:rate,value:rate:Violence and sexual offences,value:rate:Anti-social behaviour,value:domain:income,value:domain:employment,value:domain:health,z:rate,' d.csv
# The same seed gives the same file; the output goes to standard output with '-'.
expect_status 0 "$SAFER" focus --out - --seed 7
checks=$((checks + 1))
cmp -s d.csv "$TMP/out" || fail "--out - differs from the file"

# The report's section: the ranking with the default weights, the
# proposed area (the three wards are all in the top 5 and connected through
# Alpha) and the profiles; the public edition hides the small counts, the
# rates made from them and the index values.
expect_status 0 "$SAFER" assess --out rep
expect_grep '<h2 id="wards">Ward profiles and the focus area</h2>' rep/index.html
expect_grep 'Proposed focus area:</strong> Alpha, Gamma and Beta, the island: the neighbouring wards' rep/index.html
expect_grep '<tr><td>Alpha</td><td class="n">4,000</td><td class="n">[0-9]*</td><td class="n">[0-9.]*</td><td class="n">0</td><td class="n">[0-9]*</td><td class="n">7,500</td><td class="n">3,250</td><td class="n">5,775</td><td class="n">1,825</td><td class="n">2</td></tr>' rep/index.html
expect_status 0 "$SAFER" assess --public --out pub
expect_grep '<tr><td>Alpha</td><td class="n">4,000</td><td class="n">\[c\]</td><td class="n">\[c\]</td>' pub/index.html
expect_grep 'The index values are left out of the public edition' pub/index.html
expect_no_grep '<td class="n">+[0-9]' pub/index.html

# Bad weights and options.
printf 'indicator,weight\nrate:Burglary,1\nrisk,1\n' > w2.csv
expect_status 1 "$SAFER" focus --weights w2.csv --out f.csv
expect_grep "focus indicator 'risk' unknown" "$TMP/err"
# Harm per 1,000 residents, from the built-in harm weights.
printf 'indicator,weight\nharm,1\n' > w3.csv
expect_status 0 "$SAFER" focus --weights w3.csv --out f3.csv
printf 'indicator,weight\nrate,one\n' > w4.csv
expect_status 1 "$SAFER" focus --weights w4.csv --out f.csv
expect_grep "w4.csv:2: weight 'one' is not a number from 0" "$TMP/err"
expect_status 2 "$SAFER" focus
expect_grep 'focus needs --out FILE.csv' "$TMP/err"
expect_status 2 "$SAFER" focus --out f.csv --spread 2
expect_grep "spread '2' is not a number from 0 to 1" "$TMP/err"
expect_status 2 "$SAFER" focus --out f.csv --top 0
expect_status 0 "$SAFER" focus --help
expect_grep 'usage: safer \[--db PATH\] focus --out FILE.csv' "$TMP/out"

done_testing
