/*
 * survey.h - residents' surveys: import, weighting by raking, and the
 * weighted percentages with their 95% confidence intervals.
 *
 * A survey export (CSV) is read through a mapping (JSON, docs/surveys.md)
 * that names the respondent's area, age band, sex and wave, and each
 * question with its answer scale: the answers that count ("Very safe",
 * "Fairly safe"), the others in the base, and those left out of the base
 * ("Don't know"). Each wave is raked once, as a whole, to population margins
 * (age band x sex, and ward) and its weights stored; estimates are then
 * computed from the stored weights, overall and for each ward (or each
 * group of wards, such as the assessment's ward clusters) as domains of
 * the wave's one raked design, with standard errors by Taylor linearisation
 * as R's survey package computes them for calibrate(..., calfun =
 * "raking") (docs/statistics.md, "Surveys: raking and intervals").
 *
 * Respondents are people: their rows stay in the library. Nothing declared
 * here returns a respondent's row; only counts, weighted percentages and
 * intervals leave it.
 */
#ifndef SAFER_SURVEY_H
#define SAFER_SURVEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/arena.h"
#include "safer/buf.h"
#include "safer/error.h"
#include "safer/limits.h"

struct safer_store;
struct safer_actor;

/* A base under this many respondents carries the small-base warning; a
 * ward's estimate on such a base is not shown to members or the public. */
#define SAFER_SURVEY_SMALL_BASE 50

/* Raking stops when every margin's weighted totals are within this
 * relative distance of the population's. */
#define SAFER_SURVEY_RAKE_TOL 1e-12
#define SAFER_SURVEY_RAKE_MAXIT 1000

/* ---- raking (lib/stats/rake.c): pure functions over arrays ---- */

/* One margin: respondent i is in category cat[i] (< ncat), whose population
 * is pop[cat[i]]. */
struct safer_rake_margin {
    const char *name; /* for messages: "age_sex", "ward" */
    size_t ncat;
    const double *pop;   /* borrowed: ncat values, each > 0 */
    const uint32_t *cat; /* borrowed: n values */
};

struct safer_rake_opts {
    double tol; /* 0: SAFER_SURVEY_RAKE_TOL */
    int maxit;  /* 0: SAFER_SURVEY_RAKE_MAXIT */
    /* Trimming, off when both are 0: after raking, weights are bounded to
     * [trim_lo, trim_hi] times the mean weight and what was cut (or added)
     * is shared equally among the weights inside the bounds, once, as R's
     * calibrate(..., trim =) does; the margins then hold only roughly. */
    double trim_lo, trim_hi;
};

struct safer_rake_result {
    int iterations;   /* full passes over the margins */
    double max_rel;   /* the largest relative margin gap left */
    size_t trimmed;   /* weights moved to a bound */
    double deff;      /* Kish's design effect of the weights: n sum w^2 / (sum w)^2 */
    double mean;      /* the mean weight */
};

/*
 * Rake unit design weights of n respondents to the nm margins by iterative
 * proportional fitting; w (n values, OUT) receives the weights. Every
 * margin's populations must sum to the same total (callers scale them).
 * SAFER_EINVAL with `err` naming the margin and category when a category
 * with population has no respondent, or when the fit does not reach the
 * tolerance in maxit passes.
 */
int safer_rake(size_t n, const struct safer_rake_margin *m, size_t nm,
               const struct safer_rake_opts *opts, double *w, struct safer_rake_result *res,
               struct safer_err *err);

/*
 * A raked design ready for estimates: the weights and the margins' model
 * matrix (an intercept and each margin's categories but its first, as R's
 * model.matrix() builds it), with the factor of its cross-product, used by
 * every estimate's linearisation.
 */
struct safer_survey_design {
    size_t n;
    const double *w;      /* borrowed: n weights */
    size_t p;             /* columns of the model matrix */
    size_t nm;
    const uint32_t *cat[4]; /* borrowed: each margin's categories */
    size_t off[4];          /* the column of each margin's category 1 */
    double *chol;           /* owned: p x p Cholesky factor of X'X */
};

