/*
 * report_public.c - section 8, the public's views.
 *
 * The Crime and Disorder (Formulation and Implementation of Strategy)
 * Regulations 2007, regulation 5, ask a strategic assessment to cover the
 * views of the public. Their views come from residents' surveys imported
 * with `safer import survey` (survey.h) and read in the assessment's
 * snapshot (a->survey): each question's weighted percentage, "% who feel
 * safe ...", with its 95% confidence interval and base, the change since
 * the wave before with its test, and the same by ward where the bases
 * allow. A base under 50 respondents carries the small-base warning; the
 * public edition leaves a ward's estimate on such a base out altogether,
 * and says so. Then the same by ward cluster: the clusters of the report's
 * cluster section (safer_ward_clusters()), each a domain of the wave's one
 * raked design (safer_survey_results_groups()), with the same rules.
 * Without a survey the section says plainly that none is loaded, rather
 * than leave the regulation's matter out unseen.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/clusters.h"
#include "safer/html.h"
#include "safer/survey.h"
#include "util/internal.h"

static void pct(struct safer_buf *h, double p)
{
    if (!isfinite(p)) {
        safer_html_raw(h, "-");
        return;
    }
    safer__report_dec(h, 100 * p, 1, false);
    safer_html_raw(h, "%");
}

static void interval(struct safer_buf *h, const struct safer_survey_est *e)
{
    if (!isfinite(e->lo)) {
        safer_html_raw(h, "-");
        return;
    }
    pct(h, e->lo);
    safer_html_raw(h, " to ");
    pct(h, e->hi);
}

/* "94.3% (93.2% to 95.3%)", with the small-base mark. */
static void estimate(struct safer_buf *h, const struct safer_survey_est *e)
{
    pct(h, e->p);
    safer_html_raw(h, " (");
    interval(h, e);
    safer_html_raw(h, ")");
    if (e->small)
        safer_html_raw(h, " *");
}

static const struct safer_survey_change_row *change_of(const struct safer_survey_results *r,
                                                      const char *question, const char *domain)
{
    for (size_t i = 0; i < r->nchanges; i++)
        if (strcmp(r->changes[i].question, question) == 0 &&
            strcmp(r->changes[i].domain, domain) == 0)
            return &r->changes[i];
    return NULL;
}

static void change_text(struct safer_buf *h, const struct safer_survey_change_row *c)
{
    if (!c || !isfinite(c->c.diff)) {
        safer_html_raw(h, "-");
        return;
    }
    safer__report_dec(h, 100 * c->c.diff, 1, true);
    safer_html_raw(h, " points, p = ");
    safer__report_p(h, c->c.p);
    if (c->c.p < 0.05)
        safer_html_raw(h, " (significant at 5%)");
    else
        safer_html_raw(h, " (not significant at 5%)");
}

/* ---- the overall table ---- */

struct overall {
    const struct safer_survey_results *r;
    const struct safer_survey_row **rows;
};

static void c_question(struct safer_buf *h, const void *d, size_t i)
{
    const struct overall *o = d;
    safer_html_raw(h, "% who ");
    safer_html_text(h, o->rows[i]->label);
}

static void c_pct(struct safer_buf *h, const void *d, size_t i)
{
    const struct overall *o = d;
    pct(h, o->rows[i]->e.p);
}

static void c_ci(struct safer_buf *h, const void *d, size_t i)
{
    const struct overall *o = d;
    interval(h, &o->rows[i]->e);
}

static void c_base(struct safer_buf *h, const void *d, size_t i)
{
    const struct overall *o = d;
    safer__report_int(h, (long long)o->rows[i]->e.base);
    if (o->rows[i]->e.small)
        safer_html_raw(h, " *");
}

static void c_change(struct safer_buf *h, const void *d, size_t i)
{
    const struct overall *o = d;
    change_text(h, change_of(o->r, o->rows[i]->question, ""));
}

static const struct safer__report_col OVERALL[] = {
    {"Question", false, c_question, NULL, NULL},
    {"Weighted %", true, c_pct, NULL, NULL},
    {"95% confidence interval", true, c_ci, NULL, NULL},
    {"Base (respondents)", true, c_base, NULL, NULL},
    {"Change since the wave before", true, c_change, NULL, NULL},
};

