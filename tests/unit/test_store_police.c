/*
 * test_store_police.c - crime publications in the store
 * (lib/store/store_police.c), through the public API on either engine
 * (SAFER_TEST_PG selects PostgreSQL): records come back as imported, the
 * publications are listed as their files left them, store failures are
 * reported, and a damaged store is reported rather than trusted. The
 * damage is done behind the library's back, with the engine's own client
 * library.
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
#include <sys/resource.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "safer/area.h"
#include "safer/assess.h"
#include "safer/csv.h"
#include "safer/export.h"
#include "safer/lib.h"
#include "safer/lookup.h"
#include "safer/police.h"
#include "safer/store.h"
#include "testfix.h"

#define DATA SAFER_TEST_DATA
#define POLICE DATA "/police/"

/* The fixture files in the order police_each returns their records (by
 * force, then month); each file is one force's month. */
static const char *const FILES[] = {
    POLICE "2019-01-btp-street-bad-rows.csv",
    POLICE "2018-01-kent-street.csv",
    POLICE "2019-01-kent-street.csv",
    POLICE "2019-02-metropolitan-street-ids.csv",
};
#define NFILES (sizeof(FILES) / sizeof(FILES[0]))

static int pg(void)
{
    const char *p = getenv("SAFER_TEST_PG");
    return p && *p;
}

/* ---- helpers ---- */

/* The rejected rows' messages, "path:line: reason". */
struct rejects {
    char *msg[64];
    size_t n;
};

static void on_reject(void *ctx, const char *msg)
{
    struct rejects *r = ctx;
    assert_true(r->n < 64);
    r->msg[r->n++] = strdup(msg);
}

/* Was line `line` of `path` rejected? */
static int rejected(const struct rejects *r, const char *path, size_t line)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < r->n; i++) {
        char *end;
        if (strncmp(r->msg[i], path, n) == 0 && r->msg[i][n] == ':' &&
            strtoul(r->msg[i] + n + 1, &end, 10) == line && *end == ':')
            return 1;
    }
    return 0;
}

static void rejects_release(struct rejects *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->msg[i]);
    r->n = 0;
}

static void import_files(struct safer_store *st, const char *const *paths, size_t n,
                         struct safer_import_stats *stats, struct rejects *rej)
{
    struct safer_import_opts io = {.threads = 1, .reject = rej ? on_reject : NULL, .ctx = rej};
    struct safer_err err = {0};
    struct safer_import_stats s;
    if (safer_police_import(st, paths, n, &io, stats ? stats : &s, &err) < 0)
        fail_msg("%s", err.msg);
}

/* Records as police_each gave them, or as a file holds them. */
struct rec {
    char *f[12];
    double lon, lat;
};

struct recs {
    struct rec *v;
    size_t n, cap;
    long stop_after; /* collect returns -42 once it holds this many; < 0 never */
};

static void recs_add(struct recs *r, const char *const *f, const size_t *len, double lon,
                     double lat)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->v = realloc(r->v, sizeof(*r->v) * r->cap);
        assert_non_null(r->v);
    }
    struct rec *x = &r->v[r->n++];
    for (int k = 0; k < 12; k++)
        x->f[k] = strndup(f[k], len ? len[k] : strlen(f[k]));
    x->lon = lon;
    x->lat = lat;
}

static int collect(void *ctx, const char *const fields[12], double lon, double lat)
{
    struct recs *r = ctx;
    if (r->stop_after >= 0 && (long)r->n >= r->stop_after)
        return -42;
    recs_add(r, fields, NULL, lon, lat);
    return 0;
}

static void recs_release(struct recs *r)
{
    for (size_t i = 0; i < r->n; i++)
        for (int k = 0; k < 12; k++)
            free(r->v[i].f[k]);
    free(r->v);
    memset(r, 0, sizeof(*r));
}

