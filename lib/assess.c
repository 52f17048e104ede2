/*
 * assess.c - computing the assessment: ward assignment, windows, counts.
 */
#include "compat.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess_internal.h"
#include "internal.h"
#include "safer/assess.h"
#include "safer/locate.h"
#include "safer/lookup.h"
#include "safer/police.h"

void safer_assessment_release(struct safer_assessment *a)
{
    free(a->area_code);
    free(a->area_name);
    free(a->title);
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
    memset(a, 0, sizeof(*a));
}

static uint64_t point_hash(double x, double y)
{
    uint64_t bx, by;
    memcpy(&bx, &x, 8);
    memcpy(&by, &y, 8);
    uint64_t h = (bx * 0x9E3779B97F4A7C15ULL) ^ (by * 0xC2B2AE3D27D4EB4FULL);
    return h ^ (h >> 29);
}

/*
 * Open addressing on the coordinates' bits. A slot holds the upper half of
 * the hash and the location's index + 1 (0 empty), so a probe reads one
 * word and compares coordinates only when the hashes agree. Grows at half
 * full; starts sized for one location per four records.
 */
void safer__points_build(const struct safer_crimes *c, struct safer__points *p)
{
    memset(p, 0, sizeof(*p));
    p->of = safer__xmalloc(sizeof(int32_t) * (c->n ? c->n : 1));
    size_t nslots = 1 << 12;
    while (nslots < c->n / 2)
        nslots *= 2;
    uint64_t *slot = safer__xcalloc(nslots, sizeof(uint64_t));
    size_t cap = nslots / 2 + 1;
    p->x = safer__xmalloc(sizeof(double) * cap);
    p->y = safer__xmalloc(sizeof(double) * cap);
    for (size_t i = 0; i < c->n; i++) {
        double x = c->lon[i], y = c->lat[i];
        if (isnan(x)) {
            p->of[i] = -1;
            continue;
        }
        uint64_t h = point_hash(x, y);
        uint64_t tag = h & 0xFFFFFFFF00000000ULL;
        size_t k = (size_t)h & (nslots - 1);
        for (;;) {
            uint64_t v = slot[k];
            if (v == 0) {
                if (2 * (p->n + 1) > nslots) {
                    /* Rehash into a table twice the size, then look again. */
                    nslots *= 2;
                    free(slot);
                    slot = safer__xcalloc(nslots, sizeof(uint64_t));
                    for (size_t q = 0; q < p->n; q++) {
                        uint64_t qh = point_hash(p->x[q], p->y[q]);
                        size_t qk = (size_t)qh & (nslots - 1);
                        while (slot[qk])
                            qk = (qk + 1) & (nslots - 1);
                        slot[qk] = (qh & 0xFFFFFFFF00000000ULL) | (uint64_t)(q + 1);
                    }
                    k = (size_t)h & (nslots - 1);
                    continue;
                }
                if (p->n == cap) {
                    cap *= 2;
                    p->x = safer__xreallocarray(p->x, cap, sizeof(double));
                    p->y = safer__xreallocarray(p->y, cap, sizeof(double));
                }
                p->x[p->n] = x;
                p->y[p->n] = y;
                slot[k] = tag | (uint64_t)(p->n + 1);
                p->of[i] = (int32_t)p->n++;
                break;
            }
            if ((v & 0xFFFFFFFF00000000ULL) == tag) {
                uint32_t idx = (uint32_t)v - 1;
                if (p->x[idx] == x && p->y[idx] == y) {
                    p->of[i] = (int32_t)idx;
                    break;
                }
            }
            k = (k + 1) & (nslots - 1);
        }
    }
    free(slot);
}

void safer__points_release(struct safer__points *p)
{
    free(p->x);
    free(p->y);
    free(p->of);
    memset(p, 0, sizeof(*p));
}

struct assign_job {
    const struct safer_locator *loc;
    const struct safer__points *pts;
    int32_t *ward;
    size_t from, to;
};

static void *assign_range(void *arg)
{
    struct assign_job *j = arg;
    for (size_t i = j->from; i < j->to; i++)
        j->ward[i] = safer_locator_find(j->loc, j->pts->x[i], j->pts->y[i]);
    return NULL;
}

