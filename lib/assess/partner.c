/*
 * partner.c - the analyses of partner data (partner.h; definitions in
 * docs/statistics.md, Partner data): suppression of a table of counts by
 * ward and month with its margins and change windows, the change test,
 * Pearson's and Spearman's correlation, and the CSV files.
 *
 * Pure functions over a table read in one snapshot (store_partner.c).
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/buf.h"
#include "safer/csv.h"
#include "safer/partner.h"
#include "safer/stats.h"
#include "util/internal.h"

void safer_partner_table_release(struct safer_partner_table *t)
{
    if (t->ward_name)
        for (size_t w = 0; w < t->nwards; w++)
            free(t->ward_name[w]);
    free(t->ward);
    free(t->ward_name);
    free(t->population);
    free(t->cell);
    free(t->ward_total);
    free(t->month_total);
    free(t->hid_cell);
    free(t->hid_ward);
    free(t->hid_month);
    free(t->win_prev);
    free(t->win_latest);
    free(t->hid_prev);
    free(t->hid_latest);
    memset(t, 0, sizeof(*t));
}

static int kept(const char *code, const char *const *keep, size_t nkeep)
{
    if (!keep)
        return 1;
    size_t lo = 0, hi = nkeep;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(keep[mid], code);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void safer_partner_slice(const struct safer_partner_table *src, int32_t first, int32_t last,
                         const char *const *keep, size_t nkeep, struct safer_partner_table *t)
{
    memset(t, 0, sizeof(*t));
    size_t W = 0, M = last >= first ? (size_t)(last - first + 1) : 0;
    for (size_t w = 0; w < src->nwards; w++)
        W += (size_t)kept(src->ward[w], keep, nkeep);
    t->nwards = W;
    t->nmonths = M;
    t->first = first;
    t->ward = safer__xcalloc(W + 1, sizeof(*t->ward));
    t->ward_name = safer__xcalloc(W + 1, sizeof(*t->ward_name));
    t->population = safer__xcalloc(W + 1, sizeof(*t->population));
    t->cell = safer__xcalloc(W * M + 1, sizeof(*t->cell));
    t->ward_total = safer__xcalloc(W + 1, sizeof(*t->ward_total));
    t->month_total = safer__xcalloc(M + 1, sizeof(*t->month_total));
    t->unplaced = src->unplaced;
    for (size_t sw = 0, w = 0; sw < src->nwards; sw++) {
        if (!kept(src->ward[sw], keep, nkeep))
            continue;
        memcpy(t->ward[w], src->ward[sw], sizeof(t->ward[w]));
        t->ward_name[w] = safer__xstrdup(src->ward_name[sw]);
        t->population[w] = src->population[sw];
        for (size_t m = 0; m < M; m++) {
            int64_t sm = (int64_t)first + (int64_t)m - src->first;
            int64_t c = sm >= 0 && (size_t)sm < src->nmonths
                            ? src->cell[sw * src->nmonths + (size_t)sm]
                            : 0;
            t->cell[w * M + m] = c;
            t->ward_total[w] += c;
            t->month_total[m] += c;
            t->total += c;
        }
        w++;
    }
}

int safer_partner_windows(struct safer_partner_table *t, int len, struct safer_err *err)
{
    if (len < 1 || len > 60 || (size_t)len * 2 > t->nmonths)
        return safer_err_set(err, SAFER_EINVAL,
                             "a change test of %d-month windows needs %d months of data; the "
                             "table holds %zu",
                             len, 2 * len, t->nmonths);
    free(t->win_prev);
    free(t->win_latest);
    t->win = len;
    t->win_prev = safer__xcalloc(t->nwards + 1, sizeof(int64_t));
    t->win_latest = safer__xcalloc(t->nwards + 1, sizeof(int64_t));
    size_t m0 = t->nmonths - 2 * (size_t)len;
    for (size_t w = 0; w < t->nwards; w++) {
        for (size_t k = 0; k < (size_t)len; k++) {
            t->win_prev[w] += t->cell[w * t->nmonths + m0 + k];
            t->win_latest[w] += t->cell[w * t->nmonths + m0 + (size_t)len + k];
        }
        t->win_prev[t->nwards] += t->win_prev[w];
        t->win_latest[t->nwards] += t->win_latest[w];
    }
    return 0;
}

/*
 * The cells of the published figures, in this order: the W x M counts,
 * the W ward totals, the M month totals, the total, and with windows the
 * W + 1 previous and W + 1 latest window sums. Relations: each ward's
 * total of its months; each month's total of its wards; the total of
 * the ward totals and of the month totals; each ward's window sums of
 * their months; each window's total of its wards.
 */
