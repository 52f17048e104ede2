/*
 * test_clusters.c - the ward-cluster solver against exhaustive search: on
 * small random graphs every partition of the areas is listed (restricted
 * growth strings), the connected ones of each size and count kept, and the
 * least cost compared with what safer_clusters_solve() proves. Also the
 * connected subsets against a count over all subsets, the infeasible cases,
 * the node limit's bound, z-scores against a hand computation, and bad input.
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

#include "safer/clusters.h"
#include "safer/stats.h"

#define MAXN 10

struct graph {
    size_t n;
    bool adj[MAXN][MAXN];
};

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

/* A connected graph: a random tree, then each other pair with probability p. */
static void random_graph(struct graph *g, size_t n, double p)
{
    memset(g, 0, sizeof(*g));
    g->n = n;
    for (size_t i = 1; i < n; i++) {
        size_t j = rnd() % i;
        g->adj[i][j] = g->adj[j][i] = true;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (rnd01() < p)
                g->adj[i][j] = g->adj[j][i] = true;
}

static void to_nb(const struct graph *g, struct safer_nb *nb)
{
    nb->n = g->n;
    nb->start = calloc(g->n + 1, sizeof(uint32_t));
    nb->adj = calloc(g->n * g->n + 1, sizeof(uint32_t));
    uint32_t e = 0;
    for (size_t i = 0; i < g->n; i++) {
        nb->start[i] = e;
        for (size_t j = 0; j < g->n; j++)
            if (g->adj[i][j])
                nb->adj[e++] = (uint32_t)j;
    }
    nb->start[g->n] = e;
}

static bool connected_mask(const struct graph *g, unsigned mask)
{
    if (!mask)
        return false;
    unsigned seen = mask & -mask, grow = seen;
    while (grow) {
        unsigned next = 0;
        for (size_t i = 0; i < g->n; i++)
            if (grow & (1u << i))
                for (size_t j = 0; j < g->n; j++)
                    if (g->adj[i][j] && (mask & (1u << j)) && !(seen & (1u << j)))
                        next |= 1u << j;
        seen |= next;
        grow = next;
    }
    return seen == mask;
}

static double mask_cost(const double *x, size_t d, unsigned mask, size_t n)
{
    uint32_t idx[MAXN];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (mask & (1u << i))
            idx[m++] = (uint32_t)i;
    /* Independently of the library: sum of squares minus n mean^2, in long double. */
    long double s = 0.0L;
    for (size_t j = 0; j < d; j++) {
        long double sum = 0.0L, sq = 0.0L;
        for (size_t a = 0; a < m; a++) {
            long double v = x[idx[a] * d + j];
            sum += v;
            sq += v * v;
        }
        s += sq - sum * sum / (long double)m;
    }
    return (double)s;
}

/* best[K][M]: the least cost of K connected blocks of at most M areas
 * (INFINITY for none), over every set partition. */
static void brute(const struct graph *g, const double *x, size_t d,
                  double best[MAXN + 1][MAXN + 1])
{
    size_t n = g->n;
    for (size_t k = 0; k <= MAXN; k++)
        for (size_t m = 0; m <= MAXN; m++)
            best[k][m] = INFINITY;
    unsigned char a[MAXN] = {0}, mx[MAXN] = {0};
    for (;;) {
        size_t nb = (size_t)mx[n - 1] + 1;
        unsigned mask[MAXN] = {0};
        for (size_t i = 0; i < n; i++)
            mask[a[i]] |= 1u << i;
        bool ok = true;
        size_t biggest = 0;
        double cost = 0.0;
        for (size_t b = 0; b < nb && ok; b++) {
            ok = connected_mask(g, mask[b]);
            size_t c = (size_t)__builtin_popcount(mask[b]);
            if (c > biggest)
                biggest = c;
            cost += mask_cost(x, d, mask[b], n);
        }
        if (ok)
            for (size_t m = biggest; m <= MAXN; m++)
                if (cost < best[nb][m])
                    best[nb][m] = cost;
        /* Next restricted growth string: a[0] = 0, a[i] <= max(a[0..i-1]) + 1. */
        size_t i = n - 1;
        while (i > 0 && a[i] == mx[i - 1] + 1)
            i--;
        if (i == 0)
            break;
        a[i]++;
        mx[i] = a[i] > mx[i - 1] ? a[i] : mx[i - 1];
        for (size_t j = i + 1; j < n; j++) {
            a[j] = 0;
            mx[j] = mx[i];
        }
    }
}

/* The solution is a partition into k connected clusters of 1..m areas whose
 * costs add up; returns its total by the independent formula. */
static double check_solution(const struct graph *g, const double *x, size_t d, size_t k, size_t m,
                             const struct safer_clusters *c)
{
    assert_int_equal(c->n, g->n);
    assert_int_equal(c->k, k);
    double total = 0.0;
    uint32_t next = 0;
    for (size_t i = 0; i < g->n; i++) {
        assert_true(c->cluster[i] < k);
        if (c->cluster[i] == next)
            next++;
        else
            assert_true(c->cluster[i] < next); /* numbered by first area */
    }
    assert_int_equal(next, k);
    for (uint32_t b = 0; b < k; b++) {
        unsigned mask = 0;
        for (size_t i = 0; i < g->n; i++)
            if (c->cluster[i] == b)
                mask |= 1u << i;
        assert_true(connected_mask(g, mask));
        assert_true((size_t)__builtin_popcount(mask) <= m);
        assert_int_equal(c->size[b], (uint32_t)__builtin_popcount(mask));
        double cost = mask_cost(x, d, mask, g->n);
        assert_true(fabs(cost - c->cost[b]) <= 1e-9 * (1.0 + cost));
        total += cost;
    }
    assert_true(fabs(total - c->total) <= 1e-9 * (1.0 + total));
    return total;
}

/* safer_clusters_solve() with a fresh error each time. */
static struct safer_err err;
static int solve(const double *x, size_t d, const struct safer_nb *nb,
                 const struct safer_clusters_opts *o, struct safer_clusters *c)
{
    memset(&err, 0, sizeof(err));
    return safer_clusters_solve(x, d, nb, o, c, &err);
}

static void test_clusters_matches_exhaustive_search(void **state)
{
    (void)state;
    rng_state = 20261202;
    size_t compared = 0, infeasible = 0;
    for (int round = 0; round < 40; round++) {
        size_t n = 3 + (size_t)round % 8; /* 3..10 */
        struct graph g;
        random_graph(&g, n, round % 3 == 0 ? 0.1 : 0.3);
        size_t d = 1 + rnd() % 3;
        double x[MAXN * 3];
        for (size_t t = 0; t < n * d; t++)
            x[t] = round % 5 == 0 ? (double)(rnd() % 4) : rnd01() * 10.0 - 5.0; /* ties too */
        double best[MAXN + 1][MAXN + 1];
        brute(&g, x, d, best);
        struct safer_nb nb;
        to_nb(&g, &nb);
        for (size_t m = 1; m <= 5 && m <= n; m++) {
            for (size_t k = 1; k <= n; k++) {
                struct safer_clusters c;
                struct safer_clusters_opts o = {.k = k, .max_size = m};
                int rc = solve(x, d, &nb, &o, &c);
                if (best[k][m] == INFINITY) {
                    assert_int_equal(rc, SAFER_EINVAL);
                    assert_non_null(strstr(err.msg, "no partition"));
                    infeasible++;
                    continue;
                }
                assert_int_equal(rc, 0);
                assert_true(c.proved);
                double total = check_solution(&g, x, d, k, m, &c);
                assert_true(fabs(total - best[k][m]) <= 1e-9 * (1.0 + best[k][m]));
                assert_true(c.lower_bound == c.total);
                safer_clusters_release(&c);
                compared++;
            }
        }
        free(nb.start);
        free(nb.adj);
    }
    assert_true(compared > 500);
    assert_true(infeasible > 50);
}

static void test_clusters_lists_every_connected_subset_once(void **state)
{
    (void)state;
    rng_state = 77;
    for (int round = 0; round < 20; round++) {
        size_t n = 4 + (size_t)round % 7;
        struct graph g;
        random_graph(&g, n, 0.35);
        struct safer_nb nb;
        to_nb(&g, &nb);
        double x[MAXN];
        for (size_t i = 0; i < n; i++)
            x[i] = rnd01();
        for (size_t m = 1; m <= 5; m++) {
            size_t expect = 0;
            for (unsigned mask = 1; mask < (1u << n); mask++)
                if ((size_t)__builtin_popcount(mask) <= m && connected_mask(&g, mask))
                    expect++;
            struct safer_clusters c;
            struct safer_clusters_opts o = {.k = n, .max_size = m};
            assert_int_equal(safer_clusters_solve(x, 1, &nb, &o, &c, NULL), 0);
            assert_int_equal(c.subsets, expect);
            assert_true(c.total == 0.0); /* k = n: every area alone */
            safer_clusters_release(&c);
        }
        free(nb.start);
        free(nb.adj);
    }
}

static void test_clusters_infeasible_cases(void **state)
{
    (void)state;
    struct safer_clusters c;
    double x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    /* A star: the centre and 5 leaves; with max size 4 at least 2 leaves
     * stay alone, so 2 clusters cannot do, 3 can. */
    struct graph g = {.n = 6};
    for (size_t i = 1; i < 6; i++)
        g.adj[0][i] = g.adj[i][0] = true;
    struct safer_nb nb;
    to_nb(&g, &nb);
    struct safer_clusters_opts o = {.k = 2, .max_size = 4};
    assert_int_equal(solve(x, 1, &nb, &o, &c), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "cannot be cut into 2 connected clusters"));
    o.k = 3;
    assert_int_equal(solve(x, 1, &nb, &o, &c), 0);
    safer_clusters_release(&c);
    /* Too few clusters for the size. */
    o.k = 1;
    assert_int_equal(solve(x, 1, &nb, &o, &c), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "at least 2 clusters needed"));
    free(nb.start);
    free(nb.adj);
    /* Two separate pieces of 3 areas (paths), max size 3: 1 cluster cannot
     * join them. */
    struct graph h = {.n = 6};
    h.adj[0][1] = h.adj[1][0] = h.adj[1][2] = h.adj[2][1] = true;
    h.adj[3][4] = h.adj[4][3] = h.adj[4][5] = h.adj[5][4] = true;
    to_nb(&h, &nb);
    o.k = 2;
    o.max_size = 6;
    assert_int_equal(solve(x, 1, &nb, &o, &c), 0);
    assert_true(c.cluster[0] != c.cluster[3]);
    safer_clusters_release(&c);
    o.k = 1;
    assert_int_equal(solve(x, 1, &nb, &o, &c), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "separate groups"));
    free(nb.start);
    free(nb.adj);
}

