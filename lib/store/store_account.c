/*
 * store_account.c - people, organisations, links, sign-in and sessions in
 * the store (account.h; the tables are migration 4 of schema.c).
 *
 * Every call runs in one transaction of its own: a write transaction when
 * it changes anything, in which the actor's access is decided
 * (safer__access) and the audit row written (safer__audit), so that a
 * change and its record stand or fall together. A refusal rolls back and
 * is logged on its own ("denied").
 *
 * The slow part of signing in, argon2id, runs outside any transaction:
 * the store's one writer is never held up by a password being checked.
 * What it decided is checked again inside the write transaction (the
 * person still enabled, the one-time code still unused).
 *
 * Secrets: the store holds the SHA-256 of session ids and of link tokens,
 * never the tokens; argon2id strings of passwords; TOTP secrets in base32
 * (they must be read to check a code). A session's form (CSRF) token is
 * stored as it is: it signs no one in, and the page needs it back.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/account.h"
#include "safer/buf.h"
#include "store/store_impl.h"
#include "util/internal.h"

/* Touch a session's last_seen at most once a minute: a request is then a
 * read, not a write, most of the time. Idle time is counted from the last
 * touch, so a session may end up to this much before SAFER_SESSION_IDLE. */
#define TOUCH_EVERY 60

static const char NOT_RIGHT[] = "the e-mail, password or code is not right";
static const char NO_SESSION[] = "the session is unknown or has ended: sign in again";
static const char BAD_LINK[] =
    "this link is unknown, used or out of date: ask an administrator for a new one";

void safer_actor_operator(struct safer_actor *out)
{
    memset(out, 0, sizeof(*out));
    out->operator = true;
    out->role = SAFER_ROLE_ADMINISTRATOR;
}

bool safer_actor_may(const struct safer_actor *actor, enum safer_perm perm)
{
    if (actor->operator)
        return true;
    return safer_role_may(actor->role, perm) ||
           (perm == SAFER_PERM_OWN_ACCOUNT && actor->user_id > 0 && actor->session_id > 0);
}

void safer_actor_public(struct safer_actor *out, int64_t partnership_id)
{
    memset(out, 0, sizeof(*out));
    out->partnership_id = partnership_id;
    out->role = SAFER_ROLE_PUBLIC;
}

/* ---- checking what comes in ---- */

/* An e-mail address, lower-cased into `out`: one '@' with something on
 * each side, no spaces or control characters, at most 254 bytes (RFC
 * 5321's limit). Non-ASCII is allowed (internationalised addresses); only
 * ASCII is lower-cased. */
static int email_norm(const char *in, char out[256], struct safer_err *err)
{
    out[0] = '\0';
    if (!in || !*in)
        return safer_err_set(err, SAFER_EINVAL, "an e-mail address is needed");
    size_t n = strlen(in);
    if (n > 254)
        return safer_err_set(err, SAFER_EINVAL,
                             "'%.40s...' is not an e-mail address: longer than 254 bytes", in);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c <= 0x20 || c == 0x7f)
            return safer_err_set(err, SAFER_EINVAL,
                                 "'%s' is not an e-mail address: it has a space or a control "
                                 "character",
                                 in);
    }
    const char *at = strchr(in, '@');
    if (!at || at == in || !at[1] || strchr(at + 1, '@'))
        return safer_err_set(err, SAFER_EINVAL,
                             "'%s' is not an e-mail address: it needs one '@' with a name "
                             "before it and a domain after it",
                             in);
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = (unsigned char)in[i];
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return 0;
}

/* A name or organisation: some text, at most 255 bytes, no control
 * characters (it is printed in the audit log and on pages). */
static int text_ok(const char *what, const char *v, struct safer_err *err)
{
    if (!v || !*v)
        return safer_err_set(err, SAFER_EINVAL, "a %s is needed", what);
    if (strlen(v) > 255)
        return safer_err_set(err, SAFER_EINVAL, "the %s '%.40s...' is longer than 255 bytes", what,
                             v);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return safer_err_set(err, SAFER_EINVAL, "the %s '%s' has a control character", what, v);
    }
    return 0;
}

static void id_text(int64_t id, char out[24]) { snprintf(out, 24, "%lld", (long long)id); }

/* Copy a column's text into a fixed field ("" for NULL). */
static void col_copy(struct safer__stmt *s, int col, char *out, size_t size)
{
    const char *t = safer__col_text(s, col);
    snprintf(out, size, "%s", t ? t : "");
}

/* ---- JSON for the audit log's before and after ---- */

static void json_str(struct safer_buf *b, const char *s)
{
    safer_buf_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            safer_buf_putf(b, "\\%c", c);
        else if (c < 0x20)
            safer_buf_putf(b, "\\u%04x", c);
        else
            safer_buf_put(b, s, 1);
    }
    safer_buf_put(b, "\"", 1);
}

/* {"k1": "v1", ...} of NULL-terminated key/value pairs, malloc'd. A value
 * starting with '\001' is written as the literal after it (true, false). */
static char *json_obj(const char *k, ...)
{
    struct safer_buf b;
    safer_buf_init(&b, 1u << 20);
    safer_buf_puts(&b, "{");
    va_list ap;
    va_start(ap, k);
    for (int i = 0; k; i++, k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        if (i)
            safer_buf_puts(&b, ", ");
        json_str(&b, k);
        safer_buf_puts(&b, ": ");
        if (!v)
            safer_buf_puts(&b, "null");
        else if (v[0] == '\001')
            safer_buf_puts(&b, v + 1);
        else
            json_str(&b, v);
    }
    va_end(ap);
    safer_buf_puts(&b, "}");
    if (safer_buf_error(&b)) {
        safer_buf_release(&b);
        return safer__xstrdup("{}");
    }
    return safer_buf_detach(&b, NULL);
}

#define JTRUE "\001true"
#define JFALSE "\001false"

/* ---- shared steps ---- */

/* The id of the row `sql` (one text parameter, one id column) finds for
 * `key`: 1 with *id, 0 when none. */
static int id_of(struct safer_store *st, const char *sql, const char *key, int64_t *id,
                 struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, key);
    rc = safer__step(s, err);
    if (rc == 1)
        *id = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    return rc;
}

/* The partnership of `code`: its id, or SAFER_ENOTFOUND. */
static int partnership_by_code(struct safer_store *st, const char *code, int64_t *id,
                               struct safer_err *err)
{
    int rc = id_of(st, "SELECT id FROM partnership WHERE code = ?", code, id, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "no partnership '%s' in the store (import its plan first: safer "
                           "import plan)",
                           code ? code : "");
    return rc < 0 ? rc : 0;
}

/* The store's one partnership, for a call that names none: its id and
 * code. None, or several (named in the message), is an error. */
static int only_partnership(struct safer_store *st, int64_t *id, char code[64],
                            struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT id, code FROM partnership ORDER BY code", &s, err);
    if (rc < 0)
        return rc;
    char list[256] = "";
    size_t n = 0, len = 0;
    while ((rc = safer__step(s, err)) == 1) {
        const char *c = safer__col_text(s, 1);
        if (n++ == 0) {
            *id = safer__col_int64(s, 0);
            snprintf(code, 64, "%s", c ? c : "");
        }
        if (len < sizeof(list))
            len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", n > 1 ? ", " : "",
                                    c ? c : "");
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    if (n == 0)
        return safer_err_set(err, SAFER_ENOTFOUND,
                             "no partnership in the store yet (import its plan first: safer "
                             "import plan)");
    if (n > 1)
        return safer_err_set(err, SAFER_EINVAL,
                             "the store has %zu partnerships (%s): say which one", n, list);
    return 0;
}

/* May `actor` do `perm` in partnership `pid`? An administrator manages the
 * people of their own partnership only. */
static int may_in(struct safer_store *st, const struct safer_actor *actor, enum safer_perm perm,
                  int64_t pid, struct safer_err *err)
{
    if (!actor->operator && pid != actor->partnership_id)
        return SAFER_EDENIED;
    return safer__access(st, actor, perm, NULL, err);
}

/* The person of `email` (already normalised) who, unless the actor is the
 * operator, belongs to the actor's partnership: SAFER_ENOTFOUND otherwise
 * (an administrator learns nothing of other partnerships' people). */
static int person_by_email(struct safer_store *st, const struct safer_actor *actor,
                           const char *email, int64_t *id, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT u.id FROM app_user u WHERE u.email = ?1 AND (?2 = 0 OR EXISTS"
                         " (SELECT 1 FROM membership m WHERE m.user_id = u.id"
                         " AND m.partnership_id = ?2))",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, email);
    safer__bind_int64(s, 2, actor->operator? 0 : actor->partnership_id);
    rc = safer__step(s, err);
    if (rc == 1)
        *id = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no person '%s' here", email);
    return rc < 0 ? rc : 0;
}

