/*
 * store_funding.c - the partnership's grants and the actions they pay for
 * (funding.h; the tables funding and funding_action of schema version 5).
 *
 * Every call is one transaction: the access decision, the reads, the
 * change and its audit row commit or roll back together; a refusal rolls
 * back and is logged in a transaction of its own. A change's audit row
 * holds `before` and `after`, flat JSON objects of the fields that changed
 * with the form's names (funder, scheme, amount and spent in pence,
 * period_from, period_to, priority_key, status, delivered, and actions:
 * the ids it pays for, "3,7,12"); an addition has no before.
 *
 * Money is whole pence from end to end: a form's text is read by
 * safer_money_parse, never through a double, so £0.10 + £0.20 is 30p.
 */
#include "util/compat.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/funding.h"
#include "store/store_form.h"
#include "util/internal.h"

/* ---- money ---- */

int safer_money_parse(const char *s, int64_t *pence)
{
    if (!s)
        return SAFER_EINVAL;
    const char *p = s;
    while (*p == ' ')
        p++;
    if (strncmp(p, "\xC2\xA3", 2) == 0) /* £ in UTF-8 */
        p += 2;
    if (*p < '0' || *p > '9')
        return SAFER_EINVAL;
    /* Pounds: digits, with commas between groups of three or none. */
    int64_t pounds = 0;
    const int64_t max = SAFER_MONEY_MAX / 100;
    bool commas = false, big = false;
    size_t group = 0; /* digits since the last comma or the start */
    for (; (*p >= '0' && *p <= '9') || *p == ','; p++) {
        if (*p == ',') {
            if (group == 0 || (commas ? group != 3 : group > 3) || p[1] < '0' || p[1] > '9')
                return SAFER_EINVAL;
            commas = true;
            group = 0;
            continue;
        }
        group++;
        if (pounds > max)
            big = true;
        else
            pounds = pounds * 10 + (*p - '0');
    }
    if (commas && group != 3)
        return SAFER_EINVAL;
    int64_t pp = 0;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return SAFER_EINVAL;
        pp = (*p++ - '0') * 10;
        if (*p >= '0' && *p <= '9')
            pp += *p++ - '0';
    }
    while (*p == ' ')
        p++;
    if (*p)
        return SAFER_EINVAL;
    if (big || pounds > max || pounds * 100 + pp > SAFER_MONEY_MAX)
        return SAFER_ETOOBIG;
    *pence = pounds * 100 + pp;
    return 0;
}

void safer_money_format(int64_t pence, char out[SAFER_MONEY_TEXT])
{
    uint64_t v = pence < 0 ? (uint64_t)0 - (uint64_t)pence : (uint64_t)pence;
    char digits[24];
    int n = snprintf(digits, sizeof(digits), "%" PRIu64, v / 100);
    size_t at = 0;
    if (pence < 0)
        out[at++] = '-';
    memcpy(out + at, "\xC2\xA3", 2);
    at += 2;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[at++] = ',';
        out[at++] = digits[i];
    }
    snprintf(out + at, SAFER_MONEY_TEXT - at, ".%02u", (unsigned)(v % 100));
}

/* ---- statuses ---- */

const char *const safer_funding_statuses[] = {"applied", "awarded", "declined", "closed", NULL};
static const char *const STATUS_LABELS[] = {"Applied for", "Awarded", "Declined", "Closed"};

static int status_index(const char *status)
{
    for (int i = 0; status && safer_funding_statuses[i]; i++) {
        if (strcmp(safer_funding_statuses[i], status) == 0)
            return i;
    }
    return -1;
}

const char *safer_funding_status_label(const char *status)
{
    int i = status_index(status);
    return i >= 0 ? STATUS_LABELS[i] : status;
}

/* Money the partnership has: awarded, or spent and closed. */
static bool counted(const char *status)
{
    return status && (strcmp(status, "awarded") == 0 || strcmp(status, "closed") == 0);
}

/* ---- checking a form ---- */

