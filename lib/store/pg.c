/*
 * pg.c - the PostgreSQL engine, through libpq.
 *
 * For a county or force-wide deployment: several `safer serve` nodes on one
 * PostgreSQL primary with a streaming replica. Statements are prepared on
 * the server once per connection (a cache keyed by the SQL and the
 * parameters' types) and run with parameters and results in PostgreSQL's
 * binary format, so integers and doubles cross as the numbers they are and
 * blobs as their bytes. A writer serialises with the other writers through a
 * transaction-scoped advisory lock, as SQLite's single writer does; a
 * reader's transaction is REPEATABLE READ, one snapshot for all its reads.
 *
 * A reader's transaction costs no round trip and no statement of its own
 * (libpq's pipeline mode): its statements go in one pipeline, each with a
 * flush request so that its rows come back at once, and the pipeline's
 * sync, sent without waiting when the reader ends, ends the transaction;
 * its answer is read with the connection's next command. PostgreSQL runs
 * the statements of a pipeline before its sync as one implicit
 * transaction, and the connection's default isolation is REPEATABLE READ,
 * so they share one snapshot, taken at the first, as BEGIN ISOLATION
 * LEVEL REPEATABLE READ would give them. A writer says READ COMMITTED in
 * its BEGIN. So a page whose reads the server keeps (web/server.c) is one
 * round trip and one statement.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "safer/limits.h"
#include "store/db.h"
#include "util/internal.h"

/* Type OIDs (pg_type.h is a server header). */
enum {
    OID_BOOL = 16, OID_BYTEA = 17, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
    OID_TEXT = 25, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_VARCHAR = 1043, OID_BPCHAR = 1042,
};

/* The advisory lock every writer holds for its transaction ('safe'). */
#define WRITER_LOCK "1935762021"

struct prepared {
    char *sql; /* owned: the translated SQL */
    Oid *types; /* owned */
    int n;
    char name[16];
};

struct pg_db {
    struct safer__db base;
    PGconn *c;
    struct prepared *cache;
    size_t ncache, capcache;
    bool read_tx;       /* the open transaction is a reader's */
    bool begin_pending; /* a reader's, nothing sent for it yet */
    bool in_pipeline;   /* a reader's, its statements sent in the pipeline */
    bool sync_pending;  /* a reader's sync sent, its answer unread (still in pipeline mode) */
};


struct param {
    Oid type;      /* 0 while unbound or NULL */
    int is_null;
    char *data;    /* owned */
    size_t len;
    char fixed[8]; /* an integer or double in network order */
};

struct pg_stmt {
    struct safer__stmt base;
    char *sql; /* owned: with $n parameters */
    int n;
    struct param *p;
    PGresult *res;
    int row, nrows;
};

static PGconn *conn(struct safer__db *db) { return ((struct pg_db *)db)->c; }
static struct pg_stmt *ps(struct safer__stmt *s) { return (struct pg_stmt *)s; }

/* libpq's messages end in a line break; drop it (and any trailing space). */
static void trim(char *m)
{
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        m[--n] = '\0';
}

static int fail_msg(struct safer__db *db, struct safer_err *err, const char *what,
                    const char *detail)
{
    char m[400];
    snprintf(m, sizeof(m), "%s", detail && *detail ? detail : "unknown error");
    trim(m);
    return safer__db_fail(db, err, what, m);
}

static int fail_res(struct safer__db *db, struct safer_err *err, const char *what, PGresult *r)
{
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* 25006: read_only_sql_transaction: a write sent to a standby. */
    if (code && strcmp(code, "25006") == 0)
        return safer_err_set(err, SAFER_EDB,
                             "%s: %s: the server is a read-only standby (a replica): send "
                             "imports and other changes to the primary",
                             db->name, what);
    /* 55P03: lock_not_available, when lock_timeout runs out waiting for
     * another writer: say who it is. The failed transaction must end
     * first, or the server answers nothing more. */
    if (code && strcmp(code, "55P03") == 0 && PQpipelineStatus(conn(db)) == PQ_PIPELINE_OFF) {
        PQclear(PQexec(conn(db), "ROLLBACK"));
        PGresult *who = PQexec(conn(db),
                               "SELECT a.application_name || ' (pid ' || a.pid || ', since ' ||"
                               " to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS') || ')'"
                               " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                               " WHERE l.locktype = 'advisory' AND l.granted AND l.objid = "
                               WRITER_LOCK " LIMIT 1");
        const char *name = who && PQresultStatus(who) == PGRES_TUPLES_OK && PQntuples(who)
                               ? PQgetvalue(who, 0, 0)
                               : "another command";
        int rc = safer_err_set(err, SAFER_EDB,
                               "%s: %s: %s held the store for more than %d s", db->name, what,
                               name, SAFER_LIMIT_STORE_WAIT);
        PQclear(who);
        return rc;
    }
    return fail_msg(db, err, what, r ? PQresultErrorMessage(r) : PQerrorMessage(conn(db)));
}

