/*
 * test_stats.c - the statistics module against R.
 *
 * The reference values come from tests/data/spdep/make_fixtures.R (R 4.2,
 * spdep 1.2; see VERSIONS.txt there), which also wrote the inputs: a study
 * grid of counts, a constant grid and a small GeoJSON of polygons. The
 * GeoJSON is read here with Jansson directly, so these tests depend on no
 * importer. Tolerances: z-scores, Moran's I, E(I) and Var(I) within 1e-9
 * absolute; p-values and BH adjustments within 1e-9 relative (they span
 * hundreds of orders of magnitude); binomial p-values within 1e-12
 * relative. Each comparison prints the largest difference it met, which
 * docs/statistics.md quotes.
 */
#include "util/compat.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "safer/limits.h"
#include "safer/stats.h"

#define SPDEP SAFER_TEST_DATA "/spdep/"
#define MAX_FIELDS 12

/* ---- Fixture files --------------------------------------------------------- */

/* A CSV file with a header line and no quoting, split in place. */
struct row {
    char *f[MAX_FIELDS];
    int nf;
};

struct table {
    char *text; /* owned: the whole file, NUL-terminated, fields cut in place */
    struct row *rows;
    size_t n;
};

static void table_load(struct table *t, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open fixture '%s'", path);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long len = ftell(fp);
    assert_true(len > 0);
    rewind(fp);
    t->text = malloc((size_t)len + 1);
    assert_non_null(t->text);
    assert_int_equal(fread(t->text, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    t->text[len] = '\0';

    size_t lines = 0;
    for (long i = 0; i < len; i++)
        lines += t->text[i] == '\n';
    t->rows = calloc(lines + 1, sizeof(*t->rows));
    assert_non_null(t->rows);
    t->n = 0;

    char *p = t->text;
    bool header = true;
    while (*p) {
        char *eol = strchr(p, '\n');
        char *next = eol ? eol + 1 : p + strlen(p);
        if (eol)
            *eol = '\0';
        if (header || *p == '\0' || *p == '#') {
            header = false;
            p = next;
            continue;
        }
        struct row *r = &t->rows[t->n++];
        r->nf = 0;
        for (char *q = p;;) {
            assert_true(r->nf < MAX_FIELDS);
            r->f[r->nf++] = q;
            char *comma = strchr(q, ',');
            if (!comma)
                break;
            *comma = '\0';
            q = comma + 1;
        }
        p = next;
    }
}

static void table_free(struct table *t)
{
    free(t->rows);
    free(t->text);
}

/* A number as R wrote it: %.17g, "NaN", "NA" (taken as NaN), "Inf", "-Inf". */
static double num(const char *s)
{
    if (strcmp(s, "NA") == 0)
        return NAN;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0')
        fail_msg("bad number '%s' in a fixture", s);
    return v;
}

static long lnum(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0')
        fail_msg("bad integer '%s' in a fixture", s);
    return v;
}

/*
 * Check got against want: equal when both are NaN or the same infinity,
 * else within abs_tol absolutely or rel_tol relatively. The absolute
 * difference is folded into *maxdiff (when finite).
 */
static void check_close(double got, double want, double abs_tol, double rel_tol, double *maxdiff,
                        const char *what, size_t row)
{
    if (isnan(want) || isnan(got)) {
        if (!(isnan(want) && isnan(got)))
            fail_msg("%s, row %zu: got %.17g, R has %.17g", what, row, got, want);
        return;
    }
    if (isinf(want) || isinf(got)) {
        if (got != want)
            fail_msg("%s, row %zu: got %.17g, R has %.17g", what, row, got, want);
        return;
    }
    double d = fabs(got - want);
    if (maxdiff && d > *maxdiff)
        *maxdiff = d;
    if (!(d <= abs_tol || d <= rel_tol * fabs(want)))
        fail_msg("%s, row %zu: got %.17g, R has %.17g (diff %.3g)", what, row, got, want, d);
}

/* cmocka 1.1 has no assert_double_equal. */
#define assert_near(got, want, tol) assert_true(fabs((got) - (want)) <= (tol))

static double rel_diff(double got, double want)
{
    if (got == want || (isnan(got) && isnan(want)))
        return 0.0;
    return fabs(got - want) / fabs(want);
}

/* ---- p-values ------------------------------------------------------------------ */

static void test_pnorm_matches_r(void **state)
{
    (void)state;
    struct table t;
    double max_rel = 0.0;

    table_load(&t, SPDEP "pnorm.csv");
    assert_true(t.n >= 20);
    for (size_t k = 0; k < t.n; k++) {
        double z = num(t.rows[k].f[0]);
        double two = num(t.rows[k].f[1]), up = num(t.rows[k].f[2]);
        /* Below DBL_MIN R gives 0 where erfc still has a subnormal value. */
        check_close(safer_pnorm_two_sided(z), two, 1e-300, 1e-9, NULL, "pnorm two-sided", k);
        check_close(safer_pnorm_upper(z), up, 1e-300, 1e-9, NULL, "pnorm upper", k);
        if (two > 0.0 && rel_diff(safer_pnorm_two_sided(z), two) > max_rel)
            max_rel = rel_diff(safer_pnorm_two_sided(z), two);
        if (up > 0.0 && rel_diff(safer_pnorm_upper(z), up) > max_rel)
            max_rel = rel_diff(safer_pnorm_upper(z), up);
    }
    print_message("pnorm: %zu values, max relative difference %.3g\n", t.n, max_rel);
    assert_true(isnan(safer_pnorm_two_sided(NAN)));
    assert_true(isnan(safer_pnorm_upper(NAN)));
    table_free(&t);
}

static void test_p_adjust_bh_matches_r(void **state)
{
    (void)state;
    struct table t;
    double max_rel = 0.0;
    size_t sets = 0;

    table_load(&t, SPDEP "p_adjust.csv");
    for (size_t k = 0; k < t.n;) {
        size_t end = k;
        while (end < t.n && strcmp(t.rows[end].f[0], t.rows[k].f[0]) == 0)
            end++;
        size_t m = end - k;
        double *p = malloc(m * sizeof(*p)), *q = malloc(m * sizeof(*q));
        assert_non_null(p);
        assert_non_null(q);
        for (size_t i = 0; i < m; i++)
            p[i] = num(t.rows[k + i].f[1]);
        safer_p_adjust_bh(p, m, q);
        for (size_t i = 0; i < m; i++) {
            double want = num(t.rows[k + i].f[2]);
            check_close(q[i], want, 0.0, 1e-9, NULL, "p.adjust BH", k + i);
            if (rel_diff(q[i], want) > max_rel)
                max_rel = rel_diff(q[i], want);
        }
        /* In place gives the same. */
        safer_p_adjust_bh(p, m, p);
        for (size_t i = 0; i < m; i++)
            assert_memory_equal(&p[i], &q[i], sizeof(double));
        free(p);
        free(q);
        sets++;
        k = end;
    }
    assert_int_equal(sets, 4);
    print_message("p.adjust BH: %zu values, max relative difference %.3g\n", t.n, max_rel);
    safer_p_adjust_bh(NULL, 0, NULL); /* nothing to do, nothing touched */
    table_free(&t);
}

static void test_binom_test_half_matches_r(void **state)
{
    (void)state;
    struct table t;
    double max_rel = 0.0;

    table_load(&t, SPDEP "binom.csv");
    assert_true(t.n > 700);
    for (size_t k = 0; k < t.n; k++) {
        long x = lnum(t.rows[k].f[0]), n = lnum(t.rows[k].f[1]);
        double want = num(t.rows[k].f[2]);
        double got = safer_binom_test_half(x, n);
        if (want < 1e-300) {
            if (!(fabs(got - want) < 1e-300))
                fail_msg("binom.test(%ld, %ld): got %.17g, R has %.17g", x, n, got, want);
            continue;
        }
        double r = rel_diff(got, want);
        if (r > max_rel)
            max_rel = r;
        if (!(r <= 1e-12))
            fail_msg("binom.test(%ld, %ld): got %.17g, R has %.17g (rel %.3g)", x, n, got, want,
                     r);
    }
    print_message("binom.test: %zu cases up to n = 10^6, max relative difference %.3g\n", t.n,
                  max_rel);
    table_free(&t);
}

static void test_binom_test_half_edges(void **state)
{
    (void)state;
    static const struct {
        long x, n;
        double want; /* NaN: invalid */
    } cases[] = {
        { 0, 1, 1.0 },          { 1, 1, 1.0 },        { 1, 2, 1.0 },
        { 0, 2, 0.5 },          { 0, 10, 0.001953125 }, { 10, 10, 0.001953125 },
        { 500000, 1000000, 1.0 }, { -1, 5, NAN },       { 6, 5, NAN },
        { 0, 0, NAN },          { 0, -3, NAN },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        double got = safer_binom_test_half(cases[k].x, cases[k].n);
        if (isnan(cases[k].want))
            assert_true(isnan(got));
        else
            assert_near(got, cases[k].want, 1e-15);
    }
    /* Symmetric in x and n - x, and never above 1. */
    for (long x = 0; x <= 101; x++) {
        assert_true(safer_binom_test_half(x, 101) == safer_binom_test_half(101 - x, 101));
        assert_true(safer_binom_test_half(x, 101) <= 1.0);
    }
    /* Far beyond the fixtures: fine and finite. */
    double p = safer_binom_test_half(49990000, 100000000);
    assert_true(p > 0.04 && p < 0.06);
}

/* ---- Poisson interval ---------------------------------------------------------- */

/*
 * The exact Poisson interval against tests/data/poisson/poisson_ci.csv,
 * which make_poisson_ci.py computed from the definition (the Poisson
 * distribution function, 80 digits, bisection): what R's poisson.test
 * gives, to within R's own rounding.
 */
static void test_poisson_ci_matches_definition(void **state)
{
    (void)state;
    struct table t;
    double max_rel = 0.0;

    table_load(&t, SAFER_TEST_DATA "/poisson/poisson_ci.csv");
    assert_true(t.n >= 70);
    for (size_t k = 0; k < t.n; k++) {
        long x = lnum(t.rows[k].f[0]);
        double conf = num(t.rows[k].f[1]);
        double lo_want = num(t.rows[k].f[2]), up_want = num(t.rows[k].f[3]);
        double lo, up;
        safer_poisson_ci(x, conf, &lo, &up);
        if (x == 0)
            assert_true(lo == 0.0);
        else
            check_close(lo, lo_want, 0.0, 1e-12, NULL, "poisson lower", k);
        check_close(up, up_want, 0.0, 1e-12, NULL, "poisson upper", k);
        if (x > 0 && rel_diff(lo, lo_want) > max_rel)
            max_rel = rel_diff(lo, lo_want);
        if (rel_diff(up, up_want) > max_rel)
            max_rel = rel_diff(up, up_want);
    }
    print_message("poisson.test: %zu intervals up to k = 10^4, max relative difference %.3g\n",
                  t.n, max_rel);
    table_free(&t);
}

/* Closed forms: P(X <= 0; mu) = exp(-mu) and P(X >= 1; mu) = 1 - exp(-mu),
 * so for k = 0 the upper limit is -log(a) and for k = 1 the lower one is
 * -log(1 - a); and invalid arguments give NaN. */
static void test_poisson_ci_closed_forms_and_edges(void **state)
{
    (void)state;
    double lo, up;
    safer_poisson_ci(0, 0.95, &lo, &up);
    assert_true(lo == 0.0);
    assert_true(rel_diff(up, 3.6888794541139363) <= 1e-15);
    assert_true(rel_diff(up, -log(0.025)) <= 1e-15);
    safer_poisson_ci(1, 0.95, &lo, &up);
    assert_true(rel_diff(lo, -log1p(-0.025)) <= 1e-14);
    safer_poisson_ci(0, 0.99, &lo, &up);
    assert_true(rel_diff(up, -log(0.005)) <= 1e-15);

    /* The limits bracket k and widen with the level. */
    for (int64_t k = 1; k <= 3000; k += 37) {
        double l95, u95, l99, u99;
        safer_poisson_ci(k, 0.95, &l95, &u95);
        safer_poisson_ci(k, 0.99, &l99, &u99);
        assert_true(l99 < l95 && l95 < (double)k && (double)k < u95 && u95 < u99);
    }
    /* A count far beyond any ward's: the normal approximation is close. */
    safer_poisson_ci(100000000, 0.95, &lo, &up);
    assert_true(fabs(lo - (1e8 - 1.959963984540054 * 1e4)) < 2.0);
    assert_true(fabs(up - (1e8 + 1.959963984540054 * 1e4)) < 2.0);

    static const struct {
        int64_t k;
        double conf;
    } bad[] = {{-1, 0.95}, {5, 0.0}, {5, 1.0}, {5, -0.5}, {5, 1.5}, {5, NAN}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lo = up = 0.0;
        safer_poisson_ci(bad[i].k, bad[i].conf, &lo, &up);
        assert_true(isnan(lo) && isnan(up));
    }
}

/* ---- Gi* --------------------------------------------------------------------------- */

struct grid {
    int32_t *ci, *cj;
    double *x;
    size_t n;
};

static void grid_load(struct grid *g, const char *path)
{
    struct table t;
    table_load(&t, path);
    g->n = t.n;
    g->ci = malloc(t.n * sizeof(*g->ci));
    g->cj = malloc(t.n * sizeof(*g->cj));
    g->x = malloc(t.n * sizeof(*g->x));
    assert_non_null(g->ci);
    assert_non_null(g->cj);
    assert_non_null(g->x);
    for (size_t k = 0; k < t.n; k++) {
        g->ci[k] = (int32_t)lnum(t.rows[k].f[0]);
        g->cj[k] = (int32_t)lnum(t.rows[k].f[1]);
        g->x[k] = num(t.rows[k].f[2]);
    }
    table_free(&t);
}

static void grid_free(struct grid *g)
{
    free(g->ci);
    free(g->cj);
    free(g->x);
}

static double max_padj_rel; /* largest relative difference of p_adj seen */

/* Run Gi* on g and compare with the expected file; returns max |dz|. */
static double check_gistar(const struct grid *g, const char *expected, int want_rc)
{
    struct table t;
    double *z = malloc(g->n * sizeof(*z)), *padj = malloc(g->n * sizeof(*padj));
    uint32_t *w = malloc(g->n * sizeof(*w));
    enum safer_gi_class *cls = malloc(g->n * sizeof(*cls));
    struct safer_err err = { 0 };
    double maxdz = 0.0;

    assert_non_null(z);
    assert_non_null(padj);
    assert_non_null(w);
    assert_non_null(cls);
    int rc = safer_gistar(g->ci, g->cj, g->x, g->n, z, w, &err);
    assert_int_equal(rc, want_rc);
    safer_gi_classify(z, g->n, padj, cls);

    table_load(&t, expected);
    assert_int_equal(t.n, g->n);
    for (size_t k = 0; k < t.n; k++) {
        const struct row *r = &t.rows[k];
        /* Same cells, same order; a moved island may differ in position only. */
        check_close(z[k], num(r->f[2]), 1e-9, 0.0, &maxdz, "Gi* z", k);
        assert_int_equal(w[k], lnum(r->f[3]));
        if (r->nf >= 7) {
            check_close(safer_pnorm_two_sided(z[k]), num(r->f[4]), 0.0, 1e-9, NULL, "Gi* p", k);
            check_close(padj[k], num(r->f[5]), 0.0, 1e-9, NULL, "Gi* p_adj", k);
            if (rel_diff(padj[k], num(r->f[5])) > max_padj_rel)
                max_padj_rel = rel_diff(padj[k], num(r->f[5]));
            assert_string_equal(safer_gi_class_name(cls[k]), r->f[6]);
        } else {
            assert_int_equal(cls[k], SAFER_GI_NO_SCORE);
        }
    }
    table_free(&t);
    free(z);
    free(padj);
    free(w);
    free(cls);
    return maxdz;
}

static void test_gistar_matches_localG(void **state)
{
    (void)state;
    struct grid g;
    grid_load(&g, SPDEP "gistar_cells.csv");
    assert_true(g.n > 100);
    double d = check_gistar(&g, SPDEP "gistar_expected.csv", 0);
    print_message("Gi*: %zu cells, max |z - R| = %.3g, max relative p_adj difference %.3g\n",
                  g.n, d, max_padj_rel);
    grid_free(&g);
}

static void test_gistar_sparse_grid_matches_localG(void **state)
{
    (void)state;
    struct grid g;
    size_t moved = 0;

    /* Move the isolated cell (30, 30) to the far corner of the index range:
     * the bounding box is then far too sparse for the dense array, and the
     * isolated cell's score does not depend on where it is. */
    grid_load(&g, SPDEP "gistar_cells.csv");
    for (size_t k = 0; k < g.n; k++) {
        if (g.ci[k] == 30 && g.cj[k] == 30) {
            g.ci[k] = INT32_MAX;
            g.cj[k] = INT32_MIN;
            moved++;
        }
    }
    assert_int_equal(moved, 1);
    double d = check_gistar(&g, SPDEP "gistar_expected.csv", 0);
    print_message("Gi* (sparse index): max |z - R| = %.3g\n", d);
    grid_free(&g);
}

static void test_gistar_constant_grid_has_no_score(void **state)
{
    (void)state;
    struct grid g;
    grid_load(&g, SPDEP "gistar_constant_cells.csv");
    check_gistar(&g, SPDEP "gistar_constant_expected.csv", SAFER_STATS_NO_SCORE);
    grid_free(&g);
}

/* Gi* by the formula, over all pairs of cells. */
static void naive_gistar(const struct grid *g, double *z)
{
    double n = (double)g->n, sum = 0.0, ss = 0.0;
    for (size_t k = 0; k < g->n; k++)
        sum += g->x[k];
    double xbar = sum / n;
    for (size_t k = 0; k < g->n; k++)
        ss += (g->x[k] - xbar) * (g->x[k] - xbar);
    double s = sqrt(ss / n);
    for (size_t a = 0; a < g->n; a++) {
        double lx = 0.0, w = 0.0;
        for (size_t b = 0; b < g->n; b++) {
            if (llabs((long long)g->ci[a] - g->ci[b]) <= 1 &&
                llabs((long long)g->cj[a] - g->cj[b]) <= 1) {
                lx += g->x[b];
                w += 1.0;
            }
        }
        z[a] = (lx - xbar * w) / (s * sqrt((n * w - w * w) / (n - 1.0)));
    }
}

static void test_gistar_random_grids_match_formula(void **state)
{
    (void)state;
    unsigned seed = 12345;
    for (int round = 0; round < 4; round++) {
        struct grid g = { 0 };
        size_t cap = 1500;
        g.ci = malloc(cap * sizeof(*g.ci));
        g.cj = malloc(cap * sizeof(*g.cj));
        g.x = malloc(cap * sizeof(*g.x));
        assert_non_null(g.ci);
        assert_non_null(g.cj);
        assert_non_null(g.x);
        /* About half of a 50 x 50 box near the bottom of the index range;
         * rounds 2 and 3 add a cell at the top, forcing the sparse index. */
        for (int j = 0; j < 50 && g.n < cap - 1; j++) {
            for (int i = 0; i < 50 && g.n < cap - 1; i++) {
                seed = seed * 1103515245u + 12345u;
                if ((seed >> 16) % 2)
                    continue;
                g.ci[g.n] = INT32_MIN + i;
                g.cj[g.n] = INT32_MIN + j;
                g.x[g.n] = (double)((seed >> 8) % 17);
                g.n++;
            }
        }
        if (round >= 2) {
            g.ci[g.n] = INT32_MAX;
            g.cj[g.n] = INT32_MAX;
            g.x[g.n] = 3.0;
            g.n++;
        }
        double *z = malloc(g.n * sizeof(*z)), *want = malloc(g.n * sizeof(*want));
        assert_non_null(z);
        assert_non_null(want);
        assert_int_equal(safer_gistar(g.ci, g.cj, g.x, g.n, z, NULL, NULL), 0);
        naive_gistar(&g, want);
        for (size_t k = 0; k < g.n; k++)
            check_close(z[k], want[k], 1e-11, 0.0, NULL, "Gi* vs formula", k);
        free(z);
        free(want);
        grid_free(&g);
    }
}

static void test_gistar_whole_grid_neighbourhood_has_no_z(void **state)
{
    (void)state;
    /* A 3 x 3 block: the centre's neighbourhood is the whole grid. */
    int32_t ci[9], cj[9];
    double x[9], z[9];
    uint32_t w[9];
    for (int k = 0; k < 9; k++) {
        ci[k] = k % 3;
        cj[k] = k / 3;
        x[k] = (double)(k * k % 7);
    }
    assert_int_equal(safer_gistar(ci, cj, x, 9, z, w, NULL), 0);
    assert_true(isnan(z[4]));
    assert_int_equal(w[4], 9);
    for (int k = 0; k < 9; k++)
        if (k != 4)
            assert_true(isfinite(z[k]));
    /* Two adjacent cells: no cell has a z. */
    assert_int_equal(safer_gistar(ci, cj, x + 1, 2, z, w, NULL), SAFER_STATS_NO_SCORE);
    assert_true(isnan(z[0]) && isnan(z[1]));
}

static void test_gistar_rejects_bad_input(void **state)
{
    (void)state;
    int32_t ci[4] = { 0, 1, 2, 1 }, cj[4] = { 0, 0, 0, 0 };
    int32_t far_i[4] = { 0, 1, INT32_MAX, 1 };
    double x[4] = { 1, 2, 3, 4 }, z[4];
    struct safer_err err = { 0 };

    assert_int_equal(safer_gistar(ci, cj, x, 4, z, NULL, &err), SAFER_EINVAL);
    assert_string_equal(err.msg, "cell (1, 0) appears twice in the grid");
    safer_err_clear(&err);
    /* The same through the sparse index. */
    assert_int_equal(safer_gistar(far_i, cj, x, 4, z, NULL, &err), SAFER_EINVAL);
    assert_string_equal(err.msg, "cell (1, 0) appears twice in the grid");
    safer_err_clear(&err);
    assert_int_equal(safer_gistar(ci, cj, x, 1, z, NULL, &err), SAFER_EINVAL);
    assert_string_equal(err.msg, "study grid has 1 cells, Gi* needs at least 2");
    assert_int_equal(safer_gistar(ci, cj, x, 0, z, NULL, NULL), SAFER_EINVAL);
    x[2] = NAN;
    assert_int_equal(safer_gistar(ci, cj, x, 3, z, NULL, NULL), SAFER_EINVAL);
    x[2] = INFINITY;
    assert_int_equal(safer_gistar(ci, cj, x, 3, z, NULL, NULL), SAFER_EINVAL);
    /* Over the limit fails before any array is read. */
    assert_int_equal(safer_gistar(ci, cj, x, (size_t)SAFER_LIMIT_GRID_CELLS + 1, z, NULL, NULL),
                     SAFER_ETOOBIG);
    assert_int_equal(safer_gistar(NULL, cj, x, 3, z, NULL, NULL), SAFER_EINVAL);
}

static void test_gi_class_thresholds(void **state)
{
    (void)state;
    static const struct {
        double z, p_adj;
        enum safer_gi_class want;
        const char *name;
    } cases[] = {
        { 3.1, 0.0099, SAFER_GI_HOT99, "hot99" },   { 3.1, 0.01, SAFER_GI_HOT95, "hot95" },
        { 2.0, 0.0499, SAFER_GI_HOT95, "hot95" },   { 2.0, 0.05, SAFER_GI_HOT90, "hot90" },
        { 1.7, 0.0999, SAFER_GI_HOT90, "hot90" },   { 1.7, 0.10, SAFER_GI_NONE, "none" },
        { -3.1, 0.0099, SAFER_GI_COLD99, "cold99" }, { -2.0, 0.01, SAFER_GI_COLD95, "cold95" },
        { -1.7, 0.05, SAFER_GI_COLD90, "cold90" },  { -1.0, 0.5, SAFER_GI_NONE, "none" },
        { 0.0, 1.0, SAFER_GI_NONE, "none" },        { 0.0, 0.001, SAFER_GI_NONE, "none" },
        { NAN, 0.001, SAFER_GI_NO_SCORE, "no_score" }, { 2.0, NAN, SAFER_GI_NO_SCORE, "no_score" },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        enum safer_gi_class c = safer_gi_class_of(cases[k].z, cases[k].p_adj);
        assert_int_equal(c, cases[k].want);
        assert_string_equal(safer_gi_class_name(c), cases[k].name);
    }
    assert_string_equal(safer_gi_class_name((enum safer_gi_class)42), "unknown");

    /* Classification adjusts over the scored cells only. */
    double z[4] = { 4.0, NAN, -4.0, 0.5 }, padj[4];
    enum safer_gi_class cls[4];
    safer_gi_classify(z, 4, padj, cls);
    assert_int_equal(cls[0], SAFER_GI_HOT99);
    assert_int_equal(cls[1], SAFER_GI_NO_SCORE);
    assert_int_equal(cls[2], SAFER_GI_COLD99);
    assert_int_equal(cls[3], SAFER_GI_NONE);
    assert_true(isnan(padj[1]));
    assert_near(padj[3], safer_pnorm_two_sided(0.5), 1e-15);
    safer_gi_classify(z, 4, NULL, cls);
    assert_int_equal(cls[0], SAFER_GI_HOT99);
}

/* ---- Polygons and contiguity ------------------------------------------------ */

#define MAX_AREAS 32

struct areas {
    struct safer_geom g[MAX_AREAS];
    double value[MAX_AREAS];
    char id[MAX_AREAS][8];
    size_t n;
};

/* Append the rings of one GeoJSON Polygon's coordinates as one part. */
static void add_polygon(struct safer_geom *g, json_t *rings, uint32_t *pt, uint32_t *ring,
                        uint32_t *part)
{
    size_t r;
    json_t *jring;
    g->part_start[(*part)++] = *ring;
    json_array_foreach(rings, r, jring) {
        size_t k;
        json_t *pos;
        g->ring_start[(*ring)++] = *pt;
        json_array_foreach(jring, k, pos) {
            g->xy[2 * *pt] = json_number_value(json_array_get(pos, 0));
            g->xy[2 * *pt + 1] = json_number_value(json_array_get(pos, 1));
            (*pt)++;
        }
    }
}

static size_t count_positions(json_t *rings, size_t *nrings)
{
    size_t r, pts = 0;
    json_t *jring;
    json_array_foreach(rings, r, jring) {
        pts += json_array_size(jring);
        (*nrings)++;
    }
    return pts;
}

static void areas_load(struct areas *a)
{
    json_error_t jerr;
    json_t *root = json_load_file(SPDEP "polygons.geojson", 0, &jerr);
    if (!root)
        fail_msg("polygons.geojson:%d: %s", jerr.line, jerr.text);
    json_t *features = json_object_get(root, "features");
    assert_true(json_is_array(features));
    assert_true(json_array_size(features) <= MAX_AREAS);

    size_t i;
    json_t *f;
    a->n = 0;
    json_array_foreach(features, i, f) {
        json_t *props = json_object_get(f, "properties");
        json_t *geom = json_object_get(f, "geometry");
        const char *type = json_string_value(json_object_get(geom, "type"));
        json_t *coords = json_object_get(geom, "coordinates");
        bool multi = strcmp(type, "MultiPolygon") == 0;
        struct safer_geom *g = &a->g[a->n];

        assert_true(multi || strcmp(type, "Polygon") == 0);
        snprintf(a->id[a->n], sizeof(a->id[a->n]), "%s",
                 json_string_value(json_object_get(props, "id")));
        a->value[a->n] = json_number_value(json_object_get(props, "value"));

        size_t nrings = 0, npts = 0, nparts = multi ? json_array_size(coords) : 1;
        if (multi) {
            size_t p;
            json_t *poly;
            json_array_foreach(coords, p, poly) npts += count_positions(poly, &nrings);
        } else {
            npts = count_positions(coords, &nrings);
        }
        g->xy = malloc(2 * npts * sizeof(*g->xy));
        g->ring_start = malloc((nrings + 1) * sizeof(*g->ring_start));
        g->part_start = malloc((nparts + 1) * sizeof(*g->part_start));
        assert_non_null(g->xy);
        assert_non_null(g->ring_start);
        assert_non_null(g->part_start);

        uint32_t pt = 0, ring = 0, part = 0;
        if (multi) {
            size_t p;
            json_t *poly;
            json_array_foreach(coords, p, poly) add_polygon(g, poly, &pt, &ring, &part);
        } else {
            add_polygon(g, coords, &pt, &ring, &part);
        }
        g->ring_start[ring] = pt;
        g->part_start[part] = ring;
        g->npoints = pt;
        g->nrings = ring;
        g->nparts = part;
        g->minx = g->miny = INFINITY;
        g->maxx = g->maxy = -INFINITY;
        for (uint32_t k = 0; k < pt; k++) {
            g->minx = fmin(g->minx, g->xy[2 * k]);
            g->maxx = fmax(g->maxx, g->xy[2 * k]);
            g->miny = fmin(g->miny, g->xy[2 * k + 1]);
            g->maxy = fmax(g->maxy, g->xy[2 * k + 1]);
        }
        a->n++;
    }
    json_decref(root);
}

static void areas_free(struct areas *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->g[i].xy);
        free(a->g[i].ring_start);
        free(a->g[i].part_start);
    }
}

