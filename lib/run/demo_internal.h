/*
 * demo_internal.h - the demo's parts beyond police.uk data, each in its
 * own file: synthetic files written beside the police.uk ones under
 * `data` and stored through the real importers.
 */
#ifndef SAFER_RUN_DEMO_INTERNAL_H
#define SAFER_RUN_DEMO_INTERNAL_H

#include "safer/error.h"

struct safer_store;

/* The residents' survey: two fictional waves written under `data` and
 * stored through safer_survey_import (demo_survey.c). */
int safer__demo_survey(struct safer_store *st, const char *data, struct safer_err *err);
/* demo: surveys */
/* demo: visits */
/* demo: partner */

#endif
