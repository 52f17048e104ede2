/*
 * page_analysis.c - area intelligence (analysis.h, docs/workspace.md "Area
 * intelligence pages"): the list of analyses (GET /analysis), the
 * near-repeat (Knox) table of a category (GET /analysis/near-repeat, and
 * its CSV), and the ward clusters (GET /analysis/clusters, and its CSV).
 *
 * The library computes and decides what the actor may see (small pair
 * counts withheld for a reader of aggregates only); a page renders. A
 * query value that is not one the form offers answers 400 with the GOV.UK
 * error summary and the form again; the CSV answers 400 plainly.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/analysis.h"
#include "safer/auth.h"
#include "safer/nearrepeat.h"
#include "safer/profile.h"
#include "safer/plan.h"
#include "safer/report.h"
#include "safer/harm.h"
#include "safer/stats.h"
#include "safer/svg.h"

/* ---- GET /analysis ---- */

struct analysis_link {
    const char *href, *title, *what;
    enum safer_perm perm;
};

static const struct analysis_link ANALYSES[] = {
    {"/analysis/near-repeat", "Near repeats",
     "Whether one crime is followed by more of the same category close by and soon after: the "
     "near-repeat (Knox) test of a category in the last 12 months.",
     SAFER_PERM_VIEW_AGGREGATE},
    {"/analysis/clusters", "Ward clusters",
     "The partnership's wards grouped into neighbouring, similar clusters of up to 4 wards, "
     "for ward cluster meetings of elected members.",
     SAFER_PERM_VIEW_AGGREGATE},
    {"/wards", "Ward profiles and the focus area",
     "Each ward's residents, records, rates and deprivation, and the wards ranked for the task "
     "force's focus area.",
     SAFER_PERM_VIEW_AGGREGATE},
    {"/analysis/hot-spots", "Hot spots over time and harm",
     "Which 250 m squares are persistent, emerging, former or intermittent hot spots, and "
     "where the harm of crime, weighted by severity, concentrates.",
     SAFER_PERM_VIEW_AGGREGATE},
    {"/surveys", "Residents' surveys",
     "What residents said, weighted to the population: the percentage who feel safe and "
     "other questions, with 95% confidence intervals, by ward and between waves.",
     SAFER_PERM_VIEW_AGGREGATE},
    {"/projects", "Problem-solving projects",
     "Problems worked through objective, scanning, analysis, response and assessment, with "
     "the change measured against similar wards.",
     SAFER_PERM_VIEW_PLAN},
    {"/partners", "Partner agencies' data",
     "Deliberate fires, hospital admissions for assault and the other data partners share, by "
     "ward and month beside the police.uk figures, and the quarterly data-share pack.",
     SAFER_PERM_VIEW_AGGREGATE},
    {"/services", "Services and who uses them",
     "When and from where people use a service such as the one-stop-shop, who does not come, "
     "and where pop-up sessions would reach more people.",
     SAFER_PERM_VIEW_AGGREGATE},
};

int page_analysis_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_buf *b = &resp->body;
    resp->private_page = true;
    web_page_begin(req, resp, "Area intelligence", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Area intelligence</h1>"
                      "<p class=\"govuk-body\">Analyses of the partnership's area computed "
                      "from the records the store holds now, as the strategic assessment "
                      "computes them. Each has a CSV of its figures.</p>"
                      "<dl class=\"govuk-summary-list\">");
    for (size_t i = 0; i < sizeof(ANALYSES) / sizeof(ANALYSES[0]); i++) {
        const struct analysis_link *l = &ANALYSES[i];
        if (!safer_role_may(req->actor.role, l->perm))
            continue;
        safer_html_raw(b, "<div class=\"govuk-summary-list__row\"><dt "
                          "class=\"govuk-summary-list__key\"><a class=\"govuk-link\" href=\"");
        safer_html_attr(b, l->href);
        safer_html_raw(b, "\">");
        safer_html_text(b, l->title);
        safer_html_raw(b, "</a></dt><dd class=\"govuk-summary-list__value\">");
        safer_html_text(b, l->what);
        safer_html_raw(b, "</dd></div>");
    }
    safer_html_raw(b, "</dl>");
    web_page_end(req, resp);
    return 0;
}

