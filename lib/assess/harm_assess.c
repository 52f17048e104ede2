/*
 * harm_assess.c - harm and hot spots over time in the assessment
 * (docs/statistics.md, Harm and Hot spots over time).
 *
 * Both work on the grid and the records of the count hot spots: the
 * records of the latest window at a map point inside a study ward, each
 * in the cell its map point fell in. Harm adds up the records' weights per
 * cell; the periods split the window into quarters (or years) and count
 * each cell's records per period. Gi* and its classes are then exactly
 * those of the count hot spots (safer_gistar(), safer_gi_classify()), run
 * once on the harm totals and once per period.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "safer/harm.h"
#include "safer/limits.h"
#include "util/internal.h"

int64_t safer_assessment_ward_type_latest(const struct safer_assessment *a, size_t w, size_t t)
{
    /* The counts cover first_month .. latest, which may start after the
     * window does (stored data shorter than the window). */
    int32_t m0 = a->l12_start > a->first_month ? a->l12_start : a->first_month;
    int64_t n = 0;
    for (int32_t m = m0; m <= a->latest; m++)
        n += a->counts[(w * a->ntypes + t) * (size_t)a->nmonths + (size_t)(m - a->first_month)];
    return n;
}

double safer_assessment_harm(const struct safer_assessment *a, size_t w, size_t t)
{
    if (!a->type_weight || w >= a->nwards || t >= a->ntypes || isnan(a->type_weight[t]))
        return NAN;
    return (double)safer_assessment_ward_type_latest(a, w, t) * a->type_weight[t];
}

/*
 * Gi* of x over the cells and its classes: z (OUT), p_adj (OUT), cls
 * (OUT). Returns 0, SAFER_STATS_NO_SCORE, or safer_gistar()'s error.
 */
static int gi(const struct safer_assessment *a, const double *x, double *z, double *padj,
              enum safer_gi_class *cls, struct safer_err *err)
{
    size_t n = a->ncells;
    int32_t *ci = safer__xmalloc(sizeof(int32_t) * (n ? n : 1));
    int32_t *cj = safer__xmalloc(sizeof(int32_t) * (n ? n : 1));
    uint32_t *nbrs = safer__xmalloc(sizeof(uint32_t) * (n ? n : 1));
    for (size_t k = 0; k < n; k++) {
        ci[k] = a->cells[k].i;
        cj[k] = a->cells[k].j;
    }
    int g = n >= 2 ? safer_gistar(ci, cj, x, n, z, nbrs, err) : SAFER_STATS_NO_SCORE;
    if (g >= 0) {
        if (n < 2) {
            for (size_t k = 0; k < n; k++)
                z[k] = NAN;
        }
        safer_gi_classify(z, n, padj, cls);
    }
    free(ci);
    free(cj);
    free(nbrs);
    return g;
}

/*
 * The periods of the latest window [l12_start, latest] of L months: years
 * when L >= 36, else quarters; as many whole ones as fit, the last ending
 * at the latest month (months at the start of the window that make no
 * whole period are in none). None when fewer than 2 fit.
 */
static void periods(struct safer_assessment *a)
{
    int32_t L = a->latest - a->l12_start + 1;
    int len = L >= 36 ? 12 : 3;
    size_t np = L > 0 ? (size_t)(L / len) : 0;
    if (np < 2)
        return;
    a->nperiods = np;
    a->period_months = len;
    a->period_first = safer__xmalloc(sizeof(int32_t) * np);
    for (size_t p = 0; p < np; p++)
        a->period_first[p] = a->latest - (int32_t)((np - p) * (size_t)len) + 1;
}

