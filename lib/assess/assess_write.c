/*
 * assess_write.c - the assessment's CSV outputs, added to an output set.
 * UTF-8, LF line ends, a header row, fields quoted only when they hold a
 * comma, quote or line break, text guarded against spreadsheet formulas.
 */
#include "util/compat.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/assess.h"
#include "assess/assess_internal.h"
#include "safer/buf.h"
#include "safer/csv.h"
#include "safer/output.h"
#include "safer/stats.h"

/* The public edition (docs/assessment.md, Public edition): hidden counts,
 * and every figure worked out from one, are written as empty fields, and
 * the files of single places and months by ward are not written. */
static int safer__public(const struct safer_assessment *a) { return a->hidden.min > 0; }

/* Names, codes and types come from the inputs: text, guarded against formulas. */
static void put_str(struct safer_buf *b, const char *s) { safer_csv_put_text(b, s, strlen(s)); }

/* Why a month is partial, in the words of coverage.csv's reason column:
 * "crime low", "ASB low", "rows low", joined by "; " (never a comma). */
static void put_coverage_reason(struct safer_buf *b, unsigned reason)
{
    static const struct {
        unsigned bit;
        const char *text;
    } why[] = {
        {SAFER_COVERAGE_CRIME_LOW, "crime low"},
        {SAFER_COVERAGE_ASB_LOW, "ASB low"},
        {SAFER_COVERAGE_ROWS_LOW, "rows low"},
    };
    int n = 0;
    for (size_t k = 0; k < sizeof(why) / sizeof(why[0]); k++) {
        if (!(reason & why[k].bit))
            continue;
        if (n++)
            safer_buf_puts(b, "; ");
        put_str(b, why[k].text);
    }
}

/* A count, or nothing when the public edition hides it. */
static void put_count(struct safer_buf *b, long long v, int hidden)
{
    if (!hidden)
        safer_buf_putf(b, "%lld", v);
}

/* A change test's counts: their masks, by the test's scope and key. */
static void test_hidden(const struct safer_assessment *a, const struct safer_change_test *t,
                        int *prev, int *latest)
{
    *prev = *latest = 0;
    if (!safer__public(a))
        return;
    int ward = strcmp(t->scope, "ward") == 0;
    size_t n = ward ? a->nwards : a->ntypes;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ward ? a->wards[i].code : a->types[i], t->key) != 0)
            continue;
        *prev = safer_hidden(ward ? a->hidden.ward_prev : a->hidden.type_prev, i);
        *latest = safer_hidden(ward ? a->hidden.ward_latest : a->hidden.type_latest, i);
        return;
    }
}

/* A change between two counts, or nothing when either is hidden. */
static void put_change(struct safer_buf *b, int64_t prev, int64_t latest, int hidden)
{
    if (hidden)
        safer_buf_puts(b, ",");
    else
        safer_buf_putf(b, "%lld,", (long long)(latest - prev));
}

static void put_pct(struct safer_buf *b, int64_t prev, int64_t latest)
{
    if (prev == 0)
        return;
    double pct = (100.0 * (double)(latest - prev)) / (double)prev;
    safer_buf_putf(b, "%.17g", pct);
}

/*
 * Numbers are written with %.17g, which is slow in glibc; the hot spot file
 * repeats the same few hundred z-scores and p-values over thousands of
 * cells, so each is formatted once and remembered (direct-mapped on the
 * double's bits).
 */
struct numcache {
    uint64_t bits[1024];
    unsigned char len[1024]; /* 0: empty */
    char text[1024][32];
};

static void put_num(struct safer_buf *b, double v, struct numcache *nc)
{
    if (isnan(v))
        return;
    uint64_t u;
    memcpy(&u, &v, sizeof(u));
    size_t k = (size_t)((u * 0x9E3779B97F4A7C15ULL) >> 54);
    if (!nc->len[k] || nc->bits[k] != u) {
        int n = snprintf(nc->text[k], sizeof(nc->text[k]), "%.17g", v);
        nc->len[k] = (unsigned char)(n > 0 && n < 32 ? n : 0);
        nc->bits[k] = u;
        if (!nc->len[k]) {
            safer_buf_putf(b, "%.17g", v);
            return;
        }
    }
    safer_buf_put(b, nc->text[k], nc->len[k]);
}

