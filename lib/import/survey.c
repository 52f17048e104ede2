/*
 * survey.c - `safer import survey`: a survey export (CSV) read through its
 * mapping (JSON, docs/surveys.md), each wave raked as a whole to population
 * margins, and stored (lib/store/store_survey.c).
 *
 * All or nothing. Every value the weights or estimates depend on must be
 * declared by the mapping: an answer that is none of the question's
 * "count", "other" or "out" answers, or an age band or sex that is neither
 * mapped nor "refused", fails the import with FILE:LINE (the first, and how
 * many more at which lines), as a typo in an export must not quietly move a
 * respondent out of the base. A blank answer is no answer: out of the base,
 * and counted. A row that cannot be weighted (no area that resolves to a
 * ward, a refused or blank age band or sex) is rejected and counted, and
 * the first is named. The mapping itself is checked whole before the CSV is
 * read: a key it does not know, a missing or mistyped value, a question
 * without answers, an answer listed twice.
 */
#include "util/compat.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_tree.h>

#include "store/store_internal.h"
#include "safer/csv.h"
#include "safer/place.h"
#include "safer/plan.h"
#include "safer/survey.h"
#include "util/internal.h"

/* Limits of one survey file. */
#define SAFER__SURVEY_FILE (256ULL << 20) /* bytes in a survey CSV: 256 MiB */
#define SAFER__SURVEY_MAP_FILE (1u << 20) /* bytes in a mapping: 1 MiB */
#define SAFER__SURVEY_ROWS 1000000        /* respondents in one file */
#define SAFER__SURVEY_QUESTIONS SAFER_SURVEY_MAX_QUESTIONS
#define SAFER__SURVEY_VALUES 200 /* answers or values listed for one column */

/* ---- the mapping ---- */

struct smap_list {
    size_t n;
    char **v;
};

struct smap_recode {
    char *column; /* NULL: not mapped */
    size_t n;
    char **from, **to;
    struct smap_list refused;
};

struct smap_q {
    char *key, *column, *text, *label;
    struct smap_list count, other, out;
    struct smap_list concern; /* police.uk categories, each checked */
    char *concern_lines;      /* the same, one a line, "" none (as stored) */
};

enum area_kind { AREA_WARD = 1, AREA_LSOA, AREA_POSTCODE };

struct safer_survey_map {
    struct safer_arena arena;
    const char *path;
    char *wave_column, *wave_value;
    char *area_column;
    enum area_kind area_kind;
    struct smap_recode age, sex;
    size_t nq;
    struct smap_q q[SAFER__SURVEY_QUESTIONS];
};

static int map_fail(const struct safer_survey_map *m, struct safer_err *err, const char *fmt, ...)
    SAFER_PRINTF(3, 4);
static int map_fail(const struct safer_survey_map *m, struct safer_err *err, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return safer_err_set(err, SAFER_EPARSE, "%s: %s", m->path, what);
}

/* Keys of object `v` must all be in `allowed` (NULL-terminated). */
static int only_keys(const struct safer_survey_map *m, yajl_val v, const char *where,
                     const char *const *allowed, struct safer_err *err)
{
    for (size_t i = 0; i < v->u.object.len; i++) {
        const char *k = v->u.object.keys[i];
        bool ok = false;
        for (size_t j = 0; allowed[j] && !ok; j++)
            ok = strcmp(k, allowed[j]) == 0;
        if (!ok)
            return map_fail(m, err, "unknown key '%s' in %s", k, where);
    }
    return 0;
}

static yajl_val member(yajl_val obj, const char *key)
{
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    return NULL;
}

/* A string member: *out (in the arena) or NULL when absent and optional. */
static int get_str(struct safer_survey_map *m, yajl_val obj, const char *key, const char *where,
                   bool required, char **out, struct safer_err *err)
{
    yajl_val v = member(obj, key);
    *out = NULL;
    if (!v) {
        if (!required)
            return 0;
        char name[200];
        snprintf(name, sizeof(name), "%s.%s", where, key);
        return map_fail(m, err, "'%s' is missing", name);
    }
    if (!YAJL_IS_STRING(v) || !*YAJL_GET_STRING(v)) {
        char name[200];
        snprintf(name, sizeof(name), "%s.%s", where, key);
        return map_fail(m, err, "'%s' must be a non-empty string", name);
    }
    *out = safer_arena_strdup(&m->arena, YAJL_GET_STRING(v));
    return 0;
}

static int get_list(struct safer_survey_map *m, yajl_val obj, const char *key, const char *where,
                    struct smap_list *out, struct safer_err *err)
{
    yajl_val v = member(obj, key);
    char name[200];
    snprintf(name, sizeof(name), "%s.%s", where, key);
    out->n = 0;
    out->v = NULL;
    if (!v)
        return 0;
    if (!YAJL_IS_ARRAY(v))
        return map_fail(m, err, "'%s' must be a list of answers", name);
    if (v->u.array.len > SAFER__SURVEY_VALUES)
        return map_fail(m, err, "'%s' lists more answers than the limit of 200", name);
    out->v = safer_arena_alloc(&m->arena, (v->u.array.len + 1) * sizeof(char *));
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val s = v->u.array.values[i];
        if (!YAJL_IS_STRING(s))
            return map_fail(m, err, "'%s' must hold only strings", name);
        out->v[out->n++] = safer_arena_strdup(&m->arena, YAJL_GET_STRING(s));
    }
    return 0;
}

static bool in_list(const struct smap_list *l, const char *s, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == len && memcmp(l->v[i], s, len) == 0)
            return true;
    return false;
}

