/*
 * store_lookup.c - importing ONS lookups and population denominators.
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "safer/csv.h"
#include "safer/limits.h"
#include "safer/lookup.h"
#include "store_internal.h"

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

static char *field_dup(const struct safer_csv *c, int i)
{
    if (i < 0 || (size_t)i >= c->nfields)
        return NULL;
    return safer__xstrndup(c->fields[i].ptr, c->fields[i].len);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int safer_lookup_import(struct safer_store *st, const char *path, struct safer_lookup_stats *stats,
                        struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    char *data;
    size_t len;
    int rc = safer__read_file(path, SAFER_LIMIT_CSV_FILE, "SAFER_LIMIT_CSV_FILE", &data, &len, err);
    if (rc < 0)
        return rc;
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    sqlite3_stmt *ins = NULL, *old = NULL;
    rc = safer_csv_next(&c, err);
    if (rc <= 0) {
        if (rc == 0)
            rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: no header row", path);
        goto out;
    }
    int lsoa = find_col(&c, "LSOA", "CD"), lsoa_nm = find_col(&c, "LSOA", "NM");
    int wd = find_col(&c, "WD", "CD"), wd_nm = find_col(&c, "WD", "NM");
    int lad = find_col(&c, "LAD", "CD"), lad_nm = find_col(&c, "LAD", "NM");
    int csp = find_col(&c, "CSP", "CD"), csp_nm = find_col(&c, "CSP", "NM");
    int pfa = find_col(&c, "PFA", "CD"), pfa_nm = find_col(&c, "PFA", "NM");
    int cols[6];
    const char *sql, *table, *key_sql;
    if (lsoa >= 0 && wd >= 0) {
        snprintf(stats->kind, sizeof(stats->kind), "lsoa-ward");
        int v[6] = {lsoa, lsoa_nm, wd, wd_nm, lad, lad_nm};
        memcpy(cols, v, sizeof(v));
        table = "lookup_lsoa";
        key_sql = "SELECT 1 FROM lookup_lsoa WHERE lsoa_code = ?";
        sql = "INSERT OR REPLACE INTO lookup_lsoa(lsoa_code, lsoa_name, ward_code, ward_name,"
              " district_code, district_name) VALUES(?, ?, ?, ?, ?, ?)";
    } else if (wd >= 0 && lad >= 0) {
        snprintf(stats->kind, sizeof(stats->kind), "ward-district");
        int v[6] = {wd, wd_nm, lad, lad_nm, -1, -1};
        memcpy(cols, v, sizeof(v));
        table = "lookup_ward";
        key_sql = "SELECT 1 FROM lookup_ward WHERE ward_code = ?";
        sql = "INSERT OR REPLACE INTO lookup_ward(ward_code, ward_name, district_code, district_name)"
              " VALUES(?, ?, ?, ?)";
    } else if (lad >= 0 && csp >= 0) {
        snprintf(stats->kind, sizeof(stats->kind), "district-csp");
        int v[6] = {lad, lad_nm, csp, csp_nm, pfa, pfa_nm};
        memcpy(cols, v, sizeof(v));
        table = "lookup_district";
        key_sql = "SELECT 1 FROM lookup_district WHERE district_code = ?";
        sql = "INSERT OR REPLACE INTO lookup_district(district_code, district_name, csp_code,"
              " csp_name, pfa_code, pfa_name) VALUES(?, ?, ?, ?, ?, ?)";
    } else {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s:1: not a lookup this program knows: expected columns LSOAyyCD and "
                           "WDyyCD (LSOA to ward), WDyyCD and LADyyCD (ward to district), or "
                           "LADyyCD and CSPyyCD (district to Community Safety Partnership)",
                           path);
        goto out;
    }
    (void)table;
    size_t nheader = c.nfields;
    int ncols = cols[4] == -1 && cols[5] == -1 && strcmp(stats->kind, "ward-district") == 0 ? 4 : 6;
    rc = safer_store_begin(st, err);
    if (rc < 0)
        goto out;
    rc = safer__store_prepare(st, sql, &ins, err);
    if (rc == 0)
        rc = safer__store_prepare(st, key_sql, &old, err);
    while (rc == 0) {
        int r = safer_csv_next(&c, err);
        if (r == 0)
            break;
        if (r < 0) {
            rc = r;
            break;
        }
        if (c.nfields != nheader) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: expected %zu fields, found %zu", path,
                               c.row_line, nheader, c.nfields);
            break;
        }
        /* Required codes: the first and third columns of each kind. */
        if (c.fields[cols[0]].len == 0 || c.fields[cols[2]].len == 0 ||
            c.fields[cols[0]].len > SAFER_LIMIT_CODE || c.fields[cols[2]].len > SAFER_LIMIT_CODE) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: empty or overlong area code", path,
                               c.row_line);
            break;
        }
        sqlite3_reset(old);
        sqlite3_bind_text(old, 1, c.fields[cols[0]].ptr, (int)c.fields[cols[0]].len, SQLITE_TRANSIENT);
        if (sqlite3_step(old) == SQLITE_ROW)
            stats->replaced++;
        sqlite3_reset(ins);
        for (int k = 0; k < ncols; k++) {
            char *v = field_dup(&c, cols[k]);
            safer__bind_text(ins, k + 1, v && *v ? v : NULL, -1);
            free(v);
        }
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = safer__store_fail(st, err, "cannot store a lookup row");
            break;
        }
        stats->rows++;
    }
    if (rc == 0 && stats->rows == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no data rows", path);
    sqlite3_finalize(ins);
    sqlite3_finalize(old);
    ins = old = NULL;
    if (rc == 0)
        rc = safer_store_commit(st, err);
    if (rc < 0)
        safer_store_rollback(st);
out:
    sqlite3_finalize(ins);
    sqlite3_finalize(old);
    safer_csv_release(&c);
    free(data);
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

int safer_population_import(struct safer_store *st, const char *path,
                            struct safer_population_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    char *data;
    size_t len;
    int rc = safer__read_file(path, SAFER_LIMIT_CSV_FILE, "SAFER_LIMIT_CSV_FILE", &data, &len, err);
    if (rc < 0)
        return rc;
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    sqlite3_stmt *ins = NULL;
    rc = safer_csv_next(&c, err);
    if (rc <= 0) {
        if (rc == 0)
            rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: no header row", path);
        goto out;
    }
    static const char *const lsoa_names[] = {"LSOA code (2011)", "LSOA code (2021)", "LSOA code",
                                             NULL};
    int code = find_named(&c, lsoa_names);
    if (code < 0)
        code = find_col(&c, "LSOA", "CD");
    if (code >= 0) {
        snprintf(stats->level, sizeof(stats->level), "lsoa");
    } else {
        static const char *const ward_names[] = {"Ward code", NULL};
        code = find_named(&c, ward_names);
        if (code < 0)
            code = find_col(&c, "WD", "CD");
        if (code >= 0)
            snprintf(stats->level, sizeof(stats->level), "ward");
    }
    int pop = -1;
    for (size_t i = 0; i < c.nfields && pop < 0; i++) {
        const struct safer_csv_field *f = &c.fields[i];
        if ((f->len >= 16 && strncasecmp(f->ptr, "Total population", 16) == 0) ||
            (f->len == 10 && strncasecmp(f->ptr, "population", 10) == 0) ||
            (f->len == 8 && strncasecmp(f->ptr, "All Ages", 8) == 0))
            pop = (int)i;
    }
    if (code < 0 || pop < 0) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s:1: expected an area code column ('LSOA code (2011)', LSOAyyCD or "
                           "WDyyCD) and a total population column ('Total population...', "
                           "'population' or 'All Ages')",
                           path);
        goto out;
    }
    snprintf(stats->basis, sizeof(stats->basis), "%.*s",
             (int)(c.fields[pop].len < 200 ? c.fields[pop].len : 200), c.fields[pop].ptr);
    size_t nheader = c.nfields;
    rc = safer_store_begin(st, err);
    if (rc < 0)
        goto out;
    rc = safer__store_prepare(st,
                              "INSERT OR REPLACE INTO population(code, level, population, basis,"
                              " source) VALUES(?, ?, ?, ?, ?)",
                              &ins, err);
    while (rc == 0) {
        int r = safer_csv_next(&c, err);
        if (r == 0)
            break;
        if (r < 0) {
            rc = r;
            break;
        }
        if (c.nfields != nheader) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: expected %zu fields, found %zu", path,
                               c.row_line, nheader, c.nfields);
            break;
        }
        double v;
        if (c.fields[code].len == 0 || c.fields[code].len > SAFER_LIMIT_CODE) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: empty or overlong area code", path,
                               c.row_line);
            break;
        }
        if (parse_count(&c.fields[pop], &v) < 0) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: population '%.*s' is not a number",
                               path, c.row_line, (int)(c.fields[pop].len < 40 ? c.fields[pop].len : 40),
                               c.fields[pop].ptr);
            break;
        }
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, c.fields[code].ptr, (int)c.fields[code].len, SQLITE_TRANSIENT);
        safer__bind_text(ins, 2, stats->level, -1);
        sqlite3_bind_double(ins, 3, v);
        safer__bind_text(ins, 4, stats->basis, -1);
        safer__bind_text(ins, 5, base_name(path), -1);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = safer__store_fail(st, err, "cannot store a population row");
            break;
        }
        stats->rows++;
        stats->total += v;
    }
    if (rc == 0 && stats->rows == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no data rows", path);
    sqlite3_finalize(ins);
    ins = NULL;
    if (rc == 0)
        rc = safer_store_commit(st, err);
    if (rc < 0)
        safer_store_rollback(st);
out:
    sqlite3_finalize(ins);
    safer_csv_release(&c);
    free(data);
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

int safer_deprivation_import(struct safer_store *st, const char *path,
                             struct safer_deprivation_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    char *data;
    size_t len;
    int rc = safer__read_file(path, SAFER_LIMIT_CSV_FILE, "SAFER_LIMIT_CSV_FILE", &data, &len, err);
    if (rc < 0)
        return rc;
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    sqlite3_stmt *ins = NULL;
    rc = safer_csv_next(&c, err);
    if (rc <= 0) {
        if (rc == 0)
            rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: no header row", path);
        goto out;
    }
    static const char *const code_names[] = {"LSOA code (2011)", "LSOA code (2021)", "LSOA code",
                                             NULL};
    static const char *const rank_names[] = {"Index of Multiple Deprivation (IMD) Rank",
                                             "IMD Rank", NULL};
    static const char *const decile_names[] = {"Index of Multiple Deprivation (IMD) Decile",
                                               "IMD Decile", NULL};
    int code = find_named(&c, code_names);
    if (code < 0)
        code = find_col(&c, "LSOA", "CD");
    int rank = find_named(&c, rank_names), decile = find_named(&c, decile_names);
    if (code < 0 || decile < 0) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s:1: expected an LSOA code column and an 'Index of Multiple "
                           "Deprivation (IMD) Decile' column",
                           path);
        goto out;
    }
    size_t nheader = c.nfields;
    rc = safer_store_begin(st, err);
    if (rc < 0)
        goto out;
    rc = safer__store_prepare(st,
                              "INSERT OR REPLACE INTO deprivation(lsoa_code, score, rank, decile,"
                              " source) VALUES(?, NULL, ?, ?, ?)",
                              &ins, err);
    while (rc == 0) {
        int r = safer_csv_next(&c, err);
        if (r == 0)
            break;
        if (r < 0) {
            rc = r;
            break;
        }
        if (c.nfields != nheader) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: expected %zu fields, found %zu", path,
                               c.row_line, nheader, c.nfields);
            break;
        }
        double d, rk = NAN;
        if (c.fields[code].len == 0 || c.fields[code].len > SAFER_LIMIT_CODE) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: empty or overlong LSOA code", path,
                               c.row_line);
            break;
        }
        if (parse_count(&c.fields[decile], &d) < 0 || d < 1 || d > 10 || d != floor(d)) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: IMD decile '%.*s' is not 1 to 10",
                               path, c.row_line,
                               (int)(c.fields[decile].len < 40 ? c.fields[decile].len : 40),
                               c.fields[decile].ptr);
            break;
        }
        if (rank >= 0 && parse_count(&c.fields[rank], &rk) < 0) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: IMD rank '%.*s' is not a number", path,
                               c.row_line, (int)(c.fields[rank].len < 40 ? c.fields[rank].len : 40),
                               c.fields[rank].ptr);
            break;
        }
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, c.fields[code].ptr, (int)c.fields[code].len, SQLITE_TRANSIENT);
        if (isnan(rk))
            sqlite3_bind_null(ins, 2);
        else
            sqlite3_bind_int64(ins, 2, (sqlite3_int64)rk);
        sqlite3_bind_int(ins, 3, (int)d);
        safer__bind_text(ins, 4, base_name(path), -1);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = safer__store_fail(st, err, "cannot store a deprivation row");
            break;
        }
        stats->rows++;
    }
    if (rc == 0 && stats->rows == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no data rows", path);
    sqlite3_finalize(ins);
    ins = NULL;
    if (rc == 0)
        rc = safer_store_commit(st, err);
    if (rc < 0)
        safer_store_rollback(st);
out:
    sqlite3_finalize(ins);
    safer_csv_release(&c);
    free(data);
    if (rc < 0)
        memset(stats, 0, sizeof(*stats));
    return rc;
}

int safer_deprivation_list(struct safer_store *st, struct safer_pairs *out, struct safer_err *err)
{
    return pairs_query(st, "SELECT lsoa_code, decile FROM deprivation ORDER BY lsoa_code", NULL,
                       out, err);
}
