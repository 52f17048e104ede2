/*
 * visits.c - the analyses of service usage and the pop-up proposal over
 * one snapshot (visits.h; definitions in docs/statistics.md, Service usage
 * and Pop-up sites), and their CSV files.
 *
 * Pure functions over the arrays safer_visits_load() read: no store, no
 * clock. Weekdays and months come from the visit's date as the export
 * gave it (local time, as a service records it).
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/csv.h"
#include "safer/visits.h"
#include "util/civil.h"
#include "util/internal.h"

const double safer_visits_band_lo[SAFER_VISITS_NBANDS] = {0, 2000, 4000, 6000, 8000, 10000, 12000};

static const char *const WEEKDAYS[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};

static int32_t month_of(int32_t day)
{
    int y, m, d;
    safer__civil_from_days(day, &y, &m, &d);
    return safer__month_index(y, m);
}

void safer_visits_heatmap(const struct safer_visits *v, int64_t out[7][24])
{
    memset(out, 0, sizeof(int64_t) * 7 * 24);
    for (size_t i = 0; i < v->n; i++)
        out[safer__weekday(v->v[i].day)][v->v[i].minute / 60]++;
}

int safer_visits_trend(const struct safer_visits *v, int32_t *first, int64_t **counts, size_t *n)
{
    *counts = NULL;
    *n = 0;
    *first = 0;
    if (v->n == 0)
        return 0;
    int32_t a = month_of(v->first_day), b = month_of(v->last_day);
    *first = a;
    *n = (size_t)(b - a + 1);
    *counts = safer__xcalloc(*n, sizeof(int64_t));
    for (size_t i = 0; i < v->n; i++)
        (*counts)[month_of(v->v[i].day) - a]++;
    return 0;
}

static int band_of(double distance)
{
    if (!isfinite(distance))
        return -1;
    int b = 0;
    while (b + 1 < SAFER_VISITS_NBANDS && distance >= safer_visits_band_lo[b + 1])
        b++;
    return b;
}

size_t safer_visits_hide(const struct safer_visits *v, int64_t min, bool *hidden)
{
    size_t n = 0;
    for (size_t i = 0; i < v->nwards; i++) {
        hidden[i] = min > 1 && v->wards[i].visits > 0 && v->wards[i].visits < min;
        n += hidden[i];
    }
    if (n == 1) {
        long least = -1;
        for (size_t i = 0; i < v->nwards; i++)
            if (!hidden[i] && v->wards[i].visits > 0 &&
                (least < 0 || v->wards[i].visits < v->wards[least].visits))
                least = (long)i;
        if (least >= 0) {
            hidden[least] = true;
            n++;
        }
    }
    return n;
}

void safer_visits_bands(const struct safer_visits *v, const bool *hidden,
                        struct safer_visits_band out[SAFER_VISITS_NBANDS])
{
    for (int b = 0; b < SAFER_VISITS_NBANDS; b++) {
        memset(&out[b], 0, sizeof(out[b]));
        out[b].lo = safer_visits_band_lo[b];
        out[b].hi = b + 1 < SAFER_VISITS_NBANDS ? safer_visits_band_lo[b + 1] : INFINITY;
    }
    int64_t counted[SAFER_VISITS_NBANDS] = {0};
    for (size_t i = 0; i < v->nwards; i++) {
        const struct safer_visit_ward *w = &v->wards[i];
        int b = band_of(w->distance);
        if (b < 0)
            continue;
        out[b].wards++;
        out[b].visits += w->visits;
        if (hidden && hidden[i])
            out[b].hidden = true;
        if (isfinite(w->residents)) {
            out[b].residents += w->residents;
            counted[b] += w->visits;
        }
    }
    /* The rate counts the visits of the wards whose residents are known. */
    for (int b = 0; b < SAFER_VISITS_NBANDS; b++)
        out[b].rate = out[b].residents > 0 ? 1000.0 * (double)counted[b] / out[b].residents : NAN;
}

static int cmp_visit_of(const void *a, const void *b)
{
    const struct safer_visit *x = *(const struct safer_visit *const *)a;
    const struct safer_visit *y = *(const struct safer_visit *const *)b;
    if (x->visitor != y->visitor)
        return x->visitor < y->visitor ? -1 : 1;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return (x->minute > y->minute) - (x->minute < y->minute);
}

