/*
 * reference.c - reading the reference tables: ONS lookups, population
 * denominators and deprivation. Each file is read and checked whole first
 * (any malformed row fails it with FILE:LINE); only then does the store
 * write it, in one transaction.
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
#include "safer/limits.h"
#include "safer/lookup.h"
#include "safer/profile.h"
#include "store/store_internal.h"
#include "util/internal.h"

/* Columns named LETTERS + 2 digits + SUFFIX (any case), e.g. LSOA11CD. The
 * first match is returned in *col; a second one with other digits (another
 * vintage) or the same name again is an error naming both. */
static int find_col(const struct safer_csv *c, const char *path, const char *letters,
                    const char *suffix, int *col, struct safer_err *err)
{
    size_t nl = strlen(letters), ns = strlen(suffix);
    *col = -1;
    for (size_t i = 0; i < c->nfields; i++) {
        const struct safer_csv_field *f = &c->fields[i];
        if (f->len != nl + 2 + ns || strncasecmp(f->ptr, letters, nl) ||
            !isdigit((unsigned char)f->ptr[nl]) || !isdigit((unsigned char)f->ptr[nl + 1]) ||
            strncasecmp(f->ptr + nl + 2, suffix, ns))
            continue;
        if (*col >= 0) {
            const struct safer_csv_field *g = &c->fields[*col];
            return safer_err_set(err, SAFER_EPARSE,
                                 "%s:1: columns '%.*s' (%d) and '%.*s' (%zu) are both %s%s codes: "
                                 "keep one vintage per level in a lookup",
                                 path, (int)g->len, g->ptr, *col + 1, (int)f->len, f->ptr, i + 1,
                                 letters, suffix);
        }
        *col = (int)i;
    }
    return 0;
}

/* The first of `names` that is a column (any case); -1 when none. */
static int find_named(const struct safer_csv *c, const char *const *names)
{
    for (size_t k = 0; names[k]; k++) {
        size_t n = strlen(names[k]);
        for (size_t i = 0; i < c->nfields; i++) {
            const struct safer_csv_field *f = &c->fields[i];
            if (f->len == n && strncasecmp(f->ptr, names[k], n) == 0)
                return (int)i;
        }
    }
    return -1;
}

/* A header that names one column twice is ambiguous: which one is meant? */
static int unique_header(const struct safer_csv *c, const char *path, struct safer_err *err)
{
    for (size_t i = 0; i < c->nfields; i++) {
        for (size_t j = i + 1; j < c->nfields; j++) {
            const struct safer_csv_field *a = &c->fields[i], *b = &c->fields[j];
            if (a->len && a->len == b->len && strncasecmp(a->ptr, b->ptr, a->len) == 0)
                return safer_err_set(err, SAFER_EPARSE,
                                     "%s:1: column '%.*s' appears twice (columns %zu and %zu)",
                                     path, (int)a->len, a->ptr, i + 1, j + 1);
        }
    }
    return 0;
}

/* "1,296" or "1296" or "1296.5": a non-negative finite number, or -1. */
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

/* An area code: present, short, and printable. */
static int check_code(const struct safer_csv_field *f, const char *path, size_t line,
                      const char *what, struct safer_err *err)
{
    if (f->len == 0)
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: empty %s", path, line, what);
    if (f->len > SAFER_LIMIT_CODE)
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s longer than %d bytes", path, line,
                             what, SAFER_LIMIT_CODE);
    for (size_t i = 0; i < f->len; i++) {
        unsigned char ch = (unsigned char)f->ptr[i];
        if (ch < 0x20 || ch == 0x7f)
            return safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s holds a control character",
                                 path, line, what);
    }
    return 0;
}

/* Text for the store: NUL bytes would be cut by C strings, so refuse them. */
static int check_text(const struct safer_csv_field *f, const char *path, size_t line,
                      struct safer_err *err)
{
    if (memchr(f->ptr, '\0', f->len))
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: a field holds a NUL byte", path, line);
    return 0;
}

