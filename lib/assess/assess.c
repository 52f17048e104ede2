/*
 * assess.c - computing the assessment: ward assignment, windows, counts.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/internal.h"
#include "util/tasks.h"
#include "store/store_internal.h"
#include "safer/assess.h"
#include "safer/limits.h"
#include "safer/locate.h"
#include "safer/plan.h"
#include "safer/lookup.h"
#include "safer/police.h"
#include "assess/survey_internal.h"

void safer_assessment_release(struct safer_assessment *a)
{
    safer__assess_profiles_release(a);
    safer__survey_results_free(a->survey);
    /* assess release: surveys */
    safer__visits_assess_release(a);
    /* assess release: visits */
    safer_partner_data_free(a->partner);
    /* assess release: partner */
    if (a->indicator_arena) {
        safer_arena_release(a->indicator_arena);
        free(a->indicator_arena);
    }
    free(a->area_code);
    free(a->area_name);
    free(a->title);
    free(a->nr_category);
    safer_knox_release(&a->nr);
    safer_areas_free(a->wards, a->nwards);
    for (size_t i = 0; i < a->ntypes; i++)
        free(a->types[i]);
    free(a->types);
    free(a->counts);
    free(a->ward_prev);
    free(a->ward_latest);
    free(a->type_prev);
    free(a->type_latest);
    for (size_t i = 0; i < a->ncoverage; i++)
        free(a->coverage[i].force);
    free(a->coverage);
    for (size_t i = 0; i < a->ntests; i++)
        free(a->tests[i].key);
    free(a->tests);
    free(a->cells);
    free(a->proj_operation);
    free(a->population);
    free(a->rate_lower);
    free(a->rate_upper);
    free(a->places);
    free(a->place_start);
    for (size_t i = 0; i < a->nplace_names; i++)
        free(a->place_names[i]);
    free(a->place_names);
    free(a->imd_lsoas);
    free(a->imd_most_deprived);
    free(a->imd_mean_decile);
    free(a->population_basis);
    if (a->wards_bng) {
        for (size_t i = 0; i < a->nwards; i++)
            safer_geom_release(&a->wards_bng[i]);
        free(a->wards_bng);
    }
    free(a->publications);
    safer_plan_free(a->plan);
    free(a->pub_area);
    free(a->pub_unplaced);
    for (size_t i = 0; i < a->npeers; i++) {
        free(a->peers[i].code);
        free(a->peers[i].name);
        free(a->peers[i].missing_force);
        free(a->peers[i].count);
    }
    free(a->peers);
    free(a->peer_months);
    free(a->peer_population_basis);
    for (size_t i = 0; i < a->noutcomes; i++)
        free(a->outcomes[i].outcome);
    free(a->outcomes);
    safer__hidden_release(&a->hidden);
    free(a->harm);
    free(a->type_weight);
    free(a->period_first);
    free(a->period_count);
    free(a->period_cls);
    free(a->period_no_score);
    memset(a, 0, sizeof(*a));
}

int safer_assessment_has_data(const struct safer_assessment *a, int32_t m)
{
    for (size_t i = 0; i < a->ncoverage; i++) {
        if (a->coverage[i].month == m && a->coverage[i].status != SAFER_COVERAGE_MISSING)
            return 1;
    }
    return 0;
}

int safer_assessment_data_months(const struct safer_assessment *a, int32_t first, int32_t last)
{
    int n = 0;
    for (int32_t m = first; m <= last; m++)
        n += safer_assessment_has_data(a, m);
    return n;
}

int safer_assessment_pub_in_area(const struct safer_assessment *a, size_t i)
{
    return !a->pub_area || a->pub_area[i] > 0;
}

/* Which batch of `c` is force f's month m: -1 when none. Batches are sorted
 * by force, then month. */
static long find_batch(const struct safer_crimes *c, size_t f, int32_t m)
{
    size_t lo = 0, hi = c->nbatches;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct safer_crime_batch *b = &c->batches[mid];
        if (b->force < f || (b->force == f && b->month < m))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nbatches && c->batches[lo].force == f && c->batches[lo].month == m ? (long)lo
                                                                                      : -1;
}

