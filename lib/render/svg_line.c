/*
 * svg_line.c - line chart of monthly series (see include/safer/svg.h).
 *
 * Months are bands of equal width; a value sits in the middle of its band,
 * so a shaded month range covers whole bands and a marker sits on its month.
 * Layout, top to bottom: legend rows, the y-axis label, a strip for the
 * labels of shaded ranges and markers (only when there are any), the plot,
 * the month labels.
 */
#include "util/compat.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/html.h"
#include "safer/svg.h"

/*
 * Okabe & Ito (2008) colour-blind-safe colours, ordered for lines on white:
 * yellow (#F0E442) is left out, too pale for a thin line.
 */
static const char *const line_colour[] = {
    "#0072B2", /* blue */
    "#D55E00", /* vermillion */
    "#009E73", /* bluish green */
    "#CC79A7", /* reddish purple */
    "#E69F00", /* orange */
    "#56B4E9", /* sky blue */
    "#000000", /* black */
};
#define NCOLOUR (sizeof(line_colour) / sizeof(line_colour[0]))

/* Dash patterns in units of the stroke width; the first is solid. 7 and 8 are coprime,
 * so (colour, dash) pairs stay distinct for 56 series. */
static const char *const line_dash[] = {
    NULL, "6 3", "2 2", "8 3 2 3", "12 4", "3 3 3 6", "1 3", "10 2 2 2 2 2",
};
#define NDASH (sizeof(line_dash) / sizeof(line_dash[0]))

/* Calendar months allowed as the label step: whole divisors or multiples of a year. */
static const size_t label_steps[] = {1, 2, 3, 4, 6, 12, 24, 36, 60, 120, 240, 600};

static const char *const month_names[12] = {"January", "February", "March",     "April",
                                            "May",     "June",     "July",      "August",
                                            "September", "October", "November", "December"};

/* A month label, "YYYY-MM" at the start of `s` or "October 2018" (a month's
 * name, one space, four digits), as months since year 0, or -1. */
static long month_of(const char *s)
{
    if (!s)
        return -1;
    for (int k = 0; k < 12; k++) {
        size_t n = strlen(month_names[k]);
        if (strncmp(s, month_names[k], n) != 0 || s[n] != ' ')
            continue;
        const char *y = s + n + 1;
        for (int i = 0; i < 4; i++) {
            if (y[i] < '0' || y[i] > '9')
                return -1;
        }
        if (y[4])
            return -1;
        return ((y[0] - '0') * 1000L + (y[1] - '0') * 100 + (y[2] - '0') * 10 + (y[3] - '0')) *
                   12 + k;
    }
    for (int i = 0; i < 7; i++) {
        if (i == 4 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return -1;
    }
    long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    long m = (s[5] - '0') * 10 + (s[6] - '0');
    if (m < 1 || m > 12)
        return -1;
    return y * 12 + m - 1;
}

static int check(const struct safer_svg_line_chart *c, struct safer_err *err)
{
    if (!c)
        return safer_err_set(err, SAFER_EINVAL, "line chart missing");
    if (c->nmonths && !c->months)
        return safer_err_set(err, SAFER_EINVAL, "line chart has %zu months but no labels",
                             c->nmonths);
    if (c->nseries && !c->series)
        return safer_err_set(err, SAFER_EINVAL, "line chart has %zu series but no array",
                             c->nseries);
    if (c->nseries > SAFER_SVG_MAX_SERIES)
        return safer_err_set(err, SAFER_ETOOBIG, "line chart has %zu series, over the limit of %d",
                             c->nseries, SAFER_SVG_MAX_SERIES);
    for (size_t i = 0; i < c->nseries; i++) {
        if (c->nmonths && !c->series[i].values)
            return safer_err_set(err, SAFER_EINVAL, "series %zu has no values", i);
    }
    if ((c->nshaded && !c->shaded) || (c->nmarkers && !c->markers))
        return safer_err_set(err, SAFER_EINVAL, "line chart ranges or markers missing");
    for (size_t i = 0; i < c->nshaded; i++) {
        if (c->shaded[i].first > c->shaded[i].last || c->shaded[i].last >= c->nmonths)
            return safer_err_set(err, SAFER_EINVAL,
                                 "shaded range %zu (months %zu..%zu) outside 0..%zu", i,
                                 c->shaded[i].first, c->shaded[i].last, c->nmonths);
    }
    for (size_t i = 0; i < c->nmarkers; i++) {
        if (c->markers[i].month >= c->nmonths)
            return safer_err_set(err, SAFER_EINVAL, "marker %zu at month %zu past the last month",
                                 i, c->markers[i].month);
    }
    return 0;
}

/* Write stroke-dasharray: lengths scale with the stroke so the pattern reads the same. */
static void put_dash(struct safer_buf *b, const char *dash, double width)
{
    safer_html_raw(b, " stroke-dasharray=\"");
    while (*dash) {
        char *end;
        long u = strtol(dash, &end, 10);
        safer_svg_num(b, (double)u * width);
        dash = end;
        if (*dash == ' ') {
            safer_html_raw(b, " ");
            dash++;
        }
    }
    safer_html_raw(b, "\"");
}

/* Write "d" of one series: a subpath per run of finite values. */
static void series_path(struct safer_buf *b, const double *v, size_t n, const double *xs,
                        double y0, double ky)
{
    struct safer_svg_path p;
    safer_svg_path_init(&p, b);
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            open = false;
            continue;
        }
        long long x = safer_svg_tenths(xs[i]), y = safer_svg_tenths(y0 - v[i] * ky);
        if (!open) {
            /* A run of one value is drawn as a dot instead (below). */
            bool next = i + 1 < n && isfinite(v[i + 1]);
            if (!next)
                continue;
            safer_svg_path_move(&p, x, y);
            open = true;
        } else {
            safer_svg_path_line(&p, x, y);
        }
    }
}

