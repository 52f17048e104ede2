/*
 * area.c - GeoJSON boundaries into areas.
 *
 * The file is read in one pass by yajl's event parser: no document tree is
 * built. A DOM parser (Jansson) spent three quarters of a 300-ward import
 * allocating a node per coordinate; here each number goes straight into
 * the ring being built. Members may come in any order (properties after
 * geometry, type after coordinates), so a feature is checked when it ends.
 */
#include "util/compat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_parse.h>

#include "geo/geo_internal.h"
#include "util/internal.h"
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

/*
 * Axis order. GeoJSON positions are [longitude, latitude], but files are
 * still written the other way round, by hand or by tools that follow the
 * EPSG definition of EPSG:4326 (latitude first), and a swapped file reads
 * as valid numbers. Great Britain and Northern Ireland, with Scilly,
 * Shetland and the Channel Islands, lie inside 9 W to 3 E, 49 N to 61 N
 * (the box lib/geo/proj.c uses for its lattice). Swapped, that box is 49 E
 * to 61 E, 9 S to 3 N: open Indian Ocean around the Seychelles, where no
 * area of a UK partnership lies. So a position there is refused as a
 * swapped one, whatever the file's crs says; the two boxes do not overlap,
 * so no position is ambiguous between them.
 */
static int in_gb(double lon, double lat)
{
    return lon >= -9.0 && lon <= 3.0 && lat >= 49.0 && lat <= 61.0;
}

/* ---- the feature under construction ---- */

struct prop {
    char *key, *value; /* owned */
};

struct feature {
    struct prop *props;
    size_t nprops, capprops;
    char gtype[40]; /* geometry "type", "" when absent */
    int has_geometry, geometry_null;
    /* Coordinates as built: positions, ring ends and polygon ends, with the
     * nesting level (1 = the coordinates array) at which positions sat. */
    double *xy;
    size_t np, capp;
    uint32_t *rings; /* start of each ring in positions */
    size_t nr, capr;
    uint32_t *parts; /* first ring of each polygon */
    size_t npart, cappart;
    int pos_level;   /* level of the position arrays, 0 before any */
    char err[200];   /* the first problem met, reported when the feature ends */
    int err_code;
};

static void feature_reset(struct feature *f)
{
    for (size_t i = 0; i < f->nprops; i++) {
        free(f->props[i].key);
        free(f->props[i].value);
    }
    f->nprops = 0;
    f->gtype[0] = '\0';
    f->has_geometry = f->geometry_null = 0;
    f->np = f->nr = f->npart = 0;
    f->pos_level = 0;
    f->err[0] = '\0';
    f->err_code = 0;
}

static void feature_release(struct feature *f)
{
    feature_reset(f);
    free(f->props);
    free(f->xy);
    free(f->rings);
    free(f->parts);
    memset(f, 0, sizeof(*f));
}

static const char *feature_prop(const struct feature *f, const char *key)
{
    for (size_t i = 0; i < f->nprops; i++) {
        if (strcmp(f->props[i].key, key) == 0)
            return f->props[i].value;
    }
    return NULL;
}

static void feature_fail(struct feature *f, int code, const char *fmt, ...) SAFER_PRINTF(3, 4);
static void feature_fail(struct feature *f, int code, const char *fmt, ...)
{
    if (f->err_code)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err, sizeof(f->err), fmt, ap);
    va_end(ap);
    f->err_code = code;
}

/* ---- the event parser's state ---- */

enum role {
    R_SKIP, R_ROOT, R_CRS, R_CRS_PROPS, R_FEATURES, R_FEATURE, R_PROPS, R_GEOMETRY, R_COORDS
};

struct frame {
    enum role role;
    int is_array;
    int level;       /* R_COORDS: 1 for the coordinates array itself */
    int children;    /* R_COORDS: elements so far */
    int child_kind;  /* R_COORDS: 0 none yet, 1 numbers, 2 arrays */
    int child_level; /* R_COORDS with array children: what those held (0 numbers, 1 rings...) */
    double num[2];   /* R_COORDS holding numbers: the first two */
    int bad;         /* R_COORDS holding numbers: a non-number or a bad number met */
    char key[72];    /* maps: the current member's name ("" when too long) */
};

