/*
 * knox.c - the near-repeat (Knox) test (nearrepeat.h).
 *
 * The table: every unordered pair of events {i, j} once, in the cell of its
 * Euclidean distance band and its time-difference band |t_i - t_j|, bands
 * [lo, hi). The null keeps the places and permutes the times among them;
 * each permutation's table is a simulated draw. docs/statistics.md gives
 * the definitions, and the closed form of the exact mean and standard
 * deviation over all n! permutations that exact_moments() computes.
 *
 * Speed. The pairs closer than the last space break are found once, by a
 * sweep over the events sorted by x, with their space band decided
 * exactly; a permutation then only re-bins those pairs' time differences,
 * through a table from the whole-number difference to its band. The cost
 * is O(n log n + n w) to find the pairs (w: the events within the largest
 * distance in x) and O(perms (n + close pairs)) to simulate, with no work
 * for the far pairs, which are most of them.
 *
 * Exact bands. Distance d >= b exactly when dx^2 + dy^2 >= b^2. The double
 * result of dx*dx + dy*dy is within a few units in the last place of the
 * true value, so only when it lies within a relative 1e-13 of b*b is the
 * question settled in exact arithmetic: dx = x_i - x_j is split into a
 * double and its rounding error (two-sum), each square and b^2 into a
 * product and its error (fma), and the sign of the sum of those 14 doubles
 * is found by summing them into a nonoverlapping expansion (Shewchuk).
 * This is exact for finite coordinates of magnitude at most 1e9 whose
 * rounding errors do not underflow (any coordinate given in metres to a
 * sane number of decimals).
 *
 * Randomness. Permutation k shuffles with xoshiro256** seeded by
 * splitmix64 from (seed, k), so that its draws depend on nothing else, and
 * a bounded draw uses Lemire's multiply-and-reject method (no modulo bias).
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "safer/buf.h"
#include "safer/csv.h"
#include "safer/limits.h"
#include "safer/nearrepeat.h"
#include "util/internal.h"
#include "util/tasks.h"

#define MAX_T (1LL << 40)
#define MAX_COORD 1e9
/* Time-difference table entries: when every difference the times allow
 * (0 to max t - min t) fits, a pair is binned by one lookup with no
 * branch; otherwise differences beyond the table scan the bands. */
#define DT_TABLE_MAX (1 << 20)
/* Permutations per parallel task. */
#define PERM_CHUNK 32

/* ---- exact comparison of a squared distance with a squared break ---- */

static void two_sum(double a, double b, double *s, double *e)
{
    double x = a + b, bv = x - a, av = x - bv;
    *s = x;
    *e = (a - av) + (b - bv);
}

/* Add q to the nonoverlapping expansion e[0..n) (increasing magnitude);
 * returns the new length, zeros dropped. */
static size_t grow(double *e, size_t n, double q)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double s, r;
        two_sum(q, e[i], &s, &r);
        if (r != 0)
            e[m++] = r;
        q = s;
    }
    if (q != 0)
        e[m++] = q;
    return m;
}

/* The sign of (dx^2 + dy^2) - b^2 with dx = xi - xj, dy = yi - yj, exactly. */
static int cmp_exact(double xi, double xj, double yi, double yj, double b)
{
    double terms[14];
    size_t k = 0;
    double d[2][2];
    two_sum(xi, -xj, &d[0][0], &d[0][1]);
    two_sum(yi, -yj, &d[1][0], &d[1][1]);
    for (int a = 0; a < 2; a++) {
        double h = d[a][0], l = d[a][1];
        double p = h * h;
        terms[k++] = p;
        terms[k++] = fma(h, h, -p);
        p = 2 * h * l;
        terms[k++] = p;
        terms[k++] = fma(2 * h, l, -p);
        p = l * l;
        terms[k++] = p;
        terms[k++] = fma(l, l, -p);
    }
    double p = b * b;
    terms[k++] = -p;
    terms[k++] = -fma(b, b, -p);
    double e[16];
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        m = grow(e, m, terms[i]);
    if (m == 0)
        return 0;
    return e[m - 1] > 0 ? 1 : -1;
}