struct clean {
    const char *funder, *scheme;
    int64_t amount, spent;
    const char *period_from, *period_to, *priority_key, *status, *delivered;
    const char *actions; /* the ids, ascending, "3,7,12"; "" for none */
    int64_t *ids;
    size_t nids;
};

/* A money field: `required` or empty for 0; a mistake names the field. */
static void money_field(struct safer_arena *a, struct safer_field_errors *fe, const char *field,
                        const char *label, const char *v, bool required, int64_t *out)
{
    *out = 0;
    const char *t = safer__trimmed(a, v);
    if (!t) {
        if (required)
            safer__fe_add(fe, field, "Enter the %s", strcmp(field, "amount") == 0
                                                          ? "amount of the grant"
                                                          : "amount spent");
        return;
    }
    int rc = safer_money_parse(t, out);
    const char *q = t;
    if (strncmp(q, "\xC2\xA3", 2) == 0)
        q += 2;
    if (rc < 0 && *q == '-')
        safer__fe_add(fe, field, "%s may not be negative", label);
    else if (rc == SAFER_ETOOBIG)
        safer__fe_add(fe, field, "%s must be £1,000,000,000.00 or less", label);
    else if (rc < 0)
        safer__fe_add(fe, field, "%s must be an amount of money, like £12,500 or 12500.50", label);
}

static int cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* 1 when `sql` (?1 the partnership, ?2 the text or id) finds a row. */
static int found(struct safer_store *st, const char *sql, int64_t pid, const char *text,
                 int64_t id, struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    if (text)
        safer__bind_text(s, 2, text);
    else
        safer__bind_int64(s, 2, id);
    rc = safer__step(s, err);
    safer__stmt_finalize(s);
    return rc;
}

static int check_fields(struct safer_store *st, int64_t pid, int64_t id, const void *fields,
                        struct safer_arena *a, void *clean, struct safer_field_errors *fe,
                        struct safer_err *err)
{
    const struct safer_funding_fields *f = fields;
    struct clean *c = clean;
    bool adding = id == 0;
    memset(c, 0, sizeof(*c));
    c->funder = safer__text_field(a, fe, "funder", "Funder", f->funder, true,
                                  "Enter who gives the grant", SAFER_FUNDING_NAME_MAX, false);
    c->scheme = safer__text_field(a, fe, "scheme", "Scheme", f->scheme, false, NULL,
                                  SAFER_FUNDING_NAME_MAX, false);
    size_t before = fe->n;
    money_field(a, fe, "amount", "Amount", f->amount, true, &c->amount);
    if (fe->n == before && c->amount == 0)
        safer__fe_add(fe, "amount", "Amount must be more than £0");
    money_field(a, fe, "spent", "Spend", f->spent, false, &c->spent);
    int64_t from = 0, to = 0;
    const char *tf = safer__trimmed(a, f->period_from), *tt = safer__trimmed(a, f->period_to);
    c->period_from = safer__date_field(a, fe, "period_from", "Start of the period", tf, &from);
    if (!tf)
        safer__fe_add(fe, "period_from", "Enter the start of the period");
    c->period_to = safer__date_field(a, fe, "period_to", "End of the period", tt, &to);
    if (!tt)
        safer__fe_add(fe, "period_to", "Enter the end of the period");
    if (c->period_from && c->period_to && to < from)
        safer__fe_add(fe, "period_to",
                      "The end of the period must be the same as or after its start");
    c->status = safer__trimmed(a, f->status);
    if (!c->status && adding)
        c->status = "applied";
    else if (status_index(c->status) < 0)
        safer__fe_add(fe, "status", "Choose a status");
    int rc = 0;
    c->priority_key = safer__trimmed(a, f->priority_key);
    if (c->priority_key) {
        rc = found(st,
                   "SELECT 1 FROM plan_priority r JOIN partnership_plan l ON l.id = r.plan_id"
                   " WHERE l.partnership_id = ? AND r.key = ?",
                   pid, c->priority_key, 0, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            safer__fe_add(fe, "priority_key", "Choose a priority of the partnership's plan");
    }

    /* The actions: each once, each the partnership's. */
    if (f->nactions > SAFER_FUNDING_ACTIONS_MAX) {
        safer__fe_add(fe, "actions", "Choose %d actions or fewer", SAFER_FUNDING_ACTIONS_MAX);
    } else {
        c->ids = safer_arena_alloc(a, sizeof(int64_t) * (f->nactions + 1));
        for (size_t i = 0; i < f->nactions; i++)
            c->ids[i] = f->action_ids[i];
        qsort(c->ids, f->nactions, sizeof(int64_t), cmp_id);
        bool bad = false;
        for (size_t i = 0; i < f->nactions; i++) {
            if (c->nids && c->ids[c->nids - 1] == c->ids[i])
                continue;
            c->ids[c->nids++] = c->ids[i];
            rc = c->ids[i] > 0 ? found(st, "SELECT 1 FROM action WHERE partnership_id = ? AND id = ?",
                                       pid, NULL, c->ids[i], err)
                               : 0;
            if (rc < 0)
                return rc;
            bad |= rc == 0;
        }
        if (bad)
            safer__fe_add(fe, "actions", "Choose actions of the partnership's plan");
    }
    char *list = safer_arena_alloc(a, c->nids * 21 + 1);
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < c->nids; i++)
        len += (size_t)snprintf(list + len, 22, "%s%" PRId64, i ? "," : "", c->ids[i]);
    c->actions = list;
    c->delivered = safer__text_field(a, fe, "delivered", "What it delivered", f->delivered, false,
                                     NULL, SAFER_FUNDING_TEXT_MAX, true);
    return 0;
}

