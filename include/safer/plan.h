/*
 * plan.h - a Community Safety Partnership's plan: who the partnership is,
 * its priorities and the police.uk categories that inform each, its groups
 * and their remits, the weights it scores candidate priorities with, and
 * the partnerships it compares itself with.
 *
 * A plan comes from a JSON file (`safer import plan PLAN.json`, format in
 * docs/plan.md) and, in time, from the partnership's workspace. The store
 * keeps it as records (partnership, plan, priorities and their categories,
 * groups and their remits), not as one document, so that each can be
 * edited on its own. The assessment reads the plan of the partnership its
 * area belongs to (safer_plan_load()) and the report renders from it: no
 * partnership's priorities or groups are written into the program.
 *
 * A partnership is known by its Community Safety Partnership code (CSP,
 * "E22000142"), or, when its plan names none, by its first district
 * (LAD) code. Importing a plan replaces everything stored for that
 * partnership (plans, priorities, groups, districts, peers) in one
 * transaction; other partnerships' plans are untouched. A district belongs
 * to one partnership at most. The actions a plan lists are the exception:
 * storing it adds those the partnership does not have yet and never
 * changes or removes one (they are the workspace's records, action.h).
 *
 * Every string and array of a plan that safer_plan_parse() or
 * safer_plan_load() gives lives in the plan's arena and goes with
 * safer_plan_release(); the plan owns all of it.
 */
#ifndef SAFER_PLAN_H
#define SAFER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/arena.h"
#include "safer/buf.h"
#include "safer/error.h"

struct safer_store;

/* The version of the file format this program reads ("safer_plan": 1). */
#define SAFER_PLAN_FORMAT 1

/* A scoring weight the plan does not state. */
#define SAFER_PLAN_WEIGHT_DEFAULT 1.0
/* The largest weight a plan may give (weights are relative: 0 leaves a
 * component out). */
#define SAFER_PLAN_WEIGHT_MAX 100.0

/* The kinds of group a plan may name (docs/plan.md), NULL-terminated. */
extern const char *const safer_plan_group_kinds[];

/* The police.uk crime categories a plan may name (the fourteen of today's
 * street files and the two of older ones), NULL-terminated. */
extern const char *const safer_plan_categories[];

/* The roles a group's member may have, NULL-terminated: "chair",
 * "vice-chair", "member", "secretary". */
extern const char *const safer_plan_member_roles[];
/* The kinds of priority a priority may link to: "county", "commissioner",
 * "national". */
extern const char *const safer_plan_link_kinds[];

/* A person of a group, from an organisation. */
struct safer_plan_member {
    const char *name;
    const char *organisation; /* or NULL */
    const char *role;         /* one of safer_plan_member_roles */
    const char *account;      /* the e-mail of their account, or NULL */
    int64_t user_id;          /* safer_plan_load(): that account's id; 0 otherwise */
};

/* A group's annual plan: its high-level outcome for the plan year `year`
 * (2021: April 2021 to March 2022). */
struct safer_plan_outcome {
    int year;
    const char *outcome;
    int64_t version; /* safer_plan_load(): the stored row's; 0 otherwise */
};

/* A county (Kent Community Safety Agreement), commissioner (the PCC's
 * plan) or national priority that a priority serves, in its words. */
struct safer_plan_link {
    const char *kind; /* one of safer_plan_link_kinds */
    const char *title;
};

struct safer_plan_group {
    const char *key;    /* the plan's id for it, unique in the plan: "smpeg" */
    const char *name;   /* "Safer Maidstone Partnership Executive Group (SMPEG)" */
    const char *kind;   /* one of safer_plan_group_kinds */
    const char *parent; /* key of the group it reports to, or NULL */
    const char *meets;  /* how often it meets, as the plan says, or NULL */
    const char *source; /* where in the plan it is described, or NULL */
    const char **remit; /* its duties, one a line, in the plan's order */
    size_t nremit;
    /* Kept in the workspace (group.h) and in the file alike. */
    const char *terms;  /* its terms of reference, or NULL */
    struct safer_plan_member *members; /* chair, members, officers, in order */
    size_t nmembers;
    struct safer_plan_outcome *plans;  /* its annual plans' outcomes, by year */
    size_t nplans;
    int64_t version;    /* safer_plan_load(): the stored row's version; 0 otherwise */
};

