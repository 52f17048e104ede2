/*
 * store_group.c - the strategy kept in the workspace (group.h): reading
 * the partnership's groups and priorities, changing a group, a priority or
 * a group's annual plan (tables partnership_group, group_remit,
 * group_member, plan_priority, priority_category, priority_link and
 * group_plan; migrations 3 and 5).
 *
 * Every call is one transaction: the access decision, the reads, the
 * change and its audit row commit or roll back together; a refusal rolls
 * back and is logged in a transaction of its own. The audit row of a
 * change holds two flat JSON objects, `before` and `after`, with the form's
 * names for the fields that changed; lists (remit, members, categories,
 * links) are one string each, an entry a line. The record is known by its
 * key ("smpeg"; "smpeg/2021" for a plan year), which outlives a re-import.
 *
 * Forms are checked whole before anything is written: every mistake goes
 * into `fe`, in the form's order, with the words a person sees next to the
 * field, and nothing is saved.
 */
#include "util/compat.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/buf.h"
#include "safer/group.h"
#include "safer/limits.h"
#include "store/store_form.h"
#include "store/store_impl.h"
#include "util/internal.h"
#include "util/jsonobj.h"

/* ---- checking a form ---- */

static bool one_of(const char *const *list, const char *v)
{
    for (size_t i = 0; v && list[i]; i++) {
        if (strcmp(list[i], v) == 0)
            return true;
    }
    return false;
}

/* The form's names of numbered fields, "member_name_1" to "..._64": a
 * mistake keeps its field's name past the call, so they are literals. */
#define NUM9(p) p "1", p "2", p "3", p "4", p "5", p "6", p "7", p "8", p "9"
#define NUM10(p, t)                                                                            \
    p t "0", p t "1", p t "2", p t "3", p t "4", p t "5", p t "6", p t "7", p t "8", p t "9"
#define NUM64(p)                                                                               \
    {NUM9(p), NUM10(p, "1"), NUM10(p, "2"), NUM10(p, "3"), NUM10(p, "4"), NUM10(p, "5"),       \
     p "60", p "61", p "62", p "63", p "64"}
#define NFIELDS 64
static const char *const MEMBER_NAME[NFIELDS] = NUM64("member_name_");
static const char *const MEMBER_ORG[NFIELDS] = NUM64("member_org_");
static const char *const MEMBER_ROLE[NFIELDS] = NUM64("member_role_");
static const char *const MEMBER_ACCOUNT[NFIELDS] = NUM64("member_account_");
static const char *const LINK_KIND[NFIELDS] = NUM64("link_kind_");
static const char *const LINK_TITLE[NFIELDS] = NUM64("link_title_");

/* The name of row `i` (from 0) of a numbered field; past the table, its
 * last. */
static const char *nth(const char *const *names, size_t i)
{
    return names[i < NFIELDS ? i : NFIELDS - 1];
}

/* ---- access ---- */

static int may(struct safer_store *st, const struct safer_actor *actor, enum safer_perm perm,
               struct safer_err *err)
{
    struct safer_err scratch = {0};
    int rc = safer__access(st, actor, perm, NULL, &scratch);
    if (rc < 0 && rc != SAFER_EDENIED)
        return safer_err_set(err, rc, "%s", scratch.msg);
    return rc;
}

/* ---- reading ---- */

int safer_strategy_get(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                       struct safer_plan **out, struct safer_err *err)
{
    *out = NULL;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = may(st, actor, SAFER_PERM_VIEW_AGGREGATE, err);
    if (rc == SAFER_EDENIED)
        return safer__audit_denied(st, actor, SAFER_PERM_VIEW_AGGREGATE, "group", NULL, now, err);
    bool names = rc == 0 && may(st, actor, SAFER_PERM_VIEW_PLAN, err) == 0;
    if (rc == 0)
        rc = safer__plan_load_pid(st, actor->partnership_id, out, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        safer_plan_free(*out);
        *out = NULL;
        return rc;
    }
    for (size_t i = 0; *out && !names && i < (*out)->ngroups; i++) {
        for (size_t k = 0; k < (*out)->groups[i].nmembers; k++) {
            (*out)->groups[i].members[k].account = NULL;
            (*out)->groups[i].members[k].user_id = 0;
        }
    }
    return 0;
}

