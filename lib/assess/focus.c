/*
 * focus.c - the focus index of the study wards (profile.h), its rank
 * stability under varied weights and the proposed focus area. Every
 * definition is in docs/statistics.md, "Focus index"; the tests rebuild
 * each figure by a direct computation (tests/unit/test_focus.c).
 */
#include "util/compat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/arena.h"
#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/csv.h"
#include "safer/limits.h"
#include "safer/profile.h"
#include "util/internal.h"

/* The defaults: crime and disorder on one side (weight 2 in all), social
 * and economic deprivation and health on the other (weight 2 in all), as
 * the partnership chose its first focus area ("disproportionate levels of
 * crime, social/economic deprivation and health inequality"). */
static const struct safer_focus_weight DEFAULT_WEIGHTS[] = {
    {"rate", 1.0},
    {"rate:Violence and sexual offences", 0.5},
    {"rate:Anti-social behaviour", 0.5},
    {"domain:income", 0.5},
    {"domain:employment", 0.5},
    {"domain:health", 1.0},
};

const struct safer_focus_weight *safer_focus_default_weights(size_t *n)
{
    *n = sizeof(DEFAULT_WEIGHTS) / sizeof(DEFAULT_WEIGHTS[0]);
    return DEFAULT_WEIGHTS;
}

/* SplitMix64's output function (Steele, Lea and Flood 2014): one step of
 * the generator from state x. */
