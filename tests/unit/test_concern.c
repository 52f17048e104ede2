/*
 * test_concern.c - the public-concern component of a candidate priority's
 * score (safer_survey_concern(), docs/plan.md "scoring"), worked out by
 * hand on a small set of results; and a mapping that names a category
 * police.uk does not have.
 */
#include "util/compat.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "safer/survey.h"

static struct safer_survey_row row(const char *q, const char *wave, const char *domain,
                                   const char *concern, double p)
{
    struct safer_survey_row r = {.question = q,
                                 .label = q,
                                 .wave = wave,
                                 .domain = domain,
                                 .domain_name = *domain ? domain : "All respondents",
                                 .concern = concern};
    r.e.p = p;
    r.e.base = isnan(p) ? 0 : 500;
    return r;
}

/*
 * Wave 2021 (the latest): asb_drugs names two categories (40%), drugs
 * names Drugs (50%), burglary names Burglary (20%), safe names none, and
 * robbery names Robbery but has no estimate (no base). Wave 2019 and a
 * ward's row say otherwise and must be passed over. By hand:
 *   Anti-social behaviour 40%, Burglary 20%, Drugs max(40%, 50%) = 50%;
 *   the largest 50%: components 80, 40, 100; neutral (80 + 40 + 100) / 3.
 */
static void test_concern_by_hand(void **state)
{
    (void)state;
    struct safer_survey_wave_info waves[2] = {{.name = "2019"}, {.name = "2021"}};
    struct safer_survey_row rows[] = {
        row("asb_drugs", "2019", "", "Anti-social behaviour\nDrugs", 0.99),
        row("asb_drugs", "2021", "", "Anti-social behaviour\nDrugs", 0.40),
        row("asb_drugs", "2021", "E05000001", "Anti-social behaviour\nDrugs", 0.99),
        row("drugs", "2021", "", "Drugs", 0.50),
        row("burglary", "2021", "", "Burglary", 0.20),
        row("safe", "2021", "", "", 0.90),
        row("robbery", "2021", "", "Robbery", NAN),
    };
    struct safer_survey_results r;
    memset(&r, 0, sizeof(r));
    r.nwaves = 2;
    r.waves = waves;
    r.nrows = sizeof(rows) / sizeof(rows[0]);
    r.rows = rows;

    struct safer_survey_concern c;
    safer_survey_concern(&r, &c);
    assert_string_equal(c.wave, "2021");
    assert_int_equal(c.n, 3);
    assert_string_equal(c.category[0], "Anti-social behaviour");
    assert_string_equal(c.category[1], "Burglary");
    assert_string_equal(c.category[2], "Drugs");
    assert_string_equal(c.question[2], "drugs");
    assert_true(c.pct[0] == 0.40 && c.pct[1] == 0.20 && c.pct[2] == 0.50);
    assert_true(c.max == 0.50);
    assert_true(fabs(c.component[0] - 80) < 1e-12);
    assert_true(fabs(c.component[1] - 40) < 1e-12);
    assert_true(fabs(c.component[2] - 100) < 1e-12);
    assert_true(fabs(c.neutral - 220.0 / 3) < 1e-12);

    bool asked;
    assert_true(fabs(safer_survey_concern_component(&c, "Burglary", &asked) - 40) < 1e-12);
    assert_true(asked);
    assert_true(fabs(safer_survey_concern_component(&c, "Robbery", &asked) - 220.0 / 3) <
                1e-12);
    assert_false(asked);
    assert_true(fabs(safer_survey_concern_component(&c, "Vehicle crime", &asked) - 220.0 / 3) <
                1e-12);
    assert_false(asked);

    /* A category is matched as a whole line: "Drug" is not "Drugs". */
    rows[3].concern = "Drug";
    safer_survey_concern(&r, &c);
    assert_true(c.pct[2] == 0.40);
}

/* No question names a category, or no survey: the component is left out. */
static void test_concern_left_out(void **state)
{
    (void)state;
    struct safer_survey_concern c;
    safer_survey_concern(NULL, &c);
    assert_int_equal(c.n, 0);
    assert_null(c.wave);
    bool asked = true;
    assert_true(isnan(safer_survey_concern_component(&c, "Burglary", &asked)));
    assert_false(asked);

    struct safer_survey_wave_info w = {.name = "2021"};
    struct safer_survey_row rows[] = {row("safe", "2021", "", "", 0.9)};
    struct safer_survey_results r;
    memset(&r, 0, sizeof(r));
    r.nwaves = 1;
    r.waves = &w;
    r.nrows = 1;
    r.rows = rows;
    safer_survey_concern(&r, &c);
    assert_int_equal(c.n, 0);
    assert_string_equal(c.wave, "2021");

    /* Everyone says no problem: every component 0, not a division by 0. */
    rows[0] = row("asb", "2021", "", "Anti-social behaviour", 0);
    safer_survey_concern(&r, &c);
    assert_int_equal(c.n, 1);
    assert_true(c.component[0] == 0 && c.neutral == 0);
}

static const char MAP_HEAD[] =
    "{\"wave\": {\"value\": \"2021\"}, \"area\": {\"column\": \"W\", \"kind\": \"ward\"},\n"
    " \"questions\": [{\"key\": \"asb\", \"column\": \"Q\", \"label\": \"x\", "
    "\"count\": [\"A very big problem\"], \"other\": [\"Not a problem\"], ";

static int parse(const char *concern, char *msg, size_t cap)
{
    char text[1024];
    snprintf(text, sizeof(text), "%s\"concern\": %s}]}", MAP_HEAD, concern);
    struct safer_survey_map *m = NULL;
    struct safer_err err = {0};
    int rc = safer_survey_map_parse(text, strlen(text), "MAP.json", &m, &err);
    snprintf(msg, cap, "%s", rc < 0 ? err.msg : "");
    safer_survey_map_free(m);
    return rc;
}

static void test_concern_in_mapping(void **state)
{
    (void)state;
    char msg[512];
    assert_int_equal(parse("[\"Anti-social behaviour\", \"Drugs\"]", msg, sizeof(msg)), 0);
    assert_int_equal(parse("[]", msg, sizeof(msg)), 0);
    assert_int_equal(parse("[\"Anti-social behaviour\", \"Drug dealing\"]", msg, sizeof(msg)),
                     SAFER_EPARSE);
    assert_non_null(strstr(msg, "MAP.json: questions[0].concern: 'Drug dealing' is not a "
                                "police.uk category"));
    assert_int_equal(parse("[\"Drugs\", \"Drugs\"]", msg, sizeof(msg)), SAFER_EPARSE);
    assert_string_equal(msg, "MAP.json: questions[0].concern: 'Drugs' is listed twice");
    assert_int_equal(parse("\"Drugs\"", msg, sizeof(msg)), SAFER_EPARSE);
    assert_string_equal(msg, "MAP.json: 'questions[0].concern' must be a list of police.uk categories");
    assert_int_equal(parse("[3]", msg, sizeof(msg)), SAFER_EPARSE);
    assert_string_equal(msg, "MAP.json: 'questions[0].concern' must hold only strings");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concern_by_hand),
        cmocka_unit_test(test_concern_left_out),
        cmocka_unit_test(test_concern_in_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
