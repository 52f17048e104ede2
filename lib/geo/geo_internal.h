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

/*
 * Ring validity (rings.c): are the rings of a geometry simple closed curves
 * that do not cross? A fault names the rings (numbers as in
 * g->ring_start, a <= b) and a place: the vertex where it happens, or for a
 * crossing inside two edges, a point near it (rounded).
 */
enum safer__ring_fault_kind {
    SAFER__RINGS_OK = 0,
    SAFER__RINGS_FEW,          /* ring a keeps n < 3 positions once repeats are dropped */
    SAFER__RINGS_SELF_CROSS,   /* ring a crosses itself near (x, y) */
    SAFER__RINGS_SELF_TOUCH,   /* ring a touches itself at (x, y) */
    SAFER__RINGS_SELF_OVERLAP, /* ring a runs back along itself at (x, y) */
    SAFER__RINGS_CROSS,        /* rings a and b cross near (x, y) */
    SAFER__RINGS_OVERLAP,      /* rings a and b share a stretch of boundary at (x, y) */
    SAFER__RINGS_LOOP,         /* rings a and b of one polygon touch at (x, y) and also
                                  elsewhere, directly or through other rings: the
                                  polygon's interior is cut in two */
};
struct safer__ring_fault {
    enum safer__ring_fault_kind kind;
    uint32_t a, b;
    uint32_t n;
    double x, y;
};

/* Scratch space for the check, reused from one geometry to the next. */
struct safer__rings;
struct safer__rings *safer__rings_new(void);
void safer__rings_free(struct safer__rings *w); /* NULL does nothing */

/*
 * Check the rings of `g` (borrowed; rings closed, at least one part): no
 * ring crosses, touches or runs back along itself (consecutive repeated
 * positions are not a touch); no two rings cross or share a stretch of
 * boundary; the rings of one part touch only at points that do not close
 * a loop. Returns SAFER__RINGS_OK (0), or the kind of the first fault the
 * sweep meets, described in *out. Exact; O(n log n) in the positions.
 */
int safer__rings_check(struct safer__rings *w, const struct safer_geom *g,
                       struct safer__ring_fault *out);

/* Let transformations of `t` split large batches over spare threads of
 * group `g` (borrowed; NULL: the calling thread only). */
struct safer_bng;
struct safer__tasks;
void safer__bng_set_tasks(struct safer_bng *t, struct safer__tasks *g);

#endif