/* Read the answer to the sync that ended a reader's transaction. */
static int read_sync(struct safer__db *db, struct safer_err *err)
{
    struct pg_db *d = (struct pg_db *)db;
    if (!d->sync_pending)
        return 0;
    d->sync_pending = false;
    for (;;) {
        PGresult *r = PQgetResult(d->c);
        if (!r) {
            if (PQstatus(d->c) != CONNECTION_OK)
                return fail_msg(db, err, "the connection was lost", PQerrorMessage(d->c));
            continue;
        }
        ExecStatusType st = PQresultStatus(r);
        PQclear(r);
        if (st == PGRES_PIPELINE_SYNC)
            return 0;
    }
}

/* Leave pipeline mode, the last reader's sync answered: every synchronous
 * command needs this first. */
static int settle(struct safer__db *db, struct safer_err *err)
{
    struct pg_db *d = (struct pg_db *)db;
    if (PQpipelineStatus(d->c) == PQ_PIPELINE_OFF)
        return 0;
    int rc = read_sync(db, err);
    if (!PQexitPipelineMode(d->c) && rc == 0)
        rc = fail_msg(db, err, "a statement failed", PQerrorMessage(d->c));
    return rc;
}

/* In a reader's transaction, its statements go in the pipeline. */
static bool reading(struct safer__db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    return d->read_tx && (d->begin_pending || d->in_pipeline);
}

/* Send what the caller queued in the pipeline with a flush request, so
 * that its answer comes back before the sync; read the last reader's sync
 * first when it is still to come. */
static int pipe_send(struct safer__db *db, struct safer_err *err)
{
    struct pg_db *d = (struct pg_db *)db;
    if (!PQsendFlushRequest(d->c) || PQflush(d->c) != 0)
        return fail_msg(db, err, "a statement failed", PQerrorMessage(d->c));
    return read_sync(db, err);
}

/* Begin a reader's statements in the pipeline: the first one enters it (a
 * sync still to be answered leaves the connection there already). */
static int pipe_begin(struct safer__db *db, struct safer_err *err)
{
    struct pg_db *d = (struct pg_db *)db;
    if (d->in_pipeline)
        return 0;
    if (PQpipelineStatus(d->c) == PQ_PIPELINE_OFF && !PQenterPipelineMode(d->c))
        return fail_msg(db, err, "a statement failed", PQerrorMessage(d->c));
    d->begin_pending = false;
    d->in_pipeline = true;
    return 0;
}

/* One statement's answer in the pipeline: its result (the caller clears
 * it), then the NULL that ends it. NULL when the connection failed. */
static PGresult *pipe_result(struct safer__db *db)
{
    PGconn *c = conn(db);
    PGresult *r = PQgetResult(c);
    if (r) {
        PGresult *more;
        while ((more = PQgetResult(c)) != NULL)
            PQclear(more);
    }
    return r;
}

/* A statement's result that is no answer. */
static int fail_pipe(struct safer__db *db, struct safer_err *err, PGresult *r)
{
    if (!r)
        return fail_msg(db, err, "a statement failed", PQerrorMessage(conn(db)));
    if (PQresultStatus(r) == PGRES_PIPELINE_ABORTED)
        return fail_msg(db, err, "a statement failed",
                        "an earlier statement of the same read failed");
    return fail_res(db, err, "a statement failed", r);
}

static void pg_close(struct safer__db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    if (p->c)
        PQfinish(p->c);
    for (size_t i = 0; i < p->ncache; i++) {
        free(p->cache[i].sql);
        free(p->cache[i].types);
    }
    free(p->cache);
    free(db->name);
    free(p);
}