static int get_recode(struct safer_survey_map *m, yajl_val root, const char *key,
                      struct smap_recode *r, struct safer_err *err)
{
    static const char *const keys[] = {"column", "values", "refused", NULL};
    yajl_val v = member(root, key);
    memset(r, 0, sizeof(*r));
    if (!v)
        return 0;
    if (!YAJL_IS_OBJECT(v))
        return map_fail(m, err, "'%s' must be an object with a column and its values", key);
    int rc = only_keys(m, v, key, keys, err);
    if (rc == 0)
        rc = get_str(m, v, "column", key, true, &r->column, err);
    if (rc == 0)
        rc = get_list(m, v, "refused", key, &r->refused, err);
    if (rc < 0)
        return rc;
    yajl_val vals = member(v, "values");
    if (!vals || !YAJL_IS_OBJECT(vals) || vals->u.object.len == 0)
        return map_fail(m, err,
                        "'%s.values' must be an object from each answer to its %s",
                        key, strcmp(key, "sex") == 0 ? "sex" : "age band");
    if (vals->u.object.len > SAFER__SURVEY_VALUES)
        return map_fail(m, err, "'%s.values' lists more than the limit of 200", key);
    r->from = safer_arena_alloc(&m->arena, vals->u.object.len * sizeof(char *));
    r->to = safer_arena_alloc(&m->arena, vals->u.object.len * sizeof(char *));
    for (size_t i = 0; i < vals->u.object.len; i++) {
        yajl_val t = vals->u.object.values[i];
        const char *to = YAJL_IS_STRING(t) ? YAJL_GET_STRING(t) : NULL;
        if (!to || !*to || strchr(to, '|'))
            return map_fail(m, err, "'%s.values': '%s' must map to a non-empty string without '|'",
                            key, vals->u.object.keys[i]);
        const char *from = vals->u.object.keys[i];
        if (in_list(&r->refused, from, strlen(from)))
            return map_fail(m, err, "'%s': '%s' is both a value and refused", key, from);
        r->from[r->n] = safer_arena_strdup(&m->arena, from);
        r->to[r->n] = safer_arena_strdup(&m->arena, YAJL_GET_STRING(t));
        r->n++;
    }
    return 0;
}

/* "concern": the police.uk categories the question measures concern about
 * (survey.h), each a category name as police.uk spells it, once. */
static int get_concern(struct safer_survey_map *m, yajl_val v, const char *where, struct smap_q *q,
                       struct safer_err *err)
{
    yajl_val c = member(v, "concern");
    if (c && !YAJL_IS_ARRAY(c))
        return map_fail(m, err, "'%s.concern' must be a list of police.uk categories", where);
    int rc = get_list(m, v, "concern", where, &q->concern, err);
    if (rc < 0)
        return rc;
    struct safer_buf b;
    safer_buf_init(&b, 4096);
    for (size_t i = 0; i < q->concern.n; i++) {
        const char *cat = q->concern.v[i];
        bool known = false;
        for (size_t k = 0; safer_plan_categories[k] && !known; k++)
            known = strcmp(cat, safer_plan_categories[k]) == 0;
        if (!known) {
            /* Name today's fourteen (the older two are admitted too). */
            struct safer_buf names;
            safer_buf_init(&names, 1024);
            for (size_t k = 0; safer_plan_categories[k] && k < 14; k++)
                safer_buf_putf(&names, "%s%s", k ? ", " : "", safer_plan_categories[k]);
            rc = map_fail(m, err, "%s.concern: '%s' is not a police.uk category (%s)", where,
                          cat, names.ptr);
            safer_buf_release(&names);
        }
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(q->concern.v[j], cat) == 0)
                rc = map_fail(m, err, "%s.concern: '%s' is listed twice", where, cat);
        if (rc < 0)
            break;
        safer_buf_putf(&b, "%s%s", i ? "\n" : "", cat);
    }
    if (rc == 0)
        q->concern_lines = safer_arena_strdup(&m->arena, b.ptr);
    safer_buf_release(&b);
    return rc;
}

static int get_question(struct safer_survey_map *m, yajl_val v, size_t i, struct smap_q *q,
                        struct safer_err *err)
{
    static const char *const keys[] = {"key", "column", "text", "label", "count", "other",
                                       "out", "concern", NULL};
    char where[64];
    snprintf(where, sizeof(where), "questions[%zu]", i);
    if (!YAJL_IS_OBJECT(v))
        return map_fail(m, err, "'%s' must be an object", where);
    int rc = only_keys(m, v, where, keys, err);
    if (rc == 0)
        rc = get_str(m, v, "key", where, true, &q->key, err);
    if (rc == 0)
        rc = get_str(m, v, "column", where, true, &q->column, err);
    if (rc == 0)
        rc = get_str(m, v, "label", where, true, &q->label, err);
    if (rc == 0)
        rc = get_str(m, v, "text", where, false, &q->text, err);
    if (rc == 0)
        rc = get_list(m, v, "count", where, &q->count, err);
    if (rc == 0)
        rc = get_list(m, v, "other", where, &q->other, err);
    if (rc == 0)
        rc = get_list(m, v, "out", where, &q->out, err);
    if (rc == 0)
        rc = get_concern(m, v, where, q, err);
    if (rc < 0)
        return rc;
    if (!q->text)
        q->text = q->label;
    if (q->count.n == 0)
        return map_fail(m, err, "question '%s' lists no answer under \"count\"", q->key);
    if (q->other.n == 0)
        return map_fail(m, err, "question '%s' lists no answer under \"other\": every answer "
                                "would count", q->key);
    const struct smap_list *lists[3] = {&q->count, &q->other, &q->out};
    for (int a = 0; a < 3; a++)
        for (size_t k = 0; k < lists[a]->n; k++)
            for (int b = 0; b < 3; b++)
                for (size_t j = 0; j < lists[b]->n; j++)
                    if ((b != a || j != k) && strcmp(lists[a]->v[k], lists[b]->v[j]) == 0)
                        return map_fail(m, err, "question '%s' lists the answer '%s' twice",
                                        q->key, lists[a]->v[k]);
    return 0;
}

