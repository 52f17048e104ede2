/*
 * store_indicator.c - a partnership's indicators in the store: defining
 * and changing them, values entered by hand, comments, and the one
 * snapshot an indicator page computes its series from
 * (lib/assess/indicator.c). See indicator.h and docs/workspace.md.
 *
 * Every call is one transaction holding the access decision
 * (safer__access) and, for a change, its audit row; a refusal rolls back
 * and is audited in a transaction of its own (safer__audit_denied).
 *
 * The area of a partnership is the stored wards of its districts
 * (partnership_district), each ward's district taken as the assessment
 * takes it (lib/assess/area.c): its boundary file's, else the ward lookup's,
 * else the LSOA lookup's.
 */
#include "util/compat.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/auth.h"
#include "safer/indicator.h"
#include "safer/plan.h"
#include "store/store_form.h"
#include "store/store_impl.h"
#include "util/internal.h"

/* The stored wards of partnership ?1, as the assessment selects them. */
#define AREA_WARDS                                                                               \
    "SELECT a.code FROM area a WHERE a.level = 'ward' AND COALESCE(a.district_code,"           \
    " (SELECT w.district_code FROM lookup_ward w WHERE w.ward_code = a.code),"                  \
    " (SELECT MIN(l.district_code) FROM lookup_lsoa l WHERE l.ward_code = a.code)) IN"          \
    " (SELECT d.district_code FROM partnership_district d WHERE d.partnership_id = ?1)"

#define COLUMNS                                                                                  \
    "id, key, priority_key, group_key, title, kind, categories, ward, measure, period, good,"  \
    " target, amber, red, unit, version, updated_at, question"

/* ---- small helpers ---- */

static void fe_add(struct safer_field_errors *fe, const char *field, const char *fmt, ...)
    SAFER_PRINTF(3, 4);
static void fe_add(struct safer_field_errors *fe, const char *field, const char *fmt, ...)
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

/* Characters (UTF-8 code points), as a form's limits count them. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool blank(const char *s)
{
    for (; s && *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    }
    return true;
}

/* A number as a person types it ("150", " 2.5 ", "-10"): false when it is
 * not one (a comma, a unit, an exponent too large). */
static bool parse_number(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n > 40)
        return false;
    char tmp[48];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double v;
    if (safer__fast_decimal(tmp, n, &v) < 0) {
        char *end;
        v = strtod(tmp, &end);
        if (*end)
            return false;
    }
    if (!isfinite(v))
        return false;
    *out = v;
    return true;
}

static void json_str(struct safer_buf *b, const char *key, const char *v, bool *first)
{
    safer_buf_putf(b, "%s\"%s\":", *first ? "" : ",", key);
    *first = false;
    if (!v) {
        safer_buf_puts(b, "null");
        return;
    }
    safer_buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\')
            safer_buf_putf(b, "\\%c", *p);
        else if (*p < 0x20)
            safer_buf_putf(b, "\\u%04x", *p);
        else
            safer_buf_put(b, p, 1);
    }
    safer_buf_puts(b, "\"");
}

static void json_num(struct safer_buf *b, const char *key, bool has, double v, bool *first)
{
    char num[32];
    safer__fmt_double(v, num);
    safer_buf_putf(b, "%s\"%s\":%s", *first ? "" : ",", key, has && isfinite(v) ? num : "null");
    *first = false;
}

/* ---- a definition, checked ---- */

struct def {
    const char *title, *kind, *priority, *group, *ward, *measure, *period, *good, *unit;
    const char *question; /* survey: the question's key; else NULL */
    char *categories; /* malloc'd: one a line, "" for all */
    bool has_target;
    double target, amber, red;
};

static void def_json(struct safer_buf *b, const struct def *d, const char *key)
{
    bool first = true;
    safer_buf_puts(b, "{");
    if (key)
        json_str(b, "key", key, &first);
    json_str(b, "title", d->title, &first);
    json_str(b, "kind", d->kind, &first);
    json_str(b, "priority", d->priority, &first);
    json_str(b, "group", d->group, &first);
    json_str(b, "categories", d->categories, &first);
    json_str(b, "ward", d->ward, &first);
    json_str(b, "measure", d->measure, &first);
    json_str(b, "period", d->period, &first);
    json_str(b, "good", d->good, &first);
    json_num(b, "target", d->has_target, d->target, &first);
    json_num(b, "amber", true, d->amber, &first);
    json_num(b, "red", true, d->red, &first);
    json_str(b, "unit", d->unit, &first);
    if (d->question)
        json_str(b, "question", d->question, &first);
    safer_buf_puts(b, "}");
}

/* 1 when the query with parameters (?1 int, ?2 text) gives a row. */
static int exists(struct safer_store *st, const char *sql, int64_t id, const char *text,
                  struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    if (text)
        safer__bind_text(s, 2, text);
    rc = safer__step(s, err);
    safer__stmt_finalize(s);
    return rc;
}

static const char *or_null(const char *s) { return s && !blank(s) ? s : NULL; }

/* A survey question's key as the survey mapping names it: letters, digits,
 * '_' and '-', beginning with a letter or digit. */
static bool question_key(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > SAFER_INDICATOR_QUESTION_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '-')))
            return false;
    }
    return true;
}

/*
 * Check a form into `d` (kind: the stored one on a change, else the
 * form's). Mistakes go into fe; a negative return is the store's error.
 */
static int check(struct safer_store *st, int64_t pid, const struct safer_indicator_fields *f,
                 const char *kind, struct def *d, struct safer_field_errors *fe,
                 struct safer_err *err)
{
    memset(d, 0, sizeof(*d));
    int rc = 0;
    d->title = f->title;
    if (blank(f->title))
        fe_add(fe, "title", "Enter a title");
    else if (chars(f->title) > SAFER_INDICATOR_TITLE_MAX)
        fe_add(fe, "title", "Title must be %d characters or fewer", SAFER_INDICATOR_TITLE_MAX);

    d->kind = kind ? kind : f->kind;
    bool manual = d->kind && strcmp(d->kind, "manual") == 0;
    bool survey = d->kind && strcmp(d->kind, "survey") == 0;
    if (!d->kind || (!manual && !survey && strcmp(d->kind, "computed") != 0))
        fe_add(fe, "kind", "Select whether the indicator is computed from police.uk data, "
                           "from the residents' survey or entered by hand");

