/*
 * db.c - what both engines share: choosing one, dispatch, fault injection
 * and the checks every call gets.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/internal.h"

static int is_pg_url(const char *t)
{
    return strncmp(t, "postgresql://", 13) == 0 || strncmp(t, "postgres://", 11) == 0;
}

int safer__db_open(struct safer__db **out, const char *target, int must_exist,
                   struct safer_err *err)
{
    *out = NULL;
    if (is_pg_url(target))
        return safer__db_open_pg(out, target, err);
    return safer__db_open_sqlite(out, target, must_exist, err);
}

void safer__db_close(struct safer__db *db)
{
    if (db)
        db->ops->close(db);
}

int safer__db_fail(struct safer__db *db, struct safer_err *err, const char *what,
                   const char *detail)
{
    return safer_err_set(err, SAFER_EDB, "%s: %s: %s", db->name, what, detail);
}

static int injected(struct safer__db *db, struct safer_err *err)
{
    if (!safer__fault(SAFER_FAULT_DB))
        return 0;
    return safer__db_fail(db, err, "database call failed", "injected fault");
}

int safer__db_exec(struct safer__db *db, const char *sql, struct safer_err *err)
{
    int rc = injected(db, err);
    return rc < 0 ? rc : db->ops->exec(db, sql, err);
}

int safer__db_prepare(struct safer__db *db, const char *sql, struct safer__stmt **out,
                      struct safer_err *err)
{
    *out = NULL;
    int rc = injected(db, err);
    return rc < 0 ? rc : db->ops->prepare(db, sql, out, err);
}

static int real_begin(struct safer__db *db, enum safer__tx kind, struct safer_err *err)
{
    int rc = injected(db, err);
    if (rc == 0)
        rc = db->ops->begin(db, kind == SAFER__TX_READ ? SAFER__TX_READ : SAFER__TX_WRITE, err);
    if (rc == 0) {
        db->in_tx = 1;
        db->tx = kind;
        db->serial++;
    }
    return rc;
}

int safer__db_in_scope(const struct safer__db *db)
{
    return db->scope && db->in_tx && db->tx == SAFER__TX_READ;
}

int safer__db_begin(struct safer__db *db, enum safer__tx kind, struct safer_err *err)
{
    if (db->scope && kind == SAFER__TX_READ) {
        if (db->in_tx && db->tx == SAFER__TX_READ) {
            db->nest++;
            return 0;
        }
        int rc = real_begin(db, kind, err);
        if (rc == 0)
            db->nest = 1;
        return rc;
    }
    if (safer__db_in_scope(db)) {
        /* A write inside a scope: the scope's snapshot ends first. */
        struct safer_err scratch = {0};
        if (db->ops->commit(db, &scratch) < 0)
            db->ops->rollback(db);
        db->in_tx = 0;
        db->nest = 0;
    }
    return real_begin(db, kind, err);
}

int safer__db_commit(struct safer__db *db, struct safer_err *err)
{
    if (safer__db_in_scope(db)) {
        /* The scope commits at its end. */
        if (db->nest > 0)
            db->nest--;
        return 0;
    }
    int rc = injected(db, err);
    if (rc == 0 && db->in_tx && db->tx == SAFER__TX_WRITE)
        rc = db->ops->exec(db,
                           "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT)"
                           " WHERE key = 'generation'",
                           err);
    if (rc == 0)
        rc = db->ops->commit(db, err);
    if (rc == 0)
        db->in_tx = 0;
    return rc;
}

void safer__db_rollback(struct safer__db *db)
{
    if (!db->in_tx)
        return;
    db->ops->rollback(db);
    db->in_tx = 0;
    db->nest = 0;
}

int safer__db_scope_join(struct safer__db *db)
{
    if (db->scope || !db->in_tx || db->tx != SAFER__TX_READ)
        return 0;
    db->scope = 1;
    db->nest = 1;
    return 1;
}

