/*
 * indicator.c - an indicator's series, status and suppression, computed
 * from one snapshot the store reads (store/store_internal.h,
 * safer__indicator_read) after its access decision: the count table's
 * records of the area's wards, the months of the area's forces' files and
 * the populations. Nothing here reads the store itself.
 *
 * The figures are the assessment's (docs/assessment.md): the records of a
 * ward are those the count table assigns it, exactly as the assessment
 * assigns them; the population of a ward is safer__ward_populations(), the
 * one function the assessment's rates use, and the area's is their sum in
 * ward order (safer__population_sum, as the report's area rate); a rate is
 * 1000.0 * count / population in double precision, over the months of the
 * period, never annualised. So a rolling-12 indicator ending at month L
 * equals, to the last bit, what `safer assess --to L` reports for the same
 * wards and categories.
 *
 * A survey indicator's points are the survey estimates themselves
 * (lib/assess/survey.c, read once per store generation and kept by the
 * store handle): one per wave, the estimate of its question in its domain,
 * scaled to per cent and never recomputed here.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "assess/survey_internal.h"
#include "safer/indicator.h"
#include "safer/rules.h"
#include "safer/survey.h"
#include "store/store_internal.h"
#include "util/internal.h"

const char *safer_rag_name(enum safer_rag rag)
{
    static const char *const names[] = {"none", "green", "amber", "red"};
    return rag >= SAFER_RAG_NONE && rag <= SAFER_RAG_RED ? names[rag] : "none";
}

const char *safer_rag_label(enum safer_rag rag)
{
    static const char *const names[] = {"No status", "Green", "Amber", "Red"};
    return rag >= SAFER_RAG_NONE && rag <= SAFER_RAG_RED ? names[rag] : "No status";
}

enum safer_rag safer_indicator_rag(double value, double target, double amber, double red,
                                   bool up_is_good, double *variance)
{
    double v = NAN;
    enum safer_rag rag = SAFER_RAG_NONE;
    if (isfinite(value) && isfinite(target) && target > 0) {
        /* 100 * difference / target: exact whenever the variance is a whole
         * number of per cent of whole-number figures, so that a value
         * exactly at a threshold is at it, not a rounding error over. */
        v = 100.0 * (value - target) / target;
        if (up_is_good)
            v = -v;
        rag = v <= amber ? SAFER_RAG_GREEN : v <= red ? SAFER_RAG_AMBER : SAFER_RAG_RED;
    }
    if (variance)
        *variance = v;
    return rag;
}

void safer__ind_derive(struct safer__ind_evidence *ev)
{
    ev->area_pop = NAN;
    if (!ev->lsoa_ward.n && !ev->pop_ward.n && !ev->pop_lsoa.n)
        return;
    ev->pop = safer__xmalloc(sizeof(double) * (ev->nwards ? ev->nwards : 1));
    int used_ward, used_lsoa;
    safer__ward_populations(&ev->lsoa_ward, &ev->pop_ward, &ev->pop_lsoa, ev->wards, ev->nwards,
                            ev->pop, &used_ward, &used_lsoa);
    ev->area_pop = safer__population_sum(ev->pop, ev->nwards);
}

/* The survey estimates, for the store to read in its snapshot and keep. */
static const struct safer__ind_survey_src SURVEY_SRC = {safer__survey_results_read,
                                                        safer__survey_results_free};

/* What every indicator of one snapshot shares. */
struct ctx {
    const struct safer__ind_snap *s;
    int64_t min; /* counts from 1 to min - 1 are suppressed; 0: none */
};

static void ctx_init(struct ctx *c, const struct safer__ind_snap *s,
                     const struct safer_indicator_query *q)
{
    memset(c, 0, sizeof(*c));
    c->s = s;
    struct safer_rules r;
    safer_rules_init(&r);
    c->min = s->unsuppressed ? 0 : q && q->public_min > 0 ? q->public_min : r.public_min;
}

static void status(const struct safer_indicator *d, struct safer_indicator_point *p)
{
    p->variance = NAN;
    p->rag = SAFER_RAG_NONE;
    if (d->has_target && !p->partial && !p->suppressed)
        p->rag = safer_indicator_rag(p->value, d->target, d->amber, d->red,
                                     strcmp(d->good, "up") == 0, &p->variance);
}

/* A computed indicator's points, one per period over the evidence's months
 * (malloc'd; labels in the arena). */
