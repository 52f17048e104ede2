/*
 * store_project.c - the partnership's problem-solving projects, their
 * wards and their responses (project.h; tables project, project_ward and
 * project_response of migration 6), and the reading of the monthly series
 * their assessment compares (lib/assess/project_did.c computes it).
 *
 * Every call is one transaction: the access decision (the actor's role read
 * inside it), the reads, the change and its audit row commit or roll back
 * together. A refusal rolls back and is logged in a transaction of its own
 * (safer__refuse).
 *
 * The audit row of a change holds `before` and `after`: the fields that
 * changed, with the form's names (title, objective, category, wards,
 * start_date, stage, scanning, analysis, assessment); `wards` is the codes
 * joined by commas. A response's after holds its on_date, partners and
 * what.
 */
#include "util/compat.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/police.h"
#include "safer/area.h"
#include "safer/geom.h"
#include "safer/geom.h"
#include "safer/plan.h"
#include "safer/project.h"
#include "safer/stats.h"
#include "store/store_form.h"
#include "store/store_impl.h"
#include "util/internal.h"
#include "util/jsonobj.h"

const char *const safer_project_stages[] = {
    "scanning", "analysis", "response", "assessment", "closed", NULL,
};

static const char *const STAGE_LABELS[] = {
    "Scanning", "Analysis", "Response", "Assessment", "Closed",
};

static int stage_index(const char *stage)
{
    for (int i = 0; stage && safer_project_stages[i]; i++) {
        if (strcmp(safer_project_stages[i], stage) == 0)
            return i;
    }
    return -1;
}

const char *safer_project_stage_label(const char *stage)
{
    int i = stage_index(stage);
    return i >= 0 ? STAGE_LABELS[i] : stage;
}

/* The partnership's wards (?1): as the indicators count them, a ward of
 * one of its districts, by the area's own district, the ward lookup or the
 * LSOA lookup. */
#define PARTNERSHIP_WARDS                                                                       \
    "SELECT a.code FROM area a WHERE a.level = 'ward' AND COALESCE(a.district_code,"           \
    " (SELECT w.district_code FROM lookup_ward w WHERE w.ward_code = a.code),"                  \
    " (SELECT MIN(l.district_code) FROM lookup_lsoa l WHERE l.ward_code = a.code)) IN"          \
    " (SELECT d.district_code FROM partnership_district d WHERE d.partnership_id = ?1)"

static const char *dup(struct safer_arena *a, struct safer__stmt *s, int col)
{
    const char *t = safer__col_text(s, col);
    return t ? safer_arena_strdup(a, t) : NULL;
}

static void date_of_day(int64_t day, char out[11])
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- checking a form ---- */

struct clean {
    const char *title, *objective, *category, *start_date, *stage;
    const char *scanning, *analysis, *assessment;
    const char **wards; /* sorted, distinct */
    size_t nwards;
    const char *wards_text; /* joined by commas, for the audit */
    const char *place;      /* a drawn polygon's canonical text, or NULL */
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int check_fields(struct safer_store *st, int64_t pid, int64_t id, const void *fields,
                        struct safer_arena *a, void *clean, struct safer_field_errors *fe,
                        struct safer_err *err)
{
    const struct safer_project_fields *f = fields;
    struct clean *c = clean;
    bool adding = id == 0;
    memset(c, 0, sizeof(*c));
    c->title = safer__text_field(a, fe, "title", "Title", f->title, true, "Enter a title",
                                 SAFER_PROJECT_TITLE_MAX, false);
    c->objective = safer__text_field(a, fe, "objective", "Objective", f->objective, true,
                                     "Enter the objective", SAFER_PROJECT_TEXT_MAX, true);
    c->category = safer__trimmed(a, f->category);
    bool known = false;
    for (size_t i = 0; c->category && safer_plan_categories[i]; i++)
        known = known || strcmp(safer_plan_categories[i], c->category) == 0;
    if (!known)
        safer__fe_add(fe, "category", "Choose the problem's police.uk category");

