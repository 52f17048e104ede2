/*
 * contiguity.c - queen contiguity of polygons, by the rule of R
 * spdep::poly2nb(queen = TRUE).
 *
 * spdep (1.2, src/polypoly.c) calls two areas neighbours when any vertex of
 * one lies within `snap` of any vertex of the other: for a pair of vertices
 * it skips the pair when |dx| > snap or |dy| > snap and otherwise accepts it
 * when hypot(dx, dy) <= snap. Its default snap is sqrt(.Machine$double.eps)
 * = 2^-26, in coordinate units (degrees for our lon/lat wards, so about
 * 1.7 mm on the ground). Only vertices are compared: areas that share part
 * of an edge without sharing a vertex there are not neighbours, and areas
 * that merely overlap are not either. The vertices are all positions of
 * all rings of all parts, holes included. spdep's bounding-box prefilters
 * (boxes widened by snap) never reject a pair that the vertex test accepts,
 * so they are not needed here. With sf's spherical (s2) engine switched on,
 * poly2nb takes candidate pairs from st_intersects() of the polygons instead,
 * which also drops pairs that are within snap without touching; we follow
 * the planar rule, which is what poly2nb does for projected data and for
 * lon/lat with s2 off.
 *
 * Instead of spdep's all-pairs loop over candidate areas, the vertices are
 * put on a grid of square cells of side snap, sorted by cell, and each
 * vertex is compared with the vertices of the nearby cells only. Two
 * vertices within snap of each other are at most one cell apart, or two
 * after rounding x / snap, so cells up to two apart are searched. The
 * cell indices are exact integers while |x / snap| < 2^52.
 */
#include "compat.h"

#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "safer/limits.h"
#include "safer/stats.h"

/* |x / snap| must stay below this for the cell index to be an exact integer. */
#define MAX_CELL_INDEX 4503599627370496.0 /* 2^52 */

struct vtx {
    int64_t qx, qy; /* cell on the snap grid (unused when snap == 0) */
    double x, y;
    uint32_t area;
};

struct pairs {
    uint64_t *v; /* owned: (area << 32 | area) */
    size_t len, cap;
};

static void pairs_add(struct pairs *p, uint32_t a, uint32_t b)
{
    SAFER__GROW(p->v, p->cap, p->len + 2);
    p->v[p->len++] = (uint64_t)a << 32 | b;
    p->v[p->len++] = (uint64_t)b << 32 | a;
}

static int cmp_cell(const void *pa, const void *pb)
{
    const struct vtx *a = pa, *b = pb;
    if (a->qx != b->qx)
        return (a->qx > b->qx) - (a->qx < b->qx);
    return (a->qy > b->qy) - (a->qy < b->qy);
}

static int cmp_xy(const void *pa, const void *pb)
{
    const struct vtx *a = pa, *b = pb;
    if (a->x != b->x)
        return (a->x > b->x) - (a->x < b->x);
    return (a->y > b->y) - (a->y < b->y);
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* spdep's vertex test, in its order, so that borderline pairs agree. */
static bool within(const struct vtx *a, const struct vtx *b, double snap)
{
    double dx = a->x - b->x;
    if (fabs(dx) > snap)
        return false;
    double dy = a->y - b->y;
    if (fabs(dy) > snap)
        return false;
    return hypot(dx, dy) <= snap;
}

/* The first vertex at or after cell (qx, qy) in v[0..n), sorted by cell. */
static size_t lower_bound(const struct vtx *v, size_t n, int64_t qx, int64_t qy)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].qx < qx || (v[mid].qx == qx && v[mid].qy < qy))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void find_pairs_snap(const struct vtx *v, size_t nv, double snap, struct pairs *out)
{
    for (size_t a = 0; a < nv; a++) {
        /* This cell column, after a; columns before a's see a themselves. */
        for (size_t b = a + 1; b < nv && v[b].qx == v[a].qx && v[b].qy <= v[a].qy + 2; b++)
            if (v[b].area != v[a].area && within(&v[a], &v[b], snap))
                pairs_add(out, v[a].area, v[b].area);
        for (int64_t dq = 1; dq <= 2; dq++) {
            int64_t qx = v[a].qx + dq;
            for (size_t b = lower_bound(v, nv, qx, v[a].qy - 2);
                 b < nv && v[b].qx == qx && v[b].qy <= v[a].qy + 2; b++)
                if (v[b].area != v[a].area && within(&v[a], &v[b], snap))
                    pairs_add(out, v[a].area, v[b].area);
        }
    }
}

/* snap == 0: only equal positions count; they are adjacent once sorted. */
static void find_pairs_exact(const struct vtx *v, size_t nv, struct pairs *out)
{
    for (size_t a = 0; a < nv; a++)
        for (size_t b = a + 1; b < nv && v[b].x == v[a].x && v[b].y == v[a].y; b++)
            if (v[b].area != v[a].area)
                pairs_add(out, v[a].area, v[b].area);
}