/* At most four margins. SAFER_EINVAL when the model matrix is singular (a
 * category without respondents). The arrays are borrowed for the design's
 * life. */
int safer_survey_design_init(struct safer_survey_design *d, size_t n, const double *w,
                             const struct safer_rake_margin *m, size_t nm, struct safer_err *err);
void safer_survey_design_release(struct safer_survey_design *d);

struct safer_survey_est {
    size_t base;    /* respondents in the base (and the domain) */
    double wbase;   /* their weights summed */
    double p;       /* the weighted proportion (0..1); NaN with no base */
    double se;      /* its standard error (linearisation) */
    double lo, hi;  /* p -/+ 1.959963984540054 se, kept within [0, 1] */
    bool small;     /* base < SAFER_SURVEY_SMALL_BASE */
};

/*
 * The weighted proportion of y == 1 among respondents with y >= 0 (y < 0:
 * out of the base) in the domain dom[i] == dv (dom NULL: everyone), as
 * svymean(~y, na.rm = TRUE) (in svyby for a domain) computes it.
 */
void safer_survey_estimate(const struct safer_survey_design *d, const signed char *y,
                           const uint32_t *dom, uint32_t dv, struct safer_survey_est *out);

/* The change between two independent waves: b - a, its standard error
 * sqrt(se_a^2 + se_b^2), z and the two-sided normal p-value. */
struct safer_survey_change {
    double diff, se, z, p;
};
void safer_survey_change(const struct safer_survey_est *a, const struct safer_survey_est *b,
                         struct safer_survey_change *out);

/* ---- import (lib/import/survey.c) ---- */

/* A mapping read and checked; SAFER_EPARSE with "MAP.json: what is wrong". */
struct safer_survey_map;
int safer_survey_map_load(const char *path, struct safer_survey_map **out, struct safer_err *err);
/* The same from `len` bytes in memory; `path` names them in messages. */
int safer_survey_map_parse(const char *data, size_t len, const char *path,
                           struct safer_survey_map **out, struct safer_err *err);
void safer_survey_map_free(struct safer_survey_map *m);

struct safer_survey_import_opts {
    const char *map;     /* the mapping's path */
    const char *margins; /* a margins CSV, or NULL: the store's ward populations */
    double trim_lo, trim_hi; /* 0, 0: no trimming */
};

#define SAFER_SURVEY_MAX_WAVES 8
#define SAFER_SURVEY_MAX_QUESTIONS 40

struct safer_survey_wave_stats {
    char name[64];
    size_t respondents;
    int iterations;
    double deff;
    size_t trimmed;
    bool replaced; /* a wave of this name was in the store */
};

struct safer_survey_import_stats {
    size_t rows;      /* data rows read */
    size_t imported;  /* respondents stored */
    size_t rejected;  /* rows without an area, age band or sex to weight by */
    size_t rejected_area, rejected_age_sex;
    char first_rejected[200]; /* "FILE:LINE: why" of the first, "" when none */
    size_t no_answer; /* blank answers (out of the base) */
    size_t nwaves;
    struct safer_survey_wave_stats waves[SAFER_SURVEY_MAX_WAVES];
    char margins[160]; /* what the weights were raked to, in words */
};

/*
 * Read the survey CSV at `path` through the mapping and store its waves,
 * each raked as a whole. All or nothing: an unknown answer, age band or
 * sex ("FILE:LINE: ..."), a bad mapping or margin, or a wave that cannot be
 * raked fails the import and leaves the store as it was. A wave already
 * stored under the same name is replaced.
 */
int safer_survey_import(struct safer_store *st, const char *path,
                        const struct safer_survey_import_opts *opts,
                        struct safer_survey_import_stats *stats, struct safer_err *err);

/* ---- estimates (lib/assess/survey.c) ---- */

