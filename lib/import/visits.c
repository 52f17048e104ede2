/*
 * visits.c - reading service visits through a mapping, and venues
 * (visits.h; formats in docs/services.md).
 *
 * A mapping is a small flat JSON object naming the columns of an export
 * (yajl's tree is enough: the file is a few hundred bytes, and an error in
 * it is named by its key). Only the mapped columns are read; every other
 * column of the export, names included, is never looked at and never
 * stored.
 *
 * Every row is checked before the store is touched, and the first
 * malformed one fails the file ("FILE:LINE: field: what"): all or nothing.
 * A home area that is well formed but does not resolve (a postcode the
 * directory held does not know, a ward the store does not hold) is not a
 * malformed row: the visit is stored without a ward, reported and counted,
 * so that the count of visits stays the service's.
 */
#include "util/compat.h"

#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "safer/arena.h"
#include "safer/csv.h"
#include "safer/limits.h"
#include "safer/place.h"
#include "safer/proj.h"
#include "safer/visits.h"
#include "store/store_internal.h"
#include "util/civil.h"
#include "util/internal.h"

/* A visits export: 256 MiB is millions of visits, far more than a service has. */
#define VISITS_FILE_LIMIT (256ULL << 20)
#define MAP_FILE_LIMIT (64u << 10)

/* ---- the mapping ---- */

enum date_format { DATE_ISO = 1, DATE_UK };

enum map_key { K_SOURCE, K_DATE, K_DATE_FORMAT, K_TIME, K_HOME, K_HOME_KIND, K_SERVICE,
               K_VENUE, K_VISITOR, K_SERVICE_VALUE, K_VENUE_VALUE, K_N };
static const char *const MAP_KEYS[K_N] = {
    "source", "date", "date_format", "time", "home", "home_kind", "service", "venue",
    "visitor", "service_value", "venue_value"};

struct mapping {
    char *v[K_N]; /* owned; NULL when absent */
    enum date_format date_format;
    enum safer_place_kind home_kind;
};

static void mapping_release(struct mapping *m)
{
    for (int k = 0; k < K_N; k++)
        free(m->v[k]);
}