/* ---- shared ---- */

static void num(struct safer_buf *b, double v, int places, bool numeric)
{
    char s[48];
    if (isnan(v))
        snprintf(s, sizeof(s), "not defined");
    else
        snprintf(s, sizeof(s), "%.*f", places, v);
    web_td(b, s, numeric);
}

static void level(char *out, size_t size, double v)
{
    snprintf(out, size, "%.15g", v);
}

/* The page that says the assessment cannot be made (no wards, no records). */
static int nothing_yet(struct web_req *req, struct web_resp *resp, const char *title,
                       const struct safer_err *err, int rc)
{
    struct safer_buf *b = &resp->body;
    resp->status = 404;
    resp->private_page = true;
    web_page_begin(req, resp, title, NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">");
    safer_html_text(b, title);
    safer_html_raw(b, "</h1><p class=\"govuk-body\">The analysis cannot be made from what the "
                      "store holds: ");
    safer_html_text(b, safer_err_msg(err, rc));
    safer_html_raw(b, ".</p>");
    web_page_end(req, resp);
    return 0;
}

/* ---- GET /analysis/near-repeat ---- */

static const char *category_of(struct web_req *req)
{
    const char *c = web_param(&req->query, "category");
    return c && *c ? c : SAFER_NEARREPEAT_CATEGORY;
}

static void nr_form(struct safer_buf *b, const struct safer_field_errors *fe, const char *category)
{
    const char *values[16];
    size_t n = 0;
    for (; n < 14 && safer_plan_categories[n]; n++)
        values[n] = safer_plan_categories[n];
    safer_html_raw(b, "<form method=\"get\" action=\"/analysis/near-repeat\" novalidate>");
    web_select(b, fe, "category", "Category", "A police.uk crime category", values, values, n,
               NULL, category);
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" "
                      "data-module=\"govuk-button\">Show the table</button></form>");
}

static void nr_table(struct safer_buf *b, const struct safer_knox *k, long long min)
{
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Knox table\"><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-table__caption--m\">Pairs of records "
                      "by distance and months apart</caption><thead class=\"govuk-table__head\">"
                      "<tr class=\"govuk-table__row\">");
    web_th(b, "Distance (m)", false);
    web_th(b, "Months apart", false);
    web_th(b, "Observed pairs", true);
    web_th(b, "Expected pairs", true);
    web_th(b, "Knox ratio", true);
    web_th(b, "p", true);
    web_th(b, "Raised risk", false);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    size_t nc = k->nspace_bands * k->ntime_bands;
    for (size_t i = 0; i < nc; i++) {
        const struct safer_knox_cell *c = &k->cells[i];
        char lo[32], hi[32], s[80];
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        level(lo, sizeof(lo), c->s_lo);
        level(hi, sizeof(hi), c->s_hi);
        snprintf(s, sizeof(s), "%s to under %s", lo, hi);
        web_td(b, s, false);
        level(lo, sizeof(lo), c->t_lo);
        level(hi, sizeof(hi), c->t_hi);
        snprintf(s, sizeof(s), "%s to under %s", lo, hi);
        web_td(b, s, false);
        if (c->observed < 0) {
            snprintf(s, sizeof(s), "fewer than %lld", min);
            web_td(b, s, true);
        } else {
            snprintf(s, sizeof(s), "%lld", (long long)c->observed);
            web_td(b, s, true);
        }
        num(b, c->exact_mean, 2, true);
        num(b, c->knox_ratio, 2, true);
        num(b, c->p_value, 3, true);
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
        if (c->observed >= 0 && c->p_value <= 0.05 && c->knox_ratio > 1)
            safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--red\">Raised</strong>");
        safer_html_raw(b, "</td></tr>");
    }
    safer_html_raw(b, "</tbody></table></div>");
}

