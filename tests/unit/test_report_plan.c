/*
 * test_report_plan.c - the report and the partnership's plan, end to end on
 * the fixtures (tests/data: wards Alpha and Beta in district E07000001 of
 * partnership E22000001, Gamma in E07000002 of E22000002) with the test
 * plan of E22000001 (tests/data/plans/safer-test.json) and the transcription
 * of the Safer Maidstone Partnership's plan in the store:
 *
 * - the assessment reads the plan of its area (by district or CSP code),
 *   and none for another area or without one;
 * - the report of E07000001 names its plan's priorities and groups; the
 *   report of E07000002, or of every ward, says no plan is loaded and names
 *   no partnership's groups or services, Maidstone's included;
 * - the sections of regulation 5: the public's views not loaded; candidate
 *   priorities scored with the plan's weights or the defaults, each
 *   component left out with its reason, harm scored only with the plan's
 *   weights for every category; progress not yet available;
 * - plan text is escaped.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/account.h"
#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/indicator.h"
#include "safer/limits.h"
#include "safer/plan.h"
#include "safer/report.h"
#include "testfix.h"

static struct safer_store *st;
static char target[512];

static void import_plan(const char *path)
{
    struct safer_plan_stats s;
    struct safer_err err = {0};
    if (safer_plan_import(st, path, &s, NULL, &err) < 0)
        fail_msg("%s", err.msg);
}

static int setup(void **state)
{
    if (testfix_setup(state) < 0)
        return -1;
    st = testfix_store("report_plan",
                       TESTFIX_WARDS | TESTFIX_LOOKUP | TESTFIX_CSP | TESTFIX_KENT_2018 |
                           TESTFIX_KENT_2019,
                       target, sizeof(target));
    import_plan(SAFER_TEST_DATA "/plans/safer-test.json");
    import_plan(SAFER_PLANS "/safer-maidstone-2021.json");
    return 0;
}

static int teardown(void **state)
{
    testfix_done(st, target);
    return testfix_teardown(state);
}

static void assess(const char *area, struct safer_assessment *a)
{
    struct safer_assess_opts o = {.to = -1, .area = area, .threads = 1};
    struct safer_err err = {0};
    if (safer_assess_compute(st, &o, a, &err) < 0)
        fail_msg("%s", err.msg);
}

static char *render(const struct safer_assessment *a)
{
    struct safer_buf b;
    struct safer_err err = {0};
    safer_buf_init(&b, SAFER_LIMIT_REPORT);
    if (safer_report_render(a, &b, &err) < 0)
        fail_msg("%s", err.msg);
    return safer_buf_detach(&b, NULL);
}

/* The text of section `id`: from its heading to the next. */
static char *section(const char *html, const char *id)
{
    char open[64];
    snprintf(open, sizeof(open), "<h2 id=\"%s\">", id);
    const char *from = strstr(html, open);
    assert_non_null(from);
    const char *to = strstr(from + 1, "<h2 id=");
    char *s = strndup(from, to ? (size_t)(to - from) : strlen(from));
    assert_non_null(s);
    return s;
}

/* What a plan names that no other report may: the test plan's and
 * Maidstone's groups, services and priorities. */
static const char *const PLAN_WORDS[] = {
    "Testborough Executive Group",
    "Testborough ASB Panel",
    "Reducing burglary in Testborough",
    "Safer Maidstone Partnership",
    "SMPEG",
    "Serious &amp; Organised Crime Panel",
    "Community Safety and Vulnerability Group",
    "District Contextual Safeguarding Meeting",
    "Domestic Abuse Forum",
    "Maidstone Task Force",
    "MARAC",
    "one-stop-shop",
    "Crime and Disorder Committee",
    "Objective:",
    "Delivered by",
};

static void names_no_plan(const char *html)
{
    for (size_t i = 0; i < sizeof(PLAN_WORDS) / sizeof(PLAN_WORDS[0]); i++) {
        if (strstr(html, PLAN_WORDS[i]))
            fail_msg("a report without a plan names '%s'", PLAN_WORDS[i]);
    }
}

