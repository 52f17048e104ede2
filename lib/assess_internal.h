/*
 * assess_internal.h - the parts of the assessment shared between files.
 */
#ifndef SAFER_ASSESS_INTERNAL_H
#define SAFER_ASSESS_INTERNAL_H

#include <stdint.h>

#include "safer/assess.h"
#include "safer/police.h"
#include "safer/stats.h"

/* Per-record assignment codes (>= 0 is a stored ward's index). */
#define ASSIGN_OUTSIDE (-1)
#define ASSIGN_NO_POINT (-2)
#define ASSIGN_AFTER_LATEST (-3)
/* Assigned by LSOA to stored ward w: ASSIGN_BY_LSOA_BASE - w. */
#define ASSIGN_BY_LSOA_BASE (-16)

struct safer_store;

/*
 * The distinct locations of the records. police.uk moves every record to one
 * of a limited set of anonymous map points, so there are many fewer
 * locations than records: point-in-polygon and the conversion to metres run
 * once per location.
 */
struct safer__points {
    size_t n;
    double *x, *y; /* owned: longitude, latitude of location k */
    int32_t *of;   /* owned: per record, its location, or -1 without one */
};

void safer__points_build(const struct safer_crimes *c, struct safer__points *p);
void safer__points_release(struct safer__points *p);

/*
 * What depends only on the study wards, prepared on a second thread while
 * the records load: the wards in metres, the study grid, the contiguity.
 */
struct safer_bng;
struct safer__geo {
    struct safer_assessment *a; /* borrowed: reads wards and cell, writes wards_bng */
    struct safer_bng *bng;      /* owned: the PROJ transformation, for the points later */
    int rc;
    struct safer_err err;
    int64_t i0, i1, j0, j1, nx;  /* the grid's extent in cell indexes */
    int32_t *index;              /* owned: grid position -> study cell, -1 outside */
    struct safer_hotcell *cells; /* owned until handed to the assessment */
    size_t ncells;
    struct safer_nb nb;          /* queen contiguity of the study wards */
};

void *safer__geo_run(void *geo);
void safer__geo_release(struct safer__geo *geo);

/*
 * The statistics on top of the counts: coverage, change tests, the grid and
 * Gi*, Moran's I, rates. `ward` holds each record's assignment code and
 * `study_of` each stored ward's study index (-1 when not studied).
 */
int safer__assess_statistics(struct safer_store *st, const struct safer_assess_opts *o,
                             const struct safer_crimes *c, const struct safer__points *pts,
                             const int32_t *ward, const int32_t *study_of,
                             struct safer_assessment *a, struct safer__geo *geo,
                             struct safer_err *err);

#endif
