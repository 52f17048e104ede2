/*
 * report_candidates.c - section 9, matters to prioritise: every police.uk
 * category with records in the area, scored as a candidate priority.
 *
 * Regulation 5 of the Crime and Disorder (Formulation and Implementation of
 * Strategy) Regulations 2007 asks the assessment to set out the matters the
 * partnership should prioritise. The score is a transparent ranking for the
 * partnership to argue with, not a choice: each component is 0 to 100, the
 * weights are the plan's (docs/plan.md, "scoring") or the stated defaults,
 * and a component that cannot be scored for every category is left out of
 * all of them, with the reason printed beside its weight:
 *
 *   volume   100 x latest 12 / the largest category's latest 12
 *   rate     only against a comparison area's rate, which no version loads
 *            yet: within one area a rate orders the categories exactly as
 *            volume does (one population), so scoring it would count
 *            volume twice. The rate per 1,000 is shown.
 *   trend    50 + 50 x (latest - previous) / (latest + previous) where the
 *            assessment's change test finds the change significant, 50
 *            where it does not; left out unless every category's change is
 *            comparable
 *   harm     100 x latest 12 x weight / the largest such product, with the
 *            plan's published weights; safer has none of its own (see
 *            docs/plan.md for why), so without them harm is left out
 *   concern  100 x pct / the largest pct among the categories asked about,
 *            pct the latest survey wave's weighted proportion calling the
 *            category a problem (safer_survey_concern(), lib/assess/
 *            concern.c); a category no question asks about takes the mean
 *            of those asked about (neutral); left out when no question of
 *            the survey names a category
 *
 * score = sum(weight x component) / sum(weight), over the components scored.
 */
#include "util/compat.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/html.h"
#include "safer/plan.h"
#include "safer/survey.h"

enum { C_VOLUME, C_RATE, C_TREND, C_HARM, C_CONCERN, NCOMP };

struct candidate {
    size_t type;                /* index in a->types */
    double volume, trend, harm; /* component scores, 0 to 100 */
    double concern;             /* 0 to 100; NaN when not scored */
    bool asked;                 /* a survey question asks about its concern */
    double rate;                /* records per 1,000 residents, NaN when unknown */
    double score;               /* NaN when no component is scored */
    /* The public edition: which figures are worked out from a hidden
     * count. A volume or harm score is also worked out from the largest
     * category's count; an unranked category has a hidden score or count,
     * and comes after the ranked ones, by name, so that its place in the
     * order gives nothing away. */
    bool latest_hidden; /* the count, and so the rate */
    bool change_hidden; /* a window's count: the change and the trend */
    bool volume_hidden, harm_hidden, score_hidden, unranked;
};

/* Why a component is left out. */
enum reason {
    R_SCORED,
    R_WEIGHT_ZERO,
    R_NO_COMPARISON, /* rate */
    R_NOT_COMPARABLE, /* trend */
    R_NO_WEIGHTS,     /* harm: none loaded */
    R_WEIGHT_MISSING, /* harm: a category without one */
    R_ALL_ZERO,       /* harm: every product is 0 */
    R_NO_SURVEY,      /* concern */
};

struct scoring {
    const struct safer_assessment *a;
    struct candidate *c; /* owned */
    size_t n;
    double weight[NCOMP];
    enum reason why[NCOMP];
    const char *harm_missing; /* the first category without a harm weight */
    bool have_rate;           /* every study ward has a population */
    struct safer_survey_concern concern; /* borrowed from a->survey */
    size_t unranked;          /* candidates not ranked (public edition) */
};

static const struct safer_change_test *type_test(const struct safer_assessment *a, const char *t)
{
    for (size_t k = 0; k < a->ntests; k++) {
        if (strcmp(a->tests[k].scope, "type") == 0 && strcmp(a->tests[k].key, t) == 0)
            return &a->tests[k];
    }
    return NULL;
}

/* The plan's harm weight of category `t`, or -1. */
static double harm_weight(const struct safer_plan *p, const char *t)
{
    for (size_t k = 0; p && k < p->harm.n; k++) {
        if (strcmp(p->harm.categories[k], t) == 0)
            return p->harm.weights[k];
    }
    return -1;
}

