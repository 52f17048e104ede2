/*
 * svg_indicator.c - the small trend chart of an indicator's series
 * (indicator.h, safer_indicator_svg), server-rendered with svg.c's
 * building blocks.
 *
 * Periods are bands of equal width, oldest first; each point sits in the
 * middle of its band. A grey line joins the values (broken where a point
 * has none), the target is a dashed line labelled "Target", and each
 * point is a dot coloured by its status: filled for a status, hollow for a
 * period without one (partial, or no target), and a hollow square on the
 * axis for a suppressed point, whose value is not shown anywhere in the
 * figure. A survey indicator's points carry their 95% confidence
 * intervals as vertical bars with caps. Every dot has a tooltip saying all
 * of this in words, so colour
 * is never the only carrier. The numbers themselves go in the page's
 * table beside the chart.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "safer/html.h"
#include "safer/indicator.h"
#include "safer/survey.h"
#include "safer/svg.h"
#include "util/internal.h"

/* Status colours, as GOV.UK's tags (contrast 4.5:1 or more on white). */
static const char *rag_colour(enum safer_rag rag)
{
    switch (rag) {
    case SAFER_RAG_GREEN:
        return "#00703c";
    case SAFER_RAG_AMBER:
        return "#b45000";
    case SAFER_RAG_RED:
        return "#d4351c";
    default:
        return "#505a5f";
    }
}

#define DEFAULT_WIDTH 480.0
#define DEFAULT_HEIGHT 180.0

/* Digits to show values with: none when every value is whole. */
static int value_decimals(const struct safer_indicator *ind,
                          const struct safer_indicator_point *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (isfinite(p[i].value) && p[i].value != floor(p[i].value))
            return 2;
    }
    if (ind->has_target && ind->target != floor(ind->target))
        return 2;
    return 0;
}

/* Does the point carry a 95% confidence interval (a survey's)? */
static bool has_interval(bool survey, const struct safer_indicator_point *p)
{
    return survey && !p->suppressed && isfinite(p->value) && isfinite(p->lo) && isfinite(p->hi);
}

static void tooltip(struct safer_buf *b, const struct safer_indicator_point *p, int decimals,
                    bool survey)
{
    char num[48];
    safer_buf_puts(b, "<title>");
    safer_html_text(b, p->period);
    if (p->suppressed && survey) {
        safer_buf_putf(b, ": not published (fewer than %d respondents in the ward)",
                       SAFER_SURVEY_SMALL_BASE);
    } else if (p->suppressed) {
        safer_buf_puts(b, ": not published (a count under the threshold)");
    } else if (!isfinite(p->value)) {
        safer_buf_puts(b, ": no value");
    } else {
        safer_buf_puts(b, ": ");
        safer_html_text(b, safer_svg_format_number(num, sizeof(num), p->value, decimals, false));
        if (survey)
            safer_buf_puts(b, "%");
        if (has_interval(survey, p)) {
            safer_buf_putf(b, " (95%% confidence interval %.1f%% to %.1f%%, %lld respondents%s)",
                           p->lo, p->hi, (long long)p->base, p->small ? ", a small base" : "");
        }
        if (p->partial)
            safer_buf_putf(b, ", partial (%d of %d months with data)", p->months_with_data,
                           p->months);
        safer_buf_puts(b, ", ");
        safer_html_text(b, safer_rag_label(p->rag));
    }
    safer_buf_puts(b, "</title>");
}

int safer_indicator_svg(struct safer_buf *b, const struct safer_indicator *ind,
                        const struct safer_indicator_point *points, size_t n,
                        const struct safer_svg_opts *opts, struct safer_err *err)
{
    int rc = safer_svg_check_opts(opts, err);
    if (rc < 0)
        return rc;
    if (!ind)
        return safer_err_set(err, SAFER_EINVAL, "no indicator to draw");
    double width = opts->width ? opts->width : DEFAULT_WIDTH;
    double height = opts->height ? opts->height : DEFAULT_HEIGHT;
    bool survey = ind->kind && strcmp(ind->kind, "survey") == 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(points[i].value)) {
            lo = fmin(lo, points[i].value);
            hi = fmax(hi, points[i].value);
        }
        if (has_interval(survey, &points[i])) {
            lo = fmin(lo, points[i].lo);
            hi = fmax(hi, points[i].hi);
        }
    }
    if (!(hi >= lo)) {
        struct safer_svg_opts o = *opts;
        o.width = (unsigned)width;
        o.height = (unsigned)height;
        return safer_svg_placeholder(b, &o, "No values to show", err);
    }
    if (ind->has_target && isfinite(ind->target)) {
        lo = fmin(lo, ind->target);
        hi = fmax(hi, ind->target);
    }
    lo = fmin(lo, 0); /* counts and rates start at 0: no exaggerated falls */
    double first, step;
    size_t nticks = safer_svg_nice_ticks(lo, hi, 4, &first, &step);
    double top = first + (double)(nticks - 1) * step;
    int tick_dec = safer_svg_step_decimals(step), decimals = value_decimals(ind, points, n);

    double k = safer_svg_scale(width);
    double font = SAFER_SVG_FONT_SMALL * k;
    char num[48];
    double label_w = 0;
    for (size_t t = 0; t < nticks; t++) {
        safer_svg_format_number(num, sizeof(num), first + (double)t * step, tick_dec, false);
        label_w = fmax(label_w, safer_svg_text_width(num, font));
    }
    double left = label_w + 8 * k, right = width - 44 * k, ptop = 8 * k;
    double bottom = height - font - 10 * k;
    double band = (right - left) / (double)n;
