/*
 * page_services.c - service usage (visits.h, docs/services.md): when and
 * from where people use a service such as the one-stop-shop (GET
 * /services: the heat map of weekday and hour, the monthly trend, the
 * wards' rates against distance, repeat visitors) and the choice of pop-up
 * sites (GET /services/pop-up: a GET form of p, distance, objective and
 * demand, and the result with how it was proved).
 *
 * The library decides what the actor may see (safer_visits_live: small
 * ward counts hidden from a role that may not see them) and computes every
 * figure, as `safer visits` does; a page renders. A query value the form
 * does not offer answers 400 with the GOV.UK error summary and the form.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "page.h"
#include "safer/svg.h"
#include "safer/visits.h"

static void cell_num(struct safer_buf *b, double v, int decimals)
{
    char t[64];
    if (!isfinite(v))
        snprintf(t, sizeof(t), "–");
    else
        snprintf(t, sizeof(t), "%.*f", decimals, v);
    web_td(b, t, true);
}

static void cell_count(struct safer_buf *b, int64_t v, bool hidden)
{
    char t[32];
    if (hidden)
        snprintf(t, sizeof(t), "[c]");
    else
        snprintf(t, sizeof(t), "%lld", (long long)v);
    web_td(b, t, true);
}

static void table_begin(struct safer_buf *b, const char *caption)
{
    safer_html_raw(b, "<div class=\"safer-table-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"");
    safer_html_attr(b, caption);
    safer_html_raw(b, "\"><table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                      "govuk-table__caption--m\">");
    safer_html_text(b, caption);
    safer_html_raw(b, "</caption><thead class=\"govuk-table__head\">"
                      "<tr class=\"govuk-table__row\">");
}

static void table_body(struct safer_buf *b)
{
    safer_html_raw(b, "</tr></thead><tbody class=\"govuk-table__body\">");
}

static void table_end(struct safer_buf *b)
{
    safer_html_raw(b, "</tbody></table></div>");
}

static void row_begin(struct safer_buf *b, const char *head)
{
    safer_html_raw(b, "<tr class=\"govuk-table__row\"><th scope=\"row\" "
                      "class=\"govuk-table__header\">");
    safer_html_text(b, head);
    safer_html_raw(b, "</th>");
}

/* The page saying no visits are loaded (200: nothing is wrong). */
static void none_loaded(struct safer_buf *b)
{
    safer_html_raw(b, "<div class=\"govuk-inset-text\">No service visits are loaded. Import a "
                      "service's visits with <code>safer import visits FILE.csv --map "
                      "MAP.json</code> and its venues with <code>safer import venues</code> "
                      "(docs/services.md).</div>");
}

static int load(struct web_req *req, struct safer_visits *v, int64_t *hide_min)
{
    return safer_visits_live(req->st, &req->actor, v, hide_min, &req->err);
}

/* ---- GET /services ---- */

static void heatmap(struct safer_buf *b, const struct safer_visits *v)
{
    int64_t cells[7][24];
    safer_visits_heatmap(v, cells);
    struct safer_svg_opts o = {.id = "services-heatmap",
                               .title = "Visits by weekday and hour of the day"};
    struct safer_err e = {0};
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">When people come</h2><figure "
                      "class=\"safer-figure\">");
    if (safer_visits_svg_heatmap(b, &o, cells, &e) < 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">The heat map cannot be drawn: ");
        safer_html_text(b, e.msg);
        safer_html_raw(b, ".</p>");
    }
    safer_html_raw(b, "<figcaption class=\"govuk-body-s\">The darker the square, the more "
                      "visits began in that hour.</figcaption></figure>"
                      "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\">"
                      "<span class=\"govuk-details__summary-text\">The heat map's figures</span>"
                      "</summary><div class=\"govuk-details__text\">");
    table_begin(b, "Visits by hour and weekday");
    web_th(b, "Hour", false);
    for (int d = 0; d < 7; d++)
        web_th(b, safer_visits_weekday(d), true);
    table_body(b);
    for (int h = 0; h < 24; h++) {
        char hr[8];
        snprintf(hr, sizeof(hr), "%02d:00", h);
        row_begin(b, hr);
        for (int d = 0; d < 7; d++)
            cell_count(b, cells[d][h], false);
        safer_html_raw(b, "</tr>");
    }
    table_end(b);
    safer_html_raw(b, "</div></details>");
}

