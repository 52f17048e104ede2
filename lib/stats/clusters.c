/*
 * clusters.c - the least-cost partition of areas into exactly K connected
 * clusters of 1 to max_size areas (clusters.h; docs/statistics.md, "Ward
 * clusters").
 *
 * 1. Every connected subset of 1..max_size areas is listed once, with its
 *    cost (the sum of squares about its mean), by Wernicke's ESU scheme: a
 *    subset is grown from its smallest area v, only ever by areas above v
 *    that neighbour the last area added and no earlier member, so each
 *    connected subset arises on exactly one path.
 * 2. A solution is a choice of exactly K of those subsets covering every
 *    area once (set partitioning). A depth-first branch and bound takes an
 *    uncovered area (the one with fewest uncovered neighbours: it has the
 *    fewest ways out) and tries each subset holding it that avoids the
 *    covered areas.
 * 3. The bound. For r clusters still to place on the uncovered areas U and
 *    any real lambda, every completion costs at least
 *
 *        L(lambda) = sum over i in U of min over valid subsets S holding i
 *                    of (cost(S) + lambda) / |S|   -  lambda * r,
 *
 *    because a completion of r subsets costs sum_S (cost(S) + lambda) -
 *    lambda r, and each subset's cost + lambda shared equally among its
 *    members is at least each member's minimum share. (It is a feasible
 *    point of the dual of the linear relaxation, with lambda the price of
 *    the "exactly r clusters" row.) Only the cheapest valid subset of each
 *    size matters for an area, so L is the sum of n lower envelopes of
 *    max_size lines minus lambda r: concave, maximised by bisection on its
 *    slope. A subset's reduced cost cost(S) + lambda - sum of its members'
 *    shares bounds what taking it adds, and prunes children before they
 *    are made. Further cuts: each connected piece of the uncovered areas
 *    needs at least ceil(size / max_size) clusters, and sum 1/|largest
 *    valid subset| over U cannot exceed r.
 * 4. Memoisation: the same uncovered set with the same r is often reached
 *    by different choices; after its search a lower bound on its completion
 *    is kept (keyed by the full set of covered areas), and a later visit
 *    that cannot beat the best solution with it is cut.
 *
 * The search stops after opts->max_nodes nodes; it then returns the best
 * solution found with the root's bound, not proved. Pruning compares with
 * a relative tolerance of 1e-9, so a solution is proved least to that
 * tolerance.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/clusters.h"
#include "safer/stats.h"

#define REL_TOL 1e-9
#define BISECT_STEPS 30
/* Bytes the memo may hold. */
#define MEMO_BYTES ((size_t)64 << 20)

struct child {
    uint32_t sub;
    double rc;
};

struct memo_entry {
    uint64_t hash;  /* 0: empty slot */
    uint32_t r;
    uint32_t words; /* offset of the covered set in memo.pool */
    double lb;      /* the completion costs at least this */
};

struct solver {
    /* The problem. */
    size_t n, d, m, k;
    const double *x;
    const struct safer_nb *nb;
    /* The connected subsets: members (m slots each), size, cost. */
    size_t nsub, capsub;
    uint32_t *mem;
    uint8_t *size;
    double *cost;
    double cmax;
    /* The subsets holding each area, by size then cost; grp[i * (m + 1) + s]
     * is where those of size s + 1 start in inc (relative to inc_start). */
    uint32_t *inc_start, *inc, *grp;
    /* Search state. */
    uint8_t *covered;
    uint16_t *blocked; /* covered members of each subset */
    uint32_t *udeg;    /* uncovered neighbours of each area */
    size_t ucount;
    uint64_t hash;
    uint64_t *zob;
    uint32_t *path; /* the chosen subsets */
    size_t depth;
    uint32_t *best;
    double ub;
    bool found;
    /* Scratch. */
    double *cmin;   /* m per uncovered area, in the order of ulist */
    uint32_t *ulist, *queue, *comp;
    double *share;  /* per area: its minimum share at the node's lambda */
    struct child *kids;
    size_t nkids, capkids;
    /* Memo. */
    struct memo_entry *memo;
    size_t memo_slots, memo_len, memo_cap, memo_max; /* cap: before growing */
    uint64_t *pool;
    size_t nw, pool_len;
    /* Limits and counts. */
    uint64_t nodes, max_nodes;
    bool stopped;
    double root_lb;
};

void safer_clusters_init(struct safer_clusters *c)
{
    memset(c, 0, sizeof(*c));
}

void safer_clusters_release(struct safer_clusters *c)
{
    free(c->cluster);
    free(c->cost);
    free(c->size);
    safer_clusters_init(c);
}

double safer_clusters_cost(const double *x, size_t d, const uint32_t *idx, size_t m)
{
    if (m <= 1)
        return 0.0;
    double s = 0.0;
    for (size_t j = 0; j < d; j++) {
        double mean = 0.0;
        for (size_t a = 0; a < m; a++)
            mean += x[(size_t)idx[a] * d + j];
        mean /= (double)m;
        for (size_t a = 0; a < m; a++) {
            double e = x[(size_t)idx[a] * d + j] - mean;
            s += e * e;
        }
    }
    return s;
}