static int read_mapping(const char *path, struct mapping *m, struct safer_err *err)
{
    memset(m, 0, sizeof(*m));
    char *data = NULL;
    size_t len = 0;
    int rc = safer__read_file(path, MAP_FILE_LIMIT, "64 KiB for a mapping file", &data, &len,
                              err);
    if (rc < 0)
        return rc == SAFER_EIO ? rc : safer_err_set(err, SAFER_EINVAL, "%s: %s", path,
                                                    err ? err->msg : "cannot be read");
    char ebuf[256] = "";
    yajl_val root = yajl_tree_parse(data, ebuf, sizeof(ebuf));
    free(data);
    if (!root) {
        /* yajl's message runs over lines: keep its first. */
        ebuf[strcspn(ebuf, "\n")] = '\0';
        return safer_err_set(err, SAFER_EINVAL, "%s: not JSON: %s", path, ebuf);
    }
    if (!YAJL_IS_OBJECT(root)) {
        yajl_tree_free(root);
        return safer_err_set(err, SAFER_EINVAL, "%s: the mapping must be a JSON object", path);
    }
    for (size_t i = 0; i < root->u.object.len && rc == 0; i++) {
        const char *key = root->u.object.keys[i];
        yajl_val val = root->u.object.values[i];
        const char *sv = YAJL_IS_STRING(val) ? val->u.string : NULL;
        int k = 0;
        while (k < K_N && strcmp(MAP_KEYS[k], key))
            k++;
        if (k == K_N)
            rc = safer_err_set(err, SAFER_EINVAL,
                               "%s: unknown key '%s' (the keys are source, date, date_format, "
                               "time, home, home_kind, service, venue, visitor, service_value, "
                               "venue_value)",
                               path, key);
        else if (!sv || !*sv)
            rc = safer_err_set(err, SAFER_EINVAL, "%s: '%s' must be a non-empty string", path,
                               key);
        else if (m->v[k])
            rc = safer_err_set(err, SAFER_EINVAL, "%s: '%s' is given twice", path, key);
        else if (strlen(sv) > 200)
            rc = safer_err_set(err, SAFER_EINVAL, "%s: '%s' is longer than 200 bytes", path,
                               key);
        else
            m->v[k] = safer__xstrdup(sv);
    }
    yajl_tree_free(root);
    static const int required[] = {K_DATE, K_TIME, K_HOME, K_HOME_KIND};
    for (size_t i = 0; rc == 0 && i < sizeof(required) / sizeof(required[0]); i++)
        if (!m->v[required[i]])
            rc = safer_err_set(err, SAFER_EINVAL, "%s: '%s' is missing (it names the column "
                                                  "of the visit's %s)",
                               path, MAP_KEYS[required[i]],
                               required[i] == K_HOME_KIND ? "home area's kind"
                                                          : MAP_KEYS[required[i]]);
    if (rc == 0) {
        const char *f = m->v[K_DATE_FORMAT];
        if (!f || !strcmp(f, "YYYY-MM-DD"))
            m->date_format = DATE_ISO;
        else if (!strcmp(f, "DD/MM/YYYY"))
            m->date_format = DATE_UK;
        else
            rc = safer_err_set(err, SAFER_EINVAL,
                               "%s: date_format '%s' must be YYYY-MM-DD or DD/MM/YYYY", path, f);
    }
    if (rc == 0) {
        m->home_kind = safer_place_kind_parse(m->v[K_HOME_KIND]);
        if (m->home_kind == 0 || m->home_kind == SAFER_PLACE_POINT)
            rc = safer_err_set(err, SAFER_EINVAL,
                               "%s: home_kind '%s' must be postcode, lsoa or ward", path,
                               m->v[K_HOME_KIND]);
    }
    for (int a = K_SERVICE; rc == 0 && a <= K_VENUE; a += K_VENUE - K_SERVICE) {
        int b = a == K_SERVICE ? K_SERVICE_VALUE : K_VENUE_VALUE;
        if (m->v[a] && m->v[b])
            rc = safer_err_set(err, SAFER_EINVAL, "%s: give '%s' or '%s', not both", path,
                               MAP_KEYS[a], MAP_KEYS[b]);
    }
    if (rc < 0)
        mapping_release(m);
    return rc;
}

/* ---- fields ---- */

static bool digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)p[i]))
            return false;
    return n > 0;
}

static int num(const char *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

/* A date of the mapping's format; -1 when it is not one. */
static int parse_date(const char *p, size_t n, enum date_format f, int32_t *day)
{
    int y, m, d;
    if (f == DATE_ISO) {
        if (n != 10 || p[4] != '-' || p[7] != '-' || !digits(p, 4) || !digits(p + 5, 2) ||
            !digits(p + 8, 2))
            return -1;
        y = num(p, 4), m = num(p + 5, 2), d = num(p + 8, 2);
    } else {
        /* DD/MM/YYYY, a day or month of one digit allowed (as spreadsheets write them). */
        const char *s1 = memchr(p, '/', n);
        const char *s2 = s1 ? memchr(s1 + 1, '/', (size_t)(p + n - s1 - 1)) : NULL;
        if (!s2)
            return -1;
        size_t nd = (size_t)(s1 - p), nm = (size_t)(s2 - s1 - 1), ny = (size_t)(p + n - s2 - 1);
        if (nd < 1 || nd > 2 || nm < 1 || nm > 2 || ny != 4 || !digits(p, nd) ||
            !digits(s1 + 1, nm) || !digits(s2 + 1, 4))
            return -1;
        d = num(p, nd), m = num(s1 + 1, nm), y = num(s2 + 1, 4);
    }
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *day = safer__days_from_civil(y, m, d);
    return 0;
}

/* HH:MM or HH:MM:SS (an hour of one digit allowed); -1 when not one. */
static int parse_time(const char *p, size_t n, int32_t *minute)
{
    const char *c = memchr(p, ':', n);
    if (!c)
        return -1;
    size_t nh = (size_t)(c - p), rest = (size_t)(p + n - c - 1);
    if (nh < 1 || nh > 2 || !digits(p, nh))
        return -1;
    if (!(rest == 2 || (rest == 5 && c[3] == ':' && digits(c + 4, 2))) || !digits(c + 1, 2))
        return -1;
    int h = num(p, nh), mi = num(c + 1, 2);
    if (h > 23 || mi > 59 || (rest == 5 && num(c + 4, 2) > 59))
        return -1;
    *minute = h * 60 + mi;
    return 0;
}

/* An ONS code: a letter and eight digits ("E05009868"), upper-cased into out. */
static int parse_code(const char *p, size_t n, char out[16])
{
    if (n != 9 || !isalpha((unsigned char)p[0]) || !digits(p + 1, 8))
        return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)toupper((unsigned char)p[i]);
    out[n] = '\0';
    return 0;
}

