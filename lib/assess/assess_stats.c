/*
 * assess_stats.c - coverage of the police.uk publications, change tests,
 * rates, and the spatial statistics (grid, Gi*, Moran's I) on top of the
 * counts. Definitions are in docs/statistics.md.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "geo/geo_internal.h"
#include "util/internal.h"
#include "store/store_internal.h"
#include "safer/account.h"
#include "safer/indicator.h"
#include "safer/limits.h"
#include "safer/locate.h"
#include "safer/lookup.h"
#include "safer/partnership.h"
#include "safer/plan.h"
#include "safer/proj.h"
#include "safer/police.h"
#include "safer/stats.h"

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The median of v[0..n), n > 0; sorts v. */
static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Days in month index m (year * 12 + month - 1), Gregorian. */
static int month_days(int32_t m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = m / 12, mo = m % 12;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[mo] + (mo == 1 && leap);
}

static int64_t series_of(const struct safer_coverage *c, int asb)
{
    return asb ? c->asb : c->crime;
}

/*
 * The usual level of one series (asb or crime) for months[i]: the median
 * daily count of the series in the nearest months with a file, up to
 * r->coverage_neighbours on each side within r->coverage_window months,
 * times months[i]'s days, rounded to whole records. Per day, so that
 * February's 28 days do not read as a fall. NaN when fewer than
 * r->coverage_min_months such months exist. `rates` has room for
 * 2 * coverage_neighbours values.
 */
static double usual_level(const struct safer_coverage *v, size_t n, size_t i, int asb,
                          const struct safer_rules *r, double *rates)
{
    size_t k = 0;
    int per_side = r->coverage_neighbours > 0 ? r->coverage_neighbours : 0;
    for (int dir = -1; dir <= 1; dir += 2) {
        int taken = 0;
        for (size_t j = i; taken < per_side;) {
            if (dir < 0 ? j == 0 : j + 1 >= n)
                break;
            j = dir < 0 ? j - 1 : j + 1;
            int32_t gap = v[j].month - v[i].month;
            if ((gap < 0 ? -gap : gap) > r->coverage_window)
                break;
            if (v[j].status == SAFER_COVERAGE_MISSING)
                continue; /* no file: no figure, never a 0 */
            rates[k++] = (double)series_of(&v[j], asb) / month_days(v[j].month);
            taken++;
        }
    }
    if (k == 0 || k < (size_t)(r->coverage_min_months > 0 ? r->coverage_min_months : 0))
        return NAN;
    return round(median_of(rates, k) * month_days(v[i].month));
}

/* Is `value` short of `usual` by the rules: under `fraction` of it, and by
 * more than coverage_noise Poisson standard deviations? */
static int series_low(int64_t value, double usual, double fraction, const struct safer_rules *r)
{
    if (isnan(usual))
        return 0;
    double x = (double)value;
    return x < fraction * usual && usual - x > r->coverage_noise * sqrt(usual);
}

void safer_coverage_judge(struct safer_coverage *v, size_t n, const struct safer_rules *r)
{
    /* The rows stored of every month with a file, for the force's median;
     * and which series the force publishes at all. */
    double *stored = safer__xmalloc(sizeof(double) * (n ? n : 1));
    size_t nstored = 0;
    int64_t crime_total = 0, asb_total = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].status == SAFER_COVERAGE_MISSING)
            continue;
        stored[nstored++] = (double)(v[i].crime + v[i].asb);
        crime_total += v[i].crime;
        asb_total += v[i].asb;
    }
    double median = nstored ? median_of(stored, nstored) : 0;
    free(stored);
    size_t per_side = r->coverage_neighbours > 0 ? (size_t)r->coverage_neighbours : 0;
    double *rates = safer__xmalloc(sizeof(double) * (2 * per_side + 1));
    for (size_t i = 0; i < n; i++) {
        struct safer_coverage *c = &v[i];
        c->crime_usual = c->asb_usual = NAN;
        c->reason = 0;
        if (c->status == SAFER_COVERAGE_MISSING)
            continue;
        if (crime_total > 0)
            c->crime_usual = usual_level(v, n, i, 0, r, rates);
        if (asb_total > 0)
            c->asb_usual = usual_level(v, n, i, 1, r, rates);
        if (series_low(c->crime, c->crime_usual, r->coverage_crime, r))
            c->reason |= SAFER_COVERAGE_CRIME_LOW;
        if (series_low(c->asb, c->asb_usual, r->coverage_asb, r))
            c->reason |= SAFER_COVERAGE_ASB_LOW;
        if ((double)(c->crime + c->asb) < r->coverage_partial * median)
            c->reason |= SAFER_COVERAGE_ROWS_LOW;
        c->status = c->reason ? SAFER_COVERAGE_PARTIAL : SAFER_COVERAGE_OK;
    }
    free(rates);
}

