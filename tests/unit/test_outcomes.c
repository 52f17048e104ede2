/*
 * test_outcomes.c - the outcomes (lib/assess/outcomes.c) on either engine
 * (SAFER_TEST_PG selects PostgreSQL): each record's Last outcome category,
 * replaced by the latest outcome an outcomes file gives for its Crime ID,
 * counted for the study wards' records of the latest 12 months but
 * anti-social behaviour, through safer_assess_compute, the CSV writer and
 * the report.
 *
 * The records are tests/data/police/2019-01-kent-street.csv (its README
 * says which ward each falls in) and the 2018-01 fixture, outside the
 * window; the outcomes are tests/data/police/2019-02-kent-outcomes.csv and
 * a 2019-03 file written here.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/output.h"
#include "safer/police.h"
#include "safer/report.h"
#include "safer/store.h"
#include "testfix.h"

#define POLICE SAFER_TEST_DATA "/police/"

enum {
    FIXTURES = TESTFIX_WARDS | TESTFIX_LOOKUP | TESTFIX_CSP | TESTFIX_KENT_2018 | TESTFIX_KENT_2019,
};

static void compute(struct safer_store *st, const struct safer_assess_opts *o,
                    struct safer_assessment *a)
{
    struct safer_err err = {0};
    int rc = safer_assess_compute(st, o, a, &err);
    if (rc < 0)
        fail_msg("%s: %s", safer_errname(rc), err.msg);
}

/* outcomes_by_type.csv of `a`; the caller frees it. */
static char *csv(const struct safer_assessment *a)
{
    struct safer_output out;
    safer_output_init(&out);
    struct safer_err err = {0};
    if (safer_assess_write_csv(a, &out, &err) < 0)
        fail_msg("%s", err.msg);
    const struct safer_output_file *f = safer_output_find(&out, "outcomes_by_type.csv");
    assert_non_null(f);
    char *s = strdup(f->data);
    assert_non_null(s);
    safer_output_release(&out);
    return s;
}

static char *render(const struct safer_assessment *a)
{
    struct safer_buf h;
    safer_buf_init(&h, (size_t)1 << 26);
    struct safer_err err = {0};
    if (safer_report_render(a, &h, &err) < 0)
        fail_msg("%s", err.msg);
    return safer_buf_detach(&h, NULL);
}