static void nr_bad(struct web_req *req, struct web_resp *resp, const char *category,
                   const char *message)
{
    struct safer_field_errors fe = {0};
    web_field_error_add(&fe, "category", message);
    struct safer_buf *b = &resp->body;
    resp->status = 400;
    resp->private_page = true;
    web_page_begin(req, resp, "Near repeats", &fe);
    web_error_summary(b, &fe);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Near repeats</h1>");
    nr_form(b, &fe, category);
    web_page_end(req, resp);
}

int page_analysis_nearrepeat_get(struct web_req *req, struct web_resp *resp)
{
    const char *category = category_of(req);
    if (!safer_analysis_category_ok(category)) {
        nr_bad(req, resp, SAFER_NEARREPEAT_CATEGORY, "Choose a police.uk category from the list");
        return 0;
    }
    struct safer_assessment a;
    bool hidden = false;
    int rc = safer_analysis_nearrepeat(req->st, &req->actor, category, &a, &hidden, &req->err);
    if (rc == SAFER_EINVAL || rc == SAFER_ENOTFOUND)
        return nothing_yet(req, resp, "Near repeats", &req->err, rc);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    resp->private_page = true;
    web_page_begin(req, resp, "Near repeats", NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Area intelligence</span>"
                      "<h1 class=\"govuk-heading-l\">Near repeats: ");
    safer_html_text(b, category);
    safer_html_raw(b, "</h1>");
    nr_form(b, NULL, category);
    char from[16], to[16], s[128];
    snprintf(from, sizeof(from), "%04d-%02d", a.l12_start / 12, a.l12_start % 12 + 1);
    snprintf(to, sizeof(to), "%04d-%02d", a.latest / 12, a.latest % 12 + 1);
    if (!a.nr.cells) {
        safer_html_raw(b, "<p class=\"govuk-body\">No record of this category with a location "
                          "in the partnership's wards from ");
        safer_html_text(b, from);
        safer_html_raw(b, " to ");
        safer_html_text(b, to);
        safer_html_raw(b, ": no near-repeat test was made.</p>");
        safer_assessment_release(&a);
        web_page_end(req, resp);
        return 0;
    }
    const struct safer_knox *k = &a.nr;
    safer_html_raw(b, "<p class=\"govuk-body-l\">");
    safer_report_nearrepeat_sentence(b, &a);
    safer_html_raw(b, "</p>");
    web_summary_begin(b);
    snprintf(s, sizeof(s), "%s to %s", from, to);
    web_summary_row(b, "Months", s);
    snprintf(s, sizeof(s), "%zu", a.nr_events);
    web_summary_row(b, "Records with a location", s);
    snprintf(s, sizeof(s), "%zu", a.nr_no_point);
    web_summary_row(b, "Records without one (left out)", s);
    snprintf(s, sizeof(s), "%u, seed %llu", k->perms, (unsigned long long)k->seed);
    web_summary_row(b, "Shuffles of the months", s);
    web_summary_end(b);
    long long min = (long long)a.rules.public_min;
    if (hidden) {
        snprintf(s, sizeof(s), "A cell holding from 1 to %lld pairs shows \"fewer than %lld\"",
                 min - 1, min);
        safer_html_raw(b, "<div class=\"govuk-inset-text\">");
        safer_html_text(b, s);
        safer_html_raw(b, ", with no ratio or p-value, since those would give its count away. "
                          "Those who may see the plan see every count.</div>");
    }
    nr_table(b, k, min);
    safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" "
                      "href=\"/analysis/near-repeat.csv?category=");
    safer_html_urlarg(b, category);
    safer_html_raw(b, "\" download>Download the table as CSV</a> (every column of "
                      "<code>safer nearrepeat</code>)</p>"
                      "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\">"
                      "<span class=\"govuk-details__summary-text\">How to read this</span>"
                      "</summary><div class=\"govuk-details__text\"><p class=\"govuk-body\">"
                      "The test takes every pair of the records above and counts it by how far "
                      "apart the two are, in metres, and how many months apart. Each count is "
                      "compared with the counts when the months are shuffled over the same "
                      "places: the expected pairs are the exact mean over every shuffle, the "
                      "Knox ratio the count over the shuffles' mean, and p the share of "
                      "shuffles with at least as many pairs. A cell is tagged raised when p is "
                      "at most 0.05 and the ratio above 1.</p><p class=\"govuk-body\">");
    snprintf(s, sizeof(s), "%zu", k->nspace_bands * k->ntime_bands);
    safer_html_raw(b, "With ");
    safer_html_text(b, s);
    safer_html_raw(b, " cells, about one in twenty would be tagged by chance alone, so a lone "
                      "tag is weak evidence. police.uk moves each record to an anonymous map "
                      "point, so distances under a few hundred metres are approximate; "
                      "0 to under 1 m is the same map point.</p></div></details>");
    safer_assessment_release(&a);
    web_page_end(req, resp);
    return 0;
}