#define X(i) (left + ((double)(i) + 0.5) * band)
#define Y(v) (bottom - ((v) - first) / (top - first) * (bottom - ptop))

    /* The summary a screen reader gives, unless the caller wrote one. */
    struct safer_buf desc;
    safer_buf_init(&desc, 4096);
    const struct safer_indicator_point *last = &points[n - 1];
    safer_buf_putf(&desc, "%zu periods from %s to %s.", n, points[0].period, last->period);
    if (ind->has_target)
        safer_buf_putf(&desc, " Target %s.",
                       safer_svg_format_number(num, sizeof(num), ind->target, decimals, false));
    if (ind->has_latest && !ind->latest.suppressed && isfinite(ind->latest.value))
        safer_buf_putf(&desc, " Latest with a status, %s: %s, %s.", ind->latest.period,
                       safer_svg_format_number(num, sizeof(num), ind->latest.value, decimals,
                                               false),
                       safer_rag_label(ind->latest.rag));
    rc = safer_buf_error(&desc);
    if (rc == 0)
        rc = safer_svg_begin(b, opts, width, height, desc.ptr, err);
    safer_buf_release(&desc);
    if (rc < 0)
        return rc;

    /* Grid lines and their labels. */
    for (size_t t = 0; t < nticks; t++) {
        double v = first + (double)t * step, y = Y(v);
        safer_buf_puts(b, "<line x1=\"");
        safer_svg_num(b, left);
        safer_buf_puts(b, "\" x2=\"");
        safer_svg_num(b, right);
        safer_buf_puts(b, "\" y1=\"");
        safer_svg_num(b, y);
        safer_buf_puts(b, "\" y2=\"");
        safer_svg_num(b, y);
        safer_buf_puts(b, "\" stroke=\"#b1b4b6\" stroke-width=\"1\"/><text x=\"");
        safer_svg_num(b, left - 4 * k);
        safer_buf_puts(b, "\" y=\"");
        safer_svg_num(b, y + font * 0.35);
        safer_buf_puts(b, "\" font-size=\"");
        safer_svg_num(b, font);
        safer_buf_puts(b, "\" text-anchor=\"end\" font-family=\"Arial, sans-serif\">");
        safer_html_text(b, safer_svg_format_number(num, sizeof(num), v, tick_dec, false));
        safer_buf_puts(b, "</text>");
    }
    /* The target. */
    if (ind->has_target && isfinite(ind->target)) {
        double y = Y(ind->target);
        safer_buf_puts(b, "<g class=\"safer-target\"><line x1=\"");
        safer_svg_num(b, left);
        safer_buf_puts(b, "\" x2=\"");
        safer_svg_num(b, right);
        safer_buf_puts(b, "\" y1=\"");
        safer_svg_num(b, y);
        safer_buf_puts(b, "\" y2=\"");
        safer_svg_num(b, y);
        safer_buf_puts(b, "\" stroke=\"#0b0c0c\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>"
                          "<text x=\"");
        safer_svg_num(b, right + 4 * k);
        safer_buf_puts(b, "\" y=\"");
        safer_svg_num(b, y + font * 0.35);
        safer_buf_puts(b, "\" font-size=\"");
        safer_svg_num(b, font);
        safer_buf_puts(b, "\" font-family=\"Arial, sans-serif\">Target</text></g>");
    }
    /* The values, joined where consecutive points have one. */
    struct safer_svg_path path;
    safer_buf_puts(b, "<path fill=\"none\" stroke=\"#505a5f\" stroke-width=\"1.5\" d=\"");
    safer_svg_path_init(&path, b);
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(points[i].value)) {
            open = false;
            continue;
        }
        long long x = safer_svg_tenths(X(i)), y = safer_svg_tenths(Y(points[i].value));
        if (open)
            safer_svg_path_line(&path, x, y);
        else
            safer_svg_path_move(&path, x, y);
        open = true;
    }
    safer_buf_puts(b, "\"/>");
    /* The points: a survey's intervals first, under the dots. */
    double r = fmin(4 * k, band * 0.4);
    for (size_t i = 0; survey && i < n; i++) {
        const struct safer_indicator_point *p = &points[i];
        if (!has_interval(survey, p))
            continue;
        double x = X(i), y0 = Y(p->lo), y1 = Y(p->hi), cap = r * 1.5;
        safer_buf_puts(b, "<path class=\"safer-interval\" fill=\"none\" stroke=\"#505a5f\" "
                          "stroke-width=\"1.5\" d=\"M");
        safer_svg_num(b, x);
        safer_buf_puts(b, " ");
        safer_svg_num(b, y0);
        safer_buf_puts(b, "V");
        safer_svg_num(b, y1);
        safer_buf_puts(b, "M");
        safer_svg_num(b, x - cap);
        safer_buf_puts(b, " ");
        safer_svg_num(b, y0);
        safer_buf_puts(b, "H");
        safer_svg_num(b, x + cap);
        safer_buf_puts(b, "M");
        safer_svg_num(b, x - cap);
        safer_buf_puts(b, " ");
        safer_svg_num(b, y1);
        safer_buf_puts(b, "H");
        safer_svg_num(b, x + cap);
        safer_buf_puts(b, "\"/>");
    }
    for (size_t i = 0; i < n; i++) {
        const struct safer_indicator_point *p = &points[i];
        if (p->suppressed) {
            safer_buf_puts(b, "<rect class=\"safer-suppressed\" x=\"");
            safer_svg_num(b, X(i) - r);
            safer_buf_puts(b, "\" y=\"");
            safer_svg_num(b, bottom - r);
            safer_buf_puts(b, "\" width=\"");
            safer_svg_num(b, 2 * r);
            safer_buf_puts(b, "\" height=\"");
            safer_svg_num(b, 2 * r);
            safer_buf_puts(b, "\" fill=\"#ffffff\" stroke=\"#505a5f\" stroke-width=\"1.5\">");
            tooltip(b, p, decimals, survey);
            safer_buf_puts(b, "</rect>");
            continue;
        }
        if (!isfinite(p->value))
            continue;
        const char *colour = rag_colour(p->rag);
        safer_buf_putf(b, "<circle class=\"safer-rag-%s\" cx=\"", safer_rag_name(p->rag));
        safer_svg_num(b, X(i));
        safer_buf_puts(b, "\" cy=\"");
        safer_svg_num(b, Y(p->value));
        safer_buf_puts(b, "\" r=\"");
        safer_svg_num(b, r);
        safer_buf_putf(b, "\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\">",
                       p->rag == SAFER_RAG_NONE ? "#ffffff" : colour, colour);
        tooltip(b, p, decimals, survey);
        safer_buf_puts(b, "</circle>");
    }
    /* The first and last periods under the axis. */
    double ly = height - 4 * k;
    safer_buf_puts(b, "<text x=\"");
    safer_svg_num(b, X(0) - (n > 1 ? band * 0.5 : 0));
    safer_buf_puts(b, "\" y=\"");
    safer_svg_num(b, ly);
    safer_buf_puts(b, "\" font-size=\"");
    safer_svg_num(b, font);
    safer_buf_putf(b, "\" text-anchor=\"%s\" font-family=\"Arial, sans-serif\">",
                   n > 1 ? "start" : "middle");
    safer_html_text(b, points[0].period);
    safer_buf_puts(b, "</text>");
    if (n > 1) {
        safer_buf_puts(b, "<text x=\"");
        safer_svg_num(b, right);
        safer_buf_puts(b, "\" y=\"");
        safer_svg_num(b, ly);
        safer_buf_puts(b, "\" font-size=\"");
        safer_svg_num(b, font);
        safer_buf_puts(b, "\" text-anchor=\"end\" font-family=\"Arial, sans-serif\">");
        safer_html_text(b, last->period);
        safer_buf_puts(b, "</text>");
    }
#undef X
#undef Y
    safer_svg_end(b);
    return safer_buf_error(b);
}
