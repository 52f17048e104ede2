/*
 * partner.c - reading a partner agency's CSV file through its mapping
 * (partner.h, docs/partner-data.md) and placing every row in a ward.
 *
 * The file is read whole (partner extracts are small: a borough's fires or
 * admissions over years are thousands of rows), checked row by row, and
 * stored only when every row is good: a rejected row is listed as
 * FILE:LINE: field: what, counted, and fails the file. A count of 0 is a
 * row (an aggregated extract lists its empty cells); a record-level file
 * has no count column and each row counts 1.
 */
#include "util/compat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <xxhash.h>

#include "safer/csv.h"
#include "store/store_internal.h"
#include "safer/place.h"
#include "util/internal.h"

/* The largest count one row may hold. */
#define MAX_COUNT 1000000000LL

struct cols {
    long month, date, place, lon, lat, category, count;
};

static long find_col(const struct safer_csv *c, const char *name)
{
    if (!name)
        return -1;
    size_t n = strlen(name);
    for (size_t i = 0; i < c->nfields; i++) {
        const struct safer_csv_field *f = &c->fields[i];
        const char *p = f->ptr;
        size_t len = f->len;
        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == n && strncasecmp(p, name, n) == 0)
            return (long)i;
    }
    return -2;
}

/* Field i of the row, trimmed of spaces, into `out` (NUL-terminated);
 * its length, or -1 when the row has no such field or it is too long. */
