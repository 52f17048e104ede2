/*
 * geo_internal.h - the exact point-in-polygon steps that lib/geo/ files
 * share (never installed). Names are safer__<name>.
 */
#ifndef SAFER_GEO_INTERNAL_H
#define SAFER_GEO_INTERNAL_H

#include <stdint.h>

/*
 * One step of the ray-crossing point-in-polygon test (the rules of GEOS's
 * RayCrossingCounter): how the edge (x1,y1)-(x2,y2) meets the horizontal ray
 * from (x, y) to the right. Returns -1 when the point lies on the edge, 1
 * when the edge crosses the ray (an upward edge includes its start and
 * excludes its end, a downward edge the reverse), 0 otherwise. Exact.
 */
int safer_orient2d(double ax, double ay, double bx, double by, double cx, double cy);
static inline int safer__edge_crossing(double x1, double y1, double x2, double y2, double x,
                                       double y)
{
    if (x1 < x && x2 < x)
        return 0;
    if ((x == x2 && y == y2) || (x == x1 && y == y1))
        return -1;
    if (y1 == y && y2 == y) {
        double lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
        return lo <= x && x <= hi ? -1 : 0;
    }
    if ((y1 > y && y2 <= y) || (y2 > y && y1 <= y)) {
        int o = safer_orient2d(x1, y1, x2, y2, x, y);
        if (o == 0)
            return -1;
        if (y2 < y1)
            o = -o;
        return o > 0;
    }
    return 0;
}

/*
 * Combine ring tests into a polygon answer (1 interior, 0 boundary, -1
 * exterior): the point is inside a part when it is inside the part's shell
 * (odd crossings) and inside none of its holes; on any ring it is on the
 * boundary unless another part holds it inside. `ring` returns the
 * crossings of ring r, or -1 when the point is on it; rings are asked for
 * in increasing order, so a caller may keep a cursor in `ctx`.
 */
struct safer_geom;
typedef long (*safer__ring_fn)(void *ctx, uint32_t r);
int safer__locate_parts(const struct safer_geom *g, safer__ring_fn ring, void *ctx);

/* Let transformations of `t` split large batches over spare threads of
 * group `g` (borrowed; NULL: the calling thread only). */
struct safer_bng;
struct safer__tasks;
void safer__bng_set_tasks(struct safer_bng *t, struct safer__tasks *g);

#endif