/* The organisation of `name`, added with `kind` when new (*added says). */
static int org_get_or_add(struct safer_store *st, const char *name, const char *kind, int64_t *id,
                          bool *added, struct safer_err *err)
{
    struct safer__stmt *s;
    *added = false;
    int rc = safer__prep(st, "SELECT id FROM organisation WHERE name = ?", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, name);
    rc = safer__step(s, err);
    if (rc == 1)
        *id = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    rc = safer__prep(st, "INSERT INTO organisation(name, kind) VALUES(?, ?) RETURNING id", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, name);
    safer__bind_text(s, 2, kind);
    rc = safer__step(s, err);
    if (rc == 1) {
        *id = safer__col_int64(s, 0);
        *added = true;
        rc = safer__step_done(s, err);
    } else if (rc == 0) {
        rc = safer__db_fail(st->db, err, "cannot add the organisation", "no row id");
    }
    safer__stmt_finalize(s);
    return rc;
}

/* Add organisation `name` if new, with its audit row. */
static int org_ensure(struct safer_store *st, const struct safer_actor *actor, const char *name,
                      const char *kind, int64_t now, int64_t *id, struct safer_err *err)
{
    bool added = false;
    if (!kind || !*kind)
        kind = "partner";
    int rc = org_get_or_add(st, name, kind, id, &added, err);
    if (rc == 0 && added) {
        char rid[24];
        id_text(*id, rid);
        char *after = json_obj("name", name, "kind", kind, NULL);
        rc = safer__audit(st, actor, "org-add", "organisation", rid, NULL, after, NULL, now, err);
        free(after);
    }
    return rc;
}

/* A new link for person `uid`: earlier unused links stop working. */
static int link_new(struct safer_store *st, int64_t uid, const char *kind, int64_t now,
                    char token[SAFER_TOKEN_SIZE], struct safer_err *err)
{
    int rc = safer__run_id(st, "UPDATE user_token SET used = 1 WHERE user_id = ? AND used = 0", uid,
                           err);
    if (rc < 0)
        return rc;
    char hash[SAFER_TOKEN_HASH_SIZE];
    safer_token_new(token);
    safer_token_hash(token, hash);
    struct safer__stmt *s;
    rc = safer__prep(st, "INSERT INTO user_token(hash, user_id, kind, expires) VALUES(?, ?, ?, ?)",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, hash);
    safer__bind_int64(s, 2, uid);
    safer__bind_text(s, 3, kind);
    safer__bind_int64(s, 4, now + SAFER_LINK_LIFE);
    rc = safer__step_done(s, err);
    safer__stmt_finalize(s);
    return rc;
}

/* End the live sessions of person `uid`; *ended (may be NULL) counts them. */
static int end_sessions(struct safer_store *st, int64_t uid, int64_t now, size_t *ended,
                        struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "UPDATE user_session SET ended = ? WHERE user_id = ? AND ended = 0"
                         " RETURNING id",
                         &s, err);
    if (rc < 0)
        return rc;
    /* `ended` is the time it ended; 0 means live, so a clock at 0 still ends it. */
    safer__bind_int64(s, 1, now > 0 ? now : 1);
    safer__bind_int64(s, 2, uid);
    size_t n = 0;
    while ((rc = safer__step(s, err)) == 1)
        n++;
    safer__stmt_finalize(s);
    if (ended)
        *ended = n;
    return rc;
}

/* One audit row in a write transaction of its own (for a failure whose
 * other writes have rolled back). */
