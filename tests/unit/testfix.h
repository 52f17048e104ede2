/*
 * testfix.h - stores holding the hand-made fixtures of tests/data (wards,
 * lookups, police files), on the engine testdb.h picks, and a temporary
 * folder for the files a test writes itself. Include once per test
 * program, after <cmocka.h>; every helper fails the test when it cannot
 * do its job. A program that writes files passes testfix_setup and
 * testfix_teardown to cmocka_run_group_tests_name.
 */
#ifndef SAFER_TESTFIX_H
#define SAFER_TESTFIX_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "safer/area.h"
#include "safer/lookup.h"
#include "safer/police.h"
#include "safer/store.h"
#include "testdb.h"

/* The folder of this run's files, made by testfix_setup. */
static char testfix_dir[256];

static inline int testfix_setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(testfix_dir, sizeof(testfix_dir), "%s/safer-unit-%ld-XXXXXX", t && *t ? t : "/tmp",
             (long)getpid());
    return mkdtemp(testfix_dir) ? 0 : -1;
}

static inline int testfix_teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", testfix_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Write `text` to file `name` of the folder; its path goes into out. */
static inline void testfix_write(const char *name, const char *text, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", testfix_dir, name);
    FILE *f = fopen(out, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static inline void testfix_police(struct safer_store *st, const char *const *paths, size_t n)
{
    struct safer_import_opts io = {.threads = 1};
    struct safer_import_stats is;
    struct safer_err err = {0};
    if (safer_police_import(st, paths, n, &io, &is, &err) < 0)
        fail_msg("%s", err.msg);
}

static inline void testfix_lookup(struct safer_store *st, const char *path)
{
    struct safer_lookup_stats ls;
    struct safer_err err = {0};
    if (safer_lookup_import(st, path, &ls, &err) < 0)
        fail_msg("%s", err.msg);
}

/* What testfix_store puts in a new store. */
enum testfix_what {
    TESTFIX_WARDS = 1 << 0,     /* areas/wards.geojson: Alpha, Beta, Gamma */
    TESTFIX_LOOKUP = 1 << 1,    /* lookup_lsoa_ward.csv: LSOA -> ward */
    TESTFIX_CSP = 1 << 2,       /* lookup_csp.csv: district -> CSP */
    TESTFIX_KENT_2018 = 1 << 3, /* police/2018-01-kent-street.csv */
    TESTFIX_KENT_2019 = 1 << 4, /* police/2019-01-kent-street.csv */
};

/* A new store named `name` holding `what`; its target goes into target. */
static inline struct safer_store *testfix_store(const char *name, unsigned what, char *target,
                                                size_t cap)
{
    testdb_new(name, target, cap);
    struct safer_store *st = NULL;
    struct safer_err err = {0};
    if (safer_store_open(&st, target, &err) < 0)
        fail_msg("%s", err.msg);
    if (what & TESTFIX_WARDS) {
        struct safer_areas_stats as;
        struct safer_areas_opts ao = {.level = "ward"};
        if (safer_areas_import(st, SAFER_TEST_DATA "/areas/wards.geojson", &ao, &as, &err) < 0)
            fail_msg("%s", err.msg);
    }
    if (what & TESTFIX_LOOKUP)
        testfix_lookup(st, SAFER_TEST_DATA "/lookup_lsoa_ward.csv");
    if (what & TESTFIX_CSP)
        testfix_lookup(st, SAFER_TEST_DATA "/lookup_csp.csv");
    const char *p[2];
    size_t n = 0;
    if (what & TESTFIX_KENT_2018)
        p[n++] = SAFER_TEST_DATA "/police/2018-01-kent-street.csv";
    if (what & TESTFIX_KENT_2019)
        p[n++] = SAFER_TEST_DATA "/police/2019-01-kent-street.csv";
    if (n)
        testfix_police(st, p, n);
    return st;
}

/* Close the store and remove it. */
static inline void testfix_done(struct safer_store *st, const char *target)
{
    safer_store_close(st);
    testdb_drop(target);
}

#endif
