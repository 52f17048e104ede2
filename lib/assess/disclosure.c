/*
 * disclosure.c - the public edition's hidden counts.
 *
 * Every count the report and the CSV files publish becomes a cell, and
 * every sum a reader can form from them a relation (stats.h, struct
 * safer_sums): the categories of a window add up to its total, and so do
 * the wards; a ward's categories add up to the ward, and a category's wards
 * to the category; a category's months (and all categories' months) add up
 * to each window; a category's outcomes to its records; a peer's
 * categories to its total; the records placed by location and by LSOA,
 * and every month's records, to all the area's records, and those with the
 * store's records outside the area to the store's records. safer_suppress() then hides the small counts and
 * enough others, and the masks of struct safer_hidden are read back from
 * the cells.
 *
 * Rates, shares, averages and tests are worked out from these counts, so
 * the report hides each with the count it comes from.
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/internal.h"
#include "safer/stats.h"

struct cells {
    int64_t *v;
    size_t n, cap;
    size_t *start, *cells; /* the relations */
    size_t nsums, sums_cap, ncells_used, cells_cap;
};

static size_t cell(struct cells *c, int64_t v)
{
    SAFER__GROW(c->v, c->cap, c->n + 1);
    c->v[c->n] = v;
    return c->n++;
}

/* Start relation: its total is cell `total`. */
static void sum_begin(struct cells *c, size_t total)
{
    SAFER__GROW(c->start, c->sums_cap, c->nsums + 2);
    c->start[c->nsums] = c->ncells_used;
    SAFER__GROW(c->cells, c->cells_cap, c->ncells_used + 1);
    c->cells[c->ncells_used++] = total;
}

static void sum_part(struct cells *c, size_t part)
{
    SAFER__GROW(c->cells, c->cells_cap, c->ncells_used + 1);
    c->cells[c->ncells_used++] = part;
}

/* End the relation; one with no part is dropped. */
static void sum_end(struct cells *c)
{
    if (c->ncells_used - c->start[c->nsums] < 2) {
        c->ncells_used = c->start[c->nsums];
        return;
    }
    c->nsums++;
    c->start[c->nsums] = c->ncells_used;
}

void safer__hidden_release(struct safer_hidden *h)
{
    free(h->type_latest);
    free(h->type_prev);
    free(h->ward_latest);
    free(h->ward_prev);
    free(h->ward_type);
    free(h->month);
    free(h->outcome);
    free(h->outcome_total);
    free(h->peer);
    memset(h, 0, sizeof(*h));
}

static unsigned char *mask(size_t n) { return safer__xcalloc(n ? n : 1, 1); }

