/*
 * test_knox.c - the near-repeat (Knox) test against references built here.
 *
 * - A brute-force Knox test: every pair in integer arithmetic (squared
 *   distances against squared breaks on whole-number coordinates), and a
 *   direct loop over the permutations, drawn by a second implementation of
 *   the documented generator (nearrepeat.h, docs/statistics.md): the
 *   observed counts, simulated means, medians and p-values must be equal,
 *   the standard deviations within 1e-12 relative.
 * - Exact enumeration of all n! permutations of the times for n = 7 and 8
 *   (with tied times), against exact_mean and exact_sd within 1e-10.
 * - R's surveillance::knox (tests/data/knox/make_fixtures.R; versions in
 *   VERSIONS.txt there): its close pairs and their expected number lambda
 *   are the observed count and exact_mean of one cell, on 400 events at
 *   25 thresholds; lambda within 1e-12 relative.
 * - Pairs exactly at a break, and squared distances within an ulp of a
 *   squared break, decided against __float128 arithmetic (exact there).
 * - The same results for 1, 2 and 4 threads; the error paths.
 */
#include "util/compat.h"

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/limits.h"
#include "safer/nearrepeat.h"

/* ---- the reference generator, written again from the documentation ---- */

static uint64_t ref_splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

struct ref_rng {
    uint64_t s[4];
};

static void ref_seed(struct ref_rng *r, uint64_t seed, uint64_t k)
{
    uint64_t a = k * 0xD1B54A32D192ED03ULL + 1;
    uint64_t sm = seed ^ ref_splitmix(&a);
    for (int i = 0; i < 4; i++)
        r->s[i] = ref_splitmix(&sm);
}

static uint64_t ref_next(struct ref_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t res = ((x << 7) | (x >> 57)) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return res;
}

static uint32_t ref_below(struct ref_rng *r, uint32_t bound)
{
    for (;;) {
        uint64_t m = (ref_next(r) >> 32) * (uint64_t)bound;
        if ((uint32_t)m >= (uint32_t)(-bound) % bound)
            return (uint32_t)(m >> 32);
    }
}

/* ---- brute force ---- */

struct rev {
    int64_t x, y, t;
    size_t idx;
};

static int cmp_rev(const void *pa, const void *pb)
{
    const struct rev *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->idx < b->idx ? -1 : 1;
}

/* Cell of a pair in integer arithmetic; -1 for none. Breaks are whole. */
static int ref_cell(int64_t dx, int64_t dy, int64_t dt, const int64_t *sb, size_t nsb,
                    const int64_t *tb, size_t ntb)
{
    int64_t d2 = dx * dx + dy * dy;
    if (dt < 0)
        dt = -dt;
    int s = -1, b = -1;
    for (size_t k = 0; k + 1 < nsb; k++)
        if (d2 >= sb[k] * sb[k] && d2 < sb[k + 1] * sb[k + 1])
            s = (int)k;
    for (size_t k = 0; k + 1 < ntb; k++)
        if (dt >= tb[k] && dt < tb[k + 1])
            b = (int)k;
    return s < 0 || b < 0 ? -1 : s * (int)(ntb - 1) + b;
}

