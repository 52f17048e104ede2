/*
 * store_audit.c - the access decision and the audit log (account.h,
 * store_impl.h).
 *
 * The access decision reads the actor's role inside the caller's
 * transaction, every time: a role changed or a person disabled a moment
 * ago counts at once, whatever the session remembered.
 *
 * The audit log is append-only (the schema's triggers refuse UPDATE and
 * DELETE) and chained: each row's hash is the SHA-256, in hex, of the row
 * before it's hash followed by this row's fields, so a row changed, added
 * or removed behind the program breaks the chain from there on, and
 * safer_audit_verify() names the first row that no longer matches. The
 * fields are serialised one a line, in this order: id, at, actor_id,
 * actor_email, partnership_id, action, record_type, record_id, before,
 * after, detail; each is "-" for NULL, else its length in bytes, ':' and
 * its bytes (integers in decimal). The first row's previous hash is 64
 * zeros. docs/workspace.md gives the same rule, so that a script can check
 * a copy of the table without this program.
 *
 * Rows are numbered 1, 2, 3... by the writer itself (the last id plus one,
 * read in the same write transaction as the previous hash), so the id is
 * part of the hash and a gap shows as well. Writers take turns (store.h):
 * two rows can never claim the same place in the chain.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/account.h"
#include "safer/buf.h"
#include "store/store_impl.h"
#include "util/internal.h"

/* The longest serialised row hashed: before and after are small objects of
 * the fields a call changed. */
#define AUDIT_ROW_MAX (4u << 20)

static const char ZERO_HASH[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* ---- access ---- */

/* The actor's membership row, asked once a snapshot: 1 found (its role in
 * *r), 0 none, or an error. */
static int membership(struct safer_store *st, const struct safer_actor *actor,
                      enum safer_role *r, struct safer_err *err)
{
    bool snapshot = st->db->in_tx && st->db->tx == SAFER__TX_READ;
    if (snapshot && st->tx_memo.role_serial == st->db->serial &&
        st->tx_memo.user_id == actor->user_id &&
        st->tx_memo.partnership_id == actor->partnership_id &&
        st->tx_memo.session_id == actor->session_id) {
        *r = (enum safer_role)st->tx_memo.role;
        return st->tx_memo.found;
    }
    /* Fail closed: no membership, a disabled person, a session ended
     * meanwhile or a role this program does not know all read as the
     * public. */
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT m.role FROM membership m JOIN app_user u ON u.id = m.user_id"
                         " WHERE m.user_id = ?1 AND m.partnership_id = ?2 AND u.disabled = 0"
                         " AND (?3 = 0 OR EXISTS (SELECT 1 FROM user_session s WHERE s.id = ?3"
                         " AND s.user_id = m.user_id AND s.ended = 0))",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, actor->user_id);
    safer__bind_int64(s, 2, actor->partnership_id);
    safer__bind_int64(s, 3, actor->session_id);
    rc = safer__step(s, err);
    if (rc == 1 && safer_role_parse(safer__col_text(s, 0), r, NULL) < 0)
        *r = SAFER_ROLE_PUBLIC;
    safer__stmt_finalize(s);
    if (rc >= 0 && snapshot)
        safer__role_learnt(st, actor, rc, *r);
    return rc;
}

void safer__role_learnt(struct safer_store *st, const struct safer_actor *actor, int found,
                        enum safer_role r)
{
    st->tx_memo.role_serial = st->db->serial;
    st->tx_memo.user_id = actor->user_id;
    st->tx_memo.partnership_id = actor->partnership_id;
    st->tx_memo.session_id = actor->session_id;
    st->tx_memo.found = found;
    st->tx_memo.role = (int)r;
}