static int audit_alone(struct safer_store *st, const struct safer_actor *actor, const char *action,
                       const char *record_type, const char *record_id, const char *detail,
                       int64_t now, struct safer_err *err)
{
    int rc = safer__store_begin_bookkeeping(st, err);
    if (rc == 0)
        rc = safer__audit(st, actor, action, record_type, record_id, NULL, NULL, detail, now, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

/* Finish a call's transaction: commit on success; log a refusal; roll back
 * on anything else. */
static int finish(struct safer_store *st, const struct safer_actor *actor, int rc,
                  enum safer_perm perm, const char *record_type, const char *record_id, int64_t now,
                  struct safer_err *err)
{
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc == SAFER_EDENIED)
        return safer__audit_denied(st, actor, perm, record_type, record_id, now, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

/* End a call that reads a list: commit and hand `v` over, or roll back
 * and free it. */
static int end_list(struct safer_store *st, int rc, void *v, void **out, size_t *n,
                    struct safer_err *err)
{
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/* ---- organisations and people ---- */

int safer_org_add(struct safer_store *st, const struct safer_actor *actor, const char *name,
                  const char *kind, int64_t *id, struct safer_err *err)
{
    int rc = text_ok("organisation's name", name, err);
    if (rc == 0 && kind && *kind)
        rc = text_ok("organisation's kind", kind, err);
    if (rc < 0)
        return rc;
    int64_t now = (int64_t)time(NULL), oid = 0;
    rc = safer__store_begin_bookkeeping(st, err);
    if (rc == 0)
        rc = safer__access(st, actor, SAFER_PERM_MANAGE_USERS, NULL, err);
    if (rc == 0)
        rc = org_ensure(st, actor, name, kind, now, &oid, err);
    rc = finish(st, actor, rc, SAFER_PERM_MANAGE_USERS, "organisation", NULL, now, err);
    if (rc == 0 && id)
        *id = oid;
    return rc;
}

int safer_user_add(struct safer_store *st, const struct safer_actor *actor, const char *email,
                   const char *name, const char *org, const char *partnership_code,
                   enum safer_role role, int64_t now, char token[SAFER_TOKEN_SIZE],
                   struct safer_err *err)
{
    token[0] = '\0';
    char mail[256];
    int rc = safer_auth_init(err);
    if (rc == 0)
        rc = email_norm(email, mail, err);
    if (rc == 0)
        rc = text_ok("name", name, err);
    if (rc == 0)
        rc = text_ok("organisation", org, err);
    if (rc < 0)
        return rc;
    if (!safer_role_name(role))
        return safer_err_set(err, SAFER_EINVAL,
                             "a person's role is one of: public, member, executive, "
                             "practitioner, analyst, coordinator, administrator");
    int64_t pid = 0, oid = 0, uid = 0;
    char secret[SAFER_TOTP_SECRET_SIZE] = "", code[64];
    struct safer__stmt *s = NULL;
    rc = safer__store_begin_bookkeeping(st, err);
    if (rc == 0 && partnership_code && *partnership_code) {
        snprintf(code, sizeof(code), "%s", partnership_code);
        rc = partnership_by_code(st, partnership_code, &pid, err);
    } else if (rc == 0) {
        rc = only_partnership(st, &pid, code, err);
    }
    if (rc == 0)
        rc = may_in(st, actor, SAFER_PERM_MANAGE_USERS, pid, err);
    if (rc == 0)
        rc = safer__prep(st, "SELECT 1 FROM app_user WHERE email = ?", &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, mail);
        rc = safer__step(s, err);
        safer__stmt_finalize(s);
        if (rc == 1)
            rc = safer_err_set(err, SAFER_EINVAL, "'%s' is someone's e-mail already", mail);
    }
    if (rc == 0)
        rc = org_ensure(st, actor, org, NULL, now, &oid, err);
    /* An administrator signs in with a second factor: the secret is made
     * now and shown on the set-up page until it is first used. */
    if (role == SAFER_ROLE_ADMINISTRATOR)
        safer_totp_secret_new(secret);
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO app_user(email, name, organisation_id, totp_secret,"
                         " created_at) VALUES(?, ?, ?, ?, ?) RETURNING id",
                         &s, err);
    if (rc == 0) {
        char at[32];
        safer__iso_at(now, at);
        safer__bind_text(s, 1, mail);
        safer__bind_text(s, 2, name);
        safer__bind_int64(s, 3, oid);
        safer__bind_text(s, 4, secret[0] ? secret : NULL);
        safer__bind_text(s, 5, at);
        rc = safer__step(s, err);
        if (rc == 1) {
            uid = safer__col_int64(s, 0);
            rc = safer__step_done(s, err);
        } else if (rc == 0) {
            rc = safer__db_fail(st->db, err, "cannot add the person", "no row id");
        }
        safer__stmt_finalize(s);
    }
    if (rc == 0)
        rc = safer__prep(
            st, "INSERT INTO membership(user_id, partnership_id, role) VALUES(?, ?, ?)", &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, uid);
        safer__bind_int64(s, 2, pid);
        safer__bind_text(s, 3, safer_role_name(role));
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0)
        rc = link_new(st, uid, "setup", now, token, err);
    if (rc == 0) {
        char rid[24];
        id_text(uid, rid);
        char *after = json_obj("email", mail, "name", name, "organisation", org, "partnership",
                               code, "role", safer_role_name(role), NULL);
        rc = safer__audit(st, actor, "user-add", "user", rid, NULL, after, NULL, now, err);
        free(after);
    }
    rc = finish(st, actor, rc, SAFER_PERM_MANAGE_USERS, "user", NULL, now, err);
    explicit_bzero(secret, sizeof(secret));
    if (rc < 0)
        token[0] = '\0';
    return rc;
}

/* The start of a call about the person of `email` that needs MANAGE_USERS:
 * the write transaction begun, the actor's access decided, the person
 * found (*uid, and `rid` their id as text). Whatever it returns, the
 * caller ends with finish(). */
static int person_begin(struct safer_store *st, const struct safer_actor *actor,
                        const char *email, int64_t *uid, char rid[24], struct safer_err *err)
{
    char mail[256];
    rid[0] = '\0';
    int rc = email_norm(email, mail, err);
    /* A write that moves the generation: a disabling changes what access
     * decisions read of a person (person_kept()). */
    if (rc == 0)
        rc = safer__store_begin_write(st, err);
    if (rc == 0)
        rc = safer__access(st, actor, SAFER_PERM_MANAGE_USERS, NULL, err);
    if (rc == 0)
        rc = person_by_email(st, actor, mail, uid, err);
    if (rc == 0)
        id_text(*uid, rid);
    return rc;
}

int safer_user_reset(struct safer_store *st, const struct safer_actor *actor, const char *email,
                     int64_t now, char token[SAFER_TOKEN_SIZE], struct safer_err *err)
{
    token[0] = '\0';
    char rid[24];
    int64_t uid = 0;
    int rc = safer_auth_init(err);
    if (rc < 0)
        return rc;
    rc = person_begin(st, actor, email, &uid, rid, err);
    if (rc == 0)
        rc = link_new(st, uid, "reset", now, token, err);
    if (rc == 0)
        rc = safer__audit(st, actor, "user-reset", "user", rid, NULL, NULL, NULL, now, err);
    rc = finish(st, actor, rc, SAFER_PERM_MANAGE_USERS, "user", rid[0] ? rid : NULL, now, err);
    if (rc < 0)
        token[0] = '\0';
    return rc;
}

int safer_user_disable(struct safer_store *st, const struct safer_actor *actor, const char *email,
                       bool enable, int64_t now, struct safer_err *err)
{
    char rid[24];
    int64_t uid = 0;
    int rc = person_begin(st, actor, email, &uid, rid, err);
    if (rc == 0 && !actor->operator && uid == actor->user_id)
        rc = safer_err_set(err, SAFER_EINVAL,
                           "you cannot disable or enable yourself: ask another administrator");
    if (rc == 0) {
        struct safer__stmt *s;
        rc = safer__prep(st, "UPDATE app_user SET disabled = ? WHERE id = ?", &s, err);
        if (rc == 0) {
            safer__bind_int64(s, 1, enable ? 0 : 1);
            safer__bind_int64(s, 2, uid);
            rc = safer__step_done(s, err);
            safer__stmt_finalize(s);
        }
    }
    /* A leaver's sessions end now, not at their next request. */
    if (rc == 0 && !enable)
        rc = end_sessions(st, uid, now, NULL, err);
    if (rc == 0) {
        char *before = json_obj("disabled", enable ? JTRUE : JFALSE, NULL);
        char *after = json_obj("disabled", enable ? JFALSE : JTRUE, NULL);
        rc = safer__audit(st, actor, enable ? "user-enable" : "user-disable", "user", rid, before,
                          after, NULL, now, err);
        free(before);
        free(after);
    }
    return finish(st, actor, rc, SAFER_PERM_MANAGE_USERS, "user", rid[0] ? rid : NULL, now, err);
}

int safer_user_end_sessions(struct safer_store *st, const struct safer_actor *actor,
                            const char *email, int64_t now, size_t *ended,
                            struct safer_err *err)
{
    char rid[24], detail[48];
    size_t n = 0;
    if (ended)
        *ended = 0;
    int64_t uid = 0;
    int rc = person_begin(st, actor, email, &uid, rid, err);
    if (rc == 0)
        rc = end_sessions(st, uid, now, &n, err);
    if (rc == 0) {
        snprintf(detail, sizeof(detail), "%zu session%s", n, n == 1 ? "" : "s");
        rc = safer__audit(st, actor, "sessions-end", "user", rid, NULL, NULL, detail, now, err);
    }
    rc = finish(st, actor, rc, SAFER_PERM_MANAGE_USERS, "user", rid[0] ? rid : NULL, now, err);
    if (rc == 0 && ended)
        *ended = n;
    return rc;
}

/* ---- set-up and reset links ---- */

/* The live link of `token`, read in the open transaction: 0 with the
 * person's id and fields, or SAFER_ENOTFOUND. */
struct link_row {
    int64_t uid, totp_step;
    char email[256], name[256];
    char secret[SAFER_TOTP_SECRET_SIZE];
};

static int link_find(struct safer_store *st, const char *token, int64_t now, struct link_row *l,
                     struct safer_err *err)
{
    memset(l, 0, sizeof(*l));
    if (!token || strlen(token) != SAFER_TOKEN_SIZE - 1)
        return safer_err_set(err, SAFER_ENOTFOUND, "%s", BAD_LINK);
    char hash[SAFER_TOKEN_HASH_SIZE];
    safer_token_hash(token, hash);
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT u.id, u.email, u.name, u.totp_secret, u.totp_step"
                         " FROM user_token t JOIN app_user u ON u.id = t.user_id"
                         " WHERE t.hash = ? AND t.used = 0 AND t.expires > ? AND u.disabled = 0",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, hash);
    safer__bind_int64(s, 2, now);
    rc = safer__step(s, err);
    if (rc == 1) {
        l->uid = safer__col_int64(s, 0);
        col_copy(s, 1, l->email, sizeof(l->email));
        col_copy(s, 2, l->name, sizeof(l->name));
        col_copy(s, 3, l->secret, sizeof(l->secret));
        l->totp_step = safer__col_int64(s, 4);
        rc = 0;
    } else if (rc == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND, "%s", BAD_LINK);
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_link_info(struct safer_store *st, const char *token, int64_t now,
                    struct safer_link_info *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct link_row l;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = link_find(st, token, now, &l, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        return rc;
    }
    snprintf(out->email, sizeof(out->email), "%s", l.email);
    snprintf(out->name, sizeof(out->name), "%s", l.name);
    out->needs_totp = l.secret[0] != '\0';
    /* The secret is shown until a code from it has been used once: a reset
     * link of an enrolled administrator does not give it away again. */
    if (out->needs_totp && l.totp_step == 0)
        snprintf(out->totp_secret, sizeof(out->totp_secret), "%s", l.secret);
    explicit_bzero(&l, sizeof(l));
    return 0;
}

int safer_link_use(struct safer_store *st, const char *token, const char *password, size_t len,
                   const char *totp_code, int64_t now, struct safer_err *err)
{
    int rc = safer_auth_init(err);
    if (rc == 0)
        rc = safer_password_policy(password, len, err);
    if (rc < 0)
        return rc;
    /* Check the link before spending a hash on it, then hash outside the
     * write transaction, then check it again inside. */
    struct link_row l;
    rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = link_find(st, token, now, &l, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        return rc;
    }
    char hash[SAFER_PASSWORD_HASH_SIZE];
    rc = safer_password_hash(password, len, hash, err);
    if (rc < 0)
        return rc;
    struct safer_actor me;
    safer_actor_public(&me, 0);
    char rid[24];
    rc = safer__store_begin_bookkeeping(st, err);
    if (rc == 0)
        rc = link_find(st, token, now, &l, err);
    if (rc == 0) {
        me.user_id = l.uid;
        snprintf(me.email, sizeof(me.email), "%s", l.email);
        id_text(l.uid, rid);
    }
    int64_t step = l.totp_step;
    if (rc == 0 && l.secret[0]) {
        step = safer_totp_match(l.secret, totp_code, now, l.totp_step);
        if (step == 0) {
            safer__store_rollback(st);
            rc =
                audit_alone(st, &me, "password-set-failed", "user", rid, "second factor", now, err);
            explicit_bzero(hash, sizeof(hash));
            explicit_bzero(&l, sizeof(l));
            return rc < 0 ? rc
                          : safer_err_set(err, SAFER_EAUTH,
                                          "the code from the authenticator app is not right: "
                                          "check the app's clock, and enter the code it shows now");
        }
    }
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st, "UPDATE app_user SET password_hash = ?, totp_step = ? WHERE id = ?",
                         &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, hash);
        safer__bind_int64(s, 2, step);
        safer__bind_int64(s, 3, l.uid);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0)
        rc = safer__run_id(st, "UPDATE user_token SET used = 1 WHERE user_id = ? AND used = 0",
                           l.uid, err);
    /* Whoever knew the old password is signed out. */
    if (rc == 0)
        rc = end_sessions(st, l.uid, now, NULL, err);
    if (rc == 0)
        rc = safer__audit(st, &me, "password-set", "user", rid, NULL, NULL, NULL, now, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    explicit_bzero(hash, sizeof(hash));
    explicit_bzero(&l, sizeof(l));
    return rc;
}

/* ---- signing in ---- */

/* What the store says of an e-mail that tries to sign in. */
struct login_row {
    int64_t uid, pid, totp_step;
    int64_t failures, failures_hour; /* in the lock-out window, in the last hour */
    bool disabled, member;
    enum safer_role role;
    char email[256], name[256];
    char hash[SAFER_PASSWORD_HASH_SIZE];
    char secret[SAFER_TOTP_SECRET_SIZE];
};

/* Read everything sign-in decides on, in the open transaction; l->uid is 0
 * for an unknown e-mail. */
static int login_read(struct safer_store *st, const char *mail, const char *partnership_code,
                      int64_t now, struct login_row *l, struct safer_err *err)
{
    memset(l, 0, sizeof(*l));
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT id, email, name, password_hash, totp_secret, totp_step, disabled"
                         " FROM app_user WHERE email = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, mail);
    rc = safer__step(s, err);
    if (rc == 1) {
        l->uid = safer__col_int64(s, 0);
        col_copy(s, 1, l->email, sizeof(l->email));
        col_copy(s, 2, l->name, sizeof(l->name));
        col_copy(s, 3, l->hash, sizeof(l->hash));
        col_copy(s, 4, l->secret, sizeof(l->secret));
        l->totp_step = safer__col_int64(s, 5);
        l->disabled = safer__col_int64(s, 6) != 0;
    }
    safer__stmt_finalize(s);
    if (rc <= 0)
        return rc;
    rc = safer__prep(st,
                     "SELECT count(CASE WHEN at > ?2 THEN 1 END), count(*) FROM login_failure"
                     " WHERE user_id = ?1 AND at > ?3",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, l->uid);
    safer__bind_int64(s, 2, now - SAFER_LOGIN_WINDOW);
    safer__bind_int64(s, 3, now - 3600);
    rc = safer__step(s, err);
    if (rc == 1) {
        l->failures = safer__col_int64(s, 0);
        l->failures_hour = safer__col_int64(s, 1);
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    /* The partnership asked for, or the person's first by code. */
    rc = safer__prep(st,
                     "SELECT m.partnership_id, m.role FROM membership m"
                     " JOIN partnership p ON p.id = m.partnership_id"
                     " WHERE m.user_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR p.code = ?2)"
                     " ORDER BY p.code LIMIT 1",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, l->uid);
    safer__bind_text(s, 2, partnership_code);
    rc = safer__step(s, err);
    if (rc == 1) {
        l->pid = safer__col_int64(s, 0);
        l->member = safer_role_parse(safer__col_text(s, 1), &l->role, NULL) == 0;
    }
    safer__stmt_finalize(s);
    return rc < 0 ? rc : 0;
}

static bool locked(const struct login_row *l)
{
    return l->failures >= SAFER_LOGIN_FAILURES || l->failures_hour >= SAFER_LOGIN_FAILURES_HOUR;
}

/* Record a refused sign-in: the failure (when it was a guess at a known
 * account's password or code), its audit row, and the lock-out's when this
 * failure starts one. `action` names a failure that locks nothing
 * ("login-failed"). Returns SAFER_EAUTH, or the store's error. */
static int login_refuse(struct safer_store *st, const struct login_row *l, const char *mail,
                        const char *action, const char *reason, bool guess, int64_t now,
                        struct safer_err *err)
{
    struct safer_actor who;
    safer_actor_public(&who, l->pid);
    char rid[24] = "";
    if (l->uid) {
        who.user_id = l->uid;
        snprintf(who.email, sizeof(who.email), "%s", l->email);
        id_text(l->uid, rid);
    }
    bool was_locked = locked(l);
    int rc = safer__store_begin_bookkeeping(st, err);
    if (rc == 0 && guess && l->uid) {
        struct safer__stmt *s;
        rc = safer__prep(st, "INSERT INTO login_failure(user_id, at) VALUES(?, ?)", &s, err);
        if (rc == 0) {
            safer__bind_int64(s, 1, l->uid);
            safer__bind_int64(s, 2, now);
            rc = safer__step_done(s, err);
            safer__stmt_finalize(s);
        }
    }
    if (rc == 0) {
        /* An unknown e-mail is named in the record when it looks like one
         * (a password typed into the wrong box does not). */
        const char *rt = l->uid ? "user" : mail[0] ? "email" : NULL;
        const char *ri = l->uid ? rid : mail[0] ? mail : NULL;
        rc = safer__audit(st, &who, was_locked ? "login-locked" : action, rt, ri, NULL, NULL,
                          reason, now, err);
    }
    if (rc == 0 && guess && l->uid && !was_locked &&
        (l->failures + 1 >= SAFER_LOGIN_FAILURES ||
         l->failures_hour + 1 >= SAFER_LOGIN_FAILURES_HOUR)) {
        char detail[96];
        if (l->failures + 1 >= SAFER_LOGIN_FAILURES)
            snprintf(detail, sizeof(detail), "%lld failures in %d minutes: locked",
                     (long long)(l->failures + 1), SAFER_LOGIN_WINDOW / 60);
        else
            snprintf(detail, sizeof(detail), "%lld failures in an hour: locked",
                     (long long)(l->failures_hour + 1));
        rc = safer__audit(st, &who, "login-locked", "user", rid, NULL, NULL, detail, now, err);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        return rc;
    }
    return safer_err_set(err, SAFER_EAUTH, "%s", NOT_RIGHT);
}

/* A new session row: `hash` of its id, and its form token `csrf`. */
static int session_new(struct safer_store *st, const char *hash, int64_t uid, int64_t pid,
                       const char *csrf, int64_t now, int64_t *sid, struct safer_err *err)
{
    struct safer__stmt *s = NULL;
    int rc = safer__prep(st,
                         "INSERT INTO user_session(hash, user_id, partnership_id, created,"
                         " last_seen, csrf) VALUES(?, ?, ?, ?, ?, ?) RETURNING id",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, hash);
    safer__bind_int64(s, 2, uid);
    safer__bind_int64(s, 3, pid);
    safer__bind_int64(s, 4, now);
    safer__bind_int64(s, 5, now);
    safer__bind_text(s, 6, csrf);
    rc = safer__step(s, err);
    if (rc == 1) {
        *sid = safer__col_int64(s, 0);
        rc = safer__step_done(s, err);
    } else if (rc == 0) {
        rc = safer__db_fail(st->db, err, "cannot start the session", "no row id");
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_login(struct safer_store *st, const char *email, const char *password, size_t len,
                const char *totp_code, bool waive_totp, const char *partnership_code, int64_t now,
                char token[SAFER_TOKEN_SIZE], struct safer_actor *out, struct safer_err *err)
{
    token[0] = '\0';
    memset(out, 0, sizeof(*out));
    int rc = safer_auth_init(err);
    if (rc < 0)
        return rc;
    char mail[256];
    struct login_row l;
    memset(&l, 0, sizeof(l));
    if (email_norm(email, mail, NULL) == 0) {
        rc = safer__store_begin_read(st, err);
        if (rc == 0)
            rc = login_read(st, mail, partnership_code, now, &l, err);
        if (rc == 0)
            rc = safer__store_commit(st, err);
        if (rc < 0) {
            safer__store_rollback(st);
            return rc;
        }
    }
    /* One argon2id verification whatever the case, so that an unknown
     * e-mail, a lock or a wrong password all take the same time. */
    bool rehash = false;
    int ok = safer_password_verify(l.uid && l.hash[0] ? l.hash : NULL, password, len, &rehash, err);
    if (ok < 0)
        return ok;
    const char *reason = NULL;
    bool guess = false;
    int64_t step = 0;
    if (!l.uid) {
        reason = "unknown e-mail";
    } else if (locked(&l)) {
        reason = "locked";
    } else if (l.disabled) {
        reason = "disabled";
    } else if (!l.hash[0]) {
        reason = "not set up";
    } else if (!ok) {
        reason = "wrong password", guess = true;
    } else if (!l.member) {
        reason = "not a member of the partnership";
    } else if (l.secret[0] && !waive_totp) {
        step = safer_totp_match(l.secret, totp_code, now, l.totp_step);
        /* A right code used before is worth telling apart in the log
         * (someone may have watched it typed). */
        if (step == 0)
            reason = safer_totp_match(l.secret, totp_code, now, 0) ? "second factor used before"
                                                                  : "second factor",
            guess = true;
    }
    if (reason) {
        rc = login_refuse(st, &l, mail, "login-failed", reason, guess, now, err);
        explicit_bzero(&l, sizeof(l));
        return rc;
    }
    /* Bring an old hash up to today's parameters while the password is at
     * hand (AUTH-01). */
    char newhash[SAFER_PASSWORD_HASH_SIZE] = "";
    if (rehash && safer_password_hash(password, len, newhash, NULL) < 0)
        newhash[0] = '\0';

    char hash[SAFER_TOKEN_HASH_SIZE], csrf[SAFER_TOKEN_SIZE], rid[24];
    int64_t sid = 0;
    struct login_row again = {0};
    safer_token_new(token);
    safer_token_hash(token, hash);
    safer_token_new(csrf);
    rc = safer__store_begin_bookkeeping(st, err);
    /* Again inside the write: disabled, locked or the code used meanwhile? */
    if (rc == 0)
        rc = login_read(st, mail, partnership_code, now, &again, err);
    if (rc == 0 && (again.uid != l.uid || again.disabled || locked(&again) || !again.member ||
                    (step && step <= again.totp_step))) {
        safer__store_rollback(st);
        token[0] = '\0';
        const char *why = "second factor used before";
        if (again.uid != l.uid)
            why = "unknown e-mail";
        else if (locked(&again))
            why = "locked";
        else if (again.disabled)
            why = "disabled";
        else if (!again.member)
            why = "not a member of the partnership";
        rc = login_refuse(st, &again, mail, "login-failed", why, false, now, err);
        explicit_bzero(&l, sizeof(l));
        explicit_bzero(&again, sizeof(again));
        return rc;
    }
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = session_new(st, hash, l.uid, l.pid, csrf, now, &sid, err);
    if (rc == 0 && step)
        rc = safer__prep(st, "UPDATE app_user SET totp_step = ? WHERE id = ?", &s, err);
    if (rc == 0 && step) {
        safer__bind_int64(s, 1, step);
        safer__bind_int64(s, 2, l.uid);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0 && newhash[0])
        rc = safer__prep(st, "UPDATE app_user SET password_hash = ? WHERE id = ?", &s, err);
    if (rc == 0 && newhash[0]) {
        safer__bind_text(s, 1, newhash);
        safer__bind_int64(s, 2, l.uid);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0)
        rc = safer__run_id(st, "DELETE FROM login_failure WHERE user_id = ?", l.uid, err);
    if (rc == 0) {
        out->user_id = l.uid;
        out->partnership_id = l.pid;
        out->session_id = sid;
        out->role = l.role;
        snprintf(out->email, sizeof(out->email), "%s", l.email);
        snprintf(out->name, sizeof(out->name), "%s", l.name);
        snprintf(out->csrf, sizeof(out->csrf), "%s", csrf);
        id_text(sid, rid);
        rc = safer__audit(st, out, "login", "session", rid, NULL, NULL,
                          newhash[0] ? "password hash brought up to date" : NULL, now, err);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        token[0] = '\0';
        memset(out, 0, sizeof(*out));
    }
    explicit_bzero(&l, sizeof(l));
    explicit_bzero(&again, sizeof(again));
    explicit_bzero(newhash, sizeof(newhash));
    return rc;
}

/* ---- sessions ---- */

static bool is_token(const char *t)
{
    return t && strlen(t) == SAFER_TOKEN_SIZE - 1 &&
           strspn(t, "0123456789abcdef") == SAFER_TOKEN_SIZE - 1;
}

/*
 * What an access decision reads of a person beside their session: whether
 * they are disabled, their name, and their role in the session's
 * partnership. These change only in writes that move the store's
 * generation (a disabling, a change of membership or role), so a handle
 * keeps what it read, with the generation it read it at, and a session
 * read in a snapshot of the same generation uses it: the same answer a
 * read in that snapshot would give, one index lookup instead of three.
 */
#define PEOPLE 64

struct person {
    int64_t user_id, partnership_id, generation; /* user_id 0: a free entry */
    bool disabled, member;
    enum safer_role role;
    char email[256], name[256];
};

struct safer__people {
    struct person e[PEOPLE];
    size_t next; /* the entry replaced next */
};

void safer__people_free(struct safer_store *st)
{
    free(st->people);
    st->people = NULL;
}

static struct person *person_kept(struct safer_store *st, int64_t uid, int64_t pid, int64_t gen)
{
    for (size_t i = 0; st->people && gen >= 0 && i < PEOPLE; i++) {
        struct person *p = &st->people->e[i];
        if (p->user_id == uid && p->partnership_id == pid && p->generation == gen)
            return p;
    }
    return NULL;
}

static void person_keep(struct safer_store *st, const struct person *p)
{
    if (p->generation < 0)
        return;
    if (!st->people)
        st->people = safer__xcalloc(1, sizeof(*st->people));
    struct safer__people *k = st->people;
    size_t slot = k->next;
    for (size_t i = 0; i < PEOPLE; i++) {
        if (k->e[i].user_id == p->user_id && k->e[i].partnership_id == p->partnership_id) {
            slot = i;
            break;
        }
    }
    if (slot == k->next)
        k->next = (k->next + 1) % PEOPLE;
    k->e[slot] = *p;
}

/* Read the person of (uid, pid) as the open snapshot has them. */
static int person_read(struct safer_store *st, int64_t uid, int64_t pid, struct person *p,
                       struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT u.disabled, u.email, u.name, m.role FROM app_user u"
                         " LEFT JOIN membership m ON m.user_id = u.id AND m.partnership_id = ?"
                         " WHERE u.id = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_int64(s, 2, uid);
    rc = safer__step(s, err);
    if (rc == 1) {
        p->disabled = safer__col_int64(s, 0) != 0;
        col_copy(s, 1, p->email, sizeof(p->email));
        col_copy(s, 2, p->name, sizeof(p->name));
        p->member = safer_role_parse(safer__col_text(s, 3), &p->role, NULL) == 0;
        rc = 0;
    } else if (rc == 0) {
        /* No such person (a foreign key forbids it): no access. */
        p->disabled = true;
        p->member = false;
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_session_find(struct safer_store *st, const char *token, int64_t now,
                       struct safer_actor *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    if (!is_token(token))
        return safer_err_set(err, SAFER_EAUTH, "%s", NO_SESSION);
    char hash[SAFER_TOKEN_HASH_SIZE];
    safer_token_hash(token, hash);
    struct safer__stmt *s = NULL;
    int64_t created = 0, last_seen = 0, ended = 0, gen = -1;
    bool found = false, disabled = false, member = false;
    /* One statement, its own snapshot when no transaction is open: the
     * session and the generation its person is kept at. */
    int rc = safer__prep(st,
                         "SELECT s.id, s.user_id, s.partnership_id, s.created, s.last_seen,"
                         " s.csrf, s.ended, (SELECT value FROM meta WHERE key = 'generation')"
                         " FROM user_session s WHERE s.hash = ?",
                         &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, hash);
        rc = safer__step(s, err);
        if (rc == 1) {
            found = true;
            out->session_id = safer__col_int64(s, 0);
            out->user_id = safer__col_int64(s, 1);
            out->partnership_id = safer__col_int64(s, 2);
            created = safer__col_int64(s, 3);
            last_seen = safer__col_int64(s, 4);
            col_copy(s, 5, out->csrf, sizeof(out->csrf));
            ended = safer__col_int64(s, 6);
            const char *g = safer__col_text(s, 7);
            gen = safer__generation_of(g);
            /* In a read scope, the page's reads need the generation: one
             * round trip the fewer. */
            safer__generation_learnt(st, g);
            rc = 0;
        }
        safer__stmt_finalize(s);
    }
    if (rc == 0 && found) {
        const struct person *kept = person_kept(st, out->user_id, out->partnership_id, gen);
        struct person p = {.user_id = out->user_id, .partnership_id = out->partnership_id,
                           .generation = gen};
        if (kept) {
            p = *kept;
        } else {
            rc = person_read(st, out->user_id, out->partnership_id, &p, err);
            /* Read in the session's snapshot only (a read transaction), or
             * the generation would not be theirs. */
            if (rc == 0 && st->db->in_tx && st->db->tx == SAFER__TX_READ)
                person_keep(st, &p);
        }
        disabled = p.disabled;
        member = p.member;
        out->role = p.role;
        memcpy(out->email, p.email, sizeof(out->email));
        memcpy(out->name, p.name, sizeof(out->name));
    }
    if (rc < 0) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    bool live = found && !ended && !disabled && member && now - last_seen <= SAFER_SESSION_IDLE &&
                now - created <= SAFER_SESSION_MAX;
    /* End a session found out of date, so that it stays ended whatever the
     * clock does next; touch a live one now and then. */
    if (found && !ended && (!live || now - last_seen >= TOUCH_EVERY)) {
        rc = safer__store_begin_bookkeeping(st, err);
        if (rc == 0)
            rc = safer__prep(st,
                             live ? "UPDATE user_session SET last_seen = ?1 WHERE id = ?2"
                                    " AND ended = 0 RETURNING id"
                                  : "UPDATE user_session SET ended = ?1 WHERE id = ?2"
                                    " AND ended = 0 RETURNING id",
                             &s, err);
        if (rc == 0) {
            safer__bind_int64(s, 1, live ? now : (now > 0 ? now : 1));
            safer__bind_int64(s, 2, out->session_id);
            rc = safer__step(s, err);
            /* Ended by another request meanwhile: no row. */
            if (rc == 0)
                live = false;
            if (rc == 1)
                rc = safer__step_done(s, err);
            safer__stmt_finalize(s);
        }
        if (rc == 0)
            rc = safer__store_commit(st, err);
        if (rc < 0) {
            safer__store_rollback(st);
            memset(out, 0, sizeof(*out));
            return rc;
        }
    }
    if (!live) {
        memset(out, 0, sizeof(*out));
        return safer_err_set(err, SAFER_EAUTH, "%s", NO_SESSION);
    }
    /* In a read scope's snapshot (nothing written since the row was read),
     * the row said all the access decision asks: a member, not disabled,
     * the session not ended. */
    if (st->db->in_tx && st->db->tx == SAFER__TX_READ)
        safer__role_learnt(st, out, 1, out->role);
    return 0;
}

int safer_session_end(struct safer_store *st, const struct safer_actor *actor, int64_t session_id,
                      int64_t now, struct safer_err *err)
{
    char rid[24];
    id_text(session_id, rid);
    struct safer__stmt *s = NULL;
    int64_t owner = 0;
    enum safer_perm perm = SAFER_PERM_OWN_ACCOUNT;
    int rc = safer__store_begin_bookkeeping(st, err);
    if (rc == 0)
        rc =
            safer__prep(st, "SELECT user_id FROM user_session WHERE id = ? AND ended = 0", &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, session_id);
        rc = safer__step(s, err);
        if (rc == 1)
            owner = safer__col_int64(s, 0);
        safer__stmt_finalize(s);
        if (rc == 0)
            rc = safer_err_set(err, SAFER_ENOTFOUND, "no live session %lld", (long long)session_id);
        if (rc == 1)
            rc = 0;
    }
    if (rc == 0) {
        perm = !actor->operator && owner == actor->user_id ? SAFER_PERM_OWN_ACCOUNT
                                                           : SAFER_PERM_MANAGE_USERS;
        rc = safer__access(st, actor, perm, NULL, err);
    }
    /* Another's session: only within the administrator's partnership. */
    if (rc == 0 && perm == SAFER_PERM_MANAGE_USERS && !actor->operator) {
        rc = safer__prep(st, "SELECT 1 FROM membership WHERE user_id = ? AND partnership_id = ?",
                         &s, err);
        if (rc == 0) {
            safer__bind_int64(s, 1, owner);
            safer__bind_int64(s, 2, actor->partnership_id);
            rc = safer__step(s, err);
            safer__stmt_finalize(s);
            if (rc == 0)
                rc = safer_err_set(err, SAFER_ENOTFOUND, "no live session %lld",
                                   (long long)session_id);
            if (rc == 1)
                rc = 0;
        }
    }
    if (rc == 0)
        rc = safer__prep(st, "UPDATE user_session SET ended = ? WHERE id = ?", &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, now > 0 ? now : 1);
        safer__bind_int64(s, 2, session_id);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0)
        rc = safer__audit(st, actor, session_id == actor->session_id ? "logout" : "session-end",
                          "session", rid, NULL, NULL, NULL, now, err);
    return finish(st, actor, rc, perm, "session", rid, now, err);
}

int safer_session_list(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                       struct safer_session_info **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s = NULL;
    struct safer_session_info *v = NULL;
    size_t cap = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = safer__access(st, actor, SAFER_PERM_OWN_ACCOUNT, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__audit_denied(st, actor, SAFER_PERM_OWN_ACCOUNT, "session", NULL, now, err);
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT id, created, last_seen FROM user_session WHERE user_id = ?"
                         " AND ended = 0 AND last_seen >= ? AND created >= ?"
                         " ORDER BY created DESC, id DESC",
                         &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, actor->user_id);
        safer__bind_int64(s, 2, now - SAFER_SESSION_IDLE);
        safer__bind_int64(s, 3, now - SAFER_SESSION_MAX);
    }
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, *n + 1);
        struct safer_session_info *i = &v[(*n)++];
        i->id = safer__col_int64(s, 0);
        i->created = safer__col_int64(s, 1);
        i->last_seen = safer__col_int64(s, 2);
        i->current = i->id == actor->session_id;
        rc = 0;
    }
    safer__stmt_finalize(s);
    return end_list(st, rc, v, (void **)out, n, err);
}