static void test_outcomes_from_the_street_files_alone(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = testfix_store("street", FIXTURES, target, sizeof(target));
    struct safer_assess_opts o = {.to = -1};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_int_equal(a.outcome_rows, 0);
    assert_int_equal(a.outcomes_from_files, 0);
    /* In the wards in 2019-01: burglary in Alpha, violence and vehicle
     * crime in Gamma, shoplifting in Alpha through the lookup, bicycle
     * theft in Alpha with no outcome published; ASB in Beta is left out,
     * and so are the records outside every ward and 2018-01's. */
    char *s = csv(&a);
    assert_string_equal(s, "crime_type,outcome,count,share\n"
                           "Bicycle theft,,1,1\n"
                           "Burglary,Under investigation,1,1\n"
                           "Shoplifting,Under investigation,1,1\n"
                           "Vehicle crime,Status update unavailable,1,1\n"
                           "Violence and sexual offences,Unable to prosecute suspect,1,1\n");
    free(s);
    char *html = render(&a);
    assert_non_null(strstr(html, "No police.uk outcomes files are loaded"));
    assert_non_null(strstr(html, "<strong>Burglary:</strong> of 1 crime, 100% were still under "
                                 "investigation.</li>"));
    assert_non_null(strstr(html, "<strong>Bicycle theft:</strong> of 1 crime, 100% had no outcome "
                                 "published.</li>"));
    free(html);
    safer_assessment_release(&a);

    /* A partnership: Alpha and Beta alone. */
    o.area = "E22000001";
    compute(st, &o, &a);
    s = csv(&a);
    assert_string_equal(s, "crime_type,outcome,count,share\n"
                           "Bicycle theft,,1,1\n"
                           "Burglary,Under investigation,1,1\n"
                           "Shoplifting,Under investigation,1,1\n");
    free(s);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

static void test_outcomes_files_give_the_latest_outcome(void **state)
{
    (void)state;
    char target[512], later[600];
    struct safer_store *st = testfix_store("files", FIXTURES, target, sizeof(target));
    const char *feb[1] = {POLICE "2019-02-kent-outcomes.csv"};
    testfix_police(st, feb, 1);

    /* 2019-02: aaa...1 (burglary, Alpha) no suspect identified; bbb...2
     * (burglary on a boundary, in no ward) unable to prosecute; c3
     * (violence, Gamma) a caution; c6 (shoplifting, Alpha) no suspect
     * identified. c4's row is of 2019-01 in a 2019-02 file: rejected. */
    struct safer_assess_opts o = {.to = -1};
    struct safer_assessment a;
    compute(st, &o, &a);
    assert_int_equal(a.outcome_rows, 5);
    assert_int_equal(a.outcomes_from_files, 3);
    char *s = csv(&a);
    assert_string_equal(s, "crime_type,outcome,count,share\n"
                           "Bicycle theft,,1,1\n"
                           "Burglary,Investigation complete; no suspect identified,1,1\n"
                           "Shoplifting,Investigation complete; no suspect identified,1,1\n"
                           "Vehicle crime,Status update unavailable,1,1\n"
                           "Violence and sexual offences,Offender given a caution,1,1\n");
    free(s);
    safer_assessment_release(&a);

    /* 2019-03: a later outcome for aaa...1, and two for c3 in one month:
     * the one read last wins. */
    testfix_write("2019-03-kent-outcomes.csv",
                  "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
                  "LSOA name,Outcome type\n"
                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1,2019-03,"
                  "Kent Police,Kent Police,0.501,51.201,On or near Alpha Road,E01000001,"
                  "Test 001A,Suspect charged\n"
                  "c3,2019-03,Kent Police,Kent Police,0.53,51.21,On or near The Crescent,"
                  "E01000003,Test 002A,Local resolution\n"
                  "c3,2019-03,Kent Police,Kent Police,0.53,51.21,On or near The Crescent,"
                  "E01000003,Test 002A,Offender fined\n",
                  later, sizeof(later));
    const char *mar[1] = {later};
    testfix_police(st, mar, 1);
    compute(st, &o, &a);
    assert_int_equal(a.outcome_rows, 5);
    assert_int_equal(a.outcomes_from_files, 3);
    s = csv(&a);
    assert_string_equal(s, "crime_type,outcome,count,share\n"
                           "Bicycle theft,,1,1\n"
                           "Burglary,Suspect charged,1,1\n"
                           "Shoplifting,Investigation complete; no suspect identified,1,1\n"
                           "Vehicle crime,Status update unavailable,1,1\n"
                           "Violence and sexual offences,Offender fined,1,1\n");
    free(s);
    char *html = render(&a);
    assert_non_null(strstr(html, "5 crimes have an outcome in the police.uk outcomes files "
                                 "loaded; 3 of the crimes here take their latest outcome from "
                                 "them"));
    assert_non_null(strstr(html, "<strong>Burglary:</strong> of 1 crime, 100% ended with the "
                                 "suspect charged.</li>"));
    free(html);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

static void test_outcomes_shares_and_unknown_words(void **state)
{
    (void)state;
    char target[512], path[600];
    struct safer_store *st = testfix_store("shares", TESTFIX_WARDS, target, sizeof(target));
    /* Alpha: four burglaries, three closed, one with an outcome police.uk
     * may add one day; two of ASB, left out. */
    testfix_write("2019-05-kent-street.csv",
                  "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
                  "LSOA name,Crime type,Last outcome category,Context\n"
                  "e1,2019-05,Kent Police,Kent Police,0.501,51.201,On or near A,E01000001,T,"
                  "Burglary,Investigation complete; no suspect identified,\n"
                  "e2,2019-05,Kent Police,Kent Police,0.501,51.201,On or near A,E01000001,T,"
                  "Burglary,Investigation complete; no suspect identified,\n"
                  "e3,2019-05,Kent Police,Kent Police,0.501,51.201,On or near A,E01000001,T,"
                  "Burglary,Investigation complete; no suspect identified,\n"
                  "e4,2019-05,Kent Police,Kent Police,0.501,51.201,On or near A,E01000001,T,"
                  "Burglary,=Referred <elsewhere>,\n"
                  ",2019-05,Kent Police,Kent Police,0.501,51.201,On or near A,E01000001,T,"
                  "Anti-social behaviour,,\n"
                  ",2019-05,Kent Police,Kent Police,0.501,51.201,On or near A,E01000001,T,"
                  "Anti-social behaviour,,\n",
                  path, sizeof(path));
    const char *p[1] = {path};
    testfix_police(st, p, 1);
    struct safer_assess_opts o = {.to = -1};
    struct safer_assessment a;
    compute(st, &o, &a);
    char *s = csv(&a);
    /* Text that a spreadsheet would run is guarded, as in every file. */
    assert_string_equal(s, "crime_type,outcome,count,share\n"
                           "Burglary,'=Referred <elsewhere>,1,0.25\n"
                           "Burglary,Investigation complete; no suspect identified,3,0.75\n");
    free(s);
    char *html = render(&a);
    assert_non_null(strstr(html, "<strong>Burglary:</strong> of 4 crimes, 75% were closed with "
                                 "no suspect identified and 25% had the outcome \u201c=Referred "
                                 "&lt;elsewhere&gt;\u201d.</li>"));
    free(html);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcomes_from_the_street_files_alone),
        cmocka_unit_test(test_outcomes_files_give_the_latest_outcome),
        cmocka_unit_test(test_outcomes_shares_and_unknown_words),
    };
    return cmocka_run_group_tests_name("outcomes", tests, testfix_setup, testfix_teardown);
}