static void ref_table(const struct rev *e, const int64_t *tt, size_t n, const int64_t *sb,
                      size_t nsb, const int64_t *tb, size_t ntb, int64_t *cnt)
{
    memset(cnt, 0, sizeof(int64_t) * (nsb - 1) * (ntb - 1));
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            int c = ref_cell(e[i].x - e[j].x, e[i].y - e[j].y, tt[i] - tt[j], sb, nsb, tb, ntb);
            if (c >= 0)
                cnt[c]++;
        }
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static void run_brute(size_t n, unsigned perms, uint64_t seed, unsigned threads)
{
    static const int64_t sb[] = {0, 1, 100, 200, 400};
    static const int64_t tb[] = {0, 1, 3, 7};
    const double sbd[] = {0, 1, 100, 200, 400}, tbd[] = {0, 1, 3, 7};
    size_t ns = 4, nt = 3, nc = ns * nt;
    double *x = malloc(n * sizeof(double)), *y = malloc(n * sizeof(double));
    int64_t *t = malloc(n * sizeof(int64_t));
    struct rev *e = malloc(n * sizeof(*e));
    srand(7);
    for (size_t i = 0; i < n; i++) {
        /* whole metres on a small square, so that ties in place, distances
         * exactly at a break and tied times all occur */
        e[i] = (struct rev){rand() % 500, rand() % 500, rand() % 10, i};
        if (i % 7 == 3 && i) /* a repeat at the same place */
            e[i].x = e[i - 1].x, e[i].y = e[i - 1].y;
        if (i % 11 == 5 && i) /* exactly 200 m (120, 160) from the one before */
            e[i].x = e[i - 1].x + 120, e[i].y = e[i - 1].y + 160;
        x[i] = (double)e[i].x;
        y[i] = (double)e[i].y;
        t[i] = e[i].t;
    }
    struct safer_knox_opts o = {sbd, 5, tbd, 4, perms, seed, threads};
    struct safer_knox k;
    struct safer_err err = {0};
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_compute(x, y, t, n, &o, &k, &err), 0);
    assert_int_equal(k.nspace_bands, ns);
    assert_int_equal(k.ntime_bands, nt);

    qsort(e, n, sizeof(*e), cmp_rev);
    int64_t *tt = malloc(n * sizeof(int64_t)), *obs = malloc(nc * sizeof(int64_t));
    int64_t *sims = malloc((size_t)perms * nc * sizeof(int64_t));
    for (size_t i = 0; i < n; i++)
        tt[i] = e[i].t;
    ref_table(e, tt, n, sb, 5, tb, 4, obs);
    for (unsigned p = 0; p < perms; p++) {
        struct ref_rng r;
        ref_seed(&r, seed, p);
        for (size_t i = 0; i < n; i++)
            tt[i] = e[i].t;
        for (size_t i = n; i > 1; i--) {
            uint32_t j = ref_below(&r, (uint32_t)i);
            int64_t v = tt[i - 1];
            tt[i - 1] = tt[j];
            tt[j] = v;
        }
        ref_table(e, tt, n, sb, 5, tb, 4, sims + (size_t)p * nc);
    }
    int64_t *col = malloc(perms * sizeof(int64_t));
    for (size_t c = 0; c < nc; c++) {
        const struct safer_knox_cell *kc = &k.cells[c];
        assert_int_equal(kc->space_band, c / nt + 1);
        assert_int_equal(kc->time_band, c % nt + 1);
        assert_int_equal(kc->observed, obs[c]);
        double sum = 0, ss = 0;
        size_t ge = 0;
        for (unsigned p = 0; p < perms; p++) {
            col[p] = sims[(size_t)p * nc + c];
            sum += (double)col[p];
            ge += col[p] >= obs[c];
        }
        double mean = sum / perms;
        for (unsigned p = 0; p < perms; p++)
            ss += (col[p] - mean) * (col[p] - mean);
        double sd = sqrt(ss / (perms - 1));
        qsort(col, perms, sizeof(*col), cmp_i64);
        double med = perms % 2 ? (double)col[perms / 2]
                               : (col[perms / 2 - 1] + col[perms / 2]) / 2.0;
        assert_true(fabs(kc->mean_sim - mean) <= 1e-12 * fabs(mean));
        assert_true(fabs(kc->sd_sim - sd) <= 1e-12 * sd + 1e-300);
        assert_true(kc->median_sim == med);
        assert_true(kc->p_value == (double)(ge + 1) / (perms + 1));
        if (mean > 0)
            assert_true(fabs(kc->knox_ratio - obs[c] / mean) <= 1e-12 * kc->knox_ratio);
        else
            assert_true(isnan(kc->knox_ratio));
    }
    safer_knox_release(&k);
    free(col);
    free(sims);
    free(obs);
    free(tt);
    free(e);
    free(x);
    free(y);
    free(t);
}

static void test_knox_matches_brute_force(void **state)
{
    (void)state;
    run_brute(80, 99, 42, 1);
    run_brute(61, 200, 7, 2); /* an even number of permutations: median of two */
}

/* Times spread wider than the difference table (2^20 entries): the
 * differences beyond it are binned by a scan of the bands. */