/* ---- people ---- */

int safer_people_list(struct safer_store *st, const struct safer_actor *actor,
                      struct safer_person **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s = NULL;
    struct safer_person *v = NULL;
    size_t cap = 0;
    enum safer_role role = SAFER_ROLE_PUBLIC;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0) {
        rc = safer__access(st, actor, SAFER_PERM_VIEW_PLAN, &role, err);
        if (rc == SAFER_EDENIED && safer_role_may(role, SAFER_PERM_MANAGE_USERS))
            rc = 0;
    }
    if (rc == SAFER_EDENIED)
        return safer__audit_denied(st, actor, SAFER_PERM_VIEW_PLAN, "user", NULL,
                                   (int64_t)time(NULL), err);
    /* The operator with no partnership chosen sees everyone, a row per
     * membership. */
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT u.id, u.email, u.name, o.name, m.role, u.disabled,"
                         " u.password_hash IS NOT NULL, p.code,"
                         " (SELECT max(created) FROM user_session WHERE user_id = u.id)"
                         " FROM app_user u"
                         " JOIN organisation o ON o.id = u.organisation_id"
                         " JOIN membership m ON m.user_id = u.id"
                         " JOIN partnership p ON p.id = m.partnership_id"
                         " WHERE ?1 = 0 OR m.partnership_id = ?1 ORDER BY u.name, u.email, p.code",
                         &s, err);
    if (rc == 0)
        safer__bind_int64(s, 1,
                          actor->operator? actor->partnership_id
                                         : (actor->partnership_id ? actor->partnership_id : -1));
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, *n + 1);
        struct safer_person *p = &v[(*n)++];
        memset(p, 0, sizeof(*p));
        p->id = safer__col_int64(s, 0);
        col_copy(s, 1, p->email, sizeof(p->email));
        col_copy(s, 2, p->name, sizeof(p->name));
        col_copy(s, 3, p->org, sizeof(p->org));
        if (safer_role_parse(safer__col_text(s, 4), &p->role, NULL) < 0)
            p->role = SAFER_ROLE_PUBLIC;
        p->disabled = safer__col_int64(s, 5) != 0;
        p->set_up = safer__col_int64(s, 6) != 0;
        col_copy(s, 7, p->partnership, sizeof(p->partnership));
        /* When someone last signed in is for who manages people. */
        if (actor->operator || safer_role_may(role, SAFER_PERM_MANAGE_USERS))
            p->last_login = safer__col_int64(s, 8);
        rc = 0;
    }
    safer__stmt_finalize(s);
    return end_list(st, rc, v, (void **)out, n, err);
}