int safer__access(struct safer_store *st, const struct safer_actor *actor, enum safer_perm perm,
                  enum safer_role *role, struct safer_err *err)
{
    enum safer_role r = SAFER_ROLE_PUBLIC;
    if (actor && actor->operator) {
        if (role)
            *role = SAFER_ROLE_ADMINISTRATOR;
        return 0;
    }
    if (actor && actor->user_id > 0) {
        int rc = membership(st, actor, &r, err);
        if (rc < 0)
            return rc;
        /* Anyone of the partnership, the public's role included, has an
         * account of their own to see and end sessions of. */
        if (rc == 1 && perm == SAFER_PERM_OWN_ACCOUNT) {
            if (role)
                *role = r;
            return 0;
        }
    }
    if (role)
        *role = r;
    /* No message: safer__audit_denied() gives it once the refusal is logged. */
    return safer_role_may(r, perm) ? 0 : SAFER_EDENIED;
}

/* ---- writing the log ---- */

void safer__iso_at(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, 32, "%lld", (long long)t);
        return;
    }
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One field of the serialisation. */
static void field_text(struct safer_buf *b, const char *v)
{
    if (!v)
        safer_buf_puts(b, "-\n");
    else
        safer_buf_putf(b, "%zu:%s\n", strlen(v), v);
}

static void field_int(struct safer_buf *b, int64_t v, bool null)
{
    if (null) {
        safer_buf_puts(b, "-\n");
        return;
    }
    char n[24];
    snprintf(n, sizeof(n), "%lld", (long long)v);
    field_text(b, n);
}

/* The fields of a row, as stored. */
struct audit_fields {
    int64_t id;
    const char *at;
    int64_t actor_id;
    bool actor_id_null;
    const char *actor_email;
    int64_t partnership_id;
    bool partnership_id_null;
    const char *action, *record_type, *record_id, *before, *after, *detail;
};

static int row_hash(const char *prev, const struct audit_fields *f, char out[SAFER_TOKEN_HASH_SIZE],
                    struct safer_err *err)
{
    struct safer_buf b;
    safer_buf_init(&b, AUDIT_ROW_MAX);
    safer_buf_puts(&b, prev);
    field_int(&b, f->id, false);
    field_text(&b, f->at);
    field_int(&b, f->actor_id, f->actor_id_null);
    field_text(&b, f->actor_email);
    field_int(&b, f->partnership_id, f->partnership_id_null);
    field_text(&b, f->action);
    field_text(&b, f->record_type);
    field_text(&b, f->record_id);
    field_text(&b, f->before);
    field_text(&b, f->after);
    field_text(&b, f->detail);
    int rc = safer_buf_error(&b);
    if (rc == 0)
        safer_token_hash(b.ptr, out);
    else
        rc = safer_err_set(err, rc, "an audit row is longer than %u bytes", AUDIT_ROW_MAX);
    safer_buf_release(&b);
    return rc;
}

static const char *actor_name(const struct safer_actor *actor)
{
    if (actor && actor->operator)
        return "operator";
    if (!actor || actor->user_id <= 0 || !actor->email[0])
        return "public";
    return actor->email;
}

