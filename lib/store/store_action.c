/*
 * store_action.c - the partnership's actions and their dated updates
 * (action.h; the tables action and action_update of migration 4).
 *
 * Every call is one transaction: the access decision (safer__access, the
 * actor's role read now, inside it), the reads, the change and its audit
 * row commit or roll back together, so no front end can change an action
 * without the log saying who did what. A refusal rolls back and is logged
 * in a transaction of its own (safer__audit_denied).
 *
 * The audit row of a change holds two flat JSON objects: `before`, the old
 * values of the fields that changed, and `after`, their new values, with
 * the form's names for them (title, description, priority_key, group_key,
 * lead_org, lead_user_id, start_date, due_date, status, progress; none is
 * null in JSON). An added action has no before; an update's after also
 * holds its on_date and note.
 *
 * Forms are checked whole before anything is written: every mistake goes
 * into `fe` in the form's order, with the words a person sees next to the
 * field, and nothing is saved. An action of another partnership is not
 * found, whoever asks.
 */
#include "util/compat.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/action.h"
#include "safer/plan.h"
#include "store/store_form.h"
#include "store/store_impl.h"
#include "util/internal.h"
#include "util/jsonobj.h"

const char *const safer_action_statuses[] = {
    "not-started", "on-track", "at-risk", "off-track", "complete", "withdrawn", NULL,
};

static const char *const STATUS_LABELS[] = {
    "Not started", "On track", "At risk", "Off track", "Complete", "Withdrawn",
};

static int status_index(const char *status)
{
    for (int i = 0; status && safer_action_statuses[i]; i++) {
        if (strcmp(safer_action_statuses[i], status) == 0)
            return i;
    }
    return -1;
}

const char *safer_action_status_label(const char *status)
{
    int i = status_index(status);
    return i >= 0 ? STATUS_LABELS[i] : status;
}

/* Finished: no longer due. */
static bool finished(const char *status)
{
    return status && (strcmp(status, "complete") == 0 || strcmp(status, "withdrawn") == 0);
}

/* ---- dates ---- */




