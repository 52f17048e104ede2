#!/bin/sh
# safer import survey (docs/surveys.md): --help; a mapping that is wrong
# fails with "safer: MAP.json: what"; unknown answers fail the whole file
# by FILE:LINE and change nothing; rows that cannot be weighted are
# rejected and counted; a wave imported again replaces the stored one.
. "$(dirname "$0")/lib.sh"
S=$DATA/survey/cli

expect_status 0 "$SAFER" import survey --help
expect_grep '^usage: safer \[--db PATH\] import survey FILE.csv --map MAP.json' "$TMP/out"
expect_status 2 "$SAFER" import survey "$S/survey.csv"
expect_grep 'import survey needs --map MAP.json' "$TMP/err"
expect_status 2 "$SAFER" import survey "$S/survey.csv" --map "$S/map.json" --trim 2:5
expect_grep "^safer: --trim '2:5'" "$TMP/err"

# No wards in the store yet.
expect_status 1 "$SAFER" import survey "$S/survey.csv" --map "$S/map.json"
expect_grep '^safer: the store holds no wards' "$TMP/err"

expect_status 0 "$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv"
expect_status 0 "$SAFER" import population "$DATA/population.csv"

# Mappings that are wrong.
printf '{"wave": {"column": "Wave"}, "area": {"colum": "Ward code", "kind": "ward"}}' >m1.json
expect_status 1 "$SAFER" import survey "$S/survey.csv" --map m1.json
expect_grep "^safer: m1.json: unknown key 'colum' in area$" "$TMP/err"
printf '{"wave": {"column": "Wave"},' >m2.json
expect_status 1 "$SAFER" import survey "$S/survey.csv" --map m2.json
expect_grep '^safer: m2.json: not JSON' "$TMP/err"
sed 's/"kind": "ward"/"kind": "county"/' "$S/map.json" >m3.json
expect_status 1 "$SAFER" import survey "$S/survey.csv" --map m3.json
expect_grep "^safer: m3.json: 'area.kind' is 'county'" "$TMP/err"
sed 's/"out": \["Don.t know"\]/"out": ["Very safe"]/' "$S/map.json" >m4.json
expect_status 1 "$SAFER" import survey "$S/survey.csv" --map m4.json
expect_grep "^safer: m4.json: question 'safe_night' lists the answer 'Very safe' twice$" "$TMP/err"
sed 's/"column": "Q1"/"column": "Q9"/' "$S/map.json" >m5.json
expect_status 1 "$SAFER" import survey "$S/survey.csv" --map m5.json
expect_grep "survey.csv:1: no column 'Q9', which m5.json names$" "$TMP/err"

# A margins file whose cells miss the respondents' ones.
head -3 "$S/margins.csv" >short.csv
expect_status 1 "$SAFER" import survey "$S/survey.csv" --map "$S/map.json" --margins short.csv
expect_grep "short.csv has no row for sex 'Male', age band" "$TMP/err"

expect_status 0 "$SAFER" import survey "$S/survey.csv" --map "$S/map.json" --margins "$S/margins.csv"
expect_grep ': 57 rows, 55 respondents, 2 rejected (1 without an area that resolves, 1 without an age band or sex; first: .*survey.csv:56: no age band given); 1 blank answer left out of the base$' "$TMP/out"
expect_grep '^weighted by raking to age band x sex (4 cells, the margins file) and ward (2 wards, the store.s ward populations), no trimming$' "$TMP/out"
expect_grep '^wave 2025: 31 respondents, raked in [0-9]* passes, design effect 1\.[0-9]*$' "$TMP/out"

# Unknown answers: every line named, and nothing changed: the store's
# digest (the survey tables in it) and the estimates.
expect_status 0 "$SAFER" survey --exact
cp "$TMP/out" before.csv
before=$(digest)
expect_status 1 "$SAFER" import survey "$S/survey-bad.csv" --map "$S/map.json" --trim 0.5:1.5
expect_grep "survey-bad.csv:4: answer 'Vry safe' in column 'Q1' is not in .*map.json; 1 more unknown values, at lines 8$" "$TMP/err"
expect_grep '^safer: nothing was imported$' "$TMP/err"
expect_status 0 "$SAFER" survey --exact
checks=$((checks + 1))
cmp -s "$TMP/out" before.csv || fail "a failed survey import changed the stored waves"
checks=$((checks + 1))
[ "$(digest)" = "$before" ] || fail "a failed survey import changed the store's digest"

expect_status 0 "$SAFER" survey
expect_grep '^question,wave,domain,domain_name,base,weighted_pct,lower,upper,small_base$' "$TMP/out"
expect_grep '^safe_night,2025,,All respondents,19,[0-9.]*,[0-9.]*,[0-9.]*,yes$' "$TMP/out"
expect_grep '^safe_night,2025,E05000002,"Beta, the island",6,' "$TMP/out"
# Members and the public: no ward estimate on a base under 50.
expect_status 0 "$SAFER" survey --public
expect_no_grep 'E05000002' "$TMP/out"
expect_grep '^safe_night,2025,,All respondents,19,' "$TMP/out"
expect_status 0 "$SAFER" survey --changes
expect_grep '^question,domain,domain_name,from,to,pct_from,pct_to,change_points,z,p_value$' "$TMP/out"
expect_grep '^safe_night,,All respondents,2023,2025,' "$TMP/out"

# A margins file with a cell nobody is in: the weights cannot reach it.
cp "$S/margins.csv" extra.csv
echo 'Female,0-15,,300' >>extra.csv
expect_status 1 "$SAFER" import survey "$S/survey.csv" --map "$S/map.json" --margins extra.csv
expect_grep "^safer: wave '2023': no respondent of sex 'Female', age band '0-15' (population " "$TMP/err"

# Again, trimmed: the waves are replaced, the trimming stated.
expect_status 0 "$SAFER" import survey "$S/survey.csv" --map "$S/map.json" --margins "$S/margins.csv" --trim 0.5:1.5
expect_grep 'weights trimmed to 0.5..1.5 times the mean$' "$TMP/out"
expect_grep '^wave 2023: 24 respondents, .* weights trimmed (replaces the stored wave)$' "$TMP/out"
checks=$((checks + 1))
[ "$(digest)" != "$before" ] || fail "the store's digest does not see the survey's new weights"

# Postcodes, placed through the ONS Postcode Directory held (place.h),
# one wave named by the mapping, weighted to the wards only.
expect_status 0 "$SAFER" import postcodes "$DATA/postcodes/onspd.csv"
cat >pc.json <<'JSON'
{"wave": {"value": "2024"}, "area": {"column": "Postcode", "kind": "postcode"},
 "questions": [{"key": "safe", "column": "Safe", "label": "feel safe",
                "count": ["Yes"], "other": ["No"]}]}
JSON
cat >pc.csv <<'CSV'
Postcode,Safe
me11aa,Yes
ME1 1AB,No
ME1  2AA,Yes
ME9 9ZZ,Yes
XX,No
CSV
expect_status 0 "$SAFER" import survey pc.csv --map pc.json
expect_grep ': 5 rows, 3 respondents, 2 rejected (2 without an area that resolves, 0 without an age band or sex; first: pc.csv:5: .ME9 9ZZ. is not a postcode' "$TMP/out"
expect_grep '^weighted by raking to ward (2 wards, the store.s ward populations), no trimming$' "$TMP/out"
expect_status 0 "$SAFER" survey
expect_grep '^safe,2024,,All respondents,3,' "$TMP/out"
expect_grep '^safe,2024,E05000002,"Beta, the island",1,0\.0,0\.0,0\.0,yes$' "$TMP/out"

done_testing