int page_analysis_nearrepeat_csv_get(struct web_req *req, struct web_resp *resp)
{
    const char *category = category_of(req);
    struct safer_assessment a;
    bool hidden = false;
    int rc = safer_analysis_nearrepeat(req->st, &req->actor, category, &a, &hidden, &req->err);
    if (rc < 0)
        return rc;
    if (!a.nr.cells) {
        safer_assessment_release(&a);
        return SAFER_ENOTFOUND;
    }
    safer_knox_csv(&a.nr, &resp->body);
    safer_assessment_release(&a);
    resp->content_type = "text/csv; charset=utf-8";
    resp->attachment = "nearrepeat.csv";
    resp->private_page = true;
    return safer_buf_error(&resp->body) < 0 ? SAFER_ETOOBIG : 0;
}

/* ---- GET /analysis/clusters ---- */

/* K from the query: 0 when absent, -1 when not a whole number in 1..99. */
static long k_of(struct web_req *req)
{
    const char *s = web_param(&req->query, "k");
    if (!s || !*s)
        return 0;
    int64_t v = web_id(s);
    return v >= 1 && v <= 99 ? (long)v : -1;
}

static void cl_form(struct safer_buf *b, const struct safer_field_errors *fe, const char *k)
{
    safer_html_raw(b, "<form method=\"get\" action=\"/analysis/clusters\" novalidate>");
    web_input(b, fe, "k", "Number of clusters",
              "A whole number; the fewest that wards of at most 4 can make is the default",
              "text", k, NULL);
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" "
                      "data-module=\"govuk-button\">Make the clusters</button></form>");
}

static void cl_bad(struct web_req *req, struct web_resp *resp, const char *k, const char *msg)
{
    struct safer_field_errors fe = {0};
    web_field_error_add(&fe, "k", msg);
    struct safer_buf *b = &resp->body;
    resp->status = 400;
    resp->private_page = true;
    web_page_begin(req, resp, "Ward clusters", &fe);
    web_error_summary(b, &fe);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Ward clusters</h1>");
    cl_form(b, &fe, k);
    web_page_end(req, resp);
}

