/*
 * funding.h - the partnership's grants: the Executive Group's community
 * safety fund, the Police and Crime Commissioner's grant, any other:
 * funder, scheme, amount and spend, period, the priority it serves, its
 * status, what it delivered, and the actions it pays for
 * (docs/workspace.md).
 *
 * Money is whole pence in an int64_t, never a double. Forms take "£12,500",
 * "12500.50" or "12,500.5" (safer_money_parse) and pages print "£12,500.00"
 * (safer_money_format). An amount is more than nothing and at most
 * SAFER_MONEY_MAX; spend is never negative; a period ends on or after its
 * start. Totals count the grants awarded or closed; applications are
 * totalled on their own, declined ones not at all.
 *
 * Access (auth.h): grant totals are public documents of the partnership,
 * so reading needs SAFER_PERM_VIEW_AGGREGATE, and the actions a grant
 * pays for are given by title and status only (no lead, no person);
 * adding and changing a grant needs SAFER_PERM_EDIT_PLAN. Each call
 * decides inside its transaction and writes the audit row (record type
 * "funding": "funding-add", "funding-change", or "denied") there. A stale
 * `version` is SAFER_ECONFLICT; another partnership's grant is
 * SAFER_ENOTFOUND.
 */
#ifndef SAFER_FUNDING_H
#define SAFER_FUNDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/action.h"
#include "safer/arena.h"
#include "safer/error.h"

/* £1,000,000,000 in pence: beyond any grant, far from overflow. */
#define SAFER_MONEY_MAX INT64_C(100000000000)
#define SAFER_MONEY_TEXT 32 /* bytes safer_money_format writes at most */

/*
 * Read an amount of money: an optional "£", digits with commas between
 * groups of three or none ("12,500" or "12500"), and optionally "." and
 * one or two digits of pence. Spaces around it are ignored. 0 with
 * *pence; SAFER_EINVAL for anything else, a sign included; SAFER_ETOOBIG
 * past SAFER_MONEY_MAX.
 */
int safer_money_parse(const char *s, int64_t *pence);

/* "£12,500.00" (and "-£5.00" for a negative amount) into `out`. */
void safer_money_format(int64_t pence, char out[SAFER_MONEY_TEXT]);

/* "applied", "awarded", "declined", "closed"; NULL-terminated. */
extern const char *const safer_funding_statuses[];
/* "Applied for", "Awarded", "Declined", "Closed". */
const char *safer_funding_status_label(const char *status);

#define SAFER_FUNDING_NAME_MAX 300
#define SAFER_FUNDING_TEXT_MAX 10000
#define SAFER_FUNDING_ACTIONS_MAX 200

/* What a person fills in: money and dates as typed. */
struct safer_funding_fields {
    const char *funder, *scheme;
    const char *amount, *spent; /* spent NULL or "": nothing yet */
    const char *period_from, *period_to;
    const char *priority_key; /* or NULL */
    const char *status;       /* NULL on add: "applied" */
    const char *delivered;    /* or NULL */
    const int64_t *action_ids; /* actions of the partnership it pays for */
    size_t nactions;
};

/* An action a grant pays for: aggregate-safe, so its title and status. */
struct safer_funding_action {
    int64_t id;
    const char *title, *status;
};

struct safer_funding {
    int64_t id;
    const char *funder, *scheme;
    int64_t amount, spent, remaining; /* pence; remaining < 0 when overspent */
    const char *period_from, *period_to;
    const char *priority_key, *priority_title; /* or NULL */
    const char *status, *delivered;
    struct safer_funding_action *actions; /* by title */
    size_t nactions;
    int64_t version;
    const char *updated_at;
};

/* Money by priority (key NULL: grants that name none). */
struct safer_funding_priority {
    const char *key, *title;
    int64_t amount, spent;
    size_t grants;
};

/* Totals of the grants awarded or closed, and of those applied for. */
struct safer_funding_totals {
    int64_t amount, spent, remaining;
    size_t grants;
    int64_t applied;     /* asked for, not yet decided */
    size_t applications;
    struct safer_funding_priority *by_priority; /* in the plan's order, none last */
    size_t npriorities;
};

/* Add a grant: every mistake into `fe` (form order) with SAFER_EINVAL and
 * nothing saved. */
int safer_funding_add(struct safer_store *st, const struct safer_actor *actor,
                      const struct safer_funding_fields *f, int64_t now, int64_t *id,
                      struct safer_field_errors *fe, struct safer_err *err);

/* Change grant `id` (its actions too: the form's list replaces them). */
int safer_funding_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                         int64_t version, const struct safer_funding_fields *f, int64_t now,
                         struct safer_field_errors *fe, struct safer_err *err);

/* One grant with its actions; strings in `arena`. */
int safer_funding_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                      int64_t now, struct safer_arena *arena, struct safer_funding *out,
                      struct safer_err *err);

/* The partnership's grants, latest period first, and their totals (may be
 * NULL). */
int safer_funding_list(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                       struct safer_arena *arena, struct safer_funding **out, size_t *n,
                       struct safer_funding_totals *totals, struct safer_err *err);

#endif