int safer_clusters_standardise(double *x, size_t n, size_t d, const char *const *names,
                               struct safer_err *err)
{
    if (n == 0)
        return safer_err_set(err, SAFER_EINVAL, "no areas to standardise");
    for (size_t j = 0; j < d; j++) {
        double mean = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(x[i * d + j]))
                return safer_err_set(err, SAFER_EINVAL, "attribute %zu of area %zu is not finite",
                                     j + 1, i + 1);
            mean += x[i * d + j];
        }
        mean /= (double)n;
        double ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            double e = x[i * d + j] - mean;
            ss += e * e;
        }
        double sd = sqrt(ss / (double)n);
        if (!(sd > 0.0)) {
            if (names)
                return safer_err_set(err, SAFER_EINVAL,
                                     "attribute '%s' is the same for every area: no z-scores",
                                     names[j]);
            return safer_err_set(err, SAFER_EINVAL,
                                 "attribute %zu is the same for every area: no z-scores", j + 1);
        }
        for (size_t i = 0; i < n; i++)
            x[i * d + j] = (x[i * d + j] - mean) / sd;
    }
    return 0;
}

/* ---- the neighbour list ---------------------------------------------------- */

static bool has_nb(const struct safer_nb *nb, uint32_t i, uint32_t j)
{
    uint32_t lo = nb->start[i], hi = nb->start[i + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (nb->adj[mid] < j)
            lo = mid + 1;
        else if (nb->adj[mid] > j)
            hi = mid;
        else
            return true;
    }
    return false;
}

static int check_nb(const struct safer_nb *nb, struct safer_err *err)
{
    if (!nb->start || nb->start[0] != 0)
        return safer_err_set(err, SAFER_EINVAL, "neighbour list is malformed");
    for (size_t i = 0; i < nb->n; i++) {
        if (nb->start[i + 1] < nb->start[i])
            return safer_err_set(err, SAFER_EINVAL, "neighbour list is malformed");
        for (uint32_t e = nb->start[i]; e < nb->start[i + 1]; e++) {
            uint32_t j = nb->adj[e];
            if (j >= nb->n || j == i || (e > nb->start[i] && nb->adj[e - 1] >= j))
                return safer_err_set(err, SAFER_EINVAL,
                                     "neighbour list is malformed at area %zu", i + 1);
            if (!has_nb(nb, j, (uint32_t)i))
                return safer_err_set(err, SAFER_EINVAL,
                                     "neighbour list is not symmetric: %zu and %u", i + 1,
                                     j + 1);
        }
    }
    return 0;
}

/* ---- step 1: the connected subsets ----------------------------------------- */

struct esu {
    struct solver *s;
    uint32_t v;
    uint32_t set[SAFER_CLUSTERS_MAX_SIZE];
    size_t len;
    uint32_t *near; /* per area: members of the set it is in or next to */
    uint32_t *ext;  /* SAFER_CLUSTERS_MAX_SIZE rows of n: the extension at each depth */
    bool full;
};

static void add_subset(struct esu *e)
{
    struct solver *s = e->s;
    if (s->nsub >= SAFER_CLUSTERS_MAX_SUBSETS) {
        e->full = true;
        return;
    }
    if (s->nsub == s->capsub) {
        s->capsub = s->capsub ? 2 * s->capsub : 1024;
        s->mem = safer__xreallocarray(s->mem, s->capsub, s->m * sizeof(uint32_t));
        s->size = safer__xreallocarray(s->size, s->capsub, 1);
        s->cost = safer__xreallocarray(s->cost, s->capsub, sizeof(double));
    }
    uint32_t *m = s->mem + s->nsub * s->m;
    for (size_t a = 0; a < e->len; a++)
        m[a] = e->set[a];
    for (size_t a = e->len; a < s->m; a++)
        m[a] = UINT32_MAX;
    s->size[s->nsub] = (uint8_t)e->len;
    s->cost[s->nsub] = safer_clusters_cost(s->x, s->d, e->set, e->len);
    if (s->cost[s->nsub] > s->cmax)
        s->cmax = s->cost[s->nsub];
    s->nsub++;
}

static void near_add(struct esu *e, uint32_t w, int by)
{
    const struct safer_nb *nb = e->s->nb;
    e->near[w] = (uint32_t)((int)e->near[w] + by);
    for (uint32_t q = nb->start[w]; q < nb->start[w + 1]; q++)
        e->near[nb->adj[q]] = (uint32_t)((int)e->near[nb->adj[q]] + by);
}

/* The set e->set[0..len) is connected; ext[0..next) the areas that may join. */
static void esu_extend(struct esu *e, const uint32_t *ext, size_t next)
{
    add_subset(e);
    if (e->full || e->len == e->s->m)
        return;
    const struct safer_nb *nb = e->s->nb;
    uint32_t *mine = e->ext + e->len * e->s->n;
    for (size_t t = 0; t < next && !e->full; t++) {
        uint32_t w = ext[t];
        /* The rest of the extension, then w's neighbours above v that are
         * neither in the set nor next to it. */
        size_t len = 0;
        for (size_t u = t + 1; u < next; u++)
            mine[len++] = ext[u];
        for (uint32_t q = nb->start[w]; q < nb->start[w + 1]; q++) {
            uint32_t u = nb->adj[q];
            if (u > e->v && e->near[u] == 0)
                mine[len++] = u;
        }
        near_add(e, w, 1);
        e->set[e->len++] = w;
        esu_extend(e, mine, len);
        e->len--;
        near_add(e, w, -1);
    }
}

