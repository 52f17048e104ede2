/*
 * postcode.c - reading the ONS Postcode Directory (ONSPD) and writing
 * postcodes in their one form.
 *
 * ONS publishes the directory as one CSV with a header row. Releases
 * before 2025 name the columns pcd, pcds, doterm, oslaua, osward, lsoa21
 * (lsoa11 before), oseast1m, osnrth1m, lat and long; later ones name the
 * codes by vintage (lad25cd, wd25cd, lsoa21cd, east1m, north1m). Both are
 * read; any other column is left. The file is checked whole before the
 * store is touched.
 */
#include "util/compat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "safer/csv.h"
#include "safer/place.h"
#include "store/store_internal.h"
#include "util/internal.h"

int safer_postcode_normalise(const char *s, size_t len, char out[9])
{
    char c[8];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ')
            continue;
        if (!isalnum(ch) || n == 7)
            return -1;
        c[n++] = (char)toupper(ch);
    }
    if (n < 5)
        return -1;
    /* The inward code: a digit and two letters. */
    const char *in = c + n - 3;
    if (!isdigit((unsigned char)in[0]) || !isalpha((unsigned char)in[1]) ||
        !isalpha((unsigned char)in[2]))
        return -1;
    /* The outward code: a letter first, and a digit among its 2 to 4. */
    size_t nout = n - 3;
    int digits = 0;
    for (size_t i = 0; i < nout; i++)
        digits += isdigit((unsigned char)c[i]) != 0;
    if (!isalpha((unsigned char)c[0]) || !digits)
        return -1;
    memcpy(out, c, nout);
    out[nout] = ' ';
    memcpy(out + nout + 1, in, 3);
    out[nout + 4] = '\0';
    return 0;
}

/* The first column of `names` the header has (any case), or -1. A name
 * ending in '*' matches any column that starts with the rest and ends in
 * "cd" with two digits before it (wd25cd, lad24cd). */
static int column(const struct safer_csv *c, const char *const *names)
{
    for (size_t k = 0; names[k]; k++) {
        size_t n = strlen(names[k]);
        int any = names[k][n - 1] == '*';
        if (any)
            n--;
        for (size_t i = 0; i < c->nfields; i++) {
            const struct safer_csv_field *f = &c->fields[i];
            if (!any && f->len == n && strncasecmp(f->ptr, names[k], n) == 0)
                return (int)i;
            if (any && f->len == n + 4 && strncasecmp(f->ptr, names[k], n) == 0 &&
                isdigit((unsigned char)f->ptr[n]) && isdigit((unsigned char)f->ptr[n + 1]) &&
                strncasecmp(f->ptr + n + 2, "cd", 2) == 0)
                return (int)i;
        }
    }
    return -1;
}

enum { PC, TERM, LAD, WARD, LSOA, EAST, NORTH, LAT, LON, NCOLS };

struct reading {
    const char *path;
    int col[NCOLS];
};

static int header(struct reading *r, const struct safer_csv *c, struct safer_err *err)
{
    static const char *const pc[] = {"pcds", "pcd", "pcd7", "pcd8", NULL};
    static const char *const term[] = {"doterm", NULL};
    static const char *const lad[] = {"oslaua", "lad*", NULL};
    static const char *const ward[] = {"osward", "wd*", NULL};
    static const char *const lsoa[] = {"lsoa21", "lsoa21cd", "lsoa11", "lsoa11cd", NULL};
    static const char *const east[] = {"oseast1m", "east1m", NULL};
    static const char *const north[] = {"osnrth1m", "north1m", NULL};
    static const char *const lat[] = {"lat", NULL};
    static const char *const lon[] = {"long", NULL};
    static const char *const *const want[NCOLS] = {pc, term, lad, ward, lsoa, east, north, lat, lon};
    for (int k = 0; k < NCOLS; k++)
        r->col[k] = column(c, want[k]);
    if (r->col[PC] < 0 || r->col[WARD] < 0)
        return safer_err_set(err, SAFER_EPARSE,
                             "%s:1: not the ONS Postcode Directory: expected columns pcds (or pcd) "
                             "and osward (or wdNNcd)",
                             r->path);
    return 0;
}