static void test_clusters_node_limit_gives_a_bound(void **state)
{
    (void)state;
    rng_state = 5;
    struct graph g;
    random_graph(&g, 10, 0.4);
    double x[20];
    for (size_t t = 0; t < 20; t++)
        x[t] = rnd01();
    double best[MAXN + 1][MAXN + 1];
    brute(&g, x, 2, best);
    struct safer_nb nb;
    to_nb(&g, &nb);
    struct safer_clusters c;
    struct safer_clusters_opts o = {.k = 3, .max_size = 4, .max_nodes = 5};
    int rc = safer_clusters_solve(x, 2, &nb, &o, &c, NULL);
    if (rc == 0) {
        assert_false(c.proved);
        assert_true(c.nodes == 6);
        assert_true(c.lower_bound <= best[3][4] * (1 + 1e-9));
        assert_true(c.total >= best[3][4] * (1 - 1e-9));
        safer_clusters_release(&c);
    } else {
        assert_int_equal(rc, SAFER_ETOOBIG);
    }
    o.max_nodes = 0;
    assert_int_equal(safer_clusters_solve(x, 2, &nb, &o, &c, NULL), 0);
    assert_true(c.proved);
    assert_true(fabs(c.total - best[3][4]) <= 1e-9);
    safer_clusters_release(&c);
    free(nb.start);
    free(nb.adj);
}

