/*
 * sqlite.c - the SQLite engine: one file in WAL mode, so readers never wait
 * for the one writer, and a writer waits for another (busy timeout).
 */
#include "util/compat.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "safer/limits.h"
#include "store/db.h"
#include "util/internal.h"

/* Reads go through a memory map of up to this many bytes (PRAGMA mmap_size). */
#define MMAP_SIZE "1073741824"

/*
 * Prepared statements are kept per connection and used again: a page of the
 * workspace runs a dozen or two small statements, and compiling them was
 * most of its time (bench/serve.sh). A statement is found by its SQL text
 * (the same pointer, else the same bytes); finalizing one that came from
 * the cache resets it and gives it back. A statement in use is never given
 * twice; when every slot is busy, or for a one-off, a statement is prepared
 * as before and finalized for good.
 */
#define SQ_CACHE 64

struct sq_cached {
    char *sql;        /* owned: the text it was prepared from; NULL: empty slot */
    sqlite3_stmt *h;
    int in_use;
    uint64_t used;    /* when it was last handed out, for eviction */
};

struct sq_db {
    struct safer__db base;
    sqlite3 *h;
    struct sq_cached cache[SQ_CACHE];
    uint64_t tick;
};

struct sq_stmt {
    struct safer__stmt base;
    sqlite3_stmt *h;
    struct sq_cached *slot; /* the cache slot it came from, or NULL */
};

static sqlite3 *handle(struct safer__db *db) { return ((struct sq_db *)db)->h; }
static sqlite3_stmt *sh(struct safer__stmt *s) { return ((struct sq_stmt *)s)->h; }

static int fail(struct safer__db *db, struct safer_err *err, const char *what)
{
    int code = sqlite3_extended_errcode(handle(db));
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
        return safer_err_set(err, SAFER_EDB,
                             "%s: %s: another command held the store for more than %d s "
                             "(%s)",
                             db->name, what, SAFER_LIMIT_STORE_WAIT, sqlite3_errmsg(handle(db)));
    return safer__db_fail(db, err, what, sqlite3_errmsg(handle(db)));
}

static void sq_close(struct safer__db *db)
{
    struct sq_db *d = (struct sq_db *)db;
    for (size_t i = 0; i < SQ_CACHE; i++) {
        sqlite3_finalize(d->cache[i].h);
        free(d->cache[i].sql);
    }
    sqlite3_close_v2(handle(db));
    free(db->name);
    free(db);
}

