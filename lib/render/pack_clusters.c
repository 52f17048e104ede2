/*
 * pack_clusters.c - the ward-cluster members' packs (clusters.h): one HTML
 * document, one printed A4 page a cluster of the assessment's ward
 * clusters (safer_ward_clusters()), for the elected members of its wards.
 *
 * A page holds the cluster's wards with their key figures (residents,
 * records and records per 1,000 residents in the latest window, the mean
 * IMD decile of their LSOAs), its records per 1,000 of each major category
 * beside the area's, and its priorities: the major categories whose rate
 * in the cluster most exceeds the area's (at most three, each at least 10%
 * above). Only the assessment's figures appear: no record, no person.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/assess.h"
#include "safer/clusters.h"
#include "safer/html.h"

#define PRIORITY_RATIO 1.1
#define PRIORITIES 3

static const char CSS[] =
    "body{font-family:Arial,Helvetica,'Liberation Sans',sans-serif;color:#0b0c0c;"
    "max-width:60em;margin:0 auto;padding:1em 1.5em;line-height:1.4;font-size:16px}"
    "h1{font-size:1.8em;margin:.4em 0 .2em}h2{font-size:1.4em;margin-top:1.4em;"
    "border-top:2px solid #0b0c0c;padding-top:.4em}h3{font-size:1.1em;margin:1em 0 .3em}"
    ".meta{color:#505a5f}"
    "table{border-collapse:collapse;margin:.4em 0 1em;font-size:.9em;width:100%}"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}"
    "th,td{border-bottom:1px solid #b1b4b6;padding:.2em .5em;text-align:left;vertical-align:top}"
    "th{background:#f3f2f1}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{max-width:none;padding:0;font-size:10pt}"
    "section.cluster{break-before:page}h2{border-top:0}h1,h2,h3{break-after:avoid}"
    "tr{break-inside:avoid}}";

static void rate(struct safer_buf *h, double v)
{
    if (isfinite(v))
        safer__report_dec(h, v, 1, false);
    else
        safer_html_raw(h, "&#8211;");
}

static void page(struct safer_buf *h, const struct safer_assessment *a,
                 const struct safer_ward_clusters *wc, uint32_t k, const double *area_rate)
{
    const struct safer_clusters *c = &wc->result;
    const struct safer_attributes *at = &wc->attr;
    size_t d = at->d, n = a->nwards;
    /* The categories are the attributes before the deprivation column. */
    size_t ncat = d;
    if (ncat && strcmp(at->name[ncat - 1], "IMD decile (mean)") == 0)
        ncat--;
    double pop = 0.0;
    int64_t records = 0;
    double *cat = safer__xcalloc(ncat ? ncat : 1, sizeof(double));
    for (size_t w = 0; w < n; w++) {
        if (c->cluster[w] != k)
            continue;
        pop += a->population[w];
        records += a->ward_latest[w];
        for (size_t j = 0; j < ncat; j++)
            cat[j] += at->x[w * d + j] * a->population[w] / 1000.0; /* back to records */
    }
    safer_html_raw(h, "<section class=\"cluster\"><h2>Cluster ");
    safer__report_int(h, (long long)k + 1);
    safer_html_raw(h, ": ");
    bool first = true;
    for (size_t w = 0; w < n; w++) {
        if (c->cluster[w] != k)
            continue;
        if (!first)
            safer_html_text(h, ", ");
        safer_html_text(h, a->wards[w].name ? a->wards[w].name : a->wards[w].code);
        first = false;
    }
    safer_html_raw(h, "</h2><p>");
    safer__report_int(h, (long long)c->size[k]);
    if (c->size[k] == 1)
        safer_html_raw(h, " ward, ");
    else
        safer_html_raw(h, " neighbouring wards, ");
    safer__report_int(h, (long long)llround(pop));
    safer_html_raw(h, " residents; ");
    safer__report_int(h, (long long)records);
    safer_html_raw(h, " records in ");
    safer__report_window(h, a->l12_start, a->latest);
    safer_html_raw(h, ", ");
    rate(h, 1000.0 * (double)records / pop);
    safer_html_raw(h, " per 1,000 residents against ");
    rate(h, area_rate[ncat]);
    safer_html_raw(h, " in the whole area.</p>");

    /* Priorities: the categories most above the area's rate. */
    size_t pick[PRIORITIES], npick = 0;
    bool *used = safer__xcalloc(ncat ? ncat : 1, sizeof(bool));
    while (npick < PRIORITIES) {
        size_t best = SIZE_MAX;
        double best_ratio = PRIORITY_RATIO;
        for (size_t j = 0; j < ncat; j++) {
            double r = 1000.0 * cat[j] / pop / area_rate[j];
            if (!used[j] && area_rate[j] > 0.0 && r >= best_ratio) {
                best = j;
                best_ratio = r;
            }
        }
        if (best == SIZE_MAX)
            break;
        used[best] = true;
        pick[npick++] = best;
    }
    free(used);
    safer_html_raw(h, "<h3>The cluster's priorities</h3>");
    if (npick == 0) {
        safer_html_raw(h, "<p>No major category's rate here is 10% or more above the "
                          "area's.</p>");
    } else {
        safer_html_raw(h, "<ol>");
        for (size_t q = 0; q < npick; q++) {
            size_t j = pick[q];
            safer_html_raw(h, "<li>");
            safer_html_text(h, at->name[j]);
            safer_html_raw(h, ": ");
            rate(h, 1000.0 * cat[j] / pop);
            safer_html_raw(h, " per 1,000 residents, ");
            safer__report_dec(h, 1000.0 * cat[j] / pop / area_rate[j], 1, false);
            safer_html_raw(h, " times the area's ");
            rate(h, area_rate[j]);
            safer_html_raw(h, ".</li>");
        }
        safer_html_raw(h, "</ol>");
    }

    safer_html_raw(h, "<table><caption>The wards</caption><thead><tr><th scope=\"col\">Ward"
                      "</th><th scope=\"col\" class=\"n\">Residents</th><th scope=\"col\" "
                      "class=\"n\">Records</th><th scope=\"col\" class=\"n\">Per 1,000</th>");
    if (ncat < d)
        safer_html_raw(h, "<th scope=\"col\" class=\"n\">IMD decile (mean; 1 most "
                          "deprived)</th>");
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t w = 0; w < n; w++) {
        if (c->cluster[w] != k)
            continue;
        safer_html_raw(h, "<tr><td>");
        safer_html_text(h, a->wards[w].name ? a->wards[w].name : a->wards[w].code);
        safer_html_raw(h, "</td><td class=\"n\">");
        safer__report_int(h, (long long)llround(a->population[w]));
        safer_html_raw(h, "</td><td class=\"n\">");
        safer__report_int(h, (long long)a->ward_latest[w]);
        safer_html_raw(h, "</td><td class=\"n\">");
        rate(h, 1000.0 * (double)a->ward_latest[w] / a->population[w]);
        if (ncat < d) {
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_dec(h, at->x[w * d + ncat], 1, false);
        }
        safer_html_raw(h, "</td></tr>");
    }
    safer_html_raw(h, "</tbody></table>");

    safer_html_raw(h, "<table><caption>Records per 1,000 residents by major category"
                      "</caption><thead><tr><th scope=\"col\">Category</th><th scope=\"col\" "
                      "class=\"n\">This cluster</th><th scope=\"col\" class=\"n\">The area"
                      "</th></tr></thead><tbody>");
    for (size_t j = 0; j < ncat; j++) {
        safer_html_raw(h, "<tr><td>");
        safer_html_text(h, at->name[j]);
        safer_html_raw(h, "</td><td class=\"n\">");
        rate(h, 1000.0 * cat[j] / pop);
        safer_html_raw(h, "</td><td class=\"n\">");
        rate(h, area_rate[j]);
        safer_html_raw(h, "</td></tr>");
    }
    safer_html_raw(h, "</tbody></table></section>");
    free(cat);
}