/* Highest score first; then more records; then the name. Unranked
 * categories (public edition) after the others, by name. */
static bool before(const struct safer_assessment *a, const struct candidate *x,
                   const struct candidate *y)
{
    if (x->unranked != y->unranked)
        return y->unranked;
    if (x->unranked)
        return strcmp(a->types[x->type], a->types[y->type]) < 0;
    double sx = isnan(x->score) ? -1 : x->score, sy = isnan(y->score) ? -1 : y->score;
    if (sx != sy)
        return sx > sy;
    int64_t lx = a->type_latest[x->type], ly = a->type_latest[y->type];
    if (lx != ly)
        return lx > ly;
    return strcmp(a->types[x->type], a->types[y->type]) < 0;
}

static void score(struct scoring *s)
{
    const struct safer_assessment *a = s->a;
    const struct safer_plan *p = a->plan;
    s->weight[C_VOLUME] = p ? p->weights.volume : SAFER_PLAN_WEIGHT_DEFAULT;
    s->weight[C_RATE] = p ? p->weights.rate : SAFER_PLAN_WEIGHT_DEFAULT;
    s->weight[C_TREND] = p ? p->weights.trend : SAFER_PLAN_WEIGHT_DEFAULT;
    s->weight[C_HARM] = p ? p->weights.harm : SAFER_PLAN_WEIGHT_DEFAULT;
    s->weight[C_CONCERN] = p ? p->weights.concern : SAFER_PLAN_WEIGHT_DEFAULT;

    /* A category with a hidden count is listed whatever its counts, so
     * that its being listed says nothing of them. */
    s->c = safer__xcalloc(a->ntypes ? a->ntypes : 1, sizeof(*s->c));
    int64_t max = 0;
    size_t max_type = 0;
    for (size_t t = 0; t < a->ntypes; t++) {
        bool latest_hidden = safer_hidden(a->hidden.type_latest, t);
        bool change_hidden = latest_hidden || safer_hidden(a->hidden.type_prev, t);
        if (a->type_latest[t] + a->type_prev[t] == 0 && !change_hidden)
            continue;
        s->c[s->n].latest_hidden = latest_hidden;
        s->c[s->n].change_hidden = change_hidden;
        s->c[s->n++].type = t;
        if (a->type_latest[t] > max) {
            max = a->type_latest[t];
            max_type = t;
        }
    }
    bool max_hidden = max > 0 && safer_hidden(a->hidden.type_latest, max_type);

    /* The area's population: every ward's, or none. */
    double pop = safer_assessment_area_population(a);
    s->have_rate = !isnan(pop);

    safer_survey_concern(a->survey, &s->concern);
    bool comparable = s->n > 0;
    double max_harm = 0;
    size_t max_harm_i = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct candidate *c = &s->c[i];
        const char *name = a->types[c->type];
        double latest = (double)a->type_latest[c->type], prev = (double)a->type_prev[c->type];
        c->volume = max > 0 ? 100.0 * latest / (double)max : 0;
        c->rate = s->have_rate && pop > 0 ? 1000.0 * latest / pop : NAN;
        const struct safer_change_test *ct = type_test(a, name);
        if (!ct || !ct->comparable)
            comparable = false;
        c->trend = ct && ct->significant ? 50.0 + 50.0 * (latest - prev) / (latest + prev) : 50.0;
        double hw = harm_weight(p, name);
        if (hw < 0 && !s->harm_missing)
            s->harm_missing = name;
        c->harm = hw >= 0 ? latest * hw : 0;
        c->concern = safer_survey_concern_component(&s->concern, name, &c->asked);
        if (c->harm > max_harm) {
            max_harm = c->harm;
            max_harm_i = i;
        }
    }
    bool max_harm_hidden = max_harm > 0 && s->c[max_harm_i].latest_hidden;
    for (size_t i = 0; i < s->n; i++) {
        s->c[i].harm = max_harm > 0 ? 100.0 * s->c[i].harm / max_harm : 0;
        s->c[i].volume_hidden = s->c[i].latest_hidden || max_hidden;
        s->c[i].harm_hidden = s->c[i].latest_hidden || max_harm_hidden;
    }

    s->why[C_VOLUME] = R_SCORED;
    s->why[C_RATE] = R_NO_COMPARISON;
    s->why[C_TREND] = comparable ? R_SCORED : R_NOT_COMPARABLE;
    s->why[C_HARM] = !p || !p->harm.n ? R_NO_WEIGHTS
                     : s->harm_missing ? R_WEIGHT_MISSING
                     : max_harm > 0    ? R_SCORED
                                       : R_ALL_ZERO;
    s->why[C_CONCERN] = s->concern.n ? R_SCORED : R_NO_SURVEY;
    for (int k = 0; k < NCOMP; k++) {
        if (s->why[k] == R_SCORED && s->weight[k] == 0)
            s->why[k] = R_WEIGHT_ZERO;
    }

    double wsum = 0;
    for (int k = 0; k < NCOMP; k++)
        wsum += s->why[k] == R_SCORED ? s->weight[k] : 0;
    for (size_t i = 0; i < s->n; i++) {
        struct candidate *c = &s->c[i];
        double v[NCOMP] = {c->volume, 0, c->trend, c->harm, c->concern};
        double sum = 0;
        for (int k = 0; k < NCOMP; k++)
            sum += s->why[k] == R_SCORED ? s->weight[k] * v[k] : 0;
        c->score = wsum > 0 ? sum / wsum : NAN;
        c->score_hidden = (s->why[C_VOLUME] == R_SCORED && c->volume_hidden) ||
                          (s->why[C_TREND] == R_SCORED && c->change_hidden) ||
                          (s->why[C_HARM] == R_SCORED && c->harm_hidden);
        c->unranked = c->score_hidden || c->latest_hidden;
        s->unranked += c->unranked;
    }
    /* A handful of categories: insertion sort, no context needed. */
    for (size_t i = 1; i < s->n; i++) {
        struct candidate v = s->c[i];
        size_t j = i;
        while (j > 0 && before(a, &v, &s->c[j - 1])) {
            s->c[j] = s->c[j - 1];
            j--;
        }
        s->c[j] = v;
    }
}

