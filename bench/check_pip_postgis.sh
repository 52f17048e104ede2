#!/bin/sh
# check_pip_postgis.sh - does safer put every real record in the same ward
# as PostGIS (and R sf)?
#
#   bench/check_pip_postgis.sh
#
# Loads every file of police-uk/kent/street/ and police-uk/btp/street/ and
# boundaries/maidstone/maidstone_wards_2019_WD19.geojson from the shared
# data folder (SAFER_SHARED_DATA, default <repo>/../shared/data) into
#   PostGIS  a throwaway cluster; the ward of each record with coordinates
#            is the one whose polygon ST_Contains its point (or none);
#   safer    import areas, import police, export police (ward_code, when
#            assigned_by is "point");
#   R sf     sf_use_s2(FALSE), st_contains(wards, points) (skip: SKIP_R=1);
# and compares, record by record, the multisets of
# (Crime ID, Month, Reported by, Longitude, Latitude, Crime type, ward_code)
# over the records with coordinates. Coordinates are compared as the
# doubles they parse to. Prints the number compared, how many fall in a
# Maidstone ward, and the disagreements (up to 20). Exit status 1 when
# any side disagrees.
#
# Environment: BUILD (default <repo>/build), SAFER, WORK, KEEP=1, SKIP_R=1.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SAFER=${SAFER:-$BUILD/safer}
DATA=${SAFER_SHARED_DATA:-$ROOT/../shared/data}
SKIP_R=${SKIP_R:-0}
KEEP=${KEEP:-0}
WARDS=$DATA/boundaries/maidstone/maidstone_wards_2019_WD19.geojson

if [ ! -x "$SAFER" ]; then
    echo "check_pip_postgis.sh: '$SAFER' not found; build first" >&2
    exit 1
fi
for d in "$DATA/police-uk/kent/street" "$DATA/police-uk/btp/street"; do
    if [ ! -d "$d" ]; then
        echo "check_pip_postgis.sh: no folder '$d'" >&2
        exit 1
    fi
done
if [ "$SKIP_R" != 1 ] && ! command -v Rscript >/dev/null 2>&1; then
    SKIP_R=1
fi

. "$HERE/pglib.sh"
bench_work safer-pip