static char *dup_field(const struct safer_csv_field *f)
{
    return f->len ? safer__xstrndup(f->ptr, f->len) : NULL;
}

/*
 * Read `path` whole and hand each data row to `row`, after checking that
 * it has the header's number of fields. `header` looks at the header row
 * first. Returns the data rows, or a negative code.
 */
struct reader {
    int (*header)(void *ctx, const struct safer_csv *c, const char *path, struct safer_err *err);
    int (*row)(void *ctx, const struct safer_csv *c, const char *path, struct safer_err *err);
    void *ctx;
};

static long read_table(const char *path, const struct reader *r, struct safer_err *err)
{
    char *data;
    size_t len;
    int rc = safer__read_file(path, SAFER_LIMIT_CSV_FILE, "SAFER_LIMIT_CSV_FILE", &data, &len, err);
    if (rc < 0)
        return rc;
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    long rows = 0;
    rc = safer_csv_next(&c, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: no header row", path);
    if (rc > 0)
        rc = unique_header(&c, path, err);
    if (rc >= 0)
        rc = r->header(r->ctx, &c, path, err);
    size_t nheader = c.nfields;
    while (rc >= 0) {
        rc = safer_csv_next(&c, err);
        if (rc <= 0)
            break;
        if (c.nfields != nheader) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: expected %zu fields, found %zu", path,
                               c.row_line, nheader, c.nfields);
            break;
        }
        for (size_t i = 0; i < c.nfields && rc >= 0; i++)
            rc = check_text(&c.fields[i], path, c.row_line, err);
        if (rc >= 0)
            rc = r->row(r->ctx, &c, path, err);
        if (rc >= 0 && rows >= SAFER_LIMIT_TABLE_ROWS)
            rc = safer_err_set(err, SAFER_ETOOBIG, "%s: more than %d rows (limit "
                               "SAFER_LIMIT_TABLE_ROWS)", path, SAFER_LIMIT_TABLE_ROWS);
        rows++;
    }
    if (rc == 0 && rows == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no data rows", path);
    safer_csv_release(&c);
    free(data);
    return rc < 0 ? rc : rows;
}

/* ---- lookups ---- */

struct lookup_read {
    struct safer__lookup_rows *out;
    int cols[6];
};

static int lookup_header(void *arg, const struct safer_csv *c, const char *path,
                         struct safer_err *err)
{
    struct lookup_read *x = arg;
    int lsoa, lsoa_nm, wd, wd_nm, lad, lad_nm, csp, csp_nm, pfa, pfa_nm;
    int rc = 0;
    struct {
        const char *letters, *suffix;
        int *col;
    } want[] = {{"LSOA", "CD", &lsoa}, {"LSOA", "NM", &lsoa_nm}, {"WD", "CD", &wd},
                {"WD", "NM", &wd_nm},  {"LAD", "CD", &lad},     {"LAD", "NM", &lad_nm},
                {"CSP", "CD", &csp},   {"CSP", "NM", &csp_nm},   {"PFA", "CD", &pfa},
                {"PFA", "NM", &pfa_nm}};
    for (size_t k = 0; rc == 0 && k < sizeof(want) / sizeof(want[0]); k++)
        rc = find_col(c, path, want[k].letters, want[k].suffix, want[k].col, err);
    if (rc < 0)
        return rc;
    if (lsoa >= 0 && wd >= 0) {
        x->out->kind = SAFER__LOOKUP_LSOA_WARD;
        int v[6] = {lsoa, lsoa_nm, wd, wd_nm, lad, lad_nm};
        memcpy(x->cols, v, sizeof(v));
    } else if (wd >= 0 && lad >= 0) {
        x->out->kind = SAFER__LOOKUP_WARD_DISTRICT;
        int v[6] = {wd, wd_nm, lad, lad_nm, -1, -1};
        memcpy(x->cols, v, sizeof(v));
    } else if (lad >= 0 && csp >= 0) {
        x->out->kind = SAFER__LOOKUP_DISTRICT_CSP;
        int v[6] = {lad, lad_nm, csp, csp_nm, pfa, pfa_nm};
        memcpy(x->cols, v, sizeof(v));
    } else {
        return safer_err_set(err, SAFER_EPARSE,
                             "%s:1: not a lookup this program knows: expected columns LSOAyyCD "
                             "and WDyyCD (LSOA to ward), WDyyCD and LADyyCD (ward to district), "
                             "or LADyyCD and CSPyyCD (district to Community Safety Partnership)",
                             path);
    }
    return 0;
}

