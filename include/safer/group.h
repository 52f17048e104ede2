/*
 * group.h - the partnership's strategy kept in the workspace: its groups
 * (who they are, their terms of reference, remit, members and how often
 * they meet), its priorities (objective, focus, categories, the county and
 * commissioner priorities they serve) and each group's annual plan (the
 * outcome it aims at for a plan year). docs/workspace.md, Groups.
 *
 * These are the stored plan's records (plan.h): a plan file imported with
 * `safer import plan` writes them, these calls change them one at a time,
 * and `safer export plan` writes them back as a file. The assessment and
 * its report read them through safer_plan_load(), so an edit here is what
 * the next report shows.
 *
 * Access (auth.h): reading needs SAFER_PERM_VIEW_AGGREGATE; changing
 * SAFER_PERM_EDIT_PLAN. Each call re-reads the actor's role inside its
 * transaction and writes the audit row there: a change with the before and
 * after of the fields that changed, a refusal in a transaction of its own.
 * A stale `version` is SAFER_ECONFLICT; a form's mistakes are SAFER_EINVAL
 * with each one in `fe` and nothing saved. A group or priority of another
 * partnership is SAFER_ENOTFOUND.
 */
#ifndef SAFER_GROUP_H
#define SAFER_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/action.h"
#include "safer/error.h"
#include "safer/plan.h"

/* Limits on what a form may hold. */
#define SAFER_GROUP_NAME_MAX 200
#define SAFER_GROUP_TEXT_MAX 20000
#define SAFER_GROUP_MEMBERS_MAX 60
#define SAFER_PRIORITY_LINKS_MAX 12

/*
 * The actor's partnership's strategy as stored (safer_plan_load()'s plan,
 * with each group's and priority's version and outcome versions): *out
 * is a new plan (safer_plan_free()), NULL when the partnership has none.
 * Members' account e-mails are given only to a role that may
 * SAFER_PERM_VIEW_PLAN.
 */
int safer_strategy_get(struct safer_store *st, const struct safer_actor *actor, int64_t now,
                       struct safer_plan **out, struct safer_err *err);

/* A member as a form gives it: `account` is a person of the partnership
 * (their user id), or 0. */
struct safer_group_member_fields {
    const char *name;
    const char *organisation; /* an organisation's name, added when new; or NULL */
    const char *role;         /* one of safer_plan_member_roles */
    int64_t account;
};

/* What a person fills in for a group. Empty members (no name, no
 * organisation) are left out. */
struct safer_group_fields {
    const char *name;
    const char *kind;   /* one of safer_plan_group_kinds */
    const char *parent; /* another group's key, or NULL/"" for none */
    const char *meets;  /* how often it meets, or NULL */
    const char *terms;  /* terms of reference, or NULL */
    const char *remit;  /* its duties, one a line */
    const struct safer_group_member_fields *members;
    size_t nmembers;
};

/* Change group `key`. Form fields are named "name", "kind", "parent",
 * "meets", "terms", "remit", and "member_name_N", "member_org_N",
 * "member_role_N", "member_account_N" (N from 1) for the members. A
 * parent that reports, through others, to the group is refused. */
int safer_group_change(struct safer_store *st, const struct safer_actor *actor, const char *key,
                       int64_t version, const struct safer_group_fields *f, int64_t now,
                       struct safer_field_errors *fe, struct safer_err *err);

struct safer_priority_link_fields {
    const char *kind;  /* one of safer_plan_link_kinds */
    const char *title;
};

struct safer_priority_fields {
    const char *title;
    const char *objective;  /* or NULL */
    const char *focus;      /* what the work focuses on (the plan's description), or NULL */
    bool cross_cutting;
    const char *const *categories; /* police.uk categories (safer_plan_categories) */
    size_t ncategories;
    const struct safer_priority_link_fields *links; /* empty titles are left out */
    size_t nlinks;
};

/* Change priority `key`. Form fields: "title", "objective", "focus",
 * "categories", "link_kind_N", "link_title_N". */
int safer_priority_change(struct safer_store *st, const struct safer_actor *actor,
                          const char *key, int64_t version, const struct safer_priority_fields *f,
                          int64_t now, struct safer_field_errors *fe, struct safer_err *err);

/* The plan years a page may offer: 1990 to 2100. */
#define SAFER_PLAN_YEAR_MIN 1990
#define SAFER_PLAN_YEAR_MAX 2100

/* Set group `key`'s outcome for plan `year` (field "outcome", required).
 * `version` 0 adds the year's plan (SAFER_ECONFLICT when someone added it
 * meanwhile); otherwise the version the form was built from. */
int safer_group_plan_set(struct safer_store *st, const struct safer_actor *actor,
                         const char *key, int year, int64_t version, const char *outcome,
                         int64_t now, struct safer_field_errors *fe, struct safer_err *err);

/* Does action `a` belong to the plan of `year` (April `year` to March
 * `year` + 1)? Its due or start date falls in it, or it is still open
 * (not complete or withdrawn). */
bool safer_action_in_plan_year(const struct safer_action *a, int year);

/* The plan year of Unix time `now`: 2021 from April 2021 to March 2022. */
int safer_plan_year_of(int64_t now);

#endif
