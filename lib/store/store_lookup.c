/*
 * store_lookup.c - importing ONS lookups and population denominators.
 */
#include "util/compat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/internal.h"
#include "safer/csv.h"
#include "safer/limits.h"
#include "safer/lookup.h"
#include "store/store_internal.h"

/* Column whose name is LETTERS + 2 digits + suffix, LETTERS == prefix (any case). */
static int find_col(const struct safer_csv *c, const char *letters, const char *suffix)
{
    size_t nl = strlen(letters), ns = strlen(suffix);
    for (size_t i = 0; i < c->nfields; i++) {
        const struct safer_csv_field *f = &c->fields[i];
        if (f->len != nl + 2 + ns)
            continue;
        if (strncasecmp(f->ptr, letters, nl) || !isdigit((unsigned char)f->ptr[nl]) ||
            !isdigit((unsigned char)f->ptr[nl + 1]) || strncasecmp(f->ptr + nl + 2, suffix, ns))
            continue;
        return (int)i;
    }
    return -1;
}

static int find_named(const struct safer_csv *c, const char *const *names)
{
    for (size_t k = 0; names[k]; k++) {
        for (size_t i = 0; i < c->nfields; i++) {
            const struct safer_csv_field *f = &c->fields[i];
            size_t n = strlen(names[k]);
            if (f->len == n && strncasecmp(f->ptr, names[k], n) == 0)
                return (int)i;
        }
    }
    return -1;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/*
 * Every reference table (lookups, populations, deprivation) imports the same
 * way: read the file, let the kind look at the header and name its INSERT,
 * then one transaction in which every row must have the header's field
 * count and pass the kind's checks. Any bad row fails the whole file with
 * FILE:LINE, and nothing changes.
 */
struct table_import {
    struct safer_store *st;
    const char *path;
    struct safer_csv c;
    sqlite3_stmt *ins; /* the kind's INSERT, prepared by the driver */
    size_t rows;
};

struct table_kind {
    /* Look at the header (t->c holds it); return the INSERT to prepare, or NULL with err set. */
    const char *(*header)(void *ctx, struct table_import *t, struct safer_err *err);
    /* Check and store one row through t->ins (bound, not yet stepped): 0 or a negative code. */
    int (*row)(void *ctx, struct table_import *t, struct safer_err *err);
    void *ctx;
};

static int import_table(struct safer_store *st, const char *path, const struct table_kind *k,
                        size_t *rows, struct safer_err *err)
{
    char *data;
    size_t len;
    *rows = 0;
    int rc = safer__read_file(path, SAFER_LIMIT_CSV_FILE, "SAFER_LIMIT_CSV_FILE", &data, &len, err);
    if (rc < 0)
        return rc;
    struct table_import t = {st, path, {0}, NULL, 0};
    safer_csv_init(&t.c, data, len, path);
    rc = safer_csv_next(&t.c, err);
    if (rc <= 0) {
        if (rc == 0)
            rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: no header row", path);
        goto out;
    }
    const char *sql = k->header(k->ctx, &t, err);
    if (!sql) {
        rc = err && err->code ? err->code : SAFER_EPARSE;
        goto out;
    }
    size_t nheader = t.c.nfields;
    rc = safer_store_begin(st, err);
    if (rc < 0)
        goto out;
    rc = safer__store_prepare(st, sql, &t.ins, err);
    while (rc == 0) {
        int r = safer_csv_next(&t.c, err);
        if (r == 0)
            break;
        if (r < 0) {
            rc = r;
            break;
        }
        if (t.c.nfields != nheader) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: expected %zu fields, found %zu", path,
                               t.c.row_line, nheader, t.c.nfields);
            break;
        }
        sqlite3_reset(t.ins);
        rc = k->row(k->ctx, &t, err);
        if (rc == 0 && sqlite3_step(t.ins) != SQLITE_DONE)
            rc = safer__store_fail(st, err, "cannot store a row");
        if (rc == 0)
            t.rows++;
    }
    if (rc == 0 && t.rows == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no data rows", path);
    sqlite3_finalize(t.ins);
    t.ins = NULL;
    if (rc == 0)
        rc = safer_store_commit(st, err);
    if (rc < 0)
        safer_store_rollback(st);
out:
    sqlite3_finalize(t.ins);
    safer_csv_release(&t.c);
    free(data);
    *rows = rc < 0 ? 0 : t.rows;
    return rc;
}

