/*
 * store.c - opening the SQLite store, its schema and transactions.
 */
#include "util/compat.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/internal.h"
#include "store/store_internal.h"

/* Version 1 of the schema. Crime rows live in column blobs (see
 * docs/internals/store.md): `hot` holds what the assessment reads, `cold`
 * the rest, so reading `hot` never walks the pages of `cold`. */
/* One transaction: a new store's tables are written in one commit. */
static const char SCHEMA[] =
    "BEGIN;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS import_log("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, file TEXT NOT NULL, checksum TEXT NOT NULL,"
    "  force TEXT, month_first TEXT, month_last TEXT, rows_read INTEGER NOT NULL DEFAULT 0,"
    "  imported INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,"
    "  replaced INTEGER NOT NULL DEFAULT 0, imported_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS import_reject("
    "  log_id INTEGER NOT NULL REFERENCES import_log(id), line INTEGER NOT NULL,"
    "  reason TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS crime_batch("
    "  id INTEGER PRIMARY KEY, force TEXT NOT NULL, month INTEGER NOT NULL,"
    "  rows INTEGER NOT NULL, rows_read INTEGER NOT NULL, log_id INTEGER NOT NULL,"
    "  checksum TEXT NOT NULL, hot BLOB NOT NULL, cold BLOB NOT NULL, UNIQUE(force, month));"
    "CREATE TABLE IF NOT EXISTS area("
    "  code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, district_code TEXT,"
    "  source TEXT NOT NULL, geom BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS lookup_lsoa("
    "  lsoa_code TEXT PRIMARY KEY, lsoa_name TEXT, ward_code TEXT NOT NULL, ward_name TEXT,"
    "  district_code TEXT, district_name TEXT);"
    "CREATE TABLE IF NOT EXISTS lookup_ward("
    "  ward_code TEXT PRIMARY KEY, ward_name TEXT, district_code TEXT NOT NULL, district_name TEXT);"
    "CREATE TABLE IF NOT EXISTS lookup_district("
    "  district_code TEXT PRIMARY KEY, district_name TEXT, csp_code TEXT NOT NULL, csp_name TEXT,"
    "  pfa_code TEXT, pfa_name TEXT);"
    "CREATE TABLE IF NOT EXISTS population("
    "  code TEXT NOT NULL, level TEXT NOT NULL, population REAL NOT NULL, basis TEXT NOT NULL,"
    "  source TEXT NOT NULL, PRIMARY KEY(code, level));"
    "CREATE TABLE IF NOT EXISTS deprivation("
    "  lsoa_code TEXT PRIMARY KEY, score REAL, rank INTEGER, decile INTEGER, source TEXT NOT NULL);"
    "COMMIT;";

int safer__store_fail(struct safer_store *st, struct safer_err *err, const char *what)
{
    return safer_err_set(err, SAFER_EDB, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

int safer__store_prepare(struct safer_store *st, const char *sql, sqlite3_stmt **out,
                         struct safer_err *err)
{
    *out = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
        return safer__store_fail(st, err, "cannot prepare a statement");
    return 0;
}

int safer__store_exec(struct safer_store *st, const char *sql, struct safer_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = safer_err_set(err, SAFER_EDB, "%s: %s", st->path, msg ? msg : "database error");
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

int safer__bind_text(sqlite3_stmt *s, int i, const char *p, int len)
{
    if (!p)
        return sqlite3_bind_null(s, i);
    return sqlite3_bind_text(s, i, p, len, SQLITE_TRANSIENT);
}

void safer__now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Before SQLite starts: no memory statistics, which take a global mutex on
 * every allocation, ours and PROJ's (it reads its own SQLite database while
 * setting up a transformation). A no-op when SQLite already runs.
 */
static void configure_sqlite(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

int safer_store_open(struct safer_store **out, const char *path, struct safer_err *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    *out = NULL;
    struct safer_store *st = safer__xcalloc(1, sizeof(*st));
    st->path = safer__xstrdup(path);
    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        rc = safer_err_set(err, SAFER_EDB, "%s: cannot open the database: %s", path,
                           st->db ? sqlite3_errmsg(st->db) : "out of memory");
        safer_store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, 5000);
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    /* 64 KiB pages (set when the file is created): the store is mostly
     * publication blobs of a megabyte, written and read whole. WAL for readers
     * alongside a writer. A small page cache: a long import spills pages
     * rather than touching fresh memory, which costs more than the writes;
     * reads go through a memory map rather than copies. */
    rc = safer__store_exec(st,
                           "PRAGMA page_size=65536; PRAGMA journal_mode=WAL;"
                           "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                           "PRAGMA cache_size=-2048; PRAGMA mmap_size=" SAFER__STORE_MMAP ";",
                           err);
    if (rc == 0)
        rc = safer__store_exec(st, SCHEMA, err);
    if (rc < 0) {
        safer_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

void safer_store_close(struct safer_store *st)
{
    if (!st)
        return;
    if (st->in_tx)
        safer_store_rollback(st);
    safer_store_bulk_end(st);
    sqlite3_close_v2(st->db);
    free(st->path);
    free(st);
}

int safer_store_begin(struct safer_store *st, struct safer_err *err)
{
    int rc = safer__store_exec(st, "BEGIN IMMEDIATE", err);
    if (rc == 0)
        st->in_tx = 1;
    return rc;
}

int safer_store_commit(struct safer_store *st, struct safer_err *err)
{
    int rc = safer__store_exec(st, "COMMIT", err);
    if (rc == 0)
        st->in_tx = 0;
    return rc;
}

void safer_store_rollback(struct safer_store *st)
{
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_tx = 0;
}

int safer_store_set_meta(struct safer_store *st, const char *key, const char *value,
                         struct safer_err *err)
{
    sqlite3_stmt *s;
    int rc = safer__store_prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, key, -1);
    safer__bind_text(s, 2, value, -1);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = safer__store_fail(st, err, "cannot save a setting");
    sqlite3_finalize(s);
    return rc;
}

char *safer_store_get_meta(struct safer_store *st, const char *key)
{
    sqlite3_stmt *s;
    char *v = NULL;
    if (safer__store_prepare(st, "SELECT value FROM meta WHERE key = ?", &s, NULL) < 0)
        return NULL;
    safer__bind_text(s, 1, key, -1);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = safer__xstrdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
}

static int journal_mode_cb(void *arg, int n, char **values, char **names)
{
    (void)names;
    if (n > 0 && values[0])
        snprintf(arg, 16, "%s", values[0]);
    return 0;
}

void safer_store_bulk_begin(struct safer_store *st)
{
    char mode[16] = "";
    if (st->bulk || st->in_tx)
        return;
    /* SQLite refuses to leave WAL while another connection has the file open. */
    if (sqlite3_exec(st->db, "PRAGMA journal_mode=TRUNCATE", journal_mode_cb, mode, NULL) ==
            SQLITE_OK &&
        strcmp(mode, "truncate") == 0) {
        st->bulk = 1;
        sqlite3_exec(st->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    }
}

void safer_store_bulk_end(struct safer_store *st)
{
    if (!st->bulk || st->in_tx)
        return;
    sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    st->bulk = 0;
}
