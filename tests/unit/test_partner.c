/*
 * test_partner.c - partner data (partner.h): the mapping's checks, the
 * correlations against direct computations, and the suppression of a
 * table by ward and month with its margins and change windows, checked by
 * brute force: no small count can be worked out from what is shown.
 *
 * The brute force is independent of the elimination safer_suppress()
 * does: a hidden count can be worked out exactly when no other values of
 * the hidden cells keep every shown total. It tries every change of -1, 0
 * or +1 to each hidden cell (3^H of them) that keeps every relation of the
 * published figures and leaves no count negative, and asks that each
 * small count be changed by one of them.
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

#include "safer/buf.h"
#include "safer/partner.h"
#include "safer/place.h"

/* ---- the mapping ---- */

#define BASE                                                                                       \
    "\"key\": \"fires\", \"title\": \"Deliberate fires\", \"agency\": \"Fire\", \"source\": \"IRS\", " \
    "\"licence\": \"DSA 1\", "

static void test_map_good(void **state)
{
    (void)state;
    struct safer_partner_map m;
    safer_partner_map_init(&m);
    struct safer_err err = {0};
    const char *j = "{" BASE "\"threshold\": 5, \"date\": \"Date\", \"place_kind\": \"Point\","
                    " \"longitude\": \"Lon\", \"latitude\": \"Lat\", \"category_value\": \"fire\","
                    " \"police_category\": \"Criminal damage and arson\"}";
    assert_int_equal(safer_partner_map_parse(j, strlen(j), "m.json", &m, &err), 0);
    assert_string_equal(m.key, "fires");
    assert_int_equal(m.threshold, 5);
    assert_int_equal(m.place_kind, SAFER_PLACE_POINT);
    assert_string_equal(m.col_date, "Date");
    assert_null(m.col_month);
    assert_null(m.col_count);
    assert_string_equal(m.category, "fire");
    assert_string_equal(m.police_category, "Criminal damage and arson");
    safer_partner_map_release(&m);
}

static void test_map_errors(void **state)
{
    (void)state;
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"", "m.json: not JSON"},
        {"[1]", "m.json: a mapping is one JSON object"},
        {"{" BASE "\"threshold\": 5, \"month\": \"M\", \"place_kind\": \"ward\", \"place\": \"W\","
         " \"category_value\": \"x\", \"license\": \"y\"}",
         "m.json: unknown key 'license'"},
        {"{\"key\": \"a\"}", "m.json: key 'title' is missing"},
        {"{" BASE "\"month\": \"M\", \"place_kind\": \"ward\", \"place\": \"W\","
         " \"category_value\": \"x\"}",
         "m.json: key 'threshold' is missing"},
        {"{" BASE "\"threshold\": 0, \"month\": \"M\", \"place_kind\": \"ward\", \"place\": \"W\","
         " \"category_value\": \"x\"}",
         "m.json: key 'threshold' must be a whole number from 1 to 1000"},
        {"{" BASE "\"threshold\": \"5\", \"month\": \"M\", \"place_kind\": \"ward\", \"place\": "
         "\"W\", \"category_value\": \"x\"}",
         "m.json: key 'threshold' must be a whole number"},
        {"{" BASE "\"threshold\": 5, \"place_kind\": \"ward\", \"place\": \"W\","
         " \"category_value\": \"x\"}",
         "m.json: give one of the keys 'month' and 'date'"},
        {"{" BASE "\"threshold\": 5, \"month\": \"M\", \"date\": \"D\", \"place_kind\": \"ward\","
         " \"place\": \"W\", \"category_value\": \"x\"}",
         "m.json: give one of the keys 'month' and 'date'"},
        {"{" BASE "\"threshold\": 5, \"month\": \"M\", \"place_kind\": \"street\", \"place\": \"W\","
         " \"category_value\": \"x\"}",
         "m.json: key 'place_kind': 'street' is not one of point, postcode, lsoa, ward"},
        {"{" BASE "\"threshold\": 5, \"month\": \"M\", \"place_kind\": \"point\", \"place\": \"W\","
         " \"category_value\": \"x\"}",
         "m.json: place_kind 'point' needs keys 'longitude' and 'latitude'"},
        {"{" BASE "\"threshold\": 5, \"month\": \"M\", \"place_kind\": \"lsoa\","
         " \"category_value\": \"x\"}",
         "m.json: place_kind 'lsoa' needs key 'place'"},
        {"{" BASE "\"threshold\": 5, \"month\": \"M\", \"place_kind\": \"ward\", \"place\": \"W\"}",
         "m.json: give one of the keys 'category' (a column) and 'category_value'"},
        {"{" BASE "\"threshold\": 5, \"month\": 3, \"place_kind\": \"ward\", \"place\": \"W\","
         " \"category_value\": \"x\"}",
         "m.json: key 'month' must be a string"},
        {"{\"key\": \"Fires!\", \"title\": \"t\", \"agency\": \"a\", \"source\": \"s\","
         " \"licence\": \"l\", \"threshold\": 5, \"month\": \"M\", \"place_kind\": \"ward\","
         " \"place\": \"W\", \"category_value\": \"x\"}",
         "m.json: key 'key': 'Fires!' must be 1 to 40 lower-case letters"},
        {"{\"key\": \"a\", \"key\": \"b\"}", "m.json: key 'key' given twice"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct safer_partner_map m;
        safer_partner_map_init(&m);
        struct safer_err err = {0};
        int rc = safer_partner_map_parse(cases[i].json, strlen(cases[i].json), "m.json", &m, &err);
        if (rc != SAFER_EPARSE || strncmp(err.msg, cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("case %zu: rc %d, '%s', want '%s'", i, rc, err.msg, cases[i].want);
        assert_null(m.key);
        safer_partner_map_release(&m);
    }
}

/* ---- correlations ---- */

/* Pearson's r by the textbook one-pass formula in long double. */
static double direct_r(const double *x, const double *y, size_t n)
{
    long double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
        sxx += (long double)x[i] * x[i];
        syy += (long double)y[i] * y[i];
        sxy += (long double)x[i] * y[i];
    }
    long double N = (long double)n;
    return (double)((N * sxy - sx * sy) / sqrtl((N * sxx - sx * sx) * (N * syy - sy * sy)));
}

