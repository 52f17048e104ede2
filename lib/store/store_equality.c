/*
 * store_equality.c - equality impact assessments of the partnership's plans
 * (equality.h; the table equality_assessment of schema version 5).
 *
 * Every call is one transaction: the access decision, the reads, the
 * change and its audit row commit or roll back together; a refusal rolls
 * back and is logged in a transaction of its own. A change's audit row
 * holds `before` and `after`, flat JSON objects of the fields that changed
 * with the form's names (group_key, year, characteristics one a line,
 * evidence, findings, mitigations, review_date); an addition has no before.
 */
#include "util/compat.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/equality.h"
#include "store/store_form.h"
#include "util/internal.h"

const char *const safer_equality_characteristics[] = {
    "age", "disability", "gender reassignment", "marriage and civil partnership",
    "pregnancy and maternity", "race", "religion or belief", "sex", "sexual orientation", NULL,
};

static const char *const LABELS[] = {
    "Age", "Disability", "Gender reassignment", "Marriage and civil partnership",
    "Pregnancy and maternity", "Race", "Religion or belief", "Sex", "Sexual orientation",
};

#define NCHAR (sizeof(LABELS) / sizeof(LABELS[0]))

static int char_index(const char *c)
{
    for (int i = 0; c && safer_equality_characteristics[i]; i++) {
        if (strcmp(safer_equality_characteristics[i], c) == 0)
            return i;
    }
    return -1;
}

const char *safer_equality_characteristic_label(const char *c)
{
    int i = char_index(c);
    return i >= 0 ? LABELS[i] : c;
}

/* A form's fields, checked (strings in the call's arena). */
struct clean {
    const char *group_key; /* "" for the partnership's own plan */
    int year;
    const char *characteristics; /* one a line, the Act's order */
    const char *evidence, *findings, *mitigations, *review_date;
};

/* A plan year: four digits, 2000 to 2100. */
static bool parse_year(const char *s, int *out)
{
    if (!s || strlen(s) != 4)
        return false;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        y = y * 10 + (s[i] - '0');
    }
    if (y < 2000 || y > 2100)
        return false;
    *out = y;
    return true;
}

/* 1 when the query with (pid, text[, id]) finds a row, 0 when not. */
static int found(struct safer_store *st, const char *sql, int64_t pid, const char *text,
                 int year, int64_t id, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_text(s, 2, text);
    if (year) {
        safer__bind_int64(s, 3, year);
        safer__bind_int64(s, 4, id);
    }
    rc = safer__step(s, err);
    safer__stmt_finalize(s);
    return rc;
}

/* Check form `f` for partnership `pid` (assessment `id`, 0 when new):
 * every mistake into fe, in the form's order. Negative: the store failed. */