static const struct safer_plan_priority *find_priority(const struct safer_plan *p, const char *key)
{
    for (size_t i = 0; p && key && i < p->npriorities; i++) {
        if (strcmp(p->priorities[i].key, key) == 0)
            return &p->priorities[i];
    }
    return NULL;
}

/* ---- writing ---- */

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void diff(struct safer__jobj *before, struct safer__jobj *after, const char *key,
                 const char *old, const char *now)
{
    if (same(old, now))
        return;
    safer__jobj_str(before, key, old);
    safer__jobj_str(after, key, now);
}

/* Lines of a list, as the audit log keeps it (NULL for none); in `a`. */
static const char *lines(struct safer_arena *a, const char *const *v, size_t n)
{
    struct safer_buf b;
    safer_buf_init(&b, SAFER_LIMIT_PLAN_FILE);
    for (size_t i = 0; i < n; i++)
        safer_buf_putf(&b, "%s%s", i ? "\n" : "", v[i]);
    const char *r = n && !safer_buf_error(&b) ? safer_arena_strdup(a, b.ptr) : NULL;
    safer_buf_release(&b);
    return r;
}

static const char *member_line(struct safer_arena *a, const char *name, const char *org,
                               const char *role, const char *account)
{
    size_t n = strlen(name) + (org ? strlen(org) : 0) + strlen(role) +
               (account ? strlen(account) : 0) + 16;
    char *s = safer_arena_alloc(a, n);
    snprintf(s, n, "%s, %s, %s%s%s", name, org ? org : "-", role, account ? ", " : "",
             account ? account : "");
    return s;
}

/* Write the audit row (released either way). `before` is empty for an
 * addition, and then not written. */
static int audit(struct safer_store *st, const struct safer_actor *actor, const char *what,
                 const char *type, const char *rid, struct safer__jobj *before,
                 struct safer__jobj *after, int64_t now, struct safer_err *err)
{
    char *b = NULL, *a = NULL;
    bool nothing_before = safer__jobj_count(before) == 0;
    int rc = safer__jobj_finish(before, &b, err);
    if (rc == 0)
        rc = safer__jobj_finish(after, &a, err);
    else
        safer__jobj_release(after);
    if (rc == 0)
        rc = safer__audit(st, actor, what, type, rid, nothing_before ? NULL : b, a, NULL, now, err);
    free(b);
    free(a);
    return rc;
}

static int run(struct safer_store *st, const char *sql, int64_t id, struct safer_err *err)
{
    return safer__run_id(st, sql, id, err);
}

/* Begin a change: write transaction, permission, the plan as stored. A
 * refusal is logged and returned as SAFER_EDENIED. */
static int begin_change(struct safer_store *st, const struct safer_actor *actor, const char *type,
                        const char *rid, int64_t now, struct safer_plan **plan,
                        struct safer_err *err)
{
    *plan = NULL;
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = may(st, actor, SAFER_PERM_EDIT_PLAN, err);
    if (rc == SAFER_EDENIED)
        return safer__audit_denied(st, actor, SAFER_PERM_EDIT_PLAN, type, rid, now, err);
    if (rc == 0)
        rc = safer__plan_load_pid(st, actor->partnership_id, plan, err);
    if (rc == 0 && !*plan)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "the partnership has no plan");
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

/* End a change: commit, or roll back on failure. */
static int end_change(struct safer_store *st, int rc, struct safer_plan *plan,
                      struct safer_arena *a, struct safer_err *err)
{
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    safer_plan_free(plan);
    safer_arena_release(a);
    return rc;
}