static void test_correlation(void **state)
{
    (void)state;
    /* r = sqrt(0.6) exactly: sxy = 6, sxx = 10, syy = 6. */
    const double x[] = {1, 2, 3, 4, 5}, y[] = {2, 4, 5, 4, 5};
    assert_true(fabs(safer_pearson(x, y, 5) - sqrt(0.6)) < 1e-15);
    /* Spearman with ties: ranks of y are 1, 2.5, 4.5, 2.5, 4.5. */
    const double ry[] = {1, 2.5, 4.5, 2.5, 4.5};
    assert_true(fabs(safer_spearman(x, y, 5) - direct_r(x, ry, 5)) < 1e-14);
    /* Without ties, rho = 1 - 6 sum d^2 / (n (n^2 - 1)). */
    const double a[] = {10, 3, 7, 1, 8, 6, 2}, b[] = {9, 1, 8, 2, 5, 7, 3};
    /* ranks a: 7 3 5 1 6 4 2; ranks b: 7 1 6 2 4 5 3; d: 0 2 -1 -1 2 -1 -1 */
    double d2 = 0 + 4 + 1 + 1 + 4 + 1 + 1;
    assert_true(fabs(safer_spearman(a, b, 7) - (1 - 6 * d2 / (7.0 * 48))) < 1e-14);
    /* Against the direct formula on 200 pseudo-random pairs. */
    double u[200], v[200];
    uint64_t s = 12345;
    for (int i = 0; i < 200; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        u[i] = (double)(s >> 40) / 1000.0;
        v[i] = u[i] * 0.3 + (double)((s >> 20) & 0xfff);
    }
    assert_true(fabs(safer_pearson(u, v, 200) - direct_r(u, v, 200)) < 1e-12);
    /* No spread, or too few: NaN. */
    const double c[] = {2, 2, 2};
    assert_true(isnan(safer_pearson(c, x, 3)));
    assert_true(isnan(safer_pearson(x, y, 2)));
}