struct safer_plan_priority {
    const char *key;         /* the plan's id for it, unique in the plan */
    const char *title;
    bool cross_cutting;      /* a theme that runs through the others */
    const char *objective;   /* or NULL */
    const char *description; /* or NULL */
    const char *cannot_show; /* what police.uk cannot show of it, or NULL */
    const char *source;      /* or NULL */
    const char **categories; /* police.uk categories that inform it (may be none) */
    size_t ncategories;
    const char **groups;     /* keys of the groups that deliver it */
    size_t ngroups;
    struct safer_plan_link *links; /* the county and commissioner priorities it serves */
    size_t nlinks;
    int64_t version;         /* safer_plan_load(): the stored row's; 0 otherwise */
};

/* How candidate priorities are scored: one weight per component
 * (docs/plan.md). */
struct safer_plan_weights {
    double volume, rate, trend, harm, concern;
};

/* A severity weight per police.uk category, and where it was published. */
struct safer_plan_harm {
    const char *source;      /* NULL when the plan gives no weights */
    const char **categories;
    double *weights;         /* > 0, one per category */
    size_t n;
};

/* An action the plan says a group will take ("Year 3 - What will we do?").
 * Storing the plan adds it to the partnership's actions when the
 * partnership has none with its key; it is then the workspace's record
 * (action.h), never overwritten or removed by a later import. */
struct safer_plan_action {
    const char *key;      /* the plan's id for it, unique in the plan */
    const char *title;    /* in the plan's words */
    const char *priority; /* key of the priority it serves */
    const char *group;    /* key of the group that delivers it */
    const char *lead;     /* the lead organisation's name, or NULL */
    const char *due;      /* "YYYY-MM-DD", or NULL */
    const char *source;   /* where in the plan it is, or NULL */
};

struct safer_plan_peer {
    const char *code; /* a CSP or district code */
    const char *name; /* or NULL */
};

/* An indicator of the plan: records of police.uk categories (none: all)
 * in a ward or the whole area, per period, against a target. */
struct safer_plan_indicator {
    const char *key;      /* the plan's id for it, unique among its indicators */
    const char *title;
    const char *priority; /* a priority's key, or NULL */
    const char *group;    /* a group's key, or NULL */
    const char **categories;
    size_t ncategories;
    const char *ward;     /* a ward code, or NULL for the partnership's whole area */
    const char *kind;     /* "computed" (the default) or "survey" */
    const char *question; /* survey: a question's key, "safe_night"; else NULL */
    const char *measure;  /* "count" or "rate"; survey: "percent" */
    const char *period;   /* "month", "quarter" or "rolling12"; survey: "wave" */
    const char *good;     /* "down" or "up" */
    bool has_target;
    double target;        /* > 0; survey: up to 100 */
    double amber, red;    /* variances from target in per cent, amber < red */
};

struct safer_plan {
    /* The partnership. */
    const char *code;       /* its key: the CSP code, or its first district */
    const char *csp_code;   /* as the plan gives it, or NULL */
    const char *name;
    const char *note;       /* or NULL */
    const char **districts; /* district (LAD) codes, may be none */
    size_t ndistricts;

    /* The plan. */
    const char *title;
    const char *period_from, *period_to; /* "2019" or "2019-04" */
    const char *updated;                 /* or NULL */
    const char *source;                  /* the document it was transcribed from */
    const char *about;                   /* a note on the file itself, or NULL */
    const char *file;                    /* the file's name (no folder) */
    char checksum[33];                   /* XXH3-128 of the file's bytes, hex */

    struct safer_plan_priority *priorities; /* at least one */
    size_t npriorities;
    struct safer_plan_group *groups;
    size_t ngroups;
    struct safer_plan_weights weights;
    struct safer_plan_harm harm;
    struct safer_plan_peer *peers;
    size_t npeers;
    struct safer_plan_action *actions; /* as the file lists them; not read back
                                          by safer_plan_load() (action.h) */
    size_t nactions;

    struct safer_arena arena; /* owns every string and array above */

