/*
 * profile.h - ward profiles and the task force's focus area.
 *
 * A ward profile gathers what the assessment knows of one study ward
 * (assess.h): its population, its records and rates per 1,000 residents by
 * category in the latest and previous windows, the deprivation of its LSOAs
 * by IoD2019 domain, the hot spot cells with records in it and its queen
 * neighbours. safer_profiles_compute() reads the deprivation domains and
 * LSOA populations once and builds every ward's profile.
 *
 * The focus index (docs/statistics.md, "Focus index") ranks the wards by a
 * weighted mean of z-scores of chosen indicators (rates, domains), tests
 * how stable each ward's rank is when the weights vary, and proposes as a
 * focus area the adjacent wards that rank high together.
 *
 * A ward's harm is its records weighted by the harm weights (harm.h); its
 * ward cluster (clusters.h) is filled by safer_wards_live(), -1 elsewhere.
 * The focus indicator "harm" is refused while no ward has a harm.
 */
#ifndef SAFER_PROFILE_H
#define SAFER_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"
#include "safer/stats.h"

struct safer_store;
struct safer_assessment;

/* The Index of Multiple Deprivation and its seven domains (IoD2019). */
enum safer_domain {
    SAFER_DOMAIN_IMD,
    SAFER_DOMAIN_INCOME,
    SAFER_DOMAIN_EMPLOYMENT,
    SAFER_DOMAIN_EDUCATION,
    SAFER_DOMAIN_HEALTH,
    SAFER_DOMAIN_CRIME,
    SAFER_DOMAIN_BARRIERS,
    SAFER_DOMAIN_LIVING,
    SAFER_NDOMAINS
};

/* The domain's key as stored and named in weights ("imd", "income",
 * "employment", "education", "health", "crime", "barriers", "living"), and
 * its title; NULL outside the enum. */
const char *safer_domain_key(int d);
const char *safer_domain_title(int d);
/* The domain whose key is `key`, or -1. */
int safer_domain_of(const char *key);

/* The number of LSOAs in England the IoD2019 ranks run over (1 = most
 * deprived). */
#define SAFER_IOD_LSOAS 32844

struct safer_ward_profile {
    const char *code, *name; /* borrowed from the assessment */
    double population;       /* NaN when unknown */
    int64_t latest, prev;    /* records of all categories in the two windows */
    double rate, rate_prev;  /* per 1,000 residents; NaN without a population */
    double change_p_adj;     /* the assessment's change test of the ward (NaN: none) */
    /* Per category of the assessment (a->types, ntypes entries; pointers
     * into the set's arrays): records and rates per 1,000 in the two windows. */
    const int64_t *type_latest, *type_prev;
    const double *type_rate, *type_rate_prev;
    /* Deprivation (docs/statistics.md, "Ward deprivation by domain"): per
     * domain, the population-weighted mean national rank of the ward's
     * LSOAs (1 = most deprived; NaN when unknown) and the share of the
     * ward's residents in LSOAs of deciles 1-2 of that domain. */
    double dom_rank[SAFER_NDOMAINS];
    double dom_deprived20[SAFER_NDOMAINS];
    size_t lsoas; /* the ward's LSOAs in the LSOA lookup */
    /* Hot spot cells (Gi* hot, 95% or 99%) holding records of the ward. */
    size_t hot_cells;
    /* Queen neighbours: indexes into the set's wards (pointer into the
     * set's list), nneighbours entries. */
    const uint32_t *neighbours;
    size_t nneighbours;
    /* The latest window's harm (the types' counts times their harm
     * weights; NaN when no type has a weight), and the ward's cluster of
     * the report's ward clusters, from 0 (safer_wards_live(); -1 when
     * none is formed). */
    double harm;
    int cluster;
};

struct safer_profiles {
    const struct safer_assessment *a; /* borrowed: the assessment built from (not
                                         read after safer_profiles_build()) */
    char *const *types;               /* borrowed from it: its categories */
    struct safer_ward_profile *ward;  /* owned: a->nwards entries, in a's ward order */
    size_t n, ntypes;
    int has_population; /* some ward has a population */
    int has_domains;    /* IoD2019 File 2 domains are stored for some ward's LSOA */
    int has_imd;        /* IMD ranks are stored for some ward's LSOA */
    struct safer_nb nb; /* owned: queen contiguity of the wards */
    int64_t *type_latest, *type_prev;  /* owned: n * ntypes */
    double *type_rate, *type_rate_prev; /* owned: n * ntypes */
};

/* LSOA deprivation as the store holds it: one row per LSOA and domain. */
struct safer_lsoa_domain {
    const char *lsoa; /* borrowed */
    int domain;       /* enum safer_domain */
    double rank;      /* national rank, 1 = most deprived */
    int decile;       /* 1 to 10 */
};

/*
 * Build the profiles of a's study wards from LSOA data given by the caller:
 * lsoa_ward (the LSOA lookup, a[i] LSOA -> b[i] ward, any order), the
 * LSOA populations (code/value sorted by code: safer_population_list()
 * "lsoa"), and the LSOA domain rows. Pure: reads no store. Returns 0, or
 * SAFER_EINVAL for a domain out of range, or the contiguity's error.
 * Release with safer_profiles_release().
 */
struct safer_pairs;
struct safer_values;
int safer_profiles_build(const struct safer_assessment *a, const struct safer_pairs *lsoa_ward,
                         const struct safer_values *lsoa_pop, const struct safer_lsoa_domain *dom,
                         size_t ndom, struct safer_profiles *out, struct safer_err *err);