/*
 * Coverage: for each force with records in the study wards, every month it
 * has in the store up to the latest month, plus every month of the two
 * windows it has no file for, judged by safer_coverage_judge() against all
 * of the force's stored months (those after the latest month too: they are
 * neighbours). batch_asb[b] is batch b's anti-social behaviour records;
 * the rest of its records are notifiable crime.
 */
static void coverage(const struct safer_crimes *c, const unsigned char *force_in,
                     const int64_t *batch_asb, struct safer_assessment *a)
{
    size_t cap = 0;
    a->latest12_complete = a->prev12_complete = 1;
    for (size_t f = 0; f < c->nforces; f++) {
        if (!force_in[f])
            continue;
        /* The force's months, from its first file (or the previous window)
         * to its last (or the latest month). */
        int32_t first = a->p12_start, last = a->latest;
        for (size_t p = 0; p < a->npublications; p++) {
            const struct safer_publication *pub = &a->publications[p];
            if (strcmp(pub->force, c->forces[f]) != 0)
                continue;
            if (pub->month < first)
                first = pub->month;
            if (pub->month > last)
                last = pub->month;
        }
        size_t n = (size_t)(last - first + 1);
        struct safer_coverage *v = safer__xcalloc(n, sizeof(*v));
        for (size_t k = 0; k < n; k++) {
            v[k].month = first + (int32_t)k;
            v[k].status = SAFER_COVERAGE_MISSING;
        }
        for (size_t p = 0; p < a->npublications; p++) {
            const struct safer_publication *pub = &a->publications[p];
            if (strcmp(pub->force, c->forces[f]) == 0 && v[pub->month - first].status ==
                                                             SAFER_COVERAGE_MISSING) {
                v[pub->month - first].status = SAFER_COVERAGE_OK;
                v[pub->month - first].rows = pub->rows_read;
            }
        }
        for (size_t b = 0; b < c->nbatches; b++) {
            const struct safer_crime_batch *bt = &c->batches[b];
            if (bt->force != f || bt->month < first || bt->month > last)
                continue;
            v[bt->month - first].asb += batch_asb[b];
            v[bt->month - first].crime += (int64_t)bt->count - batch_asb[b];
        }
        safer_coverage_judge(v, n, &a->rules);

        for (size_t k = 0; k < n; k++) {
            int32_t m = v[k].month;
            if (m > a->latest || (v[k].status == SAFER_COVERAGE_MISSING && m < a->p12_start))
                continue;
            SAFER__GROW(a->coverage, cap, a->ncoverage + 1);
            struct safer_coverage *cv = &a->coverage[a->ncoverage++];
            *cv = v[k];
            cv->force = safer__xstrdup(c->forces[f]);
            if (cv->status != SAFER_COVERAGE_OK) {
                if (m >= a->l12_start)
                    a->latest12_complete = 0;
                else if (m >= a->p12_start)
                    a->prev12_complete = 0;
            }
        }
        free(v);
    }
}

/* Does the segment (x1,y1)-(x2,y2) meet the closed box? (Liang-Barsky.) */
static int seg_meets_box(double x1, double y1, double x2, double y2, double bx0, double by0,
                         double bx1, double by1)
{
    double dx = x2 - x1, dy = y2 - y1;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {x1 - bx0, bx1 - x1, y1 - by0, by1 - y1};
    double t0 = 0, t1 = 1;
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0) {
            if (q[k] < 0)
                return 0;
            continue;
        }
        double r = q[k] / p[k];
        if (p[k] < 0) {
            if (r > t1)
                return 0;
            if (r > t0)
                t0 = r;
        } else {
            if (r < t0)
                return 0;
            if (r < t1)
                t1 = r;
        }
    }
    return 1;
}

/*
 * Copy the study wards and convert their positions to metres, in one call.
 * Neighbouring wards share their boundaries, so most positions appear two
 * or three times: each distinct position is converted once.
 */
