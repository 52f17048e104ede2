/*
 * profile.c - ward profiles (profile.h): what the assessment knows of each
 * study ward, with the deprivation of its LSOAs by IoD2019 domain and its
 * queen neighbours. The definitions are in docs/statistics.md, "Ward
 * profiles" and "Ward deprivation by domain".
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "safer/assess.h"
#include "safer/lookup.h"
#include "safer/profile.h"
#include "store/store_internal.h"
#include "util/internal.h"

static const char *const DOMAIN_KEY[SAFER_NDOMAINS] = {
    "imd", "income", "employment", "education", "health", "crime", "barriers", "living",
};
static const char *const DOMAIN_TITLE[SAFER_NDOMAINS] = {
    "Index of Multiple Deprivation",
    "Income",
    "Employment",
    "Education, skills and training",
    "Health deprivation and disability",
    "Crime",
    "Barriers to housing and services",
    "Living environment",
};

const char *safer_domain_key(int d)
{
    return d >= 0 && d < SAFER_NDOMAINS ? DOMAIN_KEY[d] : NULL;
}

const char *safer_domain_title(int d)
{
    return d >= 0 && d < SAFER_NDOMAINS ? DOMAIN_TITLE[d] : NULL;
}

int safer_domain_of(const char *key)
{
    for (int d = 0; key && d < SAFER_NDOMAINS; d++)
        if (strcmp(key, DOMAIN_KEY[d]) == 0)
            return d;
    return -1;
}

void safer_profiles_release(struct safer_profiles *p)
{
    free(p->ward);
    safer_nb_release(&p->nb);
    free(p->type_latest);
    free(p->type_prev);
    free(p->type_rate);
    free(p->type_rate_prev);
    memset(p, 0, sizeof(*p));
    safer_nb_init(&p->nb);
}

long safer_profiles_find(const struct safer_profiles *p, const char *code)
{
    for (size_t w = 0; w < p->n; w++)
        if (strcmp(p->ward[w].code, code) == 0)
            return (long)w;
    return -1;
}

/* Records of ward w, category t, months [from, to] (clamped to the data). */
static int64_t window_count(const struct safer_assessment *a, size_t w, size_t t, int32_t from,
                            int32_t to)
{
    if (!a->counts || a->nmonths <= 0)
        return 0;
    int32_t lo = from > a->first_month ? from : a->first_month;
    int32_t hi = to < a->first_month + a->nmonths - 1 ? to : a->first_month + a->nmonths - 1;
    int64_t s = 0;
    const uint32_t *c = a->counts + (w * a->ntypes + t) * (size_t)a->nmonths;
    for (int32_t m = lo; m <= hi; m++)
        s += c[m - a->first_month];
    return s;
}

/* Accumulators of one ward and domain. */
struct dom_acc {
    double wsum, wrank, wdep; /* population-weighted */
    double n, rank, dep;      /* unweighted, for wards whose LSOAs have no population */
};

/* The domains of each ward: LSOA -> ward through the lookup, weighted by
 * LSOA population where every LSOA counted has one. */
