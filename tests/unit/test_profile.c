/*
 * test_profile.c - the IoD2019 File 2 import (lib/import/reference.c,
 * lib/store/store_lookup.c) and the ward profiles (lib/assess/profile.c)
 * on either engine (SAFER_TEST_PG selects PostgreSQL).
 *
 * Fixtures: the wards Alpha, Beta and Gamma of tests/data/areas, their
 * lookup, and tests/data/focus: a second LSOA of Alpha (E01000004,
 * lookup_extra.csv), LSOA populations (Alpha's LSOAs 1,000 and 3,000, Beta
 * 1,500, Gamma 2,000) and domains.csv, a File 2 of five LSOAs (one outside
 * the wards). The expected ward figures are worked by hand from those
 * files in the comments below.
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

#include "safer/assess.h"
#include "safer/lookup.h"
#include "safer/profile.h"
#include "safer/store.h"
#include "testfix.h"

#define FOCUS_DATA SAFER_TEST_DATA "/focus"

static struct safer_store *fixture(const char *name, int with_population, char *target,
                                   size_t cap)
{
    struct safer_store *st =
        testfix_store(name, TESTFIX_WARDS | TESTFIX_LOOKUP | TESTFIX_KENT_2019, target, cap);
    testfix_lookup(st, FOCUS_DATA "/lookup_extra.csv");
    struct safer_err err = {0};
    if (with_population) {
        struct safer_population_stats ps;
        if (safer_population_import(st, FOCUS_DATA "/population.csv", &ps, &err) < 0)
            fail_msg("%s", err.msg);
    }
    return st;
}

static void import_domains(struct safer_store *st, const char *path)
{
    struct safer_deprivation_stats ds;
    struct safer_err err = {0};
    if (safer_deprivation_import(st, path, &ds, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ds.rows, 5);
    assert_int_equal(ds.domains, 7);
}

static void profiles(struct safer_store *st, struct safer_assessment *a,
                     struct safer_profiles *p)
{
    struct safer_assess_opts o = {.to = -1, .cell = 250};
    struct safer_err err = {0};
    if (safer_assess_compute(st, &o, a, &err) < 0)
        fail_msg("%s", err.msg);
    if (safer_profiles_compute(st, a, p, &err) < 0)
        fail_msg("%s", err.msg);
}

static void near(double got, double want)
{
    if (!(fabs(got - want) <= 1e-12 * fabs(want) + 1e-12))
        fail_msg("got %.17g, want %.17g", got, want);
}

static void test_profile_domains_population_weighted(void **state)
{
    (void)state;
    char target[600];
    struct safer_store *st = fixture("domains", 1, target, sizeof(target));
    import_domains(st, FOCUS_DATA "/domains.csv");
    struct safer_assessment a;
    struct safer_profiles p;
    profiles(st, &a, &p);
    assert_int_equal(p.n, 3);
    assert_true(p.has_domains && p.has_imd);
    long al = safer_profiles_find(&p, "E05000001"), be = safer_profiles_find(&p, "E05000002"),
         ga = safer_profiles_find(&p, "E05000003");
    assert_true(al >= 0 && be >= 0 && ga >= 0);
    const struct safer_ward_profile *A = &p.ward[al], *B = &p.ward[be], *G = &p.ward[ga];
    assert_int_equal(A->lsoas, 2);
    /* Alpha: E01000001 (1,000 residents) and E01000004 (3,000).
     * IMD: (1000 x 3000 + 3000 x 9000) / 4000 = 7500; deciles 1 and 3:
     * 1000 / 4000 of its residents in deciles 1-2. */
    near(A->dom_rank[SAFER_DOMAIN_IMD], 7500);
    near(A->dom_deprived20[SAFER_DOMAIN_IMD], 0.25);
    /* Income: (1000 x 1000 + 3000 x 4000) / 4000 = 3250; deciles 1, 2. */
    near(A->dom_rank[SAFER_DOMAIN_INCOME], 3250);
    near(A->dom_deprived20[SAFER_DOMAIN_INCOME], 1.0);
    /* Health: (1000 x 3300 + 3000 x 6600) / 4000 = 5775; deciles 2, 3. */
    near(A->dom_rank[SAFER_DOMAIN_HEALTH], 5775);
    near(A->dom_deprived20[SAFER_DOMAIN_HEALTH], 0.25);
    /* Crime: (1000 x 7000 + 3000 x 100) / 4000 = 1825; deciles 3, 1. */
    near(A->dom_rank[SAFER_DOMAIN_CRIME], 1825);
    near(A->dom_deprived20[SAFER_DOMAIN_CRIME], 0.75);
    /* Beta and Gamma have one LSOA each: its figures. */
    near(B->dom_rank[SAFER_DOMAIN_INCOME], 20000);
    near(B->dom_deprived20[SAFER_DOMAIN_INCOME], 0);
    near(G->dom_rank[SAFER_DOMAIN_LIVING], 1);
    near(G->dom_deprived20[SAFER_DOMAIN_LIVING], 1);
    near(G->dom_rank[SAFER_DOMAIN_EDUCATION], 30000);

    /* Counts: the assessment's, by category adding up to the ward's. */
    for (size_t w = 0; w < p.n; w++) {
        int64_t s = 0;
        for (size_t t = 0; t < p.ntypes; t++)
            s += p.ward[w].type_latest[t];
        assert_int_equal(s, p.ward[w].latest);
        assert_int_equal(p.ward[w].latest, a.ward_latest[w]);
        assert_int_equal(p.ward[w].prev, a.ward_prev[w]);
        near(p.ward[w].population, a.population[w]);
        near(p.ward[w].rate, 1000.0 * (double)a.ward_latest[w] / a.population[w]);
        /* Harm: the types' counts times their weights, as
         * harm_by_ward.csv adds them. */
        double h = 0;
        for (size_t t = 0; t < p.ntypes; t++) {
            double x = safer_assessment_harm(&a, w, t);
            if (!isnan(x))
                h += x;
        }
        near(p.ward[w].harm, h);
        assert_int_equal(p.ward[w].cluster, -1);
    }
    near(A->population, 4000);
    /* Neighbours: Alpha touches Beta (its hole) and Gamma (its east edge);
     * Beta and Gamma do not touch. */
    assert_int_equal(A->nneighbours, 2);
    assert_int_equal(B->nneighbours, 1);
    assert_int_equal(B->neighbours[0], (uint32_t)al);
    assert_int_equal(G->nneighbours, 1);
    assert_int_equal(G->neighbours[0], (uint32_t)al);

    safer_profiles_release(&p);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