/* The code field must be present and short. */
static int check_code(const struct table_import *t, int col, struct safer_err *err)
{
    const struct safer_csv_field *f = &t->c.fields[col];
    if (f->len == 0 || f->len > SAFER_LIMIT_CODE)
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: empty or overlong area code", t->path,
                             t->c.row_line);
    return 0;
}

/* ---- lookups ---- */

struct lookup_ctx {
    struct safer_lookup_stats *stats;
    int cols[6], ncols;
    sqlite3_stmt *old; /* is the key already stored? */
};

static const char *lookup_header(void *arg, struct table_import *t, struct safer_err *err)
{
    struct lookup_ctx *x = arg;
    const struct safer_csv *c = &t->c;
    int lsoa = find_col(c, "LSOA", "CD"), lsoa_nm = find_col(c, "LSOA", "NM");
    int wd = find_col(c, "WD", "CD"), wd_nm = find_col(c, "WD", "NM");
    int lad = find_col(c, "LAD", "CD"), lad_nm = find_col(c, "LAD", "NM");
    int csp = find_col(c, "CSP", "CD"), csp_nm = find_col(c, "CSP", "NM");
    int pfa = find_col(c, "PFA", "CD"), pfa_nm = find_col(c, "PFA", "NM");
    const char *sql, *key_sql, *kind;
    if (lsoa >= 0 && wd >= 0) {
        kind = "lsoa-ward";
        int v[6] = {lsoa, lsoa_nm, wd, wd_nm, lad, lad_nm};
        memcpy(x->cols, v, sizeof(v));
        x->ncols = 6;
        key_sql = "SELECT 1 FROM lookup_lsoa WHERE lsoa_code = ?";
        sql = "INSERT OR REPLACE INTO lookup_lsoa(lsoa_code, lsoa_name, ward_code, ward_name,"
              " district_code, district_name) VALUES(?, ?, ?, ?, ?, ?)";
    } else if (wd >= 0 && lad >= 0) {
        kind = "ward-district";
        int v[6] = {wd, wd_nm, lad, lad_nm, -1, -1};
        memcpy(x->cols, v, sizeof(v));
        x->ncols = 4;
        key_sql = "SELECT 1 FROM lookup_ward WHERE ward_code = ?";
        sql = "INSERT OR REPLACE INTO lookup_ward(ward_code, ward_name, district_code, district_name)"
              " VALUES(?, ?, ?, ?)";
    } else if (lad >= 0 && csp >= 0) {
        kind = "district-csp";
        int v[6] = {lad, lad_nm, csp, csp_nm, pfa, pfa_nm};
        memcpy(x->cols, v, sizeof(v));
        x->ncols = 6;
        key_sql = "SELECT 1 FROM lookup_district WHERE district_code = ?";
        sql = "INSERT OR REPLACE INTO lookup_district(district_code, district_name, csp_code,"
              " csp_name, pfa_code, pfa_name) VALUES(?, ?, ?, ?, ?, ?)";
    } else {
        safer_err_set(err, SAFER_EPARSE,
                      "%s:1: not a lookup this program knows: expected columns LSOAyyCD and "
                      "WDyyCD (LSOA to ward), WDyyCD and LADyyCD (ward to district), or "
                      "LADyyCD and CSPyyCD (district to Community Safety Partnership)",
                      t->path);
        return NULL;
    }
    snprintf(x->stats->kind, sizeof(x->stats->kind), "%s", kind);
    if (safer__store_prepare(t->st, key_sql, &x->old, err) < 0)
        return NULL;
    return sql;
}

