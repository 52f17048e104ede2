/*
 * locate.h - which of many polygons contains a point, fast.
 *
 * A uniform grid over all polygons answers most points with one lookup: a
 * grid cell that no polygon edge touches lies wholly inside one polygon or
 * outside all of them. Points in cells that edges cross are tested exactly
 * (safer_geom_locate semantics: interior only, boundary excluded) against
 * the polygons whose edges cross the cell, using per-polygon horizontal
 * slabs of edges so each test reads a few edges. Polygons are expected not
 * to overlap; where they do, the lowest index wins.
 */
#ifndef SAFER_LOCATE_H
#define SAFER_LOCATE_H

#include <stddef.h>
#include <stdint.h>

#include "safer/geom.h"

struct safer_locator;

/* Build an index over `geoms` (borrowed: they must outlive the locator). */
struct safer_locator *safer_locator_new(const struct safer_geom *geoms, size_t n);
void safer_locator_free(struct safer_locator *l);

/* Index of the polygon whose interior contains (x, y), or -1. Thread-safe. */
int32_t safer_locator_find(const struct safer_locator *l, double x, double y);

/* Where (x, y) lies relative to polygon `i`: 1 interior, 0 boundary, -1 outside. */
int safer_locator_locate(const struct safer_locator *l, size_t i, double x, double y);

#endif