static uint64_t splitmix(uint64_t x)
{
    uint64_t z = x + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double safer_focus_draw(uint64_t seed, size_t d, size_t j, double spread)
{
    uint64_t h = splitmix(splitmix(splitmix(seed) ^ (uint64_t)d) ^ (uint64_t)j);
    double u = (double)(h >> 11) * 0x1.0p-53; /* [0, 1) */
    return 1.0 + spread * (2.0 * u - 1.0);
}

void safer_focus_release(struct safer_focus *f)
{
    free(f->z);
    free(f->index);
    free(f->rank);
    free(f->order);
    free(f->top_share);
    free(f->rank_min);
    free(f->rank_max);
    free(f->group);
    free(f->flat);
    memset(f, 0, sizeof(*f));
}

/* Order wards a, b by index, higher first, then by ward number: a strict
 * total order, so ranks never depend on the sort's algorithm. */
static int better(const double *idx, size_t a, size_t b)
{
    if (idx[a] != idx[b])
        return idx[a] > idx[b];
    return a < b;
}

/* Insertion sort of order[0..k) by better(): k is a borough's wards. */
static void sort_order(size_t *order, size_t k, const double *idx)
{
    for (size_t i = 1; i < k; i++) {
        size_t v = order[i], j = i;
        while (j > 0 && better(idx, v, order[j - 1])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

/* index[i] = sum_j w[j] z[i][j] / sum_j w[j] over the ranked wards. */
static void compute_index(const double *z, const unsigned char *ok, size_t n, size_t m,
                          const double *w, double *index)
{
    double ws = 0;
    for (size_t j = 0; j < m; j++)
        ws += w[j];
    for (size_t i = 0; i < n; i++) {
        if (!ok[i]) {
            index[i] = NAN;
            continue;
        }
        double s = 0;
        for (size_t j = 0; j < m; j++)
            s += w[j] * z[i * m + j];
        index[i] = s / ws;
    }
}

/* Focus groups: the connected components of the contiguity graph over the
 * top-k wards, numbered by mean index (higher first, then by best rank). */
static void focus_groups(struct safer_focus *f, const struct safer_nb *nb)
{
    size_t n = f->n, k = f->top < f->nranked ? f->top : f->nranked;
    int *comp = safer__xcalloc(n + 1, sizeof(int));
    size_t *stack = safer__xmalloc(sizeof(size_t) * (n + 1));
    int ncomp = 0;
    /* Components, discovered from the best-ranked ward down. */
    for (size_t r = 0; r < k; r++) {
        size_t s = f->order[r];
        if (comp[s])
            continue;
        comp[s] = ++ncomp;
        size_t top = 0;
        stack[top++] = s;
        while (top) {
            size_t v = stack[--top];
            if (!nb || nb->n != n)
                break;
            for (uint32_t e = nb->start[v]; e < nb->start[v + 1]; e++) {
                size_t u = nb->adj[e];
                if (u < n && !comp[u] && f->rank[u] >= 1 && f->rank[u] <= k) {
                    comp[u] = ncomp;
                    stack[top++] = u;
                }
            }
        }
    }
    /* Mean index and size of each component. */
    double *mean = safer__xcalloc((size_t)ncomp + 1, sizeof(double));
    size_t *size = safer__xcalloc((size_t)ncomp + 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        if (comp[i]) {
            mean[comp[i]] += f->index[i];
            size[comp[i]]++;
        }
    }
    for (int c = 1; c <= ncomp; c++)
        mean[c] /= (double)size[c];
    /* Renumber by mean index; components were numbered by best rank, which
     * breaks ties. */
    int *newnum = safer__xcalloc((size_t)ncomp + 1, sizeof(int));
    for (int c = 1; c <= ncomp; c++) {
        int pos = 1;
        for (int o = 1; o <= ncomp; o++)
            if (o != c && (mean[o] > mean[c] || (mean[o] == mean[c] && o < c)))
                pos++;
        newnum[c] = pos;
    }
    f->proposed = 0;
    for (size_t i = 0; i < n; i++)
        f->group[i] = comp[i] ? newnum[comp[i]] : 0;
    /* The proposal: the first group of two wards or more. */
    for (int g = 1; g <= ncomp && !f->proposed; g++)
        for (int c = 1; c <= ncomp; c++)
            if (newnum[c] == g && size[c] >= 2)
                f->proposed = g;
    f->ngroups = (size_t)ncomp;
    free(comp);
    free(stack);
    free(mean);
    free(size);
    free(newnum);
}

int safer_focus_rank(const double *x, size_t n, size_t m, const int *dir, const double *w,
                     const struct safer_nb *nb, const struct safer_focus_opts *opts,
                     struct safer_focus *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    if (m == 0 || m > SAFER_LIMIT_FOCUS_INDICATORS)
        return safer_err_set(err, SAFER_EINVAL, "the focus index needs 1 to %d indicators",
                             SAFER_LIMIT_FOCUS_INDICATORS);
    double wsum = 0;
    for (size_t j = 0; j < m; j++) {
        if (!(w[j] >= 0) || !isfinite(w[j]))
            return safer_err_set(err, SAFER_EINVAL, "weight %zu is not a number from 0", j + 1);
        if (dir[j] != 1 && dir[j] != -1)
            return safer_err_set(err, SAFER_EINVAL, "direction %zu is not +1 or -1", j + 1);
        wsum += w[j];
    }
    if (!(wsum > 0))
        return safer_err_set(err, SAFER_EINVAL, "every weight of the focus index is 0");
    size_t top = opts && opts->top ? opts->top : SAFER_FOCUS_TOP;
    size_t draws = opts ? opts->draws : SAFER_FOCUS_DRAWS;
    double spread = opts ? opts->spread : SAFER_FOCUS_SPREAD;
    uint64_t seed = opts ? opts->seed : SAFER_FOCUS_SEED;
    if (draws > SAFER_LIMIT_FOCUS_DRAWS)
        return safer_err_set(err, SAFER_ETOOBIG, "more than %d draws (limit "
                             "SAFER_LIMIT_FOCUS_DRAWS)", SAFER_LIMIT_FOCUS_DRAWS);
    if (!(spread >= 0 && spread <= 1))
        return safer_err_set(err, SAFER_EINVAL, "spread %g is not between 0 and 1", spread);

    out->n = n;
    out->m = m;
    out->top = top;
    out->draws = draws;
    out->z = safer__xmalloc(sizeof(double) * (n * m + 1));
    out->index = safer__xmalloc(sizeof(double) * (n + 1));
    out->rank = safer__xcalloc(n + 1, sizeof(size_t));
    out->order = safer__xmalloc(sizeof(size_t) * (n + 1));
    out->top_share = safer__xmalloc(sizeof(double) * (n + 1));
    out->rank_min = safer__xcalloc(n + 1, sizeof(size_t));
    out->rank_max = safer__xcalloc(n + 1, sizeof(size_t));
    out->group = safer__xcalloc(n + 1, sizeof(int));
    out->flat = safer__xcalloc(m + 1, sizeof(int));

    /* The wards ranked: those with every indicator. */
    unsigned char *ok = safer__xmalloc(n + 1);
    size_t nok = 0;
    for (size_t i = 0; i < n; i++) {
        ok[i] = 1;
        for (size_t j = 0; j < m; j++)
            if (!isfinite(x[i * m + j]))
                ok[i] = 0;
        nok += ok[i];
    }
    /* Directed z-scores over the ranked wards (population sd, divisor n);
     * an indicator the same for all of them scores 0. */
    for (size_t j = 0; j < m; j++) {
        double mean = 0, ss = 0;
        for (size_t i = 0; i < n; i++)
            if (ok[i])
                mean += x[i * m + j];
        mean = nok ? mean / (double)nok : 0;
        for (size_t i = 0; i < n; i++)
            if (ok[i])
                ss += (x[i * m + j] - mean) * (x[i * m + j] - mean);
        double sd = nok ? sqrt(ss / (double)nok) : 0;
        out->flat[j] = !(sd > 0);
        for (size_t i = 0; i < n; i++)
            out->z[i * m + j] = !ok[i] ? NAN : sd > 0 ? dir[j] * (x[i * m + j] - mean) / sd : 0.0;
    }
    compute_index(out->z, ok, n, m, w, out->index);
    for (size_t i = 0; i < n; i++)
        if (ok[i])
            out->order[out->nranked++] = i;
    sort_order(out->order, out->nranked, out->index);
    for (size_t r = 0; r < out->nranked; r++)
        out->rank[out->order[r]] = r + 1;

    /* Rank stability: in draw d, weight j is w[j] * safer_focus_draw(seed,
     * d, j, spread). */
    size_t *intop = safer__xcalloc(n + 1, sizeof(size_t));
    double *wd = safer__xmalloc(sizeof(double) * (m + 1));
    double *idx = safer__xmalloc(sizeof(double) * (n + 1));
    size_t *ord = safer__xmalloc(sizeof(size_t) * (n + 1));
    for (size_t i = 0; i < n; i++) {
        out->rank_min[i] = 0;
        out->rank_max[i] = 0;
    }
    for (size_t d = 0; d < draws; d++) {
        for (size_t j = 0; j < m; j++)
            wd[j] = w[j] * safer_focus_draw(seed, d, j, spread);
        double s = 0;
        for (size_t j = 0; j < m; j++)
            s += wd[j];
        if (!(s > 0))
            continue; /* cannot happen with spread <= 1 unless all weights are 0 */
        compute_index(out->z, ok, n, m, wd, idx);
        memcpy(ord, out->order, sizeof(size_t) * out->nranked);
        sort_order(ord, out->nranked, idx);
        for (size_t r = 0; r < out->nranked; r++) {
            size_t i = ord[r];
            if (r < top)
                intop[i]++;
            if (out->rank_min[i] == 0 || r + 1 < out->rank_min[i])
                out->rank_min[i] = r + 1;
            if (r + 1 > out->rank_max[i])
                out->rank_max[i] = r + 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        out->top_share[i] = ok[i] && draws ? (double)intop[i] / (double)draws : NAN;
    free(intop);
    free(wd);
    free(idx);
    free(ord);
    free(ok);
    focus_groups(out, nb);
    return 0;
}

/* ---- indicators of the profiles ---- */

/* Value of indicator `name` for ward w in *v and its direction in *dir;
 * -1 when the name is not known. */
static int indicator(const struct safer_profiles *p, const char *name, size_t w, double *v,
                     int *dir)
{
    const struct safer_ward_profile *wp = &p->ward[w];
    *dir = 1;
    if (strcmp(name, "rate") == 0) {
        *v = wp->rate;
        return 0;
    }
    if (strcmp(name, "harm") == 0) {
        /* Per 1,000 residents, as the rates. */
        *v = 1000.0 * wp->harm / wp->population;
        return 0;
    }
    if (strncmp(name, "rate:", 5) == 0) {
        for (size_t t = 0; t < p->ntypes; t++) {
            if (strcmp(p->types[t], name + 5) == 0) {
                *v = wp->type_rate[t];
                return 0;
            }
        }
        *v = 0; /* a category with no records in any ward: a rate of 0 */
        return 1;
    }
    if (strncmp(name, "domain:", 7) == 0) {
        int d = safer_domain_of(name + 7);
        if (d < 0)
            return -1;
        /* Rank 1 is the most deprived: less is worse. */
        *v = wp->dom_rank[d];
        *dir = -1;
        return 0;
    }
    return -1;
}

int safer_focus_compute(const struct safer_profiles *p, const struct safer_focus_opts *opts,
                        struct safer_focus *out, double **values, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    *values = NULL;
    const struct safer_focus_weight *wt = opts ? opts->weights : NULL;
    size_t m = opts ? opts->nweights : 0;
    if (!wt)
        wt = safer_focus_default_weights(&m);
    if (m == 0 || m > SAFER_LIMIT_FOCUS_INDICATORS)
        return safer_err_set(err, SAFER_EINVAL, "the focus index needs 1 to %d indicators",
                             SAFER_LIMIT_FOCUS_INDICATORS);
    size_t n = p->n;
    double *x = safer__xmalloc(sizeof(double) * (n * m + 1));
    int *dir = safer__xmalloc(sizeof(int) * m);
    double *w = safer__xmalloc(sizeof(double) * m);
    int rc = 0;
    for (size_t j = 0; j < m && rc == 0; j++) {
        w[j] = wt[j].weight;
        dir[j] = 1;
        int any = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            int k = indicator(p, wt[j].indicator, i, &x[i * m + j], &dir[j]);
            if (k < 0)
                rc = safer_err_set(err, SAFER_EINVAL,
                                   "focus indicator '%s' unknown: use rate, rate:CATEGORY, "
                                   "domain:KEY (imd, income, employment, education, health, "
                                   "crime, barriers, living) or harm",
                                   wt[j].indicator);
            any |= isfinite(x[i * m + j]);
        }
        if (rc == 0 && n && !any)
            rc = safer_err_set(err, SAFER_EINVAL,
                               strcmp(wt[j].indicator, "harm") == 0
                                   ? "focus indicator 'harm': no ward has a harm figure (no "
                                     "harm weights, or no population)"
                               : strncmp(wt[j].indicator, "domain:", 7) == 0
                                   ? "focus indicator '%s': no ward has it (import the IoD2019 "
                                     "domains, File 2, with 'safer import deprivation')"
                                   : "focus indicator '%s': no ward has it (import a population)",
                               wt[j].indicator);
    }
    if (rc == 0)
        rc = safer_focus_rank(x, n, m, dir, w, &p->nb, opts, out, err);
    free(dir);
    free(w);
    if (rc < 0)
        free(x);
    else
        *values = x;
    return rc;
}

/* ---- weights file ---- */

int safer_focus_weights_read(const char *path, struct safer_arena *arena,
                             struct safer_focus_weight **out, size_t *n, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    char *data;
    size_t len, cap = 0;
    int rc = safer__read_file(path, SAFER_LIMIT_CSV_FILE, "SAFER_LIMIT_CSV_FILE", &data, &len, err);
    if (rc < 0)
        return rc;
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    rc = safer_csv_next(&c, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: empty file: no header row", path);
    if (rc > 0 && (c.nfields != 2 || c.fields[0].len != 9 ||
                   strncmp(c.fields[0].ptr, "indicator", 9) || c.fields[1].len != 6 ||
                   strncmp(c.fields[1].ptr, "weight", 6)))
        rc = safer_err_set(err, SAFER_EPARSE, "%s:1: expected the header 'indicator,weight'",
                           path);
    while (rc > 0) {
        rc = safer_csv_next(&c, err);
        if (rc <= 0)
            break;
        if (c.nfields != 2) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: expected 2 fields, found %zu", path,
                               c.row_line, c.nfields);
            break;
        }
        const struct safer_csv_field *fi = &c.fields[0], *fw = &c.fields[1];
        char tmp[64];
        if (fi->len == 0 || memchr(fi->ptr, '\0', fi->len)) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: indicator: empty", path, c.row_line);
            break;
        }
        double v = NAN;
        if (fw->len > 0 && fw->len < sizeof(tmp)) {
            memcpy(tmp, fw->ptr, fw->len);
            tmp[fw->len] = '\0';
            char *end;
            errno = 0;
            v = strtod(tmp, &end);
            if (*end || errno)
                v = NAN;
        }
        if (!(v >= 0) || !isfinite(v)) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: weight '%.*s' is not a number from 0",
                               path, c.row_line, (int)(fw->len < 40 ? fw->len : 40), fw->ptr);
            break;
        }
        char *name = safer_arena_strndup(arena, fi->ptr, fi->len);
        for (size_t i = 0; i < *n && rc > 0; i++)
            if (strcmp((*out)[i].indicator, name) == 0)
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: indicator '%s' given twice", path,
                                   c.row_line, name);
        if (rc < 0)
            break;
        if (*n >= SAFER_LIMIT_FOCUS_INDICATORS) {
            rc = safer_err_set(err, SAFER_ETOOBIG,
                               "%s:%zu: more than %d indicators (limit "
                               "SAFER_LIMIT_FOCUS_INDICATORS)",
                               path, c.row_line, SAFER_LIMIT_FOCUS_INDICATORS);
            break;
        }
        SAFER__GROW(*out, cap, *n + 1);
        (*out)[*n].indicator = name;
        (*out)[*n].weight = v;
        (*n)++;
    }
    if (rc == 0 && *n == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no indicators", path);
    safer_csv_release(&c);
    free(data);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc < 0 ? rc : 0;
}

/* ---- CSV ---- */

static void put_num(struct safer_buf *b, double v)
{
    if (isfinite(v))
        safer_buf_putf(b, "%.17g", v);
}

int safer_focus_write_csv(const struct safer_profiles *p, const struct safer_focus_opts *opts,
                          const struct safer_focus *f, const double *values, struct safer_buf *b)
{
    const struct safer_focus_weight *wt = opts ? opts->weights : NULL;
    size_t m = opts ? opts->nweights : 0;
    if (!wt)
        wt = safer_focus_default_weights(&m);
    safer_buf_puts(b, "rank,ward_code,ward_name,index,top_k,top_k_share,rank_min,rank_max,"
                      "focus_group,proposed_focus_area");
    for (size_t j = 0; j < m; j++) {
        struct safer_buf h;
        safer_buf_init(&h, 4096);
        safer_buf_putf(&h, "value:%s", wt[j].indicator);
        safer_buf_puts(b, ",");
        safer_csv_put_text(b, h.ptr, h.len);
        safer_buf_release(&h);
    }
    for (size_t j = 0; j < m; j++) {
        struct safer_buf h;
        safer_buf_init(&h, 4096);
        safer_buf_putf(&h, "z:%s", wt[j].indicator);
        safer_buf_puts(b, ",");
        safer_csv_put_text(b, h.ptr, h.len);
        safer_buf_release(&h);
    }
    safer_buf_puts(b, "\n");
    /* Ranked wards first, in rank order, then the unranked by ward order. */
    for (size_t r = 0; r < f->n; r++) {
        size_t i = r < f->nranked ? f->order[r] : (size_t)-1;
        if (r >= f->nranked) {
            size_t k = f->nranked;
            for (size_t w = 0; w < f->n && i == (size_t)-1; w++)
                if (f->rank[w] == 0 && k++ == r)
                    i = w;
        }
        if (f->rank[i])
            safer_buf_putf(b, "%zu", f->rank[i]);
        safer_buf_puts(b, ",");
        safer_csv_put_text(b, p->ward[i].code, strlen(p->ward[i].code));
        safer_buf_puts(b, ",");
        safer_csv_put_text(b, p->ward[i].name ? p->ward[i].name : "",
                           p->ward[i].name ? strlen(p->ward[i].name) : 0);
        safer_buf_puts(b, ",");
        put_num(b, f->index[i]);
        safer_buf_putf(b, ",%zu,", f->top);
        put_num(b, f->top_share[i]);
        safer_buf_puts(b, ",");
        if (f->rank_min[i])
            safer_buf_putf(b, "%zu", f->rank_min[i]);
        safer_buf_puts(b, ",");
        if (f->rank_max[i])
            safer_buf_putf(b, "%zu", f->rank_max[i]);
        safer_buf_puts(b, ",");
        if (f->group[i])
            safer_buf_putf(b, "%d", f->group[i]);
        safer_buf_putf(b, ",%d", f->proposed && f->group[i] == f->proposed);
        for (size_t j = 0; j < f->m; j++) {
            safer_buf_puts(b, ",");
            put_num(b, values[i * f->m + j]);
        }
        for (size_t j = 0; j < f->m; j++) {
            safer_buf_puts(b, ",");
            put_num(b, f->z[i * f->m + j]);
        }
        safer_buf_puts(b, "\n");
    }
    return safer_buf_error(b);
}