static int lookup_row(void *arg, const struct safer_csv *c, const char *path,
                      struct safer_err *err)
{
    struct lookup_read *x = arg;
    struct safer__lookup_rows *o = x->out;
    static const char *const what[3][2] = {{"LSOA code", "ward code"},
                                           {"ward code", "district code"},
                                           {"district code", "partnership code"}};
    /* The codes are the first and third columns of each kind. */
    int rc = check_code(&c->fields[x->cols[0]], path, c->row_line, what[o->kind][0], err);
    if (rc == 0)
        rc = check_code(&c->fields[x->cols[2]], path, c->row_line, what[o->kind][1], err);
    if (rc < 0)
        return rc;
    SAFER__GROW(o->cells, o->cap, (o->n + 1) * 6);
    for (int k = 0; k < 6; k++)
        o->cells[o->n * 6 + (size_t)k] = x->cols[k] >= 0 ? dup_field(&c->fields[x->cols[k]]) : NULL;
    SAFER__GROW(o->lines, o->capl, o->n + 1);
    o->lines[o->n] = c->row_line;
    o->n++;
    return 0;
}

void safer__lookup_rows_release(struct safer__lookup_rows *r)
{
    for (size_t i = 0; i < r->n * 6; i++)
        free(r->cells[i]);
    free(r->cells);
    free(r->lines);
    memset(r, 0, sizeof(*r));
}

static const char *const LOOKUP_KINDS[] = {"lsoa-ward", "ward-district", "district-csp"};

int safer_lookup_import(struct safer_store *st, const char *path, struct safer_lookup_stats *stats,
                        struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    struct safer__lookup_rows rows = {0};
    struct lookup_read x = {&rows, {0}};
    struct reader r = {lookup_header, lookup_row, &x};
    rows.path = path;
    long n = read_table(path, &r, err);
    int rc = n < 0 ? (int)n : safer__store_lookup(st, &rows, &stats->replaced, err);
    if (rc == 0) {
        snprintf(stats->kind, sizeof(stats->kind), "%s", LOOKUP_KINDS[rows.kind]);
        stats->rows = rows.n;
    } else {
        memset(stats, 0, sizeof(*stats));
    }
    safer__lookup_rows_release(&rows);
    return rc;
}

/* ---- populations ---- */

struct values_read {
    struct safer__value_rows *out;
    int code, value, rank;
    int dom[SAFER_NDOMAINS][2]; /* deprivation: File 2's rank and decile columns */
    int age[SAFER_POPULATION_AGES]; /* population: F0..F90, M0..M90, or -1 */
};

/* The columns of an ONS estimate by single year of age: F0..F90 and
 * M0..M90 (-1 in age[0] when the file has none of them). Some but not all
 * is an error naming the first missing. */
