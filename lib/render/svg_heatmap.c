/*
 * svg_heatmap.c - the weekday x hour heat map of service visits (visits.h),
 * drawn with the building blocks of svg.h.
 *
 * Seven rows (Monday at the top) of 24 cells (midnight at the left). A
 * cell's shade runs from very light to dark blue in proportion to its
 * count over the largest count; an empty cell is white with a grey edge,
 * so "none" is never mistaken for "few". Every cell has a tooltip, and the
 * description names the busiest hour; the counts are published in a table
 * beside the figure by the caller.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "safer/html.h"
#include "safer/svg.h"
#include "safer/visits.h"

static const char *const DAYS[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                    "Friday", "Saturday", "Sunday"};

const char *safer_visits_weekday(int d)
{
    return d >= 0 && d < 7 ? DAYS[d] : "";
}

/* Light (#eef4fa) to dark (#08306b) blue, t in 0..1. */
static void shade(char out[8], double t)
{
    static const int lo[3] = {0xee, 0xf4, 0xfa}, hi[3] = {0x08, 0x30, 0x6b};
    int c[3];
    for (int k = 0; k < 3; k++)
        c[k] = (int)lround(lo[k] + (hi[k] - lo[k]) * t);
    snprintf(out, 8, "#%02x%02x%02x", c[0] & 0xff, c[1] & 0xff, c[2] & 0xff);
}

int safer_visits_svg_heatmap(struct safer_buf *b, const struct safer_svg_opts *opts,
                             const int64_t cells[7][24], struct safer_err *err)
{
    const double left = 84, top = 22, cw = 24.5, ch = 26, width = left + 24 * cw + 8; /* 680 px, as every figure */
    const double height = top + 7 * ch + 40;
    int64_t max = 0, total = 0;
    int bd = 0, bh = 0;
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++) {
            total += cells[d][h];
            if (cells[d][h] > max)
                max = cells[d][h], bd = d, bh = h;
        }
    char desc[200];
    if (total == 0)
        snprintf(desc, sizeof(desc), "No visits.");
    else
        snprintf(desc, sizeof(desc),
                 "%lld visits by weekday and hour; the busiest hour is %s %02d:00 to %02d:59 "
                 "with %lld.",
                 (long long)total, DAYS[bd], bh, bh, (long long)max);
    int rc = safer_svg_begin(b, opts, width, height, desc, err);
    if (rc < 0)
        return rc;
    /* Hour labels every three hours, over the cells. */
    for (int h = 0; h < 24; h += 3) {
        safer_html_raw(b, "<text text-anchor=\"middle\" x=\"");
        safer_svg_num(b, left + h * cw + cw / 2);
        safer_html_raw(b, "\" y=\"");
        safer_svg_num(b, top - 6);
        safer_buf_putf(b, "\">%02d:00</text>\n", h);
    }
    for (int d = 0; d < 7; d++) {
        safer_html_raw(b, "<text text-anchor=\"end\" x=\"");
        safer_svg_num(b, left - 6);
        safer_html_raw(b, "\" y=\"");
        safer_svg_num(b, top + d * ch + ch / 2 + 4);
        safer_html_raw(b, "\">");
        safer_html_text(b, DAYS[d]);
        safer_html_raw(b, "</text>\n");
        for (int h = 0; h < 24; h++) {
            char fill[8] = "#ffffff";
            if (cells[d][h] > 0)
                shade(fill, max > 0 ? (double)cells[d][h] / (double)max : 0);
            safer_html_raw(b, "<rect x=\"");
            safer_svg_num(b, left + h * cw + 1);
            safer_html_raw(b, "\" y=\"");
            safer_svg_num(b, top + d * ch + 1);
            safer_html_raw(b, "\" width=\"");
            safer_svg_num(b, cw - 2);
            safer_html_raw(b, "\" height=\"");
            safer_svg_num(b, ch - 2);
            safer_buf_putf(b, "\" fill=\"%s\"", fill);
            if (cells[d][h] == 0)
                safer_html_raw(b, " stroke=\"#b1b4b6\"");
            safer_html_raw(b, "><title>");
            safer_html_text(b, DAYS[d]);
            safer_buf_putf(b, " %02d:00 to %02d:59: %lld visit%s</title></rect>\n", h, h,
                           (long long)cells[d][h], cells[d][h] == 1 ? "" : "s");
        }
    }
    /* Legend: the two ends of the scale. */
    double ly = top + 7 * ch + 14;
    char lo[8], hi[8];
    shade(lo, 0);
    shade(hi, 1);
    safer_html_raw(b, "<g class=\"safer-legend\"><rect x=\"");
    safer_svg_num(b, left);
    safer_html_raw(b, "\" y=\"");
    safer_svg_num(b, ly);
    safer_buf_putf(b, "\" width=\"16\" height=\"12\" fill=\"%s\"/><text x=\"", lo);
    safer_svg_num(b, left + 22);
    safer_html_raw(b, "\" y=\"");
    safer_svg_num(b, ly + 10);
    safer_html_raw(b, "\">few</text><rect x=\"");
    safer_svg_num(b, left + 60);
    safer_html_raw(b, "\" y=\"");
    safer_svg_num(b, ly);
    safer_buf_putf(b, "\" width=\"16\" height=\"12\" fill=\"%s\"/><text x=\"", hi);
    safer_svg_num(b, left + 82);
    safer_html_raw(b, "\" y=\"");
    safer_svg_num(b, ly + 10);
    safer_buf_putf(b, "\">most (%lld)</text><rect x=\"", (long long)max);
    safer_svg_num(b, left + 170);
    safer_html_raw(b, "\" y=\"");
    safer_svg_num(b, ly);
    safer_html_raw(b, "\" width=\"16\" height=\"12\" fill=\"#ffffff\" stroke=\"#b1b4b6\"/>"
                      "<text x=\"");
    safer_svg_num(b, left + 192);
    safer_html_raw(b, "\" y=\"");
    safer_svg_num(b, ly + 10);
    safer_html_raw(b, "\">none</text></g>\n");
    safer_svg_end(b);
    return safer_buf_error(b);
}