    /* The wards: distinct codes of the partnership. */
    c->wards = safer_arena_alloc(a, (f->nwards + 1) * sizeof(char *));
    for (size_t i = 0; i < f->nwards; i++) {
        const char *w = safer__trimmed(a, f->wards[i]);
        if (w)
            c->wards[c->nwards++] = w;
    }
    qsort(c->wards, c->nwards, sizeof(char *), cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < c->nwards; i++) {
        if (k == 0 || strcmp(c->wards[k - 1], c->wards[i]) != 0)
            c->wards[k++] = c->wards[i];
    }
    c->nwards = k;
    int rc = 0;
    const char *place = safer__trimmed(a, f->place);
    if (place) {
        struct safer_geom g;
        char *canon = NULL;
        struct safer_err perr = {0};
        if (safer_area_polygon_parse(place, &g, &canon, &perr) < 0) {
            safer__fe_add(fe, "place", "The polygon: %s", perr.msg);
        } else {
            c->place = safer_arena_strdup(a, canon);
            safer_geom_release(&g);
        }
        free(canon);
    }
    if (place && c->nwards) {
        safer__fe_add(fe, "place", "Choose wards or draw the place as a polygon, not both");
    } else if (place) {
        /* The place is the polygon. */
    } else if (c->nwards == 0) {
        safer__fe_add(fe, "wards", "Choose at least one ward, or draw the place as a polygon");
    } else if (c->nwards > SAFER_PROJECT_WARDS_MAX) {
        safer__fe_add(fe, "wards", "Choose at most %d wards", SAFER_PROJECT_WARDS_MAX);
    } else {
        struct safer__stmt *s;
        rc = safer__prep(st, PARTNERSHIP_WARDS " AND a.code = ?2", &s, err);
        if (rc < 0)
            return rc;
        size_t len = 0;
        for (size_t i = 0; i < c->nwards && rc >= 0; i++) {
            safer__stmt_reset(s);
            safer__bind_int64(s, 1, pid);
            safer__bind_text(s, 2, c->wards[i]);
            rc = safer__step(s, err);
            if (rc == 0) {
                safer__fe_add(fe, "wards", "Choose wards of the partnership");
                break;
            }
            len += strlen(c->wards[i]) + 1;
        }
        safer__stmt_finalize(s);
        if (rc < 0)
            return rc;
        rc = 0;
        char *joined = safer_arena_alloc(a, len + 1);
        joined[0] = '\0';
        for (size_t i = 0; i < c->nwards; i++) {
            if (i)
                strcat(joined, ",");
            strcat(joined, c->wards[i]);
        }
        c->wards_text = joined;
    }
    int64_t day = 0;
    c->start_date = safer__date_field(a, fe, "start_date", "Start date", f->start_date, &day);
    if (!c->start_date && !safer__trimmed(a, f->start_date))
        safer__fe_add(fe, "start_date", "Enter the day the response started");
    c->stage = safer__trimmed(a, f->stage);
    if (!c->stage && adding)
        c->stage = "scanning";
    else if (stage_index(c->stage) < 0)
        safer__fe_add(fe, "stage", "Choose a stage");
    c->scanning = safer__text_field(a, fe, "scanning", "Scanning", f->scanning, false, NULL,
                                    SAFER_PROJECT_TEXT_MAX, true);
    c->analysis = safer__text_field(a, fe, "analysis", "Analysis", f->analysis, false, NULL,
                                    SAFER_PROJECT_TEXT_MAX, true);
    c->assessment = safer__text_field(a, fe, "assessment", "Assessment", f->assessment, false,
                                      NULL, SAFER_PROJECT_TEXT_MAX, true);
    return rc;
}

/* Replace the wards of project `id` with c's. */
static int write_wards(struct safer_store *st, int64_t id, const struct clean *c,
                       struct safer_err *err)
{
    int rc = safer__run_id(st, "DELETE FROM project_ward WHERE project_id = ?", id, err);
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st, "INSERT INTO project_ward(project_id, area_code) VALUES(?, ?)", &s,
                         err);
    for (size_t i = 0; rc == 0 && i < c->nwards; i++) {
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, id);
        safer__bind_text(s, 2, c->wards[i]);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    return rc;
}

/* ---- adding and changing ---- */

/* The stored project `id` of `pid`: fields as a form gives them, version. */
struct stored {
    struct clean c;
    int64_t version;
};

