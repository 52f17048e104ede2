/*
 * test_survey_clusters.c - survey estimates by ward cluster
 * (safer_survey_results_load_groups, safer_survey_results_groups) against
 * R's svyby(~q, ~cluster, design, svymean) on the one raked design.
 *
 * The fictional respondents and margins of tests/data/survey (made by
 * make_fixtures.R, R 4.2.2 and survey 4.1.1) go through the real importer
 * into a store (either engine: SAFER_TEST_PG selects PostgreSQL) as the
 * wave 2024, beside an earlier wave of 150 of them, and their five wards are grouped into the three
 * clusters the script uses: {0, 3}, {1}, {2, 4}. Each cluster's base must
 * equal R's, and its proportion, standard error and 95% interval must be
 * within 1e-9 of R's (estimates_clusters.csv); the change between the
 * waves is taken by cluster too. Then the public rule (a group on a base under 50 is left out), and groupings that
 * are wrong.
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
#include <unistd.h>

#include <cmocka.h>

#include "safer/lookup.h"
#include "safer/store.h"
#include "safer/survey.h"
#include "testtable.h"
#include "testdb.h"

#define FIX SAFER_TEST_DATA "/survey/"
#define TOL 1e-9

struct fix {
    char dir[256];
    char target[600];
    struct safer_store *st;
};

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static const char *const WARD[5] = {"E05000101", "E05000102", "E05000103", "E05000104",
                                    "E05000105"};

static const char MAP[] =
    "{\"wave\": {\"column\": \"Wave\"},\n"
    " \"area\": {\"column\": \"Ward\", \"kind\": \"ward\"},\n"
    " \"age_band\": {\"column\": \"Age\", \"values\": {\"A0\": \"A0\", \"A1\": \"A1\", "
    "\"A2\": \"A2\", \"A3\": \"A3\"}},\n"
    " \"sex\": {\"column\": \"Sex\", \"values\": {\"F\": \"F\", \"M\": \"M\"}},\n"
    " \"questions\": [\n"
    "  {\"key\": \"q1\", \"column\": \"Q1\", \"label\": \"say yes to q1\", \"count\": [\"Yes\"],"
    " \"other\": [\"No\"], \"out\": [\"Don't know\"]},\n"
    "  {\"key\": \"q2\", \"column\": \"Q2\", \"label\": \"say yes to q2\", \"count\": [\"Yes\"],"
    " \"other\": [\"No\"], \"out\": [\"Don't know\"],"
    " \"concern\": [\"Burglary\"]}]}\n";

/* The fixture's respondents as a survey export of two waves (2024: all
 * 400; 2023: the first 150, so that its wards' bases are small),
 * its margins as a margins file (cell c is age band c / 2 and sex c % 2),
 * and a lookup of its five wards, imported into a new store. */
static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/safer-svc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    struct safer_buf b;
    safer_buf_init(&b, 1 << 20);
    safer_buf_puts(&b, "FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n");
    for (int w = 0; w < 5; w++)
        safer_buf_putf(&b, "%d,E0100010%d,Test %d,%s,Ward %d,E07000101,Testshire\n", w + 1, w,
                       w, WARD[w], w);
    write_file(f->dir, "lookup.csv", b.ptr);

    struct table r, m;
    table_load(&r, FIX "respondents.csv");
    table_load(&m, FIX "margins.csv");
    safer_buf_reset(&b);
    safer_buf_puts(&b, "Wave,Ward,Age,Sex,Q1,Q2\n");
    for (int wave = 0; wave < 2; wave++)
        for (size_t i = 0; i < (wave ? r.n : 150); i++) {
            int cell = atoi(r.rows[i][1]), ward = atoi(r.rows[i][2]);
            safer_buf_putf(&b, "%s,%s,A%d,%s", wave ? "2024" : "2023", WARD[ward], cell / 2,
                           cell % 2 ? "M" : "F");
            for (int q = 0; q < 2; q++) {
                const char *v = r.rows[i][3 + q];
                safer_buf_puts(&b, !*v ? ",Don't know" : *v == '1' ? ",Yes" : ",No");
            }
            safer_buf_puts(&b, "\n");
        }
    write_file(f->dir, "survey.csv", b.ptr);
    safer_buf_reset(&b);
    safer_buf_puts(&b, "sex,age_band,ward,population\n");
    for (size_t i = 0; i < m.n; i++) {
        int k = atoi(m.rows[i][1]);
        if (strcmp(m.rows[i][0], "cell") == 0)
            safer_buf_putf(&b, "%s,A%d,,%s\n", k % 2 ? "M" : "F", k / 2, m.rows[i][2]);
        else
            safer_buf_putf(&b, ",,%s,%s\n", WARD[k], m.rows[i][2]);
    }
    write_file(f->dir, "margins.csv", b.ptr);
    write_file(f->dir, "map.json", MAP);
    assert_int_equal(safer_buf_error(&b), 0);
    safer_buf_release(&b);
    table_free(&r);
    table_free(&m);

    struct safer_err err = {0};
    testdb_new("survey_clusters", f->target, sizeof(f->target));
    if (safer_store_open(&f->st, f->target, &err) < 0)
        fail_msg("open: %s", err.msg);
    char path[512], map[512], margins[512];
    struct safer_lookup_stats ls;
    snprintf(path, sizeof(path), "%s/lookup.csv", f->dir);
    if (safer_lookup_import(f->st, path, &ls, &err) < 0)
        fail_msg("lookup: %s", err.msg);
    snprintf(path, sizeof(path), "%s/survey.csv", f->dir);
    snprintf(map, sizeof(map), "%s/map.json", f->dir);
    snprintf(margins, sizeof(margins), "%s/margins.csv", f->dir);
    struct safer_survey_import_opts o = {.map = map, .margins = margins};
    struct safer_survey_import_stats s;
    if (safer_survey_import(f->st, path, &o, &s, &err) < 0)
        fail_msg("survey: %s", err.msg);
    assert_int_equal(s.nwaves, 2);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    safer_store_close(f->st);
    testdb_drop(f->target);
    static const char *const files[] = {"lookup.csv", "survey.csv", "margins.csv", "map.json"};
    char path[512];
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", f->dir, files[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The clusters of make_fixtures.R: {0, 3}, {1}, {2, 4}. */
static const uint32_t GROUP[5] = {0, 1, 2, 0, 2};

