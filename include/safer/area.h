/*
 * area.h - named areas (wards, LSOAs, districts) with their polygons.
 *
 * Boundaries arrive as GeoJSON FeatureCollections of Polygon and
 * MultiPolygon features in lon/lat (CRS84 / EPSG:4326), as the ONS publishes
 * them. An area is identified by its code; importing it again replaces it.
 */
#ifndef SAFER_AREA_H
#define SAFER_AREA_H

#include <stddef.h>

#include "safer/error.h"
#include "safer/geom.h"

struct safer_store;

struct safer_area {
    char *code;     /* owned, e.g. "E05004982" */
    char *name;     /* owned, e.g. "Allington" */
    char *level;    /* owned: "ward", "lsoa", "msoa", "district", ... */
    char *district; /* owned district (LAD) code, or NULL when unknown */
    struct safer_geom geom; /* lon/lat */
};

void safer_area_release(struct safer_area *a);
void safer_areas_free(struct safer_area *a, size_t n);

struct safer_areas_opts {
    const char *level;      /* default "ward" */
    const char *code_field; /* default: the property matching the ONS pattern ..NNCD */
    const char *name_field; /* default: the ..NNNM property of the same prefix */
    int replace_level;      /* remove every stored area of this level first */
};

struct safer_areas_stats {
    size_t features;
    size_t replaced;
    size_t points;
    char code_field[64], name_field[64], district_field[64]; /* what was used */
};

/*
 * Parse the GeoJSON in `data` (`len` bytes; `path` names it in messages)
 * into areas. On success *out holds *n areas (caller frees with
 * safer_areas_free()). Fails on a file in another CRS, invalid geometry
 * (unclosed ring, fewer than 4 positions, non-numeric coordinate, unknown
 * type) or a feature without a code, naming the feature.
 */
int safer_areas_parse(const char *data, size_t len, const char *path,
                      const struct safer_areas_opts *opts, struct safer_area **out, size_t *n,
                      struct safer_areas_stats *stats, struct safer_err *err);

/* Read the file at `path` and store its areas in one transaction. */
int safer_areas_import(struct safer_store *st, const char *path, const struct safer_areas_opts *opts,
                       struct safer_areas_stats *stats, struct safer_err *err);

/* Every stored area of `level`, sorted by code (byte order); caller frees. */
int safer_areas_load(struct safer_store *st, const char *level, struct safer_area **out, size_t *n,
                     struct safer_err *err);

/*
 * A polygon a person gives (a problem-solving project's place): its
 * corners as "longitude, latitude" lines (closed for them), or a GeoJSON
 * Polygon geometry. Checked as an imported area is. On success *out holds
 * it (lon/lat; release with safer_geom_release) and *canon its canonical
 * text (malloc'd): corners to 6 decimals one a line, or GeoJSON for a
 * polygon with holes. SAFER_EINVAL with what is wrong (no file or
 * feature in the message).
 */
int safer_area_polygon_parse(const char *text, struct safer_geom *out, char **canon,
                             struct safer_err *err);

#endif
