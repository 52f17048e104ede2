/*
 * test_indicator_survey.c - survey indicators (indicator.h, kind "survey"):
 * the form's mistakes by field; a point per stored wave equal to the
 * survey estimates (safer_survey_find) exactly, overall and in a ward; the
 * status against an independent calculation; a small ward base suppressed
 * for a member, shown to an analyst; the series following a survey
 * imported again (the handle's copy is dropped when the store changes);
 * the questions a form offers; and a question no wave asks yet.
 *
 * The store: the hand-made wards, lookup and LSOA populations of
 * tests/data, a plan naming their district, and the small fictional
 * survey of tests/data/survey/cli (two waves, 2023 and 2025, one question
 * safe_night, two wards with bases under 50) imported through the real
 * importer. On PostgreSQL when SAFER_TEST_PG is set (testdb.h).
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
#include "safer/auth.h"
#include "safer/indicator.h"
#include "safer/plan.h"
#include "safer/survey.h"
#include "testfix.h"

#define NOW 1764669600 /* 2025-12-02T10:00:00Z */
#define CODE "E07000001"
#define SURVEY SAFER_TEST_DATA "/survey/cli/"
#define GOOD_PW "a quiet harbour at Allington Lock"

static const char PLAN[] =
    "{\n"
    "  \"safer_plan\": 1,\n"
    "  \"partnership\": {\"name\": \"Testborough\", \"code\": \"E07000001\",\n"
    "                  \"districts\": [\"E07000001\"]},\n"
    "  \"plan\": {\"title\": \"Plan\", \"period\": {\"from\": \"2023\", \"to\": \"2026\"},\n"
    "           \"source\": \"made up\"},\n"
    "  \"groups\": [{\"id\": \"exec\", \"name\": \"Executive\", \"kind\": \"executive\"}],\n"
    "  \"priorities\": [{\"id\": \"reassure\", \"title\": \"Public reassurance\"}],\n"
    "  \"indicators\": [\n"
    "    {\"id\": \"safe-night\", \"title\": \"% who feel safe at night\", \"kind\": \"survey\",\n"
    "     \"question\": \"safe_night\", \"priority\": \"reassure\", \"group\": \"exec\",\n"
    "     \"good\": \"up\", \"target\": 65, \"amber\": 5, \"red\": 10}\n"
    "  ]\n"
    "}\n";

static struct safer_store *st;
static char target[512];

static void must(int rc, const struct safer_err *err)
{
    if (rc < 0)
        fail_msg("%s: %s", safer_errname(rc), err->msg);
}

static void import_survey(double trim_lo, double trim_hi)
{
    struct safer_survey_import_opts o = {
        .map = SURVEY "map.json", .margins = SURVEY "margins.csv",
        .trim_lo = trim_lo, .trim_hi = trim_hi};
    struct safer_survey_import_stats s;
    struct safer_err err = {0};
    must(safer_survey_import(st, SURVEY "survey.csv", &o, &s, &err), &err);
    assert_int_equal(s.nwaves, 2);
}

static int setup(void **state)
{
    if (testfix_setup(state) != 0)
        return -1;
    st = testfix_store("indsurvey", TESTFIX_WARDS | TESTFIX_LOOKUP, target, sizeof(target));
    struct safer_err err = {0};
    struct safer_population_stats ps;
    must(safer_population_import(st, SAFER_TEST_DATA "/population.csv", &ps, &err), &err);
    struct safer_plan p;
    must(safer_plan_parse(PLAN, sizeof(PLAN) - 1, "plan.json", &p, &err), &err);
    struct safer_plan_stats stats;
    must(safer_plan_store(st, &p, &stats, &err), &err);
    assert_int_equal(stats.indicators_added, 1);
    safer_plan_release(&p);
    import_survey(0, 0);
    return 0;
}

static int teardown(void **state)
{
    testfix_done(st, target);
    return testfix_teardown(state);
}

static struct safer_actor operator_actor(void)
{
    struct safer_actor a;
    safer_actor_operator(&a);
    a.partnership_id = 1;
    return a;
}

static struct safer_actor person(const char *email, enum safer_role role)
{
    struct safer_actor op, a;
    safer_actor_operator(&op);
    char token[SAFER_TOKEN_SIZE], sid[SAFER_TOKEN_SIZE];
    struct safer_err err = {0};
    must(safer_user_add(st, &op, email, "A Person", "Testborough Council", CODE, role, NOW,
                        token, &err),
         &err);
    struct safer_link_info info;
    must(safer_link_info(st, token, NOW, &info, &err), &err);
    char otp[16] = "";
    if (info.needs_totp)
        snprintf(otp, sizeof(otp), "%06lld",
                 (long long)safer_totp_code(info.totp_secret, NOW / 30, 6));
    must(safer_link_use(st, token, GOOD_PW, strlen(GOOD_PW), info.needs_totp ? otp : NULL, NOW,
                        &err),
         &err);
    must(safer_login(st, email, GOOD_PW, strlen(GOOD_PW), NULL, true, CODE, NOW, sid, &a, &err),
         &err);
    return a;
}