/* ---- reading ---- */

#define FUND_COLUMNS                                                                           \
    "SELECT f.id, f.funder, f.scheme, f.amount, f.spent, f.period_from, f.period_to,"         \
    " f.priority_key,"                                                                         \
    " (SELECT r.title FROM plan_priority r JOIN partnership_plan l ON l.id = r.plan_id"       \
    "  WHERE l.partnership_id = f.partnership_id AND r.key = f.priority_key"                  \
    "  ORDER BY l.id DESC LIMIT 1),"                                                           \
    " f.status, f.delivered, f.version, f.updated_at,"                                         \
    " (SELECT r.seq FROM plan_priority r JOIN partnership_plan l ON l.id = r.plan_id"         \
    "  WHERE l.partnership_id = f.partnership_id AND r.key = f.priority_key"                  \
    "  ORDER BY l.id DESC LIMIT 1)"                                                            \
    " FROM funding f WHERE f.partnership_id = ?1"

static const char *dup(struct safer_arena *a, struct safer__stmt *s, int col)
{
    const char *t = safer__col_text(s, col);
    return t ? safer_arena_strdup(a, t) : NULL;
}

/* One grant's row; *seq gets its priority's place in the plan (-1: none). */
static void read_row(struct safer__stmt *s, struct safer_arena *a, struct safer_funding *x,
                     int64_t *seq)
{
    memset(x, 0, sizeof(*x));
    x->id = safer__col_int64(s, 0);
    x->funder = dup(a, s, 1);
    x->scheme = dup(a, s, 2);
    x->amount = safer__col_int64(s, 3);
    x->spent = safer__col_int64(s, 4);
    x->remaining = x->amount - x->spent;
    x->period_from = dup(a, s, 5);
    x->period_to = dup(a, s, 6);
    x->priority_key = dup(a, s, 7);
    x->priority_title = dup(a, s, 8);
    x->status = dup(a, s, 9);
    x->delivered = dup(a, s, 10);
    x->version = safer__col_int64(s, 11);
    x->updated_at = dup(a, s, 12);
    *seq = safer__col_is_null(s, 13) ? -1 : safer__col_int64(s, 13);
}