struct parser {
    const char *path;
    const struct safer_areas_opts *opts;
    struct safer_areas_stats *stats;
    struct safer_err *err;
    int rc;
    struct frame stack[SAFER_LIMIT_GEOJSON_DEPTH];
    int depth;
    int is_collection;
    char crs[128];
    int has_crs;
    int crs_latlon;    /* the crs names a latitude-first axis order */
    size_t outside_gb; /* the first feature with a position outside Great Britain, 0 none */
    double outside_x, outside_y; /* that position */
    size_t nfeatures;
    struct feature f;
    struct safer__rings *rings; /* owned: scratch space of the ring check */
    int fields_chosen;
    struct safer_area *areas;
    size_t nareas, capareas;
};

static struct frame *top(struct parser *p) { return p->depth ? &p->stack[p->depth - 1] : NULL; }

static int fail(struct parser *p, int code, const char *fmt, ...) SAFER_PRINTF(3, 4);
static int fail(struct parser *p, int code, const char *fmt, ...)
{
    if (!p->rc) {
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        p->rc = safer_err_set(p->err, code, "%s", msg);
    }
    return 0; /* stop yajl */
}

static int push(struct parser *p, int is_array)
{
    if (p->depth == SAFER_LIMIT_GEOJSON_DEPTH)
        return fail(p, SAFER_ETOOBIG, "%s: JSON nested deeper than %d levels (limit SAFER_LIMIT_GEOJSON_DEPTH)",
                    p->path, SAFER_LIMIT_GEOJSON_DEPTH);
    struct frame *parent = top(p);
    struct frame *fr = &p->stack[p->depth++];
    memset(fr, 0, sizeof(*fr));
    fr->is_array = is_array;
    if (!parent) {
        fr->role = is_array ? R_SKIP : R_ROOT;
        return 1;
    }
    const char *k = parent->key;
    switch (parent->role) {
    case R_ROOT:
        if (!is_array && strcmp(k, "crs") == 0)
            fr->role = R_CRS;
        else if (is_array && strcmp(k, "features") == 0)
            fr->role = R_FEATURES;
        break;
    case R_CRS:
        if (!is_array && strcmp(k, "properties") == 0)
            fr->role = R_CRS_PROPS;
        break;
    case R_FEATURES:
        if (!is_array) {
            fr->role = R_FEATURE;
            feature_reset(&p->f);
            p->nfeatures++;
            if (p->nfeatures > SAFER_LIMIT_AREAS)
                return fail(p, SAFER_ETOOBIG, "%s: more than %d features (limit SAFER_LIMIT_AREAS)",
                            p->path, SAFER_LIMIT_AREAS);
        }
        break;
    case R_FEATURE:
        if (!is_array && strcmp(k, "properties") == 0)
            fr->role = R_PROPS;
        else if (!is_array && strcmp(k, "geometry") == 0) {
            fr->role = R_GEOMETRY;
            p->f.has_geometry = 1;
        }
        break;
    case R_GEOMETRY:
        if (is_array && strcmp(k, "coordinates") == 0) {
            fr->role = R_COORDS;
            fr->level = 1;
        }
        break;
    case R_COORDS:
        if (parent->child_kind == 1)
            parent->bad = 1; /* an array among numbers */
        parent->child_kind = parent->child_kind == 1 ? 1 : 2;
        parent->children++;
        if (is_array) {
            fr->role = R_COORDS;
            fr->level = parent->level + 1;
        } else {
            fr->role = R_SKIP;
            parent->bad = 1;
        }
        break;
    default:
        break;
    }
    return 1;
}

