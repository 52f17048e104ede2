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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/geom.h"
#include "safer/html.h"
#include "safer/stats.h"
#include "safer/svg.h"

/* ---- wards ---- */

struct ward_rows {
    const struct safer_assessment *a;
    const double *value; /* per ward: the rate with a population, else the count */
};

#define WR(rows) ((const struct ward_rows *)(rows))

static void ward_name(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, WR(rows)->a->wards[i].name);
}

static void ward_code(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, WR(rows)->a->wards[i].code);
}

static void ward_latest(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, WR(rows)->a->ward_latest[i]);
}

static void ward_population(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, WR(rows)->a->population[i], 0, false);
}

static void ward_rate(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, WR(rows)->value[i], 1, false);
}

static void ward_deprived(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, WR(rows)->a->imd_most_deprived[i]);
    safer_html_raw(h, " of ");
    safer__report_int(h, WR(rows)->a->imd_lsoas[i]);
}

static void ward_decile(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, WR(rows)->a->imd_mean_decile[i], 1, false);
}

static const struct safer__report_col WARDS[] = {
    {.heading = "Ward", .cell = ward_name},
    {.heading = "Code", .cell = ward_code},
    {.heading = "Latest 12", .numeric = true, .cell = ward_latest},
};

static const struct safer__report_col WARD_RATES[] = {
    {.heading = "Population", .numeric = true, .cell = ward_population},
    {.heading = "Per 1,000", .numeric = true, .cell = ward_rate},
};

static const struct safer__report_col WARD_DEPRIVATION[] = {
    {.heading = "LSOAs in the most deprived 20%", .numeric = true, .cell = ward_deprived},
    {.heading = "Mean IMD decile", .numeric = true, .cell = ward_decile},
};

static void wards(struct safer_buf *h, const struct safer_assessment *a, const double *v,
                  const char **names)
{
    int rates = a->population != NULL;
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
        char licence[SAFER__REPORT_LICENCE_MAX];
        safer__report_licence(a, licence);
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
                      .attribution = licence}};
        struct safer_svg_opts o = {.id = "ward-map",
                                   .title = rates ? "Figure 5: records per 1,000 residents by ward"
                                                  : "Figure 5: records by ward"};
        safer_html_raw(h, "<figure>");
        safer__report_figure(h, &o, (struct safer__report_fig){.choropleth = &map});
        safer_html_raw(h, "<figcaption>Figure 5: wards shaded by ");
        safer_html_text(h, rates ? "rate per 1,000 residents" : "count");
        safer_html_raw(h, " in quintiles.</figcaption></figure>");
    }

    /* The rate and deprivation columns only when their data is loaded. */
    struct safer__report_col cols[SAFER__NELEM(WARDS) + SAFER__NELEM(WARD_RATES) +
                                  SAFER__NELEM(WARD_DEPRIVATION)];
    size_t ncols = 0;
    memcpy(cols, WARDS, sizeof(WARDS));
    ncols += SAFER__NELEM(WARDS);
    if (rates) {
        memcpy(cols + ncols, WARD_RATES, sizeof(WARD_RATES));
        ncols += SAFER__NELEM(WARD_RATES);
    }
    if (a->imd_lsoas) {
        memcpy(cols + ncols, WARD_DEPRIVATION, sizeof(WARD_DEPRIVATION));
        ncols += SAFER__NELEM(WARD_DEPRIVATION);
    }
    struct ward_rows rows = {a, v};
    safer__report_table(h, SAFER__REPORT_LITERAL("Wards (figure 5)"), cols, ncols, &rows,
                        a->nwards);
}

/* ---- hot spots ---- */

/* Hot spots at any level: classes hot90 to hot99. */
static int is_hot(const struct safer_hotcell *c)
{
    return c->cls > 0 && c->cls <= SAFER_GI_HOT99;
}

struct hot_rows {
    const struct safer_assessment *a;
    const size_t *cell; /* cell indexes, strongest first */
};

static const struct safer_hotcell *hot(const void *rows, size_t i)
{
    const struct hot_rows *r = rows;
    return &r->a->cells[r->cell[i]];
}

static void hot_square(struct safer_buf *h, const void *rows, size_t i)
{
    char s[64];
    snprintf(s, sizeof(s), "%.0f, %.0f", hot(rows, i)->e, hot(rows, i)->n);
    safer_html_text(h, s);
}

/* The ward whose closed polygon holds the square's centre, if any. */
static void hot_ward(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_assessment *a = ((const struct hot_rows *)rows)->a;
    const struct safer_hotcell *c = hot(rows, i);
    for (size_t w = 0; a->wards_bng && w < a->nwards; w++) {
        if (safer_geom_locate(&a->wards_bng[w], c->e, c->n) >= 0) {
            safer_html_text(h, a->wards[w].name);
            return;
        }
    }
}

static void hot_count(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, hot(rows, i)->count);
}

static void hot_z(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, hot(rows, i)->z, 2, false);
}

static void hot_p_adj(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_p(h, hot(rows, i)->p_adj);
}

static void hot_class(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, safer_gi_class_name(hot(rows, i)->cls));
}

