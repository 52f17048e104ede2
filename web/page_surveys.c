/*
 * page_surveys.c - the residents' surveys (GET /surveys): each question's
 * weighted percentage with its 95% confidence interval and base, overall
 * and by ward and by ward cluster (the clusters of the partnership's report,
 * each a domain of the wave's one raked design), for every stored wave, and
 * the change between the last two waves with its test (survey.h,
 * docs/surveys.md).
 *
 * The library computes the estimates and decides the view: a role without
 * SAFER_PERM_VIEW_UNSUPPRESSED (elected members, the public) gets no ward
 * estimate on a base under 50 at all; others see it with the small-base
 * warning. Figures are written as `safer survey` writes them (one decimal
 * place), so the page and the command agree. No respondent's row is ever
 * read here.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <ctype.h>
#include <string.h>

#include "page.h"
#include "safer/survey.h"

static void pct_td(struct safer_buf *b, double p)
{
    char t[32];
    if (isfinite(p))
        snprintf(t, sizeof(t), "%.1f%%", 100 * p);
    else
        snprintf(t, sizeof(t), "–");
    web_td(b, t, true);
}

static void ci_td(struct safer_buf *b, const struct safer_survey_est *e)
{
    char t[64];
    if (isfinite(e->lo))
        snprintf(t, sizeof(t), "%.1f%% to %.1f%%", 100 * e->lo, 100 * e->hi);
    else
        snprintf(t, sizeof(t), "–");
    web_td(b, t, true);
}

static void base_td(struct safer_buf *b, const struct safer_survey_est *e)
{
    char t[32];
    snprintf(t, sizeof(t), "%zu", e->base);
    safer_html_raw(b, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">");
    safer_html_text(b, t);
    if (e->small)
        safer_html_raw(b, " <strong class=\"govuk-tag govuk-tag--yellow\">Small base</strong>");
    safer_html_raw(b, "</td>");
}

static void table_begin(struct safer_buf *b, const char *caption)
{
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"");
    safer_html_attr(b, caption);
    safer_html_raw(b, "\"><table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                      "govuk-table__caption--m\">");
    safer_html_text(b, caption);
    safer_html_raw(b, "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
}

static void table_body(struct safer_buf *b)
{
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
}

static void table_end(struct safer_buf *b)
{
    safer_html_raw(b, "</tbody></table></div>");
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

static void change_td(struct safer_buf *b, const struct safer_survey_change_row *c)
{
    char t[96];
    if (!c || !isfinite(c->c.p))
        snprintf(t, sizeof(t), "–");
    else
        snprintf(t, sizeof(t), "%+.1f points (p = %.4f)%s", 100 * c->c.diff, c->c.p,
                 c->c.p < 0.05 ? ", significant" : "");
    web_td(b, t, true);
}

static void question_cell(struct safer_buf *b, const char *label)
{
    safer_html_raw(b, "<th scope=\"row\" class=\"govuk-table__header\">% who ");
    safer_html_text(b, label);
    safer_html_raw(b, "</th>");
}

/* One question's estimates in wave q->wave for each domain of `r` (a
 * ward, or "cluster-K" with its wards), `what` naming them in the caption
 * ("ward cluster") and `column` in the table ("Cluster"), with the change
 * since the wave before when there is one. */
static void domain_table(struct safer_buf *b, const struct safer_survey_results *r,
                         const struct safer_survey_row *q, const char *what, const char *column)
{
    char t[256];
    snprintf(t, sizeof(t), "%% who %s, by %s, wave %s", q->label, what, q->wave);
    table_begin(b, t);
    web_th(b, column, false);
    web_th(b, "Weighted %", true);
    web_th(b, "95% confidence interval", true);
    web_th(b, "Base", true);
    if (r->nwaves >= 2)
        web_th(b, "Change since the wave before", true);
    table_body(b);
    size_t shown = 0;
    for (size_t j = 0; j < r->nrows; j++) {
        const struct safer_survey_row *x = &r->rows[j];
        if (strcmp(x->wave, q->wave) != 0 || strcmp(x->question, q->question) != 0 ||
            !*x->domain)
            continue;
        safer_html_raw(b, "<tr class=\"govuk-table__row\"><th scope=\"row\" "
                          "class=\"govuk-table__header\">");
        if (strncmp(x->domain, "cluster-", 8) == 0) {
            /* "cluster-K": the report's number, then its wards. */
            snprintf(t, sizeof(t), "Cluster %s: ", x->domain + strlen("cluster-"));
            safer_html_text(b, t);
        }
        safer_html_text(b, x->domain_name);
        safer_html_raw(b, "</th>");
        pct_td(b, x->e.p);
        ci_td(b, &x->e);
        base_td(b, &x->e);
        if (r->nwaves >= 2)
            change_td(b, change_of(r, x->question, x->domain));
        safer_html_raw(b, "</tr>");
        shown++;
    }
    table_end(b);
    if (shown == 0) {
        snprintf(t, sizeof(t), "No %c%s's base is large enough to show.", tolower(*column),
                 column + 1);
        safer_html_raw(b, "<p class=\"govuk-body\">");
        safer_html_text(b, t);
        safer_html_raw(b, "</p>");
    }
}

/* The latest wave by the report's ward clusters: one table per question.
 * The library makes the partnership's assessment and decides the view
 * again; a failure to cluster (no population, one ward) is said, not an
 * error of the page. */