static int pg_exec(struct safer__db *db, const char *sql, struct safer_err *err)
{
    PGresult *r;
    int rc = 0;
    if (reading(db)) {
        /* One statement, in the reader's pipeline. */
        rc = pipe_begin(db, err);
        if (rc == 0 && !PQsendQueryParams(conn(db), sql, 0, NULL, NULL, NULL, NULL, 0))
            rc = fail_msg(db, err, "a statement failed", PQerrorMessage(conn(db)));
        if (rc == 0)
            rc = pipe_send(db, err);
        if (rc < 0)
            return rc;
        r = pipe_result(db);
    } else {
        rc = settle(db, err);
        if (rc < 0)
            return rc;
        r = PQexec(conn(db), sql);
    }
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = fail_pipe(db, err, r);
    PQclear(r);
    return rc;
}

/* `?` and `?NNN` to `$n`, outside quotes; counts the parameters. */
static char *translate(const char *sql, int *nparams)
{
    size_t n = strlen(sql);
    /* A '?' becomes at most "$10000" (parameter numbers stop at 10000). */
    char *out = safer__xmalloc(6 * n + 16);
    size_t o = 0;
    int next = 0, max = 0;
    char quote = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = sql[i];
        if (quote) {
            out[o++] = ch;
            if (ch == quote)
                quote = 0;
            continue;
        }
        if (ch == '\'' || ch == '"') {
            quote = ch;
            out[o++] = ch;
            continue;
        }
        if (ch != '?') {
            out[o++] = ch;
            continue;
        }
        int k = 0;
        size_t j = i + 1;
        while (j < n && sql[j] >= '0' && sql[j] <= '9' && k < 10000)
            k = k * 10 + (sql[j++] - '0');
        if (j == i + 1)
            k = ++next;
        else
            next = k;
        if (k > max)
            max = k;
        o += (size_t)snprintf(out + o, 7, "$%d", k);
        i = j - 1;
    }
    out[o] = '\0';
    *nparams = max;
    return out;
}

static int pg_prepare(struct safer__db *db, const char *sql, struct safer__stmt **out,
                      struct safer_err *err)
{
    (void)err;
    struct pg_stmt *s = safer__xcalloc(1, sizeof(*s));
    s->base.db = db;
    s->sql = translate(sql, &s->n);
    s->p = safer__xcalloc(s->n ? (size_t)s->n : 1, sizeof(*s->p));
    *out = &s->base;
    return 0;
}

static struct param *param(struct safer__stmt *s, int i)
{
    struct pg_stmt *p = ps(s);
    if (i < 1 || i > p->n) {
        if (s->bind_err == 0)
            s->bind_err = SAFER_EINVAL;
        return NULL;
    }
    struct param *q = &p->p[i - 1];
    free(q->data);
    q->data = NULL;
    q->len = 0;
    q->is_null = 0;
    return q;
}

static void pg_bind_null(struct safer__stmt *s, int i)
{
    struct param *q = param(s, i);
    if (q) {
        q->is_null = 1;
        q->type = 0;
    }
}

static void put_be64(char out[8], uint64_t v)
{
    for (int k = 7; k >= 0; k--, v >>= 8)
        out[k] = (char)(v & 0xff);
}

static void pg_bind_int64(struct safer__stmt *s, int i, int64_t v)
{
    struct param *q = param(s, i);
    if (!q)
        return;
    q->type = OID_INT8;
    put_be64(q->fixed, (uint64_t)v);
    q->len = 8;
}

static void pg_bind_double(struct safer__stmt *s, int i, double v)
{
    struct param *q = param(s, i);
    if (!q)
        return;
    uint64_t bits;
    memcpy(&bits, &v, 8);
    q->type = OID_FLOAT8;
    put_be64(q->fixed, bits);
    q->len = 8;
}

static void bind_bytes(struct safer__stmt *s, int i, Oid type, const void *p, size_t len)
{
    struct param *q = param(s, i);
    if (!q)
        return;
    if (len > (size_t)SAFER_LIMIT_BLOB) {
        if (s->bind_err == 0)
            s->bind_err = SAFER_ETOOBIG;
        q->is_null = 1;
        return;
    }
    q->type = type;
    q->data = safer__xmalloc(len + 1);
    memcpy(q->data, p, len);
    q->len = len;
}

static void pg_bind_text(struct safer__stmt *s, int i, const char *p, size_t len)
{
    bind_bytes(s, i, OID_TEXT, p, len);
}