static void assert_nb_sane(const struct safer_nb *nb)
{
    assert_int_equal(nb->start[0], 0);
    for (size_t i = 0; i < nb->n; i++) {
        for (uint32_t k = nb->start[i]; k < nb->start[i + 1]; k++) {
            uint32_t j = nb->adj[k];
            assert_true(j < nb->n && j != i);
            if (k > nb->start[i])
                assert_true(nb->adj[k - 1] < j);
            /* Symmetric: i is among j's neighbours. */
            bool back = false;
            for (uint32_t m = nb->start[j]; m < nb->start[j + 1]; m++)
                back = back || nb->adj[m] == i;
            assert_true(back);
        }
    }
}

/* "1 2 3" as the row of area i in nb. */
static void assert_row_equal(const struct safer_nb *nb, size_t i, const char *want, double snap)
{
    char got[256] = "";
    size_t len = 0;
    for (uint32_t k = nb->start[i]; k < nb->start[i + 1]; k++)
        len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%u", k > nb->start[i] ? " " : "",
                                (unsigned)nb->adj[k]);
    if (strcmp(got, want) != 0)
        fail_msg("snap %g, area %zu: neighbours '%s', poly2nb has '%s'", snap, i, got, want);
}

static void test_nb_queen_matches_poly2nb(void **state)
{
    (void)state;
    struct areas a;
    struct table t;
    size_t snaps = 0;

    areas_load(&a);
    assert_int_equal(a.n, 14);
    table_load(&t, SPDEP "poly2nb.csv");
    for (size_t k = 0; k < t.n; k += a.n) {
        double snap = num(t.rows[k].f[0]);
        struct safer_nb nb;
        assert_int_equal(safer_nb_queen(&nb, a.g, a.n, snap, NULL), 0);
        assert_int_equal(nb.n, a.n);
        assert_nb_sane(&nb);
        for (size_t i = 0; i < a.n; i++) {
            const struct row *r = &t.rows[k + i];
            assert_int_equal(lnum(r->f[1]), i);
            assert_string_equal(r->f[2], a.id[i]);
            assert_row_equal(&nb, i, r->nf > 3 ? r->f[3] : "", snap);
        }
        if (snap == SAFER_NB_SNAP_DEFAULT)
            assert_int_equal(safer_nb_islands(&nb), 2); /* G in E's hole, and M */
        safer_nb_release(&nb);
        assert_null(nb.start);
        snaps++;
    }
    assert_int_equal(snaps, 3);
    table_free(&t);
    areas_free(&a);
}

