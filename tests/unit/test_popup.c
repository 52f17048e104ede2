/*
 * test_popup.c - the pop-up site solver (visits.h) against brute force: on
 * small random cases every subset of the candidates is listed as a bit
 * mask, those of p members scored directly (nearest venue by a plain
 * loop), and the best value compared with what safer_popup_solve() finds;
 * the chosen set must score that value. Also a case worked by hand, the
 * count of sets, and bad input.
 */
#include "util/compat.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "safer/visits.h"

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}
static double rnd01(void)
{
    return (double)rnd() / 2147483648.0;
}

/* The objective of the set `mask` of candidates, computed directly. */
static double brute_value(const struct safer_popup_problem *pr, unsigned mask)
{
    double s = 0;
    for (size_t i = 0; i < pr->m; i++) {
        double best = INFINITY;
        for (size_t e = 0; e < pr->ne; e++) {
            double d = sqrt((pr->ex[e] - pr->dx[i]) * (pr->ex[e] - pr->dx[i]) +
                            (pr->ey[e] - pr->dy[i]) * (pr->ey[e] - pr->dy[i]));
            best = fmin(best, d);
        }
        for (size_t j = 0; j < pr->nc; j++) {
            if (!(mask & (1u << j)))
                continue;
            double d = sqrt((pr->cx[j] - pr->dx[i]) * (pr->cx[j] - pr->dx[i]) +
                            (pr->cy[j] - pr->dy[i]) * (pr->cy[j] - pr->dy[i]));
            best = fmin(best, d);
        }
        if (pr->objective == SAFER_POPUP_COVER)
            s += best <= pr->distance ? pr->w[i] : 0;
        else if (pr->w[i] > 0)
            s += pr->w[i] * best;
    }
    return s;
}

static void random_case(int objective)
{
    enum { M = 25, NE = 2, NC = 12 };
    double dx[M], dy[M], w[M], ex[NE], ey[NE], cx[NC], cy[NC];
    for (int trial = 0; trial < 60; trial++) {
        size_t m = 1 + rnd() % M, ne = rnd() % (NE + 1), nc = 1 + rnd() % NC;
        for (size_t i = 0; i < m; i++) {
            dx[i] = 500000 + 20000 * rnd01();
            dy[i] = 150000 + 20000 * rnd01();
            /* Whole weights half the time, so that ties happen. */
            w[i] = trial % 2 ? (double)(rnd() % 5) : 1000 * rnd01();
        }
        for (size_t e = 0; e < ne; e++) {
            ex[e] = 500000 + 20000 * rnd01();
            ey[e] = 150000 + 20000 * rnd01();
        }
        for (size_t j = 0; j < nc; j++) {
            cx[j] = 500000 + 20000 * rnd01();
            cy[j] = 150000 + 20000 * rnd01();
        }
        int p = 1 + (int)(rnd() % 4);
        if ((size_t)p > nc)
            p = (int)nc;
        struct safer_popup_problem pr = {
            .m = m, .dx = dx, .dy = dy, .w = w, .ne = ne, .ex = ex, .ey = ey, .nc = nc,
            .cx = cx, .cy = cy, .p = p, .objective = objective,
            .distance = 2000 + 6000 * rnd01()};
        double best = objective == SAFER_POPUP_COVER ? -1 : INFINITY;
        uint64_t count = 0;
        for (unsigned mask = 0; mask < (1u << nc); mask++) {
            if (__builtin_popcount(mask) != p)
                continue;
            count++;
            double v = brute_value(&pr, mask);
            best = objective == SAFER_POPUP_COVER ? fmax(best, v) : fmin(best, v);
        }
        struct safer_popup_result r;
        struct safer_err err = {0};
        assert_int_equal(safer_popup_solve(&pr, &r, &err), 0);
        assert_int_equal(r.sets, count);
        assert_int_equal(r.sets, safer_popup_sets(nc, p));
        assert_true(fabs(r.objective - best) <= 1e-9 * fmax(1, fabs(best)));
        unsigned chosen = 0;
        for (int k = 0; k < p; k++) {
            assert_true(r.chosen[k] < nc);
            if (k)
                assert_true(r.chosen[k] > r.chosen[k - 1]);
            chosen |= 1u << r.chosen[k];
        }
        assert_true(fabs(brute_value(&pr, chosen) - best) <= 1e-9 * fmax(1, fabs(best)));
        assert_true(fabs(r.existing - (ne ? brute_value(&pr, 0)
                                          : objective == SAFER_POPUP_COVER ? 0 : INFINITY)) <=
                        1e-9 * fmax(1, fabs(best)) ||
                    (isinf(r.existing) && ne == 0));
    }
}

static void test_popup_cover_matches_brute_force(void **state)
{
    (void)state;
    rng_state = 11;
    random_case(SAFER_POPUP_COVER);
}

static void test_popup_median_matches_brute_force(void **state)
{
    (void)state;
    rng_state = 12;
    random_case(SAFER_POPUP_MEDIAN);
}

