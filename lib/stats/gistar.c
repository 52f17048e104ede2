/*
 * gistar.c - Getis-Ord Gi* on a square grid, and the hotspot classes.
 *
 * The variant is Gi* (the cell itself is in its own neighbourhood) with
 * binary queen weights restricted to the study grid, standardised as R
 * spdep::localG does for a self-included "B" weights list; the formula is in
 * include/safer/stats.h and docs/statistics.md.
 *
 * Neighbours are found through a dense array over the cells' bounding box
 * when the cells fill enough of it (at most 8 slots per cell, plus a little),
 * and otherwise through the cells sorted by (row, column) and a linear walk
 * over them, so a study grid with one far-away cell costs O(n log n), not
 * the area of its bounding box.
 *
 * Numerics: sums are taken over centred counts x - xbar, with xbar refined
 * by a second pass, so the numerator carries no large cancellation; the
 * agreement with R is below 1e-13 on the fixtures.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>

#include "util/internal.h"
#include "safer/limits.h"
#include "safer/stats.h"

/* A dense neighbour array may have up to this many slots per cell (+ 4096). */
#define DENSE_SLOTS_PER_CELL 8

struct keyed {
    uint64_t key;
    uint32_t at;
};

/* Row-major key: rows first, then columns, both shifted to unsigned. */
static uint64_t cell_key(int64_t i, int64_t j)
{
    return ((uint64_t)(j - INT32_MIN) << 32) | (uint64_t)(i - INT32_MIN);
}

static int cmp_keyed(const void *a, const void *b)
{
    uint64_t ka = ((const struct keyed *)a)->key, kb = ((const struct keyed *)b)->key;
    return (ka > kb) - (ka < kb);
}

/*
 * For each cell: the sum of the centred counts c over its neighbourhood
 * (itself and the surrounding cells in the grid) into sum[], and the size of
 * that neighbourhood into w[]. Fails only on a duplicate cell.
 */
static int neighbourhood_sums(const int32_t *ci, const int32_t *cj, const double *c, size_t n,
                              double *sum, uint32_t *w, struct safer_err *err)
{
    int64_t mini = ci[0], maxi = ci[0], minj = cj[0], maxj = cj[0];
    for (size_t k = 1; k < n; k++) {
        if (ci[k] < mini)
            mini = ci[k];
        if (ci[k] > maxi)
            maxi = ci[k];
        if (cj[k] < minj)
            minj = cj[k];
        if (cj[k] > maxj)
            maxj = cj[k];
    }
    /* Width and height are at most 2^32; compare each before multiplying. */
    uint64_t width = (uint64_t)(maxi - mini + 1), height = (uint64_t)(maxj - minj + 1);
    uint64_t cap = (uint64_t)n * DENSE_SLOTS_PER_CELL + 4096;

    if (width <= cap && height <= cap && width * height <= cap) {
        uint32_t *slot = safer__xcalloc((size_t)(width * height), sizeof(*slot));
        for (size_t k = 0; k < n; k++) {
            size_t at = (size_t)(cj[k] - minj) * width + (size_t)(ci[k] - mini);
            if (slot[at]) {
                free(slot);
                return safer_err_set(err, SAFER_EINVAL, "cell (%d, %d) appears twice in the grid",
                                     (int)ci[k], (int)cj[k]);
            }
            slot[at] = (uint32_t)k + 1;
        }
        for (size_t k = 0; k < n; k++) {
            int64_t i0 = ci[k] - mini, j0 = cj[k] - minj;
            double s = 0.0;
            uint32_t cnt = 0;
            for (int64_t j = j0 - 1; j <= j0 + 1; j++) {
                if (j < 0 || (uint64_t)j >= height)
                    continue;
                for (int64_t i = i0 - 1; i <= i0 + 1; i++) {
                    if (i < 0 || (uint64_t)i >= width)
                        continue;
                    uint32_t v = slot[(size_t)j * width + (size_t)i];
                    if (v) {
                        s += c[v - 1];
                        cnt++;
                    }
                }
            }
            sum[k] = s;
            w[k] = cnt;
        }
        free(slot);
        return 0;
    }

    struct keyed *sorted = safer__xmalloc(n * sizeof(*sorted));
    for (size_t k = 0; k < n; k++)
        sorted[k] = (struct keyed){ .key = cell_key(ci[k], cj[k]), .at = (uint32_t)k };
    qsort(sorted, n, sizeof(*sorted), cmp_keyed);
    for (size_t k = 1; k < n; k++) {
        if (sorted[k].key == sorted[k - 1].key) {
            uint32_t at = sorted[k].at;
            free(sorted);
            return safer_err_set(err, SAFER_EINVAL, "cell (%d, %d) appears twice in the grid",
                                 (int)ci[at], (int)cj[at]);
        }
    }
    /*
     * Visit the cells in sorted order. For each of the rows j - 1, j, j + 1
     * a cursor marks the first cell at or after column i - 1 of that row;
     * as (j, i) only grows, the cursors only move forward, so the walk is
     * linear after the sort.
     */
    size_t cur[3] = { 0, 0, 0 };
    for (size_t p = 0; p < n; p++) {
        uint32_t k = sorted[p].at;
        int64_t i = ci[k];
        double s = 0.0;
        uint32_t cnt = 0;
        for (int d = 0; d < 3; d++) {
            int64_t j = (int64_t)cj[k] + d - 1;
            if (j < INT32_MIN || j > INT32_MAX)
                continue;
            uint64_t lo = cell_key(i > INT32_MIN ? i - 1 : i, j);
            uint64_t hi = cell_key(i < INT32_MAX ? i + 1 : i, j);
            while (cur[d] < n && sorted[cur[d]].key < lo)
                cur[d]++;
            for (size_t q = cur[d]; q < n && sorted[q].key <= hi; q++) {
                s += c[sorted[q].at];
                cnt++;
            }
        }
        sum[k] = s;
        w[k] = cnt;
    }
    free(sorted);
    return 0;
}