/* The sign of d^2 - b^2, quickly when the doubles settle it. */
static int cmp_dist(double xi, double xj, double yi, double yj, double b, double bb)
{
    double dx = xi - xj, dy = yi - yj;
    double d2 = dx * dx + dy * dy;
    double slack = 1e-13 * (d2 + bb);
    if (d2 > bb + slack)
        return 1;
    if (d2 < bb - slack)
        return -1;
    return cmp_exact(xi, xj, yi, yj, b);
}

/* ---- random numbers ---- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

struct rng {
    uint64_t s[4];
};

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t sm = seed ^ splitmix64(&(uint64_t){stream * 0xD1B54A32D192ED03ULL + 1});
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&sm);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

/* Uniform in [0, bound), bound >= 1 and below 2^32 (Lemire). */
static uint32_t rng_below(struct rng *r, uint32_t bound)
{
    uint64_t m = (rng_next(r) >> 32) * (uint64_t)bound;
    uint32_t lo = (uint32_t)m;
    if (lo < bound) {
        uint32_t thresh = (uint32_t)(-bound) % bound;
        while (lo < thresh) {
            m = (rng_next(r) >> 32) * (uint64_t)bound;
            lo = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* ---- the computation ---- */

struct ev {
    double x, y;
    int64_t t;
    size_t idx;
};

static int cmp_ev(const void *pa, const void *pb)
{
    const struct ev *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static int cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

struct job {
    size_t n, npairs, ns, nt, ncells;
    const int64_t *t;      /* times in place order */
    const uint32_t *pi, *pj; /* the close pairs, grouped by space band */
    const size_t *band_start; /* ns + 1 */
    const int64_t *tlo, *thi; /* whole-number time bands [tlo, thi) */
    const uint8_t *dtab;      /* time difference -> band, nt for none */
    int64_t dtab_n;
    int full_table; /* dtab covers every difference the times allow */
    unsigned perms;
    uint64_t seed;
    uint32_t *sims; /* OUT: perms x ncells */
};

static inline size_t time_band(const struct job *jb, int64_t dt)
{
    if (dt < jb->dtab_n)
        return jb->dtab[dt];
    for (size_t k = 0; k < jb->nt; k++)
        if (dt >= jb->tlo[k] && dt < jb->thi[k])
            return k;
    return jb->nt;
}

/* Count the close pairs of times `tp` (place order) into cnt (ns x (nt + 1):
 * the last column of each band is the sink for no time band). Four rows of
 * counters take turns, so that consecutive pairs in the same cell (most go
 * to the sink) do not wait on each other's increment. */
static void count_pairs(const struct job *jb, const int64_t *tp, uint32_t *cnt)
{
    size_t w = jb->nt + 1;
    const uint32_t *pi = jb->pi, *pj = jb->pj;
    for (size_t s = 0; s < jb->ns; s++) {
        uint32_t r[4][SAFER_LIMIT_KNOX_BREAKS] = {{0}};
        size_t k = jb->band_start[s], end = jb->band_start[s + 1];
        if (jb->full_table) {
            const uint8_t *tab = jb->dtab;
            for (; k + 4 <= end; k += 4) {
                int64_t d0 = tp[pi[k]] - tp[pj[k]], d1 = tp[pi[k + 1]] - tp[pj[k + 1]];
                int64_t d2 = tp[pi[k + 2]] - tp[pj[k + 2]], d3 = tp[pi[k + 3]] - tp[pj[k + 3]];
                r[0][tab[d0 < 0 ? -d0 : d0]]++;
                r[1][tab[d1 < 0 ? -d1 : d1]]++;
                r[2][tab[d2 < 0 ? -d2 : d2]]++;
                r[3][tab[d3 < 0 ? -d3 : d3]]++;
            }
        }
        for (; k < end; k++) {
            int64_t dt = tp[pi[k]] - tp[pj[k]];
            r[0][time_band(jb, dt < 0 ? -dt : dt)]++;
        }
        for (size_t b = 0; b < w; b++)
            cnt[s * w + b] = r[0][b] + r[1][b] + r[2][b] + r[3][b];
    }
}

static void perm_chunk(void *ctx, size_t chunk)
{
    const struct job *jb = ctx;
    size_t p0 = chunk * PERM_CHUNK, p1 = p0 + PERM_CHUNK;
    if (p1 > jb->perms)
        p1 = jb->perms;
    size_t w = jb->nt + 1;
    int64_t *tp = safer__xmalloc(sizeof(int64_t) * (jb->n ? jb->n : 1));
    uint32_t *cnt = safer__xmalloc(sizeof(uint32_t) * jb->ns * w);
    for (size_t p = p0; p < p1; p++) {
        struct rng r;
        rng_seed(&r, jb->seed, p);
        memcpy(tp, jb->t, sizeof(int64_t) * jb->n);
        for (size_t i = jb->n; i > 1; i--) {
            size_t k = rng_below(&r, (uint32_t)i);
            int64_t v = tp[i - 1];
            tp[i - 1] = tp[k];
            tp[k] = v;
        }
        count_pairs(jb, tp, cnt);
        uint32_t *out = jb->sims + p * jb->ncells;
        for (size_t s = 0; s < jb->ns; s++)
            for (size_t b = 0; b < jb->nt; b++)
                out[s * jb->nt + b] = cnt[s * w + b];
    }
    free(tp);
    free(cnt);
}

/* #{b : lo <= sorted[b] < hi} */
static size_t count_range(const int64_t *sorted, size_t n, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return 0;
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (sorted[m] < lo)
            a = m + 1;
        else
            b = m;
    }
    size_t c = a, d = n;
    while (c < d) {
        size_t m = c + (d - c) / 2;
        if (sorted[m] < hi)
            c = m + 1;
        else
            d = m;
    }
    return c - a;
}

/*
 * Exact moments over all n! permutations of the times (docs/statistics.md):
 * for a space band with m place pairs, place degrees e_i, S1 = sum e_i(e_i-1)
 * ordered pairs of place pairs sharing one place, S0 = m(m-1) - S1 disjoint
 * ones; for a time band with M index pairs, degrees d_a, T = sum d_a(d_a-1),
 * D = 4(M^2 - M - T):
 *   q = M / C(n,2),  E = m q,
 *   Var = m q (1 - q) + S1 (T/(n)_3 - q^2) + S0 (D/(n)_4 - q^2).
 * The differences T/(n)_3 - q^2 and D/(n)_4 - q^2 are formed exactly in
 * 128-bit integers where they fit, so that near-cancelling terms lose
 * nothing; otherwise in long double.
 */
typedef __int128 i128;

static long double frac_minus_q2(long double num, long double den, uint64_t M, uint64_t C2,
                                 int exact, i128 inum, i128 iden)
{
    /* num/den - (M/C2)^2 = (num C2^2 - M^2 den) / (den C2^2) */
    if (exact) {
        i128 c2 = (i128)C2 * C2, m2 = (i128)M * M, a, b, top;
        if (!__builtin_mul_overflow(inum, c2, &a) && !__builtin_mul_overflow(m2, iden, &b) &&
            !__builtin_sub_overflow(a, b, &top))
            return (long double)top / ((long double)iden * (long double)c2);
    }
    long double q = (long double)M / (long double)C2;
    return num / den - q * q;
}

static void exact_moments(size_t n, const int64_t *tsorted, const int64_t *tlo,
                          const int64_t *thi, size_t nt, const uint32_t *pi, const uint32_t *pj,
                          const size_t *band_start, size_t ns, struct safer_knox_cell *cells)
{
    uint64_t N = n;
    uint64_t C2 = N * (N - 1) / 2;
    uint64_t *deg = safer__xcalloc(n ? n : 1, sizeof(uint64_t));
    /* time side per band: M, T */
    uint64_t *Mt = safer__xcalloc(nt, sizeof(uint64_t));
    uint64_t *Tt = safer__xcalloc(nt, sizeof(uint64_t));
    for (size_t b = 0; b < nt; b++) {
        uint64_t sum = 0, tt = 0;
        for (size_t a = 0; a < n; a++) {
            int64_t ta = tsorted[a];
            uint64_t d;
            if (tlo[b] == 0)
                d = count_range(tsorted, n, ta - thi[b] + 1, ta + thi[b]) - 1;
            else
                d = count_range(tsorted, n, ta - thi[b] + 1, ta - tlo[b] + 1) +
                    count_range(tsorted, n, ta + tlo[b], ta + thi[b]);
            sum += d;
            tt += d * (d ? d - 1 : 0);
        }
        Mt[b] = sum / 2;
        Tt[b] = tt;
    }
    for (size_t s = 0; s < ns; s++) {
        uint64_t m = band_start[s + 1] - band_start[s];
        memset(deg, 0, sizeof(uint64_t) * n);
        for (size_t k = band_start[s]; k < band_start[s + 1]; k++) {
            deg[pi[k]]++;
            deg[pj[k]]++;
        }
        uint64_t S1 = 0;
        for (size_t i = 0; i < n; i++)
            S1 += deg[i] * (deg[i] ? deg[i] - 1 : 0);
        uint64_t S0 = m * (m ? m - 1 : 0) - S1;
        for (size_t b = 0; b < nt; b++) {
            struct safer_knox_cell *c = &cells[s * nt + b];
            if (n < 2) {
                c->exact_mean = 0;
                c->exact_sd = 0;
                continue;
            }
            uint64_t M = Mt[b], T = Tt[b];
            long double q = (long double)M / (long double)C2;
            long double var = (long double)m * q * (1 - q);
            if (n >= 3 && S1) {
                i128 n3 = (i128)N * (N - 1) * (N - 2);
                var += (long double)S1 * frac_minus_q2((long double)T, (long double)n3, M, C2,
                                                       1, (i128)T, n3);
            }
            if (n >= 4 && S0) {
                /* D = 4 (M^2 - M - T), as an exact integer */
                i128 D = 4 * ((i128)M * M - (i128)M - (i128)T);
                i128 n4;
                int ok = !__builtin_mul_overflow((i128)N * (N - 1) * (N - 2), (i128)(N - 3), &n4);
                long double n4l = (long double)N * (N - 1) * (N - 2) * (N - 3);
                var += (long double)S0 *
                       frac_minus_q2((long double)D, n4l, M, C2, ok, D, ok ? n4 : 1);
            }
            if (var < 0)
                var = 0; /* rounding of a zero variance */
            c->exact_mean = (double)((long double)m * q);
            c->exact_sd = (double)sqrtl(var);
        }
    }
    free(deg);
    free(Mt);
    free(Tt);
}

static int check_breaks(const double *v, size_t nv, const char *axis, struct safer_err *err)
{
    if (!v || nv < 2)
        return safer_err_set(err, SAFER_EINVAL, "%s breaks: at least two are needed", axis);
    if (nv > SAFER_LIMIT_KNOX_BREAKS)
        return safer_err_set(err, SAFER_ETOOBIG,
                             "%s breaks: %zu is over the limit of %d (SAFER_LIMIT_KNOX_BREAKS)",
                             axis, nv, SAFER_LIMIT_KNOX_BREAKS);
    for (size_t k = 0; k < nv; k++) {
        if (!isfinite(v[k]) || v[k] < 0 || v[k] > (double)MAX_T)
            return safer_err_set(err, SAFER_EINVAL,
                                 "%s break %zu '%g' is not a number from 0 to 2^40", axis, k + 1,
                                 v[k]);
        if (k && !(v[k] > v[k - 1]))
            return safer_err_set(err, SAFER_EINVAL,
                                 "%s break %zu '%g' is not above the one before it", axis, k + 1,
                                 v[k]);
    }
    return 0;
}

void safer_knox_release(struct safer_knox *k)
{
    if (!k)
        return;
    free(k->cells);
    memset(k, 0, sizeof(*k));
}

int safer_knox_compute(const double *x, const double *y, const int64_t *t, size_t n,
                       const struct safer_knox_opts *o, struct safer_knox *out,
                       struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    int rc = check_breaks(o->space, o->nspace, "space", err);
    if (rc == 0)
        rc = check_breaks(o->time, o->ntime, "time", err);
    if (rc < 0)
        return rc;
    if (n > SAFER_LIMIT_KNOX_EVENTS)
        return safer_err_set(err, SAFER_ETOOBIG,
                             "%zu events is over the limit of %d (SAFER_LIMIT_KNOX_EVENTS)", n,
                             SAFER_LIMIT_KNOX_EVENTS);
    if (o->perms > SAFER_LIMIT_KNOX_PERMS)
        return safer_err_set(err, SAFER_ETOOBIG,
                             "%u permutations is over the limit of %d (SAFER_LIMIT_KNOX_PERMS)",
                             o->perms, SAFER_LIMIT_KNOX_PERMS);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || fabs(x[i]) > MAX_COORD || !isfinite(y[i]) ||
            fabs(y[i]) > MAX_COORD)
            return safer_err_set(err, SAFER_EINVAL,
                                 "event %zu: coordinates (%g, %g) not finite or beyond 1e9 m",
                                 i + 1, x[i], y[i]);
        if (t[i] > MAX_T || t[i] < -MAX_T)
            return safer_err_set(err, SAFER_EINVAL, "event %zu: time %lld beyond 2^40", i + 1,
                                 (long long)t[i]);
    }

    size_t ns = o->nspace - 1, nt = o->ntime - 1, ncells = ns * nt;
    struct ev *ev = safer__xmalloc(sizeof(*ev) * (n ? n : 1));
    int64_t *tp = safer__xmalloc(sizeof(int64_t) * (n ? n : 1));
    int64_t *ts = safer__xmalloc(sizeof(int64_t) * (n ? n : 1));
    int64_t tlo[SAFER_LIMIT_KNOX_BREAKS], thi[SAFER_LIMIT_KNOX_BREAKS];
    double sb[SAFER_LIMIT_KNOX_BREAKS], sbb[SAFER_LIMIT_KNOX_BREAKS];
    uint32_t *pi = NULL, *pj = NULL, *sims = NULL;
    uint8_t *pband = NULL, *dtab = NULL;
    size_t npairs = 0, cap = 0;
    size_t band_start[SAFER_LIMIT_KNOX_BREAKS + 1];

    for (size_t i = 0; i < n; i++)
        ev[i] = (struct ev){x[i], y[i], t[i], i};
    qsort(ev, n, sizeof(*ev), cmp_ev);
    for (size_t i = 0; i < n; i++)
        tp[i] = ev[i].t;
    for (size_t k = 0; k <= ns; k++) {
        sb[k] = o->space[k];
        sbb[k] = sb[k] * sb[k];
    }
    /* Whole-number time bands: dt >= lo exactly when dt >= ceil(lo). */
    for (size_t k = 0; k < nt; k++) {
        tlo[k] = (int64_t)ceil(o->time[k]);
        thi[k] = (int64_t)ceil(o->time[k + 1]);
    }

    /* The close pairs: a sweep in x order, then the exact band. */
    double dmax = sb[ns];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            double dx = ev[j].x - ev[i].x;
            if (dx > dmax * (1 + 1e-12) + 1e-9)
                break;
            if (cmp_dist(ev[i].x, ev[j].x, ev[i].y, ev[j].y, sb[ns], sbb[ns]) >= 0)
                continue;
            if (cmp_dist(ev[i].x, ev[j].x, ev[i].y, ev[j].y, sb[0], sbb[0]) < 0)
                continue;
            /* the band: the last break k with d >= break k */
            size_t lo = 0, hi = ns; /* d >= sb[lo], d < sb[hi] */
            while (hi - lo > 1) {
                size_t mid = (lo + hi) / 2;
                if (cmp_dist(ev[i].x, ev[j].x, ev[i].y, ev[j].y, sb[mid], sbb[mid]) >= 0)
                    lo = mid;
                else
                    hi = mid;
            }
            if (npairs >= SAFER_LIMIT_KNOX_PAIRS) {
                rc = safer_err_set(err, SAFER_ETOOBIG,
                                   "more than %lld pairs within %g m (SAFER_LIMIT_KNOX_PAIRS)",
                                   (long long)SAFER_LIMIT_KNOX_PAIRS, dmax);
                goto out;
            }
            if (npairs == cap) {
                cap = cap ? 2 * cap : 1024;
                pi = safer__xreallocarray(pi, cap, sizeof(*pi));
                pj = safer__xreallocarray(pj, cap, sizeof(*pj));
                pband = safer__xreallocarray(pband, cap, sizeof(*pband));
            }
            pi[npairs] = (uint32_t)i;
            pj[npairs] = (uint32_t)j;
            pband[npairs++] = (uint8_t)lo;
        }
    }
    /* Group the pairs by space band (counting sort, order kept within a band). */
    {
        memset(band_start, 0, sizeof(band_start));
        for (size_t k = 0; k < npairs; k++)
            band_start[pband[k] + 1]++;
        for (size_t s = 0; s < ns; s++)
            band_start[s + 1] += band_start[s];
        uint32_t *gi = safer__xmalloc(sizeof(uint32_t) * (npairs ? npairs : 1));
        uint32_t *gj = safer__xmalloc(sizeof(uint32_t) * (npairs ? npairs : 1));
        size_t pos[SAFER_LIMIT_KNOX_BREAKS];
        memcpy(pos, band_start, sizeof(size_t) * ns);
        for (size_t k = 0; k < npairs; k++) {
            size_t d = pos[pband[k]]++;
            gi[d] = pi[k];
            gj[d] = pj[k];
        }
        free(pi);
        free(pj);
        pi = gi;
        pj = gj;
    }

    int64_t tmin = n ? tp[0] : 0, tmax = tmin;
    for (size_t i = 0; i < n; i++) {
        tmin = tp[i] < tmin ? tp[i] : tmin;
        tmax = tp[i] > tmax ? tp[i] : tmax;
    }
    int64_t dtab_n = tmax - tmin + 1 < DT_TABLE_MAX ? tmax - tmin + 1 : DT_TABLE_MAX;
    dtab = safer__xmalloc(dtab_n ? (size_t)dtab_n : 1);
    /* The bands' whole-number ranges [tlo, thi) are disjoint. */
    memset(dtab, (int)nt, dtab_n ? (size_t)dtab_n : 1);
    for (size_t k = 0; k < nt; k++)
        for (int64_t d = tlo[k]; d < thi[k] && d < dtab_n; d++)
            dtab[d] = (uint8_t)k;

    struct job jb = {
        .n = n, .npairs = npairs, .ns = ns, .nt = nt, .ncells = ncells, .t = tp,
        .pi = pi, .pj = pj, .band_start = band_start, .tlo = tlo, .thi = thi,
        .dtab = dtab, .dtab_n = dtab_n,
        .full_table = dtab_n == tmax - tmin + 1, .perms = o->perms, .seed = o->seed,
    };
    out->cells = safer__xcalloc(ncells, sizeof(*out->cells));
    out->nspace_bands = ns;
    out->ntime_bands = nt;
    out->n = n;
    out->close_pairs = npairs;
    out->perms = o->perms;
    out->seed = o->seed;

    /* Observed. */
    uint32_t *cnt = safer__xmalloc(sizeof(uint32_t) * ns * (nt + 1));
    count_pairs(&jb, tp, cnt);
    for (size_t s = 0; s < ns; s++) {
        for (size_t b = 0; b < nt; b++) {
            struct safer_knox_cell *c = &out->cells[s * nt + b];
            c->space_band = s + 1;
            c->time_band = b + 1;
            c->s_lo = o->space[s];
            c->s_hi = o->space[s + 1];
            c->t_lo = o->time[b];
            c->t_hi = o->time[b + 1];
            c->observed = cnt[s * (nt + 1) + b];
        }
    }
    free(cnt);

    /* Simulated. */
    if (o->perms > 0) {
        size_t nsim;
        if (!safer__size_mul((size_t)o->perms, ncells, &nsim)) {
            rc = safer_err_set(err, SAFER_ETOOBIG, "too many permutations for the table");
            goto out;
        }
        sims = safer__xmalloc(sizeof(uint32_t) * nsim);
        jb.sims = sims;
        struct safer__tasks g;
        safer__tasks_init(&g, o->threads);
        safer__parallel_for(&g, (o->perms + PERM_CHUNK - 1) / PERM_CHUNK, perm_chunk, &jb);
    }
    uint32_t *col = safer__xmalloc(sizeof(uint32_t) * (o->perms ? o->perms : 1));
    for (size_t c = 0; c < ncells; c++) {
        struct safer_knox_cell *cell = &out->cells[c];
        if (o->perms == 0) {
            cell->mean_sim = cell->sd_sim = cell->median_sim = NAN;
            cell->knox_ratio = cell->p_value = NAN;
            continue;
        }
        long double sum = 0;
        size_t ge = 0;
        for (size_t p = 0; p < o->perms; p++) {
            col[p] = sims[p * ncells + c];
            sum += col[p];
            ge += (int64_t)col[p] >= cell->observed;
        }
        long double mean = sum / o->perms, ss = 0;
        for (size_t p = 0; p < o->perms; p++)
            ss += (col[p] - mean) * (col[p] - mean);
        cell->mean_sim = (double)mean;
        cell->sd_sim = o->perms > 1 ? (double)sqrtl(ss / (o->perms - 1)) : NAN;
        qsort(col, o->perms, sizeof(*col), cmp_u32);
        size_t h = o->perms / 2;
        cell->median_sim = o->perms % 2 ? (double)col[h] : ((double)col[h - 1] + col[h]) / 2;
        cell->knox_ratio = mean > 0 ? (double)(cell->observed / mean) : NAN;
        cell->p_value = (double)(ge + 1) / ((double)o->perms + 1);
    }
    free(col);

    /* Exact moments. */
    memcpy(ts, tp, sizeof(int64_t) * n);
    qsort(ts, n, sizeof(*ts), cmp_i64);
    exact_moments(n, ts, tlo, thi, nt, pi, pj, band_start, ns, out->cells);
    rc = 0;
