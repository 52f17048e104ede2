/*
 * test_survey_map.c - the survey mapping's checks (docs/surveys.md): each
 * mistake fails the whole mapping with "PATH: what", and a good mapping
 * loads.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include <cmocka.h>

#include "safer/survey.h"

#define Q "{\"key\": \"safe\", \"column\": \"Q1\", \"label\": \"feel safe\", " \
          "\"count\": [\"Yes\"], \"other\": [\"No\"], \"out\": [\"Don't know\"]}"
#define HEAD "\"wave\": {\"value\": \"2024\"}, \"area\": {\"column\": \"Ward\", \"kind\": \"ward\"}"

struct mcase {
    const char *json;
    const char *want; /* NULL: loads; else in the message after "PATH: " */
};

static const struct mcase CASES[] = {
    {"{" HEAD ", \"questions\": [" Q "]}", NULL},
    {"{" HEAD ", \"age_band\": {\"column\": \"Age\", \"values\": {\"16-24\": \"16-34\"}}, "
     "\"sex\": {\"column\": \"Sex\", \"values\": {\"F\": \"Female\"}, \"refused\": [\"X\"]}, "
     "\"questions\": [" Q "]}",
     NULL},
    {"[1, 2]", "a mapping is a JSON object"},
    {"{" HEAD ", \"questions\": [" Q "]", "not JSON"},
    {"{" HEAD ", \"question\": [" Q "]}", "unknown key 'question' in the mapping"},
    {"{\"area\": {\"column\": \"Ward\", \"kind\": \"ward\"}, \"questions\": [" Q "]}",
     "'wave' must be an object"},
    {"{\"wave\": {\"value\": \"1\", \"column\": \"W\"}, \"area\": {\"column\": \"Ward\", "
     "\"kind\": \"ward\"}, \"questions\": [" Q "]}",
     "exactly one of \"column\" and \"value\""},
    {"{\"wave\": {\"value\": \"2024\"}, \"area\": {\"column\": \"Ward\", \"kind\": \"town\"}, "
     "\"questions\": [" Q "]}",
     "'area.kind' is 'town'"},
    {"{\"wave\": {\"value\": \"2024\"}, \"area\": {\"kind\": \"ward\"}, \"questions\": [" Q "]}",
     "'area.column' is missing"},
    {"{" HEAD ", \"questions\": []}", "'questions' must be a list of at least one question"},
    {"{" HEAD ", \"questions\": [{\"key\": \"a\", \"column\": \"Q\", \"label\": \"x\", "
     "\"other\": [\"No\"]}]}",
     "question 'a' lists no answer under \"count\""},
    {"{" HEAD ", \"questions\": [{\"key\": \"a\", \"column\": \"Q\", \"label\": \"x\", "
     "\"count\": [\"Yes\"]}]}",
     "question 'a' lists no answer under \"other\""},
    {"{" HEAD ", \"questions\": [{\"key\": \"a\", \"column\": \"Q\", \"label\": \"x\", "
     "\"count\": [\"Yes\"], \"other\": [\"No\", \"Yes\"]}]}",
     "question 'a' lists the answer 'Yes' twice"},
    {"{" HEAD ", \"questions\": [{\"key\": \"a\", \"column\": \"Q\", \"label\": 3, "
     "\"count\": [\"Yes\"], \"other\": [\"No\"]}]}",
     "'questions[0].label' must be a non-empty string"},
    {"{" HEAD ", \"questions\": [{\"key\": \"a\", \"column\": \"Q\", \"label\": \"x\", "
     "\"count\": \"Yes\", \"other\": [\"No\"]}]}",
     "'questions[0].count' must be a list of answers"},
    {"{" HEAD ", \"questions\": [" Q ", " Q "]}", "two questions have the key 'safe'"},
    {"{" HEAD ", \"questions\": [{\"key\": \"a\", \"column\": \"Q\", \"label\": \"x\", "
     "\"count\": [\"Yes\"], \"other\": [\"No\"], \"weight\": 2}]}",
     "unknown key 'weight' in questions[0]"},
    {"{" HEAD ", \"age_band\": {\"column\": \"Age\", \"values\": {\"16-24\": \"16-34\"}}, "
     "\"questions\": [" Q "]}",
     "'age_band' and 'sex' go together"},
    {"{" HEAD ", \"age_band\": {\"column\": \"Age\"}, \"sex\": {\"column\": \"Sex\", "
     "\"values\": {\"F\": \"Female\"}}, \"questions\": [" Q "]}",
     "'age_band.values' must be an object"},
    {"{" HEAD ", \"age_band\": {\"column\": \"Age\", \"values\": {\"a\": \"x|y\"}}, "
     "\"sex\": {\"column\": \"Sex\", \"values\": {\"F\": \"Female\"}}, \"questions\": [" Q "]}",
     "'age_band.values': 'a' must map to a non-empty string without '|'"},
    {"{" HEAD ", \"age_band\": {\"column\": \"Age\", \"values\": {\"a\": \"b\"}, "
     "\"refused\": [\"a\"]}, \"sex\": {\"column\": \"Sex\", \"values\": {\"F\": \"Female\"}}, "
     "\"questions\": [" Q "]}",
     "'age_band': 'a' is both a value and refused"},
};