static int age_columns(const struct safer_csv *c, const char *path, int *age,
                       struct safer_err *err)
{
    int found = 0, missing = -1;
    for (int k = 0; k < SAFER_POPULATION_AGES; k++) {
        char name[8];
        snprintf(name, sizeof(name), "%c%d", k <= SAFER_POPULATION_AGE_MAX ? 'F' : 'M',
                 k % (SAFER_POPULATION_AGE_MAX + 1));
        const char *names[] = {name, NULL};
        age[k] = find_named(c, names);
        if (age[k] >= 0)
            found++;
        else if (missing < 0)
            missing = k;
    }
    if (found && missing >= 0)
        return safer_err_set(err, SAFER_EPARSE,
                             "%s:1: column '%c%d' is missing: an estimate by single year of age "
                             "has F0 to F%d and M0 to M%d",
                             path, missing <= SAFER_POPULATION_AGE_MAX ? 'F' : 'M',
                             missing % (SAFER_POPULATION_AGE_MAX + 1), SAFER_POPULATION_AGE_MAX,
                             SAFER_POPULATION_AGE_MAX);
    if (!found)
        age[0] = -1;
    return 0;
}

/* A column named PREFIX ... SUFFIX (any case), as "LSOA 2021 Code"; -1. */
static int find_affix(const struct safer_csv *c, const char *prefix, const char *suffix)
{
    size_t np = strlen(prefix), ns = strlen(suffix);
    for (size_t i = 0; i < c->nfields; i++) {
        const struct safer_csv_field *f = &c->fields[i];
        if (f->len > np + ns && strncasecmp(f->ptr, prefix, np) == 0 &&
            strncasecmp(f->ptr + f->len - ns, suffix, ns) == 0)
            return (int)i;
    }
    return -1;
}

static void add_value(struct safer__value_rows *o, const struct safer_csv_field *code, double v,
                      double v2, size_t line)
{
    SAFER__GROW(o->code, o->cap, o->n + 1);
    SAFER__GROW(o->value, o->capv, o->n + 1);
    SAFER__GROW(o->value2, o->capv2, o->n + 1);
    SAFER__GROW(o->lines, o->capl, o->n + 1);
    o->code[o->n] = safer__xstrndup(code->ptr, code->len);
    o->value[o->n] = v;
    o->value2[o->n] = v2;
    o->lines[o->n] = line;
    o->n++;
}

void safer__value_rows_release(struct safer__value_rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->code[i]);
    free(r->code);
    free(r->value);
    free(r->value2);
    free(r->domains);
    free(r->ages);
    free(r->lines);
    memset(r, 0, sizeof(*r));
}

static int population_header(void *arg, const struct safer_csv *c, const char *path,
                             struct safer_err *err)
{
    struct values_read *x = arg;
    static const char *const lsoa_names[] = {"LSOA code (2011)", "LSOA code (2021)", "LSOA code",
                                             NULL};
    static const char *const ward_names[] = {"Ward code", NULL};
    x->code = find_named(c, lsoa_names);
    if (x->code < 0)
        x->code = find_affix(c, "LSOA ", " Code"); /* "LSOA 2021 Code" */
    int rc = 0;
    if (x->code < 0)
        rc = find_col(c, path, "LSOA", "CD", &x->code, err);
    if (rc < 0)
        return rc;
    if (x->code >= 0) {
        snprintf(x->out->level, sizeof(x->out->level), "lsoa");
    } else {
        x->code = find_named(c, ward_names);
        if (x->code < 0)
            x->code = find_affix(c, "Ward ", " Code"); /* "Ward 2022 Code" */
        if (x->code < 0)
            rc = find_col(c, path, "WD", "CD", &x->code, err);
        if (rc < 0)
            return rc;
        if (x->code >= 0)
            snprintf(x->out->level, sizeof(x->out->level), "ward");
    }
    x->value = -1;
    for (size_t i = 0; i < c->nfields && x->value < 0; i++) {
        const struct safer_csv_field *f = &c->fields[i];
        if ((f->len >= 16 && strncasecmp(f->ptr, "Total population", 16) == 0) ||
            (f->len == 10 && strncasecmp(f->ptr, "population", 10) == 0) ||
            (f->len == 8 && strncasecmp(f->ptr, "All Ages", 8) == 0) ||
            (f->len == 5 && strncasecmp(f->ptr, "Total", 5) == 0))
            x->value = (int)i;
    }
    if (x->code < 0 || x->value < 0)
        return safer_err_set(err, SAFER_EPARSE,
                             "%s:1: expected an area code column ('LSOA code (2011)', 'LSOA "
                             "2021 Code', LSOAyyCD or WDyyCD) and a total population column "
                             "('Total population...', 'population', 'All Ages' or 'Total')",
                             path);
    rc = age_columns(c, path, x->age, err);
    if (rc < 0)
        return rc;
    x->out->nages = x->age[0] >= 0 ? SAFER_POPULATION_AGES : 0;
    const struct safer_csv_field *f = &c->fields[x->value];
    snprintf(x->out->basis, sizeof(x->out->basis), "%.*s", (int)(f->len < 200 ? f->len : 200),
             f->ptr);
    return 0;
}