static void trim(struct safer_csv_field *f)
{
    while (f->len && isspace((unsigned char)f->ptr[0]))
        f->ptr++, f->len--;
    while (f->len && isspace((unsigned char)f->ptr[f->len - 1]))
        f->len--;
}

/* The column of the header named `name`, or -1. */
static int column(const struct safer_csv *c, const char *name)
{
    for (size_t i = 0; i < c->nfields; i++) {
        struct safer_csv_field f = c->fields[i];
        trim(&f);
        if (f.len == strlen(name) && !memcmp(f.ptr, name, f.len))
            return (int)i;
    }
    return -1;
}

static void note(struct safer_visits_import_stats *s, const char *fmt, ...) SAFER_PRINTF(2, 3);
static void note(struct safer_visits_import_stats *s, const char *fmt, ...)
{
    if (s->nnotes >= SAFER_VISITS_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->notes[s->nnotes++], sizeof(s->notes[0]), fmt, ap);
    va_end(ap);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int safer_visits_import(struct safer_store *st, const char *path, const char *map_path,
                        struct safer_visits_import_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    struct mapping m;
    int rc = read_mapping(map_path, &m, err);
    if (rc < 0)
        return rc;
    char *data = NULL;
    size_t len = 0;
    struct safer_places *pl = NULL;
    struct safer__visit_row *rows = NULL;
    size_t n = 0, cap = 0;
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_csv c;
    safer_csv_init(&c, "", 0, path);
    rc = safer__read_file(path, VISITS_FILE_LIMIT, "256 MiB for a visits file", &data, &len, err);
    if (rc < 0)
        goto out;
    safer_csv_release(&c);
    safer_csv_init(&c, data, len, path);
    rc = safer_csv_next(&c, err);
    if (rc == 0) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: a header was expected", path);
        goto out;
    }
    if (rc < 0)
        goto out;
    int col[K_N];
    for (int k = 0; k < K_N; k++) {
        col[k] = -1;
        bool is_column = k == K_DATE || k == K_TIME || k == K_HOME || k == K_SERVICE ||
                         k == K_VENUE || k == K_VISITOR;
        if (!is_column || !m.v[k])
            continue;
        col[k] = column(&c, m.v[k]);
        if (col[k] < 0) {
            rc = safer_err_set(err, SAFER_EINVAL, "%s: %s column '%s' is not in %s's header",
                               map_path, MAP_KEYS[k], m.v[k], path);
            goto out;
        }
    }
    rc = safer_places_open(st, &pl, err);
    if (rc < 0)
        goto out;
    if (m.home_kind == SAFER_PLACE_POSTCODE && safer_places_postcodes(pl) == 0) {
        rc = safer_err_set(err, SAFER_ENOTFOUND,
                           "%s: the store holds no postcodes to place home postcodes: import "
                           "the ONS Postcode Directory first (safer import postcodes)",
                           path);
        goto out;
    }
    const char *kind_name = safer_place_kind_name(m.home_kind);
    while ((rc = safer_csv_next(&c, err)) == 1) {
        size_t line = c.row_line;
        if (n >= SAFER_LIMIT_TABLE_ROWS) {
            rc = safer_err_set(err, SAFER_ETOOBIG, "%s:%zu: more than %d visits in one file",
                               path, line, SAFER_LIMIT_TABLE_ROWS);
            goto out;
        }
        struct safer_csv_field f[K_N];
        for (int k = 0; k < K_N; k++) {
            f[k].ptr = "";
            f[k].len = 0;
            if (col[k] >= 0 && (size_t)col[k] < c.nfields) {
                f[k] = c.fields[col[k]];
                trim(&f[k]);
            }
        }
        SAFER__GROW(rows, cap, n + 1);
        struct safer__visit_row *r = &rows[n];
        memset(r, 0, sizeof(*r));
        r->line = (int64_t)line;
        r->x = r->y = NAN;
        if (parse_date(f[K_DATE].ptr, f[K_DATE].len, m.date_format, &r->day) < 0) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: '%.*s' is not a date %s", path,
                               line, m.v[K_DATE], (int)(f[K_DATE].len > 40 ? 40 : f[K_DATE].len),
                               f[K_DATE].ptr,
                               m.date_format == DATE_ISO ? "YYYY-MM-DD" : "DD/MM/YYYY");
            goto out;
        }
        if (parse_time(f[K_TIME].ptr, f[K_TIME].len, &r->minute) < 0) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: '%.*s' is not a time HH:MM",
                               path, line, m.v[K_TIME],
                               (int)(f[K_TIME].len > 40 ? 40 : f[K_TIME].len), f[K_TIME].ptr);
            goto out;
        }
        char home[16] = "";
        if (f[K_HOME].len == 0) {
            r->home = "";
        } else if (m.home_kind == SAFER_PLACE_POSTCODE) {
            char pc[9];
            if (safer_postcode_normalise(f[K_HOME].ptr, f[K_HOME].len, pc) < 0) {
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: '%.*s' is not a postcode",
                                   path, line, m.v[K_HOME],
                                   (int)(f[K_HOME].len > 40 ? 40 : f[K_HOME].len),
                                   f[K_HOME].ptr);
                goto out;
            }
            snprintf(home, sizeof(home), "%s", pc);
            r->home = safer_arena_strdup(&arena, home);
        } else {
            if (parse_code(f[K_HOME].ptr, f[K_HOME].len, home) < 0) {
                rc = safer_err_set(err, SAFER_EPARSE,
                                   "%s:%zu: %s: '%.*s' is not an ONS %s code (a letter and "
                                   "eight digits)",
                                   path, line, m.v[K_HOME],
                                   (int)(f[K_HOME].len > 40 ? 40 : f[K_HOME].len),
                                   f[K_HOME].ptr, kind_name);
                goto out;
            }
            r->home = safer_arena_strdup(&arena, home);
        }
        r->home_kind = kind_name;
        if (!*r->home) {
            stats->unresolved++;
            note(stats, "%s:%zu: %s: empty: the visit is kept without a home area", path, line,
                 m.v[K_HOME]);
        } else {
            struct safer_place place;
            char why[160];
            if (safer_places_find(pl, m.home_kind, r->home, strlen(r->home), &place, why) == 0) {
                r->ward = safer_arena_strdup(&arena, place.ward);
                r->lsoa = place.lsoa[0] ? safer_arena_strdup(&arena, place.lsoa) : NULL;
                r->x = place.x;
                r->y = place.y;
            } else {
                stats->unresolved++;
                note(stats, "%s:%zu: %s: %s: the visit is kept without a ward", path, line,
                     m.v[K_HOME], why);
            }
        }
        for (int k = K_SERVICE; k <= K_VENUE; k++) {
            const char *fixed = m.v[k == K_SERVICE ? K_SERVICE_VALUE : K_VENUE_VALUE];
            const char **dst = k == K_SERVICE ? &r->service : &r->venue;
            if (col[k] < 0) {
                *dst = fixed ? fixed : "";
            } else if (f[k].len == 0) {
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: empty", path, line, m.v[k]);
                goto out;
            } else {
                *dst = safer_arena_strndup(&arena, f[k].ptr, f[k].len);
            }
        }
        if (col[K_VISITOR] >= 0 && f[K_VISITOR].len) {
            r->visitor = safer_arena_strndup(&arena, f[K_VISITOR].ptr, f[K_VISITOR].len);
            stats->with_id++;
        }
        n++;
    }
    if (rc < 0)
        goto out;
    if (n == 0) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no visits below the header", path);
        goto out;
    }
    snprintf(stats->source, sizeof(stats->source), "%s",
             m.v[K_SOURCE] ? m.v[K_SOURCE] : base_name(path));
    rc = safer__store_visits(st, stats->source, base_name(path), rows, n, stats->unresolved,
                             &stats->replaced, err);
    if (rc == 0)
        stats->rows = n;
