/*
 * report_levels.c - section 3, levels and patterns.
 *
 * How much was recorded and how it moved: all records by month, the six
 * largest categories by month (up to five years, so the two windows are
 * seen against the trend), with partial or missing months shaded, the
 * table behind both figures, and each category's share of the latest
 * 12 months.
 */
#include "util/compat.h"

#include <stdlib.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/html.h"
#include "safer/svg.h"

/* Monthly total of type t (or all types when t < 0) over the study wards. */
static double month_count(const struct safer_assessment *a, long t, int32_t m)
{
    double s = 0;
    size_t mi = (size_t)(m - a->first_month);
    for (size_t w = 0; w < a->nwards; w++) {
        for (size_t k = 0; k < a->ntypes; k++) {
            if (t >= 0 && (size_t)t != k)
                continue;
            s += a->counts[(w * a->ntypes + k) * (size_t)a->nmonths + mi];
        }
    }
    return s;
}

/* ---- the table behind figures 1 and 2 ---- */

static void month_label(struct safer_buf *h, const void *labels, size_t i)
{
    safer_html_text(h, ((const char *const *)labels)[i]);
}

static void month_value(struct safer_buf *h, const void *values, size_t i)
{
    safer__report_int(h, (long long)((const double *)values)[i]);
}

/* ---- records by category ---- */

struct by_type {
    const struct safer_assessment *a;
    const size_t *order; /* types by volume */
    int64_t total;       /* all records, latest 12 months */
};

#define TYPE(rows, i) (((const struct by_type *)(rows))->order[i])
#define A(rows) (((const struct by_type *)(rows))->a)

static void type_name(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, A(rows)->types[TYPE(rows, i)]);
}

static void type_latest(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, A(rows)->type_latest[TYPE(rows, i)]);
}

static void type_share(struct safer_buf *h, const void *rows, size_t i)
{
    int64_t total = ((const struct by_type *)rows)->total;
    int64_t n = A(rows)->type_latest[TYPE(rows, i)];
    safer__report_dec(h, total ? 100.0 * (double)n / (double)total : 0, 1, false);
    safer_html_raw(h, "%");
}

static void type_monthly(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_assessment *a = A(rows);
    int months = a->latest - a->l12_start + 1;
    safer__report_dec(h, (double)a->type_latest[TYPE(rows, i)] / months, 1, false);
}

static const struct safer__report_col BY_TYPE[] = {
    {.heading = "Category", .cell = type_name},
    {.heading = "Latest 12 months", .numeric = true, .cell = type_latest},
    {.heading = "Share", .numeric = true, .cell = type_share},
    {.heading = "Monthly average", .numeric = true, .cell = type_monthly},
};

void safer__report_levels(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"levels\">3. Levels and patterns</h2>");
    safer__report_gap_flag(h, a, 0);

    /* Up to five years of months: the trend behind the two windows. */
    int32_t first = a->first_month > a->latest - 59 ? a->first_month : a->latest - 59;
    size_t nm = (size_t)(a->latest - first + 1);
    char (*labels)[8] = safer__xmalloc(sizeof(*labels) * nm);
    const char **lp = safer__xmalloc(sizeof(char *) * nm);
    for (size_t i = 0; i < nm; i++) {
        safer__format_month(first + (int32_t)i, labels[i]);
        lp[i] = labels[i];
    }
    size_t *order = safer__report_types_by_volume(a);
    size_t nser = a->ntypes < 6 ? a->ntypes : 6;
    double *vals = safer__xmalloc(sizeof(double) * nm * (nser + 1));
    struct safer_svg_series series[7];
    for (size_t s = 0; s <= nser; s++) {
        long t = s == 0 ? -1 : (long)order[s - 1];
        for (size_t i = 0; i < nm; i++)
            vals[s * nm + i] = month_count(a, t, first + (int32_t)i);
        series[s].name = s == 0 ? "All records" : a->types[t];
        series[s].values = vals + s * nm;
    }
    /* Shade partial and missing months of any force. */
    struct safer_svg_month_range *shade = safer__xmalloc(sizeof(*shade) * (a->ncoverage + 1));
    size_t nshade = 0;
    for (size_t i = 0; i < a->ncoverage; i++) {
        const struct safer_coverage *c = &a->coverage[i];
        if (c->status == SAFER_COVERAGE_OK || c->month < first || c->month > a->latest)
            continue;
        size_t mi = (size_t)(c->month - first);
        int dup = 0;
        for (size_t k = 0; k < nshade; k++)
            dup |= shade[k].first == mi;
        if (dup)
            continue;
        shade[nshade].first = shade[nshade].last = mi;
        shade[nshade].label = c->status == SAFER_COVERAGE_PARTIAL ? "partial" : "missing";
        nshade++;
    }
    struct safer_svg_marker marker = {.month = (size_t)(a->l12_start - first),
                                      .label = "latest 12 months"};
    struct safer_svg_line_chart ch = {.months = lp,
                                      .nmonths = nm,
                                      .series = series,
                                      .nseries = 1,
                                      .y_label = "Records per month",
                                      .shaded = shade,
                                      .nshaded = nshade,
                                      .markers = a->l12_start > first ? &marker : NULL,
                                      .nmarkers = a->l12_start > first ? 1 : 0};
    struct safer_svg_opts o = {.id = "trend-all", .title = "Figure 1: all records by month"};
    safer_html_raw(h, "<figure>");
    safer__report_figure(h, &o, (struct safer__report_fig){.line = &ch});
    safer_html_raw(h, "<figcaption>Figure 1: all police-recorded crime and anti-social behaviour "
                      "in the area's wards by month. Shaded months are partial or missing in at "
                      "least one force's data.</figcaption></figure>");

    ch.series = series + 1;
    ch.nseries = nser;
    struct safer_svg_opts o2 = {.id = "trend-types",
                                .title = "Figure 2: the largest categories by month"};
    safer_html_raw(h, "<figure>");
    safer__report_figure(h, &o2, (struct safer__report_fig){.line = &ch});
    safer_html_raw(h, "<figcaption>Figure 2: the six largest categories of the latest 12 months, "
                      "by month.</figcaption></figure>");

    /* The table behind both figures: a column per series. */
    struct safer__report_col cols[8];
    cols[0] = (struct safer__report_col){.heading = "Month", .cell = month_label, .data = lp};
    for (size_t s = 0; s <= nser; s++)
        cols[s + 1] = (struct safer__report_col){.heading = series[s].name,
                                                 .numeric = true,
                                                 .cell = month_value,
                                                 .data = series[s].values};
    safer_html_raw(h, "<details><summary>Table behind figures 1 and 2</summary>");
    safer__report_table(h, SAFER__REPORT_LITERAL("Records by month"), cols, nser + 2, NULL, nm);
    safer_html_raw(h, "</details>");

    /* Levels by type. */
    struct by_type rows = {a, order, safer__report_total_latest(a)};
    safer__report_table(h, SAFER__REPORT_LITERAL("Records by category, latest 12 months"), BY_TYPE,
                        SAFER__NELEM(BY_TYPE), &rows, a->ntypes);
    free(shade);
    free(vals);
    free(order);
    free(lp);
    free(labels);
}