/* Against R 4.2.2's cor() on tests/data/partner/correlation.csv (made by
 * make_correlation.R there): within 1e-13. */
static void test_correlation_r(void **state)
{
    (void)state;
    const char *path = SAFER_TEST_DATA "/partner/correlation.csv";
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    char line[8192];
    size_t cases = 0;
    assert_non_null(fgets(line, sizeof(line), f)); /* the header */
    while (fgets(line, sizeof(line), f)) {
        char *save = NULL;
        char *tok = strtok_r(line, ",", &save);
        size_t n = (size_t)strtoul(tok, NULL, 10);
        char *xs = strtok_r(NULL, ",", &save), *ys = strtok_r(NULL, ",", &save);
        double pr = strtod(strtok_r(NULL, ",", &save), NULL);
        double sp = strtod(strtok_r(NULL, ",\n", &save), NULL);
        double *x = calloc(n, sizeof(*x)), *y = calloc(n, sizeof(*y));
        char *e = xs;
        for (size_t i = 0; i < n; i++)
            x[i] = strtod(e, &e);
        e = ys;
        for (size_t i = 0; i < n; i++)
            y[i] = strtod(e, &e);
        double r = safer_pearson(x, y, n), rho = safer_spearman(x, y, n);
        if (fabs(r - pr) > 1e-13 || fabs(rho - sp) > 1e-13)
            fail_msg("case %zu (n %zu): r %.17g rho %.17g, R %.17g %.17g", cases, n, r, rho, pr,
                     sp);
        free(x);
        free(y);
        cases++;
    }
    fclose(f);
    assert_int_equal(cases, 9);
}

/* ---- suppression, by brute force ---- */

struct fig {
    size_t n;       /* figures */
    int64_t v[128]; /* their values */
    unsigned char h[128];
    /* relations: total index, part indices */
    size_t nrel, tot[64], np[64], part[64][40];
};

/* Every published figure of table t and its relations, in an order of
 * our own (not the library's). */
static void figures(const struct safer_partner_table *t, struct fig *f)
{
    memset(f, 0, sizeof(*f));
    size_t W = t->nwards, M = t->nmonths;
    size_t cell0 = 0, ward0 = W * M, month0 = ward0 + W, tot = month0 + M, prev0 = tot + 1,
           lat0 = prev0 + W + 1;
    for (size_t i = 0; i < W * M; i++) {
        f->v[cell0 + i] = t->cell[i];
        f->h[cell0 + i] = t->hid_cell[i];
    }
    for (size_t w = 0; w < W; w++) {
        f->v[ward0 + w] = t->ward_total[w];
        f->h[ward0 + w] = t->hid_ward[w];
    }
    for (size_t m = 0; m < M; m++) {
        f->v[month0 + m] = t->month_total[m];
        f->h[month0 + m] = t->hid_month[m];
    }
    f->v[tot] = t->total;
    f->h[tot] = t->hid_total;
    f->n = tot + 1;
    for (size_t w = 0; w < W; w++) {
        f->tot[f->nrel] = ward0 + w;
        for (size_t m = 0; m < M; m++)
            f->part[f->nrel][f->np[f->nrel]++] = w * M + m;
        f->nrel++;
    }
    for (size_t m = 0; m < M; m++) {
        f->tot[f->nrel] = month0 + m;
        for (size_t w = 0; w < W; w++)
            f->part[f->nrel][f->np[f->nrel]++] = w * M + m;
        f->nrel++;
    }
    f->tot[f->nrel] = tot;
    for (size_t w = 0; w < W; w++)
        f->part[f->nrel][f->np[f->nrel]++] = ward0 + w;
    f->nrel++;
    f->tot[f->nrel] = tot;
    for (size_t m = 0; m < M; m++)
        f->part[f->nrel][f->np[f->nrel]++] = month0 + m;
    f->nrel++;
    if (t->win) {
        size_t m0 = M - 2 * (size_t)t->win;
        for (int which = 0; which < 2; which++) {
            size_t o = which ? lat0 : prev0;
            const int64_t *s = which ? t->win_latest : t->win_prev;
            const unsigned char *hh = which ? t->hid_latest : t->hid_prev;
            for (size_t w = 0; w <= W; w++) {
                f->v[o + w] = s[w];
                f->h[o + w] = hh[w];
            }
            for (size_t w = 0; w < W; w++) {
                f->tot[f->nrel] = o + w;
                for (int k = 0; k < t->win; k++)
                    f->part[f->nrel][f->np[f->nrel]++] =
                        w * M + m0 + (size_t)(which * t->win) + (size_t)k;
                f->nrel++;
            }
            f->tot[f->nrel] = o + W;
            for (size_t w = 0; w < W; w++)
                f->part[f->nrel][f->np[f->nrel]++] = o + w;
            f->nrel++;
        }
        f->n = lat0 + W + 1;
    }
}