    /* Indicators the plan defines (docs/plan.md), in the file's order; in
     * the arena too. Storing the plan adds those whose id the partnership
     * does not have yet (indicator.h); safer_plan_load() gives none. */
    struct safer_plan_indicator *indicators;
    size_t nindicators;
};

void safer_plan_init(struct safer_plan *p);
/* Free what the plan holds; it is empty (initialised) afterwards. */
void safer_plan_release(struct safer_plan *p);
/* Release and free a plan from safer_plan_load(); NULL does nothing. */
void safer_plan_free(struct safer_plan *p);

/* The group of `key`, or NULL. */
const struct safer_plan_group *safer_plan_group(const struct safer_plan *p, const char *key);

/*
 * Parse the plan in `data` (`len` bytes, JSON as docs/plan.md describes;
 * `path` names it in messages and gives p->file) into `out`, which the
 * caller has initialised and releases. Fails with SAFER_EPARSE, "PATH:LINE:
 * what" (or "PATH: what" for something missing), on malformed JSON, a key
 * the format does not have (a typo must not pass silently), a value of the
 * wrong type or out of range, an unknown police.uk category or group kind,
 * an id used twice or naming no group, a group that reports to itself
 * through others; with SAFER_ETOOBIG, naming the limit, past one of the
 * SAFER_LIMIT_PLAN_* limits. On failure `out` is empty.
 */
int safer_plan_parse(const char *data, size_t len, const char *path, struct safer_plan *out,
                     struct safer_err *err);

struct safer_plan_stats {
    size_t priorities, groups;
    size_t actions; /* actions added: those whose id the partnership did not have */
    bool replaced; /* the partnership had a stored plan, now replaced */
    size_t indicators_added; /* the plan's indicators the partnership did not have */
};

/*
 * Store `p` as its partnership's plan in one write transaction, replacing
 * whatever was stored for that partnership, and add the plan's actions
 * whose key the partnership has no action of (status not-started; each
 * with an "action-add" row in the audit log, by the operator); stored
 * actions are left as they are. Fails with SAFER_EINVAL when a
 * district of the plan belongs to another stored partnership, and with the
 * store's error otherwise; on failure nothing changes.
 */
int safer_plan_store(struct safer_store *st, const struct safer_plan *p,
                     struct safer_plan_stats *stats, struct safer_err *err);

/* Read the plan file at `path`, parse it and store it (the two above).
 * `*plan_code`, when not NULL, gets the partnership's key (caller frees). */
int safer_plan_import(struct safer_store *st, const char *path, struct safer_plan_stats *stats,
                      char **plan_code, struct safer_err *err);

/*
 * The stored plan that applies to `area` (a CSP or district code): the plan
 * of the partnership known by that code; else of the partnership whose
 * districts include it; else, for a district the district to CSP lookup
 * knows, of the partnership known by its CSP's code; else, for a CSP the
 * lookup knows, of the partnership that has one of its districts. *out is a
 * new plan (free with safer_plan_free()), or NULL when none applies (no
 * area, or no plan stored for it). Reads in the caller's transaction when
 * there is one, else in one read transaction of its own.
 */
int safer_plan_load(struct safer_store *st, const char *area, struct safer_plan **out,
                    struct safer_err *err);

/*
 * The same plan, kept by the store handle while the store is unchanged
 * (every change of the store counts one more in its generation; the
 * handle reads the plan again when the generation moved): for a server,
 * which shows the plan on most pages. *out is borrowed: valid until the
 * next call of this function on the handle, or until it closes; NULL when
 * no plan applies.
 */
int safer_plan_current(struct safer_store *st, const char *area, const struct safer_plan **out,
                       struct safer_err *err);

/*
 * Write `p` to `out` as a plan file (docs/plan.md) that safer_plan_parse()
 * reads back to the same plan: partnership, plan, groups with their terms,
 * members and outcomes, priorities with their categories and links,
 * scoring, harm weights, peers. A plan from safer_plan_load() has no
 * actions or indicators (they are the workspace's records) and none is
 * written. Errors are the buffer's (SAFER_ETOOBIG past its limit).
 */
int safer_plan_write(const struct safer_plan *p, struct safer_buf *out, struct safer_err *err);

#endif
