/*
 * report_levels.c - section 3, levels and patterns.
 *
 * How much was recorded and how it moved: all records by month, the six
 * largest categories by month (the whole latest window, and up to five
 * years when earlier months hold data, so the windows are seen against the
 * trend), the table behind both figures, and each category's share of the
 * latest window and its average per month with data. A month without data
 * is a gap in the lines, never a 0, and is shaded, as are months where a
 * force's file is partial or missing.
 */
#include "util/compat.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/html.h"
#include "safer/svg.h"

/* Monthly total of type t (or all types when t < 0) over the study wards;
 * NaN for a month without data. */
static double month_count(const struct safer_assessment *a, long t, int32_t m)
{
    if (m < a->first_month || m > a->latest || !safer_assessment_has_data(a, m))
        return NAN;
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

/* Is the monthly total of type t (all types when t < 0) hidden in the
 * public edition? */
static bool month_hidden(const struct safer_assessment *a, long t, int32_t m)
{
    if (m < a->first_month || m > a->latest)
        return false;
    size_t row = t < 0 ? a->ntypes : (size_t)t;
    return safer_hidden(a->hidden.month, row * (size_t)a->nmonths + (size_t)(m - a->first_month));
}

/* ---- the table behind figures 1 and 2 ---- */

static void month_label(struct safer_buf *h, const void *labels, size_t i)
{
    safer_html_text(h, ((const char *const *)labels)[i]);
}

/* One series of the figures: its values, NaN where a month has no data or
 * its count is hidden, and which are hidden. */
struct month_series {
    const double *values;
    const unsigned char *hidden;
};

static void month_value(struct safer_buf *h, const void *series, size_t i)
{
    const struct month_series *s = series;
    if (s->hidden[i])
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else if (isnan(s->values[i]))
        safer_html_raw(h, "no data");
    else
        safer__report_int(h, (long long)s->values[i]);
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

static bool type_hidden(const void *rows, size_t i)
{
    return safer_hidden(A(rows)->hidden.type_latest, TYPE(rows, i));
}

static void type_latest(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_count(h, A(rows)->type_latest[TYPE(rows, i)], type_hidden(rows, i));
}

/* A share is worked out from the count and the total: hidden with either. */
static void type_share(struct safer_buf *h, const void *rows, size_t i)
{
    int64_t total = ((const struct by_type *)rows)->total;
    int64_t n = A(rows)->type_latest[TYPE(rows, i)];
    if (type_hidden(rows, i) || A(rows)->hidden.total_latest) {
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
        return;
    }
    safer__report_dec(h, total ? 100.0 * (double)n / (double)total : 0, 1, false);
    safer_html_raw(h, "%");
}

/* The average over the window's months with data, not over all of its
 * months: a month without a file is no month of zero crime. */
static void type_monthly(struct safer_buf *h, const void *rows, size_t i)
{
    double v = safer__report_per_month(A(rows), A(rows)->type_latest[TYPE(rows, i)], 0);
    if (type_hidden(rows, i))
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else if (isnan(v))
        safer_html_raw(h, "\u2014");
    else
        safer__report_dec(h, v, 1, false);
}

/* Shade the months of the figure that lack data or have a partial or
 * missing file of some force, merging runs of one kind. */
static size_t shade_months(const struct safer_assessment *a, int32_t first, size_t nm,
                           struct safer_svg_month_range *shade)
{
    size_t n = 0;
    for (size_t i = 0; i < nm; i++) {
        int32_t m = first + (int32_t)i;
        const char *label = NULL;
        if (!safer_assessment_has_data(a, m)) {
            label = "no data";
        } else {
            for (size_t k = 0; k < a->ncoverage && !label; k++) {
                if (a->coverage[k].month == m && a->coverage[k].status != SAFER_COVERAGE_OK)
                    label = "partial";
            }
        }
        if (!label)
            continue;
        if (n && shade[n - 1].last + 1 == i && strcmp(shade[n - 1].label, label) == 0) {
            shade[n - 1].last = i;
            continue;
        }
        shade[n++] = (struct safer_svg_month_range){i, i, label};
    }
    return n;
}

void safer__report_levels(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"levels\">3. Levels and patterns</h2>");
    safer__report_gap_flag(h, a, 0);

    /* The whole latest window, and up to five years of earlier months with
     * data: the trend behind the two windows. */
    int32_t first = a->first_month > a->latest - 59 ? a->first_month : a->latest - 59;
    if (first > a->l12_start)
        first = a->l12_start;
    size_t nm = (size_t)(a->latest - first + 1);
    char(*labels)[24] = safer__xmalloc(sizeof(*labels) * nm);
    const char **lp = safer__xmalloc(sizeof(char *) * nm);
    for (size_t i = 0; i < nm; i++) {
        int32_t m = first + (int32_t)i;
        snprintf(labels[i], sizeof(labels[i]), "%s %d", safer__report_month_name(m),
                 (int)(m / 12));
        lp[i] = labels[i];
    }
    /* A hidden month is a gap in the lines, as a month without data is,
     * and "[c]" in the table. */
    size_t *order = safer__report_types_by_volume(a);
    size_t nser = a->ntypes < 6 ? a->ntypes : 6;
    double *vals = safer__xmalloc(sizeof(double) * nm * (nser + 1));
    unsigned char *hid = safer__xcalloc(nm * (nser + 1), 1);
    bool any_hidden = false;
    struct safer_svg_series series[7];
    struct month_series columns[7];
    for (size_t s = 0; s <= nser; s++) {
        long t = s == 0 ? -1 : (long)order[s - 1];
        for (size_t i = 0; i < nm; i++) {
            int32_t m = first + (int32_t)i;
            hid[s * nm + i] = month_hidden(a, t, m);
            vals[s * nm + i] = hid[s * nm + i] ? NAN : month_count(a, t, m);
            any_hidden |= hid[s * nm + i] != 0;
        }
        series[s].name = s == 0 ? "All records" : a->types[t];
        series[s].values = vals + s * nm;
        columns[s] = (struct month_series){vals + s * nm, hid + s * nm};
    }
    struct safer_svg_month_range *shade = safer__xmalloc(sizeof(*shade) * nm);
    size_t nshade = shade_months(a, first, nm, shade);
    char marker_label[40];
    snprintf(marker_label, sizeof(marker_label), "latest %d months", safer__report_window_len(a));
    struct safer_svg_marker marker = {.month = (size_t)(a->l12_start - first),
                                      .label = marker_label};
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
                      "in the area's wards by month. Months with no data are gaps in the line "
                      "and shaded; months where at least one force's file is partial or missing "
                      "are shaded too.");
    if (safer__report_public_edition(a))
        safer_html_raw(h, " A month whose count is hidden (" SAFER__REPORT_HIDDEN ") is a gap "
                          "as well, and is not shaded.");
    safer_html_raw(h, "</figcaption></figure>");

    ch.series = series + 1;
    ch.nseries = nser;
    struct safer_svg_opts o2 = {.id = "trend-types",
                                .title = "Figure 2: the largest categories by month"};
    safer_html_raw(h, "<figure>");
    safer__report_figure(h, &o2, (struct safer__report_fig){.line = &ch});
    safer_html_raw(h, "<figcaption>Figure 2: the six largest categories of ");
    safer__report_window_name(h, a, 0);
    safer_html_raw(h, ", by month, shaded as figure 1.");
    for (size_t t = 0; t < a->ntypes; t++) {
        if (safer_hidden(a->hidden.type_latest, t)) {
            safer_html_raw(h, " A category whose count is hidden ranks after those shown, "
                              "whatever its size.");
            break;
        }
    }
    safer_html_raw(h, "</figcaption></figure>");

    /* The table behind both figures: a column per series. */
    struct safer__report_col cols[8];
    cols[0] = (struct safer__report_col){.heading = "Month", .cell = month_label, .data = lp};
    for (size_t s = 0; s <= nser; s++)
        cols[s + 1] = (struct safer__report_col){.heading = series[s].name,
                                                 .numeric = true,
                                                 .cell = month_value,
                                                 .data = &columns[s]};
    safer_html_raw(h, "<details><summary>Table behind figures 1 and 2</summary>");
    safer__report_table(h, SAFER__REPORT_LITERAL("Records by month"), cols, nser + 2, NULL, nm);
    if (any_hidden)
        safer__report_hidden_note(h, a);
    safer_html_raw(h, "</details>");

    /* Levels by type: the window's count, and per month with data. */
    struct safer_buf heading, caption;
    safer_buf_init(&heading, 128);
    safer_buf_init(&caption, 256);
    safer__report_window_heading(&heading, a, 0);
    safer_buf_puts(&caption, "Records by category, ");
    safer__report_window_name(&caption, a, 0);
    struct safer__report_col by_type[] = {
        {.heading = "Category", .cell = type_name},
        {.heading = heading.ptr, .numeric = true, .cell = type_latest},
        {.heading = "Share", .numeric = true, .cell = type_share},
        {.heading = "Per month with data", .numeric = true, .cell = type_monthly},
    };
    struct by_type rows = {a, order, safer__report_total_latest(a)};
    safer__report_table(h, SAFER__REPORT_TEXT(caption.ptr), by_type, SAFER__NELEM(by_type), &rows,
                        a->ntypes);
    safer_html_raw(h, "<p class=\"meta\">Per month with data: the count divided by the "
                      "number of months that hold data (");
    safer__report_period(h, a, 0);
    safer_html_raw(h, "), not by every month of the window.</p>");
    bool type_hidden_any = a->hidden.total_latest;
    for (size_t t = 0; t < a->ntypes; t++)
        type_hidden_any |= safer_hidden(a->hidden.type_latest, t) != 0;
    if (type_hidden_any) {
        safer__report_hidden_note(h, a);
        safer_html_raw(h, "<p class=\"meta\">Categories whose count is hidden come after the "
                          "others, by name.</p>");
    }
    safer_buf_release(&heading);
    safer_buf_release(&caption);
    free(shade);
    free(hid);
    free(vals);
    free(order);
    free(lp);
    free(labels);
}
