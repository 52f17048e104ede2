#!/bin/sh
# compare.sh - time safer against PostGIS and R sf on the same synthetic data.
#
#   bench/compare.sh [N ...]          (default: 100000 1000000)
#
# For each N: bench/gen writes N police.uk rows over 36 months and a ward
# layer (not timed). Then, in the same run and on the same files:
#   safer    import areas + import police + assess, three commands, each
#            under /usr/bin/time -v; wall times summed, peak RSS the largest;
#            then import areas again (a boundary change: every stored record
#            is placed again for the count table), timed alone
#   safer_pg the same three commands with the store on PostgreSQL (the same
#            throwaway cluster as PostGIS, durable, its own database)
#   PostGIS  one psql session: GeoJSON -> SQL (bench/geojson2sql.py, inside
#            the timing), \copy the CSVs, build points, GiST index,
#            ST_Contains join, the same aggregations, \copy the results out
#   R        one Rscript run of bench/r_assess.R (data.table fread, sf
#            st_read, sf_use_s2(FALSE), st_contains(wards, points), fwrite)
# and checks that the three counts_ward_type_month.csv agree.
#
# Environment: BUILD (default <repo>/build: safer and gen live there),
# SAFER, GEN, WARDS (300), VERTICES (300), SEED (1), WORK (a temp folder),
# KEEP=1 keeps WORK, SKIP_PG=1 / SKIP_R=1 leave a side out, PG_DURABLE=0
# runs PostgreSQL without fsync and with unlogged tables (not persisted).
# PostGIS runs in a throwaway cluster (bench/pglib.sh) on a unix socket.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SAFER=${SAFER:-$BUILD/safer}
GEN=${GEN:-$BUILD/gen}
WARDS=${WARDS:-300}
VERTICES=${VERTICES:-300}
SEED=${SEED:-1}
SKIP_PG=${SKIP_PG:-0}
SKIP_R=${SKIP_R:-0}
KEEP=${KEEP:-0}
if [ $# -eq 0 ]; then
    set -- 100000 1000000
fi
PG_DURABLE=${PG_DURABLE:-1}
PG_TABLE=TABLE
if [ "$PG_DURABLE" = 0 ]; then
    PG_TABLE="UNLOGGED TABLE"
fi

for exe in "$SAFER" "$GEN"; do
    if [ ! -x "$exe" ]; then
        echo "compare.sh: '$exe' not found; build with" \
             "cmake -S . -B build -DSAFER_BENCH=ON && cmake --build build" >&2
        exit 1
    fi
done
if [ ! -x /usr/bin/time ]; then
    echo "compare.sh: /usr/bin/time (GNU time) is needed" >&2
    exit 1
fi
if [ "$SKIP_PG" != 1 ] && { ! command -v psql >/dev/null 2>&1 ||
        [ ! -x "${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb" ]; }; then
    echo "compare.sh: PostgreSQL not found, skipping PostGIS" >&2
    SKIP_PG=1
fi
if [ "$SKIP_R" != 1 ] && ! command -v Rscript >/dev/null 2>&1; then
    echo "compare.sh: Rscript not found, skipping R" >&2
    SKIP_R=1
fi

. "$HERE/pglib.sh"
bench_work safer-bench

# Wall seconds and peak RSS (KiB) from a GNU time -v report.
wall_of() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($NF, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        printf "%.2f\n", s }' "$1"
}
rss_of() {
    awk -F': ' '/Maximum resident set size/ { print $NF }' "$1"
}

# timed NAME CMD...: run CMD under GNU time, output in $WORK/NAME.log.
timed() {
    name=$1
    shift
    if ! /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.log" 2>&1; then
        echo "compare.sh: $name failed; see $WORK/$name.log:" >&2
        tail -n 20 "$WORK/$name.log" >&2
        exit 1
    fi
}