static int wards_to_bng(struct safer_bng *bng, struct safer_assessment *a, struct safer_err *err)
{
    a->wards_bng = safer__xcalloc(a->nwards ? a->nwards : 1, sizeof(*a->wards_bng));
    size_t total = 0;
    for (size_t w = 0; w < a->nwards; w++)
        total += a->wards[w].geom.npoints;
    size_t nslots = 1024;
    while (nslots < 2 * total)
        nslots *= 2;
    uint32_t *slot = safer__xcalloc(nslots, sizeof(uint32_t));
    uint32_t *of = safer__xmalloc(sizeof(uint32_t) * (total + 1));
    double *x = safer__xmalloc(sizeof(double) * (total + 1));
    double *y = safer__xmalloc(sizeof(double) * (total + 1));
    size_t k = 0, nu = 0;
    for (size_t w = 0; w < a->nwards; w++) {
        const struct safer_geom *g = &a->wards[w].geom;
        for (uint32_t i = 0; i < g->npoints; i++, k++) {
            double px = g->xy[2 * i], py = g->xy[2 * i + 1];
            size_t q = (size_t)safer__position_hash(px, py) & (nslots - 1);
            while (slot[q] && !(x[slot[q] - 1] == px && y[slot[q] - 1] == py))
                q = (q + 1) & (nslots - 1);
            if (!slot[q]) {
                x[nu] = px;
                y[nu] = py;
                slot[q] = (uint32_t)++nu;
            }
            of[k] = slot[q] - 1;
        }
    }
    free(slot);
    safer_bng_transform(bng, x, y, nu, err);
    int rc = 0;
    k = 0;
    for (size_t w = 0; w < a->nwards; w++) {
        struct safer_geom *g = &a->wards_bng[w];
        safer_geom_copy(g, &a->wards[w].geom);
        for (uint32_t i = 0; i < g->npoints; i++, k++) {
            uint32_t u = of[k];
            if (isnan(x[u]) && rc == 0)
                rc = safer_err_set(err, SAFER_EPROJ,
                                   "ward '%s' has positions PROJ cannot convert to British "
                                   "National Grid",
                                   a->wards[w].code);
            g->xy[2 * i] = x[u];
            g->xy[2 * i + 1] = y[u];
        }
        safer_geom_update_bbox(g);
    }
    free(of);
    free(x);
    free(y);
    return rc;
}

static int inside_some_ward(const struct safer_geom *g, size_t n, double x, double y)
{
    for (size_t w = 0; w < n; w++) {
        if (x >= g[w].minx && x <= g[w].maxx && y >= g[w].miny && y <= g[w].maxy &&
            safer_geom_locate(&g[w], x, y) == 1)
            return 1;
    }
    return 0;
}

/*
 * The study grid. Cells are S-metre squares with corners on multiples of S;
 * a cell is in the study grid when its closed square meets the union of the
 * study wards: an edge of a ward meets it, or its centre lies inside a ward
 * (then all of it does, since no edge crosses it). Needs the wards in metres.
 */
static int study_grid(struct safer__geo *geo, struct safer_err *err)
{
    struct safer_assessment *a = geo->a;
    const double S = a->cell;
    unsigned char *mark = NULL;
    int rc = 0;

    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t w = 0; w < a->nwards; w++) {
        const struct safer_geom *g = &a->wards_bng[w];
        minx = fmin(minx, g->minx);
        miny = fmin(miny, g->miny);
        maxx = fmax(maxx, g->maxx);
        maxy = fmax(maxy, g->maxy);
    }
    /* One cell of margin each side: a ward touching a cell line meets both cells. */
    int64_t i0 = (int64_t)floor(minx / S) - 1, i1 = (int64_t)floor(maxx / S) + 1;
    int64_t j0 = (int64_t)floor(miny / S) - 1, j1 = (int64_t)floor(maxy / S) + 1;
    int64_t nx = i1 - i0 + 1, ny = j1 - j0 + 1;
    if (nx <= 0 || ny <= 0 || (double)nx * (double)ny > SAFER_LIMIT_GRID_CELLS)
        return safer_err_set(err, SAFER_ETOOBIG,
                             "the study grid would have more than %d cells of %g m (limit "
                             "SAFER_LIMIT_GRID_CELLS): choose a larger --cell",
                             SAFER_LIMIT_GRID_CELLS, S);
    size_t ncell = (size_t)nx * (size_t)ny;
    mark = safer__xcalloc(ncell, 1);
    for (size_t w = 0; w < a->nwards; w++) {
        const struct safer_geom *g = &a->wards_bng[w];
        for (uint32_t r = 0; r < g->nrings; r++) {
            for (uint32_t k = g->ring_start[r]; k + 1 < g->ring_start[r + 1]; k++) {
                double xa = g->xy[2 * k], ya = g->xy[2 * k + 1];
                double xb = g->xy[2 * k + 2], yb = g->xy[2 * k + 3];
                int64_t ea = (int64_t)floor(fmin(xa, xb) / S) - 1, eb = (int64_t)floor(fmax(xa, xb) / S) + 1;
                int64_t fa = (int64_t)floor(fmin(ya, yb) / S) - 1, fb = (int64_t)floor(fmax(ya, yb) / S) + 1;
                for (int64_t j = fa; j <= fb; j++) {
                    for (int64_t i = ea; i <= eb; i++) {
                        if (i < i0 || i > i1 || j < j0 || j > j1)
                            continue;
                        size_t cix = (size_t)(j - j0) * (size_t)nx + (size_t)(i - i0);
                        if (!mark[cix] && seg_meets_box(xa, ya, xb, yb, (double)i * S, (double)j * S,
                                                        (double)(i + 1) * S, (double)(j + 1) * S))
                            mark[cix] = 1;
                    }
                }
            }
        }
    }
    /* Edge-free cells: in when their centre is inside a ward; one test per
     * run of them in a row (no edge crosses a run, so all of it is in or out). */
    for (int64_t j = j0; j <= j1; j++) {
        int run = -1;
        for (int64_t i = i0; i <= i1; i++) {
            size_t cix = (size_t)(j - j0) * (size_t)nx + (size_t)(i - i0);
            if (mark[cix]) {
                run = -1;
                continue;
            }
            if (run < 0)
                run = inside_some_ward(a->wards_bng, a->nwards, ((double)i + 0.5) * S,
                                       ((double)j + 0.5) * S) ? 2 : 0;
            mark[cix] = (unsigned char)run;
        }
    }

    /* The cells, ordered by row (cell_j) then column (cell_i). */
    geo->index = safer__xmalloc(sizeof(int32_t) * ncell);
    size_t n = 0;
    for (size_t k = 0; k < ncell; k++)
        geo->index[k] = mark[k] ? (int32_t)n++ : -1;
    geo->cells = safer__xcalloc(n ? n : 1, sizeof(*geo->cells));
    geo->ncells = n;
    for (int64_t j = j0; j <= j1; j++) {
        for (int64_t i = i0; i <= i1; i++) {
            int32_t k = geo->index[(size_t)(j - j0) * (size_t)nx + (size_t)(i - i0)];
            if (k < 0)
                continue;
            struct safer_hotcell *h = &geo->cells[k];
            h->i = (int32_t)i;
            h->j = (int32_t)j;
            h->e = ((double)i + 0.5) * S;
            h->n = ((double)j + 0.5) * S;
        }
    }
    geo->i0 = i0;
    geo->i1 = i1;
    geo->j0 = j0;
    geo->j1 = j1;
    geo->nx = nx;
    free(mark);
    return rc;
}

