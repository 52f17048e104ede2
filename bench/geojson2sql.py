#!/usr/bin/env python3
"""Convert a GeoJSON FeatureCollection of ward polygons into SQL for PostGIS.

Usage: geojson2sql.py WARDS.geojson [TABLE]

Writes to stdout a script that creates TABLE (default "wards") with columns
code, name, geom (geometry, SRID 4326) and fills it. Each geometry is
passed to ST_GeomFromGeoJSON as JSON re-serialised by the standard library,
whose float repr round-trips exactly, so PostGIS sees the same doubles as
any other reader of the file. The ward code and name are taken from the
first property ending in CD / NM that starts with WD (WD19CD, WD25CD, ...).
Standard library only.
"""
import json
import sys


def copy_escape(s):
    return (s.replace("\\", "\\\\").replace("\t", "\\t")
             .replace("\n", "\\n").replace("\r", "\\r"))


def pick(props, suffix):
    for k in sorted(props):
        if k.upper().startswith("WD") and k.upper().endswith(suffix):
            return "" if props[k] is None else str(props[k])
    return ""


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: geojson2sql.py WARDS.geojson [TABLE]\n")
        return 2
    table = sys.argv[2] if len(sys.argv) == 3 else "wards"
    with open(sys.argv[1], encoding="utf-8-sig") as f:
        fc = json.load(f)
    out = sys.stdout
    out.write("SET client_min_messages = warning;\n")
    out.write("DROP TABLE IF EXISTS %s_src, %s;\n" % (table, table))
    out.write("CREATE TABLE %s_src (code text, name text, gj text);\n" % table)
    out.write("COPY %s_src (code, name, gj) FROM stdin;\n" % table)
    for feat in fc["features"]:
        props = feat.get("properties") or {}
        gj = json.dumps(feat["geometry"], separators=(",", ":"))
        out.write("%s\t%s\t%s\n" % (copy_escape(pick(props, "CD")),
                                   copy_escape(pick(props, "NM")), copy_escape(gj)))
    out.write("\\.\n")
    out.write("CREATE TABLE %s AS SELECT code, name, "
              "ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326) AS geom FROM %s_src;\n"
              % (table, table))
    out.write("DROP TABLE %s_src;\n" % table)
    out.write("CREATE INDEX %s_geom_gist ON %s USING gist (geom);\n" % (table, table))
    out.write("ANALYZE %s;\n" % table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