out:
    free(ev);
    free(tp);
    free(ts);
    free(pi);
    free(pj);
    free(pband);
    free(dtab);
    free(sims);
    return rc;
}

/* ---- input and output ---- */

static long read_file(void *ctx, char *dst, size_t cap, struct safer_err *err)
{
    FILE *f = ctx;
    size_t got = fread(dst, 1, cap, f);
    if (got == 0 && ferror(f))
        return safer_err_set(err, SAFER_EIO, "read error");
    return (long)got;
}

static int field_double(const struct safer_csv_field *f, double *v)
{
    char tmp[64];
    if (f->len == 0 || f->len >= sizeof(tmp))
        return -1;
    memcpy(tmp, f->ptr, f->len);
    tmp[f->len] = 0;
    char *end;
    *v = strtod(tmp, &end);
    return *end || !isfinite(*v) ? -1 : 0;
}

static int field_i64(const struct safer_csv_field *f, int64_t *v)
{
    char tmp[32];
    if (f->len == 0 || f->len >= sizeof(tmp))
        return -1;
    memcpy(tmp, f->ptr, f->len);
    tmp[f->len] = 0;
    const char *p = tmp;
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (!*p)
        return -1;
    int64_t acc = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        if (acc > (MAX_T - (*p - '0')) / 10)
            return -1;
        acc = acc * 10 + (*p - '0');
    }
    *v = neg ? -acc : acc;
    return 0;
}