static void computed(const struct ctx *c, const struct safer_indicator *d, struct safer_arena *a,
                     struct safer_indicator_point **out, size_t *n)
{
    const struct safer__ind_evidence *e = c->s->ev;
    *out = NULL;
    *n = 0;
    if (!e || e->first > e->last)
        return;
    int kind = safer__period_kind(d->period);
    size_t nm = (size_t)(e->last - e->first + 1);
    long ward = d->ward[0] ? safer__find_str(e->wards, e->nwards, d->ward) : -1;
    bool one_ward = d->ward[0] != '\0';
    /* A ward no longer in the area (its boundaries were replaced, or its
     * district left the plan) has no records to count: no points, rather
     * than a series of zeros. */
    if (one_ward && ward < 0)
        return;
    /* The records of each month, of the indicator's wards and categories. */
    int64_t *month = safer__xcalloc(nm, sizeof(int64_t));
    for (size_t t = 0; t < e->ntypes; t++) {
        bool in = d->ncategories == 0;
        for (size_t k = 0; k < d->ncategories && !in; k++)
            in = strcmp(e->types[t], d->categories[k]) == 0;
        if (!in)
            continue;
        const int64_t *row = one_ward ? &e->ward_month[(t * e->nwards + (size_t)ward) * nm]
                                      : &e->area_month[t * nm];
        for (size_t m = 0; m < nm; m++)
            month[m] += row[m];
    }
    double pop = NAN;
    if (strcmp(d->measure, "rate") == 0 && e->pop)
        pop = one_ward ? e->pop[ward] : e->area_pop;

    /* The periods: each month; each calendar quarter met; each 12 months
     * ending in a month from the twelfth on (or the last, when fewer). */
    int32_t start = e->first, step = 1;
    if (kind == SAFER__PERIOD_QUARTER) {
        start = e->first - e->first % 3;
        step = 3;
    } else if (kind == SAFER__PERIOD_ROLLING12) {
        start = e->first + 11 <= e->last ? e->first + 11 : e->last;
    }
    size_t cap = (size_t)((e->last - start) / step + 1);
    struct safer_indicator_point *pts = safer__xcalloc(cap, sizeof(*pts));
    size_t k = 0;
    for (int32_t m = start; m <= e->last && k < cap; m += step) {
        struct safer_indicator_point *p = &pts[k++];
        safer__period_span(kind, m, &p->first, &p->last);
        char label[SAFER__PERIOD_LABEL];
        safer__period_label(kind, m, label);
        p->period = safer_arena_strdup(a, label);
        p->months = p->last - p->first + 1;
        int64_t count = 0;
        for (int32_t x = p->first; x <= p->last; x++) {
            if (x < e->first || x > e->last)
                continue;
            count += month[x - e->first];
            p->months_with_data += e->has_data[x - e->first];
        }
        p->partial = p->months_with_data < p->months;
        p->suppressed = count >= 1 && count < c->min;
        if (p->suppressed) {
            p->population = NAN;
            p->value = NAN;
        } else {
            p->count = count;
            p->population = pop;
            p->value = strcmp(d->measure, "rate") == 0
                           ? (pop > 0 ? 1000.0 * (double)count / pop : NAN)
                           : (double)count;
        }
        p->lo = p->hi = NAN;
        status(d, p);
    }
    *out = pts;
    *n = k;
    free(month);
}

/* A manual indicator's points: its values, by period. */
static void manual(const struct ctx *c, const struct safer_indicator *d,
                   struct safer_indicator_point **out, size_t *n)
{
    const struct safer__ind_snap *s = c->s;
    int kind = safer__period_kind(d->period);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < s->nvalues; i++) {
        const struct safer__ind_value *v = &s->values[i];
        int32_t m;
        if (v->indicator != d->id || safer__period_parse(kind, v->period, &m) < 0)
            continue;
        SAFER__GROW(*out, cap, *n + 1);
        struct safer_indicator_point *p = &(*out)[(*n)++];
        memset(p, 0, sizeof(*p));
        p->period = v->period;
        safer__period_span(kind, m, &p->first, &p->last);
        p->months = p->months_with_data = p->last - p->first + 1;
        p->population = NAN;
        p->value = v->value;
        p->lo = p->hi = NAN;
        status(d, p);
    }
}

/*
 * A survey indicator's points: one per stored wave that asks its question,
 * in the waves' order (by name), each the survey estimate of the question
 * in the indicator's domain exactly as safer_survey_find() gives it, in
 * per cent. A ward's estimate on a small base is suppressed for a reader
 * who may not see it, as the survey estimates leave it out for them.
 * d->question_label gets the label of the latest wave that asks it.
 */
