/*
 * export.c - stored records with the ward each one is assigned to, as rows
 * or as a CSV file.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "assess/assess_internal.h"
#include "util/internal.h"
#include "safer/area.h"
#include "safer/buf.h"
#include "safer/csv.h"
#include "safer/counts.h"
#include "safer/export.h"
#include "safer/locate.h"
#include "safer/lookup.h"
#include "safer/output.h"
#include "safer/police.h"

struct ctx {
    const struct safer_area *wards;
    size_t nwards;
    const struct safer_locator *loc;
    const struct safer_pairs *lw;
    char **codes;
    const unsigned char *keep; /* per ward: in the area asked for (NULL: no area) */
    safer_export_row_fn row;
    void *ctx;
};

static int each(void *arg, const char *const f[12], double lon, double lat)
{
    struct ctx *c = arg;
    const char *ward = "", *how = "none";
    char lonbuf[32] = "", latbuf[32] = "";
    long w = -1;
    if (!isnan(lon)) {
        safer__fmt_double(lon, lonbuf);
        safer__fmt_double(lat, latbuf);
        w = safer_locator_find(c->loc, lon, lat);
        if (w >= 0) {
            ward = c->wards[w].code;
            how = "point";
        }
    } else if (f[7][0]) {
        long k = safer__find_str(c->lw->a, c->lw->n, f[7]);
        w = k >= 0 ? safer__find_str(c->codes, c->nwards, c->lw->b[k]) : -1;
        if (w >= 0) {
            ward = c->lw->b[k];
            how = "lsoa";
        }
    }
    /* An area's export holds the records of its wards, as its assessment counts them. */
    if (c->keep && (w < 0 || !c->keep[w]))
        return 0;
    const char *out[14] = {f[0], f[1], f[2], f[3], lonbuf, latbuf, f[6],
                           f[7], f[8], f[9], f[10], f[11], ward, how};
    return c->row(c->ctx, out);
}

int safer_export_police(struct safer_store *st, const char *area, safer_export_row_fn row,
                        void *ctx, struct safer_err *err)
{
    struct safer_area *wards = NULL;
    size_t n = 0;
    struct safer_pairs lw = {0};
    /* One snapshot: the wards, the lookup and the records as one import left them. */
    int rc = safer__store_begin_read(st, err);
    if (rc == 0)
        rc = safer_areas_load(st, "ward", &wards, &n, err);
    if (rc == 0)
        rc = safer_lookup_lsoa_wards(st, &lw, err);
    if (rc < 0) {
        safer__store_rollback(st);
        safer_areas_free(wards, n);
        return rc;
    }
    struct safer_geom *geoms = safer__xmalloc(sizeof(*geoms) * (n ? n : 1));
    char **codes = safer__xmalloc(sizeof(char *) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        geoms[i] = wards[i].geom;
        codes[i] = wards[i].code;
    }
    unsigned char *keep = NULL;
    if (area) {
        char *name = NULL;
        keep = safer__xmalloc(n ? n : 1);
        rc = safer__area_wards(st, area, wards, n, keep, &name, err);
        free(name);
    }
    if (rc < 0) {
        safer__store_rollback(st);
        free(keep);
        free(geoms);
        free(codes);
        safer_pairs_release(&lw);
        safer_areas_free(wards, n);
        return rc;
    }
    struct safer_locator *loc = safer_locator_new(geoms, n);
    struct ctx c = {wards, n, loc, &lw, codes, keep, row, ctx};
    rc = safer_police_each(st, each, &c, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    safer_locator_free(loc);
    free(keep);
    free(geoms);
    free(codes);
    safer_pairs_release(&lw);
    safer_areas_free(wards, n);
    return rc;
}

struct csv_out {
    struct safer_stream *s;
    struct safer_err *err;
};

/* Longitude and Latitude are numbers; every other field is text. */
static int csv_row(void *ctx, const char *const f[14])
{
    struct csv_out *c = ctx;
    struct safer_buf *b = &c->s->buf;
    for (int i = 0; i < 14; i++) {
        if (i)
            safer_buf_put(b, ",", 1);
        if (i == 4 || i == 5)
            safer_csv_put_field(b, f[i], strlen(f[i]));
        else
            safer_csv_put_text(b, f[i], strlen(f[i]));
    }
    safer_buf_put(b, "\n", 1);
    if (b->len >= SAFER_STREAM_CHUNK || safer_buf_error(b))
        return safer_stream_flush(c->s, c->err);
    return 0;
}

int safer_export_police_csv(struct safer_store *st, const char *area, struct safer_stream *out,
                            struct safer_err *err)
{
    struct csv_out c = {out, err};
    safer_buf_puts(&out->buf, "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                              "LSOA code,LSOA name,Crime type,Last outcome category,Context,"
                              "ward_code,assigned_by\n");
    int rc = safer_export_police(st, area, csv_row, &c, err);
    if (rc == 0)
        rc = safer_stream_flush(out, err);
    return rc;
}

int safer_export_counts_csv(struct safer_store *st, const struct safer_counts_query *q,
                            struct safer_stream *out, struct safer_err *err)
{
    struct safer_counts c;
    int rc = safer_counts_query(st, q, &c, err);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &out->buf;
    safer_buf_puts(b, "ward_code,crime_type,month,count\n");
    for (size_t i = 0; i < c.n && rc == 0; i++) {
        const struct safer_count_row *r = &c.rows[i];
        char month[8];
        safer__format_month(r->month, month);
        safer_csv_put_text(b, r->ward, strlen(r->ward));
        safer_buf_put(b, ",", 1);
        safer_csv_put_text(b, r->crime_type, strlen(r->crime_type));
        safer_buf_putf(b, ",%s,%lld\n", month, (long long)r->count);
        if (b->len >= SAFER_STREAM_CHUNK || safer_buf_error(b))
            rc = safer_stream_flush(out, err);
    }
    if (rc == 0)
        rc = safer_stream_flush(out, err);
    safer_counts_release(&c);
    return rc;
}
