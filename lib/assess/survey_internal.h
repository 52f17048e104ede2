/*
 * survey_internal.h - the survey estimates as the assessment reads them
 * (lib/assess/survey.c), inside its one read snapshot.
 */
#ifndef SAFER_ASSESS_SURVEY_INTERNAL_H
#define SAFER_ASSESS_SURVEY_INTERNAL_H

#include "safer/error.h"

struct safer_store;
struct safer_survey_results;

/* safer_survey_results_load() inside the caller's read transaction (the
 * assessment's one snapshot): *out is NULL when no wave is stored, else a
 * heap object freed with safer__survey_results_free(). */
int safer__survey_results_read(struct safer_store *st, struct safer_survey_results **out,
                               struct safer_err *err);
void safer__survey_results_free(struct safer_survey_results *r);

/* Hand *src (a heap object of safer__survey_results_read(), whose waves
 * `r`'s rows borrow after safer_survey_results_groups()) over to `r`: it
 * is freed when `r` is released, and *src becomes NULL. */
void safer__survey_results_adopt(struct safer_survey_results *r,
                                 struct safer_survey_results **src);

#endif
