#!/bin/sh
# A survey indicator from a plan file (docs/plan.md, indicators): the demo
# plan's "% of residents who feel safe in their local area after dark"
# loads before any survey, and its mistakes name file, line and key; in
# `safer demo` it reads the demo survey's 60.1% against a target of 65%:
# amber (7.5% under target: beyond amber at 5, within red at 10), in the
# report, its public edition and the scrutiny pack.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

# The demo plan loads into a store that has no survey yet.
expect_status 0 "$SAFER" import plan "$PLANS/safer-maidstone-2021.json"
expect_status 0 "$SAFER" export partnership --format csv --out x
expect_grep '^safe-after-dark,% of residents who feel safe in their local area after dark,anti-social-behaviour,community-protection-team,survey,,,percent,wave,up,65,5,10,%,safe_night' x/indicators.csv

# Mistakes in a plan's survey indicator.
plan() {
    printf '%s\n' '{"safer_plan": 1,' \
        ' "partnership": {"name": "Testborough", "code": "E22000001", "districts": ["E07000001"]},' \
        ' "plan": {"title": "Plan", "period": {"from": "2022", "to": "2025"}, "source": "made up"},' \
        ' "priorities": [{"id": "asb", "title": "ASB"}],' \
        ' "indicators": [' \
        "  {\"id\": \"safe\", \"title\": \"Safe\", \"good\": \"up\", \"amber\": 5, \"red\": 10, $1}" \
        ' ]}' >"$2"
}
plan '"kind": "survey"' p1.json
expect_status 1 "$SAFER" import plan p1.json
expect_grep "^safer: p1.json: indicator 1 is a survey indicator: it needs a 'question'" "$TMP/err"
plan '"kind": "survey", "question": "safe night"' p2.json
expect_status 1 "$SAFER" import plan p2.json
expect_grep "^safer: p2.json:6: 'question' in indicator 1 must be a survey question's key" "$TMP/err"
plan '"kind": "survey", "question": "safe_night", "target": 101' p3.json
expect_status 1 "$SAFER" import plan p3.json
expect_grep "^safer: p3.json:6: 'target' of indicator 1 is a per cent: at most 100$" "$TMP/err"
plan '"kind": "survey", "question": "safe_night", "categories": ["Burglary"]' p4.json
expect_status 1 "$SAFER" import plan p4.json
expect_grep "^safer: p4.json:6: indicator 1 is a survey indicator: it has no 'categories'$" "$TMP/err"
plan '"kind": "survey", "question": "safe_night", "period": "month"' p5.json
expect_status 1 "$SAFER" import plan p5.json
expect_grep "^safer: p5.json:6: 'period' of indicator 1 is 'month', not one of: 'wave'$" "$TMP/err"
plan '"measure": "count", "period": "month", "question": "safe_night"' p6.json
expect_status 1 "$SAFER" import plan p6.json
expect_grep "^safer: p6.json:6: only a survey indicator (\"kind\": \"survey\") has a 'question'$" "$TMP/err"
plan '"kind": "guessed", "question": "safe_night"' p7.json
expect_status 1 "$SAFER" import plan p7.json
expect_grep "^safer: p7.json:6: 'kind' of indicator 1 is 'guessed', not one of: 'computed', 'survey'$" "$TMP/err"
# A computed indicator still names its measure and period.
plan '"categories": ["Burglary"]' p8.json
expect_status 1 "$SAFER" import plan p8.json
expect_grep "^safer: p8.json: indicator 1 has no 'measure'$" "$TMP/err"
plan '"kind": "survey", "question": "safe_night", "measure": "percent", "period": "wave", "target": 100' p9.json
expect_status 0 "$SAFER" import plan p9.json

# The demo: the survey indicator is amber in the report's progress table.
expect_status 0 "$SAFER" demo --out demo
expect_grep 'after dark</th><td>The general duty to reduce anti-social behaviour (ASB)</td><td>2021</td><td class="n">60.1%</td><td class="n">65.0% (up is better)</td><td>Amber</td>' demo/index.html
# The public edition shows the whole area's estimate; the scrutiny pack
# gives each wave as a per cent with its variance and status.
expect_status 0 "$SAFER" --db demo/demo.db assess --area E22900001 --public --out pub
expect_grep 'after dark</th><td>[^<]*</td><td>2021</td><td class="n">60.1%</td>' pub/index.html
expect_status 0 "$SAFER" --db demo/demo.db pack scrutiny --out scrutiny.html
expect_grep 'Target: 65% or more' scrutiny.html
expect_grep '>2021</td><td[^>]*>60.1%</td><td[^>]*>+7.5%</td>' scrutiny.html

done_testing