static int number(const struct safer_csv_field *f, double *out)
{
    char tmp[48];
    if (f->len == 0) {
        *out = NAN;
        return 0;
    }
    if (f->len >= sizeof(tmp))
        return -1;
    memcpy(tmp, f->ptr, f->len);
    tmp[f->len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static char *code(const struct safer_csv *c, int col)
{
    if (col < 0 || c->fields[col].len == 0)
        return NULL;
    return safer__xstrndup(c->fields[col].ptr, c->fields[col].len);
}

static const char *col_name(const struct safer_csv *c, int col)
{
    static _Thread_local char name[64];
    const struct safer_csv_field *f = &c->fields[col];
    snprintf(name, sizeof(name), "%.*s", (int)(f->len < 60 ? f->len : 60), f->ptr);
    return name;
}

static int row(struct reading *r, struct safer_csv *c, char (*names)[64],
               struct safer__postcodes *out, struct safer_err *err)
{
    const char *path = r->path;
    size_t line = c->row_line;
    const struct safer_csv_field *f = &c->fields[r->col[PC]];
    char pc[9];
    if (safer_postcode_normalise(f->ptr, f->len, pc) < 0)
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: '%.*s' is not a postcode", path, line,
                             names[PC], (int)(f->len < 16 ? f->len : 16), f->ptr);
    for (int k = LAD; k <= LSOA; k++) {
        if (r->col[k] < 0)
            continue;
        const struct safer_csv_field *g = &c->fields[r->col[k]];
        if (g->len > SAFER_LIMIT_CODE)
            return safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: longer than %d bytes", path, line,
                                 names[k], SAFER_LIMIT_CODE);
        for (size_t i = 0; i < g->len; i++)
            if ((unsigned char)g->ptr[i] < 0x20)
                return safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: a control character", path,
                                     line, names[k]);
    }
    if (c->fields[r->col[WARD]].len == 0) {
        out->skipped++; /* no ward: the Channel Islands, the Isle of Man */
        return 0;
    }
    double v[4] = {NAN, NAN, NAN, NAN};
    for (int k = EAST; k <= LON; k++) {
        if (r->col[k] >= 0 && number(&c->fields[r->col[k]], &v[k - EAST]) < 0)
            return safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: '%.*s' is not a number", path,
                                 line, names[k], (int)(c->fields[r->col[k]].len < 24
                                                           ? c->fields[r->col[k]].len
                                                           : 24),
                                 c->fields[r->col[k]].ptr);
    }
    /* ONSPD marks a postcode without a grid reference with latitude
     * 99.999999 and a blank (or zero) easting. */
    if (!(v[2] >= -90 && v[2] <= 90) || !(v[3] >= -180 && v[3] <= 180))
        v[2] = v[3] = NAN;
    if (r->col[EAST] >= 0 && c->fields[r->col[EAST]].len && v[0] == 0 && v[1] == 0)
        v[0] = v[1] = NAN;
    SAFER__GROW(out->rows, out->cap, out->n + 1);
    struct safer__postcode *p = &out->rows[out->n++];
    memset(p, 0, sizeof(*p));
    memcpy(p->postcode, pc, sizeof(pc));
    p->ward = code(c, r->col[WARD]);
    p->lsoa = code(c, r->col[LSOA]);
    p->district = code(c, r->col[LAD]);
    p->terminated = r->col[TERM] >= 0 ? code(c, r->col[TERM]) : NULL;
    p->x = v[0];
    p->y = v[1];
    p->lat = v[2];
    p->lon = v[3];
    p->line = line;
    if (p->terminated)
        out->terminated++;
    return 0;
}

void safer__postcodes_release(struct safer__postcodes *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->rows[i].ward);
        free(p->rows[i].lsoa);
        free(p->rows[i].district);
        free(p->rows[i].terminated);
    }
    free(p->rows);
    memset(p, 0, sizeof(*p));
}

static int by_postcode(const void *a, const void *b)
{
    const struct safer__postcode *x = a, *y = b;
    int d = strcmp(x->postcode, y->postcode);
    return d ? d : (x->line > y->line) - (x->line < y->line);
}

int safer_postcodes_import(struct safer_store *st, const char *path,
                           struct safer_postcode_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    char *data;
    size_t len;
    int rc = safer__read_file(path, SAFER_LIMIT_CSV_FILE, "SAFER_LIMIT_CSV_FILE", &data, &len, err);
    if (rc < 0)
        return rc;
    struct safer__postcodes rows = {0};
    rows.path = path;
    struct reading r = {.path = path};
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    char names[NCOLS][64] = {{0}};
    rc = safer_csv_next(&c, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: no header row", path);
    if (rc > 0)
        rc = header(&r, &c, err);
    for (int k = 0; rc >= 0 && k < NCOLS; k++)
        snprintf(names[k], sizeof(names[k]), "%s", r.col[k] >= 0 ? col_name(&c, r.col[k]) : "");
    size_t nheader = c.nfields;
    while (rc >= 0 && (rc = safer_csv_next(&c, err)) > 0) {
        if (c.nfields != nheader) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: expected %zu fields, found %zu", path,
                               c.row_line, nheader, c.nfields);
            break;
        }
        rc = row(&r, &c, names, &rows, err);
        if (rc >= 0 && rows.n + rows.skipped > SAFER_LIMIT_TABLE_ROWS)
            rc = safer_err_set(err, SAFER_ETOOBIG,
                               "%s: more than %d rows (limit SAFER_LIMIT_TABLE_ROWS)", path,
                               SAFER_LIMIT_TABLE_ROWS);
    }
    if (rc == 0 && rows.n == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no postcodes with a ward", path);
    if (rc == 0) {
        qsort(rows.rows, rows.n, sizeof(rows.rows[0]), by_postcode);
        for (size_t i = 1; i < rows.n && rc == 0; i++)
            if (strcmp(rows.rows[i].postcode, rows.rows[i - 1].postcode) == 0)
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: postcode %s again (line %zu)",
                                   path, rows.rows[i].line, names[PC], rows.rows[i].postcode,
                                   rows.rows[i - 1].line);
    }
    if (rc == 0)
        rc = safer__store_postcodes(st, &rows, &stats->replaced, err);
    if (rc == 0) {
        stats->rows = rows.n;
        stats->terminated = rows.terminated;
        stats->skipped = rows.skipped;
        snprintf(stats->lsoa_column, sizeof(stats->lsoa_column), "%s",
                 r.col[LSOA] >= 0 ? names[LSOA] : "none");
    } else {
        memset(stats, 0, sizeof(*stats));
    }
    safer__postcodes_release(&rows);
    safer_csv_release(&c);
    free(data);
    return rc;
}
