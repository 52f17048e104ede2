/*
 * store_lookup.c - lookups, populations and deprivation in the store:
 * writing checked files (lib/import/reference.c reads them) and reading
 * them back.
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/lookup.h"
#include "safer/profile.h"
#include "store/store_impl.h"
#include "util/internal.h"

struct lookup_sql {
    const char *exists, *insert;
    int ncols;
};

static const struct lookup_sql LOOKUP_SQL[] = {
    [SAFER__LOOKUP_LSOA_WARD] = {"SELECT 1 FROM lookup_lsoa WHERE lsoa_code = ?",
                                 "INSERT INTO lookup_lsoa(lsoa_code, lsoa_name, ward_code,"
                                 " ward_name, district_code, district_name)"
                                 " VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(lsoa_code) DO UPDATE SET"
                                 " lsoa_name = excluded.lsoa_name, ward_code = excluded.ward_code,"
                                 " ward_name = excluded.ward_name,"
                                 " district_code = excluded.district_code,"
                                 " district_name = excluded.district_name",
                                 6},
    [SAFER__LOOKUP_WARD_DISTRICT] = {"SELECT 1 FROM lookup_ward WHERE ward_code = ?",
                                     "INSERT INTO lookup_ward(ward_code, ward_name, district_code,"
                                     " district_name) VALUES(?, ?, ?, ?) ON CONFLICT(ward_code)"
                                     " DO UPDATE SET ward_name = excluded.ward_name,"
                                     " district_code = excluded.district_code,"
                                     " district_name = excluded.district_name",
                                     4},
    [SAFER__LOOKUP_DISTRICT_CSP] = {"SELECT 1 FROM lookup_district WHERE district_code = ?",
                                    "INSERT INTO lookup_district(district_code, district_name,"
                                    " csp_code, csp_name, pfa_code, pfa_name)"
                                    " VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(district_code)"
                                    " DO UPDATE SET district_name = excluded.district_name,"
                                    " csp_code = excluded.csp_code, csp_name = excluded.csp_name,"
                                    " pfa_code = excluded.pfa_code, pfa_name = excluded.pfa_name",
                                    6},
};

int safer__store_lookup(struct safer_store *st, const struct safer__lookup_rows *rows,
                        size_t *replaced, struct safer_err *err)
{
    const struct lookup_sql *q = &LOOKUP_SQL[rows->kind];
    struct safer__stmt *old = NULL, *ins = NULL;
    *replaced = 0;
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st, q->exists, &old, err);
    if (rc == 0)
        rc = safer__prep(st, q->insert, &ins, err);
    for (size_t r = 0; rc == 0 && r < rows->n; r++) {
        char *const *cell = rows->cells + r * 6;
        safer__stmt_reset(old);
        safer__bind_text(old, 1, cell[0]);
        rc = safer__step(old, err);
        if (rc < 0)
            break;
        *replaced += (size_t)rc;
        safer__stmt_reset(ins);
        for (int k = 0; k < q->ncols; k++)
            safer__bind_text(ins, k + 1, cell[k]);
        rc = safer__step_done(ins, err);
    }
    safer__stmt_finalize(old);
    safer__stmt_finalize(ins);
    /* Records without coordinates find their ward through this lookup. */
    if (rc == 0 && rows->kind == SAFER__LOOKUP_LSOA_WARD)
        rc = safer__store_recount(st, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0) {
        safer__store_rollback(st);
        *replaced = 0;
    }
    return rc;
}

static void bind_population(struct safer__stmt *s, const struct safer__value_rows *rows, size_t r)
{
    safer__bind_text(s, 1, rows->code[r]);
    safer__bind_text(s, 2, rows->level);
    safer__bind_double(s, 3, rows->value[r]);
    safer__bind_text(s, 4, rows->basis);
    safer__bind_text(s, 5, safer__base_name(rows->path));
}