static struct safer_indicator_fields survey_fields(const char *question, const char *ward)
{
    return (struct safer_indicator_fields){
        .title = "% who feel safe at night", .kind = "survey", .question = question,
        .ward = ward, .good = "up", .target = "65", .amber = "5", .red = "10"};
}

static int64_t define(const char *question, const char *ward)
{
    struct safer_actor op = operator_actor();
    struct safer_indicator_fields f = survey_fields(question, ward);
    struct safer_field_errors fe;
    struct safer_err err = {0};
    int64_t id;
    int rc = safer_indicator_add(st, &op, &f, NOW, &id, &fe, &err);
    if (rc < 0)
        fail_msg("%s: %s (%s)", safer_errname(rc), err.msg, fe.n ? fe.e[0].message : "");
    return id;
}

static void get(const struct safer_actor *a, int64_t id, const struct safer_indicator_query *q,
                struct safer_arena *arena, struct safer_indicator *ind,
                struct safer_indicator_point **pts, size_t *n)
{
    struct safer_err err = {0};
    must(safer_indicator_get(st, a, id, q, NOW, arena, ind, pts, n, NULL, NULL, &err), &err);
}

static bool has_error(const struct safer_field_errors *fe, const char *field)
{
    for (size_t i = 0; i < fe->n; i++)
        if (strcmp(fe->e[i].field, field) == 0)
            return true;
    return false;
}

/* Each mistake is named by its field, and nothing is saved. */
static void test_survey_form_mistakes(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    struct safer_err err = {0};
    struct safer_field_errors fe;
    int64_t id = 0;
    static const char *const CATS[] = {"Burglary"};
    struct {
        struct safer_indicator_fields f;
        const char *field;
    } cases[] = {
        {survey_fields(NULL, NULL), "question"},
        {survey_fields("", NULL), "question"},
        {survey_fields("safe night!", NULL), "question"},
        {survey_fields("_safe", NULL), "question"},
        {survey_fields("safe_night", "E05000003"), "ward"}, /* another district's */
        {survey_fields("safe_night", NULL), "target"},
        {survey_fields("safe_night", NULL), "measure"},
        {survey_fields("safe_night", NULL), "period"},
        {survey_fields("safe_night", NULL), "categories"},
        {survey_fields("safe_night", NULL), "kind"},
    };
    cases[5].f.target = "100.5";
    cases[6].f.measure = "count";
    cases[7].f.period = "month";
    cases[8].f.categories = CATS;
    cases[8].f.ncategories = 1;
    cases[9].f.kind = "surveyed";
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = safer_indicator_add(st, &op, &cases[i].f, NOW, &id, &fe, &err);
        assert_int_equal(rc, SAFER_EINVAL);
        if (!has_error(&fe, cases[i].field))
            fail_msg("case %zu: no mistake on '%s' (%zu: %s)", i, cases[i].field, fe.n,
                     fe.n ? fe.e[0].field : "");
        assert_int_equal(id, 0);
    }
    /* A target of exactly 100, and "percent" and "wave" as the form may
     * send them, are fine. */
    struct safer_indicator_fields ok = survey_fields("safe_night", "E05000001");
    ok.target = "100";
    ok.measure = "percent";
    ok.period = "wave";
    must(safer_indicator_add(st, &op, &ok, NOW, &id, &fe, &err), &err);
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&op, id, NULL, &arena, &ind, &pts, &n);
    assert_string_equal(ind.kind, "survey");
    assert_string_equal(ind.measure, "percent");
    assert_string_equal(ind.period, "wave");
    assert_string_equal(ind.unit, "%");
    assert_string_equal(ind.question, "safe_night");
    assert_string_equal(ind.ward, "E05000001");
    /* Its kind does not change; its question does. */
    struct safer_indicator_fields ch = ok;
    ch.question = "safe_day";
    must(safer_indicator_change(st, &op, id, ind.version, &ch, NOW, &fe, &err), &err);
    get(&op, id, NULL, &arena, &ind, &pts, &n);
    assert_string_equal(ind.question, "safe_day");
    assert_int_equal(n, 0); /* no wave asks it */
    assert_null(ind.question_label);
    safer_arena_release(&arena);
}

/* Every point is the survey estimate of the same question, wave and
 * domain, to the last bit; the waves in order of name. */
