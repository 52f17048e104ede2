/*
 * clusters_run.c - what `safer clusters` needs around the solver: the
 * attribute file, the stored wards' contiguity, and the two outputs (the
 * CSV of each area's cluster and the summary in words).
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/area.h"
#include "safer/buf.h"
#include "safer/clusters.h"
#include "safer/csv.h"
#include "safer/stats.h"

/* Attribute files are small: one row per ward. */
#define ATTR_FILE_LIMIT (64ULL << 20)

void safer_attributes_init(struct safer_attributes *a)
{
    memset(a, 0, sizeof(*a));
}

void safer_attributes_release(struct safer_attributes *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->code[i]);
    for (size_t j = 0; j < a->d; j++)
        free(a->name[j]);
    free(a->code);
    free(a->line);
    free(a->name);
    free(a->x);
    free(a->path);
    safer_attributes_init(a);
}

static int parse_number(const struct safer_csv_field *f, double *out)
{
    char tmp[64];
    size_t len = f->len;
    while (len && (f->ptr[len - 1] == ' ' || f->ptr[len - 1] == '\t'))
        len--;
    const char *p = f->ptr;
    while (len && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    if (len == 0 || len >= sizeof(tmp))
        return -1;
    memcpy(tmp, p, len);
    tmp[len] = '\0';
    char *end;
    double v = strtod(tmp, &end);
    if (end != tmp + len || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int safer_attributes_read(const char *path, struct safer_attributes *a, struct safer_err *err)
{
    safer_attributes_init(a);
    char *data = NULL;
    size_t len = 0;
    int rc = safer__read_file(path, ATTR_FILE_LIMIT, "64 MiB for an attribute file", &data, &len,
                              err);
    if (rc < 0)
        return rc;
    a->path = safer__xstrdup(path);
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    size_t cap = 0;
    rc = safer_csv_next(&c, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: empty: no header row", path);
    if (rc < 0)
        goto out;
    if (c.nfields < 2) {
        rc = safer_err_set(err, SAFER_EPARSE,
                           "%s:%zu: the header names no attribute after the area code", path,
                           c.row_line);
        goto out;
    }
    a->d = c.nfields - 1;
    a->name = safer__xcalloc(a->d, sizeof(char *));
    for (size_t j = 0; j < a->d; j++)
        a->name[j] = safer__xstrndup(c.fields[j + 1].ptr, c.fields[j + 1].len);
    while ((rc = safer_csv_next(&c, err)) == 1) {
        if (c.nfields != a->d + 1) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: %zu fields, the header has %zu", path,
                               c.row_line, c.nfields, a->d + 1);
            goto out;
        }
        if (c.fields[0].len == 0) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: no area code", path, c.row_line);
            goto out;
        }
        if (a->n >= SAFER_CLUSTERS_MAX_AREAS) {
            rc = safer_err_set(err, SAFER_ETOOBIG, "%s:%zu: more than %d areas", path,
                               c.row_line, SAFER_CLUSTERS_MAX_AREAS);
            goto out;
        }
        if (a->n == cap) {
            cap = cap ? 2 * cap : 64;
            a->code = safer__xreallocarray(a->code, cap, sizeof(char *));
            a->line = safer__xreallocarray(a->line, cap, sizeof(size_t));
            a->x = safer__xreallocarray(a->x, cap, a->d * sizeof(double));
        }
        char *code = safer__xstrndup(c.fields[0].ptr, c.fields[0].len);
        for (size_t i = 0; i < a->n; i++) {
            if (strcmp(a->code[i], code) == 0) {
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: area '%s' again (first on line %zu)",
                                   path, c.row_line, code, a->line[i]);
                free(code);
                goto out;
            }
        }
        for (size_t j = 0; j < a->d; j++) {
            const struct safer_csv_field *f = &c.fields[j + 1];
            if (parse_number(f, &a->x[a->n * a->d + j]) < 0) {
                int shown = (int)(f->len > 40 ? 40 : f->len); /* enough to find it */
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: %s: '%.*s' is not a number", path,
                                   c.row_line, a->name[j], shown, f->ptr);
                free(code);
                goto out;
            }
        }
        a->code[a->n] = code;
        a->line[a->n] = c.row_line;
        a->n++;
    }
    if (rc < 0)
        goto out;
    rc = 0;
    if (a->n == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no area after the header", path);
out:
    safer_csv_release(&c);
    free(data);
    if (rc < 0)
        safer_attributes_release(a);
    return rc;
}