int safer_partner_suppress(struct safer_partner_table *t, int64_t min, struct safer_err *err)
{
    size_t W = t->nwards, M = t->nmonths;
    free(t->hid_cell);
    free(t->hid_ward);
    free(t->hid_month);
    free(t->hid_prev);
    free(t->hid_latest);
    t->hid_cell = t->hid_ward = t->hid_month = t->hid_prev = t->hid_latest = NULL;
    t->hid_total = 0;
    if (min <= 1 || W == 0)
        return 0;
    size_t o_ward = W * M, o_month = o_ward + W, o_total = o_month + M, o_prev = o_total + 1;
    size_t o_latest = o_prev + (t->win ? W + 1 : 0);
    size_t ncells = o_latest + (t->win ? W + 1 : 0);
    int64_t *v = safer__xcalloc(ncells, sizeof(*v));
    memcpy(v, t->cell, W * M * sizeof(*v));
    memcpy(v + o_ward, t->ward_total, W * sizeof(*v));
    memcpy(v + o_month, t->month_total, M * sizeof(*v));
    v[o_total] = t->total;
    if (t->win) {
        memcpy(v + o_prev, t->win_prev, (W + 1) * sizeof(*v));
        memcpy(v + o_latest, t->win_latest, (W + 1) * sizeof(*v));
    }
    /* Relations: at most W + M + 2 + 2W + 2, of at most max(W, M) + 1 cells. */
    size_t nrel_max = W + M + 2 + 2 * W + 2;
    size_t *start = safer__xcalloc(nrel_max + 1, sizeof(*start));
    size_t *cells = safer__xcalloc((W * M) * 2 + W + M + 2 + 2 * (W * M + W + 1) + 2 * W + 4,
                                   sizeof(*cells));
    size_t nrel = 0, nc = 0;
#define REL_BEGIN(total) (start[nrel] = nc, cells[nc++] = (total))
#define REL_END() (nrel++)
    for (size_t w = 0; w < W; w++) {
        REL_BEGIN(o_ward + w);
        for (size_t m = 0; m < M; m++)
            cells[nc++] = w * M + m;
        REL_END();
    }
    for (size_t m = 0; m < M; m++) {
        REL_BEGIN(o_month + m);
        for (size_t w = 0; w < W; w++)
            cells[nc++] = w * M + m;
        REL_END();
    }
    REL_BEGIN(o_total);
    for (size_t w = 0; w < W; w++)
        cells[nc++] = o_ward + w;
    REL_END();
    REL_BEGIN(o_total);
    for (size_t m = 0; m < M; m++)
        cells[nc++] = o_month + m;
    REL_END();
    if (t->win) {
        size_t m0 = M - 2 * (size_t)t->win;
        for (int which = 0; which < 2; which++) {
            size_t o = which ? o_latest : o_prev;
            size_t mfirst = m0 + (which ? (size_t)t->win : 0);
            for (size_t w = 0; w < W; w++) {
                REL_BEGIN(o + w);
                for (size_t k = 0; k < (size_t)t->win; k++)
                    cells[nc++] = w * M + mfirst + k;
                REL_END();
            }
            REL_BEGIN(o + W);
            for (size_t w = 0; w < W; w++)
                cells[nc++] = o + w;
            REL_END();
        }
    }
#undef REL_BEGIN
#undef REL_END
    start[nrel] = nc;
    /* safer_suppress() wants two cells a relation at least: a relation
     * with no part (a table of no months) says nothing, so it is left out. */
    size_t *st2 = safer__xcalloc(nrel + 1, sizeof(*st2));
    size_t *c2 = safer__xcalloc(nc + 1, sizeof(*c2));
    size_t n2 = 0, k2 = 0;
    for (size_t r = 0; r < nrel; r++) {
        if (start[r + 1] - start[r] < 2)
            continue;
        st2[n2++] = k2;
        for (size_t i = start[r]; i < start[r + 1]; i++)
            c2[k2++] = cells[i];
    }
    st2[n2] = k2;
    unsigned char *hid = safer__xcalloc(ncells, 1);
    struct safer_sums sums = {n2, st2, c2};
    int rc = safer_suppress(v, ncells, &sums, min, hid, err);
    if (rc == 0) {
        t->hid_cell = safer__xmalloc(W * M + 1);
        memcpy(t->hid_cell, hid, W * M);
        t->hid_ward = safer__xmalloc(W + 1);
        memcpy(t->hid_ward, hid + o_ward, W);
        t->hid_month = safer__xmalloc(M + 1);
        memcpy(t->hid_month, hid + o_month, M);
        t->hid_total = hid[o_total];
        if (t->win) {
            t->hid_prev = safer__xmalloc(W + 1);
            memcpy(t->hid_prev, hid + o_prev, W + 1);
            t->hid_latest = safer__xmalloc(W + 1);
            memcpy(t->hid_latest, hid + o_latest, W + 1);
        }
    }
    free(hid);
    free(st2);
    free(c2);
    free(start);
    free(cells);
    free(v);
    return rc;
}