/* Stopped early, the best found (then improved by moves and swaps) is
 * still a valid partition, no better than the optimum, above its bound. */
static void test_clusters_stopped_search_stays_valid(void **state)
{
    (void)state;
    rng_state = 4242;
    size_t checked = 0, unproved = 0;
    for (int round = 0; round < 30; round++) {
        size_t n = 7 + (size_t)round % 4;
        struct graph g;
        random_graph(&g, n, 0.3);
        double x[MAXN * 2];
        for (size_t t = 0; t < n * 2; t++)
            x[t] = rnd01() * 4.0;
        double best[MAXN + 1][MAXN + 1];
        brute(&g, x, 2, best);
        struct safer_nb nb;
        to_nb(&g, &nb);
        for (size_t m = 2; m <= 4; m++) {
            size_t k = (n + m - 1) / m + (size_t)round % 2;
            if (best[k][m] == INFINITY)
                continue;
            struct safer_clusters c;
            struct safer_clusters_opts o = {.k = k, .max_size = m, .max_nodes = (uint64_t)k + 2};
            if (solve(x, 2, &nb, &o, &c) < 0)
                continue;
            double total = check_solution(&g, x, 2, k, m, &c);
            assert_true(total >= best[k][m] - 1e-9 * (1.0 + best[k][m]));
            assert_true(c.lower_bound <= best[k][m] + 1e-9 * (1.0 + best[k][m]));
            if (!c.proved)
                unproved++;
            safer_clusters_release(&c);
            checked++;
        }
        free(nb.start);
        free(nb.adj);
    }
    assert_true(checked > 20);
    assert_true(unproved > 10);
}