int page_analysis_clusters_get(struct web_req *req, struct web_resp *resp)
{
    const char *kq = web_param(&req->query, "k");
    long k = k_of(req);
    if (k < 0) {
        cl_bad(req, resp, kq, "Enter the number of clusters as a whole number from 1");
        return 0;
    }
    struct safer_analysis_clusters c;
    int rc = safer_analysis_clusters(req->st, &req->actor, (size_t)k, &c, &req->err);
    if (rc == SAFER_EINVAL && k > 0) {
        /* No partition into k: say why, beside the form, as a sentence. */
        const char *why = safer_err_msg(&req->err, rc);
        char *msg = safer_arena_alloc(req->arena, strlen(why) + 1);
        memcpy(msg, why, strlen(why) + 1);
        if (msg[0] >= 'a' && msg[0] <= 'z')
            msg[0] = (char)(msg[0] - 'a' + 'A');
        cl_bad(req, resp, kq, msg);
        return 0;
    }
    if (rc == SAFER_EINVAL || rc == SAFER_ENOTFOUND)
        return nothing_yet(req, resp, "Ward clusters", &req->err, rc);
    if (rc < 0)
        return rc;
    const struct safer_clusters *r = &c.wc.result;
    const struct safer_attributes *at = &c.wc.attr;
    struct safer_buf *b = &resp->body;
    char s[96];
    resp->private_page = true;
    web_page_begin(req, resp, "Ward clusters", NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Area intelligence</span>"
                      "<h1 class=\"govuk-heading-l\">Ward clusters</h1><p class=\"govuk-body\">"
                      "The partnership's wards in clusters of neighbouring wards, at most 4 "
                      "each, as similar as can be on the rates per 1,000 residents of the "
                      "major categories in the last 12 months");
    if (at->d && strcmp(at->name[at->d - 1], "IMD decile (mean)") == 0)
        safer_html_raw(b, " and the wards' mean deprivation decile");
    safer_html_raw(b, ", each as a z-score. A cluster's cost is the sum of its wards' squared "
                      "distances from its mean: the smaller, the more alike.</p>");
    snprintf(s, sizeof(s), "%zu", r->k);
    cl_form(b, NULL, s);
    web_summary_begin(b);
    snprintf(s, sizeof(s), "%zu", r->n);
    web_summary_row(b, "Wards", s);
    snprintf(s, sizeof(s), "%zu", r->k);
    web_summary_row(b, "Clusters", s);
    snprintf(s, sizeof(s), "%.4f", r->total);
    web_summary_row(b, "Total cost", s);
    safer_html_raw(b, "<div class=\"govuk-summary-list__row\"><dt "
                      "class=\"govuk-summary-list__key\">Solution</dt><dd "
                      "class=\"govuk-summary-list__value\">");
    if (r->proved) {
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--green\">Proved optimal"
                          "</strong>");
    } else {
        safer_html_raw(b, "<strong class=\"govuk-tag govuk-tag--yellow\">Best found</strong> "
                          "no solution costs less than ");
        snprintf(s, sizeof(s), "%.4f", r->lower_bound);
        safer_html_text(b, s);
    }
    safer_html_raw(b, "</dd></div>");
    snprintf(s, sizeof(s), "%.2f s", c.seconds);
    web_summary_row(b, "Time to solve", s);
    web_summary_end(b);

    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Clusters\"><table class=\"govuk-table\"><caption "
                      "class=\"govuk-table__caption govuk-table__caption--m\">Clusters</caption>"
                      "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
    web_th(b, "Cluster", false);
    web_th(b, "Wards", false);
    web_th(b, "Cost", true);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t j = 0; j < r->k; j++) {
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        snprintf(s, sizeof(s), "%zu", j + 1);
        web_td(b, s, false);
        safer_html_raw(b, "<td class=\"govuk-table__cell\">");
        bool first = true;
        for (size_t i = 0; i < r->n; i++) {
            if (r->cluster[i] != j)
                continue;
            if (!first)
                safer_html_raw(b, ", ");
            first = false;
            safer_html_text(b, c.names[i] && *c.names[i] ? c.names[i] : at->code[i]);
        }
        safer_html_raw(b, "</td>");
        num(b, r->cost[j], 4, true);
        safer_html_raw(b, "</tr>");
    }
    safer_html_raw(b, "</tbody></table></div><p class=\"govuk-body\"><a class=\"govuk-link\" "
                      "href=\"/analysis/clusters.csv?k=");
    snprintf(s, sizeof(s), "%zu", r->k);
    safer_html_attr(b, s);
    safer_html_raw(b, "\" download>Download each ward's cluster as CSV</a></p>"
                      "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\">"
                      "<span class=\"govuk-details__summary-text\">How the clusters are made"
                      "</span></summary><div class=\"govuk-details__text\"><p class=\"govuk-body\">"
                      "Every connected group of up to 4 neighbouring wards (sharing a boundary "
                      "or a corner) is a candidate; a search then picks the set of candidates "
                      "that covers each ward once with the least total cost, and proves it "
                      "least, or stops at its limit with the best found and a bound no "
                      "solution can beat (docs/statistics.md, Ward clusters).</p></div>"
                      "</details>");
    safer_analysis_clusters_release(&c);
    web_page_end(req, resp);
    return 0;
}