/* ---- the weights table: one row per component ---- */

static const char *const COMPONENT[NCOMP] = {"Volume", "Rate", "Trend", "Harm",
                                             "Public concern"};

static void comp_name(struct safer_buf *h, const void *s, size_t k)
{
    (void)s;
    safer_html_text(h, COMPONENT[k]);
}

static void comp_weight(struct safer_buf *h, const void *s, size_t k)
{
    safer__report_level(h, ((const struct scoring *)s)->weight[k]);
}

static void comp_scored(struct safer_buf *h, const void *s, size_t k)
{
    safer_html_raw(h, "");
    safer_html_text(h, ((const struct scoring *)s)->why[k] == R_SCORED ? "yes" : "no");
}

/* What the component measures, and why it is left out when it is. */
static void comp_how(struct safer_buf *h, const void *data, size_t k)
{
    const struct scoring *s = data;
    const struct safer_assessment *a = s->a;
    switch (k) {
    case C_VOLUME:
        safer_html_raw(h, "Records in ");
        safer__report_window_name(h, a, 0);
        safer_html_raw(h, ": 100 for the largest category.");
        break;
    case C_RATE:
        safer_html_raw(h, "Records per 1,000 residents, against a comparison area's rate for "
                          "the same category.");
        break;
    case C_TREND:
        safer_html_raw(h, "Change on ");
        safer__report_window_name(h, a, 1);
        safer_html_raw(h, " where the change test finds one (adjusted p below ");
        safer__report_level(h, a->rules.change_alpha);
        safer_html_raw(h, ", section 4): 50 + 50 \u00d7 (latest \u2212 previous) \u00f7 (latest "
                          "+ previous); 50 where it finds none.");
        break;
    case C_HARM:
        safer_html_raw(h, "Records \u00d7 the category's published harm weight: 100 for the "
                          "largest.");
        if (a->plan && a->plan->harm.source) {
            safer_html_raw(h, " Weights: ");
            safer_html_text(h, a->plan->harm.source);
            safer_html_raw(h, ".");
        }
        break;
    default:
        safer_html_raw(h, "Residents' concern, from the survey (section 8): the weighted % of "
                          "respondents who call the category a problem (the answers its "
                          "mapping counts), the highest where several questions ask about it: "
                          "100 for the category of most concern.");
        if (s->concern.n) {
            safer_html_raw(h, " Wave ");
            safer_html_text(h, s->concern.wave);
            safer_html_raw(h, " asked about ");
            for (size_t j = 0; j < s->concern.n; j++) {
                if (j)
                    safer_html_text(h, j + 1 == s->concern.n ? " and " : ", ");
                safer_html_text(h, s->concern.category[j]);
                safer_html_raw(h, " (");
                safer__report_dec(h, 100 * s->concern.pct[j], 1, false);
                safer_html_raw(h, "%)");
            }
            safer_html_raw(h, "; every other category is scored neutral, at the mean of "
                              "those asked about (");
            safer__report_dec(h, s->concern.neutral, 1, false);
            safer_html_raw(h, ").");
        }
        break;
    }
    switch (s->why[k]) {
    case R_SCORED:
        break;
    case R_WEIGHT_ZERO:
        safer_html_raw(h, " Left out: its weight is 0.");
        break;
    case R_NO_COMPARISON:
        safer_html_raw(h, " Left out: within one area every category has the same population, "
                          "so a rate orders the categories exactly as volume does; it is scored "
                          "against a comparison area's rates, which this version does not load "
                          "yet.");
        if (s->have_rate)
            safer_html_raw(h, " Each category's rate is shown below.");
        break;
    case R_NOT_COMPARABLE:
        safer_html_raw(h, " Left out: the change is not comparable for every category (a "
                          "missing or partial month in a window, section 2).");
        break;
    case R_NO_WEIGHTS:
        safer_html_raw(h, " Left out: no harm weights are loaded. safer has none of its own: the "
                          "ONS Crime Severity Score and the Cambridge Crime Harm Index weight "
                          "offences, not police.uk categories, which mix offences of very "
                          "different harm, and neither publishes a weight per category. A plan "
                          "may give published weights with their source (docs/plan.md).");
        break;
    case R_WEIGHT_MISSING:
        safer_html_raw(h, " Left out: the plan's harm weights give none for ");
        safer_html_text(h, s->harm_missing);
        safer_html_raw(h, ".");
        break;
    case R_ALL_ZERO:
        safer_html_raw(h, " Left out: every category's weighted count is 0.");
        break;
    case R_NO_SURVEY:
        if (a->survey)
            safer_html_raw(h, " Left out: no question of the survey loaded (section 8) names "
                              "a police.uk category it measures concern about (\"concern\" "
                              "in its mapping, docs/surveys.md), so it gives no concern to "
                              "score.");
        else
            safer_html_raw(h, " Left out: no survey results are loaded (section 8).");
        break;
    }
}