static int form_failed(struct safer_field_errors *fe, const char *what, struct safer_err *err)
{
    return safer_err_set(err, SAFER_EINVAL, "the %s's form has %zu mistake%s", what, fe->n,
                         fe->n == 1 ? "" : "s");
}

static int stale(const char *what, const char *key, int64_t version, int64_t now_version,
                 struct safer_err *err)
{
    return safer_err_set(err, SAFER_ECONFLICT,
                         "%s '%s' was changed by someone else since the form was opened "
                         "(version %" PRId64 ", now %" PRId64 ")",
                         what, key, version, now_version);
}

/* A checked member. */
struct member {
    const char *name, *org, *role, *email;
    int64_t account;
};

/* Is user `id` a person of partnership `pid`? Their e-mail in *email. */
static int person(struct safer_store *st, int64_t pid, int64_t id, struct safer_arena *a,
                  const char **email, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT u.email FROM membership m JOIN app_user u ON u.id = m.user_id"
                         " WHERE m.partnership_id = ? AND m.user_id = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_int64(s, 2, id);
    rc = safer__step(s, err);
    if (rc == 1)
        *email = safer_arena_strdup(a, safer__col_text(s, 0));
    safer__stmt_finalize(s);
    return rc;
}

/* The form's members, checked; empty rows left out. */
static int check_members(struct safer_store *st, int64_t pid, const struct safer_group_fields *f,
                         struct safer_arena *a, struct member **out, size_t *n,
                         struct safer_field_errors *fe, struct safer_err *err)
{
    *n = 0;
    *out = safer_arena_alloc(a, sizeof(**out) * (f->nmembers ? f->nmembers : 1));
    for (size_t i = 0; i < f->nmembers; i++) {
        const struct safer_group_member_fields *m = &f->members[i];
        struct member c = {0};
        const char *fname = nth(MEMBER_NAME, i);
        c.name = safer__text_field(a, fe, fname, "Name", m->name, false, NULL, SAFER_GROUP_NAME_MAX, false);
        c.org = safer__text_field(a, fe, nth(MEMBER_ORG, i), "Organisation", m->organisation, false,
                                 NULL, SAFER_GROUP_NAME_MAX, false);
        if (!c.name && !c.org && m->account == 0)
            continue;
        if (!c.name)
            safer__fe_add(fe, fname, "Enter the name of member %zu", i + 1);
        c.role = safer__trimmed(a, m->role);
        if (!one_of(safer_plan_member_roles, c.role))
            safer__fe_add(fe, nth(MEMBER_ROLE, i), "Choose the role of member %zu", i + 1);
        if (m->account) {
            int rc = m->account > 0 ? person(st, pid, m->account, a, &c.email, err) : 0;
            if (rc < 0)
                return rc;
            if (rc == 0)
                safer__fe_add(fe, nth(MEMBER_ACCOUNT, i),
                                  "Choose an account from the people of the partnership");
            c.account = m->account;
        }
        if (*n >= SAFER_GROUP_MEMBERS_MAX) {
            safer__fe_add(fe, fname, "A group may have %d members at most",
                              SAFER_GROUP_MEMBERS_MAX);
            break;
        }
        (*out)[(*n)++] = c;
    }
    return 0;
}