int safer_cluster_packs_render(const struct safer_assessment *a, struct safer_buf *h,
                               struct safer_err *err)
{
    struct safer_ward_clusters wc;
    int rc = safer_ward_clusters(a, SAFER_CLUSTERS_WARD_SIZE, &wc, err);
    if (rc < 0)
        return rc;
    const struct safer_attributes *at = &wc.attr;
    size_t d = at->d;
    /* The area's rates: every study ward's records over every resident;
     * the last entry all records. */
    double *area_rate = safer__xcalloc(d + 1, sizeof(double));
    double pop = 0.0, all = 0.0;
    for (size_t w = 0; w < a->nwards; w++) {
        pop += a->population[w];
        all += (double)a->ward_latest[w];
        for (size_t j = 0; j < d; j++)
            area_rate[j] += at->x[w * d + j] * a->population[w] / 1000.0;
    }
    for (size_t j = 0; j < d; j++)
        area_rate[j] = 1000.0 * area_rate[j] / pop;
    size_t ncat = d;
    if (ncat && strcmp(at->name[ncat - 1], "IMD decile (mean)") == 0)
        ncat--;
    area_rate[ncat] = 1000.0 * all / pop;

    const char *area = a->area_name ? a->area_name : a->title;
    safer_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                      "'none'; style-src 'unsafe-inline'\"><title>Ward cluster packs: ");
    safer_html_text(h, area ? area : "");
    safer_html_raw(h, "</title><style>");
    safer_buf_put(h, CSS, sizeof(CSS) - 1);
    safer_html_raw(h, "</style></head><body><h1>Ward cluster packs</h1><p class=\"meta\">");
    safer_html_text(h, area ? area : "");
    safer_html_raw(h, ": ");
    safer__report_int(h, (long long)a->nwards);
    safer_html_raw(h, " wards in ");
    safer__report_int(h, (long long)wc.result.k);
    safer_html_raw(h, " clusters of up to 4 similar neighbours (on the rates of the major "
                      "categories and deprivation; ");
    if (wc.result.proved)
        safer_html_raw(h, "the least spread, proved");
    else
        safer_html_raw(h, "the best grouping found, not proved the least");
    safer_html_raw(h, "). A page a cluster; figures from the strategic assessment, ");
    safer__report_window(h, a->l12_start, a->latest);
    safer_html_raw(h, ".</p>");
    for (uint32_t k = 0; k < wc.result.k; k++)
        page(h, a, &wc, k, area_rate);
    safer_html_raw(h, "</body></html>\n");
    free(area_rate);
    safer_ward_clusters_release(&wc);
    if (safer_buf_error(h))
        return safer_err_set(err, safer_buf_error(h), "the cluster packs are too large");
    return 0;
}