static int population_row(void *arg, const struct safer_csv *c, const char *path,
                          struct safer_err *err)
{
    struct values_read *x = arg;
    const struct safer_csv_field *code = &c->fields[x->code], *pop = &c->fields[x->value];
    double v;
    int rc = check_code(code, path, c->row_line, "area code", err);
    if (rc < 0)
        return rc;
    if (parse_count(pop, &v) < 0)
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: population '%.*s' is not a number", path,
                             c->row_line, (int)(pop->len < 40 ? pop->len : 40), pop->ptr);
    if (x->out->nages) {
        struct safer__value_rows *o = x->out;
        SAFER__GROW(o->ages, o->capa, (o->n + 1) * SAFER_POPULATION_AGES);
        double *a = o->ages + o->n * SAFER_POPULATION_AGES, sum = 0;
        for (int k = 0; k < SAFER_POPULATION_AGES; k++) {
            const struct safer_csv_field *f = &c->fields[x->age[k]];
            if (parse_count(f, &a[k]) < 0)
                return safer_err_set(err, SAFER_EPARSE,
                                     "%s:%zu: population '%.*s' in column '%c%d' is not a number",
                                     path, c->row_line, (int)(f->len < 40 ? f->len : 40), f->ptr,
                                     k <= SAFER_POPULATION_AGE_MAX ? 'F' : 'M',
                                     k % (SAFER_POPULATION_AGE_MAX + 1));
            sum += a[k];
        }
        /* The ONS total is the sum of its ages: anything else is a file
         * cut or shifted. */
        if (fabs(sum - v) > 0.5)
            return safer_err_set(err, SAFER_EPARSE,
                                 "%s:%zu: the ages F0 to M%d sum to %.0f, not the total %.0f",
                                 path, c->row_line, SAFER_POPULATION_AGE_MAX, sum, v);
    }
    add_value(x->out, code, v, NAN, c->row_line);
    x->out->total += v;
    return 0;
}

int safer_population_import(struct safer_store *st, const char *path,
                            struct safer_population_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    struct safer__value_rows rows = {0};
    rows.path = path;
    struct values_read x = {&rows, -1, -1, -1, {{0}}, {0}};
    struct reader r = {population_header, population_row, &x};
    long n = read_table(path, &r, err);
    int rc = n < 0 ? (int)n : safer__store_population(st, &rows, err);
    if (rc == 0) {
        snprintf(stats->level, sizeof(stats->level), "%s", rows.level);
        snprintf(stats->basis, sizeof(stats->basis), "%s", rows.basis);
        stats->rows = rows.n;
        stats->total = rows.total;
        stats->by_age_sex = rows.nages > 0;
    }
    safer__value_rows_release(&rows);
    return rc;
}

/* ---- deprivation ---- */