void *safer__geo_metres(void *arg)
{
    struct safer__geo *geo = arg;
    struct safer_assessment *a = geo->a;
    struct safer_err *err = &geo->err;
    int rc = safer_bng_new(&geo->bng, err);
    if (rc == 0)
        safer__bng_set_tasks(geo->bng, geo->tasks);
    if (rc == 0)
        rc = wards_to_bng(geo->bng, a, err);
    if (rc == 0)
        rc = study_grid(geo, err);
    geo->rc = rc;
    return NULL;
}

void safer__geo_contiguity(struct safer__geo *geo)
{
    struct safer_assessment *a = geo->a;
    geo->nb_rc = 0;
    if (a->nwards < 2)
        return;
    struct safer_geom *geoms = safer__xmalloc(sizeof(*geoms) * a->nwards);
    for (size_t w = 0; w < a->nwards; w++)
        geoms[w] = a->wards[w].geom;
    geo->nb_rc = safer_nb_queen(&geo->nb, geoms, a->nwards, SAFER_NB_SNAP_DEFAULT, &geo->nb_err);
    free(geoms);
}

void safer__geo_release(struct safer__geo *geo)
{
    safer_bng_free(geo->bng);
    free(geo->index);
    free(geo->cells);
    safer_nb_release(&geo->nb);
    geo->bng = NULL;
    geo->index = NULL;
    geo->cells = NULL;
}

/*
 * Count located records of the latest 12 months in the study grid, then
 * Gi*. loc_cell (OUT, c->nlocs entries) gets each map point's cell, -1 for
 * a point not used or outside the grid, for naming the cells' places.
 */
static int hotspots(const struct safer_crimes *c, const uint32_t *uses, int32_t *loc_cell,
                    struct safer_assessment *a, struct safer__geo *geo, struct safer_err *err)
{
    const double S = a->cell;
    double *px = NULL, *py = NULL, *x = NULL, *z = NULL, *padj = NULL;
    int32_t *ci = NULL, *cj = NULL;
    uint32_t *nbrs = NULL;
    enum safer_gi_class *cls = NULL;
    int rc = 0;
    a->cells = geo->cells;
    a->ncells = geo->ncells;
    geo->cells = NULL;
    size_t n = a->ncells;
    int64_t i0 = geo->i0, i1 = geo->i1, j0 = geo->j0, j1 = geo->j1, nx = geo->nx;
    const int32_t *index = geo->index;
    struct safer_bng *bng = geo->bng;

