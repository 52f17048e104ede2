/*
 * locate.c - the point locator (see safer/locate.h).
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_internal.h"
#include "util/internal.h"
#include "safer/locate.h"

/* Edges of one polygon bucketed by horizontal slab. An edge is listed in
 * every slab its closed y-range overlaps, ordered by ring, so a test for a
 * point in slab s reads only the edges that can matter to it. */
struct slabs {
    double y0, h;
    uint32_t nslabs;
    uint32_t *start; /* nslabs + 1 */
    uint32_t *edge;  /* index of the edge's first position */
    uint32_t *ring;  /* ring of that edge */
};

struct safer_locator {
    const struct safer_geom *geoms;
    size_t n;
    struct slabs *slabs;
    double x0, y0, cw, ch;
    uint32_t nx, ny;
    int32_t *owner;      /* per cell: polygon wholly containing it, -1 none, -2 edges cross */
    uint32_t *cstart;    /* per cell: candidates [cstart[c], cstart[c+1]) */
    uint32_t *cand;
};

static void slabs_build(struct slabs *s, const struct safer_geom *g)
{
    uint32_t nedges = g->npoints > g->nrings ? g->npoints - g->nrings : 0;
    uint32_t k = nedges / 4;
    if (k < 1)
        k = 1;
    if (k > 4096)
        k = 4096;
    s->nslabs = k;
    s->y0 = g->miny;
    s->h = (g->maxy - g->miny) / k;
    if (!(s->h > 0))
        s->h = 1, s->nslabs = k = 1;
    s->start = safer__xcalloc((size_t)k + 1, sizeof(uint32_t));
    /* Two passes: count, then fill. */
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *fill = NULL;
        if (pass == 1) {
            for (uint32_t i = 0; i < k; i++)
                s->start[i + 1] += s->start[i];
            s->edge = safer__xmalloc(sizeof(uint32_t) * ((size_t)s->start[k] + 1));
            s->ring = safer__xmalloc(sizeof(uint32_t) * ((size_t)s->start[k] + 1));
            fill = safer__xmalloc(sizeof(uint32_t) * k);
            memcpy(fill, s->start, sizeof(uint32_t) * k);
        }
        for (uint32_t r = 0; r < g->nrings; r++) {
            for (uint32_t i = g->ring_start[r]; i + 1 < g->ring_start[r + 1]; i++) {
                double ya = g->xy[2 * i + 1], yb = g->xy[2 * i + 3];
                double lo = ya < yb ? ya : yb, hi = ya < yb ? yb : ya;
                long a = (long)floor((lo - s->y0) / s->h), b = (long)floor((hi - s->y0) / s->h);
                /* Closed ranges: an edge ending exactly on a slab line is in both slabs. */
                if (a > 0 && lo <= s->y0 + a * s->h)
                    a--;
                if (b < (long)k - 1 && hi >= s->y0 + (b + 1) * s->h)
                    b++;
                if (a < 0)
                    a = 0;
                if (b > (long)k - 1)
                    b = (long)k - 1;
                for (long j = a; j <= b; j++) {
                    if (pass == 0) {
                        s->start[j + 1]++;
                    } else {
                        s->edge[fill[j]] = i;
                        s->ring[fill[j]] = r;
                        fill[j]++;
                    }
                }
            }
        }
        free(fill);
    }
}

/* Crossing test on the edges of one slab for ring r; entries [*pos, end)
 * are ordered by ring. Returns -1 on the boundary, else the crossing count. */
static long slab_ring(const struct safer_geom *g, const struct slabs *s, uint32_t *pos, uint32_t end,
                      uint32_t r, double x, double y)
{
    long count = 0;
    uint32_t p = *pos;
    while (p < end && s->ring[p] < r)
        p++;
    for (; p < end && s->ring[p] == r; p++) {
        uint32_t i = s->edge[p];
        int c = safer__edge_crossing(g->xy[2 * i], g->xy[2 * i + 1], g->xy[2 * i + 2],
                                     g->xy[2 * i + 3], x, y);
        if (c < 0) {
            *pos = p;
            return -1;
        }
        count += c;
    }
    *pos = p;
    return count;
}