static void test_nb_queen_rejects_bad_input(void **state)
{
    (void)state;
    struct areas a;
    struct safer_nb nb;
    struct safer_err err = { 0 };

    areas_load(&a);
    assert_int_equal(safer_nb_queen(&nb, a.g, 0, SAFER_NB_SNAP_DEFAULT, NULL), SAFER_EINVAL);
    assert_int_equal(safer_nb_queen(&nb, a.g, a.n, -1.0, NULL), SAFER_EINVAL);
    assert_int_equal(safer_nb_queen(&nb, a.g, a.n, NAN, NULL), SAFER_EINVAL);
    assert_int_equal(safer_nb_queen(&nb, a.g, a.n, INFINITY, NULL), SAFER_EINVAL);
    assert_int_equal(safer_nb_queen(&nb, a.g, (size_t)SAFER_LIMIT_AREAS + 1, 1e-8, NULL),
                     SAFER_ETOOBIG);

    double saved = a.g[3].xy[5];
    a.g[3].xy[5] = NAN;
    assert_int_equal(safer_nb_queen(&nb, a.g, a.n, SAFER_NB_SNAP_DEFAULT, &err), SAFER_EINVAL);
    assert_string_equal(err.msg, "area 3: position 2 is not finite");
    safer_err_clear(&err);
    /* Any finite position is fine, however far out. */
    a.g[3].xy[5] = 1e300;
    assert_int_equal(safer_nb_queen(&nb, a.g, a.n, SAFER_NB_SNAP_DEFAULT, NULL), 0);
    safer_nb_release(&nb);
    a.g[3].xy[5] = saved;

    uint32_t saved_n = a.g[2].npoints;
    a.g[2].npoints = 0;
    assert_int_equal(safer_nb_queen(&nb, a.g, a.n, SAFER_NB_SNAP_DEFAULT, &err), SAFER_EINVAL);
    assert_string_equal(err.msg, "area 2 has no positions");
    a.g[2].npoints = saved_n;
    assert_null(nb.start); /* left empty on error */
    assert_int_equal(nb.n, 0);

    /* A single area is an island. */
    assert_int_equal(safer_nb_queen(&nb, a.g, 1, SAFER_NB_SNAP_DEFAULT, NULL), 0);
    assert_int_equal(safer_nb_islands(&nb), 1);
    safer_nb_release(&nb);
    areas_free(&a);
}

