/*
 * project.h - the partnership's problem-solving projects, worked by the
 * OSARA model: objective, scanning, analysis, response, assessment
 * (docs/workspace.md, "Problem-solving projects").
 *
 * A project belongs to one partnership. Its problem is one police.uk
 * category in a place: a set of the partnership's wards (one to
 * SAFER_PROJECT_WARDS_MAX), counted from the count table, or a polygon
 * drawn for it, counted from the records' points. It
 * has a title, an objective, scanning and analysis notes, a start date
 * (the day the response began: the assessment's "before" ends the month
 * before it), a stage (safer_project_stages) and assessment notes.
 * Responses are dated notes of what was done and by which partners; they
 * are never edited or removed.
 *
 * Access (auth.h), as for actions: reading needs SAFER_PERM_VIEW_PLAN;
 * adding, changing and adding a response SAFER_PERM_EDIT_PLAN. Each call
 * decides inside its transaction and writes the audit row (record type
 * "project": "project-add", "project-change", "project-response", or
 * "denied") there. A stale `version` is SAFER_ECONFLICT; another
 * partnership's project is SAFER_ENOTFOUND.
 *
 * The assessment's statistics (safer_did_compute) are a pure function of
 * monthly series; safer_project_assess reads the series from the store.
 */
#ifndef SAFER_PROJECT_H
#define SAFER_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/account.h"
#include "safer/action.h"
#include "safer/arena.h"
#include "safer/error.h"

/* "scanning", "analysis", "response", "assessment", "closed";
 * NULL-terminated. */
extern const char *const safer_project_stages[];
/* "Scanning", "Analysis", "Response", "Assessment", "Closed". */
const char *safer_project_stage_label(const char *stage);

#define SAFER_PROJECT_TITLE_MAX 300
#define SAFER_PROJECT_TEXT_MAX 10000
#define SAFER_PROJECT_WARDS_MAX 20

/* What a person fills in. Dates are "YYYY-MM-DD". */
struct safer_project_fields {
    const char *title, *objective;
    const char *category;   /* a police.uk crime type, "Burglary" */
    const char *const *wards; /* ward codes of the partnership; nwards */
    size_t nwards;
    /* Or, instead of wards, the place drawn as a polygon: its corners as
     * "longitude, latitude" lines, or a GeoJSON Polygon geometry
     * (safer_area_polygon_parse); NULL or "" for none. */
    const char *place;
    const char *start_date;
    const char *stage;      /* NULL on add: "scanning" */
    const char *scanning, *analysis, *assessment; /* notes, or NULL */
};

struct safer_project_ward {
    const char *code, *name;
};

struct safer_project_response {
    int64_t id;
    const char *on_date;  /* the day it began */
    const char *partners; /* who, in their words: "Kent Police, Golding Homes" */
    const char *what;
    const char *author;   /* name, or "operator" */
    const char *at;       /* when it was written, UTC */
};

struct safer_project {
    int64_t id;
    const char *title, *objective, *category;
    struct safer_project_ward *wards; /* by code */
    size_t nwards;
    const char *place; /* the drawn polygon's canonical text, or NULL */
    const char *start_date, *stage;
    const char *scanning, *analysis, *assessment; /* or NULL */
    int64_t version;
    const char *updated_at;
};

/* Add a project: every mistake into `fe` (form order) with SAFER_EINVAL
 * and nothing saved. */
int safer_project_add(struct safer_store *st, const struct safer_actor *actor,
                      const struct safer_project_fields *f, int64_t now, int64_t *id,
                      struct safer_field_errors *fe, struct safer_err *err);

/* Change project `id` (its wards too: the form's list replaces them).
 * `version` is the one the form was built from. */
int safer_project_change(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                         int64_t version, const struct safer_project_fields *f, int64_t now,
                         struct safer_field_errors *fe, struct safer_err *err);

/* Add a response: the day it began (empty: today), the partners (required)
 * and what was done (required). */
int safer_project_response_add(struct safer_store *st, const struct safer_actor *actor,
                               int64_t id, const char *on_date, const char *partners,
                               const char *what, int64_t now, struct safer_field_errors *fe,
                               struct safer_err *err);

