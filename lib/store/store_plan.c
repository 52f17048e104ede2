/*
 * store_plan.c - partnerships and their plans in the store (plan.h; the
 * tables are migration 3 of schema.c): writing a checked plan, replacing
 * what its partnership had, and reading back the plan that applies to an
 * area.
 *
 * A plan is kept as records, one table per kind of thing (partnership,
 * districts, peers, groups and their remits, the plan, its harm weights,
 * priorities with their categories and groups), so that a workspace can
 * later edit one priority or one group without rewriting the rest. `seq`
 * keeps the file's order. Row ids join the tables; nothing outside the
 * store sees them. The plan's actions are not replaced with the rest: a
 * new one is added (store_action.c), a stored one is left as the workspace
 * keeps it.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/buf.h"
#include "safer/limits.h"
#include "safer/account.h"
#include "safer/plan.h"
#include "store/store_impl.h"
#include "util/internal.h"

/* ---- writing ---- */

/* Step an INSERT ... RETURNING id and read the id. */
static int step_id(struct safer_store *st, struct safer__stmt *s, int64_t *id,
                   struct safer_err *err)
{
    int rc = safer__step(s, err);
    if (rc == 1) {
        *id = safer__col_int64(s, 0);
        rc = safer__step_done(s, err);
    } else if (rc == 0) {
        rc = safer__db_fail(st->db, err, "cannot store the plan", "no row id");
    }
    return rc;
}

/* Everything stored for partnership `id` but the partnership row itself,
 * children before their parents (foreign keys hold on both engines). */
static const char *const FORGET[] = {
    "DELETE FROM priority_link WHERE priority_id IN (SELECT r.id FROM plan_priority r"
    " JOIN partnership_plan l ON l.id = r.plan_id WHERE l.partnership_id = ?)",
    "DELETE FROM group_member WHERE group_id IN"
    " (SELECT id FROM partnership_group WHERE partnership_id = ?)",
    "DELETE FROM group_plan WHERE partnership_id = ?",
    "DELETE FROM priority_group WHERE priority_id IN (SELECT r.id FROM plan_priority r"
    " JOIN partnership_plan l ON l.id = r.plan_id WHERE l.partnership_id = ?)",
    "DELETE FROM priority_category WHERE priority_id IN (SELECT r.id FROM plan_priority r"
    " JOIN partnership_plan l ON l.id = r.plan_id WHERE l.partnership_id = ?)",
    "DELETE FROM plan_priority WHERE plan_id IN"
    " (SELECT id FROM partnership_plan WHERE partnership_id = ?)",
    "DELETE FROM plan_harm_weight WHERE plan_id IN"
    " (SELECT id FROM partnership_plan WHERE partnership_id = ?)",
    "DELETE FROM partnership_plan WHERE partnership_id = ?",
    "DELETE FROM group_remit WHERE group_id IN"
    " (SELECT id FROM partnership_group WHERE partnership_id = ?)",
    "UPDATE partnership_group SET parent_id = NULL WHERE partnership_id = ?",
    "DELETE FROM partnership_group WHERE partnership_id = ?",
    "DELETE FROM partnership_district WHERE partnership_id = ?",
    "DELETE FROM partnership_peer WHERE partnership_id = ?",
};

/* A district may belong to one partnership: is one of `p`'s another's? */
static int districts_free(struct safer_store *st, const struct safer_plan *p,
                          struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT p.code, p.name FROM partnership_district d"
                         " JOIN partnership p ON p.id = d.partnership_id"
                         " WHERE d.district_code = ? AND p.code <> ?",
                         &s, err);
    for (size_t i = 0; rc == 0 && i < p->ndistricts; i++) {
        safer__stmt_reset(s);
        safer__bind_text(s, 1, p->districts[i]);
        safer__bind_text(s, 2, p->code);
        rc = safer__step(s, err);
        if (rc == 1)
            rc = safer_err_set(err, SAFER_EINVAL,
                               "%s: district '%s' belongs to the stored partnership '%s' ('%s'): "
                               "a district is in one partnership; correct the plan, or import "
                               "that partnership's plan without it first",
                               p->file ? p->file : "plan", p->districts[i],
                               safer__col_text(s, 0), safer__col_text(s, 1));
    }
    safer__stmt_finalize(s);
    return rc;
}