int safer_partner_publish(struct safer_partner_table *t, int64_t min, int len,
                          struct safer_err *err)
{
    if (len == 0)
        len = t->nmonths / 2 < 12 ? (int)(t->nmonths / 2) : 12;
    int rc = len > 0 ? safer_partner_windows(t, len, err) : 0;
    if (rc == 0)
        rc = safer_partner_suppress(t, min, err);
    return rc;
}

void safer_partner_change(const struct safer_partner_table *t,
                          struct safer_partner_change *out)
{
    size_t W = t->nwards;
    double *p = safer__xcalloc(W + 1, sizeof(*p));
    for (size_t w = 0; w <= W; w++) {
        int64_t a = t->win ? t->win_prev[w] : 0, b = t->win ? t->win_latest[w] : 0;
        out[w].prev = a;
        out[w].latest = b;
        out[w].p = t->win && a + b > 0 ? safer_binom_test_half((long)b, (long)(a + b)) : NAN;
        /* The adjustment counts only the tests shown: a hidden one's
         * p-value must not move the others'. */
        if (w < W)
            p[w] = t->hid_prev && (t->hid_prev[w] || t->hid_latest[w]) ? NAN : out[w].p;
    }
    safer_p_adjust_bh(p, W, p);
    for (size_t w = 0; w < W; w++)
        out[w].p_adj = isnan(p[w]) ? NAN : p[w];
    out[W].p_adj = out[W].p;
    free(p);
}

double safer_pearson(const double *x, const double *y, size_t n)
{
    if (n < 3)
        return NAN;
    /* Two passes: the means, then the centred sums, which keeps the
     * cancellation of the one-pass formula out. */
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (!(sxx > 0) || !(syy > 0))
        return NAN;
    double r = sxy / sqrt(sxx * syy);
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

struct rank_item {
    double v;
    size_t i;
};

static int cmp_rank(const void *a, const void *b)
{
    const struct rank_item *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Ranks 1..n of v, ties given the mean of the ranks they span (R's
 * rank(ties.method = "average")). */
static void ranks(const double *v, size_t n, double *out)
{
    struct rank_item *it = safer__xcalloc(n + 1, sizeof(*it));
    for (size_t i = 0; i < n; i++)
        it[i] = (struct rank_item){v[i], i};
    qsort(it, n, sizeof(*it), cmp_rank);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && it[j + 1].v == it[i].v)
            j++;
        double r = ((double)(i + 1) + (double)(j + 1)) / 2;
        for (size_t k = i; k <= j; k++)
            out[it[k].i] = r;
        i = j + 1;
    }
    free(it);
}

double safer_spearman(const double *x, const double *y, size_t n)
{
    if (n < 3)
        return NAN;
    double *rx = safer__xcalloc(n, sizeof(*rx)), *ry = safer__xcalloc(n, sizeof(*ry));
    ranks(x, n, rx);
    ranks(y, n, ry);
    double r = safer_pearson(rx, ry, n);
    free(rx);
    free(ry);
    return r;
}

/* ---- CSV ---- */

static void put_text(struct safer_buf *b, const char *s) { safer_csv_put_text(b, s, strlen(s)); }