/* A scalar inside coordinates. `num` is NULL for anything but a number. */
static void coords_scalar(struct parser *p, struct frame *fr, const char *num, size_t len)
{
    if (fr->child_kind == 2)
        fr->bad = 1;
    fr->child_kind = 1;
    if (!num) {
        fr->bad = 1;
        fr->children++;
        return;
    }
    double v;
    if (safer__fast_decimal(num, len, &v) < 0) {
        char tmp[64];
        char *end;
        if (len >= sizeof(tmp)) {
            fr->bad = 1;
            fr->children++;
            return;
        }
        memcpy(tmp, num, len);
        tmp[len] = '\0';
        v = strtod(tmp, &end);
        if (*end || !isfinite(v))
            fr->bad = 1;
    }
    if (fr->children < 2)
        fr->num[fr->children] = v;
    fr->children++;
    (void)p;
}

/* The end of an array inside coordinates: a position, a ring or a polygon. */
static int coords_end(struct parser *p, struct frame *fr)
{
    struct feature *f = &p->f;
    struct frame *parent = p->depth >= 2 ? &p->stack[p->depth - 2] : NULL;
    int what; /* 0 position, 1 ring, 2 polygon, 3 multipolygon */
    if (fr->child_kind == 1 || fr->children == 0)
        what = 0;
    else
        what = fr->child_level + 1;
    if (parent && parent->role == R_COORDS)
        parent->child_level = what;

    if (what == 0) {
        /* A position: two numbers (a third, the height, is allowed and ignored). */
        size_t ring_start = f->nr ? f->rings[f->nr - 1] : 0;
        if (!f->pos_level)
            f->pos_level = fr->level;
        if (fr->bad || fr->children < 2 || fr->children > 3) {
            feature_fail(f, SAFER_EPARSE, "position %zu of a ring is not a pair of numbers",
                         f->np - ring_start + 1);
            return 1;
        }
        double x = fr->num[0], y = fr->num[1];
        if (x < -180 || x > 180 || y < -90 || y > 90) {
            feature_fail(f, SAFER_EPARSE,
                         "position (%g, %g) is not longitude/latitude; the file must be in CRS84 "
                         "/ EPSG:4326 (British National Grid files must be converted first)",
                         x, y);
            return 1;
        }
        if (in_gb(y, x)) {
            feature_fail(f, SAFER_EPARSE,
                         "position (%g, %g) has latitude first: GeoJSON positions are "
                         "[longitude, latitude], and read that way this one lies in the Indian "
                         "Ocean; swap each pair to put longitude first",
                         x, y);
            return 1;
        }
        if (!p->outside_gb && !in_gb(x, y)) {
            /* Kept for a crs whose axis order is latitude first (see crs_axes). */
            p->outside_gb = p->nfeatures;
            p->outside_x = x;
            p->outside_y = y;
        }
        if (f->np + 1 > SAFER_LIMIT_POLYGON_POINTS) {
            feature_fail(f, SAFER_ETOOBIG,
                         "geometry has too many positions (limit SAFER_LIMIT_POLYGON_POINTS)");
            return 1;
        }
        SAFER__GROW(f->xy, f->capp, 2 * (f->np + 1));
        f->xy[2 * f->np] = x;
        f->xy[2 * f->np + 1] = y;
        f->np++;
        /* A ring's start is recorded when its first position arrives. */
        if (f->nr == 0 || f->rings[f->nr - 1] == UINT32_MAX) {
            if (f->nr == 0) {
                SAFER__GROW(f->rings, f->capr, f->nr + 2);
                f->nr++;
            }
            f->rings[f->nr - 1] = (uint32_t)(f->np - 1);
        }
        return 1;
    }
    if (what == 1) {
        /* A ring ends: check it, and open the next. */
        uint32_t start = f->nr ? f->rings[f->nr - 1] : UINT32_MAX;
        size_t n = start == UINT32_MAX ? 0 : f->np - start;
        if (n < 4)
            feature_fail(f, SAFER_EPARSE, "a ring has %zu positions; at least 4 are needed", n);
        else if (f->xy[2 * start] != f->xy[2 * (f->np - 1)] ||
                 f->xy[2 * start + 1] != f->xy[2 * (f->np - 1) + 1])
            feature_fail(f, SAFER_EPARSE,
                         "a ring is not closed (its last position differs from its first)");
        if (start == UINT32_MAX) {
            /* An empty ring: keep the structure consistent. */
            SAFER__GROW(f->rings, f->capr, f->nr + 2);
            f->rings[f->nr++] = (uint32_t)f->np;
        }
        if (f->npart == 0 || f->parts[f->npart - 1] == UINT32_MAX) {
            if (f->npart == 0) {
                SAFER__GROW(f->parts, f->cappart, f->npart + 2);
                f->npart++;
            }
            f->parts[f->npart - 1] = (uint32_t)(f->nr - 1);
        }
        SAFER__GROW(f->rings, f->capr, f->nr + 2);
        f->rings[f->nr++] = UINT32_MAX; /* the next ring, not started */
        return 1;
    }
    if (what == 2) {
        if (f->npart == 0 || f->parts[f->npart - 1] == UINT32_MAX)
            feature_fail(f, SAFER_EPARSE, "a polygon has no rings");
        SAFER__GROW(f->parts, f->cappart, f->npart + 2);
        f->parts[f->npart++] = UINT32_MAX; /* the next polygon, not started */
        return 1;
    }
    return 1;
}