static int read_stored(struct safer_store *st, int64_t pid, int64_t id, struct safer_arena *a,
                       struct stored *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT title, objective, category, start_date, stage, scanning,"
                         " analysis, assessment, version, place FROM project"
                         " WHERE id = ? AND partnership_id = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    safer__bind_int64(s, 2, pid);
    rc = safer__step(s, err);
    if (rc == 1) {
        out->c.title = dup(a, s, 0);
        out->c.objective = dup(a, s, 1);
        out->c.category = dup(a, s, 2);
        out->c.start_date = dup(a, s, 3);
        out->c.stage = dup(a, s, 4);
        out->c.scanning = dup(a, s, 5);
        out->c.analysis = dup(a, s, 6);
        out->c.assessment = dup(a, s, 7);
        out->version = safer__col_int64(s, 8);
        out->c.place = dup(a, s, 9);
        rc = 0;
    } else if (rc == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no project %" PRId64 " in this partnership", id);
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    rc = safer__prep(st, "SELECT area_code FROM project_ward WHERE project_id = ?"
                         " ORDER BY area_code",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    struct safer_buf joined;
    safer_buf_init(&joined, SAFER_PROJECT_WARDS_MAX * 64);
    while ((rc = safer__step(s, err)) == 1) {
        const char *code = safer__col_text(s, 0);
        int brc = joined.len ? safer_buf_add(&joined, ",", 1) : 0;
        if (brc == 0)
            brc = safer_buf_add(&joined, code, strlen(code));
        if (brc < 0) {
            rc = safer_err_set(err, brc, "project %" PRId64 " has too many wards", id);
            break;
        }
    }
    safer__stmt_finalize(s);
    out->c.wards_text = joined.len ? safer_arena_strdup(a, joined.ptr) : NULL;
    safer_buf_release(&joined);
    return rc;
}

static void diff(struct safer__jobj *before, struct safer__jobj *after, const void *old_,
                 const void *clean)
{
    static const struct clean none = {.title = NULL};
    const struct clean *old = old_ ? old_ : &none, *c = clean;
    safer__diff_str(before, after, "title", old->title, c->title);
    safer__diff_str(before, after, "objective", old->objective, c->objective);
    safer__diff_str(before, after, "category", old->category, c->category);
    safer__diff_str(before, after, "wards", old->wards_text, c->wards_text);
    safer__diff_str(before, after, "place", old->place, c->place);
    safer__diff_str(before, after, "start_date", old->start_date, c->start_date);
    safer__diff_str(before, after, "stage", old->stage, c->stage);
    safer__diff_str(before, after, "scanning", old->scanning, c->scanning);
    safer__diff_str(before, after, "analysis", old->analysis, c->analysis);
    safer__diff_str(before, after, "assessment", old->assessment, c->assessment);
}

/* Insert (*id 0) or update project *id at `version`, and its wards. */
static int write_row(struct safer_store *st, int64_t pid, int64_t *id, int64_t version,
                     const void *clean, const char *at, struct safer_err *err)
{
    const struct clean *c = clean;
    struct safer__stmt *s = NULL;
    int rc = safer__prep(st,
                         *id ? "UPDATE project SET title = ?1, objective = ?2, category = ?3,"
                               " start_date = ?4, stage = ?5, scanning = ?6, analysis = ?7,"
                               " assessment = ?8, place = ?9, updated_at = ?10,"
                               " version = version + 1"
                               " WHERE partnership_id = ?11 AND id = ?12 AND version = ?13"
                             : "INSERT INTO project(title, objective, category, start_date,"
                               " stage, scanning, analysis, assessment, place, updated_at,"
                               " created_at, partnership_id, version)"
                               " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, 1)"
                               " RETURNING id",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, c->title);
    safer__bind_text(s, 2, c->objective);
    safer__bind_text(s, 3, c->category);
    safer__bind_text(s, 4, c->start_date);
    safer__bind_text(s, 5, c->stage);
    safer__bind_text(s, 6, c->scanning);
    safer__bind_text(s, 7, c->analysis);
    safer__bind_text(s, 8, c->assessment);
    safer__bind_text(s, 9, c->place);
    safer__bind_text(s, 10, at);
    safer__bind_int64(s, 11, pid);
    if (*id) {
        safer__bind_int64(s, 12, *id);
        safer__bind_int64(s, 13, version);
        rc = safer__step_done(s, err);
    } else {
        rc = safer__insert_id(st, s, "the project", id, err);
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = write_wards(st, *id, c, err);
    return rc;
}

static int read_any(struct safer_store *st, int64_t pid, int64_t id, struct safer_arena *a,
                    void *clean, int64_t *version, struct safer_err *err)
{
    struct stored old;
    int rc = read_stored(st, pid, id, a, &old, err);
    memcpy(clean, &old.c, sizeof(old.c));
    *version = old.version;
    return rc;
}

static const struct safer__form_kind PROJECT = {
    .type = "project",
    .noun = "project",
    .form = "the project's form",
    .orphan = "no partnership to add the project to",
    .size = sizeof(struct clean),
    .check = check_fields,
    .read = read_any,
    .diff = diff,
    .write = write_row,
};

int safer_project_add(struct safer_store *st, const struct safer_actor *actor,
                      const struct safer_project_fields *f, int64_t now, int64_t *id,
                      struct safer_field_errors *fe, struct safer_err *err)
{
    return safer__form_add(st, actor, &PROJECT, f, now, id, fe, err);
}

int safer_project_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                         int64_t version, const struct safer_project_fields *f, int64_t now,
                         struct safer_field_errors *fe, struct safer_err *err)
{
    return safer__form_change(st, actor, &PROJECT, id, version, f, now, fe, err);
}

int safer_project_response_add(struct safer_store *st, const struct safer_actor *actor,
                               int64_t id, const char *on_date, const char *partners,
                               const char *what, int64_t now, struct safer_field_errors *fe,
                               struct safer_err *err)
{
    struct safer_field_errors local;
    safer__fe_init(&fe, &local);
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_EDIT_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_EDIT_PLAN, "project", id, now, err);
    struct safer_arena a;
    safer_arena_init(&a);
    struct stored old;
    if (rc == 0)
        rc = read_stored(st, actor->partnership_id, id, &a, &old, err);
    int64_t day = 0;
    char today[11];
    date_of_day(safer__day_of(now), today);
    const char *d = NULL, *who = NULL, *text = NULL;
    if (rc == 0) {
        d = safer__date_field(&a, fe, "on_date", "Date", on_date, &day);
        if (!d && !safer__trimmed(&a, on_date))
            d = today;
        who = safer__text_field(&a, fe, "partners", "Partners", partners, true,
                                "Enter the partners who gave the response",
                                SAFER_PROJECT_TITLE_MAX, false);
        text = safer__text_field(&a, fe, "what", "What was done", what, true,
                                 "Enter what was done", SAFER_PROJECT_TEXT_MAX, true);
        if (fe->n)
            rc = safer__fe_fail(fe, "the response's form", err);
    }
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO project_response(project_id, on_date, partners, what,"
                         " author_id, at) VALUES(?, ?, ?, ?, ?, ?)",
                         &s, err);
    if (rc == 0) {
        char at[32];
        safer__iso_at(now, at);
        safer__bind_int64(s, 1, id);
        safer__bind_text(s, 2, d);
        safer__bind_text(s, 3, who);
        safer__bind_text(s, 4, text);
        if (actor->user_id > 0)
            safer__bind_int64(s, 5, actor->user_id);
        else
            safer__bind_null(s, 5);
        safer__bind_text(s, 6, at);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0)
        rc = safer__run_id(st, "UPDATE project SET version = version + 1 WHERE id = ?", id, err);
    if (rc == 0) {
        struct safer__jobj after;
        safer__jobj_init(&after);
        safer__jobj_str(&after, "on_date", d);
        safer__jobj_str(&after, "partners", who);
        safer__jobj_str(&after, "what", text);
        rc = safer__audit_change(st, actor, "project-response", "project", id, NULL, &after, now,
                                 err);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    safer_arena_release(&a);
    return rc;
}

/* ---- reading ---- */

/* A refused read, logged at the time of the refusal (reads take no clock). */
static int refuse_read(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                       struct safer_err *err)
{
    return safer__refuse(st, actor, SAFER_PERM_VIEW_PLAN, "project", id, (int64_t)time(NULL), err);
}

#define PROJECT_COLUMNS                                                                         \
    "SELECT id, title, objective, category, start_date, stage, scanning, analysis, assessment," \
    " version, updated_at, place FROM project WHERE partnership_id = ?1"

static void read_row(struct safer__stmt *s, struct safer_arena *a, struct safer_project *x)
{
    memset(x, 0, sizeof(*x));
    x->id = safer__col_int64(s, 0);
    x->title = dup(a, s, 1);
    x->objective = dup(a, s, 2);
    x->category = dup(a, s, 3);
    x->start_date = dup(a, s, 4);
    x->stage = dup(a, s, 5);
    x->scanning = dup(a, s, 6);
    x->analysis = dup(a, s, 7);
    x->assessment = dup(a, s, 8);
    x->version = safer__col_int64(s, 9);
    x->updated_at = dup(a, s, 10);
    x->place = dup(a, s, 11);
}

/* The wards of project x, by code, with their names. */
static int read_wards(struct safer_store *st, struct safer_arena *a, struct safer_project *x,
                      struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT w.area_code, COALESCE(r.name, w.area_code) FROM project_ward w"
                         " LEFT JOIN area r ON r.code = w.area_code WHERE w.project_id = ?"
                         " ORDER BY w.area_code",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, x->id);
    x->wards = safer_arena_alloc(a, SAFER_PROJECT_WARDS_MAX * sizeof(*x->wards));
    while ((rc = safer__step(s, err)) == 1) {
        if (x->nwards == SAFER_PROJECT_WARDS_MAX)
            continue;
        x->wards[x->nwards].code = dup(a, s, 0);
        x->wards[x->nwards].name = dup(a, s, 1);
        x->nwards++;
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_project_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                      struct safer_arena *arena, struct safer_project *out,
                      struct safer_project_response **responses, size_t *nresponses,
                      struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    if (responses)
        *responses = NULL;
    if (nresponses)
        *nresponses = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return refuse_read(st, actor, id, err);
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st, PROJECT_COLUMNS " AND id = ?2", &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, actor->partnership_id);
        safer__bind_int64(s, 2, id);
        rc = safer__step(s, err);
        if (rc == 1)
            read_row(s, arena, out);
        else if (rc == 0)
            rc = safer_err_set(err, SAFER_ENOTFOUND, "no project %" PRId64 " in this partnership",
                               id);
        if (rc == 1)
            rc = 0;
        safer__stmt_finalize(s);
        s = NULL;
    }
    if (rc == 0)
        rc = read_wards(st, arena, out, err);
    if (rc == 0 && responses && nresponses)
        rc = safer__prep(st,
                         "SELECT r.id, r.on_date, r.partners, r.what,"
                         " COALESCE(u.name, 'operator'), r.at FROM project_response r"
                         " LEFT JOIN app_user u ON u.id = r.author_id WHERE r.project_id = ?"
                         " ORDER BY r.on_date, r.id",
                         &s, err);
    if (s) {
        safer__bind_int64(s, 1, id);
        struct safer_project_response *v = NULL;
        size_t cap = 0, n = 0;
        while ((rc = safer__step(s, err)) == 1) {
            SAFER__GROW(v, cap, n + 1);
            struct safer_project_response *r = &v[n++];
            r->id = safer__col_int64(s, 0);
            r->on_date = dup(arena, s, 1);
            r->partners = dup(arena, s, 2);
            r->what = dup(arena, s, 3);
            r->author = dup(arena, s, 4);
            r->at = dup(arena, s, 5);
        }
        safer__stmt_finalize(s);
        if (rc == 0 && n) {
            *responses = safer_arena_alloc(arena, sizeof(*v) * n);
            memcpy(*responses, v, sizeof(*v) * n);
            *nresponses = n;
        }
        free(v);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        memset(out, 0, sizeof(*out));
        if (responses)
            *responses = NULL;
        if (nresponses)
            *nresponses = 0;
    }
    return rc;
}