static void test_report_plan_of_the_area(void **state)
{
    (void)state;
    struct safer_assessment a;
    assess("E07000001", &a);
    assert_non_null(a.plan);
    assert_string_equal(a.plan->code, "E22000001");
    char *html = render(&a);
    safer_assessment_release(&a);

    char *pri = section(html, "priorities");
    assert_non_null(strstr(pri, "<h2 id=\"priorities\">10. The partnership's priorities</h2>"
                                "<p>The priorities of Safer Test Partnership's plan, <cite>"
                                "Testborough Community Safety Plan</cite> (2018 to 2021)"));
    assert_non_null(strstr(pri, "<th scope=\"row\" rowspan=\"2\">Reducing burglary in "
                                "Testborough<br><span class=\"meta\">Objective: Fewer homes "
                                "burgled.</span></th><td>Burglary</td>"));
    assert_non_null(strstr(pri, "<td rowspan=\"2\">Attempts are not shown apart.</td>"
                                "<td rowspan=\"2\">Testborough ASB Panel</td>"));
    assert_non_null(strstr(pri, "Testborough wellbeing</th><td colspan=\"4\">No police.uk "
                                "category</td>"));
    assert_non_null(strstr(pri, "Reducing anti-social behaviour (cross-cutting theme)</th>"));
    /* The groups: kind, whom they report to, remit. */
    assert_non_null(strstr(pri, "<tr><td>Testborough ASB Panel</td><td>Sub-group</td><td>"
                                "Testborough Executive Group</td><td><ul><li>An annual action "
                                "plan</li></ul></td><td>\u2014</td></tr>"));
    assert_non_null(strstr(pri, "From the plan file safer-test.json (XXH3-128 "));
    /* Maidstone's plan is in the store too, but not this area's. */
    assert_null(strstr(html, "Safer Maidstone"));
    assert_null(strstr(html, "SMPEG"));

    /* The plan's weights: volume 2, trend 1 (the rest default). */
    char *cand = section(html, "candidates");
    assert_non_null(strstr(cand, "which are those of the plan <cite>Testborough Community "
                                 "Safety Plan</cite>."));
    assert_non_null(strstr(cand, "<tr><td>Volume</td><td class=\"n\">2</td><td>yes</td>"));
    assert_non_null(strstr(cand, "<th scope=\"col\">In the plan under</th>"));
    char *prog = section(html, "progress");
    assert_non_null(strstr(prog, "Progress against the plan <cite>Testborough Community Safety "
                                 "Plan</cite> is measured by its indicators"));
    assert_non_null(strstr(prog, "<strong>No indicators yet.</strong>"));
    free(prog);
    free(cand);
    free(pri);
    free(html);

    /* By the partnership's own code, the same plan. */
    assess("E22000001", &a);
    assert_non_null(a.plan);
    assert_string_equal(a.plan->title, "Testborough Community Safety Plan");
    safer_assessment_release(&a);
}

static void test_report_no_plan_names_no_groups(void **state)
{
    (void)state;
    struct safer_assessment a;
    /* Gamma's district: another partnership, with no plan stored. */
    assess("E07000002", &a);
    assert_null(a.plan);
    char *html = render(&a);
    safer_assessment_release(&a);
    names_no_plan(html);
    char *pri = section(html, "priorities");
    assert_non_null(strstr(pri, "<strong>No plan loaded.</strong> No partnership's plan is stored "
                                "for Otherborough (E07000002), and this report names no "
                                "partnership's priorities, groups or services."));
    assert_null(strstr(pri, "<table"));
    char *cand = section(html, "candidates");
    assert_non_null(strstr(cand, "which are safer's defaults (no plan is loaded"));
    assert_null(strstr(cand, "In the plan under"));
    char *prog = section(html, "progress");
    assert_non_null(strstr(prog, "<strong>No plan loaded.</strong>"));
    free(prog);
    free(cand);
    free(pri);
    free(html);

    /* Every stored ward: no area, no plan. */
    assess(NULL, &a);
    assert_null(a.plan);
    html = render(&a);
    safer_assessment_release(&a);
    names_no_plan(html);
    assert_non_null(strstr(html, "This assessment covers every stored ward rather than one area "
                                 "(no --area), so no partnership's plan applies to it"));
    free(html);
}