    d->priority = or_null(f->priority_key);
    if (d->priority) {
        rc = exists(st,
                    "SELECT 1 FROM plan_priority r JOIN partnership_plan p ON p.id = r.plan_id"
                    " WHERE p.partnership_id = ?1 AND r.key = ?2",
                    pid, d->priority, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            fe_add(fe, "priority_key", "Select a priority from the partnership's plan");
    }
    d->group = or_null(f->group_key);
    if (d->group) {
        rc = exists(st, "SELECT 1 FROM partnership_group WHERE partnership_id = ?1 AND key = ?2",
                    pid, d->group, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            fe_add(fe, "group_key", "Select a group from the partnership's plan");
    }

    /* Categories, ward and measure: a computed indicator's only. */
    struct safer_buf cats;
    safer_buf_init(&cats, 1 << 16);
    d->ward = "";
    d->measure = "count";
    if (survey && f->ncategories)
        fe_add(fe, "categories", "A survey indicator has no police.uk categories");
    if (!manual) {
        for (size_t i = 0; !survey && i < f->ncategories; i++) {
            const char *c = f->categories[i];
            bool known = false, twice = false;
            for (size_t k = 0; c && safer_plan_categories[k]; k++)
                known = known || strcmp(c, safer_plan_categories[k]) == 0;
            for (size_t k = 0; known && k < i; k++)
                twice = twice || strcmp(c, f->categories[k]) == 0;
            if (!known) {
                fe_add(fe, "categories", "Select categories from the list: '%.60s' is not a "
                                         "police.uk category",
                       c ? c : "");
                break;
            }
            if (!twice)
                safer_buf_putf(&cats, "%s%s", cats.len ? "\n" : "", c);
        }
        const char *ward = or_null(f->ward);
        if (ward) {
            rc = exists(st, AREA_WARDS " AND a.code = ?2", pid, ward, err);
            if (rc < 0) {
                safer_buf_release(&cats);
                return rc;
            }
            if (rc == 0)
                fe_add(fe, "ward", "Select a ward in the partnership's area");
            d->ward = ward;
        }
        d->measure = f->measure;
        if (survey) {
            d->measure = "percent";
            if (!blank(f->measure) && strcmp(f->measure, "percent") != 0)
                fe_add(fe, "measure", "A survey indicator's measure is percent");
        } else if (!f->measure ||
                   (strcmp(f->measure, "count") != 0 && strcmp(f->measure, "rate") != 0)) {
            fe_add(fe, "measure", "Select whether to count records or give a rate per 1,000 "
                                  "residents");
        }
    }
    d->categories = safer_buf_detach(&cats, NULL);

    d->period = f->period;
    if (survey) {
        d->period = "wave";
        if (!blank(f->period) && strcmp(f->period, "wave") != 0)
            fe_add(fe, "period", "A survey indicator has one value for each wave of the survey");
    } else if (safer__period_kind(f->period) < 0) {
        fe_add(fe, "period", "Select monthly, quarterly or rolling 12 months");
    }
    d->good = f->good;
    if (!f->good || (strcmp(f->good, "down") != 0 && strcmp(f->good, "up") != 0))
        fe_add(fe, "good", "Select whether a fall or a rise is good");

    if (!blank(f->target)) {
        d->has_target = true;
        if (!parse_number(f->target, &d->target))
            fe_add(fe, "target", "Target must be a number, like 150 or 2.5");
        else if (!(d->target > 0))
            fe_add(fe, "target", "Target must be more than 0");
        else if (survey && d->target > 100)
            fe_add(fe, "target", "Target must be a per cent from more than 0 up to 100");
    }
    bool amber_ok = false, red_ok = false;
    if (blank(f->amber))
        fe_add(fe, "amber", "Enter the variance from target at which the status turns amber");
    else if (!parse_number(f->amber, &d->amber))
        fe_add(fe, "amber", "Amber threshold must be a number of per cent, like 5");
    else if (fabs(d->amber) > SAFER_INDICATOR_THRESHOLD_MAX)
        fe_add(fe, "amber", "Amber threshold must be between -1000 and 1000");
    else
        amber_ok = true;
    if (blank(f->red))
        fe_add(fe, "red", "Enter the variance from target at which the status turns red");
    else if (!parse_number(f->red, &d->red))
        fe_add(fe, "red", "Red threshold must be a number of per cent, like 10");
    else if (fabs(d->red) > SAFER_INDICATOR_THRESHOLD_MAX)
        fe_add(fe, "red", "Red threshold must be between -1000 and 1000");
    else
        red_ok = true;
    if (amber_ok && red_ok && !(d->red > d->amber))
        fe_add(fe, "red", "Red threshold must be more than the amber threshold");

    d->unit = NULL;
    if (manual && !blank(f->unit)) {
        d->unit = f->unit;
        if (chars(f->unit) > SAFER_INDICATOR_UNIT_MAX)
            fe_add(fe, "unit", "Unit must be %d characters or fewer", SAFER_INDICATOR_UNIT_MAX);
    }
    d->question = NULL;
    if (survey) {
        d->unit = "%";
        /* A question no stored wave asks yet is accepted: a plan may be
         * loaded before the survey it measures by. */
        d->question = or_null(f->question);
        if (!d->question)
            fe_add(fe, "question", "Select the survey question");
        else if (!question_key(d->question))
            fe_add(fe, "question",
                   "'%.70s' is not a survey question's key: use letters, digits, '_' and '-', "
                   "like safe_night",
                   d->question);
    }
    return 0;
}

static void bind_def(struct safer__stmt *s, int at, const struct def *d)
{
    safer__bind_text(s, at, d->priority);
    safer__bind_text(s, at + 1, d->group);
    safer__bind_text(s, at + 2, d->title);
    safer__bind_text(s, at + 3, d->categories);
    safer__bind_text(s, at + 4, d->ward);
    safer__bind_text(s, at + 5, d->measure);
    safer__bind_text(s, at + 6, d->period);
    safer__bind_text(s, at + 7, d->good);
    if (d->has_target)
        safer__bind_double(s, at + 8, d->target);
    else
        safer__bind_null(s, at + 8);
    safer__bind_double(s, at + 9, d->amber);
    safer__bind_double(s, at + 10, d->red);
    safer__bind_text(s, at + 11, d->unit);
}

/* The access decision at the start of a write; on a refusal the
 * transaction is rolled back and the refusal audited. */
static int begin_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                        int64_t now, struct safer_err *err)
{
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__access(st, actor, SAFER_PERM_EDIT_INDICATOR, NULL, err);
    if (rc == SAFER_EDENIED) {
        safer__store_rollback(st);
        char rid[24];
        snprintf(rid, sizeof(rid), "%lld", (long long)id);
        return safer__audit_denied(st, actor, SAFER_PERM_EDIT_INDICATOR, "indicator",
                                   id ? rid : NULL, now, err);
    }
    if (rc < 0) {
        safer__store_rollback(st);
        return rc;
    }
    if (actor->partnership_id <= 0) {
        safer__store_rollback(st);
        return safer_err_set(err, SAFER_EINVAL, "no partnership chosen");
    }
    return 0;
}

static int finish(struct safer_store *st, int rc, struct safer_err *err)
{
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

static int form_mistakes(const struct safer_field_errors *fe, struct safer_err *err)
{
    return safer_err_set(err, SAFER_EINVAL, "the form has %zu mistake%s", fe->n,
                         fe->n == 1 ? "" : "s");
}

/* Add an indicator with key `key` (may be NULL) inside the caller's open
 * write transaction, the access already decided. */
static int add_row(struct safer_store *st, const struct safer_actor *actor, const char *key,
                   const struct safer_indicator_fields *f, int64_t now, int64_t *id,
                   struct safer_field_errors *fe, struct safer_err *err)
{
    int64_t pid = actor->partnership_id;
    struct def d;
    memset(&d, 0, sizeof(d));
    struct safer__stmt *s = NULL;
    struct safer_buf after;
    safer_buf_init(&after, 1 << 20);
    int rc = exists(st, "SELECT 1 FROM partnership WHERE id = ?1", pid, NULL, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no such partnership");
    if (rc < 0)
        goto out;
    rc = check(st, pid, f, NULL, &d, fe, err);
    if (rc == 0 && fe->n)
        rc = form_mistakes(fe, err);
    if (rc < 0)
        goto out;
    char at[32];
    safer__iso_at(now, at);
    rc = safer__prep(st,
                     "INSERT INTO indicator(partnership_id, key, priority_key, group_key, title,"
                     " categories, ward, measure, period, good, target, amber, red, unit, kind,"
                     " created_at, updated_at, question)"
                     " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     &s, err);
    if (rc < 0)
        goto out;
    safer__bind_int64(s, 1, pid);
    safer__bind_text(s, 2, key);
    bind_def(s, 3, &d);
    safer__bind_text(s, 15, d.kind);
    safer__bind_text(s, 16, at);
    safer__bind_text(s, 17, at);
    safer__bind_text(s, 18, d.question);
    rc = safer__step(s, err);
    if (rc == 1) {
        *id = safer__col_int64(s, 0);
        rc = safer__step_done(s, err);
    } else if (rc == 0) {
        rc = safer_err_set(err, SAFER_EDB, "%s: no id for the new indicator", safer_store_name(st));
    }
    char made[48];
    if (rc == 0 && !key)
        rc = safer__auto_key(st, "indicator", pid, *id, made, &key, err);
    if (rc < 0)
        goto out;
    def_json(&after, &d, key);
    rc = safer_buf_error(&after);
    if (rc == 0) {
        char rid[24];
        snprintf(rid, sizeof(rid), "%lld", (long long)*id);
        rc = safer__audit(st, actor, "indicator-add", "indicator", rid, NULL, after.ptr, NULL,
                          now, err);
    }
out:
    safer__stmt_finalize(s);
    safer_buf_release(&after);
    free(d.categories);
    return rc;
}

int safer_indicator_add(struct safer_store *st, const struct safer_actor *actor,
                        const struct safer_indicator_fields *f, int64_t now, int64_t *id,
                        struct safer_field_errors *fe, struct safer_err *err)
{
    fe->n = 0;
    *id = 0;
    int rc = begin_change(st, actor, 0, now, err);
    if (rc < 0)
        return rc;
    rc = finish(st, add_row(st, actor, NULL, f, now, id, fe, err), err);
    if (rc < 0)
        *id = 0;
    return rc;
}

/* The stored definition of `id` in the partnership, for a change: its
 * version, kind and the JSON of its fields. SAFER_ENOTFOUND when none. */
static int stored(struct safer_store *st, int64_t pid, int64_t id, int64_t *version,
                  char kind[16], struct safer_buf *json, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(
        st, "SELECT " COLUMNS " FROM indicator WHERE id = ?1 AND partnership_id = ?2", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    safer__bind_int64(s, 2, pid);
    rc = safer__step(s, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no indicator %lld in this partnership",
                           (long long)id);
    if (rc == 1) {
        struct def d = {
            .priority = safer__col_text(s, 2),
            .group = safer__col_text(s, 3),
            .title = safer__col_text(s, 4),
            .kind = safer__col_text(s, 5),
            .categories = (char *)safer__col_text(s, 6),
            .ward = safer__col_text(s, 7),
            .measure = safer__col_text(s, 8),
            .period = safer__col_text(s, 9),
            .good = safer__col_text(s, 10),
            .has_target = !safer__col_is_null(s, 11),
            .target = safer__col_double(s, 11),
            .amber = safer__col_double(s, 12),
            .red = safer__col_double(s, 13),
            .unit = safer__col_text(s, 14),
            .question = safer__col_text(s, 17),
        };
        *version = safer__col_int64(s, 15);
        snprintf(kind, 16, "%s", d.kind ? d.kind : "");
        if (json)
            def_json(json, &d, NULL);
        rc = json ? safer_buf_error(json) : 0;
    }
    safer__stmt_finalize(s);
    return rc;
}

/*
 * Change indicator `id` inside the caller's open write transaction, the
 * access already decided. `version` < 0 takes the stored one (an import).
 * With `kind`, the form's kind must be the stored one. Nothing is written
 * or logged when nothing changes (*changed false).
 */
static int change_row(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                      int64_t version, const char *form_kind,
                      const struct safer_indicator_fields *f, int64_t now, bool *changed,
                      struct safer_field_errors *fe, struct safer_err *err)
{
    *changed = false;
    int64_t pid = actor->partnership_id, have = 0;
    char kind[16];
    struct def d;
    memset(&d, 0, sizeof(d));
    struct safer__stmt *s = NULL;
    struct safer_buf before, after;
    safer_buf_init(&before, 1 << 20);
    safer_buf_init(&after, 1 << 20);
    int rc = stored(st, pid, id, &have, kind, &before, err);
    if (rc < 0)
        goto out;
    if (version >= 0 && have != version) {
        rc = safer_err_set(err, SAFER_ECONFLICT,
                           "indicator %lld was changed by someone else since the form was opened",
                           (long long)id);
        goto out;
    }
    rc = check(st, pid, f, kind, &d, fe, err);
    if (rc == 0 && form_kind && strcmp(form_kind, kind) != 0)
        fe_add(fe, "kind", "The kind of an indicator cannot change: it is %s", kind);
    /* Values entered by hand are named by the periods they were entered
     * for: a manual indicator that has some keeps its periods. */
    if (rc == 0 && strcmp(kind, "manual") == 0 && d.period) {
        rc = exists(st,
                    "SELECT 1 FROM indicator i WHERE i.id = ?1 AND i.period <> ?2 AND EXISTS"
                    " (SELECT 1 FROM indicator_value v WHERE v.indicator_id = i.id)",
                    id, d.period, err);
        if (rc == 1)
            fe_add(fe, "period", "The period cannot change once values have been entered");
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && fe->n)
        rc = form_mistakes(fe, err);
    if (rc < 0)
        goto out;
    def_json(&after, &d, NULL);
    rc = safer_buf_error(&after);
    if (rc < 0 || strcmp(before.ptr, after.ptr) == 0)
        goto out; /* nothing changed: nothing to write or log */
    char at[32];
    safer__iso_at(now, at);
    rc = safer__prep(st,
                     "UPDATE indicator SET priority_key = ?, group_key = ?, title = ?,"
                     " categories = ?, ward = ?, measure = ?, period = ?, good = ?, target = ?,"
                     " amber = ?, red = ?, unit = ?, version = version + 1, updated_at = ?,"
                     " question = ? WHERE id = ? AND partnership_id = ? AND version = ?",
                     &s, err);
    if (rc < 0)
        goto out;
    bind_def(s, 1, &d);
    safer__bind_text(s, 13, at);
    safer__bind_text(s, 14, d.question);
    safer__bind_int64(s, 15, id);
    safer__bind_int64(s, 16, pid);
    safer__bind_int64(s, 17, have);
    rc = safer__step_done(s, err);
    if (rc == 0) {
        char rid[24];
        snprintf(rid, sizeof(rid), "%lld", (long long)id);
        rc = safer__audit(st, actor, "indicator-change", "indicator", rid, before.ptr, after.ptr,
                          NULL, now, err);
        *changed = rc == 0;
    }
out:
    safer__stmt_finalize(s);
    safer_buf_release(&before);
    safer_buf_release(&after);
    free(d.categories);
    return rc;
}

int safer_indicator_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                           int64_t version, const struct safer_indicator_fields *f, int64_t now,
                           struct safer_field_errors *fe, struct safer_err *err)
{
    fe->n = 0;
    int rc = begin_change(st, actor, id, now, err);
    if (rc < 0)
        return rc;
    bool changed;
    return finish(st,
                  change_row(st, actor, id, version < 0 ? 0 : version, NULL, f, now, &changed,
                             fe, err),
                  err);
}

int safer__indicator_put(struct safer_store *st, const struct safer_actor *actor,
                         const char *key, const struct safer_indicator_fields *f, int64_t now,
                         int *outcome, struct safer_field_errors *fe, struct safer_err *err)
{
    fe->n = 0;
    *outcome = SAFER__PUT_UNCHANGED;
    int64_t id = 0;
    int rc = safer__id_of_key(st, "SELECT id FROM indicator WHERE partnership_id = ?1 AND key = ?2",
                              actor->partnership_id, key, &id, err);
    if (rc < 0)
        return rc;
    if (!id) {
        rc = add_row(st, actor, key, f, now, &id, fe, err);
        if (rc == 0)
            *outcome = SAFER__PUT_ADDED;
        return rc;
    }
    bool changed = false;
    rc = change_row(st, actor, id, -1, f->kind, f, now, &changed, fe, err);
    if (rc == 0 && changed)
        *outcome = SAFER__PUT_UPDATED;
    return rc;
}

/* A period's label: a month's or quarter's, or a survey wave's name. */
#define LABEL_MAX 72

/* Is `name` a stored survey wave's? 1, 0 or a negative code. */
static int wave_exists(struct safer_store *st, const char *name, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT 1 FROM survey_wave WHERE name = ?", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, name);
    rc = safer__step(s, err);
    safer__stmt_finalize(s);
    return rc;
}

/* The period a form names for indicator `id` of the partnership: its
 * label in `label`; a mistake goes into fe. A survey indicator's period is
 * a stored wave, by name. */
static int period_of(struct safer_store *st, int64_t pid, int64_t id, const char *text,
                     char kind_out[16], char label[LABEL_MAX], struct safer_field_errors *fe,
                     struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(
        st, "SELECT kind, period FROM indicator WHERE id = ?1 AND partnership_id = ?2", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    safer__bind_int64(s, 2, pid);
    rc = safer__step(s, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no indicator %lld in this partnership",
                           (long long)id);
    if (rc == 1) {
        snprintf(kind_out, 16, "%s", safer__col_text(s, 0));
        int kind = safer__period_kind(safer__col_text(s, 1));
        int32_t m;
        if (blank(text))
            fe_add(fe, "period", "Enter the period");
        else if (strcmp(kind_out, "survey") == 0)
            snprintf(label, LABEL_MAX, "%s", text); /* checked below */
        else if (safer__period_parse(kind, text, &m) < 0)
            fe_add(fe, "period",
                   kind == SAFER__PERIOD_QUARTER
                       ? "Period must be a quarter, like 2019-Q2, or a date in it, like 2019-05-31"
                       : "Period must be a month, like 2019-04, or a date in it, like 2019-04-30");
        else
            safer__period_label(kind, m, label);
        rc = 0;
    }
    safer__stmt_finalize(s);
    if (rc == 0 && strcmp(kind_out, "survey") == 0 && !blank(text)) {
        rc = strlen(text) < LABEL_MAX ? wave_exists(st, text, err) : 0;
        if (rc == 0)
            fe_add(fe, "period", "Period must be the name of a stored wave of the survey");
        rc = rc < 0 ? rc : 0;
    }
    return rc;
}

int safer_indicator_set_value(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                              const char *period, const char *value, int64_t now,
                              struct safer_field_errors *fe, struct safer_err *err)
{
    fe->n = 0;
    int rc = begin_change(st, actor, id, now, err);
    if (rc < 0)
        return rc;
    int64_t pid = actor->partnership_id;
    char kind[16] = "", label[LABEL_MAX] = "";
    struct safer__stmt *s = NULL;
    struct safer_buf before, after;
    safer_buf_init(&before, 4096);
    safer_buf_init(&after, 4096);
    rc = period_of(st, pid, id, period, kind, label, fe, err);
    if (rc < 0)
        goto out;
    if (strcmp(kind, "manual") != 0) {
        rc = safer_err_set(err, SAFER_EINVAL,
                           "indicator %lld is computed from the store: its values cannot be "
                           "entered by hand",
                           (long long)id);
        goto out;
    }
    double v = NAN;
    if (blank(value))
        fe_add(fe, "value", "Enter the value");
    else if (!parse_number(value, &v))
        fe_add(fe, "value", "Value must be a number, like 42 or 2.5");
    if (fe->n) {
        rc = form_mistakes(fe, err);
        goto out;
    }
    /* The value it replaces, for the audit row. */
    rc = safer__prep(st, "SELECT value FROM indicator_value WHERE indicator_id = ? AND period = ?",
                     &s, err);
    if (rc < 0)
        goto out;
    safer__bind_int64(s, 1, id);
    safer__bind_text(s, 2, label);
    rc = safer__step(s, err);
    bool first = true;
    if (rc == 1) {
        safer_buf_puts(&before, "{");
        json_str(&before, "period", label, &first);
        json_num(&before, "value", true, safer__col_double(s, 0), &first);
        safer_buf_puts(&before, "}");
        rc = 0;
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc < 0)
        goto out;
    char at[32];
    safer__iso_at(now, at);
    rc = safer__prep(st,
                     "INSERT INTO indicator_value(indicator_id, period, value, author_id, at)"
                     " VALUES(?, ?, ?, ?, ?) ON CONFLICT(indicator_id, period) DO UPDATE SET"
                     " value = excluded.value, author_id = excluded.author_id, at = excluded.at",
                     &s, err);
    if (rc < 0)
        goto out;
    safer__bind_int64(s, 1, id);
    safer__bind_text(s, 2, label);
    safer__bind_double(s, 3, v);
    if (actor->user_id > 0)
        safer__bind_int64(s, 4, actor->user_id);
    else
        safer__bind_null(s, 4);
    safer__bind_text(s, 5, at);
    rc = safer__step_done(s, err);
    if (rc < 0)
        goto out;
    first = true;
    safer_buf_puts(&after, "{");
    json_str(&after, "period", label, &first);
    json_num(&after, "value", true, v, &first);
    safer_buf_puts(&after, "}");
    rc = safer_buf_error(&before);
    if (rc == 0)
        rc = safer_buf_error(&after);
    if (rc == 0) {
        char rid[24];
        snprintf(rid, sizeof(rid), "%lld", (long long)id);
        rc = safer__audit(st, actor, "indicator-value", "indicator", rid,
                          before.len ? before.ptr : NULL, after.ptr, NULL, now, err);
    }
out:
    safer__stmt_finalize(s);
    safer_buf_release(&before);
    safer_buf_release(&after);
    return finish(st, rc, err);
}

int safer_indicator_comment(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                            const char *period, const char *note, int64_t now,
                            struct safer_field_errors *fe, struct safer_err *err)
{
    fe->n = 0;
    int rc = begin_change(st, actor, id, now, err);
    if (rc < 0)
        return rc;
    int64_t pid = actor->partnership_id;
    char kind[16] = "", label[LABEL_MAX] = "";
    struct safer__stmt *s = NULL;
    struct safer_buf after;
    safer_buf_init(&after, 1 << 16);
    rc = period_of(st, pid, id, period, kind, label, fe, err);
    if (rc < 0)
        goto out;
    if (blank(note))
        fe_add(fe, "note", "Enter a comment");
    else if (chars(note) > SAFER_INDICATOR_NOTE_MAX)
        fe_add(fe, "note", "Comment must be %d characters or fewer", SAFER_INDICATOR_NOTE_MAX);
    if (fe->n) {
        rc = form_mistakes(fe, err);
        goto out;
    }
    char at[32];
    safer__iso_at(now, at);
    rc = safer__prep(st,
                     "INSERT INTO indicator_comment(indicator_id, period, author_id, at, note)"
                     " VALUES(?, ?, ?, ?, ?) RETURNING id",
                     &s, err);
    if (rc < 0)
        goto out;
    safer__bind_int64(s, 1, id);
    safer__bind_text(s, 2, label);
    if (actor->user_id > 0)
        safer__bind_int64(s, 3, actor->user_id);
    else
        safer__bind_null(s, 3);
    safer__bind_text(s, 4, at);
    safer__bind_text(s, 5, note);
    rc = safer__step(s, err);
    int64_t cid = rc == 1 ? safer__col_int64(s, 0) : 0;
    if (rc == 1)
        rc = 0;
    if (rc < 0)
        goto out;
    bool first = true;
    safer_buf_puts(&after, "{");
    json_num(&after, "comment", true, (double)cid, &first);
    json_str(&after, "period", label, &first);
    json_str(&after, "note", note, &first);
    safer_buf_puts(&after, "}");
    rc = safer_buf_error(&after);
    if (rc == 0) {
        char rid[24];
        snprintf(rid, sizeof(rid), "%lld", (long long)id);
        rc = safer__audit(st, actor, "indicator-comment", "indicator", rid, NULL, after.ptr, NULL,
                          now, err);
    }
out:
    safer__stmt_finalize(s);
    safer_buf_release(&after);
    return finish(st, rc, err);
}

/* ---- the snapshot a page computes from ---- */

void safer__ind_snap_release(struct safer__ind_snap *s)
{
    free(s->defs);
    free(s->values);
    free(s->comments);
    memset(s, 0, sizeof(*s));
}

static const char *arena_col(struct safer_arena *a, struct safer__stmt *s, int col)
{
    const char *v = safer__col_text(s, col);
    return v ? safer_arena_strdup(a, v) : NULL;
}

/* The categories "a\nb" as an array in the arena. */
static void split_lines(struct safer_arena *a, const char *text, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!text || !*text)
        return;
    size_t k = 1;
    for (const char *p = text; *p; p++)
        k += *p == '\n';
    const char **v = safer_arena_alloc(a, sizeof(char *) * k);
    const char *p = text;
    for (;;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        v[(*n)++] = safer_arena_strndup(a, p, len);
        if (!e)
            break;
        p = e + 1;
    }
    *out = v;
}

/* A copy of definition `d` with its text in `a`. */
static void copy_def(struct safer_arena *a, struct safer_indicator *o,
                     const struct safer_indicator *d)
{
    *o = *d;
    o->key = safer__keep_str(a, d->key);
    o->title = safer__keep_str(a, d->title);
    o->kind = safer__keep_str(a, d->kind);
    o->priority_key = safer__keep_str(a, d->priority_key);
    o->group_key = safer__keep_str(a, d->group_key);
    o->categories = NULL;
    if (d->ncategories) {
        o->categories = safer_arena_alloc(a, sizeof(*o->categories) * d->ncategories);
        for (size_t k = 0; k < d->ncategories; k++)
            o->categories[k] = safer__keep_str(a, d->categories[k]);
    }
    o->ward = safer__keep_str(a, d->ward);
    o->measure = safer__keep_str(a, d->measure);
    o->period = safer__keep_str(a, d->period);
    o->good = safer__keep_str(a, d->good);
    o->unit = safer__keep_str(a, d->unit);
    o->question = safer__keep_str(a, d->question);
    o->question_label = NULL;
    o->updated_at = safer__keep_str(a, d->updated_at);
}

static int read_defs_sql(struct safer_store *st, int64_t pid, int64_t id,
                         const struct safer_indicator_query *q, struct safer_arena *a,
                         struct safer__ind_snap *out, struct safer_err *err);

/*
 * The definitions: one (id > 0), or every one of the partnership with q's
 * filters. In a read transaction, one or every one unfiltered (the
 * dashboard's, an indicator's page) come from the handle's copy of them
 * all while the store's generation stays.
 */
static int read_defs(struct safer_store *st, int64_t pid, int64_t id,
                     const struct safer_indicator_query *q, struct safer_arena *a,
                     struct safer__ind_snap *out, struct safer_err *err)
{
    bool snapshot = st->db->in_tx && st->db->tx == SAFER__TX_READ;
    bool kept = snapshot && (id > 0 || !(q && (q->priority_key || q->group_key)));
    if (!kept)
        return read_defs_sql(st, pid, id, q, a, out, err);
    int64_t gen = -1;
    int rc = safer__store_generation(st, &gen, err);
    if (rc < 0)
        return rc;
    struct safer__kept *k = safer__keep_find(st, SAFER__KEEP_INDICATORS, pid, 0, gen);
    if (!k) {
        struct safer__ind_snap all;
        memset(&all, 0, sizeof(all));
        rc = read_defs_sql(st, pid, 0, NULL, a, &all, err);
        if (rc == 0 && (k = safer__keep_put(st, SAFER__KEEP_INDICATORS, pid, 0, gen))) {
            struct safer_indicator *v =
                safer_arena_alloc(&k->arena, sizeof(*v) * (all.ndefs ? all.ndefs : 1));
            for (size_t i = 0; i < all.ndefs; i++)
                copy_def(&k->arena, &v[i], &all.defs[i]);
            k->data = v;
            k->n = all.ndefs;
        }
        if (rc < 0 || !k) {
            /* Not kept (no generation): this read's own. */
            free(all.defs);
            return rc < 0 ? rc : read_defs_sql(st, pid, id, q, a, out, err);
        }
        free(all.defs);
    }
    const struct safer_indicator *v = k->data;
    out->defs = k->n ? safer__xcalloc(k->n, sizeof(*out->defs)) : NULL;
    for (size_t i = 0; i < k->n; i++) {
        if (id == 0 || v[i].id == id)
            copy_def(a, &out->defs[out->ndefs++], &v[i]);
    }
    if (id && out->ndefs == 0)
        return safer_err_set(err, SAFER_ENOTFOUND, "no indicator %lld in this partnership",
                             (long long)id);
    return 0;
}

static int read_defs_sql(struct safer_store *st, int64_t pid, int64_t id,
                         const struct safer_indicator_query *q, struct safer_arena *a,
                         struct safer__ind_snap *out, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT " COLUMNS " FROM indicator WHERE partnership_id = ?1"
                         " AND (?2 = 0 OR id = ?2) AND (CAST(?3 AS TEXT) IS NULL OR"
                         " priority_key = ?3) AND (CAST(?4 AS TEXT) IS NULL OR group_key = ?4)"
                         " ORDER BY id",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_int64(s, 2, id);
    safer__bind_text(s, 3, id == 0 && q ? q->priority_key : NULL);
    safer__bind_text(s, 4, id == 0 && q ? q->group_key : NULL);
    size_t cap = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(out->defs, cap, out->ndefs + 1);
        struct safer_indicator *d = &out->defs[out->ndefs++];
        memset(d, 0, sizeof(*d));
        d->id = safer__col_int64(s, 0);
        d->key = arena_col(a, s, 1);
        d->priority_key = arena_col(a, s, 2);
        d->group_key = arena_col(a, s, 3);
        d->title = arena_col(a, s, 4);
        d->kind = arena_col(a, s, 5);
        split_lines(a, safer__col_text(s, 6), &d->categories, &d->ncategories);
        d->ward = arena_col(a, s, 7);
        d->measure = arena_col(a, s, 8);
        d->period = arena_col(a, s, 9);
        d->good = arena_col(a, s, 10);
        d->has_target = !safer__col_is_null(s, 11);
        d->target = d->has_target ? safer__col_double(s, 11) : NAN;
        d->amber = safer__col_double(s, 12);
        d->red = safer__col_double(s, 13);
        d->unit = arena_col(a, s, 14);
        d->version = safer__col_int64(s, 15);
        d->updated_at = arena_col(a, s, 16);
        d->question = arena_col(a, s, 17);
    }
    safer__stmt_finalize(s);
    if (rc == 0 && id && out->ndefs == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no indicator %lld in this partnership",
                           (long long)id);
    return rc;
}

/* ---- the evidence, kept by the store handle while the store is unchanged ---- */

#define EVIDENCE_KEPT 8 /* partnerships a handle keeps the evidence of */

struct safer__ind_cache {
    struct safer__ind_evidence *ev[EVIDENCE_KEPT]; /* NULL: free */
    uint64_t used[EVIDENCE_KEPT];                  /* when last read, for eviction */
    uint64_t clock;
    /* The survey estimates (every partnership's: the waves are the
     * store's), read at generation survey_gen; survey NULL with
     * survey_gen >= 0: no wave stored then. */
    struct safer_survey_results *survey;
    void (*survey_release)(struct safer_survey_results *r);
    int64_t survey_gen; /* -1: not read */
};

static void survey_drop(struct safer__ind_cache *c)
{
    if (c->survey && c->survey_release)
        c->survey_release(c->survey);
    c->survey = NULL;
    c->survey_gen = -1;
}

static void evidence_free(struct safer__ind_evidence *ev)
{
    if (!ev)
        return;
    free(ev->wards);
    free(ev->types);
    free(ev->has_data);
    free(ev->ward_month);
    free(ev->area_month);
    free(ev->pop);
    safer_pairs_release(&ev->lsoa_ward);
    safer_values_release(&ev->pop_ward);
    safer_values_release(&ev->pop_lsoa);
    safer_arena_release(&ev->arena);
    free(ev);
}

void safer__ind_cache_free(struct safer_store *st)
{
    struct safer__ind_cache *c = st->ind_cache;
    if (!c)
        return;
    for (size_t i = 0; i < EVIDENCE_KEPT; i++)
        evidence_free(c->ev[i]);
    survey_drop(c);
    free(c);
    st->ind_cache = NULL;
}

static struct safer__ind_cache *cache_of(struct safer_store *st)
{
    if (!st->ind_cache) {
        st->ind_cache = safer__xcalloc(1, sizeof(*st->ind_cache));
        st->ind_cache->survey_gen = -1;
    }
    return st->ind_cache;
}

/*
 * The stored survey waves' estimates, unsuppressed, inside the caller's
 * read transaction: the handle's copy while the store's generation stays
 * (a survey import, like every write, moves it on), else read now. The
 * estimates are those of the /surveys page and the assessment
 * (safer__survey_results_read), so a survey indicator's point is their
 * figure. *out is NULL when no wave is stored.
 */
static int survey_evidence(struct safer_store *st, const struct safer__ind_survey_src *src,
                           const struct safer_survey_results **out, struct safer_err *err)
{
    *out = NULL;
    if (!src || !src->read)
        return 0;
    int64_t gen;
    int rc = safer__store_generation(st, &gen, err);
    if (rc < 0)
        return rc;
    struct safer__ind_cache *c = cache_of(st);
    if (gen >= 0 && c->survey_gen == gen) {
        *out = c->survey;
        return 0;
    }
    survey_drop(c);
    struct safer_survey_results *r = NULL;
    rc = src->read(st, &r, err);
    if (rc < 0)
        return rc;
    c->survey = r;
    c->survey_release = src->release;
    c->survey_gen = gen;
    *out = r;
    return 0;
}

/* A row of the count table, before the rows are summed. */
struct count_row {
    uint32_t ward, type;
    int32_t month;
    int64_t count;
};

/* The index of crime type `type` in ev's types (few: a dozen or so),
 * added when new. */
static uint32_t type_index(struct safer__ind_evidence *ev, size_t *cap, const char *type)
{
    for (size_t k = ev->ntypes; k-- > 0;) {
        if (strcmp(ev->types[k], type) == 0)
            return (uint32_t)k;
    }
    SAFER__GROW(ev->types, *cap, ev->ntypes + 1);
    ev->types[ev->ntypes] = safer_arena_strdup(&ev->arena, type);
    return (uint32_t)ev->ntypes++;
}

/*
 * The area's wards, the count table's rows of those wards (one per force,
 * ward, type and month), and the months of the area's forces' files; the
 * rows summed by type, ward and month.
 *
 * The rows are read as the index crime_count_ward holds them, neither
 * grouped nor sorted by the database: a GROUP BY over the area's ten
 * thousand rows costs SQLite a sorter several times the reading, and the
 * sums are cheaper in C.
 */
static int read_counts(struct safer_store *st, int64_t pid, struct safer__ind_evidence *ev,
                       struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, AREA_WARDS " ORDER BY a.code", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    size_t cap = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(ev->wards, cap, ev->nwards + 1);
        ev->wards[ev->nwards++] = safer_arena_strdup(&ev->arena, safer__col_text(s, 0));
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;

    rc = safer__prep(st,
                     "SELECT c.area_code, c.crime_type, c.month, c.count FROM crime_count c"
                     " WHERE c.area_code IN (" AREA_WARDS ")",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    struct count_row *rows = NULL;
    size_t nrows = 0, rcap = 0, tcap = 0;
    long w = -1;
    uint32_t t = 0;
    while ((rc = safer__step(s, err)) == 1) {
        const char *code = safer__col_text(s, 0), *type = safer__col_text(s, 1);
        if (!code || !type)
            continue;
        if (w < 0 || strcmp(ev->wards[w], code) != 0)
            w = safer__find_str(ev->wards, ev->nwards, code);
        if (w < 0)
            continue;
        if (!ev->ntypes || strcmp(ev->types[t], type) != 0)
            t = type_index(ev, &tcap, type);
        SAFER__GROW(rows, rcap, nrows + 1);
        rows[nrows++] = (struct count_row){(uint32_t)w, t, (int32_t)safer__col_int64(s, 2),
                                           safer__col_int64(s, 3)};
    }
    safer__stmt_finalize(s);

    /* The months of the files of every force with records in the area's
     * wards (in any month): a month holds data when one of them has one.
     * The forces are few; each is asked whether it has a row in the area. */
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT DISTINCT b.month FROM crime_batch b WHERE b.force IN"
                         " (SELECT f.force FROM (SELECT DISTINCT force FROM crime_batch) f"
                         " WHERE EXISTS (SELECT 1 FROM crime_count c WHERE c.force = f.force"
                         " AND c.area_code IN (" AREA_WARDS "))) ORDER BY b.month",
                         &s, err);
    int32_t *months = NULL;
    size_t nm = 0, mcap = 0;
    if (rc == 0) {
        safer__bind_int64(s, 1, pid);
        while ((rc = safer__step(s, err)) == 1) {
            SAFER__GROW(months, mcap, nm + 1);
            months[nm++] = (int32_t)safer__col_int64(s, 0);
        }
        safer__stmt_finalize(s);
    }
    if (rc == 0 && nm) {
        ev->first = months[0];
        ev->last = months[nm - 1];
        size_t span = (size_t)(ev->last - ev->first + 1);
        ev->has_data = safer__xcalloc(span, 1);
        for (size_t k = 0; k < nm; k++)
            ev->has_data[months[k] - ev->first] = 1;
        size_t nt = ev->ntypes ? ev->ntypes : 1, nw = ev->nwards ? ev->nwards : 1;
        ev->ward_month = safer__xcalloc(nt * nw * span, sizeof(int64_t));
        ev->area_month = safer__xcalloc(nt * span, sizeof(int64_t));
        for (size_t i = 0; i < nrows; i++) {
            const struct count_row *r = &rows[i];
            if (r->month < ev->first || r->month > ev->last)
                continue;
            size_t m = (size_t)(r->month - ev->first);
            ev->ward_month[((size_t)r->type * ev->nwards + r->ward) * span + m] += r->count;
            ev->area_month[(size_t)r->type * span + m] += r->count;
        }
    }
    free(months);
    free(rows);
    return rc;
}

/* Populations: the area's LSOAs with their wards (by LSOA), the wards'
 * own figures and the LSOAs' figures, as safer__ward_populations takes
 * them. */
static int read_populations(struct safer_store *st, int64_t pid, struct safer__ind_evidence *o,
                            struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT l.lsoa_code, l.ward_code, p.population FROM lookup_lsoa l"
                         " LEFT JOIN population p ON p.code = l.lsoa_code AND p.level = 'lsoa'"
                         " WHERE l.ward_code IN (" AREA_WARDS ") ORDER BY l.lsoa_code",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    size_t ca = 0, cb = 0, cc = 0, cv = 0;
    struct safer_pairs *lw = &o->lsoa_ward;
    struct safer_values *pl = &o->pop_lsoa;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(lw->a, ca, lw->n + 1);
        SAFER__GROW(lw->b, cb, lw->n + 1);
        lw->a[lw->n] = safer_arena_strdup(&lw->arena, safer__col_text(s, 0));
        lw->b[lw->n++] = safer_arena_strdup(&lw->arena, safer__col_text(s, 1));
        if (!safer__col_is_null(s, 2)) {
            SAFER__GROW(pl->code, cc, pl->n + 1);
            SAFER__GROW(pl->value, cv, pl->n + 1);
            pl->code[pl->n] = safer_arena_strdup(&pl->arena, safer__col_text(s, 0));
            pl->value[pl->n++] = safer__col_double(s, 2);
        }
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    rc = safer__prep(st,
                     "SELECT p.code, p.population FROM population p WHERE p.level = 'ward'"
                     " AND p.code IN (" AREA_WARDS ") ORDER BY p.code",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    struct safer_values *pw = &o->pop_ward;
    cc = cv = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(pw->code, cc, pw->n + 1);
        SAFER__GROW(pw->value, cv, pw->n + 1);
        pw->code[pw->n] = safer_arena_strdup(&pw->arena, safer__col_text(s, 0));
        pw->value[pw->n++] = safer__col_double(s, 1);
    }
    safer__stmt_finalize(s);
    return rc;
}

/*
 * The evidence of partnership `pid`, inside the caller's read transaction:
 * the handle's copy when it was read at the store's generation, else read
 * now (and kept, replacing the partnership's older copy or the one read
 * longest ago).
 */
static int evidence(struct safer_store *st, int64_t pid, const struct safer__ind_evidence **out,
                    struct safer_err *err)
{
    int64_t gen;
    int rc = safer__store_generation(st, &gen, err);
    if (rc < 0)
        return rc;
    struct safer__ind_cache *c = cache_of(st);
    size_t slot = 0;
    for (size_t i = 0; i < EVIDENCE_KEPT; i++) {
        struct safer__ind_evidence *e = c->ev[i];
        if (e && e->partnership_id == pid) {
            if (gen >= 0 && e->generation == gen) {
                c->used[i] = ++c->clock;
                *out = e;
                return 0;
            }
            slot = i;
            break;
        }
        if (!e || (c->ev[slot] && c->used[i] < c->used[slot]))
            slot = i;
    }
    evidence_free(c->ev[slot]);
    c->ev[slot] = NULL;
    struct safer__ind_evidence *e = safer__xcalloc(1, sizeof(*e));
    e->partnership_id = pid;
    e->generation = gen;
    e->first = 1; /* no months */
    e->area_pop = NAN;
    safer_arena_init(&e->arena);
    safer_arena_init(&e->lsoa_ward.arena);
    safer_arena_init(&e->pop_ward.arena);
    safer_arena_init(&e->pop_lsoa.arena);
    rc = read_counts(st, pid, e, err);
    if (rc == 0)
        rc = read_populations(st, pid, e, err);
    if (rc < 0) {
        evidence_free(e);
        return rc;
    }
    safer__ind_derive(e);
    c->ev[slot] = e;
    c->used[slot] = ++c->clock;
    *out = e;
    return 0;
}

static int read_values(struct safer_store *st, int64_t pid, int64_t id, struct safer_arena *a,
                       struct safer__ind_snap *o, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT v.indicator_id, v.period, v.value FROM indicator_value v"
                         " JOIN indicator i ON i.id = v.indicator_id WHERE i.partnership_id = ?1"
                         " AND (?2 = 0 OR i.id = ?2) ORDER BY v.indicator_id, v.period",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_int64(s, 2, id);
    size_t cap = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(o->values, cap, o->nvalues + 1);
        struct safer__ind_value *v = &o->values[o->nvalues++];
        v->indicator = safer__col_int64(s, 0);
        v->period = arena_col(a, s, 1);
        v->value = safer__col_double(s, 2);
    }
    safer__stmt_finalize(s);
    return rc;
}

/* A comment as the handle keeps it: its indicator, and its author's name
 * whoever reads it (the copy for a reader leaves it out when they may not
 * see names). */
struct kept_comment {
    int64_t indicator;
    struct safer_indicator_comment c;
};

/* Every comment on the partnership's indicators, newest first. */
static int read_all_comments(struct safer_store *st, int64_t pid, struct safer_arena *a,
                             struct kept_comment **out, size_t *n, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT c.indicator_id, c.id, c.period, c.at, c.author_id, u.name, c.note"
                         " FROM indicator_comment c JOIN indicator i ON i.id = c.indicator_id"
                         " LEFT JOIN app_user u ON u.id = c.author_id WHERE i.partnership_id = ?"
                         " ORDER BY c.at DESC, c.id DESC",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    struct kept_comment *v = NULL;
    size_t cap = 0, k = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, k + 1);
        struct kept_comment *x = &v[k++];
        x->indicator = safer__col_int64(s, 0);
        x->c.id = safer__col_int64(s, 1);
        x->c.period = arena_col(a, s, 2);
        x->c.at = arena_col(a, s, 3);
        x->c.author = safer__col_is_null(s, 4) ? "operator" : arena_col(a, s, 5);
        x->c.note = arena_col(a, s, 6);
    }
    safer__stmt_finalize(s);
    *out = NULL;
    *n = 0;
    if (rc == 0 && k) {
        *out = safer_arena_alloc(a, sizeof(*v) * k);
        memcpy(*out, v, sizeof(*v) * k);
        *n = k;
    }
    free(v);
    return rc;
}