static void date_of_day(int64_t day, char out[11])
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void iso_of(int64_t now, char out[32])
{
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- checking a form ---- */





/* A form's fields, checked and trimmed (strings in the call's arena). */
struct clean {
    const char *title, *description, *priority_key, *group_key, *lead_org;
    const char *start_date, *due_date, *status;
    int64_t lead_org_id, lead_user_id;
};

/* 1 when `sql` with its bound text `a` (and id `pid`) finds a row. */
static int exists(struct safer_store *st, const char *sql, int64_t pid, const char *a, int64_t b,
                  int64_t *found, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    if (a)
        safer__bind_text(s, 2, a);
    else
        safer__bind_int64(s, 2, b);
    rc = safer__step(s, err);
    if (rc == 1 && found)
        *found = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    return rc;
}

static const char SQL_PRIORITY[] =
    "SELECT r.id FROM plan_priority r JOIN partnership_plan l ON l.id = r.plan_id"
    " WHERE l.partnership_id = ? AND r.key = ?";
static const char SQL_GROUP[] =
    "SELECT id FROM partnership_group WHERE partnership_id = ? AND key = ?";
static const char SQL_MEMBER[] =
    "SELECT user_id FROM membership WHERE partnership_id = ? AND user_id = ?";

/* The organisation called `name`: 1 with *id, 0 when none. */
static int org_find(struct safer_store *st, const char *name, int64_t *id, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT id FROM organisation WHERE name = ?", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, name);
    rc = safer__step(s, err);
    if (rc == 1)
        *id = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    return rc;
}



/* Check form `f` against partnership `pid`: every mistake into fe, in the
 * form's order. A negative return is the store's failure. */
static int check_fields(struct safer_store *st, int64_t pid, const struct safer_action_fields *f,
                        bool adding, struct safer_arena *a, struct clean *c,
                        struct safer_field_errors *fe, struct safer_err *err)
{
    memset(c, 0, sizeof(*c));
    c->title = safer__text_field(a, fe, "title", "Title", f->title, true, "Enter a title",
                          SAFER_ACTION_TITLE_MAX, false);
    c->description = safer__text_field(a, fe, "description", "Description", f->description, false, NULL,
                                SAFER_ACTION_TEXT_MAX, true);
    int rc = 0;
    c->priority_key = safer__trimmed(a, f->priority_key);
    if (c->priority_key) {
        rc = exists(st, SQL_PRIORITY, pid, c->priority_key, 0, NULL, err);
        if (rc == 0)
            safer__fe_add(fe, "priority_key", "Choose a priority of the partnership's plan");
        if (rc < 0)
            return rc;
    }
    c->group_key = safer__trimmed(a, f->group_key);
    if (c->group_key) {
        rc = exists(st, SQL_GROUP, pid, c->group_key, 0, NULL, err);
        if (rc == 0)
            safer__fe_add(fe, "group_key", "Choose a group of the partnership's plan");
        if (rc < 0)
            return rc;
    }
    c->lead_org = safer__trimmed(a, f->lead_org);
    if (c->lead_org) {
        rc = org_find(st, c->lead_org, &c->lead_org_id, err);
        if (rc == 0)
            safer__fe_add(fe, "lead_org", "Choose a lead organisation from the list");
        if (rc < 0)
            return rc;
    }
    if (f->lead_user_id) {
        c->lead_user_id = f->lead_user_id;
        rc = f->lead_user_id > 0 ? exists(st, SQL_MEMBER, pid, NULL, f->lead_user_id, NULL, err)
                                 : 0;
        if (rc == 0)
            safer__fe_add(fe, "lead_user_id", "Choose a lead from the people of the partnership");
        if (rc < 0)
            return rc;
    }
    int64_t start = 0, due = 0;
    c->start_date = safer__date_field(a, fe, "start_date", "Start date", f->start_date, &start);
    c->due_date = safer__date_field(a, fe, "due_date", "Due date", f->due_date, &due);
    if (c->start_date && c->due_date && due < start)
        safer__fe_add(fe, "due_date", "Due date must be the same as or after the start date");
    c->status = safer__trimmed(a, f->status);
    if (!c->status && adding)
        c->status = "not-started";
    else if (status_index(c->status) < 0)
        safer__fe_add(fe, "status", "Choose a status");
    return 0;
}

/* ---- the access decision ---- */



/* ---- reading ---- */

/* The columns every read of an action gives, in struct safer_action's
 * order; ?1 is the partnership. */
#define ACTION_COLUMNS                                                                         \
    "SELECT a.id, a.title, a.description, a.priority_key,"                                    \
    " (SELECT r.title FROM plan_priority r JOIN partnership_plan l ON l.id = r.plan_id"       \
    "  WHERE l.partnership_id = a.partnership_id AND r.key = a.priority_key"                  \
    "  ORDER BY l.id DESC LIMIT 1),"                                                           \
    " a.group_key, g.name, o.name, u.name, u.email, a.lead_user_id, a.start_date,"            \
    " a.due_date, a.status, a.progress, a.version, a.updated_at"                              \
    " FROM action a"                                                                           \
    " LEFT JOIN partnership_group g ON g.partnership_id = a.partnership_id AND g.key = a.group_key" \
    " LEFT JOIN organisation o ON o.id = a.lead_org_id"                                        \
    " LEFT JOIN app_user u ON u.id = a.lead_user_id"                                           \
    " WHERE a.partnership_id = ?1"

static const char *dup(struct safer_arena *a, struct safer__stmt *s, int col)
{
    const char *t = safer__col_text(s, col);
    return t ? safer_arena_strdup(a, t) : NULL;
}

/* Days past its due date on day `today`, for an action not finished: 0 when
 * not overdue. */
static int64_t days_overdue(const struct safer_action *x, int64_t today)
{
    int64_t due;
    if (x->due_date && !finished(x->status) && safer__parse_date(x->due_date, &due) && due < today)
        return today - due;
    return 0;
}

static void read_row(struct safer__stmt *s, struct safer_arena *a, int64_t today,
                     struct safer_action *x)
{
    memset(x, 0, sizeof(*x));
    x->id = safer__col_int64(s, 0);
    x->title = dup(a, s, 1);
    x->description = dup(a, s, 2);
    x->priority_key = dup(a, s, 3);
    x->priority_title = dup(a, s, 4);
    x->group_key = dup(a, s, 5);
    x->group_name = dup(a, s, 6);
    x->lead_org = dup(a, s, 7);
    x->lead_name = dup(a, s, 8);
    x->lead_email = dup(a, s, 9);
    x->lead_user_id = safer__col_is_null(s, 10) ? 0 : safer__col_int64(s, 10);
    x->start_date = dup(a, s, 11);
    x->due_date = dup(a, s, 12);
    x->status = dup(a, s, 13);
    x->progress = (int)safer__col_int64(s, 14);
    x->version = safer__col_int64(s, 15);
    x->updated_at = dup(a, s, 16);
    x->days_overdue = days_overdue(x, today);
}

/* One action of partnership `pid`: 0, or SAFER_ENOTFOUND. */
static int read_one(struct safer_store *st, int64_t pid, int64_t id, int64_t now,
                    struct safer_arena *a, struct safer_action *out, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, ACTION_COLUMNS " AND a.id = ?2", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_int64(s, 2, id);
    rc = safer__step(s, err);
    if (rc == 1) {
        read_row(s, a, safer__day_of(now), out);
        rc = 0;
    } else if (rc == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no action %" PRId64 " in this partnership", id);
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_action_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                     int64_t now, struct safer_arena *arena, struct safer_action *out,
                     struct safer_action_update **updates, size_t *nupdates,
                     struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    if (updates)
        *updates = NULL;
    if (nupdates)
        *nupdates = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_VIEW_PLAN, "action", id, now, err);
    if (rc == 0)
        rc = read_one(st, actor->partnership_id, id, now, arena, out, err);
    struct safer__stmt *s = NULL;
    if (rc == 0 && updates && nupdates)
        rc = safer__prep(st,
                         "SELECT u.id, u.at, u.on_date, COALESCE(p.name, 'operator'), u.status,"
                         " u.progress, u.note FROM action_update u"
                         " LEFT JOIN app_user p ON p.id = u.author_id WHERE u.action_id = ?"
                         " ORDER BY u.on_date DESC, u.id DESC",
                         &s, err);
    if (s) {
        safer__bind_int64(s, 1, id);
        struct safer_action_update *v = NULL;
        size_t cap = 0, n = 0;
        while ((rc = safer__step(s, err)) == 1) {
            SAFER__GROW(v, cap, n + 1);
            struct safer_action_update *u = &v[n++];
            u->id = safer__col_int64(s, 0);
            u->at = dup(arena, s, 1);
            u->on_date = dup(arena, s, 2);
            u->author = dup(arena, s, 3);
            u->status = dup(arena, s, 4);
            u->progress = (int)safer__col_int64(s, 5);
            u->note = dup(arena, s, 6);
        }
        safer__stmt_finalize(s);
        if (rc == 0 && n) {
            *updates = safer_arena_alloc(arena, sizeof(*v) * n);
            memcpy(*updates, v, sizeof(*v) * n);
            *nupdates = n;
        }
        free(v);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        memset(out, 0, sizeof(*out));
        if (updates)
            *updates = NULL;
        if (nupdates)
            *nupdates = 0;
    }
    return rc;
}

/* A copy of `n` actions in `a`, their days overdue as of day `today`. */
static struct safer_action *copy_actions(struct safer_arena *a, const struct safer_action *v,
                                         size_t n, int64_t today)
{
    struct safer_action *o = safer_arena_alloc(a, sizeof(*o) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        struct safer_action *x = &o[i];
        *x = v[i];
        x->title = safer__keep_str(a, v[i].title);
        x->description = safer__keep_str(a, v[i].description);
        x->priority_key = safer__keep_str(a, v[i].priority_key);
        x->priority_title = safer__keep_str(a, v[i].priority_title);
        x->group_key = safer__keep_str(a, v[i].group_key);
        x->group_name = safer__keep_str(a, v[i].group_name);
        x->lead_org = safer__keep_str(a, v[i].lead_org);
        x->lead_name = safer__keep_str(a, v[i].lead_name);
        x->lead_email = safer__keep_str(a, v[i].lead_email);
        x->start_date = safer__keep_str(a, v[i].start_date);
        x->due_date = safer__keep_str(a, v[i].due_date);
        x->status = safer__keep_str(a, v[i].status);
        x->updated_at = safer__keep_str(a, v[i].updated_at);
        x->days_overdue = days_overdue(x, today);
    }
    return o;
}

int safer_action_list(struct safer_store *st, const struct safer_actor *actor,
                      const struct safer_action_query *q, int64_t now, struct safer_arena *arena,
                      struct safer_action **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_VIEW_PLAN, "action", 0, now, err);
    /* Every action of the partnership (the dashboard's): the handle's copy
     * while the store's generation stays. */
    bool all = !(q && ((q->priority_key && *q->priority_key) || (q->group_key && *q->group_key) ||
                       q->lead_user_id || q->due_only));
    int64_t gen = -1;
    if (rc == 0 && all)
        rc = safer__store_generation(st, &gen, err);
    struct safer__kept *k = NULL;
    if (rc == 0 && all && (k = safer__keep_find(st, SAFER__KEEP_ACTIONS, actor->partnership_id, 0,
                                                gen))) {
        *out = k->n ? copy_actions(arena, k->data, k->n, safer__day_of(now)) : NULL;
        *n = k->n;
        rc = safer__store_commit(st, err);
        if (rc < 0) {
            safer__store_rollback(st);
            *out = NULL;
            *n = 0;
        }
        return rc;
    }
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         ACTION_COLUMNS " AND (CAST(?2 AS TEXT) IS NULL OR a.priority_key = ?2)"
                                        " AND (CAST(?3 AS TEXT) IS NULL OR a.group_key = ?3)"
                                        " AND (?4 = 0 OR a.lead_user_id = ?4)"
                                        " AND (CAST(?5 AS TEXT) IS NULL OR (a.due_date IS NOT NULL"
                                        " AND a.due_date <= ?5"
                                        " AND a.status NOT IN ('complete', 'withdrawn')))"
                                        " ORDER BY a.due_date IS NULL, a.due_date, a.id",
                         &s, err);
    if (rc == 0) {
        /* "Due": within 30 days of today, or overdue. */
        char soon[11];
        date_of_day(safer__day_of(now) + 30, soon);
        safer__bind_int64(s, 1, actor->partnership_id);
        safer__bind_text(s, 2, q && q->priority_key && *q->priority_key ? q->priority_key : NULL);
        safer__bind_text(s, 3, q && q->group_key && *q->group_key ? q->group_key : NULL);
        safer__bind_int64(s, 4, q ? q->lead_user_id : 0);
        safer__bind_text(s, 5, q && q->due_only ? soon : NULL);
        struct safer_action *v = NULL;
        size_t cap = 0, j = 0;
        int64_t today = safer__day_of(now);
        while ((rc = safer__step(s, err)) == 1) {
            SAFER__GROW(v, cap, j + 1);
            read_row(s, arena, today, &v[j++]);
        }
        safer__stmt_finalize(s);
        if (rc == 0 && j) {
            *out = safer_arena_alloc(arena, sizeof(*v) * j);
            memcpy(*out, v, sizeof(*v) * j);
            *n = j;
        }
        free(v);
    }
    if (rc == 0 && all && (k = safer__keep_put(st, SAFER__KEEP_ACTIONS, actor->partnership_id, 0,
                                               gen))) {
        k->data = copy_actions(&k->arena, *out, *n, safer__day_of(now));
        k->n = *n;
    }
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