static const struct safer__report_col WEIGHT_TABLE[] = {
    {.heading = "Component", .cell = comp_name},
    {.heading = "Weight", .numeric = true, .cell = comp_weight},
    {.heading = "Scored", .cell = comp_scored},
    {.heading = "What it measures", .cell = comp_how},
};

/* ---- the candidates table ---- */

#define CAND(data, i) (&((const struct scoring *)(data))->c[i])

static void c_rank(struct safer_buf *h, const void *s, size_t i)
{
    safer__report_count(h, (long long)i + 1, CAND(s, i)->unranked);
}

static void c_name(struct safer_buf *h, const void *data, size_t i)
{
    const struct scoring *s = data;
    safer_html_text(h, s->a->types[s->c[i].type]);
}

static void c_latest(struct safer_buf *h, const void *data, size_t i)
{
    const struct scoring *s = data;
    safer__report_count(h, s->a->type_latest[s->c[i].type], s->c[i].latest_hidden);
}

/* A figure to one decimal, or the mark when it is worked out from a
 * hidden count. */
static void figure(struct safer_buf *h, double v, int decimals, bool hidden)
{
    if (hidden)
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else
        safer__report_dec(h, v, decimals, false);
}

static void c_volume(struct safer_buf *h, const void *s, size_t i)
{
    figure(h, CAND(s, i)->volume, 1, CAND(s, i)->volume_hidden);
}