static int lookup_row(void *arg, struct table_import *t, struct safer_err *err)
{
    struct lookup_ctx *x = arg;
    const struct safer_csv *c = &t->c;
    /* Required codes: the first and third columns of each kind. */
    int rc = check_code(t, x->cols[0], err);
    if (rc == 0)
        rc = check_code(t, x->cols[2], err);
    if (rc < 0)
        return rc;
    sqlite3_reset(x->old);
    sqlite3_bind_text(x->old, 1, c->fields[x->cols[0]].ptr, (int)c->fields[x->cols[0]].len,
                      SQLITE_TRANSIENT);
    if (sqlite3_step(x->old) == SQLITE_ROW)
        x->stats->replaced++;
    for (int k = 0; k < x->ncols; k++) {
        int col = x->cols[k];
        if (col < 0 || c->fields[col].len == 0)
            sqlite3_bind_null(t->ins, k + 1);
        else
            sqlite3_bind_text(t->ins, k + 1, c->fields[col].ptr, (int)c->fields[col].len,
                              SQLITE_TRANSIENT);
    }
    return 0;
}

int safer_lookup_import(struct safer_store *st, const char *path, struct safer_lookup_stats *stats,
                        struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    struct lookup_ctx x = {stats, {0}, 0, NULL};
    struct table_kind k = {lookup_header, lookup_row, &x};
    int rc = import_table(st, path, &k, &stats->rows, err);
    sqlite3_finalize(x.old);
    if (rc < 0)
        memset(stats, 0, sizeof(*stats));
    return rc;
}

/* "1,296" or "1296" or "1296.5" -> 1296; -1 when not a number. */
static int parse_count(const struct safer_csv_field *f, double *out)
{
    char tmp[64];
    size_t n = 0;
    if (f->len == 0 || f->len >= sizeof(tmp))
        return -1;
    for (size_t i = 0; i < f->len; i++) {
        char ch = f->ptr[i];
        if (ch == ',' || ch == ' ')
            continue;
        if (!((ch >= '0' && ch <= '9') || ch == '.'))
            return -1;
        tmp[n++] = ch;
    }
    if (n == 0)
        return -1;
    tmp[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (*end || errno || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

/* ---- populations ---- */

struct population_ctx {
    struct safer_population_stats *stats;
    int code, pop;
};

static const char *population_header(void *arg, struct table_import *t, struct safer_err *err)
{
    struct population_ctx *x = arg;
    const struct safer_csv *c = &t->c;
    static const char *const lsoa_names[] = {"LSOA code (2011)", "LSOA code (2021)", "LSOA code",
                                             NULL};
    static const char *const ward_names[] = {"Ward code", NULL};
    x->code = find_named(c, lsoa_names);
    if (x->code < 0)
        x->code = find_col(c, "LSOA", "CD");
    if (x->code >= 0) {
        snprintf(x->stats->level, sizeof(x->stats->level), "lsoa");
    } else {
        x->code = find_named(c, ward_names);
        if (x->code < 0)
            x->code = find_col(c, "WD", "CD");
        if (x->code >= 0)
            snprintf(x->stats->level, sizeof(x->stats->level), "ward");
    }
    x->pop = -1;
    for (size_t i = 0; i < c->nfields && x->pop < 0; i++) {
        const struct safer_csv_field *f = &c->fields[i];
        if ((f->len >= 16 && strncasecmp(f->ptr, "Total population", 16) == 0) ||
            (f->len == 10 && strncasecmp(f->ptr, "population", 10) == 0) ||
            (f->len == 8 && strncasecmp(f->ptr, "All Ages", 8) == 0))
            x->pop = (int)i;
    }
    if (x->code < 0 || x->pop < 0) {
        safer_err_set(err, SAFER_EPARSE,
                      "%s:1: expected an area code column ('LSOA code (2011)', LSOAyyCD or "
                      "WDyyCD) and a total population column ('Total population...', "
                      "'population' or 'All Ages')",
                      t->path);
        return NULL;
    }
    snprintf(x->stats->basis, sizeof(x->stats->basis), "%.*s",
             (int)(c->fields[x->pop].len < 200 ? c->fields[x->pop].len : 200), c->fields[x->pop].ptr);
    return "INSERT OR REPLACE INTO population(code, level, population, basis, source)"
           " VALUES(?, ?, ?, ?, ?)";
}

static int population_row(void *arg, struct table_import *t, struct safer_err *err)
{
    struct population_ctx *x = arg;
    const struct safer_csv_field *code = &t->c.fields[x->code], *pop = &t->c.fields[x->pop];
    double v;
    int rc = check_code(t, x->code, err);
    if (rc < 0)
        return rc;
    if (parse_count(pop, &v) < 0)
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: population '%.*s' is not a number",
                             t->path, t->c.row_line, (int)(pop->len < 40 ? pop->len : 40), pop->ptr);
    sqlite3_bind_text(t->ins, 1, code->ptr, (int)code->len, SQLITE_TRANSIENT);
    safer__bind_text(t->ins, 2, x->stats->level, -1);
    sqlite3_bind_double(t->ins, 3, v);
    safer__bind_text(t->ins, 4, x->stats->basis, -1);
    safer__bind_text(t->ins, 5, base_name(t->path), -1);
    x->stats->total += v;
    return 0;
}

int safer_population_import(struct safer_store *st, const char *path,
                            struct safer_population_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    struct population_ctx x = {stats, -1, -1};
    struct table_kind k = {population_header, population_row, &x};
    int rc = import_table(st, path, &k, &stats->rows, err);
    if (rc < 0)
        memset(stats, 0, sizeof(*stats));
    return rc;
}

void safer_pairs_release(struct safer_pairs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->a[i]);
        free(p->b[i]);
    }
    free(p->a);
    free(p->b);
    memset(p, 0, sizeof(*p));
}