static void bind_id(struct safer__stmt *s, int i, int64_t id)
{
    if (id)
        safer__bind_int64(s, i, id);
    else
        safer__bind_null(s, i);
}



static void diff_id(struct safer__jobj *before, struct safer__jobj *after, const char *key,
                    int64_t old, int64_t now)
{
    if (old == now)
        return;
    if (before) {
        if (old)
            safer__jobj_int(before, key, old);
        else
            safer__jobj_null(before, key);
    }
    if (now)
        safer__jobj_int(after, key, now);
    else
        safer__jobj_null(after, key);
}



/*
 * Add an action inside the caller's open write transaction, the access
 * already decided: check the form, insert, and write the audit row. `key`
 * (may be NULL) is the key an import gives it; `progress` from 0 to 100.
 */
static int add_row(struct safer_store *st, const struct safer_actor *actor, const char *key,
                   const struct safer_action_fields *f, int progress, int64_t now, int64_t *id,
                   struct safer_field_errors *fe, struct safer_err *err)
{
    struct safer_arena a;
    safer_arena_init(&a);
    struct clean c;
    int rc = 0;
    if (actor->partnership_id <= 0)
        rc = safer_err_set(err, SAFER_EINVAL, "no partnership to add the action to");
    if (rc == 0)
        rc = check_fields(st, actor->partnership_id, f, true, &a, &c, fe, err);
    if (rc == 0 && fe->n)
        rc = safer_err_set(err, SAFER_EINVAL, "the action's form has %zu mistake%s", fe->n,
                           fe->n == 1 ? "" : "s");
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO action(partnership_id, key, priority_key, group_key, title,"
                         " description, lead_org_id, lead_user_id, start_date, due_date, status,"
                         " progress, version, created_at, updated_at)"
                         " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
                         &s, err);
    if (rc == 0) {
        char at[32];
        iso_of(now, at);
        safer__bind_int64(s, 1, actor->partnership_id);
        safer__bind_text(s, 2, key);
        safer__bind_text(s, 3, c.priority_key);
        safer__bind_text(s, 4, c.group_key);
        safer__bind_text(s, 5, c.title);
        safer__bind_text(s, 6, c.description);
        bind_id(s, 7, c.lead_org_id);
        bind_id(s, 8, c.lead_user_id);
        safer__bind_text(s, 9, c.start_date);
        safer__bind_text(s, 10, c.due_date);
        safer__bind_text(s, 11, c.status);
        safer__bind_int64(s, 12, progress);
        safer__bind_text(s, 13, at);
        safer__bind_text(s, 14, at);
        rc = safer__step(s, err);
        if (rc == 1) {
            *id = safer__col_int64(s, 0);
            rc = safer__step_done(s, err);
        } else if (rc == 0) {
            rc = safer__db_fail(st->db, err, "cannot store the action", "no row id");
        }
        safer__stmt_finalize(s);
    }
    char made[48];
    if (rc == 0 && !key)
        rc = safer__auto_key(st, "action", actor->partnership_id, *id, made, &key, err);
    if (rc == 0) {
        struct safer__jobj after;
        safer__jobj_init(&after);
        if (key)
            safer__jobj_str(&after, "key", key);
        safer__diff_str(NULL, &after, "title", NULL, c.title);
        safer__diff_str(NULL, &after, "description", NULL, c.description);
        safer__diff_str(NULL, &after, "priority_key", NULL, c.priority_key);
        safer__diff_str(NULL, &after, "group_key", NULL, c.group_key);
        safer__diff_str(NULL, &after, "lead_org", NULL, c.lead_org);
        diff_id(NULL, &after, "lead_user_id", 0, c.lead_user_id);
        safer__diff_str(NULL, &after, "start_date", NULL, c.start_date);
        safer__diff_str(NULL, &after, "due_date", NULL, c.due_date);
        safer__diff_str(NULL, &after, "status", NULL, c.status);
        safer__jobj_int(&after, "progress", progress);
        rc = safer__audit_change(st, actor, "action-add", "action", *id, NULL, &after, now, err);
    }
    safer_arena_release(&a);
    return rc;
}

