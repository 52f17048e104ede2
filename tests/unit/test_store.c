/*
 * test_store.c - the store on either engine (SAFER_TEST_PG selects
 * PostgreSQL): opening, settings, schema versions, the digest, and the
 * count table kept in step with imports of records, wards and lookups.
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

#include "safer/area.h"
#include "safer/counts.h"
#include "safer/lookup.h"
#include "safer/police.h"
#include "safer/store.h"
#include "testdb.h"

#define DATA SAFER_TEST_DATA

static void test_store_refuses_stores_that_vanish(void **state)
{
    (void)state;
    static const char *const bad[] = {"", ":memory:", "file::memory:?cache=shared"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct safer_store *st = (struct safer_store *)1;
        struct safer_err err = {0};
        assert_int_equal(safer_store_open(&st, bad[i], &err), SAFER_EINVAL);
        assert_null(st);
        assert_true(strlen(err.msg) > 10);
    }
}

static void test_store_settings_and_engine(void **state)
{
    (void)state;
    char target[512];
    testdb_new("settings", target, sizeof(target));
    struct safer_store *st;
    struct safer_err err = {0};
    assert_int_equal(safer_store_open(&st, target, &err), 0);
    const char *pg = getenv("SAFER_TEST_PG");
    assert_string_equal(safer_store_engine(st), pg && *pg ? "postgresql" : "sqlite");
    char *v = NULL;
    assert_int_equal(safer_store_get_meta(st, "schema_version", &v, &err), 0);
    char want[16];
    snprintf(want, sizeof(want), "%d", SAFER_STORE_SCHEMA);
    assert_string_equal(v, want);
    free(v);
    assert_int_equal(safer_store_get_meta(st, "nothing", &v, &err), 0);
    assert_null(v);
    assert_int_equal(safer_store_set_meta(st, "partnership", "Safer Maidstone", &err), 0);
    assert_int_equal(safer_store_set_meta(st, "partnership", "Safer Maidstone Partnership", &err), 0);
    assert_int_equal(safer_store_get_meta(st, "partnership", &v, &err), 0);
    assert_string_equal(v, "Safer Maidstone Partnership");
    free(v);
    safer_store_close(st);
    testdb_drop(target);
}

static void test_store_refuses_a_newer_schema(void **state)
{
    (void)state;
    char target[512];
    testdb_new("newer", target, sizeof(target));
    struct safer_store *st;
    struct safer_err err = {0};
    assert_int_equal(safer_store_open(&st, target, &err), 0);
    assert_int_equal(safer_store_set_meta(st, "schema_version", "99", &err), 0);
    safer_store_close(st);
    assert_int_equal(safer_store_open(&st, target, &err), SAFER_EDB);
    assert_null(st);
    assert_non_null(strstr(err.msg, "schema version 99, newer than"));
    testdb_drop(target);
}

static void test_store_digest_follows_content(void **state)
{
    (void)state;
    char a[512], b[512];
    testdb_new("digest_a", a, sizeof(a));
    testdb_new("digest_b", b, sizeof(b));
    struct safer_store *sa, *sb;
    struct safer_err err = {0};
    assert_int_equal(safer_store_open(&sa, a, &err), 0);
    assert_int_equal(safer_store_open(&sb, b, &err), 0);
    char da[33], db[33];
    assert_int_equal(safer_store_digest(sa, da, &err), 0);
    assert_int_equal(safer_store_digest(sb, db, &err), 0);
    assert_int_equal(strlen(da), 32);
    assert_string_equal(da, db);
    assert_int_equal(safer_store_set_meta(sa, "k", "v", &err), 0);
    assert_int_equal(safer_store_digest(sa, da, &err), 0);
    assert_string_not_equal(da, db);
    assert_int_equal(safer_store_set_meta(sb, "k", "v", &err), 0);
    assert_int_equal(safer_store_digest(sb, db, &err), 0);
    assert_string_equal(da, db);
    safer_store_close(sa);
    safer_store_close(sb);
    testdb_drop(a);
    testdb_drop(b);
}

/* The count of (ward, type) in 2019-01 from the count table; -1 when absent. */
static int64_t count_of(struct safer_store *st, const char *ward, const char *type)
{
    struct safer_counts c;
    struct safer_err err = {0};
    int32_t m = 2019 * 12;
    struct safer_counts_query q = {ward, type, m, m};
    int qrc = safer_counts_query(st, &q, &c, &err);
    if (qrc < 0)
        fail_msg("%s", err.msg);
    int64_t n = c.n ? c.rows[0].count : -1;
    assert_true(c.n <= 1);
    safer_counts_release(&c);
    return n;
}

static void test_store_counts_follow_imports(void **state)
{
    (void)state;
    char target[512];
    testdb_new("counts", target, sizeof(target));
    struct safer_store *st;
    struct safer_err err = {0};
    assert_int_equal(safer_store_open(&st, target, &err), 0);
    struct safer_areas_stats as;
    struct safer_areas_opts ao = {"ward", NULL, NULL, 0};
    assert_int_equal(safer_areas_import(st, DATA "/areas/wards.geojson", &ao, &as, &err), 0);
    const char *paths[] = {DATA "/police/2019-01-kent-street.csv"};
    struct safer_import_opts io = {.threads = 2};
    struct safer_import_stats is;
    assert_int_equal(safer_police_import(st, paths, 1, &io, &is, &err), 0);

    /* tests/data/police/README.md says where each record belongs. */
    assert_int_equal(count_of(st, "E05000001", "Burglary"), 1);
    assert_int_equal(count_of(st, "E05000001", "Bicycle theft"), 1);
    assert_int_equal(count_of(st, "E05000002", "Anti-social behaviour"), 1);
    assert_int_equal(count_of(st, "E05000003", "Violence and sexual offences"), 1);
    assert_int_equal(count_of(st, "E05000003", "Vehicle crime"), 1);
    assert_int_equal(count_of(st, "", "Burglary"), 2); /* on boundaries */
    assert_int_equal(count_of(st, "", "Drugs"), 1);    /* far away */
    assert_int_equal(count_of(st, "", "Other theft"), 1);
    /* No location, LSOA E01000001: unassigned until the lookup says Alpha. */
    assert_int_equal(count_of(st, "", "Shoplifting"), 1);
    assert_int_equal(count_of(st, "E05000001", "Shoplifting"), -1);
    struct safer_lookup_stats ls;
    assert_int_equal(safer_lookup_import(st, DATA "/lookup_lsoa_ward.csv", &ls, &err), 0);
    assert_int_equal(count_of(st, "", "Shoplifting"), -1);
    assert_int_equal(count_of(st, "E05000001", "Shoplifting"), 1);

    /* The same file again changes nothing; every count sums to the file. */
    assert_int_equal(safer_police_import(st, paths, 1, &io, &is, &err), 0);
    assert_int_equal(is.files_unchanged, 1);
    struct safer_counts all;
    int arc = safer_counts_query(st, NULL, &all, &err);
    if (arc < 0)
        fail_msg("%s", err.msg);
    int64_t total = 0;
    for (size_t i = 0; i < all.n; i++)
        total += all.rows[i].count;
    assert_int_equal(total, 10);
    safer_counts_release(&all);
    safer_store_close(st);
    testdb_drop(target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_refuses_stores_that_vanish),
        cmocka_unit_test(test_store_settings_and_engine),
        cmocka_unit_test(test_store_refuses_a_newer_schema),
        cmocka_unit_test(test_store_digest_follows_content),
        cmocka_unit_test(test_store_counts_follow_imports),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