/* Indicator id's comments: the handle's copy of the partnership's while
 * the store's generation stays. */
static int read_comments(struct safer_store *st, int64_t pid, int64_t id, struct safer_arena *a,
                         struct safer__ind_snap *o, struct safer_err *err)
{
    int64_t gen = -1;
    int rc = 0;
    if (st->db->in_tx && st->db->tx == SAFER__TX_READ)
        rc = safer__store_generation(st, &gen, err);
    if (rc < 0)
        return rc;
    struct safer__kept *k = safer__keep_find(st, SAFER__KEEP_COMMENTS, pid, 0, gen);
    struct kept_comment *v;
    size_t n;
    if (k) {
        v = k->data;
        n = k->n;
    } else if ((k = safer__keep_put(st, SAFER__KEEP_COMMENTS, pid, 0, gen))) {
        rc = read_all_comments(st, pid, &k->arena, &v, &n, err);
        k->data = v;
        k->n = n;
        if (rc < 0)
            k->generation = -1; /* never found */
    } else {
        rc = read_all_comments(st, pid, a, &v, &n, err);
    }
    if (rc < 0)
        return rc;
    size_t cap = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].indicator != id)
            continue;
        SAFER__GROW(o->comments, cap, o->ncomments + 1);
        struct safer_indicator_comment *c = &o->comments[o->ncomments++];
        c->id = v[i].c.id;
        c->period = safer__keep_str(a, v[i].c.period);
        c->at = safer__keep_str(a, v[i].c.at);
        c->author = o->names ? safer__keep_str(a, v[i].c.author) : NULL;
        c->note = safer__keep_str(a, v[i].c.note);
    }
    return 0;
}