int safer_action_add(struct safer_store *st, const struct safer_actor *actor,
                     const struct safer_action_fields *f, int64_t now, int64_t *id,
                     struct safer_field_errors *fe, struct safer_err *err)
{
    struct safer_field_errors local;
    safer__fe_init(&fe, &local);
    if (id)
        *id = 0;
    int64_t new_id = 0;
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_EDIT_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_EDIT_PLAN, "action", 0, now, err);
    if (rc == 0)
        rc = add_row(st, actor, NULL, f, 0, now, &new_id, fe, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    else if (id)
        *id = new_id;
    return rc;
}

/* The stored fields of action `id` of `pid`, as a form gives them. */
struct stored {
    struct safer_action_fields f;
    int64_t lead_org_id, version;
    int progress;
};

static int read_stored(struct safer_store *st, int64_t pid, int64_t id, struct safer_arena *a,
                       struct stored *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT a.title, a.description, a.priority_key, a.group_key, o.name,"
                         " a.lead_user_id, a.start_date, a.due_date, a.status, a.lead_org_id,"
                         " a.version, a.progress FROM action a"
                         " LEFT JOIN organisation o ON o.id = a.lead_org_id"
                         " WHERE a.id = ? AND a.partnership_id = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    safer__bind_int64(s, 2, pid);
    rc = safer__step(s, err);
    if (rc == 1) {
        out->f.title = dup(a, s, 0);
        out->f.description = dup(a, s, 1);
        out->f.priority_key = dup(a, s, 2);
        out->f.group_key = dup(a, s, 3);
        out->f.lead_org = dup(a, s, 4);
        out->f.lead_user_id = safer__col_is_null(s, 5) ? 0 : safer__col_int64(s, 5);
        out->f.start_date = dup(a, s, 6);
        out->f.due_date = dup(a, s, 7);
        out->f.status = dup(a, s, 8);
        out->lead_org_id = safer__col_is_null(s, 9) ? 0 : safer__col_int64(s, 9);
        out->version = safer__col_int64(s, 10);
        out->progress = (int)safer__col_int64(s, 11);
        rc = 0;
    } else if (rc == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no action %" PRId64 " in this partnership", id);
    }
    safer__stmt_finalize(s);
    return rc;
}