int safer_clusters_contiguity(struct safer_store *st, const struct safer_attributes *a,
                              struct safer_nb *nb, char ***names_out, struct safer_err *err)
{
    *names_out = NULL;
    struct safer_area *wards = NULL;
    size_t nw = 0;
    int rc = safer_areas_load(st, "ward", &wards, &nw, err);
    if (rc < 0)
        return rc;
    struct safer_geom *geoms = safer__xcalloc(a->n ? a->n : 1, sizeof(*geoms));
    char **names = safer__xcalloc(a->n ? a->n : 1, sizeof(char *));
    char **codes = safer__xmalloc(sizeof(char *) * (nw ? nw : 1));
    for (size_t w = 0; w < nw; w++)
        codes[w] = wards[w].code;
    for (size_t i = 0; i < a->n && rc == 0; i++) {
        long w = safer__find_str(codes, nw, a->code[i]);
        if (w < 0) {
            rc = safer_err_set(err, SAFER_ENOTFOUND,
                               "%s:%zu: area '%s' is not a stored ward with a boundary (import "
                               "its boundaries with 'safer import areas')",
                               a->path, a->line[i], a->code[i]);
            break;
        }
        geoms[i] = wards[w].geom;
        names[i] = safer__xstrdup(wards[w].name ? wards[w].name : "");
    }
    if (rc == 0 && a->n == 1) {
        /* One area has no neighbours: an empty list. */
        nb->n = 1;
        nb->start = safer__xcalloc(2, sizeof(uint32_t));
        nb->adj = NULL;
    } else if (rc == 0) {
        rc = safer_nb_queen(nb, geoms, a->n, SAFER_NB_SNAP_DEFAULT, err);
    }
    free(codes);
    free(geoms);
    safer_areas_free(wards, nw);
    if (rc < 0) {
        for (size_t i = 0; i < a->n; i++)
            free(names[i]);
        free(names);
        return rc;
    }
    *names_out = names;
    return 0;
}

void safer_clusters_csv(struct safer_buf *b, const struct safer_attributes *a,
                        const struct safer_clusters *c)
{
    safer_buf_puts(b, "area_code,cluster\n");
    for (size_t i = 0; i < a->n; i++) {
        safer_csv_put_text(b, a->code[i], strlen(a->code[i]));
        safer_buf_putf(b, ",%u\n", c->cluster[i] + 1);
    }
}

void safer_clusters_summary(struct safer_buf *b, const struct safer_attributes *a,
                            char *const *names, const struct safer_clusters *c,
                            const struct safer_clusters_opts *opts, bool standardised)
{
    char num[32];
    safer_buf_putf(b, "%zu areas in %zu clusters of 1 to %zu neighbouring areas, on %zu %s%s: ",
                   c->n, c->k, opts->max_size, a->d, a->d == 1 ? "attribute" : "attributes",
                   standardised ? " as z-scores" : "");
    for (size_t j = 0; j < a->d; j++)
        safer_buf_putf(b, "%s%s", j ? ", " : "", a->name[j]);
    safer_buf_puts(b, "\n");
    for (uint32_t k = 0; k < c->k; k++) {
        safer__fmt_double(c->cost[k], num);
        safer_buf_putf(b, "\ncluster %u: %u %s, cost %s\n", k + 1, c->size[k],
                       c->size[k] == 1 ? "area" : "areas", num);
        for (size_t i = 0; i < a->n; i++) {
            if (c->cluster[i] != k)
                continue;
            safer_buf_putf(b, "  %s", a->code[i]);
            if (names && names[i] && names[i][0])
                safer_buf_putf(b, " %s", names[i]);
            safer_buf_puts(b, "\n");
        }
    }
    safer__fmt_double(c->total, num);
    safer_buf_putf(b, "\ntotal cost: %s\n", num);
    if (c->proved) {
        safer_buf_putf(b,
                       "proved optimal: no partition costs less (%zu connected groups, "
                       "%llu search nodes)\n",
                       c->subsets, (unsigned long long)c->nodes);
    } else {
        safer__fmt_double(c->lower_bound, num);
        safer_buf_putf(b,
                       "best found, not proved optimal: no partition costs less than %s "
                       "(search stopped after %llu nodes)\n",
                       num, (unsigned long long)c->nodes);
    }
}