/* Each publication's records in the study wards and its unplaced records,
 * from the counting pass's per-batch figures. */
static void publications_in_area(struct safer_assessment *a, const struct safer_crimes *c,
                                 const int64_t *batch_area, const int64_t *batch_unplaced)
{
    size_t n = a->npublications ? a->npublications : 1;
    a->pub_area = safer__xcalloc(n, sizeof(int64_t));
    a->pub_unplaced = safer__xcalloc(n, sizeof(int64_t));
    for (size_t p = 0; p < a->npublications; p++) {
        long f = safer__find_str(c->forces, c->nforces, a->publications[p].force);
        long b = f >= 0 ? find_batch(c, (size_t)f, a->publications[p].month) : -1;
        if (b >= 0) {
            a->pub_area[p] = batch_area[b];
            a->pub_unplaced[p] = batch_unplaced[b];
        }
    }
}

struct assign_job {
    const struct safer_locator *loc;
    const struct safer_crimes *c;
    int32_t *ward;
};

/* Point-in-polygon for one slice of the distinct locations. */
#define ASSIGN_SLICE 16384
static void assign_slice(void *arg, size_t k)
{
    struct assign_job *j = arg;
    size_t from = k * ASSIGN_SLICE, to = from + ASSIGN_SLICE;
    if (to > j->c->nlocs)
        to = j->c->nlocs;
    for (size_t i = from; i < to; i++)
        j->ward[i] = safer_locator_find(j->loc, j->c->xy[2 * i], j->c->xy[2 * i + 1]);
}

/* Point-in-polygon for every distinct location, on the group's spare threads. */
static void assign_locations(struct safer__tasks *g, const struct safer_locator *loc,
                             const struct safer_crimes *c, int32_t *ward)
{
    struct assign_job j = {loc, c, ward};
    safer__parallel_for(g, (c->nlocs + ASSIGN_SLICE - 1) / ASSIGN_SLICE, assign_slice, &j);
}

/* The other ward-only work: the point locator over every stored ward, then
 * the study wards' contiguity. */
struct locator_job {
    const struct safer_geom *geoms;
    size_t n;
    struct safer_locator *loc;
    struct safer__geo *geo;
};

static void *locator_run(void *arg)
{
    struct locator_job *j = arg;
    j->loc = safer_locator_new(j->geoms, j->n);
    safer__geo_contiguity(j->geo);
    return NULL;
}

int safer_assess_compute(struct safer_store *st, const struct safer_assess_opts *opts,
                         struct safer_assessment *a, struct safer_err *err)
{
    struct safer_assess_opts o = *opts;
    if (!(o.cell > 0))
        o.cell = 250;
    memset(a, 0, sizeof(*a));
    safer_rules_init(&a->rules);
    struct safer_crimes c = {0};
    struct safer_area *all = NULL;
    size_t nall = 0;
    struct locator_job lj = {0};
    struct safer_geom *geoms = NULL;
    int32_t *lward = NULL, *lsoa_ward = NULL, *study_of = NULL;
    uint32_t *uses = NULL;
    int64_t *batch_asb = NULL, *batch_area = NULL, *batch_unplaced = NULL;
    unsigned char *keep = NULL, *force_in = NULL;
    struct safer__inputs in;
    memset(&in, 0, sizeof(in));
    int in_tx = 0;
    struct safer__geo geo;
    memset(&geo, 0, sizeof(geo));
    safer_nb_init(&geo.nb);
    struct safer__tasks tasks;
    struct safer__task geo_task = {0}, loc_task = {0};
    safer__tasks_init(&tasks, o.threads);
    char **allcodes = NULL;
    /* The near-repeat test's events: map point and month of each record. */
    uint32_t *nr_loc = NULL;
    int32_t *nr_month = NULL;
    size_t nr_n = 0, nr_cap = 0;

