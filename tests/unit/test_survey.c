/*
 * test_survey.c - raking, trimming and the linearisation standard errors
 * of survey.h against R's survey package.
 *
 * The reference values come from tests/data/survey/make_fixtures.R (R 4.2,
 * survey 4.1.1; see VERSIONS.txt there), which also wrote the fictional
 * respondents and margins: calibrate(..., calfun = "raking") weights,
 * svymean and svyby(..., svymean) proportions, standard errors and 95%
 * intervals (confint), with and
 * without trimming, each compared here to 1e-9 (relative for weights,
 * absolute for proportions and standard errors).
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

#include "safer/survey.h"
#include "testtable.h"

#define FIX SAFER_TEST_DATA "/survey/"

struct fixture {
    size_t n;
    uint32_t *cell, *ward;
    signed char *q[2];
    double pop_cell[8], pop_ward[5];
    struct safer_rake_margin m[2];
};

static void fixture_load(struct fixture *f)
{
    struct table r, m;
    table_load(&r, FIX "respondents.csv");
    table_load(&m, FIX "margins.csv");
    f->n = r.n;
    f->cell = calloc(r.n, sizeof(uint32_t));
    f->ward = calloc(r.n, sizeof(uint32_t));
    f->q[0] = calloc(r.n, 1);
    f->q[1] = calloc(r.n, 1);
    for (size_t i = 0; i < r.n; i++) {
        f->cell[i] = (uint32_t)strtoul(r.rows[i][1], NULL, 10);
        f->ward[i] = (uint32_t)strtoul(r.rows[i][2], NULL, 10);
        for (int q = 0; q < 2; q++)
            f->q[q][i] = *r.rows[i][3 + q] ? (signed char)(*r.rows[i][3 + q] == '1') : -1;
    }
    assert_int_equal(m.n, 13);
    for (size_t i = 0; i < m.n; i++) {
        int k = atoi(m.rows[i][1]);
        double v = strtod(m.rows[i][2], NULL);
        if (strcmp(m.rows[i][0], "cell") == 0)
            f->pop_cell[k] = v;
        else
            f->pop_ward[k] = v;
    }
    f->m[0] = (struct safer_rake_margin){"cell", 8, f->pop_cell, f->cell};
    f->m[1] = (struct safer_rake_margin){"ward", 5, f->pop_ward, f->ward};
    table_free(&r);
    table_free(&m);
}

static void fixture_free(struct fixture *f)
{
    free(f->cell);
    free(f->ward);
    free(f->q[0]);
    free(f->q[1]);
}

static void check_against_r(bool trim)
{
    struct fixture f;
    fixture_load(&f);
    double *w = calloc(f.n, sizeof(double));
    struct safer_rake_opts o = {0};
    if (trim) {
        o.trim_lo = 0.5;
        o.trim_hi = 2;
    }
    struct safer_rake_result res;
    struct safer_err err = {0};
    assert_int_equal(safer_rake(f.n, f.m, 2, &o, w, &res, &err), 0);
    assert_true(res.max_rel < 1e-12);
    if (trim)
        assert_true(res.trimmed > 0);

    struct table rw, re, rd;
    table_load(&rw, FIX "weights.csv");
    assert_int_equal(rw.n, f.n);
    double dw = 0, dp = 0, dse = 0;
    for (size_t i = 0; i < f.n; i++) {
        double ref = strtod(rw.rows[i][trim ? 2 : 1], NULL);
        assert_true(fabs(w[i] - ref) <= 1e-9 * ref);
        if (fabs(w[i] - ref) / ref > dw)
            dw = fabs(w[i] - ref) / ref;
    }
    table_load(&rd, FIX "deff.csv");
    assert_true(fabs(res.deff - strtod(rd.rows[trim][1], NULL)) < 1e-9);

    struct safer_survey_design d;
    assert_int_equal(safer_survey_design_init(&d, f.n, w, f.m, 2, &err), 0);
    table_load(&re, FIX "estimates.csv");
    size_t checked = 0;
    for (size_t i = 0; i < re.n; i++) {
        if (strcmp(re.rows[i][0], trim ? "0.5:2" : "none") != 0)
            continue;
        int q = re.rows[i][1][1] - '1';
        int ward = atoi(re.rows[i][2]);
        struct safer_survey_est e;
        safer_survey_estimate(&d, f.q[q], ward < 0 ? NULL : f.ward, (uint32_t)ward, &e);
        double mean = strtod(re.rows[i][3], NULL), se = strtod(re.rows[i][4], NULL);
        if (fabs(e.p - mean) > 1e-9 || fabs(e.se - se) > 1e-9)
            fail_msg("q%d ward %d: p %.17g se %.17g, R %.17g %.17g", q + 1, ward, e.p, e.se,
                     mean, se);
        assert_true(e.base > 0);
        /* R's confint(), cut to [0, 1] as safer cuts it. */
        double lo = fmax(0, strtod(re.rows[i][5], NULL)), hi = fmin(1, strtod(re.rows[i][6], NULL));
        if (fabs(e.lo - lo) > 1e-9 || fabs(e.hi - hi) > 1e-9)
            fail_msg("q%d ward %d: interval %.17g %.17g, R %.17g %.17g", q + 1, ward, e.lo, e.hi,
                     lo, hi);
        dp = fmax(dp, fabs(e.p - mean));
        dse = fmax(dse, fabs(e.se - se));
        checked++;
    }
    assert_int_equal(checked, 12);
    print_message("%s: weights within %.2g (relative), proportions %.2g, standard errors %.2g "
                  "of R's; %d raking passes\n",
                  trim ? "trimmed" : "untrimmed", dw, dp, dse, res.iterations);
    safer_survey_design_release(&d);
    table_free(&rw);
    table_free(&re);
    table_free(&rd);
    free(w);
    fixture_free(&f);
}

