/*
 * store_area.c - areas and their polygons in the store.
 *
 * A geometry blob is "SGM1", u32 npoints, u32 nrings, u32 nparts, then
 * f64 xy[2 * npoints], u32 ring_start[nrings + 1], u32 part_start[nparts + 1]
 * (little-endian, read with memcpy).
 */
#include "util/compat.h"

#include <stdlib.h>
#include <string.h>

#include "store/colblob.h"
#include "util/internal.h"
#include "safer/area.h"
#include "safer/limits.h"
#include "store/store_impl.h"

static void geom_encode(struct safer_buf *b, const struct safer_geom *g)
{
    safer_buf_put(b, "SGM1", 4);
    safer__put_u32(b, g->npoints);
    safer__put_u32(b, g->nrings);
    safer__put_u32(b, g->nparts);
    safer_buf_put(b, g->xy, sizeof(double) * 2 * (size_t)g->npoints);
    safer_buf_put(b, g->ring_start, sizeof(uint32_t) * ((size_t)g->nrings + 1));
    safer_buf_put(b, g->part_start, sizeof(uint32_t) * ((size_t)g->nparts + 1));
}

static int geom_decode(const void *blob, size_t len, struct safer_geom *g)
{
    struct safer__blobrd r = {blob, (const unsigned char *)blob + len, 0};
    const unsigned char *magic = safer__rd_bytes(&r, 4);
    uint32_t np = safer__rd_u32(&r), nr = safer__rd_u32(&r), npart = safer__rd_u32(&r);
    if (r.bad || memcmp(magic, "SGM1", 4) || np > SAFER_LIMIT_POLYGON_POINTS || nr > np ||
        npart > nr)
        return -1;
    const unsigned char *xy = safer__rd_bytes(&r, sizeof(double) * 2 * (size_t)np);
    const unsigned char *rs = safer__rd_bytes(&r, sizeof(uint32_t) * ((size_t)nr + 1));
    const unsigned char *ps = safer__rd_bytes(&r, sizeof(uint32_t) * ((size_t)npart + 1));
    if (r.bad)
        return -1;
    safer_geom_init(g);
    g->npoints = np;
    g->nrings = nr;
    g->nparts = npart;
    g->xy = safer__xmalloc(sizeof(double) * 2 * (size_t)np + 1);
    memcpy(g->xy, xy, sizeof(double) * 2 * (size_t)np);
    g->ring_start = safer__xmalloc(sizeof(uint32_t) * ((size_t)nr + 1));
    memcpy(g->ring_start, rs, sizeof(uint32_t) * ((size_t)nr + 1));
    g->part_start = safer__xmalloc(sizeof(uint32_t) * ((size_t)npart + 1));
    memcpy(g->part_start, ps, sizeof(uint32_t) * ((size_t)npart + 1));
    /* Check the structure so later loops cannot run off the arrays. */
    if (g->ring_start[nr] != np || g->part_start[npart] != nr) {
        safer_geom_release(g);
        return -1;
    }
    for (uint32_t i = 0; i < nr; i++) {
        if (g->ring_start[i] > g->ring_start[i + 1]) {
            safer_geom_release(g);
            return -1;
        }
    }
    for (uint32_t i = 0; i < npart; i++) {
        if (g->part_start[i] >= g->part_start[i + 1]) {
            safer_geom_release(g);
            return -1;
        }
    }
    safer_geom_update_bbox(g);
    return 0;
}

static int cmp_area_code(const void *a, const void *b)
{
    return strcmp(((const struct safer_area *)a)->code, ((const struct safer_area *)b)->code);
}