int safer_knox_read_events(FILE *in, const char *path, double **px, double **py, int64_t **pt,
                           size_t *pn, struct safer_err *err)
{
    static const char *const names[4] = {"id", "x", "y", "t"};
    struct safer_csv c;
    safer_csv_init_stream(&c, read_file, in, path);
    double *x = NULL, *y = NULL;
    int64_t *t = NULL;
    size_t n = 0, cap = 0;
    int rc = safer_csv_next(&c, err);
    if (rc == 0) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s:1: no header: expected 'id,x,y,t'", path);
        goto out;
    }
    if (rc < 0)
        goto out;
    if (c.nfields != 4) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: header has %zu fields: expected 'id,x,y,t'",
                           path, c.row_line, c.nfields);
        goto out;
    }
    for (size_t k = 0; k < 4; k++) {
        if (!safer_csv_eq(&c.fields[k], names[k])) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: header field %zu is not '%s'", path,
                               c.row_line, k + 1, names[k]);
            goto out;
        }
    }
    for (;;) {
        rc = safer_csv_next(&c, err);
        if (rc < 0)
            goto out;
        if (rc == 0)
            break;
        if (c.nfields != 4) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: %zu fields: expected 4 (id,x,y,t)",
                               path, c.row_line, c.nfields);
            goto out;
        }
        if (n >= SAFER_LIMIT_KNOX_EVENTS) {
            rc = safer_err_set(err, SAFER_ETOOBIG,
                               "%s:%zu: more than %d events (SAFER_LIMIT_KNOX_EVENTS)", path,
                               c.row_line, SAFER_LIMIT_KNOX_EVENTS);
            goto out;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            x = safer__xreallocarray(x, cap, sizeof(*x));
            y = safer__xreallocarray(y, cap, sizeof(*y));
            t = safer__xreallocarray(t, cap, sizeof(*t));
        }
        for (int k = 1; k <= 2; k++) {
            double v;
            if (field_double(&c.fields[k], &v) < 0 || fabs(v) > MAX_COORD) {
                rc = safer_err_set(err, SAFER_EPARSE,
                                   "%s:%zu: field '%s': '%.*s' is not a number of metres "
                                   "(at most 1e9 in size)",
                                   path, c.row_line, names[k],
                                   (int)(c.fields[k].len > 40 ? 40 : c.fields[k].len),
                                   c.fields[k].ptr);
                goto out;
            }
            (k == 1 ? x : y)[n] = v;
        }
        if (field_i64(&c.fields[3], &t[n]) < 0) {
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s:%zu: field 't': '%.*s' is not a whole number within 2^40",
                               path, c.row_line, (int)(c.fields[3].len > 40 ? 40 : c.fields[3].len),
                               c.fields[3].ptr);
            goto out;
        }
        n++;
    }
    rc = 0;
