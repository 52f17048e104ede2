/*
 * store_exchange_export.c - a partnership's whole plan as CSV files or one
 * JSON document (exchange.h, docs/exchange.md).
 *
 * One table below per record kind: the CSV file it is written to, its
 * member in the JSON document, its columns and the query that reads them
 * in one read transaction. Every query's first column is the row's id,
 * which is never written: a child kind (an action's updates) is read for
 * its CSV file all at once (?2 NULL), and for the JSON document once per
 * row of its parent (?2 the parent's id), nested inside it. Records are
 * named by their keys, e-mails and names, never by row ids (which another
 * store numbers differently), except funding, which has no key.
 *
 * Orders are by key, then title, then id, so that the actions and
 * indicators files come out the same from a store that imported them.
 * Text goes through safer_csv_put_text() (the formula guard); numbers are
 * written as the shortest decimal that reads back as the stored double.
 */
#include "util/compat.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "safer/csv.h"
#include "safer/exchange.h"
#include "store/store_impl.h"
#include "util/internal.h"
#include "util/jsonobj.h"

/*
 * Column kinds: T text, I integer, R real, L lines (categories: one a
 * line in the store, ';' between them in a CSV cell, an array in JSON).
 */
struct table {
    const char *file; /* the CSV file */
    const char *json; /* its member in the JSON document */
    int parent;       /* index of the table it nests in, or -1: the partnership */
    int skip;         /* leading columns naming the parent, left out of the JSON */
    const char *cols; /* header: names separated by ',' */
    const char *kinds;
    const char *sql; /* ?1 the partnership; a child's ?2 its parent's id or NULL */
};

#define PARENT(col) " AND (CAST(?2 AS BIGINT) IS NULL OR " col " = ?2)"

enum { T_PARTNERSHIP, T_DISTRICTS, T_ORGS, T_PEOPLE, T_PLAN, T_GROUPS, T_REMITS, T_MEMBERS,
       T_PRIORITIES, T_CATEGORIES, T_PRIORITY_GROUPS, T_LINKS, T_GROUP_PLANS, T_ACTIONS,
       T_UPDATES, T_INDICATORS, T_VALUES, T_COMMENTS, T_EQUALITY, T_FUNDING, T_FUNDING_ACTIONS,
       T_COUNT };