int safer_areas_import(struct safer_store *st, const char *path, const struct safer_areas_opts *opts,
                       struct safer_areas_stats *stats, struct safer_err *err)
{
    char *data;
    size_t len;
    struct safer_area *areas = NULL;
    size_t n = 0;
    struct safer__stmt *ins = NULL, *old = NULL;
    struct safer_buf blob;
    safer_buf_init(&blob, SAFER_LIMIT_BLOB);
    int rc = safer__read_file(path, SAFER_LIMIT_GEOJSON_FILE, "SAFER_LIMIT_GEOJSON_FILE", &data,
                              &len, err);
    if (rc < 0)
        return rc;
    rc = safer_areas_parse(data, len, path, opts, &areas, &n, stats, err);
    free(data);
    if (rc < 0)
        return rc;
    qsort(areas, n, sizeof(*areas), cmp_area_code);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(areas[i - 1].code, areas[i].code) == 0) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s: area code '%s' appears in more than one feature",
                               path, areas[i].code);
            goto out;
        }
    }
    const char *source = safer__base_name(path);
    const char *level = n ? areas[0].level : (opts && opts->level ? opts->level : "ward");
    rc = safer__store_begin_write(st, err);
    if (rc < 0)
        goto out;
    if (opts && opts->replace_level) {
        struct safer__stmt *del;
        rc = safer__prep(st, "DELETE FROM area WHERE level = ? RETURNING code", &del, err);
        if (rc == 0) {
            safer__bind_text(del, 1, level);
            while ((rc = safer__step(del, err)) == 1)
                stats->replaced++;
            safer__stmt_finalize(del);
        }
    }
    if (rc == 0)
        rc = safer__prep(st, "SELECT 1 FROM area WHERE code = ?", &old, err);
    if (rc == 0)
        rc = safer__prep(st,
                         "INSERT INTO area(code, name, level, district_code, source, code_field,"
                         " geom) VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET"
                         " name = excluded.name, level = excluded.level,"
                         " district_code = excluded.district_code, source = excluded.source,"
                         " code_field = excluded.code_field, geom = excluded.geom",
                         &ins, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct safer_area *a = &areas[i];
        safer__stmt_reset(old);
        safer__bind_text(old, 1, a->code);
        rc = safer__step(old, err);
        if (rc < 0)
            break;
        stats->replaced += (size_t)rc;
        safer_buf_reset(&blob);
        geom_encode(&blob, &a->geom);
        if (safer_buf_error(&blob)) {
            rc = safer_err_set(err, SAFER_ETOOBIG, "%s: area '%s' is too large to store", path,
                               a->code);
            break;
        }
        safer__stmt_reset(ins);
        safer__bind_text(ins, 1, a->code);
        safer__bind_text(ins, 2, a->name);
        safer__bind_text(ins, 3, a->level);
        safer__bind_text(ins, 4, a->district);
        safer__bind_text(ins, 5, source);
        safer__bind_text(ins, 6, stats->code_field[0] ? stats->code_field : NULL);
        safer__bind_blob(ins, 7, blob.ptr, blob.len);
        rc = safer__step_done(ins, err);
    }
    safer__stmt_finalize(old);
    safer__stmt_finalize(ins);
    /* New ward boundaries move records between wards: recount them all. */
    if (rc == 0 && strcmp(level, "ward") == 0)
        rc = safer__store_recount(st, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
out:
    safer_buf_release(&blob);
    safer_areas_free(areas, n);
    if (rc < 0)
        stats->replaced = 0;
    return rc;
}

int safer_areas_load(struct safer_store *st, const char *level, struct safer_area **out, size_t *n,
                     struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s;
    int rc = safer__prep(
        st, "SELECT code, name, level, district_code, geom FROM area WHERE level = ? ORDER BY code",
        &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, level);
    struct safer_area *v = NULL;
    size_t cap = 0, count = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(v, cap, count + 1);
        struct safer_area *a = &v[count];
        memset(a, 0, sizeof(*a));
        size_t blen;
        const void *blob = safer__col_blob(s, 4, &blen);
        if (!blob || geom_decode(blob, blen, &a->geom) < 0) {
            rc = safer_err_set(err, SAFER_EDB, "%s: the stored geometry of area '%s' is damaged",
                               safer_store_name(st), safer__col_text(s, 0));
            break;
        }
        a->code = safer__xstrdup(safer__col_text(s, 0));
        a->name = safer__xstrdup(safer__col_text(s, 1));
        a->level = safer__xstrdup(safer__col_text(s, 2));
        const char *d = safer__col_text(s, 3);
        a->district = d ? safer__xstrdup(d) : NULL;
        count++;
    }
    safer__stmt_finalize(s);
    if (rc < 0) {
        safer_areas_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return 0;
}

int safer__areas_vintage(struct safer_store *st, const char *level, char **code_field,
                         struct safer_err *err)
{
    *code_field = NULL;
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT code_field, COUNT(*) FROM area WHERE level = ?"
                         " GROUP BY code_field ORDER BY 2 DESC, 1 LIMIT 1",
                         &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, level);
    rc = safer__step(s, err);
    if (rc == 1 && !safer__col_is_null(s, 0))
        *code_field = safer__xstrdup(safer__col_text(s, 0));
    safer__stmt_finalize(s);
    return rc < 0 ? rc : 0;
}

/* projects: a stored boundary, for callers that read only some areas. */
int safer__area_geom_decode(const void *blob, size_t len, struct safer_geom *g)
{
    return geom_decode(blob, len, g);
}