/* Is ward `code` one of the assessment's study wards? */
static bool study_ward(const struct safer_assessment *a, const char *code)
{
    for (size_t w = 0; w < a->nwards; w++)
        if (strcmp(a->wards[w].code, code) == 0)
            return true;
    return false;
}

/* One estimate's cell: "-" without a base, "not shown" when the public
 * edition hides it (*hidden counted), else the estimate (*small counted). */
static void estimate_td(struct safer_buf *h, const struct safer_survey_row *y, bool pub,
                        size_t *hidden, size_t *small)
{
    safer_html_raw(h, "<td class=\"n\">");
    if (pub && (!y || y->e.small)) {
        safer_html_raw(h, "not shown");
        ++*hidden;
    } else if (!y || y->e.base == 0) {
        safer_html_raw(h, "-");
    } else {
        estimate(h, &y->e);
        *small += y->e.small;
    }
    safer_html_raw(h, "</td>");
}

/* The latest wave by ward cluster: one row per cluster of the report's
 * cluster section, one column per question. */
static void by_cluster(struct safer_buf *h, const struct safer_assessment *a,
                       const struct safer_survey_results *r, const struct safer_survey_row **rows,
                       size_t nq, bool pub)
{
    const char *wave = r->waves[r->nwaves - 1].name;
    safer_html_raw(h, "<h3>By ward cluster</h3>");
    struct safer_ward_clusters wc;
    struct safer_err err = {0};
    int rc = safer_ward_clusters(a, SAFER_CLUSTERS_WARD_SIZE, &wc, &err);
    struct safer_survey_results cr;
    memset(&cr, 0, sizeof(cr));
    safer_arena_init(&cr.arena);
    if (rc == 0) {
        struct safer_survey_groups g = {wc.attr.n, (const char *const *)wc.attr.code,
                                        wc.result.cluster, wc.result.k};
        rc = safer_survey_results_groups(r, pub, &g, &cr, &err);
    }
    if (rc < 0) {
        safer_html_raw(h, "<p>No estimates by ward cluster: ");
        safer_html_text(h, safer_err_msg(&err, rc));
        safer_html_raw(h, ".</p>");
        safer_survey_results_release(&cr);
        safer_ward_clusters_release(&wc);
        return;
    }
    safer_html_raw(h, "<p>The <a href=\"#clusters\">ward clusters</a> of section 6, each a "
                      "domain of the whole wave's weighting, as the wards are, not a separate "
                      "one.");
    if (pub)
        safer_html_raw(h, " In this edition a cluster's estimate on a base under 50 "
                          "respondents is not shown at all (\"not shown\").");
    safer_html_raw(h, "</p>");
    struct safer__report_col cols[2 + SAFER_SURVEY_MAX_QUESTIONS];
    char heads[SAFER_SURVEY_MAX_QUESTIONS][200];
    size_t ncol = 0;
    cols[ncol++] = (struct safer__report_col){"Cluster", false, NULL, NULL, NULL};
    cols[ncol++] = (struct safer__report_col){"Wards", false, NULL, NULL, NULL};
    for (size_t q = 0; q < nq && q < SAFER_SURVEY_MAX_QUESTIONS; q++) {
        snprintf(heads[q], sizeof(heads[q]), "%% who %s", rows[q]->label);
        cols[ncol++] = (struct safer__report_col){heads[q], true, NULL, NULL, NULL};
    }
    char caption[160];
    snprintf(caption, sizeof(caption),
             "%% of respondents by ward cluster, wave %s, with the 95%% confidence interval",
             wave);
    safer__report_table_head(h, SAFER__REPORT_TEXT(caption), cols, ncol);
    size_t hidden = 0, small = 0;
    for (size_t k = 0; k < wc.result.k; k++) {
        char code[32];
        snprintf(code, sizeof(code), "cluster-%zu", k + 1);
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer__report_int(h, (long long)k + 1);
        safer_html_raw(h, "</th><td>");
        const struct safer_survey_row *first = NULL;
        for (size_t i = 0; i < cr.nrows && !first; i++)
            if (strcmp(cr.rows[i].domain, code) == 0)
                first = &cr.rows[i];
        if (first) {
            safer_html_text(h, first->domain_name);
        } else {
            bool any = false;
            for (size_t w = 0; w < wc.attr.n; w++) {
                if (wc.result.cluster[w] != k)
                    continue;
                long x = -1;
                for (size_t j = 0; j < a->nwards && x < 0; j++)
                    if (strcmp(a->wards[j].code, wc.attr.code[w]) == 0)
                        x = (long)j;
                if (any)
                    safer_html_text(h, ", ");
                safer_html_text(h, x >= 0 && a->wards[x].name ? a->wards[x].name
                                                              : wc.attr.code[w]);
                any = true;
            }
        }
        safer_html_raw(h, "</td>");
        for (size_t q = 0; q + 2 < ncol; q++)
            estimate_td(h, safer_survey_find(&cr, rows[q]->question, wave, code), pub, &hidden,
                        &small);
        safer_html_raw(h, "</tr>");
    }
    safer__report_table_end(h);
    if (small)
        safer_html_raw(h, "<p class=\"note\">* A small base (under 50 respondents): read the "
                          "estimate with care.</p>");
    if (hidden)
        safer_html_raw(h, "<p class=\"note\">Not shown: a base under 50 respondents, too few "
                          "to publish a cluster's estimate.</p>");
    safer_survey_results_release(&cr);
    safer_ward_clusters_release(&wc);
}

