/*
 * proj.h - longitude/latitude (EPSG:4326) to British National Grid
 * (EPSG:27700, metres) through PROJ.
 *
 * PROJ chooses the operation itself (proj_create_crs_to_crs); the chosen
 * operation is reported by name so every figure can say how its metres were
 * made. Axis order is longitude first.
 */
#ifndef SAFER_PROJ_H
#define SAFER_PROJ_H

#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"

struct safer_bng;

/* Set up the transformation; free with safer_bng_free(). */
int safer_bng_new(struct safer_bng **out, struct safer_err *err);
void safer_bng_free(struct safer_bng *t);

/*
 * Transform n points in place: x[i], y[i] hold longitude and latitude on
 * input and easting and northing on output. Points PROJ cannot transform
 * become NaN; the count of those is returned (>= 0), or a negative code.
 */
long safer_bng_transform(struct safer_bng *t, double *x, double *y, size_t n,
                         struct safer_err *err);

/*
 * The cell of the grid of `cell`-metre squares with corners on multiples of
 * `cell` that holds each point (longitude lon[i], latitude lat[i]):
 * ci[i] = floor(E / cell) and cj[i] = floor(N / cell) for the easting and
 * northing PROJ gives the point, or SAFER_BNG_NO_CELL in both when PROJ
 * cannot transform it. The same cells as safer_bng_transform would give,
 * for many points in much less time (see docs/internals/geography.md).
 * Returns the count of points without a cell, or a negative code.
 */
#define SAFER_BNG_NO_CELL INT64_MIN
long safer_bng_cells(struct safer_bng *t, const double *lon, const double *lat, size_t n,
                     double cell, int64_t *ci, int64_t *cj, struct safer_err *err);

/* How many points of the last safer_bng_cells call PROJ transformed itself
 * (the others were placed through the lattice). */
size_t safer_bng_exact_count(const struct safer_bng *t);

/* The name of the operation PROJ used for the first point it transformed
 * (a static string owned by `t`), or "" before any. */
const char *safer_bng_operation(const struct safer_bng *t);

#endif