static void test_clusters_cost_and_standardise(void **state)
{
    (void)state;
    /* Points (0,0), (2,0), (1,3): mean (1,1); squares 1+1, 1+1, 0+4 = 8. */
    double x[6] = {0, 0, 2, 0, 1, 3};
    uint32_t idx[3] = {0, 1, 2};
    assert_true(fabs(safer_clusters_cost(x, 2, idx, 3) - 8.0) < 1e-12);
    assert_true(safer_clusters_cost(x, 2, idx, 1) == 0.0);
    /* Column 1 is 0, 2, 1: mean 1, population sd sqrt(2/3). */
    double z[6] = {0, 0, 2, 0, 1, 3};
    const char *names[2] = {"a", "b"};
    assert_int_equal(safer_clusters_standardise(z, 3, 2, names, NULL), 0);
    double sd = sqrt(2.0 / 3.0);
    assert_true(fabs(z[0] - (-1.0 / sd)) < 1e-12);
    assert_true(fabs(z[2] - (1.0 / sd)) < 1e-12);
    assert_true(fabs(z[4]) < 1e-12);
    /* Column 2 is 0, 0, 3: mean 1, sd sqrt(2). */
    assert_true(fabs(z[5] - 2.0 / sqrt(2.0)) < 1e-12);
    double sum = 0, sq = 0;
    for (size_t i = 0; i < 3; i++) {
        sum += z[i * 2 + 1];
        sq += z[i * 2 + 1] * z[i * 2 + 1];
    }
    assert_true(fabs(sum) < 1e-12 && fabs(sq / 3.0 - 1.0) < 1e-12);
    double flat[4] = {1, 5, 2, 5};
    memset(&err, 0, sizeof(err));
    assert_int_equal(safer_clusters_standardise(flat, 2, 2, names, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "'b'"));
}

static void test_clusters_rejects_bad_input(void **state)
{
    (void)state;
    struct graph g;
    rng_state = 9;
    random_graph(&g, 4, 0.0); /* a tree */
    struct safer_nb nb;
    to_nb(&g, &nb);
    double x[4] = {1, 2, 3, 4};
    struct safer_clusters c;
    struct safer_clusters_opts o = {.k = 0, .max_size = 2};
    assert_int_equal(solve(x, 1, &nb, &o, &c), SAFER_EINVAL);
    o.k = 5;
    assert_int_equal(solve(x, 1, &nb, &o, &c), SAFER_EINVAL);
    o.k = 2;
    o.max_size = 0;
    assert_int_equal(solve(x, 1, &nb, &o, &c), SAFER_EINVAL);
    o.max_size = SAFER_CLUSTERS_MAX_SIZE + 1;
    assert_int_equal(solve(x, 1, &nb, &o, &c), SAFER_EINVAL);
    o.max_size = 2;
    assert_int_equal(solve(x, 0, &nb, &o, &c), SAFER_EINVAL);
    x[2] = NAN;
    assert_int_equal(solve(x, 1, &nb, &o, &c), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "area 3"));
    x[2] = 3;
    /* An asymmetric list: drop the last entry of the last row that has one. */
    size_t row = 3;
    while (nb.start[row + 1] == nb.start[row])
        row--;
    uint32_t keep = nb.adj[nb.start[row + 1] - 1];
    for (size_t r = row + 1; r <= 4; r++)
        nb.start[r]--;
    for (uint32_t e = nb.start[row + 1]; e < nb.start[4]; e++)
        nb.adj[e] = nb.adj[e + 1];
    assert_int_equal(solve(x, 1, &nb, &o, &c), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "symmetric"));
    (void)keep;
    free(nb.start);
    free(nb.adj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clusters_matches_exhaustive_search),
        cmocka_unit_test(test_clusters_lists_every_connected_subset_once),
        cmocka_unit_test(test_clusters_infeasible_cases),
        cmocka_unit_test(test_clusters_node_limit_gives_a_bound),
        cmocka_unit_test(test_clusters_stopped_search_stays_valid),
        cmocka_unit_test(test_clusters_cost_and_standardise),
        cmocka_unit_test(test_clusters_rejects_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