static void bind_population_age(struct safer__stmt *s, const struct safer__value_rows *rows,
                                size_t r)
{
    unsigned char blob[SAFER_POPULATION_AGES * 8];
    const double *a = rows->ages + r * SAFER_POPULATION_AGES;
    for (int k = 0; k < SAFER_POPULATION_AGES; k++) {
        uint64_t u;
        memcpy(&u, &a[k], 8);
        for (int b = 0; b < 8; b++)
            blob[k * 8 + b] = (unsigned char)(u >> (8 * b));
    }
    safer__bind_text(s, 1, rows->code[r]);
    safer__bind_text(s, 2, rows->level);
    safer__bind_blob(s, 3, blob, sizeof(blob));
    safer__bind_text(s, 4, safer__base_name(rows->path));
}

/* An estimate by age and sex as stored: 0, or -1 when malformed. */
static int decode_ages(const void *p, size_t len, double *out)
{
    if (len != SAFER_POPULATION_AGES * 8)
        return -1;
    const unsigned char *b = p;
    for (int k = 0; k < SAFER_POPULATION_AGES; k++) {
        uint64_t u = 0;
        for (int j = 0; j < 8; j++)
            u |= (uint64_t)b[k * 8 + j] << (8 * j);
        memcpy(&out[k], &u, 8);
    }
    return 0;
}