static void domains(struct safer_profiles *p, const struct safer_pairs *lsoa_ward,
                    const struct safer_values *lsoa_pop, const struct safer_lsoa_domain *dom,
                    size_t ndom)
{
    const struct safer_assessment *a = p->a;
    size_t n = p->n;
    struct dom_acc *acc = safer__xcalloc(n * SAFER_NDOMAINS + 1, sizeof(*acc));
    unsigned char *missing_pop = safer__xcalloc(n * SAFER_NDOMAINS + 1, 1);
    char **codes = safer__xmalloc(sizeof(char *) * (n + 1));
    for (size_t w = 0; w < n; w++)
        codes[w] = a->wards[w].code;
    /* LSOA -> study ward index, through a sorted copy of the lookup. */
    size_t nl = lsoa_ward ? lsoa_ward->n : 0;
    size_t *perm = safer__xmalloc(sizeof(size_t) * (nl + 1));
    char **lsoas = safer__xmalloc(sizeof(char *) * (nl + 1));
    size_t k = 0;
    for (size_t i = 0; i < nl; i++) {
        long w = safer__find_str(codes, n, lsoa_ward->b[i]);
        if (w < 0)
            continue;
        p->ward[w].lsoas++;
        lsoas[k] = lsoa_ward->a[i];
        perm[k++] = (size_t)w;
    }
    /* The lookup is sorted by LSOA code (safer_lookup_lsoa_wards()); check,
     * and fall back to a linear search otherwise. */
    int sorted = 1;
    for (size_t i = 1; i < k; i++)
        if (strcmp(lsoas[i - 1], lsoas[i]) >= 0)
            sorted = 0;
    for (size_t r = 0; r < ndom; r++) {
        const struct safer_lsoa_domain *d = &dom[r];
        if (d->domain < 0 || d->domain >= SAFER_NDOMAINS || !(d->rank >= 1))
            continue;
        long i = -1;
        if (sorted) {
            i = safer__find_str(lsoas, k, d->lsoa);
        } else {
            for (size_t j = 0; j < k && i < 0; j++)
                if (strcmp(lsoas[j], d->lsoa) == 0)
                    i = (long)j;
        }
        if (i < 0)
            continue;
        size_t w = perm[i];
        if (d->domain == SAFER_DOMAIN_IMD)
            p->has_imd = 1;
        else
            p->has_domains = 1;
        struct dom_acc *x = &acc[w * SAFER_NDOMAINS + (size_t)d->domain];
        long pi = lsoa_pop ? safer__find_str(lsoa_pop->code, lsoa_pop->n, d->lsoa) : -1;
        double pop = pi >= 0 ? lsoa_pop->value[pi] : NAN;
        int deprived = d->decile >= 1 && d->decile <= 2;
        if (pop >= 0) {
            x->wsum += pop;
            x->wrank += pop * d->rank;
            x->wdep += deprived ? pop : 0;
        } else {
            missing_pop[w * SAFER_NDOMAINS + (size_t)d->domain] = 1;
        }
        x->n += 1;
        x->rank += d->rank;
        x->dep += deprived;
    }
    for (size_t w = 0; w < n; w++) {
        for (int d = 0; d < SAFER_NDOMAINS; d++) {
            const struct dom_acc *x = &acc[w * SAFER_NDOMAINS + (size_t)d];
            double *rank = &p->ward[w].dom_rank[d], *dep = &p->ward[w].dom_deprived20[d];
            if (x->n == 0) {
                *rank = *dep = NAN;
            } else if (!missing_pop[w * SAFER_NDOMAINS + (size_t)d] && x->wsum > 0) {
                *rank = x->wrank / x->wsum;
                *dep = x->wdep / x->wsum;
            } else {
                *rank = x->rank / x->n;
                *dep = x->dep / x->n;
            }
        }
    }
    free(acc);
    free(missing_pop);
    free(codes);
    free(perm);
    free(lsoas);
}

static int is_hot(int cls)
{
    return cls == SAFER_GI_HOT95 || cls == SAFER_GI_HOT99;
}

/* Hot cells with records of each ward: a cell counts once per ward. */
static void hot_cells(struct safer_profiles *p)
{
    const struct safer_assessment *a = p->a;
    if (!a->places || !a->place_start)
        return;
    for (size_t c = 0; c < a->ncells; c++) {
        if (!is_hot(a->cells[c].cls))
            continue;
        for (size_t k = a->place_start[c]; k < a->place_start[c + 1]; k++) {
            size_t w = a->places[k].ward;
            int seen = 0;
            for (size_t j = a->place_start[c]; j < k && !seen; j++)
                seen = a->places[j].ward == w;
            if (!seen && w < p->n)
                p->ward[w].hot_cells++;
        }
    }
}