static void check_equal(const char *ward)
{
    struct safer_actor op = operator_actor();
    int64_t id = define("safe_night", ward);
    struct safer_survey_results r;
    struct safer_err err = {0};
    must(safer_survey_results_load(st, false, &r, &err), &err);
    assert_int_equal(r.nwaves, 2);
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&op, id, NULL, &arena, &ind, &pts, &n);
    assert_int_equal(n, 2);
    assert_string_equal(pts[0].period, "2023");
    assert_string_equal(pts[1].period, "2025");
    assert_string_equal(ind.question_label, "feel safe in their area at night");
    for (size_t i = 0; i < n; i++) {
        const struct safer_survey_row *row =
            safer_survey_find(&r, "safe_night", pts[i].period, ward ? ward : "");
        assert_non_null(row);
        assert_true(pts[i].value == 100.0 * row->e.p);
        assert_true(pts[i].lo == 100.0 * row->e.lo);
        assert_true(pts[i].hi == 100.0 * row->e.hi);
        assert_int_equal(pts[i].base, (int64_t)row->e.base);
        assert_int_equal(pts[i].small, row->e.small);
        assert_false(pts[i].suppressed);
        assert_true(pts[i].value > 0 && pts[i].value < 100);
        assert_true(pts[i].lo < pts[i].value && pts[i].value < pts[i].hi);
    }
    /* The list's latest point is the last wave's. */
    struct safer_indicator *list;
    size_t nl;
    must(safer_indicator_list(st, &op, NULL, NOW, &arena, &list, &nl, &err), &err);
    bool seen = false;
    for (size_t i = 0; i < nl; i++) {
        if (list[i].id != id)
            continue;
        seen = true;
        assert_true(list[i].has_latest);
        assert_string_equal(list[i].latest.period, "2025");
        assert_true(list[i].latest.value == pts[1].value);
    }
    assert_true(seen);
    safer_survey_results_release(&r);
    safer_arena_release(&arena);
}

static void test_survey_series_equals_estimates(void **state)
{
    (void)state;
    check_equal(NULL);
    check_equal("E05000001");
    check_equal("E05000002");
}

/* The status from the variance worked out here: up is good, so a value
 * under target is worse by (target - value) / target. */
static void test_survey_status(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    int64_t id = define("safe_night", NULL);
    get(&op, id, NULL, &arena, &ind, &pts, &n);
    assert_int_equal(n, 2);
    struct safer_err err = {0};
    struct safer_field_errors fe;
    /* Targets that put the 2025 value just inside each band. */
    double v = pts[1].value;
    struct {
        double target;
        enum safer_rag rag;
    } cases[] = {
        {v, SAFER_RAG_GREEN},               /* variance 0 */
        {v / 0.96, SAFER_RAG_GREEN},        /* 4% under */
        {v / 0.93, SAFER_RAG_AMBER},        /* 7% under */
        {v / 0.85, SAFER_RAG_RED},          /* 15% under */
        {v / 1.2, SAFER_RAG_GREEN},         /* above target */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char t[40];
        snprintf(t, sizeof(t), "%.17g", cases[i].target);
        struct safer_indicator_fields f = survey_fields("safe_night", NULL);
        f.target = t;
        must(safer_indicator_change(st, &op, id, ind.version, &f, NOW, &fe, &err), &err);
        get(&op, id, NULL, &arena, &ind, &pts, &n);
        double want = -100.0 * (pts[1].value - ind.target) / ind.target;
        assert_true(fabs(pts[1].variance - want) < 1e-9);
        if (pts[1].rag != cases[i].rag)
            fail_msg("target %s: %s, not %s", t, safer_rag_name(pts[1].rag),
                     safer_rag_name(cases[i].rag));
    }
    /* The plan's indicator: target 65, amber 5, red 10. */
    struct safer_indicator *list;
    size_t nl;
    must(safer_indicator_list(st, &op, NULL, NOW, &arena, &list, &nl, &err), &err);
    assert_true(nl >= 1);
    assert_string_equal(list[0].key, "safe-night");
    assert_string_equal(list[0].kind, "survey");
    enum safer_rag want = safer_indicator_rag(list[0].latest.value, 65, 5, 10, true, NULL);
    assert_int_equal(list[0].latest.rag, want);
    safer_arena_release(&arena);
}

/* A ward's estimates rest on bases under 50: a member sees no value or
 * status, an analyst sees them, and the whole area's are shown to both. */