static int parse_map(struct safer_survey_map *m, yajl_val root, struct safer_err *err)
{
    static const char *const keys[] = {"description", "wave", "area", "age_band", "sex",
                                       "questions", NULL};
    if (!YAJL_IS_OBJECT(root))
        return map_fail(m, err, "a mapping is a JSON object");
    int rc = only_keys(m, root, "the mapping", keys, err);
    if (rc < 0)
        return rc;
    /* The wave: a column, or one name for the whole file. */
    yajl_val wave = member(root, "wave");
    if (!wave || !YAJL_IS_OBJECT(wave))
        return map_fail(m, err, "'wave' must be an object: {\"column\": ...} or {\"value\": ...}");
    static const char *const wave_keys[] = {"column", "value", NULL};
    rc = only_keys(m, wave, "wave", wave_keys, err);
    if (rc == 0)
        rc = get_str(m, wave, "column", "wave", false, &m->wave_column, err);
    if (rc == 0)
        rc = get_str(m, wave, "value", "wave", false, &m->wave_value, err);
    if (rc < 0)
        return rc;
    if (!m->wave_column == !m->wave_value)
        return map_fail(m, err, "'wave' needs exactly one of \"column\" and \"value\"");
    if (m->wave_value && strlen(m->wave_value) >= 64)
        return map_fail(m, err, "the wave's name '%s' is longer than 63 bytes", m->wave_value);
    /* The area. */
    yajl_val area = member(root, "area");
    if (!area || !YAJL_IS_OBJECT(area))
        return map_fail(m, err, "'area' must be an object: {\"column\": ..., \"kind\": "
                                "\"ward\", \"lsoa\" or \"postcode\"}");
    static const char *const area_keys[] = {"column", "kind", NULL};
    char *kind = NULL;
    rc = only_keys(m, area, "area", area_keys, err);
    if (rc == 0)
        rc = get_str(m, area, "column", "area", true, &m->area_column, err);
    if (rc == 0)
        rc = get_str(m, area, "kind", "area", true, &kind, err);
    if (rc < 0)
        return rc;
    if (strcasecmp(kind, "ward") == 0)
        m->area_kind = AREA_WARD;
    else if (strcasecmp(kind, "lsoa") == 0)
        m->area_kind = AREA_LSOA;
    else if (strcasecmp(kind, "postcode") == 0)
        m->area_kind = AREA_POSTCODE;
    else
        return map_fail(m, err, "'area.kind' is '%s': it must be \"ward\", \"lsoa\" or "
                                "\"postcode\"", kind);
    rc = get_recode(m, root, "age_band", &m->age, err);
    if (rc == 0)
        rc = get_recode(m, root, "sex", &m->sex, err);
    if (rc < 0)
        return rc;
    if (!m->age.column != !m->sex.column)
        return map_fail(m, err, "'age_band' and 'sex' go together: the weights use their "
                                "cells");
    yajl_val qs = member(root, "questions");
    if (!qs || !YAJL_IS_ARRAY(qs) || qs->u.array.len == 0)
        return map_fail(m, err, "'questions' must be a list of at least one question");
    if (qs->u.array.len > SAFER__SURVEY_QUESTIONS)
        return map_fail(m, err, "more than the limit of 40 questions");
    for (size_t i = 0; i < qs->u.array.len; i++) {
        rc = get_question(m, qs->u.array.values[i], i, &m->q[i], err);
        if (rc < 0)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->q[j].key, m->q[i].key) == 0)
                return map_fail(m, err, "two questions have the key '%s'", m->q[i].key);
        m->nq++;
    }
    return 0;
}