static long field(const struct safer_csv *c, long i, char *out, size_t cap)
{
    if (i < 0 || (size_t)i >= c->nfields)
        return -1;
    const char *p = c->fields[i].ptr;
    size_t len = c->fields[i].len;
    while (len && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (len >= cap)
        return -1;
    memcpy(out, p, len);
    out[len] = '\0';
    return (long)len;
}

static int parse_double(const char *s, double *out)
{
    if (!*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* A month from "YYYY-MM", or from the date "YYYY-MM-DD" (a time after it
 * allowed), checking the day; -1 when malformed. */
static int month_of(const char *s, size_t n, int date)
{
    if (!date)
        return n == 7 ? safer__parse_month(s, 7) : -1;
    if (n < 10 || s[7] != '-' || (n > 10 && s[10] != 'T' && s[10] != ' '))
        return -1;
    int m = safer__parse_month(s, 7);
    if (m < 0 || s[8] < '0' || s[8] > '9' || s[9] < '0' || s[9] > '9')
        return -1;
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    int y = m / 12, mo = m % 12 + 1;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int dmax = days[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return day >= 1 && day <= dmax ? m : -1;
}

static void reject(struct safer_partner_stats *s, const char *path, size_t line, const char *col,
                   const char *what)
{
    s->rejected++;
    if (s->nrejects < SAFER_PARTNER_REJECTS_KEPT) {
        snprintf(s->rejects[s->nrejects], sizeof(s->rejects[0]), "%.200s:%zu: %.60s: %.220s", path,
                 line, col, what);
        s->nrejects++;
    }
}

int safer_partner_import(struct safer_store *st, const char *path,
                         const struct safer_partner_map *map, struct safer_partner_stats *stats,
                         struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    stats->first = stats->last = -1;
    char *data = NULL;
    size_t len = 0;
    struct safer_places *pl = NULL;
    struct safer__partner_rec *recs = NULL;
    size_t n = 0, cap = 0;
    struct safer_csv c;
    safer_csv_init(&c, "", 0, path);
    int rc = safer__read_file(path, 1ull << 30, "1 GiB for a partner data file", &data, &len, err);
    if (rc < 0)
        goto out;
    XXH128_hash_t h = XXH3_128bits(data, len);
    char checksum[40];
    snprintf(checksum, sizeof(checksum), "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
    safer_csv_release(&c);
    safer_csv_init(&c, data, len, path);
    rc = safer_csv_next(&c, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: no header row", path);
    if (rc < 0)
        goto out;
    struct cols k = {find_col(&c, map->col_month), find_col(&c, map->col_date),
                     find_col(&c, map->col_place), find_col(&c, map->col_lon),
                     find_col(&c, map->col_lat), find_col(&c, map->col_category),
                     find_col(&c, map->col_count)};
    const long idx[] = {k.month, k.date, k.place, k.lon, k.lat, k.category, k.count};
    const char *names[] = {map->col_month, map->col_date, map->col_place, map->col_lon,
                           map->col_lat, map->col_category, map->col_count};
    const char *keys[] = {"month", "date", "place", "longitude", "latitude", "category", "count"};
    for (size_t i = 0; i < 7; i++) {
        if (idx[i] == -2) {
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s:%zu: no column '%s' (the mapping's key '%s') in the header",
                               path, c.row_line, names[i], keys[i]);
            goto out;
        }
    }
    rc = safer_places_open(st, &pl, err);
    if (rc < 0)
        goto out;
    if (safer_places_wards(pl) == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "%s: the store holds no wards to place the records in: import the "
                           "ward boundaries (safer import areas) and lookups first",
                           path);
        goto out;
    }
    if (map->place_kind == SAFER_PLACE_POSTCODE && safer_places_postcodes(pl) == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "%s: the store holds no postcodes to place the records by: import "
                           "the ONS Postcode Directory first (safer import postcodes)",
                           path);
        goto out;
    }
    const char *tcol = map->col_month ? map->col_month : map->col_date;
    long tidx = map->col_month ? k.month : k.date;
    while ((rc = safer_csv_next(&c, err)) != 0) {
        if (rc == SAFER_EPARSE) {
            /* The reader's message names the file and line already. */
            stats->rows++;
            stats->rejected++;
            if (stats->nrejects < SAFER_PARTNER_REJECTS_KEPT)
                snprintf(stats->rejects[stats->nrejects++], sizeof(stats->rejects[0]), "%.500s",
                         err->msg);
            continue;
        }
        if (rc < 0)
            goto out;
        stats->rows++;
        if (stats->rows > SAFER_PARTNER_MAX_ROWS) {
            rc = safer_err_set(err, SAFER_ETOOBIG, "%s: more than %u rows in a partner file", path,
                               SAFER_PARTNER_MAX_ROWS);
            goto out;
        }
        size_t line = c.row_line;
        char v[SAFER_LIMIT_CSV_FIELD + 1], why[256];
        struct safer__partner_rec r = {.line = (int64_t)line, .x = NAN, .y = NAN, .count = 1};
        long fl = field(&c, tidx, v, sizeof(v));
        r.month = fl < 0 ? -1 : month_of(v, (size_t)fl, map->col_date != NULL);
        if (r.month < 0) {
            snprintf(why, sizeof(why), "'%.40s' is not a %s", fl < 0 ? "" : v,
                     map->col_month ? "month (YYYY-MM)" : "date (YYYY-MM-DD)");
            reject(stats, path, line, tcol, why);
            continue;
        }
        struct safer_place place;
        char pwhy[160];
        if (map->place_kind == SAFER_PLACE_POINT) {
            char w[64];
            double lon, lat;
            if (field(&c, k.lon, v, sizeof(v)) < 0 || parse_double(v, &lon) < 0 || lon < -180 ||
                lon > 180) {
                snprintf(why, sizeof(why), "'%.40s' is not a longitude", v);
                reject(stats, path, line, map->col_lon, why);
                continue;
            }
            if (field(&c, k.lat, w, sizeof(w)) < 0 || parse_double(w, &lat) < 0 || lat < -90 ||
                lat > 90) {
                snprintf(why, sizeof(why), "'%.40s' is not a latitude", w);
                reject(stats, path, line, map->col_lat, why);
                continue;
            }
            if (safer_places_point(pl, lon, lat, &place, pwhy) != 0) {
                reject(stats, path, line, map->col_lon, pwhy);
                continue;
            }
        } else {
            fl = field(&c, k.place, v, sizeof(v));
            if (fl <= 0) {
                reject(stats, path, line, map->col_place, "empty");
                continue;
            }
            if (safer_places_find(pl, (enum safer_place_kind)map->place_kind, v, (size_t)fl,
                                  &place, pwhy) != 0) {
                reject(stats, path, line, map->col_place, pwhy);
                continue;
            }
        }
        snprintf(r.ward, sizeof(r.ward), "%s", place.ward);
        snprintf(r.lsoa, sizeof(r.lsoa), "%s", place.lsoa);
        if (map->place_kind == SAFER_PLACE_POINT || map->place_kind == SAFER_PLACE_POSTCODE) {
            r.x = place.x;
            r.y = place.y;
        }
        if (k.category >= 0) {
            fl = field(&c, k.category, v, sizeof(v));
            if (fl <= 0 || fl > 200) {
                reject(stats, path, line, map->col_category, "empty or over 200 bytes");
                continue;
            }
        }
        if (k.count >= 0) {
            char w[64];
            char *end;
            long long cnt = -1;
            if (field(&c, k.count, w, sizeof(w)) > 0) {
                errno = 0;
                cnt = strtoll(w, &end, 10);
                if (*end || errno || w[0] == '+' || w[0] == '-')
                    cnt = -1;
            } else {
                w[0] = '\0';
            }
            if (cnt < 0 || cnt > MAX_COUNT) {
                snprintf(why, sizeof(why), "'%.40s' is not a whole number from 0 to %lld", w,
                         MAX_COUNT);
                reject(stats, path, line, map->col_count, why);
                continue;
            }
            r.count = cnt;
        }
        r.category = safer__xstrdup(k.category >= 0 ? v : map->category);
        safer__grow((void **)&recs, sizeof(*recs), &cap, n + 1);
        recs[n++] = r;
    }
    if (stats->rejected) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s", stats->rejects[0]);
        goto out;
    }
    if (n == 0) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no data rows under the header", path);
        goto out;
    }
    safer_places_close(pl);
    pl = NULL;
    rc = safer__partner_store(st, map, path, checksum, recs, n, stats, err);
out:
    if (pl)
        safer_places_close(pl);
    safer_csv_release(&c);
    for (size_t i = 0; i < n; i++)
        free(recs[i].category);
    free(recs);
    free(data);
    return rc;
}