static void check_clusters(const struct safer_survey_results *r)
{
    struct table t;
    table_load(&t, FIX "estimates_clusters.csv");
    assert_int_equal(t.n, 6);
    for (size_t i = 0; i < t.n; i++) {
        char domain[32];
        snprintf(domain, sizeof(domain), "cluster-%d", atoi(t.rows[i][1]) + 1);
        {
            const struct safer_survey_row *x = safer_survey_find(r, t.rows[i][0], "2024", domain);
            assert_non_null(x);
            assert_int_equal(x->e.base, strtoul(t.rows[i][2], NULL, 10));
            double want[4];
            for (int k = 0; k < 4; k++)
                want[k] = strtod(t.rows[i][3 + k], NULL);
            double got[4] = {x->e.p, x->e.se, x->e.lo, x->e.hi};
            for (int k = 0; k < 4; k++)
                if (!(fabs(got[k] - want[k]) <= TOL))
                    fail_msg("%s %s field %d: %.17g, R %.17g", t.rows[i][0], domain, k, got[k],
                             want[k]);
            assert_false(x->e.small);
        }
        /* The change from the earlier wave's estimate for the cluster. */
        const struct safer_survey_row *a = safer_survey_find(r, t.rows[i][0], "2023", domain);
        const struct safer_survey_row *b = safer_survey_find(r, t.rows[i][0], "2024", domain);
        assert_non_null(a);
        assert_true(a->e.base > 0 && a->e.base < b->e.base);
        const struct safer_survey_change_row *c = NULL;
        for (size_t j = 0; j < r->nchanges; j++)
            if (strcmp(r->changes[j].question, t.rows[i][0]) == 0 &&
                strcmp(r->changes[j].domain, domain) == 0)
                c = &r->changes[j];
        assert_non_null(c);
        assert_string_equal(c->from, "2023");
        assert_string_equal(c->to, "2024");
        assert_true(c->c.diff == b->e.p - a->e.p);
        assert_true(fabs(c->c.se - hypot(a->e.se, b->e.se)) <= 1e-15);
    }
    table_free(&t);
    /* The overall rows come first in each wave, and names list the wards. */
    const struct safer_survey_row *all = safer_survey_find(r, "q1", "2024", "");
    assert_non_null(all);
    assert_string_equal(all->domain_name, "All respondents");
    const struct safer_survey_row *c1 = safer_survey_find(r, "q1", "2024", "cluster-1");
    assert_string_equal(c1->domain_name, "Ward 0, Ward 3");
    assert_string_equal(c1->concern, "");
    assert_string_equal(safer_survey_find(r, "q2", "2024", "cluster-3")->domain_name,
                        "Ward 2, Ward 4");
    assert_string_equal(safer_survey_find(r, "q2", "2024", "")->concern, "Burglary");
    /* No ward rows. */
    assert_null(safer_survey_find(r, "q1", "2024", WARD[0]));
}

