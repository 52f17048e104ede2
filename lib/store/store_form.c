/*
 * store_form.c - checking a workspace form and logging its change, for the
 * store's equality assessments and grants (store_form.h).
 *
 * A form is checked whole before anything is written: each mistake goes
 * into the caller's safer_field_errors with the words a person sees next
 * to the field. Dates are proper Gregorian days; text is UTF-8 without
 * control characters, so a page or an export never meets a stray byte.
 */
#include "util/compat.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_form.h"

void safer__fe_init(struct safer_field_errors **fe, struct safer_field_errors *local)
{
    if (!*fe)
        *fe = local;
    (*fe)->n = 0;
}

void safer__fe_add(struct safer_field_errors *fe, const char *field, const char *fmt, ...)
{
    if (fe->n >= SAFER_FIELD_ERRORS_MAX)
        return;
    struct safer_field_error *e = &fe->e[fe->n++];
    e->field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
}

int safer__fe_fail(const struct safer_field_errors *fe, const char *what, struct safer_err *err)
{
    return safer_err_set(err, SAFER_EINVAL, "%s has %zu mistake%s", what, fe->n,
                         fe->n == 1 ? "" : "s");
}

const char *safer__trimmed(struct safer_arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    while (n && strchr(" \t\r\n", s[n - 1]))
        n--;
    while (n && strchr(" \t\r\n", *s)) {
        s++;
        n--;
    }
    return n ? safer_arena_strndup(a, s, n) : NULL;
}

/* Characters (code points) of UTF-8 text, or -1 when it is not UTF-8 or
 * holds a control character (a line break and a tab allowed when
 * `multiline`). */
static long text_chars(const char *s, size_t n, bool multiline)
{
    const unsigned char *p = (const unsigned char *)s;
    long chars = 0;
    for (size_t i = 0; i < n; chars++) {
        unsigned char c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
                return -1;
            i++;
            continue;
        }
        size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                     : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (len == 0 || i + len > n)
            return -1;
        uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        i += len;
    }
    return chars;
}

const char *safer__text_field(struct safer_arena *a, struct safer_field_errors *fe,
                              const char *field, const char *label, const char *v,
                              bool required, const char *missing, long max, bool multiline)
{
    const char *t = safer__trimmed(a, v);
    if (!t) {
        if (required)
            safer__fe_add(fe, field, "%s", missing);
        return NULL;
    }
    long n = text_chars(t, strlen(t), multiline);
    if (n < 0)
        safer__fe_add(fe, field, "%s must be plain text, without control characters", label);
    else if (n > max)
        safer__fe_add(fe, field, "%s must be %ld characters or fewer", label, max);
    return t;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool safer__parse_date(const char *s, int64_t *days)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int k = 0; k < 10; k++) {
        if (k != 4 && k != 7 && (s[k] < '0' || s[k] > '9'))
            return false;
    }
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 ||
        d > mdays[m - 1] + (m == 2 && leap))
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

const char *safer__date_field(struct safer_arena *a, struct safer_field_errors *fe,
                              const char *field, const char *label, const char *v,
                              int64_t *days)
{
    const char *t = safer__trimmed(a, v);
    if (t && !safer__parse_date(t, days)) {
        safer__fe_add(fe, field, "%s must be a real date, like 2026-03-31", label);
        return NULL;
    }
    return t;
}

int64_t safer__day_of(int64_t now)
{
    return now >= 0 ? now / 86400 : -((-now + 86399) / 86400);
}

int safer__may(struct safer_store *st, const struct safer_actor *actor, enum safer_perm perm,
               enum safer_role *role, struct safer_err *err)
{
    struct safer_err scratch = {0};
    int rc = safer__access(st, actor, perm, role, &scratch);
    if (rc < 0 && rc != SAFER_EDENIED)
        return safer_err_set(err, rc, "%s", scratch.msg);
    return rc;
}