static int64_t group_row_id(struct safer_store *st, int64_t pid, const char *key,
                            struct safer_err *err)
{
    struct safer__stmt *s;
    int64_t id = 0;
    int rc = safer__prep(
        st, "SELECT id FROM partnership_group WHERE partnership_id = ? AND key = ?", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    safer__bind_text(s, 2, key);
    rc = safer__step(s, err);
    if (rc == 1)
        id = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    return rc < 0 ? rc : id;
}

/* Write group `gid`'s remit and members anew. */
static int write_lists(struct safer_store *st, const struct safer_actor *actor, int64_t gid,
                       const char *const *remit, size_t nremit, const struct member *m, size_t nm,
                       int64_t now, struct safer_err *err)
{
    int rc = run(st, "DELETE FROM group_remit WHERE group_id = ?", gid, err);
    if (rc == 0)
        rc = run(st, "DELETE FROM group_member WHERE group_id = ?", gid, err);
    struct safer__stmt *r = NULL, *s = NULL;
    if (rc == 0)
        rc = safer__prep(st, "INSERT INTO group_remit(group_id, seq, duty) VALUES(?, ?, ?)", &r,
                         err);
    for (size_t i = 0; rc == 0 && i < nremit; i++) {
        safer__stmt_reset(r);
        safer__bind_int64(r, 1, gid);
        safer__bind_int64(r, 2, (int64_t)i);
        safer__bind_text(r, 3, remit[i]);
        rc = safer__step_done(r, err);
    }
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO group_member(group_id, seq, name, organisation_id, user_id,"
                         " role) VALUES(?, ?, ?, ?, ?, ?)",
                         &s, err);
    for (size_t i = 0; rc == 0 && i < nm; i++) {
        int64_t org = 0;
        if (m[i].org)
            rc = safer__org_id(st, actor, m[i].org, now, &org, err);
        if (rc < 0)
            break;
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, gid);
        safer__bind_int64(s, 2, (int64_t)i);
        safer__bind_text(s, 3, m[i].name);
        if (org)
            safer__bind_int64(s, 4, org);
        else
            safer__bind_null(s, 4);
        if (m[i].account)
            safer__bind_int64(s, 5, m[i].account);
        else
            safer__bind_null(s, 5);
        safer__bind_text(s, 6, m[i].role);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(r);
    safer__stmt_finalize(s);
    return rc;
}

/* Split text into its non-blank lines, trimmed. */
static const char **split_lines(struct safer_arena *a, const char *text, size_t *n)
{
    *n = 0;
    size_t cap = 1;
    for (const char *p = text; p && *p; p++)
        cap += *p == '\n';
    const char **v = safer_arena_alloc(a, sizeof(char *) * cap);
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *t = safer__trimmed(a, safer_arena_strndup(a, p, len));
        if (t)
            v[(*n)++] = t;
        p = e ? e + 1 : p + len;
    }
    return v;
}

