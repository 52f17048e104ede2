/*
 * test_assess.c - the assessment (lib/assess/assess.c, assess_stats.c,
 * assess_write.c) through safer_assess_compute and safer_assess_run into
 * an output set in memory, on either engine (SAFER_TEST_PG selects
 * PostgreSQL): windows, ward assignment as tests/data/police/README.md
 * has it, --area, rates, deprivation, coverage, change tests against R,
 * and the same files whatever the thread count.
 *
 * Besides the fixtures, some tests generate a force's two years of
 * publications (gen_month), with records at one point in each ward:
 * Burglary in Alpha, Other theft in Beta, Vehicle crime in Gamma, and
 * Drugs far from every ward.
 */
#include "util/compat.h"

#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "safer/area.h"
#include "safer/assess.h"
#include "safer/limits.h"
#include "safer/lib.h"
#include "safer/lookup.h"
#include "safer/output.h"
#include "safer/police.h"
#include "safer/stats.h"
#include "safer/store.h"
#include "safer/synth.h"
#include "testfix.h"

#define DATA SAFER_TEST_DATA
#define POLICE DATA "/police/"

#define MONTH(y, m) ((y)*12 + (m)-1)
#define ALPHA "E05000001"
#define BETA "E05000002"
#define GAMMA "E05000003"

/* What the tests' stores hold (testfix.h). */
enum {
    WARDS = TESTFIX_WARDS,
    LOOKUP = TESTFIX_LOOKUP,
    CSP = TESTFIX_CSP,
    KENT = TESTFIX_KENT_2018 | TESTFIX_KENT_2019,
};

/*
 * One month of a generated force's publication in testfix_dir/SET/: `b`
 * burglaries in Alpha, `o` other thefts in Beta, `v` vehicle crimes in
 * Gamma, `d` drug offences far from every ward, and `bad` rows the import
 * rejects (an empty crime type). The path is added to paths[*n].
 */
static void gen_month(const char *set, const char *force, int32_t month, int b, int o, int v, int d,
                      int bad, char (*paths)[512], size_t *n)
{
    char dir[300];
    snprintf(dir, sizeof(dir), "%s/%s", testfix_dir, set);
    mkdir(dir, 0755);
    char ym[16];
    snprintf(ym, sizeof(ym), "%04d-%02d", month / 12, month % 12 + 1);
    snprintf(paths[*n], 512, "%s/gen-%s-%s.csv", dir, force, ym);
    FILE *f = fopen(paths[*n], "w");
    assert_non_null(f);
    (*n)++;
    fputs("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context\n",
          f);
    const struct {
        int count;
        const char *pos, *lsoa, *type;
    } kinds[] = {
        {b, "0.501,51.201", "E01000001,Test 001A", "Burglary"},
        {o, "0.507,51.207", "E01000002,Test 001B", "Other theft"},
        {v, "0.53,51.21", "E01000003,Test 002A", "Vehicle crime"},
        {d, "0.70,51.30", "E01009999,Other 001A", "Drugs"},
        {bad, "0.501,51.201", "E01000001,Test 001A", ""},
    };
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        for (int i = 0; i < kinds[k].count; i++)
            fprintf(f, ",%s,%s,%s,%s,On or near Somewhere,%s,%s,,\n", ym, force, force,
                    kinds[k].pos, kinds[k].lsoa, kinds[k].type);
    assert_int_equal(fclose(f), 0);
}

/*
 * Two complete years of Test Police to 2019-01, four records a month:
 * previous 12 months (2017-02 to 2018-01): vehicle crime 8, other theft
 * 40; latest 12 (2018-02 to 2019-01): burglary 10, vehicle crime 3, drugs
 * 1 (outside every ward), other theft 34. Far Police has one month of
 * records outside every ward.
 */
static size_t gen_complete(char (*paths)[512])
{
    size_t n = 0;
    for (int k = 0; k < 24; k++) {
        int32_t m = MONTH(2017, 2) + k;
        int b = 0, v = 0, d = 0;
        if (k < 8)
            v = 1; /* 2017-02 .. 2017-09 */
        if (k >= 12 && k < 22)
            b = 1; /* 2018-02 .. 2018-11 */
        if (k >= 12 && k < 15)
            v = 1; /* 2018-02 .. 2018-04 */
        if (k == 23)
            d = 1; /* 2019-01 */
        gen_month("complete", "Test Police", m, b, 4 - b - v - d, v, d, 0, paths, &n);
    }
    gen_month("complete", "Far Police", MONTH(2019, 1), 0, 0, 0, 2, 0, paths, &n);
    return n;
}

/* The store most tests read: the wards, both lookups and the Kent files.
 * The tests leave it as they found it. */
static struct {
    char target[512];
    struct safer_store *st;
} kent;

static int group_setup(void **state)
{
    if (testfix_setup(state) < 0)
        return -1;
    kent.st = testfix_store("kent", WARDS | LOOKUP | CSP | KENT, kent.target, sizeof(kent.target));
    return 0;
}

static int group_teardown(void **state)
{
    testfix_done(kent.st, kent.target);
    return testfix_teardown(state);
}

/* ---- reading the results ---- */

static void compute(struct safer_store *st, const struct safer_assess_opts *o,
                    struct safer_assessment *a)
{
    struct safer_err err = {0};
    int rc = safer_assess_compute(st, o, a, &err);
    if (rc < 0)
        fail_msg("%s: %s", safer_errname(rc), err.msg);
}

/* The CSV files of `a`, in memory. */
static void write_csv(const struct safer_assessment *a, struct safer_output *out)
{
    safer_output_init(out);
    struct safer_err err = {0};
    int rc = safer_assess_write_csv(a, out, &err);
    if (rc < 0)
        fail_msg("%s", err.msg);
}

static const char *file_text(const struct safer_output *o, const char *name)
{
    const struct safer_output_file *f = safer_output_find(o, name);
    if (!f)
        fail_msg("no %s in the output", name);
    assert_non_null(f->data);
    assert_int_equal(strlen(f->data), f->len);
    return f->data;
}

static long ward_index(const struct safer_assessment *a, const char *code)
{
    for (size_t w = 0; w < a->nwards; w++)
        if (strcmp(a->wards[w].code, code) == 0)
            return (long)w;
    return -1;
}

static long type_index(const struct safer_assessment *a, const char *type)
{
    for (size_t t = 0; t < a->ntypes; t++)
        if (strcmp(a->types[t], type) == 0)
            return (long)t;
    return -1;
}

/* Records of `type` assigned to `ward` in month m (0 when either is absent). */
static uint32_t count_at(const struct safer_assessment *a, const char *ward, const char *type,
                         int32_t m)
{
    long w = ward_index(a, ward), t = type_index(a, type);
    if (w < 0 || t < 0 || m < a->first_month || m >= a->first_month + a->nmonths)
        return 0;
    return a->counts[((size_t)w * a->ntypes + (size_t)t) * (size_t)a->nmonths +
                     (size_t)(m - a->first_month)];
}

/* What must hold of every assessment. */
static void assert_sane(const struct safer_assessment *a)
{
    assert_int_equal(a->rows_total, a->rows_no_coords + a->rows_outside_wards +
                                        a->rows_outside_area + a->rows_assigned);
    assert_true(a->rows_assigned_by_lsoa <= a->rows_assigned);
    assert_true(a->rows_unknown_lsoa <= a->rows_no_coords);
    /* Two windows of one length, the previous just before the latest. */
    assert_true(a->l12_start <= a->latest);
    assert_int_equal(a->p12_end, a->l12_start - 1);
    assert_int_equal(a->p12_start, a->l12_start - (a->latest - a->l12_start + 1));
    assert_int_equal(a->first_month + a->nmonths - 1, a->latest);
    uint64_t sum = 0;
    for (size_t i = 0; i < a->nwards * a->ntypes * (size_t)a->nmonths; i++)
        sum += a->counts[i];
    assert_int_equal(sum, a->rows_assigned);
    int64_t wl = 0, wp = 0, tl = 0, tp = 0;
    for (size_t w = 0; w < a->nwards; w++) {
        wl += a->ward_latest[w];
        wp += a->ward_prev[w];
    }
    for (size_t t = 0; t < a->ntypes; t++) {
        tl += a->type_latest[t];
        tp += a->type_prev[t];
    }
    assert_int_equal(wl, tl);
    assert_int_equal(wp, tp);
    for (size_t w = 1; w < a->nwards; w++)
        assert_true(strcmp(a->wards[w - 1].code, a->wards[w].code) < 0);
    for (size_t t = 1; t < a->ntypes; t++)
        assert_true(strcmp(a->types[t - 1], a->types[t]) < 0);
}

/* Does `s` hold "nan" or "inf" as a word of its own (any case)? */
static const char *non_finite_text(const char *s)
{
    static const char *const words[] = {"nan", "inf", "infinity"};
    for (const char *p = s; *p; p++) {
        for (size_t k = 0; k < 3; k++) {
            size_t n = strlen(words[k]);
            if (strncasecmp(p, words[k], n) == 0 && (p == s || !isalpha((unsigned char)p[-1])) &&
                !isalpha((unsigned char)p[n]))
                return p;
        }
    }
    return NULL;
}