static int list_subsets(struct solver *s, struct safer_err *err)
{
    struct esu e = {.s = s};
    e.near = safer__xcalloc(s->n, sizeof(uint32_t));
    e.ext = safer__xmalloc(sizeof(uint32_t) * (s->m + 1) * s->n);
    uint32_t *first = safer__xmalloc(sizeof(uint32_t) * s->n);
    for (uint32_t v = 0; v < s->n && !e.full; v++) {
        const struct safer_nb *nb = s->nb;
        size_t len = 0;
        for (uint32_t q = nb->start[v]; q < nb->start[v + 1]; q++)
            if (nb->adj[q] > v)
                first[len++] = nb->adj[q];
        e.v = v;
        e.set[0] = v;
        e.len = 1;
        near_add(&e, v, 1);
        esu_extend(&e, first, len);
        near_add(&e, v, -1);
    }
    free(first);
    free(e.near);
    free(e.ext);
    if (e.full)
        return safer_err_set(err, SAFER_ETOOBIG,
                             "more than %zu connected groups of up to %zu areas: lower the "
                             "maximum size",
                             SAFER_CLUSTERS_MAX_SUBSETS, s->m);
    return 0;
}

/* Order of the subsets of each area: by size, then cost, then number. */
static int cmp_sub(const void *pa, const void *pb, const struct solver *s)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    if (s->size[a] != s->size[b])
        return s->size[a] < s->size[b] ? -1 : 1;
    if (s->cost[a] != s->cost[b])
        return s->cost[a] < s->cost[b] ? -1 : 1;
    return (a > b) - (a < b);
}

/* Insertion sort with a context: the lists are short (hundreds). */
static void sort_ctx(uint32_t *v, size_t n, struct solver *s)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t t = v[i];
        size_t j = i;
        while (j > 0 && cmp_sub(&v[j - 1], &t, s) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = t;
    }
}

static void index_subsets(struct solver *s)
{
    size_t n = s->n, m = s->m;
    s->inc_start = safer__xcalloc(n + 1, sizeof(uint32_t));
    for (size_t t = 0; t < s->nsub; t++)
        for (size_t a = 0; a < s->size[t]; a++)
            s->inc_start[s->mem[t * m + a] + 1]++;
    for (size_t i = 0; i < n; i++)
        s->inc_start[i + 1] += s->inc_start[i];
    s->inc = safer__xmalloc(sizeof(uint32_t) * (s->inc_start[n] ? s->inc_start[n] : 1));
    uint32_t *fill = safer__xmalloc(sizeof(uint32_t) * n);
    memcpy(fill, s->inc_start, sizeof(uint32_t) * n);
    for (size_t t = 0; t < s->nsub; t++)
        for (size_t a = 0; a < s->size[t]; a++)
            s->inc[fill[s->mem[t * m + a]]++] = (uint32_t)t;
    free(fill);
    s->grp = safer__xmalloc(sizeof(uint32_t) * n * (m + 1));
    for (size_t i = 0; i < n; i++) {
        uint32_t *v = s->inc + s->inc_start[i];
        size_t len = s->inc_start[i + 1] - s->inc_start[i];
        sort_ctx(v, len, s);
        size_t at = 0;
        for (size_t z = 0; z <= m; z++) {
            while (at < len && s->size[v[at]] < z + 1)
                at++;
            s->grp[i * (m + 1) + z] = (uint32_t)at;
        }
    }
}

/* ---- step 2: the search ------------------------------------------------------ */

static void cover(struct solver *s, uint32_t sub, int by)
{
    const struct safer_nb *nb = s->nb;
    for (size_t a = 0; a < s->size[sub]; a++) {
        uint32_t i = s->mem[(size_t)sub * s->m + a];
        s->covered[i] = by > 0;
        s->hash ^= s->zob[i];
        for (uint32_t q = s->inc_start[i]; q < s->inc_start[i + 1]; q++)
            s->blocked[s->inc[q]] = (uint16_t)(s->blocked[s->inc[q]] + by);
        for (uint32_t q = nb->start[i]; q < nb->start[i + 1]; q++)
            s->udeg[nb->adj[q]] = (uint32_t)((int)s->udeg[nb->adj[q]] - by);
    }
    s->ucount = (size_t)((long)s->ucount - by * (long)s->size[sub]);
}

/* The clusters the connected pieces of the uncovered areas need at least. */
static size_t pieces_need(struct solver *s)
{
    const struct safer_nb *nb = s->nb;
    size_t need = 0;
    memset(s->comp, 0, sizeof(uint32_t) * s->n);
    for (uint32_t v = 0; v < s->n; v++) {
        if (s->covered[v] || s->comp[v])
            continue;
        size_t head = 0, tail = 0;
        s->queue[tail++] = v;
        s->comp[v] = 1;
        while (head < tail) {
            uint32_t u = s->queue[head++];
            for (uint32_t q = nb->start[u]; q < nb->start[u + 1]; q++) {
                uint32_t w = nb->adj[q];
                if (!s->covered[w] && !s->comp[w]) {
                    s->comp[w] = 1;
                    s->queue[tail++] = w;
                }
            }
        }
        need += (tail + s->m - 1) / s->m;
    }
    return need;
}