/* The rows of a police.uk file that the import kept: every row the CSV
 * reader reads whole, but those `rej` names. Read with the CSV reader, not
 * the importer. */
static void read_kept_rows(const char *path, const struct rejects *rej, struct recs *out)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    static char data[1 << 16];
    size_t len = fread(data, 1, sizeof(data), fp);
    fclose(fp);
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    struct safer_err err = {0};
    assert_int_equal(safer_csv_next(&c, &err), 1); /* the header */
    for (;;) {
        int rc = safer_csv_next(&c, &err);
        if (rc == 0)
            break;
        if (rc < 0 || rejected(rej, path, c.row_line))
            continue;
        assert_int_equal(c.nfields, 12);
        const char *f[12];
        size_t l[12];
        for (int k = 0; k < 12; k++) {
            f[k] = c.fields[k].ptr;
            l[k] = c.fields[k].len;
        }
        double lon = NAN, lat = NAN;
        if (l[4]) {
            char num[64];
            snprintf(num, sizeof(num), "%.*s", (int)l[4], f[4]);
            lon = strtod(num, NULL);
            snprintf(num, sizeof(num), "%.*s", (int)l[5], f[5]);
            lat = strtod(num, NULL);
        }
        recs_add(out, f, l, lon, lat);
    }
    safer_csv_release(&c);
}

/* The stores most tests read, made once: one holding FILES, as imported
 * with its rejected rows' messages and statistics, and an empty one. The
 * tests leave them as they found them. */
static struct {
    char target[512], empty_target[512];
    struct safer_store *st, *empty;
    struct rejects rej;
    struct safer_import_stats stats;
} files;

static int group_setup(void **state)
{
    (void)state;
    files.st = testfix_store("files", 0, files.target, sizeof(files.target));
    import_files(files.st, FILES, NFILES, &files.stats, &files.rej);
    files.empty = testfix_store("empty", 0, files.empty_target, sizeof(files.empty_target));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    rejects_release(&files.rej);
    testfix_done(files.st, files.target);
    testfix_done(files.empty, files.empty_target);
    return 0;
}

/* ---- records and publications ---- */