/* The partnership's row, made or updated; *replaced when it had a plan. */
static int partnership_row(struct safer_store *st, const struct safer_plan *p, int64_t *id,
                           bool *replaced, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "INSERT INTO partnership(code, csp_code, name, note) VALUES(?, ?, ?, ?)"
                         " ON CONFLICT(code) DO UPDATE SET csp_code = excluded.csp_code,"
                         " name = excluded.name, note = excluded.note RETURNING id",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, p->code);
    safer__bind_text(s, 2, p->csp_code);
    safer__bind_text(s, 3, p->name);
    safer__bind_text(s, 4, p->note);
    rc = step_id(st, s, id, err);
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    rc = safer__prep(st, "SELECT 1 FROM partnership_plan WHERE partnership_id = ?", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, *id);
    rc = safer__step(s, err);
    *replaced = rc == 1;
    safer__stmt_finalize(s);
    return rc < 0 ? rc : 0;
}

/* Rows of (owner, seq, text, text) from a list: districts, peers, remits. */
static int seq_rows(struct safer_store *st, const char *sql, int64_t owner, size_t n,
                    const char *const *a, const char *const *b, size_t stride,
                    struct safer_err *err)
{
    if (n == 0)
        return 0;
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, owner);
        safer__bind_int64(s, 2, (int64_t)i);
        safer__bind_text(s, 3, *(const char *const *)((const char *)a + i * stride));
        if (b)
            safer__bind_text(s, 4, *(const char *const *)((const char *)b + i * stride));
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    return rc;
}

/* Group `gid`'s members: organisations added when new, an account linked
 * when the store has one of that e-mail. */
static int members_write(struct safer_store *st, const struct safer_actor *op, int64_t gid,
                         const struct safer_plan_group *g, int64_t now, struct safer_err *err)
{
    if (g->nmembers == 0)
        return 0;
    struct safer__stmt *s = NULL, *u = NULL;
    int rc = safer__prep(st,
                         "INSERT INTO group_member(group_id, seq, name, organisation_id, user_id,"
                         " role) VALUES(?, ?, ?, ?, ?, ?)",
                         &s, err);
    if (rc == 0)
        rc = safer__prep(st, "SELECT id FROM app_user WHERE email = lower(?)", &u, err);
    for (size_t k = 0; rc == 0 && k < g->nmembers; k++) {
        const struct safer_plan_member *m = &g->members[k];
        int64_t org = 0, user = 0;
        if (m->organisation)
            rc = safer__org_id(st, op, m->organisation, now, &org, err);
        if (rc == 0 && m->account) {
            safer__stmt_reset(u);
            safer__bind_text(u, 1, m->account);
            rc = safer__step(u, err);
            if (rc == 1)
                user = safer__col_int64(u, 0);
            rc = rc < 0 ? rc : 0;
        }
        if (rc < 0)
            break;
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, gid);
        safer__bind_int64(s, 2, (int64_t)k);
        safer__bind_text(s, 3, m->name);
        if (org)
            safer__bind_int64(s, 4, org);
        else
            safer__bind_null(s, 4);
        if (user)
            safer__bind_int64(s, 5, user);
        else
            safer__bind_null(s, 5);
        safer__bind_text(s, 6, m->role);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    safer__stmt_finalize(u);
    return rc;
}

/* Group `g`'s annual plans' outcomes. */
static int outcomes_write(struct safer_store *st, int64_t pid, const struct safer_plan_group *g,
                          const char *at, struct safer_err *err)
{
    if (g->nplans == 0)
        return 0;
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "INSERT INTO group_plan(partnership_id, group_key, year, outcome,"
                         " created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?)",
                         &s, err);
    for (size_t k = 0; rc == 0 && k < g->nplans; k++) {
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, pid);
        safer__bind_text(s, 2, g->key);
        safer__bind_int64(s, 3, g->plans[k].year);
        safer__bind_text(s, 4, g->plans[k].outcome);
        safer__bind_text(s, 5, at);
        safer__bind_text(s, 6, at);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    return rc;
}