/*
 * The domains of IoD2019 File 2, in the order of enum safer_domain
 * (profile.h) after the IMD itself: each has a column "<title> Rank (where
 * 1 is most deprived)" and "<title> Decile (where 1 is most deprived 10% of
 * LSOAs)"; a column is recognised by its start, "<title> Rank" and
 * "<title> Decile".
 */
static const char *const DOMAIN_COLUMN[SAFER_NDOMAINS] = {
    [SAFER_DOMAIN_INCOME] = "Income",
    [SAFER_DOMAIN_EMPLOYMENT] = "Employment",
    [SAFER_DOMAIN_EDUCATION] = "Education, Skills and Training",
    [SAFER_DOMAIN_HEALTH] = "Health Deprivation and Disability",
    [SAFER_DOMAIN_CRIME] = "Crime",
    [SAFER_DOMAIN_BARRIERS] = "Barriers to Housing and Services",
    [SAFER_DOMAIN_LIVING] = "Living Environment",
};

/* The column whose heading is `title` + " " + `what`, exactly or followed
 * by " (" and anything; -1 when none. */
static int find_prefixed(const struct safer_csv *c, const char *title, const char *what)
{
    size_t nt = strlen(title), nw = strlen(what);
    for (size_t i = 0; i < c->nfields; i++) {
        const struct safer_csv_field *f = &c->fields[i];
        if (f->len < nt + 1 + nw || strncasecmp(f->ptr, title, nt) || f->ptr[nt] != ' ' ||
            strncasecmp(f->ptr + nt + 1, what, nw))
            continue;
        size_t rest = f->len - nt - 1 - nw;
        if (rest == 0 || (rest >= 2 && f->ptr[nt + 1 + nw] == ' ' && f->ptr[nt + 2 + nw] == '('))
            return (int)i;
    }
    return -1;
}

static int deprivation_header(void *arg, const struct safer_csv *c, const char *path,
                              struct safer_err *err)
{
    struct values_read *x = arg;
    static const char *const code_names[] = {"LSOA code (2011)", "LSOA code (2021)", "LSOA code",
                                             NULL};
    x->code = find_named(c, code_names);
    if (x->code < 0) {
        int rc = find_col(c, path, "LSOA", "CD", &x->code, err);
        if (rc < 0)
            return rc;
    }
    /* File 1 says "Index of Multiple Deprivation (IMD) Rank", File 2 adds
     * "(where 1 is most deprived)". */
    x->rank = find_prefixed(c, "Index of Multiple Deprivation (IMD)", "Rank");
    if (x->rank < 0)
        x->rank = find_prefixed(c, "IMD", "Rank");
    x->value = find_prefixed(c, "Index of Multiple Deprivation (IMD)", "Decile");
    if (x->value < 0)
        x->value = find_prefixed(c, "IMD", "Decile");
    if (x->code < 0 || x->value < 0)
        return safer_err_set(err, SAFER_EPARSE,
                             "%s:1: expected an LSOA code column and an 'Index of Multiple "
                             "Deprivation (IMD) Decile' column",
                             path);
    /* File 2: any domain column makes it one, and then every domain's rank
     * and decile must be there. */
    int any = 0;
    for (int d = SAFER_DOMAIN_IMD + 1; d < SAFER_NDOMAINS; d++) {
        x->dom[d][0] = find_prefixed(c, DOMAIN_COLUMN[d], "Rank");
        x->dom[d][1] = find_prefixed(c, DOMAIN_COLUMN[d], "Decile");
        any |= x->dom[d][0] >= 0 || x->dom[d][1] >= 0;
    }
    x->out->ndomains = 0;
    if (!any)
        return 0;
    for (int d = SAFER_DOMAIN_IMD + 1; d < SAFER_NDOMAINS; d++) {
        for (int k = 0; k < 2; k++) {
            if (x->dom[d][k] < 0)
                return safer_err_set(err, SAFER_EPARSE,
                                     "%s:1: a domains file (IoD2019 File 2) needs a '%s %s' "
                                     "column",
                                     path, DOMAIN_COLUMN[d], k ? "Decile" : "Rank");
        }
    }
    if (x->rank < 0)
        return safer_err_set(err, SAFER_EPARSE,
                             "%s:1: a domains file (IoD2019 File 2) needs an 'Index of "
                             "Multiple Deprivation (IMD) Rank' column",
                             path);
    x->out->ndomains = SAFER_NDOMAINS - 1;
    return 0;
}