/* ---- assignment, windows, area ---- */

static void test_assess_assigns_records_as_the_fixture_readme_says(void **state)
{
    (void)state;
    /* README.md: 2019-01 holds ten records; 2018-01 four, all in wards. */
    static const struct {
        unsigned lookup;
        uint64_t no_coords, outside, assigned, by_lsoa, unknown_lsoa;
        uint32_t alpha_shoplifting;
    } cases[] = {
        /* without the lookup, line 8 (no location, LSOA E01000001) has no
         * ward, and its LSOA is one the lookup lacks */
        {0, 2, 3, 9, 0, 1, 0},
        /* with it (imported now, into the same store), it is Alpha's */
        {LOOKUP, 1, 3, 10, 1, 0, 1},
    };
    char target[512];
    struct safer_store *st = testfix_store("assign", WARDS | KENT, target, sizeof(target));
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        if (cases[k].lookup)
            testfix_lookup(st, DATA "/lookup_lsoa_ward.csv");
        struct safer_assess_opts o = {.to = -1};
        struct safer_assessment a;
        compute(st, &o, &a);
        assert_sane(&a);
        assert_int_equal(a.nwards, 3);
        assert_int_equal(a.rows_total, 14);
        assert_int_equal(a.rows_no_coords, cases[k].no_coords);
        /* Lines 4 and 10 on boundaries, line 7 far away. */
        assert_int_equal(a.rows_outside_wards, cases[k].outside);
        assert_int_equal(a.rows_assigned, cases[k].assigned);
        assert_int_equal(a.rows_assigned_by_lsoa, cases[k].by_lsoa);
        assert_int_equal(a.rows_unknown_lsoa, cases[k].unknown_lsoa);
        assert_int_equal(a.rows_outside_area, 0);

        int32_t m = MONTH(2019, 1);
        assert_int_equal(count_at(&a, ALPHA, "Burglary", m), 1);      /* line 2 */
        assert_int_equal(count_at(&a, ALPHA, "Bicycle theft", m), 1); /* line 11 */
        assert_int_equal(count_at(&a, ALPHA, "Shoplifting", m), cases[k].alpha_shoplifting);
        assert_int_equal(count_at(&a, BETA, "Anti-social behaviour", m), 1); /* line 3, the hole */
        assert_int_equal(count_at(&a, GAMMA, "Violence and sexual offences", m), 1); /* line 5 */
        assert_int_equal(count_at(&a, GAMMA, "Vehicle crime", m), 1); /* line 6, detached part */
        assert_int_equal(count_at(&a, ALPHA, "Drugs", m), 0);
        assert_int_equal(count_at(&a, ALPHA, "Other theft", m), 0);
        m = MONTH(2018, 1);
        assert_int_equal(count_at(&a, ALPHA, "Burglary", m), 2);
        assert_int_equal(count_at(&a, ALPHA, "Anti-social behaviour", m), 1);
        assert_int_equal(count_at(&a, GAMMA, "Bicycle theft", m), 1);
        assert_int_equal(a.ward_latest[ward_index(&a, ALPHA)], 2 + cases[k].alpha_shoplifting);
        assert_int_equal(a.ward_prev[ward_index(&a, ALPHA)], 3);

        struct safer_output out;
        write_csv(&a, &out);
        char line[64];
        snprintf(line, sizeof(line), "\nrows_assigned,%llu\n",
                 (unsigned long long)cases[k].assigned);
        assert_non_null(strstr(file_text(&out, "summary.csv"), line));
        assert_non_null(strstr(file_text(&out, "summary.csv"), "\nrows_total,14\n"));
        /* No --area: no rows_outside_area line. */
        assert_null(strstr(file_text(&out, "summary.csv"), "rows_outside_area"));
        safer_output_release(&out);
        safer_assessment_release(&a);
    }
    testfix_done(st, target);
}

static void test_assess_windows_follow_the_latest_month_or_to(void **state)
{
    (void)state;
    struct safer_store *st = kent.st;
    /* { to, latest, first month, total, after latest, Alpha prev, Alpha latest } */
    static const struct {
        int32_t to, latest, first;
        uint64_t total, after;
        int64_t alpha_prev, alpha_latest;
    } cases[] = {
        /* the latest month in the data: 2018-01 is the previous window's last */
        {-1, MONTH(2019, 1), MONTH(2018, 1), 14, 0, 3, 3},
        /* --to 2018-06: 2019-01 is after it; 2018-01 is in the latest window */
        {MONTH(2018, 6), MONTH(2018, 6), MONTH(2018, 1), 4, 10, 0, 3},
        /* --to past the data */
        {MONTH(2019, 6), MONTH(2019, 6), MONTH(2018, 1), 14, 0, 3, 3},
        /* --to 2020-01: 2019-01 is previous, 2018-01 in neither window but counted */
        {MONTH(2020, 1), MONTH(2020, 1), MONTH(2018, 1), 14, 0, 3, 0},
        /* --to before every record */
        {MONTH(2017, 6), MONTH(2017, 6), MONTH(2017, 6), 0, 14, 0, 0},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct safer_assess_opts o = {.to = cases[k].to};
        struct safer_assessment a;
        compute(st, &o, &a);
        assert_sane(&a);
        assert_int_equal(a.latest, cases[k].latest);
        assert_int_equal(a.l12_start, a.latest - 11);
        assert_int_equal(a.p12_start, a.latest - 23);
        assert_int_equal(a.p12_end, a.latest - 12);
        assert_int_equal(a.first_month, cases[k].first);
        assert_int_equal(a.rows_total, cases[k].total);
        assert_int_equal(a.rows_after_latest, cases[k].after);
        long w = ward_index(&a, ALPHA);
        assert_int_equal(a.ward_prev[w], cases[k].alpha_prev);
        assert_int_equal(a.ward_latest[w], cases[k].alpha_latest);
        /* Counts cover every month up to the latest, windows or not. */
        uint32_t in2018 = count_at(&a, ALPHA, "Burglary", MONTH(2018, 1));
        assert_int_equal(in2018, cases[k].latest >= MONTH(2018, 1) ? 2 : 0);

        struct safer_output out;
        write_csv(&a, &out);
        char want[128];
        snprintf(want, sizeof(want), "\nrows_after_latest,%llu\nlatest_month,%04d-%02d\n",
                 (unsigned long long)cases[k].after, cases[k].latest / 12,
                 cases[k].latest % 12 + 1);
        assert_non_null(strstr(file_text(&out, "summary.csv"), want));
        safer_output_release(&out);
        safer_assessment_release(&a);
    }
}

/*
 * --from sets the latest window's first month; the previous window is as
 * many months just before it. The fixture's records are in 2018-01 (Alpha
 * 3) and 2019-01 (Alpha 3).
 */
