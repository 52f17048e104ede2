/*
 * test_focus.c - the focus index (lib/assess/focus.c, docs/statistics.md
 * "Focus index"): the index and ranks against a direct computation written
 * here from the definition, the rank stability against a brute-force loop
 * over the same draws, the draws themselves, the focus groups on
 * hand-built graphs, and the weights file.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "safer/arena.h"
#include "safer/profile.h"
#include "safer/stats.h"

/* A small deterministic generator for the test's matrices (not the
 * library's). */
static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 11;
}

static double unit(uint64_t *s)
{
    return (double)(lcg(s) >> 0) * 0x1.0p-53;
}

/* Direct computation from the definition: directed z-scores with the
 * population sd, weighted mean, over the wards with every value. */
static void direct_index(const double *x, size_t n, size_t m, const int *dir, const double *w,
                         double *index)
{
    for (size_t i = 0; i < n; i++) {
        int ok = 1;
        for (size_t j = 0; j < m; j++)
            ok &= isfinite(x[i * m + j]) != 0;
        index[i] = ok ? 0 : NAN;
    }
    double ws = 0;
    for (size_t j = 0; j < m; j++)
        ws += w[j];
    for (size_t j = 0; j < m; j++) {
        double s = 0, k = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(index[i])) {
                s += x[i * m + j];
                k++;
            }
        double mean = s / k, v = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(index[i]))
                v += (x[i * m + j] - mean) * (x[i * m + j] - mean);
        double sd = sqrt(v / k);
        for (size_t i = 0; i < n; i++)
            if (!isnan(index[i]) && sd > 0)
                index[i] += w[j] / ws * dir[j] * (x[i * m + j] - mean) / sd;
    }
}

/* Rank of ward i: 1 + the wards with a higher index, or an equal one and
 * a lower number. */
static size_t direct_rank(const double *index, size_t n, size_t i)
{
    if (isnan(index[i]))
        return 0;
    size_t r = 1;
    for (size_t k = 0; k < n; k++)
        if (!isnan(index[k]) && (index[k] > index[i] || (index[k] == index[i] && k < i)))
            r++;
    return r;
}

static void test_focus_index_matches_direct_computation(void **state)
{
    (void)state;
    enum { N = 17, M = 5 };
    double x[N * M], w[M] = {1, 0.5, 0.5, 2, 0.25}, idx[N];
    int dir[M] = {1, 1, -1, -1, 1};
    uint64_t s = 42;
    for (size_t i = 0; i < N * M; i++)
        x[i] = 1000 * unit(&s);
    x[3 * M + 2] = NAN; /* ward 3 lacks indicator 2: unranked */
    x[5] = x[0];        /* a tie in one column is harmless */
    struct safer_focus f;
    struct safer_focus_opts o = {.top = 4, .draws = 0};
    struct safer_err err = {0};
    assert_int_equal(safer_focus_rank(x, N, M, dir, w, NULL, &o, &f, &err), 0);
    direct_index(x, N, M, dir, w, idx);
    assert_int_equal(f.nranked, N - 1);
    for (size_t i = 0; i < N; i++) {
        if (i == 3) {
            assert_true(isnan(f.index[i]));
            assert_int_equal(f.rank[i], 0);
            continue;
        }
        assert_true(fabs(f.index[i] - idx[i]) < 1e-12);
        assert_int_equal(f.rank[i], direct_rank(f.index, N, i));
        assert_int_equal(f.rank[i], direct_rank(idx, N, i));
    }
    for (size_t r = 0; r < f.nranked; r++)
        assert_int_equal(f.rank[f.order[r]], r + 1);
    /* No draws: no stability. */
    assert_true(isnan(f.top_share[0]));
    assert_int_equal(f.rank_min[0], 0);
    safer_focus_release(&f);
}