int safer_project_list(struct safer_store *st, const struct safer_actor *actor,
                       struct safer_arena *arena, struct safer_project **out, size_t *n,
                       struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return refuse_read(st, actor, 0, err);
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st, PROJECT_COLUMNS " ORDER BY start_date DESC, id", &s, err);
    struct safer_project *v = NULL;
    size_t cap = 0, k = 0;
    if (rc == 0) {
        safer__bind_int64(s, 1, actor->partnership_id);
        while ((rc = safer__step(s, err)) == 1) {
            SAFER__GROW(v, cap, k + 1);
            read_row(s, arena, &v[k++]);
        }
        safer__stmt_finalize(s);
    }
    for (size_t i = 0; rc == 0 && i < k; i++)
        rc = read_wards(st, arena, &v[i], err);
    return safer__list_done(st, rc, v, k, sizeof(*v), arena, (void **)out, n, err);
}

int safer_project_ward_choices(struct safer_store *st, const struct safer_actor *actor,
                               struct safer_arena *arena, struct safer_project_ward **out,
                               size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return refuse_read(st, actor, 0, err);
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT r.code, r.name FROM area r WHERE r.code IN (" PARTNERSHIP_WARDS
                         ") AND r.level = 'ward' ORDER BY r.name, r.code",
                         &s, err);
    struct safer_project_ward *v = NULL;
    size_t cap = 0, k = 0;
    if (rc == 0) {
        safer__bind_int64(s, 1, actor->partnership_id);
        while ((rc = safer__step(s, err)) == 1) {
            SAFER__GROW(v, cap, k + 1);
            v[k].code = dup(arena, s, 0);
            v[k].name = dup(arena, s, 1);
            k++;
        }
        safer__stmt_finalize(s);
    }
    return safer__list_done(st, rc, v, k, sizeof(*v), arena, (void **)out, n, err);
}

