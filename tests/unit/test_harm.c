/*
 * test_harm.c - harm weights (lib/assess/harm.c, lib/store/store_harm.c)
 * and harm by ward (lib/assess/harm_assess.c): the built-in default is the
 * repository's data/harm/weights.csv byte for byte, complete, and marks
 * every weight it cannot trace; the parser's mistakes, each named by file,
 * line and column; the import all or nothing over the default, on the
 * run's engine; harm by ward and type against a direct sum.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/assess.h"
#include "safer/harm.h"
#include "safer/store.h"
#include "testdb.h"

#define WEIGHTS SAFER_TEST_DATA "/../../data/harm/weights.csv"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void test_default_is_the_file(void **state)
{
    (void)state;
    size_t n, m;
    char *file = slurp(WEIGHTS, &n);
    const char *built = safer_harm_default_csv(&m);
    assert_int_equal(n, m);
    assert_memory_equal(file, built, n);
    free(file);
}

static void test_default_is_complete_and_marked(void **state)
{
    (void)state;
    struct safer_harm_weights w;
    safer_harm_default(&w);
    size_t n;
    char *file = slurp(WEIGHTS, &n);
    for (int k = 0; k < SAFER_HARM_NCATS; k++) {
        assert_int_equal(w.origin[k], SAFER_HARM_DEFAULT);
        assert_true(isfinite(w.weight[k]) && w.weight[k] >= 0);
        assert_true(w.source[k][0] != '\0');
        assert_true(w.traced[k] == 0 || w.traced[k] == 1);
        /* Each untraced weight's row says so, in its note. */
        char want[200];
        snprintf(want, sizeof(want), "\n%s,", safer_harm_categories[k]);
        const char *row = strstr(file, want);
        assert_non_null(row);
        const char *end = strchr(row + 1, '\n');
        assert_non_null(end);
        const char *mark = strstr(row, ",no,\"untraced: ");
        if (w.traced[k] == 0)
            assert_true(mark && mark < end);
        else
            assert_true(!mark || mark > end);
    }
    free(file);
    /* Anti-social behaviour is no notifiable offence: weight 0, traced. */
    int asb = safer_harm_category("Anti-social behaviour");
    assert_true(w.weight[asb] == 0 && w.traced[asb] == 1);
    assert_int_equal(safer_harm_category("Car theft"), -1);
}