    /* Each location used in the latest 12 months is placed in its cell
     * once, and its count added to the cell. */
    size_t np = 0;
    for (size_t k = 0; k < c->nlocs; k++)
        np += uses[k] != 0;
    px = safer__xmalloc(sizeof(double) * (np ? np : 1));
    py = safer__xmalloc(sizeof(double) * (np ? np : 1));
    int64_t *pi = safer__xmalloc(sizeof(int64_t) * (np ? np : 1));
    int64_t *pj = safer__xmalloc(sizeof(int64_t) * (np ? np : 1));
    uint32_t *pcount = safer__xmalloc(sizeof(uint32_t) * (np ? np : 1));
    uint32_t *ploc = safer__xmalloc(sizeof(uint32_t) * (np ? np : 1));
    np = 0;
    for (size_t k = 0; k < c->nlocs; k++) {
        loc_cell[k] = -1;
        if (uses[k]) {
            px[np] = c->xy[2 * k];
            py[np] = c->xy[2 * k + 1];
            ploc[np] = (uint32_t)k;
            pcount[np++] = uses[k];
        }
    }
    safer_bng_cells(bng, px, py, np, S, pi, pj, err);
    a->proj_operation = safer__xstrdup(safer_bng_operation(bng));
    for (size_t u = 0; u < np; u++) {
        int64_t i = pi[u], j = pj[u];
        int32_t k = (i < i0 || i > i1 || j < j0 || j > j1)
                        ? -1
                        : index[(size_t)(j - j0) * (size_t)nx + (size_t)(i - i0)];
        if (k < 0)
            a->points_outside_grid += pcount[u];
        else
            a->cells[k].count += pcount[u];
        loc_cell[ploc[u]] = k;
    }
    free(pi);
    free(pj);
    free(pcount);
    free(ploc);

    /* Gi*: no score when every cell holds the same count. */
    ci = safer__xmalloc(sizeof(int32_t) * (n ? n : 1));
    cj = safer__xmalloc(sizeof(int32_t) * (n ? n : 1));
    x = safer__xmalloc(sizeof(double) * (n ? n : 1));
    z = safer__xmalloc(sizeof(double) * (n ? n : 1));
    padj = safer__xmalloc(sizeof(double) * (n ? n : 1));
    nbrs = safer__xmalloc(sizeof(uint32_t) * (n ? n : 1));
    cls = safer__xmalloc(sizeof(*cls) * (n ? n : 1));
    for (size_t k = 0; k < n; k++) {
        ci[k] = a->cells[k].i;
        cj[k] = a->cells[k].j;
        x[k] = (double)a->cells[k].count;
    }
    int g = n >= 2 ? safer_gistar(ci, cj, x, n, z, nbrs, err) : SAFER_STATS_NO_SCORE;
    if (g < 0) {
        rc = g;
        goto out;
    }
    if (n < 2) {
        for (size_t k = 0; k < n; k++) {
            z[k] = NAN;
            nbrs[k] = 1;
        }
    }
    a->gi_no_score = g == SAFER_STATS_NO_SCORE;
    safer_gi_classify(z, n, padj, cls);
    for (size_t k = 0; k < n; k++) {
        struct safer_hotcell *h = &a->cells[k];
        h->neighbours = (int)nbrs[k];
        h->z = z[k];
        h->p = safer_pnorm_two_sided(z[k]);
        h->p_adj = padj[k];
        h->cls = cls[k];
    }
    rc = 0;
out:
    free(px);
    free(py);
    free(ci);
    free(cj);
    free(x);
    free(z);
    free(padj);
    free(nbrs);
    free(cls);
    return rc;
}

/* Moran's I of x over nb, both styles, as rows named `variable`. */
static int moran_rows(struct safer_assessment *a, const char *variable, const double *x,
                      const struct safer_nb *nb, struct safer_err *err)
{
    static const char *const styles[2] = {"W", "B"};
    for (int k = 0; k < 2; k++) {
        struct safer_moran m;
        int r = safer_moran_test(x, nb, k == 0 ? SAFER_MORAN_W : SAFER_MORAN_B, &m, err);
        if (r < 0)
            return r;
        struct safer_moran_row *row = &a->moran[a->nmoran++];
        row->variable = variable;
        row->style = styles[k];
        row->n = m.n_used;
        row->I = m.I;
        row->expectation = m.expectation;
        row->variance = m.variance;
        row->z = m.z;
        row->p = m.p_value;
        row->islands = m.islands;
    }
    return 0;
}

/*
 * Moran's I of the wards' latest 12 months, queen contiguity (prepared):
 * on the counts, then on the rates per 1,000 residents. Counts follow
 * where people live and visit; rates ask whether high risk for residents
 * clusters. A ward without a population has no rate, so the rates' test
 * runs over the wards that have one, with the neighbour list cut down to
 * them (spdep's subset.nb): a ward whose neighbours all lack a rate
 * becomes an island. Fewer than two such wards: no rows on rates.
 */
