/*
 * test_indicator.c - indicators (indicator.h): a computed indicator's
 * value equals the assessment's for the same wards, categories and months;
 * periods, months with data and partial periods; the status and its
 * boundaries; suppression by role; manual values, comments and their audit
 * rows; the form's mistakes; another partnership's indicators; access per
 * role; and the plan file's "indicators" with its errors.
 *
 * The store: a synthetic partnership (lib/synth) of 12 wards and 36
 * months, imported through the real importers with one month's files left
 * out, its lookups and LSOA populations, and a plan naming its district.
 */
#include "util/compat.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/account.h"
#include "safer/assess.h"
#include "safer/auth.h"
#include "safer/counts.h"
#include "safer/indicator.h"
#include "safer/plan.h"
#include "safer/synth.h"
#include "testfix.h"

#define FIRST (2016 * 12 + 2) /* 2016-03 */
#define MONTHS 36
#define LAST (FIRST + MONTHS - 1)
#define MISSING (LAST - 4) /* no police.uk file of either force */
#define CSP "E22900001"
#define NOW 1764669600 /* 2025-12-02T10:00:00Z */

static const char PLAN[] =
    "{\n"
    "  \"safer_plan\": 1,\n"
    "  \"partnership\": {\"name\": \"Synthetic partnership\", \"code\": \"E22900001\",\n"
    "                  \"districts\": [\"E07900001\"]},\n"
    "  \"plan\": {\"title\": \"Plan\", \"period\": {\"from\": \"2016\", \"to\": \"2019\"},\n"
    "           \"source\": \"made up\"},\n"
    "  \"groups\": [{\"id\": \"exec\", \"name\": \"Executive\", \"kind\": \"executive\"}],\n"
    "  \"priorities\": [\n"
    "    {\"id\": \"violence\", \"title\": \"Violence\", \"groups\": [\"exec\"],\n"
    "     \"categories\": [\"Violence and sexual offences\"]},\n"
    "    {\"id\": \"asb\", \"title\": \"ASB\"}\n"
    "  ],\n"
    "  \"indicators\": [\n"
    "    {\"id\": \"violence-12\", \"title\": \"Violence, rolling 12 months\",\n"
    "     \"priority\": \"violence\", \"group\": \"exec\",\n"
    "     \"categories\": [\"Violence and sexual offences\"], \"measure\": \"rate\",\n"
    "     \"period\": \"rolling12\", \"good\": \"down\", \"target\": 20, \"amber\": 5,\n"
    "     \"red\": 10},\n"
    "    {\"id\": \"asb-month\", \"title\": \"ASB by month\", \"priority\": \"asb\",\n"
    "     \"categories\": [\"Anti-social behaviour\"], \"measure\": \"count\",\n"
    "     \"period\": \"month\", \"good\": \"down\", \"amber\": 0, \"red\": 10},\n"
    "    {\"id\": \"elsewhere\", \"title\": \"A ward outside the area\", \"ward\": \"E05999999\",\n"
    "     \"measure\": \"count\", \"period\": \"month\", \"good\": \"down\", \"amber\": 0,\n"
    "     \"red\": 10}\n"
    "  ]\n"
    "}\n";

struct fixture {
    struct safer_store *st;
    char target[512];
    char dir[300];
    struct safer_assessment a; /* to LAST, area CSP */
    int64_t pid;
    char missing[4][400]; /* the police files of month MISSING, not imported */
    size_t nmissing;
};

static struct fixture F;

static void must(int rc, const struct safer_err *err)
{
    if (rc < 0)
        fail_msg("%s: %s", safer_errname(rc), err->msg);
}

static int setup(void **state)
{
    if (testfix_setup(state) != 0)
        return -1;
    struct safer_err err = {0};
    snprintf(F.dir, sizeof(F.dir), "%s/synth", testfix_dir);
    struct safer_synth_opts so;
    safer_synth_opts_init(&so);
    so.seed = 11;
    so.first_month = FIRST;
    so.months = MONTHS;
    so.rows = 30000;
    so.nwards = 12;
    so.vertices_per_ward = 30;
    so.flags = SAFER_SYNTH_DEMO;
    struct safer_synth_result res = {0};
    if (safer_synth_write(F.dir, &so, &res, &err) < 0)
        fail_msg("%s", err.msg);
    /* Every police file but those of the month MISSING. */
    char missing[16];
    snprintf(missing, sizeof(missing), "/%04d-%02d-", MISSING / 12, MISSING % 12 + 1);
    const char **police = calloc(res.nfiles, sizeof(*police));
    size_t np = 0;
    for (size_t i = 0; i < res.nfiles; i++) {
        if (!strstr(res.files[i], "/police/"))
            continue;
        if (!strstr(res.files[i], missing))
            police[np++] = res.files[i];
        else if (F.nmissing < 4)
            snprintf(F.missing[F.nmissing++], sizeof(F.missing[0]), "%s", res.files[i]);
    }
    F.st = testfix_store("ind", 0, F.target, sizeof(F.target));
    struct safer_areas_stats as;
    struct safer_areas_opts ao = {.level = "ward"};
    char path[400];
    snprintf(path, sizeof(path), "%s/wards.geojson", F.dir);
    must(safer_areas_import(F.st, path, &ao, &as, &err), &err);
    snprintf(path, sizeof(path), "%s/lookup.csv", F.dir);
    testfix_lookup(F.st, path);
    snprintf(path, sizeof(path), "%s/csp_lookup.csv", F.dir);
    testfix_lookup(F.st, path);
    struct safer_population_stats ps;
    snprintf(path, sizeof(path), "%s/population.csv", F.dir);
    must(safer_population_import(F.st, path, &ps, &err), &err);
    testfix_police(F.st, police, np);
    free(police);
    safer_synth_result_release(&res);

    struct safer_plan p;
    must(safer_plan_parse(PLAN, sizeof(PLAN) - 1, "plan.json", &p, &err), &err);
    struct safer_plan_stats stats;
    must(safer_plan_store(F.st, &p, &stats, &err), &err);
    assert_int_equal(stats.indicators_added, 3);
    safer_plan_release(&p);
    F.pid = 1; /* the store's first partnership; checked by the first person signed in */

    struct safer_assess_opts o = {.to = LAST, .area = CSP, .threads = 1};
    must(safer_assess_compute(F.st, &o, &F.a, &err), &err);
    return 0;
}

static int teardown(void **state)
{
    safer_assessment_release(&F.a);
    testfix_done(F.st, F.target);
    return testfix_teardown(state);
}