# The PostGIS job for data folder $1, results into $2: a shell script, so
# that one GNU time measures the GeoJSON conversion and the psql session.
write_pg_job() {
    data=$1
    out=$2
    sql=$WORK/pg-police.sql
    {
        cat <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS crimes, pts, assigned;
CREATE $PG_TABLE crimes (
    crime_id text, month text, reported_by text, falls_within text,
    longitude float8, latitude float8, location text, lsoa_code text,
    lsoa_name text, crime_type text, last_outcome text, context text);
SQL
        for f in "$data"/police/*.csv; do
            printf '%s\n' "\\copy crimes FROM '$f' WITH (FORMAT csv, HEADER true)"
        done
        cat <<SQL
CREATE $PG_TABLE pts AS
    SELECT month, crime_type,
           substr(month, 1, 4)::int * 12 + substr(month, 6, 2)::int - 1 AS mi,
           ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) AS geom
    FROM crimes WHERE longitude IS NOT NULL AND latitude IS NOT NULL;
CREATE INDEX pts_geom_gist ON pts USING gist (geom);
ANALYZE pts;
CREATE $PG_TABLE assigned AS
    SELECT p.month, p.mi, p.crime_type, w.code AS ward_code
    FROM pts p JOIN wards w ON ST_Contains(w.geom, p.geom);
SQL
        printf '%s\n' "\\copy (SELECT ward_code, crime_type, month, count(*) AS count FROM assigned GROUP BY 1, 2, 3 ORDER BY 1, 2, 3) TO '$out/counts_ward_type_month.csv' WITH (FORMAT csv, HEADER true)"
        printf '%s\n' "\\copy (WITH l AS (SELECT max(substr(month, 1, 4)::int * 12 + substr(month, 6, 2)::int - 1) AS l FROM crimes), t AS (SELECT crime_type, count(*) FILTER (WHERE mi BETWEEN l - 23 AND l - 12) AS prev_12, count(*) FILTER (WHERE mi BETWEEN l - 11 AND l) AS latest_12 FROM assigned, l GROUP BY crime_type) SELECT crime_type, prev_12, latest_12, latest_12 - prev_12 AS change, CASE WHEN prev_12 > 0 THEN 100.0 * (latest_12 - prev_12) / prev_12 END AS pct_change FROM t ORDER BY crime_type) TO '$out/change_by_type.csv' WITH (FORMAT csv, HEADER true)"
        printf '%s\n' "\\copy (WITH l AS (SELECT max(substr(month, 1, 4)::int * 12 + substr(month, 6, 2)::int - 1) AS l FROM crimes), t AS (SELECT w.code AS ward_code, w.name AS ward_name, count(a.mi) FILTER (WHERE a.mi BETWEEN l - 23 AND l - 12) AS prev_12, count(a.mi) FILTER (WHERE a.mi BETWEEN l - 11 AND l) AS latest_12 FROM wards w CROSS JOIN l LEFT JOIN assigned a ON a.ward_code = w.code GROUP BY w.code, w.name) SELECT ward_code, ward_name, prev_12, latest_12, latest_12 - prev_12 AS change, CASE WHEN prev_12 > 0 THEN 100.0 * (latest_12 - prev_12) / prev_12 END AS pct_change FROM t ORDER BY ward_code) TO '$out/change_by_ward.csv' WITH (FORMAT csv, HEADER true)"
        printf '%s\n' "\\copy (SELECT 'rows_total' AS metric, count(*) AS value FROM crimes UNION ALL SELECT 'rows_no_coords', count(*) FILTER (WHERE longitude IS NULL OR latitude IS NULL) FROM crimes UNION ALL SELECT 'rows_assigned', count(*) FROM assigned) TO '$out/summary.csv' WITH (FORMAT csv, HEADER true)"
    } >"$sql"
    cat >"$WORK/pg-job.sh" <<EOF
set -eu
python3 '$HERE/geojson2sql.py' '$data/wards.geojson' | psql -X -q -v ON_ERROR_STOP=1 -d bench
psql -X -q -v ON_ERROR_STOP=1 -d bench -f '$sql'
EOF
}

if [ "$SKIP_PG" != 1 ]; then
    pg_start "$WORK/pg"
fi

RESULTS=$WORK/results.txt
: >"$RESULTS"
for N in "$@"; do
    data=$WORK/data-$N
    rm -rf "$data"
    echo "== N=$N: generating ($WARDS wards, ~$VERTICES vertices each, 36 months, seed $SEED)" >&2
    "$GEN" --out "$data" --rows "$N" --wards "$WARDS" --vertices "$VERTICES" --months 36 \
        --seed "$SEED" >"$WORK/gen-$N.log"
    # Write the generated files out now, untimed: otherwise the first side
    # timed shares the disk with their writeback.
    sync

    # safer
    echo "== N=$N: safer" >&2
    db=$WORK/safer-$N.db
    sout=$WORK/safer-out-$N
    rm -rf "$db" "$db-wal" "$db-shm" "$sout"
    timed "safer-areas-$N" "$SAFER" --db "$db" import areas "$data/wards.geojson"
    timed "safer-police-$N" "$SAFER" --db "$db" import police "$data/police"
    timed "safer-assess-$N" "$SAFER" --db "$db" assess --out "$sout"
    s_wall=0
    s_rss=0
    for step in areas police assess; do
        w=$(wall_of "$WORK/safer-$step-$N.time")
        r=$(rss_of "$WORK/safer-$step-$N.time")
        echo "   safer $step: ${w}s, peak RSS ${r} KiB" >&2
        s_wall=$(awk -v a="$s_wall" -v b="$w" 'BEGIN { printf "%.2f", a + b }')
        if [ "$r" -gt "$s_rss" ]; then
            s_rss=$r
        fi
    done
    python3 "$HERE/sortcounts.py" "$sout/counts_ward_type_month.csv" >"$WORK/counts-safer-$N.tsv"
    # A boundary change: the same wards again, so every record is placed again.
    timed "safer-reareas-$N" "$SAFER" --db "$db" import areas "$data/wards.geojson"
    s_reareas=$(wall_of "$WORK/safer-reareas-$N.time")
    echo "   safer areas again (recount): ${s_reareas}s" >&2

    # safer on PostgreSQL
    g_wall=n/a
    if [ "$SKIP_PG" != 1 ]; then
        echo "== N=$N: safer on PostgreSQL" >&2
        gout=$WORK/saferpg-out-$N
        rm -rf "$gout"
        pg_psql -d postgres -c "DROP DATABASE IF EXISTS saferpg" -c "CREATE DATABASE saferpg"
        url="postgresql://postgres@/saferpg?host=$PGHOST&port=$PGPORT"
        timed "saferpg-areas-$N" "$SAFER" --db "$url" import areas "$data/wards.geojson"
        timed "saferpg-police-$N" "$SAFER" --db "$url" import police "$data/police"
        timed "saferpg-assess-$N" "$SAFER" --db "$url" assess --out "$gout"
        g_wall=0
        for step in areas police assess; do
            w=$(wall_of "$WORK/saferpg-$step-$N.time")
            echo "   safer_pg $step: ${w}s" >&2
            g_wall=$(awk -v a="$g_wall" -v b="$w" 'BEGIN { printf "%.2f", a + b }')
        done
        python3 "$HERE/sortcounts.py" "$gout/counts_ward_type_month.csv" >"$WORK/counts-saferpg-$N.tsv"
        pg_psql -d postgres -c "DROP DATABASE saferpg"
    fi

    # PostGIS
    p_wall=n/a
    if [ "$SKIP_PG" != 1 ]; then
        echo "== N=$N: PostGIS" >&2
        pout=$WORK/pg-out-$N
        rm -rf "$pout"
        mkdir -p "$pout"
        pg_psql -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
        pg_psql -d bench -c "CREATE EXTENSION postgis"
        write_pg_job "$data" "$pout"
        timed "pg-$N" sh "$WORK/pg-job.sh"
        p_wall=$(wall_of "$WORK/pg-$N.time")
        echo "   PostGIS: ${p_wall}s" >&2
        python3 "$HERE/sortcounts.py" "$pout/counts_ward_type_month.csv" >"$WORK/counts-pg-$N.tsv"
        pg_psql -d postgres -c "DROP DATABASE bench"
    fi

    # R
    r_wall=n/a
    r_rss=n/a
    if [ "$SKIP_R" != 1 ]; then
        echo "== N=$N: R sf" >&2
        rout=$WORK/r-out-$N
        rm -rf "$rout"
        timed "r-$N" Rscript "$HERE/r_assess.R" "$data" "$rout"
        r_wall=$(wall_of "$WORK/r-$N.time")
        r_rss=$(rss_of "$WORK/r-$N.time")
        echo "   R: ${r_wall}s, peak RSS ${r_rss} KiB" >&2
        python3 "$HERE/sortcounts.py" "$rout/counts_ward_type_month.csv" >"$WORK/counts-r-$N.tsv"
    fi

    # Agreement: counts_ward_type_month (the check that decides), and the
    # integer columns of the two change tables (reported only).
    agree=agreed
    for side in saferpg pg r; do
        f=$WORK/counts-$side-$N.tsv
        if [ -f "$f" ] && ! cmp -s "$WORK/counts-safer-$N.tsv" "$f"; then
            agree="disagreed($side)"
            diff "$WORK/counts-safer-$N.tsv" "$f" | head -n 10 >&2 || true
        fi
    done
    cells=$(wc -l <"$WORK/counts-safer-$N.tsv")
    echo "   counts_ward_type_month: $cells non-zero cells, $agree" >&2
    for side in pg r; do
        [ -d "$WORK/$side-out-$N" ] || continue
        for t in change_by_type:4 change_by_ward:5; do
            name=${t%:*}
            ncol=${t#*:}
            python3 "$HERE/sortcounts.py" "$sout/$name.csv" "$ncol" >"$WORK/a.tsv"
            python3 "$HERE/sortcounts.py" "$WORK/$side-out-$N/$name.csv" "$ncol" >"$WORK/b.tsv"
            if cmp -s "$WORK/a.tsv" "$WORK/b.tsv"; then
                echo "   $name: safer and $side agree" >&2
            else
                echo "   $name: safer and $side DISAGREE" >&2
            fi
        done
    done
    printf '%s %s %s %s %s %s %s %s %s %s\n' "$N" "$s_wall" "$p_wall" "$r_wall" "$s_rss" \
        "$r_rss" "$agree" "$cells" "$g_wall" "$s_reareas" >>"$RESULTS"
    if [ "$KEEP" != 1 ]; then
        rm -rf "$data" "$db" "$db-wal" "$db-shm"
    fi
done

echo
awk 'function ratio(x, y) { return (x == "n/a" || y == "n/a" || y + 0 == 0) ? "n/a" : sprintf("%.1f", x / y) }
     function mib(k) { return (k == "n/a") ? "n/a" : sprintf("%.0f", k / 1024) }
     BEGIN { printf "%10s %8s %10s %10s %8s %11s %12s %8s %10s %12s  %s\n", "N", "safer_s",
             "safer_pg_s", "postgis_s", "r_s", "postgis/saf", "postgis/sfpg", "r/safer",
             "recount_s", "safer_rss_MB", "counts" }
     { printf "%10s %8s %10s %10s %8s %11s %12s %8s %10s %12s  %s\n", $1, $2, $9, $3, $4,
             ratio($3, $2), ratio($3, $9), ratio($4, $2), $10, mib($5), $7 }' "$RESULTS"
if [ "$KEEP" = 1 ]; then
    echo "(work files kept in $WORK)"
fi