static int moran(struct safer_assessment *a, const struct safer__geo *geo, struct safer_err *err)
{
    if (a->nwards < 2)
        return 0;
    double *xv = safer__xmalloc(sizeof(double) * a->nwards);
    for (size_t w = 0; w < a->nwards; w++)
        xv[w] = (double)a->ward_latest[w];
    int rc = moran_rows(a, "total_latest12", xv, &geo->nb, err);

    size_t nr = 0;
    for (size_t w = 0; a->population && w < a->nwards; w++)
        nr += a->population[w] > 0;
    if (rc == 0 && nr >= 2) {
        const struct safer_nb *nb = &geo->nb;
        int32_t *sub = safer__xmalloc(sizeof(int32_t) * a->nwards);
        struct safer_nb rnb;
        safer_nb_init(&rnb);
        rnb.n = nr;
        rnb.start = safer__xcalloc(nr + 1, sizeof(uint32_t));
        rnb.adj = safer__xmalloc(sizeof(uint32_t) * (nb->start[a->nwards] + 1));
        size_t k = 0;
        for (size_t w = 0; w < a->nwards; w++) {
            sub[w] = a->population[w] > 0 ? (int32_t)k : -1;
            if (sub[w] >= 0)
                xv[k++] = 1000.0 * (double)a->ward_latest[w] / a->population[w];
        }
        /* Neighbours keep their order: sub[] is increasing. */
        for (size_t w = 0; w < a->nwards; w++) {
            if (sub[w] < 0)
                continue;
            uint32_t at = rnb.start[sub[w]];
            for (uint32_t e = nb->start[w]; e < nb->start[w + 1]; e++) {
                if (sub[nb->adj[e]] >= 0)
                    rnb.adj[at++] = (uint32_t)sub[nb->adj[e]];
            }
            rnb.start[sub[w] + 1] = at;
        }
        rc = moran_rows(a, "rate_latest12", xv, &rnb, err);
        safer_nb_release(&rnb);
        free(sub);
    }
    free(xv);
    return rc;
}

/*
 * Change tests: for each crime type and each ward, the exact two-sided
 * binomial test of latest_12 given latest_12 + prev_12 against 1/2 (no
 * change), Benjamini-Hochberg adjusted over all the tests together.
 * Only like for like: when the two windows hold data for different numbers
 * of months (one with none included) the counts cover different spans, so
 * there is no test (p NaN) and no change is comparable. Significant:
 * adjusted p < a->rules.change_alpha (0.05) and both windows complete.
 */
static void change_tests(struct safer_assessment *a)
{
    size_t n = a->ntypes + a->nwards;
    a->tests = safer__xcalloc(n ? n : 1, sizeof(*a->tests));
    double *p = safer__xmalloc(sizeof(double) * (n ? n : 1));
    int months_latest = safer_assessment_data_months(a, a->l12_start, a->latest);
    int months_prev = safer_assessment_data_months(a, a->p12_start, a->p12_end);
    int like = months_latest > 0 && months_latest == months_prev;
    int comparable = like && a->latest12_complete && a->prev12_complete;
    for (size_t k = 0; k < n; k++) {
        struct safer_change_test *t = &a->tests[k];
        int is_type = k < a->ntypes;
        size_t i = is_type ? k : k - a->ntypes;
        t->scope = is_type ? "type" : "ward";
        t->key = safer__xstrdup(is_type ? a->types[i] : a->wards[i].code);
        t->prev = is_type ? a->type_prev[i] : a->ward_prev[i];
        t->latest = is_type ? a->type_latest[i] : a->ward_latest[i];
        t->p = like && t->prev + t->latest > 0
                   ? safer_binom_test_half((long)t->latest, (long)(t->prev + t->latest))
                   : NAN;
        t->comparable = comparable;
        p[k] = t->p;
    }
    a->ntests = n;
    double *adj = safer__xmalloc(sizeof(double) * (n ? n : 1));
    safer_p_adjust_bh(p, n, adj);
    for (size_t k = 0; k < n; k++) {
        a->tests[k].p_adj = adj[k];
        a->tests[k].significant = a->tests[k].comparable && adj[k] < a->rules.change_alpha;
    }
    free(p);
    free(adj);
}

/* The indicators of a's plan's partnership, as the command line's
 * operator reads them (every count). */
static int plan_indicators(struct safer_store *st, struct safer_assessment *a,
                           struct safer_err *err)
{
    a->indicator_arena = safer__xcalloc(1, sizeof(*a->indicator_arena));
    safer_arena_init(a->indicator_arena);
    struct safer_partnership p;
    int rc = safer_partnership_find(st, a->plan->code, a->indicator_arena, &p, err);
    if (rc < 0)
        return rc;
    struct safer_actor op;
    safer_actor_operator(&op);
    op.partnership_id = p.id;
    return safer_indicator_list(st, &op, NULL, 0, a->indicator_arena, &a->indicators,
                                &a->nindicators, err);
}

