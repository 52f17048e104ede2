/*
 * analysis.c - the workspace's area intelligence (analysis.h): the
 * assessment of the actor's partnership made from the store, its
 * near-repeat table withheld for a reader of aggregates only, and its
 * ward clusters with a chosen number of clusters.
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/analysis.h"
#include "safer/auth.h"
#include "safer/plan.h"
#include "safer/publish.h"
#include "util/internal.h"

/* The fourteen categories of today's police.uk files (the first of
 * safer_plan_categories; the two after them are of files before 2013). */
#define CATEGORIES_NOW 14

bool safer_analysis_category_ok(const char *name)
{
    for (size_t i = 0; name && i < CATEGORIES_NOW && safer_plan_categories[i]; i++)
        if (strcmp(name, safer_plan_categories[i]) == 0)
            return true;
    return false;
}

/* The partnership's assessment, as the live report makes it. */
static int assess(struct safer_store *st, const struct safer_actor *actor, const char *category,
                  int public_edition, struct safer_assessment *out, struct safer_err *err)
{
    struct safer_arena arena;
    safer_arena_init(&arena);
    const char *code, *name, *area;
    int rc = safer_publish_target(st, actor, NULL, SAFER_PERM_VIEW_AGGREGATE, &arena, &code,
                                  &name, &area, err);
    if (rc == 0) {
        struct safer_assess_opts o = {.to = -1,
                                      .area = area,
                                      .title = name,
                                      .cell = 250,
                                      .threads = 1,
                                      .nearrepeat_category = category,
                                      .public_edition = public_edition};
        rc = safer_assess_compute(st, &o, out, err);
    }
    safer_arena_release(&arena);
    return rc;
}

int safer_analysis_nearrepeat(struct safer_store *st, const struct safer_actor *actor,
                              const char *category, struct safer_assessment *out,
                              bool *hidden, struct safer_err *err)
{
    if (!category)
        category = SAFER_NEARREPEAT_CATEGORY;
    *hidden = false;
    if (!safer_analysis_category_ok(category))
        return safer_err_set(err, SAFER_EINVAL, "category '%.80s' is not a police.uk category",
                             category);
    int rc = assess(st, actor, category, 0, out, err);
    if (rc < 0)
        return rc;
    if (!safer_role_may(actor->role, SAFER_PERM_VIEW_PLAN)) {
        safer_knox_hide(&out->nr, out->rules.public_min);
        *hidden = true;
    }
    return 0;
}

void safer_analysis_clusters_release(struct safer_analysis_clusters *c)
{
    for (size_t i = 0; c->names && i < c->wc.attr.n; i++)
        free(c->names[i]);
    free(c->names);
    safer_ward_clusters_release(&c->wc);
    memset(c, 0, sizeof(*c));
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int safer_analysis_clusters(struct safer_store *st, const struct safer_actor *actor, size_t k,
                            struct safer_analysis_clusters *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    safer_ward_clusters_init(&out->wc);
    struct safer_assessment a;
    int rc = assess(st, actor, NULL, 0, &a, err);
    if (rc < 0)
        return rc;
    size_t n = a.nwards, max = SAFER_CLUSTERS_WARD_SIZE;
    out->k_min = (n + max - 1) / max;
    double t0 = seconds_now();
    if (k == 0) {
        rc = safer_ward_clusters(&a, max, &out->wc, err);
        out->k_default = out->wc.opts.k;
    } else {
        rc = safer_ward_clusters_k(&a, max, k, &out->wc, err);
    }
    out->seconds = seconds_now() - t0;
    if (rc == 0) {
        out->names = safer__xcalloc(n ? n : 1, sizeof(char *));
        /* The attributes are the study wards in order (ward_clusters.c). */
        for (size_t i = 0; i < out->wc.attr.n && i < n; i++)
            out->names[i] = safer__xstrdup(a.wards[i].name ? a.wards[i].name : "");
    } else {
        safer_ward_clusters_release(&out->wc);
    }
    safer_assessment_release(&a);
    return rc;
}

int safer_analysis_hotspots(struct safer_store *st, const struct safer_actor *actor,
                            struct safer_assessment *out, bool *members, struct safer_err *err)
{
    *members = safer_role_may(actor->role, SAFER_PERM_VIEW_PLAN);
    return assess(st, actor, NULL, !*members, out, err);
}