static int pairs_query(struct safer_store *st, const char *sql, const char *arg,
                       struct safer_pairs *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s;
    int rc = safer__store_prepare(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if (arg)
        safer__bind_text(s, 1, arg, -1);
    size_t cap = 0, capb = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(s, 0);
        const char *b = (const char *)sqlite3_column_text(s, 1);
        SAFER__GROW(out->a, cap, out->n + 1);
        SAFER__GROW(out->b, capb, out->n + 1);
        out->a[out->n] = safer__xstrdup(a ? a : "");
        out->b[out->n] = safer__xstrdup(b ? b : "");
        out->n++;
    }
    if (step != SQLITE_DONE) {
        rc = safer__store_fail(st, err, "cannot read a lookup");
        safer_pairs_release(out);
    }
    sqlite3_finalize(s);
    return rc;
}

int safer_lookup_lsoa_wards(struct safer_store *st, struct safer_pairs *out, struct safer_err *err)
{
    return pairs_query(st, "SELECT lsoa_code, ward_code FROM lookup_lsoa ORDER BY lsoa_code", NULL,
                       out, err);
}

int safer_lookup_ward_districts(struct safer_store *st, struct safer_pairs *out,
                                struct safer_err *err)
{
    return pairs_query(st,
                       "SELECT ward_code, district_code FROM lookup_ward UNION"
                       " SELECT DISTINCT ward_code, district_code FROM lookup_lsoa"
                       " WHERE district_code IS NOT NULL AND ward_code NOT IN"
                       " (SELECT ward_code FROM lookup_ward) ORDER BY 1",
                       NULL, out, err);
}

int safer_lookup_csp_districts(struct safer_store *st, const char *csp, struct safer_pairs *out,
                               char **name, struct safer_err *err)
{
    *name = NULL;
    int rc = pairs_query(st,
                         "SELECT district_code, csp_name FROM lookup_district WHERE csp_code = ?"
                         " ORDER BY district_code",
                         csp, out, err);
    if (rc == 0 && out->n && out->b[0][0])
        *name = safer__xstrdup(out->b[0]);
    return rc;
}

char *safer_lookup_district_name(struct safer_store *st, const char *code)
{
    struct safer_pairs p;
    char *name = NULL;
    if (pairs_query(st,
                    "SELECT district_name, 1 FROM lookup_district WHERE district_code = ?1"
                    " AND district_name IS NOT NULL UNION ALL"
                    " SELECT district_name, 2 FROM lookup_ward WHERE district_code = ?1"
                    " AND district_name IS NOT NULL UNION ALL"
                    " SELECT district_name, 3 FROM lookup_lsoa WHERE district_code = ?1"
                    " AND district_name IS NOT NULL LIMIT 1",
                    code, &p, NULL) == 0 &&
        p.n)
        name = safer__xstrdup(p.a[0]);
    safer_pairs_release(&p);
    return name;
}