struct safer_survey_row {
    const char *question; /* the question's key */
    const char *label;    /* "feel safe in their local area during the day" */
    const char *wave;
    const char *domain;      /* "" overall, else the ward's code, or "cluster-K" for
                                group K (from 1) of safer_survey_results_groups() */
    const char *domain_name; /* "All respondents", the ward's name, or the group's
                                wards' names ("Langton, Oakford") */
    struct safer_survey_est e;
    const char *concern; /* the police.uk categories the question measures concern
                            about, one a line; "" none (docs/surveys.md) */
};

struct safer_survey_change_row {
    const char *question, *label;
    const char *domain, *domain_name;
    const char *from, *to; /* the waves compared */
    struct safer_survey_est a, b;
    struct safer_survey_change c;
};

struct safer_survey_wave_info {
    const char *name;
    size_t respondents;
    double deff;
    double trim_lo, trim_hi; /* 0, 0: not trimmed */
    const char *margins;     /* what it was raked to, in words */
};

struct safer__survey_data;

struct safer_survey_results {
    struct safer_arena arena; /* every string and array below */
    size_t nwaves;
    struct safer_survey_wave_info *waves; /* ordered by name */
    size_t nrows;
    struct safer_survey_row *rows; /* by wave, question, then overall and wards by code */
    size_t nchanges;
    struct safer_survey_change_row *changes; /* the last two waves, questions in both */
    /* The waves as stored, for safer_survey_results_groups(); library-private. */
    const struct safer__survey_data *data;
};

/*
 * Every stored wave's estimates: each question overall and by ward, and the
 * change between the last two waves (by name) for each question asked in
 * both, overall and by ward. With `public_only`, a ward's estimate on a
 * base under SAFER_SURVEY_SMALL_BASE is left out (members and the public
 * never see one). No waves: 0 with everything empty.
 */
int safer_survey_results_load(struct safer_store *st, bool public_only,
                              struct safer_survey_results *out, struct safer_err *err);
void safer_survey_results_release(struct safer_survey_results *r);

/*
 * A grouping of wards, such as the assessment's ward clusters: ward ward[i]
 * is in group group[i] (0..ngroup-1). A ward not listed is in no group.
 */
struct safer_survey_groups {
    size_t nward;
    const char *const *ward; /* borrowed: nward ward codes, each once */
    const uint32_t *group;   /* borrowed: nward groups, each < ngroup */
    size_t ngroup;
};

/*
 * The estimates of the results `src` (loaded by safer_survey_results_load()
 * or _for()) by group, into `out` (the caller releases it): for every wave
 * and question the overall row, then one row per group in group order, with
 * domain "cluster-K" (K = group + 1) and domain_name the names of its wards
 * in the grouping's order; and the changes between the last two waves,
 * overall and by group. Each group is a domain of its wave's one raked
 * design, as svyby(~y, ~cluster, design, svymean) treats it: never a
 * separate raking. A group without respondents has base 0 and no estimate.
 * With `public_only` (or when `src` was loaded so), a group's estimate on a
 * base under SAFER_SURVEY_SMALL_BASE is left out, as a ward's is.
 * SAFER_EINVAL when a group is out of range or a ward is listed twice.
 * `out` borrows the waves' strings from `src`: release `out` first.
 */
int safer_survey_results_groups(const struct safer_survey_results *src, bool public_only,
                                const struct safer_survey_groups *g,
                                struct safer_survey_results *out, struct safer_err *err);

/* safer_survey_results_load() then safer_survey_results_groups(); `out`
 * owns everything (release it alone). */
int safer_survey_results_load_groups(struct safer_store *st, bool public_only,
                                     const struct safer_survey_groups *g,
                                     struct safer_survey_results *out, struct safer_err *err);