static void test_knox_wide_times(void **state)
{
    (void)state;
    static const int64_t sb[] = {0, 100, 500};
    static const int64_t tb[] = {0, 1, 2, 1000001, 2500000};
    const double sbd[] = {0, 100, 500}, tbd[] = {0, 1, 2, 1000001, 2500000};
    size_t n = 60;
    struct rev e[60];
    double x[60], y[60];
    int64_t t[60];
    srand(5);
    for (size_t i = 0; i < n; i++) {
        e[i] = (struct rev){rand() % 300, rand() % 300, (rand() % 4) * 1000000 + rand() % 3, i};
        x[i] = (double)e[i].x;
        y[i] = (double)e[i].y;
        t[i] = e[i].t;
    }
    struct safer_knox_opts o = {sbd, 3, tbd, 5, 499, 9, 2};
    struct safer_knox k;
    assert_int_equal(safer_knox_compute(x, y, t, n, &o, &k, NULL), 0);
    int64_t tt[60], obs[8];
    for (size_t i = 0; i < n; i++)
        tt[i] = e[i].t;
    ref_table(e, tt, n, sb, 3, tb, 5, obs);
    for (size_t c = 0; c < 8; c++) {
        assert_int_equal(k.cells[c].observed, obs[c]);
        assert_true(fabs(k.cells[c].mean_sim - k.cells[c].exact_mean) <=
                    5 * k.cells[c].exact_sd / sqrt(499) + 1e-9);
    }
    safer_knox_release(&k);
}

/* ---- exact moments by enumeration ---- */

static void enumerate(size_t n, const double *x, const double *y, const int64_t *t)
{
    static const double sbd[] = {0, 1.5, 3, 6}, tbd[] = {0, 1, 2, 5};
    size_t nc = 9;
    struct safer_knox_opts o = {sbd, 4, tbd, 4, 0, 1, 1};
    struct safer_knox k;
    struct safer_err err = {0};
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_compute(x, y, t, n, &o, &k, &err), 0);
    /* every permutation of the times by Heap's algorithm */
    int64_t tt[8];
    size_t c[8] = {0};
    memcpy(tt, t, n * sizeof(int64_t));
    long double s1[9] = {0}, s2[9] = {0};
    double count = 0;
    for (;;) {
        int64_t cnt[9] = {0};
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                double d = hypot(x[i] - x[j], y[i] - y[j]);
                int64_t dt = llabs(tt[i] - tt[j]);
                int s = -1, b = -1;
                for (int q = 0; q < 3; q++) {
                    if (d >= sbd[q] && d < sbd[q + 1])
                        s = q;
                    if (dt >= tbd[q] && dt < tbd[q + 1])
                        b = q;
                }
                if (s >= 0 && b >= 0)
                    cnt[s * 3 + b]++;
            }
        for (size_t q = 0; q < nc; q++) {
            s1[q] += cnt[q];
            s2[q] += (long double)cnt[q] * cnt[q];
        }
        count++;
        /* next permutation */
        size_t i = 1;
        while (i < n && c[i] >= i) {
            c[i] = 0;
            i++;
        }
        if (i >= n)
            break;
        size_t j = i % 2 ? c[i] : 0;
        int64_t v = tt[j];
        tt[j] = tt[i];
        tt[i] = v;
        c[i]++;
    }
    double fact = 1;
    for (size_t i = 2; i <= n; i++)
        fact *= (double)i;
    assert_true(count == fact);
    for (size_t q = 0; q < nc; q++) {
        long double mean = s1[q] / count, var = s2[q] / count - mean * mean;
        double sd = var > 0 ? (double)sqrtl(var) : 0;
        assert_true(fabs(k.cells[q].exact_mean - (double)mean) < 1e-10);
        assert_true(fabs(k.cells[q].exact_sd - sd) < 1e-10);
        assert_true(isnan(k.cells[q].mean_sim) && isnan(k.cells[q].p_value));
    }
    safer_knox_release(&k);
}

static void test_knox_exact_moments_by_enumeration(void **state)
{
    (void)state;
    /* places on a small lattice (distances 0 to ~6), tied times */
    const double x8[] = {0, 1, 2, 0, 3, 1, 4, 0}, y8[] = {0, 0, 1, 2, 2, 3, 0, 0};
    const int64_t t8[] = {0, 1, 1, 3, 4, 4, 9, 2};
    enumerate(8, x8, y8, t8);
    const double x7[] = {0, 1, 1, 2, 5, 5, 0.5}, y7[] = {0, 1, 0, 2, 5, 0, 0.5};
    const int64_t t7[] = {5, 5, 5, 6, 7, 0, 2};
    enumerate(7, x7, y7, t7);
    const int64_t same[] = {3, 3, 3, 3, 3, 3, 3};
    enumerate(7, x7, y7, same); /* one time: every sd is 0 */
    enumerate(3, x7, y7, t7);
    enumerate(2, x7, y7, t7);
}

/* ---- against R's surveillance::knox (tests/data/knox/make_fixtures.R) ---- */