/* ---- the assessment's series ---- */

/* What the assessment reads in its one transaction. */
struct series {
    char **codes, **names; /* the partnership's wards, by code */
    size_t nwards;
    int32_t first, last;   /* months held, or first > last */
    double *counts;        /* nwards x (last - first + 1) */
};

static void series_release(struct series *x)
{
    for (size_t i = 0; i < x->nwards; i++) {
        free(x->codes[i]);
        free(x->names[i]);
    }
    free(x->codes);
    free(x->names);
    free(x->counts);
}

static int read_series(struct safer_store *st, int64_t pid, const char *category,
                       struct series *x, struct safer_err *err)
{
    memset(x, 0, sizeof(*x));
    x->first = 1;
    x->last = 0;
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT r.code, r.name FROM area r WHERE r.code IN (" PARTNERSHIP_WARDS
                         ") AND r.level = 'ward' ORDER BY r.code",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    size_t cap = 0, ncap = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(x->codes, cap, x->nwards + 1);
        SAFER__GROW(x->names, ncap, x->nwards + 1);
        x->codes[x->nwards] = safer__xstrdup(safer__col_text(s, 0));
        x->names[x->nwards] = safer__xstrdup(safer__col_text(s, 1));
        x->nwards++;
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    /* The months of the files of the forces with records in its wards. */
    rc = safer__prep(st,
                     "SELECT MIN(b.month), MAX(b.month) FROM crime_batch b WHERE b.force IN"
                     " (SELECT DISTINCT c.force FROM crime_count c WHERE c.area_code IN ("
                     PARTNERSHIP_WARDS "))",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    rc = safer__step(s, err);
    if (rc == 1 && !safer__col_is_null(s, 0)) {
        x->first = (int32_t)safer__col_int64(s, 0);
        x->last = (int32_t)safer__col_int64(s, 1);
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    if (x->first > x->last || x->nwards == 0)
        return 0;
    size_t T = (size_t)(x->last - x->first + 1);
    x->counts = safer__xcalloc(x->nwards * T, sizeof(double));
    rc = safer__prep(st,
                     "SELECT c.area_code, c.month, c.count FROM crime_count c"
                     " WHERE c.crime_type = ?2 AND c.area_code IN (" PARTNERSHIP_WARDS ")",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_text(s, 2, category);
    while ((rc = safer__step(s, err)) == 1) {
        long w = safer__find_str(x->codes, x->nwards, safer__col_text(s, 0));
        int64_t m = safer__col_int64(s, 1);
        if (w < 0 || m < x->first || m > x->last)
            continue;
        x->counts[(size_t)w * T + (size_t)(m - x->first)] += (double)safer__col_int64(s, 2);
    }
    safer__stmt_finalize(s);
    return rc;
}

/* Mark the wards touching the project's (queen contiguity of the stored
 * boundaries of the partnership's wards only); a ward without a stored
 * boundary touches nothing. */
static int mark_neighbours(struct safer_store *st, int64_t pid, const struct series *x,
                           const bool *inside, bool *adjacent, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT r.code, r.geom FROM area r WHERE r.code IN (" PARTNERSHIP_WARDS
                         ") AND r.level = 'ward' ORDER BY r.code",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    struct safer_geom *g = safer__xcalloc(x->nwards + 1, sizeof(*g));
    size_t *of = safer__xmalloc(sizeof(*of) * (x->nwards + 1)); /* series index of g[i] */
    size_t ng = 0;
    while (ng < x->nwards && (rc = safer__step(s, err)) == 1) {
        const char *code = safer__col_text(s, 0);
        long w = safer__find_str(x->codes, x->nwards, code);
        size_t len = 0;
        const void *blob = safer__col_blob(s, 1, &len);
        if (w < 0)
            continue;
        if (!blob || safer__area_geom_decode(blob, len, &g[ng]) < 0) {
            rc = safer_err_set(err, SAFER_EDB, "%s: the stored geometry of area '%s' is damaged",
                               safer_store_name(st), code);
            break;
        }
        of[ng++] = (size_t)w;
    }
    safer__stmt_finalize(s);
    if (rc > 0)
        rc = 0;
    struct safer_nb nb;
    safer_nb_init(&nb);
    if (rc == 0 && ng >= 2)
        rc = safer_nb_queen(&nb, g, ng, SAFER_NB_SNAP_DEFAULT, err);
    for (size_t i = 0; rc == 0 && ng >= 2 && i < ng; i++) {
        if (!inside[of[i]])
            continue;
        for (uint32_t e = nb.start[i]; e < nb.start[i + 1]; e++)
            adjacent[of[nb.adj[e]]] = true;
    }
    safer_nb_release(&nb);
    for (size_t i = 0; i < ng; i++)
        safer_geom_release(&g[i]);
    free(g);
    free(of);
    return rc;
}

/* Do segments ab and cd share a point? */
static bool segments_meet(const double *a, const double *b, const double *c, const double *d)
{
    int o1 = safer_orient2d(a[0], a[1], b[0], b[1], c[0], c[1]);
    int o2 = safer_orient2d(a[0], a[1], b[0], b[1], d[0], d[1]);
    int o3 = safer_orient2d(c[0], c[1], d[0], d[1], a[0], a[1]);
    int o4 = safer_orient2d(c[0], c[1], d[0], d[1], b[0], b[1]);
    if (o1 != o2 && o3 != o4 && o1 && o2 && o3 && o4)
        return true;
    /* Collinear or touching: a point of one on the other. */
    const double *p[4][3] = {{a, b, c}, {a, b, d}, {c, d, a}, {c, d, b}};
    int o[4] = {o1, o2, o3, o4};
    for (int k = 0; k < 4; k++) {
        const double *u = p[k][0], *v = p[k][1], *w = p[k][2];
        if (o[k] == 0 && w[0] >= fmin(u[0], v[0]) && w[0] <= fmax(u[0], v[0]) &&
            w[1] >= fmin(u[1], v[1]) && w[1] <= fmax(u[1], v[1]))
            return true;
    }
    return false;
}

/* Do polygons g and h share any point (interior or boundary)? */
static bool polygons_meet(const struct safer_geom *g, const struct safer_geom *h)
{
    if (g->maxx < h->minx || h->maxx < g->minx || g->maxy < h->miny || h->maxy < g->miny)
        return false;
    if (g->npoints && safer_geom_locate(h, g->xy[0], g->xy[1]) >= 0)
        return true;
    if (h->npoints && safer_geom_locate(g, h->xy[0], h->xy[1]) >= 0)
        return true;
    for (uint32_t r = 0; r < g->nrings; r++)
        for (uint32_t i = g->ring_start[r]; i + 1 < g->ring_start[r + 1]; i++)
            for (uint32_t q = 0; q < h->nrings; q++)
                for (uint32_t j = h->ring_start[q]; j + 1 < h->ring_start[q + 1]; j++)
                    if (segments_meet(&g->xy[2 * i], &g->xy[2 * i + 2], &h->xy[2 * j],
                                      &h->xy[2 * j + 2]))
                        return true;
    return false;
}

/* A drawn place: the wards it meets (inside[]), and its own monthly
 * counts of `category`, from the records whose point lies in the polygon
 * (interior or boundary); records without a point are in no polygon. */
static int polygon_series(struct safer_store *st, int64_t pid, const char *place,
                          const char *category, const struct series *x, bool *inside,
                          double *counts, struct safer_err *err)
{
    struct safer_geom poly;
    char *canon = NULL;
    int rc = safer_area_polygon_parse(place, &poly, &canon, err);
    free(canon);
    if (rc < 0)
        return safer_err_set(err, SAFER_EDB, "the project's stored polygon is damaged: %s",
                             err->msg);
    struct safer__stmt *s;
    rc = safer__prep(st,
                     "SELECT r.code, r.geom FROM area r WHERE r.code IN (" PARTNERSHIP_WARDS
                     ") AND r.level = 'ward' ORDER BY r.code",
                     &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, pid);
        while ((rc = safer__step(s, err)) == 1) {
            const char *code = safer__col_text(s, 0);
            long w = safer__find_str(x->codes, x->nwards, code);
            size_t len = 0;
            const void *blob = safer__col_blob(s, 1, &len);
            struct safer_geom g;
            if (w < 0)
                continue;
            if (!blob || safer__area_geom_decode(blob, len, &g) < 0) {
                rc = safer_err_set(err, SAFER_EDB,
                                   "%s: the stored geometry of area '%s' is damaged",
                                   safer_store_name(st), code);
                break;
            }
            inside[w] = polygons_meet(&poly, &g);
            safer_geom_release(&g);
        }
        safer__stmt_finalize(s);
    }
    struct safer_crimes c = {0};
    if (rc == 0)
        rc = safer_crimes_load(st, &c, err);
    long type = -1;
    for (size_t t = 0; rc == 0 && t < c.ntypes; t++)
        if (strcmp(c.types[t], category) == 0)
            type = (long)t;
    signed char *in = rc == 0 ? safer__xcalloc(c.nlocs + 1, 1) : NULL; /* 0 unknown, 1, -1 */
    for (size_t b = 0; rc == 0 && type >= 0 && b < c.nbatches; b++) {
        const struct safer_crime_batch *cb = &c.batches[b];
        if (cb->month < x->first || cb->month > x->last)
            continue;
        for (size_t r = cb->first; r < cb->first + cb->count; r++) {
            int32_t k = c.loc[r];
            if (c.type[r] != (uint16_t)type || k < 0)
                continue;
            if (!in[k])
                in[k] = safer_geom_locate(&poly, c.xy[2 * k], c.xy[2 * k + 1]) >= 0 ? 1 : -1;
            if (in[k] > 0)
                counts[(size_t)(cb->month - x->first)] += 1.0;
        }
    }
    free(in);
    safer_crimes_release(&c);
    safer_geom_release(&poly);
    return rc;
}

int safer_project_assess(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                         size_t k, struct safer_arena *arena,
                         struct safer_project_assessment *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return refuse_read(st, actor, id, err);
    struct safer_arena a;
    safer_arena_init(&a);
    struct stored p;
    struct series x;
    memset(&x, 0, sizeof(x));
    bool *inside = NULL, *adjacent = NULL, *eligible = NULL;
    double *cand = NULL;
    if (rc == 0)
        rc = read_stored(st, actor->partnership_id, id, &a, &p, err);
    if (rc == 0)
        rc = read_series(st, actor->partnership_id, p.c.category, &x, err);
    if (rc == 0 && (x.first > x.last || x.nwards == 0))
        rc = safer_err_set(err, SAFER_EINVAL, "the store holds no police.uk data for the "
                           "partnership's wards");
    size_t T = rc == 0 ? (size_t)(x.last - x.first + 1) : 0;
    double *drawn = NULL; /* a drawn place's own counts */
    if (rc == 0 && p.c.place) {
        inside = safer__xcalloc(x.nwards, sizeof(bool));
        adjacent = safer__xcalloc(x.nwards, sizeof(bool));
        drawn = safer__xcalloc(T + 1, sizeof(double));
        rc = polygon_series(st, actor->partnership_id, p.c.place, p.c.category, &x, inside,
                            drawn, err);
        bool meets = false;
        for (size_t w = 0; rc == 0 && w < x.nwards; w++)
            meets = meets || inside[w];
        if (rc == 0 && !meets)
            rc = safer_err_set(err, SAFER_EINVAL, "the project's polygon lies outside the "
                               "partnership's wards");
        if (rc == 0)
            rc = mark_neighbours(st, actor->partnership_id, &x, inside, adjacent, err);
    } else if (rc == 0) {
        inside = safer__xcalloc(x.nwards, sizeof(bool));
        adjacent = safer__xcalloc(x.nwards, sizeof(bool));
        const char *w = p.c.wards_text;
        while (w && *w) {
            const char *e = strchr(w, ',');
            size_t len = e ? (size_t)(e - w) : strlen(w);
            char code[64];
            if (len < sizeof(code)) {
                memcpy(code, w, len);
                code[len] = '\0';
                long i = safer__find_str(x.codes, x.nwards, code);
                if (i >= 0)
                    inside[i] = true;
            }
            w = e ? e + 1 : w + len;
        }
        rc = mark_neighbours(st, actor->partnership_id, &x, inside, adjacent, err);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    if (rc < 0)
        goto out;

    /* The project area's series, and every other ward a candidate. */
    out->nmonths = T;
    out->months = safer_arena_alloc(arena, sizeof(char *) * T);
    out->project = safer_arena_alloc(arena, sizeof(double) * T);
    for (size_t t = 0; t < T; t++) {
        char m[8];
        safer__format_month(x.first + (int32_t)t, m);
        out->months[t] = safer_arena_strdup(arena, m);
        out->project[t] = 0.0;
    }
    cand = safer__xmalloc(sizeof(double) * (x.nwards * T + 1));
    eligible = safer__xmalloc(sizeof(bool) * (x.nwards + 1));
    size_t nc = 0;
    size_t *cand_ward = safer__xmalloc(sizeof(size_t) * (x.nwards + 1));
    for (size_t w = 0; w < x.nwards; w++) {
        const double *row = x.counts + w * T;
        if (inside[w]) {
            for (size_t t = 0; !drawn && t < T; t++)
                out->project[t] += row[t];
            continue;
        }
        memcpy(cand + nc * T, row, sizeof(double) * T);
        eligible[nc] = !adjacent[w];
        out->nexcluded_adjacent += adjacent[w];
        cand_ward[nc++] = w;
    }
    out->ncandidates = nc;
    for (size_t t = 0; drawn && t < T; t++)
        out->project[t] = drawn[t];
    int64_t day = 0;
    (void)safer__parse_date(p.c.start_date, &day);
    char sd[11];
    date_of_day(day, sd);
    int32_t start_month = safer__month_index(atoi(sd), atoi(sd + 5));
    size_t S = start_month <= x.first ? 0
               : start_month > x.last ? T + 1
                                      : (size_t)(start_month - x.first);
    struct safer_did_input in = {
        .nmonths = T,
        .start = S,
        .project = out->project,
        .cand = cand,
        .eligible = eligible,
        .ncand = nc,
        .k = k,
    };
    rc = safer_did_compute(&in, &out->did, err);
    if (rc == 0) {
        out->comparison_codes = safer_arena_alloc(arena, sizeof(char *) * (out->did.k + 1));
        out->comparison_names = safer_arena_alloc(arena, sizeof(char *) * (out->did.k + 1));
        for (size_t i = 0; i < out->did.k; i++) {
            size_t w = cand_ward[out->did.chosen[i]];
            out->comparison_codes[i] = safer_arena_strdup(arena, x.codes[w]);
            out->comparison_names[i] = safer_arena_strdup(arena, x.names[w]);
        }
    }
    free(cand_ward);
out:
    free(drawn);
    free(cand);
    free(eligible);
    free(inside);
    free(adjacent);
    series_release(&x);
    safer_arena_release(&a);
    return rc;
}