static void test_assess_from_sets_the_windows(void **state)
{
    (void)state;
    struct safer_store *st = kent.st;
    static const struct {
        int32_t from, to;
        int32_t l_start, p_start, p_end;
        int64_t alpha_prev, alpha_latest;
        int months_latest, months_prev; /* with data */
        int tested;
        int files; /* that contributed records, up to the latest month */
    } cases[] = {
        /* 7 months to 2019-01, after the 7 months to 2018-06 */
        {MONTH(2018, 7), -1, MONTH(2018, 7), MONTH(2017, 12), MONTH(2018, 6), 3, 3, 1, 1, 1, 2},
        /* one month: 2019-01 against 2018-12, which holds no data */
        {MONTH(2019, 1), -1, MONTH(2019, 1), MONTH(2018, 12), MONTH(2018, 12), 0, 3, 1, 0, 0, 2},
        /* 13 months to 2019-01, both files in it; nothing before */
        {MONTH(2018, 1), MONTH(2019, 1), MONTH(2018, 1), MONTH(2016, 12), MONTH(2017, 12), 0, 6,
         2, 0, 0, 2},
        /* 6 months to 2018-06 after the 6 months to 2017-12: 2018-01 against
         * nothing; the 2019-01 file is after the latest month */
        {MONTH(2018, 1), MONTH(2018, 6), MONTH(2018, 1), MONTH(2017, 7), MONTH(2017, 12), 0, 3, 1,
         0, 0, 1},
        /* no --from: the 12 months to the latest */
        {0, -1, MONTH(2018, 2), MONTH(2017, 2), MONTH(2018, 1), 3, 3, 1, 1, 1, 2},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct safer_assess_opts o = {.to = cases[k].to, .from = cases[k].from};
        struct safer_assessment a;
        compute(st, &o, &a);
        assert_sane(&a);
        assert_int_equal(a.latest, cases[k].to >= 0 ? cases[k].to : MONTH(2019, 1));
        assert_int_equal(a.l12_start, cases[k].l_start);
        assert_int_equal(a.p12_start, cases[k].p_start);
        assert_int_equal(a.p12_end, cases[k].p_end);
        assert_int_equal(a.p12_end - a.p12_start, a.latest - a.l12_start);
        long w = ward_index(&a, ALPHA);
        assert_int_equal(a.ward_prev[w], cases[k].alpha_prev);
        assert_int_equal(a.ward_latest[w], cases[k].alpha_latest);
        assert_int_equal(safer_assessment_data_months(&a, a.l12_start, a.latest),
                         cases[k].months_latest);
        assert_int_equal(safer_assessment_data_months(&a, a.p12_start, a.p12_end),
                         cases[k].months_prev);
        /* A test only between windows with data for as many months. */
        for (size_t i = 0; i < a.ntests; i++) {
            const struct safer_change_test *t = &a.tests[i];
            if (cases[k].tested && t->prev + t->latest > 0)
                assert_false(isnan(t->p));
            if (!cases[k].tested) {
                assert_true(isnan(t->p) && isnan(t->p_adj));
                assert_false(t->significant);
                assert_false(t->comparable);
            }
        }
        struct safer_output out;
        write_csv(&a, &out);
        const char *summary = file_text(&out, "summary.csv");
        char want[160];
        snprintf(want, sizeof(want),
                 "\nwindow_months,%d\nlatest_months_with_data,%d\nprev_months_with_data,%d\n"
                 "files_in_area,%d\n",
                 (int)(a.latest - a.l12_start + 1), cases[k].months_latest, cases[k].months_prev,
                 cases[k].files);
        assert_non_null(strstr(summary, want));
        snprintf(want, sizeof(want), "\nlatest_12_start,%04d-%02d\n", cases[k].l_start / 12,
                 cases[k].l_start % 12 + 1);
        assert_non_null(strstr(summary, want));
        safer_output_release(&out);
        safer_assessment_release(&a);
    }

    /* A first month after the latest, and a window over the limit. */
    struct safer_err err = {0};
    struct safer_assessment a;
    struct safer_assess_opts o = {.to = -1, .from = MONTH(2019, 2)};
    assert_int_equal(safer_assess_compute(st, &o, &a, &err), SAFER_EINVAL);
    assert_non_null(strstr(err.msg, "'2019-02' is after the latest month '2019-01'"));
    o = (struct safer_assess_opts){.to = MONTH(2019, 1), .from = MONTH(2008, 1)};
    safer_err_clear(&err);
    assert_int_equal(safer_assess_compute(st, &o, &a, &err), SAFER_ETOOBIG);
    assert_non_null(strstr(err.msg, "SAFER_LIMIT_WINDOW_MONTHS"));
    o.from = MONTH(2009, 2); /* 120 months: the limit itself */
    compute(st, &o, &a);
    assert_int_equal(a.latest - a.l12_start + 1, SAFER_LIMIT_WINDOW_MONTHS);
    safer_assessment_release(&a);
}

/*
 * A window with no data gets no test: p and adjusted p are empty in
 * change_tests.csv, whose columns stay as they were, and nothing is
 * significant or comparable.
 */
static void test_assess_no_test_when_a_window_has_no_data(void **state)
{
    (void)state;
    /* --to 2020-01: the latest window (2019-02 to 2020-01) has no file; the
     * previous one holds 2019-01. */
    struct safer_assess_opts o = {.to = MONTH(2020, 1)};
    struct safer_assessment a;
    compute(kent.st, &o, &a);
    assert_int_equal(safer_assessment_data_months(&a, a.l12_start, a.latest), 0);
    assert_int_equal(safer_assessment_data_months(&a, a.p12_start, a.p12_end), 1);
    assert_true(safer_assessment_has_data(&a, MONTH(2019, 1)));
    assert_false(safer_assessment_has_data(&a, MONTH(2019, 2)));
    struct safer_output out;
    write_csv(&a, &out);
    const char *tests = file_text(&out, "change_tests.csv");
    static const char header[] =
        "scope,key,prev_12,latest_12,p_value,p_adjusted,significant,comparable\n";
    assert_int_equal(strncmp(tests, header, sizeof(header) - 1), 0);
    assert_non_null(strstr(tests, "\nward,E05000001,3,0,,,no,no\n"));
    /* Every test: empty p and adjusted p. */
    size_t rows = 0;
    for (const char *l = strchr(tests, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        const char *e = strchr(l + 1, '\n');
        assert_non_null(e);
        if (e - l < 10 || strncmp(e - 8, ",,,no,no\n", 9) != 0)
            fail_msg("a test with a p-value: '%.*s'", (int)(e - l - 1), l + 1);
        rows++;
    }
    assert_int_equal(rows, a.ntests);
    assert_non_null(strstr(file_text(&out, "summary.csv"),
                           "\nlatest_months_with_data,0\nprev_months_with_data,1\n"));
    safer_output_release(&out);
    safer_assessment_release(&a);
}

static void test_assess_area_keeps_a_district_or_partnership(void **state)
{
    (void)state;
    struct safer_store *st = kent.st;
    static const struct {
        const char *area, *name;
        const char *wards[3];
        size_t nwards;
        uint64_t outside_area, assigned;
    } cases[] = {
        {NULL, NULL, {ALPHA, BETA, GAMMA}, 3, 0, 14 - 1 - 3},
        /* Gamma's three records (two in 2019-01, one in 2018-01) are outside */
        {"E07000001", "Testborough", {ALPHA, BETA}, 2, 3, 7},
        {"E07000002", "Otherborough", {GAMMA}, 1, 7, 3},
        /* partnerships, through the district -> CSP lookup */
        {"E22000001", "Safer Test Partnership", {ALPHA, BETA}, 2, 3, 7},
        {"E22000002", "Other Partnership", {GAMMA}, 1, 7, 3},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct safer_assess_opts o = {.to = -1, .area = cases[k].area};
        struct safer_assessment a;
        compute(st, &o, &a);
        assert_sane(&a);
        assert_int_equal(a.nwards, cases[k].nwards);
        for (size_t w = 0; w < a.nwards; w++)
            assert_string_equal(a.wards[w].code, cases[k].wards[w]);
        assert_int_equal(a.rows_outside_area, cases[k].outside_area);
        assert_int_equal(a.rows_assigned, cases[k].assigned);
        assert_int_equal(a.rows_total, 14);
        if (cases[k].area) {
            assert_string_equal(a.area_code, cases[k].area);
            assert_string_equal(a.area_name, cases[k].name);
            assert_string_equal(a.title, cases[k].name);
        } else {
            assert_null(a.area_code);
            assert_string_equal(a.title, "All wards");
        }
        struct safer_output out;
        write_csv(&a, &out);
        const char *summary = file_text(&out, "summary.csv");
        if (cases[k].area) {
            char want[64];
            snprintf(want, sizeof(want), "\nrows_outside_area,%llu\n",
                     (unsigned long long)cases[k].outside_area);
            assert_non_null(strstr(summary, want));
            snprintf(want, sizeof(want), "\narea,%s\n", cases[k].area);
            assert_non_null(strstr(summary, want));
        }
        safer_output_release(&out);
        safer_assessment_release(&a);
    }

    /* An area with no stored ward. */
    struct safer_assess_opts o = {.to = -1, .area = "E07999999"};
    struct safer_assessment a;
    struct safer_err err = {0};
    assert_int_equal(safer_assess_compute(st, &o, &a, &err), SAFER_ENOTFOUND);
    assert_non_null(strstr(err.msg, "'E07999999'"));
    assert_null(a.wards);
}

/* ---- rates and deprivation ---- */

static void test_assess_rates_from_ward_and_lsoa_populations(void **state)
{
    (void)state;
    const double none = NAN;
    static const char lsoa_basis[] =
        "Total population: mid 2015 (excluding prisoners) (population.csv)";
    static const char both_basis[] = "population (pop-ward.csv); Total population: mid 2015 "
                                     "(excluding prisoners) (population.csv)";
    /* Steps, each adding to the store of its series (a new store when the
     * series changes): a ward population file to import, the LSOA fixture
     * (tests/data/population.csv), or E01000004 (with no population) put
     * in Gamma by the lookup; then Alpha's, Beta's and Gamma's population
     * and the basis named. */
    const struct {
        int series;
        const char *what, *ward;
        int lsoa, more_lookup;
        double pop[3];
        const char *basis;
    } steps[] = {
        {0, "per LSOA, summed through the lookup", NULL, 1, 0, {1296, 1004, 987}, lsoa_basis},
        {0,
         "both: the ward's own figure wins for its ward",
         "WD19CD,population\nE05000001,2000\n",
         0,
         0,
         {2000, 1004, 987},
         both_basis},
        {0,
         "a ward of population 0 has no rate, the others keep theirs",
         "WD19CD,population\nE05000002,0\n",
         0,
         0,
         {2000, none, 987},
         both_basis},
        {0,
         "a ward missing one of its LSOAs has no rate",
         NULL,
         0,
         1,
         {2000, none, none},
         /* no LSOA figure is used any more */
         "population (pop-ward.csv)"},
        {1,
         "only a 0",
         "WD19CD,population\nE05000002,0\n",
         0,
         0,
         {none, none, none},
         "population (pop-ward.csv)"},
        {1,
         "per ward",
         "WD19CD,population\nE05000001,2000\nE05000002,500\nE05000003,1000\n",
         0,
         0,
         {2000, 500, 1000},
         "population (pop-ward.csv)"},
    };
    char target[512], path[600];
    struct safer_store *st = NULL;
    for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
        if (k == 0 || steps[k].series != steps[k - 1].series) {
            if (st)
                testfix_done(st, target);
            st = testfix_store("rates", WARDS | LOOKUP | KENT, target, sizeof(target));
        }
        struct safer_population_stats ps;
        struct safer_err err = {0};
        if (steps[k].more_lookup) {
            testfix_write("lookup-more.csv", "LSOA11CD,WD19CD\nE01000004,E05000003\n", path,
                          sizeof(path));
            testfix_lookup(st, path);
        }
        if (steps[k].ward) {
            testfix_write("pop-ward.csv", steps[k].ward, path, sizeof(path));
            assert_int_equal(safer_population_import(st, path, &ps, &err), 0);
            assert_string_equal(ps.level, "ward");
        }
        if (steps[k].lsoa) {
            assert_int_equal(safer_population_import(st, DATA "/population.csv", &ps, &err), 0);
            assert_string_equal(ps.level, "lsoa");
        }
        struct safer_assess_opts o = {.to = -1, .threads = 2};
        struct safer_output out;
        safer_output_init(&out);
        struct safer_assessment a;
        int rc = safer_assess_run(st, &o, &out, &a, &err);
        if (rc < 0)
            fail_msg("%s: %s", steps[k].what, err.msg);
        assert_non_null(a.population);
        assert_string_equal(a.population_basis, steps[k].basis);

        /* rates_by_ward.csv: ward, name, population, latest 12, the rate's
         * exact Poisson 95% interval, the flag for fewer than 10 records, rate
         * per 1,000 (last); empty where there is no population. Latest 12:
         * Alpha 3, Beta 1, Gamma 2. */
        static const char *const names[3] = {"Alpha", "\"Beta, the island\"", "Gamma"};
        static const int latest[3] = {3, 1, 2};
        char want[1024] = "ward_code,ward_name,population,latest_12,rate_lower_95,"
                          "rate_upper_95,few_records,rate_per_1000\n";
        size_t used = strlen(want);
        for (size_t w = 0; w < 3; w++) {
            double p = steps[k].pop[w];
            if (isnan(p)) {
                assert_true(isnan(a.population[w]));
            } else if (a.population[w] != p) {
                fail_msg("%s: ward %zu population %.17g, not %.17g", steps[k].what, w,
                         a.population[w], p);
            }
            double lo, up;
            safer_poisson_ci(latest[w], 0.95, &lo, &up);
            if (isnan(p))
                used += (size_t)snprintf(want + used, sizeof(want) - used, "%s,%s,,%d,,,,\n",
                                         a.wards[w].code, names[w], latest[w]);
            else
                used += (size_t)snprintf(want + used, sizeof(want) - used,
                                         "%s,%s,%.17g,%d,%.17g,%.17g,yes,%.17g\n",
                                         a.wards[w].code, names[w], p, latest[w],
                                         1000.0 * lo / p, 1000.0 * up / p, 1000.0 * latest[w] / p);
        }
        assert_string_equal(file_text(&out, "rates_by_ward.csv"), want);

        /* Moran's I on the rates, after the rows on counts: over the wards
         * with a rate, their neighbour list cut down to them. */
        size_t nr = 0;
        for (size_t w = 0; w < 3; w++)
            nr += !isnan(steps[k].pop[w]);
        assert_int_equal(a.nmoran, nr >= 2 ? 4 : 2);
        assert_string_equal(a.moran[0].variable, "total_latest12");
        if (nr >= 2) {
            struct safer_geom g[3];
            double x[3];
            size_t m = 0;
            for (size_t w = 0; w < 3; w++) {
                if (isnan(steps[k].pop[w]))
                    continue;
                g[m] = a.wards[w].geom;
                x[m++] = 1000.0 * latest[w] / steps[k].pop[w];
            }
            struct safer_nb nb;
            safer_nb_init(&nb);
            assert_int_equal(safer_nb_queen(&nb, g, m, SAFER_NB_SNAP_DEFAULT, &err), 0);
            for (size_t i = 2; i < 4; i++) {
                struct safer_moran mt;
                safer_moran_test(x, &nb, i == 2 ? SAFER_MORAN_W : SAFER_MORAN_B, &mt, &err);
                assert_string_equal(a.moran[i].variable, "rate_latest12");
                assert_string_equal(a.moran[i].style, i == 2 ? "W" : "B");
                assert_int_equal(a.moran[i].n, mt.n_used);
                assert_int_equal(a.moran[i].islands, mt.islands);
                assert_memory_equal(&a.moran[i].I, &mt.I, sizeof(double));
            }
            safer_nb_release(&nb);
            assert_non_null(strstr(file_text(&out, "moran.csv"), "\nrate_latest12,W,"));
            assert_non_null(strstr(file_text(&out, "moran.csv"), "\nrate_latest12,B,"));
        }

        /* No file of the set, the report included, holds "nan" or "inf". */
        for (size_t i = 0; i < out.nfiles; i++) {
            const char *bad = non_finite_text(out.files[i].data);
            if (bad)
                fail_msg("%s: %s holds '%.20s'", steps[k].what, out.files[i].name, bad);
        }
        safer_output_release(&out);
        safer_assessment_release(&a);
    }
    testfix_done(st, target);
}