static void trend(struct safer_buf *b, const struct safer_visits *v)
{
    int32_t first;
    int64_t *c;
    size_t n;
    safer_visits_trend(v, &first, &c, &n);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Visits by month</h2>");
    table_begin(b, "Visits by month");
    web_th(b, "Month", false);
    web_th(b, "Visits", true);
    table_body(b);
    for (size_t i = 0; i < n; i++) {
        char m[16];
        int32_t mi = first + (int32_t)i;
        snprintf(m, sizeof(m), "%04d-%02d", (int)(mi / 12), (int)(mi % 12) + 1);
        row_begin(b, m);
        cell_count(b, c[i], false);
        safer_html_raw(b, "</tr>");
    }
    table_end(b);
    free(c);
}

static void band_name(char *out, size_t n, const struct safer_visits_band *x)
{
    if (isfinite(x->hi))
        snprintf(out, n, "%g to under %g km", x->lo / 1000, x->hi / 1000);
    else
        snprintf(out, n, "%g km or more", x->lo / 1000);
}

static void wards(struct safer_buf *b, const struct safer_visits *v, int64_t hide_min)
{
    bool *hidden = calloc(v->nwards + 1, sizeof(bool));
    if (!hidden)
        return;
    size_t nhidden = safer_visits_hide(v, hide_min, hidden);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Who comes, and who does not</h2>"
                      "<p class=\"govuk-body\">Visits per 1,000 residents of each home ward, "
                      "beside the straight-line distance from the ward's centre to the nearest "
                      "existing venue. A rate that falls with distance suggests that those who "
                      "live farther away come less.</p>");
    table_begin(b, "Visits by home ward");
    web_th(b, "Ward", false);
    web_th(b, "Visits", true);
    web_th(b, "Residents", true);
    web_th(b, "Visits per 1,000 residents", true);
    web_th(b, "Distance to the venue (m)", true);
    table_body(b);
    for (size_t i = 0; i < v->nwards; i++) {
        const struct safer_visit_ward *w = &v->wards[i];
        row_begin(b, w->name);
        cell_count(b, w->visits, hidden[i]);
        cell_num(b, w->residents, 0);
        if (hidden[i])
            web_td(b, "[c]", true);
        else
            cell_num(b, w->residents > 0 ? 1000.0 * (double)w->visits / w->residents : NAN, 2);
        cell_num(b, w->distance, 0);
        safer_html_raw(b, "</tr>");
    }
    table_end(b);
    struct safer_visits_band bands[SAFER_VISITS_NBANDS];
    safer_visits_bands(v, hidden, bands);
    table_begin(b, "Visits per 1,000 residents by distance from the venue");
    web_th(b, "Distance of the ward's centre", false);
    web_th(b, "Wards", true);
    web_th(b, "Visits", true);
    web_th(b, "Residents", true);
    web_th(b, "Visits per 1,000 residents", true);
    table_body(b);
    for (int k = 0; k < SAFER_VISITS_NBANDS; k++) {
        char name[48];
        band_name(name, sizeof(name), &bands[k]);
        row_begin(b, name);
        cell_count(b, (int64_t)bands[k].wards, false);
        cell_count(b, bands[k].visits, bands[k].hidden);
        cell_num(b, bands[k].residents, 0);
        if (bands[k].hidden)
            web_td(b, "[c]", true);
        else
            cell_num(b, bands[k].rate, 2);
        safer_html_raw(b, "</tr>");
    }
    table_end(b);
    if (nhidden) {
        char t[200];
        snprintf(t, sizeof(t),
                 "[c]: a count from 1 to %lld, or one hidden so that those cannot be worked "
                 "out, and every figure made from it.",
                 (long long)hide_min - 1);
        safer_html_raw(b, "<p class=\"govuk-body-s\">");
        safer_html_text(b, t);
        safer_html_raw(b, "</p>");
    }
    free(hidden);
}

static void repeat(struct safer_buf *b, const struct safer_visits *v)
{
    struct safer_visits_repeat r;
    safer_visits_repeat(v, 28, &r);
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">Repeat visitors</h2>");
    if (r.visitors == 0) {
        safer_html_raw(b, "<p class=\"govuk-body\">The visits loaded carry no visitor id, so "
                          "repeat visits cannot be counted.</p>");
        return;
    }
    char t[64];
    web_summary_begin(b);
    snprintf(t, sizeof(t), "%zu", r.visits_with_id);
    web_summary_row(b, "Visits with a visitor id", t);
    snprintf(t, sizeof(t), "%zu", r.visitors);
    web_summary_row(b, "Visitors", t);
    snprintf(t, sizeof(t), "%.3f", r.mean);
    web_summary_row(b, "Visits per visitor", t);
    snprintf(t, sizeof(t), "%zu", r.visitors - r.by_count[0]);
    web_summary_row(b, "Visitors who came more than once", t);
    snprintf(t, sizeof(t), "%zu of %zu", r.returned, r.eligible);
    web_summary_row(b, "Came back within 28 days of their first visit", t);
    if (isfinite(r.share))
        snprintf(t, sizeof(t), "%.4f", r.share);
    else
        snprintf(t, sizeof(t), "not defined");
    web_summary_row(b, "Share who came back within 28 days", t);
    web_summary_end(b);
    safer_html_raw(b, "<p class=\"govuk-body-s\">Only visitors whose first visit was at least 28 "
                      "days before the last day of the data count, so that each had 28 days "
                      "in which to come back.</p>");
}