/* ---- choosing the code, name and district properties ---- */

static void pick_fields(const struct feature *f, const struct safer_areas_opts *o,
                        struct safer_areas_stats *stats)
{
    char prefix[64];
    int best = -1;
    if (o->code_field)
        snprintf(stats->code_field, sizeof(stats->code_field), "%s", o->code_field);
    for (size_t i = 0; i < f->nprops && !o->code_field; i++) {
        if (!ons_field(f->props[i].key, "CD", prefix, sizeof(prefix)))
            continue;
        int r = level_rank(prefix, o->level);
        if (r > best) {
            best = r;
            snprintf(stats->code_field, sizeof(stats->code_field), "%s", f->props[i].key);
        }
    }
    /* The district: a LAD..CD property other than the code itself. */
    for (size_t i = 0; i < f->nprops; i++) {
        const char *key = f->props[i].key;
        if (!ons_field(key, "CD", prefix, sizeof(prefix)))
            continue;
        if (strncasecmp(prefix, "LAD", 3) == 0 && strcmp(key, stats->code_field) != 0) {
            snprintf(stats->district_field, sizeof(stats->district_field), "%s", key);
            break;
        }
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

/* "ring 2", or "ring 1 of polygon 3" in a MultiPolygon. */
static void ring_name(char *buf, size_t cap, const struct safer_geom *g, int multi, uint32_t r)
{
    uint32_t part = 0;
    while (part + 1 < g->nparts && g->part_start[part + 1] <= r)
        part++;
    if (multi)
        snprintf(buf, cap, "ring %u of polygon %u", (unsigned)(r - g->part_start[part] + 1),
                 (unsigned)part + 1);
    else
        snprintf(buf, cap, "ring %u", (unsigned)r + 1);
}

/* The message for a fault of the ring check, into feature f's error. */
static void ring_fault(struct feature *f, const struct safer_geom *g, int multi,
                       const struct safer__ring_fault *rf)
{
    char a[48], b[48], x[32], y[32];
    ring_name(a, sizeof(a), g, multi, rf->a);
    ring_name(b, sizeof(b), g, multi, rf->b);
    /* A vertex is printed as it reads back, to be found in the file. */
    safer__fmt_double(rf->x, x);
    safer__fmt_double(rf->y, y);
    switch (rf->kind) {
    case SAFER__RINGS_FEW:
        feature_fail(f, SAFER_EPARSE, "%s has %u distinct positions; at least 3 are needed", a,
                     (unsigned)rf->n);
        break;
    case SAFER__RINGS_SELF_CROSS:
        feature_fail(f, SAFER_EPARSE, "%s crosses itself near %.6f, %.6f", a, rf->x, rf->y);
        break;
    case SAFER__RINGS_SELF_TOUCH:
        feature_fail(f, SAFER_EPARSE, "%s touches itself at %s, %s", a, x, y);
        break;
    case SAFER__RINGS_SELF_OVERLAP:
        feature_fail(f, SAFER_EPARSE, "%s runs back along itself at %s, %s", a, x, y);
        break;
    case SAFER__RINGS_CROSS:
        feature_fail(f, SAFER_EPARSE, "%s crosses %s near %.6f, %.6f", a, b, rf->x, rf->y);
        break;
    case SAFER__RINGS_OVERLAP:
        feature_fail(f, SAFER_EPARSE, "%s and %s share a stretch of boundary at %s, %s", a, b,
                     x, y);
        break;
    case SAFER__RINGS_LOOP:
        feature_fail(f, SAFER_EPARSE,
                     "%s and %s touch at %s, %s and again elsewhere, which cuts the polygon's "
                     "interior in two",
                     a, b, x, y);
        break;
    case SAFER__RINGS_OK:
        break;
    }
}

/* A feature has ended: check it and keep it as an area. */
static int feature_end(struct parser *p)
{
    struct feature *f = &p->f;
    size_t idx = p->nfeatures;
    if (!p->fields_chosen) {
        pick_fields(f, p->opts, p->stats);
        p->fields_chosen = 1;
        if (!p->stats->code_field[0])
            return fail(p, SAFER_EPARSE,
                        "%s: no area code property found (expected an ONS code such as WD19CD "
                        "or LSOA11CD); name it with --code-field",
                        p->path);
    }
    const char *code = feature_prop(f, p->stats->code_field);
    if (!code || !*code)
        return fail(p, SAFER_EPARSE, "%s: feature %zu: no '%s' property", p->path, idx,
                    p->stats->code_field);
    if (strlen(code) > SAFER_LIMIT_CODE)
        return fail(p, SAFER_ETOOBIG, "%s: feature %zu ('%.80s'): code longer than SAFER_LIMIT_CODE",
                    p->path, idx, code);
    int poly = strcmp(f->gtype, "Polygon") == 0, multi = strcmp(f->gtype, "MultiPolygon") == 0;
    if (!f->has_geometry || f->geometry_null)
        return fail(p, SAFER_EPARSE, "%s: feature %zu ('%s'): no geometry", p->path, idx, code);
    if (!poly && !multi)
        return fail(p, SAFER_EPARSE,
                    "%s: feature %zu ('%s'): geometry type '%.60s' is not Polygon or MultiPolygon",
                    p->path, idx, code, f->gtype[0] ? f->gtype : "(none)");
    if (f->err_code)
        return fail(p, f->err_code, "%s: feature %zu ('%s'): %s", p->path, idx, code, f->err);
    if (f->np == 0)
        return fail(p, SAFER_EPARSE, "%s: feature %zu ('%s'): a polygon has no rings", p->path,
                    idx, code);
    if (f->pos_level != (poly ? 3 : 4))
        return fail(p, SAFER_EPARSE,
                    "%s: feature %zu ('%s'): the coordinates are not nested as a %s's are",
                    p->path, idx, code, f->gtype);

    /* Close the structure: drop the unstarted ring and polygon, add the ends. */
    size_t nr = f->nr, npart = f->npart;
    if (nr && f->rings[nr - 1] == UINT32_MAX)
        nr--;
    if (npart && f->parts[npart - 1] == UINT32_MAX)
        npart--;
    struct safer_geom g;
    safer_geom_init(&g);
    g.npoints = (uint32_t)f->np;
    g.nrings = (uint32_t)nr;
    g.nparts = (uint32_t)npart;
    g.xy = safer__xmalloc(sizeof(double) * 2 * f->np);
    memcpy(g.xy, f->xy, sizeof(double) * 2 * f->np);
    g.ring_start = safer__xmalloc(sizeof(uint32_t) * (nr + 1));
    memcpy(g.ring_start, f->rings, sizeof(uint32_t) * nr);
    g.ring_start[nr] = (uint32_t)f->np;
    g.part_start = safer__xmalloc(sizeof(uint32_t) * (npart + 1));
    memcpy(g.part_start, f->parts, sizeof(uint32_t) * npart);
    g.part_start[npart] = (uint32_t)nr;
    safer_geom_update_bbox(&g);

    /* Crossing or touching rings make point-in-polygon meaningless. */
    if (!p->rings)
        p->rings = safer__rings_new();
    struct safer__ring_fault rf;
    if (safer__rings_check(p->rings, &g, &rf) != SAFER__RINGS_OK) {
        ring_fault(f, &g, multi, &rf);
        safer_geom_release(&g);
        return fail(p, f->err_code, "%s: feature %zu ('%s'): %s", p->path, idx, code, f->err);
    }

    SAFER__GROW(p->areas, p->capareas, p->nareas + 1);
    struct safer_area *a = &p->areas[p->nareas++];
    memset(a, 0, sizeof(*a));
    a->geom = g;
    const char *name = feature_prop(f, p->stats->name_field);
    const char *district =
        p->stats->district_field[0] ? feature_prop(f, p->stats->district_field) : NULL;
    a->code = safer__xstrdup(code);
    a->name = safer__xstrdup(name ? name : code);
    a->level = safer__xstrdup(p->opts->level);
    a->district = district && *district ? safer__xstrdup(district) : NULL;
    p->stats->points += f->np;
    return 1;
}

/*
 * The crs names this file accepts, all WGS 84 in degrees. CRS84 is
 * longitude first by definition. The legacy "EPSG:4326" has no axis order
 * of its own; GeoJSON 2008 cites it as the legacy identifier, and files
 * that use it hold longitude first. The OGC URN and URI of EPSG:4326 name
 * the EPSG definition, whose axes are latitude then longitude, so such a
 * file may hold either order (tools disagree); it is read only when every
 * position lies in Great Britain read longitude first, which rules out the
 * other order (see in_gb). Returns 1 lon/lat, 2 lat/lon, 0 not accepted.
 */
static int crs_axes(const char *name)
{
    static const struct {
        const char *name;
        int axes;
    } known[] = {
        {"urn:ogc:def:crs:OGC:1.3:CRS84", 1},
        {"urn:ogc:def:crs:OGC::CRS84", 1},
        {"http://www.opengis.net/def/crs/OGC/1.3/CRS84", 1},
        {"OGC:CRS84", 1},
        {"CRS84", 1},
        {"EPSG:4326", 1},
        {"urn:ogc:def:crs:EPSG::4326", 2},
        {"http://www.opengis.net/def/crs/EPSG/0/4326", 2},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(name, known[i].name) == 0)
            return known[i].axes;
    }
    return 0;
}

static int crs_fail(struct parser *p)
{
    return fail(p, SAFER_EPARSE,
                "%s: the file is in CRS '%s'; only longitude/latitude (CRS84 / EPSG:4326) is "
                "accepted: convert it first, for example with ogr2ogr -t_srs OGC:CRS84",
                p->path, p->crs);
}

/* ---- yajl callbacks ---- */

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    struct parser *p = ctx;
    struct frame *fr = top(p);
    if (!fr)
        return 1;
    switch (fr->role) {
    case R_ROOT:
        if (strcmp(fr->key, "type") == 0)
            p->is_collection = len == 17 && memcmp(s, "FeatureCollection", 17) == 0;
        break;
    case R_CRS_PROPS:
        if (strcmp(fr->key, "name") == 0) {
            snprintf(p->crs, sizeof(p->crs), "%.*s", (int)(len < 100 ? len : 100), (const char *)s);
            p->has_crs = 1;
            int axes = crs_axes(p->crs);
            if (!axes)
                return crs_fail(p);
            p->crs_latlon = axes == 2;
        }
        break;
    case R_PROPS: {
        struct feature *f = &p->f;
        if (!fr->key[0] || len > 4096)
            break;
        SAFER__GROW(f->props, f->capprops, f->nprops + 1);
        f->props[f->nprops].key = safer__xstrdup(fr->key);
        f->props[f->nprops].value = safer__xstrndup((const char *)s, len);
        f->nprops++;
        break;
    }
    case R_GEOMETRY:
        if (strcmp(fr->key, "type") == 0)
            snprintf(p->f.gtype, sizeof(p->f.gtype), "%.*s", (int)(len < 39 ? len : 39),
                     (const char *)s);
        break;
    case R_COORDS:
        coords_scalar(p, fr, NULL, 0);
        break;
    default:
        break;
    }
    return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
    struct parser *p = ctx;
    struct frame *fr = top(p);
    if (fr && fr->role == R_COORDS)
        coords_scalar(p, fr, s, len);
    return 1;
}