static int groups_write(struct safer_store *st, const struct safer_plan *p, int64_t pid,
                        int64_t *gid, struct safer_err *err)
{
    struct safer__stmt *s = NULL, *up = NULL;
    struct safer_actor op;
    safer_actor_operator(&op);
    op.partnership_id = pid;
    int64_t now = (int64_t)time(NULL);
    char at[32];
    safer__iso_at(now, at);
    int rc = safer__prep(st,
                         "INSERT INTO partnership_group(partnership_id, seq, key, name, kind,"
                         " meets, source, terms) VALUES(?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                         &s, err);
    for (size_t i = 0; rc == 0 && i < p->ngroups; i++) {
        const struct safer_plan_group *g = &p->groups[i];
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, pid);
        safer__bind_int64(s, 2, (int64_t)i);
        safer__bind_text(s, 3, g->key);
        safer__bind_text(s, 4, g->name);
        safer__bind_text(s, 5, g->kind);
        safer__bind_text(s, 6, g->meets);
        safer__bind_text(s, 7, g->source);
        safer__bind_text(s, 8, g->terms);
        rc = step_id(st, s, &gid[i], err);
        if (rc == 0)
            rc = seq_rows(st, "INSERT INTO group_remit(group_id, seq, duty) VALUES(?, ?, ?)",
                          gid[i], g->nremit, g->remit, NULL, sizeof(char *), err);
        if (rc == 0)
            rc = members_write(st, &op, gid[i], g, now, err);
        if (rc == 0)
            rc = outcomes_write(st, pid, g, at, err);
    }
    /* The group each reports to: all exist now, whatever their order. */
    if (rc == 0)
        rc = safer__prep(st, "UPDATE partnership_group SET parent_id = ? WHERE id = ?", &up, err);
    for (size_t i = 0; rc == 0 && i < p->ngroups; i++) {
        const struct safer_plan_group *g = &p->groups[i];
        const struct safer_plan_group *parent = safer_plan_group(p, g->parent);
        if (!parent)
            continue;
        safer__stmt_reset(up);
        safer__bind_int64(up, 1, gid[parent - p->groups]);
        safer__bind_int64(up, 2, gid[i]);
        rc = safer__step_done(up, err);
    }
    safer__stmt_finalize(s);
    safer__stmt_finalize(up);
    return rc;
}

static int plan_row(struct safer_store *st, const struct safer_plan *p, int64_t pid,
                    int64_t *plan_id, struct safer_err *err)
{
    char now[32];
    safer__now_iso(now);
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "INSERT INTO partnership_plan(partnership_id, title, period_from,"
                         " period_to, updated, source, about, file, checksum, imported_at,"
                         " weight_volume, weight_rate, weight_trend, weight_harm, weight_concern,"
                         " harm_source) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                         " RETURNING id",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_text(s, 2, p->title);
    safer__bind_text(s, 3, p->period_from);
    safer__bind_text(s, 4, p->period_to);
    safer__bind_text(s, 5, p->updated);
    safer__bind_text(s, 6, p->source);
    safer__bind_text(s, 7, p->about);
    safer__bind_text(s, 8, p->file ? p->file : "");
    safer__bind_text(s, 9, p->checksum);
    safer__bind_text(s, 10, now);
    safer__bind_double(s, 11, p->weights.volume);
    safer__bind_double(s, 12, p->weights.rate);
    safer__bind_double(s, 13, p->weights.trend);
    safer__bind_double(s, 14, p->weights.harm);
    safer__bind_double(s, 15, p->weights.concern);
    safer__bind_text(s, 16, p->harm.source);
    rc = step_id(st, s, plan_id, err);
    safer__stmt_finalize(s);
    if (rc < 0 || p->harm.n == 0)
        return rc;
    rc = safer__prep(st, "INSERT INTO plan_harm_weight(plan_id, crime_type, weight)"
                         " VALUES(?, ?, ?)",
                     &s, err);
    for (size_t i = 0; rc == 0 && i < p->harm.n; i++) {
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, *plan_id);
        safer__bind_text(s, 2, p->harm.categories[i]);
        safer__bind_double(s, 3, p->harm.weights[i]);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    return rc;
}