/*
 * Change action `id` inside the caller's open write transaction, the
 * access already decided. `version` < 0 takes whatever version is stored
 * (an import, which holds the transaction from its reads to its writes);
 * `progress` < 0 keeps the stored progress. Nothing is written or logged
 * when nothing changes (*changed false).
 */
static int change_row(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                      int64_t version, const struct safer_action_fields *f, int progress,
                      int64_t now, bool *changed, struct safer_field_errors *fe,
                      struct safer_err *err)
{
    *changed = false;
    struct safer_arena a;
    safer_arena_init(&a);
    struct clean c;
    struct stored old;
    int rc = read_stored(st, actor->partnership_id, id, &a, &old, err);
    if (rc == 0 && version >= 0 && old.version != version)
        rc = safer_err_set(err, SAFER_ECONFLICT,
                           "action %" PRId64 " was changed by someone else since the form was "
                           "opened (version %" PRId64 ", now %" PRId64 ")",
                           id, version, old.version);
    if (rc == 0)
        rc = check_fields(st, actor->partnership_id, f, false, &a, &c, fe, err);
    if (rc == 0 && fe->n)
        rc = safer_err_set(err, SAFER_EINVAL, "the action's form has %zu mistake%s", fe->n,
                           fe->n == 1 ? "" : "s");
    if (rc < 0)
        goto out;
    if (progress < 0)
        progress = old.progress;
    struct safer__jobj before, after;
    safer__jobj_init(&before);
    safer__jobj_init(&after);
    safer__diff_str(&before, &after, "title", old.f.title, c.title);
    safer__diff_str(&before, &after, "description", old.f.description, c.description);
    safer__diff_str(&before, &after, "priority_key", old.f.priority_key, c.priority_key);
    safer__diff_str(&before, &after, "group_key", old.f.group_key, c.group_key);
    safer__diff_str(&before, &after, "lead_org", old.f.lead_org, c.lead_org);
    diff_id(&before, &after, "lead_user_id", old.f.lead_user_id, c.lead_user_id);
    safer__diff_str(&before, &after, "start_date", old.f.start_date, c.start_date);
    safer__diff_str(&before, &after, "due_date", old.f.due_date, c.due_date);
    safer__diff_str(&before, &after, "status", old.f.status, c.status);
    if (old.progress != progress) {
        safer__jobj_int(&before, "progress", old.progress);
        safer__jobj_int(&after, "progress", progress);
    }
    if (safer__jobj_count(&after) == 0) {
        /* Nothing changed: nothing to write or log. */
        safer__jobj_release(&before);
        safer__jobj_release(&after);
        goto out;
    }
    struct safer__stmt *s = NULL;
    rc = safer__prep(st,
                     "UPDATE action SET title = ?, description = ?, priority_key = ?,"
                     " group_key = ?, lead_org_id = ?, lead_user_id = ?, start_date = ?,"
                     " due_date = ?, status = ?, progress = ?, version = version + 1,"
                     " updated_at = ? WHERE id = ? AND partnership_id = ? AND version = ?",
                     &s, err);
    if (rc == 0) {
        char at[32];
        iso_of(now, at);
        safer__bind_text(s, 1, c.title);
        safer__bind_text(s, 2, c.description);
        safer__bind_text(s, 3, c.priority_key);
        safer__bind_text(s, 4, c.group_key);
        bind_id(s, 5, c.lead_org_id);
        bind_id(s, 6, c.lead_user_id);
        safer__bind_text(s, 7, c.start_date);
        safer__bind_text(s, 8, c.due_date);
        safer__bind_text(s, 9, c.status);
        safer__bind_int64(s, 10, progress);
        safer__bind_text(s, 11, at);
        safer__bind_int64(s, 12, id);
        safer__bind_int64(s, 13, actor->partnership_id);
        safer__bind_int64(s, 14, old.version);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0) {
        rc = safer__audit_change(st, actor, "action-change", "action", id, &before, &after, now, err);
        *changed = rc == 0;
    } else {
        safer__jobj_release(&before);
        safer__jobj_release(&after);
    }
out:
    safer_arena_release(&a);
    return rc;
}