void safer__db_scope_leave(struct safer__db *db)
{
    db->scope = 0;
    db->nest = 0;
}

int safer__db_scope_begin(struct safer__db *db, struct safer_err *err)
{
    if (db->in_tx)
        return safer_err_set(err, SAFER_EINVAL, "%s: a read scope inside a transaction",
                             db->name);
    db->scope = 1;
    int rc = real_begin(db, SAFER__TX_READ, err);
    if (rc < 0)
        db->scope = 0;
    return rc;
}

void safer__db_scope_end(struct safer__db *db)
{
    if (!db->scope)
        return;
    if (db->in_tx) {
        struct safer_err scratch = {0};
        /* A read has nothing to keep; a write left open is abandoned. */
        if (db->tx != SAFER__TX_READ || db->ops->commit(db, &scratch) < 0)
            db->ops->rollback(db);
        db->in_tx = 0;
    }
    db->scope = 0;
    db->nest = 0;
}

void safer__bind_null(struct safer__stmt *s, int i) { s->db->ops->bind_null(s, i); }
void safer__bind_int64(struct safer__stmt *s, int i, int64_t v) { s->db->ops->bind_int64(s, i, v); }
void safer__bind_double(struct safer__stmt *s, int i, double v)
{
    s->db->ops->bind_double(s, i, v);
}

void safer__bind_point(struct safer__stmt *s, int i, double x, double y)
{
    if (isfinite(x) && isfinite(y)) {
        s->db->ops->bind_double(s, i, x);
        s->db->ops->bind_double(s, i + 1, y);
    } else {
        s->db->ops->bind_null(s, i);
        s->db->ops->bind_null(s, i + 1);
    }
}

void safer__bind_textn(struct safer__stmt *s, int i, const char *p, size_t len)
{
    if (!p)
        s->db->ops->bind_null(s, i);
    else
        s->db->ops->bind_text(s, i, p, len);
}

void safer__bind_text(struct safer__stmt *s, int i, const char *p)
{
    safer__bind_textn(s, i, p, p ? strlen(p) : 0);
}

void safer__bind_blob(struct safer__stmt *s, int i, const void *p, size_t len)
{
    if (!p)
        s->db->ops->bind_null(s, i);
    else
        s->db->ops->bind_blob(s, i, p, len);
}

int safer__step(struct safer__stmt *s, struct safer_err *err)
{
    if (s->bind_err < 0)
        return safer__db_fail(s->db, err, "cannot bind a value", safer_strerror(s->bind_err));
    int rc = injected(s->db, err);
    return rc < 0 ? rc : s->db->ops->step(s, err);
}

int safer__step_done(struct safer__stmt *s, struct safer_err *err)
{
    int rc;
    while ((rc = safer__step(s, err)) > 0)
        ;
    return rc;
}

int safer__col_is_null(struct safer__stmt *s, int col) { return s->db->ops->is_null(s, col); }
int64_t safer__col_int64(struct safer__stmt *s, int col) { return s->db->ops->col_int64(s, col); }
double safer__col_double(struct safer__stmt *s, int col) { return s->db->ops->col_double(s, col); }

const char *safer__col_textn(struct safer__stmt *s, int col, size_t *len)
{
    return s->db->ops->col_text(s, col, len);
}

const char *safer__col_text(struct safer__stmt *s, int col)
{
    size_t len;
    return s->db->ops->col_text(s, col, &len);
}

const void *safer__col_blob(struct safer__stmt *s, int col, size_t *len)
{
    return s->db->ops->col_blob(s, col, len);
}

void safer__stmt_reset(struct safer__stmt *s)
{
    s->bind_err = 0;
    s->db->ops->reset(s);
}

void safer__stmt_finalize(struct safer__stmt *s)
{
    if (s)
        s->db->ops->finalize(s);
}

struct safer__db *safer__stmt_db(struct safer__stmt *s) { return s->db; }