int safer_profiles_build(const struct safer_assessment *a, const struct safer_pairs *lsoa_ward,
                         const struct safer_values *lsoa_pop, const struct safer_lsoa_domain *dom,
                         size_t ndom, struct safer_profiles *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    safer_nb_init(&out->nb);
    for (size_t r = 0; r < ndom; r++)
        if (dom[r].domain < 0 || dom[r].domain >= SAFER_NDOMAINS)
            return safer_err_set(err, SAFER_EINVAL, "LSOA '%s': deprivation domain %d unknown",
                                 dom[r].lsoa, dom[r].domain);
    size_t n = a->nwards, nt = a->ntypes;
    out->a = a;
    out->types = a->types;
    out->n = n;
    out->ntypes = nt;
    out->ward = safer__xcalloc(n + 1, sizeof(*out->ward));
    out->type_latest = safer__xcalloc(n * nt + 1, sizeof(int64_t));
    out->type_prev = safer__xcalloc(n * nt + 1, sizeof(int64_t));
    out->type_rate = safer__xcalloc(n * nt + 1, sizeof(double));
    out->type_rate_prev = safer__xcalloc(n * nt + 1, sizeof(double));
    for (size_t w = 0; w < n; w++) {
        struct safer_ward_profile *wp = &out->ward[w];
        wp->code = a->wards[w].code;
        wp->name = a->wards[w].name;
        wp->population = a->population ? a->population[w] : NAN;
        if (wp->population > 0)
            out->has_population = 1;
        else
            wp->population = NAN;
        wp->harm = NAN;
        wp->cluster = -1;
        wp->change_p_adj = NAN;
        for (size_t t = 0; t < nt; t++) {
            size_t i = w * nt + t;
            out->type_latest[i] = window_count(a, w, t, a->l12_start, a->latest);
            out->type_prev[i] = window_count(a, w, t, a->p12_start, a->p12_end);
            wp->latest += out->type_latest[i];
            wp->prev += out->type_prev[i];
            out->type_rate[i] = 1000.0 * (double)out->type_latest[i] / wp->population;
            out->type_rate_prev[i] = 1000.0 * (double)out->type_prev[i] / wp->population;
        }
        wp->rate = 1000.0 * (double)wp->latest / wp->population;
        wp->rate_prev = 1000.0 * (double)wp->prev / wp->population;
        /* Harm: its types' counts of the latest window times their harm
         * weights, as harm_by_ward.csv adds them (types without a weight
         * left out); NaN with no weight at all. */
        bool weighed = false;
        double harm = 0;
        for (size_t t = 0; t < nt; t++) {
            double x = safer_assessment_harm(a, w, t);
            if (!isnan(x)) {
                harm += x;
                weighed = true;
            }
        }
        if (weighed)
            wp->harm = harm;
        wp->type_latest = out->type_latest + w * nt;
        wp->type_prev = out->type_prev + w * nt;
        wp->type_rate = out->type_rate + w * nt;
        wp->type_rate_prev = out->type_rate_prev + w * nt;
    }
    for (size_t i = 0; i < a->ntests; i++) {
        const struct safer_change_test *t = &a->tests[i];
        if (strcmp(t->scope, "ward") != 0)
            continue;
        long w = safer_profiles_find(out, t->key);
        if (w >= 0)
            out->ward[w].change_p_adj = t->p_adj;
    }
    domains(out, lsoa_ward, lsoa_pop, dom, ndom);
    hot_cells(out);
    /* Queen contiguity as the assessment's Moran's I uses it: lon/lat
     * positions, spdep's snap. */
    if (n >= 2) {
        struct safer_geom *g = safer__xmalloc(sizeof(*g) * n);
        for (size_t w = 0; w < n; w++)
            g[w] = a->wards[w].geom;
        int rc = safer_nb_queen(&out->nb, g, n, SAFER_NB_SNAP_DEFAULT, err);
        free(g);
        if (rc < 0) {
            safer_profiles_release(out);
            return rc;
        }
        for (size_t w = 0; w < n; w++) {
            out->ward[w].neighbours = out->nb.adj + out->nb.start[w];
            out->ward[w].nneighbours = out->nb.start[w + 1] - out->nb.start[w];
        }
    }
    return 0;
}

int safer_profiles_compute(struct safer_store *st, const struct safer_assessment *a,
                           struct safer_profiles *out, struct safer_err *err)
{
    struct safer_pairs lw = {0};
    struct safer_values pop = {0};
    struct safer_lsoa_domain *dom = NULL;
    size_t ndom = 0;
    char *basis = NULL;
    struct safer_arena arena;
    safer_arena_init(&arena);
    memset(out, 0, sizeof(*out));
    safer_nb_init(&out->nb);
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = safer_lookup_lsoa_wards(st, &lw, err);
    if (rc == 0)
        rc = safer_population_list(st, "lsoa", &pop, &basis, err);
    if (rc == 0)
        rc = safer__deprivation_domains(st, &arena, &dom, &ndom, err);
    rc = safer__store_read_done(st, rc, err);
    if (rc == 0)
        rc = safer_profiles_build(a, &lw, &pop, dom, ndom, out, err);
    free(basis);
    free(dom);
    safer_arena_release(&arena);
    safer_pairs_release(&lw);
    safer_values_release(&pop);
    return rc;
}

/* ---- inside the assessment ---- */

int safer__assess_profiles(const struct safer__inputs *in, struct safer_assessment *a,
                           struct safer_err *err)
{
    if (a->nwards == 0)
        return 0;
    struct safer_profiles *p = safer__xcalloc(1, sizeof(*p));
    int rc = safer_profiles_build(a, &in->lsoa_ward, &in->pop_lsoa, in->dom, in->ndom, p, err);
    if (rc < 0) {
        free(p);
        return rc;
    }
    a->profiles = p;
    /* The default index needs rates and the domains; without them the
     * report and the workspace show the profiles alone. */
    if (!p->has_population || !p->has_domains)
        return 0;
    struct safer_focus_opts o = {.top = SAFER_FOCUS_TOP, .draws = SAFER_FOCUS_DRAWS,
                                 .spread = SAFER_FOCUS_SPREAD, .seed = SAFER_FOCUS_SEED};
    struct safer_focus *f = safer__xcalloc(1, sizeof(*f));
    struct safer_err quiet = {0};
    if (safer_focus_compute(p, &o, f, &a->focus_values, &quiet) < 0) {
        free(f);
        return 0;
    }
    a->focus = f;
    return 0;
}

void safer__assess_profiles_release(struct safer_assessment *a)
{
    if (a->profiles) {
        safer_profiles_release(a->profiles);
        free(a->profiles);
    }
    if (a->focus) {
        safer_focus_release(a->focus);
        free(a->focus);
    }
    free(a->focus_values);
    a->profiles = NULL;
    a->focus = NULL;
    a->focus_values = NULL;
}