int safer_survey_map_parse(const char *data, size_t len, const char *path,
                           struct safer_survey_map **out, struct safer_err *err)
{
    *out = NULL;
    if (len > SAFER__SURVEY_MAP_FILE)
        return safer_err_set(err, SAFER_ETOOBIG, "%s: larger than 1 MiB for a survey mapping",
                             path);
    /* yajl_tree_parse reads a NUL-terminated string: a copy, and a NUL
     * inside the bytes ends the text early, which yajl then reports. */
    char *text = safer__xmalloc(len + 1);
    memcpy(text, data, len);
    text[len] = '\0';
    struct safer_survey_map *m = safer__xcalloc(1, sizeof(*m));
    safer_arena_init(&m->arena);
    m->path = safer_arena_strdup(&m->arena, path);
    char ebuf[256] = "";
    yajl_val root = yajl_tree_parse(text, ebuf, sizeof(ebuf));
    free(text);
    int rc;
    if (!root) {
        for (char *p = ebuf; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
        size_t n = strlen(ebuf);
        while (n && ebuf[n - 1] == ' ')
            ebuf[--n] = '\0';
        rc = safer_err_set(err, SAFER_EPARSE, "%s: not JSON: %s", path, ebuf);
    } else {
        rc = parse_map(m, root, err);
        yajl_tree_free(root);
    }
    if (rc < 0) {
        safer_survey_map_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int safer_survey_map_load(const char *path, struct safer_survey_map **out, struct safer_err *err)
{
    *out = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc = safer__read_file(path, SAFER__SURVEY_MAP_FILE, "1 MiB for a survey mapping", &data,
                              &len, err);
    if (rc < 0)
        return rc;
    rc = safer_survey_map_parse(data, len, path, out, err);
    free(data);
    return rc;
}

void safer_survey_map_free(struct safer_survey_map *m)
{
    if (!m)
        return;
    safer_arena_release(&m->arena);
    free(m);
}

/* ---- the margins file ---- */

struct margins {
    size_t n;
    struct safer__survey_margin_row *row; /* in the arena */
    size_t nage, nward;
};

static void trim_field(const char **p, size_t *len)
{
    while (*len && (**p == ' ' || **p == '\t')) {
        (*p)++;
        (*len)--;
    }
    while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
        (*len)--;
}

static long column_of(const struct safer_csv *c, const char *name)
{
    for (size_t i = 0; i < c->nfields; i++) {
        const char *p = c->fields[i].ptr;
        size_t len = c->fields[i].len;
        trim_field(&p, &len);
        if (len == strlen(name) && strncasecmp(p, name, len) == 0)
            return (long)i;
    }
    return -1;
}

static void field(const struct safer_csv *c, long col, const char **p, size_t *len)
{
    if (col < 0 || (size_t)col >= c->nfields) {
        *p = "";
        *len = 0;
        return;
    }
    *p = c->fields[col].ptr;
    *len = c->fields[col].len;
    trim_field(p, len);
}

static int read_margins(const char *path, struct safer_arena *a, struct margins *mg,
                        struct safer_err *err)
{
    memset(mg, 0, sizeof(*mg));
    char *data = NULL;
    size_t len = 0;
    int rc = safer__read_file(path, 16u << 20, "16 MiB for a margins file", &data, &len, err);
    if (rc < 0)
        return rc;
    struct safer_csv c;
    safer_csv_init(&c, data, len, path);
    size_t cap = 0;
    struct safer__survey_margin_row *rows = NULL;
    long csex = -1, cage = -1, cward = -1, cpop = -1;
    rc = safer_csv_next(&c, err);
    if (rc == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: empty: a margins file has a header line", path);
    if (rc == 1) {
        csex = column_of(&c, "sex");
        cage = column_of(&c, "age_band");
        cward = column_of(&c, "ward");
        cpop = column_of(&c, "population");
        rc = cpop < 0 || (cward < 0 && (csex < 0 || cage < 0))
                 ? safer_err_set(err, SAFER_EPARSE,
                                 "%s:1: a margins file has the columns sex, age_band, ward and "
                                 "population (docs/surveys.md)",
                                 path)
                 : 0;
    }
    while (rc == 0 && (rc = safer_csv_next(&c, err)) == 1) {
        rc = 0;
        const char *ps, *pa, *pw, *pp;
        size_t ls, la, lw, lp;
        field(&c, csex, &ps, &ls);
        field(&c, cage, &pa, &la);
        field(&c, cward, &pw, &lw);
        field(&c, cpop, &pp, &lp);
        char num[64];
        double v = NAN;
        if (lp > 0 && lp < sizeof(num)) {
            memcpy(num, pp, lp);
            num[lp] = '\0';
            char *end;
            v = strtod(num, &end);
            if (*end)
                v = NAN;
        }
        if (!(v > 0) || !isfinite(v)) {
            rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: population '%.*s' is not a number "
                                                  "above 0",
                               path, c.row_line, (int)lp, pp);
            break;
        }
        SAFER__GROW(rows, cap, mg->n + 1);
        struct safer__survey_margin_row *r = &rows[mg->n];
        r->population = v;
        if (lw > 0 && ls == 0 && la == 0) {
            r->margin = "ward";
            r->category = safer_arena_strndup(a, pw, lw);
            mg->nward++;
        } else if (lw == 0 && ls > 0 && la > 0) {
            r->margin = "age_sex";
            char *cat = safer_arena_alloc(a, ls + la + 2);
            memcpy(cat, ps, ls);
            cat[ls] = '|';
            memcpy(cat + ls + 1, pa, la);
            cat[ls + la + 1] = '\0';
            r->category = cat;
            mg->nage++;
        } else {
            rc = safer_err_set(err, SAFER_EPARSE,
                               "%s:%zu: a row gives either a ward, or a sex and an age band", path,
                               c.row_line);
            break;
        }
        for (size_t k = 0; k < mg->n && rc == 0; k++)
            if (strcmp(rows[k].margin, r->margin) == 0 && strcmp(rows[k].category, r->category) == 0)
                rc = safer_err_set(err, SAFER_EPARSE, "%s:%zu: '%s' is given twice", path,
                                   c.row_line, r->category);
        mg->n++;
    }
    safer_csv_release(&c);
    free(data);
    if (rc == 0 && mg->n == 0)
        rc = safer_err_set(err, SAFER_EPARSE, "%s: no margins", path);
    if (rc < 0) {
        free(rows);
        return rc;
    }
    mg->row = safer_arena_alloc(a, mg->n * sizeof(*rows));
    memcpy(mg->row, rows, mg->n * sizeof(*rows));
    free(rows);
    return 0;
}

/* ---- reading the survey ---- */

struct resp {
    uint32_t wave;
    size_t line;
    char *ward;    /* in the arena */
    char *age_sex; /* in the arena: "SEX|BAND", or "" */
    char *answers; /* in the arena */
};

struct reader {
    struct safer_store *st;
    const struct safer_survey_map *m;
    const struct safer__survey_geo *geo;
    struct safer_places *pl;
    const char *path;
    struct safer_arena *a;
    struct safer_survey_import_stats *stats;
    /* Unknown values: the first message and the lines of the rest. */
    size_t unknown;
    char first[300];
    struct safer_buf more;
    char *waves[SAFER_SURVEY_MAX_WAVES];
    size_t nwaves;
    struct resp *resp;
    size_t nresp, cap;
};

static void unknown(struct reader *r, size_t line, const char *what, const char *p, size_t len,
                    const char *column)
{
    if (r->unknown++ == 0)
        snprintf(r->first, sizeof(r->first), "%s:%zu: %s '%.*s' in column '%s' is not in %s",
                 r->path, line, what, (int)(len > 60 ? 60 : len), p, column, r->m->path);
    else if (r->unknown <= 11)
        safer_buf_putf(&r->more, "%s%zu", r->unknown == 2 ? "" : ", ", line);
}

static void reject(struct reader *r, size_t line, const char *why)
{
    if (r->stats->rejected++ == 0)
        snprintf(r->stats->first_rejected, sizeof(r->stats->first_rejected), "%s:%zu: %s",
                 r->path, line, why);
}

/* The ward of an area value, or NULL with `why` (place.h's resolver). The
 * code returned is the geography's copy when it has one, else the arena's. */
static const char *resolve(struct reader *r, const char *p, size_t len, char *why, size_t wn)
{
    static const enum safer_place_kind kinds[] = {
        [AREA_WARD] = SAFER_PLACE_WARD,
        [AREA_LSOA] = SAFER_PLACE_LSOA,
        [AREA_POSTCODE] = SAFER_PLACE_POSTCODE,
    };
    struct safer_place place;
    char reason[160];
    if (safer_places_find(r->pl, kinds[r->m->area_kind], p, len, &place, reason) != 0) {
        snprintf(why, wn, "%s", reason);
        return NULL;
    }
    long k = safer__find_str(r->geo->ward, r->geo->nward, place.ward);
    return k >= 0 ? r->geo->ward[k] : safer_arena_strdup(r->a, place.ward);
}

static const char *recode(struct reader *r, const struct smap_recode *rc, const char *p,
                          size_t len, size_t line, const char *what, int *refused)
{
    *refused = 0;
    for (size_t i = 0; i < rc->n; i++)
        if (strlen(rc->from[i]) == len && memcmp(rc->from[i], p, len) == 0)
            return rc->to[i];
    if (len == 0 || in_list(&rc->refused, p, len)) {
        *refused = 1;
        return NULL;
    }
    unknown(r, line, what, p, len, rc->column);
    return NULL;
}

static int read_rows(struct reader *r, struct safer_csv *c, struct safer_err *err)
{
    const struct safer_survey_map *m = r->m;
    int rc = safer_csv_next(c, err);
    if (rc == 0)
        return safer_err_set(err, SAFER_EPARSE, "%s: empty: a survey file has a header line",
                             r->path);
    if (rc < 0)
        return rc;
    long cwave = -1, carea, cage = -1, csex = -1, cq[SAFER__SURVEY_QUESTIONS];
    const char *names[3 + SAFER__SURVEY_QUESTIONS];
    long *cols[3 + SAFER__SURVEY_QUESTIONS];
    size_t nc = 0;
    if (m->wave_column) {
        names[nc] = m->wave_column;
        cols[nc++] = &cwave;
    }
    names[nc] = m->area_column;
    cols[nc++] = &carea;
    if (m->age.column) {
        names[nc] = m->age.column;
        cols[nc++] = &cage;
        names[nc] = m->sex.column;
        cols[nc++] = &csex;
    }
    for (size_t q = 0; q < m->nq; q++) {
        names[nc] = m->q[q].column;
        cols[nc++] = &cq[q];
    }
    for (size_t k = 0; k < nc; k++) {
        *cols[k] = column_of(c, names[k]);
        if (*cols[k] < 0)
            return safer_err_set(err, SAFER_EPARSE, "%s:%zu: no column '%s', which %s names",
                                 r->path, c->row_line, names[k], m->path);
    }
    while ((rc = safer_csv_next(c, err)) == 1) {
        size_t line = c->row_line;
        if (++r->stats->rows > SAFER__SURVEY_ROWS)
            return safer_err_set(err, SAFER_ETOOBIG, "%s: more than the limit of %d respondents",
                                 r->path, SAFER__SURVEY_ROWS);
        const char *p;
        size_t len;
        /* The wave. */
        char wname[64];
        if (m->wave_column) {
            field(c, cwave, &p, &len);
            if (len == 0 || len >= sizeof(wname))
                return safer_err_set(err, SAFER_EPARSE, "%s:%zu: the wave '%.*s' is %s",
                                     r->path, line, (int)(len > 60 ? 60 : len), p,
                                     len ? "longer than 63 bytes" : "empty");
            memcpy(wname, p, len);
            wname[len] = '\0';
        } else {
            snprintf(wname, sizeof(wname), "%s", m->wave_value);
        }
        size_t wv = 0;
        while (wv < r->nwaves && strcmp(r->waves[wv], wname) != 0)
            wv++;
        if (wv == r->nwaves) {
            if (r->nwaves == SAFER_SURVEY_MAX_WAVES)
                return safer_err_set(err, SAFER_ETOOBIG, "%s:%zu: more than %d waves in one file",
                                     r->path, line, SAFER_SURVEY_MAX_WAVES);
            r->waves[r->nwaves++] = safer_arena_strdup(r->a, wname);
        }
        /* Answers first: an unknown one is reported even on a rejected row. */
        char *ans = safer_arena_alloc(r->a, m->nq + 1);
        for (size_t q = 0; q < m->nq; q++) {
            const struct smap_q *mq = &m->q[q];
            field(c, cq[q], &p, &len);
            if (len == 0) {
                ans[q] = '-';
                r->stats->no_answer++;
            } else if (in_list(&mq->count, p, len)) {
                ans[q] = '1';
            } else if (in_list(&mq->other, p, len)) {
                ans[q] = '0';
            } else if (in_list(&mq->out, p, len)) {
                ans[q] = '-';
            } else {
                ans[q] = '-';
                unknown(r, line, "answer", p, len, mq->column);
            }
        }
        ans[m->nq] = '\0';
        const char *age = NULL, *sex = NULL;
        int refused_age = 0, refused_sex = 0;
        if (m->age.column) {
            field(c, cage, &p, &len);
            age = recode(r, &m->age, p, len, line, "age band", &refused_age);
            field(c, csex, &p, &len);
            sex = recode(r, &m->sex, p, len, line, "sex", &refused_sex);
        }
        field(c, carea, &p, &len);
        char why[160];
        const char *ward = resolve(r, p, len, why, sizeof(why));
        if (!ward) {
            r->stats->rejected_area++;
            reject(r, line, why);
            continue;
        }
        if (refused_age || refused_sex) {
            r->stats->rejected_age_sex++;
            reject(r, line, refused_age ? "no age band given" : "no sex given");
            continue;
        }
        if (m->age.column && (!age || !sex))
            continue; /* unknown: reported */
        SAFER__GROW(r->resp, r->cap, r->nresp + 1);
        struct resp *x = &r->resp[r->nresp++];
        x->wave = (uint32_t)wv;
        x->line = line;
        x->ward = (char *)ward;
        if (age) {
            size_t ls = strlen(sex), la = strlen(age);
            x->age_sex = safer_arena_alloc(r->a, ls + la + 2);
            memcpy(x->age_sex, sex, ls);
            x->age_sex[ls] = '|';
            memcpy(x->age_sex + ls + 1, age, la + 1);
        } else {
            x->age_sex = safer_arena_strdup(r->a, "");
        }
        x->answers = ans;
    }
    if (rc < 0)
        return rc;
    if (r->unknown) {
        if (r->unknown == 1)
            return safer_err_set(err, SAFER_EPARSE, "%s", r->first);
        return safer_err_set(err, SAFER_EPARSE, "%s; %zu more unknown values, at lines %s%s",
                             r->first, r->unknown - 1, r->more.ptr,
                             r->unknown > 11 ? ", ..." : "");
    }
    if (r->nresp == 0)
        return safer_err_set(err, SAFER_EPARSE, "%s: no respondent could be weighted (%zu rows, "
                                                "%zu rejected)",
                             r->path, r->stats->rows, r->stats->rejected);
    return 0;
}

/* ---- weighting one wave ---- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

struct wave_work {
    size_t n;
    size_t *idx; /* respondents of the wave in r->resp */
    struct safer__survey_margin_row *mrow;
    size_t nmrow;
    uint32_t *cat[2];
    double *pop[2];
    size_t ncat[2];
    const char *mname[2];
    size_t nm;
    double *w;
    char margins[160];
};

static long find_cat(const struct safer__survey_margin_row *rows, size_t n, const char *margin,
                     const char *cat)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(rows[k].margin, margin) == 0 && strcmp(rows[k].category, cat) == 0)
            return (long)k;
    return -1;
}