static void test_parse_mistakes(void **state)
{
    (void)state;
    static const struct {
        const char *csv;
        int rc;
        const char *msg;
    } cases[] = {
        {"crime_type,weight,source\nBurglary,12.5,x\n", 1, NULL},
        {"source,weight,crime_type\nx,0,Burglary\ny,1e3,Robbery\n", 2, NULL},
        {"crime_type,weight,source\r\nBurglary,12.5,x\r\n", 1, NULL},
        {"crime_type,weight,source\n", 0, NULL},
        {"", SAFER_EPARSE, "f.csv:1: empty file"},
        {"crime_type,weight\nBurglary,1\n", SAFER_EPARSE, "f.csv:1: source: the header"},
        {"weight,source\n1,x\n", SAFER_EPARSE, "f.csv:1: crime_type: the header"},
        {"crime_type,weight,source\nBurglary,1,x\nBurglary,2,x\n", SAFER_EPARSE,
         "f.csv:3: crime_type: 'Burglary' is given twice (first on line 2)"},
        {"crime_type,weight,source\nburglary,1,x\n", SAFER_EPARSE,
         "f.csv:2: crime_type: 'burglary' is not a police.uk category"},
        {"crime_type,weight,source\nRobbery,-1,x\n", SAFER_EPARSE,
         "f.csv:2: weight: '-1' is not from 0 to 1000000000"},
        {"crime_type,weight,source\nRobbery,2e9,x\n", SAFER_EPARSE,
         "f.csv:2: weight: '2e9' is not from 0 to 1000000000"},
        {"crime_type,weight,source\nRobbery,,x\n", SAFER_EPARSE, "f.csv:2: weight: '' is not"},
        {"crime_type,weight,source\nRobbery,1 000,x\n", SAFER_EPARSE,
         "f.csv:2: weight: '1 000' is not a number"},
        {"crime_type,weight,source\nRobbery,nan,x\n", SAFER_EPARSE, "f.csv:2: weight: 'nan'"},
        {"crime_type,weight,source\nRobbery,1e999,x\n", SAFER_EPARSE, "f.csv:2: weight: '1e999'"},
        {"crime_type,weight,source\nRobbery,1,\n", SAFER_EPARSE, "f.csv:2: source: empty"},
        {"crime_type,weight,source\nRobbery,1\n", SAFER_EPARSE, "f.csv:2: row has 2 fields"},
        {"crime_type,weight,source\nRobbery,1,\"x\n", SAFER_EPARSE, "f.csv:2"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct safer_harm_weights w;
        struct safer_err err = {0};
        int rc = safer_harm_parse(cases[i].csv, strlen(cases[i].csv), "f.csv",
                                  SAFER_HARM_PARTNERSHIP, &w, &err);
        if (rc != cases[i].rc)
            fail_msg("case %zu: rc %d, want %d (%s)", i, rc, cases[i].rc, err.msg);
        if (cases[i].msg && !strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
        if (rc < 0) {
            /* Nothing is kept of a file with a mistake. */
            for (int k = 0; k < SAFER_HARM_NCATS; k++)
                assert_int_equal(w.origin[k], SAFER_HARM_NONE);
        }
    }
    /* Column order and optional columns. */
    struct safer_harm_weights w;
    const char *csv = "note,source,weight,crime_type,traced\nn,\"S, 2022\",0.25,Shoplifting,yes\n";
    assert_int_equal(safer_harm_parse(csv, strlen(csv), "f.csv", SAFER_HARM_PARTNERSHIP, &w, NULL),
                     1);
    int k = safer_harm_category("Shoplifting");
    assert_true(w.weight[k] == 0.25);
    assert_string_equal(w.source[k], "S, 2022");
    assert_int_equal(w.traced[k], 1);
    assert_int_equal(w.lines[k], 2);
    assert_int_equal(w.origin[safer_harm_category("Robbery")], SAFER_HARM_NONE);
    assert_true(isnan(w.weight[safer_harm_category("Robbery")]));
}

static void test_import_all_or_nothing(void **state)
{
    (void)state;
    char target[512];
    testdb_new("harm", target, sizeof(target));
    struct safer_store *st = NULL;
    struct safer_err err = {0};
    assert_int_equal(safer_store_open(&st, target, &err), 0);
    struct safer_harm_weights def, w;
    safer_harm_default(&def);
    assert_int_equal(safer_harm_load(st, &w, &err), 0);
    assert_memory_equal(w.weight, def.weight, sizeof(w.weight));

    int rc = safer_harm_import(st, SAFER_TEST_DATA "/harm/partial.csv", &err);
    assert_int_equal(rc, 2);
    assert_int_equal(safer_harm_load(st, &w, &err), 0);
    for (int k = 0; k < SAFER_HARM_NCATS; k++) {
        const char *t = safer_harm_categories[k];
        if (strcmp(t, "Burglary") == 0 || strcmp(t, "Shoplifting") == 0) {
            assert_int_equal(w.origin[k], SAFER_HARM_PARTNERSHIP);
            assert_true(w.weight[k] == (t[0] == 'B' ? 12.5 : 0.25));
        } else {
            assert_int_equal(w.origin[k], SAFER_HARM_DEFAULT);
            assert_true(w.weight[k] == def.weight[k]);
            assert_string_equal(w.source[k], def.source[k]);
        }
    }
    assert_string_equal(w.source[safer_harm_category("Burglary")], "Testborough, 2022");

    /* A file with a mistake on its last line changes nothing. */
    static const char *const bad[] = {"duplicate.csv", "unknown.csv", "negative.csv", "nan.csv",
                                      "nosource.csv", "header.csv", "absent.csv"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[600];
        snprintf(path, sizeof(path), "%s/harm/%s", SAFER_TEST_DATA, bad[i]);
        memset(&err, 0, sizeof(err));
        rc = safer_harm_import(st, path, &err);
        assert_true(rc < 0);
        if (!strstr(err.msg, bad[i]))
            fail_msg("%s: %s", bad[i], err.msg);
        struct safer_harm_weights again;
        assert_int_equal(safer_harm_load(st, &again, &err), 0);
        assert_memory_equal(again.weight, w.weight, sizeof(w.weight));
        assert_memory_equal(again.origin, w.origin, sizeof(w.origin));
    }
    /* A new file replaces the earlier one whole. */
    assert_int_equal(safer_harm_import(st, SAFER_TEST_DATA "/harm/ones.csv", &err), 14);
    assert_int_equal(safer_harm_load(st, &w, &err), 0);
    for (int k = 0; k < SAFER_HARM_NCATS; k++)
        assert_true(w.weight[k] == 1 && w.origin[k] == SAFER_HARM_PARTNERSHIP);
    const char *one = "crime_type,weight,source\nRobbery,7,x\n";
    FILE *f = fopen("/tmp/safer-test-harm-one.csv", "w");
    assert_non_null(f);
    fputs(one, f);
    fclose(f);
    assert_int_equal(safer_harm_import(st, "/tmp/safer-test-harm-one.csv", &err), 1);
    remove("/tmp/safer-test-harm-one.csv");
    assert_int_equal(safer_harm_load(st, &w, &err), 0);
    for (int k = 0; k < SAFER_HARM_NCATS; k++) {
        if (k == safer_harm_category("Robbery"))
            assert_true(w.weight[k] == 7 && w.origin[k] == SAFER_HARM_PARTNERSHIP);
        else
            assert_true(w.weight[k] == def.weight[k] && w.origin[k] == SAFER_HARM_DEFAULT);
    }
    safer_store_close(st);
    testdb_drop(target);
}

/* Harm by ward and type against a direct sum over a hand-made assessment. */
static void test_harm_by_ward_is_the_direct_sum(void **state)
{
    (void)state;
    enum { W = 3, T = 4, M = 7 };
    struct safer_assessment a;
    memset(&a, 0, sizeof(a));
    struct safer_area wards[W];
    memset(wards, 0, sizeof(wards));
    char n0[] = "Burglary", n1[] = "Drugs", n2[] = "Old category", n3[] = "Robbery";
    char *types[T] = {n0, n1, n2, n3};
    uint32_t counts[W * T * M];
    double weight[T] = {12.5, 0.75, NAN, 3};
    unsigned seed = 7;
    for (size_t i = 0; i < W * T * M; i++) {
        seed = seed * 1103515245u + 12345u;
        counts[i] = (seed >> 16) % 50;
    }
    a.wards = wards;
    a.nwards = W;
    a.types = types;
    a.ntypes = T;
    a.counts = counts;
    a.first_month = 24000;
    a.nmonths = M;
    a.l12_start = 24002; /* months 2..5 of 0..6 */
    a.latest = 24005;
    a.type_weight = weight;
    for (size_t w = 0; w < W; w++) {
        for (size_t t = 0; t < T; t++) {
            double sum = 0;
            for (size_t m = 2; m <= 5; m++)
                sum += weight[t] * counts[(w * T + t) * M + m];
            double got = safer_assessment_harm(&a, w, t);
            if (isnan(weight[t]))
                assert_true(isnan(got));
            else
                assert_true(fabs(got - sum) <= 1e-12 * fabs(sum));
        }
    }
    /* A window that starts before the stored months: only those count. */
    a.l12_start = 23995;
    a.latest = 24006;
    for (size_t w = 0; w < W; w++) {
        for (size_t t = 0; t < T; t++) {
            int64_t n = 0;
            for (size_t m = 0; m < M; m++)
                n += counts[(w * T + t) * M + m];
            assert_int_equal(safer_assessment_ward_type_latest(&a, w, t), n);
        }
    }
    assert_true(isnan(safer_assessment_harm(&a, W, 0)));
    a.type_weight = NULL;
    assert_true(isnan(safer_assessment_harm(&a, 0, 0)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_the_file),
        cmocka_unit_test(test_default_is_complete_and_marked),
        cmocka_unit_test(test_parse_mistakes),
        cmocka_unit_test(test_import_all_or_nothing),
        cmocka_unit_test(test_harm_by_ward_is_the_direct_sum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