static int priorities_write(struct safer_store *st, const struct safer_plan *p, int64_t plan_id,
                            const int64_t *gid, struct safer_err *err)
{
    struct safer__stmt *s = NULL, *cat = NULL, *grp = NULL, *lnk = NULL;
    int rc = safer__prep(st,
                         "INSERT INTO plan_priority(plan_id, seq, key, title, cross_cutting,"
                         " objective, description, cannot_show, source)"
                         " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                         &s, err);
    if (rc == 0)
        rc = safer__prep(st, "INSERT INTO priority_category(priority_id, seq, crime_type)"
                             " VALUES(?, ?, ?)",
                         &cat, err);
    if (rc == 0)
        rc = safer__prep(st, "INSERT INTO priority_group(priority_id, seq, group_id)"
                             " VALUES(?, ?, ?)",
                         &grp, err);
    if (rc == 0)
        rc = safer__prep(st, "INSERT INTO priority_link(priority_id, seq, kind, title)"
                             " VALUES(?, ?, ?, ?)",
                         &lnk, err);
    for (size_t i = 0; rc == 0 && i < p->npriorities; i++) {
        const struct safer_plan_priority *r = &p->priorities[i];
        int64_t rid = 0;
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, plan_id);
        safer__bind_int64(s, 2, (int64_t)i);
        safer__bind_text(s, 3, r->key);
        safer__bind_text(s, 4, r->title);
        safer__bind_int64(s, 5, r->cross_cutting);
        safer__bind_text(s, 6, r->objective);
        safer__bind_text(s, 7, r->description);
        safer__bind_text(s, 8, r->cannot_show);
        safer__bind_text(s, 9, r->source);
        rc = step_id(st, s, &rid, err);
        for (size_t k = 0; rc == 0 && k < r->ncategories; k++) {
            safer__stmt_reset(cat);
            safer__bind_int64(cat, 1, rid);
            safer__bind_int64(cat, 2, (int64_t)k);
            safer__bind_text(cat, 3, r->categories[k]);
            rc = safer__step_done(cat, err);
        }
        for (size_t k = 0; rc == 0 && k < r->ngroups; k++) {
            const struct safer_plan_group *g = safer_plan_group(p, r->groups[k]);
            if (!g) {
                rc = safer_err_set(err, SAFER_EINVAL, "priority '%s' names no group '%s'",
                                   r->key, r->groups[k]);
                break;
            }
            safer__stmt_reset(grp);
            safer__bind_int64(grp, 1, rid);
            safer__bind_int64(grp, 2, (int64_t)k);
            safer__bind_int64(grp, 3, gid[g - p->groups]);
            rc = safer__step_done(grp, err);
        }
        for (size_t k = 0; rc == 0 && k < r->nlinks; k++) {
            safer__stmt_reset(lnk);
            safer__bind_int64(lnk, 1, rid);
            safer__bind_int64(lnk, 2, (int64_t)k);
            safer__bind_text(lnk, 3, r->links[k].kind);
            safer__bind_text(lnk, 4, r->links[k].title);
            rc = safer__step_done(lnk, err);
        }
    }
    safer__stmt_finalize(s);
    safer__stmt_finalize(cat);
    safer__stmt_finalize(grp);
    safer__stmt_finalize(lnk);
    return rc;
}

/*
 * The plan's indicators that the partnership does not have yet (by key):
 * an indicator, once stored, belongs to the workspace, which may change
 * it; a later plan file never overwrites or deletes it.
 */
static int indicators_write(struct safer_store *st, const struct safer_plan *p, int64_t pid,
                            size_t *added, struct safer_err *err)
{
    *added = 0;
    if (p->nindicators == 0)
        return 0;
    char now[32];
    safer__now_iso(now);
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "INSERT INTO indicator(partnership_id, key, priority_key, group_key,"
                         " title, kind, categories, ward, measure, period, good, target, amber,"
                         " red, created_at, updated_at, question, unit) VALUES(?, ?, ?, ?, ?, ?,"
                         " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(partnership_id, key)"
                         " DO NOTHING RETURNING id",
                         &s, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < p->nindicators; i++) {
        const struct safer_plan_indicator *r = &p->indicators[i];
        struct safer_buf cats;
        safer_buf_init(&cats, SAFER_LIMIT_PLAN_FILE);
        for (size_t k = 0; k < r->ncategories; k++)
            safer_buf_putf(&cats, "%s%s", k ? "\n" : "", r->categories[k]);
        rc = safer_buf_error(&cats);
        if (rc < 0) {
            safer_buf_release(&cats);
            break;
        }
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, pid);
        safer__bind_text(s, 2, r->key);
        safer__bind_text(s, 3, r->priority);
        safer__bind_text(s, 4, r->group);
        safer__bind_text(s, 5, r->title);
        bool survey = r->kind && strcmp(r->kind, "survey") == 0;
        safer__bind_text(s, 6, survey ? "survey" : "computed");
        safer__bind_text(s, 7, cats.ptr);
        safer__bind_text(s, 8, r->ward ? r->ward : "");
        safer__bind_text(s, 9, r->measure);
        safer__bind_text(s, 10, r->period);
        safer__bind_text(s, 11, r->good);
        if (r->has_target)
            safer__bind_double(s, 12, r->target);
        else
            safer__bind_null(s, 12);
        safer__bind_double(s, 13, r->amber);
        safer__bind_double(s, 14, r->red);
        safer__bind_text(s, 15, now);
        safer__bind_text(s, 16, now);
        safer__bind_text(s, 17, survey ? r->question : NULL);
        safer__bind_text(s, 18, survey ? "%" : NULL);
        rc = safer__step(s, err);
        safer_buf_release(&cats);
        if (rc == 1) {
            (*added)++;
            rc = safer__step_done(s, err);
        }
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_plan_store(struct safer_store *st, const struct safer_plan *p,
                     struct safer_plan_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    if (!p->code || !p->name || !p->title || !p->source || !p->period_from || !p->period_to ||
        p->npriorities == 0)
        return safer_err_set(err, SAFER_EINVAL,
                             "a plan to store needs its partnership's code and name, a title, "
                             "a period, a source and a priority");
    int64_t *gid = safer__xcalloc(p->ngroups ? p->ngroups : 1, sizeof(int64_t));
    int64_t pid = 0, plan_id = 0;
    bool replaced = false;
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        goto out;
    rc = districts_free(st, p, err);
    if (rc == 0)
        rc = partnership_row(st, p, &pid, &replaced, err);
    for (size_t i = 0; rc == 0 && i < sizeof(FORGET) / sizeof(FORGET[0]); i++)
        rc = safer__run_id(st, FORGET[i], pid, err);
    if (rc == 0)
        rc = seq_rows(st,
                      "INSERT INTO partnership_district(partnership_id, seq, district_code)"
                      " VALUES(?, ?, ?)",
                      pid, p->ndistricts, p->districts, NULL, sizeof(char *), err);
    if (rc == 0 && p->npeers)
        rc = seq_rows(st,
                      "INSERT INTO partnership_peer(partnership_id, seq, code, name)"
                      " VALUES(?, ?, ?, ?)",
                      pid, p->npeers, &p->peers[0].code, &p->peers[0].name,
                      sizeof(struct safer_plan_peer), err);
    if (rc == 0)
        rc = groups_write(st, p, pid, gid, err);
    if (rc == 0)
        rc = plan_row(st, p, pid, &plan_id, err);
    if (rc == 0)
        rc = priorities_write(st, p, plan_id, gid, err);
    size_t indicators_added = 0;
    if (rc == 0)
        rc = indicators_write(st, p, pid, &indicators_added, err);
    /* The plan's actions: only those the partnership does not have. The
     * stored ones are the workspace's records, edited there since. */
    size_t added = 0;
    if (rc == 0 && p->nactions) {
        struct safer_actor op;
        safer_actor_operator(&op);
        op.partnership_id = pid;
        rc = safer__action_import(st, &op, pid, p, (int64_t)time(NULL), &added, err);
    }
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
    } else {
        stats->priorities = p->npriorities;
        stats->groups = p->ngroups;
        stats->actions = added;
        stats->replaced = replaced;
        stats->indicators_added = indicators_added;
    }
