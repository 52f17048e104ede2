/*
 * test_police.c - the police.uk import through its public API, on either
 * engine (SAFER_TEST_PG selects PostgreSQL): outcomes stored and read back,
 * rows stored and read per publication, the clock of an import, notes, and
 * the dictionary undo that keeps a rejected row's strings out of a blob.
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

#include "safer/police.h"
#include "safer/store.h"
#include "store/colblob.h"
#include "testdb.h"

#define P SAFER_TEST_DATA "/police"

static struct safer_store *open_new(const char *name, char *target, size_t cap)
{
    testdb_new(name, target, cap);
    struct safer_store *st;
    struct safer_err err = {0};
    if (safer_store_open(&st, target, &err) < 0)
        fail_msg("%s", err.msg);
    return st;
}

static int import1(struct safer_store *st, const char *path, const struct safer_import_opts *o,
                   struct safer_import_stats *s, struct safer_err *err)
{
    const char *paths[] = {path};
    return safer_police_import(st, paths, 1, o, s, err);
}

struct outcome {
    char id[80], month[8], force[32], location[64], lsoa[16], type[64];
    double lon, lat;
};

struct outcomes {
    struct outcome v[16];
    size_t n;
};

static int take_outcome(void *ctx, const char *const fields[10], double lon, double lat)
{
    struct outcomes *o = ctx;
    assert_true(o->n < 16);
    struct outcome *r = &o->v[o->n++];
    snprintf(r->id, sizeof(r->id), "%s", fields[0]);
    snprintf(r->month, sizeof(r->month), "%s", fields[1]);
    snprintf(r->force, sizeof(r->force), "%s", fields[2]);
    snprintf(r->location, sizeof(r->location), "%s", fields[6]);
    snprintf(r->lsoa, sizeof(r->lsoa), "%s", fields[7]);
    snprintf(r->type, sizeof(r->type), "%s", fields[9]);
    r->lon = lon;
    r->lat = lat;
    return 0;
}

static void test_police_outcomes_read_back(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = open_new("outcomes", target, sizeof(target));
    struct safer_err err = {0};
    struct safer_import_opts o = {.threads = 1};
    struct safer_import_stats s;
    assert_int_equal(import1(st, P "/2019-02-kent-outcomes.csv", &o, &s, &err), 0);
    assert_int_equal(s.files, 1);
    assert_int_equal(s.files_outcomes, 1);
    assert_int_equal(s.rows_imported, 5);
    assert_int_equal(s.rows_rejected, 3);

    struct outcomes got = {0};
    assert_int_equal(safer_outcomes_each(st, take_outcome, &got, &err), 0);
    assert_int_equal(got.n, 5);
    assert_string_equal(got.v[0].id,
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1");
    assert_string_equal(got.v[0].month, "2019-02");
    assert_string_equal(got.v[0].force, "Kent Police");
    assert_string_equal(got.v[0].type, "Investigation complete; no suspect identified");
    assert_true(got.v[0].lon == 0.501 && got.v[0].lat == 51.201);
    assert_string_equal(got.v[2].id, "c3"); /* not 64 hex digits: kept as it is */
    assert_string_equal(got.v[2].location, "On or near \"The Crescent\"");
    assert_string_equal(got.v[2].type, "Offender given a caution");
    assert_string_equal(got.v[3].id,
                        "5990364b9053db9a9c6d62970e127f7d2e091fa0651a1a913097bd4161e585dd");
    assert_string_equal(got.v[3].location, "On or near North Downs Close, Ashford");
    assert_string_equal(got.v[3].lsoa, "E01023987");
    assert_true(isnan(got.v[4].lon) && isnan(got.v[4].lat));
    assert_string_equal(got.v[4].location, "No Location");

    /* Outcomes are not crimes. */
    struct safer_publication *pubs;
    size_t n;
    assert_int_equal(safer_publications_list(st, &pubs, &n, &err), 0);
    assert_int_equal(n, 0);
    free(pubs);
    safer_store_close(st);
    testdb_drop(target);
}