static int sq_exec(struct safer__db *db, const char *sql, struct safer_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(handle(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = fail(db, err, msg ? msg : "cannot run a statement");
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

/* A free cached statement of `sql`, or the slot to put a new one in (an
 * empty one, else the least recently used free one; NULL when all are in
 * use). *hit says which. */
static struct sq_cached *cache_find(struct sq_db *d, const char *sql, int *hit)
{
    struct sq_cached *victim = NULL;
    *hit = 0;
    for (size_t i = 0; i < SQ_CACHE; i++) {
        struct sq_cached *c = &d->cache[i];
        if (!c->sql) {
            if (!victim || victim->sql)
                victim = c;
            continue;
        }
        if (c->in_use)
            continue;
        if (c->sql == sql || strcmp(c->sql, sql) == 0) {
            *hit = 1;
            return c;
        }
        if (!victim || (victim->sql && c->used < victim->used))
            victim = c;
    }
    return victim;
}

static int sq_prepare(struct safer__db *db, const char *sql, struct safer__stmt **out,
                      struct safer_err *err)
{
    struct sq_db *d = (struct sq_db *)db;
    int hit;
    struct sq_cached *slot = cache_find(d, sql, &hit);
    sqlite3_stmt *h = NULL;
    if (hit) {
        h = slot->h;
    } else {
        if (sqlite3_prepare_v3(handle(db), sql, -1, slot ? SQLITE_PREPARE_PERSISTENT : 0, &h,
                               NULL) != SQLITE_OK)
            return fail(db, err, "cannot prepare a statement");
        if (slot) {
            sqlite3_finalize(slot->h);
            free(slot->sql);
            slot->sql = safer__xstrdup(sql);
            slot->h = h;
        }
    }
    if (slot) {
        slot->in_use = 1;
        slot->used = ++d->tick;
    }
    struct sq_stmt *s = safer__xcalloc(1, sizeof(*s));
    s->base.db = db;
    s->h = h;
    s->slot = slot;
    *out = &s->base;
    return 0;
}

/* A failed bind is kept for the next step. */
static void bound(struct safer__stmt *s, int rc)
{
    if (rc != SQLITE_OK && s->bind_err == 0)
        s->bind_err = rc == SQLITE_NOMEM ? SAFER_ENOMEM : rc == SQLITE_TOOBIG ? SAFER_ETOOBIG
                                                                              : SAFER_EDB;
}

static void sq_bind_null(struct safer__stmt *s, int i) { bound(s, sqlite3_bind_null(sh(s), i)); }
static void sq_bind_int64(struct safer__stmt *s, int i, int64_t v)
{
    bound(s, sqlite3_bind_int64(sh(s), i, v));
}
static void sq_bind_double(struct safer__stmt *s, int i, double v)
{
    bound(s, sqlite3_bind_double(sh(s), i, v));
}
static void sq_bind_text(struct safer__stmt *s, int i, const char *p, size_t len)
{
    bound(s, sqlite3_bind_text64(sh(s), i, p, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}
static void sq_bind_blob(struct safer__stmt *s, int i, const void *p, size_t len)
{
    bound(s, sqlite3_bind_blob64(sh(s), i, p, len, SQLITE_TRANSIENT));
}

static int sq_step(struct safer__stmt *s, struct safer_err *err)
{
    int rc = sqlite3_step(sh(s));
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return fail(s->db, err, "a statement failed");
}

static int sq_is_null(struct safer__stmt *s, int col)
{
    return sqlite3_column_type(sh(s), col) == SQLITE_NULL;
}
static int64_t sq_int64(struct safer__stmt *s, int col) { return sqlite3_column_int64(sh(s), col); }
static double sq_double(struct safer__stmt *s, int col) { return sqlite3_column_double(sh(s), col); }

static const char *sq_text(struct safer__stmt *s, int col, size_t *len)
{
    const char *p = (const char *)sqlite3_column_text(sh(s), col);
    *len = p ? (size_t)sqlite3_column_bytes(sh(s), col) : 0;
    return p;
}

static const void *sq_blob(struct safer__stmt *s, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(sh(s), col);
    *len = p ? (size_t)sqlite3_column_bytes(sh(s), col) : 0;
    return p;
}

static void sq_reset(struct safer__stmt *s)
{
    sqlite3_reset(sh(s));
    sqlite3_clear_bindings(sh(s));
}

static void sq_finalize(struct safer__stmt *s)
{
    struct sq_stmt *q = (struct sq_stmt *)s;
    if (q->slot) {
        /* Back to the cache, holding no row, lock or bound value. */
        sqlite3_reset(q->h);
        sqlite3_clear_bindings(q->h);
        q->slot->in_use = 0;
    } else {
        sqlite3_finalize(q->h);
    }
    free(s);
}

static int sq_begin(struct safer__db *db, enum safer__tx kind, struct safer_err *err)
{
    /* In WAL mode a reader's snapshot is the state at its first read, and
     * stays so until it ends; the writer takes the write lock at once, so it
     * waits (busy timeout) rather than failing when it first writes. */
    return sq_exec(db, kind == SAFER__TX_WRITE ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

static int sq_commit(struct safer__db *db, struct safer_err *err)
{
    return sq_exec(db, "COMMIT", err);
}

static void sq_rollback(struct safer__db *db) { sqlite3_exec(handle(db), "ROLLBACK", NULL, NULL, NULL); }

static const struct safer__db_ops SQLITE_OPS = {
    sq_close,     sq_exec,       sq_prepare, sq_bind_null, sq_bind_int64, sq_bind_double,
    sq_bind_text, sq_bind_blob,  sq_step,    sq_is_null,   sq_int64,      sq_double,
    sq_text,      sq_blob,       sq_reset,   sq_finalize,  sq_begin,      sq_commit,
    sq_rollback,
};

/*
 * Before SQLite starts: no memory statistics, which take a global mutex on
 * every allocation, ours and PROJ's (it reads its own SQLite database while
 * setting up a transformation). A no-op when SQLite already runs.
 */
static void configure_sqlite(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

int safer__db_open_sqlite(struct safer__db **out, const char *path, int must_exist,
                          struct safer_err *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    *out = NULL;
    if (!path[0])
        return safer_err_set(err, SAFER_EINVAL, "the store's path is empty: give a file, "
                                                "for example --db safer.db");
    if (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
        return safer_err_set(err, SAFER_EINVAL,
                             "'%s' is not a store this program can keep: give a file path "
                             "(an in-memory database would lose every import when the "
                             "command ends)",
                             path);
    pthread_once(&once, configure_sqlite);
    struct sq_db *db = safer__xcalloc(1, sizeof(*db));
    db->base.ops = &SQLITE_OPS;
    db->base.engine = SAFER__SQLITE;
    db->base.name = safer__xstrdup(path);
    int flags = SQLITE_OPEN_READWRITE | (must_exist ? 0 : SQLITE_OPEN_CREATE);
    if (safer__fault(SAFER_FAULT_DB) || sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
        if (must_exist && db->h && sqlite3_errcode(db->h) == SQLITE_CANTOPEN &&
            access(path, F_OK) != 0) {
            sq_close(&db->base);
            return safer_err_set(err, SAFER_ENOTFOUND,
                                 "%s: no store there (a command that only reads makes none: "
                                 "check the path, or import into it first)",
                                 path);
        }
        int rc = safer_err_set(err, SAFER_EDB, "%s: cannot open the store: %s", path,
                               db->h ? sqlite3_errmsg(db->h) : "injected fault");
        sq_close(&db->base);
        return rc;
    }
    sqlite3_busy_timeout(db->h, SAFER_LIMIT_STORE_WAIT * 1000);
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    /* 64 KiB pages (set when the file is created): the store is mostly
     * publication blobs of a megabyte, written and read whole. WAL for readers
     * alongside a writer. A small page cache: a long import spills pages
     * rather than touching fresh memory, which costs more than the writes;
     * reads go through a memory map rather than copies. */
    int rc = sq_exec(&db->base,
                     "PRAGMA page_size=65536; PRAGMA journal_mode=WAL;"
                     "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                     "PRAGMA cache_size=-2048; PRAGMA mmap_size=" MMAP_SIZE ";",
                     err);
    if (rc < 0) {
        sq_close(&db->base);
        return rc;
    }
    *out = &db->base;
    return 0;
}

void safer__sqlite_bind_zeroblob(struct safer__stmt *s, int i, size_t len)
{
    bound(s, sqlite3_bind_zeroblob64(sh(s), i, len));
}

int safer__sqlite_blob_write(struct safer__db *db, const char *table, const char *column,
                             int64_t rowid, const void *p, size_t len, struct safer_err *err)
{
    if (safer__fault(SAFER_FAULT_DB))
        return safer__db_fail(db, err, "cannot write a blob", "injected fault");
    if (len > INT_MAX)
        return safer_err_set(err, SAFER_ETOOBIG, "%s: a blob of %zu bytes is too large", db->name,
                             len);
    sqlite3_blob *b = NULL;
    int rc = 0;
    if (sqlite3_blob_open(handle(db), "main", table, column, rowid, 1, &b) != SQLITE_OK ||
        sqlite3_blob_write(b, p, (int)len, 0) != SQLITE_OK)
        rc = fail(db, err, "cannot write a blob");
    sqlite3_blob_close(b);
    return rc;
}

void safer__sqlite_large_writes(struct safer__db *db, int on)
{
    sqlite3_exec(handle(db), on ? "PRAGMA mmap_size=0" : "PRAGMA mmap_size=" MMAP_SIZE, NULL,
                 NULL, NULL);
}