int safer_gistar(const int32_t *ci, const int32_t *cj, const double *x, size_t n, double *z,
                 uint32_t *neighbours, struct safer_err *err)
{
    if (n < 2)
        return safer_err_set(err, SAFER_EINVAL, "study grid has %zu cells, Gi* needs at least 2",
                             n);
    if (n > SAFER_LIMIT_GRID_CELLS)
        return safer_err_set(err, SAFER_ETOOBIG,
                             "study grid has %zu cells, more than SAFER_LIMIT_GRID_CELLS (%d)", n,
                             SAFER_LIMIT_GRID_CELLS);
    if (!ci || !cj || !x || !z)
        return safer_err_set(err, SAFER_EINVAL, "missing grid array");

    bool constant = true;
    double total = 0.0;
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(x[k]))
            return safer_err_set(err, SAFER_EINVAL, "count of cell (%d, %d) is not finite",
                                 (int)ci[k], (int)cj[k]);
        if (x[k] != x[0])
            constant = false;
        total += x[k];
    }
    double dn = (double)n;
    double xbar = total / dn;
    double corr = 0.0;
    for (size_t k = 0; k < n; k++)
        corr += x[k] - xbar;
    xbar += corr / dn;

    /* Centred counts; z receives their neighbourhood sums, then the scores. */
    double *c = safer__xmalloc(n * sizeof(*c));
    double ss = 0.0;
    for (size_t k = 0; k < n; k++) {
        c[k] = constant ? 0.0 : x[k] - xbar;
        ss += c[k] * c[k];
    }
    uint32_t *w = neighbours ? neighbours : safer__xmalloc(n * sizeof(*w));
    int rc = neighbourhood_sums(ci, cj, c, n, z, w, err);
    free(c);
    if (rc < 0)
        goto out;

    /* s is the population standard deviation: spdep divides by n. */
    double s = sqrt(ss / dn);
    size_t scored = 0;
    for (size_t k = 0; k < n; k++) {
        double wk = (double)w[k];
        /* Binary weights: S1_i = sum w_ij^2 = W_i. */
        double v = (dn * wk - wk * wk) / (dn - 1.0);
        if (constant || v <= 0.0) {
            z[k] = NAN; /* no spread, or every cell is in the neighbourhood */
        } else {
            z[k] = z[k] / (s * sqrt(v));
            scored++;
        }
    }
    rc = scored ? 0 : SAFER_STATS_NO_SCORE;
out:
    if (w != neighbours)
        free(w);
    return rc;
}

enum safer_gi_class safer_gi_class_of(double z, double p_adj)
{
    int level;

    if (isnan(z) || isnan(p_adj))
        return SAFER_GI_NO_SCORE;
    if (p_adj < SAFER_GI_P99)
        level = 3;
    else if (p_adj < SAFER_GI_P95)
        level = 2;
    else if (p_adj < SAFER_GI_P90)
        level = 1;
    else
        return SAFER_GI_NONE;
    if (z > 0.0)
        return (enum safer_gi_class)level;
    if (z < 0.0)
        return (enum safer_gi_class)-level;
    return SAFER_GI_NONE;
}

void safer_gi_classify(const double *z, size_t n, double *p_adj, enum safer_gi_class *cls)
{
    double *p = p_adj ? p_adj : safer__xmalloc((n ? n : 1) * sizeof(*p));

    for (size_t k = 0; k < n; k++)
        p[k] = safer_pnorm_two_sided(z[k]);
    safer_p_adjust_bh(p, n, p);
    for (size_t k = 0; k < n; k++)
        cls[k] = safer_gi_class_of(z[k], p[k]);
    if (p != p_adj)
        free(p);
}

const char *safer_gi_class_name(enum safer_gi_class c)
{
    switch (c) {
    case SAFER_GI_COLD99:
        return "cold99";
    case SAFER_GI_COLD95:
        return "cold95";
    case SAFER_GI_COLD90:
        return "cold90";
    case SAFER_GI_NONE:
        return "none";
    case SAFER_GI_HOT90:
        return "hot90";
    case SAFER_GI_HOT95:
        return "hot95";
    case SAFER_GI_HOT99:
        return "hot99";
    case SAFER_GI_NO_SCORE:
        return "no_score";
    }
    return "unknown";
}