/* An age band of the mapping as ages: "16-34", "16 to 34", "75+", "75 and
 * over"; -1 when it is none of these. */
static int band_ages(const char *band, int *lo, int *hi)
{
    char *end;
    long a = strtol(band, &end, 10);
    if (end == band || a < 0 || a > 200)
        return -1;
    while (*end == ' ')
        end++;
    if (strcmp(end, "+") == 0 || strcasecmp(end, "and over") == 0 ||
        strcasecmp(end, "or over") == 0 || strcasecmp(end, "and older") == 0) {
        *lo = (int)a;
        *hi = INT_MAX;
        return 0;
    }
    if (*end == '-')
        end++;
    else if (strncasecmp(end, "to ", 3) == 0)
        end += 3;
    else
        return -1;
    while (*end == ' ')
        end++;
    char *end2;
    long b = strtol(end, &end2, 10);
    while (end2 != end && *end2 == ' ')
        end2++;
    if (end2 == end || *end2 || b < a || b > 200)
        return -1;
    *lo = (int)a;
    *hi = (int)b;
    return 0;
}

/* A sex of the mapping as the estimate's: 0 female, 1 male, -1 neither. */
static int sex_index(const char *sex)
{
    static const char *const female[] = {"female", "f", "woman", "women", "girl", NULL};
    static const char *const male[] = {"male", "m", "man", "men", "boy", NULL};
    for (size_t k = 0; female[k]; k++)
        if (strcasecmp(sex, female[k]) == 0)
            return 0;
    for (size_t k = 0; male[k]; k++)
        if (strcasecmp(sex, male[k]) == 0)
            return 1;
    return -1;
}