/* The close pairs (d <= eps_s, dt <= eps_t) and their expected number
 * lambda must be the observed count and exact_mean of the cell
 * [0, eps_s + 0.001) x [0, eps_t + 1): the places are whole metres, so no
 * distance lies in (eps_s, eps_s + 0.001), and the times whole days.
 * lambda within 1e-12 relative. */
static void test_knox_matches_surveillance(void **state)
{
    (void)state;
    FILE *f = fopen(SAFER_TEST_DATA "/knox/surveillance_events.csv", "rb");
    assert_non_null(f);
    double *x, *y;
    int64_t *t;
    size_t n;
    struct safer_err err = {0};
    assert_int_equal(safer_knox_read_events(f, "surveillance_events.csv", &x, &y, &t, &n, &err),
                     0);
    fclose(f);
    assert_int_equal(n, 400);
    f = fopen(SAFER_TEST_DATA "/knox/surveillance_knox.csv", "rb");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof(line), f));
    int rows = 0;
    double worst = 0;
    while (fgets(line, sizeof(line), f)) {
        double eps_t, eps_s, lambda;
        long long close;
        assert_int_equal(sscanf(line, "%lf,%lf,%lld,%lf", &eps_t, &eps_s, &close, &lambda), 4);
        const double sb[] = {0, eps_s + 0.001}, tb[] = {0, eps_t + 1};
        struct safer_knox_opts o = {sb, 2, tb, 2, 0, 1, 1};
        struct safer_knox k;
        assert_int_equal(safer_knox_compute(x, y, t, n, &o, &k, &err), 0);
        assert_int_equal(k.cells[0].observed, close);
        double rel = fabs(k.cells[0].exact_mean - lambda) / lambda;
        worst = rel > worst ? rel : worst;
        assert_true(rel <= 1e-12);
        safer_knox_release(&k);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 25);
    printf("surveillance::knox: 25 thresholds, largest relative difference of lambda %.3g\n",
           worst);
    free(x);
    free(y);
    free(t);
}

/* ---- breaks ---- */

static void test_knox_pairs_exactly_at_breaks(void **state)
{
    (void)state;
    /* Pairs with the first event: 200 m (120, 160) and 600 m, on
     * half-metre offsets of a real grid position; then one just under
     * 200 m, and one exactly at the last break (in no cell). */
    double x0 = 575000.5, y0 = 155000.25;
    double x[] = {x0, x0 + 120, x0 - 600, x0 + 199.999999, x0 + 1000};
    double y[] = {y0, y0 + 160, y0, y0, y0};
    int64_t t[] = {10, 11, 10, 12, 10};
    const double sb[] = {0, 200, 400, 600, 1000}, tb[] = {0, 1, 2, 3};
    struct safer_knox_opts o = {sb, 5, tb, 4, 0, 1, 1};
    struct safer_knox k;
    struct safer_err err = {0};
    /* use only the pairs with the first event: the others are far apart
     * or listed below */
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_compute(x, y, t, 5, &o, &k, &err), 0);
    /* pairs: (0,1) 200 m dt 1 -> (2,2); (0,2) 600 m dt 0 -> (4,1);
     * (0,3) <200 m dt 2 -> (1,3); (0,4) 1000 m: none;
     * (1,3): dx 80-ulp, dy -160: ~178.9 m dt 1 -> (1,2);
     * (1,2): 720 m dt 1 -> (4,2); (2,3) ~800 m dt 2 -> (4,3);
     * (1,4): dx 880 dy -160 ~894 m dt 1 -> (4,2); (2,4) 1600; (3,4) ~800 m dt 2 -> (4,3) */
    int64_t want[4][3] = {{0, 1, 1}, {0, 1, 0}, {0, 0, 0}, {1, 2, 2}};
    for (size_t s = 0; s < 4; s++)
        for (size_t b = 0; b < 3; b++)
            assert_int_equal(k.cells[s * 3 + b].observed, want[s][b]);
    assert_int_equal(k.close_pairs, 8);
    safer_knox_release(&k);
}

/* A binary floating type with at least 113 bits of precision, in which
 * the square of a double (106 bits) is exact: GCC's __float128 on x86, or
 * long double where it is IEEE quadruple (aarch64). */
#if defined(__SIZEOF_FLOAT128__)
typedef __float128 quad;
#define HAVE_QUAD 1
#elif LDBL_MANT_DIG >= 113
typedef long double quad;
#define HAVE_QUAD 1
#endif

/* Squared distances within an ulp or so of a squared break, decided in
 * that type. */