static void test_nb_queen_many_areas_on_a_line(void **state)
{
    (void)state;
    /* 300 unit squares in a column share vertices along x = 0 and x = 1:
     * the sorted cells must not degrade into all pairs. */
    enum { N = 300 };
    struct safer_geom *g = calloc(N, sizeof(*g));
    assert_non_null(g);
    for (int i = 0; i < N; i++) {
        double y0 = i, y1 = i + 1;
        double xy[10] = { 0, y0, 1, y0, 1, y1, 0, y1, 0, y0 };
        g[i].xy = malloc(sizeof(xy));
        assert_non_null(g[i].xy);
        memcpy(g[i].xy, xy, sizeof(xy));
        g[i].npoints = 5;
    }
    struct safer_nb nb;
    assert_int_equal(safer_nb_queen(&nb, g, N, SAFER_NB_SNAP_DEFAULT, NULL), 0);
    assert_nb_sane(&nb);
    for (int i = 0; i < N; i++)
        assert_int_equal(nb.start[i + 1] - nb.start[i], i == 0 || i == N - 1 ? 1 : 2);
    safer_nb_release(&nb);
    for (int i = 0; i < N; i++)
        free(g[i].xy);
    free(g);
}

/* ---- Moran's I ------------------------------------------------------------------- */