static void test_focus_stability_matches_brute_force(void **state)
{
    (void)state;
    enum { N = 12, M = 4, D = 300, K = 3 };
    double x[N * M], w[M] = {1, 1, 0.5, 1.5};
    int dir[M] = {1, -1, 1, -1};
    uint64_t s = 7;
    for (size_t i = 0; i < N * M; i++)
        x[i] = unit(&s);
    struct safer_focus f;
    struct safer_focus_opts o = {.top = K, .draws = D, .spread = 0.4, .seed = 99};
    struct safer_err err = {0};
    assert_int_equal(safer_focus_rank(x, N, M, dir, w, NULL, &o, &f, &err), 0);
    size_t intop[N] = {0}, rmin[N], rmax[N] = {0};
    for (size_t i = 0; i < N; i++)
        rmin[i] = N + 1;
    for (size_t d = 0; d < D; d++) {
        double wd[M], idx[N];
        for (size_t j = 0; j < M; j++)
            wd[j] = w[j] * safer_focus_draw(99, d, j, 0.4);
        direct_index(x, N, M, dir, wd, idx);
        for (size_t i = 0; i < N; i++) {
            size_t r = direct_rank(idx, N, i);
            intop[i] += r <= K;
            rmin[i] = r < rmin[i] ? r : rmin[i];
            rmax[i] = r > rmax[i] ? r : rmax[i];
        }
    }
    size_t sum = 0;
    for (size_t i = 0; i < N; i++) {
        assert_true(f.top_share[i] == (double)intop[i] / D);
        assert_int_equal(f.rank_min[i], rmin[i]);
        assert_int_equal(f.rank_max[i], rmax[i]);
        sum += intop[i];
    }
    assert_int_equal(sum, (size_t)K * D); /* k wards in the top k in every draw */
    /* The ward ranked first under the weights given is not always first:
     * the draws change something, or the test could not fail. */
    int moved = 0;
    for (size_t i = 0; i < N; i++)
        moved |= f.rank_min[i] != f.rank_max[i];
    assert_true(moved);
    safer_focus_release(&f);
}

static void test_focus_draws_are_uniform_and_repeatable(void **state)
{
    (void)state;
    double sum = 0, lo = 2, hi = 0;
    enum { D = 20000 };
    for (size_t d = 0; d < D; d++) {
        double v = safer_focus_draw(1, d, 3, 0.25);
        assert_true(v >= 0.75 && v < 1.25);
        assert_true(v == safer_focus_draw(1, d, 3, 0.25));
        sum += v;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    /* Mean 1, sd of the mean 0.25 / sqrt(3 D) = 0.001. */
    assert_true(fabs(sum / D - 1) < 0.005);
    assert_true(lo < 0.751 && hi > 1.249);
    /* Another seed, draw or weight gives another value. */
    assert_true(safer_focus_draw(1, 0, 0, 0.25) != safer_focus_draw(2, 0, 0, 0.25));
    assert_true(safer_focus_draw(1, 0, 0, 0.25) != safer_focus_draw(1, 1, 0, 0.25));
    assert_true(safer_focus_draw(1, 0, 0, 0.25) != safer_focus_draw(1, 0, 1, 0.25));
    assert_true(safer_focus_draw(5, 3, 2, 0) == 1.0);
}

/* A path 0 - 1 - 2 - ... - (n-1), plus the extra edges given. */
static void path_graph(struct safer_nb *nb, size_t n, const uint32_t (*extra)[2], size_t nextra)
{
    uint32_t adj[64][8];
    size_t deg[64] = {0};
    for (size_t i = 0; i + 1 < n; i++) {
        adj[i][deg[i]++] = (uint32_t)(i + 1);
        adj[i + 1][deg[i + 1]++] = (uint32_t)i;
    }
    for (size_t e = 0; e < nextra; e++) {
        uint32_t a = extra[e][0], b = extra[e][1];
        adj[a][deg[a]++] = b;
        adj[b][deg[b]++] = a;
    }
    nb->n = n;
    nb->start = malloc(sizeof(uint32_t) * (n + 1));
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += deg[i];
    nb->adj = malloc(sizeof(uint32_t) * (total + 1));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        nb->start[i] = (uint32_t)k;
        for (size_t j = 0; j < deg[i]; j++)
            nb->adj[k++] = adj[i][j];
    }
    nb->start[n] = (uint32_t)k;
}

