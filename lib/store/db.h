/*
 * db.h - the two database engines behind one narrow interface (internal to
 * lib/store/: no other folder includes it).
 *
 * SQLite (a file: the default) and PostgreSQL (through libpq: for
 * deployments of several nodes) run the same SQL where the two agree; the
 * store's few engine-specific statements sit side by side in the store's
 * files, chosen by db->engine. SQL is written with `?` parameters (or
 * `?NNN`); the PostgreSQL engine rewrites them to `$n`.
 *
 * Types that cross the interface: 64-bit integers, doubles, text (UTF-8,
 * bytes), blobs, and NULL. Numbers travel as numbers in both directions:
 * PostgreSQL's parameters and results use its binary format.
 *
 * Errors: every call that can fail returns a negative SAFER_E* code with a
 * message in `err`; a bind's failure is kept in the statement and returned
 * by the next step, so a run of binds is checked once. A step returns 1 for
 * a row, 0 when the statement is done. Column values stay valid until the
 * next step, reset or finalize of their statement.
 *
 * Fault injection (tests): every call that reaches the database (prepare,
 * step, exec, a blob write, begin, commit) first asks safer__fault_db(); an
 * injected fault fails it with SAFER_EDB as a real failure would.
 */
#ifndef SAFER_STORE_DB_H
#define SAFER_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"

enum safer__engine { SAFER__SQLITE = 1, SAFER__POSTGRES = 2 };

/* A prepared statement. Engines embed it at the start of their own struct. */
struct safer__stmt {
    struct safer__db *db;
    int bind_err; /* the first failed bind (a negative code), returned by the next step */
};

/* How a transaction starts. */
enum safer__tx {
    SAFER__TX_READ,  /* a consistent snapshot for reading */
    SAFER__TX_WRITE, /* the store's one writer: waits for another to finish */
    /* A write of sign-in bookkeeping only (sessions, failed sign-ins, the
     * audit rows of refusals): as SAFER__TX_WRITE, but it leaves the
     * store's generation alone (below). */
    SAFER__TX_BOOKKEEPING,
};

struct safer__db_ops;

/* A connection. Engines embed it at the start of their own struct. */
struct safer__db {
    const struct safer__db_ops *ops;
    enum safer__engine engine;
    char *name; /* owned: the path, or the URL without its password, for messages */
    int in_tx;
    enum safer__tx tx; /* the kind of the open transaction */
    /* A read scope (safer__db_scope_begin): reads join one transaction. */
    int scope;
    int nest;        /* the scope's reads open inside it */
    uint64_t serial; /* counts transactions begun: what was read in one is
                        good for as long as the serial stays */
};

/*
 * A read scope: from scope_begin to scope_end, a read transaction begun
 * inside it (safer__db_begin with SAFER__TX_READ) joins the scope's one
 * transaction, and its commit leaves that open, so that the reads of a
 * request take one snapshot and one BEGIN and COMMIT. A rollback inside it
 * ends the scope's transaction (the next read begins another). A write
 * inside it first ends the scope's transaction (a write never runs in a
 * reader's snapshot), and the reads after it begin another.
 */
int safer__db_scope_begin(struct safer__db *db, struct safer_err *err);
void safer__db_scope_end(struct safer__db *db);
/* Is the open transaction a scope's read transaction? */
int safer__db_in_scope(const struct safer__db *db);
/* Let a read transaction already open act as a read scope, so that calls
 * which begin and commit their own reads join its snapshot: 1 when it
 * did (end with safer__db_scope_leave(), which leaves the transaction
 * open for its owner to commit); 0 when none is open or a scope is. */
int safer__db_scope_join(struct safer__db *db);
void safer__db_scope_leave(struct safer__db *db);

struct safer__db_ops {
    void (*close)(struct safer__db *db);
    int (*exec)(struct safer__db *db, const char *sql, struct safer_err *err);
    int (*prepare)(struct safer__db *db, const char *sql, struct safer__stmt **out,
                   struct safer_err *err);
    void (*bind_null)(struct safer__stmt *s, int i);
    void (*bind_int64)(struct safer__stmt *s, int i, int64_t v);
    void (*bind_double)(struct safer__stmt *s, int i, double v);
    void (*bind_text)(struct safer__stmt *s, int i, const char *p, size_t len);
    void (*bind_blob)(struct safer__stmt *s, int i, const void *p, size_t len);
    int (*step)(struct safer__stmt *s, struct safer_err *err);
    int (*is_null)(struct safer__stmt *s, int col);
    int64_t (*col_int64)(struct safer__stmt *s, int col);
    double (*col_double)(struct safer__stmt *s, int col);
    const char *(*col_text)(struct safer__stmt *s, int col, size_t *len);
    const void *(*col_blob)(struct safer__stmt *s, int col, size_t *len);
    void (*reset)(struct safer__stmt *s);
    void (*finalize)(struct safer__stmt *s);
    int (*begin)(struct safer__db *db, enum safer__tx kind, struct safer_err *err);
    int (*commit)(struct safer__db *db, struct safer_err *err);
    void (*rollback)(struct safer__db *db);
};