struct moran_want {
    double I, expectation, variance, z, p_value;
    size_t n_used, islands;
};

static void moran_want_load(struct moran_want *w, const char *fixture, const char *style)
{
    struct table t;
    bool found = false;
    table_load(&t, SPDEP "moran.csv");
    for (size_t k = 0; k < t.n; k++) {
        const struct row *r = &t.rows[k];
        if (strcmp(r->f[0], fixture) != 0 || strcmp(r->f[1], style) != 0)
            continue;
        *w = (struct moran_want){ num(r->f[2]),
                                  num(r->f[3]),
                                  num(r->f[4]),
                                  num(r->f[5]),
                                  num(r->f[6]),
                                  (size_t)lnum(r->f[7]),
                                  (size_t)lnum(r->f[8]) };
        found = true;
    }
    table_free(&t);
    assert_true(found);
}

static double max_moran_diff;

static void check_moran(const double *x, const struct safer_nb *nb, const char *fixture)
{
    static const struct {
        enum safer_moran_style style;
        const char *name;
    } styles[] = { { SAFER_MORAN_W, "W" }, { SAFER_MORAN_B, "B" } };

    for (size_t s = 0; s < 2; s++) {
        struct moran_want w = { 0 };
        struct safer_moran m;
        moran_want_load(&w, fixture, styles[s].name);
        double d[4] = { 0, 0, 0, 0 };
        assert_int_equal(safer_moran_test(x, nb, styles[s].style, &m, NULL), 0);
        check_close(m.I, w.I, 1e-9, 0.0, &d[0], "Moran I", s);
        check_close(m.expectation, w.expectation, 1e-9, 0.0, &d[1], "Moran E(I)", s);
        check_close(m.variance, w.variance, 1e-9, 0.0, &d[2], "Moran Var(I)", s);
        check_close(m.z, w.z, 1e-9, 0.0, &d[3], "Moran z", s);
        check_close(m.p_value, w.p_value, 0.0, 1e-9, NULL, "Moran p", s);
        assert_int_equal(m.n_used, w.n_used);
        assert_int_equal(m.islands, w.islands);
        print_message("Moran %s %s: |dI| %.3g, |dE| %.3g, |dVar| %.3g, |dz| %.3g, "
                      "p rel %.3g\n",
                      fixture, styles[s].name, d[0], d[1], d[2], d[3],
                      rel_diff(m.p_value, w.p_value));
        for (int q = 0; q < 4; q++)
            if (d[q] > max_moran_diff)
                max_moran_diff = d[q];
    }
}