/* The operator of the command line, in the fixture's partnership. */
static struct safer_actor operator_actor(void)
{
    struct safer_actor a;
    safer_actor_operator(&a);
    a.partnership_id = F.pid;
    return a;
}

static const char *const VIOLENCE[] = {"Violence and sexual offences"};

/* Define a computed indicator as the operator; its id. */
static int64_t define(const char *ward, const char *const *cats, size_t ncats,
                      const char *measure, const char *period, const char *target)
{
    struct safer_actor op = operator_actor();
    struct safer_indicator_fields f = {
        .title = "test", .kind = "computed", .categories = cats, .ncategories = ncats,
        .ward = ward, .measure = measure, .period = period, .good = "down",
        .target = target, .amber = "5", .red = "10"};
    struct safer_field_errors fe;
    struct safer_err err = {0};
    int64_t id;
    int rc = safer_indicator_add(F.st, &op, &f, NOW, &id, &fe, &err);
    if (rc < 0)
        fail_msg("%s: %s (%s)", safer_errname(rc), err.msg, fe.n ? fe.e[0].message : "");
    return id;
}

static const struct safer_indicator_point *find(const struct safer_indicator_point *p, size_t n,
                                                const char *period)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].period, period) == 0)
            return &p[i];
    fail_msg("no point '%s'", period);
    return NULL;
}

static void get(const struct safer_actor *actor, int64_t id, struct safer_arena *arena,
                struct safer_indicator *ind, struct safer_indicator_point **pts, size_t *n)
{
    struct safer_err err = {0};
    struct safer_indicator_comment *c;
    size_t nc;
    int rc = safer_indicator_get(F.st, actor, id, NULL, NOW, arena, ind, pts, n, &c, &nc, &err);
    must(rc, &err);
}

static long type_index(const char *type)
{
    for (size_t t = 0; t < F.a.ntypes; t++)
        if (strcmp(F.a.types[t], type) == 0)
            return (long)t;
    fail_msg("no type '%s'", type);
    return -1;
}

/* Doubles equal to the last bit: both sides are 1000.0 * count / population
 * with the same count and the same population summed in the same order
 * (safer__ward_populations, safer__population_sum), so IEEE arithmetic
 * gives the same bits; a tolerance would hide a different sum order. */
static void assert_same_double(double x, double y)
{
    if (memcmp(&x, &y, sizeof(double)) != 0)
        fail_msg("%.17g is not %.17g", x, y);
}

static void test_indicator_rolling12_equals_assessment(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    const struct safer_assessment *a = &F.a;
    char label[8];
    snprintf(label, sizeof(label), "%04d-%02d", LAST / 12, LAST % 12 + 1);
    double area_pop = safer_assessment_area_population(a);
    assert_true(area_pop > 0);
    int64_t total = 0;
    for (size_t w = 0; w < a->nwards; w++)
        total += a->ward_latest[w];
    long vt = type_index("Violence and sexual offences");
    size_t w = a->nwards / 2;
    const char *ward = a->wards[w].code;
    int64_t ward_violence = 0;
    for (int32_t m = a->l12_start; m <= a->latest; m++)
        ward_violence +=
            a->counts[((size_t)w * a->ntypes + (size_t)vt) * (size_t)a->nmonths +
                      (size_t)(m - a->first_month)];
    struct {
        const char *ward;
        const char *const *cats;
        size_t ncats;
        int64_t count;
        double pop;
    } cases[] = {
        {"", NULL, 0, total, area_pop},
        {ward, NULL, 0, a->ward_latest[w], a->population[w]},
        {"", VIOLENCE, 1, a->type_latest[vt], area_pop},
        {ward, VIOLENCE, 1, ward_violence, a->population[w]},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        for (int rate = 0; rate < 2; rate++) {
            int64_t id = define(cases[k].ward, cases[k].cats, cases[k].ncats,
                                rate ? "rate" : "count", "rolling12", "100");
            struct safer_arena arena;
            safer_arena_init(&arena);
            struct safer_indicator ind;
            struct safer_indicator_point *pts;
            size_t n;
            get(&op, id, &arena, &ind, &pts, &n);
            const struct safer_indicator_point *p = find(pts, n, label);
            assert_int_equal(p->count, cases[k].count);
            assert_int_equal(p->first, a->l12_start);
            assert_int_equal(p->last, a->latest);
            assert_int_equal(p->months, 12);
            assert_int_equal(p->months_with_data,
                             safer_assessment_data_months(a, a->l12_start, a->latest));
            assert_int_equal(p->months_with_data, 11); /* MISSING is in the window */
            assert_true(p->partial);
            assert_int_equal(p->rag, SAFER_RAG_NONE);
            assert_false(p->suppressed);
            if (rate) {
                assert_same_double(p->population, cases[k].pop);
                assert_same_double(p->value, 1000.0 * (double)cases[k].count / cases[k].pop);
            } else {
                assert_same_double(p->value, (double)cases[k].count);
            }
            safer_arena_release(&arena);
        }
    }
}

/* An earlier window, every month of which holds data: complete, with a
 * status. */
static void test_indicator_rolling12_earlier_window(void **state)
{
    (void)state;
    struct safer_err err = {0};
    int32_t to = MISSING - 1;
    struct safer_assess_opts o = {.to = to, .area = CSP, .threads = 1};
    struct safer_assessment a;
    must(safer_assess_compute(F.st, &o, &a, &err), &err);
    long vt = type_index("Violence and sexual offences");
    int64_t id = define("", VIOLENCE, 1, "rate", "rolling12", "1");
    struct safer_actor op = operator_actor();
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&op, id, &arena, &ind, &pts, &n);
    char label[8];
    snprintf(label, sizeof(label), "%04d-%02d", to / 12, to % 12 + 1);
    const struct safer_indicator_point *p = find(pts, n, label);
    assert_int_equal(p->count, a.type_latest[vt]);
    assert_same_double(p->value, 1000.0 * (double)a.type_latest[vt] /
                                     safer_assessment_area_population(&a));
    assert_int_equal(p->months_with_data, 12);
    assert_false(p->partial);
    assert_int_equal(p->rag, SAFER_RAG_RED); /* far above a target of 1 per 1,000 */
    /* The first point is the twelfth month's; the last the last month's. */
    assert_int_equal(pts[0].last, FIRST + 11);
    assert_int_equal(pts[n - 1].last, LAST);
    assert_int_equal(n, MONTHS - 11);
    safer_arena_release(&arena);
    safer_assessment_release(&a);
}

/* Each month's count is the count table's (counts.h), each quarter's the
 * sum of its months. */