int safer_group_change(struct safer_store *st, const struct safer_actor *actor, const char *key,
                       int64_t version, const struct safer_group_fields *f, int64_t now,
                       struct safer_field_errors *fe, struct safer_err *err)
{
    struct safer_field_errors local;
    if (!fe)
        fe = &local;
    fe->n = 0;
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_plan *plan;
    int rc = begin_change(st, actor, "group", key, now, &plan, err);
    if (rc < 0) {
        safer_arena_release(&a);
        return rc;
    }
    const struct safer_plan_group *g = safer_plan_group(plan, key);
    if (!g)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no group '%s' in this partnership",
                           key ? key : "");
    if (rc == 0 && g->version != version)
        rc = stale("group", key, version, g->version, err);

    /* The form, in its order. */
    const char *name = NULL, *kind = NULL, *parent = NULL, *meets = NULL, *terms = NULL;
    const char *remit_text = NULL, **remit = NULL;
    size_t nremit = 0, nm = 0;
    struct member *m = NULL;
    if (rc == 0) {
        name = safer__text_field(&a, fe, "name", "Name", f->name, true, "Enter the group's name",
                                SAFER_GROUP_NAME_MAX, false);
        kind = safer__trimmed(&a, f->kind);
        if (!one_of(safer_plan_group_kinds, kind))
            safer__fe_add(fe, "kind", "Choose what kind of group it is");
        parent = safer__trimmed(&a, f->parent);
        if (parent) {
            const struct safer_plan_group *up = safer_plan_group(plan, parent);
            if (!up) {
                safer__fe_add(fe, "parent", "Choose a group of the partnership it reports to");
            } else {
                /* No chain of groups it reports to may come back to it. */
                for (size_t steps = 0; up; steps++) {
                    if (strcmp(up->key, g->key) == 0 || steps > plan->ngroups) {
                        safer__fe_add(fe, "parent",
                                          "A group cannot report to itself, directly or "
                                          "through the groups it reports to");
                        break;
                    }
                    up = safer_plan_group(plan, up->parent);
                }
            }
        }
        meets = safer__text_field(&a, fe, "meets", "How often it meets", f->meets, false, NULL,
                                 SAFER_GROUP_NAME_MAX, false);
        terms = safer__text_field(&a, fe, "terms", "Terms of reference", f->terms, false, NULL,
                                 SAFER_GROUP_TEXT_MAX, true);
        remit_text =
            safer__text_field(&a, fe, "remit", "Remit", f->remit, false, NULL, SAFER_GROUP_TEXT_MAX, true);
        remit = split_lines(&a, remit_text, &nremit);
        rc = check_members(st, actor->partnership_id, f, &a, &m, &nm, fe, err);
    }
    if (rc == 0 && fe->n)
        rc = form_failed(fe, "group", err);

    if (rc == 0) {
        struct safer__jobj before, after;
        safer__jobj_init(&before);
        safer__jobj_init(&after);
        diff(&before, &after, "name", g->name, name);
        diff(&before, &after, "kind", g->kind, kind);
        diff(&before, &after, "parent", g->parent, parent);
        diff(&before, &after, "meets", g->meets, meets);
        diff(&before, &after, "terms", g->terms, terms);
        diff(&before, &after, "remit", lines(&a, g->remit, g->nremit), lines(&a, remit, nremit));
        const char **was = safer_arena_alloc(&a, sizeof(char *) * (g->nmembers + 1));
        const char **is = safer_arena_alloc(&a, sizeof(char *) * (nm + 1));
        for (size_t i = 0; i < g->nmembers; i++)
            was[i] = member_line(&a, g->members[i].name, g->members[i].organisation,
                                 g->members[i].role, g->members[i].account);
        for (size_t i = 0; i < nm; i++)
            is[i] = member_line(&a, m[i].name, m[i].org, m[i].role, m[i].email);
        diff(&before, &after, "members", lines(&a, was, g->nmembers), lines(&a, is, nm));
        if (safer__jobj_count(&after) == 0) {
            /* Nothing changed: nothing to write or log. */
            safer__jobj_release(&before);
            safer__jobj_release(&after);
            return end_change(st, 0, plan, &a, err);
        }
        int64_t gid = group_row_id(st, actor->partnership_id, key, err);
        int64_t pgid = parent ? group_row_id(st, actor->partnership_id, parent, err) : 0;
        rc = gid < 0 ? (int)gid : pgid < 0 ? (int)pgid : 0;
        struct safer__stmt *s = NULL;
        if (rc == 0)
            rc = safer__prep(st,
                             "UPDATE partnership_group SET name = ?, kind = ?, parent_id = ?,"
                             " meets = ?, terms = ?, version = version + 1"
                             " WHERE id = ? AND version = ?",
                             &s, err);
        if (rc == 0) {
            safer__bind_text(s, 1, name);
            safer__bind_text(s, 2, kind);
            if (pgid)
                safer__bind_int64(s, 3, pgid);
            else
                safer__bind_null(s, 3);
            safer__bind_text(s, 4, meets);
            safer__bind_text(s, 5, terms);
            safer__bind_int64(s, 6, gid);
            safer__bind_int64(s, 7, version);
            rc = safer__step_done(s, err);
            safer__stmt_finalize(s);
        }
        if (rc == 0)
            rc = write_lists(st, actor, gid, remit, nremit, m, nm, now, err);
        if (rc == 0)
            rc = audit(st, actor, "group-change", "group", key, &before, &after, now, err);
        else {
            safer__jobj_release(&before);
            safer__jobj_release(&after);
        }
    }
    return end_change(st, rc, plan, &a, err);
}