static void put_month(struct safer_buf *b, int32_t m)
{
    char s[8];
    safer__format_month(m, s);
    safer_buf_puts(b, s);
}

/*
 * peers.csv: per place compared (the area, its police force area, England
 * and Wales, the similar partnerships, in that order) and per crime type,
 * its records in the months compared and its rate per 1,000 residents
 * (docs/assessment.md, Peers). A count is written only when it is whole
 * (no force's file missing), a rate only when the place is complete.
 */
static int write_peers(const struct safer_assessment *a, struct safer_buf *b, struct numcache *nc,
                       struct safer_output *out, struct safer_err *err)
{
    static const char *const role[] = {"area", "force_area", "england_and_wales", "similar"};
    static const char *const status[] = {"ok", "files_missing", "no_population", "unknown",
                                         "lookup_partial"};
    safer_buf_reset(b);
    safer_buf_puts(b, "role,code,name,population,imd_decile,distance,crime_type,count,"
                      "rate_per_1000,status\n");
    for (size_t k = 0; k < a->npeers; k++) {
        const struct safer_peer *p = &a->peers[k];
        int counted = p->status == SAFER_PEER_OK || p->status == SAFER_PEER_NO_POPULATION;
        for (size_t t = 0; t < a->ntypes; t++) {
            safer_buf_puts(b, role[p->role]);
            safer_buf_puts(b, ",");
            put_str(b, p->code);
            safer_buf_puts(b, ",");
            put_str(b, p->name);
            safer_buf_puts(b, ",");
            put_num(b, p->population, nc);
            safer_buf_puts(b, ",");
            put_num(b, p->imd_decile, nc);
            safer_buf_puts(b, ",");
            put_num(b, p->distance, nc);
            safer_buf_puts(b, ",");
            put_str(b, a->types[t]);
            safer_buf_puts(b, ",");
            int hidden = safer_hidden(a->hidden.peer, k * (a->ntypes + 1) + t);
            if (counted)
                put_count(b, (long long)p->count[t], hidden);
            safer_buf_puts(b, ",");
            if (p->status == SAFER_PEER_OK && !hidden)
                put_num(b, 1000.0 * (double)p->count[t] / p->population, nc);
            safer_buf_putf(b, ",%s\n", status[p->status]);
        }
    }
    return safer_output_add(out, "peers.csv", b, err);
}

/*
 * outcomes_by_type.csv: the study wards' records of the latest 12 months
 * but anti-social behaviour, by crime type and latest outcome, and each
 * count's share of its type's records, a fraction (docs/assessment.md,
 * Outcomes).
 */
static int write_outcomes(const struct safer_assessment *a, struct safer_buf *b,
                          struct numcache *nc, struct safer_output *out, struct safer_err *err)
{
    safer_buf_reset(b);
    safer_buf_puts(b, "crime_type,outcome,count,share\n");
    for (size_t i = 0; i < a->noutcomes;) {
        size_t j = i;
        int64_t total = 0;
        while (j < a->noutcomes && a->outcomes[j].type == a->outcomes[i].type)
            total += a->outcomes[j++].count;
        for (; i < j; i++) {
            const struct safer_outcome_count *o = &a->outcomes[i];
            put_str(b, a->types[o->type]);
            safer_buf_puts(b, ",");
            put_str(b, o->outcome);
            int hidden = safer_hidden(a->hidden.outcome, i);
            safer_buf_puts(b, ",");
            put_count(b, (long long)o->count, hidden);
            safer_buf_puts(b, ",");
            /* A share tells its count when the total is shown, and the
             * total when the count is. */
            if (!hidden && !safer_hidden(a->hidden.outcome_total, o->type))
                put_num(b, (double)o->count / (double)total, nc);
            safer_buf_puts(b, "\n");
        }
    }
    return safer_output_add(out, "outcomes_by_type.csv", b, err);
}

int safer_assess_write_csv(const struct safer_assessment *a, struct safer_output *out,
                           struct safer_err *err)
{
    struct safer_buf b;
    safer_buf_init(&b, (size_t)1 << 31);
    struct numcache *nc = safer__xcalloc(1, sizeof(*nc));
    int rc;