/* Open `target`: a postgresql:// or postgres:// URL selects PostgreSQL,
 * anything else is a SQLite path. With `must_exist`, a SQLite file that is
 * not there is SAFER_ENOTFOUND rather than created. */
int safer__db_open(struct safer__db **out, const char *target, int must_exist,
                   struct safer_err *err);
int safer__db_open_sqlite(struct safer__db **out, const char *path, int must_exist,
                          struct safer_err *err);
int safer__db_open_pg(struct safer__db **out, const char *url, struct safer_err *err);
void safer__db_close(struct safer__db *db);

int safer__db_exec(struct safer__db *db, const char *sql, struct safer_err *err);
int safer__db_prepare(struct safer__db *db, const char *sql, struct safer__stmt **out,
                      struct safer_err *err);
int safer__db_begin(struct safer__db *db, enum safer__tx kind, struct safer_err *err);
/* Commit. A SAFER__TX_WRITE transaction first counts one more change in
 * meta's `generation` (schema version 5): what a reader computed from the
 * store holds while the generation it read is the store's. */
int safer__db_commit(struct safer__db *db, struct safer_err *err);
void safer__db_rollback(struct safer__db *db);

/* Binds: 1-based parameter index. A NULL text or blob binds NULL. */
void safer__bind_null(struct safer__stmt *s, int i);
void safer__bind_int64(struct safer__stmt *s, int i, int64_t v);
void safer__bind_double(struct safer__stmt *s, int i, double v);
void safer__bind_text(struct safer__stmt *s, int i, const char *p);
/* A point's two coordinates into i and i + 1: both NULL unless both are finite. */
void safer__bind_point(struct safer__stmt *s, int i, double x, double y);
void safer__bind_textn(struct safer__stmt *s, int i, const char *p, size_t len);
void safer__bind_blob(struct safer__stmt *s, int i, const void *p, size_t len);

/* 1: a row is ready; 0: done; < 0: failed (err says why). */
int safer__step(struct safer__stmt *s, struct safer_err *err);
/* Step a statement that returns no rows (or whose rows are not wanted)
 * to its end: 0 or a negative code. */
int safer__step_done(struct safer__stmt *s, struct safer_err *err);

/* Columns: 0-based. col_text gives NULL for NULL (len 0). */
int safer__col_is_null(struct safer__stmt *s, int col);
int64_t safer__col_int64(struct safer__stmt *s, int col);
double safer__col_double(struct safer__stmt *s, int col);
const char *safer__col_text(struct safer__stmt *s, int col);
const char *safer__col_textn(struct safer__stmt *s, int col, size_t *len);
const void *safer__col_blob(struct safer__stmt *s, int col, size_t *len);

void safer__stmt_reset(struct safer__stmt *s);
void safer__stmt_finalize(struct safer__stmt *s); /* NULL does nothing */

/* The connection a statement belongs to. */
struct safer__db *safer__stmt_db(struct safer__stmt *s);

/* Engines record a failure through this: the message names the store. */
int safer__db_fail(struct safer__db *db, struct safer_err *err, const char *what,
                   const char *detail);

/* ---- SQLite only (db->engine == SAFER__SQLITE) ---- */

/* Bind `len` zero bytes, to be filled by safer__sqlite_blob_write once the
 * row exists: SQLite then never assembles a megabyte-long record in memory. */
void safer__sqlite_bind_zeroblob(struct safer__stmt *s, int i, size_t len);
/* Write `len` bytes into the blob `column` of row `rowid` of `table`. */
int safer__sqlite_blob_write(struct safer__db *db, const char *table, const char *column,
                             int64_t rowid, const void *p, size_t len, struct safer_err *err);
/* For the length of a large write: no memory map (writing a blob through it
 * would map the whole growing file in). */
void safer__sqlite_large_writes(struct safer__db *db, int on);

#endif