static void test_store_police_records_come_back_as_imported(void **state)
{
    (void)state;
    struct safer_store *st = files.st;
    const struct rejects *rej = &files.rej;
    const struct safer_import_stats is = files.stats;
    /* README.md: six of BTP's eight rows are rejected. */
    assert_int_equal(is.rows_rejected, 6);
    assert_int_equal(rej->n, 6);

    struct recs want = {0}, got = {.stop_after = -1};
    for (size_t i = 0; i < NFILES; i++)
        read_kept_rows(FILES[i], rej, &want);
    assert_int_equal(want.n, 2 + 4 + 10 + 5);
    assert_int_equal(is.rows_imported, want.n);

    struct safer_err err = {0};
    int rc = safer_police_each(st, collect, &got, &err);
    if (rc < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(got.n, want.n);
    for (size_t i = 0; i < want.n; i++) {
        const struct rec *w = &want.v[i], *g = &got.v[i];
        for (int k = 0; k < 12; k++) {
            if (k == 4 || k == 5) {
                /* Coordinates come back as the shortest decimal that reads
                 * back as the stored number ("0.70" as "0.7"). */
                if (!*w->f[k]) {
                    assert_string_equal(g->f[k], "");
                    continue;
                }
                double a = strtod(w->f[k], NULL), b = strtod(g->f[k], NULL);
                if (a != b)
                    fail_msg("record %zu field %d: '%s' came back as '%s'", i, k, w->f[k], g->f[k]);
                continue;
            }
            if (strcmp(w->f[k], g->f[k]) != 0)
                fail_msg("record %zu field %d: '%s' came back as '%s'", i, k, w->f[k], g->f[k]);
        }
        assert_true(isnan(w->lon) ? isnan(g->lon) && isnan(g->lat)
                                  : g->lon == w->lon && g->lat == w->lat);
    }
    recs_release(&want);
    recs_release(&got);
}

static void test_store_police_publications_list_their_files(void **state)
{
    (void)state;
    struct safer_store *st = files.st;
    struct safer_publication *p = NULL;
    size_t n = 0;
    struct safer_err err = {0};
    assert_int_equal(safer_publications_list(st, &p, &n, &err), 0);
    /* { force, month, rows, rows_read, rejected, file } by force, then month */
    static const struct {
        const char *force;
        int32_t month;
        int64_t rows, rows_read, rejected;
        const char *file;
    } want[] = {
        {"British Transport Police", 2019 * 12, 2, 8, 6, "2019-01-btp-street-bad-rows.csv"},
        {"Kent Police", 2018 * 12, 4, 4, 0, "2018-01-kent-street.csv"},
        {"Kent Police", 2019 * 12, 10, 10, 0, "2019-01-kent-street.csv"},
        {"Metropolitan Police Service", 2019 * 12 + 1, 5, 5, 0,
         "2019-02-metropolitan-street-ids.csv"},
    };
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(p[i].force, want[i].force);
        assert_int_equal(p[i].month, want[i].month);
        assert_int_equal(p[i].rows, want[i].rows);
        assert_int_equal(p[i].rows_read, want[i].rows_read);
        assert_int_equal(p[i].rejected, want[i].rejected);
        assert_string_equal(p[i].file, want[i].file);
        assert_int_equal(strlen(p[i].checksum), 32);
        assert_int_equal(strspn(p[i].checksum, "0123456789abcdef"), 32);
        assert_true(strlen(p[i].imported_at) >= 19); /* YYYY-MM-DDTHH:MM:SS */
    }
    free(p);

    /* An empty store has none. */
    struct safer_store *empty = files.empty;
    p = (struct safer_publication *)1;
    n = 99;
    assert_int_equal(safer_publications_list(empty, &p, &n, &err), 0);
    assert_int_equal(n, 0);
    free(p);
}