struct slab_cursor {
    const struct safer_geom *g;
    const struct slabs *s;
    uint32_t pos, end;
    double x, y;
};

static long slab_cursor_ring(void *arg, uint32_t r)
{
    struct slab_cursor *c = arg;
    return slab_ring(c->g, c->s, &c->pos, c->end, r, c->x, c->y);
}

int safer_locator_locate(const struct safer_locator *l, size_t gi, double x, double y)
{
    const struct safer_geom *g = &l->geoms[gi];
    if (!(x >= g->minx && x <= g->maxx && y >= g->miny && y <= g->maxy))
        return -1;
    const struct slabs *s = &l->slabs[gi];
    long k = (long)floor((y - s->y0) / s->h);
    if (k < 0)
        k = 0;
    if (k >= (long)s->nslabs)
        k = (long)s->nslabs - 1;
    struct slab_cursor c = {g, s, s->start[k], s->start[k + 1], x, y};
    return safer__locate_parts(g, slab_cursor_ring, &c);
}

static int64_t cell_of(double v, double v0, double w, uint32_t n)
{
    double t = floor((v - v0) / w);
    if (t < 0)
        return 0;
    if (t >= n)
        return n - 1;
    return (int64_t)t;
}

struct safer_locator *safer_locator_new(const struct safer_geom *geoms, size_t n)
{
    struct safer_locator *l = safer__xcalloc(1, sizeof(*l));
    l->geoms = geoms;
    l->n = n;
    l->slabs = safer__xcalloc(n ? n : 1, sizeof(*l->slabs));
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    size_t nedges = 0;
    for (size_t i = 0; i < n; i++) {
        const struct safer_geom *g = &geoms[i];
        slabs_build(&l->slabs[i], g);
        if (g->npoints == 0)
            continue;
        if (g->minx < minx)
            minx = g->minx;
        if (g->miny < miny)
            miny = g->miny;
        if (g->maxx > maxx)
            maxx = g->maxx;
        if (g->maxy > maxy)
            maxy = g->maxy;
        nedges += g->npoints;
    }
    if (!(maxx > minx) || !(maxy > miny)) {
        l->nx = l->ny = 0;
        return l;
    }
    /* About two cells per edge, shaped like the extent, at most 4M cells. */
    double cells = 2.0 * (double)nedges;
    if (cells > 4e6)
        cells = 4e6;
    if (cells < 64)
        cells = 64;
    double aspect = (maxx - minx) / (maxy - miny);
    double nxd = ceil(sqrt(cells * aspect)), nyd = ceil(sqrt(cells / aspect));
    l->nx = (uint32_t)(nxd < 1 ? 1 : nxd > 8192 ? 8192 : nxd);
    l->ny = (uint32_t)(nyd < 1 ? 1 : nyd > 8192 ? 8192 : nyd);
    l->x0 = minx;
    l->y0 = miny;
    l->cw = (maxx - minx) / l->nx;
    l->ch = (maxy - miny) / l->ny;
    size_t ncell = (size_t)l->nx * l->ny;