static void test_assess_without_population_has_no_rates(void **state)
{
    (void)state;
    struct safer_store *st = kent.st;
    struct safer_assess_opts o = {.to = -1};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_null(a.population);
    assert_null(a.imd_lsoas);
    struct safer_output out;
    write_csv(&a, &out);
    assert_null(safer_output_find(&out, "rates_by_ward.csv"));
    assert_null(safer_output_find(&out, "deprivation_by_ward.csv"));
    safer_output_release(&out);
    safer_assessment_release(&a);
}

static void test_assess_deprivation_by_ward(void **state)
{
    (void)state;
    char target[512], path[600];
    struct safer_store *st = testfix_store("imd", WARDS | LOOKUP | KENT, target, sizeof(target));
    /* Alpha's one LSOA in decile 1; Beta's two (E01000004 added to it
     * here) in deciles 2 and 3; Gamma's not in the file; E01000009 is in
     * no ward of the lookup. Deciles 1 and 2 are the most deprived 20%. */
    testfix_write("lookup-beta.csv", "LSOA11CD,WD19CD\nE01000004,E05000002\n", path, sizeof(path));
    testfix_lookup(st, path);
    testfix_write("imd.csv",
                  "LSOA code (2011),Index of Multiple Deprivation (IMD) Rank,"
                  "Index of Multiple Deprivation (IMD) Decile\n"
                  "E01000001,\"1,234\",1\nE01000002,\"3,000\",2\nE01000004,\"9,000\",3\n"
                  "E01000009,5,2\n",
                  path, sizeof(path));
    struct safer_deprivation_stats ds;
    struct safer_err err = {0};
    assert_int_equal(safer_deprivation_import(st, path, &ds, &err), 0);
    struct safer_assess_opts o = {.to = -1};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_non_null(a.imd_lsoas);
    static const int lsoas[3] = {1, 2, 0}, most[3] = {1, 1, 0};
    static const double mean[3] = {1, 2.5, NAN};
    for (size_t w = 0; w < 3; w++) {
        assert_int_equal(a.imd_lsoas[w], lsoas[w]);
        assert_int_equal(a.imd_most_deprived[w], most[w]);
        assert_true(isnan(mean[w]) ? isnan(a.imd_mean_decile[w]) : a.imd_mean_decile[w] == mean[w]);
    }
    struct safer_output out;
    write_csv(&a, &out);
    assert_string_equal(file_text(&out, "deprivation_by_ward.csv"),
                        "ward_code,ward_name,lsoas,lsoas_most_deprived_20pct,mean_imd_decile\n"
                        "E05000001,Alpha,1,1,1\n"
                        "E05000002,\"Beta, the island\",2,1,2.5\n"
                        "E05000003,Gamma,0,0,\n");
    safer_output_release(&out);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

/* ---- coverage and change tests ---- */

static const char *status_name(enum safer_coverage_status s)
{
    return s == SAFER_COVERAGE_OK ? "ok" : s == SAFER_COVERAGE_PARTIAL ? "partial" : "missing";
}

static void test_assess_coverage_marks_months_ok_partial_or_missing(void **state)
{
    (void)state;
    /* Test Police, five rows a month from 2017-02 to 2019-07 and in
     * 2016-12, except: 2017-05 with three rows read, one of
     * them rejected (60% of the median of 5: not under it, so ok); 2018-03
     * with two (partial); no 2018-06 (missing). Assessed to 2019-01, 2017-01
     * has no file and is before the windows: not listed. Far Police's records are in no ward:
     * it has no coverage rows. */
    static char paths[40][512];
    size_t n = 0;
    gen_month("gaps", "Test Police", MONTH(2016, 12), 0, 5, 0, 0, 0, paths, &n);
    for (int32_t m = MONTH(2017, 2); m <= MONTH(2019, 7); m++) {
        if (m == MONTH(2018, 6))
            continue;
        /* 2017-05: 3 rows stored of 4 read, exactly 60% of the median: ok.
         * 2018-07: 2 stored of 3 read: the rows read reach 60%, the rows
         * stored do not, and coverage judges what is stored: partial. */
        int rows = m == MONTH(2018, 3) ? 2 : m == MONTH(2017, 5) ? 3 : m == MONTH(2018, 7) ? 2 : 5;
        gen_month("gaps", "Test Police", m, 0, rows, 0, 0,
                  m == MONTH(2017, 5) || m == MONTH(2018, 7), paths, &n);
    }
    gen_month("gaps", "Far Police", MONTH(2019, 1), 0, 0, 0, 3, 0, paths, &n);
    const char *p[40];
    for (size_t i = 0; i < n; i++)
        p[i] = paths[i];
    char target[512];
    struct safer_store *st = testfix_store("coverage", WARDS | LOOKUP, target, sizeof(target));
    testfix_police(st, p, n);

    struct safer_assess_opts o = {.to = MONTH(2019, 1)};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_sane(&a);
    assert_int_equal(a.ncoverage, 1 + 24);
    for (size_t i = 0; i < a.ncoverage; i++) {
        const struct safer_coverage *c = &a.coverage[i];
        int32_t m = i == 0 ? MONTH(2016, 12) : MONTH(2017, 2) + (int32_t)(i - 1);
        assert_string_equal(c->force, "Test Police");
        assert_int_equal(c->month, m);
        enum safer_coverage_status want = SAFER_COVERAGE_OK;
        int64_t rows = 5;
        if (m == MONTH(2017, 5))
            rows = 4;
        if (m == MONTH(2018, 7)) {
            rows = 3;
            want = SAFER_COVERAGE_PARTIAL;
        }
        if (m == MONTH(2018, 3)) {
            rows = 2;
            want = SAFER_COVERAGE_PARTIAL;
        }
        if (m == MONTH(2018, 6)) {
            rows = 0;
            want = SAFER_COVERAGE_MISSING;
        }
        if (c->status != want || c->rows != rows)
            fail_msg("month %d: %s with %lld rows, not %s with %lld", (int)m,
                     status_name(c->status), (long long)c->rows, status_name(want),
                     (long long)rows);
    }
    assert_false(a.latest12_complete);
    assert_true(a.prev12_complete);
    for (size_t i = 0; i < a.ntests; i++) {
        assert_false(a.tests[i].comparable);
        assert_false(a.tests[i].significant);
    }
    struct safer_output out;
    write_csv(&a, &out);
    const char *cov = file_text(&out, "coverage.csv");
    /* Test Police publishes no ASB: its crime alone is judged, against a
     * usual 5 a month (2018-06 enters no usual level). Its low months are
     * a few records short, which chance explains: only their rows, under
     * 60% of the median, make them partial. */
    static const char head[] = "force,month,rows,crime_rows,asb_rows,crime_baseline,asb_baseline,"
                               "reason,status\nTest Police,2016-12,5,5,0,5,,,ok\n";
    assert_true(strncmp(cov, head, sizeof(head) - 1) == 0);
    assert_non_null(strstr(cov, "\nTest Police,2017-05,4,3,0,5,,,ok\n"));
    assert_non_null(strstr(cov, "\nTest Police,2018-07,3,2,0,5,,rows low,partial\n"));
    assert_non_null(strstr(cov, "\nTest Police,2018-03,2,2,0,5,,rows low,partial\n"));
    assert_non_null(strstr(cov, "\nTest Police,2018-06,0,,,,,,missing\n"));
    assert_null(strstr(cov, "2017-01"));
    assert_null(strstr(cov, "Far Police"));
    assert_non_null(
        strstr(file_text(&out, "summary.csv"), "\nlatest_12_complete,no\nprev_12_complete,yes\n"));
    safer_output_release(&out);
    safer_assessment_release(&a);

    /* Six months on, the gaps are in the previous window; the latest is whole. */
    o.to = MONTH(2019, 7);
    compute(st, &o, &a);
    assert_sane(&a);
    assert_true(a.latest12_complete);
    assert_false(a.prev12_complete);
    assert_int_equal(a.coverage[a.ncoverage - 1].month, MONTH(2019, 7));
    safer_assessment_release(&a);
    testfix_done(st, target);
}

/*
 * The coverage rule on hand-built series (safer_coverage_judge). A series
 * is one force's months from `first`: crime[k] and asb[k] records stored in
 * month first + k, or crime[k] = NO_FILE for a month without a file.
 */
#define NO_FILE (-1)

struct series {
    struct safer_coverage v[48];
    size_t n;
};

static void judge(struct series *s, int32_t first, const int64_t *crime, const int64_t *asb,
                  size_t n, const struct safer_rules *r)
{
    assert_true(n <= sizeof(s->v) / sizeof(s->v[0]));
    memset(s, 0, sizeof(*s));
    s->n = n;
    for (size_t k = 0; k < n; k++) {
        struct safer_coverage *c = &s->v[k];
        c->month = first + (int32_t)k;
        if (crime[k] == NO_FILE) {
            c->status = SAFER_COVERAGE_MISSING;
            continue;
        }
        c->crime = crime[k];
        c->asb = asb ? asb[k] : 0;
        c->rows = c->crime + c->asb;
    }
    struct safer_rules def;
    safer_rules_init(&def);
    safer_coverage_judge(s->v, n, r ? r : &def);
}

/* Month k's verdict: its status and reason bits, as "ok", "partial 1" ... */
static void assert_verdict(const struct series *s, size_t k, enum safer_coverage_status st,
                           unsigned reason)
{
    const struct safer_coverage *c = &s->v[k];
    if (c->status != st || c->reason != reason)
        fail_msg("month %zu (%d): %s (reason %u), not %s (reason %u); crime %lld against %g, "
                 "ASB %lld against %g",
                 k, (int)c->month, status_name(c->status), c->reason, status_name(st), reason,
                 (long long)c->crime, c->crime_usual, (long long)c->asb, c->asb_usual);
}

/* Every month with a file is ok but those in `partial` (-1 ends it). */
static void assert_only_partial(const struct series *s, const int *partial)
{
    for (size_t k = 0; k < s->n; k++) {
        if (s->v[k].status == SAFER_COVERAGE_MISSING)
            continue;
        int want = 0;
        for (const int *p = partial; *p >= 0; p++)
            want |= (size_t)*p == k;
        if ((s->v[k].status == SAFER_COVERAGE_PARTIAL) != want)
            assert_verdict(s, k, want ? SAFER_COVERAGE_PARTIAL : SAFER_COVERAGE_OK,
                           s->v[k].reason);
    }
}

static void test_coverage_judges_kent_2018_crime_and_asb_apart(void **state)
{
    (void)state;
    /* Kent Police's stored records of 2018-10 to 2019-02 (police.uk, the
     * shared data): crime falls to 11,690 in 2018-11 and 6,132 in 2018-12
     * while ASB holds at 2,000-2,300. */
    static const int64_t crime[] = {17347, 11690, 6132, 15659, 14125};
    static const int64_t asb[] = {2049, 2128, 2306, 2133, 2166};
    struct series s;
    judge(&s, MONTH(2018, 10), crime, asb, 5, NULL);
    assert_verdict(&s, 0, SAFER_COVERAGE_OK, 0);
    /* 13,818 rows, 85% of the median: only its crime shows the gap. Its
     * usual level: the median per day of 2018-10, 2018-12, 2019-01 and
     * 2019-02 (559.6, 197.8, 505.1 and 504.5) times 30 days. */
    assert_verdict(&s, 1, SAFER_COVERAGE_PARTIAL, SAFER_COVERAGE_CRIME_LOW);
    assert_true(s.v[1].crime_usual == 15144);
    assert_true(s.v[1].asb_usual == 2148);
    assert_verdict(&s, 2, SAFER_COVERAGE_PARTIAL,
                   SAFER_COVERAGE_CRIME_LOW | SAFER_COVERAGE_ROWS_LOW);
    assert_verdict(&s, 3, SAFER_COVERAGE_OK, 0);
    assert_verdict(&s, 4, SAFER_COVERAGE_OK, 0);
    /* A rise is never a gap: 2018-10 is 144% of its usual level. */
    assert_true(s.v[0].crime_usual == 12080);

    /* The rules are the caller's: at 75% 2018-11 (77% of its usual level)
     * is ok; with 5 neighbouring months needed, no month is judged on its
     * series, and 2018-12 is partial on its rows alone. */
    struct safer_rules r;
    safer_rules_init(&r);
    r.coverage_crime = 0.75;
    judge(&s, MONTH(2018, 10), crime, asb, 5, &r);
    assert_verdict(&s, 1, SAFER_COVERAGE_OK, 0);
    safer_rules_init(&r);
    r.coverage_min_months = 5;
    judge(&s, MONTH(2018, 10), crime, asb, 5, &r);
    assert_verdict(&s, 1, SAFER_COVERAGE_OK, 0);
    assert_verdict(&s, 2, SAFER_COVERAGE_PARTIAL, SAFER_COVERAGE_ROWS_LOW);
    for (size_t k = 0; k < 5; k++)
        assert_true(isnan(s.v[k].crime_usual) && isnan(s.v[k].asb_usual));
}

static void test_coverage_season_of_asb_is_not_a_gap(void **state)
{
    (void)state;
    /* Three years from 2016-01 of a force with steady crime (300 a day,
     * +-10% over the year, so February has 28 days' worth) and ASB that
     * swings threefold, 50 a day in January to 150 in July. */
    int64_t crime[36], asb[36];
    for (int k = 0; k < 36; k++) {
        int32_t m = MONTH(2016, 1) + k;
        static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int d = days[k % 12] + (m == MONTH(2016, 2));
        double season = cos(2 * M_PI * (k % 12 - 6) / 12.0);
        crime[k] = (int64_t)round(d * 300 * (1 + 0.1 * season));
        asb[k] = (int64_t)round(d * 100 * (1 + 0.5 * season));
    }
    struct series s;
    judge(&s, MONTH(2016, 1), crime, asb, 36, NULL);
    assert_only_partial(&s, (const int[]){-1});
    /* Every month is judged on both series, the first and last on the
     * three months beside them. */
    for (size_t k = 0; k < 36; k++)
        assert_false(isnan(s.v[k].crime_usual) || isnan(s.v[k].asb_usual));
    /* Per day: February's usual crime is 28 (29) days' worth, not 31. */
    assert_true(s.v[13].crime_usual < 0.93 * s.v[12].crime_usual);

    /* The same year with one file short of a third of its crime (2017-06)
     * and one short of most of its ASB (2017-11): those two alone. */
    crime[17] = crime[17] * 2 / 3;
    asb[22] = asb[22] / 4;
    judge(&s, MONTH(2016, 1), crime, asb, 36, NULL);
    assert_only_partial(&s, (const int[]){17, 22, -1});
    assert_verdict(&s, 17, SAFER_COVERAGE_PARTIAL, SAFER_COVERAGE_CRIME_LOW);
    assert_verdict(&s, 22, SAFER_COVERAGE_PARTIAL, SAFER_COVERAGE_ASB_LOW);
}

static void test_coverage_needs_neighbouring_months(void **state)
{
    (void)state;
    /* A crime drop of half, rows still over 60% of the median: in the
     * first of three months, two neighbours are too few to judge it. */
    static const int64_t three[] = {500, 1000, 1000};
    static const int64_t asb3[] = {400, 400, 400};
    struct series s;
    judge(&s, MONTH(2019, 1), three, asb3, 3, NULL);
    assert_only_partial(&s, (const int[]){-1});
    for (size_t k = 0; k < 3; k++)
        assert_true(isnan(s.v[k].crime_usual) && isnan(s.v[k].asb_usual));

    /* With a fourth month it has three, and is judged: partial. So is the
     * last month of the data, on the three before it. */
    static const int64_t four[] = {500, 1000, 1000, 1000, 500};
    static const int64_t asb4[] = {400, 400, 400, 400, 400};
    judge(&s, MONTH(2019, 1), four, asb4, 4, NULL);
    assert_only_partial(&s, (const int[]){0, -1});
    judge(&s, MONTH(2019, 2), four + 1, asb4, 4, NULL);
    assert_only_partial(&s, (const int[]){3, -1});

    /* Missing months never enter a usual level as 0: 2019-04 has files
     * two months before and after it and none between, so its usual level
     * is that of those months. Months more than 6 away are no neighbours:
     * 2020-01, with the nearest file 7 months back, is not judged on its
     * crime (its rows, under 60% of the median, make it partial). */
    static const int64_t gaps[] = {1000,    1000,    NO_FILE, 1000,    NO_FILE, 1000,   NO_FILE,
                                   NO_FILE, NO_FILE, NO_FILE, NO_FILE, NO_FILE, 300};
    judge(&s, MONTH(2019, 1), gaps, NULL, 13, NULL);
    assert_only_partial(&s, (const int[]){12, -1});
    assert_verdict(&s, 12, SAFER_COVERAGE_PARTIAL, SAFER_COVERAGE_ROWS_LOW);
    assert_true(isnan(s.v[12].crime_usual));
    assert_false(isnan(s.v[5].crime_usual)); /* 2019-06: on the three files before it */
    assert_true(fabs(s.v[3].crime_usual - 1000) <= 35); /* days differ, not a 0 */
    assert_int_equal(s.v[2].status, SAFER_COVERAGE_MISSING);
    assert_true(isnan(s.v[2].crime_usual));
}

static void test_coverage_judges_a_force_without_asb_on_crime(void **state)
{
    (void)state;
    /* British Transport Police publishes no ASB: ASB is never judged, and
     * crime alone decides, as its fall to 70% in month 6 does (its rows
     * are over 60% of the median). */
    int64_t crime[12], asb[12];
    for (int k = 0; k < 12; k++) {
        crime[k] = k == 6 ? 3500 : 5000;
        asb[k] = 0;
    }
    struct series s;
    judge(&s, MONTH(2018, 1), crime, asb, 12, NULL);
    assert_only_partial(&s, (const int[]){6, -1});
    assert_verdict(&s, 6, SAFER_COVERAGE_PARTIAL, SAFER_COVERAGE_CRIME_LOW);
    for (size_t k = 0; k < 12; k++)
        assert_true(isnan(s.v[k].asb_usual) && !isnan(s.v[k].crime_usual));

    /* A force that publishes ASB but has none in one month: that is a gap
     * (a file without its ASB), judged against the usual level. */
    for (int k = 0; k < 12; k++)
        asb[k] = k == 8 ? 0 : 900;
    crime[6] = 5000;
    judge(&s, MONTH(2018, 1), crime, asb, 12, NULL);
    assert_only_partial(&s, (const int[]){8, -1});
    assert_verdict(&s, 8, SAFER_COVERAGE_PARTIAL, SAFER_COVERAGE_ASB_LOW);

    /* A dozen records a month (the demo's BTP) move by a quarter by chance
     * alone: under 80% but within 3 standard deviations is not a gap. A
     * month with none is (and its rows are under 60% of the median). */
    static const int64_t few[] = {12, 9, 11, 12, 8, 12, 10, 12, 9, 11, 0, 12};
    static const int64_t fewasb[] = {0, 3, 1, 0, 2, 0, 2, 1, 3, 0, 0, 0};
    judge(&s, MONTH(2018, 1), few, fewasb, 12, NULL);
    assert_only_partial(&s, (const int[]){10, -1});
    assert_verdict(&s, 10, SAFER_COVERAGE_PARTIAL,
                   SAFER_COVERAGE_CRIME_LOW | SAFER_COVERAGE_ROWS_LOW);
}

/*
 * One month of a generated force's publication with `crime` other thefts
 * in Beta and `asb` anti-social behaviour records in Alpha (test_assess's
 * coverage through the store).
 */
static void gen_crime_asb(const char *set, const char *force, int32_t month, int crime, int asb,
                          char (*paths)[512], size_t *n)
{
    char dir[300];
    snprintf(dir, sizeof(dir), "%s/%s", testfix_dir, set);
    mkdir(dir, 0755);
    snprintf(paths[*n], 512, "%s/gen-%s-%04d-%02d.csv", dir, force, month / 12, month % 12 + 1);
    FILE *f = fopen(paths[*n], "w");
    assert_non_null(f);
    (*n)++;
    fputs("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context\n",
          f);
    for (int i = 0; i < crime + asb; i++)
        fprintf(f, ",%04d-%02d,%s,%s,%s,On or near Somewhere,%s,%s,,\n", month / 12,
                month % 12 + 1, force, force, i < crime ? "0.507,51.207" : "0.501,51.201",
                i < crime ? "E01000002,Test 001B" : "E01000001,Test 001A",
                i < crime ? "Other theft" : "Anti-social behaviour");
    assert_int_equal(fclose(f), 0);
}

/* A store with the wards, the LSOA lookup and the n generated files. */
static struct safer_store *store_of(const char *name, char (*paths)[512], size_t n, char *target,
                                    size_t cap)
{
    const char **p = calloc(n ? n : 1, sizeof(*p));
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = paths[i];
    struct safer_store *st = testfix_store(name, WARDS | LOOKUP, target, cap);
    testfix_police(st, p, n);
    free(p);
    return st;
}

static void test_assess_coverage_counts_crime_and_asb_of_each_file(void **state)
{
    (void)state;
    /* Test Police, 2018-01 to 2019-02: 300 crimes and 100 ASB a month,
     * but 2018-09 with 180 crimes (rows 280, 70% of the median: ok by
     * rows) and 2019-01 with 100 crimes, assessed to 2018-12: 2019-01 is
     * after the latest month, left out of the counts, but a neighbour of
     * 2018-12 (and not listed). Rail Police publishes 60 crimes a month
     * and no ASB, 2018-04 to 2018-12. */
    static char paths[40][512];
    size_t n = 0;
    for (int32_t m = MONTH(2018, 1); m <= MONTH(2019, 2); m++)
        gen_crime_asb("series", "Test Police", m,
                      m == MONTH(2018, 9) ? 180 : m == MONTH(2019, 1) ? 100 : 300, 100, paths,
                      &n);
    for (int32_t m = MONTH(2018, 4); m <= MONTH(2018, 12); m++)
        gen_crime_asb("series", "Rail Police", m, 60, 0, paths, &n);
    char target[512];
    struct safer_store *st = store_of("series", paths, n, target, sizeof(target));

    struct safer_assess_opts o = {.to = MONTH(2018, 12)};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_sane(&a);
    /* Rail Police: 2017-01 to 2018-03 missing, 2018-04 to 2018-12; Test
     * Police: 2017-01 to 2017-12 missing, 2018-01 to 2018-12. */
    assert_int_equal(a.ncoverage, 24 + 24);
    for (size_t i = 0; i < a.ncoverage; i++) {
        const struct safer_coverage *c = &a.coverage[i];
        int rail = strcmp(c->force, "Rail Police") == 0;
        if (c->status == SAFER_COVERAGE_MISSING) {
            assert_true(c->month < (rail ? MONTH(2018, 4) : MONTH(2018, 1)));
            assert_true(c->crime == 0 && c->asb == 0 && c->reason == 0);
            assert_true(isnan(c->crime_usual) && isnan(c->asb_usual));
            continue;
        }
        assert_int_equal(c->crime, rail ? 60 : c->month == MONTH(2018, 9) ? 180 : 300);
        assert_int_equal(c->asb, rail ? 0 : 100);
        assert_int_equal(c->rows, c->crime + c->asb);
        assert_true(rail ? isnan(c->asb_usual) : !isnan(c->asb_usual));
        assert_false(isnan(c->crime_usual));
        int gap = !rail && c->month == MONTH(2018, 9);
        assert_int_equal(c->status, gap ? SAFER_COVERAGE_PARTIAL : SAFER_COVERAGE_OK);
        assert_int_equal(c->reason, gap ? SAFER_COVERAGE_CRIME_LOW : 0);
    }
    assert_false(a.latest12_complete);
    assert_false(a.prev12_complete);

    struct safer_output out;
    write_csv(&a, &out);
    const char *cov = file_text(&out, "coverage.csv");
    assert_non_null(strstr(cov, "\nRail Police,2018-03,0,,,,,,missing\n"));
    /* Usual levels are per day: 2018-04's neighbours have 60 in 30 or 31
     * days, a median of 60/31 a day, 58 in its 30 days. */
    assert_non_null(strstr(cov, "\nRail Police,2018-04,60,60,0,58,,,ok\n"));
    assert_non_null(strstr(cov, "\nTest Police,2018-09,280,180,100,290,97,crime low,partial\n"));
    /* 2018-12's neighbours: 2018-09 (low), 2018-10 and 2018-11, and after
     * the latest month 2019-01 (low) and 2019-02: a median of 300/31 crimes
     * a day, and 100/30 ASB. */
    assert_non_null(strstr(cov, "\nTest Police,2018-12,400,300,100,300,103,,ok\n"));
    assert_null(strstr(cov, "2019-01"));
    safer_output_release(&out);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

/*
 * The rule on the synthetic generator's demo years (lib/synth), so that it
 * is not fitted to Kent's five real months: ASB that more than doubles from
 * January to July, crime with its trends, British Transport Police's dozen
 * rows a month, and one partial month (about 40% of a normal one), the
 * sixth, which falls in a different season for each first month. The
 * partial month is flagged on its crime, and no other month is.
 */
static void test_assess_coverage_on_synthetic_years(void **state)
{
    (void)state;
    static const struct {
        uint64_t seed;
        int32_t first;
        int months;
        uint64_t rows;
    } years[] = {
        {2, MONTH(2016, 2), 36, 40000},
        {3, MONTH(2016, 5), 48, 40000},
        {4, MONTH(2016, 8), 36, 20000},
        {5, MONTH(2016, 11), 40, 40000},
    };
    for (size_t y = 0; y < sizeof(years) / sizeof(years[0]); y++) {
        char dir[300], name[32];
        snprintf(name, sizeof(name), "synth%zu", y);
        snprintf(dir, sizeof(dir), "%s/%s", testfix_dir, name);
        struct safer_synth_opts so;
        safer_synth_opts_init(&so);
        so.seed = years[y].seed;
        so.first_month = years[y].first;
        so.months = years[y].months;
        so.rows = years[y].rows;
        so.nwards = 12;
        so.vertices_per_ward = 40;
        struct safer_synth_result res = {0};
        struct safer_err err = {0};
        if (safer_synth_write(dir, &so, &res, &err) < 0)
            fail_msg("%s", err.msg);
        const char **police = calloc(res.nfiles, sizeof(*police));
        assert_non_null(police);
        size_t np = 0;
        for (size_t i = 0; i < res.nfiles; i++)
            if (strstr(res.files[i], "/police/"))
                police[np++] = res.files[i];
        char target[512], path[400];
        struct safer_store *st = testfix_store(name, 0, target, sizeof(target));
        struct safer_areas_stats as;
        struct safer_areas_opts ao = {.level = "ward"};
        snprintf(path, sizeof(path), "%s/wards.geojson", dir);
        if (safer_areas_import(st, path, &ao, &as, &err) < 0)
            fail_msg("%s", err.msg);
        testfix_police(st, police, np);
        free(police);
        safer_synth_result_release(&res);

        struct safer_assess_opts o = {.to = -1};
        struct safer_assessment a;
        compute(st, &o, &a);
        size_t partial = 0, judged = 0;
        for (size_t i = 0; i < a.ncoverage; i++) {
            const struct safer_coverage *c = &a.coverage[i];
            if (c->status == SAFER_COVERAGE_MISSING)
                continue;
            judged += !isnan(c->crime_usual) && !isnan(c->asb_usual);
            if (c->status != SAFER_COVERAGE_PARTIAL)
                continue;
            partial++;
            if (strcmp(c->force, "Kent Police") != 0 || c->month != years[y].first + 5 ||
                !(c->reason & SAFER_COVERAGE_CRIME_LOW))
                fail_msg("year %zu: %s %d partial (reason %u), crime %lld against %g, ASB %lld "
                         "against %g",
                         y, c->force, (int)c->month, c->reason, (long long)c->crime,
                         c->crime_usual, (long long)c->asb, c->asb_usual);
        }
        assert_int_equal(partial, 1);
        /* Both forces, every month: each judged on both of its series. */
        assert_int_equal(judged, 2 * (size_t)years[y].months);
        safer_assessment_release(&a);
        testfix_done(st, target);
    }
}

static void test_assess_change_tests_match_r_binom_test(void **state)
{
    (void)state;
    static char paths[32][512];
    size_t n = gen_complete(paths);
    const char *p[32];
    for (size_t i = 0; i < n; i++)
        p[i] = paths[i];
    char target[512];
    struct safer_store *st = testfix_store("change", WARDS | LOOKUP, target, sizeof(target));
    testfix_police(st, p, n);
    struct safer_assess_opts o = {.to = -1};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_sane(&a);
    assert_true(a.latest12_complete);
    assert_true(a.prev12_complete);
    assert_int_equal(a.ncoverage, 24);

    /*
     * The expected values are those of these R calls:
     *   binom.test(10, 10, 0.5)$p.value  0.001953125       (= 2/1024)
     *   binom.test(34, 74, 0.5)$p.value  0.5613807442989819
     *   binom.test(3, 11, 0.5)$p.value   0.2265625         (= 464/2048)
     *   p.adjust(c(0.001953125, 0.5613807442989819, 0.2265625,
     *              0.001953125, 0.5613807442989819, 0.2265625), "BH")
     *     0.005859375 0.5613807442989819 0.33984375 (twice)
     * worked out here as exact fractions (no R on the machine that wrote
     * this): for p = 1/2, binom.test's p-value is 2 P(X <= min(x, n - x)),
     * 331380701375740834161 / 2^69 for the second; BH as p.adjust defines
     * it. The first and third are exact in binary; the tolerance below is
     * 1e-12 relative. Rerun the calls in R when one is at hand.
     * Drugs: no record in a study ward in either window, so no test.
     */
    static const struct {
        const char *scope, *key;
        int64_t prev, latest;
        double p, p_adj;
        int significant;
    } want[] = {
        {"type", "Burglary", 0, 10, 0.001953125, 0.005859375, 1},
        {"type", "Drugs", 0, 0, 0, 0, 0}, /* p and p_adj NaN */
        {"type", "Other theft", 40, 34, 0.5613807442989819, 0.5613807442989819, 0},
        {"type", "Vehicle crime", 8, 3, 0.2265625, 0.33984375, 0},
        {"ward", ALPHA, 0, 10, 0.001953125, 0.005859375, 1},
        {"ward", BETA, 40, 34, 0.5613807442989819, 0.5613807442989819, 0},
        {"ward", GAMMA, 8, 3, 0.2265625, 0.33984375, 0},
    };
    assert_int_equal(a.ntests, 7);
    for (size_t i = 0; i < a.ntests; i++) {
        const struct safer_change_test *t = &a.tests[i];
        assert_string_equal(t->scope, want[i].scope);
        assert_string_equal(t->key, want[i].key);
        assert_int_equal(t->prev, want[i].prev);
        assert_int_equal(t->latest, want[i].latest);
        assert_true(t->comparable);
        assert_int_equal(t->significant, want[i].significant);
        if (want[i].prev + want[i].latest == 0) {
            assert_true(isnan(t->p) && isnan(t->p_adj));
            continue;
        }
        if (fabs(t->p - want[i].p) > 1e-12 * want[i].p ||
            fabs(t->p_adj - want[i].p_adj) > 1e-12 * want[i].p_adj)
            fail_msg("%s %s: p %.17g, adjusted %.17g; R says %.17g, %.17g", t->scope, t->key, t->p,
                     t->p_adj, want[i].p, want[i].p_adj);
    }
    struct safer_output out;
    write_csv(&a, &out);
    const char *ct = file_text(&out, "change_tests.csv");
    assert_non_null(strstr(ct, "\ntype,Burglary,0,10,0.001953125,0.005859375,yes,yes\n"));
    assert_non_null(strstr(ct, "\ntype,Drugs,0,0,,,no,yes\n"));
    assert_non_null(strstr(ct, "\nward,E05000003,8,3,0.2265625,0.33984375,no,yes\n"));
    /* pct_change is empty without a previous count, and negative numbers
     * are not guarded as formulas. */
    const char *cbt = file_text(&out, "change_by_type.csv");
    assert_non_null(strstr(cbt, "\nBurglary,0,10,10,\n"));
    assert_non_null(strstr(cbt, "\nVehicle crime,8,3,-5,-62.5\n"));
    assert_non_null(strstr(cbt, "\nOther theft,40,34,-6,-15\n"));
    safer_output_release(&out);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

/* ---- threads ---- */

static void test_assess_same_files_on_1_2_4_threads(void **state)
{
    (void)state;
    static char paths[32][512];
    size_t n = gen_complete(paths);
    const char *p[34];
    for (size_t i = 0; i < n; i++)
        p[i] = paths[i];
    p[n++] = POLICE "2018-01-kent-street.csv";
    p[n++] = POLICE "2019-01-kent-street.csv";
    char target[512], path[600];
    struct safer_store *st = testfix_store("threads", WARDS | LOOKUP | CSP, target, sizeof(target));
    testfix_police(st, p, n);
    struct safer_population_stats ps;
    struct safer_err err = {0};
    assert_int_equal(safer_population_import(st, DATA "/population.csv", &ps, &err), 0);
    testfix_write("imd-threads.csv",
                  "LSOA code (2011),IMD Rank,IMD Decile\nE01000001,10,1\nE01000003,20000,7\n", path,
                  sizeof(path));
    struct safer_deprivation_stats ds;
    assert_int_equal(safer_deprivation_import(st, path, &ds, &err), 0);

    static const unsigned threads[] = {1, 2, 4};
    struct safer_output out[3];
    for (size_t k = 0; k < 3; k++) {
        struct safer_assess_opts o = {.to = -1, .threads = threads[k], .cell = 500};
        struct safer_assessment a;
        safer_output_init(&out[k]);
        int rc = safer_assess_run(st, &o, &out[k], &a, &err);
        if (rc < 0)
            fail_msg("%u threads: %s", threads[k], err.msg);
        assert_sane(&a);
        assert_true(a.ncells > 0);
        safer_assessment_release(&a);
    }
    for (size_t k = 1; k < 3; k++) {
        assert_int_equal(out[k].nfiles, out[0].nfiles);
        for (size_t i = 0; i < out[0].nfiles; i++) {
            assert_string_equal(out[k].files[i].name, out[0].files[i].name);
            if (out[k].files[i].len != out[0].files[i].len ||
                memcmp(out[k].files[i].data, out[0].files[i].data, out[0].files[i].len) != 0)
                fail_msg("%s differs on %u threads", out[0].files[i].name, threads[k]);
        }
    }
    assert_non_null(safer_output_find(&out[0], "index.html"));
    assert_non_null(safer_output_find(&out[0], "hotspots.csv"));
    for (size_t k = 0; k < 3; k++)
        safer_output_release(&out[k]);
    testfix_done(st, target);
}

/* ---- failures ---- */

static void test_assess_reports_what_it_lacks(void **state)
{
    (void)state;
    /* Steps filling one store: { what to add, options' cell, code, words of
     * the message } */
    static const struct {
        unsigned add;
        double cell;
        int rc;
        const char *msg;
    } cases[] = {
        {0, 0, SAFER_ENOTFOUND, "no wards in the store"},
        {WARDS, 0, SAFER_ENOTFOUND, "no crime records in the store"},
        /* 1 mm cells: far more than SAFER_LIMIT_GRID_CELLS */
        {KENT, 0.001, SAFER_ETOOBIG, "SAFER_LIMIT_GRID_CELLS"},
    };
    char target[512];
    struct safer_store *st = testfix_store("lacks", 0, target, sizeof(target));
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        if (cases[k].add == WARDS) {
            struct safer_areas_stats as;
            struct safer_areas_opts ao = {.level = "ward"};
            struct safer_err e = {0};
            assert_int_equal(safer_areas_import(st, DATA "/areas/wards.geojson", &ao, &as, &e), 0);
        }
        if (cases[k].add == KENT) {
            const char *p[] = {POLICE "2018-01-kent-street.csv", POLICE "2019-01-kent-street.csv"};
            testfix_police(st, p, 2);
        }
        struct safer_assess_opts o = {.to = -1, .cell = cases[k].cell, .threads = 2};
        struct safer_assessment a;
        struct safer_err err = {0};
        assert_int_equal(safer_assess_compute(st, &o, &a, &err), cases[k].rc);
        if (!strstr(err.msg, cases[k].msg))
            fail_msg("case %zu said '%s'", k, err.msg);
        /* A failed assessment holds nothing. */
        assert_null(a.wards);
        assert_null(a.counts);
        assert_int_equal(a.nwards, 0);
        /* safer_assess_run says the same. */
        struct safer_output out;
        safer_output_init(&out);
        safer_err_clear(&err);
        assert_int_equal(safer_assess_run(st, &o, &out, &a, &err), cases[k].rc);
        safer_output_release(&out);
    }
    testfix_done(st, target);
}

static void test_assess_reports_a_failing_store(void **state)
{
    (void)state;
    struct safer_store *st = kent.st;
    /* Fail the 1st, 2nd, ... database call until the assessment gets
     * through: each failure is SAFER_EDB, leaves nothing to release, and
     * the handle keeps working. */
    unsigned long at;
    int rc = -1;
    for (at = 1; at < 500; at++) {
        struct safer_assess_opts o = {.to = -1, .area = "E22000001", .threads = 2};
        struct safer_assessment a;
        struct safer_err err = {0};
        safer_fault_arm(SAFER_FAULT_DB, at);
        rc = safer_assess_compute(st, &o, &a, &err);
        safer_fault_arm(SAFER_FAULT_DB, 0);
        if (rc == 0) {
            assert_int_equal(a.nwards, 2);
            safer_assessment_release(&a);
            break;
        }
        if (rc != SAFER_EDB)
            fail_msg("call %lu: %s (%s)", at, safer_errname(rc), err.msg);
        assert_true(strlen(err.msg) > 0);
        assert_null(a.wards);
    }
    assert_int_equal(rc, 0);
    assert_true(at > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assess_assigns_records_as_the_fixture_readme_says),
        cmocka_unit_test(test_assess_windows_follow_the_latest_month_or_to),
        cmocka_unit_test(test_assess_from_sets_the_windows),
        cmocka_unit_test(test_assess_no_test_when_a_window_has_no_data),
        cmocka_unit_test(test_assess_area_keeps_a_district_or_partnership),
        cmocka_unit_test(test_assess_rates_from_ward_and_lsoa_populations),
        cmocka_unit_test(test_assess_without_population_has_no_rates),
        cmocka_unit_test(test_assess_deprivation_by_ward),
        cmocka_unit_test(test_assess_coverage_marks_months_ok_partial_or_missing),
        cmocka_unit_test(test_coverage_judges_kent_2018_crime_and_asb_apart),
        cmocka_unit_test(test_coverage_season_of_asb_is_not_a_gap),
        cmocka_unit_test(test_coverage_needs_neighbouring_months),
        cmocka_unit_test(test_coverage_judges_a_force_without_asb_on_crime),
        cmocka_unit_test(test_assess_coverage_counts_crime_and_asb_of_each_file),
        cmocka_unit_test(test_assess_coverage_on_synthetic_years),
        cmocka_unit_test(test_assess_change_tests_match_r_binom_test),
        cmocka_unit_test(test_assess_same_files_on_1_2_4_threads),
        cmocka_unit_test(test_assess_reports_what_it_lacks),
        cmocka_unit_test(test_assess_reports_a_failing_store),
    };
    return cmocka_run_group_tests_name("assess", tests, group_setup, group_teardown);
}