/*
 * By hand: the existing venue at (0, 0); demand 100 at (0, 0), 50 at
 * (10000, 0), 30 at (0, 10000) and 20 at (10000, 10000). Candidates A
 * (10000, 0), B (0, 10000), C (10000, 10000), D (5000, 5000).
 * Cover within 3 km, p = 1: the existing venue covers 100; A adds 50, B
 * 30, C 20, D nothing (7071 m from every point): A, 150. p = 2: A and B,
 * 180. p-median, p = 1: with the existing venue alone the distances are
 * 0, 10000, 10000 and 14142.1356; A leaves 30 * 10000 + 20 * 10000 =
 * 500000 (C is 10000 from A's and B's points), B leaves 50 * 10000 + 20 *
 * 10000 = 700000, C leaves 50 * 10000 + 30 * 10000 = 800000, D leaves
 * (50 + 30 + 20) * 7071.0678 = 707106.78: A.
 */
static void test_popup_hand_case(void **state)
{
    (void)state;
    double dx[] = {0, 10000, 0, 10000}, dy[] = {0, 0, 10000, 10000}, w[] = {100, 50, 30, 20};
    double ex[] = {0}, ey[] = {0};
    double cx[] = {10000, 0, 10000, 5000}, cy[] = {0, 10000, 10000, 5000};
    struct safer_popup_problem pr = {.m = 4, .dx = dx, .dy = dy, .w = w, .ne = 1, .ex = ex,
                                     .ey = ey, .nc = 4, .cx = cx, .cy = cy, .p = 1,
                                     .objective = SAFER_POPUP_COVER, .distance = 3000};
    struct safer_popup_result r;
    assert_int_equal(safer_popup_solve(&pr, &r, NULL), 0);
    assert_int_equal(r.chosen[0], 0);
    assert_true(r.objective == 150);
    assert_true(r.existing == 100);
    assert_true(r.total == 200);
    assert_int_equal(r.sets, 4);
    pr.p = 2;
    assert_int_equal(safer_popup_solve(&pr, &r, NULL), 0);
    assert_int_equal(r.chosen[0], 0);
    assert_int_equal(r.chosen[1], 1);
    assert_true(r.objective == 180);
    assert_int_equal(r.sets, 6);
    pr.p = 1;
    pr.objective = SAFER_POPUP_MEDIAN;
    assert_int_equal(safer_popup_solve(&pr, &r, NULL), 0);
    assert_int_equal(r.chosen[0], 0);
    assert_true(fabs(r.objective - 500000) < 1e-6);
    assert_true(fabs(r.existing - (50 * 10000 + 30 * 10000 + 20 * sqrt(2e8))) < 1e-6);
}

static void test_popup_sets(void **state)
{
    (void)state;
    assert_int_equal(safer_popup_sets(30, 4), 27405);
    assert_int_equal(safer_popup_sets(20, 3), 1140);
    assert_int_equal(safer_popup_sets(5, 0), 1);
    assert_int_equal(safer_popup_sets(3, 4), 0);
    assert_int_equal(safer_popup_sets(200, 4), 64684950);
}

static void test_popup_rejects_bad_input(void **state)
{
    (void)state;
    double d[] = {0, 1}, w[] = {1, 1}, bad[] = {1, -1}, nan2[] = {NAN, 0};
    struct safer_popup_problem pr = {.m = 2, .dx = d, .dy = d, .w = w, .ne = 0, .nc = 2, .cx = d,
                                     .cy = d, .p = 0, .objective = SAFER_POPUP_COVER,
                                     .distance = 100};
    struct safer_popup_result r;
    struct safer_err err = {0};
    assert_int_equal(safer_popup_solve(&pr, &r, &err), SAFER_EINVAL);
    pr.p = 3;
    assert_int_equal(safer_popup_solve(&pr, &r, &err), SAFER_EINVAL);
    pr.p = 1;
    pr.distance = 0;
    assert_int_equal(safer_popup_solve(&pr, &r, &err), SAFER_EINVAL);
    pr.distance = 100;
    pr.w = bad;
    assert_int_equal(safer_popup_solve(&pr, &r, &err), SAFER_EINVAL);
    pr.w = w;
    pr.cx = nan2;
    assert_int_equal(safer_popup_solve(&pr, &r, &err), SAFER_EINVAL);
    pr.cx = d;
    pr.m = 0;
    assert_int_equal(safer_popup_solve(&pr, &r, &err), SAFER_EINVAL);
    pr.m = 2;
    pr.nc = 201;
    assert_int_equal(safer_popup_solve(&pr, &r, &err), SAFER_ETOOBIG);
    pr.nc = 2;
    assert_int_equal(safer_popup_solve(&pr, &r, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_popup_cover_matches_brute_force),
        cmocka_unit_test(test_popup_median_matches_brute_force),
        cmocka_unit_test(test_popup_hand_case),
        cmocka_unit_test(test_popup_sets),
        cmocka_unit_test(test_popup_rejects_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
