/*
 * test_fuzz_regress.c - replays the fuzzers' seed corpora and every input
 * that once crashed one (tests/data/fuzz-regress/) through the same entry
 * points, without a fuzzer, so CI runs them under the sanitizers.
 */
#include "util/compat.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/internal.h"
#include "import/police_internal.h"
#include "safer/area.h"

/* Run `fn` on every regular file of `dir`; returns how many. */
static size_t each_file(const char *dir, void (*fn)(const char *path))
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        fn(path);
        n++;
    }
    closedir(d);
    return n;
}

static void police(const char *path)
{
    struct safer__pfile f;
    memset(&f, 0, sizeof(f));
    f.path = path;
    uint64_t rows = 0;
    safer__police_parse_file(&f, 0, &rows, NULL);
    safer__pfile_release(&f);
}

static void geojson(const char *path)
{
    char *data;
    size_t len;
    struct safer_err err = {0};
    if (safer__read_file(path, 1u << 30, "limit", &data, &len, &err) < 0)
        fail_msg("%s", err.msg);
    struct safer_area *a = NULL;
    size_t n = 0;
    struct safer_areas_stats st;
    if (safer_areas_parse(data, len, path, NULL, &a, &n, &st, &err) == 0)
        safer_areas_free(a, n);
    free(data);
}

static void test_replay_police_csv(void **state)
{
    (void)state;
    assert_true(each_file(SAFER_FUZZ_CORPUS "/csv", police) > 0);
    each_file(SAFER_TEST_DATA "/fuzz-regress", police);
}

static void test_replay_geojson(void **state)
{
    (void)state;
    assert_true(each_file(SAFER_FUZZ_CORPUS "/geojson", geojson) > 0);
    each_file(SAFER_TEST_DATA "/fuzz-regress", geojson);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_police_csv),
        cmocka_unit_test(test_replay_geojson),
    };
    return cmocka_run_group_tests_name("fuzz-regress", tests, NULL, NULL);
}