int safer__audit(struct safer_store *st, const struct safer_actor *actor, const char *action,
                 const char *record_type, const char *record_id, const char *before,
                 const char *after, const char *detail, int64_t now, struct safer_err *err)
{
    char at[32], prev[SAFER_TOKEN_HASH_SIZE], hash[SAFER_TOKEN_HASH_SIZE];
    safer__iso_at(now, at);
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", &s, err);
    if (rc < 0)
        return rc;
    int64_t last = 0;
    snprintf(prev, sizeof(prev), "%s", ZERO_HASH);
    rc = safer__step(s, err);
    if (rc == 1) {
        last = safer__col_int64(s, 0);
        const char *h = safer__col_text(s, 1);
        snprintf(prev, sizeof(prev), "%s", h ? h : "");
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    bool person = actor && !actor->operator && actor->user_id > 0;
    /* Where the request came from, when a server said (store.h). */
    char with_client[1200];
    if (st->client[0]) {
        snprintf(with_client, sizeof(with_client), "%s%sfrom %s", detail ? detail : "",
                 detail ? "; " : "", st->client);
        detail = with_client;
    }
    struct audit_fields f = {
        .id = last + 1,
        .at = at,
        .actor_id = person ? actor->user_id : 0,
        .actor_id_null = !person,
        .actor_email = actor_name(actor),
        .partnership_id = actor ? actor->partnership_id : 0,
        .partnership_id_null = !actor || actor->partnership_id <= 0,
        .action = action,
        .record_type = record_type,
        .record_id = record_id,
        .before = before,
        .after = after,
        .detail = detail,
    };
    rc = row_hash(prev, &f, hash, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st,
                     "INSERT INTO audit_log(id, at, actor_id, actor_email, partnership_id, action,"
                     " record_type, record_id, before, after, detail, prev_hash, hash)"
                     " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, f.id);
    safer__bind_text(s, 2, f.at);
    if (f.actor_id_null)
        safer__bind_null(s, 3);
    else
        safer__bind_int64(s, 3, f.actor_id);
    safer__bind_text(s, 4, f.actor_email);
    if (f.partnership_id_null)
        safer__bind_null(s, 5);
    else
        safer__bind_int64(s, 5, f.partnership_id);
    safer__bind_text(s, 6, action);
    safer__bind_text(s, 7, record_type);
    safer__bind_text(s, 8, record_id);
    safer__bind_text(s, 9, before);
    safer__bind_text(s, 10, after);
    safer__bind_text(s, 11, detail);
    safer__bind_text(s, 12, prev);
    safer__bind_text(s, 13, hash);
    rc = safer__step_done(s, err);
    safer__stmt_finalize(s);
    return rc;
}

int safer__audit_denied(struct safer_store *st, const struct safer_actor *actor,
                        enum safer_perm perm, const char *record_type, const char *record_id,
                        int64_t now, struct safer_err *err)
{
    safer__store_rollback(st);
    char detail[64];
    snprintf(detail, sizeof(detail), "needs %s", safer_perm_name(perm));
    int rc = safer__store_begin_bookkeeping(st, err);
    if (rc == 0)
        rc =
            safer__audit(st, actor, "denied", record_type, record_id, NULL, NULL, detail, now, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        return rc;
    }
    return safer_err_set(err, SAFER_EDENIED, "not permitted");
}

/* ---- reading the log ---- */

static const char ROW_COLUMNS[] =
    "SELECT id, at, actor_id, actor_email, partnership_id, action, record_type, record_id,"
    " before, after, detail, prev_hash, hash FROM audit_log";

/* The fields of a row of ROW_COLUMNS, borrowed from the statement. */
static void fields_of(struct safer__stmt *s, struct audit_fields *f)
{
    f->id = safer__col_int64(s, 0);
    f->at = safer__col_text(s, 1);
    f->actor_id = safer__col_int64(s, 2);
    f->actor_id_null = safer__col_is_null(s, 2);
    f->actor_email = safer__col_text(s, 3);
    f->partnership_id = safer__col_int64(s, 4);
    f->partnership_id_null = safer__col_is_null(s, 4);
    f->action = safer__col_text(s, 5);
    f->record_type = safer__col_text(s, 6);
    f->record_id = safer__col_text(s, 7);
    f->before = safer__col_text(s, 8);
    f->after = safer__col_text(s, 9);
    f->detail = safer__col_text(s, 10);
}

/* A date or time to start from: "YYYY-MM-DD", optionally with a time. */
static bool since_ok(const char *s)
{
    if (strlen(s) < 10 || strlen(s) > 31)
        return false;
    for (int i = 0; i < 10; i++) {
        bool digit = s[i] >= '0' && s[i] <= '9';
        if ((i == 4 || i == 7) ? s[i] != '-' : !digit)
            return false;
    }
    return s[10] == '\0' || s[10] == 'T' || s[10] == ' ';
}

int safer_audit_each(struct safer_store *st, const struct safer_actor *actor,
                     const struct safer_audit_filter *f,
                     int (*fn)(const struct safer_audit_row *row, void *ctx), void *ctx,
                     struct safer_err *err)
{
    const char *since = f ? f->since : NULL, *email = f ? f->email : NULL;
    const char *record = f ? f->record : NULL;
    if (since && !since_ok(since))
        return safer_err_set(
            err, SAFER_EINVAL,
            "'%s' is not a date to start from (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS)", since);
    char *mail = email ? safer__xstrdup(email) : NULL;
    for (char *p = mail; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + ('a' - 'A'));
    char *type = record ? safer__xstrdup(record) : NULL;
    char *id = type ? strchr(type, '/') : NULL;
    if (id)
        *id++ = '\0';
    if (type && (!*type || (id && !*id))) {
        free(mail);
        free(type);
        return safer_err_set(err, SAFER_EINVAL, "'%s' is not a record (TYPE or TYPE/ID)", record);
    }
    /* Every filter optional; the CAST gives a NULL its type (PostgreSQL
     * cannot tell the type of a parameter bound as NULL). */
    char sql[512];
    snprintf(sql, sizeof(sql),
             "%s WHERE (CAST(?1 AS TEXT) IS NULL OR at >= ?1)"
             " AND (CAST(?2 AS TEXT) IS NULL OR actor_email = ?2)"
             " AND (CAST(?3 AS TEXT) IS NULL OR record_type = ?3)"
             " AND (CAST(?4 AS TEXT) IS NULL OR record_id = ?4)"
             " ORDER BY id",
             ROW_COLUMNS);
    struct safer__stmt *s = NULL;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = safer__access(st, actor, SAFER_PERM_VIEW_AUDIT, NULL, err);
    if (rc == SAFER_EDENIED) {
        free(mail);
        free(type);
        return safer__audit_denied(st, actor, SAFER_PERM_VIEW_AUDIT, "audit", NULL,
                                   (int64_t)time(NULL), err);
    }
    if (rc == 0)
        rc = safer__prep(st, sql, &s, err);
    if (rc == 0) {
        const char *v[4] = {since, mail, type, id};
        for (int k = 0; k < 4; k++)
            safer__bind_text(s, k + 1, v[k]);
    }
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        struct audit_fields a;
        fields_of(s, &a);
        struct safer_audit_row row = {
            .id = a.id,
            .at = a.at,
            .actor_email = a.actor_email,
            .action = a.action,
            .record_type = a.record_type,
            .record_id = a.record_id,
            .before = a.before,
            .after = a.after,
            .detail = a.detail,
        };
        rc = fn(&row, ctx);
        if (rc > 0)
            rc = 0;
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    free(mail);
    free(type);
    return rc;
}

int safer_audit_verify(struct safer_store *st, struct safer_err *err)
{
    char sql[512];
    snprintf(sql, sizeof(sql), "%s ORDER BY id", ROW_COLUMNS);
    struct safer__stmt *s = NULL;
    char prev[SAFER_TOKEN_HASH_SIZE], hash[SAFER_TOKEN_HASH_SIZE];
    snprintf(prev, sizeof(prev), "%s", ZERO_HASH);
    int64_t last = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = safer__prep(st, sql, &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        struct audit_fields f;
        fields_of(s, &f);
        const char *stored_prev = safer__col_text(s, 11), *stored = safer__col_text(s, 12);
        if (f.id != last + 1) {
            rc = safer_err_set(err, SAFER_EDB,
                               "%s: the audit log is broken at row %lld: row %lld before it is "
                               "missing (removed outside safer)",
                               safer_store_name(st), (long long)f.id, (long long)(last + 1));
            break;
        }
        rc = row_hash(prev, &f, hash, err);
        if (rc < 0)
            break;
        if (!stored_prev || !stored || strcmp(stored_prev, prev) != 0 ||
            strcmp(stored, hash) != 0) {
            rc = safer_err_set(err, SAFER_EDB,
                               "%s: the audit log is broken at row %lld: it does not match its "
                               "hash (changed outside safer)",
                               safer_store_name(st), (long long)f.id);
            break;
        }
        memcpy(prev, hash, sizeof(prev));
        last = f.id;
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}