static int on_other(struct parser *p, int is_null)
{
    struct frame *fr = top(p);
    if (!fr)
        return 1;
    if (fr->role == R_COORDS)
        coords_scalar(p, fr, NULL, 0);
    else if (fr->role == R_FEATURE && is_null && strcmp(fr->key, "geometry") == 0)
        p->f.geometry_null = 1, p->f.has_geometry = 1;
    return 1;
}

static int on_null(void *ctx) { return on_other(ctx, 1); }
static int on_boolean(void *ctx, int v)
{
    (void)v;
    return on_other(ctx, 0);
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
    struct parser *p = ctx;
    struct frame *fr = top(p);
    if (!fr)
        return 1;
    if (len < sizeof(fr->key)) {
        memcpy(fr->key, s, len);
        fr->key[len] = '\0';
    } else {
        fr->key[0] = '\0';
    }
    return 1;
}

static int on_start_map(void *ctx) { return push(ctx, 0); }
static int on_start_array(void *ctx) { return push(ctx, 1); }

static int on_end(void *ctx)
{
    struct parser *p = ctx;
    struct frame *fr = top(p);
    int ok = 1;
    if (fr->role == R_COORDS)
        ok = coords_end(p, fr);
    else if (fr->role == R_FEATURE)
        ok = feature_end(p);
    p->depth--;
    return ok && !p->rc;
}