int safer__indicator_read(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                          const struct safer_indicator_query *q, int64_t now,
                          const struct safer__ind_survey_src *survey_src,
                          struct safer_arena *arena, struct safer__ind_snap *out,
                          struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    /* In the caller's read transaction when there is one (the assessment
     * reads the indicators in its snapshot), else in one of its own. */
    bool own = !safer__store_in_tx(st);
    int rc = own ? safer__store_begin_read(st, err) : 0;
    if (rc < 0)
        return rc;
    enum safer_role role = SAFER_ROLE_PUBLIC;
    rc = safer__access(st, actor, SAFER_PERM_VIEW_AGGREGATE, &role, err);
    if (rc == SAFER_EDENIED && !own)
        return safer_err_set(err, SAFER_EDENIED, "not permitted");
    if (rc == SAFER_EDENIED) {
        safer__store_rollback(st);
        char rid[24];
        snprintf(rid, sizeof(rid), "%lld", (long long)id);
        return safer__audit_denied(st, actor, SAFER_PERM_VIEW_AGGREGATE, "indicator",
                                   id ? rid : NULL, now, err);
    }
    if (rc < 0) {
        if (own)
            safer__store_rollback(st);
        return rc;
    }
    out->unsuppressed = !(q && q->suppress) &&
                        (actor->operator || safer_role_may(role, SAFER_PERM_VIEW_UNSUPPRESSED));
    out->names = actor->operator || safer_role_may(role, SAFER_PERM_VIEW_PLAN);
    int64_t pid = actor->partnership_id;
    rc = read_defs(st, pid, id, q, arena, out, err);
    bool computed = false, manual = false, survey = false;
    for (size_t i = 0; rc == 0 && i < out->ndefs; i++) {
        bool c = strcmp(out->defs[i].kind, "computed") == 0;
        bool v = strcmp(out->defs[i].kind, "survey") == 0;
        computed = computed || c;
        survey = survey || v;
        manual = manual || (!c && !v);
    }
    if (rc == 0 && computed)
        rc = evidence(st, pid, &out->ev, err);
    if (rc == 0 && survey)
        rc = survey_evidence(st, survey_src, &out->survey, err);
    if (rc == 0 && manual)
        rc = read_values(st, pid, id, arena, out, err);
    if (rc == 0 && id)
        rc = read_comments(st, pid, id, arena, out, err);
    if (rc == 0 && own)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        if (own)
            safer__store_rollback(st);
        safer__ind_snap_release(out);
    }
    return rc;
}