int safer_action_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                        int64_t version, const struct safer_action_fields *f, int64_t now,
                        struct safer_field_errors *fe, struct safer_err *err)
{
    struct safer_field_errors local;
    safer__fe_init(&fe, &local);
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_EDIT_PLAN, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_EDIT_PLAN, "action", id, now, err);
    bool changed;
    if (rc == 0)
        rc = change_row(st, actor, id, version < 0 ? 0 : version, f, -1, now, &changed, fe, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

int safer__action_put(struct safer_store *st, const struct safer_actor *actor, const char *key,
                      const struct safer_action_fields *f, int progress, int64_t now,
                      int *outcome, struct safer_field_errors *fe, struct safer_err *err)
{
    struct safer_field_errors local;
    safer__fe_init(&fe, &local);
    *outcome = SAFER__PUT_UNCHANGED;
    int64_t id = 0;
    int rc = safer__id_of_key(st, "SELECT id FROM action WHERE partnership_id = ?1 AND key = ?2",
                              actor->partnership_id, key, &id, err);
    if (rc < 0)
        return rc;
    if (!id) {
        rc = add_row(st, actor, key, f, progress < 0 ? 0 : progress, now, &id, fe, err);
        if (rc == 0)
            *outcome = SAFER__PUT_ADDED;
        return rc;
    }
    struct safer_action_fields g = *f;
    struct safer_arena a;
    safer_arena_init(&a);
    struct stored old;
    if (!g.status || !*g.status) {
        /* No status in the file: the action keeps its own. */
        rc = read_stored(st, actor->partnership_id, id, &a, &old, err);
        g.status = old.f.status;
    }
    bool changed = false;
    if (rc == 0)
        rc = change_row(st, actor, id, -1, &g, progress, now, &changed, fe, err);
    if (rc == 0 && changed)
        *outcome = SAFER__PUT_UPDATED;
    safer_arena_release(&a);
    return rc;
}

/* A whole number from 0 to 100, nothing else. */
static bool parse_progress(const char *s, int *out)
{
    if (!s || !*s || strlen(s) > 3)
        return false;
    int v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v > 100)
        return false;
    *out = v;
    return true;
}

