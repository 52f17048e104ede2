/*
 * store_area.c - areas and their polygons in SQLite.
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
#include "store/store_internal.h"

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
    sqlite3_stmt *ins = NULL, *old = NULL;
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
    const char *source = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    rc = safer_store_begin(st, err);
    if (rc < 0)
        goto out;
    if (opts && opts->replace_level) {
        sqlite3_stmt *del;
        rc = safer__store_prepare(st, "DELETE FROM area WHERE level = ?", &del, err);
        if (rc == 0) {
            safer__bind_text(del, 1, areas[0].level, -1);
            if (sqlite3_step(del) != SQLITE_DONE)
                rc = safer__store_fail(st, err, "cannot remove areas");
            else
                stats->replaced += (size_t)sqlite3_changes(st->db);
            sqlite3_finalize(del);
        }
    }
    if (rc == 0)
        rc = safer__store_prepare(st, "SELECT 1 FROM area WHERE code = ?", &old, err);
    if (rc == 0)
        rc = safer__store_prepare(st,
                                  "INSERT OR REPLACE INTO area(code, name, level, district_code,"
                                  " source, geom) VALUES(?, ?, ?, ?, ?, ?)",
                                  &ins, err);
    struct safer_buf blob;
    safer_buf_init(&blob, SIZE_MAX);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct safer_area *a = &areas[i];
        sqlite3_reset(old);
        safer__bind_text(old, 1, a->code, -1);
        if (sqlite3_step(old) == SQLITE_ROW)
            stats->replaced++;
        safer_buf_reset(&blob);
        geom_encode(&blob, &a->geom);
        sqlite3_reset(ins);
        safer__bind_text(ins, 1, a->code, -1);
        safer__bind_text(ins, 2, a->name, -1);
        safer__bind_text(ins, 3, a->level, -1);
        safer__bind_text(ins, 4, a->district, -1);
        safer__bind_text(ins, 5, source, -1);
        sqlite3_bind_blob64(ins, 6, blob.ptr, blob.len, SQLITE_STATIC);
        if (safer_buf_error(&blob) || sqlite3_step(ins) != SQLITE_DONE)
            rc = safer__store_fail(st, err, "cannot store an area");
    }
    safer_buf_release(&blob);
    sqlite3_finalize(old);
    sqlite3_finalize(ins);
    if (rc == 0)
        rc = safer_store_commit(st, err);
    if (rc < 0)
        safer_store_rollback(st);
out:
    safer_areas_free(areas, n);
    return rc;
}

int safer_areas_load(struct safer_store *st, const char *level, struct safer_area **out, size_t *n,
                     struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = safer__store_prepare(
        st, "SELECT code, name, level, district_code, geom FROM area WHERE level = ? ORDER BY code",
        &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, level, -1);
    struct safer_area *v = NULL;
    size_t cap = 0, count = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        SAFER__GROW(v, cap, count + 1);
        struct safer_area *a = &v[count];
        memset(a, 0, sizeof(*a));
        if (geom_decode(sqlite3_column_blob(s, 4), (size_t)sqlite3_column_bytes(s, 4), &a->geom) < 0) {
            rc = safer_err_set(err, SAFER_EDB, "%s: the stored geometry of area '%s' is damaged",
                               st->path, (const char *)sqlite3_column_text(s, 0));
            break;
        }
        a->code = safer__xstrdup((const char *)sqlite3_column_text(s, 0));
        a->name = safer__xstrdup((const char *)sqlite3_column_text(s, 1));
        a->level = safer__xstrdup((const char *)sqlite3_column_text(s, 2));
        const char *d = (const char *)sqlite3_column_text(s, 3);
        a->district = d ? safer__xstrdup(d) : NULL;
        count++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = safer__store_fail(st, err, "cannot read areas");
    sqlite3_finalize(s);
    if (rc < 0) {
        safer_areas_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return 0;
}