int safer_population_list(struct safer_store *st, const char *level, struct safer_pairs *out,
                          char **basis, struct safer_err *err)
{
    *basis = NULL;
    int rc = pairs_query(st,
                         "SELECT code, printf('%.17g', population) FROM population WHERE level = ?"
                         " ORDER BY code",
                         level, out, err);
    if (rc == 0 && out->n) {
        struct safer_pairs b;
        if (pairs_query(st,
                        "SELECT basis, group_concat(DISTINCT source) FROM population"
                        " WHERE level = ? GROUP BY basis LIMIT 1",
                        level, &b, NULL) == 0 &&
            b.n) {
            size_t n = strlen(b.a[0]) + strlen(b.b[0]) + 8;
            *basis = safer__xmalloc(n);
            snprintf(*basis, n, "%s (%s)", b.a[0], b.b[0]);
        }
        safer_pairs_release(&b);
    }
    return rc;
}

/* ---- deprivation ---- */

struct deprivation_ctx {
    int code, rank, decile;
};

static const char *deprivation_header(void *arg, struct table_import *t, struct safer_err *err)
{
    struct deprivation_ctx *x = arg;
    const struct safer_csv *c = &t->c;
    static const char *const code_names[] = {"LSOA code (2011)", "LSOA code (2021)", "LSOA code",
                                             NULL};
    static const char *const rank_names[] = {"Index of Multiple Deprivation (IMD) Rank",
                                             "IMD Rank", NULL};
    static const char *const decile_names[] = {"Index of Multiple Deprivation (IMD) Decile",
                                               "IMD Decile", NULL};
    x->code = find_named(c, code_names);
    if (x->code < 0)
        x->code = find_col(c, "LSOA", "CD");
    x->rank = find_named(c, rank_names);
    x->decile = find_named(c, decile_names);
    if (x->code < 0 || x->decile < 0) {
        safer_err_set(err, SAFER_EPARSE,
                      "%s:1: expected an LSOA code column and an 'Index of Multiple "
                      "Deprivation (IMD) Decile' column",
                      t->path);
        return NULL;
    }
    return "INSERT OR REPLACE INTO deprivation(lsoa_code, score, rank, decile, source)"
           " VALUES(?, NULL, ?, ?, ?)";
}

static int deprivation_row(void *arg, struct table_import *t, struct safer_err *err)
{
    struct deprivation_ctx *x = arg;
    const struct safer_csv_field *code = &t->c.fields[x->code], *dec = &t->c.fields[x->decile];
    double d, rk = NAN;
    int rc = check_code(t, x->code, err);
    if (rc < 0)
        return rc;
    if (parse_count(dec, &d) < 0 || d < 1 || d > 10 || d != floor(d))
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: IMD decile '%.*s' is not 1 to 10",
                             t->path, t->c.row_line, (int)(dec->len < 40 ? dec->len : 40), dec->ptr);
    if (x->rank >= 0 && parse_count(&t->c.fields[x->rank], &rk) < 0) {
        const struct safer_csv_field *r = &t->c.fields[x->rank];
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: IMD rank '%.*s' is not a number",
                             t->path, t->c.row_line, (int)(r->len < 40 ? r->len : 40), r->ptr);
    }
    sqlite3_bind_text(t->ins, 1, code->ptr, (int)code->len, SQLITE_TRANSIENT);
    if (isnan(rk))
        sqlite3_bind_null(t->ins, 2);
    else
        sqlite3_bind_int64(t->ins, 2, (sqlite3_int64)rk);
    sqlite3_bind_int(t->ins, 3, (int)d);
    safer__bind_text(t->ins, 4, base_name(t->path), -1);
    return 0;
}

int safer_deprivation_import(struct safer_store *st, const char *path,
                             struct safer_deprivation_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    struct deprivation_ctx x = {-1, -1, -1};
    struct table_kind k = {deprivation_header, deprivation_row, &x};
    return import_table(st, path, &k, &stats->rows, err);
}

int safer_deprivation_list(struct safer_store *st, struct safer_pairs *out, struct safer_err *err)
{
    return pairs_query(st, "SELECT lsoa_code, decile FROM deprivation ORDER BY lsoa_code", NULL,
                       out, err);
}