static void pg_bind_blob(struct safer__stmt *s, int i, const void *p, size_t len)
{
    bind_bytes(s, i, OID_BYTEA, p, len);
}

/* The server-side statement for this SQL and these types, prepared once. */
static const char *prepared_name(struct safer__stmt *s, const Oid *types, struct safer_err *err)
{
    struct pg_db *d = (struct pg_db *)s->db;
    struct pg_stmt *p = ps(s);
    for (size_t k = 0; k < d->ncache; k++) {
        struct prepared *c = &d->cache[k];
        if (c->n == p->n && strcmp(c->sql, p->sql) == 0 &&
            (p->n == 0 || memcmp(c->types, types, sizeof(Oid) * (size_t)p->n) == 0))
            return c->name;
    }
    SAFER__GROW(d->cache, d->capcache, d->ncache + 1);
    struct prepared *c = &d->cache[d->ncache];
    snprintf(c->name, sizeof(c->name), "s%zu", d->ncache);
    PGresult *r = NULL;
    if (reading(s->db)) {
        if (pipe_begin(s->db, err) < 0)
            return NULL;
        if (!PQsendPrepare(d->c, c->name, p->sql, p->n, types)) {
            fail_msg(s->db, err, "cannot prepare a statement", PQerrorMessage(d->c));
            return NULL;
        }
        if (pipe_send(s->db, err) < 0)
            return NULL;
        r = pipe_result(s->db);
    } else {
        if (settle(s->db, err) < 0)
            return NULL;
        r = PQprepare(d->c, c->name, p->sql, p->n, types);
    }
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fail_pipe(s->db, err, r);
        PQclear(r);
        return NULL;
    }
    PQclear(r);
    c->sql = safer__xstrdup(p->sql);
    c->n = p->n;
    c->types = safer__xmalloc(sizeof(Oid) * (size_t)(p->n ? p->n : 1));
    memcpy(c->types, types, sizeof(Oid) * (size_t)p->n);
    d->ncache++;
    return c->name;
}

/* Every result column must be of a type the accessors decode. */
static int check_columns(struct safer__stmt *s, struct safer_err *err)
{
    PGresult *r = ps(s)->res;
    for (int c = 0; c < PQnfields(r); c++) {
        switch (PQftype(r, c)) {
        case OID_BOOL: case OID_BYTEA: case OID_NAME: case OID_INT8: case OID_INT2:
        case OID_INT4: case OID_TEXT: case OID_FLOAT4: case OID_FLOAT8: case OID_VARCHAR:
        case OID_BPCHAR:
            break;
        default: {
            char m[120];
            snprintf(m, sizeof(m), "column %d has type %u, which the store does not read", c + 1,
                     (unsigned)PQftype(r, c));
            return safer__db_fail(s->db, err, "cannot read a result", m);
        }
        }
    }
    return 0;
}

/*
 * Run a prepared statement: in a reader's transaction, in its pipeline
 * (one round trip, the last reader's sync answered on the way); else on
 * its own. *rc < 0 (with `err` set) when the connection failed; a failed
 * statement comes back as its result, as PQexecPrepared returns it.
 */
static PGresult *run_prepared(struct safer__db *db, const char *name, int n,
                              const char *const *values, const int *lengths, const int *formats,
                              struct safer_err *err, int *rc)
{
    PGconn *c = conn(db);
    if (!reading(db)) {
        *rc = settle(db, err);
        return *rc < 0 ? NULL : PQexecPrepared(c, name, n, values, lengths, formats, 1);
    }
    *rc = pipe_begin(db, err);
    if (*rc == 0 && !PQsendQueryPrepared(c, name, n, values, lengths, formats, 1))
        *rc = fail_msg(db, err, "a statement failed", PQerrorMessage(c));
    if (*rc == 0)
        *rc = pipe_send(db, err);
    if (*rc < 0)
        return NULL;
    PGresult *r = pipe_result(db);
    if (!r)
        *rc = fail_pipe(db, err, NULL);
    return r;
}