static void by_cluster(struct web_req *req, struct safer_buf *b, const char *wave)
{
    struct safer_survey_results r;
    bool public_view = true;
    struct safer_err err = {0};
    int rc = safer_survey_results_clusters_for(req->st, &req->actor, &r, &public_view, &err);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">By ward cluster</h2>");
    if (rc < 0 || r.nwaves == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">No estimates by ward cluster: ");
        safer_html_text(b, rc < 0 ? safer_err_msg(&err, rc) : "no survey wave");
        safer_html_raw(b, ".</p>");
        safer_survey_results_release(&r);
        return;
    }
    safer_html_raw(b, "<p class=\"govuk-body\">The partnership's <a class=\"govuk-link\" "
                      "href=\"/analysis/clusters\">ward clusters</a> as its report forms them "
                      "(up to 4 similar, neighbouring wards each); each cluster is a domain of "
                      "the whole wave's weighting, as a ward is.");
    if (public_view)
        safer_html_raw(b, " A cluster's estimate on a base under 50 respondents is not shown.");
    safer_html_raw(b, "</p>");
    for (size_t i = 0; i < r.nrows; i++) {
        const struct safer_survey_row *q = &r.rows[i];
        if (strcmp(q->wave, wave) != 0 || *q->domain)
            continue;
        domain_table(b, &r, q, "ward cluster", "Cluster");
    }
    safer_survey_results_release(&r);
}

int page_surveys_get(struct web_req *req, struct web_resp *resp)
{
    /* The ward clusters come from the live assessment, a quarter of a
     * second: the store keeps the page (view.h). */
    resp->private_page = true;
    int rc = web_view_find(req, resp, SAFER_VIEW_SURVEYS, NULL, SAFER_PERM_VIEW_AGGREGATE);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct safer_survey_results r;
    bool public_view = true;
    rc = safer_survey_results_for(req->st, &req->actor, &r, &public_view, &req->err);
    if (rc < 0) {
        safer_survey_results_release(&r);
        return rc;
    }
    struct safer_buf *b = &resp->body;
    web_page_begin(req, resp, "Residents' surveys", NULL);
    size_t from = b->len;
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Residents' surveys</h1>");
    if (r.nwaves == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">No survey is loaded. An analyst imports a "
                          "residents' survey with <code>safer import survey</code> "
                          "(docs/surveys.md).</p>");
        web_page_end(req, resp);
        safer_survey_results_release(&r);
        return 0;
    }
    const struct safer_survey_wave_info *last = &r.waves[r.nwaves - 1];
    safer_html_raw(b, "<p class=\"govuk-body\">What residents said, weighted to the population: "
                      "each percentage is of those who gave an answer (\"Don't know\" and "
                      "blank answers are left out of the base), with its 95% confidence "
                      "interval, which allows for the weighting. A ward's estimate is a domain "
                      "of the whole wave's weighting.</p>");
    if (public_view)
        web_warning(b, "A ward's estimate on a base under 50 respondents is not shown.");
    else
        safer_html_raw(b, "<p class=\"govuk-body\">A base under 50 respondents is marked "
                          "<strong class=\"govuk-tag govuk-tag--yellow\">Small base</strong>: "
                          "its estimate is too uncertain to rely on, and members and the public "
                          "do not see a ward's estimate on one.</p>");
    char t[256];
    web_summary_begin(b);
    web_summary_row(b, "Latest wave", last->name);
    snprintf(t, sizeof(t), "%zu", last->respondents);
    web_summary_row(b, "Respondents", t);
    web_summary_row(b, "Weighted by raking to", last->margins);
    snprintf(t, sizeof(t), "%.2f", last->deff);
    web_summary_row(b, "Design effect of the weights", t);
    if (last->trim_lo > 0 || last->trim_hi > 0)
        snprintf(t, sizeof(t), "%g to %g times the mean weight", last->trim_lo, last->trim_hi);
    else
        snprintf(t, sizeof(t), "None");
    web_summary_row(b, "Trimming", t);
    if (r.nwaves >= 2)
        web_summary_row(b, "Change from", r.waves[r.nwaves - 2].name);
    web_summary_end(b);

    /* All respondents, every wave. */
    for (size_t k = r.nwaves; k-- > 0;) {
        const char *wave = r.waves[k].name;
        bool latest = k == r.nwaves - 1;
        snprintf(t, sizeof(t), "All respondents, wave %s", wave);
        table_begin(b, t);
        web_th(b, "Question", false);
        web_th(b, "Weighted %", true);
        web_th(b, "95% confidence interval", true);
        web_th(b, "Base", true);
        if (latest && r.nwaves >= 2)
            web_th(b, "Change since the wave before", true);
        table_body(b);
        for (size_t i = 0; i < r.nrows; i++) {
            const struct safer_survey_row *x = &r.rows[i];
            if (strcmp(x->wave, wave) != 0 || *x->domain)
                continue;
            safer_html_raw(b, "<tr class=\"govuk-table__row\">");
            question_cell(b, x->label);
            pct_td(b, x->e.p);
            ci_td(b, &x->e);
            base_td(b, &x->e);
            if (latest && r.nwaves >= 2)
                change_td(b, change_of(&r, x->question, ""));
            safer_html_raw(b, "</tr>");
        }
        table_end(b);
    }

    /* By ward, latest wave: one table per question. */
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">By ward</h2>");
    for (size_t i = 0; i < r.nrows; i++) {
        const struct safer_survey_row *q = &r.rows[i];
        if (strcmp(q->wave, last->name) != 0 || *q->domain)
            continue;
        domain_table(b, &r, q, "ward", "Ward");
    }
    by_cluster(req, b, last->name);
    web_view_keep(req, resp, SAFER_VIEW_SURVEYS, NULL, "Residents' surveys", from);
    web_page_end(req, resp);
    safer_survey_results_release(&r);
    return 0;
}
