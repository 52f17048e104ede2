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

/* The name of the operation PROJ used for the first point it transformed
 * (a static string owned by `t`), or "" before any. */
const char *safer_bng_operation(const struct safer_bng *t);

#endif