static void c_rate(struct safer_buf *h, const void *s, size_t i)
{
    figure(h, CAND(s, i)->rate, 2, CAND(s, i)->latest_hidden);
}

static void c_change(struct safer_buf *h, const void *data, size_t i)
{
    const struct scoring *s = data;
    size_t t = s->c[i].type;
    if (s->c[i].change_hidden)
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else
        safer__report_pct(h, s->a->type_prev[t], s->a->type_latest[t]);
}

static void c_trend(struct safer_buf *h, const void *s, size_t i)
{
    figure(h, CAND(s, i)->trend, 1, CAND(s, i)->change_hidden);
}

static void c_harm(struct safer_buf *h, const void *s, size_t i)
{
    figure(h, CAND(s, i)->harm, 1, CAND(s, i)->harm_hidden);
}

static void c_concern(struct safer_buf *h, const void *s, size_t i)
{
    safer__report_dec(h, CAND(s, i)->concern, 1, false);
    if (!CAND(s, i)->asked)
        safer_html_raw(h, " (not asked)");
}

static void c_score(struct safer_buf *h, const void *s, size_t i)
{
    double v = CAND(s, i)->score;
    if (CAND(s, i)->score_hidden)
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else if (isnan(v))
        safer_html_raw(h, "\u2014");
    else
        safer__report_dec(h, v, 1, false);
}

/* The plan's priorities this category informs. */
static void c_plan(struct safer_buf *h, const void *data, size_t i)
{
    const struct scoring *s = data;
    const struct safer_plan *p = s->a->plan;
    const char *name = s->a->types[s->c[i].type];
    int n = 0;
    for (size_t r = 0; r < p->npriorities; r++) {
        const struct safer_plan_priority *pr = &p->priorities[r];
        for (size_t k = 0; k < pr->ncategories; k++) {
            if (strcmp(pr->categories[k], name) == 0) {
                if (n++)
                    safer_html_raw(h, "; ");
                safer_html_text(h, pr->title);
                break;
            }
        }
    }
    if (!n)
        safer_html_raw(h, "\u2014");
}

/* The components the score used, as a phrase: "volume and trend". */
static void scored_list(struct safer_buf *h, const struct scoring *s)
{
    static const char *const lower[NCOMP] = {"volume", "rate", "trend", "harm", "public concern"};
    int n = 0, total = 0;
    for (int k = 0; k < NCOMP; k++)
        total += s->why[k] == R_SCORED;
    for (int k = 0; k < NCOMP; k++) {
        if (s->why[k] != R_SCORED)
            continue;
        if (n++)
            safer_html_text(h, n == total ? " and " : ", ");
        safer_html_text(h, lower[k]);
    }
}