/*
 * The estimates by the ward clusters of the assessment of `area` (a
 * district or CSP code, as `safer assess --area`): the clusters of its
 * study wards that the report shows (safer_ward_clusters() with
 * SAFER_CLUSTERS_WARD_SIZE), as groups of the survey's waves
 * (safer_survey_results_groups()). No waves: 0 with everything empty.
 * Errors of the assessment, of safer_ward_clusters() (no population, fewer
 * than two wards) and of the store.
 */
int safer_survey_results_clusters(struct safer_store *st, const char *area, bool public_only,
                                  struct safer_survey_results *out, struct safer_err *err);

/* The same for `actor`'s partnership, decided as safer_survey_results_for()
 * decides (SAFER_EDENIED audited; *public_view without
 * SAFER_PERM_VIEW_UNSUPPRESSED). */
int safer_survey_results_clusters_for(struct safer_store *st, const struct safer_actor *actor,
                                      struct safer_survey_results *out, bool *public_view,
                                      struct safer_err *err);

/*
 * The estimates as `actor` may see them: a role that may
 * SAFER_PERM_VIEW_AGGREGATE in its partnership (decided, and a refusal
 * audited, as the live report decides: SAFER_EDENIED); without
 * SAFER_PERM_VIEW_UNSUPPRESSED (elected members, the public) no ward
 * estimate on a small base, and *public_view says so.
 */
struct safer_actor;
int safer_survey_results_for(struct safer_store *st, const struct safer_actor *actor,
                             struct safer_survey_results *out, bool *public_view,
                             struct safer_err *err);

/* The estimates as CSV: question,wave,domain,domain_name,base,weighted_pct,
 * lower,upper,small_base: percentages to one decimal place, or with
 * `exact` to 17 significant figures. */
int safer_survey_results_csv(const struct safer_survey_results *r, bool exact,
                             struct safer_buf *out);
/* The changes as CSV: question,domain,domain_name,from,to,pct_from,pct_to,
 * change_points,z,p_value. */
int safer_survey_changes_csv(const struct safer_survey_results *r, bool exact,
                             struct safer_buf *out);

/* ---- public concern (lib/assess/concern.c) ---- */

/* At most this many categories asked about (the police.uk categories). */
#define SAFER_SURVEY_MAX_CONCERN 16

/*
 * The public-concern component of a candidate priority's score
 * (docs/plan.md, "scoring"). For the latest wave, each police.uk category
 * that a question's "concern" names is asked about; its pct is the overall
 * weighted proportion counted ("a problem") of the question naming it, the
 * highest when several do (a question without an estimate is passed over).
 * component = 100 x pct / the largest pct among the categories asked about
 * (0 for all when that is 0); a category asked about by no question takes
 * `neutral`, the mean component of those asked about.
 */
struct safer_survey_concern {
    const char *wave; /* the latest wave, NULL without results */
    size_t n;         /* categories asked about; 0: the component is left out */
    const char *category[SAFER_SURVEY_MAX_CONCERN]; /* borrowed from the results, in
                                                       the order first named */
    const char *question[SAFER_SURVEY_MAX_CONCERN]; /* the question whose pct it takes */
    double pct[SAFER_SURVEY_MAX_CONCERN];           /* 0..1 */
    double component[SAFER_SURVEY_MAX_CONCERN];     /* 0..100 */
    double max;     /* the largest pct */
    double neutral; /* the mean component of the categories asked about */
};

/* Work out `out` from `r` (NULL: no survey, n 0). Borrowed strings live as
 * long as `r`. */
void safer_survey_concern(const struct safer_survey_results *r, struct safer_survey_concern *out);

/* Category `category`'s component: its own when asked about (*asked true),
 * else the neutral one (*asked false). NaN when c->n is 0. */
double safer_survey_concern_component(const struct safer_survey_concern *c,
                                      const char *category, bool *asked);

/* Find a row: NULL when none. */
const struct safer_survey_row *safer_survey_find(const struct safer_survey_results *r,
                                                 const char *question, const char *wave,
                                                 const char *domain);

#endif
