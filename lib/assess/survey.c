/*
 * survey.c - the estimates of the stored survey waves (survey.h): each
 * question's weighted percentage with its 95% confidence interval,
 * overall and by ward, and the change between the last two waves.
 *
 * A wave's design is rebuilt from what its import stored: the weights,
 * and each respondent's category of every margin it was raked to (the
 * categories are the stored margin rows). A ward's estimate is a domain of
 * that one design (lib/stats/rake.c). Only aggregates leave this file.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/survey_internal.h"
#include "store/store_internal.h"
#include "safer/account.h"
#include "safer/auth.h"
#include "safer/csv.h"
#include "safer/publish.h"
#include "safer/survey.h"
#include "util/internal.h"

/* What the results keep of the stored waves, for estimates by group. */
struct safer__survey_data {
    const struct safer__survey_stored *v; /* in the results' arena */
    size_t n;
    struct safer__survey_geo geo; /* zeroed when not read */
    bool public_only;
    /* safer_survey_results_load_groups(): the results the waves are
     * borrowed from, released with these (heap, owned). */
    struct safer_survey_results *src_owned;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A grouping's ward, for finding a respondent's group. */
struct ward_group {
    const char *ward;
    uint32_t group;
};

static int cmp_ward_group(const void *a, const void *b)
{
    return strcmp(((const struct ward_group *)a)->ward, ((const struct ward_group *)b)->ward);
}

/* The domains estimated beside the overall row: each ward with
 * respondents (groups NULL), or each group of a grouping. */
struct domains {
    const struct safer_survey_groups *g; /* NULL: the wards */
    size_t nd;
    const char **code, **name; /* group mode: nd each, in the arena */
    struct ward_group *look;   /* group mode: g->nward, sorted by ward */
};

static const char *ward_name(const struct safer__survey_geo *geo, const char *code)
{
    long k = geo && geo->nward ? safer__find_str(geo->ward, geo->nward, code) : -1;
    return k >= 0 && geo->name[k] ? geo->name[k] : code;
}

/* The estimates of wave `v` into `rows` (appended). */
static int wave_estimates(struct safer_survey_results *out, const struct safer__survey_stored *v,
                          const struct safer__survey_geo *geo, const struct domains *dm,
                          bool public_only, struct safer_survey_row **rows, size_t *nrows,
                          size_t *cap, struct safer_err *err)
{
    struct safer_arena *a = &out->arena;
    /* Margins: the stored rows, grouped by margin name (stored sorted). */
    const char *mname[4];
    size_t mfirst[4], mcount[4], nm = 0;
    for (size_t k = 0; k < v->nmargin; k++) {
        if (nm == 0 || strcmp(mname[nm - 1], v->margin[k].margin) != 0) {
            if (nm == 4)
                return safer_err_set(err, SAFER_EDB, "survey wave '%s' has over 4 margins",
                                     v->name);
            mname[nm] = v->margin[k].margin;
            mfirst[nm] = k;
            mcount[nm] = 0;
            nm++;
        }
        mcount[nm - 1]++;
    }
    uint32_t *cat[4] = {0};
    double *pop[4] = {0};
    struct safer_rake_margin rm[4];
    int rc = 0;
    for (size_t j = 0; j < nm && rc == 0; j++) {
        cat[j] = safer__xcalloc(v->n + 1, sizeof(uint32_t));
        pop[j] = safer__xcalloc(mcount[j] + 1, sizeof(double));
        char **keys = safer__xcalloc(mcount[j] + 1, sizeof(char *));
        for (size_t k = 0; k < mcount[j]; k++) {
            pop[j][k] = v->margin[mfirst[j] + k].population;
            keys[k] = (char *)v->margin[mfirst[j] + k].category;
        }
        bool ward = strcmp(mname[j], "ward") == 0;
        for (size_t i = 0; i < v->n; i++) {
            const char *key = ward ? v->ward[i] : v->age_sex[i];
            size_t k = 0;
            while (k < mcount[j] && strcmp(keys[k], key) != 0)
                k++;
            if (k == mcount[j]) {
                rc = safer_err_set(err, SAFER_EDB,
                                   "survey wave '%s': a respondent's '%s' is not among its margins",
                                   v->name, mname[j]);
                break;
            }
            cat[j][i] = (uint32_t)k;
        }
        free(keys);
        rm[j] = (struct safer_rake_margin){mname[j], mcount[j], pop[j], cat[j]};
    }
    struct safer_survey_design d;
    memset(&d, 0, sizeof(d));
    if (rc == 0)
        rc = safer_survey_design_init(&d, v->n, v->w, rm, nm, err);
    /* Domains: the respondents' wards, sorted; or the grouping's groups,
     * a respondent outside every group in none (UINT32_MAX). */
    char **wards = safer__xcalloc(v->n + 1, sizeof(char *));
    size_t nd = 0;
    uint32_t *dom = safer__xcalloc(v->n + 1, sizeof(uint32_t));
    if (rc == 0 && !dm->g) {
        memcpy(wards, v->ward, v->n * sizeof(char *));
        qsort(wards, v->n, sizeof(char *), cmp_str);
        for (size_t i = 0; i < v->n; i++)
            if (nd == 0 || strcmp(wards[nd - 1], wards[i]) != 0)
                wards[nd++] = wards[i];
        for (size_t i = 0; i < v->n; i++)
            dom[i] = (uint32_t)safer__find_str(wards, nd, v->ward[i]);
    } else if (rc == 0) {
        nd = dm->nd;
        for (size_t i = 0; i < v->n; i++) {
            struct ward_group key = {v->ward[i], 0};
            const struct ward_group *f =
                dm->g->nward ? bsearch(&key, dm->look, dm->g->nward, sizeof(key), cmp_ward_group)
                             : NULL;
            dom[i] = f ? f->group : UINT32_MAX;
        }
    }
    signed char *y = safer__xcalloc(v->n + 1, 1);
    for (size_t q = 0; rc == 0 && q < v->nq; q++) {
        for (size_t i = 0; i < v->n; i++)
            y[i] = v->answers[i][q] == '1' ? 1 : v->answers[i][q] == '0' ? 0 : -1;
        for (size_t k = 0; k <= nd; k++) {
            struct safer_survey_est e;
            if (k == 0)
                safer_survey_estimate(&d, y, NULL, 0, &e);
            else
                safer_survey_estimate(&d, y, dom, (uint32_t)(k - 1), &e);
            if (k > 0 && public_only && e.small)
                continue;
            const char *code = "", *name = "All respondents";
            if (k > 0 && dm->g) {
                code = dm->code[k - 1];
                name = dm->name[k - 1];
            } else if (k > 0) {
                code = safer_arena_strdup(a, wards[k - 1]);
                name = safer_arena_strdup(a, ward_name(geo, wards[k - 1]));
            }
            SAFER__GROW(*rows, *cap, *nrows + 1);
            (*rows)[(*nrows)++] = (struct safer_survey_row){
                .question = v->qkey[q],
                .label = v->qlabel[q],
                .wave = v->name,
                .domain = code,
                .domain_name = name,
                .e = e,
                .concern = v->qconcern ? v->qconcern[q] : "",
            };
        }
    }
    free(y);
    free(wards);
    free(dom);
    safer_survey_design_release(&d);
    for (size_t j = 0; j < nm; j++) {
        free(cat[j]);
        free(pop[j]);
    }
    return rc;
}

/* Every wave's estimates and the change between the last two into `out`
 * (its arena and data set up). */
static int estimate_all(struct safer_survey_results *out, const struct domains *dm,
                        bool public_only, struct safer_err *err)
{
    const struct safer__survey_data *sd = out->data;
    const struct safer__survey_stored *v = sd->v;
    size_t n = sd->n;
    struct safer_survey_row *rows = NULL;
    size_t nrows = 0, cap = 0;
    int rc = 0;
    out->waves = safer_arena_alloc(&out->arena, (n + 1) * sizeof(*out->waves));
    for (size_t k = 0; k < n && rc == 0; k++) {
        out->waves[k] = (struct safer_survey_wave_info){v[k].name, v[k].n, v[k].deff,
                                                        v[k].trim_lo, v[k].trim_hi, v[k].margins};
        rc = wave_estimates(out, &v[k], &sd->geo, dm, public_only, &rows, &nrows, &cap, err);
    }
    out->nwaves = n;
    if (rc < 0) {
        free(rows);
        return rc;
    }
    out->rows = safer_arena_alloc(&out->arena, (nrows + 1) * sizeof(*rows));
    if (nrows)
        memcpy(out->rows, rows, nrows * sizeof(*rows));
    out->nrows = nrows;
    free(rows);
    /* The change between the last two waves. */
    if (n >= 2) {
        const char *from = v[n - 2].name, *to = v[n - 1].name;
        size_t c = 0;
        out->changes = safer_arena_alloc(&out->arena, (nrows + 1) * sizeof(*out->changes));
        /* Rows are by wave: the earlier wave's are one run, searched alone. */
        size_t lo = nrows, hi = 0;
        for (size_t i = 0; i < nrows; i++)
            if (out->rows[i].wave == from) {
                lo = i < lo ? i : lo;
                hi = i + 1;
            }
        for (size_t i = 0; i < nrows; i++) {
            const struct safer_survey_row *b = &out->rows[i];
            if (b->wave != to)
                continue;
            const struct safer_survey_row *a = NULL;
            for (size_t j = lo; j < hi && !a; j++)
                if (strcmp(out->rows[j].question, b->question) == 0 &&
                    strcmp(out->rows[j].domain, b->domain) == 0)
                    a = &out->rows[j];
            if (!a || a->e.base == 0 || b->e.base == 0)
                continue;
            struct safer_survey_change_row *r = &out->changes[c++];
            r->question = b->question;
            r->label = b->label;
            r->domain = b->domain;
            r->domain_name = b->domain_name;
            r->from = from;
            r->to = to;
            r->a = a->e;
            r->b = b->e;
            safer_survey_change(&a->e, &b->e, &r->c);
        }
        out->nchanges = c;
    }
    return 0;
}

static int load(struct safer_store *st, bool public_only, bool in_tx,
                struct safer_survey_results *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    safer_arena_init(&out->arena);
    struct safer__survey_data *sd = safer_arena_alloc(&out->arena, sizeof(*sd));
    memset(sd, 0, sizeof(*sd));
    struct safer__survey_stored *v = NULL;
    int rc = safer__survey_read(st, &out->arena, &v, &sd->n, &sd->geo, in_tx, err);
    sd->v = v;
    sd->public_only = public_only;
    out->data = sd;
    struct domains dm = {0};
    if (rc == 0)
        rc = estimate_all(out, &dm, public_only, err);
    if (rc < 0) {
        safer_survey_results_release(out);
        return rc;
    }
    return 0;
}

int safer_survey_results_groups(const struct safer_survey_results *src, bool public_only,
                                const struct safer_survey_groups *g,
                                struct safer_survey_results *out, struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    safer_arena_init(&out->arena);
    if (!src->data || src->nwaves == 0)
        return 0;
    /* The waves, and the strings of the rows that come from them, are
     * borrowed from `src`; the grouping's are copied. */
    struct safer__survey_data *sd = safer_arena_alloc(&out->arena, sizeof(*sd));
    *sd = *src->data;
    sd->src_owned = NULL;
    sd->public_only = public_only || src->data->public_only;
    out->data = sd;
    struct domains dm = {.g = g, .nd = g->ngroup};
    dm.code = safer_arena_alloc(&out->arena, (g->ngroup + 1) * sizeof(char *));
    dm.name = safer_arena_alloc(&out->arena, (g->ngroup + 1) * sizeof(char *));
    dm.look = safer__xcalloc(g->nward + 1, sizeof(*dm.look));
    int rc = 0;
    for (size_t i = 0; i < g->nward && rc == 0; i++) {
        if (g->group[i] >= g->ngroup)
            rc = safer_err_set(err, SAFER_EINVAL, "ward '%s' is in group %u of %zu",
                               g->ward[i], g->group[i] + 1, g->ngroup);
        dm.look[i] = (struct ward_group){g->ward[i], g->group[i]};
    }
    if (rc == 0 && g->nward)
        qsort(dm.look, g->nward, sizeof(*dm.look), cmp_ward_group);
    for (size_t i = 1; rc == 0 && i < g->nward; i++)
        if (strcmp(dm.look[i - 1].ward, dm.look[i].ward) == 0)
            rc = safer_err_set(err, SAFER_EINVAL, "ward '%s' is in the grouping twice",
                               dm.look[i].ward);
    for (size_t k = 0; rc == 0 && k < g->ngroup; k++) {
        struct safer_buf b;
        safer_buf_init(&b, 1 << 16);
        safer_buf_putf(&b, "cluster-%zu", k + 1);
        dm.code[k] = safer_arena_strdup(&out->arena, b.ptr);
        safer_buf_reset(&b);
        for (size_t i = 0; i < g->nward; i++)
            if (g->group[i] == k)
                safer_buf_putf(&b, "%s%s", b.len ? ", " : "", ward_name(&sd->geo, g->ward[i]));
        dm.name[k] = safer_arena_strdup(&out->arena, b.ptr);
        safer_buf_release(&b);
    }
    if (rc == 0)
        rc = estimate_all(out, &dm, sd->public_only, err);
    free(dm.look);
    if (rc < 0) {
        safer_survey_results_release(out);
        return rc;
    }
    return 0;
}

int safer_survey_results_load_groups(struct safer_store *st, bool public_only,
                                     const struct safer_survey_groups *g,
                                     struct safer_survey_results *out, struct safer_err *err)
{
    struct safer_survey_results *all = safer__xcalloc(1, sizeof(*all));
    int rc = load(st, public_only, false, all, err);
    if (rc == 0)
        rc = safer_survey_results_groups(all, public_only, g, out, err);
    else {
        memset(out, 0, sizeof(*out));
        safer_arena_init(&out->arena);
    }
    /* The group rows borrow the waves from `all`, which lives as long. */
    if (rc == 0 && out->data)
        ((struct safer__survey_data *)out->data)->src_owned = all;
    else {
        safer_survey_results_release(all);
        free(all);
    }
    return rc;
}

int safer_survey_results_load(struct safer_store *st, bool public_only,
                              struct safer_survey_results *out, struct safer_err *err)
{
    return load(st, public_only, false, out, err);
}

int safer_survey_results_for(struct safer_store *st, const struct safer_actor *actor,
                             struct safer_survey_results *out, bool *public_view,
                             struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    safer_arena_init(&out->arena);
    struct safer_arena arena;
    safer_arena_init(&arena);
    const char *code, *name, *area;
    int rc = safer_publish_target(st, actor, NULL, SAFER_PERM_VIEW_AGGREGATE, &arena, &code,
                                  &name, &area, err);
    safer_arena_release(&arena);
    if (rc < 0)
        return rc;
    *public_view = !(actor->operator || safer_role_may(actor->role, SAFER_PERM_VIEW_UNSUPPRESSED));
    return load(st, *public_view, false, out, err);
}

int safer__survey_results_read(struct safer_store *st, struct safer_survey_results **out,
                               struct safer_err *err)
{
    *out = NULL;
    struct safer_survey_results *r = safer__xcalloc(1, sizeof(*r));
    int rc = load(st, false, true, r, err);
    if (rc < 0 || r->nwaves == 0) {
        safer_survey_results_release(r); /* a second release does nothing */
        free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void safer__survey_results_adopt(struct safer_survey_results *r,
                                 struct safer_survey_results **src)
{
    if (!r->data) {
        safer__survey_results_free(*src);
    } else {
        struct safer__survey_data *sd = (struct safer__survey_data *)r->data;
        safer__survey_results_free(sd->src_owned);
        sd->src_owned = *src;
    }
    *src = NULL;
}

void safer__survey_results_free(struct safer_survey_results *r)
{
    if (!r)
        return;
    safer_survey_results_release(r);
    free(r);
}

void safer_survey_results_release(struct safer_survey_results *r)
{
    struct safer_survey_results *src = r->data ? r->data->src_owned : NULL;
    safer_arena_release(&r->arena);
    if (src) {
        safer_survey_results_release(src);
        free(src);
    }
    memset(r, 0, sizeof(*r));
}

const struct safer_survey_row *safer_survey_find(const struct safer_survey_results *r,
                                                 const char *question, const char *wave,
                                                 const char *domain)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (strcmp(r->rows[i].question, question) == 0 && strcmp(r->rows[i].wave, wave) == 0 &&
            strcmp(r->rows[i].domain, domain) == 0)
            return &r->rows[i];
    return NULL;
}

static void put_num(struct safer_buf *b, double v, bool exact, bool pct)
{
    if (!isfinite(v))
        return;
    if (exact) {
        char t[32];
        safer__fmt_double(pct ? 100 * v : v, t);
        safer_buf_puts(b, t);
    } else {
        safer_buf_putf(b, pct ? "%.1f" : "%.4g", pct ? 100 * v : v);
    }
}

int safer_survey_results_csv(const struct safer_survey_results *r, bool exact,
                             struct safer_buf *out)
{
    safer_buf_puts(out, "question,wave,domain,domain_name,base,weighted_pct,lower,upper,"
                        "small_base\n");
    for (size_t i = 0; i < r->nrows; i++) {
        const struct safer_survey_row *x = &r->rows[i];
        safer_csv_put_text(out, x->question, strlen(x->question));
        safer_buf_puts(out, ",");
        safer_csv_put_text(out, x->wave, strlen(x->wave));
        safer_buf_puts(out, ",");
        safer_csv_put_text(out, x->domain, strlen(x->domain));
        safer_buf_puts(out, ",");
        safer_csv_put_text(out, x->domain_name, strlen(x->domain_name));
        safer_buf_putf(out, ",%zu,", x->e.base);
        put_num(out, x->e.p, exact, true);
        safer_buf_puts(out, ",");
        put_num(out, x->e.lo, exact, true);
        safer_buf_puts(out, ",");
        put_num(out, x->e.hi, exact, true);
        safer_buf_puts(out, x->e.small ? ",yes\n" : ",no\n");
    }
    return safer_buf_error(out);
}

int safer_survey_changes_csv(const struct safer_survey_results *r, bool exact,
                             struct safer_buf *out)
{
    safer_buf_puts(out, "question,domain,domain_name,from,to,pct_from,pct_to,change_points,z,"
                        "p_value\n");
    for (size_t i = 0; i < r->nchanges; i++) {
        const struct safer_survey_change_row *x = &r->changes[i];
        safer_csv_put_text(out, x->question, strlen(x->question));
        safer_buf_puts(out, ",");
        safer_csv_put_text(out, x->domain, strlen(x->domain));
        safer_buf_puts(out, ",");
        safer_csv_put_text(out, x->domain_name, strlen(x->domain_name));
        safer_buf_puts(out, ",");
        safer_csv_put_text(out, x->from, strlen(x->from));
        safer_buf_puts(out, ",");
        safer_csv_put_text(out, x->to, strlen(x->to));
        safer_buf_puts(out, ",");
        put_num(out, x->a.p, exact, true);
        safer_buf_puts(out, ",");
        put_num(out, x->b.p, exact, true);
        safer_buf_puts(out, ",");
        put_num(out, x->c.diff, exact, true);
        safer_buf_puts(out, ",");
        put_num(out, x->c.z, exact, false);
        safer_buf_puts(out, ",");
        put_num(out, x->c.p, exact, false);
        safer_buf_puts(out, "\n");
    }
    return safer_buf_error(out);
}