out:
    free(gid);
    return rc;
}

/* ---- reading ---- */

static const char *col_dup(struct safer_plan *p, struct safer__stmt *s, int col)
{
    const char *t = safer__col_text(s, col);
    return t ? safer_arena_strdup(&p->arena, t) : NULL;
}

/* A list of strings, column 0 of `sql`'s rows for parameter `id`, into the
 * plan's arena. */
static int text_list(struct safer_store *st, struct safer_plan *p, const char *sql, int64_t id,
                     const char ***out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    const char **v = NULL;
    size_t cap = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, *n + 1);
        v[(*n)++] = col_dup(p, s, 0);
    }
    safer__stmt_finalize(s);
    if (rc == 0 && *n) {
        *out = safer_arena_alloc(&p->arena, sizeof(char *) * *n);
        memcpy(*out, v, sizeof(char *) * *n);
    }
    free(v);
    if (rc < 0)
        *n = 0;
    return rc;
}

/* The partnership whose plan applies to `area`, by the rules of plan.h in
 * their order: 0 with *id, 1 when none. */
static int partnership_of(struct safer_store *st, const char *area, int64_t *id,
                          struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT id, 1 FROM partnership WHERE code = ?1 UNION ALL"
                         " SELECT partnership_id, 2 FROM partnership_district"
                         " WHERE district_code = ?1 UNION ALL"
                         " SELECT p.id, 3 FROM lookup_district d"
                         " JOIN partnership p ON p.code = d.csp_code WHERE d.district_code = ?1"
                         " UNION ALL SELECT pd.partnership_id, 4 FROM lookup_district d"
                         " JOIN partnership_district pd ON pd.district_code = d.district_code"
                         " WHERE d.csp_code = ?1 ORDER BY 2, 1 LIMIT 1",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, area);
    rc = safer__step(s, err);
    if (rc == 1)
        *id = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    return rc < 0 ? rc : rc == 1 ? 0 : 1;
}