/* The actions grant `x` pays for, by title. */
static int read_actions(struct safer_store *st, struct safer_arena *a, struct safer_funding *x,
                        struct safer_err *err)
{
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT a.id, a.title, a.status FROM funding_action j"
                         " JOIN action a ON a.id = j.action_id WHERE j.funding_id = ?"
                         " ORDER BY a.title, a.id",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, x->id);
    struct safer_funding_action *v = NULL;
    size_t cap = 0, n = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, n + 1);
        v[n].id = safer__col_int64(s, 0);
        v[n].title = dup(a, s, 1);
        v[n].status = dup(a, s, 2);
        n++;
    }
    safer__stmt_finalize(s);
    if (rc == 0 && n) {
        x->actions = safer_arena_alloc(a, sizeof(*v) * n);
        memcpy(x->actions, v, sizeof(*v) * n);
        x->nactions = n;
    }
    free(v);
    return rc;
}

/* The grants of `sql` with their actions; seqs (may be NULL) in `a`. */
static int read_rows(struct safer_store *st, const char *sql, int64_t pid, int64_t id,
                     struct safer_arena *a, struct safer_funding **out, int64_t **seqs, size_t *n,
                     struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, pid);
    if (id)
        safer__bind_int64(s, 2, id);
    struct safer_funding *v = NULL;
    int64_t *q = NULL;
    size_t cap = 0, qcap = 0, k = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, k + 1);
        SAFER__GROW(q, qcap, k + 1);
        read_row(s, a, &v[k], &q[k]);
        k++;
    }
    safer__stmt_finalize(s);
    for (size_t i = 0; rc == 0 && i < k; i++)
        rc = read_actions(st, a, &v[i], err);
    if (rc == 0 && k) {
        *out = safer_arena_alloc(a, sizeof(*v) * k);
        memcpy(*out, v, sizeof(*v) * k);
        if (seqs) {
            *seqs = safer_arena_alloc(a, sizeof(*q) * k);
            memcpy(*seqs, q, sizeof(*q) * k);
        }
        *n = k;
    }
    free(v);
    free(q);
    return rc;
}

int safer_funding_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                      int64_t now, struct safer_arena *arena, struct safer_funding *out,
                      struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_AGGREGATE, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_VIEW_AGGREGATE, "funding", id, now, err);
    struct safer_funding *v = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = read_rows(st, FUND_COLUMNS " AND f.id = ?2", actor->partnership_id, id, arena, &v,
                       NULL, &n, err);
    if (rc == 0 && n == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no grant %" PRId64 " in this partnership", id);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        return rc;
    }
    *out = v[0];
    return 0;
}

/* Totals of grants `v` (seqs[i]: the place of v[i]'s priority, -1 none). */
static void total(const struct safer_funding *v, const int64_t *seqs, size_t n,
                  struct safer_arena *a, struct safer_funding_totals *t)
{
    memset(t, 0, sizeof(*t));
    /* At most one entry a priority, plus one for none. */
    struct safer_funding_priority *bp = safer_arena_alloc(a, sizeof(*bp) * (n + 1));
    int64_t *bseq = safer_arena_alloc(a, sizeof(int64_t) * (n + 1));
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        const struct safer_funding *x = &v[i];
        if (strcmp(x->status, "applied") == 0) {
            t->applied += x->amount;
            t->applications++;
        }
        if (!counted(x->status))
            continue;
        t->amount += x->amount;
        t->spent += x->spent;
        t->grants++;
        size_t k = 0;
        while (k < nb && !((bp[k].key == NULL && x->priority_key == NULL) ||
                           (bp[k].key && x->priority_key && strcmp(bp[k].key, x->priority_key) == 0)))
            k++;
        if (k == nb) {
            memset(&bp[nb], 0, sizeof(bp[nb]));
            bp[nb].key = x->priority_key;
            bp[nb].title = x->priority_title;
            bseq[nb] = x->priority_key ? (seqs[i] >= 0 ? seqs[i] : INT64_MAX - 1) : INT64_MAX;
            nb++;
        }
        bp[k].amount += x->amount;
        bp[k].spent += x->spent;
        bp[k].grants++;
    }
    t->remaining = t->amount - t->spent;
    /* In the plan's order, a priority the plan no longer names after them,
     * none last: an insertion sort of a handful. */
    for (size_t i = 1; i < nb; i++) {
        for (size_t k = i; k > 0 && bseq[k - 1] > bseq[k]; k--) {
            struct safer_funding_priority tp = bp[k];
            bp[k] = bp[k - 1];
            bp[k - 1] = tp;
            int64_t ts = bseq[k];
            bseq[k] = bseq[k - 1];
            bseq[k - 1] = ts;
        }
    }
    t->by_priority = bp;
    t->npriorities = nb;
}