int safer_priority_change(struct safer_store *st, const struct safer_actor *actor, const char *key,
                          int64_t version, const struct safer_priority_fields *f, int64_t now,
                          struct safer_field_errors *fe, struct safer_err *err)
{
    struct safer_field_errors local;
    if (!fe)
        fe = &local;
    fe->n = 0;
    struct safer_arena a;
    safer_arena_init(&a);
    struct safer_plan *plan;
    int rc = begin_change(st, actor, "priority", key, now, &plan, err);
    if (rc < 0) {
        safer_arena_release(&a);
        return rc;
    }
    const struct safer_plan_priority *r = find_priority(plan, key);
    if (!r)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no priority '%s' in this partnership",
                           key ? key : "");
    if (rc == 0 && r->version != version)
        rc = stale("priority", key, version, r->version, err);

    const char *title = NULL, *objective = NULL, *focus = NULL;
    const char **cats = NULL, **links = NULL;
    struct safer_priority_link_fields *lk = NULL;
    size_t ncats = 0, nlinks = 0;
    if (rc == 0) {
        title = safer__text_field(&a, fe, "title", "Title", f->title, true, "Enter the priority's title",
                                 SAFER_ACTION_TITLE_MAX, false);
        objective = safer__text_field(&a, fe, "objective", "Objective", f->objective, false, NULL,
                                     SAFER_GROUP_TEXT_MAX, true);
        focus =
            safer__text_field(&a, fe, "focus", "Focus", f->focus, false, NULL, SAFER_GROUP_TEXT_MAX, true);
        cats = safer_arena_alloc(&a, sizeof(char *) * (f->ncategories + 1));
        for (size_t i = 0; i < f->ncategories; i++) {
            const char *c = safer__trimmed(&a, f->categories[i]);
            if (!c)
                continue;
            if (!one_of(safer_plan_categories, c)) {
                safer__fe_add(fe, "categories",
                                  "Choose categories from the police.uk list: '%.60s' is "
                                  "not one",
                                  c);
                continue;
            }
            bool twice = false;
            for (size_t k = 0; k < ncats; k++)
                twice = twice || strcmp(cats[k], c) == 0;
            if (!twice)
                cats[ncats++] = c;
        }
        lk = safer_arena_alloc(&a, sizeof(*lk) * (f->nlinks + 1));
        links = safer_arena_alloc(&a, sizeof(char *) * (f->nlinks + 1));
        for (size_t i = 0; i < f->nlinks; i++) {
            const char *t =
                safer__text_field(&a, fe, nth(LINK_TITLE, i), "Title of the link",
                                 f->links[i].title, false, NULL, SAFER_ACTION_TITLE_MAX, false);
            if (!t)
                continue;
            const char *k = safer__trimmed(&a, f->links[i].kind);
            if (!one_of(safer_plan_link_kinds, k))
                safer__fe_add(fe, nth(LINK_KIND, i),
                                  "Choose whether link %zu is a county, "
                                  "commissioner or national priority",
                                  i + 1);
            if (nlinks >= SAFER_PRIORITY_LINKS_MAX) {
                safer__fe_add(fe, nth(LINK_TITLE, i),
                                  "A priority may have %d links at most", SAFER_PRIORITY_LINKS_MAX);
                break;
            }
            lk[nlinks].kind = k;
            lk[nlinks].title = t;
            links[nlinks] = member_line(&a, t, NULL, k ? k : "-", NULL);
            nlinks++;
        }
    }
    if (rc == 0 && fe->n)
        rc = form_failed(fe, "priority", err);

    if (rc == 0) {
        struct safer__jobj before, after;
        safer__jobj_init(&before);
        safer__jobj_init(&after);
        diff(&before, &after, "title", r->title, title);
        diff(&before, &after, "objective", r->objective, objective);
        diff(&before, &after, "focus", r->description, focus);
        diff(&before, &after, "cross_cutting", r->cross_cutting ? "yes" : "no",
             f->cross_cutting ? "yes" : "no");
        diff(&before, &after, "categories", lines(&a, r->categories, r->ncategories),
             lines(&a, cats, ncats));
        const char **was = safer_arena_alloc(&a, sizeof(char *) * (r->nlinks + 1));
        for (size_t i = 0; i < r->nlinks; i++)
            was[i] = member_line(&a, r->links[i].title, NULL, r->links[i].kind, NULL);
        diff(&before, &after, "links", lines(&a, was, r->nlinks), lines(&a, links, nlinks));
        if (safer__jobj_count(&after) == 0) {
            safer__jobj_release(&before);
            safer__jobj_release(&after);
            return end_change(st, 0, plan, &a, err);
        }
        int64_t rid = 0;
        struct safer__stmt *s = NULL;
        rc = safer__prep(st,
                         "UPDATE plan_priority SET title = ?, objective = ?, description = ?,"
                         " cross_cutting = ?, version = version + 1 WHERE key = ? AND version = ?"
                         " AND plan_id = (SELECT id FROM partnership_plan WHERE partnership_id = ?"
                         " ORDER BY id DESC LIMIT 1) RETURNING id",
                         &s, err);
        if (rc == 0) {
            safer__bind_text(s, 1, title);
            safer__bind_text(s, 2, objective);
            safer__bind_text(s, 3, focus);
            safer__bind_int64(s, 4, f->cross_cutting ? 1 : 0);
            safer__bind_text(s, 5, key);
            safer__bind_int64(s, 6, version);
            safer__bind_int64(s, 7, actor->partnership_id);
            rc = safer__step(s, err);
            if (rc == 1) {
                rid = safer__col_int64(s, 0);
                rc = safer__step_done(s, err);
            } else if (rc == 0) {
                rc = stale("priority", key, version, r->version + 1, err);
            }
            safer__stmt_finalize(s);
        }
        if (rc == 0)
            rc = run(st, "DELETE FROM priority_category WHERE priority_id = ?", rid, err);
        if (rc == 0)
            rc = run(st, "DELETE FROM priority_link WHERE priority_id = ?", rid, err);
        if (rc == 0)
            rc = safer__prep(st,
                             "INSERT INTO priority_category(priority_id, seq, crime_type)"
                             " VALUES(?, ?, ?)",
                             &s, err);
        for (size_t i = 0; rc == 0 && i <= ncats; i++) {
            if (i == ncats) {
                safer__stmt_finalize(s);
                break;
            }
            safer__stmt_reset(s);
            safer__bind_int64(s, 1, rid);
            safer__bind_int64(s, 2, (int64_t)i);
            safer__bind_text(s, 3, cats[i]);
            rc = safer__step_done(s, err);
            if (rc < 0)
                safer__stmt_finalize(s);
        }
        if (rc == 0)
            rc = safer__prep(st,
                             "INSERT INTO priority_link(priority_id, seq, kind, title)"
                             " VALUES(?, ?, ?, ?)",
                             &s, err);
        for (size_t i = 0; rc == 0 && i <= nlinks; i++) {
            if (i == nlinks) {
                safer__stmt_finalize(s);
                break;
            }
            safer__stmt_reset(s);
            safer__bind_int64(s, 1, rid);
            safer__bind_int64(s, 2, (int64_t)i);
            safer__bind_text(s, 3, lk[i].kind);
            safer__bind_text(s, 4, lk[i].title);
            rc = safer__step_done(s, err);
            if (rc < 0)
                safer__stmt_finalize(s);
        }
        if (rc == 0)
            rc = audit(st, actor, "priority-change", "priority", key, &before, &after, now, err);
        else {
            safer__jobj_release(&before);
            safer__jobj_release(&after);
        }
    }
    return end_change(st, rc, plan, &a, err);
}