int safer__store_population(struct safer_store *st, const struct safer__value_rows *rows,
                            struct safer_err *err)
{
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    struct safer__stmt *ins = NULL, *age = NULL;
    rc = safer__prep(st,
                     "INSERT INTO population(code, level, population, basis, source)"
                     " VALUES(?, ?, ?, ?, ?) ON CONFLICT(code, level) DO UPDATE SET"
                     " population = excluded.population, basis = excluded.basis,"
                     " source = excluded.source",
                     &ins, err);
    if (rc == 0 && rows->nages)
        rc = safer__prep(st,
                         "INSERT INTO population_age(code, level, ages, source) VALUES(?, ?, ?, ?)"
                         " ON CONFLICT(code, level) DO UPDATE SET ages = excluded.ages,"
                         " source = excluded.source",
                         &age, err);
    for (size_t r = 0; rc == 0 && r < rows->n; r++) {
        safer__stmt_reset(ins);
        bind_population(ins, rows, r);
        rc = safer__step_done(ins, err);
        if (rc == 0 && age) {
            safer__stmt_reset(age);
            bind_population_age(age, rows, r);
            rc = safer__step_done(age, err);
        }
    }
    safer__stmt_finalize(ins);
    safer__stmt_finalize(age);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

/* Add one ward's estimate by age and sex to `sum`: its own, else its
 * LSOAs' when every one has one. 1 when added, 0 when it has none. */
static int add_ward_ages(struct safer_store *st, const char *ward, double *sum,
                         struct safer_err *err)
{
    double a[SAFER_POPULATION_AGES], t[SAFER_POPULATION_AGES] = {0};
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT ages FROM population_age WHERE code = ? AND level = 'ward'", &s,
                         err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, ward);
    rc = safer__step(s, err);
    int found = 0;
    if (rc == 1) {
        size_t len;
        const void *p = safer__col_blob(s, 0, &len);
        if (decode_ages(p, len, t) < 0)
            rc = safer_err_set(err, SAFER_EDB, "the stored estimate by age of ward %s is "
                               "malformed", ward);
        else
            found = 1;
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    if (!found) {
        rc = safer__prep(st,
                         "SELECT l.lsoa_code, p.ages FROM lookup_lsoa l LEFT JOIN population_age p"
                         " ON p.code = l.lsoa_code AND p.level = 'lsoa' WHERE l.ward_code = ?"
                         " ORDER BY l.lsoa_code",
                         &s, err);
        if (rc < 0)
            return rc;
        safer__bind_text(s, 1, ward);
        size_t n = 0;
        bool all = true;
        while ((rc = safer__step(s, err)) == 1) {
            size_t len = 0;
            const void *p = safer__col_is_null(s, 1) ? NULL : safer__col_blob(s, 1, &len);
            if (!p || decode_ages(p, len, a) < 0) {
                all = false;
                continue;
            }
            for (int k = 0; k < SAFER_POPULATION_AGES; k++)
                t[k] += a[k];
            n++;
        }
        safer__stmt_finalize(s);
        if (rc < 0)
            return rc;
        found = n > 0 && all;
    }
    if (found)
        for (int k = 0; k < SAFER_POPULATION_AGES; k++)
            sum[k] += t[k];
    return found;
}

int safer_population_ages(struct safer_store *st, const char *const *wards, size_t n,
                          double *out, const char **missing, struct safer_err *err)
{
    memset(out, 0, sizeof(double) * SAFER_POPULATION_AGES);
    *missing = NULL;
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    size_t found = 0;
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        rc = add_ward_ages(st, wards[i], out, err);
        if (rc == 1)
            found++;
        else if (rc == 0 && !*missing)
            *missing = wards[i];
    }
    if (found == 0)
        *missing = NULL; /* none held: not a gap */
    if (rc >= 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    if (rc < 0)
        return rc;
    return n > 0 && found == n ? 1 : 0;
}

static void bind_deprivation(struct safer__stmt *s, const struct safer__value_rows *rows, size_t r)
{
    safer__bind_text(s, 1, rows->code[r]);
    if (rows->value2[r] == rows->value2[r])
        safer__bind_int64(s, 2, (int64_t)rows->value2[r]);
    else
        safer__bind_null(s, 2);
    safer__bind_int64(s, 3, (int64_t)rows->value[r]);
    safer__bind_text(s, 4, safer__base_name(rows->path));
}

/* File 2's domains of each row, after the IMD rows, in the same
 * transaction (an LSOA's stored domains are replaced). */
static int store_domains(struct safer_store *st, const struct safer__value_rows *rows,
                         struct safer_err *err)
{
    struct safer__stmt *ins = NULL;
    int rc = safer__prep(st,
                         "INSERT INTO deprivation_domain(lsoa_code, domain, score, rank, decile,"
                         " source) VALUES(?, ?, NULL, ?, ?, ?) ON CONFLICT(lsoa_code, domain)"
                         " DO UPDATE SET score = excluded.score, rank = excluded.rank,"
                         " decile = excluded.decile, source = excluded.source",
                         &ins, err);
    const char *source = safer__base_name(rows->path);
    for (size_t r = 0; rc == 0 && r < rows->n; r++) {
        const double *v = rows->domains + r * (size_t)rows->ndomains * 2;
        for (int d = 0; rc == 0 && d < rows->ndomains; d++) {
            safer__stmt_reset(ins);
            safer__bind_text(ins, 1, rows->code[r]);
            safer__bind_text(ins, 2, safer_domain_key(SAFER_DOMAIN_IMD + 1 + d));
            safer__bind_int64(ins, 3, (int64_t)v[d * 2]);
            safer__bind_int64(ins, 4, (int64_t)v[d * 2 + 1]);
            safer__bind_text(ins, 5, source);
            rc = safer__step_done(ins, err);
        }
    }
    safer__stmt_finalize(ins);
    return rc;
}

int safer__store_deprivation(struct safer_store *st, const struct safer__value_rows *rows,
                             struct safer_err *err)
{
    struct safer__stmt *ins = NULL;
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    rc = safer__prep(st,
                     "INSERT INTO deprivation(lsoa_code, score, rank, decile, source)"
                     " VALUES(?, NULL, ?, ?, ?) ON CONFLICT(lsoa_code) DO UPDATE SET"
                     " score = excluded.score, rank = excluded.rank,"
                     " decile = excluded.decile, source = excluded.source",
                     &ins, err);
    for (size_t r = 0; rc == 0 && r < rows->n; r++) {
        safer__stmt_reset(ins);
        bind_deprivation(ins, rows, r);
        rc = safer__step_done(ins, err);
    }
    safer__stmt_finalize(ins);
    if (rc == 0 && rows->ndomains)
        rc = store_domains(st, rows, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

/* ---- reading back ---- */

void safer_pairs_release(struct safer_pairs *p)
{
    safer_arena_release(&p->arena);
    free(p->a);
    free(p->b);
    memset(p, 0, sizeof(*p));
}

void safer_values_release(struct safer_values *v)
{
    safer_arena_release(&v->arena);
    free(v->code);
    free(v->value);
    memset(v, 0, sizeof(*v));
}

/* Rows of two text columns; NULL reads as "". */
static int pairs_query(struct safer_store *st, const char *sql, const char *arg,
                       struct safer_pairs *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if (arg)
        safer__bind_text(s, 1, arg);
    size_t cap = 0, capb = 0;
    while ((rc = safer__step(s, err)) == 1) {
        const char *a = safer__col_text(s, 0), *b = safer__col_text(s, 1);
        SAFER__GROW(out->a, cap, out->n + 1);
        SAFER__GROW(out->b, capb, out->n + 1);
        out->a[out->n] = safer_arena_strdup(&out->arena, a ? a : "");
        out->b[out->n] = safer_arena_strdup(&out->arena, b ? b : "");
        out->n++;
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        safer_pairs_release(out);
    return rc;
}

/* Rows of a text and a number column. */
static int values_query(struct safer_store *st, const char *sql, const char *arg,
                        struct safer_values *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct safer__stmt *s;
    int rc = safer__prep(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if (arg)
        safer__bind_text(s, 1, arg);
    size_t cap = 0, capv = 0;
    while ((rc = safer__step(s, err)) == 1) {
        SAFER__GROW(out->code, cap, out->n + 1);
        SAFER__GROW(out->value, capv, out->n + 1);
        out->code[out->n] = safer_arena_strdup(&out->arena, safer__col_text(s, 0));
        out->value[out->n] = safer__col_double(s, 1);
        out->n++;
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        safer_values_release(out);
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
                       " (SELECT ward_code FROM lookup_ward) ORDER BY 1, 2",
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

int safer_lookup_district_name(struct safer_store *st, const char *code, char **name,
                               struct safer_err *err)
{
    struct safer_pairs p;
    *name = NULL;
    int rc = pairs_query(st,
                         "SELECT district_name, 1 FROM lookup_district WHERE district_code = ?1"
                         " AND district_name IS NOT NULL UNION ALL"
                         " SELECT district_name, 2 FROM lookup_ward WHERE district_code = ?1"
                         " AND district_name IS NOT NULL UNION ALL"
                         " SELECT district_name, 3 FROM lookup_lsoa WHERE district_code = ?1"
                         " AND district_name IS NOT NULL ORDER BY 2, 1 LIMIT 1",
                         code, &p, err);
    if (rc == 0 && p.n)
        *name = safer__xstrdup(p.a[0]);
    safer_pairs_release(&p);
    return rc;
}

int safer_population_list(struct safer_store *st, const char *level, struct safer_values *out,
                          char **basis, struct safer_err *err)
{
    *basis = NULL;
    int rc = values_query(st,
                          "SELECT code, population FROM population WHERE level = ? ORDER BY code",
                          level, out, err);
    if (rc < 0 || out->n == 0)
        return rc;
    /* The first basis in byte order, and the files it came from. */
    struct safer_pairs b;
    rc = pairs_query(st,
                     "SELECT DISTINCT basis, source FROM population WHERE level = ?"
                     " ORDER BY basis, source",
                     level, &b, err);
    if (rc == 0 && b.n) {
        struct safer_buf t;
        safer_buf_init(&t, 1 << 20);
        safer_buf_puts(&t, b.a[0]);
        safer_buf_puts(&t, " (");
        for (size_t i = 0; i < b.n && strcmp(b.a[i], b.a[0]) == 0; i++) {
            if (i)
                safer_buf_puts(&t, ",");
            safer_buf_puts(&t, b.b[i]);
        }
        safer_buf_puts(&t, ")");
        *basis = safer_buf_detach(&t, NULL);
    }
    safer_pairs_release(&b);
    if (rc < 0)
        safer_values_release(out);
    return rc;
}

int safer_deprivation_list(struct safer_store *st, struct safer_values *out,
                           struct safer_err *err)
{
    return values_query(st, "SELECT lsoa_code, decile FROM deprivation ORDER BY lsoa_code", NULL,
                        out, err);
}

int safer_lookup_lsoa_districts(struct safer_store *st, struct safer_pairs *out,
                                struct safer_err *err)
{
    return pairs_query(st,
                       "SELECT l.lsoa_code, COALESCE(l.district_code, w.district_code)"
                       " FROM lookup_lsoa l LEFT JOIN lookup_ward w ON w.ward_code = l.ward_code"
                       " WHERE COALESCE(l.district_code, w.district_code) IS NOT NULL"
                       " ORDER BY l.lsoa_code",
                       NULL, out, err);
}

void safer_districts_release(struct safer_districts *d)
{
    safer_arena_release(&d->arena);
    free(d->code);
    free(d->name);
    free(d->csp);
    free(d->csp_name);
    free(d->pfa);
    free(d->pfa_name);
    memset(d, 0, sizeof(*d));
}

int safer_lookup_districts(struct safer_store *st, struct safer_districts *out,
                           struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    struct safer__stmt *s;
    int rc = safer__prep(st,
                         "SELECT district_code, district_name, csp_code, csp_name, pfa_code,"
                         " pfa_name FROM lookup_district ORDER BY district_code",
                         &s, err);
    if (rc < 0)
        return rc;
    /* In the order of the columns selected. */
    char ***cols[6] = {&out->code, &out->name, &out->csp, &out->csp_name, &out->pfa,
                       &out->pfa_name};
    size_t cap = 0;
    while ((rc = safer__step(s, err)) == 1) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 64;
            for (int k = 0; k < 6; k++)
                *cols[k] = safer__xreallocarray(*cols[k], cap, sizeof(char *));
        }
        for (int k = 0; k < 6; k++) {
            const char *v = safer__col_text(s, k);
            (*cols[k])[out->n] = safer_arena_strdup(&out->arena, v ? v : "");
        }
        out->n++;
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        safer_districts_release(out);
    return rc;
}

/* ---- deprivation domains (profile.h) ---- */

int safer__deprivation_domains(struct safer_store *st, struct safer_arena *arena,
                               struct safer_lsoa_domain **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__stmt *s;
    /* The IMD itself from the deprivation table (File 1 or 2), the
     * domains from File 2; rows without a rank are of no use here. */
    int rc = safer__prep(st,
                         "SELECT lsoa_code, 'imd', rank, decile FROM deprivation"
                         " WHERE rank IS NOT NULL UNION ALL"
                         " SELECT lsoa_code, domain, rank, decile FROM deprivation_domain"
                         " WHERE rank IS NOT NULL",
                         &s, err);
    if (rc < 0)
        return rc;
    size_t cap = 0;
    while ((rc = safer__step(s, err)) == 1) {
        int d = safer_domain_of(safer__col_text(s, 1));
        if (d < 0)
            continue;
        SAFER__GROW(*out, cap, *n + 1);
        struct safer_lsoa_domain *r = &(*out)[*n];
        r->lsoa = safer_arena_strdup(arena, safer__col_text(s, 0));
        r->domain = d;
        r->rank = safer__col_double(s, 2);
        r->decile = (int)safer__col_int64(s, 3);
        (*n)++;
    }
    safer__stmt_finalize(s);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