static void test_report_public_views_not_loaded(void **state)
{
    (void)state;
    struct safer_assessment a;
    assess("E07000001", &a);
    char *html = render(&a);
    safer_assessment_release(&a);
    char *pub = section(html, "public");
    assert_non_null(strstr(pub, "<h2 id=\"public\">8. The public's views</h2>"));
    assert_non_null(strstr(pub, "regulation 5"));
    assert_non_null(strstr(pub, "<div class=\"inset\"><p><strong>Not loaded.</strong> No survey "
                                "results are loaded"));
    free(pub);
    free(html);
}

/* The components: which are scored, with what, and why the others are not. */
static void test_report_candidates_scoring(void **state)
{
    (void)state;
    struct safer_assessment a;
    assess("E07000002", &a);
    char *html = render(&a);
    char *cand = section(html, "candidates");
    /* Gamma in the latest 12 months: Violence and Vehicle crime, one each;
     * the previous window has no file for most months: not comparable. */
    assert_non_null(strstr(cand, "<tr><td>Trend</td><td class=\"n\">1</td><td>no</td><td>Change "
                                 "on the 12 months to "));
    assert_non_null(strstr(cand, "Left out: the change is not comparable for every category"));
    assert_non_null(strstr(cand, "<tr><td>Harm</td><td class=\"n\">1</td><td>no</td>"));
    assert_non_null(strstr(cand, "Left out: no harm weights are loaded. safer has none of its "
                                 "own"));
    assert_non_null(strstr(cand, "Left out: no survey results are loaded (section 8)."));
    assert_non_null(strstr(cand, "Left out: within one area every category has the same "
                                 "population"));
    assert_non_null(strstr(cand, "Scored on volume, the highest-scoring categories are "));
    assert_non_null(strstr(cand, "<caption>Candidate priorities, highest score first</caption>"));
    /* No population loaded: no rate column; no trend or harm column. */
    assert_null(strstr(cand, "Rate per 1,000"));
    assert_null(strstr(cand, "<th scope=\"col\" class=\"n\">Trend</th>"));
    assert_null(strstr(cand, "<th scope=\"col\" class=\"n\">Harm</th>"));
    free(cand);
    free(html);

    /* Comparable, with one significant rise: the trend is scored; the two
     * categories tie on volume, so the rise comes first. */
    for (size_t k = 0; k < a.ntests; k++) {
        a.tests[k].comparable = 1;
        a.tests[k].significant = 0;
    }
    size_t rise = a.ntypes;
    for (size_t t = 0; t < a.ntypes; t++) {
        if (strcmp(a.types[t], "Vehicle crime") == 0)
            rise = t;
    }
    assert_true(rise < a.ntypes);
    assert_int_equal(a.type_latest[rise], 1);
    assert_int_equal(a.type_prev[rise], 0);
    for (size_t k = 0; k < a.ntests; k++) {
        if (strcmp(a.tests[k].key, "Vehicle crime") == 0)
            a.tests[k].significant = 1;
    }
    html = render(&a);
    cand = section(html, "candidates");
    assert_non_null(strstr(cand, "<tr><td>Trend</td><td class=\"n\">1</td><td>yes</td>"));
    /* (100 + 100) / 2 and (100 + 50) / 2. */
    assert_non_null(strstr(cand, "<tr><td class=\"n\">1</td><td>Vehicle crime</td><td class=\"n\">"
                                 "1</td><td class=\"n\">100.0</td><td class=\"n\">n/a</td>"
                                 "<td class=\"n\">100.0</td><td class=\"n\">100.0</td></tr>"));
    assert_non_null(strstr(cand, "<tr><td class=\"n\">2</td><td>Violence and sexual offences</td>"
                                 "<td class=\"n\">1</td><td class=\"n\">100.0</td>"
                                 "<td class=\"n\">n/a</td><td class=\"n\">50.0</td>"
                                 "<td class=\"n\">75.0</td></tr>"));
    free(cand);
    free(html);
    safer_assessment_release(&a);
}

/* Harm is scored only with the plan's weights for every category, and the
 * report names their source; text from a plan is escaped. */