static void test_indicator_month_and_quarter_sums(void **state)
{
    (void)state;
    struct safer_err err = {0};
    struct safer_actor op = operator_actor();
    int64_t month_id = define("", VIOLENCE, 1, "count", "month", NULL);
    int64_t quarter_id = define("", VIOLENCE, 1, "count", "quarter", NULL);
    int64_t by_month[MONTHS] = {0};
    for (size_t w = 0; w < F.a.nwards; w++) {
        struct safer_counts_query q = {F.a.wards[w].code, VIOLENCE[0], -1, -1};
        struct safer_counts c;
        must(safer_counts_query(F.st, &q, &c, &err), &err);
        for (size_t i = 0; i < c.n; i++)
            by_month[c.rows[i].month - FIRST] += c.rows[i].count;
        safer_counts_release(&c);
    }
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&op, month_id, &arena, &ind, &pts, &n);
    assert_int_equal(n, MONTHS);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(pts[i].first, FIRST + (int32_t)i);
        assert_int_equal(pts[i].count, by_month[i]);
        assert_int_equal(pts[i].partial, FIRST + (int32_t)i == MISSING);
        assert_int_equal(pts[i].months_with_data, FIRST + (int32_t)i == MISSING ? 0 : 1);
        assert_int_equal(pts[i].rag, SAFER_RAG_NONE); /* no target */
    }
    assert_int_equal(pts[MISSING - FIRST].count, 0);
    get(&op, quarter_id, &arena, &ind, &pts, &n);
    /* 2016-03 is the last month of 2016-Q1: the first quarter has one month
     * of data, and 2019-02 the second of 2019-Q1. */
    assert_string_equal(pts[0].period, "2016-Q1");
    assert_int_equal(pts[0].months_with_data, 1);
    assert_true(pts[0].partial);
    assert_string_equal(pts[n - 1].period, "2019-Q1");
    assert_true(pts[n - 1].partial);
    for (size_t i = 0; i < n; i++) {
        int64_t sum = 0;
        int with = 0;
        for (int32_t m = pts[i].first; m <= pts[i].last; m++) {
            if (m >= FIRST && m <= LAST) {
                sum += by_month[m - FIRST];
                with += m != MISSING;
            }
        }
        assert_int_equal(pts[i].count, sum);
        assert_int_equal(pts[i].months_with_data, with);
        assert_int_equal(pts[i].partial, with < 3);
    }
    safer_arena_release(&arena);
}

static void test_indicator_rag_boundaries(void **state)
{
    (void)state;
    double v;
    /* Down is good: over target is worse. */
    assert_int_equal(safer_indicator_rag(100, 100, 5, 10, false, &v), SAFER_RAG_GREEN);
    assert_true(v == 0);
    assert_int_equal(safer_indicator_rag(105, 100, 5, 10, false, &v), SAFER_RAG_GREEN);
    assert_true(v == 5); /* exactly at amber: still green */
    assert_int_equal(safer_indicator_rag(105.01, 100, 5, 10, false, &v), SAFER_RAG_AMBER);
    assert_int_equal(safer_indicator_rag(110, 100, 5, 10, false, &v), SAFER_RAG_AMBER);
    assert_true(v == 10); /* exactly at red: still amber */
    assert_int_equal(safer_indicator_rag(110.01, 100, 5, 10, false, &v), SAFER_RAG_RED);
    assert_int_equal(safer_indicator_rag(50, 100, 5, 10, false, &v), SAFER_RAG_GREEN);
    assert_true(v == -50);
    /* Thresholds on figures that are not round: 84 against 80 is 5%. */
    assert_int_equal(safer_indicator_rag(84, 80, 5, 10, false, &v), SAFER_RAG_GREEN);
    assert_true(v == 5);
    /* Up is good: under target is worse. */
    assert_int_equal(safer_indicator_rag(95, 100, 5, 10, true, &v), SAFER_RAG_GREEN);
    assert_true(v == 5);
    assert_int_equal(safer_indicator_rag(94, 100, 5, 10, true, &v), SAFER_RAG_AMBER);
    assert_int_equal(safer_indicator_rag(89, 100, 5, 10, true, &v), SAFER_RAG_RED);
    assert_int_equal(safer_indicator_rag(150, 100, 5, 10, true, &v), SAFER_RAG_GREEN);
    assert_true(v == -50);
    /* Negative amber: green only when better than target by 5%. */
    assert_int_equal(safer_indicator_rag(100, 100, -5, 10, false, &v), SAFER_RAG_AMBER);
    /* No status without a value or a target above 0. */
    assert_int_equal(safer_indicator_rag(NAN, 100, 5, 10, false, &v), SAFER_RAG_NONE);
    assert_true(isnan(v));
    assert_int_equal(safer_indicator_rag(5, 0, 5, 10, false, &v), SAFER_RAG_NONE);
    assert_string_equal(safer_rag_name(SAFER_RAG_AMBER), "amber");
    assert_string_equal(safer_rag_label(SAFER_RAG_NONE), "No status");
}

/* A manual indicator: values entered by period, replaced when entered
 * again, with the status against its target. */
static void test_indicator_manual_values(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    struct safer_indicator_fields f = {.title = "Repeat victims", .kind = "manual",
                                       .period = "quarter", .good = "down", .target = "100",
                                       .amber = "5", .red = "10", .unit = "people"};
    struct safer_field_errors fe;
    struct safer_err err = {0};
    int64_t id;
    must(safer_indicator_add(F.st, &op, &f, NOW, &id, &fe, &err), &err);
    must(safer_indicator_set_value(F.st, &op, id, "2019-Q1", "105", NOW, &fe, &err), &err);
    must(safer_indicator_set_value(F.st, &op, id, "2019-05-31", "111", NOW, &fe, &err), &err);
    /* Entered again: replaced. */
    must(safer_indicator_set_value(F.st, &op, id, "2019-Q1", "106", NOW + 60, &fe, &err), &err);
    assert_int_equal(safer_indicator_set_value(F.st, &op, id, "2019-Q5", "1", NOW, &fe, &err),
                     SAFER_EINVAL);
    assert_int_equal(fe.n, 1);
    assert_string_equal(fe.e[0].field, "period");
    assert_int_equal(safer_indicator_set_value(F.st, &op, id, "2019-Q3", "lots", NOW, &fe, &err),
                     SAFER_EINVAL);
    assert_string_equal(fe.e[0].field, "value");
    assert_string_equal(fe.e[0].message, "Value must be a number, like 42 or 2.5");
    must(safer_indicator_comment(F.st, &op, id, "2019-Q2", "A new team started in May", NOW,
                                 &fe, &err),
         &err);

    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    struct safer_indicator_comment *c;
    size_t nc;
    must(safer_indicator_get(F.st, &op, id, NULL, NOW, &arena, &ind, &pts, &n, &c, &nc, &err),
         &err);
    assert_int_equal(n, 2);
    assert_string_equal(pts[0].period, "2019-Q1");
    assert_true(pts[0].value == 106);
    assert_int_equal(pts[0].rag, SAFER_RAG_AMBER);
    assert_string_equal(pts[1].period, "2019-Q2");
    assert_true(pts[1].value == 111);
    assert_int_equal(pts[1].rag, SAFER_RAG_RED);
    assert_int_equal(nc, 1);
    assert_string_equal(c[0].period, "2019-Q2");
    assert_string_equal(c[0].note, "A new team started in May");
    assert_true(ind.has_latest);
    assert_string_equal(ind.latest.period, "2019-Q2");
    /* Its periods stay once values are entered. */
    struct safer_indicator_fields g = f;
    g.period = "month";
    assert_int_equal(safer_indicator_change(F.st, &op, id, 1, &g, NOW, &fe, &err), SAFER_EINVAL);
    assert_int_equal(fe.n, 1);
    assert_string_equal(fe.e[0].message, "The period cannot change once values have been entered");
    /* A computed indicator takes no values. */
    int64_t cid = define("", NULL, 0, "count", "month", NULL);
    assert_int_equal(safer_indicator_set_value(F.st, &op, cid, "2019-01", "5", NOW, &fe, &err),
                     SAFER_EINVAL);
    safer_arena_release(&arena);
}