static void test_moran_polygons_matches_spdep(void **state)
{
    (void)state;
    struct areas a;
    struct safer_nb nb;

    areas_load(&a);
    assert_int_equal(safer_nb_queen(&nb, a.g, a.n, SAFER_NB_SNAP_DEFAULT, NULL), 0);
    max_moran_diff = 0.0;
    check_moran(a.value, &nb, "polygons");
    print_message("Moran (polygons): max abs difference %.3g\n", max_moran_diff);
    safer_nb_release(&nb);
    areas_free(&a);
}

/* Queen neighbours, without self, among the cells of g: by brute force. */
static void grid_nb(const struct grid *g, struct safer_nb *nb)
{
    nb->n = g->n;
    nb->start = calloc(g->n + 1, sizeof(*nb->start));
    nb->adj = malloc(g->n * 8 * sizeof(*nb->adj));
    assert_non_null(nb->start);
    assert_non_null(nb->adj);
    uint32_t e = 0;
    for (size_t a = 0; a < g->n; a++) {
        for (size_t b = 0; b < g->n; b++)
            if (a != b && llabs((long long)g->ci[a] - g->ci[b]) <= 1 &&
                llabs((long long)g->cj[a] - g->cj[b]) <= 1)
                nb->adj[e++] = (uint32_t)b;
        nb->start[a + 1] = e;
    }
}

