/*
 * area.c - GeoJSON boundaries into areas (Jansson does the JSON).
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "internal.h"
#include "safer/area.h"
#include "safer/limits.h"

void safer_area_release(struct safer_area *a)
{
    free(a->code);
    free(a->name);
    free(a->level);
    free(a->district);
    safer_geom_release(&a->geom);
    memset(a, 0, sizeof(*a));
}

void safer_areas_free(struct safer_area *a, size_t n)
{
    if (!a)
        return;
    for (size_t i = 0; i < n; i++)
        safer_area_release(&a[i]);
    free(a);
}

/* ONS code property: two or more letters, two digits, "CD" (any case). */
static int ons_field(const char *key, const char *suffix, char *prefix, size_t cap)
{
    size_t n = strlen(key), i = 0;
    while (i < n && isalpha((unsigned char)key[i]))
        i++;
    /* the letters run includes the suffix letters; back up over them */
    if (n < 6)
        return 0;
    if (strcasecmp(key + n - 2, suffix) != 0)
        return 0;
    if (!isdigit((unsigned char)key[n - 3]) || !isdigit((unsigned char)key[n - 4]))
        return 0;
    for (i = 0; i < n - 4; i++) {
        if (!isalpha((unsigned char)key[i]))
            return 0;
    }
    if (n - 4 < 2 || n - 2 >= cap)
        return 0;
    memcpy(prefix, key, n - 2);
    prefix[n - 2] = '\0';
    return 1;
}

static int level_rank(const char *prefix, const char *level)
{
    /* Prefer the code whose letters say the requested level. */
    char up[16];
    size_t i;
    for (i = 0; prefix[i] && i < sizeof(up) - 1 && isalpha((unsigned char)prefix[i]); i++)
        up[i] = (char)toupper((unsigned char)prefix[i]);
    up[i] = '\0';
    struct {
        const char *level, *letters;
    } want[] = {{"ward", "WD"},  {"lsoa", "LSOA"}, {"msoa", "MSOA"}, {"district", "LAD"},
                {"csp", "CSP"}, {"county", "CTY"}, {"oa", "OA"},     {"parish", "PAR"}};
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        if (strcmp(level, want[k].level) == 0)
            return strcmp(up, want[k].letters) == 0 ? 2 : 0;
    }
    return 0;
}

struct ctx {
    const char *path;
    const char *level;
    size_t feature; /* 1-based, for messages */
    const char *code;
    struct safer_err *err;
};

static int feat_err(struct ctx *c, int code, const char *what)
{
    if (c->code)
        return safer_err_set(c->err, code, "%s: feature %zu ('%s'): %s", c->path, c->feature,
                             c->code, what);
    return safer_err_set(c->err, code, "%s: feature %zu: %s", c->path, c->feature, what);
}

struct gbuild {
    double *xy;
    size_t np, capp;
    uint32_t *rings;
    size_t nr, capr;
    uint32_t *parts;
    size_t npart, cappart;
};

static int add_ring(struct ctx *c, struct gbuild *g, json_t *ring)
{
    char msg[200];
    if (!json_is_array(ring))
        return feat_err(c, SAFER_EPARSE, "a ring is not an array of positions");
    size_t n = json_array_size(ring);
    if (n < 4) {
        snprintf(msg, sizeof(msg), "a ring has %zu positions; at least 4 are needed", n);
        return feat_err(c, SAFER_EPARSE, msg);
    }
    if (g->np + n > SAFER_LIMIT_POLYGON_POINTS)
        return feat_err(c, SAFER_ETOOBIG,
                        "geometry has too many positions (limit SAFER_LIMIT_POLYGON_POINTS)");
    SAFER__GROW(g->rings, g->capr, g->nr + 2);
    g->rings[g->nr++] = (uint32_t)g->np;
    SAFER__GROW(g->xy, g->capp, 2 * (g->np + n));
    for (size_t i = 0; i < n; i++) {
        json_t *pos = json_array_get(ring, i);
        if (!json_is_array(pos) || json_array_size(pos) < 2 ||
            !json_is_number(json_array_get(pos, 0)) || !json_is_number(json_array_get(pos, 1))) {
            snprintf(msg, sizeof(msg), "position %zu of a ring is not a pair of numbers", i + 1);
            return feat_err(c, SAFER_EPARSE, msg);
        }
        double x = json_number_value(json_array_get(pos, 0));
        double y = json_number_value(json_array_get(pos, 1));
        if (!isfinite(x) || !isfinite(y) || x < -180 || x > 180 || y < -90 || y > 90) {
            snprintf(msg, sizeof(msg),
                     "position (%g, %g) is not longitude/latitude; the file must be in CRS84 / "
                     "EPSG:4326 (British National Grid files must be converted first)",
                     x, y);
            return feat_err(c, SAFER_EPARSE, msg);
        }
        g->xy[2 * (g->np + i)] = x;
        g->xy[2 * (g->np + i) + 1] = y;
    }
    if (g->xy[2 * g->np] != g->xy[2 * (g->np + n - 1)] ||
        g->xy[2 * g->np + 1] != g->xy[2 * (g->np + n - 1) + 1])
        return feat_err(c, SAFER_EPARSE, "a ring is not closed (its last position differs from its first)");
    g->np += n;
    return 0;
}