static int read_partnership(struct safer_store *st, struct safer_plan *p, int64_t pid,
                            struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, "SELECT code, csp_code, name, note FROM partnership WHERE id = ?", &s,
                         err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    rc = safer__step(s, err);
    if (rc == 1) {
        p->code = col_dup(p, s, 0);
        p->csp_code = col_dup(p, s, 1);
        p->name = col_dup(p, s, 2);
        p->note = col_dup(p, s, 3);
        rc = 0;
    } else if (rc == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no stored partnership %lld", (long long)pid);
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = text_list(st, p,
                       "SELECT district_code FROM partnership_district WHERE partnership_id = ?"
                       " ORDER BY seq",
                       pid, &p->districts, &p->ndistricts, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st, "SELECT code, name FROM partnership_peer WHERE partnership_id = ?"
                         " ORDER BY seq",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    struct safer_plan_peer *v = NULL;
    size_t cap = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, p->npeers + 1);
        v[p->npeers].code = col_dup(p, s, 0);
        v[p->npeers].name = col_dup(p, s, 1);
        p->npeers++;
    }
    safer__stmt_finalize(s);
    if (p->npeers) {
        p->peers = safer_arena_alloc(&p->arena, sizeof(*v) * p->npeers);
        memcpy(p->peers, v, sizeof(*v) * p->npeers);
    }
    free(v);
    return rc;
}

static int read_members(struct safer_store *st, struct safer_plan *p, int64_t gid,
                        struct safer_plan_group *g, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT m.name, o.name, m.role, u.email, m.user_id FROM group_member m"
                         " LEFT JOIN organisation o ON o.id = m.organisation_id"
                         " LEFT JOIN app_user u ON u.id = m.user_id"
                         " WHERE m.group_id = ? ORDER BY m.seq",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, gid);
    struct safer_plan_member *v = NULL;
    size_t cap = 0, n = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, n + 1);
        v[n].name = col_dup(p, s, 0);
        v[n].organisation = col_dup(p, s, 1);
        v[n].role = col_dup(p, s, 2);
        v[n].account = col_dup(p, s, 3);
        v[n].user_id = safer__col_is_null(s, 4) ? 0 : safer__col_int64(s, 4);
        n++;
    }
    safer__stmt_finalize(s);
    if (rc == 0 && n) {
        g->members = safer_arena_alloc(&p->arena, sizeof(*v) * n);
        memcpy(g->members, v, sizeof(*v) * n);
        g->nmembers = n;
    }
    free(v);
    return rc;
}

static int read_outcomes(struct safer_store *st, struct safer_plan *p, int64_t pid,
                         struct safer_plan_group *g, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT year, outcome, version FROM group_plan"
                         " WHERE partnership_id = ? AND group_key = ? ORDER BY year",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_text(s, 2, g->key);
    struct safer_plan_outcome *v = NULL;
    size_t cap = 0, n = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, n + 1);
        v[n].year = (int)safer__col_int64(s, 0);
        v[n].outcome = col_dup(p, s, 1);
        v[n].version = safer__col_int64(s, 2);
        n++;
    }
    safer__stmt_finalize(s);
    if (rc == 0 && n) {
        g->plans = safer_arena_alloc(&p->arena, sizeof(*v) * n);
        memcpy(g->plans, v, sizeof(*v) * n);
        g->nplans = n;
    }
    free(v);
    return rc;
}

static int read_links(struct safer_store *st, struct safer_plan *p, int64_t rid,
                      struct safer_plan_priority *r, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT kind, title FROM priority_link WHERE priority_id = ? ORDER BY seq",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, rid);
    struct safer_plan_link *v = NULL;
    size_t cap = 0, n = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, n + 1);
        v[n].kind = col_dup(p, s, 0);
        v[n].title = col_dup(p, s, 1);
        n++;
    }
    safer__stmt_finalize(s);
    if (rc == 0 && n) {
        r->links = safer_arena_alloc(&p->arena, sizeof(*v) * n);
        memcpy(r->links, v, sizeof(*v) * n);
        r->nlinks = n;
    }
    free(v);
    return rc;
}

static int read_groups(struct safer_store *st, struct safer_plan *p, int64_t pid,
                       struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT g.id, g.key, g.name, g.kind, u.key, g.meets, g.source,"
                         " g.terms, g.version FROM partnership_group g"
                         " LEFT JOIN partnership_group u ON u.id = g.parent_id"
                         " WHERE g.partnership_id = ? ORDER BY g.seq",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    struct safer_plan_group *v = NULL;
    int64_t *ids = NULL;
    size_t cap = 0, capi = 0, n = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, n + 1);
        SAFER__GROW(ids, capi, n + 1);
        struct safer_plan_group *g = &v[n];
        memset(g, 0, sizeof(*g));
        ids[n] = safer__col_int64(s, 0);
        g->key = col_dup(p, s, 1);
        g->name = col_dup(p, s, 2);
        g->kind = col_dup(p, s, 3);
        g->parent = col_dup(p, s, 4);
        g->meets = col_dup(p, s, 5);
        g->source = col_dup(p, s, 6);
        g->terms = col_dup(p, s, 7);
        g->version = safer__col_int64(s, 8);
        n++;
    }
    safer__stmt_finalize(s);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = text_list(st, p, "SELECT duty FROM group_remit WHERE group_id = ? ORDER BY seq",
                       ids[i], &v[i].remit, &v[i].nremit, err);
        if (rc == 0)
            rc = read_members(st, p, ids[i], &v[i], err);
        if (rc == 0)
            rc = read_outcomes(st, p, pid, &v[i], err);
    }
    if (rc == 0 && n) {
        p->groups = safer_arena_alloc(&p->arena, sizeof(*v) * n);
        memcpy(p->groups, v, sizeof(*v) * n);
        p->ngroups = n;
    }
    free(v);
    free(ids);
    return rc;
}