/* Does some change d in {-1, 0, 1} of the hidden figures keep every
 * relation and every count >= 0, and change figure `target`? */
static int movable(const struct fig *f, size_t target)
{
    size_t hidx[128], H = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->h[i])
            hidx[H++] = i;
    int d[128] = {0};
    int dh[128] = {0};
    size_t total = 1;
    for (size_t k = 0; k < H; k++)
        total *= 3;
    for (size_t code = 0; code < total; code++) {
        size_t c = code;
        for (size_t k = 0; k < H; k++) {
            dh[k] = (int)(c % 3) - 1;
            c /= 3;
            d[hidx[k]] = dh[k];
        }
        if (d[target] == 0)
            continue;
        int ok = 1;
        for (size_t k = 0; k < H && ok; k++)
            if (f->v[hidx[k]] + d[hidx[k]] < 0)
                ok = 0;
        for (size_t r = 0; r < f->nrel && ok; r++) {
            long s = -d[f->tot[r]];
            for (size_t p = 0; p < f->np[r]; p++)
                s += d[f->part[r][p]];
            if (s != 0)
                ok = 0;
        }
        if (ok) {
            for (size_t k = 0; k < H; k++)
                d[hidx[k]] = 0;
            return 1;
        }
    }
    for (size_t k = 0; k < H; k++)
        d[hidx[k]] = 0;
    return 0;
}

static void make_table(struct safer_partner_table *t, size_t W, size_t M, uint64_t *seed)
{
    memset(t, 0, sizeof(*t));
    t->nwards = W;
    t->nmonths = M;
    t->ward = calloc(W, sizeof(*t->ward));
    t->ward_name = calloc(W, sizeof(*t->ward_name));
    t->population = calloc(W, sizeof(*t->population));
    t->cell = calloc(W * M, sizeof(*t->cell));
    t->ward_total = calloc(W, sizeof(*t->ward_total));
    t->month_total = calloc(M, sizeof(*t->month_total));
    for (size_t w = 0; w < W; w++) {
        snprintf(t->ward[w], sizeof(t->ward[w]), "E0590000%zu", w);
        t->ward_name[w] = strdup("ward");
        t->population[w] = 5000;
        for (size_t m = 0; m < M; m++) {
            *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
            unsigned r = (unsigned)(*seed >> 33) % 16;
            /* Mostly counts over the threshold, some small, some 0. */
            int64_t v = r < 3 ? 0 : r < 7 ? (int64_t)(r - 2) : (int64_t)(r + 2);
            t->cell[w * M + m] = v;
            t->ward_total[w] += v;
            t->month_total[m] += v;
            t->total += v;
        }
    }
}

static void test_suppress_brute_force(void **state)
{
    (void)state;
    uint64_t seed = 2024;
    size_t checked = 0;
    for (int round = 0; round < 60; round++) {
        size_t W = 2 + (size_t)round % 4, M = round % 2 ? 3 : 4;
        struct safer_partner_table t;
        make_table(&t, W, M, &seed);
        struct safer_err err = {0};
        /* The pack's tables: a quarter (no windows); the others with windows. */
        if (M == 4)
            assert_int_equal(safer_partner_windows(&t, 2, &err), 0);
        assert_int_equal(safer_partner_suppress(&t, 5, &err), 0);
        struct fig f;
        figures(&t, &f);
        size_t H = 0;
        for (size_t i = 0; i < f.n; i++) {
            H += f.h[i] != 0;
            /* Every count from 1 to 4 is hidden. */
            if (f.v[i] >= 1 && f.v[i] < 5)
                assert_true(f.h[i]);
        }
        if (H <= 14) {
            for (size_t i = 0; i < f.n; i++) {
                if (f.v[i] >= 1 && f.v[i] < 5 && !movable(&f, i))
                    fail_msg("round %d: figure %zu (%lld) can be worked out", round, i,
                             (long long)f.v[i]);
            }
            checked++;
        }
        safer_partner_table_release(&t);
    }
    /* Most tables are small enough to search. */
    assert_true(checked >= 30);
}