int safer_funding_list(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                       struct safer_arena *arena, struct safer_funding **out, size_t *n,
                       struct safer_funding_totals *totals, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    if (totals)
        memset(totals, 0, sizeof(*totals));
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = safer__may(st, actor, SAFER_PERM_VIEW_AGGREGATE, NULL, err);
    if (rc == SAFER_EDENIED)
        return safer__refuse(st, actor, SAFER_PERM_VIEW_AGGREGATE, "funding", 0, now, err);
    int64_t *seqs = NULL;
    if (rc == 0)
        rc = read_rows(st, FUND_COLUMNS " ORDER BY f.period_to DESC, f.period_from DESC, f.funder,"
                                        " f.id",
                       actor->partnership_id, 0, arena, out, &seqs, n, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        *out = NULL;
        *n = 0;
        return rc;
    }
    if (totals)
        total(*out, seqs, *n, arena, totals);
    return 0;
}

/* ---- writing ---- */

/* The stored fields of grant `id` of `pid`, as check_fields gives. */
static int read_stored(struct safer_store *st, int64_t pid, int64_t id, struct safer_arena *a,
                       void *clean, int64_t *version, struct safer_err *err)
{
    struct clean *out = clean;
    memset(out, 0, sizeof(*out));
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT funder, scheme, amount, spent, period_from, period_to,"
                         " priority_key, status, delivered, version FROM funding"
                         " WHERE id = ? AND partnership_id = ?",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    safer__bind_int64(s, 2, pid);
    rc = safer__step(s, err);
    if (rc == 1) {
        out->funder = dup(a, s, 0);
        out->scheme = dup(a, s, 1);
        out->amount = safer__col_int64(s, 2);
        out->spent = safer__col_int64(s, 3);
        out->period_from = dup(a, s, 4);
        out->period_to = dup(a, s, 5);
        out->priority_key = dup(a, s, 6);
        out->status = dup(a, s, 7);
        out->delivered = dup(a, s, 8);
        *version = safer__col_int64(s, 9);
        rc = 0;
    } else if (rc == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND, "no grant %" PRId64 " in this partnership", id);
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    /* Its actions, as the form's list would give them. */
    rc = safer__prep(st,
                     "SELECT action_id FROM funding_action WHERE funding_id = ?"
                     " ORDER BY action_id",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_int64(s, 1, id);
    struct safer_buf b;
    safer_buf_init(&b, SAFER_FUNDING_ACTIONS_MAX * 22 + 1);
    while ((rc = safer__step(s, err)) == 1)
        safer_buf_putf(&b, "%s%" PRId64, b.len ? "," : "", safer__col_int64(s, 0));
    safer__stmt_finalize(s);
    if (rc == 0 && safer_buf_error(&b) < 0)
        rc = safer_err_set(err, SAFER_ETOOBIG, "grant %" PRId64 " pays for too many actions", id);
    out->actions = safer_arena_strdup(a, b.ptr);
    safer_buf_release(&b);
    return rc;
}

static void diff(struct safer__jobj *before, struct safer__jobj *after, const void *old_,
                 const void *clean)
{
    const struct clean *old = old_, *c = clean;
    static const struct clean none = {.funder = NULL};
    const struct clean *o = old ? old : &none;
    safer__diff_str(before, after, "funder", o->funder, c->funder);
    safer__diff_str(before, after, "scheme", o->scheme, c->scheme);
    if (!old || o->amount != c->amount)
        safer__diff_int(before, after, "amount", o->amount, c->amount);
    if (!old || o->spent != c->spent)
        safer__diff_int(before, after, "spent", o->spent, c->spent);
    safer__diff_str(before, after, "period_from", o->period_from, c->period_from);
    safer__diff_str(before, after, "period_to", o->period_to, c->period_to);
    safer__diff_str(before, after, "priority_key", o->priority_key, c->priority_key);
    safer__diff_str(before, after, "status", o->status, c->status);
    safer__diff_str(before, after, "delivered", o->delivered, c->delivered);
    safer__diff_str(before, after, "actions", old ? o->actions : NULL, c->actions);
}

/* Bind the fields of a grant from parameter 1 to 9. */
static void bind_fields(struct safer__stmt *s, const struct clean *c)
{
    safer__bind_text(s, 1, c->funder);
    safer__bind_text(s, 2, c->scheme);
    safer__bind_int64(s, 3, c->amount);
    safer__bind_int64(s, 4, c->spent);
    safer__bind_text(s, 5, c->period_from);
    safer__bind_text(s, 6, c->period_to);
    safer__bind_text(s, 7, c->priority_key);
    safer__bind_text(s, 8, c->status);
    safer__bind_text(s, 9, c->delivered);
}

/* Replace the actions grant `id` pays for with c->ids. */
static int set_actions(struct safer_store *st, int64_t id, const struct clean *c,
                       struct safer_err *err)
{
    int rc = safer__run_id(st, "DELETE FROM funding_action WHERE funding_id = ?", id, err);
    struct safer__stmt *s = NULL;
    if (rc == 0 && c->nids)
        rc = safer__prep(st, "INSERT INTO funding_action(funding_id, action_id) VALUES(?, ?)", &s,
                         err);
    for (size_t i = 0; rc == 0 && i < c->nids; i++) {
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, id);
        safer__bind_int64(s, 2, c->ids[i]);
        rc = safer__step_done(s, err);
    }
    if (s)
        safer__stmt_finalize(s);
    return rc;
}