int safer__inputs_read(struct safer_store *st, struct safer__inputs *in,
                       struct safer_assessment *a, struct safer_err *err)
{
    memset(in, 0, sizeof(*in));
    int rc = safer_publications_list(st, &a->publications, &a->npublications, err);
    if (rc == 0)
        rc = safer_lookup_lsoa_wards(st, &in->lsoa_ward, err);
    if (rc == 0)
        rc = safer_population_list(st, "ward", &in->pop_ward, &in->basis_ward, err);
    if (rc == 0)
        rc = safer_population_list(st, "lsoa", &in->pop_lsoa, &in->basis_lsoa, err);
    if (rc == 0)
        rc = safer_deprivation_list(st, &in->deprivation, err);
    if (rc == 0)
        rc = safer__deprivation_domains(st, &in->dom_arena, &in->dom, &in->ndom, err);
    if (rc == 0)
        rc = safer__boundary_year(st, err, &a->boundary_year);
    /* The partnership's plan, for the report: none without an area; and
     * its indicators, for section 11. */
    if (rc == 0)
        rc = safer_plan_load(st, a->area_code, &a->plan, err);
    if (rc == 0 && a->plan)
        rc = plan_indicators(st, a, err);
    /* The harm weights in force, in the same snapshot. */
    if (rc == 0) {
        a->harm = safer__xmalloc(sizeof(*a->harm));
        rc = safer__harm_read(st, a->harm, err);
    }
    return rc;
}

int safer__boundary_year(struct safer_store *st, struct safer_err *err, int *year)
{
    *year = 0;
    char *field = NULL, *synthetic = NULL;
    int rc = safer__areas_vintage(st, "ward", &field, err);
    if (rc == 0)
        rc = safer_store_get_meta(st, "synthetic", &synthetic, err);
    /* ONS names code columns LETTERS + two digits of the year + "CD". */
    size_t n = field ? strlen(field) : 0;
    if (rc == 0 && !synthetic && n >= 4 && strcmp(field + n - 2, "CD") == 0 &&
        field[n - 4] >= '0' && field[n - 4] <= '9' && field[n - 3] >= '0' && field[n - 3] <= '9')
        *year = 2000 + (field[n - 4] - '0') * 10 + (field[n - 3] - '0');
    free(field);
    free(synthetic);
    return rc;
}

void safer__inputs_release(struct safer__inputs *in)
{
    safer_pairs_release(&in->lsoa_ward);
    safer_values_release(&in->pop_ward);
    safer_values_release(&in->pop_lsoa);
    safer_values_release(&in->deprivation);
    free(in->dom);
    safer_arena_release(&in->dom_arena);
    safer_pairs_release(&in->lsoa_district);
    safer_districts_release(&in->districts);
    free(in->record_lsoa);
    free(in->later);
    for (size_t k = 0; k < in->nlater_names; k++)
        free(in->later_names[k]);
    free(in->later_names);
    safer__places_release(&in->places);
    safer__harm_tally_release(&in->harm);
    free(in->basis_ward);
    free(in->basis_lsoa);
    memset(in, 0, sizeof(*in));
}

void safer__ward_populations(const struct safer_pairs *lsoa_ward,
                             const struct safer_values *pop_ward,
                             const struct safer_values *pop_lsoa, char *const *codes, size_t n,
                             double *out, int *used_ward, int *used_lsoa)
{
    size_t m = n ? n : 1;
    double *lsoa_sum = safer__xcalloc(m, sizeof(double));
    unsigned char *lsoa_missing = safer__xcalloc(m, 1), *lsoa_any = safer__xcalloc(m, 1);
    for (size_t k = 0; pop_lsoa->n && k < lsoa_ward->n; k++) {
        long w = safer__find_str(codes, n, lsoa_ward->b[k]);
        if (w < 0)
            continue;
        lsoa_any[w] = 1;
        long p = safer__find_str(pop_lsoa->code, pop_lsoa->n, lsoa_ward->a[k]);
        if (p < 0)
            lsoa_missing[w] = 1;
        else
            lsoa_sum[w] += pop_lsoa->value[p];
    }
    *used_ward = *used_lsoa = 0;
    for (size_t w = 0; w < n; w++) {
        long p = safer__find_str(pop_ward->code, pop_ward->n, codes[w]);
        double v = NAN;
        if (p >= 0) {
            v = pop_ward->value[p];
            *used_ward = 1;
        } else if (pop_lsoa->n && lsoa_any[w] && !lsoa_missing[w]) {
            v = lsoa_sum[w];
            *used_lsoa = 1;
        }
        out[w] = v > 0 ? v : NAN;
    }
    free(lsoa_sum);
    free(lsoa_missing);
    free(lsoa_any);
}

double safer__population_sum(const double *pop, size_t n)
{
    if (!pop || n == 0)
        return NAN;
    double sum = 0;
    for (size_t w = 0; w < n; w++) {
        if (!(pop[w] > 0))
            return NAN;
        sum += pop[w];
    }
    return sum;
}

double safer_assessment_area_population(const struct safer_assessment *a)
{
    return safer__population_sum(a->population, a->nwards);
}

