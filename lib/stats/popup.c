/*
 * popup.c - the choice of pop-up sites (visits.h; docs/statistics.md,
 * Pop-up sites): p candidate venues that, with the existing venues, cover
 * the most demand within a distance, or leave the least demand-weighted
 * distance to the nearest venue (the p-median).
 *
 * Exact by enumeration: every set of p candidates is evaluated, so the
 * proof of optimality is the count of sets, C(n, p). With p at most 4 and
 * tens of candidates that is tens of thousands of sets; the work is capped
 * (SAFER_POPUP_MAX_WORK) before anything is allocated. Sets are visited in
 * lexicographic order of candidate indices, each level keeping the
 * distance from every demand point to its nearest venue so far, and the
 * best is replaced only by a strictly better one: ties go to the first
 * set.
 *
 * Distances are straight lines in British National Grid metres.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "safer/visits.h"
#include "util/internal.h"

uint64_t safer_popup_sets(size_t n, int k)
{
    if (k < 0 || (size_t)k > n)
        return 0;
    uint64_t c = 1;
    for (int i = 1; i <= k; i++) {
        /* c * (n - k + i) / i is exact at each step (a binomial). */
        uint64_t f = (uint64_t)(n - (size_t)k + (size_t)i);
        if (c > UINT64_MAX / f)
            return UINT64_MAX;
        c = c * f / (uint64_t)i;
    }
    return c;
}

struct solver {
    const struct safer_popup_problem *pr;
    const double *dist; /* [candidate * m + demand point] */
    double *near;       /* [(depth + 1) * m]: nearest distance with the first depth chosen */
    size_t pick[SAFER_POPUP_MAX_P];
    size_t best[SAFER_POPUP_MAX_P];
    double best_value;
    bool have_best;
    uint64_t sets;
};

/* The objective of the distances to the nearest venue `near`: the covered
 * demand, or the weighted sum of distances. */
static double value_of(const struct safer_popup_problem *pr, const double *near)
{
    double s = 0;
    if (pr->objective == SAFER_POPUP_COVER) {
        for (size_t i = 0; i < pr->m; i++)
            if (near[i] <= pr->distance)
                s += pr->w[i];
    } else {
        for (size_t i = 0; i < pr->m; i++)
            if (pr->w[i] > 0)
                s += pr->w[i] * near[i];
    }
    return s;
}

static bool better(const struct safer_popup_problem *pr, double a, double b)
{
    return pr->objective == SAFER_POPUP_COVER ? a > b : a < b;
}

static void walk(struct solver *s, int depth, size_t from)
{
    const struct safer_popup_problem *pr = s->pr;
    size_t m = pr->m;
    if (depth >= pr->p || depth >= SAFER_POPUP_MAX_P) {
        double v = value_of(pr, s->near + (size_t)depth * m);
        s->sets++;
        if (!s->have_best || better(pr, v, s->best_value)) {
            s->have_best = true;
            s->best_value = v;
            memcpy(s->best, s->pick, sizeof(s->best));
        }
        return;
    }
    /* Leave room for the picks still to come. */
    size_t last = pr->nc - (size_t)(pr->p - depth);
    for (size_t j = from; j <= last; j++) {
        const double *prev = s->near + (size_t)depth * m;
        double *cur = s->near + (size_t)(depth + 1) * m;
        const double *dj = s->dist + j * m;
        for (size_t i = 0; i < m; i++)
            cur[i] = dj[i] < prev[i] ? dj[i] : prev[i];
        s->pick[depth] = j;
        walk(s, depth + 1, j + 1);
    }
}