void safer_nb_init(struct safer_nb *nb)
{
    nb->n = 0;
    nb->start = NULL;
    nb->adj = NULL;
}

void safer_nb_release(struct safer_nb *nb)
{
    free(nb->start);
    free(nb->adj);
    safer_nb_init(nb);
}

size_t safer_nb_islands(const struct safer_nb *nb)
{
    size_t islands = 0;
    for (size_t i = 0; i < nb->n; i++)
        if (nb->start[i + 1] == nb->start[i])
            islands++;
    return islands;
}

int safer_nb_queen(struct safer_nb *nb, const struct safer_geom *polys, size_t n, double snap,
                   struct safer_err *err)
{
    size_t nv = 0;

    safer_nb_init(nb);
    if (n < 1)
        return safer_err_set(err, SAFER_EINVAL, "no areas to find neighbours for");
    if (n > SAFER_LIMIT_AREAS)
        return safer_err_set(err, SAFER_ETOOBIG,
                             "%zu areas, more than SAFER_LIMIT_AREAS (%d)", n, SAFER_LIMIT_AREAS);
    if (!polys)
        return safer_err_set(err, SAFER_EINVAL, "missing polygon array");
    if (!(snap >= 0.0) || !isfinite(snap))
        return safer_err_set(err, SAFER_EINVAL, "snap distance %g is not a finite number >= 0",
                             snap);
    for (size_t i = 0; i < n; i++) {
        if (polys[i].npoints == 0 || !polys[i].xy)
            return safer_err_set(err, SAFER_EINVAL, "area %zu has no positions", i);
        if (polys[i].npoints > SAFER_LIMIT_POLYGON_POINTS)
            return safer_err_set(err, SAFER_ETOOBIG,
                                 "area %zu has %u positions, more than "
                                 "SAFER_LIMIT_POLYGON_POINTS (%d)",
                                 i, (unsigned)polys[i].npoints, SAFER_LIMIT_POLYGON_POINTS);
        if (!safer__size_add(nv, polys[i].npoints, &nv))
            return safer_err_set(err, SAFER_ETOOBIG, "too many positions in all areas");
    }
    size_t bytes;
    if (!safer__size_mul(nv, sizeof(struct vtx), &bytes))
        return safer_err_set(err, SAFER_ETOOBIG, "too many positions in all areas");

    struct vtx *v = safer__xmalloc(bytes);
    struct pairs pr = { 0 };
    int rc = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const double *xy = polys[i].xy;
        for (uint32_t k = 0; k < polys[i].npoints; k++) {
            double x = xy[2 * k], y = xy[2 * k + 1];
            if (!isfinite(x) || !isfinite(y)) {
                rc = safer_err_set(err, SAFER_EINVAL, "area %zu: position %u is not finite", i,
                                   (unsigned)k);
                goto out;
            }
            struct vtx *p = &v[at++];
            p->x = x;
            p->y = y;
            p->area = (uint32_t)i;
            p->qx = p->qy = 0;
            if (snap > 0.0) {
                double fx = floor(x / snap), fy = floor(y / snap);
                if (fabs(fx) >= MAX_CELL_INDEX || fabs(fy) >= MAX_CELL_INDEX) {
                    rc = safer_err_set(err, SAFER_EINVAL,
                                       "area %zu: position (%g, %g) is too far from the "
                                       "origin for snap distance %g",
                                       i, x, y, snap);
                    goto out;
                }
                p->qx = (int64_t)fx;
                p->qy = (int64_t)fy;
            }
        }
    }

    if (snap > 0.0) {
        qsort(v, nv, sizeof(*v), cmp_cell);
        find_pairs_snap(v, nv, snap, &pr);
    } else {
        qsort(v, nv, sizeof(*v), cmp_xy);
        find_pairs_exact(v, nv, &pr);
    }

    /* Both directions of every pair, sorted and unique: the rows in order. */
    if (pr.len)
        qsort(pr.v, pr.len, sizeof(*pr.v), cmp_u64);
    size_t ne = 0;
    for (size_t k = 0; k < pr.len; k++)
        if (k == 0 || pr.v[k] != pr.v[k - 1])
            pr.v[ne++] = pr.v[k];
    if (ne > UINT32_MAX) {
        rc = safer_err_set(err, SAFER_ETOOBIG, "too many pairs of neighbours");
        goto out;
    }
    nb->n = n;
    nb->start = safer__xcalloc(n + 1, sizeof(*nb->start));
    nb->adj = safer__xmalloc((ne ? ne : 1) * sizeof(*nb->adj));
    for (size_t k = 0; k < ne; k++) {
        nb->start[(pr.v[k] >> 32) + 1]++;
        nb->adj[k] = (uint32_t)(pr.v[k] & 0xffffffffu);
    }
    for (size_t i = 0; i < n; i++)
        nb->start[i + 1] += nb->start[i];
out:
    free(pr.v);
    free(v);
    return rc;
}