int safer_group_plan_set(struct safer_store *st, const struct safer_actor *actor, const char *key,
                         int year, int64_t version, const char *outcome, int64_t now,
                         struct safer_field_errors *fe, struct safer_err *err)
{
    struct safer_field_errors local;
    if (!fe)
        fe = &local;
    fe->n = 0;
    struct safer_arena a;
    safer_arena_init(&a);
    char rid[96];
    snprintf(rid, sizeof(rid), "%.64s/%d", key ? key : "", year);
    struct safer_plan *plan;
    int rc = begin_change(st, actor, "group-plan", rid, now, &plan, err);
    if (rc < 0) {
        safer_arena_release(&a);
        return rc;
    }
    const struct safer_plan_group *g = safer_plan_group(plan, key);
    if (!g)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no group '%s' in this partnership",
                           key ? key : "");
    if (rc == 0 && (year < SAFER_PLAN_YEAR_MIN || year > SAFER_PLAN_YEAR_MAX))
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no plan year %d (%d to %d)", year,
                           SAFER_PLAN_YEAR_MIN, SAFER_PLAN_YEAR_MAX);
    const struct safer_plan_outcome *old = NULL;
    for (size_t i = 0; rc == 0 && i < g->nplans; i++) {
        if (g->plans[i].year == year)
            old = &g->plans[i];
    }
    if (rc == 0 && (old ? old->version : 0) != version)
        rc = stale("plan", rid, version, old ? old->version : 0, err);
    const char *text = NULL;
    if (rc == 0)
        text = safer__text_field(&a, fe, "outcome", "Outcome", outcome, true,
                                "Enter the outcome the group aims at this year",
                                SAFER_GROUP_TEXT_MAX, true);
    if (rc == 0 && fe->n)
        rc = form_failed(fe, "plan", err);
    if (rc == 0 && old && same(old->outcome, text))
        return end_change(st, 0, plan, &a, err);
    struct safer__stmt *s = NULL;
    if (rc == 0)
        rc = safer__prep(st,
                         old ? "UPDATE group_plan SET outcome = ?1, version = version + 1,"
                               " updated_at = ?2 WHERE partnership_id = ?3 AND group_key = ?4"
                               " AND year = ?5"
                             : "INSERT INTO group_plan(outcome, created_at, updated_at,"
                               " partnership_id, group_key, year) VALUES(?1, ?2, ?2, ?3, ?4, ?5)",
                         &s, err);
    if (rc == 0) {
        char at[32];
        safer__iso_at(now, at);
        safer__bind_text(s, 1, text);
        safer__bind_text(s, 2, at);
        safer__bind_int64(s, 3, actor->partnership_id);
        safer__bind_text(s, 4, key);
        safer__bind_int64(s, 5, year);
        rc = safer__step_done(s, err);
        safer__stmt_finalize(s);
    }
    if (rc == 0) {
        struct safer__jobj before, after;
        safer__jobj_init(&before);
        safer__jobj_init(&after);
        if (old)
            safer__jobj_str(&before, "outcome", old->outcome);
        safer__jobj_str(&after, "outcome", text);
        rc = audit(st, actor, old ? "plan-change" : "plan-add", "group-plan", rid, &before, &after,
                   now, err);
    }
    return end_change(st, rc, plan, &a, err);
}

/* ---- plan years ---- */

/* "YYYY-MM-DD" to its plan year (April to March); 0 when not a date. */
static int year_of_date(const char *d)
{
    if (!d || strlen(d) < 7 || d[4] != '-')
        return 0;
    int y = 0, m = 0;
    for (int k = 0; k < 4; k++) {
        if (d[k] < '0' || d[k] > '9')
            return 0;
        y = y * 10 + (d[k] - '0');
    }
    if (d[5] < '0' || d[5] > '9' || d[6] < '0' || d[6] > '9')
        return 0;
    m = (d[5] - '0') * 10 + (d[6] - '0');
    return m >= 4 ? y : y - 1;
}

bool safer_action_in_plan_year(const struct safer_action *x, int year)
{
    bool open =
        x->status && strcmp(x->status, "complete") != 0 && strcmp(x->status, "withdrawn") != 0;
    return open || year_of_date(x->due_date) == year || year_of_date(x->start_date) == year;
}

int safer_plan_year_of(int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return SAFER_PLAN_YEAR_MIN;
    return tm.tm_mon >= 3 ? tm.tm_year + 1900 : tm.tm_year + 1899;
}