# --- PostGIS ---------------------------------------------------------------
echo "== PostGIS" >&2
pg_start "$WORK/pg"
pg_psql -d postgres -c "CREATE DATABASE pip"
pg_psql -d pip -c "CREATE EXTENSION postgis"
python3 "$HERE/geojson2sql.py" "$WARDS" | pg_psql -d pip
{
    cat <<'SQL'
CREATE TABLE crimes (
    crime_id text, month text, reported_by text, falls_within text,
    longitude float8, latitude float8, location text, lsoa_code text,
    lsoa_name text, crime_type text, last_outcome text, context text);
SQL
    for f in "$DATA"/police-uk/kent/street/*.csv "$DATA"/police-uk/btp/street/*.csv; do
        printf '%s\n' "\\copy crimes FROM '$f' WITH (FORMAT csv, HEADER true)"
    done
    # extra_float_digits = 3: every double printed so that it reads back
    # exactly (the default in PostgreSQL 12 and later, made explicit).
    cat <<'SQL'
SET extra_float_digits = 3;
SQL
    printf '%s\n' "\\copy (SELECT c.crime_id, c.month, c.reported_by, c.longitude, c.latitude, c.crime_type, w.code FROM crimes c LEFT JOIN wards w ON ST_Contains(w.geom, ST_SetSRID(ST_MakePoint(c.longitude, c.latitude), 4326)) WHERE c.longitude IS NOT NULL AND c.latitude IS NOT NULL) TO '$WORK/pg.csv' WITH (FORMAT csv, HEADER true)"
} | pg_psql -d pip
pg_stop

# --- safer -----------------------------------------------------------------
echo "== safer" >&2
db=$WORK/safer.db
"$SAFER" --db "$db" import areas "$WARDS" >"$WORK/safer.log" 2>&1
"$SAFER" --db "$db" import police "$DATA/police-uk/kent/street" "$DATA/police-uk/btp/street" \
    >>"$WORK/safer.log" 2>&1
"$SAFER" --db "$db" export police --out "$WORK/safer.csv" >>"$WORK/safer.log" 2>&1

# --- R sf ------------------------------------------------------------------
if [ "$SKIP_R" != 1 ]; then
    echo "== R sf" >&2
    Rscript - "$WARDS" "$WORK/r.csv" "$DATA"/police-uk/kent/street/*.csv \
        "$DATA"/police-uk/btp/street/*.csv <<'EOF'
suppressPackageStartupMessages({ library(sf); library(data.table) })
a <- commandArgs(trailingOnly = TRUE)
suppressMessages(sf_use_s2(FALSE))
wards <- st_read(a[1], quiet = TRUE)[, "WD19CD"]
# Coordinates are kept as text for the comparison key, and converted
# with as.numeric() for the geometry: R's parser (like fread's) is not
# always correctly rounded (51.438917 becomes 51.438917000000004, one unit
# in the last place off), which moves a point by nanometres but must not
# make the records look different.
dt <- rbindlist(lapply(a[-(1:2)], function(f)
  fread(f, colClasses = list(character = c("Crime ID", "Month", "Reported by", "Crime type",
                                           "Longitude", "Latitude")),
        encoding = "UTF-8", showProgress = FALSE)), use.names = TRUE, fill = TRUE)
loc <- dt[Longitude != "" & Latitude != "",
          .(`Crime ID`, Month, `Reported by`, Longitude, Latitude, `Crime type`,
            x = as.numeric(Longitude), y = as.numeric(Latitude))]
pts <- st_as_sf(loc, coords = c("x", "y"), crs = 4326)
# Ward of each point by st_contains(wards, pts) (fast: prepared polygons);
# a point in two wards would come out twice and show as a disagreement.
hits <- suppressMessages(st_contains(wards, pts))
w <- data.table(pt = unlist(hits), ward = wards$WD19CD[rep(seq_along(hits), lengths(hits))])
out <- loc[, .(`Crime ID`, Month, `Reported by`, Longitude, Latitude, `Crime type`)]
out[, pt := .I]
out <- merge(out, w, by = "pt", all.x = TRUE)
out[, pt := NULL]
fwrite(out, a[2], na = "")
EOF
fi

# --- compare ---------------------------------------------------------------
echo "== compare" >&2
python3 - "$WORK/pg.csv" "$WORK/safer.csv" "$WORK/r.csv" "$SKIP_R" <<'EOF'
import collections
import csv
import sys

pg_path, safer_path, r_path, skip_r = sys.argv[1:5]


def key(cid, month, by, lon, lat, ctype, ward):
    return (cid, month, by, float(lon), float(lat), ctype, ward)


def load_pg(path):
    c = collections.Counter()
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        for cid, month, by, lon, lat, ctype, ward in r:
            c[key(cid, month, by, lon, lat, ctype, ward)] += 1
    return c


def load_safer(path):
    c = collections.Counter()
    with open(path, newline="", encoding="utf-8-sig") as f:
        r = csv.DictReader(f)
        for row in r:
            if not row["Longitude"] or not row["Latitude"]:
                continue
            # Only the point test is compared: a ward found through the
            # LSOA would not be a point-in-polygon answer.
            ward = row["ward_code"] if row["assigned_by"] == "point" else ""
            c[key(row["Crime ID"], row["Month"], row["Reported by"], row["Longitude"],
                  row["Latitude"], row["Crime type"], ward)] += 1
    return c


def compare(name_a, a, name_b, b):
    only_a = a - b
    only_b = b - a
    n_a = sum(a.values())
    n_b = sum(b.values())
    inward = sum(v for k, v in a.items() if k[6])
    bad = sum(only_a.values()) + sum(only_b.values())
    print("%s vs %s: %d vs %d records with coordinates compared, %d in Maidstone wards "
          "(by %s), %d disagreements" % (name_a, name_b, n_a, n_b, inward, name_a, bad))
    shown = 0
    for k, v in list(only_a.items()) + list(only_b.items()):
        if shown >= 20:
            break
        side = name_a if k in only_a else name_b
        print("  only in %s (x%d): %s" % (side, v, k))
        shown += 1
    return bad


pg = load_pg(pg_path)
sf = load_safer(safer_path)
bad = compare("PostGIS", pg, "safer", sf)
if skip_r != "1":
    rr = load_pg(r_path)
    bad += compare("PostGIS", pg, "R sf", rr)
print("agreed" if bad == 0 else "DISAGREED")
sys.exit(1 if bad else 0)
EOF
