#!/bin/sh
# A schema-7 store with indicators, their values and comments opens as
# schema 8 (lib/store/schema.c, version 8: the indicator table rebuilt on
# SQLite, its constraints replaced on PostgreSQL) with every one of them
# intact. The schema-7 store is made from a new one by undoing version 8's
# changes by hand, then filled with SQL as safer 0.x of schema 7 would.
. "$(dirname "$0")/lib.sh"
PLANS=$DATA/../../data/plans

if [ -n "${SAFER_TEST_PG:-}" ]; then
    command -v psql >/dev/null || skip "psql is needed"
    sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$SAFER_DB" -c "$1"; }
    UNDO="ALTER TABLE indicator DROP COLUMN question,
        DROP CONSTRAINT indicator_kind_check, DROP CONSTRAINT indicator_measure_check,
        DROP CONSTRAINT indicator_period_check,
        ADD CONSTRAINT indicator_kind_check CHECK(kind IN ('computed', 'manual')),
        ADD CONSTRAINT indicator_measure_check CHECK(measure IN ('count', 'rate')),
        ADD CONSTRAINT indicator_period_check CHECK(period IN ('month', 'quarter', 'rolling12'));
        ALTER TABLE survey_question DROP COLUMN concern;
        DROP TABLE population_age;"
else
    command -v sqlite3 >/dev/null || skip "sqlite3 is needed"
    sql() { sqlite3 -batch "$SAFER_DB" "$1"; }
    UNDO="PRAGMA foreign_keys = OFF;
        CREATE TABLE indicator_v7(
          id INTEGER PRIMARY KEY, partnership_id INTEGER NOT NULL REFERENCES partnership(id),
          key TEXT, priority_key TEXT, group_key TEXT, title TEXT NOT NULL,
          kind TEXT NOT NULL CHECK(kind IN ('computed', 'manual')),
          categories TEXT NOT NULL DEFAULT '', ward TEXT NOT NULL DEFAULT '',
          measure TEXT NOT NULL CHECK(measure IN ('count', 'rate')),
          period TEXT NOT NULL CHECK(period IN ('month', 'quarter', 'rolling12')),
          good TEXT NOT NULL CHECK(good IN ('down', 'up')), target REAL, amber REAL NOT NULL,
          red REAL NOT NULL, unit TEXT, version INTEGER NOT NULL DEFAULT 1,
          created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE(partnership_id, key));
        INSERT INTO indicator_v7 SELECT id, partnership_id, key, priority_key, group_key, title,
          kind, categories, ward, measure, period, good, target, amber, red, unit, version,
          created_at, updated_at FROM indicator;
        DROP TABLE indicator;
        ALTER TABLE indicator_v7 RENAME TO indicator;
        ALTER TABLE survey_question DROP COLUMN concern;
        DROP TABLE population_age;"
fi

# A store at schema 8 with the demo plan's computed indicators only (the
# survey one would not fit schema 7), then taken back to schema 7.
grep -v '"kind": "survey"\|"question"' "$PLANS/safer-maidstone-2021.json" |
    sed 's/"title": "% of residents who feel safe in their local area after dark",/"title": "Safe after dark", "measure": "count", "period": "month",/' >plan.json
expect_status 0 "$SAFER" import plan plan.json
expect_status 0 "$SAFER" store info
sql "$UNDO UPDATE meta SET value = '7' WHERE key = 'schema_version';"
checks=$((checks + 1))
[ "$(sql "SELECT value FROM meta WHERE key = 'schema_version'")" = 7 ] ||
    fail "the store was not taken back to schema 7"

# What schema 7 held: a manual indicator, values and comments.
sql "INSERT INTO indicator(partnership_id, key, title, kind, measure, period, good, target,
       amber, red, unit, created_at, updated_at)
     VALUES(1, 'referrals', 'Referrals', 'manual', 'count', 'quarter', 'up', 120, 5, 15,
       'referrals', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
     INSERT INTO indicator_value(indicator_id, period, value, author_id, at)
       SELECT id, '2024-Q4', 131.5, NULL, '2025-01-02T00:00:00Z' FROM indicator
       WHERE key = 'referrals';
     INSERT INTO indicator_value(indicator_id, period, value, author_id, at)
       SELECT id, '2025-Q1', 97, NULL, '2025-04-02T00:00:00Z' FROM indicator
       WHERE key = 'referrals';
     INSERT INTO indicator_comment(indicator_id, period, author_id, at, note)
       SELECT id, '2019-01', NULL, '2025-02-01T00:00:00Z', 'A note on ASB' FROM indicator
       WHERE key = 'asb-month';"
Q_IND="SELECT id, key, priority_key, group_key, title, kind, categories, ward, measure, period,
         good, target, amber, red, unit, version, created_at, updated_at FROM indicator ORDER BY id"
Q_VAL="SELECT indicator_id, period, value, at FROM indicator_value ORDER BY indicator_id, period"
Q_COM="SELECT id, indicator_id, period, at, note FROM indicator_comment ORDER BY id"
sql "$Q_IND" >ind7.txt
sql "$Q_VAL" >val7.txt
sql "$Q_COM" >com7.txt
checks=$((checks + 1))
[ "$(wc -l <ind7.txt)" = 6 ] && [ "$(wc -l <val7.txt)" = 2 ] && [ "$(wc -l <com7.txt)" = 1 ] ||
    fail "the schema-7 store does not hold what was put in it"

# Opening it migrates it to schema 8, keeping every row.
expect_status 0 "$SAFER" store info
expect_grep '^schema version: 8$' "$TMP/out"
sql "$Q_IND" >ind8.txt
sql "$Q_VAL" >val8.txt
sql "$Q_COM" >com8.txt
for t in ind val com; do
    checks=$((checks + 1))
    cmp -s "${t}7.txt" "${t}8.txt" || fail "$t changed in the migration: $(diff "${t}7.txt" "${t}8.txt")"
done
checks=$((checks + 1))
[ "$(sql "SELECT COUNT(*) FROM indicator WHERE question IS NULL")" = 6 ] ||
    fail "the migrated indicators are not without a question"

# And the migrated store takes a survey indicator and exports the values
# and comments of schema 7.
printf '%s\n' 'key,title,priority,group,kind,categories,ward,measure,period,good,target,amber,red,unit,question' \
    'safe-night,Safe at night,,,survey,,,,,up,65,5,10,,safe_night' >s.csv
expect_status 0 "$SAFER" import indicators s.csv
expect_status 0 "$SAFER" export partnership --format csv --out x
expect_grep '^referrals,Referrals,2024-Q4,131.5,operator' x/indicator_values.csv
expect_grep '^asb-month,.*,2019-01,2025-02-01T00:00:00Z,operator,A note on ASB' x/indicator_comments.csv
expect_grep '^safe-night,Safe at night,,,survey,,,percent,wave,up,65,5,10,%,safe_night' x/indicators.csv

done_testing