void safer__report_candidates(struct safer_buf *h, const struct safer_assessment *a)
{
    struct scoring s;
    memset(&s, 0, sizeof(s));
    s.a = a;
    score(&s);
    safer_html_raw(h, "<h2 id=\"candidates\">9. Matters to prioritise</h2><p>Regulation 5 also "
                      "asks the assessment to set out the matters the partnership should "
                      "prioritise. Every police.uk category with records in the area is scored "
                      "here as a candidate: each component from 0 to 100, combined with the "
                      "weights below, ");
    if (a->plan) {
        safer_html_raw(h, "which are those of the plan <cite>");
        safer_html_text(h, a->plan->title);
        safer_html_raw(h, "</cite>.");
    } else {
        safer_html_raw(h, "which are safer's defaults (no plan is loaded: a plan's "
                          "<code>scoring</code> changes them, docs/plan.md).");
    }
    safer_html_raw(h, " A component that cannot be scored for every category is left out of "
                      "all of them. The score ranks categories for discussion; it does not "
                      "choose priorities: what police.uk cannot show (section 10) and what the "
                      "public says weigh too.</p>");
    safer__report_gap_flag(h, a, 1);
    safer__report_table(h, SAFER__REPORT_LITERAL("Scoring components and their weights"),
                        WEIGHT_TABLE, SAFER__NELEM(WEIGHT_TABLE), &s, NCOMP);

    /* The ranked candidates come first: the top three are theirs. */
    size_t ranked = s.n - s.unranked;
    bool any = ranked > 0 && !isnan(s.c[0].score);
    if (any) {
        safer_html_raw(h, "<p>Scored on ");
        scored_list(h, &s);
        safer_html_raw(h, ", the highest-scoring ");
        safer_html_text(h, ranked > 1 ? "categories " : "category ");
        if (s.unranked)
            safer_html_raw(h, "whose scores are published ");
        safer_html_text(h, ranked > 1 ? "are " : "is ");
        size_t top = ranked < 3 ? ranked : 3;
        for (size_t i = 0; i < top; i++) {
            if (i)
                safer_html_text(h, i + 1 == top ? " and " : ", ");
            safer_html_text(h, a->types[s.c[i].type]);
            safer_html_raw(h, " (");
            safer__report_dec(h, s.c[i].score, 1, false);
            safer_html_raw(h, ")");
        }
        safer_html_raw(h, ".</p>");
    } else if (s.n && isnan(s.c[0].score)) {
        safer_html_raw(h, "<p>No component could be scored with these weights: the categories "
                          "are listed by their records.</p>");
    }
    if (!s.n) {
        safer_html_raw(h, "<p>No category has records in the area: there is nothing to "
                          "score.</p>");
        free(s.c);
        return;
    }

    /* The count's and the rate's headings name the window as every table
     * does ("12 months to February 2019"). */
    struct safer_buf window, rate;
    safer_buf_init(&window, 128);
    safer_buf_init(&rate, 160);
    safer__report_window_heading(&window, a, 0);
    safer_buf_puts(&rate, "Rate per 1,000, ");
    safer__report_window_heading(&rate, a, 0);
    struct safer__report_col cols[11];
    size_t nc = 0;
    cols[nc++] = (struct safer__report_col){.heading = "Rank", .numeric = true, .cell = c_rank};
    cols[nc++] = (struct safer__report_col){.heading = "Category", .cell = c_name};
    cols[nc++] = (struct safer__report_col){.heading = window.ptr, .numeric = true,
                                            .cell = c_latest};
    cols[nc++] = (struct safer__report_col){.heading = "Volume", .numeric = true,
                                            .cell = c_volume};
    if (s.have_rate)
        cols[nc++] = (struct safer__report_col){.heading = rate.ptr,
                                                .numeric = true,
                                                .cell = c_rate};
    cols[nc++] = (struct safer__report_col){.heading = "Change %", .numeric = true,
                                            .cell = c_change};
    if (s.why[C_TREND] == R_SCORED)
        cols[nc++] = (struct safer__report_col){.heading = "Trend", .numeric = true,
                                                .cell = c_trend};
    if (s.why[C_HARM] == R_SCORED)
        cols[nc++] = (struct safer__report_col){.heading = "Harm", .numeric = true,
                                                .cell = c_harm};
    if (s.why[C_CONCERN] == R_SCORED)
        cols[nc++] = (struct safer__report_col){.heading = "Public concern", .numeric = true,
                                                .cell = c_concern};
    cols[nc++] = (struct safer__report_col){.heading = "Score", .numeric = true,
                                            .cell = c_score};
    if (a->plan)
        cols[nc++] = (struct safer__report_col){.heading = "In the plan under", .cell = c_plan};
    safer__report_table(h, SAFER__REPORT_LITERAL("Candidate priorities, highest score first"),
                        cols, nc, &s, s.n);
    bool hidden = false;
    for (size_t i = 0; i < s.n; i++)
        hidden |= s.c[i].change_hidden || s.c[i].volume_hidden || s.c[i].harm_hidden;
    if (hidden)
        safer__report_hidden_note(h, a);
    if (s.unranked)
        safer_html_raw(h, "<p class=\"meta\">A category whose count or score is hidden is not "
                          "ranked: it comes after the others, by name.</p>");
    safer_buf_release(&window);
    safer_buf_release(&rate);
    free(s.c);
}
