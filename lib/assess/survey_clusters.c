/*
 * survey_clusters.c - the survey's estimates by the assessment's ward
 * clusters (survey.h): the assessment of an area made from the store, its
 * ward clusters as the report forms them, and each cluster a domain of the
 * survey waves read in the assessment's own snapshot.
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>

#include "safer/account.h"
#include "safer/arena.h"
#include "safer/assess.h"
#include "safer/auth.h"
#include "safer/clusters.h"
#include "safer/publish.h"
#include "safer/survey.h"
#include "assess/survey_internal.h"

static int clusters(struct safer_store *st, const char *area, bool public_only,
                    struct safer_survey_results *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    safer_arena_init(&out->arena);
    struct safer_assess_opts o = {.to = -1, .area = area, .cell = 250, .threads = 1};
    struct safer_assessment a;
    int rc = safer_assess_compute(st, &o, &a, err);
    if (rc < 0)
        return rc;
    if (!a.survey || a.survey->nwaves == 0) {
        safer_assessment_release(&a);
        return 0;
    }
    struct safer_ward_clusters wc;
    rc = safer_ward_clusters(&a, SAFER_CLUSTERS_WARD_SIZE, &wc, err);
    if (rc == 0) {
        struct safer_survey_groups g = {wc.attr.n, (const char *const *)wc.attr.code,
                                        wc.result.cluster, wc.result.k};
        safer_survey_results_release(out);
        rc = safer_survey_results_groups(a.survey, public_only, &g, out, err);
        /* The rows borrow the waves from the assessment's results, which
         * `out` takes over (no second read of the store). */
        if (rc == 0)
            safer__survey_results_adopt(out, &a.survey);
    }
    safer_ward_clusters_release(&wc);
    safer_assessment_release(&a);
    return rc;
}

int safer_survey_results_clusters(struct safer_store *st, const char *area, bool public_only,
                                  struct safer_survey_results *out, struct safer_err *err)
{
    return clusters(st, area, public_only, out, err);
}

int safer_survey_results_clusters_for(struct safer_store *st, const struct safer_actor *actor,
                                      struct safer_survey_results *out, bool *public_view,
                                      struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    safer_arena_init(&out->arena);
    struct safer_arena arena;
    safer_arena_init(&arena);
    const char *code, *name, *area;
    int rc = safer_publish_target(st, actor, NULL, SAFER_PERM_VIEW_AGGREGATE, &arena, &code,
                                  &name, &area, err);
    if (rc == 0) {
        *public_view =
            !(actor->operator || safer_role_may(actor->role, SAFER_PERM_VIEW_UNSUPPRESSED));
        rc = clusters(st, area, *public_view, out, err);
    }
    safer_arena_release(&arena);
    return rc;
}