/* The distinct values the mapping recodes to, in their first order. */
static size_t recode_targets(const struct smap_recode *rc, const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < rc->n; i++) {
        size_t k = 0;
        while (k < n && strcmp(out[k], rc->to[i]) != 0)
            k++;
        if (k == n && n < cap)
            out[n++] = rc->to[i];
    }
    return n;
}

/*
 * The age x sex margin from the ONS estimate by single year of age held in
 * the store (lookup.h), for the nward wards of the ward margin: a cell for
 * every sex and age band the mapping recodes to. 1 with the cells appended
 * to ww->mrow; 0 when the store holds no estimate by age for any of the
 * wards (then the wave is weighted to its wards only); an error when it
 * holds one for some wards only, or a band or sex cannot be matched to it.
 */
static int store_age_margin(struct reader *r, const char *wname, struct wave_work *ww,
                            size_t nward, struct safer_err *err)
{
    const char **wards = safer_arena_alloc(r->a, (nward + 1) * sizeof(char *));
    for (size_t k = 0; k < nward; k++)
        wards[k] = ww->mrow[k].category;
    double ages[SAFER_POPULATION_AGES];
    const char *missing = NULL;
    int rc = safer_population_ages(r->st, wards, nward, ages, &missing, err);
    if (rc < 0)
        return rc;
    if (rc == 0 && !missing)
        return 0;
    if (rc == 0)
        return safer_err_set(err, SAFER_EINVAL,
                             "wave '%s': the store holds a population by age for some wards but "
                             "not ward '%s': import an estimate by age that covers it, or give "
                             "--margins",
                             wname, missing);
    const char *band[SAFER__SURVEY_VALUES], *sex[SAFER__SURVEY_VALUES];
    size_t nb = recode_targets(&r->m->age, band, SAFER__SURVEY_VALUES);
    size_t ns = recode_targets(&r->m->sex, sex, SAFER__SURVEY_VALUES);
    int lo[SAFER__SURVEY_VALUES], hi[SAFER__SURVEY_VALUES];
    for (size_t b = 0; b < nb; b++) {
        if (band_ages(band[b], &lo[b], &hi[b]) < 0)
            return safer_err_set(err, SAFER_EPARSE,
                                 "%s: age band '%s' is not of the form 16-34 or 75+, so it cannot "
                                 "be matched to the population by age: rename it, or give "
                                 "--margins",
                                 r->m->path, band[b]);
        if (lo[b] > SAFER_POPULATION_AGE_MAX)
            return safer_err_set(err, SAFER_EPARSE,
                                 "%s: age band '%s' starts above %d, the oldest age of the ONS "
                                 "estimate (%d and over): merge it, or give --margins",
                                 r->m->path, band[b], SAFER_POPULATION_AGE_MAX,
                                 SAFER_POPULATION_AGE_MAX);
        for (size_t c = 0; c < b; c++)
            if (lo[b] <= hi[c] && lo[c] <= hi[b])
                return safer_err_set(err, SAFER_EPARSE, "%s: age bands '%s' and '%s' overlap",
                                     r->m->path, band[c], band[b]);
    }
    for (size_t k = 0; k < ns; k++)
        if (sex_index(sex[k]) < 0)
            return safer_err_set(err, SAFER_EPARSE,
                                 "%s: sex '%s' cannot be matched to the ONS estimate's females "
                                 "and males: give --margins",
                                 r->m->path, sex[k]);
    for (size_t k = 0; k < ns; k++) {
        int si = sex_index(sex[k]);
        for (size_t b = 0; b < nb; b++) {
            double pop = 0;
            int top = hi[b] < SAFER_POPULATION_AGE_MAX ? hi[b] : SAFER_POPULATION_AGE_MAX;
            for (int age = lo[b]; age <= top; age++)
                pop += ages[si * (SAFER_POPULATION_AGE_MAX + 1) + age];
            size_t ls = strlen(sex[k]), lb = strlen(band[b]);
            char *cat = safer_arena_alloc(r->a, ls + lb + 2);
            memcpy(cat, sex[k], ls);
            cat[ls] = '|';
            memcpy(cat + ls + 1, band[b], lb + 1);
            ww->mrow[ww->nmrow++] = (struct safer__survey_margin_row){"age_sex", cat, pop};
        }
    }
    return 1;
}

