/*
 * rings.c - do a geometry's rings cross or touch where they must not?
 *
 * The point-in-polygon test counts ring crossings, which means something
 * only when the rings are simple closed curves that do not cross. This
 * file decides, exactly, whether the rings of one geometry are such
 * curves: no ring crosses, touches or runs back along itself; no two rings
 * cross or share a stretch of boundary; and the rings of one polygon touch
 * (at single points) without closing a loop of touches, which would cut the
 * polygon's interior in two. Those are the rules of OGC Simple Features
 * that GEOS (PostGIS ST_IsValid) applies to the linework. Where the rings
 * lie relative to each other (a hole outside its shell, nested holes,
 * nested parts) is not checked here: see docs/internals/geography.md.
 *
 * The method is a plane sweep (Shamos and Hoey 1976) from left to right
 * over the vertices in (x, y) order, keeping the edges that the sweep line
 * cuts in a skip list ordered bottom to top, so a ring of n vertices costs
 * O(n log n) whatever its shape, never a comparison of every pair of
 * edges. At each vertex p the edges that end at p leave the list and those
 * that start there enter it, and the edges that become neighbours are
 * tested for a crossing in their interiors: if two edges cross, they are
 * neighbours just before the leftmost crossing, so the first crossing is
 * found before the order of the list could go wrong. Everything else that
 * can go wrong happens at a vertex: there the edges through p are gathered
 * (those with an end at p, and an edge of another ring passing through p)
 * and sorted by angle around p, and each ring's visit to p is a chord of
 * the circle around p; two chords that interleave are a crossing, equal
 * angles a shared stretch, two visits of one ring a self-touch. Every
 * decision is a sign of safer_orient2d or a comparison of coordinates,
 * both exact, so none depends on rounding.
 */
#include "util/compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_internal.h"
#include "util/internal.h"
#include "safer/geom.h"

/* Skip list levels; a node rises a level with probability 1/4, and 4^16
 * exceeds any count of edges SAFER_LIMIT_POLYGON_POINTS allows. */
#define LEVELS 16
#define NIL UINT32_MAX
#define HEAD (UINT32_MAX - 1)

struct half {
    const double *q; /* the other end of the edge, borrowed from the geometry */
    uint32_t visit;  /* which visit to p: a vertex of a ring, or an edge through p */
    uint32_t ring;
};

struct safer__rings {
    const double *xy; /* the geometry's positions, borrowed for one check */
    /* Vertex k (consecutive repeats and the closing position dropped) is
     * position vpos[k] of ring vring[k]; edge k runs from vertex k to the
     * next vertex of its ring. Ring r's vertices are [rfirst[r], rfirst[r + 1]). */
    uint32_t *vpos, *vring, *rfirst;
    size_t capvpos, capvring, caprfirst;
    /* Edge k's left and right ends in sweep order, as positions. */
    uint32_t *el, *er;
    size_t capel, caper;
    uint32_t *order, *sorttmp; /* vertices in (x, y) order; merge sort scratch */
    size_t caporder, capsorttmp;
    /* The skip list: edge e's links are links[off[e] .. off[e] + height[e]);
     * stamp[e] is 2 * event when e contains that event's point, + 1 once it
     * is back in the list. Levels at and above `top` are empty. */
    uint32_t *off, *stamp;
    unsigned char *height;
    size_t capoff, capstamp, capheight;
    uint32_t *links;
    size_t nlinks, caplinks;
    uint32_t head[LEVELS];
    int top;
    uint32_t rng;
    /* Per ring: part, last event that saw it, union-find parent. */
    uint32_t *rpart, *rseen, *parent;
    size_t caprpart, caprseen, capparent;
    /* Per part: last event that saw it, and the ring it saw first. */
    uint32_t *pseen, *pring;
    size_t cappseen, cappring;
    /* Scratch for one event. */
    struct half *he;
    size_t caphe;
    uint32_t *hidx, *htmp, *through, *stack, *vopen;
    size_t caphidx, caphtmp, capthrough, capstack, capvopen;
};

