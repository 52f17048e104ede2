/*
 * assess_internal.h - the parts of the assessment shared between files.
 */
#ifndef SAFER_ASSESS_INTERNAL_H
#define SAFER_ASSESS_INTERNAL_H

#include <stdint.h>

#include "safer/assess.h"
#include "safer/police.h"

/* Per-record assignment codes (>= 0 is a stored ward's index). */
#define ASSIGN_OUTSIDE (-1)
#define ASSIGN_NO_POINT (-2)
#define ASSIGN_AFTER_LATEST (-3)
/* Assigned by LSOA to stored ward w: ASSIGN_BY_LSOA_BASE - w. */
#define ASSIGN_BY_LSOA_BASE (-16)

struct safer_store;

/*
 * The statistics on top of the counts: coverage, change tests, the grid and
 * Gi*, Moran's I, rates. `ward` holds each record's assignment code and
 * `study_of` each stored ward's study index (-1 when not studied).
 */
int safer__assess_statistics(struct safer_store *st, const struct safer_assess_opts *o,
                             const struct safer_crimes *c, const int32_t *ward,
                             const int32_t *study_of, struct safer_assessment *a,
                             struct safer_err *err);

#endif