void safer__harm_tally(struct safer__harm_tally *ht, const struct safer_crimes *c,
                       struct safer_assessment *a, const uint32_t *uses)
{
    memset(ht, 0, sizeof(*ht));
    /* Each type's weight: the category's, NaN for a type police.uk no
     * longer uses (kept as data, weighted by nothing). c->types is
     * a->types: the counts index both. */
    a->type_weight = safer__xmalloc(sizeof(double) * (a->ntypes ? a->ntypes : 1));
    for (size_t t = 0; t < a->ntypes; t++) {
        int k = safer_harm_category(a->types[t]);
        a->type_weight[t] = k >= 0 && a->harm ? a->harm->weight[k] : NAN;
    }
    periods(a);
    size_t np = a->nperiods, nl = c->nlocs ? c->nlocs : 1, m;
    ht->harm = safer__xcalloc(nl, sizeof(double));
    if (np) {
        /* np <= SAFER_LIMIT_WINDOW_MONTHS / 3, nlocs fits in memory already */
        if (!safer__size_mul(nl, np, &m))
            abort();
        ht->count = safer__xcalloc(m, sizeof(uint32_t));
    }
    /* The records the hot spots count: in the window, at a used map point. */
    for (size_t b = 0; b < c->nbatches; b++) {
        const struct safer_crime_batch *bt = &c->batches[b];
        if (bt->month < a->l12_start || bt->month > a->latest)
            continue;
        size_t p = SIZE_MAX;
        if (np && bt->month >= a->period_first[0])
            p = (size_t)(bt->month - a->period_first[0]) / (size_t)a->period_months;
        for (size_t i = bt->first; i < bt->first + bt->count; i++) {
            int32_t l = c->loc[i];
            if (l < 0 || !uses[l])
                continue;
            double w = a->type_weight[c->type[i]];
            if (!isnan(w))
                ht->harm[l] += w;
            if (p != SIZE_MAX)
                ht->count[(size_t)l * np + p]++;
        }
    }
}

void safer__harm_tally_release(struct safer__harm_tally *ht)
{
    free(ht->harm);
    free(ht->count);
    memset(ht, 0, sizeof(*ht));
}

int safer__harm_cells(const struct safer__harm_tally *ht, size_t nlocs, const int32_t *loc_cell,
                      struct safer_assessment *a, struct safer_err *err)
{
    int rc = 0;
    size_t n = a->ncells, np = a->nperiods;
    if (np) {
        size_t m;
        if (!safer__size_mul(n ? n : 1, np, &m))
            return safer_err_set(err, SAFER_ETOOBIG, "too many grid cells times periods");
        a->period_count = safer__xcalloc(m, sizeof(int64_t));
        a->period_cls = safer__xmalloc(m);
        a->period_no_score = safer__xcalloc(np, 1);
    }
    for (size_t k = 0; k < n; k++)
        a->cells[k].harm = 0;
    /* Map point by map point, in order, so the sums are the same on every run. */
    for (size_t l = 0; ht->harm && l < nlocs; l++) {
        if (loc_cell[l] < 0)
            continue; /* not used, or outside the grid */
        size_t k = (size_t)loc_cell[l];
        a->cells[k].harm += ht->harm[l];
        for (size_t p = 0; p < np; p++)
            a->period_count[k * np + p] += ht->count[l * np + p];
    }

    double *x = safer__xmalloc(sizeof(double) * (n ? n : 1));
    double *z = safer__xmalloc(sizeof(double) * (n ? n : 1));
    double *padj = safer__xmalloc(sizeof(double) * (n ? n : 1));
    enum safer_gi_class *cls = safer__xmalloc(sizeof(*cls) * (n ? n : 1));
    for (size_t k = 0; k < n; k++)
        x[k] = a->cells[k].harm;
    int g = gi(a, x, z, padj, cls, err);
    if (g < 0) {
        rc = g;
        goto out;
    }
    a->harm_no_score = g == SAFER_STATS_NO_SCORE;
    for (size_t k = 0; k < n; k++) {
        struct safer_hotcell *h = &a->cells[k];
        h->harm_z = z[k];
        h->harm_p = safer_pnorm_two_sided(z[k]);
        h->harm_p_adj = padj[k];
        h->harm_cls = cls[k];
    }

    for (size_t p = 0; p < np; p++) {
        for (size_t k = 0; k < n; k++)
            x[k] = (double)a->period_count[k * np + p];
        g = gi(a, x, z, padj, cls, err);
        if (g < 0) {
            rc = g;
            goto out;
        }
        a->period_no_score[p] = g == SAFER_STATS_NO_SCORE;
        for (size_t k = 0; k < n; k++)
            a->period_cls[k * np + p] = (signed char)cls[k];
    }
    unsigned char hot[SAFER_LIMIT_WINDOW_MONTHS];
    /* A period without a score (every square the same count: no records
     * at all, say, when the stored months do not reach back that far) is
     * left out of the classification, as sfhotspot leaves out a period
     * with no points. */
    for (size_t k = 0; k < n; k++) {
        size_t m = 0;
        for (size_t p = 0; p < np; p++) {
            if (a->period_no_score[p])
                continue;
            int cl = a->period_cls[k * np + p];
            hot[m++] = cl == SAFER_GI_HOT95 || cl == SAFER_GI_HOT99;
        }
        a->cells[k].persist = (int)safer_persist_classify(hot, m);
    }
out:
    free(x);
    free(z);
    free(padj);
    free(cls);
    return rc;
}