static void test_knox_near_break_matches_exact_arithmetic(void **state)
{
    (void)state;
#ifndef HAVE_QUAD
    skip();
#else
    const double sb[] = {0, 200, 400}, tb[] = {0, 1};
    struct safer_knox_opts o = {sb, 3, tb, 2, 0, 1, 1};
    srand(11);
    size_t above = 0, below = 0;
    for (int k = 0; k < 4000; k++) {
        double th = (double)rand() / RAND_MAX * 6.283185307179586;
        double r = 200 + ((rand() % 5) - 2) * 1e-13;
        double dx = r * cos(th), dy = r * sin(th);
        double x[2] = {0, dx}, y[2] = {0, dy};
        int64_t t[2] = {0, 0};
        quad d2 = (quad)dx * dx + (quad)dy * dy;
        int want_above = d2 >= (quad)200 * 200;
        struct safer_knox kk;
        struct safer_err err = {0};
        err = (struct safer_err){0};
        assert_int_equal(safer_knox_compute(x, y, t, 2, &o, &kk, &err), 0);
        assert_int_equal(kk.cells[want_above ? 1 : 0].observed, 1);
        above += want_above;
        below += !want_above;
        safer_knox_release(&kk);
    }
    assert_true(above > 100 && below > 100);
#endif
}

static void test_knox_same_for_any_thread_count(void **state)
{
    (void)state;
    size_t n = 3000;
    double *x = malloc(n * sizeof(double)), *y = malloc(n * sizeof(double));
    int64_t *t = malloc(n * sizeof(int64_t));
    srand(3);
    for (size_t i = 0; i < n; i++) {
        x[i] = 570000 + (double)rand() / RAND_MAX * 8000;
        y[i] = 150000 + (double)rand() / RAND_MAX * 8000;
        t[i] = rand() % 12;
    }
    const double sb[] = {0, 1, 200, 400, 600, 800, 1000}, tb[] = {0, 1, 2, 3, 4};
    struct safer_knox k[3];
    unsigned th[3] = {1, 2, 4};
    for (int r = 0; r < 3; r++) {
        struct safer_knox_opts o = {sb, 7, tb, 5, 199, 20261202, th[r]};
        assert_int_equal(safer_knox_compute(x, y, t, n, &o, &k[r], NULL), 0);
    }
    for (int r = 1; r < 3; r++)
        assert_memory_equal(k[0].cells, k[r].cells, 24 * sizeof(struct safer_knox_cell));
    /* another seed gives other draws */
    struct safer_knox o2k;
    struct safer_knox_opts o2 = {sb, 7, tb, 5, 199, 1, 2};
    assert_int_equal(safer_knox_compute(x, y, t, n, &o2, &o2k, NULL), 0);
    int differ = 0;
    for (size_t c = 0; c < 24; c++)
        differ |= o2k.cells[c].mean_sim != k[0].cells[c].mean_sim;
    assert_true(differ);
    /* the simulated means agree with the exact ones (within 5 standard errors) */
    for (size_t c = 0; c < 24; c++) {
        const struct safer_knox_cell *kc = &k[0].cells[c];
        assert_true(fabs(kc->mean_sim - kc->exact_mean) <= 5 * kc->exact_sd / sqrt(199) + 1e-9);
    }
    for (int r = 0; r < 3; r++)
        safer_knox_release(&k[r]);
    safer_knox_release(&o2k);
    free(x);
    free(y);
    free(t);
}

/* ---- errors ---- */

