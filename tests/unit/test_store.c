/*
 * test_store.c - the store's journal modes: WAL by default, a rollback
 * journal for a bulk import only when nothing else has the file open.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store_internal.h"

static void journal_mode(struct safer_store *st, char out[16])
{
    sqlite3_stmt *s;
    out[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        snprintf(out, 16, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

static void test_store_bulk_mode(void **state)
{
    (void)state;
    char path[] = "/tmp/safer-test-store-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct safer_store *a, *b;
    char mode[16];
    assert_int_equal(safer_store_open(&a, path, NULL), 0);
    journal_mode(a, mode);
    assert_string_equal(mode, "wal");

    /* Another connection holds the file: the switch is refused, WAL stays. */
    assert_int_equal(safer_store_open(&b, path, NULL), 0);
    safer_store_bulk_begin(a);
    journal_mode(a, mode);
    assert_string_equal(mode, "wal");
    assert_int_equal(a->bulk, 0);
    safer_store_close(b);

    /* Alone: a rollback journal for the import, WAL again after. */
    safer_store_bulk_begin(a);
    journal_mode(a, mode);
    assert_string_equal(mode, "truncate");
    assert_int_equal(safer_store_set_meta(a, "k", "v", NULL), 0);
    safer_store_bulk_end(a);
    journal_mode(a, mode);
    assert_string_equal(mode, "wal");
    char *v = safer_store_get_meta(a, "k");
    assert_string_equal(v, "v");
    free(v);

    /* Closing in bulk mode leaves the file in WAL for the next user. */
    safer_store_bulk_begin(a);
    safer_store_close(a);
    assert_int_equal(safer_store_open(&a, path, NULL), 0);
    journal_mode(a, mode);
    assert_string_equal(mode, "wal");
    safer_store_close(a);

    char side[4200];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-journal", path);
    unlink(side);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_bulk_mode),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