static void test_indicator_form_mistakes(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    struct safer_err err = {0};
    struct safer_field_errors fe;
    int64_t id;
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator *list;
    size_t before, after;
    must(safer_indicator_list(F.st, &op, NULL, NOW, &arena, &list, &before, &err), &err);
    static const char *const cats[] = {"Knife crime"};
    struct safer_indicator_fields f = {
        .title = "  ", .kind = "computed", .priority_key = "nope", .group_key = "nope",
        .categories = cats, .ncategories = 1, .ward = "E05999999", .measure = "mean",
        .period = "weekly", .good = "sideways", .target = "lots", .amber = "",
        .red = "ten"};
    assert_int_equal(safer_indicator_add(F.st, &op, &f, NOW, &id, &fe, &err), SAFER_EINVAL);
    static const struct {
        const char *field, *message;
    } want[] = {
        {"title", "Enter a title"},
        {"priority_key", "Select a priority from the partnership's plan"},
        {"group_key", "Select a group from the partnership's plan"},
        {"categories", "Select categories from the list: 'Knife crime' is not a police.uk "
                       "category"},
        {"ward", "Select a ward in the partnership's area"},
        {"measure", "Select whether to count records or give a rate per 1,000 residents"},
        {"period", "Select monthly, quarterly or rolling 12 months"},
        {"good", "Select whether a fall or a rise is good"},
        {"target", "Target must be a number, like 150 or 2.5"},
        {"amber", "Enter the variance from target at which the status turns amber"},
        {"red", "Red threshold must be a number of per cent, like 10"},
    };
    assert_int_equal(fe.n, sizeof(want) / sizeof(want[0]));
    for (size_t k = 0; k < fe.n; k++) {
        assert_string_equal(fe.e[k].field, want[k].field);
        assert_string_equal(fe.e[k].message, want[k].message);
    }
    struct safer_indicator_fields g = {.title = "x", .kind = "sometimes", .period = "month",
                                       .good = "up", .target = "0", .amber = "10", .red = "5"};
    assert_int_equal(safer_indicator_add(F.st, &op, &g, NOW, &id, &fe, &err), SAFER_EINVAL);
    assert_int_equal(fe.n, 4);
    assert_string_equal(fe.e[0].field, "kind");
    assert_string_equal(fe.e[1].field, "measure");
    assert_string_equal(fe.e[2].message, "Target must be more than 0");
    assert_string_equal(fe.e[3].message, "Red threshold must be more than the amber threshold");
    /* Limits count characters, not bytes: 300 two-byte letters fit. */
    char title[2 * SAFER_INDICATOR_TITLE_MAX + 3];
    for (int k = 0; k < SAFER_INDICATOR_TITLE_MAX; k++)
        memcpy(title + 2 * k, "\xC3\xA9", 2);
    title[2 * SAFER_INDICATOR_TITLE_MAX] = '\0';
    struct safer_indicator_fields h = {.title = title, .kind = "manual", .period = "month",
                                       .good = "up", .amber = "1", .red = "2"};
    int64_t long_id;
    must(safer_indicator_add(F.st, &op, &h, NOW, &long_id, &fe, &err), &err);
    memcpy(title + 2 * SAFER_INDICATOR_TITLE_MAX, "e", 2);
    assert_int_equal(safer_indicator_add(F.st, &op, &h, NOW, &long_id, &fe, &err), SAFER_EINVAL);
    assert_string_equal(fe.e[0].message, "Title must be 300 characters or fewer");
    before++; /* the one saved */
    /* Nothing was saved. */
    must(safer_indicator_list(F.st, &op, NULL, NOW, &arena, &list, &after, &err), &err);
    assert_int_equal(after, before);
    safer_arena_release(&arena);
}

/* A change from a form built on an older version is refused. */
static void test_indicator_stale_change(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    struct safer_err err = {0};
    struct safer_field_errors fe;
    int64_t id = define("", VIOLENCE, 1, "count", "quarter", "300");
    struct safer_indicator_fields f = {.title = "Violence by quarter", .kind = "computed",
                                       .categories = VIOLENCE, .ncategories = 1,
                                       .measure = "count", .period = "quarter", .good = "down",
                                       .target = "250", .amber = "5", .red = "15"};
    must(safer_indicator_change(F.st, &op, id, 1, &f, NOW, &fe, &err), &err);
    assert_int_equal(safer_indicator_change(F.st, &op, id, 1, &f, NOW, &fe, &err),
                     SAFER_ECONFLICT);
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&op, id, &arena, &ind, &pts, &n);
    assert_int_equal(ind.version, 2);
    assert_string_equal(ind.title, "Violence by quarter");
    assert_true(ind.target == 250);
    assert_true(ind.red == 15);
    safer_arena_release(&arena);
}

/* The plan's indicators: stored once, never overwritten by the next
 * import of the plan. */