out:
    safer_csv_release(&c);
    if (rc < 0) {
        free(x);
        free(y);
        free(t);
        x = y = NULL;
        t = NULL;
        n = 0;
    }
    *px = x;
    *py = y;
    *pt = t;
    *pn = n;
    return rc;
}

static void put_real(struct safer_buf *b, double v)
{
    if (isnan(v))
        safer_buf_puts(b, ",NA");
    else
        safer_buf_putf(b, ",%.17g", v);
}

void safer_knox_csv(const struct safer_knox *k, struct safer_buf *b)
{
    safer_buf_puts(b, "space_band,time_band,s_lo,s_hi,t_lo,t_hi,observed,mean_sim,sd_sim,"
                      "median_sim,knox_ratio,p_value,exact_mean,exact_sd\n");
    size_t nc = k->nspace_bands * k->ntime_bands;
    for (size_t i = 0; i < nc; i++) {
        const struct safer_knox_cell *c = &k->cells[i];
        safer_buf_putf(b, "%zu,%zu", c->space_band, c->time_band);
        put_real(b, c->s_lo);
        put_real(b, c->s_hi);
        put_real(b, c->t_lo);
        put_real(b, c->t_hi);
        if (c->observed < 0)
            safer_buf_puts(b, ",NA");
        else
            safer_buf_putf(b, ",%lld", (long long)c->observed);
        put_real(b, c->mean_sim);
        put_real(b, c->sd_sim);
        put_real(b, c->median_sim);
        put_real(b, c->knox_ratio);
        put_real(b, c->p_value);
        put_real(b, c->exact_mean);
        put_real(b, c->exact_sd);
        safer_buf_puts(b, "\n");
    }
}