/* ---- memberships, one's own password, the partnership of a session ---- */

/* The code of partnership `pid`: SAFER_ENOTFOUND when there is none. */
static int partnership_code_of(struct safer_store *st, int64_t pid, char code[64],
                               struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT code FROM partnership WHERE id = ?", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    rc = safer__step(s, err);
    if (rc == 1)
        col_copy(s, 0, code, 64);
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no partnership %lld", (long long)pid);
    return rc < 0 ? rc : 0;
}

/* The partnership a call about memberships is about: `code` when given,
 * else the actor's, else (the operator with none) the store's only one. */
static int pick_partnership(struct safer_store *st, const struct safer_actor *actor,
                            const char *code, int64_t *pid, char out[64], struct safer_err *err)
{
    if (code && *code) {
        snprintf(out, 64, "%s", code);
        return partnership_by_code(st, code, pid, err);
    }
    if (actor->partnership_id) {
        *pid = actor->partnership_id;
        return partnership_code_of(st, *pid, out, err);
    }
    return only_partnership(st, pid, out, err);
}

/* The person of `email` wherever they belong: their id, or SAFER_ENOTFOUND. */
static int person_anywhere(struct safer_store *st, const char *mail, int64_t *uid,
                           struct safer_err *err)
{
    int rc = id_of(st, "SELECT id FROM app_user WHERE email = ?", mail, uid, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no person '%s' here", mail);
    return rc < 0 ? rc : 0;
}

/* The role of person `uid` in partnership `pid`: 1 with *role, 0 when they
 * are not in it. */
static int role_in(struct safer_store *st, int64_t uid, int64_t pid, enum safer_role *role,
                   struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT role FROM membership WHERE user_id = ? AND partnership_id = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, uid);
    safer__bind_int64(s, 2, pid);
    rc = safer__step(s, err);
    if (rc == 1 && safer_role_parse(safer__col_text(s, 0), role, NULL) < 0)
        *role = SAFER_ROLE_PUBLIC;
    safer__stmt_finalize(s);
    return rc;
}