/* L(lambda) and its slope over the areas of ulist with cheapest costs cmin. */
static double bound_at(const struct solver *s, size_t nu, double lambda, size_t r, double *slope)
{
    double sum = 0.0, sl = -(double)r;
    for (size_t t = 0; t < nu; t++) {
        const double *c = s->cmin + t * s->m;
        double best = INFINITY;
        size_t bk = 1;
        for (size_t z = 0; z < s->m; z++) {
            if (c[z] == INFINITY)
                continue;
            double v = (c[z] + lambda) / (double)(z + 1);
            if (v < best) {
                best = v;
                bk = z + 1;
            }
        }
        sum += best;
        sl += 1.0 / (double)bk;
    }
    if (slope)
        *slope = sl;
    return sum - lambda * (double)r;
}

/*
 * The node's lower bound on the completion cost with r clusters to place,
 * and each uncovered area's share at the best lambda found (s->share);
 * INFINITY when no completion exists.
 */
static double node_bound(struct solver *s, size_t r, double *lambda_out)
{
    size_t m = s->m, nu = 0;
    if (r > s->ucount || (s->ucount > 0 && r == 0))
        return INFINITY;
    if (s->ucount == 0)
        return 0.0;
    double inv_kmax = 0.0, bend_lo = INFINITY, bend_hi = -INFINITY;
    for (uint32_t i = 0; i < s->n; i++) {
        if (s->covered[i])
            continue;
        s->ulist[nu] = i;
        double *c = s->cmin + nu * m;
        const uint32_t *v = s->inc + s->inc_start[i];
        const uint32_t *g = s->grp + (size_t)i * (m + 1);
        size_t kmax = 0;
        for (size_t z = 0; z < m; z++) {
            c[z] = INFINITY;
            for (uint32_t q = g[z]; q < g[z + 1]; q++) {
                if (s->blocked[v[q]] == 0) {
                    c[z] = s->cost[v[q]];
                    kmax = z + 1;
                    break;
                }
            }
        }
        inv_kmax += 1.0 / (double)kmax;
        /* Where two of the area's lines cross: the envelope bends only there. */
        for (size_t z = 1; z < m; z++) {
            if (c[z] == INFINITY)
                continue;
            for (size_t y = 0; y < z; y++) {
                if (c[y] == INFINITY)
                    continue;
                double kz = (double)(z + 1), ky = (double)(y + 1);
                double at = (ky * c[z] - kz * c[y]) / (kz - ky);
                if (at < bend_lo)
                    bend_lo = at;
                if (at > bend_hi)
                    bend_hi = at;
            }
        }
        nu++;
    }
    if (inv_kmax > (double)r + 1e-9)
        return INFINITY;
    if (pieces_need(s) > r)
        return INFINITY;
    /* Bisection on the slope, which falls from |U| - r >= 0 below every
     * bend (each area on its singleton line) to sum 1/kmax - r <= 0 above
     * them all (each on its largest valid size). */
    if (bend_lo > bend_hi) /* singletons only */
        bend_lo = bend_hi = 0.0;
    double lo = bend_lo - 1e-9 * (1.0 + fabs(bend_lo)), hi = bend_hi + 1e-9 * (1.0 + fabs(bend_hi));
    for (int it = 0; it < BISECT_STEPS; it++) {
        double mid = 0.5 * (lo + hi), sl;
        bound_at(s, nu, mid, r, &sl);
        if (sl > 0.0)
            lo = mid;
        else
            hi = mid;
    }
    double blo = bound_at(s, nu, lo, r, NULL), bhi = bound_at(s, nu, hi, r, NULL);
    double lambda = blo >= bhi ? lo : hi;
    for (size_t t = 0; t < nu; t++) {
        const double *c = s->cmin + t * m;
        double best = INFINITY;
        for (size_t z = 0; z < m; z++)
            if (c[z] != INFINITY && (c[z] + lambda) / (double)(z + 1) < best)
                best = (c[z] + lambda) / (double)(z + 1);
        s->share[s->ulist[t]] = best;
    }
    *lambda_out = lambda;
    return blo >= bhi ? blo : bhi;
}

static double tol(const struct solver *s)
{
    return s->ub == INFINITY ? 0.0 : REL_TOL * fabs(s->ub) + 1e-12;
}

/* The memo's slot for the current covered set and r, or NULL when full. */
static struct memo_entry *memo_find(struct solver *s, size_t r, bool *found)
{
    *found = false;
    if (!s->memo)
        return NULL;
    uint64_t h = (s->hash ^ (0x9E3779B97F4A7C15ULL * (r + 1))) | 1;
    size_t k = (size_t)(h >> 17) & (s->memo_slots - 1);
    for (;;) {
        struct memo_entry *e = &s->memo[k];
        if (e->hash == 0)
            return s->memo_len < s->memo_cap ? e : NULL;
        if (e->hash == h && e->r == r) {
            const uint64_t *w = s->pool + (size_t)e->words * s->nw;
            bool same = true;
            for (size_t q = 0; q < s->nw && same; q++) {
                uint64_t cur = 0;
                for (size_t b = 0; b < 64 && q * 64 + b < s->n; b++)
                    if (s->covered[q * 64 + b])
                        cur |= (uint64_t)1 << b;
                same = cur == w[q];
            }
            if (same) {
                *found = true;
                return e;
            }
        }
        k = (k + 1) & (s->memo_slots - 1);
    }
}

