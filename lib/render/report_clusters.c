/*
 * report_clusters.c - the report's ward clusters, at the end of section 6:
 * the study wards grouped into the fewest connected clusters of up to 4
 * similar neighbours (safer_ward_clusters(); docs/statistics.md, Ward
 * clusters), as a table of each cluster's wards and a map of the wards
 * labelled with their cluster's number.
 *
 * The table shows no count, so the public edition shows it as it is; the
 * map's shading (records per 1,000 residents) hides what the public
 * edition hides.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/clusters.h"
#include "safer/html.h"

struct rows {
    const struct safer_assessment *a;
    const struct safer_ward_clusters *wc;
};

static void cell_cluster(struct safer_buf *h, const void *data, size_t i)
{
    (void)data;
    safer__report_int(h, (long long)i + 1);
}

static void cell_wards(struct safer_buf *h, const void *data, size_t i)
{
    const struct rows *r = data;
    bool first = true;
    for (size_t w = 0; w < r->a->nwards; w++) {
        if (r->wc->result.cluster[w] != i)
            continue;
        if (!first)
            safer_html_text(h, ", ");
        safer_html_text(h, r->a->wards[w].name ? r->a->wards[w].name : r->a->wards[w].code);
        first = false;
    }
}

static void cell_size(struct safer_buf *h, const void *data, size_t i)
{
    const struct rows *r = data;
    safer__report_int(h, (long long)r->wc->result.size[i]);
}

static void cell_cost(struct safer_buf *h, const void *data, size_t i)
{
    const struct rows *r = data;
    safer__report_dec(h, r->wc->result.cost[i], 2, false);
}

static const struct safer__report_col COLS[] = {
    {"Cluster", true, cell_cluster, NULL, NULL},
    {"Wards", false, cell_wards, NULL, NULL},
    {"Wards in it", true, cell_size, NULL, NULL},
    {"Spread (sum of squares)", true, cell_cost, NULL, NULL},
};

static void map(struct safer_buf *h, const struct safer_assessment *a,
                const struct safer_ward_clusters *wc)
{
    size_t n = a->nwards;
    double *v = safer__xmalloc(sizeof(double) * n);
    char (*num)[12] = safer__xmalloc(sizeof(*num) * n);
    const char **labels = safer__xmalloc(sizeof(char *) * n);
    const char **names = safer__xmalloc(sizeof(char *) * n);
    for (size_t w = 0; w < n; w++) {
        v[w] = 1000.0 * (double)a->ward_latest[w] / a->population[w];
        snprintf(num[w], sizeof(num[w]), "%u", wc->result.cluster[w] + 1);
        labels[w] = num[w];
        names[w] = a->wards[w].name ? a->wards[w].name : a->wards[w].code;
    }
    double breaks[SAFER_SVG_MAX_CLASSES - 1];
    size_t nbreaks = safer_svg_quantile_breaks(v, n, breaks);
    char licence[SAFER__REPORT_LICENCE_MAX];
    safer__report_licence(a, licence);
    struct safer_svg_choropleth m = {
        .areas = a->wards_bng,
        .values = v,
        .names = names,
        .labels = labels,
        .n = n,
        .breaks = nbreaks ? breaks : NULL,
        .nbreaks = nbreaks,
        .decimals = 1,
        .unit = " per 1,000",
        .frame = {.legend_title = "Records per 1,000 residents",
                  .caption = "Each ward is labelled with its cluster's number in the table.",
                  .attribution = licence},
        .hidden = a->hidden.ward_latest};
    struct safer_svg_opts o = {.id = "cluster-map", .title = "Ward clusters"};
    safer_html_raw(h, "<figure>");
    safer__report_figure(h, &o, (struct safer__report_fig){.choropleth = &m});
    safer_html_raw(h, "<figcaption>Ward clusters: each ward is labelled with its cluster's "
                      "number, and shaded by its records per 1,000 residents in the latest "
                      "window (quintiles).</figcaption></figure>");
    free(v);
    free(num);
    free(labels);
    free(names);
}

void safer__report_clusters(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h3 id=\"clusters\">Ward clusters</h3>");
    struct safer_ward_clusters wc;
    struct safer_err err = {0};
    int rc = safer_ward_clusters(a, SAFER_CLUSTERS_WARD_SIZE, &wc, &err);
    if (rc < 0) {
        safer_html_raw(h, "<p>No ward clusters: ");
        safer_html_text(h, safer_err_msg(&err, rc));
        safer_html_raw(h, ".</p>");
        safer_ward_clusters_release(&wc);
        return;
    }
    const struct safer_clusters *c = &wc.result;
    safer_html_raw(h, "<p>Ward cluster meetings bring together the elected members of up to "
                      "4 similar, neighbouring wards. The ");
    safer__report_int(h, (long long)a->nwards);
    safer_html_raw(h, " wards fall into ");
    safer__report_int(h, (long long)c->k);
    safer_html_raw(h, " clusters, the fewest that hold them, each of up to 4 wards that "
                      "touch (queen contiguity, as for Moran&#8217;s I), alike in their records "
                      "per 1,000 residents in the latest window of ");
    for (size_t j = 0; j < wc.attr.d; j++) {
        bool dep = strcmp(wc.attr.name[j], "IMD decile (mean)") == 0;
        if (j)
            safer_html_text(h, j + 1 == wc.attr.d ? " and " : ", ");
        if (dep)
            safer_html_raw(h, "(for deprivation) the mean IMD decile of their LSOAs");
        else
            safer_html_text(h, wc.attr.name[j]);
    }
    safer_html_raw(h, ", the major categories (each at least 5% of the records). Each measure "
                      "is put on one scale (z-scores), and the clusters make the least total "
                      "spread: the sum of the squared distances of the wards from their "
                      "cluster&#8217;s mean. ");
    if (c->proved) {
        safer_html_raw(h, "No other grouping of these wards into as many clusters spreads "
                          "less: the search proved it.</p>");
    } else {
        safer_html_raw(h, "The search stopped before it could prove this grouping the best: "
                          "no grouping can spread less than ");
        safer__report_dec(h, c->lower_bound, 2, false);
        safer_html_raw(h, ", against ");
        safer__report_dec(h, c->total, 2, false);
        safer_html_raw(h, " here.</p>");
    }
    struct rows r = {a, &wc};
    struct safer__report_col cols[SAFER__NELEM(COLS)];
    for (size_t j = 0; j < SAFER__NELEM(COLS); j++) {
        cols[j] = COLS[j];
        cols[j].data = &r;
    }
    safer__report_table(h, SAFER__REPORT_LITERAL("Ward clusters: each cluster's wards and spread"),
                        cols, SAFER__NELEM(cols), &r, c->k);
    if (a->wards_bng && a->population)
        map(h, a, &wc);
    safer_ward_clusters_release(&wc);
}