static void test_clusters_match_svyby(void **state)
{
    struct fix *f = *state;
    struct safer_survey_groups g = {5, WARD, GROUP, 3};
    struct safer_survey_results r;
    struct safer_err err = {0};
    int rc = safer_survey_results_load_groups(f->st, false, &g, &r, &err);
    if (rc < 0)
        fail_msg("%s", err.msg);
    check_clusters(&r);
    safer_survey_results_release(&r);
}

/* From results already loaded (the report's way): the same figures, and
 * the wards' rows unchanged beside them. */
static void test_groups_from_loaded_results(void **state)
{
    struct fix *f = *state;
    struct safer_survey_groups g = {5, WARD, GROUP, 3};
    struct safer_survey_results all, r;
    struct safer_err err = {0};
    assert_int_equal(safer_survey_results_load(f->st, false, &all, &err), 0);
    size_t nrows = all.nrows;
    assert_int_equal(safer_survey_results_groups(&all, false, &g, &r, &err), 0);
    check_clusters(&r);
    assert_int_equal(all.nrows, nrows);
    assert_non_null(safer_survey_find(&all, "q1", "2024", WARD[4]));
    safer_survey_results_release(&r);
    safer_survey_results_release(&all);
}

/* A group on a base under 50: marked small, and left out of the public
 * view, as a ward's is. */
static void test_small_group_public_rule(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_survey_results all;
    assert_int_equal(safer_survey_results_load(f->st, false, &all, &err), 0);
    const struct safer_survey_row *w4 = safer_survey_find(&all, "q1", "2023", WARD[4]);
    assert_non_null(w4);
    assert_true(w4->e.base < SAFER_SURVEY_SMALL_BASE);
    /* Ward 4 alone, the others together. */
    const uint32_t group[5] = {0, 0, 0, 0, 1};
    struct safer_survey_groups g = {5, WARD, group, 2};
    struct safer_survey_results r;
    assert_int_equal(safer_survey_results_groups(&all, false, &g, &r, &err), 0);
    const struct safer_survey_row *x = safer_survey_find(&r, "q1", "2023", "cluster-2");
    assert_non_null(x);
    assert_true(x->e.small);
    assert_int_equal(x->e.base, w4->e.base);
    assert_true(fabs(x->e.p - w4->e.p) <= 1e-15 && fabs(x->e.se - w4->e.se) <= 1e-15);
    safer_survey_results_release(&r);
    assert_int_equal(safer_survey_results_groups(&all, true, &g, &r, &err), 0);
    assert_null(safer_survey_find(&r, "q1", "2023", "cluster-2"));
    assert_non_null(safer_survey_find(&r, "q1", "2023", "cluster-1"));
    assert_non_null(safer_survey_find(&r, "q1", "2024", "cluster-2"));
    safer_survey_results_release(&r);
    /* A grouping without some of the wards: their respondents are in no
     * group but still in the overall row. */
    struct safer_survey_groups part = {1, WARD + 4, group + 4, 2};
    assert_int_equal(safer_survey_results_groups(&all, false, &part, &r, &err), 0);
    x = safer_survey_find(&r, "q1", "2024", "cluster-1");
    assert_non_null(x);
    assert_int_equal(x->e.base, 0);
    assert_true(isnan(x->e.p));
    assert_int_equal(safer_survey_find(&r, "q1", "2023", "cluster-2")->e.base, w4->e.base);
    assert_int_equal(safer_survey_find(&r, "q1", "2023", "")->e.base,
                     safer_survey_find(&all, "q1", "2023", "")->e.base);
    safer_survey_results_release(&r);
    safer_survey_results_release(&all);
}

static void test_bad_groupings(void **state)
{
    struct fix *f = *state;
    struct safer_err err = {0};
    struct safer_survey_results r;
    const uint32_t out_of_range[5] = {0, 1, 2, 0, 3};
    struct safer_survey_groups g = {5, WARD, out_of_range, 3};
    assert_int_equal(safer_survey_results_load_groups(f->st, false, &g, &r, &err), SAFER_EINVAL);
    assert_string_equal(err.msg, "ward 'E05000105' is in group 4 of 3");
    assert_int_equal(r.nrows, 0);
    safer_survey_results_release(&r);
    const char *twice[3] = {WARD[0], WARD[1], WARD[0]};
    struct safer_survey_groups g2 = {3, twice, GROUP, 3};
    memset(&err, 0, sizeof(err));
    assert_int_equal(safer_survey_results_load_groups(f->st, false, &g2, &r, &err), SAFER_EINVAL);
    assert_string_equal(err.msg, "ward 'E05000101' is in the grouping twice");
    safer_survey_results_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clusters_match_svyby),
        cmocka_unit_test(test_groups_from_loaded_results),
        cmocka_unit_test(test_small_group_public_rule),
        cmocka_unit_test(test_bad_groupings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