static void test_moran_grid_matches_spdep(void **state)
{
    (void)state;
    struct grid g;
    struct safer_nb nb;

    grid_load(&g, SPDEP "gistar_cells.csv");
    grid_nb(&g, &nb);
    max_moran_diff = 0.0;
    check_moran(g.x, &nb, "grid");
    print_message("Moran (grid): max abs difference %.3g\n", max_moran_diff);
    safer_nb_release(&nb);
    grid_free(&g);
}

static void test_moran_no_score(void **state)
{
    (void)state;
    /* Areas 0-1-2-3-4 in a chain and island 5. */
    uint32_t start[7] = { 0, 1, 3, 5, 7, 8, 8 };
    uint32_t adj[8] = { 1, 0, 2, 1, 3, 2, 4, 3 };
    struct safer_nb nb = { .n = 6, .start = start, .adj = adj };
    double flat[6] = { 2, 2, 2, 2, 2, 2 };
    double x[6] = { 1, 5, 2, 8, 3, 4 };
    struct safer_moran m;

    assert_int_equal(safer_moran_test(flat, &nb, SAFER_MORAN_W, &m, NULL), SAFER_STATS_NO_SCORE);
    assert_true(isnan(m.I) && isnan(m.z) && isnan(m.p_value) && isnan(m.variance));
    assert_int_equal(m.islands, 1);
    assert_int_equal(m.n_used, 5);

    assert_int_equal(safer_moran_test(x, &nb, SAFER_MORAN_B, &m, NULL), 0);
    assert_true(isfinite(m.z) && m.p_value > 0.0 && m.p_value < 1.0);
    assert_near(m.expectation, -0.25, 1e-15);

    /* Three areas with neighbours: no variance. */
    uint32_t start3[5] = { 0, 1, 3, 4, 4 };
    uint32_t adj3[4] = { 1, 0, 2, 1 };
    struct safer_nb nb3 = { .n = 4, .start = start3, .adj = adj3 };
    assert_int_equal(safer_moran_test(x, &nb3, SAFER_MORAN_W, &m, NULL), SAFER_STATS_NO_SCORE);
    assert_true(isfinite(m.I) && isnan(m.z) && isnan(m.variance));
    assert_near(m.expectation, -0.5, 1e-15);

    /* No neighbours at all. */
    uint32_t start0[4] = { 0, 0, 0, 0 };
    struct safer_nb nb0 = { .n = 3, .start = start0, .adj = NULL };
    assert_int_equal(safer_moran_test(x, &nb0, SAFER_MORAN_W, &m, NULL), SAFER_STATS_NO_SCORE);
    assert_true(isnan(m.I));
    assert_int_equal(m.islands, 3);
}