int safer_assessment_hide(struct safer_assessment *a, int64_t min, struct safer_err *err)
{
    safer__hidden_release(&a->hidden);
    size_t nt = a->ntypes, nw = a->nwards, nm = (size_t)a->nmonths;
    struct cells c = {0};

    /* Cell numbers, per count. */
    size_t total_latest = cell(&c, 0), total_prev = cell(&c, 0);
    size_t *type_latest = safer__xmalloc((nt + 1) * sizeof(size_t));
    size_t *type_prev = safer__xmalloc((nt + 1) * sizeof(size_t));
    for (size_t t = 0; t < nt; t++) {
        type_latest[t] = cell(&c, a->type_latest[t]);
        type_prev[t] = cell(&c, a->type_prev[t]);
        c.v[total_latest] += a->type_latest[t];
        c.v[total_prev] += a->type_prev[t];
    }
    type_latest[nt] = total_latest;
    type_prev[nt] = total_prev;
    size_t *ward_latest = safer__xmalloc((nw + 1) * sizeof(size_t));
    size_t *ward_prev = safer__xmalloc((nw + 1) * sizeof(size_t));
    size_t *ward_type = safer__xmalloc((nw * nt + 1) * sizeof(size_t));
    for (size_t w = 0; w < nw; w++) {
        ward_latest[w] = cell(&c, a->ward_latest[w]);
        ward_prev[w] = cell(&c, a->ward_prev[w]);
        for (size_t t = 0; t < nt; t++) {
            int64_t n = 0;
            for (int32_t m = a->l12_start; m <= a->latest; m++)
                if (m >= a->first_month)
                    n += a->counts[(w * nt + t) * nm + (size_t)(m - a->first_month)];
            ward_type[w * nt + t] = cell(&c, n);
        }
    }
    /* Months: per type, and all types (row nt). */
    size_t *month = safer__xmalloc(((nt + 1) * nm + 1) * sizeof(size_t));
    for (size_t t = 0; t <= nt; t++) {
        for (size_t mi = 0; mi < nm; mi++) {
            int64_t n = 0;
            for (size_t w = 0; w < nw; w++)
                for (size_t k = 0; k < nt; k++)
                    if (k == t || t == nt)
                        n += a->counts[(w * nt + k) * nm + mi];
            month[t * nm + mi] = cell(&c, n);
        }
    }

    /* Relations: the categories and the wards of each window. */
    for (int prev = 0; prev < 2; prev++) {
        const size_t *by_type = prev ? type_prev : type_latest;
        const size_t *by_ward = prev ? ward_prev : ward_latest;
        sum_begin(&c, by_type[nt]);
        for (size_t t = 0; t < nt; t++)
            sum_part(&c, by_type[t]);
        sum_end(&c);
        sum_begin(&c, by_type[nt]);
        for (size_t w = 0; w < nw; w++)
            sum_part(&c, by_ward[w]);
        sum_end(&c);
    }
    /* Wards by category, latest window. */
    for (size_t w = 0; w < nw; w++) {
        sum_begin(&c, ward_latest[w]);
        for (size_t t = 0; t < nt; t++)
            sum_part(&c, ward_type[w * nt + t]);
        sum_end(&c);
    }
    for (size_t t = 0; t < nt; t++) {
        sum_begin(&c, type_latest[t]);
        for (size_t w = 0; w < nw; w++)
            sum_part(&c, ward_type[w * nt + t]);
        sum_end(&c);
    }
    /* Months to their windows, per type and for all types; and each
     * month's categories to the month. */
    for (size_t t = 0; t <= nt; t++) {
        for (int prev = 0; prev < 2; prev++) {
            int32_t m0 = prev ? a->p12_start : a->l12_start, m1 = prev ? a->p12_end : a->latest;
            sum_begin(&c, prev ? type_prev[t] : type_latest[t]);
            for (int32_t m = m0; m <= m1; m++)
                if (m >= a->first_month && m <= a->latest)
                    sum_part(&c, month[t * nm + (size_t)(m - a->first_month)]);
            sum_end(&c);
        }
    }
    for (size_t mi = 0; mi < nm; mi++) {
        sum_begin(&c, month[nt * nm + mi]);
        for (size_t t = 0; t < nt; t++)
            sum_part(&c, month[t * nm + mi]);
        sum_end(&c);
    }
    /* Outcomes: a category's outcomes add up to its records. */
    size_t *outcome = safer__xmalloc((a->noutcomes + 1) * sizeof(size_t));
    size_t *outcome_total = safer__xmalloc((nt + 1) * sizeof(size_t));
    for (size_t t = 0; t < nt; t++)
        outcome_total[t] = SIZE_MAX;
    for (size_t i = 0; i < a->noutcomes;) {
        size_t t = a->outcomes[i].type, j = i;
        int64_t n = 0;
        for (; j < a->noutcomes && a->outcomes[j].type == t; j++) {
            outcome[j] = cell(&c, a->outcomes[j].count);
            n += a->outcomes[j].count;
        }
        /* The outcomes table shows the category's total as their sum: the
         * category's own cell when they agree, else one of its own. */
        size_t total = n == a->type_latest[t] ? type_latest[t] : cell(&c, n);
        outcome_total[t] = total;
        sum_begin(&c, total);
        for (size_t k = i; k < j; k++)
            sum_part(&c, outcome[k]);
        sum_end(&c);
        i = j;
    }
    /* Peers: each place's categories to its total. */
    size_t *peer = safer__xmalloc((a->npeers * (nt + 1) + 1) * sizeof(size_t));
    for (size_t p = 0; p < a->npeers; p++) {
        const struct safer_peer *q = &a->peers[p];
        if (!q->count) {
            for (size_t t = 0; t <= nt; t++)
                peer[p * (nt + 1) + t] = SIZE_MAX;
            continue;
        }
        peer[p * (nt + 1) + nt] = cell(&c, q->total);
        sum_begin(&c, peer[p * (nt + 1) + nt]);
        for (size_t t = 0; t < nt; t++) {
            peer[p * (nt + 1) + t] = cell(&c, q->count[t]);
            sum_part(&c, peer[p * (nt + 1) + t]);
        }
        sum_end(&c);
    }
    /* Section 2's records table. */
    size_t assigned = cell(&c, (int64_t)a->rows_assigned);
    size_t by_lsoa = cell(&c, (int64_t)a->rows_assigned_by_lsoa);
    size_t by_location = cell(&c, (int64_t)(a->rows_assigned - a->rows_assigned_by_lsoa));
    sum_begin(&c, assigned);
    sum_part(&c, by_location);
    sum_part(&c, by_lsoa);
    sum_end(&c);
    /* ... which are every month's records up to the latest ... */
    sum_begin(&c, assigned);
    for (size_t mi = 0; mi < nm; mi++)
        sum_part(&c, month[nt * nm + mi]);
    sum_end(&c);
    /* ... and, with summary.csv's counts of the whole store, its records. */
    size_t rows_total = cell(&c, (int64_t)a->rows_total);
    size_t no_coords = cell(&c, (int64_t)a->rows_no_coords);
    size_t outside_wards = cell(&c, (int64_t)a->rows_outside_wards);
    size_t outside_area = cell(&c, (int64_t)a->rows_outside_area);
    sum_begin(&c, rows_total);
    sum_part(&c, assigned);
    sum_part(&c, no_coords);
    sum_part(&c, outside_wards);
    sum_part(&c, outside_area);
    sum_end(&c);

    /* Counts in no sum: hidden when small. */
    size_t outside_grid = cell(&c, (int64_t)a->points_outside_grid);
    size_t from_files = cell(&c, a->outcomes_from_files);

    unsigned char *hidden = mask(c.n);
    struct safer_sums sums = {.n = c.nsums, .start = c.start, .cells = c.cells};
    int rc = safer_suppress(c.v, c.n, &sums, min, hidden, err);
    if (rc == 0) {
        struct safer_hidden *h = &a->hidden;
        h->min = min;
        h->type_latest = mask(nt);
        h->type_prev = mask(nt);
        for (size_t t = 0; t < nt; t++) {
            h->type_latest[t] = hidden[type_latest[t]];
            h->type_prev[t] = hidden[type_prev[t]];
        }
        h->total_latest = hidden[total_latest];
        h->total_prev = hidden[total_prev];
        h->ward_latest = mask(nw);
        h->ward_prev = mask(nw);
        h->ward_type = mask(nw * nt);
        for (size_t w = 0; w < nw; w++) {
            h->ward_latest[w] = hidden[ward_latest[w]];
            h->ward_prev[w] = hidden[ward_prev[w]];
            for (size_t t = 0; t < nt; t++)
                h->ward_type[w * nt + t] = hidden[ward_type[w * nt + t]];
        }
        h->month = mask((nt + 1) * nm);
        for (size_t k = 0; k < (nt + 1) * nm; k++)
            h->month[k] = hidden[month[k]];
        h->outcome = mask(a->noutcomes);
        for (size_t i = 0; i < a->noutcomes; i++)
            h->outcome[i] = hidden[outcome[i]];
        h->outcome_total = mask(nt);
        for (size_t t = 0; t < nt; t++)
            h->outcome_total[t] = outcome_total[t] == SIZE_MAX ? 0 : hidden[outcome_total[t]];
        h->peer = mask(a->npeers * (nt + 1));
        for (size_t k = 0; k < a->npeers * (nt + 1); k++)
            h->peer[k] = peer[k] == SIZE_MAX ? 0 : hidden[peer[k]];
        h->by_location = hidden[by_location];
        h->by_lsoa = hidden[by_lsoa];
        h->assigned = hidden[assigned];
        h->rows_total = hidden[rows_total];
        h->no_coords = hidden[no_coords];
        h->outside_wards = hidden[outside_wards];
        h->outside_area = hidden[outside_area];
        h->outside_grid = hidden[outside_grid];
        h->from_files = hidden[from_files];
        for (size_t i = 0; i < c.n; i++) {
            h->small += hidden[i] == SAFER_HIDDEN_SMALL;
            h->others += hidden[i] == SAFER_HIDDEN_OTHERS;
        }
    }
    free(hidden);
    free(type_latest);
    free(type_prev);
    free(ward_latest);
    free(ward_prev);
    free(ward_type);
    free(month);
    free(outcome);
    free(outcome_total);
    free(peer);
    free(c.v);
    free(c.start);
    free(c.cells);
    return rc;
}