int page_analysis_clusters_csv_get(struct web_req *req, struct web_resp *resp)
{
    long k = k_of(req);
    if (k < 0)
        return SAFER_EINVAL;
    struct safer_analysis_clusters c;
    int rc = safer_analysis_clusters(req->st, &req->actor, (size_t)k, &c, &req->err);
    if (rc < 0)
        return rc;
    safer_clusters_csv(&resp->body, &c.wc.attr, &c.wc.result);
    safer_analysis_clusters_release(&c);
    resp->content_type = "text/csv; charset=utf-8";
    resp->attachment = "clusters.csv";
    resp->private_page = true;
    return safer_buf_error(&resp->body) < 0 ? SAFER_ETOOBIG : 0;
}

/* ---- GET /analysis/hot-spots ---- */

static const struct safer_svg_class_style PERSIST_STYLE[SAFER_PERSIST_NCLASSES] = {
    [SAFER_PERSIST_NEVER] = {"Never a hot spot", "#f0f0f0"},
    [SAFER_PERSIST_INTERMITTENT] = {"Intermittent", "#fdb863"},
    [SAFER_PERSIST_FORMER] = {"Former", "#92c5de"},
    [SAFER_PERSIST_EMERGING] = {"Emerging", "#e66101"},
    [SAFER_PERSIST_PERSISTENT] = {"Persistent", "#b2182b"},
};

static enum safer_svg_gi_class gi_class(int cls)
{
    int c = safer_svg_gi_class_from_name(safer_gi_class_name((enum safer_gi_class)cls));
    return c < 0 ? SAFER_SVG_GI_NO_SCORE : (enum safer_svg_gi_class)c;
}

/* 0 count map, 1 harm map, 2 persistence map. */
static int hs_map(struct web_req *req, struct safer_buf *b, const struct safer_assessment *a,
                  int which, const char **names)
{
    static const char *const ids[] = {"count-map", "harm-map", "persist-map"};
    static const char *const titles[] = {"Hot and cold spots of the count",
                                         "Hot and cold spots of harm",
                                         "Hot spots over time"};
    struct safer_svg_cell *cells = safer_arena_alloc(req->arena, sizeof(*cells) * a->ncells);
    for (size_t k = 0; k < a->ncells; k++) {
        const struct safer_hotcell *c = &a->cells[k];
        int cls = which == 0 ? (int)gi_class(c->cls)
                  : which == 1 ? (int)gi_class(c->harm_cls)
                               : c->persist;
        cells[k] = (struct safer_svg_cell){(double)c->i * a->cell, (double)c->j * a->cell,
                                           (enum safer_svg_gi_class)cls};
    }
    struct safer_svg_hotspot_map map = {
        .cells = cells,
        .ncells = a->ncells,
        .cell_size = a->cell,
        .wards = a->wards_bng,
        .ward_names = names,
        .nwards = a->nwards,
        .frame = {.legend_title = titles[which],
                  .caption = which == 2 ? "Each square's class over the periods."
                                        : "Gi* classes by Benjamini-Hochberg adjusted p-value.",
                  .attribution = "Contains OS data (c) Crown copyright and database right; "
                                 "police.uk data under the Open Government Licence."},
        .styles = which == 2 ? PERSIST_STYLE : NULL,
        .nstyles = which == 2 ? SAFER_PERSIST_NCLASSES : 0,
    };
    struct safer_svg_opts o = {.id = ids[which], .title = titles[which]};
    safer_html_raw(b, "<figure class=\"safer-figure\">");
    int rc = safer_svg_hotspot_map(b, &o, &map, &req->err);
    safer_html_raw(b, "<figcaption class=\"govuk-body-s\">");
    safer_html_text(b, titles[which]);
    safer_html_raw(b, ", latest window.</figcaption></figure>");
    return rc;
}

