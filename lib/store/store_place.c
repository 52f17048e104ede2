/*
 * store_place.c - the postcode table, and the resolver of places
 * (place.h): a ward, an LSOA, a postcode or a point, to a ward of the
 * store's geography.
 *
 * The resolver reads the store once, in one read transaction, and answers
 * from sorted arrays after that. The wards it knows are those of the ward
 * polygons and of the lookups; the postcodes it loads are those of these
 * wards, so a partnership that imported the whole directory keeps only
 * its own in memory.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "safer/area.h"
#include "safer/locate.h"
#include "safer/place.h"
#include "safer/proj.h"
#include "store/store_impl.h"
#include "store/store_internal.h"
#include "util/internal.h"

static const char *const KIND_NAMES[] = {NULL, "ward", "lsoa", "postcode", "point"};

enum safer_place_kind safer_place_kind_parse(const char *name)
{
    for (int k = SAFER_PLACE_WARD; name && k <= SAFER_PLACE_POINT; k++)
        if (strcasecmp(name, KIND_NAMES[k]) == 0)
            return (enum safer_place_kind)k;
    return 0;
}

const char *safer_place_kind_name(enum safer_place_kind kind)
{
    return kind >= SAFER_PLACE_WARD && kind <= SAFER_PLACE_POINT ? KIND_NAMES[kind] : "?";
}

int safer__store_postcodes(struct safer_store *st, const struct safer__postcodes *p,
                           size_t *replaced, struct safer_err *err)
{
    *replaced = 0;
    struct safer__stmt *has = NULL, *put = NULL;
    const char *source = safer__base_name(p->path);
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st, "SELECT 1 FROM postcode WHERE postcode = ?", &has, err);
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO postcode(postcode, ward_code, lsoa_code, district_code, lon,"
                         " lat, x, y, terminated, source) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                         " ON CONFLICT(postcode) DO UPDATE SET ward_code = excluded.ward_code,"
                         " lsoa_code = excluded.lsoa_code, district_code = excluded.district_code,"
                         " lon = excluded.lon, lat = excluded.lat, x = excluded.x, y = excluded.y,"
                         " terminated = excluded.terminated, source = excluded.source",
                         &put, err);
    for (size_t i = 0; rc == 0 && i < p->n; i++) {
        const struct safer__postcode *r = &p->rows[i];
        safer__stmt_reset(has);
        safer__bind_text(has, 1, r->postcode);
        rc = safer__step(has, err);
        if (rc < 0)
            break;
        *replaced += (size_t)rc;
        safer__stmt_reset(put);
        safer__bind_text(put, 1, r->postcode);
        safer__bind_text(put, 2, r->ward);
        safer__bind_text(put, 3, r->lsoa);
        safer__bind_text(put, 4, r->district);
        safer__bind_point(put, 5, r->lon, r->lat);
        safer__bind_point(put, 7, r->x, r->y);
        safer__bind_text(put, 9, r->terminated);
        safer__bind_text(put, 10, source);
        rc = safer__step_done(put, err);
    }
    safer__stmt_finalize(has);
    safer__stmt_finalize(put);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        *replaced = 0;
    }
    return rc;
}

/* ---- the resolver ---- */

struct where {
    double lon, lat, x, y;
};

struct ward {
    char *code;
    struct where at;
};

struct lsoa {
    char *code;
    size_t ward;
    struct where at;
};

struct postcode {
    char postcode[9];
    size_t ward;
    char *lsoa; /* or NULL */
    struct where at;
};

struct safer_places {
    struct ward *wards; /* by code */
    size_t nwards;
    struct lsoa *lsoas; /* by code */
    size_t nlsoas;
    struct postcode *postcodes; /* by postcode */
    size_t npostcodes;
    struct safer_area *polys; /* the ward polygons, by code */
    size_t npolys;
    size_t *poly_ward;        /* polygon -> wards[] */
    struct safer_geom *geoms; /* the polygons' geometries (shallow copies) */
    struct safer_locator *locator;
    struct safer_bng *bng;
};

static const struct where NOWHERE = {NAN, NAN, NAN, NAN};