#define DESC_MAX 16384 /* bytes of a generated description */
#define DESC_SHADED 12 /* shaded ranges named in it; the rest are counted */

/* Month `i`'s label, as "October 2018" when it is "2018-10", else as given. */
static void put_month(struct safer_buf *d, const struct safer_svg_line_chart *c, size_t i)
{
    long m = month_of(c->months[i]);
    if (m >= 0)
        safer_buf_putf(d, "%s %ld", month_names[m % 12], m / 12);
    else
        safer_buf_puts(d, c->months[i] ? c->months[i] : "");
}

static void put_value(struct safer_buf *d, double v, int decimals)
{
    char num[40];
    safer_buf_puts(d, safer_svg_format_number(num, sizeof(num), v, decimals, false));
}

/* " 1,234 in October 2018": value `v` of month `i`. */
static void put_value_in(struct safer_buf *d, const struct safer_svg_line_chart *c, double v,
                         size_t i, int decimals)
{
    safer_buf_puts(d, " ");
    put_value(d, v, decimals);
    safer_buf_puts(d, " in ");
    put_month(d, c, i);
}

/*
 * What the chart shows, from the values it draws: for each series where
 * its line starts and ends, which way it went, its highest and lowest
 * months and how many months have no value; then the shaded ranges and
 * markers. Ranges are named by their months, never as a span whose first
 * or last month has no value.
 */
