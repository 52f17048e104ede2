/*
 * report_change.c - section 4, change on the previous 12 months.
 *
 * The percentage change of every category and every ward, as a diverging
 * bar chart and a table with the binomial test's p-values. A change is
 * called significant only when the test says so after adjustment and both
 * windows are complete; otherwise the section says the windows are not
 * comparable rather than show a change that may be an artefact of the data.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/html.h"
#include "safer/svg.h"

static const struct safer_change_test *find_test(const struct safer_assessment *a,
                                                 const char *scope, const char *key)
{
    for (size_t i = 0; i < a->ntests; i++) {
        if (strcmp(a->tests[i].scope, scope) == 0 && strcmp(a->tests[i].key, key) == 0)
            return &a->tests[i];
    }
    return NULL;
}

void safer__report_change(struct safer_buf *h, const struct safer_assessment *a)
{
    int comparable = a->latest12_complete && a->prev12_complete;
    safer_html_raw(h, "<h2 id=\"change\">4. Change</h2><p>Latest 12 months (");
    safer__report_window(h, a->l12_start, a->latest);
    safer_html_raw(h, ") against the previous 12 months (");
    safer__report_window(h, a->p12_start, a->p12_end);
    safer_html_raw(h, "). A change is marked significant (*) when an exact binomial test of the "
                      "latest count given the two counts' total rejects \"no change\" after "
                      "Benjamini-Hochberg adjustment over all the tests (adjusted p &lt; 0.05), "
                      "and both windows are complete.</p>");
    safer__report_gap_flag(h, a, 1);

    for (int scope = 0; scope < 2; scope++) {
        size_t n = scope == 0 ? a->ntypes : a->nwards;
        struct safer_svg_bar *bars = safer__xcalloc(n ? n : 1, sizeof(*bars));
        for (size_t i = 0; i < n; i++) {
            int64_t prev = scope == 0 ? a->type_prev[i] : a->ward_prev[i];
            int64_t latest = scope == 0 ? a->type_latest[i] : a->ward_latest[i];
            const char *key = scope == 0 ? a->types[i] : a->wards[i].code;
            const struct safer_change_test *t = find_test(a, scope == 0 ? "type" : "ward", key);
            bars[i].label = scope == 0 ? a->types[i] : a->wards[i].name;
            bars[i].value = prev ? 100.0 * (double)(latest - prev) / (double)prev : NAN;
            bars[i].note = !comparable ? "\u2020" : (t && t->significant ? "*" : NULL);
        }
        struct safer_svg_bar_chart ch = {
            .bars = bars,
            .nbars = n,
            .style = SAFER_SVG_BAR_DIVERGING,
            .decimals = 0,
            .unit = "%",
            .axis_label = "Change on the previous 12 months (%)",
            .footnote = comparable
                            ? "* significant change (adjusted p < 0.05). No value: nothing "
                              "recorded in the previous 12 months."
                            : "\u2020 not comparable: a window has missing or partial months. No "
                              "value: nothing recorded in the previous 12 months."};
        struct safer_svg_opts o = {.id = scope == 0 ? "change-type" : "change-ward",
                                   .title = scope == 0 ? "Figure 3: change by category"
                                                       : "Figure 4: change by ward"};
        safer_html_raw(h, "<figure>");
        struct safer_err e = {0};
        int rc = safer__report_total_prev(a) == 0
                     ? safer_svg_placeholder(h, &o,
                                             "No change to show: nothing was recorded in the "
                                             "previous 12 months",
                                             &e)
                     : safer_svg_bar_chart(h, &o, &ch, &e);
        if (rc < 0)
            safer__report_figure_failed(h, &e, rc);
        if (scope == 0)
            safer_html_raw(h, "<figcaption>Figure 3: percentage change by category.</figcaption>");
        else
            safer_html_raw(h, "<figcaption>Figure 4: percentage change by ward.</figcaption>");
        safer_html_raw(h, "</figure>");
        free(bars);

        safer_html_raw(h, "<table><caption>");
        safer_html_text(h, scope == 0 ? "Change by category (figure 3)" : "Change by ward (figure 4)");
        safer_html_raw(h, "</caption><thead><tr>");
        safer__report_th(h, scope == 0 ? "Category" : "Ward", 0);
        safer__report_th(h, "Previous 12", 1);
        safer__report_th(h, "Latest 12", 1);
        safer__report_th(h, "Change", 1);
        safer__report_th(h, "Change %", 1);
        safer__report_th(h, "p", 1);
        safer__report_th(h, "Adjusted p", 1);
        safer__report_th(h, "Verdict", 0);
        safer_html_raw(h, "</tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            const char *key = scope == 0 ? a->types[i] : a->wards[i].code;
            const struct safer_change_test *t = find_test(a, scope == 0 ? "type" : "ward", key);
            int64_t prev = scope == 0 ? a->type_prev[i] : a->ward_prev[i];
            int64_t latest = scope == 0 ? a->type_latest[i] : a->ward_latest[i];
            safer_html_raw(h, "<tr>");
            if (scope == 0) {
                safer__report_td_text(h, a->types[i]);
            } else {
                safer_html_raw(h, "<td>");
                safer_html_text(h, a->wards[i].name);
                safer_html_raw(h, " <span class=\"meta\">");
                safer_html_text(h, a->wards[i].code);
                safer_html_raw(h, "</span></td>");
            }
            safer__report_td_int(h, prev);
            safer__report_td_int(h, latest);
            safer_html_raw(h, "<td class=\"n\">");
            safer__report_dec(h, (double)(latest - prev), 0, true);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_pct(h, prev, latest);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_p(h, t ? t->p : NAN);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_p(h, t ? t->p_adj : NAN);
            safer_html_raw(h, "</td>");
            if (!comparable)
                safer__report_td_text(h, "not comparable \u2020");
            else if (t && t->significant)
                safer__report_td_text(h, latest > prev ? "significant rise *" : "significant fall *");
            else
                safer__report_td_text(h, "within chance");
            safer_html_raw(h, "</tr>");
        }
        safer_html_raw(h, "</tbody></table>");
    }
}