/* Twice the slots, while under MEMO_BYTES. */
static void memo_grow(struct solver *s)
{
    if (s->memo_cap * 2 > s->memo_max)
        return;
    size_t slots = s->memo_slots * 2;
    struct memo_entry *t = safer__xcalloc(slots, sizeof(*t));
    for (size_t q = 0; q < s->memo_slots; q++) {
        if (!s->memo[q].hash)
            continue;
        size_t k = (size_t)(s->memo[q].hash >> 17) & (slots - 1);
        while (t[k].hash)
            k = (k + 1) & (slots - 1);
        t[k] = s->memo[q];
    }
    free(s->memo);
    s->memo = t;
    s->memo_slots = slots;
    s->memo_cap = slots / 2;
    s->pool = safer__xreallocarray(s->pool, s->memo_cap, sizeof(uint64_t) * s->nw);
}

static void memo_put(struct solver *s, size_t r, double lb)
{
    bool found;
    if (s->memo_len == s->memo_cap)
        memo_grow(s);
    struct memo_entry *e = memo_find(s, r, &found);
    if (!e)
        return;
    if (found) {
        if (lb > e->lb)
            e->lb = lb;
        return;
    }
    e->hash = (s->hash ^ (0x9E3779B97F4A7C15ULL * (r + 1))) | 1;
    e->r = (uint32_t)r;
    e->lb = lb;
    e->words = (uint32_t)s->memo_len;
    uint64_t *w = s->pool + s->memo_len * s->nw;
    for (size_t q = 0; q < s->nw; q++) {
        uint64_t cur = 0;
        for (size_t b = 0; b < 64 && q * 64 + b < s->n; b++)
            if (s->covered[q * 64 + b])
                cur |= (uint64_t)1 << b;
        w[q] = cur;
    }
    s->memo_len++;
}

static int cmp_child(const void *pa, const void *pb)
{
    const struct child *a = pa, *b = pb;
    if (a->rc != b->rc)
        return a->rc < b->rc ? -1 : 1;
    return (a->sub > b->sub) - (a->sub < b->sub);
}

/*
 * Search below the current node, `g` spent and r clusters to place.
 * Returns the least completion cost found below it (INFINITY for none).
 */
static double search(struct solver *s, double g, size_t r)
{
    if (s->stopped)
        return INFINITY;
    if (++s->nodes > s->max_nodes) {
        s->stopped = true;
        return INFINITY;
    }
    if (s->ucount == 0 && r == 0) {
        if (g < s->ub) {
            s->ub = g;
            s->found = true;
            memcpy(s->best, s->path, sizeof(uint32_t) * s->depth);
        }
        return 0.0;
    }
    bool found = false;
    struct memo_entry *e = memo_find(s, r, &found);
    if (found && g + e->lb >= s->ub - tol(s))
        return INFINITY;
    double lambda = 0.0;
    double lb = node_bound(s, r, &lambda);
    if (s->nodes == 1)
        s->root_lb = lb;
    if (lb == INFINITY || g + lb >= s->ub - tol(s)) {
        if (lb == INFINITY)
            memo_put(s, r, INFINITY);
        return INFINITY;
    }
    /* The uncovered area with the fewest uncovered neighbours. */
    uint32_t pick = UINT32_MAX;
    for (uint32_t i = 0; i < s->n; i++)
        if (!s->covered[i] && (pick == UINT32_MAX || s->udeg[i] < s->udeg[pick]))
            pick = i;
    size_t base = s->nkids;
    for (uint32_t q = s->inc_start[pick]; q < s->inc_start[pick + 1]; q++) {
        uint32_t sub = s->inc[q];
        if (s->blocked[sub])
            continue;
        double rc = s->cost[sub] + lambda;
        for (size_t a = 0; a < s->size[sub]; a++)
            rc -= s->share[s->mem[(size_t)sub * s->m + a]];
        if (rc < 0.0)
            rc = 0.0;
        if (g + lb + rc >= s->ub - tol(s))
            continue;
        if (s->nkids == s->capkids) {
            s->capkids = s->capkids ? 2 * s->capkids : 1024;
            s->kids = safer__xreallocarray(s->kids, s->capkids, sizeof(*s->kids));
        }
        s->kids[s->nkids].sub = sub;
        s->kids[s->nkids].rc = rc;
        s->nkids++;
    }
    qsort(s->kids + base, s->nkids - base, sizeof(*s->kids), cmp_child);
    double best = INFINITY;
    for (size_t t = base; t < s->nkids && !s->stopped; t++) {
        uint32_t sub = s->kids[t].sub;
        if (g + lb + s->kids[t].rc >= s->ub - tol(s))
            break; /* sorted: the rest cannot do better either */
        cover(s, sub, 1);
        s->path[s->depth++] = sub;
        double below = search(s, g + s->cost[sub], r - 1);
        s->depth--;
        cover(s, sub, -1);
        if (below + s->cost[sub] < best)
            best = below + s->cost[sub];
    }
    s->nkids = base;
    if (!s->stopped) {
        /* Every completion was found (>= best) or cut against an upper
         * bound no lower than the present one. */
        double known = s->ub == INFINITY ? best : fmin(best, s->ub - tol(s) - g);
        memo_put(s, r, fmax(lb, known));
    }
    return best;
}