/* A person who now holds the administrator's role must sign in with a
 * second factor: without an enrolled one they get a new secret, their
 * sessions end, and a reset link (its token in `token`) enrols it. */
static int admin_factor(struct safer_store *st, int64_t uid, int64_t now,
                        char token[SAFER_TOKEN_SIZE], struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT totp_secret FROM app_user WHERE id = ?", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, uid);
    rc = safer__step(s, err);
    bool has = rc == 1 && safer__col_text(s, 0) && *safer__col_text(s, 0);
    safer__stmt_finalize(s);
    if (rc < 0 || has)
        return rc < 0 ? rc : 0;
    char secret[SAFER_TOTP_SECRET_SIZE];
    safer_totp_secret_new(secret);
    rc = safer__prep(st, "UPDATE app_user SET totp_secret = ?, totp_step = 0 WHERE id = ?", &s,
                     err);
    if (rc == 0) {
        safer__bind_text(s, 1, secret);
        safer__bind_int64(s, 2, uid);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    explicit_bzero(secret, sizeof(secret));
    if (rc == 0)
        rc = end_sessions(st, uid, now, NULL, err);
    if (rc == 0)
        rc = link_new(st, uid, "reset", now, token, err);
    return rc;
}

/* The start of a membership call: the write transaction begun, the
 * partnership picked (*pid, `code`), MANAGE_USERS there decided, the
 * person found anywhere (*uid, `rid`). The caller ends with finish(). */
static int membership_begin(struct safer_store *st, const struct safer_actor *actor,
                            const char *email, const char *partnership_code, int64_t *pid,
                            char code[64], int64_t *uid, char rid[24], struct safer_err *err)
{
    char mail[256];
    rid[0] = '\0';
    code[0] = '\0';
    int rc = email_norm(email, mail, err);
    if (rc == 0)
        rc = safer__store_begin_write(st, err);
    if (rc == 0)
        rc = pick_partnership(st, actor, partnership_code, pid, code, err);
    if (rc == 0)
        rc = may_in(st, actor, SAFER_PERM_MANAGE_USERS, *pid, err);
    if (rc == 0)
        rc = person_anywhere(st, mail, uid, err);
    if (rc == 0)
        id_text(*uid, rid);
    return rc;
}

static int role_check(enum safer_role role, struct safer_err *err)
{
    if (safer_role_name(role))
        return 0;
    return safer_err_set(err, SAFER_EINVAL,
                         "a person's role is one of: public, member, executive, practitioner, "
                         "analyst, coordinator, administrator");
}

/* Join (a new membership) or a role changed (an existing one): what
 * safer_user_join() and safer_user_role() share. */
static int membership_set(struct safer_store *st, const struct safer_actor *actor,
                          const char *email, const char *partnership_code, enum safer_role role,
                          bool join, int64_t now, char token[SAFER_TOKEN_SIZE],
                          struct safer_err *err)
{
    token[0] = '\0';
    char rid[24] = "", code[64];
    int64_t pid = 0, uid = 0;
    enum safer_role was = SAFER_ROLE_PUBLIC;
    int rc = safer_auth_init(err);
    if (rc == 0)
        rc = role_check(role, err);
    if (rc < 0)
        return rc;
    rc = membership_begin(st, actor, email, partnership_code, &pid, code, &uid, rid, err);
    if (rc == 0) {
        rc = role_in(st, uid, pid, &was, err);
        if (rc == 1 && join)
            rc = safer_err_set(err, SAFER_EINVAL,
                               "'%s' is in partnership '%s' already, as %s (change it with "
                               "safer user role)",
                               email, code, safer_role_name(was));
        else if (rc == 0 && !join)
            rc = safer_err_set(err, SAFER_ENOTFOUND, "no person '%s' in partnership '%s'", email,
                               code);
        else if (rc >= 0)
            rc = 0;
    }
    if (rc == 0 && !join && !actor->operator && uid == actor->user_id)
        rc = safer_err_set(err, SAFER_EINVAL,
                           "you cannot change your own role: ask another administrator");
    /* The same role again writes nothing. */
    bool changed = rc == 0 && (join || was != role);
    if (changed) {
        struct safer__stmt *s;
        rc = safer__prep(st,
                         join ? "INSERT INTO membership(role, user_id, partnership_id)"
                                " VALUES(?, ?, ?)"
                              : "UPDATE membership SET role = ? WHERE user_id = ?"
                                " AND partnership_id = ?",
                         &s, err);
        if (rc == 0) {
            safer__bind_text(s, 1, safer_role_name(role));
            safer__bind_int64(s, 2, uid);
            safer__bind_int64(s, 3, pid);
            rc = safer__step_done(s, err);
            safer__stmt_finalize(s);
        }
    }
    if (changed && rc == 0 && role == SAFER_ROLE_ADMINISTRATOR)
        rc = admin_factor(st, uid, now, token, err);
    if (changed && rc == 0) {
        char *before =
            join ? NULL : json_obj("partnership", code, "role", safer_role_name(was), NULL);
        char *after = json_obj("partnership", code, "role", safer_role_name(role), NULL);
        rc = safer__audit(st, actor, join ? "user-join" : "user-role", "user", rid, before, after,
                          token[0] ? "second factor to enrol: sessions ended" : NULL, now, err);
        free(before);
        free(after);
    }
    rc = finish(st, actor, rc, SAFER_PERM_MANAGE_USERS, "user", rid[0] ? rid : NULL, now, err);
    if (rc < 0)
        token[0] = '\0';
    return rc;
}

int safer_user_role(struct safer_store *st, const struct safer_actor *actor, const char *email,
                    const char *partnership_code, enum safer_role role, int64_t now,
                    char token[SAFER_TOKEN_SIZE], struct safer_err *err)
{
    return membership_set(st, actor, email, partnership_code, role, false, now, token, err);
}

int safer_user_join(struct safer_store *st, const struct safer_actor *actor, const char *email,
                    const char *partnership_code, enum safer_role role, int64_t now,
                    char token[SAFER_TOKEN_SIZE], struct safer_err *err)
{
    return membership_set(st, actor, email, partnership_code, role, true, now, token, err);
}

int safer_user_leave(struct safer_store *st, const struct safer_actor *actor, const char *email,
                     const char *partnership_code, int64_t now, struct safer_err *err)
{
    char rid[24] = "", code[64];
    int64_t pid = 0, uid = 0, count = 0;
    enum safer_role was = SAFER_ROLE_PUBLIC;
    int rc = membership_begin(st, actor, email, partnership_code, &pid, code, &uid, rid, err);
    if (rc == 0) {
        rc = role_in(st, uid, pid, &was, err);
        if (rc == 0)
            rc = safer_err_set(err, SAFER_ENOTFOUND, "no person '%s' in partnership '%s'", email,
                               code);
        if (rc == 1)
            rc = 0;
    }
    if (rc == 0 && !actor->operator && uid == actor->user_id)
        rc = safer_err_set(err, SAFER_EINVAL,
                           "you cannot take yourself out of a partnership: ask another "
                           "administrator");
    struct safer__stmt *s;
    if (rc == 0)
        rc = safer__prep(st, "SELECT count(*) FROM membership WHERE user_id = ?", &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, uid);
        rc = safer__step(s, err);
        if (rc == 1)
            count = safer__col_int64(s, 0), rc = 0;
        safer__stmt_finalize(s);
    }
    if (rc == 0 && count <= 1)
        rc = safer_err_set(err, SAFER_EINVAL,
                           "'%s' is in no other partnership: disable them instead (safer user "
                           "disable)",
                           email);
    if (rc == 0)
        rc = safer__prep(st, "DELETE FROM membership WHERE user_id = ? AND partnership_id = ?", &s,
                         err);
    if (rc == 0) {
        safer__bind_int64(s, 1, uid);
        safer__bind_int64(s, 2, pid);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    /* Their sessions in it end now; those in other partnerships go on. */
    if (rc == 0)
        rc = safer__prep(st,
                         "UPDATE user_session SET ended = ? WHERE user_id = ?"
                         " AND partnership_id = ? AND ended = 0",
                         &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, now > 0 ? now : 1);
        safer__bind_int64(s, 2, uid);
        safer__bind_int64(s, 3, pid);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0) {
        char *before = json_obj("partnership", code, "role", safer_role_name(was), NULL);
        rc = safer__audit(st, actor, "user-leave", "user", rid, before, NULL, NULL, now, err);
        free(before);
    }
    return finish(st, actor, rc, SAFER_PERM_MANAGE_USERS, "user", rid[0] ? rid : NULL, now, err);
}