    /* Everything is read in one read transaction, one snapshot of the store:
     * an import meanwhile is seen whole or not at all. The ward work starts
     * on other threads as soon as the wards are read; the rest is computed
     * after the transaction, without the store. */
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        goto out;
    in_tx = 1;
    rc = safer_areas_load(st, "ward", &all, &nall, err);
    if (rc < 0)
        goto out;
    if (nall == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "no wards in the store: import ward boundaries first "
                           "(safer import areas WARDS.geojson)");
        goto out;
    }
    keep = safer__xmalloc(nall);
    rc = safer__area_wards(st, o.area, all, nall, keep, &a->area_name, err);
    if (rc < 0)
        goto out;
    if (o.area)
        a->area_code = safer__xstrdup(o.area);

    /* Every stored ward's polygon and code for the assignment; the study
     * wards, in code order, move into the assessment (the copies in geoms
     * and allcodes point at the same memory). */
    geoms = safer__xmalloc(sizeof(*geoms) * nall);
    allcodes = safer__xmalloc(sizeof(char *) * nall);
    for (size_t i = 0; i < nall; i++) {
        geoms[i] = all[i].geom;
        allcodes[i] = all[i].code;
    }
    study_of = safer__xmalloc(sizeof(int32_t) * nall);
    size_t ns = 0;
    for (size_t i = 0; i < nall; i++)
        study_of[i] = keep[i] ? (int32_t)ns++ : -1;
    a->wards = safer__xcalloc(ns ? ns : 1, sizeof(*a->wards));
    for (size_t i = 0, k = 0; i < nall; i++) {
        if (keep[i]) {
            a->wards[k++] = all[i];
            memset(&all[i], 0, sizeof(all[i]));
        }
    }
    a->nwards = ns;
    a->cell = o.cell;

    /* What depends only on the wards runs beside the loading of the records. */
    geo.a = a;
    geo.tasks = &tasks;
    safer__tasks_start(&tasks, &geo_task, safer__geo_metres, &geo);
    lj = (struct locator_job){geoms, nall, NULL, &geo};
    safer__tasks_start(&tasks, &loc_task, locator_run, &lj);

    rc = safer_crimes_load(st, &c, err);
    if (rc == 0)
        rc = safer_crimes_load_text(st, &c, err); /* the hot spots' Locations */
    if (rc == 0)
        rc = safer__inputs_read(st, &in, a, err);
    if (rc == 0)
        rc = safer__peers_read(st, &c, &in, err);
    if (rc == 0)
        rc = safer__outcomes_read(st, &c, &in, err);
    if (rc == 0)
        rc = safer__survey_results_read(st, &a->survey, err);
    /* assess read: surveys */
    if (rc == 0)
        rc = safer__visits_assess_read(st, a, err);
    /* assess read: visits */
    if (rc == 0)
        rc = safer__partner_data_read(st, &a->partner, err);
    /* assess read: partner */
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        goto out;
    in_tx = 0;
    if (c.n == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "no crime records in the store: import police.uk files first "
                           "(safer import police FOLDER)");
        goto out;
    }

    /* Windows. */
    int32_t maxm = INT32_MIN, minm = INT32_MAX;
    for (size_t b = 0; b < c.nbatches; b++) {
        if (c.batches[b].month > maxm)
            maxm = c.batches[b].month;
        if (c.batches[b].month < minm)
            minm = c.batches[b].month;
    }
    /* The latest window: the 12 months to L, or --from to L; the previous
     * window is as long, just before it. */
    a->latest = o.to >= 0 ? o.to : maxm;
    int32_t len = 12;
    if (o.from > 0) {
        char from[8], latest[8];
        safer__format_month(o.from, from);
        safer__format_month(a->latest, latest);
        if (o.from > a->latest) {
            rc = safer_err_set(err, SAFER_EINVAL,
                               "the first month '%s' is after the latest month '%s'", from,
                               latest);
            goto out;
        }
        if (a->latest - o.from + 1 > SAFER_LIMIT_WINDOW_MONTHS) {
            rc = safer_err_set(err, SAFER_ETOOBIG,
                               "the window '%s' to '%s' is longer than %d months (limit "
                               "SAFER_LIMIT_WINDOW_MONTHS)",
                               from, latest, SAFER_LIMIT_WINDOW_MONTHS);
            goto out;
        }
        len = a->latest - o.from + 1;
    }
    a->l12_start = a->latest - (len - 1);
    a->p12_start = a->l12_start - len;
    a->p12_end = a->l12_start - 1;
    a->first_month = minm < a->latest ? minm : a->latest;
    a->nmonths = a->latest - a->first_month + 1;
    a->title = safer__xstrdup(o.title ? o.title : a->area_name ? a->area_name : "All wards");

    /* Assignment of every location against every stored ward. */
    safer__tasks_join(&tasks, &loc_task);
    lward = safer__xmalloc(sizeof(int32_t) * (c.nlocs ? c.nlocs : 1));
    assign_locations(&tasks, lj.loc, &c, lward);

    /* LSOA fallback for records without a point. */
    const struct safer_pairs *lw = &in.lsoa_ward;
    lsoa_ward = safer__xmalloc(sizeof(int32_t) * c.nlsoas);
    for (size_t i = 0; i < c.nlsoas; i++) {
        long k = c.lsoas[i][0] ? safer__find_str(lw->a, lw->n, c.lsoas[i]) : -1;
        lsoa_ward[i] = k >= 0 ? (int32_t)safer__find_str(allcodes, nall, lw->b[k]) : -1;
    }

    a->ntypes = c.ntypes;
    a->types = safer__xmalloc(sizeof(char *) * (c.ntypes ? c.ntypes : 1));
    for (size_t t = 0; t < c.ntypes; t++)
        a->types[t] = safer__xstrdup(c.types[t]);
    size_t ncounts = ns * c.ntypes * (size_t)a->nmonths;
    a->counts = safer__xcalloc(ncounts ? ncounts : 1, sizeof(uint32_t));
    a->ward_prev = safer__xcalloc(ns ? ns : 1, sizeof(int64_t));
    a->ward_latest = safer__xcalloc(ns ? ns : 1, sizeof(int64_t));
    a->type_prev = safer__xcalloc(c.ntypes ? c.ntypes : 1, sizeof(int64_t));
    a->type_latest = safer__xcalloc(c.ntypes ? c.ntypes : 1, sizeof(int64_t));
    force_in = safer__xcalloc(c.nforces ? c.nforces : 1, 1);
    uses = safer__xcalloc(c.nlocs ? c.nlocs : 1, sizeof(uint32_t));

    /* One pass over the records, a batch (one force, one month) at a time. */
    long asb_type = safer__find_str(c.types, c.ntypes, SAFER_ASB_TYPE);
    a->nr_category = safer__xstrdup(o.nearrepeat_category ? o.nearrepeat_category
                                                          : SAFER_NEARREPEAT_CATEGORY);
    long nr_type = safer__find_str(c.types, c.ntypes, a->nr_category);
    batch_asb = safer__xcalloc(c.nbatches ? c.nbatches : 1, sizeof(int64_t));
    batch_area = safer__xcalloc(c.nbatches ? c.nbatches : 1, sizeof(int64_t));
    batch_unplaced = safer__xcalloc(c.nbatches ? c.nbatches : 1, sizeof(int64_t));
    for (size_t b = 0; b < c.nbatches; b++) {
        const struct safer_crime_batch *bt = &c.batches[b];
        int32_t m = bt->month;
        /* Coverage judges each publication's ASB and crime, those after the
         * latest month too (they are neighbouring months). */
        for (size_t i = bt->first; asb_type >= 0 && i < bt->first + bt->count; i++)
            batch_asb[b] += c.type[i] == (size_t)asb_type;
        if (m > a->latest) {
            a->rows_after_latest += bt->count;
            continue;
        }
        int window = m >= a->l12_start ? 2 : m >= a->p12_start ? 1 : 0;
        size_t mi = (size_t)(m - a->first_month);
        uint64_t assigned = 0;
        for (size_t i = bt->first; i < bt->first + bt->count; i++) {
            int32_t l = c.loc[i], w;
            int by_lsoa = l < 0;
            if (l >= 0) {
                w = lward[l];
                if (w < 0) {
                    a->rows_outside_wards++;
                    continue;
                }
            } else {
                w = lsoa_ward[-1 - l];
                if (w < 0) {
                    a->rows_no_coords++;
                    batch_unplaced[b]++;
                    if (c.lsoas[-1 - l][0])
                        a->rows_unknown_lsoa++;
                    continue;
                }
            }
            int32_t s = study_of[w];
            if (s < 0) {
                a->rows_outside_area++;
                continue;
            }
            assigned++;
            a->rows_assigned_by_lsoa += (uint64_t)by_lsoa;
            size_t t = c.type[i];
            a->counts[((size_t)s * c.ntypes + t) * (size_t)a->nmonths + mi]++;
            if (window == 2) {
                a->ward_latest[s]++;
                a->type_latest[t]++;
                if (l >= 0)
                    uses[l]++;
                if (nr_type >= 0 && t == (size_t)nr_type) {
                    if (l < 0) {
                        a->nr_no_point++;
                    } else {
                        size_t had = nr_cap;
                        SAFER__GROW(nr_loc, nr_cap, nr_n + 1);
                        if (nr_cap != had)
                            nr_month = safer__xreallocarray(nr_month, nr_cap, sizeof(*nr_month));
                        nr_loc[nr_n] = (uint32_t)l;
                        nr_month[nr_n++] = m;
                    }
                }
            } else if (window == 1) {
                a->ward_prev[s]++;
                a->type_prev[t]++;
            }
        }
        a->rows_total += bt->count;
        a->rows_assigned += assigned;
        batch_area[b] = (int64_t)assigned;
        if (assigned)
            force_in[bt->force] = 1;
    }
    /* The Locations of the records the hot spots count, for naming them. */
    safer__places_tally(&in.places, &c, a, uses, lward, study_of);
    safer__harm_tally(&in.harm, &c, a, uses);
    /* The peer comparison and the outcomes read the records again. */
    safer__peers_compute(&in, &c, force_in, o.peers, o.npeers, a);
    safer__outcomes_compute(&in, &c, lward, lsoa_ward, study_of, a);

    /* The per-record arrays are done with: the statistics reuse their memory. */
    safer__crimes_drop_text(&c);
    free(c.loc);
    free(c.type);
    c.loc = NULL;
    c.type = NULL;
    free(lward);
    lward = NULL;

    publications_in_area(a, &c, batch_area, batch_unplaced);

    safer__tasks_join(&tasks, &geo_task);
    rc = safer__assess_statistics(&in, &c, force_in, batch_asb, uses, a, &geo, err);
    if (rc >= 0)
        rc = safer__assess_nearrepeat(a, &c, geo.bng, nr_loc, nr_month, nr_n, &o, err);
    if (rc == 0)
        rc = safer__assess_profiles(&in, a, err);
    if (rc >= 0 && o.public_edition)
        rc = safer_assessment_hide(a, a->rules.public_min, err);
out:
    if (in_tx)
        safer__store_rollback(st);
    safer__inputs_release(&in);
    safer__tasks_join(&tasks, &loc_task);
    safer__tasks_join(&tasks, &geo_task);
    safer__geo_release(&geo);
    free(allcodes);
    free(nr_loc);
    free(nr_month);
    safer_locator_free(lj.loc);
    free(geoms);
    free(lward);
    free(lsoa_ward);
    free(uses);
    free(batch_asb);
    free(batch_area);
    free(batch_unplaced);
    free(force_in);
    free(study_of);
    free(keep);
    safer_areas_free(all, nall);
    safer_crimes_release(&c);
    if (rc < 0)
        safer_assessment_release(a);
    return rc;
}