static void test_store_police_crimes_load_matches_the_records(void **state)
{
    (void)state;
    struct safer_store *st = files.st;
    struct recs r = {.stop_after = -1};
    struct safer_err err = {0};
    assert_int_equal(safer_police_each(st, collect, &r, &err), 0);
    struct safer_crimes c;
    int rc = safer_crimes_load(st, &c, &err);
    if (rc < 0)
        fail_msg("%s", err.msg);

    assert_int_equal(c.n, r.n);
    assert_int_equal(c.nbatches, 4);
    assert_int_equal(c.nforces, 3);
    assert_string_equal(c.forces[0], "British Transport Police");
    assert_string_equal(c.forces[1], "Kent Police");
    assert_string_equal(c.forces[2], "Metropolitan Police Service");
    /* Dictionaries sorted by byte order; the LSOA codes hold "". */
    for (size_t i = 1; i < c.ntypes; i++)
        assert_true(strcmp(c.types[i - 1], c.types[i]) < 0);
    for (size_t i = 1; i < c.nlsoas; i++)
        assert_true(strcmp(c.lsoas[i - 1], c.lsoas[i]) < 0);
    assert_true(c.nlsoas > 0);
    assert_string_equal(c.lsoas[0], "");

    /* Batch by batch and record by record, what police_each gave. */
    size_t next = 0, located = 0;
    for (size_t b = 0; b < c.nbatches; b++) {
        const struct safer_crime_batch *bt = &c.batches[b];
        assert_int_equal(bt->first, next);
        next += bt->count;
        for (size_t i = bt->first; i < bt->first + bt->count; i++) {
            const struct rec *x = &r.v[i];
            assert_string_equal(c.forces[bt->force], x->f[2]);
            char month[32];
            snprintf(month, sizeof(month), "%04d-%02d", bt->month / 12, bt->month % 12 + 1);
            assert_string_equal(month, x->f[1]);
            assert_string_equal(c.types[c.type[i]], x->f[9]);
            int32_t l = c.loc[i];
            if (isnan(x->lon)) {
                assert_true(l < 0);
                assert_string_equal(c.lsoas[-1 - l], x->f[7]);
            } else {
                assert_true(l >= 0 && (size_t)l < c.nlocs);
                assert_true(c.xy[2 * l] == x->lon && c.xy[2 * l + 1] == x->lat);
                located++;
            }
        }
    }
    assert_int_equal(next, c.n);
    /* The texts, record by record: Location and Last outcome category. */
    assert_null(c.where);
    rc = safer_crimes_load_text(st, &c, &err);
    if (rc < 0)
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < c.n; i++) {
        assert_true(c.where[i] < c.nwheres && c.outcome[i] < c.noutcomes);
        assert_string_equal(c.wheres[c.where[i]], r.v[i].f[6]);
        assert_string_equal(c.outcomes[c.outcome[i]], r.v[i].f[10]);
    }
    for (size_t i = 1; i < c.nwheres; i++)
        assert_true(strcmp(c.wheres[i - 1], c.wheres[i]) < 0);
    assert_string_equal(c.outcomes[0], "");
    /* Each distinct location once: the Met's two records at (-0.1, 51.49) share one. */
    assert_true(c.nlocs < located);
    for (size_t a = 0; a < c.nlocs; a++)
        for (size_t b = a + 1; b < c.nlocs; b++)
            assert_false(c.xy[2 * a] == c.xy[2 * b] && c.xy[2 * a + 1] == c.xy[2 * b + 1]);
    safer_crimes_release(&c);
    assert_null(c.loc);
    safer_crimes_release(&c); /* released twice: harmless */

    /* An empty store loads as nothing. */
    struct safer_store *empty = files.empty;
    assert_int_equal(safer_crimes_load(empty, &c, &err), 0);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.nbatches, 0);
    safer_crimes_release(&c);

    recs_release(&r);
}

static void test_store_police_republished_month_replaces_the_stored_one(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = testfix_store("republish", 0, target, sizeof(target));
    const char *first[] = {POLICE "2018-01-kent-street.csv"};
    const char *again[] = {POLICE "2018-01-kent-street-republished.csv"};
    struct safer_import_stats is;
    import_files(st, first, 1, &is, NULL);
    assert_int_equal(is.rows_imported, 4);
    import_files(st, again, 1, &is, NULL);
    assert_int_equal(is.rows_imported, 6);
    assert_int_equal(is.rows_replaced, 4);
    import_files(st, again, 1, &is, NULL);
    assert_int_equal(is.files_unchanged, 1);
    assert_int_equal(is.rows_imported, 0);
    assert_int_equal(is.rows_replaced, 0);

    struct recs r = {.stop_after = -1};
    struct safer_err err = {0};
    assert_int_equal(safer_police_each(st, collect, &r, &err), 0);
    assert_int_equal(r.n, 6);
    struct safer_publication *p = NULL;
    size_t n = 0;
    assert_int_equal(safer_publications_list(st, &p, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].rows, 6);
    assert_string_equal(p[0].file, "2018-01-kent-street-republished.csv");
    free(p);
    recs_release(&r);
    testfix_done(st, target);
}

static void test_store_police_callback_stops_the_walk(void **state)
{
    (void)state;
    struct safer_store *st = files.st;
    /* Stopping in the first publication and in a later one. */
    static const long stops[] = {0, 3, 7};
    for (size_t k = 0; k < sizeof(stops) / sizeof(stops[0]); k++) {
        struct recs r = {.stop_after = stops[k]};
        struct safer_err err = {0};
        assert_int_equal(safer_police_each(st, collect, &r, &err), -42);
        assert_int_equal(r.n, (size_t)stops[k]);
        recs_release(&r);
    }
}

/* ---- failures of the store ---- */