static void test_suppress_none_under_one(void **state)
{
    (void)state;
    uint64_t seed = 7;
    struct safer_partner_table t;
    make_table(&t, 3, 3, &seed);
    struct safer_err err = {0};
    assert_int_equal(safer_partner_suppress(&t, 1, &err), 0);
    assert_null(t.hid_cell);
    struct safer_buf b;
    safer_buf_init(&b, 1 << 20);
    assert_int_equal(safer_partner_csv_table(&t, false, &b), 0);
    assert_null(strstr(b.ptr, "[c]"));
    safer_buf_release(&b);
    assert_int_equal(safer_partner_suppress(&t, 5, &err), 0);
    safer_buf_init(&b, 1 << 20);
    assert_int_equal(safer_partner_csv_table(&t, true, &b), 0);
    safer_buf_release(&b);
    safer_partner_table_release(&t);
}

static void test_change(void **state)
{
    (void)state;
    uint64_t seed = 99;
    struct safer_partner_table t;
    make_table(&t, 3, 6, &seed);
    struct safer_err err = {0};
    assert_int_equal(safer_partner_windows(&t, 4, &err), SAFER_EINVAL);
    assert_int_equal(safer_partner_windows(&t, 3, &err), 0);
    struct safer_partner_change c[4];
    safer_partner_change(&t, c);
    for (size_t w = 0; w < 3; w++) {
        int64_t a = 0, b = 0;
        for (size_t m = 0; m < 3; m++) {
            a += t.cell[w * 6 + m];
            b += t.cell[w * 6 + 3 + m];
        }
        assert_int_equal(c[w].prev, a);
        assert_int_equal(c[w].latest, b);
        assert_true(c[w].p_adj >= c[w].p || isnan(c[w].p));
    }
    assert_int_equal(c[3].prev, c[0].prev + c[1].prev + c[2].prev);
    safer_partner_table_release(&t);
}

static void test_hotspots_grid(void **state)
{
    (void)state;
    /* Squares of 250 m: (10, 10) twice in (0, 0), (260, 10) in (1, 0),
     * (510, 510) in (2, 2); the bounding box is 3 x 3 squares. */
    const double x[] = {10, 10, 260, 510}, y[] = {10, 10, 10, 510};
    const int64_t w[] = {1, 1, 1, 1};
    struct safer_partner_hot h;
    struct safer_err err = {0};
    assert_int_equal(safer_partner_hotspots(x, y, w, 4, 250, &h, &err), 0);
    assert_int_equal(h.n, 9);
    int64_t want[9] = {2, 1, 0, 0, 0, 0, 0, 0, 1};
    for (size_t k = 0; k < 9; k++) {
        assert_int_equal(h.ci[k], (int32_t)(k % 3));
        assert_int_equal(h.cj[k], (int32_t)(k / 3));
        assert_int_equal(h.count[k], want[k]);
    }
    safer_partner_hot_release(&h);
    /* One square, and a bad size. */
    assert_int_equal(safer_partner_hotspots(x, y, w, 2, 250, &h, &err), SAFER_EINVAL);
    assert_int_equal(safer_partner_hotspots(x, y, w, 4, 1, &h, &err), SAFER_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_good),
        cmocka_unit_test(test_map_errors),
        cmocka_unit_test(test_correlation),
        cmocka_unit_test(test_correlation_r),
        cmocka_unit_test(test_suppress_brute_force),
        cmocka_unit_test(test_suppress_none_under_one),
        cmocka_unit_test(test_change),
        cmocka_unit_test(test_hotspots_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