out:
    if (pl)
        safer_places_close(pl);
    safer_csv_release(&c);
    safer_arena_release(&arena);
    free(rows);
    free(data);
    mapping_release(&m);
    return rc < 0 ? rc : 0;
}

/* ---- venues ---- */

static int parse_double(const struct safer_csv_field *f, double *out)
{
    char b[64];
    if (f->len == 0 || f->len >= sizeof(b))
        return -1;
    memcpy(b, f->ptr, f->len);
    b[f->len] = '\0';
    char *end;
    double v = strtod(b, &end);
    if (*end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int safer_venues_import(struct safer_store *st, const char *path,
                        struct safer_venues_import_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    enum { V_NAME, V_KIND, V_LON, V_LAT, V_EAST, V_NORTH, V_POSTCODE, V_N };
    static const char *const names[V_N] = {"name", "kind", "lon", "lat",
                                           "easting", "northing", "postcode"};
    char *data = NULL;
    size_t len = 0;
    struct safer_places *pl = NULL;
    struct safer_bng *bng = NULL;
    struct safer__venue_row *rows = NULL;
    size_t n = 0, cap = 0;
    size_t *lines = NULL, capl = 0;
    struct safer_arena arena;
    safer_arena_init(&arena);
    struct safer_csv c;
    safer_csv_init(&c, "", 0, path);
    int rc = safer__read_file(path, 16u << 20, "16 MiB for a venues file", &data, &len, err);
    if (rc < 0)
        goto out;
    safer_csv_release(&c);
    safer_csv_init(&c, data, len, path);
    rc = safer_csv_next(&c, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: a header was expected", path);
    if (rc < 0)
        goto out;
    int col[V_N];
    for (int k = 0; k < V_N; k++)
        col[k] = column(&c, names[k]);
    if (col[V_NAME] < 0 || col[V_KIND] < 0) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: the header needs columns name and kind",
                           path, c.row_line);
        goto out;
    }
    bool by_point = col[V_LON] >= 0 && col[V_LAT] >= 0;
    bool by_grid = col[V_EAST] >= 0 && col[V_NORTH] >= 0;
    if (!by_point && !by_grid && col[V_POSTCODE] < 0) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s:%zu: the header needs lon and lat, easting and northing, or "
                           "postcode",
                           path, c.row_line);
        goto out;
    }
    while ((rc = safer_csv_next(&c, err)) == 1) {
        size_t line = c.row_line;
        if (n >= 100000) {
            rc = safer_err_set(err, SAFER_ETOOBIG, "%s:%zu: more than 100000 venues", path, line);
            goto out;
        }
        struct safer_csv_field f[V_N];
        for (int k = 0; k < V_N; k++) {
            f[k].ptr = "";
            f[k].len = 0;
            if (col[k] >= 0 && (size_t)col[k] < c.nfields) {
                f[k] = c.fields[col[k]];
                trim(&f[k]);
            }
        }
        SAFER__GROW(rows, cap, n + 1);
        SAFER__GROW(lines, capl, n + 1);
        struct safer__venue_row *r = &rows[n];
        memset(r, 0, sizeof(*r));
        r->x = r->y = r->lon = r->lat = NAN;
        lines[n] = line;
        if (f[V_NAME].len == 0 || f[V_NAME].len > 200) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: name: %s", path, line,
                               f[V_NAME].len ? "longer than 200 bytes" : "empty");
            goto out;
        }
        r->name = safer_arena_strndup(&arena, f[V_NAME].ptr, f[V_NAME].len);
        for (size_t i = 0; i < n; i++)
            if (!strcmp(rows[i].name, r->name)) {
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: name: '%s' is named on line %zu too",
                                   path, line, r->name, lines[i]);
                goto out;
            }
        if (safer_csv_eq(&f[V_KIND], "existing"))
            r->kind = "existing", stats->existing++;
        else if (safer_csv_eq(&f[V_KIND], "candidate"))
            r->kind = "candidate", stats->candidates++;
        else {
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s:%zu: kind: '%.*s' must be existing or candidate", path, line,
                               (int)(f[V_KIND].len > 40 ? 40 : f[V_KIND].len), f[V_KIND].ptr);
            goto out;
        }
        if (by_point && (f[V_LON].len || f[V_LAT].len)) {
            if (parse_double(&f[V_LON], &r->lon) < 0 || r->lon < -180 || r->lon > 180 ||
                parse_double(&f[V_LAT], &r->lat) < 0 || r->lat < -90 || r->lat > 90) {
                rc = safer_err_set(err, SAFER_EPARSE,
                                   "%s:%zu: lon, lat: '%.*s', '%.*s' is not a longitude and "
                                   "latitude in degrees",
                                   path, line, (int)(f[V_LON].len > 30 ? 30 : f[V_LON].len),
                                   f[V_LON].ptr, (int)(f[V_LAT].len > 30 ? 30 : f[V_LAT].len),
                                   f[V_LAT].ptr);
                goto out;
            }
            if (!bng && (rc = safer_bng_new(&bng, err)) < 0)
                goto out;
            double x = r->lon, y = r->lat;
            long bad = safer_bng_transform(bng, &x, &y, 1, err);
            if (bad < 0) {
                rc = (int)bad;
                goto out;
            }
            if (bad > 0 || !isfinite(x) || !isfinite(y)) {
                rc = safer_err_set(err, SAFER_EPARSE,
                                   "%s:%zu: lon, lat: the point is outside British National "
                                   "Grid",
                                   path, line);
                goto out;
            }
            r->x = x, r->y = y;
        } else if (by_grid && (f[V_EAST].len || f[V_NORTH].len)) {
            if (parse_double(&f[V_EAST], &r->x) < 0 || r->x < 0 || r->x > 800000 ||
                parse_double(&f[V_NORTH], &r->y) < 0 || r->y < 0 || r->y > 1400000) {
                rc = safer_err_set(err, SAFER_EPARSE,
                                   "%s:%zu: easting, northing: not metres of British National "
                                   "Grid (0..800000, 0..1400000)",
                                   path, line);
                goto out;
            }
        } else if (col[V_POSTCODE] >= 0 && f[V_POSTCODE].len) {
            char pc[9], why[160];
            if (safer_postcode_normalise(f[V_POSTCODE].ptr, f[V_POSTCODE].len, pc) < 0) {
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: postcode: '%.*s' is not a postcode",
                                   path, line,
                                   (int)(f[V_POSTCODE].len > 30 ? 30 : f[V_POSTCODE].len),
                                   f[V_POSTCODE].ptr);
                goto out;
            }
            if (!pl && (rc = safer_places_open(st, &pl, err)) < 0)
                goto out;
            struct safer_place place;
            if (safer_places_find(pl, SAFER_PLACE_POSTCODE, pc, strlen(pc), &place, why) != 0) {
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: postcode: %s", path, line, why);
                goto out;
            }
            if (!isfinite(place.x) || !isfinite(place.y)) {
                rc = safer_err_set(err, SAFER_EPARSE,
                                   "%s:%zu: postcode: '%s' has no grid reference in the "
                                   "directory held",
                                   path, line, pc);
                goto out;
            }
            r->postcode = safer_arena_strdup(&arena, pc);
            r->x = place.x, r->y = place.y;
            r->lon = place.lon, r->lat = place.lat;
        } else {
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s:%zu: no place: give lon and lat, easting and northing, or a "
                               "postcode",
                               path, line);
            goto out;
        }
        n++;
    }
    if (rc < 0)
        goto out;
    if (n == 0) {
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no venues below the header", path);
        goto out;
    }
    rc = safer__store_venues(st, base_name(path), rows, n, &stats->replaced, err);
    if (rc == 0)
        stats->rows = n;
out:
    safer_bng_free(bng);
    if (pl)
        safer_places_close(pl);
    safer_csv_release(&c);
    safer_arena_release(&arena);
    free(rows);
    free(lines);
    free(data);
    return rc < 0 ? rc : 0;
}