static void test_survey_suppression(void **state)
{
    (void)state;
    struct safer_actor member = person("member@example.org", SAFER_ROLE_MEMBER);
    struct safer_actor analyst = person("analyst@example.org", SAFER_ROLE_ANALYST);
    int64_t ward = define("safe_night", "E05000002");
    int64_t area = define("safe_night", NULL);
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&member, ward, NULL, &arena, &ind, &pts, &n);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_true(pts[i].small);
        assert_true(pts[i].suppressed);
        assert_true(isnan(pts[i].value) && isnan(pts[i].lo) && isnan(pts[i].hi));
        assert_int_equal(pts[i].base, 0);
        assert_int_equal(pts[i].rag, SAFER_RAG_NONE);
    }
    get(&analyst, ward, NULL, &arena, &ind, &pts, &n);
    for (size_t i = 0; i < n; i++) {
        assert_false(pts[i].suppressed);
        assert_true(pts[i].base > 0 && pts[i].base < SAFER_SURVEY_SMALL_BASE);
        assert_true(isfinite(pts[i].value));
        assert_int_not_equal(pts[i].rag, SAFER_RAG_NONE);
    }
    /* Asked to (a pack for members), the analyst's series is suppressed. */
    struct safer_indicator_query q = {.suppress = true};
    get(&analyst, ward, &q, &arena, &ind, &pts, &n);
    for (size_t i = 0; i < n; i++)
        assert_true(pts[i].suppressed);
    /* The whole area: small too (under 50), but never suppressed, as the
     * survey estimates show it to members. */
    get(&member, area, NULL, &arena, &ind, &pts, &n);
    assert_int_equal(n, 2);
    struct safer_survey_results r;
    bool public_view;
    struct safer_err err = {0};
    must(safer_survey_results_for(st, &member, &r, &public_view, &err), &err);
    assert_true(public_view);
    for (size_t i = 0; i < n; i++) {
        assert_false(pts[i].suppressed);
        const struct safer_survey_row *row = safer_survey_find(&r, "safe_night", pts[i].period, "");
        assert_non_null(row);
        assert_true(pts[i].value == 100.0 * row->e.p);
        /* What the member's survey page leaves out, the indicator hides. */
        assert_null(safer_survey_find(&r, "safe_night", pts[i].period, "E05000002"));
    }
    safer_survey_results_release(&r);
    safer_arena_release(&arena);
}

/* The handle keeps the estimates while the store is unchanged; a survey
 * imported again (trimmed, so its weights differ) is what the next page
 * shows. */
static void test_survey_follows_import(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    int64_t id = define("safe_night", NULL);
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    size_t n;
    get(&op, id, NULL, &arena, &ind, &pts, &n);
    double before = pts[1].value;
    get(&op, id, NULL, &arena, &ind, &pts, &n);
    assert_true(pts[1].value == before);
    import_survey(0.8, 1.2);
    get(&op, id, NULL, &arena, &ind, &pts, &n);
    struct safer_survey_results r;
    struct safer_err err = {0};
    must(safer_survey_results_load(st, false, &r, &err), &err);
    const struct safer_survey_row *row = safer_survey_find(&r, "safe_night", "2025", "");
    assert_non_null(row);
    assert_true(pts[1].value == 100.0 * row->e.p);
    assert_true(pts[1].value != before);
    safer_survey_results_release(&r);
    import_survey(0, 0);
    safer_arena_release(&arena);
}

/* The form's choice of question: the stored ones, by label; a question no
 * wave asks is accepted with an empty series. */
static void test_survey_questions(void **state)
{
    (void)state;
    struct safer_actor op = operator_actor();
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_indicator_question *q;
    size_t n;
    struct safer_err err = {0};
    must(safer_indicator_questions(st, &op, NOW, &arena, &q, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_string_equal(q[0].key, "safe_night");
    assert_string_equal(q[0].label, "feel safe in their area at night");
    struct safer_actor pub;
    safer_actor_public(&pub, 1);
    assert_int_equal(safer_indicator_questions(st, &pub, NOW, &arena, &q, &n, &err),
                     SAFER_EDENIED);

    int64_t id = define("asb_problem", NULL);
    struct safer_indicator ind;
    struct safer_indicator_point *pts;
    get(&op, id, NULL, &arena, &ind, &pts, &n);
    assert_int_equal(n, 0);
    assert_false(ind.has_latest);
    /* Comments name a stored wave. */
    struct safer_field_errors fe;
    must(safer_indicator_comment(st, &op, id, "2025", "After the summer campaign", NOW, &fe, &err),
         &err);
    assert_int_equal(safer_indicator_comment(st, &op, id, "2024", "No such wave", NOW, &fe, &err),
                     SAFER_EINVAL);
    assert_true(has_error(&fe, "period"));
    /* Values are the survey's, never typed in. */
    assert_int_equal(safer_indicator_set_value(st, &op, id, "2025", "50", NOW, &fe, &err),
                     SAFER_EINVAL);
    safer_arena_release(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_survey_form_mistakes),
        cmocka_unit_test(test_survey_series_equals_estimates),
        cmocka_unit_test(test_survey_status),
        cmocka_unit_test(test_survey_suppression),
        cmocka_unit_test(test_survey_follows_import),
        cmocka_unit_test(test_survey_questions),
    };
    return cmocka_run_group_tests_name("indicator_survey", tests, setup, teardown);
}