static bool finite_all(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

int safer_popup_solve(const struct safer_popup_problem *pr, struct safer_popup_result *out,
                      struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    if (pr->p < 1 || pr->p > SAFER_POPUP_MAX_P)
        return safer_err_set(err, SAFER_EINVAL, "p %d must be 1 to %d", pr->p, SAFER_POPUP_MAX_P);
    if ((size_t)pr->p > pr->nc)
        return safer_err_set(err, SAFER_EINVAL, "p %d is more than the %zu candidate venues",
                             pr->p, pr->nc);
    if (pr->nc > SAFER_POPUP_MAX_CANDIDATES)
        return safer_err_set(err, SAFER_ETOOBIG, "%zu candidate venues: at most %d", pr->nc,
                             SAFER_POPUP_MAX_CANDIDATES);
    if (pr->objective != SAFER_POPUP_COVER && pr->objective != SAFER_POPUP_MEDIAN)
        return safer_err_set(err, SAFER_EINVAL, "unknown objective");
    if (pr->objective == SAFER_POPUP_COVER && !(pr->distance > 0 && isfinite(pr->distance)))
        return safer_err_set(err, SAFER_EINVAL, "distance %g must be metres above 0",
                             pr->distance);
    if (pr->m == 0)
        return safer_err_set(err, SAFER_EINVAL, "no demand points");
    if (!finite_all(pr->dx, pr->m) || !finite_all(pr->dy, pr->m) ||
        !finite_all(pr->ex, pr->ne) || !finite_all(pr->ey, pr->ne) ||
        !finite_all(pr->cx, pr->nc) || !finite_all(pr->cy, pr->nc))
        return safer_err_set(err, SAFER_EINVAL, "a point is not finite");
    double total = 0;
    for (size_t i = 0; i < pr->m; i++) {
        if (!(pr->w[i] >= 0) || !isfinite(pr->w[i]))
            return safer_err_set(err, SAFER_EINVAL, "demand weight %zu (%g) must be 0 or more",
                                 i + 1, pr->w[i]);
        total += pr->w[i];
    }
    uint64_t sets = safer_popup_sets(pr->nc, pr->p);
    if (sets == UINT64_MAX || sets > SAFER_POPUP_MAX_WORK / pr->m)
        return safer_err_set(err, SAFER_ETOOBIG,
                             "%llu sets of %d of %zu candidates over %zu demand points is "
                             "more than the %llu evaluations allowed",
                             (unsigned long long)sets, pr->p, pr->nc, pr->m,
                             (unsigned long long)SAFER_POPUP_MAX_WORK);

    size_t m = pr->m, cells, levels;
    if (!safer__size_mul(pr->nc, m, &cells) || !safer__size_mul((size_t)pr->p + 1, m, &levels))
        return safer_err_set(err, SAFER_ETOOBIG, "too many candidates and demand points");
    double *dist = safer__xreallocarray(NULL, cells, sizeof(double));
    double *near = safer__xreallocarray(NULL, levels, sizeof(double));
    for (size_t j = 0; j < pr->nc; j++)
        for (size_t i = 0; i < m; i++)
            dist[j * m + i] = hypot(pr->cx[j] - pr->dx[i], pr->cy[j] - pr->dy[i]);
    for (size_t i = 0; i < m; i++) {
        double d = INFINITY;
        for (size_t e = 0; e < pr->ne; e++) {
            double h = hypot(pr->ex[e] - pr->dx[i], pr->ey[e] - pr->dy[i]);
            if (h < d)
                d = h;
        }
        near[i] = d;
    }
    struct solver s = {.pr = pr, .dist = dist, .near = near};
    out->existing = pr->ne ? value_of(pr, near)
                           : (pr->objective == SAFER_POPUP_COVER ? 0 : INFINITY);
    walk(&s, 0, 0);
    out->p = pr->p;
    memcpy(out->chosen, s.best, sizeof(out->chosen));
    out->objective = s.best_value;
    out->total = total;
    out->sets = s.sets;
    free(dist);
    free(near);
    return 0;
}

int safer_popup_objective_parse(const char *s)
{
    if (!s)
        return 0;
    if (!strcmp(s, "cover"))
        return SAFER_POPUP_COVER;
    if (!strcmp(s, "median"))
        return SAFER_POPUP_MEDIAN;
    return 0;
}

int safer_popup_demand_parse(const char *s)
{
    if (!s)
        return 0;
    if (!strcmp(s, "residents"))
        return SAFER_POPUP_RESIDENTS;
    if (!strcmp(s, "visitors"))
        return SAFER_POPUP_VISITORS;
    if (!strcmp(s, "records"))
        return SAFER_POPUP_RECORDS;
    return 0;
}

const char *safer_popup_objective_name(enum safer_popup_objective o)
{
    return o == SAFER_POPUP_MEDIAN ? "median" : "cover";
}

const char *safer_popup_demand_name(enum safer_popup_demand d)
{
    return d == SAFER_POPUP_VISITORS ? "visitors"
           : d == SAFER_POPUP_RECORDS ? "records"
                                      : "residents";
}