/* Insert (*id 0) or update grant *id at `version`, and its actions. */
static int write_row(struct safer_store *st, int64_t pid, int64_t *id, int64_t version,
                     const void *clean, const char *at, struct safer_err *err)
{
    const struct clean *c = clean;
    struct safer__stmt *s = NULL;
    int rc = safer__prep(st,
                         *id ? "UPDATE funding SET funder = ?1, scheme = ?2, amount = ?3,"
                               " spent = ?4, period_from = ?5, period_to = ?6,"
                               " priority_key = ?7, status = ?8, delivered = ?9,"
                               " version = version + 1, updated_at = ?10"
                               " WHERE partnership_id = ?11 AND id = ?12 AND version = ?13"
                             : "INSERT INTO funding(funder, scheme, amount, spent, period_from,"
                               " period_to, priority_key, status, delivered, updated_at,"
                               " created_at, partnership_id, version)"
                               " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, 1)"
                               " RETURNING id",
                         &s, err);
    if (rc < 0)
        return rc;
    bind_fields(s, c);
    safer__bind_text(s, 10, at);
    safer__bind_int64(s, 11, pid);
    if (*id) {
        safer__bind_int64(s, 12, *id);
        safer__bind_int64(s, 13, version);
        rc = safer__step_done(s, err);
    } else {
        rc = safer__insert_id(st, s, "the grant", id, err);
    }
    safer__stmt_finalize(s);
    if (rc == 0)
        rc = set_actions(st, *id, c, err);
    return rc;
}

static const struct safer__form_kind FUNDING = {
    .type = "funding",
    .noun = "grant",
    .form = "the grant's form",
    .orphan = "no partnership to add the grant to",
    .size = sizeof(struct clean),
    .check = check_fields,
    .read = read_stored,
    .diff = diff,
    .write = write_row,
};

int safer_funding_add(struct safer_store *st, const struct safer_actor *actor,
                      const struct safer_funding_fields *f, int64_t now, int64_t *id,
                      struct safer_field_errors *fe, struct safer_err *err)
{
    return safer__form_add(st, actor, &FUNDING, f, now, id, fe, err);
}

int safer_funding_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                         int64_t version, const struct safer_funding_fields *f, int64_t now,
                         struct safer_field_errors *fe, struct safer_err *err)
{
    return safer__form_change(st, actor, &FUNDING, id, version, f, now, fe, err);
}