static void put_count(struct safer_buf *b, int64_t v, int hidden)
{
    if (hidden)
        safer_buf_puts(b, "[c]");
    else
        safer_buf_putf(b, "%lld", (long long)v);
}

static void put_rate(struct safer_buf *b, int64_t v, double pop, int hidden)
{
    if (hidden)
        safer_buf_puts(b, "[c]");
    else if (isfinite(pop) && pop > 0)
        safer_buf_putf(b, "%.2f", (double)v * 1000.0 / pop);
}

static void put_p(struct safer_buf *b, double p)
{
    if (isfinite(p))
        safer_buf_putf(b, "%.6g", p);
}

static int hid(const unsigned char *mask, size_t i) { return mask && mask[i]; }

int safer_partner_csv_table(const struct safer_partner_table *t, bool by_month,
                            struct safer_buf *b)
{
    char mo[8];
    if (!by_month) {
        safer_buf_puts(b, "ward,ward_name,population,count,rate_per_1000\n");
        for (size_t w = 0; w < t->nwards; w++) {
            put_text(b, t->ward[w]);
            safer_buf_puts(b, ",");
            put_text(b, t->ward_name[w]);
            safer_buf_puts(b, ",");
            if (isfinite(t->population[w]))
                safer_buf_putf(b, "%.0f", t->population[w]);
            safer_buf_puts(b, ",");
            put_count(b, t->ward_total[w], hid(t->hid_ward, w));
            safer_buf_puts(b, ",");
            put_rate(b, t->ward_total[w], t->population[w], hid(t->hid_ward, w));
            safer_buf_puts(b, "\n");
        }
        safer_buf_puts(b, "all,All wards,,");
        put_count(b, t->total, t->hid_total);
        safer_buf_puts(b, ",\n");
        return safer_buf_error(b);
    }
    safer_buf_puts(b, "ward,ward_name,month,count\n");
    for (size_t w = 0; w <= t->nwards; w++) {
        for (size_t m = 0; m < t->nmonths; m++) {
            safer__format_month(t->first + (int)m, mo);
            if (w < t->nwards) {
                put_text(b, t->ward[w]);
                safer_buf_puts(b, ",");
                put_text(b, t->ward_name[w]);
                safer_buf_putf(b, ",%s,", mo);
                put_count(b, t->cell[w * t->nmonths + m], hid(t->hid_cell, w * t->nmonths + m));
            } else {
                safer_buf_putf(b, "all,All wards,%s,", mo);
                put_count(b, t->month_total[m], hid(t->hid_month, m));
            }
            safer_buf_puts(b, "\n");
        }
    }
    return safer_buf_error(b);
}

int safer_partner_csv_list(const struct safer_partner_set *s, size_t n, struct safer_buf *b)
{
    safer_buf_puts(b, "key,title,agency,source,licence,threshold,place,police_category,file,"
                      "rows,records,first_month,last_month,months_missing\n");
    char f[8], l[8];
    for (size_t i = 0; i < n; i++) {
        const char *txt[] = {s[i].key, s[i].title, s[i].agency, s[i].source, s[i].licence};
        for (int k = 0; k < 5; k++) {
            put_text(b, txt[k]);
            safer_buf_puts(b, ",");
        }
        safer_buf_putf(b, "%lld,", (long long)s[i].threshold);
        put_text(b, s[i].place_kind);
        safer_buf_puts(b, ",");
        put_text(b, s[i].police_category);
        safer_buf_puts(b, ",");
        put_text(b, s[i].file);
        f[0] = l[0] = '\0';
        if (s[i].first >= 0) {
            safer__format_month(s[i].first, f);
            safer__format_month(s[i].last, l);
        }
        safer_buf_putf(b, ",%lld,%lld,%s,%s,%d\n", (long long)s[i].rows,
                       (long long)s[i].records, f, l, (int)s[i].months_missing);
    }
    return safer_buf_error(b);
}

