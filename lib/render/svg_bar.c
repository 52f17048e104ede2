/*
 * svg_bar.c - horizontal bar chart, plain or diverging around zero (see
 * include/safer/svg.h).
 *
 * Columns, left to right: category labels (right-aligned), room for the
 * value labels of negative bars, the bars, room for the value labels of
 * positive bars. Reserving both margins up front means a value label never
 * overlaps a bar or a category label, whatever the signs. A narrow figure
 * (under SAFER_SVG_STACK_BELOW px) has no label column: each label is a
 * line of its own above its bar, with a white halo where a grid line or
 * the zero line runs under it.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/html.h"
#include "safer/svg.h"

#define COLOUR_PLAIN "#0072B2"    /* Okabe-Ito blue */
#define COLOUR_UP "#D55E00"       /* Okabe-Ito vermillion: an increase */
#define COLOUR_DOWN "#0072B2"     /* Okabe-Ito blue: a decrease */
#define VALUE_LABEL_MAX 96        /* bytes of one value label: number, unit, note */

static int check(const struct safer_svg_bar_chart *c, struct safer_err *err)
{
    if (!c)
        return safer_err_set(err, SAFER_EINVAL, "bar chart missing");
    if (c->nbars && !c->bars)
        return safer_err_set(err, SAFER_EINVAL, "bar chart has %zu bars but no array", c->nbars);
    if (c->style != SAFER_SVG_BAR_PLAIN && c->style != SAFER_SVG_BAR_DIVERGING)
        return safer_err_set(err, SAFER_EINVAL, "bar chart style %d unknown", (int)c->style);
    if (c->decimals < 0 || c->decimals > 6)
        return safer_err_set(err, SAFER_EINVAL, "bar chart decimals %d outside 0..6", c->decimals);
    return 0;
}

/* "+12.5%*" into out: number, unit, note; "no data" for NaN. Unit and note are cut to fit. */
static void value_label(char *out, size_t outsz, const struct safer_svg_bar_chart *c,
                        const struct safer_svg_bar *bar)
{
    char num[40];
    if (!isfinite(bar->value)) {
        snprintf(out, outsz, "no data%s", bar->note ? bar->note : "");
        return;
    }
    safer_svg_format_number(num, sizeof(num), bar->value, c->decimals,
                            c->style == SAFER_SVG_BAR_DIVERGING);
    snprintf(out, outsz, "%s%s%s", num, c->unit ? c->unit : "", bar->note ? bar->note : "");
}

#define DESC_MAX 16384 /* bytes of a generated description */
#define DESC_LIST 30   /* bars listed one by one in it, at most */

/*
 * What the chart shows, from the values it draws: the axis, the highest and
 * the lowest bar, how many are above and below zero, then every bar with
 * its value label in order (up to DESC_LIST) and the footnote that explains
 * the marks.
 */
static void describe(struct safer_buf *d, const struct safer_svg_bar_chart *c,
                     const char (*vl)[VALUE_LABEL_MAX])
{
    size_t n = c->nbars, hi = SIZE_MAX, lo = SIZE_MAX, up = 0, down = 0, none = 0;
    for (size_t i = 0; i < n; i++) {
        double v = c->bars[i].value;
        if (!isfinite(v)) {
            none++;
            continue;
        }
        up += v > 0;
        down += v < 0;
        if (hi == SIZE_MAX || v > c->bars[hi].value)
            hi = i;
        if (lo == SIZE_MAX || v < c->bars[lo].value)
            lo = i;
    }
    safer_buf_puts(d, "Bar chart");
    if (c->axis_label) {
        safer_buf_puts(d, " (");
        safer_buf_puts(d, c->axis_label);
        safer_buf_puts(d, ")");
    }
    safer_buf_putf(d, " of %zu bar%s.", n, n == 1 ? "" : "s");
    if (hi != SIZE_MAX && hi != lo) {
        safer_buf_putf(d, " Highest %s %s, lowest %s %s.", c->bars[hi].label ? c->bars[hi].label : "",
                       vl[hi], c->bars[lo].label ? c->bars[lo].label : "", vl[lo]);
    }
    if (c->style == SAFER_SVG_BAR_DIVERGING)
        safer_buf_putf(d, " %zu above zero, %zu below.", up, down);
    if (none)
        safer_buf_putf(d, " %zu with no value.", none);
    for (size_t i = 0; i < n && i < DESC_LIST; i++)
        safer_buf_putf(d, "%s%s %s", i ? "; " : " ", c->bars[i].label ? c->bars[i].label : "",
                       vl[i]);
    if (n > DESC_LIST)
        safer_buf_putf(d, "; and %zu more", n - DESC_LIST);
    safer_buf_puts(d, ".");
    if (c->footnote) {
        safer_buf_puts(d, " ");
        safer_buf_puts(d, c->footnote);
    }
}

static void zero_line(struct safer_buf *b, double x, double y0, double y1)
{
    safer_html_raw(b, "<path stroke=\"#0b0c0c\" stroke-width=\"1.5\" d=\"M");
    safer_svg_num(b, x);
    safer_html_raw(b, " ");
    safer_svg_num(b, y0);
    safer_html_raw(b, "V");
    safer_svg_num(b, y1);
    safer_html_raw(b, "\"/>\n");
}