static void survey(const struct ctx *c, struct safer_indicator *d, struct safer_arena *a,
                   struct safer_indicator_point **out, size_t *n)
{
    const struct safer_survey_results *r = c->s->survey;
    *out = NULL;
    *n = 0;
    if (!r || !d->question)
        return;
    const char *domain = d->ward ? d->ward : "";
    *out = safer__xcalloc(r->nwaves ? r->nwaves : 1, sizeof(**out));
    for (size_t w = 0; w < r->nwaves; w++) {
        const struct safer_survey_row *row =
            safer_survey_find(r, d->question, r->waves[w].name, domain);
        if (!row)
            continue;
        struct safer_indicator_point *p = &(*out)[(*n)++];
        /* The estimates are the store handle's: the page's copies. */
        p->period = safer_arena_strdup(a, row->wave);
        d->question_label = row->label;
        p->population = NAN;
        p->small = row->e.small;
        p->suppressed = domain[0] && row->e.small && !c->s->unsuppressed;
        if (p->suppressed) {
            p->value = p->lo = p->hi = NAN;
        } else {
            p->base = (int64_t)row->e.base;
            p->value = 100.0 * row->e.p;
            p->lo = 100.0 * row->e.lo;
            p->hi = 100.0 * row->e.hi;
        }
        status(d, p);
    }
    if (d->question_label)
        d->question_label = safer_arena_strdup(a, d->question_label);
}

static void series(const struct ctx *c, struct safer_indicator *d, struct safer_arena *a,
                   struct safer_indicator_point **out, size_t *n)
{
    if (strcmp(d->kind, "computed") == 0)
        computed(c, d, a, out, n);
    else if (strcmp(d->kind, "survey") == 0)
        survey(c, d, a, out, n);
    else
        manual(c, d, out, n);
}

/* The latest period with a status, else the latest. */
static void latest(struct safer_indicator *d, const struct safer_indicator_point *pts, size_t n)
{
    d->has_latest = n > 0;
    if (!n)
        return;
    size_t k = n - 1;
    for (size_t i = n; i-- > 0;) {
        if (pts[i].rag != SAFER_RAG_NONE) {
            k = i;
            break;
        }
    }
    d->latest = pts[k];
}

int safer_indicator_list(struct safer_store *st, const struct safer_actor *actor,
                         const struct safer_indicator_query *q, int64_t now,
                         struct safer_arena *arena, struct safer_indicator **out, size_t *n,
                         struct safer_err *err)
{
    *out = NULL;
    *n = 0;
    struct safer__ind_snap s;
    int rc = safer__indicator_read(st, actor, 0, q, now, &SURVEY_SRC, arena, &s, err);
    if (rc < 0)
        return rc;
    struct ctx c;
    ctx_init(&c, &s, q);
    struct safer_indicator *v =
        safer_arena_alloc(arena, sizeof(*v) * (s.ndefs ? s.ndefs : 1));
    for (size_t i = 0; i < s.ndefs; i++) {
        struct safer_indicator d = s.defs[i];
        struct safer_indicator_point *pts;
        size_t np;
        series(&c, &d, arena, &pts, &np);
        latest(&d, pts, np);
        free(pts);
        if (q && q->off_target &&
            !(d.has_latest && (d.latest.rag == SAFER_RAG_AMBER || d.latest.rag == SAFER_RAG_RED)))
            continue;
        v[(*n)++] = d;
    }
    *out = v;
    safer__ind_snap_release(&s);
    return 0;
}

int safer_indicator_get(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                        const struct safer_indicator_query *q, int64_t now,
                        struct safer_arena *arena, struct safer_indicator *out,
                        struct safer_indicator_point **points, size_t *npoints,
                        struct safer_indicator_comment **comments, size_t *ncomments,
                        struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    *points = NULL;
    *npoints = 0;
    if (comments)
        *comments = NULL;
    if (ncomments)
        *ncomments = 0;
    if (id <= 0)
        return safer_err_set(err, SAFER_ENOTFOUND, "no indicator %lld in this partnership",
                             (long long)id);
    struct safer__ind_snap s;
    int rc = safer__indicator_read(st, actor, id, q, now, &SURVEY_SRC, arena, &s, err);
    if (rc < 0)
        return rc;
    struct ctx c;
    ctx_init(&c, &s, q);
    *out = s.defs[0];
    struct safer_indicator_point *pts;
    size_t np;
    series(&c, out, arena, &pts, &np);
    latest(out, pts, np);
    if (np) {
        *points = safer_arena_alloc(arena, sizeof(*pts) * np);
        memcpy(*points, pts, sizeof(*pts) * np);
        *npoints = np;
    }
    free(pts);
    if (comments && s.ncomments) {
        *comments = safer_arena_alloc(arena, sizeof(**comments) * s.ncomments);
        memcpy(*comments, s.comments, sizeof(**comments) * s.ncomments);
        *ncomments = s.ncomments;
    }
    safer__ind_snap_release(&s);
    return 0;
}
