/*
 * ward_clusters.c - the assessment's ward clusters: the study wards grouped
 * into the fewest connected clusters of up to 4 similar neighbours, on the
 * default attributes (the rates of the major categories and deprivation),
 * for the report's section and the members' packs (clusters.h).
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/assess.h"
#include "safer/clusters.h"
#include "safer/stats.h"

/* A major category holds at least this share of the window's records. */
#define MAJOR_SHARE 0.05
#define MAJOR_MAX 6

void safer_ward_clusters_init(struct safer_ward_clusters *w)
{
    memset(w, 0, sizeof(*w));
    safer_attributes_init(&w->attr);
    safer_clusters_init(&w->result);
}

void safer_ward_clusters_release(struct safer_ward_clusters *w)
{
    safer_attributes_release(&w->attr);
    safer_clusters_release(&w->result);
    safer_ward_clusters_init(w);
}

/* Records of type t in ward w over the latest window. */
static int64_t window_count(const struct safer_assessment *a, size_t w, size_t t)
{
    int64_t s = 0;
    for (int32_t m = a->l12_start; m <= a->latest; m++) {
        if (m < a->first_month || m - a->first_month >= a->nmonths)
            continue;
        s += a->counts[(w * a->ntypes + t) * (size_t)a->nmonths + (size_t)(m - a->first_month)];
    }
    return s;
}

int safer_ward_cluster_attributes(const struct safer_assessment *a, struct safer_attributes *out,
                                  struct safer_err *err)
{
    safer_attributes_init(out);
    size_t n = a->nwards;
    if (n < 2)
        return safer_err_set(err, SAFER_EINVAL, "%zu study wards: no clusters to make", n);
    if (!a->population)
        return safer_err_set(err, SAFER_EINVAL, "no population is loaded: no rates to compare");
    for (size_t w = 0; w < n; w++)
        if (!(a->population[w] > 0.0))
            return safer_err_set(err, SAFER_EINVAL, "ward '%s' has no population: no rates",
                                 a->wards[w].code);
    /* The major categories, largest first (then by name, as a->types is). */
    int64_t total = 0;
    int64_t *by_type = safer__xcalloc(a->ntypes ? a->ntypes : 1, sizeof(int64_t));
    for (size_t t = 0; t < a->ntypes; t++) {
        for (size_t w = 0; w < n; w++)
            by_type[t] += window_count(a, w, t);
        total += by_type[t];
    }
    if (total == 0) {
        free(by_type);
        return safer_err_set(err, SAFER_EINVAL, "no records in the latest window");
    }
    size_t major[MAJOR_MAX], nmajor = 0;
    bool *taken = safer__xcalloc(a->ntypes ? a->ntypes : 1, sizeof(bool));
    while (nmajor < MAJOR_MAX) {
        size_t best = SIZE_MAX;
        for (size_t t = 0; t < a->ntypes; t++)
            if (!taken[t] && (best == SIZE_MAX || by_type[t] > by_type[best]))
                best = t;
        if (best == SIZE_MAX || (double)by_type[best] < MAJOR_SHARE * (double)total)
            break;
        taken[best] = true;
        major[nmajor++] = best;
    }
    free(taken);
    free(by_type);
    bool dep = a->imd_mean_decile != NULL;
    for (size_t w = 0; dep && w < n; w++)
        dep = isfinite(a->imd_mean_decile[w]);
    out->n = n;
    out->d = nmajor + (dep ? 1 : 0);
    out->code = safer__xcalloc(n, sizeof(char *));
    out->line = safer__xcalloc(n, sizeof(size_t));
    out->name = safer__xcalloc(out->d, sizeof(char *));
    out->x = safer__xcalloc(n * out->d, sizeof(double));
    out->path = safer__xstrdup("the assessment");
    for (size_t j = 0; j < nmajor; j++)
        out->name[j] = safer__xstrdup(a->types[major[j]]);
    if (dep)
        out->name[nmajor] = safer__xstrdup("IMD decile (mean)");
    for (size_t w = 0; w < n; w++) {
        out->code[w] = safer__xstrdup(a->wards[w].code);
        out->line[w] = w + 1;
        for (size_t j = 0; j < nmajor; j++)
            out->x[w * out->d + j] =
                1000.0 * (double)window_count(a, w, major[j]) / a->population[w];
        if (dep)
            out->x[w * out->d + nmajor] = a->imd_mean_decile[w];
    }
    return 0;
}

int safer_ward_clusters(const struct safer_assessment *a, size_t max_size,
                        struct safer_ward_clusters *out, struct safer_err *err)
{
    return safer_ward_clusters_k(a, max_size, 0, out, err);
}

int safer_ward_clusters_k(const struct safer_assessment *a, size_t max_size, size_t k,
                          struct safer_ward_clusters *out, struct safer_err *err)
{
    safer_ward_clusters_init(out);
    int rc = safer_ward_cluster_attributes(a, &out->attr, err);
    if (rc < 0)
        return rc;
    size_t n = out->attr.n, d = out->attr.d;
    /* z-scores of the columns that vary; a constant one tells nothing. */
    double *z = safer__xmalloc(sizeof(double) * n * (d ? d : 1));
    size_t dz = 0;
    for (size_t j = 0; j < d; j++) {
        bool varies = false;
        for (size_t w = 1; w < n && !varies; w++)
            varies = out->attr.x[w * d + j] != out->attr.x[j];
        if (!varies)
            continue;
        for (size_t w = 0; w < n; w++)
            z[w * d + dz] = out->attr.x[w * d + j];
        dz++;
    }
    if (dz == 0) {
        free(z);
        return safer_err_set(err, SAFER_EINVAL, "every ward has the same rates: nothing to "
                                                "cluster on");
    }
    /* Rows of d with dz used: pack them to rows of dz. */
    for (size_t w = 0; w < n; w++)
        memmove(z + w * dz, z + w * d, sizeof(double) * dz);
    rc = safer_clusters_standardise(z, n, dz, NULL, err);
    struct safer_geom *geoms = safer__xmalloc(sizeof(*geoms) * n);
    for (size_t w = 0; w < n; w++)
        geoms[w] = a->wards[w].geom;
    struct safer_nb nb;
    safer_nb_init(&nb);
    if (rc == 0)
        rc = safer_nb_queen(&nb, geoms, n, SAFER_NB_SNAP_DEFAULT, err);
    free(geoms);
    out->opts.max_size = max_size;
    double budget = SAFER_CLUSTERS_WARD_NODES / (double)n;
    out->opts.max_nodes =
        budget > (double)SAFER_CLUSTERS_MIN_NODES ? (uint64_t)budget : SAFER_CLUSTERS_MIN_NODES;
    out->opts.k = max_size ? (n + max_size - 1) / max_size : 0;
    if (rc == 0 && k > 0 && k > n)
        rc = safer_err_set(err, SAFER_EINVAL, "%zu clusters of %zu wards: at most %zu", k, n, n);
    if (k > 0)
        out->opts.k = k;
    while (rc == 0) {
        struct safer_err e = {0};
        int src = safer_clusters_solve(z, dz, &nb, &out->opts, &out->result, &e);
        if (src == SAFER_EINVAL && k == 0 && out->opts.k < n && strstr(e.msg, "no partition")) {
            out->opts.k++; /* the neighbours force more clusters */
            continue;
        }
        if (src < 0)
            rc = safer_err_set(err, src, "%s", e.msg);
        break;
    }
    safer_nb_release(&nb);
    free(z);
    return rc;
}