int safer_indicator_wards(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                          struct safer_arena *arena, struct safer_indicator_ward **out, size_t *n,
                          struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__access(st, actor, SAFER_PERM_VIEW_AGGREGATE, NULL, err);
    if (rc == SAFER_EDENIED) {
        safer__store_rollback(st);
        return safer__audit_denied(st, actor, SAFER_PERM_VIEW_AGGREGATE, "ward", NULL, now, err);
    }
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT a.code, a.name FROM area a WHERE a.code IN (" AREA_WARDS ")"
                         " AND a.level = 'ward' ORDER BY a.code",
                         &s, err);
    struct safer_indicator_ward *v = NULL;
    size_t cap = 0;
    if (rc == 0) {
        safer__bind_int64(s, 1, actor->partnership_id);
        while ((rc = safer__step(s, err)) == 1) {
            SAFER__GROW(v, cap, *n + 1);
            v[*n].code = arena_col(arena, s, 0);
            v[(*n)++].name = arena_col(arena, s, 1);
        }
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        *n = 0;
    } else if (*n) {
        *out = safer_arena_alloc(arena, sizeof(**out) * *n);
        memcpy(*out, v, sizeof(**out) * *n);
    }
    free(v);
    return rc;
}

static int cmp_question(const void *a, const void *b)
{
    const struct safer_indicator_question *x = a, *y = b;
    int c = strcmp(x->label, y->label);
    return c ? c : strcmp(x->key, y->key);
}

