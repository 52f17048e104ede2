/*
 * report_visits.c - the section "Services and who uses them": when and
 * from where people use a service such as the domestic abuse
 * one-stop-shop, who does not come, and where pop-up sessions would reach
 * more (docs/services.md; definitions in docs/statistics.md, Service usage
 * and Pop-up sites).
 *
 * The section is unnumbered: it sits beside the police.uk sections rather
 * than among them. With no visits loaded it says so plainly. In the public
 * edition a ward's count of 1 to public_min - 1 visits, its rate, what
 * would give it away (safer_visits_hide) and the distance bands that hold
 * one show "[c]".
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/html.h"
#include "safer/svg.h"
#include "safer/visits.h"
#include "util/civil.h"
#include "util/internal.h"

static void date(struct safer_buf *h, int32_t day)
{
    int y, m, d;
    safer__civil_from_days(day, &y, &m, &d);
    safer_buf_putf(h, "%d ", d);
    safer__report_month(h, safer__month_index(y, m));
}

static void table_open(struct safer_buf *h, const char *label)
{
    safer_html_raw(h, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
    safer_html_attr(h, label);
    safer_html_raw(h, "\"><table><caption>");
    safer_html_text(h, label);
    safer_html_raw(h, "</caption>");
}

static void heatmap(struct safer_buf *h, const struct safer_visits *v)
{
    int64_t cells[7][24];
    safer_visits_heatmap(v, cells);
    struct safer_svg_opts o = {.id = "services-heatmap",
                               .title = "Visits by weekday and hour of the day"};
    struct safer_err e = {0};
    safer_html_raw(h, "<figure><div class=\"fig-scroll\" tabindex=\"0\" role=\"region\" "
                      "aria-label=\"Heat map of visits, scrolls sideways\">");
    int rc = safer_visits_svg_heatmap(h, &o, cells, &e);
    safer__report_figure_drawn(h, rc, &e);
    safer_html_raw(h, "</div>");
    safer_html_raw(h, "<figcaption>Visits by weekday and hour of the day, all visits loaded: "
                      "the darker the square, the more visits began in that hour.</figcaption>"
                      "</figure><details><summary>Table behind the heat map</summary>");
    table_open(h, "Visits by weekday and hour");
    safer_html_raw(h, "<thead><tr><th scope=\"col\">Hour</th>");
    for (int d = 0; d < 7; d++) {
        safer_html_raw(h, "<th scope=\"col\" class=\"num\">");
        safer_html_text(h, safer_visits_weekday(d));
        safer_html_raw(h, "</th>");
    }
    safer_html_raw(h, "</tr></thead><tbody>");
    for (int hr = 0; hr < 24; hr++) {
        safer_buf_putf(h, "<tr><th scope=\"row\">%02d:00</th>", hr);
        for (int d = 0; d < 7; d++) {
            safer_html_raw(h, "<td class=\"num\">");
            safer__report_int(h, (long long)cells[d][hr]);
            safer_html_raw(h, "</td>");
        }
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "</tbody></table></div></details>");
}

static void trend(struct safer_buf *h, const struct safer_visits *v)
{
    int32_t first;
    int64_t *c;
    size_t n;
    safer_visits_trend(v, &first, &c, &n);
    char (*labels)[8] = safer__xcalloc(n + 1, 8);
    const char **lp = safer__xcalloc(n + 1, sizeof(char *));
    double *vals = safer__xcalloc(n + 1, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        safer__format_month(first + (int32_t)i, labels[i]);
        lp[i] = labels[i];
        vals[i] = (double)c[i];
    }
    struct safer_svg_series s = {.name = "Visits", .values = vals};
    struct safer_svg_line_chart ch = {
        .months = lp, .nmonths = n, .series = &s, .nseries = 1, .y_label = "Visits per month"};
    struct safer_svg_opts o = {.id = "services-trend", .title = "Visits by month"};
    safer_html_raw(h, "<figure>");
    safer__report_figure(h, &o, (struct safer__report_fig){.line = &ch});
    safer_html_raw(h, "<figcaption>Visits by calendar month.</figcaption></figure>"
                      "<details><summary>Table behind the trend</summary>");
    table_open(h, "Visits by month");
    safer_html_raw(h, "<thead><tr><th scope=\"col\">Month</th><th scope=\"col\" class=\"num\">"
                      "Visits</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer__report_month(h, first + (int32_t)i);
        safer_html_raw(h, "</th><td class=\"num\">");
        safer__report_int(h, (long long)c[i]);
        safer_html_raw(h, "</td></tr>");
    }
    safer_html_raw(h, "</tbody></table></div></details>");
    free(labels);
    free(lp);
    free(vals);
    free(c);
}

static void km(struct safer_buf *h, double metres)
{
    if (isfinite(metres))
        safer__report_dec(h, metres / 1000.0, 1, false);
    else
        safer_html_raw(h, "not known");
}

static void wards(struct safer_buf *h, const struct safer_assessment *a, const bool *hidden,
                  size_t nhidden)
{
    const struct safer_visits *v = a->visits;
    table_open(h, "Visits by home ward");
    safer_html_raw(h, "<thead><tr><th scope=\"col\">Ward</th><th scope=\"col\" class=\"num\">"
                      "Visits</th><th scope=\"col\" class=\"num\">Residents</th>"
                      "<th scope=\"col\" class=\"num\">Visits per 1,000 residents</th>"
                      "<th scope=\"col\" class=\"num\">Distance to the venue (km)</th></tr>"
                      "</thead><tbody>");
    for (size_t i = 0; i < v->nwards; i++) {
        const struct safer_visit_ward *w = &v->wards[i];
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer_html_text(h, w->name);
        safer_html_raw(h, "</th><td class=\"num\">");
        safer__report_count(h, (long long)w->visits, hidden[i]);
        safer_html_raw(h, "</td><td class=\"num\">");
        if (isfinite(w->residents))
            safer__report_int(h, (long long)llround(w->residents));
        safer_html_raw(h, "</td><td class=\"num\">");
        if (hidden[i])
            safer_html_raw(h, SAFER__REPORT_HIDDEN);
        else if (isfinite(w->residents) && w->residents > 0)
            safer__report_dec(h, 1000.0 * (double)w->visits / w->residents, 2, false);
        safer_html_raw(h, "</td><td class=\"num\">");
        km(h, w->distance);
        safer_html_raw(h, "</td></tr>");
    }
    safer_html_raw(h, "</tbody></table></div>");
    if (nhidden)
        safer__report_hidden_note(h, a);

    struct safer_visits_band bands[SAFER_VISITS_NBANDS];
    safer_visits_bands(v, hidden, bands);
    table_open(h, "Visits per 1,000 residents by distance from the venue");
    safer_html_raw(h, "<thead><tr><th scope=\"col\">Distance of the ward's centre</th>"
                      "<th scope=\"col\" class=\"num\">Wards</th><th scope=\"col\" "
                      "class=\"num\">Visits</th><th scope=\"col\" class=\"num\">Residents</th>"
                      "<th scope=\"col\" class=\"num\">Visits per 1,000 residents</th></tr>"
                      "</thead><tbody>");
    for (int b = 0; b < SAFER_VISITS_NBANDS; b++) {
        const struct safer_visits_band *x = &bands[b];
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer__report_dec(h, x->lo / 1000, 0, false);
        if (isfinite(x->hi)) {
            safer_html_raw(h, " to under ");
            safer__report_dec(h, x->hi / 1000, 0, false);
            safer_html_raw(h, " km");
        } else {
            safer_html_raw(h, " km or more");
        }
        safer_html_raw(h, "</th><td class=\"num\">");
        safer__report_int(h, (long long)x->wards);
        safer_html_raw(h, "</td><td class=\"num\">");
        safer__report_count(h, (long long)x->visits, x->hidden);
        safer_html_raw(h, "</td><td class=\"num\">");
        safer__report_int(h, (long long)llround(x->residents));
        safer_html_raw(h, "</td><td class=\"num\">");
        if (x->hidden)
            safer_html_raw(h, SAFER__REPORT_HIDDEN);
        else if (isfinite(x->rate))
            safer__report_dec(h, x->rate, 2, false);
        safer_html_raw(h, "</td></tr>");
    }
    safer_html_raw(h, "</tbody></table></div>");
}

static void repeat(struct safer_buf *h, const struct safer_visits *v)
{
    struct safer_visits_repeat r;
    safer_visits_repeat(v, 28, &r);
    safer_html_raw(h, "<h3>Repeat visitors</h3><p>");
    if (r.visitors == 0) {
        safer_html_raw(h, "The visits loaded carry no visitor id, so repeat visits cannot be "
                          "counted.</p>");
        return;
    }
    safer__report_int(h, (long long)r.visits_with_id);
    safer_html_raw(h, " visits carry a pseudonymous visitor id, by ");
    safer__report_int(h, (long long)r.visitors);
    safer_html_raw(h, " visitors: ");
    safer__report_dec(h, r.mean, 2, false);
    safer_html_raw(h, " visits each on average; ");
    safer__report_int(h, (long long)(r.visitors - r.by_count[0]));
    safer_html_raw(h, " came more than once. ");
    if (r.eligible) {
        safer_html_raw(h, "Of the ");
        safer__report_int(h, (long long)r.eligible);
        safer_html_raw(h, " whose first visit was at least 28 days before the last day of the "
                          "data, ");
        safer__report_int(h, (long long)r.returned);
        safer_html_raw(h, " (");
        safer__report_dec(h, 100.0 * r.share, 0, false);
        safer_html_raw(h, "%");
        safer_html_raw(h, ") came back within 28 days.");
    }
    safer_html_raw(h, "</p>");
}

static void popup(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h3>Where pop-up sessions would reach more people</h3>");
    const struct safer_popup_answer *p = a->popup;
    if (!p) {
        safer_html_raw(h, "<p>No pop-up proposal could be made: ");
        safer_html_text(h, a->popup_why[0] ? a->popup_why : "no candidate venues are loaded");
        safer_html_raw(h, ".</p>");
        return;
    }
    safer_html_raw(h, "<p>Of the ");
    safer__report_int(h, (long long)p->ncandidates);
    safer_html_raw(h, " candidate venues, the ");
    safer__report_int(h, (long long)p->r.p);
    safer_html_raw(h, " that with the existing venue (");
    safer_html_text(h, p->existing_names);
    safer_html_raw(h, ") bring the most residents within 3 km in a straight line are: ");
    for (int k = 0; k < p->r.p; k++) {
        if (k && k + 1 == p->r.p)
            safer_html_raw(h, " and ");
        else if (k)
            safer_html_raw(h, ", ");
        safer_html_raw(h, "<strong>");
        safer_html_text(h, p->chosen[k]);
        safer_html_raw(h, "</strong>");
    }
    safer_html_raw(h, ". Residents within 3 km of a venue would rise from ");
    safer__report_int(h, (long long)llround(p->r.existing));
    safer_html_raw(h, " to ");
    safer__report_int(h, (long long)llround(p->r.objective));
    safer_html_raw(h, " of ");
    safer__report_int(h, (long long)llround(p->r.total));
    safer_html_raw(h, " (");
    if (p->r.total > 0) {
        safer__report_dec(h, 100.0 * p->r.objective / p->r.total, 0, false);
        safer_html_raw(h, "%");
    }
    safer_html_raw(h, "), counting each ward's residents at its centre. This is the best "
                      "choice, not an estimate: ");
    safer_html_text(h, p->proof);
    safer_html_raw(h, ". Other objectives (the p-median), distances and demand (past "
                      "visitors) are in the workspace at /services/pop-up and from "
                      "<code>safer visits --popup</code>.</p>");
}

void safer__report_visits(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"services\">Services and who uses them</h2>");
    const struct safer_visits *v = a->visits;
    if (!v || v->n == 0) {
        safer_html_raw(h, "<div class=\"inset\"><p><strong>Not loaded.</strong> No service "
                          "visits are loaded, so this report cannot say when or from where "
                          "people use services such as a domestic abuse advice service, or "
                          "where pop-up sessions would reach those who do not come. Import "
                          "them with <code>safer import visits</code> (docs/services.md).</p>"
                          "</div>");
        return;
    }
    safer_html_raw(h, "<p>");
    safer__report_int(h, (long long)v->n);
    safer_html_raw(h, " visits from ");
    date(h, v->first_day);
    safer_html_raw(h, " to ");
    date(h, v->last_day);
    safer_html_raw(h, ". ");
    if (v->unresolved) {
        safer__report_int(h, (long long)v->unresolved);
        safer_html_raw(h, " of them have a home area that could not be placed in a ward: they "
                          "count in the times and months below, and in no ward.");
    } else {
        safer_html_raw(h, "Every visit's home area was placed in a ward.");
    }
    safer_html_raw(h, " Only the visit's date and time, home area, service, venue and a "
                      "pseudonymous id are held: no names.</p>");
    heatmap(h, v);
    trend(h, v);
    safer_html_raw(h, "<h3>Who comes, and who does not</h3><p>Visits per 1,000 residents of "
                      "each home ward, beside the straight-line distance from the ward's "
                      "centre to the nearest existing venue. A rate that falls with distance "
                      "suggests that those who live farther away come less.</p>");
    bool *hidden = safer__xcalloc(v->nwards + 1, sizeof(bool));
    size_t nhidden = safer_visits_hide(v, safer__report_public_edition(a) ? a->hidden.min : 0,
                                       hidden);
    wards(h, a, hidden, nhidden);
    free(hidden);
    repeat(h, v);
    popup(h, a);
}