void safer_visits_repeat(const struct safer_visits *v, int window, struct safer_visits_repeat *out)
{
    memset(out, 0, sizeof(*out));
    out->window = window;
    out->mean = NAN;
    out->share = NAN;
    const struct safer_visit **with = safer__xcalloc(v->n ? v->n : 1, sizeof(*with));
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i].visitor >= 0)
            with[k++] = &v->v[i];
    out->visits_with_id = k;
    qsort(with, k, sizeof(*with), cmp_visit_of);
    for (size_t i = 0; i < k;) {
        size_t j = i;
        while (j < k && with[j]->visitor == with[i]->visitor)
            j++;
        size_t count = j - i;
        out->visitors++;
        out->by_count[count >= 5 ? 4 : count - 1]++;
        /* Eligible: the first visit is at least N days before the last day
         * of the data, so every eligible visitor had N days to return. */
        int32_t first = with[i]->day;
        if (v->last_day - first >= window) {
            out->eligible++;
            /* Another visit on a later day, within N days of the first. */
            bool back = false;
            for (size_t q = i + 1; q < j && !back; q++)
                back = with[q]->day > first && with[q]->day - first <= window;
            out->returned += back;
        }
        i = j;
    }
    if (out->visitors)
        out->mean = (double)k / (double)out->visitors;
    if (out->eligible)
        out->share = (double)out->returned / (double)out->eligible;
    free(with);
}

/* ---- CSV ---- */

static void put_num(struct safer_buf *b, double v, int places)
{
    if (isfinite(v))
        safer_buf_putf(b, "%.*f", places, v);
}

int safer_visits_csv_heatmap(const struct safer_visits *v, struct safer_buf *b)
{
    int64_t h[7][24];
    safer_visits_heatmap(v, h);
    safer_buf_puts(b, "weekday,hour,visits\n");
    for (int d = 0; d < 7; d++)
        for (int hr = 0; hr < 24; hr++)
            safer_buf_putf(b, "%s,%02d,%lld\n", WEEKDAYS[d], hr, (long long)h[d][hr]);
    return safer_buf_error(b);
}

int safer_visits_csv_trend(const struct safer_visits *v, struct safer_buf *b)
{
    int32_t first;
    int64_t *c;
    size_t n;
    safer_visits_trend(v, &first, &c, &n);
    safer_buf_puts(b, "month,visits\n");
    for (size_t i = 0; i < n; i++) {
        char m[8];
        safer__format_month(first + (int32_t)i, m);
        safer_buf_putf(b, "%s,%lld\n", m, (long long)c[i]);
    }
    free(c);
    return safer_buf_error(b);
}

int safer_visits_csv_wards(const struct safer_visits *v, int hide_below, struct safer_buf *b)
{
    bool *hide = safer__xcalloc(v->nwards + 1, sizeof(bool));
    safer_visits_hide(v, hide_below, hide);
    safer_buf_puts(b, "ward_code,ward_name,visits,residents,rate_per_1000,distance_m,band\n");
    for (size_t i = 0; i < v->nwards; i++) {
        const struct safer_visit_ward *w = &v->wards[i];
        bool hidden = hide[i];
        safer_csv_put_text(b, w->code, strlen(w->code));
        safer_buf_puts(b, ",");
        safer_csv_put_text(b, w->name, strlen(w->name));
        safer_buf_puts(b, ",");
        if (!hidden)
            safer_buf_putf(b, "%lld", (long long)w->visits);
        safer_buf_puts(b, ",");
        put_num(b, w->residents, 0);
        safer_buf_puts(b, ",");
        if (!hidden && isfinite(w->residents) && w->residents > 0)
            put_num(b, 1000.0 * (double)w->visits / w->residents, 2);
        safer_buf_puts(b, ",");
        put_num(b, w->distance, 0);
        safer_buf_puts(b, ",");
        int band = band_of(w->distance);
        if (band >= 0) {
            if (band + 1 < SAFER_VISITS_NBANDS)
                safer_buf_putf(b, "%g-%g km", safer_visits_band_lo[band] / 1000,
                               safer_visits_band_lo[band + 1] / 1000);
            else
                safer_buf_putf(b, "%g km+", safer_visits_band_lo[band] / 1000);
        }
        safer_buf_puts(b, "\n");
    }
    free(hide);
    return safer_buf_error(b);
}