/* A ward of the harm table, and their order: most harm first, then name. */
struct harm_row {
    const struct safer_ward_profile *w;
};

static int by_harm(const void *x, const void *y)
{
    const struct safer_ward_profile *a = ((const struct harm_row *)x)->w;
    const struct safer_ward_profile *b = ((const struct harm_row *)y)->w;
    double ha = isnan(a->harm) ? -1 : a->harm, hb = isnan(b->harm) ? -1 : b->harm;
    if (ha != hb)
        return ha > hb ? -1 : 1;
    return strcmp(a->name, b->name);
}

int page_analysis_hotspots_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_assessment a;
    bool members = false;
    int rc = safer_analysis_hotspots(req->st, &req->actor, &a, &members, &req->err);
    if (rc == SAFER_EINVAL || rc == SAFER_ENOTFOUND)
        return nothing_yet(req, resp, "Hot spots over time and harm", &req->err, rc);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    char s[128];
    resp->private_page = true;
    web_page_begin(req, resp, "Hot spots over time and harm", NULL);
    safer_html_raw(b, "<span class=\"govuk-caption-l\">Area intelligence</span>"
                      "<h1 class=\"govuk-heading-l\">Hot spots over time and harm</h1>");
    web_summary_begin(b);
    snprintf(s, sizeof(s), "%zu of %d months each", a.nperiods, a.period_months);
    web_summary_row(b, "Periods", a.nperiods ? s : "fewer than 2 periods of data");
    snprintf(s, sizeof(s), "%.0f m", a.cell);
    web_summary_row(b, "Grid squares", s);
    web_summary_end(b);

    /* Squares per persistence class. */
    size_t per[SAFER_PERSIST_NCLASSES] = {0};
    for (size_t k = 0; k < a.ncells; k++)
        if (a.cells[k].persist >= 0 && a.cells[k].persist < SAFER_PERSIST_NCLASSES)
            per[a.cells[k].persist]++;
    safer_html_raw(b, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                      "govuk-table__caption--m\">Squares by their class over the periods"
                      "</caption><thead class=\"govuk-table__head\"><tr "
                      "class=\"govuk-table__row\">");
    web_th(b, "Class", false);
    web_th(b, "Squares", true);
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (int c = SAFER_PERSIST_NCLASSES - 1; c >= 0; c--) {
        safer_html_raw(b, "<tr class=\"govuk-table__row\">");
        web_td(b, PERSIST_STYLE[c].label, false);
        snprintf(s, sizeof(s), "%zu", per[c]);
        web_td(b, s, true);
        safer_html_raw(b, "</tr>");
    }
    safer_html_raw(b, "</tbody></table>");

    const char **names = safer_arena_alloc(req->arena, sizeof(char *) * (a.nwards ? a.nwards : 1));
    for (size_t w = 0; w < a.nwards; w++)
        names[w] = a.wards[w].name;
    if (a.ncells && a.wards_bng) {
        if (a.nperiods)
            rc = hs_map(req, b, &a, 2, names);
        safer_html_raw(b, "<div class=\"govuk-grid-row\"><div "
                          "class=\"govuk-grid-column-one-half\">");
        if (rc == 0)
            rc = hs_map(req, b, &a, 0, names);
        safer_html_raw(b, "</div><div class=\"govuk-grid-column-one-half\">");
        if (rc == 0)
            rc = hs_map(req, b, &a, 1, names);
        safer_html_raw(b, "</div></div>");
    }

    /* Harm by category (members: the counts are not hidden there). */
    if (members && a.type_weight) {
        safer_html_raw(b, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                          "govuk-table__caption--m\">Harm by category, latest window</caption>"
                          "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
        web_th(b, "Category", false);
        web_th(b, "Records", true);
        web_th(b, "Weight", true);
        web_th(b, "Harm", true);
        safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
        for (size_t t = 0; t < a.ntypes; t++) {
            int64_t n = 0;
            double h = 0;
            for (size_t w = 0; w < a.nwards; w++) {
                n += safer_assessment_ward_type_latest(&a, w, t);
                h += safer_assessment_harm(&a, w, t);
            }
            safer_html_raw(b, "<tr class=\"govuk-table__row\">");
            web_td(b, a.types[t], false);
            snprintf(s, sizeof(s), "%lld", (long long)n);
            web_td(b, s, true);
            num(b, a.type_weight[t], 1, true);
            num(b, h, 0, true);
            safer_html_raw(b, "</tr>");
        }
        safer_html_raw(b, "</tbody></table>");
        safer_html_raw(b, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                          "govuk-table__caption--m\">Harm by ward, latest window</caption>"
                          "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
        web_th(b, "Ward", false);
        web_th(b, "Harm", true);
        web_th(b, "Per 1,000 residents", true);
        safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
        /* The wards' profiles hold their harm: the most harmed first. */
        const struct safer_profiles *pr = a.profiles;
        size_t n = pr ? pr->n : 0;
        struct harm_row *order = safer_arena_alloc(req->arena, sizeof(*order) * (n ? n : 1));
        for (size_t w = 0; w < n; w++)
            order[w] = (struct harm_row){&pr->ward[w]};
        qsort(order, n, sizeof(*order), by_harm);
        for (size_t k = 0; k < n; k++) {
            const struct safer_ward_profile *wp = order[k].w;
            safer_html_raw(b, "<tr class=\"govuk-table__row\">");
            web_td(b, wp->name, false);
            num(b, wp->harm, 0, true);
            num(b, 1000.0 * wp->harm / wp->population, 1, true);
            safer_html_raw(b, "</tr>");
        }
        safer_html_raw(b, "</tbody></table><p class=\"govuk-body\">CSV: <a class=\"govuk-link\" "
                          "href=\"/report/harm_by_ward.csv\">harm by ward and category</a>, "
                          "<a class=\"govuk-link\" href=\"/report/harm_hotspots.csv\">harm hot "
                          "spots</a>, <a class=\"govuk-link\" "
                          "href=\"/report/hotspot_persistence.csv\">hot spots over time</a>."
                          "</p>");
    } else {
        safer_html_raw(b, "<p class=\"govuk-body\">Harm by category and ward, with small counts "
                          "hidden, is in the <a class=\"govuk-link\" "
                          "href=\"/report/public/index.html#harm\">public edition of the "
                          "report</a>.</p>");
    }
    safer_html_raw(b, "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\">"
                      "<span class=\"govuk-details__summary-text\">How to read this</span>"
                      "</summary><div class=\"govuk-details__text\"><p class=\"govuk-body\">"
                      "Each period's hot spots are found with Gi* as the assessment finds them; "
                      "a square is persistent when hot in at least 80% of the periods, emerging "
                      "when hot only in the recent ones, former when hot only before them, and "
                      "intermittent otherwise (docs/statistics.md). Harm weighs each record by "
                      "its category's severity weight.</p></div></details>");
    safer_assessment_release(&a);
    if (rc < 0)
        return rc;
    web_page_end(req, resp);
    return 0;
}