static void test_indicator_from_plan(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator_query q = {.priority_key = "violence"};
    struct safer_indicator *list;
    size_t n;
    must(safer_indicator_list(F.st, &op, &q, NOW, &arena, &list, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].key, "violence-12");
    assert_string_equal(list[0].group_key, "exec");
    assert_string_equal(list[0].period, "rolling12");
    assert_int_equal(list[0].ncategories, 1);
    assert_true(list[0].has_latest);
    struct safer_field_errors fe;
    struct safer_indicator_fields f = {.title = "Changed in the workspace", .kind = "computed",
                                       .measure = "rate", .period = "rolling12", .good = "down",
                                       .amber = "1", .red = "2"};
    must(safer_indicator_change(F.st, &op, list[0].id, list[0].version, &f, NOW, &fe, &err),
         &err);
    struct safer_plan p;
    must(safer_plan_parse(PLAN, sizeof(PLAN) - 1, "plan.json", &p, &err), &err);
    struct safer_plan_stats stats;
    must(safer_plan_store(F.st, &p, &stats, &err), &err);
    assert_int_equal(stats.indicators_added, 0);
    safer_plan_release(&p);
    must(safer_indicator_list(F.st, &op, &q, NOW, &arena, &list, &n, &err), &err);
    assert_int_equal(n, 0); /* its priority was cleared in the workspace */
    q.priority_key = NULL;
    must(safer_indicator_list(F.st, &op, &q, NOW, &arena, &list, &n, &err), &err);
    size_t found = 0;
    for (size_t i = 0; i < n; i++)
        if (list[i].key && strcmp(list[i].key, "violence-12") == 0) {
            assert_string_equal(list[i].title, "Changed in the workspace");
            found++;
        }
    assert_int_equal(found, 1);
    /* A ward outside the area has nothing to count: no points. */
    for (size_t i = 0; i < n; i++) {
        if (list[i].key && strcmp(list[i].key, "elsewhere") == 0) {
            assert_string_equal(list[i].ward, "E05999999");
            assert_false(list[i].has_latest);
            struct safer_indicator ind;
            struct safer_indicator_point *pts;
            size_t np;
            get(&op, list[i].id, &arena, &ind, &pts, &np);
            assert_int_equal(np, 0);
            found++;
        }
    }
    assert_int_equal(found, 2);
    safer_arena_release(&arena);
}

/* Off target: the list keeps those whose latest status is amber or red. */
static void test_indicator_off_target(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    struct safer_err err = {0};
    int64_t low = define("", VIOLENCE, 1, "count", "month", "1");
    int64_t high = define("", VIOLENCE, 1, "count", "month", "100000");
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator_query q = {.off_target = true};
    struct safer_indicator *list;
    size_t n;
    must(safer_indicator_list(F.st, &op, &q, NOW, &arena, &list, &n, &err), &err);
    bool saw_low = false, saw_high = false;
    for (size_t i = 0; i < n; i++) {
        assert_true(list[i].latest.rag == SAFER_RAG_AMBER || list[i].latest.rag == SAFER_RAG_RED);
        saw_low = saw_low || list[i].id == low;
        saw_high = saw_high || list[i].id == high;
    }
    assert_true(saw_low);
    assert_false(saw_high);
    /* The latest point with a status is the last month (complete). */
    for (size_t i = 0; i < n; i++)
        if (list[i].id == low)
            assert_int_equal(list[i].latest.last, LAST);
    safer_arena_release(&arena);
}


/* ---- people in roles (account.h) ---- */

#define GOOD_PW "a quiet harbour at Allington Lock"

/* A person of partnership `code` in `role`, signed in: their actor. */
static struct safer_actor person(const char *email, const char *code, enum safer_role role)
{
    struct safer_actor op, a;
    safer_actor_operator(&op);
    char token[SAFER_TOKEN_SIZE], sid[SAFER_TOKEN_SIZE];
    struct safer_err err = {0};
    must(safer_user_add(F.st, &op, email, "A Person", "Maidstone Borough Council", code, role,
                        NOW, token, &err),
         &err);
    /* An administrator enrols a second factor with the link. */
    struct safer_link_info info;
    must(safer_link_info(F.st, token, NOW, &info, &err), &err);
    char otp[16] = "";
    if (info.needs_totp)
        snprintf(otp, sizeof(otp), "%06lld",
                 (long long)safer_totp_code(info.totp_secret, NOW / 30, 6));
    must(safer_link_use(F.st, token, GOOD_PW, strlen(GOOD_PW), info.needs_totp ? otp : NULL,
                        NOW, &err),
         &err);
    must(safer_login(F.st, email, GOOD_PW, strlen(GOOD_PW), NULL, true, code, NOW, sid, &a, &err),
         &err);
    if (strcmp(code, CSP) == 0)
        assert_int_equal(a.partnership_id, F.pid);
    return a;
}

/* The audit rows of indicators, as "ACTOR ACTION RECORD BEFORE AFTER" lines. */
struct lines {
    char text[65536];
};

static int collect(const struct safer_audit_row *r, void *ctx)
{
    struct lines *l = ctx;
    size_t len = strlen(l->text);
    snprintf(l->text + len, sizeof(l->text) - len, "%s %s %s/%s %s %s\n", r->actor_email,
             r->action, r->record_type ? r->record_type : "-", r->record_id ? r->record_id : "-",
             r->before ? r->before : "-", r->after ? r->after : "-");
    return 0;
}

static void audit_lines(struct lines *out)
{
    struct safer_actor op;
    safer_actor_operator(&op);
    memset(out, 0, sizeof(*out));
    struct safer_err err = {0};
    struct safer_audit_filter f = {.record = "indicator"};
    must(safer_audit_each(F.st, &op, &f, collect, out, &err), &err);
}