static const struct table TABLES[T_COUNT] = {
    [T_PARTNERSHIP] = {"partnership.csv", NULL, -1, 0, "code,name,csp_code,note", "TTTT",
                       "SELECT id, code, name, csp_code, note FROM partnership WHERE id = ?1"},
    [T_DISTRICTS] = {"districts.csv", "districts", -1, 0, "district", "T",
                     "SELECT seq, district_code FROM partnership_district"
                     " WHERE partnership_id = ?1 ORDER BY seq"},
    [T_ORGS] = {"organisations.csv", "organisations", -1, 0, "name,kind", "TT",
                "SELECT o.id, o.name, o.kind FROM organisation o WHERE o.id IN"
                " (SELECT u.organisation_id FROM app_user u JOIN membership m ON m.user_id = u.id"
                "  WHERE m.partnership_id = ?1)"
                " OR o.id IN (SELECT lead_org_id FROM action WHERE partnership_id = ?1)"
                " OR o.id IN (SELECT b.organisation_id FROM group_member b"
                "  JOIN partnership_group g ON g.id = b.group_id WHERE g.partnership_id = ?1)"
                " ORDER BY o.name"},
    [T_PEOPLE] = {"people.csv", "people", -1, 0, "name,email,organisation,role,disabled", "TTTTI",
                  "SELECT u.id, u.name, u.email, o.name, m.role, u.disabled FROM app_user u"
                  " JOIN membership m ON m.user_id = u.id"
                  " JOIN organisation o ON o.id = u.organisation_id"
                  " WHERE m.partnership_id = ?1 ORDER BY u.email"},
    [T_PLAN] = {"plan.csv", "plan", -1, 0, "title,period_from,period_to,updated,source,about",
                "TTTTTT",
                "SELECT id, title, period_from, period_to, updated, source, about"
                " FROM partnership_plan WHERE partnership_id = ?1 ORDER BY id"},
    [T_GROUPS] = {"groups.csv", "groups", -1, 0, "key,name,kind,parent,meets,terms,source",
                  "TTTTTTT",
                  "SELECT g.id, g.key, g.name, g.kind, u.key, g.meets, g.terms, g.source"
                  " FROM partnership_group g LEFT JOIN partnership_group u ON u.id = g.parent_id"
                  " WHERE g.partnership_id = ?1 ORDER BY g.seq"},
    [T_REMITS] = {"group_remits.csv", "remit", T_GROUPS, 1, "group,duty", "TT",
                  "SELECT r.seq, g.key, r.duty FROM group_remit r"
                  " JOIN partnership_group g ON g.id = r.group_id"
                  " WHERE g.partnership_id = ?1" PARENT("g.id") " ORDER BY g.seq, r.seq"},
    [T_MEMBERS] = {"group_members.csv", "members", T_GROUPS, 1,
                   "group,name,organisation,email,role", "TTTTT",
                   "SELECT b.seq, g.key, b.name, o.name, u.email, b.role FROM group_member b"
                   " JOIN partnership_group g ON g.id = b.group_id"
                   " LEFT JOIN organisation o ON o.id = b.organisation_id"
                   " LEFT JOIN app_user u ON u.id = b.user_id"
                   " WHERE g.partnership_id = ?1" PARENT("g.id") " ORDER BY g.seq, b.seq"},
    [T_PRIORITIES] = {"priorities.csv", "priorities", -1, 0,
                      "key,title,cross_cutting,objective,description,cannot_show,source",
                      "TTITTTT",
                      "SELECT r.id, r.key, r.title, r.cross_cutting, r.objective, r.description,"
                      " r.cannot_show, r.source FROM plan_priority r"
                      " JOIN partnership_plan l ON l.id = r.plan_id"
                      " WHERE l.partnership_id = ?1 ORDER BY l.id, r.seq"},
    [T_CATEGORIES] = {"priority_categories.csv", "categories", T_PRIORITIES, 1,
                      "priority,category", "TT",
                      "SELECT c.seq, r.key, c.crime_type FROM priority_category c"
                      " JOIN plan_priority r ON r.id = c.priority_id"
                      " JOIN partnership_plan l ON l.id = r.plan_id"
                      " WHERE l.partnership_id = ?1" PARENT("r.id")
                      " ORDER BY l.id, r.seq, c.seq"},
    [T_PRIORITY_GROUPS] = {"priority_groups.csv", "groups", T_PRIORITIES, 1, "priority,group",
                           "TT",
                           "SELECT q.seq, r.key, g.key FROM priority_group q"
                           " JOIN plan_priority r ON r.id = q.priority_id"
                           " JOIN partnership_group g ON g.id = q.group_id"
                           " JOIN partnership_plan l ON l.id = r.plan_id"
                           " WHERE l.partnership_id = ?1" PARENT("r.id")
                           " ORDER BY l.id, r.seq, q.seq"},
    [T_LINKS] = {"priority_links.csv", "links", T_PRIORITIES, 1, "priority,kind,title", "TTT",
                 "SELECT k.seq, r.key, k.kind, k.title FROM priority_link k"
                 " JOIN plan_priority r ON r.id = k.priority_id"
                 " JOIN partnership_plan l ON l.id = r.plan_id"
                 " WHERE l.partnership_id = ?1" PARENT("r.id") " ORDER BY l.id, r.seq, k.seq"},
    [T_GROUP_PLANS] = {"group_plans.csv", "plans", -1, 0, "group,year,outcome", "TIT",
                       "SELECT id, group_key, year, outcome FROM group_plan"
                       " WHERE partnership_id = ?1 ORDER BY group_key, year"},
    /* The columns of the actions template (store_exchange.c). */
    [T_ACTIONS] = {"actions.csv", "actions", -1, 0,
                   "key,title,description,priority,group,lead_organisation,lead_person,start,"
                   "due,status,progress",
                   "TTTTTTTTTTI",
                   "SELECT a.id, a.key, a.title, a.description, a.priority_key, a.group_key,"
                   " o.name, u.email, a.start_date, a.due_date, a.status, a.progress FROM action a"
                   " LEFT JOIN organisation o ON o.id = a.lead_org_id"
                   " LEFT JOIN app_user u ON u.id = a.lead_user_id"
                   " WHERE a.partnership_id = ?1 ORDER BY a.key IS NULL, a.key, a.title, a.id"},
    [T_UPDATES] = {"action_updates.csv", "updates", T_ACTIONS, 2,
                   "action_key,action_title,on_date,author,status,progress,note", "TTTTTIT",
                   "SELECT d.id, a.key, a.title, d.on_date, COALESCE(w.email, 'operator'),"
                   " d.status, d.progress, d.note FROM action_update d"
                   " JOIN action a ON a.id = d.action_id"
                   " LEFT JOIN app_user w ON w.id = d.author_id"
                   " WHERE a.partnership_id = ?1" PARENT("a.id")
                   " ORDER BY a.key IS NULL, a.key, a.title, a.id, d.on_date, d.id"},
    /* The columns of the indicators template (store_exchange.c). */
    [T_INDICATORS] = {"indicators.csv", "indicators", -1, 0,
                      "key,title,priority,group,kind,categories,ward,measure,period,good,target,"
                      "amber,red,unit,question",
                      "TTTTTLTTTTRRRTT",
                      "SELECT id, key, title, priority_key, group_key, kind, categories, ward,"
                      " measure, period, good, target, amber, red, unit, question FROM indicator"
                      " WHERE partnership_id = ?1 ORDER BY key IS NULL, key, title, id"},
    [T_VALUES] = {"indicator_values.csv", "values", T_INDICATORS, 2,
                  "indicator_key,indicator_title,period,value,author", "TTTRT",
                  "SELECT 0, i.key, i.title, v.period, v.value, COALESCE(u.email, 'operator')"
                  " FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id"
                  " LEFT JOIN app_user u ON u.id = v.author_id"
                  " WHERE i.partnership_id = ?1" PARENT("i.id")
                  " ORDER BY i.key IS NULL, i.key, i.title, i.id, v.period"},
    [T_COMMENTS] = {"indicator_comments.csv", "comments", T_INDICATORS, 2,
                    "indicator_key,indicator_title,period,at,author,note", "TTTTTT",
                    "SELECT c.id, i.key, i.title, c.period, c.at, COALESCE(u.email, 'operator'),"
                    " c.note FROM indicator_comment c JOIN indicator i ON i.id = c.indicator_id"
                    " LEFT JOIN app_user u ON u.id = c.author_id"
                    " WHERE i.partnership_id = ?1" PARENT("i.id")
                    " ORDER BY i.key IS NULL, i.key, i.title, i.id, c.period, c.id"},
    [T_EQUALITY] = {"equality_assessments.csv", "equality", -1, 0,
                    "group,year,characteristics,evidence,findings,mitigations,review_date",
                    "TITTTTT",
                    "SELECT id, group_key, year, characteristics, evidence, findings,"
                    " mitigations, review_date FROM equality_assessment"
                    " WHERE partnership_id = ?1 ORDER BY year, group_key"},
    [T_FUNDING] = {"funding.csv", "funding", -1, 0,
                   "id,funder,scheme,amount_pence,period_from,period_to,priority,status,"
                   "spent_pence,delivered",
                   "ITTITTTTIT",
                   "SELECT id, id, funder, scheme, amount, period_from, period_to, priority_key,"
                   " status, spent, delivered FROM funding WHERE partnership_id = ?1"
                   " ORDER BY period_from, funder, id"},
    [T_FUNDING_ACTIONS] = {"funding_actions.csv", "actions", T_FUNDING, 1,
                           "funding_id,action_key,action_title", "ITT",
                           "SELECT a.id, f.id, a.key, a.title FROM funding_action x"
                           " JOIN funding f ON f.id = x.funding_id JOIN action a ON a.id = x.action_id"
                           " WHERE f.partnership_id = ?1" PARENT("f.id")
                           " ORDER BY f.period_from, f.funder, f.id, a.key IS NULL, a.key, a.id"},
};