/* The same, reading the lookup, the LSOA populations and the domains from
 * `st` in one snapshot. */
int safer_profiles_compute(struct safer_store *st, const struct safer_assessment *a,
                           struct safer_profiles *out, struct safer_err *err);

void safer_profiles_release(struct safer_profiles *p);

/* The index of ward `code` in the set, or -1. */
long safer_profiles_find(const struct safer_profiles *p, const char *code);

/* ---- focus index ---------------------------------------------------------- */

/* One indicator of the index and its weight. Names: "rate" (all records
 * per 1,000), "rate:<category>" (a police.uk category, as stored),
 * "domain:<key>" (safer_domain_key()), "harm" (per 1,000 residents). */
struct safer_focus_weight {
    const char *indicator; /* borrowed */
    double weight;         /* >= 0 */
};

/* The default weights (docs/statistics.md, "Focus index"), n entries. */
const struct safer_focus_weight *safer_focus_default_weights(size_t *n);

struct safer_focus_opts {
    const struct safer_focus_weight *weights; /* NULL: the defaults */
    size_t nweights;
    size_t top;    /* k of "in the top k" and of the focus area (default 5) */
    size_t draws;  /* weight draws for the rank stability (default 1000; 0: none) */
    double spread; /* each weight varies uniformly within +-spread of itself
                      (default 0.25) */
    uint64_t seed; /* of the draws */
};

#define SAFER_FOCUS_TOP 5
#define SAFER_FOCUS_DRAWS 1000
#define SAFER_FOCUS_SPREAD 0.25
#define SAFER_FOCUS_SEED 1
#define SAFER_LIMIT_FOCUS_DRAWS 1000000
#define SAFER_LIMIT_FOCUS_INDICATORS 64

/*
 * The multiplier of weight j in draw d (0-based) for `seed`:
 * 1 + spread * (2u - 1), u in [0, 1) from a counter-based generator
 * (docs/statistics.md), so any draw can be made again on its own.
 */
double safer_focus_draw(uint64_t seed, size_t d, size_t j, double spread);

/*
 * The core of the index over a matrix: x[i * m + j] is indicator j of
 * ward i (NaN: unknown), dir[j] +1 when more is worse, -1 when less is
 * worse, w[j] >= 0 the weights (not all 0). Wards with every indicator are
 * ranked; the others get NaN and rank 0. nb (may be NULL) is the wards'
 * contiguity, for the focus groups. Results go into `out` (owned arrays,
 * release with safer_focus_release()).
 */
struct safer_focus {
    size_t n, m;
    double *z;        /* n * m: the directed z-scores (NaN for unranked wards) */
    double *index;    /* n: the index, NaN when unranked */
    size_t *rank;     /* n: 1 = highest index; 0 when unranked */
    size_t *order;    /* ranked wards, best first (nranked entries) */
    size_t nranked;
    double *top_share; /* n: share of draws in which the ward is in the top k (NaN: no draws) */
    size_t *rank_min, *rank_max; /* n: over the draws (0 when none) */
    int *group;        /* n: focus group of a top-k ward (1 = the best), else 0 */
    size_t ngroups;
    int proposed;      /* the group proposed as the focus area (0: none) */
    size_t top, draws;
    int *flat;         /* m: 1 when the indicator is the same for every ranked ward */
};
int safer_focus_rank(const double *x, size_t n, size_t m, const int *dir, const double *w,
                     const struct safer_nb *nb, const struct safer_focus_opts *opts,
                     struct safer_focus *out, struct safer_err *err);
void safer_focus_release(struct safer_focus *f);

/*
 * The focus index of the profiles' wards: resolve each weight's indicator
 * (an unknown one is SAFER_EINVAL naming it; "harm" while no ward has a
 * harm is SAFER_EINVAL too), build the matrix and call safer_focus_rank().
 * *values (OUT, owned, n * m) receives the matrix.
 */
int safer_focus_compute(const struct safer_profiles *p, const struct safer_focus_opts *opts,
                        struct safer_focus *out, double **values, struct safer_err *err);

/*
 * Read a weights file: CSV with a header `indicator,weight` and one row
 * per indicator. The indicator texts are copied into `arena`. Errors
 * FILE:LINE.
 */
struct safer_arena;
int safer_focus_weights_read(const char *path, struct safer_arena *arena,
                             struct safer_focus_weight **out, size_t *n, struct safer_err *err);

/*
 * The whole job for front ends: the profiles and the focus index of the
 * assessment's wards, with its CSV (docs/statistics.md) in *csv (owned,
 * NUL-terminated). `values` as in safer_focus_compute().
 */
struct safer_buf;
int safer_focus_write_csv(const struct safer_profiles *p, const struct safer_focus_opts *opts,
                          const struct safer_focus *f, const double *values, struct safer_buf *b);

/*
 * The live profiles for the workspace: the assessment of the actor's
 * partnership's area (as safer_report_live(), publish.h), when the actor
 * may SAFER_PERM_VIEW_AGGREGATE there (decided and, if refused, audited),
 * in the public edition (small counts hidden, a->hidden) unless the role
 * may SAFER_PERM_VIEW_UNSUPPRESSED. On success the caller releases *a with
 * safer_assessment_release(); a->profiles and a->focus hold the figures.
 */
struct safer_actor;
struct safer_assess_opts;
int safer_wards_live(struct safer_store *st, const struct safer_actor *actor,
                     const struct safer_assess_opts *opts, struct safer_assessment *a,
                     struct safer_err *err);

#endif