/* Point-in-polygon for every distinct location, on two threads when many. */
static void assign_points(const struct safer_locator *loc, const struct safer__points *pts,
                          int32_t *ward)
{
    enum { NT = 2 };
    struct assign_job jobs[NT];
    pthread_t tid[NT];
    int started[NT] = {0};
    for (int k = 0; k < NT; k++) {
        jobs[k] = (struct assign_job){loc, pts, ward, pts->n * (size_t)k / NT,
                                      pts->n * (size_t)(k + 1) / NT};
        if (k > 0 && pts->n > 20000)
            started[k] = pthread_create(&tid[k], NULL, assign_range, &jobs[k]) == 0;
    }
    assign_range(&jobs[0]);
    for (int k = 1; k < NT; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            assign_range(&jobs[k]);
    }
}

/* Choose the study wards: all, or those of a district / CSP. */
static int study_wards(struct safer_store *st, const struct safer_assess_opts *o,
                       const struct safer_area *all, size_t n, unsigned char *keep,
                       struct safer_assessment *a, struct safer_err *err)
{
    if (!o->area) {
        memset(keep, 1, n);
        return 0;
    }
    struct safer_pairs wd = {0}, csp = {0};
    char *csp_name = NULL;
    int rc = safer_lookup_ward_districts(st, &wd, err);
    if (rc == 0)
        rc = safer_lookup_csp_districts(st, o->area, &csp, &csp_name, err);
    if (rc < 0)
        goto out;
    /* The districts that make up the area: a CSP's, or the code itself. */
    size_t ndist = csp.n ? csp.n : 1;
    const char *self[1] = {o->area};
    char *const *dists = csp.n ? csp.a : (char *const *)self;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const char *d = all[i].district;
        if (!d) {
            long k = safer__find_str(wd.a, wd.n, all[i].code);
            d = k >= 0 ? wd.b[k] : NULL;
        }
        keep[i] = 0;
        for (size_t k = 0; d && k < ndist; k++) {
            if (strcmp(d, dists[k]) == 0) {
                keep[i] = 1;
                kept++;
                break;
            }
        }
    }
    if (!kept) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "no stored ward lies in area '%s' (a district code, or a Community "
                           "Safety Partnership code with the district to CSP lookup loaded)",
                           o->area);
        goto out;
    }
    a->area_code = safer__xstrdup(o->area);
    if (csp_name)
        a->area_name = safer__xstrdup(csp_name);
    else
        a->area_name = safer_lookup_district_name(st, o->area);
out:
    free(csp_name);
    safer_pairs_release(&wd);
    safer_pairs_release(&csp);
    return rc;
}

int safer_assess_compute(struct safer_store *st, const struct safer_assess_opts *opts,
                         struct safer_assessment *a, struct safer_err *err)
{
    struct safer_assess_opts o = *opts;
    if (!(o.cell > 0))
        o.cell = 250;
    memset(a, 0, sizeof(*a));
    struct safer_crimes c = {0};
    struct safer_area *all = NULL;
    size_t nall = 0;
    struct safer_locator *loc = NULL;
    struct safer_geom *geoms = NULL;
    int32_t *ward = NULL, *study_of = NULL;
    unsigned char *keep = NULL;
    struct safer_pairs lw = {0};
    struct safer__points pts = {0};
    struct safer__geo geo;
    memset(&geo, 0, sizeof(geo));
    safer_nb_init(&geo.nb);
    pthread_t geo_tid;
    int geo_started = 0;
    char **allcodes = NULL;