    /* counts_ward_type_month.csv: the largest file (a row per non-zero
     * ward, type and month), so its ward, type and month fields are
     * formatted once and copied per row, and the buffer is sized once. */
    if (!safer__public(a)) {
        safer_buf_puts(&b, "ward_code,crime_type,month,count\n");
        struct safer_buf esc;
        safer_buf_init(&esc, (size_t)1 << 30);
        size_t nkeys = a->nwards + a->ntypes + (size_t)a->nmonths;
        size_t *at = safer__xmalloc(sizeof(size_t) * (nkeys + 1));
        for (size_t k = 0; k < nkeys; k++) {
            at[k] = esc.len;
            if (k < a->nwards + a->ntypes) {
                put_str(&esc, k < a->nwards ? a->wards[k].code : a->types[k - a->nwards]);
            } else {
                char month[8];
                safer__format_month(a->first_month + (int32_t)(k - a->nwards - a->ntypes), month);
                safer_buf_puts(&esc, month);
            }
            safer_buf_put(&esc, ",", 1);
        }
        at[nkeys] = esc.len;
        size_t need = 0, tm = a->nwards + a->ntypes;
        for (size_t w = 0; w < a->nwards; w++) {
            for (size_t t = 0; t < a->ntypes; t++) {
                const uint32_t *row = a->counts + (w * a->ntypes + t) * (size_t)a->nmonths;
                for (int32_t m = 0; m < a->nmonths; m++)
                    if (row[m])
                        need += at[w + 1] - at[w] + at[a->nwards + t + 1] - at[a->nwards + t] +
                                at[tm + (size_t)m + 1] - at[tm + (size_t)m] + 11;
            }
        }
        if (safer_buf_grow(&b, need) < 0)
            b.err = SAFER_ETOOBIG;
        for (size_t w = 0; w < a->nwards && !b.err; w++) {
            for (size_t t = 0; t < a->ntypes; t++) {
                const uint32_t *row = a->counts + (w * a->ntypes + t) * (size_t)a->nmonths;
                size_t tt = a->nwards + t;
                for (int32_t m = 0; m < a->nmonths; m++) {
                    if (!row[m])
                        continue;
                    size_t mm = tm + (size_t)m;
                    char num[12];
                    size_t n = sizeof(num);
                    num[--n] = '\n';
                    for (uint32_t v = row[m]; v || n == sizeof(num) - 1; v /= 10)
                        num[--n] = (char)('0' + v % 10);
                    safer_buf_put(&b, esc.ptr + at[w], at[w + 1] - at[w]);
                    safer_buf_put(&b, esc.ptr + at[tt], at[tt + 1] - at[tt]);
                    safer_buf_put(&b, esc.ptr + at[mm], at[mm + 1] - at[mm]);
                    safer_buf_put(&b, num + n, sizeof(num) - n);
                }
            }
        }
        free(at);
        safer_buf_release(&esc);
        rc = safer_output_add(out, "counts_ward_type_month.csv", &b, err);
        if (rc < 0)
            goto out;
    }

    /* change_by_type.csv */
    safer_buf_reset(&b);
    safer_buf_puts(&b, "crime_type,prev_12,latest_12,change,pct_change\n");
    for (size_t t = 0; t < a->ntypes; t++) {
        int hp = safer_hidden(a->hidden.type_prev, t), hl = safer_hidden(a->hidden.type_latest, t);
        put_str(&b, a->types[t]);
        safer_buf_puts(&b, ",");
        put_count(&b, a->type_prev[t], hp);
        safer_buf_puts(&b, ",");
        put_count(&b, a->type_latest[t], hl);
        safer_buf_puts(&b, ",");
        put_change(&b, a->type_prev[t], a->type_latest[t], hp || hl);
        if (!hp && !hl)
            put_pct(&b, a->type_prev[t], a->type_latest[t]);
        safer_buf_puts(&b, "\n");
    }
    rc = safer_output_add(out, "change_by_type.csv", &b, err);
    if (rc < 0)
        goto out;