/* Rank wards by one indicator `v` over graph `nb`; the groups into g. */
static void groups_of(const double *v, size_t n, const struct safer_nb *nb, size_t k, int *g,
                      int *proposed, size_t *ngroups)
{
    int dir[1] = {1};
    double w[1] = {1};
    struct safer_focus f;
    struct safer_focus_opts o = {.top = k, .draws = 0};
    struct safer_err err = {0};
    assert_int_equal(safer_focus_rank(v, n, 1, dir, w, nb, &o, &f, &err), 0);
    memcpy(g, f.group, sizeof(int) * n);
    *proposed = f.proposed;
    *ngroups = f.ngroups;
    safer_focus_release(&f);
}

static void test_focus_groups_on_hand_built_graphs(void **state)
{
    (void)state;
    struct safer_nb nb;
    int g[8], proposed;
    size_t ng;

    /* Path of 6; top 3 are wards 0, 2, 3: groups {2, 3} and {0}. Ward 0
     * has the highest index (6) but {2, 3} averages 4.5 < 6, so {0} is
     * group 1 and {2, 3} group 2, the first of two wards or more: it is
     * proposed. */
    path_graph(&nb, 6, NULL, 0);
    double v1[6] = {6, 1, 5, 4, 2, 0};
    groups_of(v1, 6, &nb, 3, g, &proposed, &ng);
    int want1[6] = {1, 0, 2, 2, 0, 0};
    assert_memory_equal(g, want1, sizeof(want1));
    assert_int_equal(ng, 2);
    assert_int_equal(proposed, 2);

    /* Top 3 are 0, 2, 4: no two are neighbours, nothing is proposed. */
    double v2[6] = {6, 1, 5, 0, 4, 2};
    groups_of(v2, 6, &nb, 3, g, &proposed, &ng);
    int want2[6] = {1, 0, 2, 0, 3, 0};
    assert_memory_equal(g, want2, sizeof(want2));
    assert_int_equal(ng, 3);
    assert_int_equal(proposed, 0);
    safer_nb_release(&nb);

    /* Path of 8 with an edge 7 - 0 (a ring); top 4 are 7, 0, 4, 5: {7, 0}
     * averages 9.5, {4, 5} 8: {7, 0} is proposed. Ranks by index alone
     * would join nothing: the ring edge makes 7 and 0 neighbours. */
    static const uint32_t ring[1][2] = {{7, 0}};
    path_graph(&nb, 8, ring, 1);
    double v3[8] = {9, 1, 2, 3, 8, 8, 0, 10};
    groups_of(v3, 8, &nb, 4, g, &proposed, &ng);
    int want3[8] = {1, 0, 0, 0, 2, 2, 0, 1};
    assert_memory_equal(g, want3, sizeof(want3));
    assert_int_equal(proposed, 1);

    /* The whole top k connected: one group of k. */
    double v4[8] = {0, 1, 2, 3, 9, 8, 7, 6};
    groups_of(v4, 8, &nb, 4, g, &proposed, &ng);
    int want4[8] = {0, 0, 0, 0, 1, 1, 1, 1};
    assert_memory_equal(g, want4, sizeof(want4));
    assert_int_equal(ng, 1);
    assert_int_equal(proposed, 1);
    safer_nb_release(&nb);
}