    /* Candidates: polygons with an edge whose bounding box meets the cell
     * (widened by one cell's rounding margin). Counted, then filled. */
    l->cstart = safer__xcalloc(ncell + 1, sizeof(uint32_t));
    uint32_t *last = safer__xmalloc(sizeof(uint32_t) * ncell);
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *fill = NULL;
        for (size_t c = 0; c < ncell; c++)
            last[c] = UINT32_MAX;
        if (pass == 1) {
            for (size_t c = 0; c < ncell; c++)
                l->cstart[c + 1] += l->cstart[c];
            l->cand = safer__xmalloc(sizeof(uint32_t) * ((size_t)l->cstart[ncell] + 1));
            fill = safer__xmalloc(sizeof(uint32_t) * ncell);
            memcpy(fill, l->cstart, sizeof(uint32_t) * ncell);
        }
        for (size_t gi = 0; gi < n; gi++) {
            const struct safer_geom *g = &geoms[gi];
            for (uint32_t r = 0; r < g->nrings; r++) {
                for (uint32_t i = g->ring_start[r]; i + 1 < g->ring_start[r + 1]; i++) {
                    double xa = g->xy[2 * i], ya = g->xy[2 * i + 1];
                    double xb = g->xy[2 * i + 2], yb = g->xy[2 * i + 3];
                    int64_t ca = cell_of(fmin(xa, xb) - l->cw * 1e-9, l->x0, l->cw, l->nx);
                    int64_t cb = cell_of(fmax(xa, xb) + l->cw * 1e-9, l->x0, l->cw, l->nx);
                    int64_t ra = cell_of(fmin(ya, yb) - l->ch * 1e-9, l->y0, l->ch, l->ny);
                    int64_t rb = cell_of(fmax(ya, yb) + l->ch * 1e-9, l->y0, l->ch, l->ny);
                    /* Widen by one cell where the edge ends near a cell line. */
                    if (ca > 0)
                        ca--;
                    if (ra > 0)
                        ra--;
                    if (cb < (int64_t)l->nx - 1)
                        cb++;
                    if (rb < (int64_t)l->ny - 1)
                        rb++;
                    for (int64_t y = ra; y <= rb; y++) {
                        for (int64_t x = ca; x <= cb; x++) {
                            size_t c = (size_t)y * l->nx + (size_t)x;
                            if (last[c] == gi)
                                continue;
                            last[c] = (uint32_t)gi;
                            if (pass == 0)
                                l->cstart[c + 1]++;
                            else
                                l->cand[fill[c]++] = (uint32_t)gi;
                        }
                    }
                }
            }
        }
        free(fill);
    }
    free(last);

    /* Owners of edge-free cells: one exact test per run of such cells in a row. */
    l->owner = safer__xmalloc(sizeof(int32_t) * ncell);
    for (uint32_t y = 0; y < l->ny; y++) {
        int32_t run = -3;
        for (uint32_t x = 0; x < l->nx; x++) {
            size_t c = (size_t)y * l->nx + x;
            if (l->cstart[c + 1] > l->cstart[c]) {
                l->owner[c] = -2;
                run = -3;
                continue;
            }
            if (run == -3) {
                double px = l->x0 + (x + 0.5) * l->cw, py = l->y0 + (y + 0.5) * l->ch;
                run = -1;
                for (size_t gi = 0; gi < n; gi++) {
                    if (safer_locator_locate(l, gi, px, py) == 1) {
                        run = (int32_t)gi;
                        break;
                    }
                }
            }
            l->owner[c] = run;
        }
    }
    return l;
}

void safer_locator_free(struct safer_locator *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->slabs[i].start);
        free(l->slabs[i].edge);
        free(l->slabs[i].ring);
    }
    free(l->slabs);
    free(l->owner);
    free(l->cstart);
    free(l->cand);
    free(l);
}

int32_t safer_locator_find(const struct safer_locator *l, double x, double y)
{
    if (!l->nx || !(x >= l->x0 && y >= l->y0 && x <= l->x0 + l->cw * l->nx &&
                    y <= l->y0 + l->ch * l->ny)) {
        /* Outside the grid (or no grid): only the slow path can tell. */
        for (size_t gi = 0; gi < l->n; gi++) {
            if (safer_locator_locate(l, gi, x, y) == 1)
                return (int32_t)gi;
        }
        return -1;
    }
    size_t c = (size_t)cell_of(y, l->y0, l->ch, l->ny) * l->nx + (size_t)cell_of(x, l->x0, l->cw, l->nx);
    if (l->owner[c] != -2)
        return l->owner[c];
    for (uint32_t k = l->cstart[c]; k < l->cstart[c + 1]; k++) {
        if (safer_locator_locate(l, l->cand[k], x, y) == 1)
            return (int32_t)l->cand[k];
    }
    return -1;
}