static void test_survey_map_cases(void **state)
{
    (void)state;
    char path[] = "/tmp/safer-survey-map-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(CASES[i].json, f);
        fclose(f);
        struct safer_survey_map *m = NULL;
        struct safer_err err = {0};
        int rc = safer_survey_map_load(path, &m, &err);
        if (!CASES[i].want) {
            if (rc != 0)
                fail_msg("case %zu: %s", i, err.msg);
            assert_non_null(m);
            safer_survey_map_free(m);
            continue;
        }
        assert_int_equal(rc, SAFER_EPARSE);
        assert_null(m);
        if (strncmp(err.msg, path, strlen(path)) != 0 || strncmp(err.msg + strlen(path), ": ", 2) ||
            !strstr(err.msg, CASES[i].want))
            fail_msg("case %zu: '%s' does not say '%s'", i, err.msg, CASES[i].want);
    }
    unlink(path);
}

static void test_survey_map_missing_file(void **state)
{
    (void)state;
    struct safer_survey_map *m = NULL;
    struct safer_err err = {0};
    assert_true(safer_survey_map_load("/nonexistent/map.json", &m, &err) < 0);
    assert_null(m);
    assert_non_null(strstr(err.msg, "/nonexistent/map.json"));
    safer_survey_map_free(NULL);
}

/* The fuzz corpus of the mapping reader replays without a fuzzer: each file
 * parses or fails with a message naming it. */
static void test_survey_map_corpus(void **state)
{
    (void)state;
    const char *dir = SAFER_FUZZ_CORPUS "/survey-map";
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t parsed = 0, failed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct safer_survey_map *m = NULL;
        struct safer_err err = {0};
        if (safer_survey_map_load(path, &m, &err) == 0) {
            assert_non_null(m);
            safer_survey_map_free(m);
            parsed++;
        } else {
            assert_null(m);
            assert_non_null(strstr(err.msg, e->d_name));
            failed++;
        }
    }
    closedir(d);
    assert_true(parsed > 0 && failed > 0);
    /* In memory, with a NUL inside: the text ends there, and fails. */
    static const char nul[] = "{\"wave\"\0: 1}";
    struct safer_survey_map *m = NULL;
    struct safer_err err = {0};
    assert_int_equal(safer_survey_map_parse(nul, sizeof(nul) - 1, "nul.json", &m, &err),
                     SAFER_EPARSE);
    assert_null(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_survey_map_cases),
        cmocka_unit_test(test_survey_map_missing_file),
        cmocka_unit_test(test_survey_map_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