static void test_store_police_reads_report_a_failing_store(void **state)
{
    (void)state;
    struct safer_store *st = files.st;
    /* Each read fails at its first, then at its second database call. */
    for (unsigned long at = 1; at <= 2; at++) {
        struct safer_err err = {0};
        struct safer_publication *p = (struct safer_publication *)1;
        size_t n = 99;
        safer_fault_arm(SAFER_FAULT_DB, at);
        assert_int_equal(safer_publications_list(st, &p, &n, &err), SAFER_EDB);
        assert_null(p);
        assert_int_equal(n, 0);
        assert_true(strlen(err.msg) > 0);

        safer_err_clear(&err);
        struct safer_crimes c;
        safer_fault_arm(SAFER_FAULT_DB, at);
        assert_int_equal(safer_crimes_load(st, &c, &err), SAFER_EDB);
        assert_null(c.loc);
        assert_int_equal(c.n, 0);
        assert_true(strlen(err.msg) > 0);

        safer_err_clear(&err);
        struct recs r = {.stop_after = -1};
        safer_fault_arm(SAFER_FAULT_DB, at);
        assert_int_equal(safer_police_each(st, collect, &r, &err), SAFER_EDB);
        assert_true(strlen(err.msg) > 0);
        recs_release(&r);
    }
    safer_fault_arm(SAFER_FAULT_DB, 0);
    /* The handle still works. */
    struct safer_crimes c;
    struct safer_err err = {0};
    assert_int_equal(safer_crimes_load(st, &c, &err), 0);
    assert_int_equal(c.n, 21);
    safer_crimes_release(&c);
}

static void test_store_police_import_failing_anywhere_changes_nothing(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = testfix_store("importfail", 0, target, sizeof(target));
    const char *first[] = {POLICE "2018-01-kent-street.csv"};
    const char *next[] = {POLICE "2018-01-kent-street-republished.csv",
                          POLICE "2019-01-kent-street.csv"};
    import_files(st, first, 1, NULL, NULL);
    struct safer_err err = {0};
    char before[33], after[33];
    assert_int_equal(safer_store_digest(st, before, &err), 0);
    /* Fail the 1st, 2nd, ... database call of an import that replaces a
     * month and adds one, until one gets through: each failure leaves the
     * store as it was. */
    unsigned long at;
    int rc = -1;
    for (at = 1; at < 1000; at++) {
        struct safer_import_opts io = {.threads = 1};
        struct safer_import_stats is;
        safer_err_clear(&err);
        safer_fault_arm(SAFER_FAULT_DB, at);
        rc = safer_police_import(st, next, 2, &io, &is, &err);
        safer_fault_arm(SAFER_FAULT_DB, 0);
        if (rc == 0)
            break;
        if (rc != SAFER_EDB)
            fail_msg("call %lu: %s (%s)", at, safer_errname(rc), err.msg);
        assert_true(strlen(err.msg) > 0);
        assert_int_equal(safer_store_digest(st, after, &err), 0);
        if (strcmp(before, after) != 0)
            fail_msg("an import failing at database call %lu changed the store", at);
    }
    assert_int_equal(rc, 0);
    assert_true(at > 5);
    struct recs r = {.stop_after = -1};
    assert_int_equal(safer_police_each(st, collect, &r, &err), 0);
    assert_int_equal(r.n, 6 + 10);
    recs_release(&r);
    testfix_done(st, target);
}

/* ---- a damaged store ---- */