static int check_fields(struct safer_store *st, int64_t pid, int64_t id, const void *fields,
                        struct safer_arena *a, void *clean, struct safer_field_errors *fe,
                        struct safer_err *err)
{
    const struct safer_equality_fields *f = fields;
    struct clean *c = clean;
    memset(c, 0, sizeof(*c));
    int rc = 0;
    c->group_key = safer__trimmed(a, f->group_key);
    if (c->group_key) {
        rc = found(st, "SELECT 1 FROM partnership_group WHERE partnership_id = ? AND key = ?", pid,
                   c->group_key, 0, 0, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            safer__fe_add(fe, "group_key", "Choose the partnership's plan or one of its groups");
    } else {
        c->group_key = "";
    }
    const char *year = safer__trimmed(a, f->year);
    if (!year)
        safer__fe_add(fe, "year", "Enter the plan year");
    else if (!parse_year(year, &c->year))
        safer__fe_add(fe, "year", "Plan year must be a year from 2000 to 2100, like 2021");
    if (c->year) {
        rc = found(st,
                   "SELECT 1 FROM equality_assessment WHERE partnership_id = ? AND group_key = ?"
                   " AND year = ? AND id <> ?",
                   pid, c->group_key, c->year, id, err);
        if (rc < 0)
            return rc;
        if (rc == 1)
            safer__fe_add(fe, "year",
                          "This plan already has an equality impact assessment for %d", c->year);
    }

    bool ticked[NCHAR] = {false};
    bool unknown = false, any = false;
    for (size_t i = 0; i < f->ncharacteristics; i++) {
        const char *t = safer__trimmed(a, f->characteristics[i]);
        int k = char_index(t);
        if (!t)
            continue;
        if (k < 0)
            unknown = true;
        else
            ticked[k] = any = true;
    }
    if (unknown)
        safer__fe_add(fe, "characteristics", "Choose protected characteristics from the list");
    else if (!any)
        safer__fe_add(fe, "characteristics", "Choose at least one protected characteristic");
    size_t len = 0;
    char lines[512] = "";
    for (size_t k = 0; k < NCHAR; k++) {
        if (ticked[k])
            len += (size_t)snprintf(lines + len, sizeof(lines) - len, "%s%s", len ? "\n" : "",
                                    safer_equality_characteristics[k]);
    }
    c->characteristics = safer_arena_strdup(a, lines);

    c->evidence = safer__text_field(a, fe, "evidence", "Evidence", f->evidence, true,
                                    "Enter the evidence considered", SAFER_EQUALITY_TEXT_MAX, true);
    c->findings = safer__text_field(a, fe, "findings", "Findings", f->findings, true,
                                    "Enter the findings", SAFER_EQUALITY_TEXT_MAX, true);
    c->mitigations = safer__text_field(a, fe, "mitigations", "Mitigating actions", f->mitigations,
                                       true, "Enter the mitigating actions",
                                       SAFER_EQUALITY_TEXT_MAX, true);
    int64_t day;
    const char *typed = safer__trimmed(a, f->review_date);
    c->review_date = safer__date_field(a, fe, "review_date", "Review date", typed, &day);
    if (!typed)
        safer__fe_add(fe, "review_date", "Enter the date of the next review");
    return 0;
}

/* ---- reading ---- */

#define EQ_COLUMNS                                                                              \
    "SELECT e.id, e.group_key, g.name, e.year, e.characteristics, e.evidence, e.findings,"     \
    " e.mitigations, e.review_date, e.version, e.updated_at FROM equality_assessment e"        \
    " LEFT JOIN partnership_group g ON g.partnership_id = e.partnership_id"                    \
    "  AND g.key = e.group_key"                                                                 \
    " WHERE e.partnership_id = ?1"

static const char *dup(struct safer_arena *a, struct safer__stmt *s, int col)
{
    const char *t = safer__col_text(s, col);
    return t ? safer_arena_strdup(a, t) : NULL;
}

static void read_row(struct safer__stmt *s, struct safer_arena *a, int64_t today,
                     struct safer_equality *x)
{
    memset(x, 0, sizeof(*x));
    x->id = safer__col_int64(s, 0);
    x->group_key = dup(a, s, 1);
    if (x->group_key && !*x->group_key)
        x->group_key = NULL;
    x->group_name = dup(a, s, 2);
    x->year = (int)safer__col_int64(s, 3);
    const char *chars = dup(a, s, 4);
    x->evidence = dup(a, s, 5);
    x->findings = dup(a, s, 6);
    x->mitigations = dup(a, s, 7);
    x->review_date = dup(a, s, 8);
    x->version = safer__col_int64(s, 9);
    x->updated_at = dup(a, s, 10);
    int64_t review;
    x->review_overdue = x->review_date && safer__parse_date(x->review_date, &review) &&
                        review < today;
    /* One a line, as stored. */
    x->characteristics = safer_arena_alloc(a, sizeof(char *) * NCHAR);
    for (const char *p = chars; p && *p && x->ncharacteristics < NCHAR;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n)
            x->characteristics[x->ncharacteristics++] = safer_arena_strndup(a, p, n);
        p = nl ? nl + 1 : p + n;
    }
}

/* Read the rows of `sql` (?1 the partnership, ?2 an id when `id`). */
static int read_rows(struct safer_store *st, const char *sql, int64_t pid, int64_t id,
                     int64_t now, struct safer_arena *a, struct safer_equality **out, size_t *n,
                     struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    if (id)
        safer__bind_int64(s, 2, id);
    struct safer_equality *v = NULL;
    size_t cap = 0, k = 0;
    int64_t today = safer__day_of(now);
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, k + 1);
        read_row(s, a, today, &v[k++]);
    }
    safer__stmt_finalize(s);
    if (rc == 0 && k) {
        *out = safer_arena_alloc(a, sizeof(*v) * k);
        memcpy(*out, v, sizeof(*v) * k);
        *n = k;
    }
    free(v);
    return rc;
}

int safer_equality_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                       int64_t now, struct safer_arena *arena, struct safer_equality *out,
                       struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_AGGREGATE, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_VIEW_AGGREGATE, "equality", id, now, err);
    struct safer_equality *v = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = read_rows(st, EQ_COLUMNS " AND e.id = ?2", actor->partnership_id, id, now, arena, &v,
                       &n, err);
    if (rc == 0 && n == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "no equality impact assessment %" PRId64 " in this partnership", id);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        return rc;
    }
    *out = v[0];
    return 0;
}