int safer__list_done(struct safer_store *st, int rc, void *v, size_t k, size_t size,
                     struct safer_arena *arena, void **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    if (rc == 0 && k) {
        *out = safer_arena_alloc(arena, size * k);
        memcpy(*out, v, size * k);
        *n = k;
    }
    free(v);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int safer__auto_key(struct safer_store *st, const char *table, int64_t pid, int64_t id,
                    char *out, const char **key, struct safer_err *err)
{
    static const char ACTION[] =
        "UPDATE action SET key = ?1 WHERE id = ?2 AND key IS NULL AND NOT EXISTS"
        " (SELECT 1 FROM action b WHERE b.partnership_id = ?3 AND b.key = ?1) RETURNING id";
    static const char INDICATOR[] =
        "UPDATE indicator SET key = ?1 WHERE id = ?2 AND key IS NULL AND NOT EXISTS"
        " (SELECT 1 FROM indicator b WHERE b.partnership_id = ?3 AND b.key = ?1) RETURNING id";
    bool action = strcmp(table, "action") == 0;
    snprintf(out, 48, "%s-%" PRId64, action ? "action" : "indicator", id);
    struct safer__stmt *s;
    int rc = safer__prep(st, action ? ACTION : INDICATOR, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, out);
    safer__bind_int64(s, 2, id);
    safer__bind_int64(s, 3, pid);
    rc = safer__step(s, err);
    if (rc == 1)
        rc = safer__step_done(s, err);
    else if (rc == 0)
        out[0] = '\0';
    safer__stmt_finalize(s);
    *key = rc == 0 && out[0] ? out : NULL;
    return rc;
}

int safer__refuse(struct safer_store *st, const struct safer_actor *actor, enum safer_perm perm,
                  const char *type, int64_t id, int64_t now, struct safer_err *err)
{
    safer__store_rollback(st);
    char rid[32];
    if (id > 0)
        snprintf(rid, sizeof(rid), "%" PRId64, id);
    return safer__audit_denied(st, actor, perm, type, id > 0 ? rid : NULL, now, err);
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

void safer__diff_str(struct safer__jobj *before, struct safer__jobj *after, const char *key,
                     const char *old, const char *now)
{
    if (same(old, now))
        return;
    if (before)
        safer__jobj_str(before, key, old);
    safer__jobj_str(after, key, now);
}

void safer__diff_int(struct safer__jobj *before, struct safer__jobj *after, const char *key,
                     int64_t old, int64_t now)
{
    if (before && old == now)
        return;
    if (before)
        safer__jobj_int(before, key, old);
    safer__jobj_int(after, key, now);
}

int safer__audit_change(struct safer_store *st, const struct safer_actor *actor,
                        const char *what, const char *type, int64_t id,
                        struct safer__jobj *before, struct safer__jobj *after, int64_t now,
                        struct safer_err *err)
{
    char *b = NULL, *a = NULL;
    int rc = before ? safer__jobj_finish(before, &b, err) : 0;
    if (rc == 0)
        rc = safer__jobj_finish(after, &a, err);
    char rid[32];
    snprintf(rid, sizeof(rid), "%" PRId64, id);
    if (rc == 0)
        rc = safer__audit(st, actor, what, type, rid, b, a, NULL, now, err);
    /* Both are released whatever happened (finishing releases one). */
    if (before)
        safer__jobj_release(before);
    safer__jobj_release(after);
    free(b);
    free(a);
    return rc;
}

/* ---- adding and changing a form's record ---- */

int safer__insert_id(struct safer_store *st, struct safer__stmt *s, const char *what, int64_t *id,
                     struct safer_err *err)
{
    int rc = safer__step(s, err);
    if (rc == 1) {
        *id = safer__col_int64(s, 0);
        return safer__step_done(s, err);
    }
    if (rc == 0) {
        char msg[96];
        snprintf(msg, sizeof(msg), "cannot store %s", what);
        rc = safer__db_fail(st->db, err, msg, "no row id");
    }
    return rc;
}

int safer__form_add(struct safer_store *st, const struct safer_actor *actor,
                    const struct safer__form_kind *kind, const void *fields, int64_t now,
                    int64_t *id, struct safer_field_errors *fe, struct safer_err *err)
{
    struct safer_field_errors local;
    safer__fe_init(&fe, &local);
    if (id)
        *id = 0;
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_EDIT_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_EDIT_PLAN, kind->type, 0, now, err);
    struct safer_arena a;
    safer_arena_init(&a);
    void *c = safer_arena_alloc(&a, kind->size);
    memset(c, 0, kind->size);
    int64_t new_id = 0;
    if (rc == 0 && actor->partnership_id <= 0)
        rc = safer_err_set(err, SAFER_EINVAL, "%s", kind->orphan);
    if (rc == 0)
        rc = kind->check(st, actor->partnership_id, 0, fields, &a, c, fe, err);
    if (rc == 0 && fe->n)
        rc = safer__fe_fail(fe, kind->form, err);
    char at[32];
    safer__iso_at(now, at);
    if (rc == 0)
        rc = kind->write(st, actor->partnership_id, &new_id, 0, c, at, err);
    if (rc == 0) {
        struct safer__jobj after;
        safer__jobj_init(&after);
        kind->diff(NULL, &after, NULL, c);
        char what[64];
        snprintf(what, sizeof(what), "%s-add", kind->type);
        rc = safer__audit_change(st, actor, what, kind->type, new_id, NULL, &after, now, err);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    else if (id)
        *id = new_id;
    safer_arena_release(&a);
    return rc;
}

int safer__form_change(struct safer_store *st, const struct safer_actor *actor,
                       const struct safer__form_kind *kind, int64_t id, int64_t version,
                       const void *fields, int64_t now, struct safer_field_errors *fe,
                       struct safer_err *err)
{
    struct safer_field_errors local;
    safer__fe_init(&fe, &local);
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_EDIT_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_EDIT_PLAN, kind->type, id, now, err);
    struct safer_arena a;
    safer_arena_init(&a);
    void *old = safer_arena_alloc(&a, kind->size);
    void *c = safer_arena_alloc(&a, kind->size);
    memset(old, 0, kind->size);
    memset(c, 0, kind->size);
    int64_t stored = 0;
    if (rc == 0)
        rc = kind->read(st, actor->partnership_id, id, &a, old, &stored, err);
    if (rc == 0 && stored != version)
        rc = safer_err_set(err, SAFER_ECONFLICT,
                           "%s %" PRId64 " was changed by someone else since the form was "
                           "opened (version %" PRId64 ", now %" PRId64 ")",
                           kind->noun, id, version, stored);
    if (rc == 0)
        rc = kind->check(st, actor->partnership_id, id, fields, &a, c, fe, err);
    if (rc == 0 && fe->n)
        rc = safer__fe_fail(fe, kind->form, err);
    struct safer__jobj before, after;
    safer__jobj_init(&before);
    safer__jobj_init(&after);
    if (rc == 0)
        kind->diff(&before, &after, old, c);
    /* Nothing changed: nothing to write or log. */
    bool same = rc == 0 && safer__jobj_count(&after) == 0;
    char at[32];
    safer__iso_at(now, at);
    if (rc == 0 && !same)
        rc = kind->write(st, actor->partnership_id, &id, version, c, at, err);
    if (rc == 0 && !same) {
        char what[64];
        snprintf(what, sizeof(what), "%s-change", kind->type);
        rc = safer__audit_change(st, actor, what, kind->type, id, &before, &after, now, err);
    } else {
        safer__jobj_release(&before);
        safer__jobj_release(&after);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    safer_arena_release(&a);
    return rc;
}