    /* change_by_ward.csv */
    safer_buf_reset(&b);
    safer_buf_puts(&b, "ward_code,ward_name,prev_12,latest_12,change,pct_change\n");
    for (size_t w = 0; w < a->nwards; w++) {
        put_str(&b, a->wards[w].code);
        safer_buf_puts(&b, ",");
        put_str(&b, a->wards[w].name);
        int hp = safer_hidden(a->hidden.ward_prev, w), hl = safer_hidden(a->hidden.ward_latest, w);
        safer_buf_puts(&b, ",");
        put_count(&b, a->ward_prev[w], hp);
        safer_buf_puts(&b, ",");
        put_count(&b, a->ward_latest[w], hl);
        safer_buf_puts(&b, ",");
        put_change(&b, a->ward_prev[w], a->ward_latest[w], hp || hl);
        if (!hp && !hl)
            put_pct(&b, a->ward_prev[w], a->ward_latest[w]);
        safer_buf_puts(&b, "\n");
    }
    rc = safer_output_add(out, "change_by_ward.csv", &b, err);
    if (rc < 0)
        goto out;

    /* summary.csv */
    safer_buf_reset(&b);
    safer_buf_puts(&b, "metric,value\n");
    const struct safer_hidden *hid = &a->hidden;
    safer_buf_puts(&b, "rows_total,");
    put_count(&b, (long long)a->rows_total, hid->rows_total);
    safer_buf_puts(&b, "\nrows_no_coords,");
    put_count(&b, (long long)a->rows_no_coords, hid->no_coords);
    safer_buf_puts(&b, "\nrows_outside_wards,");
    put_count(&b, (long long)a->rows_outside_wards, hid->outside_wards);
    safer_buf_puts(&b, "\n");
    if (a->area_code) {
        safer_buf_puts(&b, "rows_outside_area,");
        put_count(&b, (long long)a->rows_outside_area, hid->outside_area);
        safer_buf_puts(&b, "\n");
    }
    safer_buf_puts(&b, "rows_assigned,");
    put_count(&b, (long long)a->rows_assigned, hid->assigned);
    safer_buf_puts(&b, "\nrows_assigned_by_lsoa,");
    put_count(&b, (long long)a->rows_assigned_by_lsoa, hid->by_lsoa);
    safer_buf_puts(&b, "\n");
    safer_buf_putf(&b, "rows_after_latest,%llu\n", (unsigned long long)a->rows_after_latest);
    safer_buf_puts(&b, "latest_month,");
    put_month(&b, a->latest);
    safer_buf_puts(&b, "\nlatest_12_start,");
    put_month(&b, a->l12_start);
    safer_buf_puts(&b, "\nprev_12_start,");
    put_month(&b, a->p12_start);
    safer_buf_puts(&b, "\nprev_12_end,");
    put_month(&b, a->p12_end);
    safer_buf_putf(&b, "\nwards,%zu\n", a->nwards);
    if (a->area_code) {
        safer_buf_puts(&b, "area,");
        put_str(&b, a->area_code);
        safer_buf_puts(&b, "\n");
    }
    safer_buf_putf(&b, "latest_12_complete,%s\n", a->latest12_complete ? "yes" : "no");
    safer_buf_putf(&b, "prev_12_complete,%s\n", a->prev12_complete ? "yes" : "no");
    if (a->ncells) {
        safer_buf_puts(&b, "points_outside_grid,");
        put_count(&b, (long long)a->points_outside_grid, hid->outside_grid);
        safer_buf_puts(&b, "\n");
    }
    /* The windows' length, their months with data, and the files that
     * contributed records to the study wards: added after the metrics
     * above, which keep their place and meaning. */
    size_t files_in_area = 0;
    for (size_t i = 0; i < a->npublications; i++)
        files_in_area += (size_t)safer_assessment_pub_in_area(a, i);
    safer_buf_putf(&b, "window_months,%d\n", (int)(a->latest - a->l12_start + 1));
    safer_buf_putf(&b, "latest_months_with_data,%d\n",
                   safer_assessment_data_months(a, a->l12_start, a->latest));
    safer_buf_putf(&b, "prev_months_with_data,%d\n",
                   safer_assessment_data_months(a, a->p12_start, a->p12_end));
    safer_buf_putf(&b, "files_in_area,%zu\n", files_in_area);
    /* The public edition says so, and how many counts it hides. */
    if (safer__public(a))
        safer_buf_putf(&b, "public_min,%lld\ncounts_hidden,%zu\n", (long long)hid->min,
                       hid->small + hid->others);
    rc = safer_output_add(out, "summary.csv", &b, err);
    if (rc < 0)
        goto out;