    int rc = safer_areas_load(st, "ward", &all, &nall, err);
    if (rc < 0)
        goto out;
    if (nall == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "no wards in the store: import ward boundaries first "
                           "(safer import areas WARDS.geojson)");
        goto out;
    }
    keep = safer__xmalloc(nall);
    rc = study_wards(st, &o, all, nall, keep, a, err);
    if (rc < 0)
        goto out;

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
    geo_started = pthread_create(&geo_tid, NULL, safer__geo_run, &geo) == 0;
    if (!geo_started)
        safer__geo_run(&geo);

    rc = safer_crimes_load(st, &c, err);
    if (rc < 0)
        goto out;
    if (c.n == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "no crime records in the store: import police.uk files first "
                           "(safer import police FOLDER)");
        goto out;
    }

    /* Windows. */
    int32_t maxm = INT32_MIN, minm = INT32_MAX;
    for (size_t i = 0; i < c.n; i++) {
        if (c.month[i] > maxm)
            maxm = c.month[i];
        if (c.month[i] < minm)
            minm = c.month[i];
    }
    a->latest = o.to >= 0 ? o.to : maxm;
    a->l12_start = a->latest - 11;
    a->p12_start = a->latest - 23;
    a->p12_end = a->latest - 12;
    a->first_month = minm < a->latest ? minm : a->latest;
    a->nmonths = a->latest - a->first_month + 1;
    a->title = safer__xstrdup(o.title ? o.title : a->area_name ? a->area_name : "All wards");

    /* Assignment against every stored ward. */
    loc = safer_locator_new(geoms, nall);
    safer__points_build(&c, &pts);
    int32_t *pward = safer__xmalloc(sizeof(int32_t) * (pts.n ? pts.n : 1));
    assign_points(loc, &pts, pward);
    ward = safer__xmalloc(sizeof(int32_t) * (c.n ? c.n : 1));
    for (size_t i = 0; i < c.n; i++)
        ward[i] = pts.of[i] < 0 ? ASSIGN_NO_POINT : pward[pts.of[i]];
    free(pward);

    /* LSOA fallback for records without a point. */
    rc = safer_lookup_lsoa_wards(st, &lw, err);
    if (rc < 0)
        goto out;
    int32_t *lsoa_ward = safer__xmalloc(sizeof(int32_t) * c.nlsoas);
    for (size_t i = 0; i < c.nlsoas; i++) {
        long k = c.lsoas[i][0] ? safer__find_str(lw.a, lw.n, c.lsoas[i]) : -1;
        lsoa_ward[i] = k >= 0 ? (int32_t)safer__find_str(allcodes, nall, lw.b[k]) : -1;
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

    for (size_t i = 0; i < c.n; i++) {
        int32_t m = c.month[i];
        if (m > a->latest) {
            a->rows_after_latest++;
            ward[i] = ASSIGN_AFTER_LATEST;
            continue;
        }
        a->rows_total++;
        int32_t w = ward[i];
        if (w == ASSIGN_NO_POINT) {
            w = lsoa_ward[c.lsoa[i]];
            if (w < 0) {
                a->rows_no_coords++;
                if (c.lsoas[c.lsoa[i]][0])
                    a->rows_unknown_lsoa++;
                continue;
            }
            ward[i] = ASSIGN_BY_LSOA_BASE - w;
        } else if (w < 0) {
            a->rows_outside_wards++;
            continue;
        }
        int32_t s = study_of[w];
        if (s < 0) {
            a->rows_outside_area++;
            continue;
        }
        a->rows_assigned++;
        if (ward[i] <= ASSIGN_BY_LSOA_BASE)
            a->rows_assigned_by_lsoa++;
        size_t t = c.type[i];
        a->counts[((size_t)s * c.ntypes + t) * (size_t)a->nmonths + (size_t)(m - a->first_month)]++;
        if (m >= a->l12_start) {
            a->ward_latest[s]++;
            a->type_latest[t]++;
        } else if (m >= a->p12_start) {
            a->ward_prev[s]++;
            a->type_prev[t]++;
        }
    }
    free(lsoa_ward);

    if (geo_started) {
        pthread_join(geo_tid, NULL);
        geo_started = 0;
    }
    rc = safer__assess_statistics(st, &o, &c, &pts, ward, study_of, a, &geo, err);
out:
    if (geo_started)
        pthread_join(geo_tid, NULL);
    safer__geo_release(&geo);
    free(allcodes);
    safer__points_release(&pts);
    safer_pairs_release(&lw);
    safer_locator_free(loc);
    free(geoms);
    free(ward);
    free(study_of);
    free(keep);
    safer_areas_free(all, nall);
    safer_crimes_release(&c);
    if (rc < 0)
        safer_assessment_release(a);
    return rc;
}