static void solver_release(struct solver *s)
{
    free(s->mem);
    free(s->size);
    free(s->cost);
    free(s->inc_start);
    free(s->inc);
    free(s->grp);
    free(s->covered);
    free(s->blocked);
    free(s->udeg);
    free(s->zob);
    free(s->path);
    free(s->best);
    free(s->cmin);
    free(s->ulist);
    free(s->queue);
    free(s->comp);
    free(s->share);
    free(s->kids);
    free(s->memo);
    free(s->pool);
}

static uint64_t splitmix(uint64_t *st)
{
    uint64_t z = (*st += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void solver_setup(struct solver *s)
{
    size_t n = s->n;
    s->covered = safer__xcalloc(n, 1);
    s->blocked = safer__xcalloc(s->nsub ? s->nsub : 1, sizeof(uint16_t));
    s->udeg = safer__xmalloc(sizeof(uint32_t) * n);
    for (size_t i = 0; i < n; i++)
        s->udeg[i] = s->nb->start[i + 1] - s->nb->start[i];
    s->ucount = n;
    s->zob = safer__xmalloc(sizeof(uint64_t) * n);
    uint64_t st = 0x5AFE5AFE12345678ULL;
    for (size_t i = 0; i < n; i++)
        s->zob[i] = splitmix(&st);
    s->path = safer__xmalloc(sizeof(uint32_t) * s->k);
    s->best = safer__xmalloc(sizeof(uint32_t) * s->k);
    s->cmin = safer__xmalloc(sizeof(double) * n * s->m);
    s->ulist = safer__xmalloc(sizeof(uint32_t) * n);
    s->queue = safer__xmalloc(sizeof(uint32_t) * n);
    s->comp = safer__xmalloc(sizeof(uint32_t) * n);
    s->share = safer__xcalloc(n, sizeof(double));
    s->nw = (n + 63) / 64;
    size_t per = sizeof(struct memo_entry) * 2 + s->nw * sizeof(uint64_t);
    s->memo_max = MEMO_BYTES / per;
    s->memo_slots = 1024;
    s->memo_cap = s->memo_slots / 2;
    s->memo = safer__xcalloc(s->memo_slots, sizeof(*s->memo));
    s->pool = safer__xmalloc(sizeof(uint64_t) * s->nw * s->memo_cap);
    s->ub = INFINITY;
}

/* Is cluster c connected with `drop` taken out and `add` put in (either
 * may be UINT32_MAX)? `want` areas, searched from `from` (in the cluster). */
static bool still_connected(const struct safer_nb *nb, const uint32_t *owner, uint32_t c,
                            uint32_t drop, uint32_t add, uint32_t from, size_t want,
                            uint8_t *seen, uint32_t *stack)
{
    uint32_t visited[SAFER_CLUSTERS_MAX_SIZE + 1];
    size_t top = 0, nvis = 0;
    stack[top++] = from;
    seen[from] = 1;
    visited[nvis++] = from;
    while (top) {
        uint32_t u = stack[--top];
        for (uint32_t q = nb->start[u]; q < nb->start[u + 1]; q++) {
            uint32_t w = nb->adj[q];
            bool in = w == add || (owner[w] == c && w != drop);
            if (in && !seen[w] && nvis <= SAFER_CLUSTERS_MAX_SIZE) {
                seen[w] = 1;
                stack[top++] = w;
                visited[nvis++] = w;
            }
        }
    }
    for (size_t t = 0; t < nvis; t++)
        seen[visited[t]] = 0;
    return nvis == want;
}

/* The change in a cluster's cost (sums sum_c, sq_c, cnt_c) when area row
 * v leaves (sign -1) or joins (+1). */
static double cost_with(const double *sum_c, double sq_c, size_t cnt_c, const double *v,
                        const double *w, size_t d)
{
    /* v leaves, w joins (either NULL). */
    double s2 = 0.0, sq = sq_c;
    size_t cnt = cnt_c;
    for (size_t j = 0; j < d; j++) {
        double t = sum_c[j] - (v ? v[j] : 0.0) + (w ? w[j] : 0.0);
        s2 += t * t;
        sq += (w ? w[j] * w[j] : 0.0) - (v ? v[j] * v[j] : 0.0);
    }
    cnt = cnt - (v ? 1 : 0) + (w ? 1 : 0);
    return cnt ? sq - s2 / (double)cnt : 0.0;
}

/*
 * Improve an unproved partition by moving single areas and swapping
 * neighbours: an area moves to a neighbouring cluster when that cluster
 * has room, its own keeps another area and stays connected, and the total
 * cost falls; or it trades places with a neighbour in another cluster when
 * both clusters stay connected and the total falls. Repeated until no
 * change helps (or 100 passes). Costs from each cluster's sums:
 * |S| sum |x|^2 - |sum x|^2, over |S|.
 */
static void polish(const double *x, size_t d, const struct safer_nb *nb, size_t k, size_t m,
                   uint32_t *owner)
{
    size_t n = nb->n;
    double *sum = safer__xcalloc(k * d, sizeof(double));
    double *sq = safer__xcalloc(k, sizeof(double));
    size_t *cnt = safer__xcalloc(k, sizeof(size_t));
    uint32_t *stack = safer__xmalloc(sizeof(uint32_t) * (SAFER_CLUSTERS_MAX_SIZE + 2));
    uint8_t *seen = safer__xcalloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t c = owner[i];
        cnt[c]++;
        for (size_t j = 0; j < d; j++) {
            sum[c * d + j] += x[i * d + j];
            sq[c] += x[i * d + j] * x[i * d + j];
        }
    }
    for (int pass = 0; pass < 100; pass++) {
        bool moved = false;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t a = owner[i];
            if (cnt[a] < 2)
                continue;
            /* The cost of a without i, and of a as it is. */
            double xi2 = 0.0, sa = 0.0, sa_out = 0.0;
            for (size_t j = 0; j < d; j++) {
                double v = x[(size_t)i * d + j], t = sum[a * d + j];
                xi2 += v * v;
                sa += t * t;
                sa_out += (t - v) * (t - v);
            }
            double cost_a = sq[a] - sa / (double)cnt[a];
            double cost_a_out = (sq[a] - xi2) - sa_out / (double)(cnt[a] - 1);
            uint32_t best = UINT32_MAX;
            double best_delta = -1e-12 * (1.0 + cost_a);
            for (uint32_t q = nb->start[i]; q < nb->start[i + 1]; q++) {
                uint32_t b = owner[nb->adj[q]];
                if (b == a || cnt[b] >= m)
                    continue;
                double sb = 0.0, sb_in = 0.0;
                for (size_t j = 0; j < d; j++) {
                    double v = x[(size_t)i * d + j], t = sum[b * d + j];
                    sb += t * t;
                    sb_in += (t + v) * (t + v);
                }
                double cost_b = sq[b] - sb / (double)cnt[b];
                double cost_b_in = (sq[b] + xi2) - sb_in / (double)(cnt[b] + 1);
                double delta = cost_a_out + cost_b_in - cost_a - cost_b;
                if (delta < best_delta) {
                    best_delta = delta;
                    best = b;
                }
            }
            if (best == UINT32_MAX)
                continue;
            /* Does a stay connected without i? */
            uint32_t start = UINT32_MAX;
            for (uint32_t q = nb->start[i]; q < nb->start[i + 1] && start == UINT32_MAX; q++)
                if (owner[nb->adj[q]] == a)
                    start = nb->adj[q];
            if (start == UINT32_MAX ||
                !still_connected(nb, owner, a, i, UINT32_MAX, start, cnt[a] - 1, seen, stack))
                continue;
            owner[i] = best;
            cnt[a]--;
            cnt[best]++;
            for (size_t j = 0; j < d; j++) {
                double v = x[(size_t)i * d + j];
                sum[a * d + j] -= v;
                sum[best * d + j] += v;
            }
            sq[a] -= xi2;
            sq[best] += xi2;
            moved = true;
        }
        /* Swaps: i in a and its neighbour j in b change places. */
        for (uint32_t i = 0; i < n; i++) {
            for (uint32_t q = nb->start[i]; q < nb->start[i + 1]; q++) {
                uint32_t j = nb->adj[q], a = owner[i], b = owner[j];
                if (a == b)
                    continue;
                const double *vi = x + (size_t)i * d, *vj = x + (size_t)j * d;
                double before = cost_with(sum + a * d, sq[a], cnt[a], NULL, NULL, d) +
                                cost_with(sum + b * d, sq[b], cnt[b], NULL, NULL, d);
                double after = cost_with(sum + a * d, sq[a], cnt[a], vi, vj, d) +
                               cost_with(sum + b * d, sq[b], cnt[b], vj, vi, d);
                if (!(after < before - 1e-12 * (1.0 + before)))
                    continue;
                if (!still_connected(nb, owner, a, i, j, j, cnt[a], seen, stack) ||
                    !still_connected(nb, owner, b, j, i, i, cnt[b], seen, stack))
                    continue;
                owner[i] = b;
                owner[j] = a;
                for (size_t t = 0; t < d; t++) {
                    sum[a * d + t] += vj[t] - vi[t];
                    sum[b * d + t] += vi[t] - vj[t];
                }
                double xi2 = 0.0, xj2 = 0.0;
                for (size_t t = 0; t < d; t++) {
                    xi2 += vi[t] * vi[t];
                    xj2 += vj[t] * vj[t];
                }
                sq[a] += xj2 - xi2;
                sq[b] += xi2 - xj2;
                moved = true;
            }
        }
        if (!moved)
            break;
    }
    free(sum);
    free(sq);
    free(cnt);
    free(stack);
    free(seen);
}