static int execute(struct safer__stmt *s, struct safer_err *err)
{
    struct pg_stmt *p = ps(s);
    size_t n = p->n ? (size_t)p->n : 1;
    Oid *types = safer__xcalloc(n, sizeof(Oid));
    const char **values = safer__xcalloc(n, sizeof(char *));
    int *lengths = safer__xcalloc(n, sizeof(int));
    int *formats = safer__xcalloc(n, sizeof(int));
    for (int i = 0; i < p->n; i++) {
        struct param *q = &p->p[i];
        types[i] = q->is_null ? 0 : q->type;
        values[i] = q->is_null ? NULL : q->data ? q->data : q->len ? q->fixed : "";
        lengths[i] = (int)q->len;
        formats[i] = 1;
    }
    int rc = 0;
    const char *name = prepared_name(s, types, err);
    if (!name) {
        rc = SAFER_EDB;
    } else {
        p->res = run_prepared(s->db, name, p->n, values, lengths, formats, err, &rc);
    }
    if (rc == 0) {
        ExecStatusType st = PQresultStatus(p->res);
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
            rc = fail_pipe(s->db, err, p->res);
        else
            rc = check_columns(s, err);
        if (rc == 0) {
            p->nrows = PQntuples(p->res);
            p->row = -1;
        }
    }
    free(types);
    free(values);
    free(lengths);
    free(formats);
    return rc;
}

static int pg_step(struct safer__stmt *s, struct safer_err *err)
{
    struct pg_stmt *p = ps(s);
    if (!p->res) {
        int rc = execute(s, err);
        if (rc < 0) {
            PQclear(p->res);
            p->res = NULL;
            p->nrows = 0;
            p->row = 0;
            return rc;
        }
    }
    if (p->row + 1 < p->nrows) {
        p->row++;
        return 1;
    }
    p->row = p->nrows;
    return 0;
}

static int pg_is_null(struct safer__stmt *s, int col)
{
    struct pg_stmt *p = ps(s);
    return !p->res || p->row < 0 || p->row >= p->nrows || PQgetisnull(p->res, p->row, col);
}

static uint64_t be(const unsigned char *b, int n)
{
    uint64_t v = 0;
    for (int k = 0; k < n; k++)
        v = v << 8 | b[k];
    return v;
}

static int64_t pgc_int64(struct safer__stmt *s, int col)
{
    struct pg_stmt *p = ps(s);
    if (pg_is_null(s, col))
        return 0;
    const unsigned char *b = (const unsigned char *)PQgetvalue(p->res, p->row, col);
    switch (PQftype(p->res, col)) {
    case OID_INT8: return (int64_t)be(b, 8);
    case OID_INT4: return (int32_t)be(b, 4);
    case OID_INT2: return (int16_t)be(b, 2);
    case OID_BOOL: return b[0] != 0;
    case OID_FLOAT8: {
        uint64_t u = be(b, 8);
        double d;
        memcpy(&d, &u, 8);
        return (int64_t)d;
    }
    default: return 0;
    }
}