int safer_action_post_update(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                             const char *on_date, const char *status, const char *progress,
                             const char *note, int64_t now, struct safer_field_errors *fe,
                             struct safer_err *err)
{
    struct safer_field_errors local;
    safer__fe_init(&fe, &local);
    struct safer_arena a;
    safer_arena_init(&a);
    struct stored old;
    enum safer_role role = SAFER_ROLE_PUBLIC;
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        goto out;
    /* Anyone who may update every action; or a lead, on their own. */
    rc = safer__may(st, actor, SAFER_PERM_UPDATE_ACTION, &role, err);
    enum safer_perm asked = SAFER_PERM_UPDATE_ACTION;
    if (rc == SAFER_EDENIED && safer_role_may(role, SAFER_PERM_UPDATE_OWN_ACTION)) {
        asked = SAFER_PERM_UPDATE_OWN_ACTION;
        rc = read_stored(st, actor->partnership_id, id, &a, &old, err);
        if (rc == 0 && (actor->user_id <= 0 || old.f.lead_user_id != actor->user_id))
            rc = SAFER_EDENIED;
    } else if (rc == 0) {
        rc = read_stored(st, actor->partnership_id, id, &a, &old, err);
    }
    if (rc == SAFER_EDENIED) {
        rc = safer__refuse(st, actor, asked, "action", id, now, err);
        goto out;
    }

    /* The form, in its order: the day, the status, the progress, the note. */
    int64_t day = 0;
    char today[11];
    date_of_day(safer__day_of(now), today);
    const char *d = rc == 0 ? safer__date_field(&a, fe, "on_date", "Date", on_date, &day) : NULL;
    if (rc == 0 && !d && !safer__trimmed(&a, on_date))
        d = today;
    const char *stt = safer__trimmed(&a, status);
    if (rc == 0 && status_index(stt) < 0)
        safer__fe_add(fe, "status", "Choose a status");
    int pct = 0;
    const char *ptext = safer__trimmed(&a, progress);
    if (rc == 0 && !parse_progress(ptext, &pct))
        safer__fe_add(fe, "progress", "Progress must be a whole number from 0 to 100");
    const char *text = rc == 0 ? safer__text_field(&a, fe, "note", "What has happened", note, true,
                                            "Enter what has happened", SAFER_ACTION_TEXT_MAX,
                                            true)
                               : NULL;
    if (rc == 0 && fe->n)
        rc = safer_err_set(err, SAFER_EINVAL, "the update's form has %zu mistake%s", fe->n,
                           fe->n == 1 ? "" : "s");