static void test_profile_domains_unweighted_without_population(void **state)
{
    (void)state;
    char target[600];
    struct safer_store *st = fixture("nopop", 0, target, sizeof(target));
    import_domains(st, FOCUS_DATA "/domains.csv");
    struct safer_assessment a;
    struct safer_profiles p;
    profiles(st, &a, &p);
    long al = safer_profiles_find(&p, "E05000001");
    /* No LSOA population: the plain mean, (3000 + 9000) / 2. */
    near(p.ward[al].dom_rank[SAFER_DOMAIN_IMD], 6000);
    near(p.ward[al].dom_deprived20[SAFER_DOMAIN_IMD], 0.5);
    assert_false(p.has_population);
    safer_profiles_release(&p);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

/* domains.csv with one edit: `from` replaced by `to` (first match). */
static void edited(const char *name, const char *from, const char *to, char *path, size_t cap)
{
    FILE *f = fopen(FOCUS_DATA "/domains.csv", "rb");
    assert_non_null(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *at = strstr(buf, from);
    assert_non_null(at);
    char out[8192];
    snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - buf), buf, to, at + strlen(from));
    testfix_write(name, out, path, cap);
}

static void test_profile_file2_errors_change_nothing(void **state)
{
    (void)state;
    char target[600], path[512];
    struct safer_store *st = fixture("errors", 1, target, sizeof(target));
    import_domains(st, FOCUS_DATA "/domains.csv");
    static const struct {
        const char *from, *to, *msg;
    } cases[] = {
        {",Living Environment Decile (where 1 is most deprived 10% of LSOAs)", "",
         "bad.csv:1: a domains file (IoD2019 File 2) needs a 'Living Environment Decile' column"},
        {"\"7,000\",3", "\"7,000\",11", "bad.csv:2: Crime decile '11' is not 1 to 10"},
        {"\"1,000\",1", "0,1", "bad.csv:2: Income rank '0' is not a whole number from 1"},
        {"\"26,000\",8", "x,8",
         "bad.csv:4: Living Environment rank 'x' is not a whole number from 1"},
        {"Test 002A,E07000001,Testborough,\"32,000\",10", "Test 002A,E07000001,Testborough,\"32,000\"",
         "bad.csv:5: expected 20 fields, found 19"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        edited("bad.csv", cases[i].from, cases[i].to, path, sizeof(path));
        struct safer_deprivation_stats ds;
        struct safer_err err = {0};
        assert_int_equal(safer_deprivation_import(st, path, &ds, &err), SAFER_EPARSE);
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
    }
    /* A good file that changes a rank, then a bad one that would change it
     * again: the bad one leaves the good one's value. */
    edited("good.csv", "\"20,000\",7,\"20,000\",7", "\"20,000\",7,\"19,000\",7", path,
           sizeof(path));
    import_domains(st, path);
    edited("bad2.csv", "\"20,000\",7,\"20,000\",7", "\"20,000\",7,\"18,000\",7\r\nE0", path,
           sizeof(path));
    struct safer_deprivation_stats ds;
    struct safer_err err = {0};
    assert_true(safer_deprivation_import(st, path, &ds, &err) < 0);
    struct safer_assessment a;
    struct safer_profiles p;
    profiles(st, &a, &p);
    long be = safer_profiles_find(&p, "E05000002");
    near(p.ward[be].dom_rank[SAFER_DOMAIN_INCOME], 19000);
    safer_profiles_release(&p);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

static void test_profile_focus_of_the_fixture(void **state)
{
    (void)state;
    char target[600];
    struct safer_store *st = fixture("focus", 1, target, sizeof(target));
    import_domains(st, FOCUS_DATA "/domains.csv");
    struct safer_assessment a;
    struct safer_profiles p;
    profiles(st, &a, &p);
    /* Income deprivation alone: Alpha (3250) before Beta (20000) before
     * Gamma (32000); top 2 are Alpha and Beta, neighbours: proposed. */
    struct safer_focus_weight w[1] = {{"domain:income", 1}};
    struct safer_focus_opts o = {.weights = w, .nweights = 1, .top = 2, .draws = 10,
                                 .spread = 0.25, .seed = 1};
    struct safer_focus f;
    double *values;
    struct safer_err err = {0};
    assert_int_equal(safer_focus_compute(&p, &o, &f, &values, &err), 0);
    long al = safer_profiles_find(&p, "E05000001"), be = safer_profiles_find(&p, "E05000002"),
         ga = safer_profiles_find(&p, "E05000003");
    assert_int_equal(f.rank[al], 1);
    assert_int_equal(f.rank[be], 2);
    assert_int_equal(f.rank[ga], 3);
    assert_int_equal(f.proposed, 1);
    assert_int_equal(f.group[al], 1);
    assert_int_equal(f.group[be], 1);
    assert_int_equal(f.group[ga], 0);
    near(values[al], 3250);
    free(values);
    safer_focus_release(&f);
    /* An unknown indicator is refused by name. */
    struct safer_focus_weight bad[1] = {{"domain:wealth", 1}};
    o.weights = bad;
    assert_int_equal(safer_focus_compute(&p, &o, &f, &values, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "'domain:wealth' unknown"));
    /* Harm alone: the wards in order of harm per 1,000 residents. */
    struct safer_focus_weight hw[1] = {{"harm", 1}};
    o.weights = hw;
    err = (struct safer_err){0};
    assert_int_equal(safer_focus_compute(&p, &o, &f, &values, &err), 0);
    for (size_t i = 0; i < p.n; i++) {
        for (size_t j = 0; j < p.n; j++) {
            double hi = p.ward[i].harm / p.ward[i].population;
            double hj = p.ward[j].harm / p.ward[j].population;
            if (hi > hj)
                assert_true(f.rank[i] < f.rank[j]);
        }
    }
    free(values);
    safer_focus_release(&f);
    safer_profiles_release(&p);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_domains_population_weighted),
        cmocka_unit_test(test_profile_domains_unweighted_without_population),
        cmocka_unit_test(test_profile_file2_errors_change_nothing),
        cmocka_unit_test(test_profile_focus_of_the_fixture),
    };
    return cmocka_run_group_tests_name("profile", tests, testfix_setup, testfix_teardown);
}