static int add_polygon(struct ctx *c, struct gbuild *g, json_t *rings)
{
    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return feat_err(c, SAFER_EPARSE, "a polygon has no rings");
    SAFER__GROW(g->parts, g->cappart, g->npart + 2);
    g->parts[g->npart++] = (uint32_t)g->nr;
    for (size_t i = 0; i < json_array_size(rings); i++) {
        int rc = add_ring(c, g, json_array_get(rings, i));
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int parse_geometry(struct ctx *c, json_t *geom, struct safer_geom *out)
{
    if (!json_is_object(geom))
        return feat_err(c, SAFER_EPARSE, "no geometry");
    const char *type = json_string_value(json_object_get(geom, "type"));
    json_t *coords = json_object_get(geom, "coordinates");
    struct gbuild g = {0};
    int rc = 0;
    if (type && strcmp(type, "Polygon") == 0) {
        rc = add_polygon(c, &g, coords);
    } else if (type && strcmp(type, "MultiPolygon") == 0) {
        if (!json_is_array(coords) || json_array_size(coords) == 0)
            rc = feat_err(c, SAFER_EPARSE, "a MultiPolygon has no polygons");
        for (size_t i = 0; rc == 0 && i < json_array_size(coords); i++)
            rc = add_polygon(c, &g, json_array_get(coords, i));
    } else {
        char msg[160];
        snprintf(msg, sizeof(msg), "geometry type '%.60s' is not Polygon or MultiPolygon",
                 type ? type : "(none)");
        rc = feat_err(c, SAFER_EPARSE, msg);
    }
    if (rc < 0) {
        free(g.xy);
        free(g.rings);
        free(g.parts);
        return rc;
    }
    g.rings[g.nr] = (uint32_t)g.np;
    g.parts[g.npart] = (uint32_t)g.nr;
    out->xy = g.xy;
    out->ring_start = g.rings;
    out->part_start = g.parts;
    out->npoints = (uint32_t)g.np;
    out->nrings = (uint32_t)g.nr;
    out->nparts = (uint32_t)g.npart;
    safer_geom_update_bbox(out);
    return 0;
}

static int check_crs(json_t *root, const char *path, struct safer_err *err)
{
    json_t *crs = json_object_get(root, "crs");
    if (!crs || json_is_null(crs))
        return 0;
    const char *name = json_string_value(json_object_get(json_object_get(crs, "properties"), "name"));
    if (!name)
        return safer_err_set(err, SAFER_EPARSE, "%s: the 'crs' member has no name", path);
    static const char *const ok[] = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
                                     "urn:ogc:def:crs:EPSG::4326", "EPSG:4326", "CRS84",
                                     "OGC:CRS84"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (strcmp(name, ok[i]) == 0)
            return 0;
    }
    return safer_err_set(err, SAFER_EPARSE,
                         "%s: the file is in CRS '%.100s'; only longitude/latitude (CRS84 / "
                         "EPSG:4326) is accepted: convert it first, for example with "
                         "ogr2ogr -t_srs EPSG:4326",
                         path, name);
}

/* Pick the code, name and district properties from the first feature. */
static void pick_fields(json_t *props, const struct safer_areas_opts *o,
                        struct safer_areas_stats *stats)
{
    const char *key;
    json_t *v;
    char prefix[64];
    int best = -1;
    if (o->code_field)
        snprintf(stats->code_field, sizeof(stats->code_field), "%s", o->code_field);
    json_object_foreach(props, key, v)
    {
        if (!json_is_string(v) || !ons_field(key, "CD", prefix, sizeof(prefix)))
            continue;
        int r = level_rank(prefix, o->level);
        if (!o->code_field && r > best) {
            best = r;
            snprintf(stats->code_field, sizeof(stats->code_field), "%s", key);
        }
    }
    /* The district: a LAD..CD property other than the code itself. */
    json_object_foreach(props, key, v)
    {
        if (!json_is_string(v) || !ons_field(key, "CD", prefix, sizeof(prefix)))
            continue;
        if (strncasecmp(prefix, "LAD", 3) == 0 && strcmp(key, stats->code_field) != 0 &&
            !stats->district_field[0])
            snprintf(stats->district_field, sizeof(stats->district_field), "%s", key);
    }
    if (o->name_field) {
        snprintf(stats->name_field, sizeof(stats->name_field), "%s", o->name_field);
    } else if (stats->code_field[0]) {
        size_t n = strlen(stats->code_field);
        if (n >= 2 && n < sizeof(stats->name_field)) {
            memcpy(stats->name_field, stats->code_field, n - 2);
            int lower = stats->code_field[n - 1] == 'd';
            stats->name_field[n - 2] = lower ? 'n' : 'N';
            stats->name_field[n - 1] = lower ? 'm' : 'M';
            stats->name_field[n] = '\0';
        }
    }
}

int safer_areas_parse(const char *data, size_t len, const char *path,
                      const struct safer_areas_opts *opts, struct safer_area **out, size_t *n,
                      struct safer_areas_stats *stats, struct safer_err *err)
{
    struct safer_areas_opts o = opts ? *opts : (struct safer_areas_opts){0};
    if (!o.level)
        o.level = "ward";
    *out = NULL;
    *n = 0;
    memset(stats, 0, sizeof(*stats));
    if (len > SAFER_LIMIT_GEOJSON_FILE)
        return safer_err_set(err, SAFER_ETOOBIG, "%s: larger than %llu bytes (limit SAFER_LIMIT_GEOJSON_FILE)",
                             path, (unsigned long long)SAFER_LIMIT_GEOJSON_FILE);
    json_error_t jerr;
    json_t *root = json_loadb(data, len, 0, &jerr);
    if (!root)
        return safer_err_set(err, SAFER_EPARSE, "%s:%d: not valid JSON: %s", path, jerr.line,
                             jerr.text);
    int rc = 0;
    struct safer_area *areas = NULL;
    size_t count = 0;
    const char *type = json_string_value(json_object_get(root, "type"));
    json_t *features = json_object_get(root, "features");
    if (!type || strcmp(type, "FeatureCollection") != 0 || !json_is_array(features)) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s: not a GeoJSON FeatureCollection", path);
        goto out;
    }
    rc = check_crs(root, path, err);
    if (rc < 0)
        goto out;
    size_t nf = json_array_size(features);
    if (nf == 0) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s: the FeatureCollection has no features", path);
        goto out;
    }
    if (nf > SAFER_LIMIT_AREAS) {
        rc = safer_err_set(err, SAFER_ETOOBIG, "%s: more than %d features (limit SAFER_LIMIT_AREAS)",
                           path, SAFER_LIMIT_AREAS);
        goto out;
    }
    pick_fields(json_object_get(json_array_get(features, 0), "properties"), &o, stats);
    if (!stats->code_field[0]) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s: no area code property found (expected an ONS code such as WD19CD "
                           "or LSOA11CD); name it with --code-field",
                           path);
        goto out;
    }
    areas = safer__xcalloc(nf, sizeof(*areas));
    for (size_t i = 0; i < nf; i++) {
        json_t *f = json_array_get(features, i);
        struct ctx c = {path, o.level, i + 1, NULL, err};
        json_t *props = json_object_get(f, "properties");
        const char *code = json_string_value(json_object_get(props, stats->code_field));
        if (!code || !*code) {
            char msg[160];
            snprintf(msg, sizeof(msg), "no '%s' property", stats->code_field);
            rc = feat_err(&c, SAFER_EPARSE, msg);
            goto out;
        }
        c.code = code;
        if (strlen(code) > SAFER_LIMIT_CODE) {
            rc = feat_err(&c, SAFER_ETOOBIG, "code longer than SAFER_LIMIT_CODE");
            goto out;
        }
        struct safer_area *a = &areas[count++];
        rc = parse_geometry(&c, json_object_get(f, "geometry"), &a->geom);
        if (rc < 0)
            goto out;
        const char *name = json_string_value(json_object_get(props, stats->name_field));
        const char *district = stats->district_field[0]
                                   ? json_string_value(json_object_get(props, stats->district_field))
                                   : NULL;
        a->code = safer__xstrdup(code);
        a->name = safer__xstrdup(name ? name : code);
        a->level = safer__xstrdup(o.level);
        a->district = district && *district ? safer__xstrdup(district) : NULL;
        stats->points += a->geom.npoints;
    }
    stats->features = count;
    *out = areas;
    *n = count;
    areas = NULL;
out:
    safer_areas_free(areas, count);
    json_decref(root);
    return rc;
}
