/*
 * store_action_summary.c - what the packs (pack.h) read of the actions
 * besides safer_action_list(): the actions counted by priority and status,
 * and the updates since a day (action.h, "summaries").
 *
 * Each call is one read transaction holding its access decision, as in
 * store_action.c; a refusal rolls back and is audited as "denied" in a
 * transaction of its own. The counts name no person, so a role that may
 * see aggregates (an elected member) may have them; the updates name their
 * authors and need view-plan.
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/action.h"
#include "store/store_impl.h"
#include "util/internal.h"

/* 0 when `actor` may `perm`; a refusal rolled back and audited; or the
 * store's error (rolled back). */
static int decide(struct safer_store *st, const struct safer_actor *actor, enum safer_perm perm,
                  int64_t now, struct safer_err *err)
{
    struct safer_err scratch = {0};
    int rc = safer__access(st, actor, perm, NULL, &scratch);
    if (rc == 0)
        return 0;
    safer__store_rollback(st);
    if (rc != SAFER_EDENIED)
        return safer_err_set(err, rc, "%s", scratch.msg);
    return safer__audit_denied(st, actor, perm, "action", NULL, now, err);
}

/* Today (UTC) of unix time `now`, "YYYY-MM-DD". */
static void today_of(int64_t now, char out[11])
{
    time_t t = (time_t)now;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        memcpy(out, "1970-01-01", 11);
}

/* Is `s` a real day "YYYY-MM-DD"? */
static bool is_day(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    }
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m != 2 || d < 29 || leap;
}

static int status_of(const char *status)
{
    for (int k = 0; k < SAFER_ACTION_NSTATUS; k++) {
        if (status && strcmp(status, safer_action_statuses[k]) == 0)
            return k;
    }
    return -1;
}

/* The end of a read: commit, or roll back on an error. On success the
 * `k` rows of `v` (each `size` bytes, malloc'd) are copied into `arena`
 * into *copy (NULL when none); `v` is freed either way. */
static int finish(struct safer_store *st, int rc, struct safer_arena *arena, void *v, size_t k,
                  size_t size, void **copy, struct safer_err *err)
{
    *copy = NULL;
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
    } else if (k) {
        *copy = safer_arena_alloc(arena, size * k);
        memcpy(*copy, v, size * k);
    }
    free(v);
    return rc;
}

int safer_action_counts(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                        struct safer_arena *arena, struct safer_action_count **out, size_t *n,
                        struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = decide(st, actor, SAFER_PERM_VIEW_AGGREGATE, now, err);
    if (rc < 0)
        return rc;
    char today[11];
    today_of(now, today);
    /* Keys in order with the actions of none last; a row per key, status. */
    struct safer__stmt *s;
    rc = safer__prep(st,
                     "SELECT priority_key, status, COUNT(*),"
                     " SUM(CASE WHEN due_date IS NOT NULL AND due_date < ?2"
                     " AND status NOT IN ('complete', 'withdrawn') THEN 1 ELSE 0 END)"
                     " FROM action WHERE partnership_id = ?1"
                     " GROUP BY priority_key, status"
                     " ORDER BY priority_key IS NULL, priority_key, status",
                     &s, err);
    struct safer_action_count *v = NULL;
    size_t cap = 0, k = 0;
    if (rc == 0) {
        safer__bind_int64(s, 1, actor->partnership_id);
        safer__bind_text(s, 2, today);
        while ((rc = safer__step(s, err)) == 1) {
            const char *key = safer__col_text(s, 0);
            struct safer_action_count *c = k ? &v[k - 1] : NULL;
            bool same = c && ((!key && !c->priority_key) ||
                              (key && c->priority_key && strcmp(key, c->priority_key) == 0));
            if (!same) {
                SAFER__GROW(v, cap, k + 1);
                c = &v[k++];
                memset(c, 0, sizeof(*c));
                c->priority_key = key ? safer_arena_strdup(arena, key) : NULL;
            }
            int at = status_of(safer__col_text(s, 1));
            size_t count = (size_t)safer__col_int64(s, 2);
            if (at >= 0)
                c->by_status[at] += count;
            c->total += count;
            c->overdue += (size_t)safer__col_int64(s, 3);
        }
        safer__stmt_finalize(s);
    }
    void *copy;
    rc = finish(st, rc, arena, v, k, sizeof(*v), &copy, err);
    if (rc == 0) {
        *out = copy;
        *n = k;
    }
    return rc;
}

static const char *dup(struct safer_arena *a, struct safer__stmt *s, int col)
{
    const char *t = safer__col_text(s, col);
    return t ? safer_arena_strdup(a, t) : NULL;
}

int safer_action_updates_since(struct safer_store *st, const struct safer_actor *actor,
                               const char *since, int64_t now, struct safer_arena *arena,
                               struct safer_action_recent **out, size_t *n,
                               struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    if (!is_day(since))
        return safer_err_set(err, SAFER_EINVAL, "since: '%s' is not a day (YYYY-MM-DD)",
                             since ? since : "");
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = decide(st, actor, SAFER_PERM_VIEW_PLAN, now, err);
    if (rc < 0)
        return rc;
    struct safer__stmt *s;
    rc = safer__prep(st,
                     "SELECT a.id, a.title, a.priority_key, u.id, u.at, u.on_date,"
                     " COALESCE(p.name, 'operator'), u.status, u.progress, u.note"
                     " FROM action_update u JOIN action a ON a.id = u.action_id"
                     " LEFT JOIN app_user p ON p.id = u.author_id"
                     " WHERE a.partnership_id = ?1 AND u.on_date >= ?2"
                     " ORDER BY u.on_date DESC, u.id DESC",
                     &s, err);
    struct safer_action_recent *v = NULL;
    size_t cap = 0, k = 0;
    if (rc == 0) {
        safer__bind_int64(s, 1, actor->partnership_id);
        safer__bind_text(s, 2, since);
        while ((rc = safer__step(s, err)) == 1) {
            SAFER__GROW(v, cap, k + 1);
            struct safer_action_recent *r = &v[k++];
            memset(r, 0, sizeof(*r));
            r->action_id = safer__col_int64(s, 0);
            r->action_title = dup(arena, s, 1);
            r->priority_key = dup(arena, s, 2);
            r->update.id = safer__col_int64(s, 3);
            r->update.at = dup(arena, s, 4);
            r->update.on_date = dup(arena, s, 5);
            r->update.author = dup(arena, s, 6);
            r->update.status = dup(arena, s, 7);
            r->update.progress = (int)safer__col_int64(s, 8);
            r->update.note = dup(arena, s, 9);
        }
        safer__stmt_finalize(s);
    }
    void *copy;
    rc = finish(st, rc, arena, v, k, sizeof(*v), &copy, err);
    if (rc == 0) {
        *out = copy;
        *n = k;
    }
    return rc;
}