static void test_focus_flat_indicator_and_bad_input(void **state)
{
    (void)state;
    double x[3 * 2] = {1, 5, 2, 5, 3, 5};
    int dir[2] = {1, 1}, bad_dir[2] = {1, 0};
    double w[2] = {1, 1}, w0[2] = {0, 0}, wneg[2] = {1, -1};
    struct safer_focus f;
    struct safer_focus_opts o = {.top = 1, .draws = 10, .spread = 0.25, .seed = 1};
    struct safer_err err = {0};
    assert_int_equal(safer_focus_rank(x, 3, 2, dir, w, NULL, &o, &f, &err), 0);
    assert_int_equal(f.flat[0], 0);
    assert_int_equal(f.flat[1], 1);
    assert_true(f.z[1] == 0 && f.z[3] == 0 && f.z[5] == 0);
    assert_int_equal(f.rank[2], 1);
    assert_true(f.top_share[2] == 1.0);
    safer_focus_release(&f);
    assert_int_equal(safer_focus_rank(x, 3, 2, dir, w0, NULL, &o, &f, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "every weight"));
    err = (struct safer_err){0};
    assert_int_equal(safer_focus_rank(x, 3, 2, dir, wneg, NULL, &o, &f, &err), SAFER_EINVAL);
    assert_int_equal(safer_focus_rank(x, 3, 2, bad_dir, w, NULL, &o, &f, &err), SAFER_EINVAL);
    o.spread = 1.5;
    assert_int_equal(safer_focus_rank(x, 3, 2, dir, w, NULL, &o, &f, &err), SAFER_EINVAL);
    o.spread = 0.25;
    o.draws = SAFER_LIMIT_FOCUS_DRAWS + 1;
    assert_int_equal(safer_focus_rank(x, 3, 2, dir, w, NULL, &o, &f, &err), SAFER_ETOOBIG);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void test_focus_weights_file(void **state)
{
    (void)state;
    char path[256];
    const char *t = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/safer-focus-%ld.csv", t && *t ? t : "/tmp", (long)getpid());
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_focus_weight *w;
    size_t n;
    struct safer_err err = {0};

    write_file(path, "indicator,weight\nrate,1\n\"rate:Violence and sexual offences\",0.5\n"
                     "domain:health,2e0\n");
    assert_int_equal(safer_focus_weights_read(path, &arena, &w, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(w[1].indicator, "rate:Violence and sexual offences");
    assert_true(w[1].weight == 0.5 && w[2].weight == 2.0);
    free(w);

    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"name,weight\nrate,1\n", ":1: expected the header 'indicator,weight'"},
        {"indicator,weight\nrate,1\nrate:Drugs,-1\n", ":3: weight '-1' is not a number from 0"},
        {"indicator,weight\nrate,x\n", ":2: weight 'x' is not a number from 0"},
        {"indicator,weight\nrate,1\nrate,2\n", ":3: indicator 'rate' given twice"},
        {"indicator,weight\nrate,1,2\n", ":2: expected 2 fields, found 3"},
        {"indicator,weight\n", ": no indicators"},
        {"indicator,weight\n,1\n", ":2: indicator: empty"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_file(path, bad[i].text);
        err = (struct safer_err){0};
        assert_int_equal(safer_focus_weights_read(path, &arena, &w, &n, &err), SAFER_EPARSE);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].msg);
        assert_null(w);
        assert_int_equal(n, 0);
    }
    unlink(path);
    safer_arena_release(&arena);

    /* The defaults: six indicators, crime and deprivation weighing 2 each. */
    const struct safer_focus_weight *d = safer_focus_default_weights(&n);
    assert_int_equal(n, 6);
    double crime = 0, dep = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(d[i].indicator, "rate", 4) == 0)
            crime += d[i].weight;
        else
            dep += d[i].weight;
    }
    assert_true(crime == 2 && dep == 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_focus_index_matches_direct_computation),
        cmocka_unit_test(test_focus_stability_matches_brute_force),
        cmocka_unit_test(test_focus_draws_are_uniform_and_repeatable),
        cmocka_unit_test(test_focus_groups_on_hand_built_graphs),
        cmocka_unit_test(test_focus_flat_indicator_and_bad_input),
        cmocka_unit_test(test_focus_weights_file),
    };
    return cmocka_run_group_tests_name("focus", tests, NULL, NULL);
}