int safer_clusters_solve(const double *x, size_t d, const struct safer_nb *nb,
                         const struct safer_clusters_opts *opts, struct safer_clusters *out,
                         struct safer_err *err)
{
    safer_clusters_init(out);
    size_t n = nb->n, k = opts->k, m = opts->max_size;
    if (n == 0)
        return safer_err_set(err, SAFER_EINVAL, "no areas to cluster");
    if (n > SAFER_CLUSTERS_MAX_AREAS)
        return safer_err_set(err, SAFER_ETOOBIG, "%zu areas to cluster: at most %d", n,
                             SAFER_CLUSTERS_MAX_AREAS);
    if (d == 0)
        return safer_err_set(err, SAFER_EINVAL, "no attributes to cluster on");
    if (k == 0 || k > n)
        return safer_err_set(err, SAFER_EINVAL, "%zu clusters of %zu areas: must be 1 to %zu",
                             k, n, n);
    if (m == 0 || m > SAFER_CLUSTERS_MAX_SIZE)
        return safer_err_set(err, SAFER_EINVAL, "maximum cluster size %zu: must be 1 to %d", m,
                             SAFER_CLUSTERS_MAX_SIZE);
    for (size_t t = 0; t < n * d; t++)
        if (!isfinite(x[t]))
            return safer_err_set(err, SAFER_EINVAL, "attribute %zu of area %zu is not finite",
                                 t % d + 1, t / d + 1);
    int rc = check_nb(nb, err);
    if (rc < 0)
        return rc;
    if (k * m < n)
        return safer_err_set(err, SAFER_EINVAL,
                             "no partition: %zu clusters of at most %zu areas cannot hold %zu "
                             "areas (at least %zu clusters needed)",
                             k, m, n, (n + m - 1) / m);