int safer_equality_list(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                        struct safer_arena *arena, struct safer_equality **out, size_t *n,
                        struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_AGGREGATE, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_VIEW_AGGREGATE, "equality", 0, now, err);
    if (rc == 0)
        rc = read_rows(st, EQ_COLUMNS " ORDER BY e.year DESC, e.group_key <> '', g.name, e.id",
                       actor->partnership_id, 0, now, arena, out, n, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- writing ---- */

/* The stored fields of assessment `id` of `pid`, as check_fields gives. */
static int read_stored(struct safer_store *st, int64_t pid, int64_t id, struct safer_arena *a,
                       void *clean, int64_t *version, struct safer_err *err)
{
    struct clean *out = clean;
    memset(out, 0, sizeof(*out));
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT group_key, year, characteristics, evidence, findings, mitigations,"
                         " review_date, version FROM equality_assessment"
                         " WHERE id = ? AND partnership_id = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    safer__bind_int64(s, 2, pid);
    rc = safer__step(s, err);
    if (rc == 1) {
        out->group_key = dup(a, s, 0);
        out->year = (int)safer__col_int64(s, 1);
        out->characteristics = dup(a, s, 2);
        out->evidence = dup(a, s, 3);
        out->findings = dup(a, s, 4);
        out->mitigations = dup(a, s, 5);
        out->review_date = dup(a, s, 6);
        *version = safer__col_int64(s, 7);
        rc = 0;
    } else if (rc == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "no equality impact assessment %" PRId64 " in this partnership", id);
    }
    safer__stmt_finalize(s);
    return rc;
}

/* The members of a change from `old` (NULL: an addition) to `c`. */
static void diff(struct safer__jobj *before, struct safer__jobj *after, const void *old_,
                 const void *clean)
{
    const struct clean *old = old_, *c = clean;
    static const struct clean none = {.year = 0};
    const struct clean *o = old ? old : &none;
    safer__diff_str(before, after, "group_key", old ? o->group_key : NULL, c->group_key);
    if (!old || o->year != c->year)
        safer__diff_int(before, after, "year", o->year, c->year);
    safer__diff_str(before, after, "characteristics", o->characteristics, c->characteristics);
    safer__diff_str(before, after, "evidence", o->evidence, c->evidence);
    safer__diff_str(before, after, "findings", o->findings, c->findings);
    safer__diff_str(before, after, "mitigations", o->mitigations, c->mitigations);
    safer__diff_str(before, after, "review_date", o->review_date, c->review_date);
}

/* Insert (*id 0) or update assessment *id at `version`. */
static int write_row(struct safer_store *st, int64_t pid, int64_t *id, int64_t version,
                     const void *clean, const char *at, struct safer_err *err)
{
    const struct clean *c = clean;
    struct safer__stmt *s = NULL;
    int rc = safer__prep(st,
                         *id ? "UPDATE equality_assessment SET group_key = ?1, year = ?2,"
                               " characteristics = ?3, evidence = ?4, findings = ?5,"
                               " mitigations = ?6, review_date = ?7, version = version + 1,"
                               " updated_at = ?8 WHERE id = ?9 AND partnership_id = ?10"
                               " AND version = ?11"
                             : "INSERT INTO equality_assessment(group_key, year, characteristics,"
                               " evidence, findings, mitigations, review_date, updated_at,"
                               " created_at, partnership_id, version)"
                               " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, 1) RETURNING id",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, c->group_key);
    safer__bind_int64(s, 2, c->year);
    safer__bind_text(s, 3, c->characteristics);
    safer__bind_text(s, 4, c->evidence);
    safer__bind_text(s, 5, c->findings);
    safer__bind_text(s, 6, c->mitigations);
    safer__bind_text(s, 7, c->review_date);
    safer__bind_text(s, 8, at);
    if (*id) {
        safer__bind_int64(s, 9, *id);
        safer__bind_int64(s, 10, pid);
        safer__bind_int64(s, 11, version);
        rc = safer__step_done(s, err);
    } else {
        safer__bind_int64(s, 9, pid);
        rc = safer__insert_id(st, s, "the assessment", id, err);
    }
    safer__stmt_finalize(s);
    return rc;
}

static const struct safer__form_kind EQUALITY = {
    .type = "equality",
    .noun = "equality impact assessment",
    .form = "the assessment's form",
    .orphan = "no partnership to add the assessment to",
    .size = sizeof(struct clean),
    .check = check_fields,
    .read = read_stored,
    .diff = diff,
    .write = write_row,
};

int safer_equality_add(struct safer_store *st, const struct safer_actor *actor,
                       const struct safer_equality_fields *f, int64_t now, int64_t *id,
                       struct safer_field_errors *fe, struct safer_err *err)
{
    return safer__form_add(st, actor, &EQUALITY, f, now, id, fe, err);
}

int safer_equality_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                          int64_t version, const struct safer_equality_fields *f, int64_t now,
                          struct safer_field_errors *fe, struct safer_err *err)
{
    return safer__form_change(st, actor, &EQUALITY, id, version, f, now, fe, err);
}