int page_services_get(struct web_req *req, struct web_resp *resp)
{
    struct safer_visits v;
    int64_t hide_min;
    int rc = load(req, &v, &hide_min);
    if (rc < 0)
        return rc;
    struct safer_buf *b = &resp->body;
    resp->private_page = true;
    web_page_begin(req, resp, "Services and who uses them", NULL);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Services and who uses them</h1>");
    if (v.n == 0) {
        none_loaded(b);
    } else {
        char t[64];
        web_summary_begin(b);
        snprintf(t, sizeof(t), "%zu", v.n);
        web_summary_row(b, "Visits", t);
        snprintf(t, sizeof(t), "%zu", v.unresolved);
        web_summary_row(b, "Without a ward (home area not placed)", t);
        web_summary_end(b);
        heatmap(b, &v);
        trend(b, &v);
        wards(b, &v, hide_min);
        repeat(b, &v);
        safer_html_raw(b, "<p class=\"govuk-body\"><a class=\"govuk-link\" "
                          "href=\"/services/pop-up\">Choose pop-up sites</a></p>");
    }
    web_page_end(req, resp);
    safer_visits_release(&v);
    return 0;
}

/* ---- GET /services/pop-up ---- */

struct popup_form {
    const char *p, *distance, *objective, *demand; /* as given, for the form */
    struct safer_popup_opts o;
};

static const char *const P_VALUES[] = {"1", "2", "3", "4"};
static const char *const OBJ_VALUES[] = {"cover", "median"};
static const char *const OBJ_LABELS[] = {"Most demand within the distance",
                                         "Least demand-weighted distance (p-median)"};
static const char *const DEM_VALUES[] = {"residents", "visitors", "records"};
static const char *const DEM_LABELS[] = {
    "Residents of each ward, at its centre", "Past visitors, at their home postcode",
    "Police-recorded violence and sexual offences of the latest 12 months, by ward"};

static void popup_form_html(struct safer_buf *b, const struct safer_field_errors *fe,
                            const struct popup_form *f)
{
    safer_html_raw(b, "<form method=\"get\" action=\"/services/pop-up\" novalidate>");
    web_select(b, fe, "p", "Pop-up sites to choose", "1 to 4, besides the existing venue",
               P_VALUES, P_VALUES, 4, NULL, f->p);
    web_input(b, fe, "distance", "Travel distance (metres)",
              "Straight-line metres in British National Grid, for the most demand within it",
              "text", f->distance, NULL);
    web_select(b, fe, "objective", "Objective", NULL, OBJ_VALUES, OBJ_LABELS, 2, NULL,
               f->objective);
    web_select(b, fe, "demand", "Demand",
               "police.uk has no domestic abuse flag: violence and sexual offences hold most "
               "of the domestic abuse the police record, and other violence too",
               DEM_VALUES, DEM_LABELS, 3, NULL, f->demand);
    safer_html_raw(b, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" "
                      "data-module=\"govuk-button\">Choose sites</button></form>");
}

