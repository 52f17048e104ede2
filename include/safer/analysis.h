/*
 * analysis.h - the workspace's area intelligence: the analyses of the
 * assessment computed for the actor's partnership, in the shape a page
 * needs (docs/workspace.md, "Area intelligence pages").
 *
 * Who may see them: a role that may SAFER_PERM_VIEW_AGGREGATE (the live
 * report's permission). A role that may not SAFER_PERM_VIEW_PLAN (an
 * elected member) sees aggregates only: a Knox cell holding from 1 to
 * rules.public_min - 1 pairs is withheld (safer_knox_hide()), as the
 * public edition hides small counts.
 *
 * Each call makes the partnership's assessment from the store
 * (safer_assess_compute(), its latest 12 months with data), so it takes
 * as long as one; nothing is kept between calls.
 */
#ifndef SAFER_ANALYSIS_H
#define SAFER_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "safer/assess.h"
#include "safer/clusters.h"
#include "safer/error.h"

struct safer_actor;
struct safer_store;

/* Is `name` one of today's fourteen police.uk categories? */
bool safer_analysis_category_ok(const char *name);

/*
 * The near-repeat (Knox) test of `category` (NULL: "Burglary") in the
 * actor's partnership's area over its latest 12 months, with the
 * assessment's breaks, permutations and seed: the same figures as `safer
 * nearrepeat --category NAME --area CODE`. `out` receives the assessment
 * (the caller releases it with safer_assessment_release() after a 0);
 * out->nr.cells is NULL when the category has no located record. *hidden
 * says whether small cells were withheld for the actor's role.
 *
 * Returns 0; SAFER_EINVAL for a category that is not a police.uk one
 * (named) or an area with nothing to assess; SAFER_EDENIED, store errors.
 */
int safer_analysis_nearrepeat(struct safer_store *st, const struct safer_actor *actor,
                              const char *category, struct safer_assessment *out,
                              bool *hidden, struct safer_err *err);

/* The ward clusters of a partnership (safer_analysis_clusters()). */
struct safer_analysis_clusters {
    struct safer_ward_clusters wc; /* attributes, options and the solution */
    char **names;                  /* owned: the wards' names, as wc.attr.code */
    size_t k_default;              /* the K the assessment chooses (0 when k was given) */
    size_t k_min;                  /* ceil(wards / max_size): no fewer can be made */
    double seconds;                /* wall time of the solve */
};

void safer_analysis_clusters_release(struct safer_analysis_clusters *c);

/*
 * The ward clusters of the actor's partnership's wards on the
 * assessment's default attributes (safer_ward_cluster_attributes()), at
 * most SAFER_CLUSTERS_WARD_SIZE wards each, with `k` clusters (0: as the
 * assessment chooses, safer_ward_clusters()). `out` is filled here; the
 * caller releases it after a 0.
 *
 * Returns 0; SAFER_EINVAL for a k outside 1..wards or one for which no
 * partition exists (the message says why), or nothing to assess;
 * SAFER_EDENIED, store errors.
 */
int safer_analysis_clusters(struct safer_store *st, const struct safer_actor *actor, size_t k,
                            struct safer_analysis_clusters *out, struct safer_err *err);

/*
 * The partnership's assessment for the hot spots over time and harm page:
 * the members' edition when the actor's role may SAFER_PERM_VIEW_PLAN
 * (*members true), else the public edition (small counts hidden,
 * safer_assessment_hide()). The caller releases `out` after a 0. Errors
 * as safer_analysis_nearrepeat() (no category).
 */
int safer_analysis_hotspots(struct safer_store *st, const struct safer_actor *actor,
                            struct safer_assessment *out, bool *members, struct safer_err *err);

#endif