int safer_visits_csv_bands(const struct safer_visits *v, int hide_below, struct safer_buf *b)
{
    bool *hide = safer__xcalloc(v->nwards + 1, sizeof(bool));
    safer_visits_hide(v, hide_below, hide);
    struct safer_visits_band bands[SAFER_VISITS_NBANDS];
    safer_visits_bands(v, hide, bands);
    free(hide);
    safer_buf_puts(b, "band,from_m,to_m,wards,visits,residents,rate_per_1000\n");
    for (int i = 0; i < SAFER_VISITS_NBANDS; i++) {
        const struct safer_visits_band *x = &bands[i];
        if (isfinite(x->hi))
            safer_buf_putf(b, "%g-%g km,%.0f,%.0f,", x->lo / 1000, x->hi / 1000, x->lo, x->hi);
        else
            safer_buf_putf(b, "%g km+,%.0f,,", x->lo / 1000, x->lo);
        safer_buf_putf(b, "%zu,", x->wards);
        if (!x->hidden)
            safer_buf_putf(b, "%lld", (long long)x->visits);
        safer_buf_puts(b, ",");
        put_num(b, x->residents, 0);
        safer_buf_puts(b, ",");
        if (!x->hidden)
            put_num(b, x->rate, 2);
        safer_buf_puts(b, "\n");
    }
    return safer_buf_error(b);
}

int safer_visits_csv_repeat(const struct safer_visits *v, int window, struct safer_buf *b)
{
    struct safer_visits_repeat r;
    safer_visits_repeat(v, window, &r);
    safer_buf_puts(b, "measure,value\n");
    safer_buf_putf(b, "visits_with_id,%zu\nvisitors,%zu\n", r.visits_with_id, r.visitors);
    static const char *const by[5] = {"1", "2", "3", "4", "5_or_more"};
    for (int i = 0; i < 5; i++)
        safer_buf_putf(b, "visitors_with_%s_visits,%zu\n", by[i], r.by_count[i]);
    safer_buf_puts(b, "visits_per_visitor,");
    put_num(b, r.mean, 3);
    safer_buf_putf(b, "\nwindow_days,%d\neligible_visitors,%zu\nreturned_within_window,%zu\n"
                      "share_returned,",
                   r.window, r.eligible, r.returned);
    put_num(b, r.share, 4);
    safer_buf_puts(b, "\n");
    return safer_buf_error(b);
}

/* ---- the pop-up proposal ---- */

struct pt {
    double x, y, w;
};

static int cmp_pt(const void *a, const void *b)
{
    const struct pt *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->y > q->y) - (p->y < q->y);
}

static void thousands(uint64_t v, char out[32])
{
    char raw[32];
    snprintf(raw, sizeof(raw), "%llu", (unsigned long long)v);
    size_t n = strlen(raw), o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = raw[i];
    }
    out[o] = '\0';
}

int safer_visits_popup(struct safer_visits *v, const struct safer_popup_opts *o,
                       struct safer_popup_answer *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct pt *d = NULL;
    size_t m = 0;
    if (o->demand == SAFER_POPUP_RESIDENTS || o->demand == SAFER_POPUP_RECORDS) {
        bool records = o->demand == SAFER_POPUP_RECORDS;
        d = safer__xcalloc(v->nwards ? v->nwards : 1, sizeof(*d));
        for (size_t i = 0; i < v->nwards && !(records && v->records_last < 0); i++) {
            const struct safer_visit_ward *w = &v->wards[i];
            double weight = records ? (double)w->records : w->residents;
            if (!isfinite(w->x) || !isfinite(w->y) || !isfinite(weight)) {
                out->dropped++;
                continue;
            }
            d[m++] = (struct pt){w->x, w->y, weight};
        }
    } else if (o->demand == SAFER_POPUP_VISITORS) {
        d = safer__xcalloc(v->n ? v->n : 1, sizeof(*d));
        for (size_t i = 0; i < v->n; i++) {
            if (!isfinite(v->v[i].x) || !isfinite(v->v[i].y)) {
                out->dropped++;
                continue;
            }
            d[m++] = (struct pt){v->v[i].x, v->v[i].y, 1};
        }
        /* Visits from one point are one demand point weighing their count. */
        qsort(d, m, sizeof(*d), cmp_pt);
        size_t u = 0;
        for (size_t i = 0; i < m; i++) {
            if (u && d[u - 1].x == d[i].x && d[u - 1].y == d[i].y)
                d[u - 1].w += 1;
            else
                d[u++] = d[i];
        }
        m = u;
    } else {
        return safer_err_set(err, SAFER_EINVAL, "unknown demand");
    }
    size_t ne = 0, nc = 0;
    double *ex = safer__xcalloc(v->nvenues + 1, sizeof(double));
    double *ey = safer__xcalloc(v->nvenues + 1, sizeof(double));
    double *cx = safer__xcalloc(v->nvenues + 1, sizeof(double));
    double *cy = safer__xcalloc(v->nvenues + 1, sizeof(double));
    size_t *cidx = safer__xcalloc(v->nvenues + 1, sizeof(size_t));
    double *dx = safer__xcalloc(m + 1, sizeof(double));
    double *dy = safer__xcalloc(m + 1, sizeof(double));
    double *dw = safer__xcalloc(m + 1, sizeof(double));
    struct safer_buf names;
    safer_buf_init(&names, 1u << 16);
    for (size_t j = 0; j < v->nvenues; j++) {
        const struct safer_venue *ve = &v->venues[j];
        if (ve->existing) {
            ex[ne] = ve->x, ey[ne] = ve->y;
            safer_buf_putf(&names, "%s%s", ne ? ", " : "", ve->name);
            ne++;
        } else {
            cx[nc] = ve->x, cy[nc] = ve->y, cidx[nc] = j;
            nc++;
        }
    }
    for (size_t i = 0; i < m; i++)
        dx[i] = d[i].x, dy[i] = d[i].y, dw[i] = d[i].w;
    out->ncandidates = nc;
    out->ndemand = m;
    out->existing_names = safer_arena_strdup(&v->arena, names.ptr);
    int rc = 0;
    if (nc == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "the store holds no candidate venues (safer import venues)");
    else if (m == 0 && o->demand == SAFER_POPUP_RECORDS && v->records_last < 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "the store holds no police.uk records to weigh (safer import police)");
    else if (m == 0)
        rc = safer_err_set(err, SAFER_ENOTFOUND, "there is no %s demand with a place to weigh",
                           safer_popup_demand_name(o->demand));
    if (rc == 0) {
        struct safer_popup_problem pr = {
            .m = m, .dx = dx, .dy = dy, .w = dw, .ne = ne, .ex = ex, .ey = ey, .nc = nc,
            .cx = cx, .cy = cy, .p = o->p, .objective = o->objective, .distance = o->distance};
        rc = safer_popup_solve(&pr, &out->r, err);
    }
    if (rc == 0) {
        for (int k = 0; k < out->r.p; k++)
            out->chosen[k] = v->venues[cidx[out->r.chosen[k]]].name;
        char sets[32];
        thousands(out->r.sets, sets);
        snprintf(out->proof, sizeof(out->proof), "all %s sets of %d of %zu candidates evaluated",
                 sets, out->r.p, nc);
    }
    safer_buf_release(&names);
    free(d);
    free(ex);
    free(ey);
    free(cx);
    free(cy);
    free(cidx);
    free(dx);
    free(dy);
    free(dw);
    return rc;
}