static int count_lines(const struct lines *l, const char *needle)
{
    int n = 0;
    for (const char *p = l->text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static const char *const WEAPONS[] = {"Possession of weapons"};

/* Small counts are suppressed for a member, shown to an analyst; 0 is
 * shown to both. */
static void test_indicator_suppression(void **state)
{
    (void)state;
    struct safer_actor member = person("member@example.org", CSP, SAFER_ROLE_MEMBER);
    struct safer_actor analyst = person("analyst@example.org", CSP, SAFER_ROLE_ANALYST);
    int64_t id = define(F.a.wards[0].code, WEAPONS, 1, "rate", "month", "1");
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *shown, *hidden;
    size_t ns, nh;
    get(&analyst, id, &arena, &ind, &shown, &ns);
    get(&member, id, &arena, &ind, &hidden, &nh);
    assert_int_equal(ns, nh);
    size_t small = 0, zero = 0;
    for (size_t i = 0; i < ns; i++) {
        assert_false(shown[i].suppressed);
        if (shown[i].count >= 1 && shown[i].count <= 4) {
            small++;
            assert_true(hidden[i].suppressed);
            assert_int_equal(hidden[i].count, 0);
            assert_true(isnan(hidden[i].value));
            assert_true(isnan(hidden[i].population));
            assert_true(isnan(hidden[i].variance));
            assert_int_equal(hidden[i].rag, SAFER_RAG_NONE);
        } else {
            zero += shown[i].count == 0;
            assert_false(hidden[i].suppressed);
            assert_int_equal(hidden[i].count, shown[i].count);
            assert_memory_equal(&hidden[i].value, &shown[i].value, sizeof(double));
        }
    }
    assert_true(small > 0);
    assert_true(zero > 0);
    /* A page may ask for another threshold: 2 hides only the 1s. */
    struct safer_indicator_query q = {.public_min = 2};
    struct safer_indicator_comment *c;
    size_t nc;
    struct safer_err err = {0};
    must(safer_indicator_get(F.st, &member, id, &q, NOW, &arena, &ind, &hidden, &nh, &c, &nc,
                             &err),
         &err);
    for (size_t i = 0; i < ns; i++)
        assert_int_equal(hidden[i].suppressed, shown[i].count == 1);
    /* Asked to, the analyst's series is suppressed as the member's is. */
    struct safer_indicator_query sq = {.suppress = true};
    must(safer_indicator_get(F.st, &analyst, id, &sq, NOW, &arena, &ind, &hidden, &nh, &c, &nc,
                             &err),
         &err);
    for (size_t i = 0; i < ns; i++)
        assert_int_equal(hidden[i].suppressed, shown[i].count >= 1 && shown[i].count <= 4);
    safer_arena_release(&arena);
}

/* Each role may do what the table of access says, and each refusal is in
 * the audit log. */
static void test_indicator_access_per_role(void **state)
{
    (void)state;
    static const enum safer_role roles[] = {
        SAFER_ROLE_MEMBER,  SAFER_ROLE_EXECUTIVE,   SAFER_ROLE_PRACTITIONER,
        SAFER_ROLE_ANALYST, SAFER_ROLE_COORDINATOR, SAFER_ROLE_ADMINISTRATOR};
    int64_t id = define("", VIOLENCE, 1, "count", "quarter", "100");
    struct lines before, after;
    audit_lines(&before);
    int denied = 0;
    for (size_t k = 0; k <= sizeof(roles) / sizeof(roles[0]); k++) {
        struct safer_actor a;
        enum safer_role role = SAFER_ROLE_PUBLIC;
        if (k == 0) {
            safer_actor_public(&a, F.pid);
        } else {
            role = roles[k - 1];
            char email[64];
            snprintf(email, sizeof(email), "role%zu@example.org", k);
            a = person(email, CSP, role);
        }
        struct safer_err err = {0};
        struct safer_field_errors fe;
        struct safer_indicator_fields f = {.title = "Burglary", .kind = "computed",
                                           .measure = "count", .period = "month", .good = "down",
                                           .amber = "5", .red = "10"};
        int64_t nid;
        int rc = safer_indicator_add(F.st, &a, &f, NOW, &nid, &fe, &err);
        bool edit = safer_role_may(role, SAFER_PERM_EDIT_INDICATOR);
        assert_int_equal(rc, edit ? 0 : SAFER_EDENIED);
        denied += !edit;
        rc = safer_indicator_comment(F.st, &a, id, "2018-Q4", "noted", NOW, &fe, &err);
        assert_int_equal(rc, edit ? 0 : SAFER_EDENIED);
        denied += !edit;
        struct safer_arena arena;
        safer_arena_init(&arena);
        struct safer_indicator *list;
        size_t n;
        rc = safer_indicator_list(F.st, &a, NULL, NOW, &arena, &list, &n, &err);
        bool view = safer_role_may(role, SAFER_PERM_VIEW_AGGREGATE);
        assert_int_equal(rc, view ? 0 : SAFER_EDENIED);
        denied += !view;
        /* Comments name their author to those who may see names. */
        struct safer_indicator ind;
        struct safer_indicator_point *pts;
        struct safer_indicator_comment *c;
        size_t np, nc;
        rc = safer_indicator_get(F.st, &a, id, NULL, NOW, &arena, &ind, &pts, &np, &c, &nc, &err);
        assert_int_equal(rc, view ? 0 : SAFER_EDENIED);
        denied += !view;
        if (view && nc) {
            if (safer_role_may(role, SAFER_PERM_VIEW_PLAN))
                assert_string_equal(c[nc - 1].author, "A Person");
            else
                assert_null(c[0].author);
        }
        safer_arena_release(&arena);
    }
    audit_lines(&after);
    assert_int_equal(count_lines(&after, " denied ") - count_lines(&before, " denied "), denied);
    assert_true(denied >= 8); /* the public, the member, the executive, the practitioner */
}

/* Values entered again replace the old one; the audit log keeps both. */
static void test_indicator_values_audited(void **state)
{
    (void)state;
    struct safer_actor analyst = person("keeper@example.org", CSP, SAFER_ROLE_ANALYST);
    struct safer_indicator_fields f = {.title = "Satisfaction", .kind = "manual",
                                       .period = "month", .good = "up", .target = "80",
                                       .amber = "5", .red = "10", .unit = "%"};
    struct safer_field_errors fe;
    struct safer_err err = {0};
    int64_t id;
    must(safer_indicator_add(F.st, &analyst, &f, NOW, &id, &fe, &err), &err);
    must(safer_indicator_set_value(F.st, &analyst, id, "2019-01", "76", NOW, &fe, &err), &err);
    must(safer_indicator_set_value(F.st, &analyst, id, "2019-01-15", "81.5", NOW, &fe, &err),
         &err);
    struct lines l;
    audit_lines(&l);
    char rid[256];
    snprintf(rid, sizeof(rid), "keeper@example.org indicator-add indicator/%lld -", (long long)id);
    assert_int_equal(count_lines(&l, rid), 1);
    snprintf(rid, sizeof(rid),
             "keeper@example.org indicator-value indicator/%lld {\"period\":\"2019-01\","
             "\"value\":76} {\"period\":\"2019-01\",\"value\":81.5}",
             (long long)id);
    if (count_lines(&l, rid) != 1)
        fail_msg("no line '%s' in:\n%s", rid, l.text);
    snprintf(rid, sizeof(rid),
             "keeper@example.org indicator-value indicator/%lld - {\"period\":\"2019-01\","
             "\"value\":76}",
             (long long)id);
    assert_int_equal(count_lines(&l, rid), 1);
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&analyst, id, &arena, &ind, &pts, &n);
    assert_int_equal(n, 1);
    assert_true(pts[0].value == 81.5);
    assert_int_equal(pts[0].rag, SAFER_RAG_GREEN); /* up is good: above target */
    safer_arena_release(&arena);
}

/* Another partnership's indicator is not found, whatever one tries. */
static void test_indicator_other_partnership(void **state)
{
    (void)state;
    static const char other[] =
        "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Other\", \"code\": "
        "\"E22000001\", \"districts\": [\"E07000001\"]}, \"plan\": {\"title\": \"T\", "
        "\"period\": {\"from\": \"2019\", \"to\": \"2020\"}, \"source\": \"S\"}, "
        "\"priorities\": [{\"id\": \"p\", \"title\": \"P\"}]}";
    struct safer_plan p;
    struct safer_err err = {0};
    must(safer_plan_parse(other, sizeof(other) - 1, "other.json", &p, &err), &err);
    struct safer_plan_stats stats;
    must(safer_plan_store(F.st, &p, &stats, &err), &err);
    safer_plan_release(&p);
    struct safer_actor theirs = person("analyst@other.example.org", "E22000001",
                                       SAFER_ROLE_ANALYST);
    struct safer_actor ours = person("analyst2@example.org", CSP, SAFER_ROLE_ANALYST);
    assert_true(theirs.partnership_id != ours.partnership_id);
    struct safer_indicator_fields f = {.title = "Theirs", .kind = "manual", .period = "month",
                                       .good = "down", .amber = "5", .red = "10"};
    struct safer_field_errors fe;
    int64_t id;
    must(safer_indicator_add(F.st, &theirs, &f, NOW, &id, &fe, &err), &err);
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    struct safer_indicator_comment *c;
    size_t n, nc;
    assert_int_equal(
        safer_indicator_get(F.st, &ours, id, NULL, NOW, &arena, &ind, &pts, &n, &c, &nc, &err),
        SAFER_ENOTFOUND);
    assert_int_equal(safer_indicator_change(F.st, &ours, id, 1, &f, NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    assert_int_equal(safer_indicator_set_value(F.st, &ours, id, "2019-01", "1", NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    assert_int_equal(safer_indicator_comment(F.st, &ours, id, "2019-01", "x", NOW, &fe, &err),
                     SAFER_ENOTFOUND);
    struct safer_indicator *list;
    must(safer_indicator_list(F.st, &ours, NULL, NOW, &arena, &list, &n, &err), &err);
    for (size_t i = 0; i < n; i++)
        assert_true(list[i].id != id);
    /* Their partnership has no wards: a computed indicator has no points. */
    must(safer_indicator_get(F.st, &theirs, id, NULL, NOW, &arena, &ind, &pts, &n, &c, &nc,
                             &err),
         &err);
    assert_int_equal(n, 0);
    safer_arena_release(&arena);
}

/* The trend chart: one <svg>, accessible, a dot per point coloured by its
 * status, the suppressed ones without a value. */
static void test_indicator_svg(void **state)
{
    (void)state;
    struct safer_actor member = person("viewer@example.org", CSP, SAFER_ROLE_MEMBER);
    int64_t id = define(F.a.wards[0].code, WEAPONS, 1, "count", "month", "2");
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&member, id, &arena, &ind, &pts, &n);
    struct safer_buf b;
    safer_buf_init(&b, 1 << 20);
    struct safer_svg_opts o = {.title = "Weapons in one ward", .id = "ind1"};
    struct safer_err err = {0};
    must(safer_indicator_svg(&b, &ind, pts, n, &o, &err), &err);
    assert_non_null(strstr(b.ptr, "<svg"));
    assert_non_null(strstr(b.ptr, "role=\"img\""));
    assert_non_null(strstr(b.ptr, "<title"));
    assert_non_null(strstr(b.ptr, "<desc"));
    assert_non_null(strstr(b.ptr, ">Target</text>"));
    assert_non_null(strstr(b.ptr, "safer-suppressed"));
    assert_non_null(strstr(b.ptr, "not published (a count under the threshold)"));
    assert_non_null(strstr(b.ptr, "safer-rag-"));
    assert_non_null(strstr(b.ptr, "partial (0 of 1 months with data)"));
    assert_null(strstr(b.ptr, "nan"));
    /* No points: a placeholder. */
    safer_buf_reset(&b);
    must(safer_indicator_svg(&b, &ind, pts, 0, &o, &err), &err);
    assert_non_null(strstr(b.ptr, "No values to show"));
    safer_buf_release(&b);
    safer_arena_release(&arena);
}

/* The wards a form offers: the area's, with their names. */
static void test_indicator_wards(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    struct safer_err err = {0};
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator_ward *w;
    size_t n;
    must(safer_indicator_wards(F.st, &op, NOW, &arena, &w, &n, &err), &err);
    assert_int_equal(n, F.a.nwards);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(w[i].code, F.a.wards[i].code);
        assert_string_equal(w[i].name, F.a.wards[i].name);
    }
    struct safer_actor pub;
    safer_actor_public(&pub, F.pid);
    assert_int_equal(safer_indicator_wards(F.st, &pub, NOW, &arena, &w, &n, &err), SAFER_EDENIED);
    safer_arena_release(&arena);
}

/* ---- the plan file's indicators ---- */

static void test_indicator_plan_errors(void **state)
{
    (void)state;
    static const struct {
        const char *indicator; /* on line 3 of the file */
        const char *message;
    } cases[] = {
        {"{\"id\": \"a\", \"title\": \"A\", \"measure\": \"count\", \"period\": \"month\","
         " \"good\": \"down\", \"amber\": 5, \"red\": 10, \"colour\": \"red\"}",
         "plan.json:3: unknown key 'colour' in indicator 1"},
        {"{\"id\": \"a\", \"title\": \"A\", \"measure\": \"mean\", \"period\": \"month\","
         " \"good\": \"down\", \"amber\": 5, \"red\": 10}",
         "plan.json:3: 'measure' of indicator 1 is 'mean', not one of: 'count', 'rate'"},
        {"{\"id\": \"a\", \"title\": \"A\", \"measure\": \"count\", \"period\": \"weekly\","
         " \"good\": \"down\", \"amber\": 5, \"red\": 10}",
         "plan.json:3: 'period' of indicator 1 is 'weekly', not one of: 'month', 'quarter', "
         "'rolling12'"},
        {"{\"id\": \"a\", \"title\": \"A\", \"measure\": \"count\", \"period\": \"month\","
         " \"good\": \"down\", \"amber\": 10, \"red\": 5}",
         "plan.json:3: 'red' of indicator 1 must be more than 'amber'"},
        {"{\"id\": \"a\", \"title\": \"A\", \"measure\": \"count\", \"period\": \"month\","
         " \"good\": \"down\", \"target\": 0, \"amber\": 5, \"red\": 10}",
         "plan.json:3: 'target' of indicator 1 must be more than 0"},
        {"{\"id\": \"a\", \"title\": \"A\", \"priority\": \"nope\", \"measure\": \"count\","
         " \"period\": \"month\", \"good\": \"down\", \"amber\": 5, \"red\": 10}",
         "plan.json:3: 'priority' of indicator 1 is 'nope', which is no priority's id"},
        {"{\"id\": \"a\", \"title\": \"A\", \"group\": \"nope\", \"measure\": \"count\","
         " \"period\": \"month\", \"good\": \"down\", \"amber\": 5, \"red\": 10}",
         "plan.json:3: 'nope' in 'group' of indicator 1 is no group's id"},
        {"{\"id\": \"a\", \"title\": \"A\", \"categories\": [\"Knives\"], \"measure\": \"count\","
         " \"period\": \"month\", \"good\": \"down\", \"amber\": 5, \"red\": 10}",
         "plan.json:3: 'Knives' in 'categories' of indicator 1 is not a police.uk crime category"},
        {"{\"id\": \"a\", \"title\": \"A\", \"ward\": \"Ward 1\", \"measure\": \"count\","
         " \"period\": \"month\", \"good\": \"down\", \"amber\": 5, \"red\": 10}",
         "plan.json:3: 'ward' in indicator 1 is not an area code"},
        {"{\"id\": \"a\", \"title\": \"A\", \"measure\": \"count\", \"period\": \"month\","
         " \"good\": \"down\", \"red\": 10}",
         "plan.json:3: indicator 1 has no 'amber'"},
        {"{\"id\": \"a\", \"title\": \"A\", \"measure\": \"count\", \"period\": \"month\","
         " \"good\": \"down\", \"amber\": \"5\", \"red\": 10}",
         "plan.json:3: 'amber' in indicator 1 must be a number, not a string"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char text[2048];
        snprintf(text, sizeof(text),
                 "{\"safer_plan\": 1, \"partnership\": {\"name\": \"P\", \"code\": \"E22000001\"},"
                 " \"plan\": {\"title\": \"T\", \"period\": {\"from\": \"2019\", \"to\": "
                 "\"2020\"}, \"source\": \"S\"},\n"
                 "\"groups\": [{\"id\": \"g\", \"name\": \"G\", \"kind\": \"subgroup\"}],"
                 " \"priorities\": [{\"id\": \"p\", \"title\": \"P\"}], \"indicators\": [\n"
                 "%s\n]}\n",
                 cases[k].indicator);
        struct safer_plan p;
        struct safer_err err = {0};
        int rc = safer_plan_parse(text, strlen(text), "plan.json", &p, &err);
        if (rc != SAFER_EPARSE || strncmp(err.msg, cases[k].message, strlen(cases[k].message)))
            fail_msg("case %zu: %s: '%s', not '%s'", k, safer_errname(rc), err.msg,
                     cases[k].message);
    }
}

static void test_indicator_plan_file_of_the_demo(void **state)
{
    (void)state;
    struct safer_plan p;
    struct safer_err err = {0};
    char *data;
    FILE *f = fopen(SAFER_PLANS "/safer-maidstone-2021.json", "rb");
    assert_non_null(f);
    data = malloc(1 << 20);
    size_t len = fread(data, 1, 1 << 20, f);
    fclose(f);
    must(safer_plan_parse(data, len, "safer-maidstone-2021.json", &p, &err), &err);
    assert_true(p.nindicators >= 4);
    for (size_t i = 0; i < p.nindicators; i++) {
        assert_non_null(p.indicators[i].priority);
        assert_true(p.indicators[i].has_target);
    }
    safer_plan_release(&p);
    free(data);
}

/*
 * A handle keeps the evidence it counted while the store is unchanged; a
 * change made through another handle (here: the month that was missing,
 * imported) is seen at the next read. Changes the fixture: runs last.
 */
static void test_indicator_evidence_follows_changes(void **state)
{
    (void)state;
    assert_true(F.nmissing > 0);
    struct safer_actor op = operator_actor();
    int64_t id = define("", NULL, 0, "count", "month", "100");
    char label[8];
    snprintf(label, sizeof(label), "%04d-%02d", MISSING / 12, MISSING % 12 + 1);
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&op, id, &arena, &ind, &pts, &n);
    const struct safer_indicator_point *p = find(pts, n, label);
    assert_int_equal(p->months_with_data, 0);
    assert_int_equal(p->count, 0);
    get(&op, id, &arena, &ind, &pts, &n); /* from what the handle kept */
    assert_int_equal(find(pts, n, label)->months_with_data, 0);

    struct safer_store *other = NULL;
    struct safer_err err = {0};
    must(safer_store_open_existing(&other, F.target, &err), &err);
    const char *files[4];
    for (size_t i = 0; i < F.nmissing; i++)
        files[i] = F.missing[i];
    testfix_police(other, files, F.nmissing);
    safer_store_close(other);

    get(&op, id, &arena, &ind, &pts, &n);
    p = find(pts, n, label);
    assert_int_equal(p->months_with_data, 1);
    assert_true(p->count > 0);
    assert_false(p->partial);
    safer_arena_release(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indicator_rolling12_equals_assessment),
        cmocka_unit_test(test_indicator_rolling12_earlier_window),
        cmocka_unit_test(test_indicator_month_and_quarter_sums),
        cmocka_unit_test(test_indicator_rag_boundaries),
        cmocka_unit_test(test_indicator_manual_values),
        cmocka_unit_test(test_indicator_form_mistakes),
        cmocka_unit_test(test_indicator_stale_change),
        cmocka_unit_test(test_indicator_from_plan),
        cmocka_unit_test(test_indicator_off_target),
        cmocka_unit_test(test_indicator_suppression),
        cmocka_unit_test(test_indicator_access_per_role),
        cmocka_unit_test(test_indicator_values_audited),
        cmocka_unit_test(test_indicator_other_partnership),
        cmocka_unit_test(test_indicator_svg),
        cmocka_unit_test(test_indicator_wards),
        cmocka_unit_test(test_indicator_plan_errors),
        cmocka_unit_test(test_indicator_plan_file_of_the_demo),
        cmocka_unit_test(test_indicator_evidence_follows_changes),
    };
    return cmocka_run_group_tests_name("indicator", tests, setup, teardown);
}
