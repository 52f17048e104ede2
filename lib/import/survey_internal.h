/*
 * survey_internal.h - what the survey importer (lib/import/survey.c), its
 * estimates (lib/run/survey.c) and the store's survey tables
 * (lib/store/store_survey.c) hand each other. Respondents' rows travel only
 * between these files.
 */
#ifndef SAFER_IMPORT_SURVEY_INTERNAL_H
#define SAFER_IMPORT_SURVEY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/arena.h"
#include "safer/error.h"
#include "safer/survey.h"

struct safer_store;

/* Limits of one survey file. */
#define SAFER__SURVEY_FILE (256ULL << 20)  /* bytes in a survey CSV: 256 MiB */
#define SAFER__SURVEY_MAP_FILE (1u << 20)  /* bytes in a mapping: 1 MiB */
#define SAFER__SURVEY_ROWS 1000000         /* respondents in one file */
#define SAFER__SURVEY_QUESTIONS SAFER_SURVEY_MAX_QUESTIONS /* questions in one mapping */
#define SAFER__SURVEY_VALUES 200           /* answers or values listed for one column */

/* One margin row: margin "age_sex" (category "SEX|AGE BAND") or "ward". */
struct safer__survey_margin_row {
    const char *margin, *category;
    double population;
};

/* One wave as it is stored (every pointer borrowed). */
struct safer__survey_wave {
    const char *name, *file, *margins;
    size_t n;
    const char *const *ward;    /* n ward codes */
    const char *const *age_sex; /* n "SEX|AGE BAND", or "" without that margin */
    const double *w;            /* n weights */
    const char *const *answers; /* n strings of nq characters: '1' counts, '0' does
                                   not, '-' out of the base */
    size_t nq;
    const char *const *qkey, *const *qlabel, *const *qtext;
    int iterations;
    double deff, trim_lo, trim_hi;
    size_t nmargin;
    const struct safer__survey_margin_row *margin;
};

/* Store the waves in one transaction, each replacing a stored wave of its
 * name (replaced[i] says so). */
int safer__survey_store(struct safer_store *st, const struct safer__survey_wave *w, size_t nw,
                        bool *replaced, struct safer_err *err);

/* The store's wards: codes (sorted, distinct), their district (or NULL),
 * name (or NULL) and population (the stored ward figure, else the sum of
 * its LSOAs' figures when every one has one, else NaN); the LSOA -> ward
 * lookup, sorted by LSOA. In `arena`. */
struct safer__survey_geo {
    size_t nward;
    char **ward, **district, **name;
    double *pop;
    size_t nlsoa;
    char **lsoa, **lsoa_ward;
};
int safer__survey_geo_read(struct safer_store *st, struct safer_arena *arena,
                           struct safer__survey_geo *g, struct safer_err *err);

/* Every stored wave, ordered by name, in `arena` (the arrays too), and
 * the store's wards when there is a wave. With `in_tx`, in the caller's
 * open read transaction. */
struct safer__survey_stored {
    char *name, *margins;
    size_t n;
    char **ward, **age_sex, **answers;
    double *w;
    size_t nq;
    char **qkey, **qlabel;
    double deff, trim_lo, trim_hi;
    size_t nmargin;
    struct safer__survey_margin_row *margin;
};
int safer__survey_read(struct safer_store *st, struct safer_arena *arena,
                       struct safer__survey_stored **out, size_t *n,
                       struct safer__survey_geo *geo, bool in_tx, struct safer_err *err);

/* safer_survey_results_load() inside the caller's read transaction (the
 * assessment's one snapshot): *out is NULL when no wave is stored, else a
 * heap object freed with safer__survey_results_free(). */
struct safer_survey_results;
int safer__survey_results_read(struct safer_store *st, struct safer_survey_results **out,
                               struct safer_err *err);
void safer__survey_results_free(struct safer_survey_results *r);

#endif