    /* coverage.csv */
    safer_buf_reset(&b);
    safer_buf_puts(&b, "force,month,rows,crime_rows,asb_rows,crime_baseline,asb_baseline,reason,"
                       "status\n");
    static const char *const status[] = {"ok", "partial", "missing"};
    for (size_t i = 0; i < a->ncoverage; i++) {
        const struct safer_coverage *cv = &a->coverage[i];
        put_str(&b, cv->force);
        safer_buf_puts(&b, ",");
        put_month(&b, cv->month);
        safer_buf_putf(&b, ",%lld,", (long long)cv->rows);
        if (cv->status == SAFER_COVERAGE_MISSING) {
            safer_buf_puts(&b, ",,,,,");
        } else {
            safer_buf_putf(&b, "%lld,%lld,", (long long)cv->crime, (long long)cv->asb);
            put_num(&b, cv->crime_usual, nc);
            safer_buf_puts(&b, ",");
            put_num(&b, cv->asb_usual, nc);
            safer_buf_puts(&b, ",");
            put_coverage_reason(&b, cv->reason);
            safer_buf_puts(&b, ",");
        }
        safer_buf_putf(&b, "%s\n", status[cv->status]);
    }
    rc = safer_output_add(out, "coverage.csv", &b, err);
    if (rc < 0)
        goto out;

    /* change_tests.csv */
    safer_buf_reset(&b);
    safer_buf_puts(&b, "scope,key,prev_12,latest_12,p_value,p_adjusted,significant,comparable\n");
    for (size_t i = 0; i < a->ntests; i++) {
        const struct safer_change_test *t = &a->tests[i];
        safer_buf_puts(&b, t->scope);
        safer_buf_puts(&b, ",");
        put_str(&b, t->key);
        int hp, hl;
        test_hidden(a, t, &hp, &hl);
        safer_buf_puts(&b, ",");
        put_count(&b, t->prev, hp);
        safer_buf_puts(&b, ",");
        put_count(&b, t->latest, hl);
        safer_buf_puts(&b, ",");
        /* A test of a hidden count tells of it: none is published. */
        if (hp || hl) {
            safer_buf_putf(&b, ",,,%s\n", t->comparable ? "yes" : "no");
            continue;
        }
        put_num(&b, t->p, nc);
        safer_buf_puts(&b, ",");
        put_num(&b, t->p_adj, nc);
        safer_buf_putf(&b, ",%s,%s\n", t->significant ? "yes" : "no", t->comparable ? "yes" : "no");
    }
    rc = safer_output_add(out, "change_tests.csv", &b, err);
    if (rc < 0)
        goto out;

    /* hotspots.csv and hotspot_locations.csv: squares of 250 m and the
     * places in them, single places the public edition leaves out */
    if (safer__public(a))
        goto after_hotspots;
    safer_buf_reset(&b);
    safer_buf_puts(&b, "cell_i,cell_j,e_centre,n_centre,count,neighbours,gi_z,p_value,p_adjusted,class\n");
    for (size_t i = 0; i < a->ncells; i++) {
        const struct safer_hotcell *h = &a->cells[i];
        safer_buf_putf(&b, "%d,%d,", h->i, h->j);
        put_num(&b, h->e, nc);
        safer_buf_puts(&b, ",");
        put_num(&b, h->n, nc);
        safer_buf_putf(&b, ",%lld,%d,", (long long)h->count, h->neighbours);
        put_num(&b, h->z, nc);
        safer_buf_puts(&b, ",");
        put_num(&b, h->p, nc);
        safer_buf_puts(&b, ",");
        put_num(&b, h->p_adj, nc);
        safer_buf_putf(&b, ",%s\n", safer_gi_class_name(h->cls));
    }
    rc = safer_output_add(out, "hotspots.csv", &b, err);
    if (rc < 0)
        goto out;

    /* hotspot_locations.csv: the police.uk Locations of each cell's records */
    if (a->place_start) {
        safer_buf_reset(&b);
        safer_buf_puts(&b, "cell_i,cell_j,ward_code,location,count\n");
        for (size_t i = 0; i < a->nplaces; i++) {
            const struct safer_cell_place *pl = &a->places[i];
            safer_buf_putf(&b, "%d,%d,", a->cells[pl->cell].i, a->cells[pl->cell].j);
            put_str(&b, a->wards[pl->ward].code);
            safer_buf_puts(&b, ",");
            put_str(&b, pl->location);
            safer_buf_putf(&b, ",%lld\n", (long long)pl->count);
        }
        rc = safer_output_add(out, "hotspot_locations.csv", &b, err);
        if (rc < 0)
            goto out;
    }
after_hotspots:

    /* moran.csv */
    safer_buf_reset(&b);
    safer_buf_puts(&b, "variable,style,assumption,n,I,expectation,variance,z,p_value\n");
    for (size_t i = 0; i < a->nmoran; i++) {
        const struct safer_moran_row *m = &a->moran[i];
        safer_buf_putf(&b, "%s,%s,randomisation,%zu,", m->variable, m->style, m->n);
        put_num(&b, m->I, nc);
        safer_buf_puts(&b, ",");
        put_num(&b, m->expectation, nc);
        safer_buf_puts(&b, ",");
        put_num(&b, m->variance, nc);
        safer_buf_puts(&b, ",");
        put_num(&b, m->z, nc);
        safer_buf_puts(&b, ",");
        put_num(&b, m->p, nc);
        safer_buf_puts(&b, "\n");
    }
    rc = safer_output_add(out, "moran.csv", &b, err);
    if (rc < 0)
        goto out;

    /* rates_by_ward.csv, when a population is loaded */
    if (a->population) {
        safer_buf_reset(&b);
        /* The interval and the flag come before rate_per_1000, which other
         * tools read as the last column. */
        safer_buf_puts(&b, "ward_code,ward_name,population,latest_12,rate_lower_95,rate_upper_95,"
                           "few_records,rate_per_1000\n");
        for (size_t w = 0; w < a->nwards; w++) {
            put_str(&b, a->wards[w].code);
            safer_buf_puts(&b, ",");
            put_str(&b, a->wards[w].name);
            safer_buf_puts(&b, ",");
            put_num(&b, a->population[w], nc);
            safer_buf_puts(&b, ",");
            if (safer_hidden(a->hidden.ward_latest, w)) {
                safer_buf_puts(&b, ",,,,\n");
                continue;
            }
            safer_buf_putf(&b, "%lld,", (long long)a->ward_latest[w]);
            put_num(&b, a->rate_lower[w], nc);
            safer_buf_puts(&b, ",");
            put_num(&b, a->rate_upper[w], nc);
            safer_buf_puts(&b, ",");
            if (a->population[w] > 0)
                safer_buf_puts(&b, a->ward_latest[w] < a->rules.rate_few_records ? "yes" : "no");
            safer_buf_puts(&b, ",");
            if (a->population[w] > 0)
                put_num(&b, 1000.0 * (double)a->ward_latest[w] / a->population[w], nc);
            safer_buf_puts(&b, "\n");
        }
        rc = safer_output_add(out, "rates_by_ward.csv", &b, err);
        if (rc < 0)
            goto out;
    }

    /* deprivation_by_ward.csv, when deprivation data is loaded */
    if (a->imd_lsoas) {
        safer_buf_reset(&b);
        safer_buf_puts(&b, "ward_code,ward_name,lsoas,lsoas_most_deprived_20pct,mean_imd_decile\n");
        for (size_t w = 0; w < a->nwards; w++) {
            put_str(&b, a->wards[w].code);
            safer_buf_puts(&b, ",");
            put_str(&b, a->wards[w].name);
            safer_buf_putf(&b, ",%d,%d,", a->imd_lsoas[w], a->imd_most_deprived[w]);
            put_num(&b, a->imd_mean_decile[w], nc);
            safer_buf_puts(&b, "\n");
        }
        rc = safer_output_add(out, "deprivation_by_ward.csv", &b, err);
    }
    /* peers.csv, when there is a comparison; outcomes_by_type.csv */
    if (rc == 0 && a->npeers)
        rc = write_peers(a, &b, nc, out, err);
    if (rc == 0)
        rc = write_outcomes(a, &b, nc, out, err);
    /* nearrepeat.csv, when the category has located records; not in the
     * public edition, whose suppression does not cover counts of pairs */
    if (rc == 0 && a->nr.cells && !safer__public(a)) {
        safer_buf_reset(&b);
        safer_knox_csv(&a->nr, &b);
        rc = safer_output_add(out, "nearrepeat.csv", &b, err);
    }
    if (rc == 0)
        rc = safer__harm_write(a, &b, out, err);
out:
    free(nc);
    safer_buf_release(&b);
    return rc;
}
