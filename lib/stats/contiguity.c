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
 * sorted by x (a radix sort on the bits of the doubles) and each vertex is
 * compared with the vertices after it whose x is within snap: every pair
 * the vertex test accepts is among those. Pairs of areas are kept once, in
 * a small hash set, however many vertices they share.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/limits.h"
#include "safer/stats.h"

struct vtx {
    double x, y;
    uint32_t area;
};

/* Distinct ordered pairs of areas: open addressing on (a << 32 | b) + 1. */
struct pairs {
    uint64_t *slot;
    size_t nslots, len;
};

static void pairs_put(struct pairs *p, uint64_t key)
{
    if (2 * (p->len + 1) > p->nslots) {
        size_t n = p->nslots ? 2 * p->nslots : 1024;
        uint64_t *s = safer__xcalloc(n, sizeof(uint64_t));
        for (size_t i = 0; i < p->nslots; i++) {
            if (!p->slot[i])
                continue;
            size_t k = (size_t)((p->slot[i] * 0x9E3779B97F4A7C15ULL) >> 40) & (n - 1);
            while (s[k])
                k = (k + 1) & (n - 1);
            s[k] = p->slot[i];
        }
        free(p->slot);
        p->slot = s;
        p->nslots = n;
    }
    uint64_t v = key + 1;
    size_t k = (size_t)((v * 0x9E3779B97F4A7C15ULL) >> 40) & (p->nslots - 1);
    while (p->slot[k]) {
        if (p->slot[k] == v)
            return;
        k = (k + 1) & (p->nslots - 1);
    }
    p->slot[k] = v;
    p->len++;
}

static void pairs_add(struct pairs *p, uint32_t a, uint32_t b)
{
    pairs_put(p, (uint64_t)a << 32 | b);
    pairs_put(p, (uint64_t)b << 32 | a);
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* The bits of x as an unsigned key in the order of the numbers. */
static uint64_t order_key(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof(u));
    return (u >> 63) ? ~u : u | 0x8000000000000000ULL;
}

/* The order of v by x (indexes into v): least significant digit first, a
 * byte at a time, skipping the bytes every key shares. */
static uint32_t *order_by_x(const struct vtx *v, size_t n)
{
    uint64_t *key = safer__xmalloc(sizeof(uint64_t) * n * 2);
    uint32_t *idx = safer__xmalloc(sizeof(uint32_t) * n * 2);
    uint64_t *k2 = key + n;
    uint32_t *i2 = idx + n;
    for (size_t i = 0; i < n; i++) {
        key[i] = order_key(v[i].x);
        idx[i] = (uint32_t)i;
    }
    int swapped = 0;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((key[i] >> shift) & 0xFF) + 1]++;
        if (count[((key[0] >> shift) & 0xFF) + 1] == n)
            continue;
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(key[i] >> shift) & 0xFF]++;
            k2[at] = key[i];
            i2[at] = idx[i];
        }
        uint64_t *tk = key;
        key = k2;
        k2 = tk;
        uint32_t *ti = idx;
        idx = i2;
        i2 = ti;
        swapped ^= 1;
    }
    free(swapped ? k2 : key);
    if (swapped)
        memmove(i2, idx, sizeof(uint32_t) * n); /* i2 is the start of the block */
    return swapped ? i2 : idx;
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

/* Every pair of vertices of different areas within snap; `ord` sorts v by x. */
static void find_pairs(const struct vtx *v, const uint32_t *ord, size_t nv, double snap,
                       struct pairs *out)
{
    for (size_t a = 0; a < nv; a++) {
        const struct vtx *va = &v[ord[a]];
        for (size_t b = a + 1; b < nv && v[ord[b]].x - va->x <= snap; b++) {
            const struct vtx *vb = &v[ord[b]];
            if (vb->area != va->area && within(va, vb, snap))
                pairs_add(out, va->area, vb->area);
        }
    }
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
        }
    }
    uint32_t *ord = order_by_x(v, nv);
    find_pairs(v, ord, nv, snap, &pr);
    free(ord);

    /* Both directions of every pair, sorted: the rows in order. */
    size_t ne = 0;
    for (size_t k = 0; k < pr.nslots; k++)
        if (pr.slot[k])
            pr.slot[ne++] = pr.slot[k] - 1;
    if (ne)
        qsort(pr.slot, ne, sizeof(*pr.slot), cmp_u64);
    if (ne > UINT32_MAX) {
        rc = safer_err_set(err, SAFER_ETOOBIG, "too many pairs of neighbours");
        goto out;
    }
    nb->n = n;
    nb->start = safer__xcalloc(n + 1, sizeof(*nb->start));
    nb->adj = safer__xmalloc((ne ? ne : 1) * sizeof(*nb->adj));
    for (size_t k = 0; k < ne; k++) {
        nb->start[(pr.slot[k] >> 32) + 1]++;
        nb->adj[k] = (uint32_t)(pr.slot[k] & 0xffffffffu);
    }
    for (size_t i = 0; i < n; i++)
        nb->start[i + 1] += nb->start[i];
out:
    free(pr.slot);
    free(v);
    return rc;
}
