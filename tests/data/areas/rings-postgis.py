#!/usr/bin/env python3
"""Write rings-postgis.tsv: random small polygons and PostGIS's verdict.

Usage: rings-postgis.py > rings-postgis.tsv   (psql must reach a database
with the postgis extension through the usual PG* environment variables)

Each line is ST_IsValidReason's reason without its location, a tab, and a
Polygon or MultiPolygon as GeoJSON. test_area.c replays the file: what
PostGIS calls valid must be read; what it faults for an intersection or a
disconnected interior must be refused; where it faults how rings lie
relative to each other (hole outside shell, nested holes or shells), the
reader may do either, as it does not check that.

Coordinates are small integers, so touches and collinear edges are exact
(and no position is in the box the reader takes for swapped axes). A
quarter of the geometries are random rings (mostly invalid), the rest
rectangles, triangles, diamonds and L shapes with holes near their shells
and parts next to each other (many valid, many touching). Standard
library only.
"""
import json
import random
import subprocess
import sys

rnd = random.Random(20240601)


def pt(i, j):
    return [i, j]


def close(r):
    return r + [r[0]]


def random_ring(g):
    r = [(rnd.randint(0, g), rnd.randint(0, g)) for _ in range(rnd.randint(3, 7))]
    if rnd.random() < 0.15:  # a repeated position
        i = rnd.randrange(len(r))
        r = r[:i + 1] + [r[i]] + r[i + 1:]
    if rnd.random() < 0.1:  # back to an earlier vertex
        r += [r[rnd.randrange(len(r))], (rnd.randint(0, g), rnd.randint(0, g))]
    return close([pt(*p) for p in r])


def shape(x0, y0, x1, y1):
    c = rnd.random()
    if c < 0.5:
        r = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    elif c < 0.7:
        r = [(x0, y0), (x1, y0), (rnd.randint(x0, x1), y1)]
    elif c < 0.85:
        mx, my = (x0 + x1) // 2, (y0 + y1) // 2
        r = [(mx, y0), (x1, my), (mx, y1), (x0, my)]
    else:
        mx, my = rnd.randint(x0, x1), rnd.randint(y0, y1)
        r = [(x0, y0), (x1, y0), (x1, my), (mx, my), (mx, y1), (x0, y1)]
    if rnd.random() < 0.5:
        r = r[::-1]
    k = rnd.randrange(len(r))
    r = r[k:] + r[:k]
    if rnd.random() < 0.1:
        i = rnd.randrange(len(r))
        r = r[:i + 1] + [r[i]] + r[i + 1:]
    return close([pt(*p) for p in r])


def shaped_polygon(g):
    x0, y0 = rnd.randint(0, g - 1), rnd.randint(0, g - 1)
    x1, y1 = rnd.randint(x0 + 1, g), rnd.randint(y0 + 1, g)
    rings = [shape(x0, y0, x1, y1)]
    for _ in range(rnd.choice([0, 1, 1, 2, 3])):
        if x1 - x0 < 2 or y1 - y0 < 2:
            break
        a, b = rnd.randint(x0, x1 - 1), rnd.randint(y0, y1 - 1)
        rings.append(shape(a, b, rnd.randint(a + 1, min(x1, a + 3)),
                           rnd.randint(b + 1, min(y1, b + 3))))
    return rings


def random_polygon(g):
    return [random_ring(g) for _ in range(rnd.choice([1, 1, 2, 2, 3]))]


def geometry(polygon, g):
    if rnd.random() < 0.5:
        return {"type": "Polygon", "coordinates": polygon(g)}
    return {"type": "MultiPolygon",
            "coordinates": [polygon(g) for _ in range(rnd.randint(2, 3))]}


def main():
    geoms = [geometry(random_polygon, rnd.randint(2, 6)) for _ in range(100)]
    geoms += [geometry(shaped_polygon, rnd.randint(3, 8)) for _ in range(300)]
    texts = [json.dumps(g, separators=(",", ":")) for g in geoms]
    sql = "".join("SELECT ST_IsValidReason(ST_GeomFromGeoJSON('%s'));\n" % t for t in texts)
    out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], input=sql,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    if len(out) != len(texts):
        sys.exit("rings-postgis.py: psql gave %d answers for %d geometries" % (len(out), len(texts)))
    for reason, text in zip(out, texts):
        print("%s\t%s" % (reason.split("[")[0], text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