/* A rank: a whole number from 1 to 10^9. */
static int parse_rank(const struct safer_csv_field *f, double *out)
{
    return parse_count(f, out) < 0 || *out != floor(*out) || *out < 1 || *out > 1e9 ? -1 : 0;
}

static int deprivation_row(void *arg, const struct safer_csv *c, const char *path,
                           struct safer_err *err)
{
    struct values_read *x = arg;
    struct safer__value_rows *o = x->out;
    const struct safer_csv_field *code = &c->fields[x->code], *dec = &c->fields[x->value];
    double d, rk = NAN;
    int rc = check_code(code, path, c->row_line, "LSOA code", err);
    if (rc < 0)
        return rc;
    if (parse_count(dec, &d) < 0 || d < 1 || d > 10 || d != floor(d))
        return safer_err_set(err, SAFER_EPARSE, "%s:%zu: IMD decile '%.*s' is not 1 to 10", path,
                             c->row_line, (int)(dec->len < 40 ? dec->len : 40), dec->ptr);
    if (x->rank >= 0) {
        const struct safer_csv_field *r = &c->fields[x->rank];
        if (parse_count(r, &rk) < 0 || rk != floor(rk) || rk > 1e15)
            return safer_err_set(err, SAFER_EPARSE, "%s:%zu: IMD rank '%.*s' is not a number",
                                 path, c->row_line, (int)(r->len < 40 ? r->len : 40), r->ptr);
    }
    if (o->ndomains) {
        SAFER__GROW(o->domains, o->capd, (o->n + 1) * (size_t)o->ndomains * 2);
        double *v = o->domains + o->n * (size_t)o->ndomains * 2;
        for (int dm = SAFER_DOMAIN_IMD + 1; dm < SAFER_NDOMAINS; dm++) {
            const struct safer_csv_field *fr = &c->fields[x->dom[dm][0]];
            const struct safer_csv_field *fd = &c->fields[x->dom[dm][1]];
            double r, dd;
            if (parse_rank(fr, &r) < 0)
                return safer_err_set(err, SAFER_EPARSE,
                                     "%s:%zu: %s rank '%.*s' is not a whole number from 1", path,
                                     c->row_line, DOMAIN_COLUMN[dm],
                                     (int)(fr->len < 40 ? fr->len : 40), fr->ptr);
            if (parse_count(fd, &dd) < 0 || dd < 1 || dd > 10 || dd != floor(dd))
                return safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s decile '%.*s' is not 1 to 10",
                                     path, c->row_line, DOMAIN_COLUMN[dm],
                                     (int)(fd->len < 40 ? fd->len : 40), fd->ptr);
            v[(dm - 1) * 2] = r;
            v[(dm - 1) * 2 + 1] = dd;
        }
    }
    add_value(o, code, d, rk, c->row_line);
    return 0;
}

int safer_deprivation_import(struct safer_store *st, const char *path,
                             struct safer_deprivation_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    struct safer__value_rows rows = {0};
    rows.path = path;
    struct values_read x = {&rows, -1, -1, -1, {{0}}, {0}};
    struct reader r = {deprivation_header, deprivation_row, &x};
    long n = read_table(path, &r, err);
    int rc = n < 0 ? (int)n : safer__store_deprivation(st, &rows, err);
    if (rc == 0) {
        stats->rows = rows.n;
        stats->domains = rows.ndomains;
    }
    safer__value_rows_release(&rows);
    return rc;
}