static void test_knox_rejects_bad_input(void **state)
{
    (void)state;
    double x[2] = {0, 1}, y[2] = {0, 1};
    int64_t t[2] = {0, 1};
    const double ok[] = {0, 100}, one[] = {0}, down[] = {0, 200, 100}, neg[] = {-1, 100};
    const double nan_b[] = {0, NAN};
    struct safer_knox k;
    struct safer_err err = {0};
    struct {
        const double *s;
        size_t ns;
        const double *t;
        size_t nt;
        unsigned perms;
        int rc;
        const char *msg;
    } cases[] = {
        {one, 1, ok, 2, 9, SAFER_EINVAL, "space breaks: at least two"},
        {ok, 2, one, 1, 9, SAFER_EINVAL, "time breaks: at least two"},
        {down, 3, ok, 2, 9, SAFER_EINVAL, "space break 3 '100' is not above"},
        {ok, 2, neg, 2, 9, SAFER_EINVAL, "time break 1 '-1'"},
        {nan_b, 2, ok, 2, 9, SAFER_EINVAL, "space break 2"},
        {ok, 2, ok, 2, SAFER_LIMIT_KNOX_PERMS + 1, SAFER_ETOOBIG, "SAFER_LIMIT_KNOX_PERMS"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct safer_knox_opts o = {cases[c].s, cases[c].ns, cases[c].t, cases[c].nt,
                                    cases[c].perms, 1, 1};
        err = (struct safer_err){0};
        assert_int_equal(safer_knox_compute(x, y, t, 2, &o, &k, &err), cases[c].rc);
        assert_non_null(strstr(err.msg, cases[c].msg));
        safer_knox_release(&k);
    }
    struct safer_knox_opts o = {ok, 2, ok, 2, 9, 1, 1};
    double bx[2] = {0, INFINITY};
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_compute(bx, y, t, 2, &o, &k, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "event 2"));
    int64_t bt[2] = {0, (1LL << 40) + 1};
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_compute(x, y, bt, 2, &o, &k, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "event 2: time"));
    /* no events: an empty table */
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_compute(x, y, t, 0, &o, &k, &err), 0);
    assert_int_equal(k.cells[0].observed, 0);
    safer_knox_release(&k);
    safer_knox_release(NULL);

    double v[8];
    size_t n;
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_parse_breaks("0,1,200", v, 8, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_true(v[2] == 200);
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_parse_breaks("0,x", v, 8, &n, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "break 'x'"));
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_parse_breaks("0,2,2", v, 8, &n, &err), SAFER_EINVAL);
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_parse_breaks("5", v, 8, &n, &err), SAFER_EINVAL);
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_parse_breaks("0,,1", v, 8, &n, &err), SAFER_EINVAL);
    err = (struct safer_err){0};
    assert_int_equal(safer_knox_parse_breaks("0,1,2", v, 2, &n, &err), SAFER_ETOOBIG);
}

static int read_str(const char *text, size_t *n, struct safer_err *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    double *x, *y;
    int64_t *t;
    int rc = safer_knox_read_events(f, "ev.csv", &x, &y, &t, n, err);
    fclose(f);
    free(x);
    free(y);
    free(t);
    return rc;
}

static void test_knox_read_events(void **state)
{
    (void)state;
    struct safer_err err = {0};
    size_t n;
    err = (struct safer_err){0};
    assert_int_equal(read_str("id,x,y,t\r\na,1.5,2,3\n\"b,c\",4,5,-6\n", &n, &err), 0);
    assert_int_equal(n, 2);
    err = (struct safer_err){0};
    assert_int_equal(read_str("", &n, &err), SAFER_EPARSE);
    assert_non_null(strstr(err.msg, "ev.csv:1: no header"));
    err = (struct safer_err){0};
    assert_int_equal(read_str("id,x,y,time\n", &n, &err), SAFER_EPARSE);
    assert_non_null(strstr(err.msg, "header field 4 is not 't'"));
    err = (struct safer_err){0};
    assert_int_equal(read_str("id,x,y,t\n1,2,3,4\n2,abc,3,4\n", &n, &err), SAFER_EPARSE);
    assert_non_null(strstr(err.msg, "ev.csv:3: field 'x'"));
    err = (struct safer_err){0};
    assert_int_equal(read_str("id,x,y,t\n1,2,3,4.5\n", &n, &err), SAFER_EPARSE);
    assert_non_null(strstr(err.msg, "ev.csv:2: field 't'"));
    err = (struct safer_err){0};
    assert_int_equal(read_str("id,x,y,t\n1,2,3\n", &n, &err), SAFER_EPARSE);
    assert_non_null(strstr(err.msg, "ev.csv:2: 3 fields"));
    err = (struct safer_err){0};
    assert_int_equal(read_str("id,x,y,t\n1,2,nan,4\n", &n, &err), SAFER_EPARSE);
    assert_non_null(strstr(err.msg, "field 'y'"));
    err = (struct safer_err){0};
    assert_int_equal(read_str("id,x,y,t\n1,2,3,99999999999999\n", &n, &err), SAFER_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_knox_matches_brute_force),
        cmocka_unit_test(test_knox_wide_times),
        cmocka_unit_test(test_knox_exact_moments_by_enumeration),
        cmocka_unit_test(test_knox_matches_surveillance),
        cmocka_unit_test(test_knox_pairs_exactly_at_breaks),
        cmocka_unit_test(test_knox_near_break_matches_exact_arithmetic),
        cmocka_unit_test(test_knox_same_for_any_thread_count),
        cmocka_unit_test(test_knox_rejects_bad_input),
        cmocka_unit_test(test_knox_read_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