static void describe(struct safer_buf *d, const struct safer_svg_line_chart *c)
{
    size_t n = c->nmonths;
    int decimals = 0;
    for (size_t s = 0; s < c->nseries; s++) {
        for (size_t i = 0; i < n; i++) {
            double v = c->series[s].values[i];
            if (isfinite(v) && fabs(v - round(v)) > 1e-9)
                decimals = 1;
        }
    }
    safer_buf_puts(d, "Line chart");
    if (c->y_label) {
        safer_buf_puts(d, " (");
        safer_buf_puts(d, c->y_label);
        safer_buf_puts(d, ")");
    }
    safer_buf_putf(d, " of %zu month%s", n, n == 1 ? "" : "s");
    if (n > 0) {
        safer_buf_puts(d, n == 1 ? ", " : " to ");
        put_month(d, c, n - 1);
    }
    safer_buf_puts(d, ".");
    for (size_t s = 0; s < c->nseries; s++) {
        const double *v = c->series[s].values;
        size_t first = SIZE_MAX, last = 0, hi = 0, lo = 0, k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(v[i]))
                continue;
            if (first == SIZE_MAX)
                first = hi = lo = i;
            last = i;
            k++;
            if (v[i] > v[hi])
                hi = i;
            if (v[i] < v[lo])
                lo = i;
        }
        safer_buf_puts(d, " ");
        safer_buf_puts(d, c->series[s].name ? c->series[s].name : "A series");
        if (k == 0) {
            safer_buf_puts(d, " has no values.");
            continue;
        }
        if (k == 1) {
            safer_buf_puts(d, ":");
            put_value_in(d, c, v[first], first, decimals);
        } else {
            if (v[last] == v[first]) {
                safer_buf_puts(d, " was ");
                put_value(d, v[first], decimals);
                safer_buf_puts(d, " in both ");
                put_month(d, c, first);
                safer_buf_puts(d, " and ");
                put_month(d, c, last);
            } else {
                safer_buf_puts(d, v[last] > v[first] ? " rose from" : " fell from");
                put_value_in(d, c, v[first], first, decimals);
                safer_buf_puts(d, " to");
                put_value_in(d, c, v[last], last, decimals);
            }
            safer_buf_puts(d, "; highest");
            put_value_in(d, c, v[hi], hi, decimals);
            safer_buf_puts(d, ", lowest");
            put_value_in(d, c, v[lo], lo, decimals);
        }
        if (k < n)
            safer_buf_putf(d, "; no value for %zu of the %zu months", n - k, n);
        safer_buf_puts(d, ".");
    }
    /* A shaded range may be months without values: it is named by its
     * length and last month ("the 7 months to September 2018"), never as
     * a span from one month without a value to another. */
    for (size_t i = 0; i < c->nshaded && i < DESC_SHADED; i++) {
        const struct safer_svg_month_range *r = &c->shaded[i];
        safer_buf_puts(d, i ? "; " : " Shaded: ");
        if (r->last > r->first)
            safer_buf_putf(d, "the %zu months to ", r->last - r->first + 1);
        put_month(d, c, r->last);
        if (r->label) {
            safer_buf_puts(d, " (");
            safer_buf_puts(d, r->label);
            safer_buf_puts(d, ")");
        }
    }
    if (c->nshaded > DESC_SHADED)
        safer_buf_putf(d, "; and %zu more", c->nshaded - DESC_SHADED);
    if (c->nshaded)
        safer_buf_puts(d, ".");
    for (size_t i = 0; i < c->nmarkers; i++) {
        safer_buf_puts(d, " A dashed line marks ");
        put_month(d, c, c->markers[i].month);
        if (c->markers[i].label) {
            safer_buf_puts(d, ": ");
            safer_buf_puts(d, c->markers[i].label);
        }
        safer_buf_puts(d, ".");
    }
}