int safer_indicator_questions(struct safer_store *st, const struct safer_actor *actor,
                              int64_t now, struct safer_arena *arena,
                              struct safer_indicator_question **out, size_t *n,
                              struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__access(st, actor, SAFER_PERM_VIEW_AGGREGATE, NULL, err);
    if (rc == SAFER_EDENIED) {
        safer__store_rollback(st);
        return safer__audit_denied(st, actor, SAFER_PERM_VIEW_AGGREGATE, "survey", NULL, now,
                                   err);
    }
    struct safer__stmt *s = NULL;
    /* Each key's label in the latest wave (by name) that asks it. */
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT q.key, q.label FROM survey_question q JOIN survey_wave w"
                         " ON w.id = q.wave_id ORDER BY q.key, w.name DESC",
                         &s, err);
    struct safer_indicator_question *v = NULL;
    size_t cap = 0;
    if (rc == 0) {
        while ((rc = safer__step(s, err)) == 1) {
            const char *key = safer__col_text(s, 0);
            if (!key || (*n && strcmp(v[*n - 1].key, key) == 0))
                continue;
            SAFER__GROW(v, cap, *n + 1);
            v[*n].key = arena_col(arena, s, 0);
            const char *label = safer__col_text(s, 1);
            v[(*n)++].label = safer_arena_strdup(arena, label ? label : key);
        }
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        *n = 0;
    } else if (*n) {
        qsort(v, *n, sizeof(*v), cmp_question);
        *out = safer_arena_alloc(arena, sizeof(**out) * *n);
        memcpy(*out, v, sizeof(**out) * *n);
    }
    free(v);
    return rc;
}