static void test_moran_rejects_bad_input(void **state)
{
    (void)state;
    double x[4] = { 1, 2, 3, 4 };
    struct safer_moran m;
    struct safer_err err = { 0 };
    static const struct {
        uint32_t start[5];
        uint32_t adj[6];
        const char *msg;
    } cases[] = {
        { { 0, 1, 2, 3, 4 }, { 1, 0, 3, 7 }, "area 3 has neighbour 7, beyond the 4 areas" },
        { { 0, 2, 3, 4, 5 }, { 2, 1, 0, 3, 2 }, "neighbours of area 0 are not in ascending order" },
        { { 0, 2, 3, 4, 5 }, { 1, 1, 0, 3, 2 }, "neighbours of area 0 are not in ascending order" },
        { { 0, 1, 2, 3, 4 }, { 1, 0, 2, 2 }, "area 2 is its own neighbour" },
        { { 0, 1, 3, 2, 4 }, { 1, 0, 2, 3 }, "malformed neighbour list at area 2" },
        { { 1, 1, 2, 3, 4 }, { 1, 0, 3, 2 }, "malformed neighbour list" },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct safer_nb nb = { .n = 4, .start = (uint32_t *)cases[k].start,
                               .adj = (uint32_t *)cases[k].adj };
        safer_err_clear(&err);
        assert_int_equal(safer_moran_test(x, &nb, SAFER_MORAN_W, &m, &err), SAFER_EINVAL);
        assert_string_equal(err.msg, cases[k].msg);
    }

    uint32_t start[5] = { 0, 1, 3, 4, 4 }, adj[4] = { 1, 0, 2, 1 };
    struct safer_nb nb = { .n = 4, .start = start, .adj = adj };
    struct safer_nb one = { .n = 1, .start = start, .adj = adj };
    assert_int_equal(safer_moran_test(x, &one, SAFER_MORAN_W, &m, NULL), SAFER_EINVAL);
    assert_int_equal(safer_moran_test(x, &nb, (enum safer_moran_style)7, &m, NULL), SAFER_EINVAL);
    x[1] = NAN;
    assert_int_equal(safer_moran_test(x, &nb, SAFER_MORAN_W, &m, NULL), SAFER_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pnorm_matches_r),
        cmocka_unit_test(test_p_adjust_bh_matches_r),
        cmocka_unit_test(test_binom_test_half_matches_r),
        cmocka_unit_test(test_binom_test_half_edges),
        cmocka_unit_test(test_poisson_ci_matches_definition),
        cmocka_unit_test(test_poisson_ci_closed_forms_and_edges),
        cmocka_unit_test(test_gistar_matches_localG),
        cmocka_unit_test(test_gistar_sparse_grid_matches_localG),
        cmocka_unit_test(test_gistar_constant_grid_has_no_score),
        cmocka_unit_test(test_gistar_random_grids_match_formula),
        cmocka_unit_test(test_gistar_whole_grid_neighbourhood_has_no_z),
        cmocka_unit_test(test_gistar_rejects_bad_input),
        cmocka_unit_test(test_gi_class_thresholds),
        cmocka_unit_test(test_nb_queen_matches_poly2nb),
        cmocka_unit_test(test_nb_queen_rejects_bad_input),
        cmocka_unit_test(test_nb_queen_many_areas_on_a_line),
        cmocka_unit_test(test_moran_polygons_matches_spdep),
        cmocka_unit_test(test_moran_grid_matches_spdep),
        cmocka_unit_test(test_moran_no_score),
        cmocka_unit_test(test_moran_rejects_bad_input),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