int safer_person_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                     struct safer_person *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    char rid[24];
    id_text(id, rid);
    struct safer__stmt *s = NULL;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = safer__access(st, actor, SAFER_PERM_MANAGE_USERS, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__audit_denied(st, actor, SAFER_PERM_MANAGE_USERS, "user", rid,
                                   (int64_t)time(NULL), err);
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT u.email, u.name, o.name, m.role, u.disabled,"
                         " u.password_hash IS NOT NULL, p.code,"
                         " (SELECT max(created) FROM user_session WHERE user_id = u.id)"
                         " FROM app_user u JOIN organisation o ON o.id = u.organisation_id"
                         " JOIN membership m ON m.user_id = u.id"
                         " JOIN partnership p ON p.id = m.partnership_id"
                         " WHERE u.id = ? AND m.partnership_id = ?",
                         &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, id);
        safer__bind_int64(s, 2, actor->partnership_id);
        rc = safer__step(s, err);
        if (rc == 1) {
            out->id = id;
            col_copy(s, 0, out->email, sizeof(out->email));
            col_copy(s, 1, out->name, sizeof(out->name));
            col_copy(s, 2, out->org, sizeof(out->org));
            if (safer_role_parse(safer__col_text(s, 3), &out->role, NULL) < 0)
                out->role = SAFER_ROLE_PUBLIC;
            out->disabled = safer__col_int64(s, 4) != 0;
            out->set_up = safer__col_int64(s, 5) != 0;
            col_copy(s, 6, out->partnership, sizeof(out->partnership));
            out->last_login = safer__col_int64(s, 7);
            rc = 0;
        } else if (rc == 0) {
            rc = safer_err_set(err, SAFER_ENOTFOUND, "no person %lld here", (long long)id);
        }
        safer__stmt_finalize(s);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