/* The access decision and the read transaction. */
static int begin(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                 struct safer_err *err)
{
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__access(st, actor, SAFER_PERM_VIEW_PLAN, NULL, err);
    if (rc == SAFER_EDENIED) {
        safer__store_rollback(st);
        return safer__audit_denied(st, actor, SAFER_PERM_VIEW_PLAN, "partnership", NULL, now,
                                   err);
    }
    if (rc == 0 && actor->partnership_id <= 0)
        rc = safer_err_set(err, SAFER_EINVAL, "no partnership to export");
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

static int finish(struct safer_store *st, int rc, struct safer_err *err)
{
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

/* Run table `t` for the partnership (and, with parent > 0, one parent). */
static int query(struct safer_store *st, const struct table *t, int64_t pid, int64_t parent,
                 struct safer__stmt **s, struct safer_err *err)
{
    int rc = safer__prep(st, t->sql, s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(*s, 1, pid);
    if (t->parent >= 0) {
        if (parent > 0)
            safer__bind_int64(*s, 2, parent);
        else
            safer__bind_null(*s, 2);
    }
    return 0;
}

/* ---- CSV ---- */

/* A real number as a spreadsheet and a reader both take it: a whole
 * number without a point or an exponent ("320", not "3.2e+02"), else the
 * shortest decimal that reads back as the same double. */
static void fmt_real(double v, char out[32])
{
    if (v == (double)(int64_t)v && v > -1e15 && v < 1e15)
        snprintf(out, 32, "%" PRId64, (int64_t)v);
    else
        safer__fmt_double(v, out);
}

static void csv_value(struct safer_buf *b, struct safer__stmt *s, int col, char kind)
{
    if (safer__col_is_null(s, col))
        return;
    if (kind == 'I') {
        safer_buf_putf(b, "%" PRId64, safer__col_int64(s, col));
    } else if (kind == 'R') {
        char num[32];
        fmt_real(safer__col_double(s, col), num);
        safer_buf_puts(b, num);
    } else {
        size_t n;
        const char *v = safer__col_textn(s, col, &n);
        if (kind == 'L') {
            struct safer_buf t;
            safer_buf_init(&t, SAFER_LIMIT_BLOB);
            for (size_t i = 0; i < n; i++)
                safer_buf_put(&t, v[i] == '\n' ? ";" : &v[i], 1);
            safer_csv_put_text(b, t.ptr, t.len);
            safer_buf_release(&t);
        } else {
            safer_csv_put_text(b, v, n);
        }
    }
}

static int csv_table(struct safer_store *st, const struct table *t, int64_t pid,
                     struct safer_buf *b, struct safer_err *err)
{
    safer_buf_puts(b, t->cols);
    safer_buf_puts(b, "\r\n");
    struct safer__stmt *s;
    int rc = query(st, t, pid, 0, &s, err);
    if (rc < 0)
        return rc;
    int ncol = (int)strlen(t->kinds);
    while ((rc = safer__step(s, err)) == 1) {
        for (int c = 0; c < ncol; c++) {
            if (c)
                safer_buf_puts(b, ",");
            csv_value(b, s, c + 1, t->kinds[c]);
        }
        safer_buf_puts(b, "\r\n");
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer_exchange_export_csv(struct safer_store *st, const struct safer_actor *actor,
                              int64_t now, struct safer_output *out, struct safer_err *err)
{
    int rc = begin(st, actor, now, err);
    if (rc < 0)
        return rc;
    struct safer_buf b;
    safer_buf_init(&b, SAFER_LIMIT_BLOB);
    for (int t = 0; rc == 0 && t < T_COUNT; t++) {
        rc = csv_table(st, &TABLES[t], actor->partnership_id, &b, err);
        if (rc == 0)
            rc = safer_output_add(out, TABLES[t].file, &b, err);
    }
    safer_buf_release(&b);
    return finish(st, rc, err);
}

/* ---- JSON ---- */

static void json_key(struct safer_buf *b, const char *k, size_t n)
{
    safer__json_quote(b, k, n);
    safer_buf_puts(b, ":");
}

static void json_value(struct safer_buf *b, struct safer__stmt *s, int col, char kind)
{
    if (safer__col_is_null(s, col)) {
        safer_buf_puts(b, "null");
    } else if (kind == 'I') {
        safer_buf_putf(b, "%" PRId64, safer__col_int64(s, col));
    } else if (kind == 'R') {
        char num[32];
        fmt_real(safer__col_double(s, col), num);
        safer_buf_puts(b, num);
    } else if (kind == 'L') {
        size_t n;
        const char *v = safer__col_textn(s, col, &n);
        safer_buf_puts(b, "[");
        for (size_t i = 0, from = 0; n && i <= n; i++) {
            if (i == n || v[i] == '\n') {
                if (from)
                    safer_buf_puts(b, ",");
                safer__json_quote(b, v + from, i - from);
                from = i + 1;
            }
        }
        safer_buf_puts(b, "]");
    } else {
        size_t n;
        const char *v = safer__col_textn(s, col, &n);
        safer__json_quote(b, v, n);
    }
}

static int json_rows(struct safer_store *st, int t, int64_t pid, int64_t parent,
                     struct safer_buf *b, struct safer_err *err);

/* The members of one row: its columns, then its children's arrays. */
static int json_row(struct safer_store *st, int t, int64_t pid, struct safer__stmt *s,
                    struct safer_buf *b, struct safer_err *err)
{
    const struct table *tb = &TABLES[t];
    const char *name = tb->cols;
    bool first = true;
    for (int c = 0; tb->kinds[c]; c++) {
        const char *end = strchr(name, ',');
        size_t n = end ? (size_t)(end - name) : strlen(name);
        if (c >= tb->skip) {
            if (!first)
                safer_buf_puts(b, ",");
            first = false;
            json_key(b, name, n);
            json_value(b, s, c + 1, tb->kinds[c]);
        }
        name += n + (end ? 1 : 0);
    }
    int64_t id = safer__col_int64(s, 0);
    int rc = 0;
    for (int k = 0; rc == 0 && k < T_COUNT; k++) {
        if (TABLES[k].parent != t)
            continue;
        safer_buf_puts(b, ",");
        json_key(b, TABLES[k].json, strlen(TABLES[k].json));
        rc = json_rows(st, k, pid, id, b, err);
    }
    return rc;
}

/* An array of the rows of table `t` (of one parent). */
static int json_rows(struct safer_store *st, int t, int64_t pid, int64_t parent,
                     struct safer_buf *b, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = query(st, &TABLES[t], pid, parent, &s, err);
    if (rc < 0)
        return rc;
    safer_buf_puts(b, "[");
    bool first = true;
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        safer_buf_puts(b, first ? "{" : ",{");
        first = false;
        rc = json_row(st, t, pid, s, b, err);
        safer_buf_puts(b, "}");
    }
    safer__stmt_finalize(s);
    safer_buf_puts(b, "]");
    return rc;
}

int safer_exchange_export_json(struct safer_store *st, const struct safer_actor *actor,
                               int64_t now, struct safer_buf *b, struct safer_err *err)
{
    int rc = begin(st, actor, now, err);
    if (rc < 0)
        return rc;
    int64_t pid = actor->partnership_id;
    struct safer__stmt *s;
    rc = query(st, &TABLES[T_PARTNERSHIP], pid, 0, &s, err);
    if (rc == 0) {
        safer_buf_puts(b, "{\"format\":\"safer-partnership\",\"version\":1,\"partnership\":{");
        rc = safer__step(s, err);
        if (rc == 0)
            rc = safer_err_set(err, SAFER_ENOTFOUND, "no partnership %" PRId64, pid);
        if (rc == 1)
            rc = json_row(st, T_PARTNERSHIP, pid, s, b, err);
        safer__stmt_finalize(s);
    }
    /* The partnership's own record kinds, each an array member. */
    for (int t = 0; rc == 0 && t < T_COUNT; t++) {
        if (t == T_PARTNERSHIP || TABLES[t].parent >= 0)
            continue;
        safer_buf_puts(b, ",");
        json_key(b, TABLES[t].json, strlen(TABLES[t].json));
        rc = json_rows(st, t, pid, 0, b, err);
    }
    safer_buf_puts(b, "}}\n");
    if (rc == 0)
        rc = safer_buf_error(b) ? safer_err_set(err, safer_buf_error(b), "the export is too large")
                                : 0;
    return finish(st, rc, err);
}