/* The plan row: 0, or 1 when the partnership has none. */
static int read_plan_row(struct safer_store *st, struct safer_plan *p, int64_t pid,
                         int64_t *plan_id, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT id, title, period_from, period_to, updated, source, about, file,"
                         " checksum, weight_volume, weight_rate, weight_trend, weight_harm,"
                         " weight_concern, harm_source FROM partnership_plan"
                         " WHERE partnership_id = ? ORDER BY id DESC LIMIT 1",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    rc = safer__step(s, err);
    if (rc == 1) {
        *plan_id = safer__col_int64(s, 0);
        p->title = col_dup(p, s, 1);
        p->period_from = col_dup(p, s, 2);
        p->period_to = col_dup(p, s, 3);
        p->updated = col_dup(p, s, 4);
        p->source = col_dup(p, s, 5);
        p->about = col_dup(p, s, 6);
        p->file = col_dup(p, s, 7);
        snprintf(p->checksum, sizeof(p->checksum), "%s",
                 safer__col_text(s, 8) ? safer__col_text(s, 8) : "");
        p->weights.volume = safer__col_double(s, 9);
        p->weights.rate = safer__col_double(s, 10);
        p->weights.trend = safer__col_double(s, 11);
        p->weights.harm = safer__col_double(s, 12);
        p->weights.concern = safer__col_double(s, 13);
        p->harm.source = col_dup(p, s, 14);
        rc = 0;
    } else if (rc == 0) {
        rc = 1;
    }
    safer__stmt_finalize(s);
    if (rc != 0)
        return rc;
    rc = safer__prep(st, "SELECT crime_type, weight FROM plan_harm_weight WHERE plan_id = ?"
                         " ORDER BY crime_type",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, *plan_id);
    const char **c = NULL;
    double *w = NULL;
    size_t cap = 0, capw = 0, n = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(c, cap, n + 1);
        SAFER__GROW(w, capw, n + 1);
        c[n] = col_dup(p, s, 0);
        w[n] = safer__col_double(s, 1);
        n++;
    }
    safer__stmt_finalize(s);
    if (rc == 0 && n) {
        p->harm.categories = safer_arena_alloc(&p->arena, sizeof(char *) * n);
        p->harm.weights = safer_arena_alloc(&p->arena, sizeof(double) * n);
        memcpy(p->harm.categories, c, sizeof(char *) * n);
        memcpy(p->harm.weights, w, sizeof(double) * n);
        p->harm.n = n;
    }
    free(c);
    free(w);
    return rc;
}

static int read_priorities(struct safer_store *st, struct safer_plan *p, int64_t plan_id,
                           struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT id, key, title, cross_cutting, objective, description,"
                         " cannot_show, source, version FROM plan_priority WHERE plan_id = ?"
                         " ORDER BY seq",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, plan_id);
    struct safer_plan_priority *v = NULL;
    int64_t *ids = NULL;
    size_t cap = 0, capi = 0, n = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, n + 1);
        SAFER__GROW(ids, capi, n + 1);
        struct safer_plan_priority *r = &v[n];
        memset(r, 0, sizeof(*r));
        ids[n] = safer__col_int64(s, 0);
        r->key = col_dup(p, s, 1);
        r->title = col_dup(p, s, 2);
        r->cross_cutting = safer__col_int64(s, 3) != 0;
        r->objective = col_dup(p, s, 4);
        r->description = col_dup(p, s, 5);
        r->cannot_show = col_dup(p, s, 6);
        r->source = col_dup(p, s, 7);
        r->version = safer__col_int64(s, 8);
        n++;
    }
    safer__stmt_finalize(s);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = text_list(st, p,
                       "SELECT crime_type FROM priority_category WHERE priority_id = ?"
                       " ORDER BY seq",
                       ids[i], &v[i].categories, &v[i].ncategories, err);
        if (rc == 0)
            rc = text_list(st, p,
                           "SELECT g.key FROM priority_group q JOIN partnership_group g"
                           " ON g.id = q.group_id WHERE q.priority_id = ? ORDER BY q.seq",
                           ids[i], &v[i].groups, &v[i].ngroups, err);
        if (rc == 0)
            rc = read_links(st, p, ids[i], &v[i], err);
    }
    if (rc == 0 && n) {
        p->priorities = safer_arena_alloc(&p->arena, sizeof(*v) * n);
        memcpy(p->priorities, v, sizeof(*v) * n);
        p->npriorities = n;
    }
    free(v);
    free(ids);
    return rc;
}