static int weigh_wave(struct reader *r, uint32_t wv, const struct margins *mg,
                      const struct safer_survey_import_opts *opts, struct wave_work *ww,
                      struct safer_rake_result *res, struct safer_err *err)
{
    const struct safer__survey_geo *g = r->geo;
    const char *wname = r->waves[wv];
    ww->idx = safer_arena_alloc(r->a, (r->nresp + 1) * sizeof(size_t));
    for (size_t i = 0; i < r->nresp; i++)
        if (r->resp[i].wave == wv)
            ww->idx[ww->n++] = i;
    size_t cap = (mg ? mg->n : 0) + g->nward + 1;
    if (r->m->age.column)
        cap += r->m->age.n * r->m->sex.n;
    ww->mrow = safer_arena_alloc(r->a, cap * sizeof(*ww->mrow));
    bool use_age = r->m->age.column && mg && mg->nage > 0;
    bool age_store = false;
    bool ward_file = mg && mg->nward > 0;
    /* The ward margin: the file's, else the store's populations of every
     * ward in the districts the respondents live in. */
    if (ward_file) {
        for (size_t k = 0; k < mg->n; k++)
            if (strcmp(mg->row[k].margin, "ward") == 0)
                ww->mrow[ww->nmrow++] = mg->row[k];
    } else {
        /* The respondents' wards, and their districts. */
        unsigned char *mark = safer__xcalloc(g->nward + 1, 1);
        for (size_t j = 0; j < ww->n; j++) {
            long x = safer__find_str(g->ward, g->nward, r->resp[ww->idx[j]].ward);
            if (x >= 0)
                mark[x] = 1;
        }
        const char *dist[64];
        size_t nd = 0;
        for (size_t k = 0; k < g->nward; k++) {
            if (!mark[k] || !g->district[k])
                continue;
            size_t d = 0;
            while (d < nd && strcmp(dist[d], g->district[k]) != 0)
                d++;
            if (d == nd && nd < 64)
                dist[nd++] = g->district[k];
        }
        for (size_t k = 0; k < g->nward; k++) {
            bool take = mark[k];
            for (size_t d = 0; d < nd && !take && g->district[k]; d++)
                take = strcmp(dist[d], g->district[k]) == 0;
            if (!take)
                continue;
            if (!(g->pop[k] > 0)) {
                free(mark);
                return safer_err_set(err, SAFER_EINVAL,
                                     "wave '%s': the store holds no population for ward '%s' "
                                     "(import population, or give --margins)",
                                     wname, g->ward[k]);
            }
            ww->mrow[ww->nmrow++] =
                (struct safer__survey_margin_row){"ward", g->ward[k], g->pop[k]};
        }
        free(mark);
    }
    size_t nward = ww->nmrow;
    double ward_total = 0;
    for (size_t k = 0; k < nward; k++)
        ward_total += ww->mrow[k].population;
    double age_total = 0;
    if (r->m->age.column && !use_age) {
        int got = store_age_margin(r, wname, ww, nward, err);
        if (got < 0)
            return got;
        use_age = age_store = got == 1;
        for (size_t k = nward; k < ww->nmrow; k++)
            age_total += ww->mrow[k].population;
    } else if (use_age) {
        for (size_t k = 0; k < mg->n; k++)
            if (strcmp(mg->row[k].margin, "age_sex") == 0) {
                ww->mrow[ww->nmrow++] = mg->row[k];
                age_total += mg->row[k].population;
            }
    }
    if (use_age) {
        /* One population: the age x sex cells are taken as shares, scaled
         * to the wards' total. */
        for (size_t k = nward; k < ww->nmrow; k++)
            ww->mrow[k].population *= ward_total / age_total;
    }
    /* Each respondent's categories; each category must hold someone. */
    ww->nm = use_age ? 2 : 1;
    size_t first[2] = {use_age ? nward : 0, use_age ? 0 : 0};
    size_t count[2] = {use_age ? ww->nmrow - nward : nward, nward};
    const char *names[2] = {use_age ? "age_sex" : "ward", "ward"};
    for (size_t j = 0; j < ww->nm; j++) {
        ww->mname[j] = names[j];
        ww->ncat[j] = count[j];
        ww->pop[j] = safer_arena_alloc(r->a, (count[j] + 1) * sizeof(double));
        ww->cat[j] = safer_arena_alloc(r->a, (ww->n + 1) * sizeof(uint32_t));
        size_t *seen = safer__xcalloc(count[j] + 1, sizeof(size_t));
        for (size_t k = 0; k < count[j]; k++)
            ww->pop[j][k] = ww->mrow[first[j] + k].population;
        int rc = 0;
        for (size_t i = 0; i < ww->n && rc == 0; i++) {
            const struct resp *x = &r->resp[ww->idx[i]];
            const char *key = strcmp(names[j], "ward") == 0 ? x->ward : x->age_sex;
            long k = find_cat(ww->mrow + first[j], count[j], names[j], key);
            if (k < 0) {
                rc = strcmp(names[j], "ward") == 0
                         ? safer_err_set(err, SAFER_EINVAL,
                                         "%s:%zu: ward '%s' has no population in the margins",
                                         r->path, x->line, key)
                         : safer_err_set(err, SAFER_EINVAL,
                                         "%s:%zu: %s has no row for sex '%.*s', age band '%s'",
                                         r->path, x->line, opts->margins,
                                         (int)(strchr(key, '|') - key), key,
                                         strchr(key, '|') + 1);
                break;
            }
            ww->cat[j][i] = (uint32_t)k;
            seen[k]++;
        }
        for (size_t k = 0; k < count[j] && rc == 0; k++) {
            if (seen[k] > 0)
                continue;
            /* "Female|16-34" reads "sex 'Female', age band '16-34'". */
            const char *c = ww->mrow[first[j] + k].category, *bar = strchr(c, '|');
            char what[200];
            if (bar)
                snprintf(what, sizeof(what), "sex '%.*s', age band '%s'", (int)(bar - c), c,
                         bar + 1);
            else
                snprintf(what, sizeof(what), "ward '%s'", c);
            rc = safer_err_set(err, SAFER_EINVAL,
                               "wave '%s': no respondent of %s (population %.0f), so the weights "
                               "cannot reach it: merge categories or give margins without it",
                               wname, what, ww->mrow[first[j] + k].population);
        }
        free(seen);
        if (rc < 0)
            return rc;
    }
    struct safer_rake_margin rm[2];
    for (size_t j = 0; j < ww->nm; j++)
        rm[j] = (struct safer_rake_margin){ww->mname[j], ww->ncat[j], ww->pop[j], ww->cat[j]};
    ww->w = safer_arena_alloc(r->a, (ww->n + 1) * sizeof(double));
    struct safer_rake_opts ro = {.trim_lo = opts->trim_lo, .trim_hi = opts->trim_hi};
    struct safer_err e2 = {0};
    int rc = safer_rake(ww->n, rm, ww->nm, &ro, ww->w, res, &e2);
    if (rc < 0)
        return safer_err_set(err, rc, "wave '%s': %s", wname, e2.msg);
    const char *src = ward_file ? "the margins file" : "the store's ward populations";
    if (use_age)
        snprintf(ww->margins, sizeof(ww->margins),
                 "age band x sex (%zu cells, %s) and ward (%zu wards, %s)", count[0],
                 age_store ? "the store's population by age" : "the margins file", nward, src);
    else
        snprintf(ww->margins, sizeof(ww->margins), "ward (%zu wards, %s)", nward, src);
    return 0;
}