    char at[32];
    iso_of(now, at);
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO action_update(action_id, at, on_date, author_id, status,"
                         " progress, note) VALUES(?, ?, ?, ?, ?, ?, ?)",
                         &s, err);
    if (rc == 0) {
        safer__bind_int64(s, 1, id);
        safer__bind_text(s, 2, at);
        safer__bind_text(s, 3, d);
        bind_id(s, 4, actor->user_id);
        safer__bind_text(s, 5, stt);
        safer__bind_int64(s, 6, pct);
        safer__bind_text(s, 7, text);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
        s = NULL;
    }
    if (rc == 0)
        rc = safer__prep(st,
                         "UPDATE action SET status = ?, progress = ?, version = version + 1,"
                         " updated_at = ? WHERE id = ? AND partnership_id = ?",
                         &s, err);
    if (rc == 0) {
        safer__bind_text(s, 1, stt);
        safer__bind_int64(s, 2, pct);
        safer__bind_text(s, 3, at);
        safer__bind_int64(s, 4, id);
        safer__bind_int64(s, 5, actor->partnership_id);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0) {
        struct safer__jobj before, after;
        safer__jobj_init(&before);
        safer__jobj_init(&after);
        safer__diff_str(&before, &after, "status", old.f.status, stt);
        if (old.progress != pct) {
            safer__jobj_int(&before, "progress", old.progress);
            safer__jobj_int(&after, "progress", pct);
        }
        safer__jobj_str(&after, "on_date", d);
        safer__jobj_str(&after, "note", text);
        rc = safer__audit_change(st, actor, "action-update", "action", id, &before, &after, now, err);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
out:
    safer_arena_release(&a);
    return rc;
}

/* ---- actions a plan file brings (store_plan.c) ---- */

/* The organisation called `name`, added (kind "partner") when new, with
 * its "org-add" audit row as account.h's calls write it. */
int safer__org_id(struct safer_store *st, const struct safer_actor *actor, const char *name,
                  int64_t now, int64_t *id, struct safer_err *err)
{
    int rc = org_find(st, name, id, err);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct safer__stmt *s;
    rc = safer__prep(st, "INSERT INTO organisation(name, kind) VALUES(?, 'partner') RETURNING id",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, name);
    rc = safer__step(s, err);
    if (rc == 1) {
        *id = safer__col_int64(s, 0);
        rc = safer__step_done(s, err);
    } else if (rc == 0) {
        rc = safer__db_fail(st->db, err, "cannot store the organisation", "no row id");
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    struct safer__jobj after;
    safer__jobj_init(&after);
    safer__jobj_str(&after, "name", name);
    safer__jobj_str(&after, "kind", "partner");
    char *a = NULL, rid[32];
    rc = safer__jobj_finish(&after, &a, err);
    snprintf(rid, sizeof(rid), "%" PRId64, *id);
    if (rc == 0)
        rc = safer__audit(st, actor, "org-add", "organisation", rid, NULL, a, NULL, now, err);
    free(a);
    return rc;
}

int safer__action_import(struct safer_store *st, const struct safer_actor *actor, int64_t pid,
                         const struct safer_plan *p, int64_t now, size_t *added,
                         struct safer_err *err)
{
    *added = 0;
    if (p->nactions == 0)
        return 0;
    char at[32];
    iso_of(now, at);
    struct safer__stmt *s = NULL;
    int rc = safer__prep(st,
                         "INSERT INTO action(partnership_id, key, priority_key, group_key, title,"
                         " lead_org_id, due_date, status, progress, source, version, created_at,"
                         " updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, 'not-started', 0, ?, 1, ?, ?)"
                         " ON CONFLICT(partnership_id, key) DO NOTHING RETURNING id",
                         &s, err);
    for (size_t i = 0; rc == 0 && i < p->nactions; i++) {
        const struct safer_plan_action *x = &p->actions[i];
        int64_t org = 0, id = 0;
        if (x->lead) {
            rc = safer__org_id(st, actor, x->lead, now, &org, err);
            if (rc < 0)
                break;
        }
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, pid);
        safer__bind_text(s, 2, x->key);
        safer__bind_text(s, 3, x->priority);
        safer__bind_text(s, 4, x->group);
        safer__bind_text(s, 5, x->title);
        bind_id(s, 6, org);
        safer__bind_text(s, 7, x->due);
        safer__bind_text(s, 8, x->source);
        safer__bind_text(s, 9, at);
        safer__bind_text(s, 10, at);
        rc = safer__step(s, err);
        if (rc == 0)
            continue; /* the partnership has it: the workspace's record stands */
        if (rc < 0)
            break;
        id = safer__col_int64(s, 0);
        rc = safer__step_done(s, err);
        if (rc < 0)
            break;
        struct safer__jobj after;
        safer__jobj_init(&after);
        safer__jobj_str(&after, "key", x->key);
        safer__jobj_str(&after, "title", x->title);
        safer__jobj_str(&after, "priority_key", x->priority);
        safer__jobj_str(&after, "group_key", x->group);
        if (x->lead)
            safer__jobj_str(&after, "lead_org", x->lead);
        if (x->due)
            safer__jobj_str(&after, "due_date", x->due);
        safer__jobj_str(&after, "status", "not-started");
        safer__jobj_int(&after, "progress", 0);
        if (x->source)
            safer__jobj_str(&after, "source", x->source);
        rc = safer__audit_change(st, actor, "action-add", "action", id, NULL, &after, now, err);
        if (rc == 0)
            (*added)++;
    }
    safer__stmt_finalize(s);
    return rc;
}
