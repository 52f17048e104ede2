/*
 * geom.c - polygon storage and the exact point-in-polygon test.
 *
 * The test follows the ray-crossing rule GEOS uses (RayCrossingCounter): a
 * horizontal ray to the right of the point; an upward edge includes its
 * start and excludes its end, a downward edge the reverse; a point on any
 * edge or vertex is on the boundary. The orientation predicate is exact
 * (see safer_orient2d), so the answer never depends on rounding.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_internal.h"
#include "util/internal.h"
#include "safer/geom.h"

void safer_geom_init(struct safer_geom *g) { memset(g, 0, sizeof(*g)); }

void safer_geom_release(struct safer_geom *g)
{
    free(g->xy);
    free(g->ring_start);
    free(g->part_start);
    safer_geom_init(g);
}

void safer_geom_copy(struct safer_geom *dst, const struct safer_geom *src)
{
    struct safer_geom g = *src;
    g.xy = safer__xmalloc(sizeof(double) * 2 * (size_t)src->npoints);
    memcpy(g.xy, src->xy, sizeof(double) * 2 * (size_t)src->npoints);
    g.ring_start = safer__xmalloc(sizeof(uint32_t) * ((size_t)src->nrings + 1));
    memcpy(g.ring_start, src->ring_start, sizeof(uint32_t) * ((size_t)src->nrings + 1));
    g.part_start = safer__xmalloc(sizeof(uint32_t) * ((size_t)src->nparts + 1));
    memcpy(g.part_start, src->part_start, sizeof(uint32_t) * ((size_t)src->nparts + 1));
    *dst = g;
}

void safer_geom_update_bbox(struct safer_geom *g)
{
    g->minx = g->miny = INFINITY;
    g->maxx = g->maxy = -INFINITY;
    for (uint32_t i = 0; i < g->npoints; i++) {
        double x = g->xy[2 * i], y = g->xy[2 * i + 1];
        if (x < g->minx)
            g->minx = x;
        if (x > g->maxx)
            g->maxx = x;
        if (y < g->miny)
            g->miny = y;
        if (y > g->maxy)
            g->maxy = y;
    }
}

/*
 * Exact arithmetic for the orientation determinant. Each difference of two
 * doubles is split into a rounded value and its exact error (two-sum); each
 * product of two doubles into a rounded value and its exact error (fma). The
 * determinant is then a sum of at most 16 exact terms, which an expansion
 * (a sequence of non-overlapping doubles, Shewchuk 1997) adds exactly; its
 * sign is the sign of its largest component.
 */
static void two_sum(double a, double b, double *s, double *e)
{
    double x = a + b;
    double bv = x - a;
    double av = x - bv;
    *s = x;
    *e = (a - av) + (b - bv);
}

static void two_diff(double a, double b, double *s, double *e) { two_sum(a, -b, s, e); }

static void two_prod(double a, double b, double *p, double *e)
{
    double x = a * b;
    *p = x;
    *e = fma(a, b, -x);
}

/* Add `b` to expansion e[0..n) (increasing magnitude); returns new length. */
static int grow_expansion(double *e, int n, double b)
{
    double q = b;
    int k = 0;
    for (int i = 0; i < n; i++) {
        double s, err;
        two_sum(q, e[i], &s, &err);
        if (err != 0.0)
            e[k++] = err;
        q = s;
    }
    if (q != 0.0 || k == 0)
        e[k++] = q;
    return k;
}

static int orient_exact(double ax, double ay, double bx, double by, double cx, double cy)
{
    /* det = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) */
    double u[2], v[2], w[2], z[2];
    two_diff(bx, ax, &u[0], &u[1]);
    two_diff(cy, ay, &v[0], &v[1]);
    two_diff(by, ay, &w[0], &w[1]);
    two_diff(cx, ax, &z[0], &z[1]);
    double e[40];
    int n = 0;
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            double p, pe;
            two_prod(u[i], v[j], &p, &pe);
            n = grow_expansion(e, n, p);
            n = grow_expansion(e, n, pe);
            two_prod(w[i], z[j], &p, &pe);
            n = grow_expansion(e, n, -p);
            n = grow_expansion(e, n, -pe);
        }
    }
    for (int i = n - 1; i >= 0; i--) {
        if (e[i] > 0)
            return 1;
        if (e[i] < 0)
            return -1;
    }
    return 0;
}

int safer_orient2d(double ax, double ay, double bx, double by, double cx, double cy)
{
    double l = (bx - ax) * (cy - ay);
    double r = (by - ay) * (cx - ax);
    double det = l - r;
    /* Error bound of the plain evaluation (Shewchuk's ccwerrboundA). */
    double bound = (3.0 + 16.0 * 1.1102230246251565e-16) * 1.1102230246251565e-16 *
                   (fabs(l) + fabs(r));
    if (det > bound)
        return 1;
    if (-det > bound)
        return -1;
    return orient_exact(ax, ay, bx, by, cx, cy);
}

/*
 * Count crossings of ring positions [a, b) with the ray from (x, y) to the
 * right. Returns -1 when the point lies on the ring, else the crossing count.
 */
static long ring_crossings(const double *xy, uint32_t a, uint32_t b, double x, double y)
{
    long count = 0;
    for (uint32_t i = a; i + 1 < b; i++) {
        int c = safer__edge_crossing(xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3], x, y);
        if (c < 0)
            return -1;
        count += c;
    }
    return count;
}

int safer__locate_parts(const struct safer_geom *g, safer__ring_fn ring, void *ctx)
{
    int result = -1;
    for (uint32_t p = 0; p < g->nparts; p++) {
        uint32_t r0 = g->part_start[p], r1 = g->part_start[p + 1];
        long c = ring(ctx, r0);
        if (c < 0) {
            result = 0;
            continue;
        }
        if (!(c & 1))
            continue;
        int in = 1;
        for (uint32_t r = r0 + 1; r < r1; r++) {
            long h = ring(ctx, r);
            if (h < 0) {
                in = 0;
                break;
            }
            if (h & 1) {
                in = -1;
                break;
            }
        }
        if (in == 1)
            return 1;
        if (in == 0)
            result = 0;
    }
    return result;
}

struct whole_ring {
    const struct safer_geom *g;
    double x, y;
};

static long whole_ring(void *arg, uint32_t r)
{
    const struct whole_ring *w = arg;
    return ring_crossings(w->g->xy, w->g->ring_start[r], w->g->ring_start[r + 1], w->x, w->y);
}

int safer_geom_locate(const struct safer_geom *g, double x, double y)
{
    if (x < g->minx || x > g->maxx || y < g->miny || y > g->maxy)
        return -1;
    struct whole_ring w = {g, x, y};
    return safer__locate_parts(g, whole_ring, &w);
}