int safer_membership_list(struct safer_store *st, const struct safer_actor *actor,
                          struct safer_membership **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s = NULL;
    struct safer_membership *v = NULL;
    size_t cap = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = actor->user_id > 0 ? safer__access(st, actor, SAFER_PERM_OWN_ACCOUNT, NULL, err)
                                : SAFER_EDENIED;
    if (rc == SAFER_EDENIED)
        return safer__audit_denied(st, actor, SAFER_PERM_OWN_ACCOUNT, "membership", NULL,
                                   (int64_t)time(NULL), err);
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT p.id, p.code, p.name, m.role FROM membership m"
                         " JOIN partnership p ON p.id = m.partnership_id"
                         " WHERE m.user_id = ? ORDER BY p.code",
                         &s, err);
    if (rc == 0)
        safer__bind_int64(s, 1, actor->user_id);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, *n + 1);
        struct safer_membership *m = &v[(*n)++];
        memset(m, 0, sizeof(*m));
        m->partnership_id = safer__col_int64(s, 0);
        col_copy(s, 1, m->code, sizeof(m->code));
        col_copy(s, 2, m->name, sizeof(m->name));
        if (safer_role_parse(safer__col_text(s, 3), &m->role, NULL) < 0)
            m->role = SAFER_ROLE_PUBLIC;
        m->current = m->partnership_id == actor->partnership_id;
        rc = 0;
    }
    safer__stmt_finalize(s);
    return end_list(st, rc, v, (void **)out, n, err);
}

int safer_session_switch(struct safer_store *st, const struct safer_actor *actor,
                         int64_t partnership_id, int64_t now, struct safer_actor *out,
                         struct safer_err *err)
{
    char rid[24], from[64] = "", to[64] = "";
    id_text(actor->session_id, rid);
    enum safer_role role = SAFER_ROLE_PUBLIC;
    struct safer__stmt *s = NULL;
    int rc = safer__store_begin_write(st, err);
    if (rc == 0)
        rc = actor->user_id > 0 && actor->session_id > 0
                 ? safer__access(st, actor, SAFER_PERM_OWN_ACCOUNT, NULL, err)
                 : SAFER_EDENIED;
    if (rc == 0) {
        rc = role_in(st, actor->user_id, partnership_id, &role, err);
        if (rc == 0)
            rc = safer_err_set(err, SAFER_ENOTFOUND, "you are not in partnership %lld",
                               (long long)partnership_id);
        if (rc == 1)
            rc = 0;
    }
    /* Where it is already: nothing to write. */
    bool same = partnership_id == actor->partnership_id;
    if (rc == 0 && !same)
        rc = partnership_code_of(st, actor->partnership_id, from, err);
    if (rc == 0 && !same)
        rc = partnership_code_of(st, partnership_id, to, err);
    if (rc == 0 && !same)
        rc = safer__prep(st,
                         "UPDATE user_session SET partnership_id = ? WHERE id = ? AND user_id = ?"
                         " AND ended = 0 RETURNING id",
                         &s, err);
    if (rc == 0 && !same) {
        safer__bind_int64(s, 1, partnership_id);
        safer__bind_int64(s, 2, actor->session_id);
        safer__bind_int64(s, 3, actor->user_id);
        rc = safer__step(s, err);
        if (rc == 1)
            rc = safer__step_done(s, err);
        else if (rc == 0)
            rc = safer_err_set(err, SAFER_ENOTFOUND, "%s", NO_SESSION);
        safer__stmt_finalize(s);
    }
    struct safer_actor now_as = *actor;
    now_as.partnership_id = partnership_id;
    now_as.role = role;
    if (rc == 0 && !same) {
        char *before = json_obj("partnership", from, NULL);
        char *after = json_obj("partnership", to, NULL);
        rc = safer__audit(st, &now_as, "partnership-switch", "session", rid, before, after, NULL,
                          now, err);
        free(before);
        free(after);
    }
    rc = finish(st, actor, rc, SAFER_PERM_OWN_ACCOUNT, "session", rid, now, err);
    if (rc == 0 && out)
        *out = now_as;
    return rc;
}

int safer_password_change(struct safer_store *st, const struct safer_actor *actor,
                          const char *current, size_t curlen, const char *password, size_t len,
                          int64_t now, char token[SAFER_TOKEN_SIZE], struct safer_actor *out,
                          struct safer_err *err)
{
    token[0] = '\0';
    int rc = safer_auth_init(err);
    if (rc < 0)
        return rc;
    if (actor->operator || actor->user_id <= 0 || actor->session_id <= 0)
        return safer__audit_denied(st, actor, SAFER_PERM_OWN_ACCOUNT, "user", NULL, now, err);
    rc = safer_password_policy(password, len, err);
    if (rc < 0)
        return rc;
    /* What sign-in would read, then the slow hashes outside any write. */
    struct login_row l = {0};
    rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = safer__access(st, actor, SAFER_PERM_OWN_ACCOUNT, NULL, err);
    if (rc == 0)
        rc = login_read(st, actor->email, NULL, now, &l, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc == SAFER_EDENIED)
        return safer__audit_denied(st, actor, SAFER_PERM_OWN_ACCOUNT, "user", NULL, now, err);
    if (rc < 0) {
        safer__store_rollback(st);
        return rc;
    }
    if (l.uid != actor->user_id) {
        explicit_bzero(&l, sizeof(l));
        return safer__audit_denied(st, actor, SAFER_PERM_OWN_ACCOUNT, "user", NULL, now, err);
    }
    int ok = safer_password_verify(l.hash[0] ? l.hash : NULL, current ? current : "",
                                   current ? curlen : 0, NULL, err);
    if (ok < 0) {
        explicit_bzero(&l, sizeof(l));
        return ok;
    }
    if (!ok || locked(&l)) {
        rc = login_refuse(st, &l, l.email, "password-change-failed",
                          locked(&l) ? "locked" : "wrong password", ok == 0, now, err);
        explicit_bzero(&l, sizeof(l));
        if (rc != SAFER_EAUTH)
            return rc;
        safer_err_clear(err);
        return safer_err_set(err, SAFER_EAUTH, "the current password is not right");
    }
    char hash[SAFER_PASSWORD_HASH_SIZE];
    rc = safer_password_hash(password, len, hash, err);
    if (rc < 0) {
        explicit_bzero(&l, sizeof(l));
        return rc;
    }
    char shash[SAFER_TOKEN_HASH_SIZE], csrf[SAFER_TOKEN_SIZE], rid[24], detail[48];
    int64_t sid = 0;
    size_t ended = 0;
    struct login_row again = {0};
    id_text(l.uid, rid);
    safer_token_new(token);
    safer_token_hash(token, shash);
    safer_token_new(csrf);
    struct safer__stmt *s = NULL;
    rc = safer__store_begin_write(st, err);
    /* Again inside the write: the session still live, the person still
     * enabled and not locked meanwhile. */
    if (rc == 0)
        rc = safer__access(st, actor, SAFER_PERM_OWN_ACCOUNT, NULL, err);
    if (rc == 0)
        rc = login_read(st, actor->email, NULL, now, &again, err);
    if (rc == 0 && (again.uid != l.uid || again.disabled || locked(&again)))
        rc = safer_err_set(err, SAFER_EAUTH, "the current password is not right");
    if (rc == 0)
        rc = safer__prep(st, "UPDATE app_user SET password_hash = ? WHERE id = ?", &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, hash);
        safer__bind_int64(s, 2, l.uid);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0)
        rc = safer__run_id(st, "UPDATE user_token SET used = 1 WHERE user_id = ? AND used = 0",
                           l.uid, err);
    /* Whoever knew the old password is signed out; this browser goes on
     * with a session of a new id. */
    if (rc == 0)
        rc = end_sessions(st, l.uid, now, &ended, err);
    if (rc == 0)
        rc = session_new(st, shash, l.uid, actor->partnership_id, csrf, now, &sid, err);
    if (rc == 0)
        rc = safer__run_id(st, "DELETE FROM login_failure WHERE user_id = ?", l.uid, err);
    struct safer_actor me = *actor;
    me.session_id = sid;
    snprintf(me.csrf, sizeof(me.csrf), "%s", csrf);
    if (rc == 0) {
        /* The current session is among those ended. */
        size_t others = ended > 0 ? ended - 1 : 0;
        snprintf(detail, sizeof(detail), "%zu other session%s ended", others,
                 others == 1 ? "" : "s");
        rc = safer__audit(st, &me, "password-changed", "user", rid, NULL, NULL, detail, now, err);
    }
    rc = finish(st, actor, rc, SAFER_PERM_OWN_ACCOUNT, "user", rid, now, err);
    explicit_bzero(hash, sizeof(hash));
    explicit_bzero(&l, sizeof(l));
    explicit_bzero(&again, sizeof(again));
    if (rc < 0) {
        token[0] = '\0';
        return rc;
    }
    if (out)
        *out = me;
    return 0;
}
