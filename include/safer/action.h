/*
 * action.h - the partnership's actions: what its sub-groups said they would
 * do, who leads each, by when, and how it is going (docs/workspace.md).
 *
 * An action belongs to one partnership and, by key, to one of its plan's
 * priorities and one of its groups (keys outlive a re-import of the plan).
 * Its status is one of safer_action_statuses; progress is 0 to 100 per
 * cent. Updates are dated notes that may move the status and progress;
 * they are never edited or removed, so the history is the list of updates
 * plus the audit log's before and after of every change.
 *
 * Access (auth.h): reading needs SAFER_PERM_VIEW_PLAN; adding and changing
 * an action SAFER_PERM_EDIT_PLAN; posting an update SAFER_PERM_UPDATE_ACTION,
 * or SAFER_PERM_UPDATE_OWN_ACTION on an action the actor leads. Each call
 * re-reads the actor's role inside its transaction and writes the audit row
 * (or the refusal) there. An action of another partnership is
 * SAFER_ENOTFOUND, never SAFER_EDENIED: its existence does not leak.
 */
#ifndef SAFER_ACTION_H
#define SAFER_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/arena.h"
#include "safer/error.h"

/* "not-started", "on-track", "at-risk", "off-track", "complete",
 * "withdrawn"; NULL-terminated. */
extern const char *const safer_action_statuses[];
/* The words a page shows for each: "Not started", "On track"... */
const char *safer_action_status_label(const char *status);

/* Limits on what a form may hold. */
#define SAFER_ACTION_TITLE_MAX 300
#define SAFER_ACTION_TEXT_MAX 10000

/* What a person fills in. Dates are "YYYY-MM-DD" or NULL/"" for none. */
struct safer_action_fields {
    const char *title;
    const char *description;
    const char *priority_key; /* a priority of the partnership's plan, or NULL */
    const char *group_key;    /* a group of the partnership's plan, or NULL */
    const char *lead_org;     /* an organisation's name, or NULL */
    int64_t lead_user_id;     /* a person of the partnership, or 0 */
    const char *start_date, *due_date;
    const char *status;       /* NULL on add: "not-started" */
};

/* One field a form got wrong: which, and what to say next to it. */
struct safer_field_error {
    const char *field;   /* the form's name for it: "title", "due_date" */
    char message[200];   /* "Enter a title", "Due date must be a real date" */
};
#define SAFER_FIELD_ERRORS_MAX 16
struct safer_field_errors {
    struct safer_field_error e[SAFER_FIELD_ERRORS_MAX];
    size_t n;
};

struct safer_action {
    int64_t id;
    const char *title, *description;
    const char *priority_key, *priority_title; /* titles from the plan, or NULL */
    const char *group_key, *group_name;
    const char *lead_org, *lead_name, *lead_email; /* or NULL */
    int64_t lead_user_id;
    const char *start_date, *due_date; /* or NULL */
    const char *status;
    int progress;
    int64_t days_overdue; /* > 0 when due before today and not complete or withdrawn */
    int64_t version;
    const char *updated_at;
};

struct safer_action_update {
    int64_t id;
    const char *at;      /* when it was written, UTC */
    const char *on_date; /* the day it is about, "YYYY-MM-DD" */
    const char *author;  /* name, or "operator" */
    const char *status;
    int progress;
    const char *note;
};

/* A filter for lists; zero for everything. */
struct safer_action_query {
    const char *priority_key, *group_key;
    int64_t lead_user_id; /* 0: anyone */
    bool due_only;        /* only those due within 30 days or overdue, not finished */
};

/*
 * Add an action. A form's mistakes go into `fe` (every one, in the form's
 * order) with SAFER_EINVAL, and nothing is saved. `today` is "YYYY-MM-DD".
 */
int safer_action_add(struct safer_store *st, const struct safer_actor *actor,
                     const struct safer_action_fields *f, int64_t now, int64_t *id,
                     struct safer_field_errors *fe, struct safer_err *err);

/* Change an action's fields. `version` is the version the form was built
 * from: SAFER_ECONFLICT when someone changed it since. */
int safer_action_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                        int64_t version, const struct safer_action_fields *f, int64_t now,
                        struct safer_field_errors *fe, struct safer_err *err);

/* Post a dated update: a note (required), and the status and progress it
 * leaves the action at. */
int safer_action_post_update(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                             const char *on_date, const char *status, const char *progress,
                             const char *note, int64_t now, struct safer_field_errors *fe,
                             struct safer_err *err);

/* One action and its updates, newest first; strings live in `arena`. */
int safer_action_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                     int64_t now, struct safer_arena *arena, struct safer_action *out,
                     struct safer_action_update **updates, size_t *nupdates,
                     struct safer_err *err);

/* The partnership's actions matching `q`, by due date (none last), then id. */
int safer_action_list(struct safer_store *st, const struct safer_actor *actor,
                      const struct safer_action_query *q, int64_t now, struct safer_arena *arena,
                      struct safer_action **out, size_t *n, struct safer_err *err);

/* ---- summaries, for the executive's and the scrutiny committee's packs
 * (pack.h) ---- */

#define SAFER_ACTION_NSTATUS 6 /* entries of safer_action_statuses */

/* The actions of one priority, counted by status. */
struct safer_action_count {
    const char *priority_key;                /* NULL: actions of no priority */
    size_t by_status[SAFER_ACTION_NSTATUS]; /* in safer_action_statuses' order */
    size_t overdue;                          /* due before today, not finished */
    size_t total;
};

/*
 * The partnership's actions counted by priority and status: a row per
 * priority key that has actions, by key, then one with a NULL key for the
 * actions of none. Counts of the partnership's own actions name no one and
 * count no one, so SAFER_PERM_VIEW_AGGREGATE is enough and nothing is
 * suppressed (docs/workspace.md, Packs). One read transaction.
 */
int safer_action_counts(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                        struct safer_arena *arena, struct safer_action_count **out, size_t *n,
                        struct safer_err *err);

/* An update with the action it is about. */
struct safer_action_recent {
    int64_t action_id;
    const char *action_title, *priority_key; /* the key, or NULL */
    struct safer_action_update update;
};

/*
 * The updates of the partnership's actions whose day (on_date) is `since`
 * ("YYYY-MM-DD") or later, newest day first. SAFER_PERM_VIEW_PLAN (they
 * name their authors); SAFER_EINVAL when `since` is not a date.
 */
int safer_action_updates_since(struct safer_store *st, const struct safer_actor *actor,
                               const char *since, int64_t now, struct safer_arena *arena,
                               struct safer_action_recent **out, size_t *n,
                               struct safer_err *err);

#endif