static bool whole(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static void popup_result(struct safer_buf *b, const struct popup_form *f,
                         const struct safer_popup_answer *a)
{
    char t[160];
    safer_html_raw(b, "<h2 class=\"govuk-heading-m\">The sites</h2><ol class=\"govuk-list "
                      "govuk-list--number\" id=\"popup-sites\">");
    for (int k = 0; k < a->r.p; k++) {
        safer_html_raw(b, "<li>");
        safer_html_text(b, a->chosen[k]);
        safer_html_raw(b, "</li>");
    }
    safer_html_raw(b, "</ol>");
    web_summary_begin(b);
    web_summary_row(b, "Existing venue", a->existing_names);
    snprintf(t, sizeof(t), "%.0f", a->r.total);
    web_summary_row(b, "Demand in all", t);
    if (f->o.objective == SAFER_POPUP_COVER) {
        snprintf(t, sizeof(t), "%.0f", a->r.existing);
        web_summary_row(b, "Within the distance of the existing venue", t);
        snprintf(t, sizeof(t), "%.0f", a->r.objective);
        web_summary_row(b, "Within the distance with the sites", t);
    } else {
        if (isfinite(a->r.existing) && a->r.total > 0)
            snprintf(t, sizeof(t), "%.0f", a->r.existing / a->r.total);
        else
            snprintf(t, sizeof(t), "–");
        web_summary_row(b, "Mean distance to the existing venue (m)", t);
        snprintf(t, sizeof(t), "%.0f", a->r.total > 0 ? a->r.objective / a->r.total : NAN);
        web_summary_row(b, "Mean distance with the sites (m)", t);
    }
    snprintf(t, sizeof(t), "%zu", a->dropped);
    web_summary_row(b, "Demand left out (no place)", t);
    web_summary_end(b);
    safer_html_raw(b, "<div class=\"govuk-inset-text\" id=\"popup-proof\">Proved best: ");
    safer_html_text(b, a->proof);
    safer_html_raw(b, ".</div>");
}

int page_services_popup_get(struct web_req *req, struct web_resp *resp)
{
    struct popup_form f = {.p = web_param(&req->query, "p"),
                           .distance = web_param(&req->query, "distance"),
                           .objective = web_param(&req->query, "objective"),
                           .demand = web_param(&req->query, "demand")};
    if (!f.p || !*f.p)
        f.p = "2";
    if (!f.distance || !*f.distance)
        f.distance = "3000";
    if (!f.objective || !*f.objective)
        f.objective = "cover";
    if (!f.demand || !*f.demand)
        f.demand = "residents";
    struct safer_field_errors fe = {0};
    long p = 0, d = 0;
    if (!whole(f.p, 1, SAFER_POPUP_MAX_P, &p))
        web_field_error_add(&fe, "p", "Choose 1, 2, 3 or 4 sites");
    if (!whole(f.distance, 1, 100000, &d))
        web_field_error_add(&fe, "distance", "Enter the distance as whole metres from 1 to 100000");
    f.o.p = (int)p;
    f.o.distance = (double)d;
    f.o.objective = safer_popup_objective_parse(f.objective);
    f.o.demand = safer_popup_demand_parse(f.demand);
    if (!f.o.objective)
        web_field_error_add(&fe, "objective", "Choose an objective the form offers");
    if (!f.o.demand)
        web_field_error_add(&fe, "demand", "Choose a demand the form offers");

    struct safer_buf *b = &resp->body;
    resp->private_page = true;
    if (fe.n) {
        resp->status = 400;
        web_page_begin(req, resp, "Pop-up sites", &fe);
        web_error_summary(b, &fe);
        safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Pop-up sites</h1>");
        popup_form_html(b, &fe, &f);
        web_page_end(req, resp);
        return 0;
    }
    struct safer_visits v;
    int64_t hide_min;
    int rc = load(req, &v, &hide_min);
    if (rc < 0)
        return rc;
    struct safer_popup_answer a;
    struct safer_err why = {0};
    int prc = v.n || v.nvenues ? safer_visits_popup(&v, &f.o, &a, &why) : SAFER_ENOTFOUND;
    if (prc == SAFER_EINVAL) {
        /* p more than the candidates: a value this store cannot take. */
        web_field_error_add(&fe, "p", why.msg);
        resp->status = 400;
    }
    web_page_begin(req, resp, "Pop-up sites", fe.n ? &fe : NULL);
    web_error_summary(b, &fe);
    safer_html_raw(b, "<h1 class=\"govuk-heading-l\">Pop-up sites</h1><p class=\"govuk-body\">"
                      "Choose candidate venues for pop-up sessions that, with the existing "
                      "venue, bring the most demand within a travel distance, or leave the "
                      "least distance to travel. Every set of candidates is evaluated, so the "
                      "answer is the best, not an estimate (docs/statistics.md, Pop-up "
                      "sites).</p>");
    popup_form_html(b, &fe, &f);
    if (prc == 0)
        popup_result(b, &f, &a);
    else if (prc != SAFER_EINVAL && v.n == 0 && v.nvenues == 0)
        none_loaded(b);
    else if (prc != SAFER_EINVAL) {
        safer_html_raw(b, "<div class=\"govuk-inset-text\">No sites can be chosen: ");
        safer_html_text(b, why.msg);
        safer_html_raw(b, ".</div>");
    }
    web_page_end(req, resp);
    safer_visits_release(&v);
    return 0;
}