int safer_visits_csv_popup(const struct safer_visits *v, const struct safer_popup_opts *o,
                           const struct safer_popup_answer *a, struct safer_buf *b)
{
    (void)v;
    safer_buf_puts(b, "measure,value\n");
    safer_buf_putf(b, "objective,%s\ndemand,%s\np,%d\n", safer_popup_objective_name(o->objective),
                   safer_popup_demand_name(o->demand), o->p);
    if (o->objective == SAFER_POPUP_COVER)
        safer_buf_putf(b, "distance_m,%.0f\n", o->distance);
    safer_buf_puts(b, "existing_venues,");
    safer_csv_put_text(b, a->existing_names, strlen(a->existing_names));
    safer_buf_puts(b, "\n");
    for (int k = 0; k < a->r.p; k++) {
        safer_buf_putf(b, "site_%d,", k + 1);
        safer_csv_put_text(b, a->chosen[k], strlen(a->chosen[k]));
        safer_buf_puts(b, "\n");
    }
    if (o->objective == SAFER_POPUP_COVER) {
        safer_buf_putf(b, "demand_total,%.0f\ncovered_existing,%.0f\ncovered_with_sites,%.0f\n",
                       a->r.total, a->r.existing, a->r.objective);
        safer_buf_puts(b, "share_covered_with_sites,");
        put_num(b, a->r.total > 0 ? a->r.objective / a->r.total : NAN, 4);
        safer_buf_puts(b, "\n");
    } else {
        safer_buf_putf(b, "demand_total,%.0f\nmean_distance_existing_m,", a->r.total);
        put_num(b, a->r.total > 0 ? a->r.existing / a->r.total : NAN, 0);
        safer_buf_puts(b, "\nmean_distance_with_sites_m,");
        put_num(b, a->r.total > 0 ? a->r.objective / a->r.total : NAN, 0);
        safer_buf_puts(b, "\n");
    }
    safer_buf_putf(b,
                   "candidates,%zu\ndemand_points,%zu\ndemand_left_out,%zu\n"
                   "sets_evaluated,%llu\nproof,",
                   a->ncandidates, a->ndemand, a->dropped, (unsigned long long)a->r.sets);
    safer_csv_put_text(b, a->proof, strlen(a->proof));
    safer_buf_puts(b, "\n");
    return safer_buf_error(b);
}
