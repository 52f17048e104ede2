/*
 * geom.h - polygons and multipolygons as flat arrays.
 *
 * One struct safer_geom holds a Polygon or a MultiPolygon: `xy` holds every
 * ring's positions (x0, y0, x1, y1, ...), each ring closed (its last
 * position equals its first). Ring r spans positions
 * [ring_start[r], ring_start[r + 1]); part p spans rings
 * [part_start[p], part_start[p + 1]); the first ring of a part is its shell,
 * the others its holes. Coordinates are whatever the owner says: lon/lat
 * (EPSG:4326, x = longitude) as imported, or metres after a transformation
 * to British National Grid (EPSG:27700).
 */
#ifndef SAFER_GEOM_H
#define SAFER_GEOM_H

#include <stddef.h>
#include <stdint.h>

struct safer_geom {
    double *xy;            /* owned: 2 * npoints doubles */
    uint32_t *ring_start;  /* owned: nrings + 1 entries */
    uint32_t *part_start;  /* owned: nparts + 1 entries */
    uint32_t npoints;
    uint32_t nrings;
    uint32_t nparts;
    double minx, miny, maxx, maxy; /* bounding box of all positions */
};

void safer_geom_init(struct safer_geom *g);
void safer_geom_release(struct safer_geom *g);

/* Deep copy of `src` into `dst` (initialised or released). */
void safer_geom_copy(struct safer_geom *dst, const struct safer_geom *src);

/* Recompute the bounding box from the positions. */
void safer_geom_update_bbox(struct safer_geom *g);

/*
 * Where point (x, y) lies relative to `g`: 1 in the interior, 0 on the
 * boundary, -1 outside. Exact: the orientation test behind it has no
 * rounding error, so the answer is that of GEOS / PostGIS ST_Contains on the
 * same numbers. Holes are outside; the point is inside the multipolygon when
 * it is in the interior of any part.
 */
int safer_geom_locate(const struct safer_geom *g, double x, double y);

/*
 * The sign of the orientation of (a, b, c), computed exactly:
 * 1 counter-clockwise (c left of a->b), -1 clockwise, 0 collinear.
 */
int safer_orient2d(double ax, double ay, double bx, double by, double cx, double cy);

#endif