/* One project and its responses, oldest first; strings in `arena`. */
int safer_project_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                      struct safer_arena *arena, struct safer_project *out,
                      struct safer_project_response **responses, size_t *nresponses,
                      struct safer_err *err);

/* The partnership's projects, latest start first, then by id (wards and
 * notes included). */
int safer_project_list(struct safer_store *st, const struct safer_actor *actor,
                       struct safer_arena *arena, struct safer_project **out, size_t *n,
                       struct safer_err *err);

/* The partnership's wards (code and name, by name), for a project's form. */
int safer_project_ward_choices(struct safer_store *st, const struct safer_actor *actor,
                               struct safer_arena *arena, struct safer_project_ward **out,
                               size_t *n, struct safer_err *err);

/* ---- the assessment: difference in differences ---- */

#define SAFER_DID_K_DEFAULT 5
#define SAFER_DID_PRE_MIN 6  /* months before the start, at least */
#define SAFER_DID_POST_MIN 1 /* months from the start, at least */

/*
 * The monthly series of a project area and of candidate comparison wards.
 * Months 0..nmonths-1 are consecutive; months before `start` are "pre",
 * from `start` on "post". `cand` holds ncand rows of nmonths counts
 * (row-major). `eligible` (may be NULL: all) marks the candidates that may
 * be chosen: outside the project area and not adjacent to it.
 */
struct safer_did_input {
    size_t nmonths, start;
    const double *project;
    const double *cand;
    const bool *eligible;
    size_t ncand;
    size_t k; /* comparison wards wanted (0: SAFER_DID_K_DEFAULT) */
};

/*
 * The result (docs/statistics.md, "Difference in differences"): the k
 * chosen candidates by distance, the comparison series scaled to the
 * project area's pre-period mean, the monthly difference d, and the
 * estimate with its 95% t interval.
 */
struct safer_did {
    size_t k;                 /* chosen: min(k, usable candidates) */
    size_t *chosen;           /* owned: k candidate indices, nearest first */
    double *distance;         /* owned: k distances */
    double *comparison;       /* owned: nmonths values */
    double scale;             /* project pre mean / pooled comparison pre mean */
    size_t npre, npost;
    double pre_project, post_project, pre_comparison, post_comparison; /* means */
    double estimate;          /* mean post d - mean pre d */
    double se, df, tcrit, lower, upper;
    double percent;           /* 100 * estimate / post_comparison (NaN when 0) */
};

/* Free what `d` holds; it is zeroed. */
void safer_did_release(struct safer_did *d);

/*
 * Choose the comparison wards and compute the estimate. SAFER_EINVAL when
 * fewer than SAFER_DID_PRE_MIN pre months or SAFER_DID_POST_MIN post
 * months, a value is negative or not finite, the project area has no
 * record before the start, or no eligible candidate has one; `err` says
 * which.
 */
int safer_did_compute(const struct safer_did_input *in, struct safer_did *out,
                      struct safer_err *err);

/* The quantile of Student's t distribution with `df` > 0 degrees of
 * freedom at probability p (0 < p < 1), as R qt(p, df); NaN otherwise. */
double safer_qt(double p, double df);

/* A project's assessment computed from the store. */
struct safer_project_assessment {
    size_t nmonths;
    const char **months;        /* "YYYY-MM", in the arena */
    double *project;            /* in the arena: the project area's counts */
    const char **comparison_codes, **comparison_names; /* did.k, in the arena */
    size_t nexcluded_adjacent;  /* candidates left out as neighbours */
    size_t ncandidates;         /* the partnership's other wards */
    struct safer_did did;       /* owned: safer_did_release */
};

/*
 * Assess project `id`: the monthly counts of its category in its wards
 * (summed) and in each other ward of the partnership, from the first
 * month the store holds for the partnership's forces to the last; the
 * comparison wards exclude those sharing a boundary point with the
 * project's wards (queen contiguity, stats.h). SAFER_PERM_VIEW_PLAN.
 * SAFER_EINVAL (with the reason in `err`) when the data cannot support an
 * assessment yet: too few months before or after the start, no records.
 */
int safer_project_assess(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                         size_t k, struct safer_arena *arena,
                         struct safer_project_assessment *out, struct safer_err *err);

#endif