int safer_plan_load(struct safer_store *st, const char *area, struct safer_plan **out,
                    struct safer_err *err)
{
    *out = NULL;
    if (!area)
        return 0;
    /* One snapshot for the plan's dozen reads, unless the caller's
     * transaction is one already. */
    bool own = !safer__store_in_tx(st);
    int rc = own ? safer__store_begin_read(st, err) : 0;
    if (rc < 0)
        return rc;
    int64_t pid = 0;
    rc = partnership_of(st, area, &pid, err);
    if (rc == 0)
        rc = safer__plan_load_pid(st, pid, out, err);
    if (own && rc >= 0) {
        int c = safer__store_commit(st, err);
        rc = c < 0 ? c : rc;
    }
    if (own && rc < 0)
        safer__store_rollback(st);
    if (rc < 0) {
        safer_plan_free(*out);
        *out = NULL;
        return rc;
    }
    return 0;
}

int safer__plan_load_pid(struct safer_store *st, int64_t pid, struct safer_plan **out,
                         struct safer_err *err)
{
    *out = NULL;
    int64_t plan_id = 0;
    struct safer_plan *p = safer__xmalloc(sizeof(*p));
    safer_plan_init(p);
    int rc = read_plan_row(st, p, pid, &plan_id, err);
    if (rc == 0)
        rc = read_partnership(st, p, pid, err);
    if (rc == 0)
        rc = read_groups(st, p, pid, err);
    if (rc == 0)
        rc = read_priorities(st, p, plan_id, err);
    if (rc != 0) {
        /* 1: the partnership has no plan. */
        safer_plan_free(p);
        return rc < 0 ? rc : 0;
    }
    *out = p;
    return 0;
}

/* ---- the plan, kept by the handle while the store is unchanged ---- */

#define PLANS_KEPT 8 /* partnerships a handle keeps the plan of */

struct safer__plan_cache {
    struct {
        char *area;
        int64_t generation;
        struct safer_plan *plan;
        uint64_t used;
    } e[PLANS_KEPT];
    uint64_t clock;
};

void safer__plan_cache_free(struct safer_store *st)
{
    struct safer__plan_cache *c = st->plan_cache;
    if (!c)
        return;
    for (size_t i = 0; i < PLANS_KEPT; i++) {
        free(c->e[i].area);
        safer_plan_free(c->e[i].plan);
    }
    free(c);
    st->plan_cache = NULL;
}

int safer_plan_current(struct safer_store *st, const char *area, const struct safer_plan **out,
                       struct safer_err *err)
{
    *out = NULL;
    if (!area)
        return 0;
    /* The generation first: a plan read after it is at least as new. */
    int64_t gen;
    int rc = safer__store_generation(st, &gen, err);
    if (rc < 0)
        return rc;
    if (!st->plan_cache)
        st->plan_cache = safer__xcalloc(1, sizeof(*st->plan_cache));
    struct safer__plan_cache *c = st->plan_cache;
    size_t slot = 0;
    for (size_t i = 0; i < PLANS_KEPT; i++) {
        if (c->e[i].area && strcmp(c->e[i].area, area) == 0) {
            if (gen >= 0 && c->e[i].generation == gen) {
                c->e[i].used = ++c->clock;
                *out = c->e[i].plan;
                return 0;
            }
            slot = i;
            break;
        }
        if (!c->e[i].area || (c->e[slot].area && c->e[i].used < c->e[slot].used))
            slot = i;
    }
    struct safer_plan *p = NULL;
    rc = safer_plan_load(st, area, &p, err);
    if (rc < 0)
        return rc;
    free(c->e[slot].area);
    safer_plan_free(c->e[slot].plan);
    c->e[slot].area = safer__xstrdup(area);
    c->e[slot].generation = gen;
    c->e[slot].plan = p;
    c->e[slot].used = ++c->clock;
    *out = p;
    return 0;
}