static void test_report_harm_weights_and_escaping(void **state)
{
    (void)state;
    static const char PLAN[] =
        "{\"safer_plan\": 1,\n"
        " \"partnership\": {\"name\": \"<b>Other</b> & Co\", \"districts\": [\"E07000002\"]},\n"
        " \"plan\": {\"title\": \"Plan <script>\", \"period\": {\"from\": \"2019\", \"to\": "
        "\"2020\"}, \"source\": \"'quoted' & <i>\"},\n"
        " \"groups\": [{\"id\": \"g\", \"name\": \"Group <img src=x>\", \"kind\": \"meeting\"}],\n"
        " \"priorities\": [{\"id\": \"v\", \"title\": \"V & <u>\", \"groups\": [\"g\"],\n"
        "   \"categories\": [\"Violence and sexual offences\"]}],\n"
        " \"scoring\": {\"volume\": 0, \"harm\": 1},\n"
        " \"harm_weights\": {\"source\": \"Made-up <weights>\", \"weights\": {\n"
        "   \"Violence and sexual offences\": 3, \"Vehicle crime\": 1, \"Bicycle theft\": 2}}}\n";
    char path[600];
    testfix_write("other.json", PLAN, path, sizeof(path));
    import_plan(path);
    struct safer_assessment a;
    assess("E07000002", &a);
    assert_non_null(a.plan);
    char *html = render(&a);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "<b>Other"));
    assert_non_null(strstr(html, "&lt;b&gt;Other&lt;/b&gt; &amp; Co"));
    assert_non_null(strstr(html, "Group &lt;img src=x&gt;"));
    char *cand = section(html, "candidates");
    assert_non_null(strstr(cand, "<tr><td>Volume</td><td class=\"n\">0</td><td>no</td>"));
    assert_non_null(strstr(cand, "Left out: its weight is 0."));
    assert_non_null(strstr(cand, "<tr><td>Harm</td><td class=\"n\">1</td><td>yes</td>"));
    assert_non_null(strstr(cand, "Weights: Made-up &lt;weights&gt;."));
    /* One record each: harm 3 and 1, scaled to 100 and 33.3; Bicycle theft
     * had its record in the previous window: 0. */
    assert_non_null(strstr(cand, "<td>Violence and sexual offences</td><td class=\"n\">1</td>"
                                 "<td class=\"n\">100.0</td><td class=\"n\">n/a</td>"
                                 "<td class=\"n\">100.0</td><td class=\"n\">100.0</td>"));
    assert_non_null(strstr(cand, "<td>Vehicle crime</td><td class=\"n\">1</td><td class=\"n\">"
                                 "100.0</td><td class=\"n\">n/a</td><td class=\"n\">33.3</td>"
                                 "<td class=\"n\">33.3</td>"));
    free(cand);
    free(html);
    safer_assessment_release(&a);

    /* A plan whose weights miss a category with records: harm left out. */
    static const char MISSING[] =
        "{\"safer_plan\": 1, \"partnership\": {\"name\": \"Other\", \"districts\": "
        "[\"E07000002\"]},\n"
        " \"plan\": {\"title\": \"T\", \"period\": {\"from\": \"2019\", \"to\": \"2020\"}, "
        "\"source\": \"s\"},\n"
        " \"priorities\": [{\"id\": \"v\", \"title\": \"V\"}],\n"
        " \"harm_weights\": {\"source\": \"w\", \"weights\": {\"Vehicle crime\": 1}}}\n";
    testfix_write("missing.json", MISSING, path, sizeof(path));
    import_plan(path);
    assess("E07000002", &a);
    html = render(&a);
    cand = section(html, "candidates");
    /* Bicycle theft: one record in the previous window, none since. */
    assert_non_null(strstr(cand, "Left out: the plan's harm weights give none for Bicycle "
                                 "theft."));
    free(cand);
    free(html);
    safer_assessment_release(&a);
}

/* The public edition: the priorities' and the candidates' figures are
 * hidden where they come from a hidden count, each table showing the mark
 * has the note beside it, and no ranking places a hidden count. */