static int by_code(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The index of `code` in `v` (n elements of `size` bytes whose first
 * member is the code's char *), or -1. */
static long find_code(const void *v, size_t n, size_t size, const char *code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(code, *(char *const *)((const char *)v + mid * size));
        if (d == 0)
            return (long)mid;
        if (d < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* The centroid of a polygon's area in longitude and latitude: each part's
 * shell counts with its area, each hole against it. Near enough to the
 * centroid in metres at the size of a ward, and it is only a place to
 * measure distances from. */
static void centroid(const struct safer_geom *g, double *lon, double *lat)
{
    double a = 0, cx = 0, cy = 0;
    for (uint32_t p = 0; p < g->nparts; p++) {
        for (uint32_t r = g->part_start[p]; r < g->part_start[p + 1]; r++) {
            double ra = 0, rx = 0, ry = 0;
            for (uint32_t i = g->ring_start[r]; i + 1 < g->ring_start[r + 1]; i++) {
                double x0 = g->xy[2 * i], y0 = g->xy[2 * i + 1];
                double x1 = g->xy[2 * i + 2], y1 = g->xy[2 * i + 3];
                double cr = x0 * y1 - x1 * y0;
                ra += cr;
                rx += (x0 + x1) * cr;
                ry += (y0 + y1) * cr;
            }
            /* Shell positive, holes negative, whatever their orientation. */
            double sign = (r == g->part_start[p]) == (ra > 0) ? 1 : -1;
            a += sign * ra / 2;
            cx += sign * rx / 6;
            cy += sign * ry / 6;
        }
    }
    if (a != 0) {
        *lon = cx / a;
        *lat = cy / a;
    } else {
        *lon = (g->minx + g->maxx) / 2;
        *lat = (g->miny + g->maxy) / 2;
    }
}

static void add_ward(struct safer_places *pl, size_t *cap, const char *code)
{
    SAFER__GROW(pl->wards, *cap, pl->nwards + 1);
    pl->wards[pl->nwards].code = safer__xstrdup(code);
    pl->wards[pl->nwards].at = NOWHERE;
    pl->nwards++;
}

static int read_all(struct safer_store *st, struct safer_places *pl, struct safer_err *err)
{
    int rc = safer_areas_load(st, "ward", &pl->polys, &pl->npolys, err);
    struct safer__stmt *s = NULL;
    size_t cap = 0;
    if (rc == 0)
        rc = safer__prep(st,
                         "SELECT code FROM area WHERE level = 'ward' UNION SELECT ward_code FROM"
                         " lookup_lsoa UNION SELECT ward_code FROM lookup_ward",
                         &s, err);
    while (rc >= 0 && (rc = safer__step(s, err)) == 1)
        add_ward(pl, &cap, safer__col_text(s, 0));
    safer__stmt_finalize(s);
    s = NULL;
    if (rc < 0)
        return rc;
    if (pl->nwards)
        qsort(pl->wards, pl->nwards, sizeof(pl->wards[0]), by_code);

    rc = safer__prep(st, "SELECT lsoa_code, ward_code FROM lookup_lsoa", &s, err);
    cap = 0;
    while (rc >= 0 && (rc = safer__step(s, err)) == 1) {
        long w = find_code(pl->wards, pl->nwards, sizeof(pl->wards[0]), safer__col_text(s, 1));
        if (w < 0)
            continue;
        SAFER__GROW(pl->lsoas, cap, pl->nlsoas + 1);
        struct lsoa *l = &pl->lsoas[pl->nlsoas++];
        l->code = safer__xstrdup(safer__col_text(s, 0));
        l->ward = (size_t)w;
        l->at = NOWHERE;
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc < 0)
        return rc;
    if (pl->nlsoas)
        qsort(pl->lsoas, pl->nlsoas, sizeof(pl->lsoas[0]), by_code);

    rc = safer__prep(st,
                     "SELECT postcode, ward_code, lsoa_code, lon, lat, x, y FROM postcode"
                     " WHERE ward_code IN (SELECT code FROM area WHERE level = 'ward' UNION"
                     " SELECT ward_code FROM lookup_lsoa UNION SELECT ward_code FROM lookup_ward)"
                     " ORDER BY postcode",
                     &s, err);
    cap = 0;
    while (rc >= 0 && (rc = safer__step(s, err)) == 1) {
        long w = find_code(pl->wards, pl->nwards, sizeof(pl->wards[0]), safer__col_text(s, 1));
        const char *pc = safer__col_text(s, 0);
        if (w < 0 || !pc || strlen(pc) > 8)
            continue;
        SAFER__GROW(pl->postcodes, cap, pl->npostcodes + 1);
        struct postcode *p = &pl->postcodes[pl->npostcodes++];
        snprintf(p->postcode, sizeof(p->postcode), "%s", pc);
        p->ward = (size_t)w;
        const char *lsoa = safer__col_text(s, 2);
        p->lsoa = lsoa ? safer__xstrdup(lsoa) : NULL;
        double *v[4] = {&p->at.lon, &p->at.lat, &p->at.x, &p->at.y};
        for (int k = 0; k < 4; k++)
            *v[k] = safer__col_is_null(s, 3 + k) ? NAN : safer__col_double(s, 3 + k);
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;

    /* Where the LSOAs with polygons are. */
    struct safer_area *areas = NULL;
    size_t nareas = 0;
    rc = safer_areas_load(st, "lsoa", &areas, &nareas, err);
    for (size_t i = 0; rc == 0 && i < nareas; i++) {
        long k = find_code(pl->lsoas, pl->nlsoas, sizeof(pl->lsoas[0]), areas[i].code);
        if (k >= 0)
            centroid(&areas[i].geom, &pl->lsoas[k].at.lon, &pl->lsoas[k].at.lat);
    }
    safer_areas_free(areas, nareas);
    return rc;
}

/* Project every known longitude and latitude to the grid, in one call. */
static int project(struct safer_places *pl, struct safer_err *err)
{
    size_t n = pl->nwards + pl->nlsoas, k = 0;
    double *x = safer__xmalloc(sizeof(double) * (n + 1));
    double *y = safer__xmalloc(sizeof(double) * (n + 1));
    for (size_t i = 0; i < pl->nwards; i++, k++) {
        x[k] = pl->wards[i].at.lon;
        y[k] = pl->wards[i].at.lat;
    }
    for (size_t i = 0; i < pl->nlsoas; i++, k++) {
        x[k] = pl->lsoas[i].at.lon;
        y[k] = pl->lsoas[i].at.lat;
    }
    long rc = safer_bng_transform(pl->bng, x, y, n, err);
    k = 0;
    for (size_t i = 0; rc >= 0 && i < pl->nwards; i++, k++) {
        pl->wards[i].at.x = x[k];
        pl->wards[i].at.y = y[k];
    }
    for (size_t i = 0; rc >= 0 && i < pl->nlsoas; i++, k++) {
        pl->lsoas[i].at.x = x[k];
        pl->lsoas[i].at.y = y[k];
    }
    free(x);
    free(y);
    return rc < 0 ? (int)rc : 0;
}

int safer_places_open(struct safer_store *st, struct safer_places **out, struct safer_err *err)
{
    struct safer_places *pl = safer__xcalloc(1, sizeof(*pl));
    *out = NULL;
    int rc = safer__store_begin_read(st, err);
    if (rc == 0) {
        rc = read_all(st, pl, err);
        if (rc == 0)
            rc = safer__store_commit(st, err);
        else
            safer__store_rollback(st);
    }
    if (rc == 0) {
        pl->poly_ward = safer__xmalloc(sizeof(size_t) * (pl->npolys + 1));
        pl->geoms = safer__xmalloc(sizeof(*pl->geoms) * (pl->npolys + 1));
        for (size_t i = 0; i < pl->npolys; i++) {
            long w = find_code(pl->wards, pl->nwards, sizeof(pl->wards[0]), pl->polys[i].code);
            pl->poly_ward[i] = (size_t)w; /* every polygon's code is a ward read above */
            centroid(&pl->polys[i].geom, &pl->wards[w].at.lon, &pl->wards[w].at.lat);
            pl->geoms[i] = pl->polys[i].geom;
        }
        pl->locator = safer_locator_new(pl->geoms, pl->npolys);
        rc = safer_bng_new(&pl->bng, err);
    }
    if (rc == 0)
        rc = project(pl, err);
    if (rc < 0) {
        safer_places_close(pl);
        return rc;
    }
    *out = pl;
    return 0;
}

void safer_places_close(struct safer_places *pl)
{
    if (!pl)
        return;
    for (size_t i = 0; i < pl->nwards; i++)
        free(pl->wards[i].code);
    for (size_t i = 0; i < pl->nlsoas; i++)
        free(pl->lsoas[i].code);
    for (size_t i = 0; i < pl->npostcodes; i++)
        free(pl->postcodes[i].lsoa);
    free(pl->wards);
    free(pl->lsoas);
    free(pl->postcodes);
    safer_locator_free(pl->locator);
    free(pl->geoms);
    free(pl->poly_ward);
    safer_areas_free(pl->polys, pl->npolys);
    safer_bng_free(pl->bng);
    free(pl);
}

size_t safer_places_wards(const struct safer_places *pl)
{
    return pl->nwards;
}

size_t safer_places_postcodes(const struct safer_places *pl)
{
    return pl->npostcodes;
}

static void fill(struct safer_place *out, const char *ward, const char *lsoa,
                 const struct where *at)
{
    snprintf(out->ward, sizeof(out->ward), "%s", ward);
    snprintf(out->lsoa, sizeof(out->lsoa), "%s", lsoa ? lsoa : "");
    out->lon = at->lon;
    out->lat = at->lat;
    out->x = at->x;
    out->y = at->y;
}

static int postcode_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct postcode *)elem)->postcode);
}

int safer_places_find(struct safer_places *pl, enum safer_place_kind kind, const char *value,
                      size_t len, struct safer_place *out, char why[160])
{
    char code[SAFER_LIMIT_CODE + 1];
    /* Codes are compared as written, less the spaces around them. */
    while (len && value[0] == ' ')
        value++, len--;
    while (len && value[len - 1] == ' ')
        len--;
    int shown = (int)(len < 24 ? len : 24);
    if (len == 0) {
        snprintf(why, 160, "no %s given", kind == SAFER_PLACE_LSOA ? "LSOA" : safer_place_kind_name(kind));
        return 1;
    }
    if (kind == SAFER_PLACE_POSTCODE) {
        char pc[9];
        if (safer_postcode_normalise(value, len, pc) < 0) {
            snprintf(why, 160, "'%.*s' is not a postcode", shown, value);
            return 1;
        }
        const struct postcode *p =
            pl->npostcodes ? bsearch(pc, pl->postcodes, pl->npostcodes, sizeof(pl->postcodes[0]),
                                     postcode_cmp)
                           : NULL;
        if (!p) {
            if (pl->npostcodes == 0)
                snprintf(why, 160, "postcode '%s' cannot be placed: the store holds no postcodes "
                         "of its wards (safer import postcodes ONSPD.csv)", pc);
            else
                snprintf(why, 160, "'%s' is not a postcode of the store's wards in the ONS "
                         "Postcode Directory held", pc);
            return 1;
        }
        fill(out, pl->wards[p->ward].code, p->lsoa, &p->at);
        return 0;
    }
    if (len > SAFER_LIMIT_CODE) {
        snprintf(why, 160, "'%.*s...' is longer than any area code", shown, value);
        return 1;
    }
    memcpy(code, value, len);
    code[len] = '\0';
    if (kind == SAFER_PLACE_WARD) {
        long w = find_code(pl->wards, pl->nwards, sizeof(pl->wards[0]), code);
        if (w < 0) {
            snprintf(why, 160, "'%s' is not a ward the store holds", code);
            return 1;
        }
        fill(out, code, NULL, &pl->wards[w].at);
        return 0;
    }
    if (kind == SAFER_PLACE_LSOA) {
        long k = find_code(pl->lsoas, pl->nlsoas, sizeof(pl->lsoas[0]), code);
        if (k < 0) {
            snprintf(why, 160, "'%s' is not an LSOA of the store's LSOA to ward lookup", code);
            return 1;
        }
        fill(out, pl->wards[pl->lsoas[k].ward].code, code, &pl->lsoas[k].at);
        return 0;
    }
    snprintf(why, 160, "a point is placed by its coordinates, not by a code");
    return 1;
}

int safer_places_point(struct safer_places *pl, double lon, double lat, struct safer_place *out,
                       char why[160])
{
    if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
        snprintf(why, 160, "(%g, %g) is not a longitude and latitude", lon, lat);
        return 1;
    }
    int32_t i = pl->locator ? safer_locator_find(pl->locator, lon, lat) : -1;
    if (i < 0) {
        snprintf(why, 160, "(%.6f, %.6f) lies in none of the store's ward polygons", lon, lat);
        return 1;
    }
    double x = lon, y = lat;
    struct safer_err err = {0};
    if (safer_bng_transform(pl->bng, &x, &y, 1, &err) != 0)
        x = y = NAN;
    struct where at = {lon, lat, x, y};
    fill(out, pl->wards[pl->poly_ward[i]].code, NULL, &at);
    return 0;
}