int safer_svg_bar_chart(struct safer_buf *b, const struct safer_svg_opts *opts,
                        const struct safer_svg_bar_chart *c, struct safer_err *err)
{
    int rc = safer_svg_check_opts(opts, err);
    if (rc < 0)
        return rc;
    rc = check(c, err);
    if (rc < 0)
        return rc;
    if (c->nbars == 0)
        return safer_svg_placeholder(b, opts, NULL, err);

    size_t n = c->nbars;
    double W = opts->width ? opts->width : SAFER_SVG_DEFAULT_WIDTH;
    double sc = safer_svg_scale(W);
    double fs = SAFER_SVG_FONT * sc, fts = SAFER_SVG_FONT_SMALL * sc, ftn = SAFER_SVG_FONT_TINY * sc;
    double pad = 10 * sc;

    /* Value labels first: their widths decide the margins. */
    char (*vl)[VALUE_LABEL_MAX] = safer__xcalloc(n, sizeof(*vl));
    double lo = 0, hi = 0, neg_w = 0, pos_w = 0, cat_w = 0;
    bool any_neg = false, any_pos = false;
    for (size_t i = 0; i < n; i++) {
        const struct safer_svg_bar *bar = &c->bars[i];
        value_label(vl[i], VALUE_LABEL_MAX, c, bar);
        double w = safer_svg_text_width(vl[i], fts);
        if (isfinite(bar->value) && bar->value < 0) {
            any_neg = true;
            neg_w = fmax(neg_w, w);
            lo = fmin(lo, bar->value);
        } else {
            any_pos = true;
            pos_w = fmax(pos_w, w);
            if (isfinite(bar->value))
                hi = fmax(hi, bar->value);
        }
        cat_w = fmax(cat_w, safer_svg_text_width(bar->label, fs));
    }
    bool stacked = W < SAFER_SVG_STACK_BELOW;
    cat_w = stacked ? 0 : fmin(cat_w, 0.4 * W);
    double label_h = stacked ? fs * 1.3 : 0; /* the label's line above a bar */

    /* Footnote and axis label under the bars. */
    size_t starts[8], lens[8];
    size_t nfoot = safer_svg_wrap(c->footnote, ftn, W - 2 * pad, starts, lens, 8);
    double axis_h = fts * 1.8 + (c->axis_label ? fts * 1.5 : 0);
    double foot_h = nfoot ? (double)nfoot * ftn * 1.35 + ftn * 0.6 : 0;
    double top = pad;
    double H, row_h;
    if (opts->height) {
        H = opts->height;
        row_h = (H - top - axis_h - foot_h - pad) / (double)n;
        if (row_h < 4)
            row_h = 4;
    } else {
        row_h = stacked ? label_h + 28 * sc : 26 * sc;
        H = ceil(top + row_h * (double)n + axis_h + foot_h + pad);
        if (H > SAFER_SVG_MAX_SIDE)
            H = SAFER_SVG_MAX_SIDE;
    }
    double bars_bottom = top + row_h * (double)n;

    /* Horizontal scale. */
    double px0 = stacked ? pad : pad + cat_w + 10 * sc, px1 = W - pad;
    double ix0 = px0 + (any_neg ? neg_w + 6 * sc : 0);
    double ix1 = px1 - (any_pos ? pos_w + 6 * sc : 0);
    if (ix1 - ix0 < 40 * sc) {
        /* Labels too wide for the figure: give the bars a minimum and let labels overflow. */
        ix0 = px0;
        ix1 = px1;
    }
    int target = (int)((ix1 - ix0) / (80 * sc));
    if (target < 2)
        target = 2;
    double first, step;
    size_t nt = safer_svg_nice_ticks(lo, hi, target, &first, &step);
    int tdec = safer_svg_step_decimals(step);
    /*
     * The bars use the data's range (with zero), not the enclosing ticks: a
     * longest bar of 338 should not leave room for 400. Ticks outside the
     * range are not drawn; zero, a multiple of every step, always is.
     */
    double dmin = lo, dmax = hi;
    if (!(dmax > dmin))
        dmax = dmin + step;
    double kx = (ix1 - ix0) / (dmax - dmin);
    double x0 = ix0 + (0 - dmin) * kx;
    double eps = step * 1e-9;

    struct safer_buf desc;
    safer_buf_init(&desc, DESC_MAX);
    describe(&desc, c, vl);
    rc = safer_svg_begin(b, opts, W, H, desc.ptr, err);
    safer_buf_release(&desc);
    if (rc < 0)
        goto out;

    /* Grid and tick labels. */
    safer_html_raw(b, "<g class=\"safer-axis\">\n<path stroke=\"#d8d8d8\" stroke-width=\"1\" d=\"");
    {
        struct safer_svg_path p;
        safer_svg_path_init(&p, b);
        for (size_t t = 0; t < nt; t++) {
            double v = first + (double)t * step;
            if (v < dmin - eps || v > dmax + eps)
                continue;
            double x = x0 + v * kx;
            safer_svg_path_move(&p, safer_svg_tenths(x), safer_svg_tenths(top));
            safer_svg_path_line(&p, safer_svg_tenths(x), safer_svg_tenths(bars_bottom + 4 * sc));
        }
    }
    safer_html_raw(b, "\"/>\n");
    for (size_t t = 0; t < nt; t++) {
        char lab[40];
        double v = first + (double)t * step;
        if (v < dmin - eps || v > dmax + eps)
            continue;
        safer_svg_format_number(lab, sizeof(lab), v, tdec, c->style == SAFER_SVG_BAR_DIVERGING);
        safer_svg_text_lines(b, x0 + v * kx, bars_bottom + 4 * sc + fts * 1.1, fts,
                             fts, W, 1, "middle", NULL, lab);
    }
    if (c->axis_label) {
        /* Centred under the bars, but moved in rather than cut at an edge. */
        double lw = fmin(safer_svg_text_width(c->axis_label, fts), W - 2 * pad);
        double cx = fmin(fmax((ix0 + ix1) / 2, pad + lw / 2), W - pad - lw / 2);
        safer_svg_text_lines(b, cx, bars_bottom + 4 * sc + fts * 2.6, fts, fts, W - 2 * pad, 1,
                             "middle", NULL, c->axis_label);
    }
    safer_html_raw(b, "</g>\n");

    /* Stacked, the zero line goes under the labels, which have a halo. */
    if (stacked)
        zero_line(b, x0, top - 2 * sc, bars_bottom + 4 * sc);

    /* Bars with their labels. */
    /* Stacked, a bar sits right under its label, the space between rows above the label. */
    double bh = stacked ? fmin(row_h - label_h - 12 * sc, 16 * sc) : fmin(row_h * 0.66, 22 * sc);
    if (bh < 2)
        bh = 2;
    for (size_t i = 0; i < n; i++) {
        const struct safer_svg_bar *bar = &c->bars[i];
        double yc = stacked ? top + (double)i * row_h + label_h + 2 * sc + bh / 2
                            : top + ((double)i + 0.5) * row_h;
        if (stacked) {
            safer_html_raw(b, "<g stroke=\"#fff\" stroke-width=\"");
            safer_svg_num(b, 3 * sc);
            safer_html_raw(b, "\" stroke-linejoin=\"round\" paint-order=\"stroke\">");
            safer_svg_text_lines(b, pad, top + (double)i * row_h + fs, fs, fs, W - 2 * pad, 1,
                                 "start", "safer-bar-label", bar->label);
            safer_html_raw(b, "</g>\n");
        } else {
            safer_svg_text_lines(b, pad + cat_w, yc + fs * 0.35, fs, fs, cat_w, 1, "end",
                                 "safer-bar-label", bar->label);
        }
        if (!isfinite(bar->value)) {
            safer_html_raw(b, "<g fill=\"#505a5f\" font-style=\"italic\">");
            safer_svg_text_lines(b, x0 + 4 * sc, yc + fts * 0.35, fts, fts, W, 1, "start", NULL,
                                 vl[i]);
            safer_html_raw(b, "</g>\n");
            continue;
        }
        double xv = x0 + bar->value * kx;
        const char *col = c->style == SAFER_SVG_BAR_PLAIN ? COLOUR_PLAIN
                          : bar->value < 0             ? COLOUR_DOWN
                                                       : COLOUR_UP;
        safer_buf_putf(b, "<rect fill=\"%s\" x=\"", col);
        safer_svg_num(b, fmin(x0, xv));
        safer_html_raw(b, "\" y=\"");
        safer_svg_num(b, yc - bh / 2);
        safer_html_raw(b, "\" width=\"");
        safer_svg_num(b, fabs(xv - x0));
        safer_html_raw(b, "\" height=\"");
        safer_svg_num(b, bh);
        safer_html_raw(b, "\"><title>");
        safer_html_text(b, bar->label);
        safer_html_raw(b, ": ");
        safer_html_text(b, vl[i]);
        safer_html_raw(b, "</title></rect>\n");
        if (bar->value < 0)
            safer_svg_text_lines(b, xv - 4 * sc, yc + fts * 0.35, fts, fts, W, 1, "end",
                                 "safer-value", vl[i]);
        else
            safer_svg_text_lines(b, xv + 4 * sc, yc + fts * 0.35, fts, fts, W, 1, "start",
                                 "safer-value", vl[i]);
    }

    /* The zero line over the bars. */
    if (!stacked)
        zero_line(b, x0, top - 2 * sc, bars_bottom + 4 * sc);

    if (nfoot) {
        safer_html_raw(b, "<g class=\"safer-footnote\" fill=\"#505a5f\">\n");
        safer_svg_text_lines(b, pad, bars_bottom + axis_h + ftn * 1.5, ftn, ftn * 1.35,
                             W - 2 * pad, 8, "start", NULL, c->footnote);
        safer_html_raw(b, "</g>\n");
    }
    safer_svg_end(b);
    rc = safer_buf_error(b);
out:
    free(vl);
    return rc;
}