static void test_report_plan_public_edition(void **state)
{
    (void)state;
    struct safer_assessment a;
    struct safer_err err = {0};
    assess("E07000001", &a);
    if (safer_assessment_hide(&a, 5, &err) < 0)
        fail_msg("%s", err.msg);
    char *html = render(&a);
    char *pri = section(html, "priorities");
    size_t hidden = 0;
    for (size_t i = 0; i < a.plan->npriorities; i++) {
        const struct safer_plan_priority *pr = &a.plan->priorities[i];
        for (size_t k = 0; k < pr->ncategories; k++) {
            size_t t = 0;
            while (t < a.ntypes && strcmp(a.types[t], pr->categories[k]) != 0)
                t++;
            if (t == a.ntypes)
                continue;
            bool hp = safer_hidden(a.hidden.type_prev, t), hl = safer_hidden(a.hidden.type_latest, t);
            char want[256], prev[24], latest[24];
            snprintf(prev, sizeof(prev), "%lld", (long long)a.type_prev[t]);
            snprintf(latest, sizeof(latest), "%lld", (long long)a.type_latest[t]);
            snprintf(want, sizeof(want),
                     "<td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s",
                     a.types[t], hp ? "[c]" : prev, hl ? "[c]" : latest,
                     hp || hl ? "[c]</td>" : "");
            if (!strstr(pri, want))
                fail_msg("priorities: no '%s'", want);
            hidden += hp || hl;
        }
    }
    assert_true(hidden > 0);
    assert_non_null(strstr(pri, "</tbody></table></div><p class=\"note\">[c]: a count from 1 "
                                "to 4"));
    free(pri);

    /* Every count of the fixture is from 1 to 4: no category is ranked,
     * none is named as scoring highest, and each row is the mark but for
     * its name and the plan's priorities. */
    char *cand = section(html, "candidates");
    assert_null(strstr(cand, "the highest-scoring"));
    assert_non_null(strstr(cand, "<tr><td class=\"n\">[c]</td><td>Burglary</td><td class=\"n\">"
                                 "[c]</td><td class=\"n\">[c]</td><td class=\"n\">[c]</td>"
                                 "<td class=\"n\">[c]</td>"));
    assert_null(strstr(cand, "<tr><td class=\"n\">1</td>"));
    assert_non_null(strstr(cand, "</tbody></table></div><p class=\"note\">[c]: a count from 1 "
                                 "to 4"));
    assert_non_null(strstr(cand, "A category whose count or score is hidden is not ranked: it "
                                 "comes after the others, by name."));
    free(cand);
    free(html);
    safer_assessment_release(&a);
}

/*
 * Section 11 shows the plan's indicators as the workspace keeps them: a
 * value entered by hand, its target and its status. (Adds an indicator to
 * the store: runs last.)
 */
static void test_report_plan_indicators(void **state)
{
    (void)state;
    struct safer_actor op;
    safer_actor_operator(&op);
    op.partnership_id = 1; /* Testborough's, the store's first partnership */
    struct safer_indicator_fields f = {
        .title = "Residents who feel safe <at night>", .kind = "manual", .period = "quarter",
        .good = "up", .target = "80", .amber = "5", .red = "10", .unit = "%",
    };
    struct safer_field_errors fe = {0};
    struct safer_err err = {0};
    int64_t id = 0;
    if (safer_indicator_add(st, &op, &f, 1764669600, &id, &fe, &err) < 0)
        fail_msg("%s %s", err.msg, fe.n ? fe.e[0].message : "");
    if (safer_indicator_set_value(st, &op, id, "2019-Q1", "70", 1764669600, &fe, &err) < 0)
        fail_msg("%s", err.msg);
    struct safer_assessment a;
    assess("E07000001", &a);
    assert_int_equal(a.nindicators, 1);
    char *html = render(&a);
    safer_assessment_release(&a);
    char *prog = section(html, "progress");
    assert_non_null(strstr(prog, "<tr><th scope=\"row\">Residents who feel safe &lt;at "
                                 "night&gt;</th><td>\u2014</td><td>2019-Q1</td><td "
                                 "class=\"n\">70 %</td><td class=\"n\">80 % (up is better)</td>"
                                 "<td>Red</td></tr>"));
    assert_non_null(strstr(prog, "The plan has 1 indicator: 1 red, 0 amber and 0 green at the "
                                 "latest period, and 0 without a status"));
    free(prog);
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_plan_of_the_area),
        cmocka_unit_test(test_report_no_plan_names_no_groups),
        cmocka_unit_test(test_report_public_views_not_loaded),
        cmocka_unit_test(test_report_candidates_scoring),
        cmocka_unit_test(test_report_harm_weights_and_escaping),
        cmocka_unit_test(test_report_plan_public_edition),
        cmocka_unit_test(test_report_plan_indicators),
    };
    return cmocka_run_group_tests_name("report_plan", tests, setup, teardown);
}