struct safer__rings *safer__rings_new(void)
{
    return safer__xcalloc(1, sizeof(struct safer__rings));
}

void safer__rings_free(struct safer__rings *w)
{
    if (!w)
        return;
    free(w->vpos);
    free(w->vring);
    free(w->rfirst);
    free(w->el);
    free(w->er);
    free(w->order);
    free(w->sorttmp);
    free(w->off);
    free(w->stamp);
    free(w->height);
    free(w->links);
    free(w->rpart);
    free(w->rseen);
    free(w->parent);
    free(w->pseen);
    free(w->pring);
    free(w->he);
    free(w->hidx);
    free(w->htmp);
    free(w->through);
    free(w->stack);
    free(w->vopen);
    free(w);
}

/* ---- points and edges ---- */

static const double *vpt(const struct safer__rings *w, uint32_t k)
{
    return w->xy + 2 * (size_t)w->vpos[k];
}

static int same_point(const double *a, const double *b) { return a[0] == b[0] && a[1] == b[1]; }

/* (x, y) order, the order of the sweep. */
static int point_less(const double *a, const double *b)
{
    return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

static uint32_t vnext(const struct safer__rings *w, uint32_t k)
{
    uint32_t r = w->vring[k];
    return k + 1 < w->rfirst[r + 1] ? k + 1 : w->rfirst[r];
}

static uint32_t vprev(const struct safer__rings *w, uint32_t k)
{
    uint32_t r = w->vring[k];
    return k > w->rfirst[r] ? k - 1 : w->rfirst[r + 1] - 1;
}

/* Edge e's left and right ends in sweep order. */
static void edge_ends(const struct safer__rings *w, uint32_t e, const double **l, const double **r)
{
    *l = w->xy + 2 * (size_t)w->el[e];
    *r = w->xy + 2 * (size_t)w->er[e];
}

static int orient(const double *a, const double *b, const double *c)
{
    /* A point on an end of the line is the sweep's commonest question, and
     * the one the floating-point filter can never settle. */
    if (same_point(c, a) || same_point(c, b))
        return 0;
    return safer_orient2d(a[0], a[1], b[0], b[1], c[0], c[1]);
}

/* Side of point p relative to edge e: 1 above (left of left->right), -1 below, 0 on its line. */
static int side(const struct safer__rings *w, uint32_t e, const double *p)
{
    const double *l, *r;
    edge_ends(w, e, &l, &r);
    return orient(l, r, p);
}

/* ---- a merge sort of indices with a comparator that takes a context ---- */

typedef int (*cmp_fn)(const void *ctx, uint32_t a, uint32_t b);

/* Sort v[0..n) stably; tmp holds n entries. */
static void merge_sort(uint32_t *v, uint32_t *tmp, size_t n, cmp_fn cmp, const void *ctx)
{
    uint32_t *src = v, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = cmp(ctx, src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof(*v));
}

static int cmp_vertex(const void *ctx, uint32_t a, uint32_t b)
{
    const struct safer__rings *w = ctx;
    const double *pa = vpt(w, a), *pb = vpt(w, b);
    if (point_less(pa, pb))
        return -1;
    return point_less(pb, pa);
}

/* Half-edges around p by angle, counter-clockwise from the direction +x. */
struct angle_ctx {
    const struct half *he;
    const double *p;
};

static int half_plane(const double *p, const double *q)
{
    return q[1] > p[1] || (q[1] == p[1] && q[0] > p[0]) ? 0 : 1;
}

static int cmp_angle(const void *ctx, uint32_t a, uint32_t b)
{
    const struct angle_ctx *c = ctx;
    const double *qa = c->he[a].q, *qb = c->he[b].q;
    int ha = half_plane(c->p, qa), hb = half_plane(c->p, qb);
    if (ha != hb)
        return ha - hb;
    /* Within a half plane the angles differ by less than pi. */
    return -orient(c->p, qa, qb);
}

/* ---- the skip list of edges cut by the sweep line, bottom to top ---- */

static uint32_t *links_of(struct safer__rings *w, uint32_t node)
{
    return node == HEAD ? w->head : w->links + w->off[node];
}

/* up[l]: the last node at level l whose edge lies strictly below p. */
static void find_below(struct safer__rings *w, const double *p, uint32_t up[LEVELS])
{
    uint32_t x = HEAD;
    for (int l = LEVELS - 1; l >= w->top; l--)
        up[l] = HEAD;
    for (int l = w->top - 1; l >= 0; l--) {
        for (;;) {
            uint32_t n = links_of(w, x)[l];
            if (n == NIL || side(w, n, p) <= 0)
                break;
            x = n;
        }
        up[l] = x;
    }
}

/* Does edge s lie below edge t, where t starts at (or passes through) p? */
static int below_edge(const struct safer__rings *w, uint32_t s, const double *p, const double *tr)
{
    int o = side(w, s, p);
    if (o != 0)
        return o > 0;
    /* s passes through p too: compare directions to the right of p. */
    return side(w, s, tr) > 0;
}

/* Put edge t, which contains p, back after up[l] at each level, among the
 * edges already put back at this event (stamp 2 * ev + 1), in their order
 * to the right of p. */
static void insert_edge(struct safer__rings *w, uint32_t t, const double *p, uint32_t ev,
                        const uint32_t up[LEVELS])
{
    const double *tl, *tr;
    edge_ends(w, t, &tl, &tr);
    if (w->off[t] == NIL) {
        /* First entry of this edge: draw its height. */
        unsigned h = 1;
        for (;;) {
            w->rng ^= w->rng << 13;
            w->rng ^= w->rng >> 17;
            w->rng ^= w->rng << 5;
            if (h == LEVELS || (w->rng & 3) != 0)
                break;
            h++;
        }
        SAFER__GROW(w->links, w->caplinks, w->nlinks + h);
        w->off[t] = (uint32_t)w->nlinks;
        w->height[t] = (unsigned char)h;
        w->nlinks += h;
        if ((int)h > w->top)
            w->top = (int)h;
    }
    uint32_t *tlinks = links_of(w, t);
    for (unsigned l = 0; l < w->height[t]; l++) {
        uint32_t x = up[l];
        for (;;) {
            uint32_t n = links_of(w, x)[l];
            if (n == NIL || w->stamp[n] != 2 * ev + 1 || !below_edge(w, n, p, tr))
                break;
            x = n;
        }
        uint32_t *prev = links_of(w, x);
        tlinks[l] = prev[l];
        prev[l] = t;
    }
    w->stamp[t] = 2 * ev + 1;
}

/* ---- faults ---- */

static int set_fault(struct safer__ring_fault *out, enum safer__ring_fault_kind kind, uint32_t a,
                     uint32_t b, const double *p)
{
    out->kind = kind;
    out->a = a < b ? a : b;
    out->b = a < b ? b : a;
    out->x = p[0];
    out->y = p[1];
    return kind;
}

/* Do edges s and t cross at a point inside both? (Touches at a vertex are
 * left to that vertex's event, where every edge through it is seen.) */
static int check_pair(struct safer__rings *w, uint32_t s, uint32_t t, struct safer__ring_fault *out)
{
    if (s == HEAD || s == NIL || t == NIL)
        return 0;
    const double *sl, *sr, *tl, *tr;
    edge_ends(w, s, &sl, &sr);
    edge_ends(w, t, &tl, &tr);
    int o1 = orient(sl, sr, tl), o2 = orient(sl, sr, tr);
    if (o1 == 0 || o2 == 0 || o1 == o2)
        return 0;
    int o3 = orient(tl, tr, sl), o4 = orient(tl, tr, sr);
    if (o3 == 0 || o4 == 0 || o3 == o4)
        return 0;
    /* Where, roughly: for the message only. */
    double dx = sr[0] - sl[0], dy = sr[1] - sl[1], ex = tr[0] - tl[0], ey = tr[1] - tl[1];
    double u = ((tl[0] - sl[0]) * ey - (tl[1] - sl[1]) * ex) / (dx * ey - dy * ex);
    double at[2] = {sl[0] + u * dx, sl[1] + u * dy};
    uint32_t a = w->vring[s], b = w->vring[t];
    return set_fault(out, a == b ? SAFER__RINGS_SELF_CROSS : SAFER__RINGS_CROSS, a, b, at);
}

static uint32_t find_root(uint32_t *parent, uint32_t r)
{
    while (parent[r] != r) {
        parent[r] = parent[parent[r]];
        r = parent[r];
    }
    return r;
}

/*
 * What happens at p: the vertices ks[0..nk) (every ring vertex at p) and
 * the edges through[0..nt) that pass through p inside themselves. Event
 * number `ev` stamps the per-ring and per-part marks.
 */
static int vertex_event(struct safer__rings *w, const uint32_t *ks, size_t nk,
                        const uint32_t *through, size_t nt, const double *p, uint32_t ev,
                        struct safer__ring_fault *out)
{
    size_t nvisit = nk + nt, nh = 2 * nvisit;
    if (nvisit == 1) {
        /* The usual case: one ring passes p at a vertex. It must not turn back. */
        const double *a = vpt(w, vprev(w, ks[0])), *b = vpt(w, vnext(w, ks[0]));
        if (orient(p, a, b) == 0 && half_plane(p, a) == half_plane(p, b))
            return set_fault(out, SAFER__RINGS_SELF_OVERLAP, w->vring[ks[0]], w->vring[ks[0]], p);
        return 0;
    }
    SAFER__GROW(w->he, w->caphe, nh);
    SAFER__GROW(w->hidx, w->caphidx, nh);
    SAFER__GROW(w->htmp, w->caphtmp, nh);
    for (size_t i = 0; i < nk; i++) {
        uint32_t k = ks[i], r = w->vring[k];
        w->he[2 * i] = (struct half){vpt(w, vprev(w, k)), (uint32_t)i, r};
        w->he[2 * i + 1] = (struct half){vpt(w, vnext(w, k)), (uint32_t)i, r};
    }
    for (size_t i = 0; i < nt; i++) {
        const double *l, *r;
        edge_ends(w, through[i], &l, &r);
        uint32_t ring = w->vring[through[i]];
        w->he[2 * (nk + i)] = (struct half){l, (uint32_t)(nk + i), ring};
        w->he[2 * (nk + i) + 1] = (struct half){r, (uint32_t)(nk + i), ring};
    }
    for (size_t i = 0; i < nh; i++)
        w->hidx[i] = (uint32_t)i;
    struct angle_ctx c = {w->he, p};
    merge_sort(w->hidx, w->htmp, nh, cmp_angle, &c);

    /* Two edges leaving p in the same direction share a stretch of boundary. */
    for (size_t i = 0; i + 1 < nh; i++) {
        const struct half *a = &w->he[w->hidx[i]], *b = &w->he[w->hidx[i + 1]];
        if (cmp_angle(&c, w->hidx[i], w->hidx[i + 1]) == 0)
            return set_fault(out,
                             a->ring == b->ring ? SAFER__RINGS_SELF_OVERLAP : SAFER__RINGS_OVERLAP,
                             a->ring, b->ring, p);
    }

    /* Each visit is a chord of a small circle around p; going round it, the
     * chords must nest like brackets, or two of them cross at p. */
    SAFER__GROW(w->stack, w->capstack, nvisit);
    SAFER__GROW(w->vopen, w->capvopen, nvisit);
    memset(w->vopen, 0, nvisit * sizeof(*w->vopen));
    size_t depth = 0;
    for (size_t i = 0; i < nh; i++) {
        const struct half *h = &w->he[w->hidx[i]];
        if (!w->vopen[h->visit]) {
            w->vopen[h->visit] = 1;
            w->stack[depth++] = h->visit;
        } else if (w->stack[depth - 1] == h->visit) {
            depth--;
        } else {
            uint32_t other = w->he[2 * w->stack[depth - 1]].ring;
            return set_fault(out, other == h->ring ? SAFER__RINGS_SELF_CROSS : SAFER__RINGS_CROSS,
                             other, h->ring, p);
        }
    }

    /* No crossing: a ring that visits p twice touches itself. */
    for (size_t v = 0; v < nvisit; v++) {
        uint32_t r = w->he[2 * v].ring;
        if (w->rseen[r] == ev)
            return set_fault(out, SAFER__RINGS_SELF_TOUCH, r, r, p);
        w->rseen[r] = ev;
    }

    /* Rings of one polygon touching at p: join them. Rings already joined
     * by other touches close a loop, which cuts the interior in two. */
    for (size_t v = 0; v < nvisit; v++) {
        uint32_t r = w->he[2 * v].ring, part = w->rpart[r];
        if (w->pseen[part] != ev) {
            w->pseen[part] = ev;
            w->pring[part] = r;
            continue;
        }
        uint32_t a = find_root(w->parent, w->pring[part]), b = find_root(w->parent, r);
        if (a == b)
            return set_fault(out, SAFER__RINGS_LOOP, w->pring[part], r, p);
        w->parent[b] = a;
    }
    return 0;
}

/* ---- the sweep ---- */

/* Drop repeated positions; returns a fault when a ring keeps fewer than 3. */
static int gather_vertices(struct safer__rings *w, const struct safer_geom *g,
                           struct safer__ring_fault *out)
{
    size_t nv = 0;
    SAFER__GROW(w->vpos, w->capvpos, g->npoints);
    SAFER__GROW(w->vring, w->capvring, g->npoints);
    SAFER__GROW(w->rfirst, w->caprfirst, (size_t)g->nrings + 1);
    for (uint32_t r = 0; r < g->nrings; r++) {
        uint32_t s = g->ring_start[r], e = g->ring_start[r + 1];
        size_t first = nv;
        w->rfirst[r] = (uint32_t)nv;
        for (uint32_t i = s; i < e; i++) {
            const double *q = g->xy + 2 * (size_t)i;
            if (nv > first && same_point(q, vpt(w, (uint32_t)(nv - 1))))
                continue;
            w->vpos[nv] = i;
            w->vring[nv] = r;
            nv++;
        }
        /* The closing position, and any repeat of the first before it. */
        while (nv - first > 1 && same_point(vpt(w, (uint32_t)(nv - 1)), vpt(w, (uint32_t)first)))
            nv--;
        if (nv - first < 3) {
            out->kind = SAFER__RINGS_FEW;
            out->a = out->b = r;
            out->n = (uint32_t)(nv - first);
            const double *q = g->xy + 2 * (size_t)s;
            out->x = q[0];
            out->y = q[1];
            return out->kind;
        }
    }
    w->rfirst[g->nrings] = (uint32_t)nv;
    return 0;
}

int safer__rings_check(struct safer__rings *w, const struct safer_geom *g,
                       struct safer__ring_fault *out)
{
    memset(out, 0, sizeof(*out));
    w->xy = g->xy;
    int rc = gather_vertices(w, g, out);
    if (rc)
        return rc;
    size_t nv = w->rfirst[g->nrings], nr = g->nrings;

    SAFER__GROW(w->rpart, w->caprpart, nr);
    SAFER__GROW(w->rseen, w->caprseen, nr);
    SAFER__GROW(w->parent, w->capparent, nr);
    SAFER__GROW(w->pseen, w->cappseen, g->nparts);
    SAFER__GROW(w->pring, w->cappring, g->nparts);
    for (uint32_t part = 0; part < g->nparts; part++) {
        w->pseen[part] = NIL;
        for (uint32_t r = g->part_start[part]; r < g->part_start[part + 1]; r++)
            w->rpart[r] = part;
    }
    for (uint32_t r = 0; r < nr; r++) {
        w->rseen[r] = NIL;
        w->parent[r] = r;
    }

    SAFER__GROW(w->order, w->caporder, nv);
    SAFER__GROW(w->sorttmp, w->capsorttmp, nv);
    for (size_t k = 0; k < nv; k++)
        w->order[k] = (uint32_t)k;
    merge_sort(w->order, w->sorttmp, nv, cmp_vertex, w);

    SAFER__GROW(w->el, w->capel, nv);
    SAFER__GROW(w->er, w->caper, nv);
    for (size_t k = 0; k < nv; k++) {
        uint32_t a = w->vpos[k], b = w->vpos[vnext(w, (uint32_t)k)];
        int fwd = point_less(w->xy + 2 * (size_t)a, w->xy + 2 * (size_t)b);
        w->el[k] = fwd ? a : b;
        w->er[k] = fwd ? b : a;
    }
    SAFER__GROW(w->off, w->capoff, nv);
    SAFER__GROW(w->stamp, w->capstamp, nv);
    SAFER__GROW(w->height, w->capheight, nv);
    memset(w->off, 0xff, nv * sizeof(*w->off));
    memset(w->stamp, 0xff, nv * sizeof(*w->stamp));
    w->nlinks = 0;
    for (int l = 0; l < LEVELS; l++)
        w->head[l] = NIL;
    w->top = 1;
    w->rng = 0x9e3779b9u; /* the same list shape every run */

    uint32_t ev = 0;
    for (size_t i = 0; i < nv; ev++) {
        const double *p = vpt(w, w->order[i]);
        size_t j = i + 1;
        while (j < nv && same_point(vpt(w, w->order[j]), p))
            j++;

        /* The edges that contain p: they follow up[0] in the list. */
        uint32_t up[LEVELS];
        find_below(w, p, up);
        size_t nt = 0;
        for (uint32_t x = links_of(w, up[0])[0]; x != NIL && side(w, x, p) == 0;
             x = links_of(w, x)[0]) {
            w->stamp[x] = 2 * ev;
            if (!same_point(w->xy + 2 * (size_t)w->er[x], p)) {
                SAFER__GROW(w->through, w->capthrough, nt + 1);
                w->through[nt++] = x;
            }
        }
        rc = vertex_event(w, w->order + i, j - i, w->through, nt, p, ev, out);
        if (rc)
            return rc;

        /* Take them all out, then put back those that go on to the right of
         * p, with the edges that start at p, in their order there. */
        for (int l = 0; l < w->top; l++) {
            uint32_t *prev = links_of(w, up[l]);
            uint32_t y = prev[l];
            while (y != NIL && w->stamp[y] == 2 * ev)
                y = links_of(w, y)[l];
            prev[l] = y;
        }
        size_t nin = nt;
        for (size_t t = 0; t < nt; t++)
            insert_edge(w, w->through[t], p, ev, up);
        for (size_t m = i; m < j; m++) {
            uint32_t k = w->order[m], e = vprev(w, k);
            if (same_point(w->xy + 2 * (size_t)w->el[k], p)) {
                insert_edge(w, k, p, ev, up);
                nin++;
            }
            if (same_point(w->xy + 2 * (size_t)w->el[e], p)) {
                insert_edge(w, e, p, ev, up);
                nin++;
            }
        }

        /* Test the edges that have become neighbours: the nin edges just
         * put back follow up[0]. */
        uint32_t below = up[0], first = links_of(w, below)[0];
        if (nin == 0) {
            rc = check_pair(w, below, first, out);
        } else {
            uint32_t last = first;
            for (size_t n = 1; n < nin; n++)
                last = links_of(w, last)[0];
            rc = check_pair(w, below, first, out);
            if (!rc)
                rc = check_pair(w, last, links_of(w, last)[0], out);
        }
        if (rc)
            return rc;
        i = j;
    }
    return 0;
}