int safer_partner_csv_compare(const struct safer_partner_table *pt,
                              const struct safer_partner_table *po, bool by_month,
                              struct safer_buf *b, double *r, double *rho)
{
    size_t n = by_month ? pt->nmonths : pt->nwards;
    double *x = safer__xcalloc(n + 1, sizeof(*x)), *y = safer__xcalloc(n + 1, sizeof(*y));
    size_t k = 0;
    char mo[8];
    if (by_month)
        safer_buf_puts(b, "month,police,partner\n");
    else
        safer_buf_puts(b, "ward,ward_name,population,police,partner,police_rate_per_1000,"
                          "partner_rate_per_1000\n");
    for (size_t i = 0; i < n; i++) {
        int h;
        int64_t a, c;
        if (by_month) {
            /* The two tables span the same months (the caller reads them so). */
            h = hid(pt->hid_month, i);
            a = i < po->nmonths ? po->month_total[i] : 0;
            c = pt->month_total[i];
            safer__format_month(pt->first + (int)i, mo);
            safer_buf_putf(b, "%s,%lld,", mo, (long long)a);
            put_count(b, c, h);
        } else {
            h = hid(pt->hid_ward, i);
            /* The same ward list: both come from the store's wards. */
            a = i < po->nwards ? po->ward_total[i] : 0;
            c = pt->ward_total[i];
            put_text(b, pt->ward[i]);
            safer_buf_puts(b, ",");
            put_text(b, pt->ward_name[i]);
            safer_buf_puts(b, ",");
            if (isfinite(pt->population[i]))
                safer_buf_putf(b, "%.0f", pt->population[i]);
            safer_buf_putf(b, ",%lld,", (long long)a);
            put_count(b, c, h);
            safer_buf_puts(b, ",");
            put_rate(b, a, pt->population[i], 0);
            safer_buf_puts(b, ",");
            put_rate(b, c, pt->population[i], h);
        }
        safer_buf_puts(b, "\n");
        if (!h) {
            x[k] = (double)a;
            y[k] = (double)c;
            k++;
        }
    }
    *r = safer_pearson(x, y, k);
    *rho = safer_spearman(x, y, k);
    free(x);
    free(y);
    return safer_buf_error(b);
}

int safer_partner_csv_change(const struct safer_partner_table *t, struct safer_buf *b)
{
    size_t W = t->nwards;
    struct safer_partner_change *c = safer__xcalloc(W + 1, sizeof(*c));
    safer_partner_change(t, c);
    char f[8], l[8];
    safer_buf_puts(b, "ward,ward_name,prev_from,latest_to,prev,latest,p,p_adj\n");
    if (t->win) {
        safer__format_month(t->first + (int)(t->nmonths - 2 * (size_t)t->win), f);
        safer__format_month(t->first + (int)t->nmonths - 1, l);
    } else {
        f[0] = l[0] = '\0';
    }
    for (size_t w = 0; w <= W; w++) {
        int h = hid(t->hid_prev, w) || hid(t->hid_latest, w);
        if (w < W) {
            put_text(b, t->ward[w]);
            safer_buf_puts(b, ",");
            put_text(b, t->ward_name[w]);
        } else {
            safer_buf_puts(b, "all,All wards");
        }
        safer_buf_putf(b, ",%s,%s,", f, l);
        put_count(b, c[w].prev, hid(t->hid_prev, w));
        safer_buf_puts(b, ",");
        put_count(b, c[w].latest, hid(t->hid_latest, w));
        safer_buf_puts(b, ",");
        if (h) {
            safer_buf_puts(b, "[c],[c]");
        } else {
            put_p(b, c[w].p);
            safer_buf_puts(b, ",");
            put_p(b, c[w].p_adj);
        }
        safer_buf_puts(b, "\n");
    }
    free(c);
    return safer_buf_error(b);
}

/* ---- hot spots ---- */

void safer_partner_hot_release(struct safer_partner_hot *h)
{
    free(h->ci);
    free(h->cj);
    free(h->count);
    free(h->z);
    free(h->p_adj);
    free(h->cls);
    memset(h, 0, sizeof(*h));
}