static const yajl_callbacks CALLBACKS = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

/* Line of byte offset `off` in data, for syntax errors. */
static size_t line_of(const char *data, size_t off)
{
    size_t line = 1;
    for (size_t i = 0; i < off; i++)
        line += data[i] == '\n';
    return line;
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
        return safer_err_set(err, SAFER_ETOOBIG,
                             "%s: larger than %llu bytes (limit SAFER_LIMIT_GEOJSON_FILE)", path,
                             (unsigned long long)SAFER_LIMIT_GEOJSON_FILE);
    struct parser *p = safer__xcalloc(1, sizeof(*p));
    p->path = path;
    p->opts = &o;
    p->stats = stats;
    p->err = err;
    yajl_handle h = yajl_alloc(&CALLBACKS, NULL, p);
    if (!h) {
        free(p);
        return safer_err_set(err, SAFER_ENOMEM, "%s: cannot start the JSON parser", path);
    }
    yajl_status st = yajl_parse(h, (const unsigned char *)data, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    int rc = p->rc;
    if (st == yajl_status_error && !rc) {
        size_t off = yajl_get_bytes_consumed(h);
        unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)data, len);
        rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: not valid JSON: %s", path,
                           line_of(data, off < len ? off : len), msg ? (const char *)msg : "error");
        if (msg)
            yajl_free_error(h, msg);
    }
    if (rc == 0 && !p->is_collection)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: not a GeoJSON FeatureCollection", path);
    if (rc == 0 && p->nareas == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: the FeatureCollection has no features", path);
    if (rc == 0 && p->crs_latlon && p->outside_gb)
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s: the crs '%s' puts latitude first, and position (%g, %g) of "
                           "feature %zu lies outside Great Britain either way round, so the "
                           "order cannot be told; write the file in CRS84 (longitude first), "
                           "for example with ogr2ogr -t_srs OGC:CRS84",
                           path, p->crs, p->outside_x, p->outside_y, p->outside_gb);
    yajl_free(h);
    feature_release(&p->f);
    safer__rings_free(p->rings);
    if (rc < 0) {
        safer_areas_free(p->areas, p->nareas);
        memset(stats, 0, sizeof(*stats));
    } else {
        stats->features = p->nareas;
        *out = p->areas;
        *n = p->nareas;
    }
    free(p);
    return rc;
}