void safer__report_public(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"public\">8. The public's views</h2><p>The Crime and Disorder "
                      "(Formulation and Implementation of Strategy) Regulations 2007 (regulation "
                      "5) ask the strategic assessment to cover the views of the public on the "
                      "levels and patterns of crime, disorder and substance misuse.</p>");
    const struct safer_survey_results *r = a->survey;
    if (!r || r->nwaves == 0) {
        safer_html_raw(h, "<div class=\"inset\"><p><strong>Not loaded.</strong> No survey "
                          "results are loaded, so this report holds nothing of what the public "
                          "said, and public concern is left out of the scoring of candidate "
                          "priorities (section 9). Import the partnership's residents' survey "
                          "with <code>safer import survey</code> (docs/surveys.md), or take the "
                          "public's views from its own surveys and consultations.</p></div>");
        return;
    }
    const struct safer_survey_wave_info *last = &r->waves[r->nwaves - 1];
    bool pub = safer__report_public_edition(a);
    safer_html_raw(h, "<p>From the residents' survey, wave ");
    safer_html_text(h, last->name);
    safer_html_raw(h, ": ");
    safer__report_int(h, (long long)last->respondents);
    safer_html_raw(h, " respondents, weighted to the population by raking to ");
    safer_html_text(h, last->margins);
    safer_html_raw(h, "; design effect of the weights ");
    safer__report_dec(h, last->deff, 2, false);
    if (last->trim_lo > 0 || last->trim_hi > 0) {
        safer_html_raw(h, "; weights trimmed to ");
        safer__report_dec(h, last->trim_lo, 2, false);
        safer_html_raw(h, " to ");
        safer__report_dec(h, last->trim_hi, 2, false);
        safer_html_raw(h, " times the mean");
    } else {
        safer_html_raw(h, "; no trimming");
    }
    safer_html_raw(h, ". Each percentage is of those who gave an answer (\"Don't know\" and "
                      "blank answers are left out of the base), with its 95% confidence "
                      "interval, which allows for the weighting.");
    if (r->nwaves >= 2) {
        safer_html_raw(h, " The change is from wave ");
        safer_html_text(h, r->waves[r->nwaves - 2].name);
        safer_html_raw(h, ", tested as the difference of two independent samples (a z test).");
    }
    safer_html_raw(h, "</p>");

    /* Overall, latest wave. */
    size_t nq = 0;
    const struct safer_survey_row **rows = safer__xcalloc(r->nrows + 1, sizeof(*rows));
    for (size_t i = 0; i < r->nrows; i++)
        if (strcmp(r->rows[i].wave, last->name) == 0 && !*r->rows[i].domain)
            rows[nq++] = &r->rows[i];
    safer_html_raw(h, "<ul>");
    for (size_t q = 0; q < nq; q++) {
        safer_html_raw(h, "<li>");
        pct(h, rows[q]->e.p);
        safer_html_raw(h, " who ");
        safer_html_text(h, rows[q]->label);
        safer_html_raw(h, " (95% confidence interval ");
        interval(h, &rows[q]->e);
        safer_html_raw(h, ")");
        const struct safer_survey_change_row *c = change_of(r, rows[q]->question, "");
        if (c && isfinite(c->c.p)) {
            if (c->c.p < 0.05)
                safer_html_raw(h, "; a significant change of ");
            else
                safer_html_raw(h, "; no significant change (");
            safer__report_dec(h, 100 * c->c.diff, 1, true);
            safer_html_raw(h, " points since ");
            safer_html_text(h, c->from);
            if (!(c->c.p < 0.05))
                safer_html_raw(h, ")");
        }
        safer_html_raw(h, ".</li>");
    }
    safer_html_raw(h, "</ul>");
    struct overall o = {r, rows};
    safer__report_table(h, SAFER__REPORT_LITERAL("The public's views, all respondents"), OVERALL,
                        r->nwaves >= 2 ? SAFER__NELEM(OVERALL) : SAFER__NELEM(OVERALL) - 1, &o,
                        nq);

    /* By ward: one row per study ward, one column per question. */
    safer_html_raw(h, "<h3>By ward</h3><p>Each ward's estimate is a domain of the whole wave's "
                      "weighting, not a separate one.");
    if (pub)
        safer_html_raw(h, " In this edition a ward's estimate on a base under 50 respondents "
                          "is not shown at all (\"not shown\").");
    else
        safer_html_raw(h, " * marks a base under 50 respondents: a small base, whose estimate "
                          "is too uncertain to rely on.");
    safer_html_raw(h, "</p>");
    struct safer__report_col cols[1 + SAFER_SURVEY_MAX_QUESTIONS];
    char heads[SAFER_SURVEY_MAX_QUESTIONS][200];
    size_t ncol = 0;
    cols[ncol++] = (struct safer__report_col){"Ward", false, NULL, NULL, NULL};
    for (size_t q = 0; q < nq && q < SAFER_SURVEY_MAX_QUESTIONS; q++) {
        snprintf(heads[q], sizeof(heads[q]), "%% who %s", rows[q]->label);
        cols[ncol++] = (struct safer__report_col){heads[q], true, NULL, NULL, NULL};
    }
    char caption[160];
    snprintf(caption, sizeof(caption),
             "%% of respondents by ward, wave %s, with the 95%% confidence interval", last->name);
    safer__report_table_head(h, SAFER__REPORT_TEXT(caption), cols, ncol);
    size_t shown = 0, hidden = 0, small = 0;
    for (size_t i = 0; nq && i < r->nrows; i++) {
        const struct safer_survey_row *x = &r->rows[i];
        if (strcmp(x->wave, last->name) != 0 || strcmp(x->question, rows[0]->question) != 0 ||
            !*x->domain || !study_ward(a, x->domain))
            continue;
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer_html_text(h, x->domain_name);
        safer_html_raw(h, "</th>");
        for (size_t q = 0; q + 1 < ncol; q++) {
            const struct safer_survey_row *y =
                safer_survey_find(r, rows[q]->question, last->name, x->domain);
            safer_html_raw(h, "<td class=\"n\">");
            if (!y || y->e.base == 0) {
                safer_html_raw(h, "-");
            } else if (pub && y->e.small) {
                safer_html_raw(h, "not shown");
                hidden++;
            } else {
                estimate(h, &y->e);
                small += y->e.small;
            }
            safer_html_raw(h, "</td>");
        }
        safer_html_raw(h, "</tr>");
        shown++;
    }
    safer__report_table_end(h);
    if (shown == 0)
        safer_html_raw(h, "<p>No respondent lives in the study wards.</p>");
    if (small)
        safer_html_raw(h, "<p class=\"note\">* A small base (under 50 respondents): read the "
                          "estimate with care.</p>");
    if (hidden)
        safer_html_raw(h, "<p class=\"note\">Not shown: a base under 50 respondents, too few "
                          "to publish a ward's estimate.</p>");
    if (nq)
        by_cluster(h, a, r, rows, nq, pub);
    free(rows);
}