int safer_svg_line_chart(struct safer_buf *b, const struct safer_svg_opts *opts,
                         const struct safer_svg_line_chart *c, struct safer_err *err)
{
    int rc = safer_svg_check_opts(opts, err);
    if (rc < 0)
        return rc;
    rc = check(c, err);
    if (rc < 0)
        return rc;

    /* Range of the data; nothing finite means a placeholder. */
    double lo = 0, hi = 0;
    bool any = false;
    for (size_t s = 0; s < c->nseries; s++) {
        for (size_t i = 0; i < c->nmonths; i++) {
            double v = c->series[s].values[i];
            if (!isfinite(v))
                continue;
            any = true;
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
    }
    if (!any)
        return safer_svg_placeholder(b, opts, NULL, err);

    double W = opts->width ? opts->width : SAFER_SVG_DEFAULT_WIDTH;
    double sc = safer_svg_scale(W);
    double fs = SAFER_SVG_FONT * sc, fts = SAFER_SVG_FONT_SMALL * sc;
    double pad = 10 * sc;
    size_t n = c->nmonths;

    /* Legend rows: swatch, gap, name, spacing; wrapped to the width. */
    double sw_w = 30 * sc, gap = 6 * sc, item_sp = 22 * sc, row_h = fs * 1.6;
    double *item_x = safer__xcalloc(c->nseries ? c->nseries : 1, sizeof(double));
    size_t *item_row = safer__xcalloc(c->nseries ? c->nseries : 1, sizeof(size_t));
    double max_name = W - 2 * pad - sw_w - gap;
    {
        double x = pad;
        size_t row = 0;
        for (size_t s = 0; s < c->nseries; s++) {
            double w = sw_w + gap + fmin(safer_svg_text_width(c->series[s].name, fs), max_name);
            if (x > pad && x + w > W - pad) {
                row++;
                x = pad;
            }
            item_x[s] = x;
            item_row[s] = row;
            x += w + item_sp;
        }
    }
    size_t nrows = c->nseries ? item_row[c->nseries - 1] + 1 : 0;
    double legend_bottom = pad + (double)nrows * row_h;

    /* Vertical layout. A narrow figure's legend takes more rows: the
     * default height grows so that the plot keeps at least 150 px. */
    double top = legend_bottom + (c->y_label ? fts * 1.6 : fts * 0.6);
    double strip = (c->nshaded || c->nmarkers) ? fts * 1.6 : 0;
    double plot_top = top + strip + fts * 0.6;
    double H = opts->height ? opts->height
                            : fmax(round(W * 0.55), ceil(plot_top + 150 * sc + pad + fts * 1.7));
    if (H > SAFER_SVG_MAX_SIDE)
        H = SAFER_SVG_MAX_SIDE;
    double plot_bottom = H - pad - fts * 1.7;
    if (plot_bottom < plot_top + 20 * sc)
        plot_bottom = plot_top + 20 * sc;

    /* Y ticks and their labels. */
    int target = (int)((plot_bottom - plot_top) / (45 * sc));
    if (target < 2)
        target = 2;
    if (target > 8)
        target = 8;
    double first, step;
    size_t nt = safer_svg_nice_ticks(lo, hi, target, &first, &step);
    int tdec = safer_svg_step_decimals(step);
    double ymin = first, ymax = first + (double)(nt - 1) * step;
    char lab[40];
    double ylab_w = 0;
    for (size_t t = 0; t < nt; t++) {
        safer_svg_format_number(lab, sizeof(lab), first + (double)t * step, tdec, false);
        ylab_w = fmax(ylab_w, safer_svg_text_width(lab, fts));
    }

    /* X: bands, label thinning. The step between labels is the shortest
     * calendar step at which the widest label fits; the first and last
     * labels drawn are centred on their bands and must stay on the page,
     * so the plot narrows for them when they would not, which may need a
     * longer step: repeat a few times (the step never shrinks). Only the
     * labels drawn count, so a figure whose end months go unlabelled keeps
     * its full width. */
    double xlab_w = 0;
    for (size_t i = 0; i < n; i++)
        xlab_w = fmax(xlab_w, safer_svg_text_width(c->months[i], fts));
    const size_t nsteps = sizeof(label_steps) / sizeof(label_steps[0]);
    double plot_left = pad + ylab_w + 8 * sc;
    double plot_right = W - pad;
    double bw = (plot_right - plot_left) / (double)n;
    long m0 = month_of(c->months[0]);
    size_t k0 = 0, lstep = 1, loff = 0;
    for (int pass = 0; pass < 4; pass++) {
        bw = (plot_right - plot_left) / (double)n;
        size_t k = k0;
        while (k + 1 < nsteps && (double)label_steps[k] * bw < xlab_w + 12 * sc)
            k++;
        k0 = k;
        lstep = label_steps[k];
        loff = 0;
        if (lstep > 1 && m0 >= 0)
            loff = (lstep - (size_t)m0 % lstep) % lstep; /* label Januaries, quarters... */
        if (lstep > 1 && loff >= n)
            loff = 0;
        size_t last = loff + (n - 1 - loff) / lstep * lstep;
        double x_first = plot_left + ((double)loff + 0.5) * bw;
        double x_last = plot_left + ((double)last + 0.5) * bw;
        double over_l = pad - (x_first - safer_svg_text_width(c->months[loff], fts) / 2);
        double over_r = x_last + safer_svg_text_width(c->months[last], fts) / 2 - (W - pad);
        if (over_l <= 0.05 && over_r <= 0.05)
            break;
        if (over_l > 0)
            plot_left += over_l;
        if (over_r > 0)
            plot_right -= over_r;
        if (plot_right - plot_left < 20 * sc) { /* absurdly long labels: keep a plot anyway */
            plot_right = plot_left + 20 * sc;
            bw = (plot_right - plot_left) / (double)n;
            break;
        }
    }
    bw = (plot_right - plot_left) / (double)n;
    /* Labels never overlap, whatever the passes left. */
    while (k0 + 1 < nsteps && (double)label_steps[k0] * bw < xlab_w + 12 * sc)
        k0++;
    if (label_steps[k0] != lstep) {
        lstep = label_steps[k0];
        loff = m0 >= 0 ? (lstep - (size_t)m0 % lstep) % lstep : 0;
        if (loff >= n)
            loff = 0;
    }

    double *xs = safer__xmalloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        xs[i] = plot_left + ((double)i + 0.5) * bw;
    double ky = (plot_bottom - plot_top) / (ymax - ymin);
    double y0 = plot_bottom + ymin * ky; /* y of the value 0 */

    /* Description for screen readers when the caller gave none. */
    struct safer_buf desc;
    safer_buf_init(&desc, DESC_MAX);
    describe(&desc, c);

    rc = safer_svg_begin(b, opts, W, H, desc.ptr, err);
    safer_buf_release(&desc);
    if (rc < 0)
        goto out;

    /* Shaded ranges, behind everything, with their labels in the strip; a
     * label that would overlap one already written is left out (the range
     * keeps its tooltip). */
    size_t nlab_max = c->nshaded + c->nmarkers + 1;
    double *lab_x0 = safer__xmalloc(nlab_max * sizeof(double));
    double *lab_x1 = safer__xmalloc(nlab_max * sizeof(double));
    size_t nlab = 0;
    /* Markers' labels come first: they say what the line through the plot is. */
    for (size_t i = 0; i < c->nmarkers; i++) {
        if (!c->markers[i].label)
            continue;
        double x = xs[c->markers[i].month];
        double lw = safer_svg_text_width(c->markers[i].label, fts);
        bool left = x + 4 * sc + lw > W - pad;
        lab_x0[nlab] = left ? x - 4 * sc - lw : x + 4 * sc;
        lab_x1[nlab++] = left ? x - 4 * sc : x + 4 * sc + lw;
    }
    for (size_t i = 0; i < c->nshaded; i++) {
        const struct safer_svg_month_range *r = &c->shaded[i];
        double x0 = plot_left + (double)r->first * bw, x1 = plot_left + (double)(r->last + 1) * bw;
        safer_html_raw(b, "<rect class=\"safer-shade\" x=\"");
        safer_svg_num(b, x0);
        safer_html_raw(b, "\" y=\"");
        safer_svg_num(b, top);
        safer_html_raw(b, "\" width=\"");
        safer_svg_num(b, x1 - x0);
        safer_html_raw(b, "\" height=\"");
        safer_svg_num(b, plot_bottom - top);
        safer_html_raw(b, "\" fill=\"#e8e8e8\">");
        if (r->label) {
            safer_html_raw(b, "<title>");
            safer_html_text(b, r->label);
            safer_html_raw(b, "</title>");
        }
        safer_html_raw(b, "</rect>\n");
        if (r->label) {
            /* Centred on the band; kept inside the figure. */
            double lw = fmin(safer_svg_text_width(r->label, fts), W - 2 * pad);
            double cx = fmin(fmax((x0 + x1) / 2, pad + lw / 2), W - pad - lw / 2);
            bool clash = false;
            for (size_t k = 0; k < nlab && !clash; k++)
                clash = cx - lw / 2 - 4 * sc < lab_x1[k] && lab_x0[k] < cx + lw / 2 + 4 * sc;
            if (clash)
                continue;
            lab_x0[nlab] = cx - lw / 2;
            lab_x1[nlab++] = cx + lw / 2;
            safer_html_raw(b, "<g fill=\"#505a5f\">");
            safer_svg_text_lines(b, cx, top + fts * 1.1, fts, fts, W - 2 * pad, 1, "middle", NULL,
                                 r->label);
            safer_html_raw(b, "</g>\n");
        }
    }

    /* Grid lines and y labels. */
    safer_html_raw(b, "<g class=\"safer-axis\" fill=\"#0b0c0c\">\n");
    for (size_t t = 0; t < nt; t++) {
        double v = first + (double)t * step;
        double y = plot_bottom - (v - ymin) * ky;
        bool zero = fabs(v) < step * 1e-6;
        if (!zero) {
            safer_html_raw(b, "<path stroke=\"#d8d8d8\" stroke-width=\"1\" d=\"M");
            safer_svg_num(b, plot_left);
            safer_html_raw(b, " ");
            safer_svg_num(b, y);
            safer_html_raw(b, "H");
            safer_svg_num(b, plot_right);
            safer_html_raw(b, "\"/>\n");
        }
        safer_svg_format_number(lab, sizeof(lab), v, tdec, false);
        safer_svg_text_lines(b, plot_left - 6 * sc, y + fts * 0.35, fts, fts, W, 1, "end", NULL,
                             lab);
    }
    if (c->y_label)
        safer_svg_text_lines(b, pad, legend_bottom + fts * 1.1, fts, fts, W - 2 * pad, 1, "start",
                             NULL, c->y_label);

    /* X axis: month ticks and thinned labels. */
    safer_html_raw(b, "<path stroke=\"#0b0c0c\" stroke-width=\"1\" fill=\"none\" d=\"");
    {
        struct safer_svg_path p;
        safer_svg_path_init(&p, b);
        for (size_t i = loff; i < n; i += lstep) {
            safer_svg_path_move(&p, safer_svg_tenths(xs[i]), safer_svg_tenths(plot_bottom));
            safer_svg_path_line(&p, safer_svg_tenths(xs[i]), safer_svg_tenths(plot_bottom + 5 * sc));
        }
    }
    safer_html_raw(b, "\"/>\n");
    for (size_t i = loff; i < n; i += lstep)
        safer_svg_text_lines(b, xs[i], plot_bottom + 5 * sc + fts * 1.05, fts, fts, W, 1, "middle",
                             NULL, c->months[i]);
    /* The zero line (or the bottom of the plot when every value is positive). */
    safer_html_raw(b, "<path stroke=\"#0b0c0c\" stroke-width=\"1\" d=\"M");
    safer_svg_num(b, plot_left);
    safer_html_raw(b, " ");
    safer_svg_num(b, y0);
    safer_html_raw(b, "H");
    safer_svg_num(b, plot_right);
    safer_html_raw(b, "\"/>\n</g>\n");

    /* Markers: dashed verticals, labelled in the strip. */
    for (size_t i = 0; i < c->nmarkers; i++) {
        double x = xs[c->markers[i].month];
        safer_html_raw(b, "<path class=\"safer-marker\" stroke=\"#0b0c0c\" stroke-width=\"1.5\" "
                          "stroke-dasharray=\"5 3\" d=\"M");
        safer_svg_num(b, x);
        safer_html_raw(b, " ");
        safer_svg_num(b, top);
        safer_html_raw(b, "V");
        safer_svg_num(b, plot_bottom);
        safer_html_raw(b, "\"/>\n");
        if (c->markers[i].label) {
            double lw = safer_svg_text_width(c->markers[i].label, fts);
            bool left = x + 4 * sc + lw > W - pad; /* no room on the right: write it leftwards */
            safer_svg_text_lines(b, left ? x - 4 * sc : x + 4 * sc, top + fts * 1.1, fts, fts,
                                 W - 2 * pad, 1, left ? "end" : "start", NULL,
                                 c->markers[i].label);
        }
    }

    /* Series. */
    double lw_line = 2.25 * sc;
    bool dashed = c->nseries > 4;
    for (size_t s = 0; s < c->nseries; s++) {
        const char *col = line_colour[s % NCOLOUR];
        const char *dash = dashed ? line_dash[s % NDASH] : NULL;
        safer_buf_putf(b, "<g class=\"safer-series\" stroke=\"%s\" fill=\"%s\">", col, col);
        safer_html_raw(b, "<title>");
        safer_html_text(b, c->series[s].name);
        safer_html_raw(b, "</title>\n<path fill=\"none\" stroke-width=\"");
        safer_svg_num(b, lw_line);
        safer_html_raw(b, "\" stroke-linejoin=\"round\"");
        if (dash) {
            put_dash(b, dash, lw_line);
        } else {
            safer_html_raw(b, " stroke-linecap=\"round\"");
        }
        safer_html_raw(b, " d=\"");
        series_path(b, c->series[s].values, n, xs, y0, ky);
        safer_html_raw(b, "\"/>\n");
        /* Dots: every value on short series, else only values with no neighbour. */
        for (size_t i = 0; i < n; i++) {
            const double *v = c->series[s].values;
            if (!isfinite(v[i]))
                continue;
            bool alone = (i == 0 || !isfinite(v[i - 1])) && (i + 1 >= n || !isfinite(v[i + 1]));
            if (!alone && n > 13)
                continue;
            safer_html_raw(b, "<circle stroke=\"none\" cx=\"");
            safer_svg_num(b, xs[i]);
            safer_html_raw(b, "\" cy=\"");
            safer_svg_num(b, y0 - v[i] * ky);
            safer_html_raw(b, "\" r=\"");
            safer_svg_num(b, (alone ? 3.0 : 2.75) * sc);
            safer_html_raw(b, "\"/>");
        }
        safer_html_raw(b, "</g>\n");
    }

    /* Legend. */
    safer_html_raw(b, "<g class=\"safer-legend\">\n");
    for (size_t s = 0; s < c->nseries; s++) {
        const char *col = line_colour[s % NCOLOUR];
        const char *dash = dashed ? line_dash[s % NDASH] : NULL;
        double x = item_x[s], yc = pad + (double)item_row[s] * row_h + row_h / 2;
        safer_buf_putf(b, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"", col);
        safer_svg_num(b, lw_line);
        safer_html_raw(b, "\"");
        if (dash) {
            put_dash(b, dash, lw_line);
        }
        safer_html_raw(b, " d=\"M");
        safer_svg_num(b, x);
        safer_html_raw(b, " ");
        safer_svg_num(b, yc);
        safer_html_raw(b, "h");
        safer_svg_num(b, sw_w);
        safer_html_raw(b, "\"/>\n");
        safer_svg_text_lines(b, x + sw_w + gap, yc + fs * 0.35, fs, fs, max_name, 1, "start", NULL,
                             c->series[s].name ? c->series[s].name : "");
    }
    safer_html_raw(b, "</g>\n");
    safer_svg_end(b);
    rc = safer_buf_error(b);
    free(lab_x0);
    free(lab_x1);
out:
    free(xs);
    free(item_x);
    free(item_row);
    return rc;
}