static const struct safer__report_col HOTSPOTS[] = {
    {.heading = "Square (easting, northing of centre)", .cell = hot_square},
    {.heading = "Ward", .cell = hot_ward},
    {.heading = "Records", .numeric = true, .cell = hot_count},
    {.heading = "Gi* z", .numeric = true, .cell = hot_z},
    {.heading = "Adjusted p", .numeric = true, .cell = hot_p_adj},
    {.heading = "Class", .cell = hot_class},
};

/* The table lists this many of the strongest; hotspots.csv has them all. */
#define STRONGEST_HOTSPOTS 15

static void strongest_hotspots(struct safer_buf *h, const struct safer_assessment *a)
{
    size_t nhot = 0;
    for (size_t k = 0; k < a->ncells; k++)
        nhot += is_hot(&a->cells[k]);
    if (!nhot)
        return;
    size_t *top = safer__xmalloc(sizeof(size_t) * nhot);
    size_t m = 0;
    for (size_t k = 0; k < a->ncells; k++) {
        if (is_hot(&a->cells[k]))
            top[m++] = k;
    }
    /* By z, largest first; a stable insertion sort keeps grid order in ties. */
    for (size_t i = 1; i < m; i++) {
        size_t x = top[i], j = i;
        while (j > 0 && a->cells[top[j - 1]].z < a->cells[x].z) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = x;
    }
    struct hot_rows rows = {a, top};
    safer__report_table(
        h, SAFER__REPORT_LITERAL("The strongest hot spots (all are in hotspots.csv)"), HOTSPOTS,
        SAFER__NELEM(HOTSPOTS), &rows, m < STRONGEST_HOTSPOTS ? m : STRONGEST_HOTSPOTS);
    free(top);
}

static void hotspots(struct safer_buf *h, const struct safer_assessment *a, const char **names)
{
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
        char licence[SAFER__REPORT_LICENCE_MAX];
        safer__report_licence(a, licence);
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
                      .attribution = licence}};
        struct safer_svg_opts o = {.id = "hotspot-map",
                                   .title = "Figure 6: hot and cold spots (Gi*)"};
        safer_html_raw(h, "<figure>");
        safer__report_figure(h, &o, (struct safer__report_fig){.hotspots = &map});
        safer_html_raw(h, "<figcaption>Figure 6: hot and cold spots, latest 12 months."
                          "</figcaption></figure>");
        free(cells);
    }
    strongest_hotspots(h, a);
    if (a->points_outside_grid) {
        safer_html_raw(h, "<p class=\"meta\">");
        safer__report_int(h, (long long)a->points_outside_grid);
        safer_html_raw(h, " located records fell outside the study grid after conversion to "
                          "the British National Grid and are not in the hot spot counts.</p>");
    }
}

/* ---- clustering ---- */

#define MORAN(rows, i) ((const struct safer_moran_row *)(rows) + (i))

static void moran_weights(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, strcmp(MORAN(rows, i)->style, "W") == 0 ? "row-standardised (W)"
                                                               : "binary (B)");
}

static void moran_n(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, (long long)MORAN(rows, i)->n);
}

static void moran_i(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, MORAN(rows, i)->I, 4, false);
}

static void moran_expectation(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, MORAN(rows, i)->expectation, 4, false);
}

static void moran_variance(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, MORAN(rows, i)->variance, 5, false);
}

static void moran_z(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, MORAN(rows, i)->z, 3, false);
}

static void moran_p(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_p(h, MORAN(rows, i)->p);
}

static const struct safer__report_col MORAN_TABLE[] = {
    {.heading = "Weights", .cell = moran_weights},
    {.heading = "Wards", .numeric = true, .cell = moran_n},
    {.heading = "I", .numeric = true, .cell = moran_i},
    {.heading = "Expected", .numeric = true, .cell = moran_expectation},
    {.heading = "Variance", .numeric = true, .cell = moran_variance},
    {.heading = "z", .numeric = true, .cell = moran_z},
    {.heading = "p (one-sided)", .numeric = true, .cell = moran_p},
};

static void clustering(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h3>Spatial clustering of wards</h3><p>Moran's I asks whether wards with "
                      "high totals sit next to other wards with high totals. Neighbours are wards "
                      "that share at least one boundary point (queen contiguity).</p>");
    if (!a->nmoran) {
        safer_html_raw(h, "<p>Not computed: the area has fewer than two wards.</p>");
        return;
    }
    safer__report_table(h, SAFER__REPORT_LITERAL("Moran's I of ward totals, latest 12 months"),
                        MORAN_TABLE, SAFER__NELEM(MORAN_TABLE), a->moran, a->nmoran);
    if (a->moran[0].islands) {
        safer_html_raw(h, "<p class=\"meta\">");
        safer__report_int(h, (long long)a->moran[0].islands);
        safer_html_raw(h, " ward(s) touch no other ward and are left out of the test.</p>");
    }
}

void safer__report_places(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"places\">5. Places</h2>");
    safer__report_gap_flag(h, a, 0);
    /* What the ward map shades: the rate per 1,000 residents, or the count. */
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
    wards(h, a, v, names);
    hotspots(h, a, names);
    clustering(h, a);
    free(v);
    free(names);
}
