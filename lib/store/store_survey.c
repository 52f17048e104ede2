/*
 * store_survey.c - residents' surveys in the store (schema 7: tables
 * survey_wave, survey_question, survey_margin and survey_respondent), and
 * the wards, districts and populations the importer weights with.
 *
 * A respondent's row holds only what the weights and estimates need: the
 * ward, the age band and sex cell, the weight and one character for each
 * question's answer (counts, does not, out of the base). It never leaves
 * the library: lib/assess/survey.c turns the rows into aggregates.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_impl.h"
#include "store/store_internal.h"
#include "util/internal.h"

static int delete_wave(struct safer_store *st, int64_t id, struct safer_err *err)
{
    static const char *const sql[] = {
        "DELETE FROM survey_respondent WHERE wave_id = ?",
        "DELETE FROM survey_margin WHERE wave_id = ?",
        "DELETE FROM survey_question WHERE wave_id = ?",
        "DELETE FROM survey_wave WHERE id = ?",
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++)
        rc = safer__run_id(st, sql[i], id, err);
    return rc;
}

static int store_wave(struct safer_store *st, const struct safer__survey_wave *w,
                      const char *now, bool *replaced, struct safer_err *err)
{
    struct safer__stmt *s = NULL;
    int64_t id = -1;
    int rc = safer__prep(st, "SELECT id FROM survey_wave WHERE name = ?", &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, w->name);
    rc = safer__step(s, err);
    if (rc == 1)
        id = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    *replaced = id >= 0;
    if (id >= 0 && (rc = delete_wave(st, id, err)) < 0)
        return rc;
    rc = safer__prep(st,
                     "INSERT INTO survey_wave(name, file, imported_at, respondents, iterations,"
                     " deff, trim_lo, trim_hi, margins) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"
                     " RETURNING id",
                     &s, err);
    if (rc < 0)
        return rc;
    safer__bind_text(s, 1, w->name);
    safer__bind_text(s, 2, w->file);
    safer__bind_text(s, 3, now);
    safer__bind_int64(s, 4, (int64_t)w->n);
    safer__bind_int64(s, 5, w->iterations);
    safer__bind_double(s, 6, w->deff);
    safer__bind_double(s, 7, w->trim_lo);
    safer__bind_double(s, 8, w->trim_hi);
    safer__bind_text(s, 9, w->margins);
    rc = safer__step(s, err);
    if (rc == 1)
        id = safer__col_int64(s, 0);
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;

    rc = safer__prep(st,
                     "INSERT INTO survey_question(wave_id, seq, key, label, text, concern)"
                     " VALUES(?, ?, ?, ?, ?, ?)",
                     &s, err);
    for (size_t q = 0; rc == 0 && q < w->nq; q++) {
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, id);
        safer__bind_int64(s, 2, (int64_t)q);
        safer__bind_text(s, 3, w->qkey[q]);
        safer__bind_text(s, 4, w->qlabel[q]);
        safer__bind_text(s, 5, w->qtext[q]);
        safer__bind_text(s, 6, w->qconcern && w->qconcern[q] ? w->qconcern[q] : "");
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    if (rc < 0)
        return rc;
    rc = safer__prep(st,
                     "INSERT INTO survey_margin(wave_id, margin, seq, category, population)"
                     " VALUES(?, ?, ?, ?, ?)",
                     &s, err);
    for (size_t k = 0; rc == 0 && k < w->nmargin; k++) {
        safer__stmt_reset(s);
        safer__bind_int64(s, 1, id);
        safer__bind_text(s, 2, w->margin[k].margin);
        safer__bind_int64(s, 3, (int64_t)k);
        safer__bind_text(s, 4, w->margin[k].category);
        safer__bind_double(s, 5, w->margin[k].population);
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    s = NULL;
    if (rc < 0)
        return rc;
    /* Respondents, BATCH rows a statement: one round trip each on PostgreSQL. */
    enum { BATCH = 100 };
    for (size_t first = 0; rc == 0 && first < w->n; first += BATCH) {
        size_t k = w->n - first < BATCH ? w->n - first : BATCH;
        if (k == BATCH && s)
            safer__stmt_reset(s);
        if (k < BATCH || !s) {
            safer__stmt_finalize(s);
            s = NULL;
            struct safer_buf sql;
            safer_buf_init(&sql, 1u << 20);
            safer_buf_puts(&sql, "INSERT INTO survey_respondent(wave_id, seq, ward_code, age_sex,"
                                 " weight, answers) VALUES");
            for (size_t i = 0; i < k; i++)
                safer_buf_puts(&sql, i ? ", (?, ?, ?, ?, ?, ?)" : " (?, ?, ?, ?, ?, ?)");
            rc = safer_buf_error(&sql);
            if (rc == 0)
                rc = safer__prep(st, sql.ptr, &s, err);
            safer_buf_release(&sql);
            if (rc < 0)
                break;
        }
        for (size_t i = 0; i < k; i++) {
            int c = (int)i * 6;
            size_t r = first + i;
            safer__bind_int64(s, c + 1, id);
            safer__bind_int64(s, c + 2, (int64_t)r);
            safer__bind_text(s, c + 3, w->ward[r]);
            safer__bind_text(s, c + 4, w->age_sex[r]);
            safer__bind_double(s, c + 5, w->w[r]);
            safer__bind_text(s, c + 6, w->answers[r]);
        }
        rc = safer__step_done(s, err);
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer__survey_store(struct safer_store *st, const struct safer__survey_wave *w, size_t nw,
                        bool *replaced, struct safer_err *err)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    int rc = safer__store_begin_write(st, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < nw; i++)
        rc = store_wave(st, &w[i], now, &replaced[i], err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    if (rc < 0)
        safer__store_rollback(st);
    return rc;
}

/* ---- the store's wards ---- */

struct ward_row {
    char *code, *district, *name;
};

static int cmp_ward_row(const void *a, const void *b)
{
    const struct ward_row *x = a, *y = b;
    return strcmp(x->code, y->code);
}

static char *dup_col(struct safer_arena *a, struct safer__stmt *s, int col)
{
    const char *t = safer__col_text(s, col);
    return t && *t ? safer_arena_strdup(a, t) : NULL;
}

static int read_geo(struct safer_store *st, struct safer_arena *a, struct safer__survey_geo *g,
                    struct safer_err *err)
{
    memset(g, 0, sizeof(*g));
    struct safer__stmt *s = NULL;
    struct ward_row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc = safer__prep(st,
                         "SELECT ward_code, district_code, ward_name FROM lookup_ward"
                         " UNION ALL SELECT ward_code, district_code, ward_name FROM lookup_lsoa"
                         " UNION ALL SELECT code, district_code, name FROM area"
                         " WHERE level = 'ward'",
                         &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        rc = 0;
        char *code = dup_col(a, s, 0);
        if (!code)
            continue;
        SAFER__GROW(rows, cap, n + 1);
        rows[n++] = (struct ward_row){code, dup_col(a, s, 1), dup_col(a, s, 2)};
    }
    safer__stmt_finalize(s);
    if (rc < 0) {
        free(rows);
        return rc;
    }
    if (n)
        qsort(rows, n, sizeof(*rows), cmp_ward_row);
    g->ward = safer_arena_alloc(a, (n + 1) * sizeof(char *));
    g->district = safer_arena_alloc(a, (n + 1) * sizeof(char *));
    g->name = safer_arena_alloc(a, (n + 1) * sizeof(char *));
    g->pop = safer_arena_alloc(a, (n + 1) * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        if (g->nward && strcmp(g->ward[g->nward - 1], rows[i].code) == 0) {
            size_t k = g->nward - 1;
            if (!g->district[k])
                g->district[k] = rows[i].district;
            if (!g->name[k])
                g->name[k] = rows[i].name;
            continue;
        }
        g->ward[g->nward] = rows[i].code;
        g->district[g->nward] = rows[i].district;
        g->name[g->nward] = rows[i].name;
        g->pop[g->nward] = NAN;
        g->nward++;
    }
    free(rows);

    /* LSOA -> ward, and the LSOAs' populations summed into their wards. */
    double *sum = safer__xcalloc(g->nward + 1, sizeof(double));
    unsigned char *missing = safer__xcalloc(g->nward + 1, 1), *any = safer__xcalloc(g->nward + 1, 1);
    size_t lcap = 0;
    char **lsoa = NULL, **lward = NULL;
    rc = safer__prep(st,
                     "SELECT l.lsoa_code, l.ward_code, p.population FROM lookup_lsoa l"
                     " LEFT JOIN population p ON p.code = l.lsoa_code AND p.level = 'lsoa'"
                     " ORDER BY l.lsoa_code",
                     &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        rc = 0;
        char *l = dup_col(a, s, 0), *wd = dup_col(a, s, 1);
        if (!l || !wd)
            continue;
        if (g->nlsoa + 1 > lcap) {
            size_t c1 = lcap, c2 = lcap;
            SAFER__GROW(lsoa, c1, g->nlsoa + 1);
            SAFER__GROW(lward, c2, g->nlsoa + 1);
            lcap = c1;
        }
        lsoa[g->nlsoa] = l;
        lward[g->nlsoa] = wd;
        g->nlsoa++;
        long k = safer__find_str(g->ward, g->nward, wd);
        if (k < 0)
            continue;
        any[k] = 1;
        if (safer__col_is_null(s, 2))
            missing[k] = 1;
        else
            sum[k] += safer__col_double(s, 2);
    }
    safer__stmt_finalize(s);
    g->lsoa = safer_arena_alloc(a, (g->nlsoa + 1) * sizeof(char *));
    g->lsoa_ward = safer_arena_alloc(a, (g->nlsoa + 1) * sizeof(char *));
    if (g->nlsoa) {
        memcpy(g->lsoa, lsoa, g->nlsoa * sizeof(char *));
        memcpy(g->lsoa_ward, lward, g->nlsoa * sizeof(char *));
    }
    free(lsoa);
    free(lward);
    for (size_t k = 0; k < g->nward; k++)
        if (any[k] && !missing[k] && sum[k] > 0)
            g->pop[k] = sum[k];
    free(sum);
    free(missing);
    free(any);
    if (rc < 0)
        return rc;
    rc = safer__prep(st, "SELECT code, population FROM population WHERE level = 'ward'", &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        rc = 0;
        const char *c = safer__col_text(s, 0);
        long k = c ? safer__find_str(g->ward, g->nward, c) : -1;
        double v = safer__col_double(s, 1);
        if (k >= 0 && v > 0)
            g->pop[k] = v;
    }
    safer__stmt_finalize(s);
    return rc;
}

int safer__survey_geo_read(struct safer_store *st, struct safer_arena *arena,
                           struct safer__survey_geo *g, struct safer_err *err)
{
    int rc = safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = read_geo(st, arena, g, err);
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    return rc;
}

/* ---- reading the waves back ---- */

static int read_waves(struct safer_store *st, struct safer_arena *a,
                      struct safer__survey_stored **out, size_t *nout, struct safer_err *err)
{
    struct safer__stmt *s = NULL;
    struct safer__survey_stored *w = NULL;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0, icap = 0;
    int rc = safer__prep(st,
                         "SELECT id, name, respondents, deff, trim_lo, trim_hi, margins"
                         " FROM survey_wave ORDER BY name",
                         &s, err);
    while (rc == 0 && (rc = safer__step(s, err)) == 1) {
        rc = 0;
        SAFER__GROW(w, cap, n + 1);
        SAFER__GROW(ids, icap, n + 1);
        struct safer__survey_stored *v = &w[n];
        memset(v, 0, sizeof(*v));
        ids[n] = safer__col_int64(s, 0);
        v->name = safer_arena_strdup(a, safer__col_text(s, 1));
        int64_t r = safer__col_int64(s, 2);
        v->n = r > 0 ? (size_t)r : 0;
        v->deff = safer__col_double(s, 3);
        v->trim_lo = safer__col_double(s, 4);
        v->trim_hi = safer__col_double(s, 5);
        v->margins = safer_arena_strdup(a, safer__col_text(s, 6));
        n++;
    }
    safer__stmt_finalize(s);
    for (size_t k = 0; rc == 0 && k < n; k++) {
        struct safer__survey_stored *v = &w[k];
        /* Questions. */
        rc = safer__prep(st,
                         "SELECT key, label, concern FROM survey_question WHERE wave_id = ?"
                         " ORDER BY seq",
                         &s, err);
        size_t qcap = 0;
        char **qk = NULL, **ql = NULL, **qc = NULL;
        if (rc == 0)
            safer__bind_int64(s, 1, ids[k]);
        while (rc == 0 && (rc = safer__step(s, err)) == 1) {
            rc = 0;
            if (v->nq + 1 > qcap) {
                size_t c1 = qcap, c2 = qcap, c3 = qcap;
                SAFER__GROW(qk, c1, v->nq + 1);
                SAFER__GROW(ql, c2, v->nq + 1);
                SAFER__GROW(qc, c3, v->nq + 1);
                qcap = c1;
            }
            qk[v->nq] = safer_arena_strdup(a, safer__col_text(s, 0));
            ql[v->nq] = safer_arena_strdup(a, safer__col_text(s, 1));
            qc[v->nq] = safer_arena_strdup(a, safer__col_text(s, 2));
            v->nq++;
        }
        safer__stmt_finalize(s);
        v->qkey = safer_arena_alloc(a, (v->nq + 1) * sizeof(char *));
        v->qlabel = safer_arena_alloc(a, (v->nq + 1) * sizeof(char *));
        v->qconcern = safer_arena_alloc(a, (v->nq + 1) * sizeof(char *));
        if (v->nq) {
            memcpy(v->qkey, qk, v->nq * sizeof(char *));
            memcpy(v->qlabel, ql, v->nq * sizeof(char *));
            memcpy(v->qconcern, qc, v->nq * sizeof(char *));
        }
        free(qk);
        free(ql);
        free(qc);
        if (rc < 0)
            break;
        /* Margins. */
        rc = safer__prep(st,
                         "SELECT margin, category, population FROM survey_margin"
                         " WHERE wave_id = ? ORDER BY margin, seq",
                         &s, err);
        size_t mcap = 0;
        struct safer__survey_margin_row *m = NULL;
        if (rc == 0)
            safer__bind_int64(s, 1, ids[k]);
        while (rc == 0 && (rc = safer__step(s, err)) == 1) {
            rc = 0;
            SAFER__GROW(m, mcap, v->nmargin + 1);
            m[v->nmargin].margin = safer_arena_strdup(a, safer__col_text(s, 0));
            m[v->nmargin].category = safer_arena_strdup(a, safer__col_text(s, 1));
            m[v->nmargin].population = safer__col_double(s, 2);
            v->nmargin++;
        }
        safer__stmt_finalize(s);
        v->margin = safer_arena_alloc(a, (v->nmargin + 1) * sizeof(*m));
        if (v->nmargin)
            memcpy(v->margin, m, v->nmargin * sizeof(*m));
        free(m);
        if (rc < 0)
            break;
        /* Respondents. */
        size_t nr = v->n + 1;
        v->ward = safer_arena_alloc(a, nr * sizeof(char *));
        v->age_sex = safer_arena_alloc(a, nr * sizeof(char *));
        v->answers = safer_arena_alloc(a, nr * sizeof(char *));
        v->w = safer_arena_alloc(a, nr * sizeof(double));
        rc = safer__prep(st,
                         "SELECT ward_code, age_sex, weight, answers FROM survey_respondent"
                         " WHERE wave_id = ? ORDER BY seq",
                         &s, err);
        size_t i = 0;
        if (rc == 0)
            safer__bind_int64(s, 1, ids[k]);
        while (rc == 0 && (rc = safer__step(s, err)) == 1) {
            rc = 0;
            if (i >= v->n)
                continue;
            v->ward[i] = safer_arena_strdup(a, safer__col_text(s, 0));
            v->age_sex[i] = safer_arena_strdup(a, safer__col_text(s, 1));
            v->w[i] = safer__col_double(s, 2);
            v->answers[i] = safer_arena_strdup(a, safer__col_text(s, 3));
            i++;
        }
        safer__stmt_finalize(s);
        if (rc == 0 && i != v->n)
            rc = safer_err_set(err, SAFER_EDB, "survey wave '%s' holds %zu respondents, not %zu",
                               v->name, i, v->n);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strlen(v->answers[j]) != v->nq)
                rc = safer_err_set(err, SAFER_EDB, "survey wave '%s': a respondent's answers do "
                                                   "not match its %zu questions",
                                   v->name, v->nq);
    }
    free(ids);
    if (rc < 0) {
        free(w);
        return rc;
    }
    *out = safer_arena_alloc(a, (n + 1) * sizeof(*w));
    if (n)
        memcpy(*out, w, n * sizeof(*w));
    free(w);
    *nout = n;
    return 0;
}

int safer__survey_read(struct safer_store *st, struct safer_arena *arena,
                       struct safer__survey_stored **out, size_t *n,
                       struct safer__survey_geo *geo, bool in_tx, struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    int rc = in_tx ? 0 : safer__store_begin_read(st, err);
    if (rc < 0)
        return rc;
    rc = read_waves(st, arena, out, n, err);
    if (rc == 0 && geo && *n)
        rc = read_geo(st, arena, geo, err);
    if (in_tx)
        return rc;
    if (rc == 0)
        rc = safer__store_commit(st, err);
    else
        safer__store_rollback(st);
    return rc;
}