size_t safer_knox_hide(struct safer_knox *k, int64_t min)
{
    size_t hidden = 0, nc = k->nspace_bands * k->ntime_bands;
    for (size_t i = 0; k->cells && i < nc; i++) {
        struct safer_knox_cell *c = &k->cells[i];
        if (c->observed >= 1 && c->observed < min) {
            c->observed = -1;
            c->mean_sim = c->sd_sim = c->median_sim = NAN;
            c->knox_ratio = c->p_value = NAN;
            hidden++;
        }
    }
    return hidden;
}

int safer_knox_write_csv(const struct safer_knox *k, FILE *f, const char *path,
                         struct safer_err *err)
{
    struct safer_buf b;
    safer_buf_init(&b, SAFER_LIMIT_REPORT);
    safer_knox_csv(k, &b);
    int rc = safer_buf_error(&b);
    if (rc < 0) {
        safer_buf_release(&b);
        return safer_err_set(err, rc, "%s: the table is too large", path);
    }
    size_t len = b.len, put = fwrite(b.ptr, 1, len, f);
    safer_buf_release(&b);
    if (put != len || fflush(f) != 0 || ferror(f))
        return safer_err_set(err, SAFER_EIO, "%s: write error", path);
    return 0;
}

int safer_knox_parse_breaks(const char *s, double *v, size_t max, size_t *n,
                            struct safer_err *err)
{
    size_t k = 0;
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        struct safer_csv_field f = {p, len};
        double d;
        if (k >= max)
            return safer_err_set(err, SAFER_ETOOBIG, "'%s': more than %zu breaks", s, max);
        if (field_double(&f, &d) < 0 || d < 0)
            return safer_err_set(err, SAFER_EINVAL, "'%s': break '%.*s' is not a number >= 0",
                                 s, (int)(len > 40 ? 40 : len), p);
        if (k && !(d > v[k - 1]))
            return safer_err_set(err, SAFER_EINVAL,
                                 "'%s': break '%.*s' is not above the one before it", s,
                                 (int)(len > 40 ? 40 : len), p);
        v[k++] = d;
        if (!e)
            break;
        p = e + 1;
    }
    if (k < 2)
        return safer_err_set(err, SAFER_EINVAL, "'%s': at least two breaks are needed", s);
    *n = k;
    return 0;
}