/* Run the statement `sql` on the store behind the library's back. */
static void raw_exec(const char *target, const char *sql)
{
    if (pg()) {
        PGconn *c = PQconnectdb(target);
        assert_int_equal(PQstatus(c), CONNECTION_OK);
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            fail_msg("%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        return;
    }
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(target, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* Set the record count inside the stored hot blob of Kent Police's 2019-01
 * (`delta` from the stored count, or `count` when delta is 0). */
static void damage_hot_count(const char *target, int64_t delta, uint32_t count)
{
    const char *where = "force = 'Kent Police' AND month = 24228";
    char sql[512];
    if (pg()) {
        PGconn *c = PQconnectdb(target);
        assert_int_equal(PQstatus(c), CONNECTION_OK);
        snprintf(sql, sizeof(sql),
                 "SELECT get_byte(hot, 4) + 256 * get_byte(hot, 5) + 65536 * get_byte(hot, 6) + "
                 "16777216::bigint * get_byte(hot, 7) FROM crime_batch WHERE %s",
                 where);
        PGresult *r = PQexec(c, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        uint32_t n = (uint32_t)strtoul(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        PQfinish(c);
        uint32_t v = delta ? (uint32_t)((int64_t)n + delta) : count;
        snprintf(sql, sizeof(sql),
                 "UPDATE crime_batch SET hot = overlay(hot placing '\\x%02x%02x%02x%02x'::bytea "
                 "from 5 for 4) WHERE %s",
                 v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24, where);
        raw_exec(target, sql);
        return;
    }
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(target, &db), SQLITE_OK);
    sqlite3_stmt *s = NULL;
    snprintf(sql, sizeof(sql), "SELECT id, hot FROM crime_batch WHERE %s", where);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t id = sqlite3_column_int64(s, 0);
    int len = sqlite3_column_bytes(s, 1);
    unsigned char *hot = malloc((size_t)len);
    memcpy(hot, sqlite3_column_blob(s, 1), (size_t)len);
    sqlite3_finalize(s);
    uint32_t n;
    memcpy(&n, hot + 4, 4);
    uint32_t v = delta ? (uint32_t)((int64_t)n + delta) : count;
    memcpy(hot + 4, &v, 4);
    assert_int_equal(
        sqlite3_prepare_v2(db, "UPDATE crime_batch SET hot = ? WHERE id = ?", -1, &s, NULL),
        SQLITE_OK);
    sqlite3_bind_blob(s, 1, hot, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, id);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    sqlite3_close(db);
    free(hot);
}

static void damage_rows(const char *target, const char *expr)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "UPDATE crime_batch SET rows = %s WHERE force = 'Kent Police' AND month = 24228",
             expr);
    raw_exec(target, sql);
}

/* The message names the store and the damaged force's records. */
static void assert_damage_reported(struct safer_store *st, int rc, const struct safer_err *err,
                                   const char *what, const char *call)
{
    if (rc != SAFER_EDB)
        fail_msg("%s: %s returned %s (%s)", what, call, safer_errname(rc), err->msg);
    if (!strstr(err->msg, safer_store_name(st)) || !strstr(err->msg, "'Kent Police'") ||
        !strstr(err->msg, "damaged"))
        fail_msg("%s: %s said '%s'", what, call, err->msg);
}

static int ignore_row(void *ctx, const char *const f[14])
{
    (void)ctx;
    (void)f;
    return 0;
}

static void test_store_police_damaged_record_counts_are_reported(void **state)
{
    (void)state;
    /* { what, damage the hot blob's count: by delta, or set it (delta 0);
     *   the rows column: SQL for its new value, or NULL } */
    static const struct {
        const char *what;
        int hot;
        int64_t delta;
        uint32_t count;
        const char *rows;
    } cases[] = {
        {"hot count 2^32 - 16", 1, 0, UINT32_MAX - 15, NULL},
        {"hot count 2^31", 1, 0, UINT32_C(1) << 31, NULL},
        {"hot count one more", 1, 1, 0, NULL},
        {"hot count one fewer", 1, -1, 0, NULL},
        {"hot count zero", 1, 0, 0, NULL},
        {"rows 6,000,000,000", 0, 0, 0, "6000000000"},
        {"rows negative", 0, 0, 0, "-1"},
        {"rows one more", 0, 0, 0, "rows + 1"},
        {"rows one fewer", 0, 0, 0, "rows - 1"},
        {"rows and hot count both 2^32 - 16", 1, 0, UINT32_MAX - 15, "4294967280"},
    };
    char target[512];
    struct safer_store *st = testfix_store("damaged", TESTFIX_WARDS, target, sizeof(target));
    import_files(st, FILES, NFILES, NULL, NULL);
    safer_store_close(st);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        if (cases[k].rows)
            damage_rows(target, cases[k].rows);
        if (cases[k].hot)
            damage_hot_count(target, cases[k].delta, cases[k].count);
        struct safer_err err = {0};
        assert_int_equal(safer_store_open(&st, target, &err), 0);

        struct safer_crimes c;
        int rc = safer_crimes_load(st, &c, &err);
        assert_damage_reported(st, rc, &err, cases[k].what, "safer_crimes_load");
        assert_null(c.loc);

        safer_err_clear(&err);
        struct recs r = {.stop_after = -1};
        rc = safer_police_each(st, collect, &r, &err);
        assert_damage_reported(st, rc, &err, cases[k].what, "safer_police_each");
        /* Nothing of Kent's damaged month was handed out. */
        for (size_t i = 0; i < r.n; i++)
            assert_false(strcmp(r.v[i].f[2], "Kent Police") == 0 &&
                         strcmp(r.v[i].f[1], "2019-01") == 0);
        recs_release(&r);

        safer_err_clear(&err);
        rc = safer_export_police(st, NULL, ignore_row, NULL, &err);
        assert_damage_reported(st, rc, &err, cases[k].what, "safer_export_police");

        safer_err_clear(&err);
        struct safer_assess_opts ao = {.to = -1, .threads = 2};
        struct safer_assessment a;
        rc = safer_assess_compute(st, &ao, &a, &err);
        assert_damage_reported(st, rc, &err, cases[k].what, "safer_assess_compute");

        /* A lookup makes the store count every stored record again. */
        safer_err_clear(&err);
        struct safer_lookup_stats ls;
        rc = safer_lookup_import(st, DATA "/lookup_lsoa_ward.csv", &ls, &err);
        assert_damage_reported(st, rc, &err, cases[k].what, "safer_lookup_import");
        safer_store_close(st);

        /* Mended (Kent's 2019-01 holds 10 records), the store reads again. */
        damage_rows(target, "10");
        damage_hot_count(target, 0, 10);
        assert_int_equal(safer_store_open(&st, target, &err), 0);
        rc = safer_crimes_load(st, &c, &err);
        if (rc < 0)
            fail_msg("mended after %s: %s", cases[k].what, err.msg);
        assert_int_equal(c.n, 21);
        safer_crimes_release(&c);
        safer_store_close(st);
    }
    testdb_drop(target);
}

int main(void)
{
    /* A damaged count must be refused before memory is sized from it. Under
     * a sanitizer a request for tens of gigabytes aborts; without one, the
     * kernel might grant it untouched, so cap the address space (8 GiB, far
     * above what these tests need) to make it fail the same way. */
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    struct rlimit rl = {(rlim_t)8 << 30, (rlim_t)8 << 30};
    setrlimit(RLIMIT_AS, &rl);
#endif
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_police_records_come_back_as_imported),
        cmocka_unit_test(test_store_police_publications_list_their_files),
        cmocka_unit_test(test_store_police_crimes_load_matches_the_records),
        cmocka_unit_test(test_store_police_republished_month_replaces_the_stored_one),
        cmocka_unit_test(test_store_police_callback_stops_the_walk),
        cmocka_unit_test(test_store_police_reads_report_a_failing_store),
        cmocka_unit_test(test_store_police_import_failing_anywhere_changes_nothing),
        cmocka_unit_test(test_store_police_damaged_record_counts_are_reported),
    };
    return cmocka_run_group_tests_name("store_police", tests, group_setup, group_teardown);
}