static void test_police_publication_counts_rows_read_and_stored(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = open_new("counts", target, sizeof(target));
    struct safer_err err = {0};
    struct safer_import_opts o = {.threads = 2};
    struct safer_import_stats s;
    /* 8 rows, 6 rejected (tests/data/police/README.md). */
    assert_int_equal(import1(st, P "/2019-01-btp-street-bad-rows.csv", &o, &s, &err), 0);
    struct safer_publication *pubs;
    size_t n;
    assert_int_equal(safer_publications_list(st, &pubs, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(pubs[0].force, "British Transport Police");
    assert_int_equal(pubs[0].rows, 2);
    assert_int_equal(pubs[0].rows_read, 8);
    assert_int_equal(pubs[0].rejected, 6);
    free(pubs);
    safer_store_close(st);
    testdb_drop(target);
}

static void test_police_rejects_months_after_the_import(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = open_new("clock", target, sizeof(target));
    struct safer_err err = {0};
    struct safer_import_stats s;
    /* 2019-01-01T00:00:00Z: the file's month is the import's, so it is read. */
    struct safer_import_opts o = {.threads = 1, .now = 1546300800};
    assert_int_equal(import1(st, P "/2019-01-kent-street.csv", &o, &s, &err), 0);
    assert_int_equal(s.rows_imported, 10);
    /* One second before, every row is of a later month: nothing imported. */
    char before[33], after[33];
    assert_int_equal(safer_store_digest(st, before, &err), 0);
    o.now = 1546300799;
    assert_int_equal(import1(st, P "/2018-01-kent-street-republished.csv", &o, &s, &err), 0);
    assert_int_equal(import1(st, P "/2019-02-kent-outcomes.csv", &o, &s, &err), SAFER_EPARSE);
    assert_non_null(strstr(err.msg, "no row was imported"));
    assert_int_equal(s.rows_imported, 0);
    assert_int_equal(safer_store_digest(st, after, &err), 0);
    assert_string_not_equal(before, after); /* the 2018-01 file was imported */
    /* Even a file the store holds: its rows are of a later month now. */
    safer_err_clear(&err);
    assert_int_equal(import1(st, P "/2019-01-kent-street.csv", &o, &s, &err), SAFER_EPARSE);
    assert_non_null(strstr(err.msg, "all 10 rows read were rejected"));
    assert_int_equal(safer_store_digest(st, before, &err), 0);
    assert_string_equal(before, after);
    safer_store_close(st);
    testdb_drop(target);
}

struct notes {
    char last[512];
    int n;
};

static void on_note(void *ctx, const char *msg)
{
    struct notes *nt = ctx;
    snprintf(nt->last, sizeof(nt->last), "%s", msg);
    nt->n++;
}

static void test_police_notes_skipped_files(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = open_new("notes", target, sizeof(target));
    struct safer_err err = {0};
    struct notes nt = {{0}, 0};
    struct safer_import_opts o = {.threads = 1, .notice = on_note, .ctx = &nt};
    struct safer_import_stats s;
    const char *paths[] = {P "/2019-01-kent-street.csv", P "/2019-01-btp-stop-and-search.csv"};
    assert_int_equal(safer_police_import(st, paths, 2, &o, &s, &err), 0);
    assert_int_equal(s.files, 1);
    assert_int_equal(s.files_skipped, 1);
    assert_int_equal(nt.n, 1);
    assert_non_null(strstr(nt.last, "2019-01-btp-stop-and-search.csv: skipped"));
    safer_store_close(st);
    testdb_drop(target);
}

static void test_police_dict_truncate_undoes_the_last_strings(void **state)
{
    (void)state;
    struct safer__dict d;
    safer__dict_init(&d);
    char s[16];
    /* Enough strings to rehash the table a few times. */
    for (int i = 0; i < 200; i++) {
        snprintf(s, sizeof(s), "v%d", i);
        assert_int_equal(safer__dict_intern(&d, s, strlen(s)), i);
    }
    safer__dict_truncate(&d, 150);
    assert_int_equal(d.count, 150);
    for (int i = 0; i < 150; i++) {
        snprintf(s, sizeof(s), "v%d", i);
        assert_int_equal(safer__dict_intern(&d, s, strlen(s)), i);
    }
    /* A removed string is new again, at the next index. */
    assert_int_equal(safer__dict_intern(&d, "v199", 4), 150);
    assert_int_equal(safer__dict_intern(&d, "v150", 4), 151);
    assert_int_equal(d.count, 152);
    /* Text with a NUL byte is refused, and nothing is added. */
    assert_int_equal(safer__dict_intern_text(&d, "a\0b", 3), SAFER_EPARSE);
    assert_int_equal(d.count, 152);
    assert_int_equal(safer__dict_intern_text(&d, "v3", 2), 3);
    assert_int_equal(safer__dict_intern_text(&d, "new", 3), 152 + SAFER__DICT_NEW);
    safer__dict_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_police_outcomes_read_back),
        cmocka_unit_test(test_police_publication_counts_rows_read_and_stored),
        cmocka_unit_test(test_police_rejects_months_after_the_import),
        cmocka_unit_test(test_police_notes_skipped_files),
        cmocka_unit_test(test_police_dict_truncate_undoes_the_last_strings),
    };
    return cmocka_run_group_tests_name("police", tests, NULL, NULL);
}