    struct solver s = {.n = n, .d = d, .m = m, .k = k, .x = x, .nb = nb};
    s.max_nodes = opts->max_nodes;
    if (!s.max_nodes) {
        double budget = 1e8 / (double)n;
        s.max_nodes = budget >= (double)SAFER_CLUSTERS_DEFAULT_NODES ? SAFER_CLUSTERS_DEFAULT_NODES
                      : budget <= (double)SAFER_CLUSTERS_MIN_NODES   ? SAFER_CLUSTERS_MIN_NODES
                                                                      : (uint64_t)budget;
    }
    rc = list_subsets(&s, err);
    if (rc < 0)
        goto out;
    index_subsets(&s);
    solver_setup(&s);
    size_t need = pieces_need(&s);
    if (need > k) {
        rc = safer_err_set(err, SAFER_EINVAL,
                           "no partition: the areas fall into separate groups of neighbours "
                           "that need at least %zu clusters of at most %zu areas, not %zu",
                           need, m, k);
        goto out;
    }
    search(&s, 0.0, k);
    if (!s.found) {
        if (s.stopped)
            rc = safer_err_set(err, SAFER_ETOOBIG,
                               "no partition into %zu clusters found within %llu search nodes",
                               k, (unsigned long long)s.max_nodes);
        else
            rc = safer_err_set(err, SAFER_EINVAL,
                               "no partition: the areas cannot be cut into %zu connected "
                               "clusters of 1 to %zu neighbouring areas",
                               k, m);
        goto out;
    }
    /* Clusters numbered in the order of their first area. */
    out->n = n;
    out->k = k;
    out->cluster = safer__xmalloc(sizeof(uint32_t) * n);
    out->cost = safer__xcalloc(k, sizeof(double));
    out->size = safer__xcalloc(k, sizeof(uint32_t));
    for (size_t i = 0; i < n; i++)
        out->cluster[i] = UINT32_MAX;
    uint32_t *owner = safer__xmalloc(sizeof(uint32_t) * n);
    for (size_t c = 0; c < k; c++)
        for (size_t a = 0; a < s.size[s.best[c]]; a++)
            owner[s.mem[(size_t)s.best[c] * m + a]] = (uint32_t)c;
    if (s.stopped)
        polish(x, d, nb, k, m, owner);
    uint32_t *num = safer__xmalloc(sizeof(uint32_t) * k);
    for (size_t c = 0; c < k; c++)
        num[c] = UINT32_MAX;
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (num[owner[i]] == UINT32_MAX)
            num[owner[i]] = next++;
        out->cluster[i] = num[owner[i]];
    }
    /* Each cluster's cost about its mean, from its members. */
    uint32_t *members = safer__xmalloc(sizeof(uint32_t) * n);
    for (uint32_t c = 0; c < k; c++) {
        size_t len = 0;
        for (size_t i = 0; i < n; i++)
            if (out->cluster[i] == c)
                members[len++] = (uint32_t)i;
        out->size[c] = (uint32_t)len;
        out->cost[c] = safer_clusters_cost(x, d, members, len);
        out->total += out->cost[c];
    }
    free(members);
    free(owner);
    free(num);
    out->proved = !s.stopped;
    out->lower_bound = out->proved ? out->total : fmin(s.root_lb, out->total);
    out->nodes = s.nodes;
    out->subsets = s.nsub;
    rc = 0;
out:
    solver_release(&s);
    return rc;
}
