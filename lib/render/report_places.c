/*
 * report_places.c - section 5, places: wards, hot spots and clustering.
 *
 * Where records concentrate: a ward map and table (rates per 1,000
 * residents and deprivation when they are loaded, counts otherwise), the
 * Getis-Ord Gi* hot and cold spots on the grid with the strongest listed,
 * and Moran's I for whether neighbouring wards are alike.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/geom.h"
#include "safer/html.h"
#include "safer/stats.h"
#include "safer/svg.h"

void safer__report_places(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"places\">5. Places</h2>");
    safer__report_gap_flag(h, a, 0);
    int rates = a->population != NULL;
    double *v = safer__xmalloc(sizeof(double) * (a->nwards ? a->nwards : 1));
    const char **names = safer__xmalloc(sizeof(char *) * (a->nwards ? a->nwards : 1));
    for (size_t w = 0; w < a->nwards; w++) {
        names[w] = a->wards[w].name;
        if (rates)
            v[w] = a->population[w] > 0 ? 1000.0 * (double)a->ward_latest[w] / a->population[w] : NAN;
        else
            v[w] = (double)a->ward_latest[w];
    }
    safer_html_raw(h, "<h3>Wards</h3>");
    if (rates) {
        safer_html_raw(h, "<p>Rates are records in the latest 12 months per 1,000 residents. "
                          "Population: ");
        safer_html_text(h, a->population_basis ? a->population_basis : "as imported");
        safer_html_raw(h, ". Town-centre wards with few residents and many visitors have high "
                          "rates that say more about footfall than about residents' risk.</p>");
        if (a->imd_lsoas)
            safer_html_raw(h, "<p>Deprivation: the English Indices of Deprivation 2019 (IMD) of "
                              "each ward's LSOAs; decile 1 is the most deprived tenth of "
                              "England.</p>");
    } else {
        safer_html_raw(h, "<p>No population is loaded, so wards are shaded by count, not rate "
                          "(load one with <code>safer import population</code>).</p>");
    }
    if (a->wards_bng) {
        struct safer_svg_choropleth map = {
            .areas = a->wards_bng,
            .values = v,
            .names = names,
            .n = a->nwards,
            .decimals = rates ? 1 : 0,
            .unit = rates ? " per 1,000" : NULL,
            .frame = {.legend_title = rates ? "Records per 1,000 residents"
                                            : "Records, latest 12 months",
                      .caption = rates ? "Records in the latest 12 months per 1,000 residents, "
                                         "by ward."
                                       : "Records in the latest 12 months, by ward.",
                      .attribution = OGL_ATTRIBUTION}};
        struct safer_svg_opts o = {.id = "ward-map",
                                   .title = rates ? "Figure 5: records per 1,000 residents by ward"
                                                  : "Figure 5: records by ward"};
        safer_html_raw(h, "<figure>");
        struct safer_err e = {0};
        int rc = safer_svg_choropleth(h, &o, &map, &e);
        if (rc < 0)
            safer__report_figure_failed(h, &e, rc);
        safer_html_raw(h, "<figcaption>Figure 5: wards shaded by ");
        safer_html_text(h, rates ? "rate per 1,000 residents" : "count");
        safer_html_raw(h, " in quintiles.</figcaption></figure>");
    }
    safer_html_raw(h, "<table><caption>Wards (figure 5)</caption><thead><tr>");
    safer__report_th(h, "Ward", 0);
    safer__report_th(h, "Code", 0);
    safer__report_th(h, "Latest 12", 1);
    if (rates) {
        safer__report_th(h, "Population", 1);
        safer__report_th(h, "Per 1,000", 1);
    }
    if (a->imd_lsoas) {
        safer__report_th(h, "LSOAs in the most deprived 20%", 1);
        safer__report_th(h, "Mean IMD decile", 1);
    }
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t w = 0; w < a->nwards; w++) {
        safer_html_raw(h, "<tr>");
        safer__report_td_text(h, a->wards[w].name);
        safer__report_td_text(h, a->wards[w].code);
        safer__report_td_int(h, a->ward_latest[w]);
        if (rates) {
            safer_html_raw(h, "<td class=\"n\">");
            safer__report_dec(h, a->population[w], 0, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_dec(h, v[w], 1, false);
            safer_html_raw(h, "</td>");
        }
        if (a->imd_lsoas) {
            safer_html_raw(h, "<td class=\"n\">");
            safer__report_int(h, a->imd_most_deprived[w]);
            safer_html_raw(h, " of ");
            safer__report_int(h, a->imd_lsoas[w]);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_dec(h, a->imd_mean_decile[w], 1, false);
            safer_html_raw(h, "</td>");
        }
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "</tbody></table>");

    /* Hotspots. */
    safer_html_raw(h, "<h3>Hot spots</h3><p>The area is covered by a grid of ");
    safer__report_dec(h, a->cell, 0, false);
    safer_html_raw(h, "-metre squares on the British National Grid. Each square's count of "
                      "located records in the latest 12 months is compared with its neighbours' "
                      "(Getis-Ord Gi*): a hot spot is a square that, with its neighbours, holds "
                      "more records than chance would give, after controlling the false "
                      "discovery rate over all squares.</p>");
    if (a->gi_no_score)
        safer_html_raw(h, "<p class=\"warn\">No z-score exists for this grid: every square holds "
                          "the same count, so there is no hot or cold spot to find.</p>");
    if (a->ncells && a->wards_bng) {
        struct safer_svg_cell *cells = safer__xmalloc(sizeof(*cells) * a->ncells);
        for (size_t k = 0; k < a->ncells; k++) {
            const struct safer_hotcell *c = &a->cells[k];
            cells[k].x = (double)c->i * a->cell;
            cells[k].y = (double)c->j * a->cell;
            int cls = safer_svg_gi_class_from_name(safer_gi_class_name(c->cls));
            cells[k].cls = cls < 0 ? SAFER_SVG_GI_NO_SCORE : (enum safer_svg_gi_class)cls;
        }
        struct safer_svg_hotspot_map map = {
            .cells = cells,
            .ncells = a->ncells,
            .cell_size = a->cell,
            .wards = a->wards_bng,
            .ward_names = names,
            .nwards = a->nwards,
            .frame = {.caption = "Gi* classes by Benjamini-Hochberg adjusted p-value; ward "
                                 "boundaries on top.",
                      .attribution = OGL_ATTRIBUTION}};
        struct safer_svg_opts o = {.id = "hotspot-map",
                                   .title = "Figure 6: hot and cold spots (Gi*)"};
        safer_html_raw(h, "<figure>");
        struct safer_err e = {0};
        int rc = safer_svg_hotspot_map(h, &o, &map, &e);
        if (rc < 0)
            safer__report_figure_failed(h, &e, rc);
        safer_html_raw(h, "<figcaption>Figure 6: hot and cold spots, latest 12 months."
                          "</figcaption></figure>");
        free(cells);
    }
    /* The strongest hot spots. */
    size_t nhot = 0;
    for (size_t k = 0; k < a->ncells; k++)
        nhot += a->cells[k].cls > 0 && a->cells[k].cls <= SAFER_GI_HOT99;
    if (nhot) {
        size_t *top = safer__xmalloc(sizeof(size_t) * nhot);
        size_t m = 0;
        for (size_t k = 0; k < a->ncells; k++) {
            if (a->cells[k].cls > 0 && a->cells[k].cls <= SAFER_GI_HOT99)
                top[m++] = k;
        }
        for (size_t i = 1; i < m; i++) {
            size_t x = top[i], j = i;
            while (j > 0 && a->cells[top[j - 1]].z < a->cells[x].z) {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = x;
        }
        safer_html_raw(h, "<table><caption>The strongest hot spots (all are in hotspots.csv)"
                          "</caption><thead><tr>");
        safer__report_th(h, "Square (easting, northing of centre)", 0);
        safer__report_th(h, "Ward", 0);
        safer__report_th(h, "Records", 1);
        safer__report_th(h, "Gi* z", 1);
        safer__report_th(h, "Adjusted p", 1);
        safer__report_th(h, "Class", 0);
        safer_html_raw(h, "</tr></thead><tbody>");
        for (size_t i = 0; i < m && i < 15; i++) {
            const struct safer_hotcell *c = &a->cells[top[i]];
            safer_html_raw(h, "<tr><td>");
            safer_buf_putf(h, "%.0f, %.0f", c->e, c->n);
            safer_html_raw(h, "</td>");
            const char *wn = "";
            for (size_t w = 0; a->wards_bng && w < a->nwards; w++) {
                if (safer_geom_locate(&a->wards_bng[w], c->e, c->n) >= 0) {
                    wn = a->wards[w].name;
                    break;
                }
            }
            safer__report_td_text(h, wn);
            safer__report_td_int(h, c->count);
            safer_html_raw(h, "<td class=\"n\">");
            safer__report_dec(h, c->z, 2, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_p(h, c->p_adj);
            safer_html_raw(h, "</td>");
            safer__report_td_text(h, safer_gi_class_name(c->cls));
            safer_html_raw(h, "</tr>");
        }
        safer_html_raw(h, "</tbody></table>");
        free(top);
    }
    if (a->points_outside_grid) {
        safer_html_raw(h, "<p class=\"meta\">");
        safer__report_int(h, (long long)a->points_outside_grid);
        safer_html_raw(h, " located records fell outside the study grid after conversion to "
                          "the British National Grid and are not in the hot spot counts.</p>");
    }

    /* Moran's I. */
    safer_html_raw(h, "<h3>Spatial clustering of wards</h3><p>Moran's I asks whether wards with "
                      "high totals sit next to other wards with high totals. Neighbours are wards "
                      "that share at least one boundary point (queen contiguity).</p>");
    if (a->nmoran) {
        safer_html_raw(h, "<table><caption>Moran's I of ward totals, latest 12 months</caption>"
                          "<thead><tr>");
        safer__report_th(h, "Weights", 0);
        safer__report_th(h, "Wards", 1);
        safer__report_th(h, "I", 1);
        safer__report_th(h, "Expected", 1);
        safer__report_th(h, "Variance", 1);
        safer__report_th(h, "z", 1);
        safer__report_th(h, "p (one-sided)", 1);
        safer_html_raw(h, "</tr></thead><tbody>");
        for (size_t i = 0; i < a->nmoran; i++) {
            const struct safer_moran_row *m = &a->moran[i];
            safer_html_raw(h, "<tr>");
            safer__report_td_text(h, strcmp(m->style, "W") == 0 ? "row-standardised (W)" : "binary (B)");
            safer__report_td_int(h, (long long)m->n);
            safer_html_raw(h, "<td class=\"n\">");
            safer__report_dec(h, m->I, 4, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_dec(h, m->expectation, 4, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_dec(h, m->variance, 5, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_dec(h, m->z, 3, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            safer__report_p(h, m->p);
            safer_html_raw(h, "</td></tr>");
        }
        safer_html_raw(h, "</tbody></table>");
        if (a->moran[0].islands) {
            safer_html_raw(h, "<p class=\"meta\">");
            safer__report_int(h, (long long)a->moran[0].islands);
            safer_html_raw(h, " ward(s) touch no other ward and are left out of the test.</p>");
        }
    } else {
        safer_html_raw(h, "<p>Not computed: the area has fewer than two wards.</p>");
    }
    free(v);
    free(names);
}