int safer_partner_hotspots(const double *x, const double *y, const int64_t *w, size_t n,
                           double cell, struct safer_partner_hot *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    if (!(cell >= 10 && cell <= 100000))
        return safer_err_set(err, SAFER_EINVAL, "a cell of %g metres: give 10 to 100000", cell);
    if (n == 0)
        return safer_err_set(err, SAFER_EINVAL, "no points to find hot spots among");
    double i0 = INFINITY, i1 = -INFINITY, j0 = INFINITY, j1 = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        double ci = floor(x[k] / cell), cj = floor(y[k] / cell);
        i0 = ci < i0 ? ci : i0;
        i1 = ci > i1 ? ci : i1;
        j0 = cj < j0 ? cj : j0;
        j1 = cj > j1 ? cj : j1;
    }
    double cells = (i1 - i0 + 1) * (j1 - j0 + 1);
    if (!(cells <= (double)SAFER_LIMIT_GRID_CELLS))
        return safer_err_set(err, SAFER_ETOOBIG,
                             "the points' bounding box holds %.0f cells of %g m, over the "
                             "limit of %d (SAFER_LIMIT_GRID_CELLS)",
                             cells, cell, SAFER_LIMIT_GRID_CELLS);
    if (cells < 2)
        return safer_err_set(err, SAFER_EINVAL, "the points lie in one cell of %g m", cell);
    size_t ni = (size_t)(i1 - i0 + 1), nc = (size_t)cells;
    out->n = nc;
    out->cell = cell;
    out->ci = safer__xcalloc(nc, sizeof(*out->ci));
    out->cj = safer__xcalloc(nc, sizeof(*out->cj));
    out->count = safer__xcalloc(nc, sizeof(*out->count));
    out->z = safer__xcalloc(nc, sizeof(*out->z));
    out->p_adj = safer__xcalloc(nc, sizeof(*out->p_adj));
    out->cls = safer__xcalloc(nc, sizeof(*out->cls));
    for (size_t k = 0; k < nc; k++) {
        out->ci[k] = (int32_t)i0 + (int32_t)(k % ni);
        out->cj[k] = (int32_t)j0 + (int32_t)(k / ni);
    }
    for (size_t k = 0; k < n; k++) {
        size_t a = (size_t)(floor(x[k] / cell) - i0), b = (size_t)(floor(y[k] / cell) - j0);
        out->count[b * ni + a] += w ? w[k] : 1;
    }
    double *v = safer__xcalloc(nc, sizeof(*v));
    enum safer_gi_class *cls = safer__xcalloc(nc, sizeof(*cls));
    for (size_t k = 0; k < nc; k++)
        v[k] = (double)out->count[k];
    int rc = safer_gistar(out->ci, out->cj, v, nc, out->z, NULL, err);
    if (rc >= 0) {
        out->no_score = rc == SAFER_STATS_NO_SCORE;
        safer_gi_classify(out->z, nc, out->p_adj, cls);
        for (size_t k = 0; k < nc; k++)
            out->cls[k] = (signed char)cls[k];
        rc = 0;
    }
    free(v);
    free(cls);
    if (rc < 0)
        safer_partner_hot_release(out);
    return rc;
}

int safer_partner_csv_hotspots(const struct safer_partner_hot *h, int64_t min,
                               struct safer_buf *b)
{
    bool sup = min > 1;
    safer_buf_puts(b, sup ? "cell_i,cell_j,e_centre,n_centre,count,class\n"
                          : "cell_i,cell_j,e_centre,n_centre,count,z,p_adj,class\n");
    for (size_t k = 0; k < h->n; k++) {
        if (sup && !(h->cls[k] >= SAFER_GI_HOT90 && h->cls[k] <= SAFER_GI_HOT99))
            continue;
        safer_buf_putf(b, "%d,%d,%.0f,%.0f,", (int)h->ci[k], (int)h->cj[k],
                       ((double)h->ci[k] + 0.5) * h->cell, ((double)h->cj[k] + 0.5) * h->cell);
        put_count(b, h->count[k], sup && h->count[k] >= 1 && h->count[k] < min);
        if (!sup) {
            safer_buf_puts(b, ",");
            if (isfinite(h->z[k]))
                safer_buf_putf(b, "%.6f", h->z[k]);
            safer_buf_puts(b, ",");
            put_p(b, h->p_adj[k]);
        }
        safer_buf_putf(b, ",%s\n", safer_gi_class_name((enum safer_gi_class)h->cls[k]));
    }
    return safer_buf_error(b);
}

int32_t safer_quarter_parse(const char *s)
{
    if (strlen(s) != 7 || s[4] != '-' || (s[5] != 'Q' && s[5] != 'q') || s[6] < '1' ||
        s[6] > '4')
        return -1;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        y = y * 10 + (s[i] - '0');
    }
    if (y < 1900)
        return -1;
    return (int32_t)(y * 12 + (s[6] - '1') * 3);
}