int safer_survey_import(struct safer_store *st, const char *path,
                        const struct safer_survey_import_opts *opts,
                        struct safer_survey_import_stats *stats, struct safer_err *err)
{
    memset(stats, 0, sizeof(*stats));
    if (opts->trim_lo < 0 || opts->trim_hi < 0 ||
        (opts->trim_hi > 0 && opts->trim_lo >= opts->trim_hi) ||
        (opts->trim_lo > 0 && opts->trim_lo >= 1) || (opts->trim_hi > 0 && opts->trim_hi <= 1))
        return safer_err_set(err, SAFER_EINVAL,
                             "trimming bounds must hold the mean weight: LOW below 1, HIGH above "
                             "1");
    struct safer_survey_map *m = NULL;
    int rc = safer_survey_map_load(opts->map, &m, err);
    if (rc < 0)
        return rc;
    struct safer_arena a;
    safer_arena_init(&a);
    struct reader r = {.st = st, .m = m, .path = path, .a = &a, .stats = stats};
    safer_buf_init(&r.more, 4096);
    struct safer__survey_geo geo;
    struct margins mg;
    char *data = NULL;
    size_t len = 0;
    struct wave_work ww[SAFER_SURVEY_MAX_WAVES];
    memset(ww, 0, sizeof(ww));
    rc = safer__survey_geo_read(st, &a, &geo, err);
    if (rc == 0 && geo.nward == 0)
        rc = safer_err_set(err, SAFER_EINVAL, "the store holds no wards: import the lookups or "
                                              "ward boundaries first");
    r.geo = &geo;
    if (rc == 0)
        rc = safer_places_open(st, &r.pl, err);
    if (rc == 0 && opts->margins)
        rc = read_margins(opts->margins, &a, &mg, err);
    if (rc == 0)
        rc = safer__read_file(path, SAFER__SURVEY_FILE, "256 MiB for a survey file", &data, &len,
                              err);
    if (rc == 0) {
        struct safer_csv c;
        safer_csv_init(&c, data, len, path);
        rc = read_rows(&r, &c, err);
        safer_csv_release(&c);
    }
    struct safer__survey_wave sw[SAFER_SURVEY_MAX_WAVES];
    const char *qkey[SAFER__SURVEY_QUESTIONS], *qlabel[SAFER__SURVEY_QUESTIONS],
        *qtext[SAFER__SURVEY_QUESTIONS], *qconcern[SAFER__SURVEY_QUESTIONS];
    for (size_t q = 0; q < m->nq; q++) {
        qkey[q] = m->q[q].key;
        qlabel[q] = m->q[q].label;
        qtext[q] = m->q[q].text;
        qconcern[q] = m->q[q].concern_lines;
    }
    for (uint32_t wv = 0; rc == 0 && wv < r.nwaves; wv++) {
        struct safer_rake_result res;
        rc = weigh_wave(&r, wv, opts->margins ? &mg : NULL, opts, &ww[wv], &res, err);
        if (rc < 0)
            break;
        struct wave_work *w = &ww[wv];
        const char **ward = safer_arena_alloc(&a, (w->n + 1) * sizeof(char *));
        const char **agesex = safer_arena_alloc(&a, (w->n + 1) * sizeof(char *));
        const char **ans = safer_arena_alloc(&a, (w->n + 1) * sizeof(char *));
        for (size_t i = 0; i < w->n; i++) {
            ward[i] = r.resp[w->idx[i]].ward;
            agesex[i] = r.resp[w->idx[i]].age_sex;
            ans[i] = r.resp[w->idx[i]].answers;
        }
        sw[wv] = (struct safer__survey_wave){
            .name = r.waves[wv],
            .file = base_name(path),
            .margins = w->margins,
            .n = w->n,
            .ward = ward,
            .age_sex = agesex,
            .w = w->w,
            .answers = ans,
            .nq = m->nq,
            .qkey = qkey,
            .qlabel = qlabel,
            .qtext = qtext,
            .qconcern = qconcern,
            .iterations = res.iterations,
            .deff = res.deff,
            .trim_lo = opts->trim_lo,
            .trim_hi = opts->trim_hi,
            .nmargin = w->nmrow,
            .margin = w->mrow,
        };
        struct safer_survey_wave_stats *ws = &stats->waves[wv];
        snprintf(ws->name, sizeof(ws->name), "%s", r.waves[wv]);
        ws->respondents = w->n;
        ws->iterations = res.iterations;
        ws->deff = res.deff;
        ws->trimmed = res.trimmed;
        snprintf(stats->margins, sizeof(stats->margins), "%s", w->margins);
    }
    if (rc == 0) {
        bool replaced[SAFER_SURVEY_MAX_WAVES] = {0};
        rc = safer__survey_store(st, sw, r.nwaves, replaced, err);
        for (size_t k = 0; rc == 0 && k < r.nwaves; k++)
            stats->waves[k].replaced = replaced[k];
    }
    if (rc == 0) {
        stats->nwaves = r.nwaves;
        stats->imported = r.nresp;
    } else {
        stats->nwaves = 0;
        stats->imported = 0;
    }
    free(data);
    free(r.resp);
    if (r.pl)
        safer_places_close(r.pl);
    safer_buf_release(&r.more);
    safer_arena_release(&a);
    safer_survey_map_free(m);
    return rc;
}