static double pgc_double(struct safer__stmt *s, int col)
{
    struct pg_stmt *p = ps(s);
    if (pg_is_null(s, col))
        return 0;
    const unsigned char *b = (const unsigned char *)PQgetvalue(p->res, p->row, col);
    switch (PQftype(p->res, col)) {
    case OID_FLOAT8: {
        uint64_t u = be(b, 8);
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    case OID_FLOAT4: {
        uint32_t u = (uint32_t)be(b, 4);
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    default: return (double)pgc_int64(s, col);
    }
}

/* Text and bytea come as their bytes; libpq adds a NUL after every value. */
static const char *pgc_text(struct safer__stmt *s, int col, size_t *len)
{
    struct pg_stmt *p = ps(s);
    *len = 0;
    if (pg_is_null(s, col))
        return NULL;
    *len = (size_t)PQgetlength(p->res, p->row, col);
    return PQgetvalue(p->res, p->row, col);
}

static const void *pgc_blob(struct safer__stmt *s, int col, size_t *len)
{
    return pgc_text(s, col, len);
}

static void pg_reset(struct safer__stmt *s)
{
    struct pg_stmt *p = ps(s);
    PQclear(p->res);
    p->res = NULL;
    p->nrows = p->row = 0;
    for (int i = 0; i < p->n; i++) {
        free(p->p[i].data);
        memset(&p->p[i], 0, sizeof(p->p[i]));
    }
}

static void pg_finalize(struct safer__stmt *s)
{
    struct pg_stmt *p = ps(s);
    pg_reset(s);
    free(p->p);
    free(p->sql);
    free(p);
}

static int pg_begin(struct safer__db *db, enum safer__tx kind, struct safer_err *err)
{
    struct pg_db *d = (struct pg_db *)db;
    d->read_tx = kind == SAFER__TX_READ;
    if (d->read_tx) {
        d->begin_pending = true; /* its first statement begins it */
        return 0;
    }
    int rc = pg_exec(db, "BEGIN ISOLATION LEVEL READ COMMITTED", err);
    if (rc == 0)
        rc = pg_exec(db, "SELECT pg_advisory_xact_lock(" WRITER_LOCK ")", err);
    if (rc < 0)
        PQclear(PQexec(conn(db), "ROLLBACK"));
    return rc;
}

/* End a reader's transaction: its pipeline's sync, sent, its answer read
 * with the next command. A read-only transaction has nothing to keep, so
 * this is its commit and its rollback (a failed statement's transaction
 * ends at the sync too). */
static int end_read(struct safer__db *db, struct safer_err *err)
{
    struct pg_db *d = (struct pg_db *)db;
    bool sent = d->in_pipeline;
    d->read_tx = d->begin_pending = d->in_pipeline = false;
    if (!sent) /* a read that read nothing */
        return 0;
    if (!PQpipelineSync(d->c)) {
        int rc = fail_msg(db, err, "cannot end a read", PQerrorMessage(d->c));
        return rc;
    }
    d->sync_pending = true;
    return 0;
}

static int pg_commit(struct safer__db *db, struct safer_err *err)
{
    struct pg_db *d = (struct pg_db *)db;
    if (d->read_tx)
        return end_read(db, err);
    return pg_exec(db, "COMMIT", err);
}

static void pg_rollback(struct safer__db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    struct safer_err scratch = {0};
    if (d->read_tx) {
        end_read(db, &scratch);
        return;
    }
    settle(db, &scratch);
    PQclear(PQexec(d->c, "ROLLBACK"));
}

static const struct safer__db_ops PG_OPS = {
    pg_close,     pg_exec,      pg_prepare, pg_bind_null, pg_bind_int64, pg_bind_double,
    pg_bind_text, pg_bind_blob, pg_step,    pg_is_null,   pgc_int64,      pgc_double,
    pgc_text,      pgc_blob,      pg_reset,   pg_finalize,  pg_begin,      pg_commit,
    pg_rollback,
};

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The URL without its password, for messages. */
static char *public_name(const char *url)
{
    char *s = safer__xstrdup(url);
    char *scheme = strstr(s, "://");
    if (!scheme)
        return s;
    char *auth = scheme + 3;
    char *at = strchr(auth, '@');
    char *slash = strchr(auth, '/');
    if (!at || (slash && slash < at))
        return s;
    char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (colon)
        memmove(colon, at, strlen(at) + 1);
    return s;
}

int safer__db_open_pg(struct safer__db **out, const char *url, struct safer_err *err)
{
    *out = NULL;
    struct pg_db *db = safer__xcalloc(1, sizeof(*db));
    db->base.ops = &PG_OPS;
    db->base.engine = SAFER__POSTGRES;
    db->base.name = public_name(url);
    if (safer__fault(SAFER_FAULT_DB)) {
        int rc = safer__db_fail(&db->base, err, "cannot connect", "injected fault");
        pg_close(&db->base);
        return rc;
    }
    db->c = PQconnectdb(url);
    if (!db->c || PQstatus(db->c) != CONNECTION_OK) {
        int rc = fail_msg(&db->base, err, "cannot connect",
                          db->c ? PQerrorMessage(db->c) : "out of memory");
        pg_close(&db->base);
        return rc;
    }
    /* The library never prints: the server's notices (a rollback with no
     * transaction, say) are not for the user; errors come back as results. */
    PQsetNoticeProcessor(db->c, quiet, NULL);
    /* UTF-8 text; byte-order comparisons come from the schema's COLLATE "C";
     * a writer waits for another as long as SQLite's would. */
    char set[300];
    snprintf(set, sizeof(set),
             "SET client_encoding = 'UTF8'; SET lock_timeout = '%ds';"
             " SET default_transaction_isolation = 'repeatable read';"
             " SET client_min_messages = warning;"
             " SET application_name = 'safer %s';",
             SAFER_LIMIT_STORE_WAIT, safer_version());
    int rc = pg_exec(&db->base, set, err);
    if (rc < 0) {
        pg_close(&db->base);
        return rc;
    }
    *out = &db->base;
    return 0;
}
