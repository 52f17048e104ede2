/*
 * demo_internal.h - the demo's parts beyond police.uk data, each in its
 * own file: synthetic files written beside the police.uk ones under
 * `data` and stored through the real importers.
 */
#ifndef SAFER_RUN_DEMO_INTERNAL_H
#define SAFER_RUN_DEMO_INTERNAL_H

#include <stdint.h>

#include "safer/error.h"

struct safer_store;

/* The residents' survey: two fictional waves written under `data` and
 * stored through safer_survey_import (demo_survey.c). */
int safer__demo_survey(struct safer_store *st, const char *data, struct safer_err *err);
/* demo: surveys */
/* The one-stop-shop (demo_visits.c): postcodes of the demo's wards, a year
 * of visits from `first_month` (a month index) and candidate venues. */
int safer__demo_visits(struct safer_store *st, const char *data, int32_t first_month,
                       struct safer_err *err);
/* demo: visits */
/* Partner data sets (demo_partner.c): deliberate fires, hospital
 * admissions for assault and council ASB reports, written under
 * `data`/partner and imported. */
int safer__demo_partner(struct safer_store *st, const char *data, struct safer_err *err);
/* demo: partner */

#endif