/*
 * Ward populations (safer__ward_populations), then each rate's interval.
 */
static void rates(const struct safer__inputs *in, struct safer_assessment *a)
{
    if (in->pop_ward.n == 0 && in->pop_lsoa.n == 0)
        return;
    size_t n = a->nwards ? a->nwards : 1;
    char **codes = safer__xmalloc(sizeof(char *) * n);
    for (size_t w = 0; w < a->nwards; w++)
        codes[w] = a->wards[w].code;
    a->population = safer__xmalloc(sizeof(double) * n);
    int used_ward = 0, used_lsoa = 0;
    safer__ward_populations(&in->lsoa_ward, &in->pop_ward, &in->pop_lsoa, codes, a->nwards,
                            a->population, &used_ward, &used_lsoa);
    /* The rate's interval is the count's exact Poisson interval, per 1,000
     * of the population (taken as known: its own error is not in it). */
    a->rate_lower = safer__xmalloc(sizeof(double) * n);
    a->rate_upper = safer__xmalloc(sizeof(double) * n);
    for (size_t w = 0; w < a->nwards; w++) {
        double lo = NAN, up = NAN;
        if (a->population[w] > 0)
            safer_poisson_ci(a->ward_latest[w], SAFER_RATE_CONF, &lo, &up);
        a->rate_lower[w] = 1000.0 * lo / a->population[w];
        a->rate_upper[w] = 1000.0 * up / a->population[w];
    }
    /* The basis of the figures used: one level's, or both. */
    const char *bw = used_ward ? in->basis_ward : NULL, *bl = used_lsoa ? in->basis_lsoa : NULL;
    if (bw && bl) {
        size_t len = strlen(bw) + strlen(bl) + 16;
        a->population_basis = safer__xmalloc(len);
        snprintf(a->population_basis, len, "%s; %s", bw, bl);
    } else if (bw || bl) {
        a->population_basis = safer__xstrdup(bw ? bw : bl);
    } else {
        a->population_basis = safer__xstrdup(in->basis_ward ? in->basis_ward : in->basis_lsoa);
    }
    free(codes);
}

/* Deprivation of each study ward from its LSOAs' IMD deciles. */
static void deprivation(const struct safer__inputs *in, struct safer_assessment *a)
{
    const struct safer_values *dep = &in->deprivation;
    if (dep->n == 0)
        return;
    size_t n = a->nwards ? a->nwards : 1;
    a->imd_lsoas = safer__xcalloc(n, sizeof(int));
    a->imd_most_deprived = safer__xcalloc(n, sizeof(int));
    a->imd_mean_decile = safer__xcalloc(n, sizeof(double));
    char **codes = safer__xmalloc(sizeof(char *) * n);
    for (size_t w = 0; w < a->nwards; w++)
        codes[w] = a->wards[w].code;
    for (size_t k = 0; k < in->lsoa_ward.n; k++) {
        long w = safer__find_str(codes, a->nwards, in->lsoa_ward.b[k]);
        long d = w >= 0 ? safer__find_str(dep->code, dep->n, in->lsoa_ward.a[k]) : -1;
        if (d < 0)
            continue;
        int decile = (int)dep->value[d];
        a->imd_lsoas[w]++;
        a->imd_most_deprived[w] += decile <= 2;
        a->imd_mean_decile[w] += decile;
    }
    for (size_t w = 0; w < a->nwards; w++)
        a->imd_mean_decile[w] = a->imd_lsoas[w] ? a->imd_mean_decile[w] / a->imd_lsoas[w] : NAN;
    free(codes);
}

int safer__assess_statistics(const struct safer__inputs *in, const struct safer_crimes *c,
                             const unsigned char *force_in, const int64_t *batch_asb,
                             const uint32_t *uses,
                             struct safer_assessment *a, struct safer__geo *geo,
                             struct safer_err *err)
{
    int rc = 0;
    coverage(c, force_in, batch_asb, a);
    change_tests(a);
    rates(in, a);
    deprivation(in, a);
    if (rc == 0 && geo->rc < 0)
        rc = safer_err_set(err, geo->rc, "%s", safer_err_msg(&geo->err, geo->rc));
    if (rc == 0 && geo->nb_rc < 0)
        rc = safer_err_set(err, geo->nb_rc, "%s", safer_err_msg(&geo->nb_err, geo->nb_rc));
    if (rc == 0)
        rc = moran(a, geo, err);
    if (rc == 0) {
        int32_t *loc_cell = safer__xmalloc(sizeof(int32_t) * (c->nlocs ? c->nlocs : 1));
        rc = hotspots(c, uses, loc_cell, a, geo, err);
        if (rc == 0)
            safer__places_cells(&in->places, loc_cell, a);
        if (rc == 0)
            rc = safer__harm_cells(&in->harm, c->nlocs, loc_cell, a, err);
        free(loc_cell);
    }
    return rc;
}