static void test_rake_matches_r(void **state)
{
    (void)state;
    check_against_r(false);
}

static void test_rake_trimmed_matches_r(void **state)
{
    (void)state;
    check_against_r(true);
}

/* Two margins of a 2 x 2 table: IPF reaches the closed form, and the
 * margins hold to the tolerance. */
static void test_rake_converges(void **state)
{
    (void)state;
    uint32_t a[6] = {0, 0, 1, 1, 1, 0}, b[6] = {0, 0, 0, 1, 1, 1};
    double pa[2] = {30, 70}, pb[2] = {40, 60}, w[6];
    struct safer_rake_margin m[2] = {{"a", 2, pa, a}, {"b", 2, pb, b}};
    struct safer_rake_result res;
    assert_int_equal(safer_rake(6, m, 2, NULL, w, &res, NULL), 0);
    double ta[2] = {0}, tb[2] = {0};
    for (int i = 0; i < 6; i++) {
        ta[a[i]] += w[i];
        tb[b[i]] += w[i];
    }
    for (int k = 0; k < 2; k++) {
        assert_true(fabs(ta[k] - pa[k]) <= 1e-12 * pa[k]);
        assert_true(fabs(tb[k] - pb[k]) <= 1e-12 * pb[k]);
    }
    assert_true(res.iterations > 1);
    assert_true(res.deff >= 1);
    /* One margin is post-stratification: one pass, weights pop / count. */
    assert_int_equal(safer_rake(6, m, 1, NULL, w, &res, NULL), 0);
    assert_int_equal(res.iterations, 1);
    assert_true(fabs(w[0] - 10.0) < 1e-12 && fabs(w[2] - 70.0 / 3) < 1e-12);
}

static void test_rake_empty_category_fails(void **state)
{
    (void)state;
    uint32_t a[3] = {0, 0, 0};
    double pa[2] = {30, 70}, w[3];
    struct safer_rake_margin m[1] = {{"age_sex", 2, pa, a}};
    struct safer_rake_result res;
    struct safer_err err = {0};
    assert_int_equal(safer_rake(3, m, 1, NULL, w, &res, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "age_sex"));
}

static void test_change_test(void **state)
{
    (void)state;
    struct safer_survey_est a = {.p = 0.6, .se = 0.03}, b = {.p = 0.5, .se = 0.04};
    struct safer_survey_change c;
    safer_survey_change(&a, &b, &c);
    assert_true(fabs(c.diff + 0.1) < 1e-15);
    assert_true(fabs(c.se - 0.05) < 1e-15);
    assert_true(fabs(c.z + 2) < 1e-12);
    /* 2 * pnorm(-2) in R */
    assert_true(fabs(c.p - 0.045500263896358417) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rake_matches_r),
        cmocka_unit_test(test_rake_trimmed_matches_r),
        cmocka_unit_test(test_rake_converges),
        cmocka_unit_test(test_rake_empty_category_fails),
        cmocka_unit_test(test_change_test),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
