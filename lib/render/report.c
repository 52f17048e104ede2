/*
 * report.c - the strategic assessment as one self-contained HTML file.
 *
 * Sections follow what a statutory assessment needs, in the order a reader
 * meets them: summary of findings; data used and its coverage; levels and
 * patterns; change; places (wards, hotspots, clustering); the partnership's
 * priorities and what police.uk can and cannot show of them; caveats;
 * method notes. Every chart is followed by the table behind it, and every
 * figure affected by a missing or partial month says so next to it.
 * The output depends only on the assessment: no clock, no locale.
 *
 * This file holds the page frame (head, style sheet, contents) and the
 * helpers the sections share (report_internal.h); each section is in its own
 * file, report_<section>.c.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/html.h"
#include "safer/lib.h"
#include "safer/limits.h"
#include "safer/report.h"
#include "safer/svg.h"

/*
 * The style sheet. Widths: the page is at most 60em of text; a figure is
 * drawn twice, at SAFER__REPORT_FIGURE_WIDE px (the A4 text width at 96 dpi,
 * for wide screens and print) and at SAFER__REPORT_FIGURE_NARROW px (phones),
 * and the screen shows the one that fits at its natural size, so that no
 * SVG text is ever scaled below the 11 px it is drawn at: the wide figure
 * needs 680 px of content, i.e. a viewport of 728 px (45.5em) with the 24 px
 * side padding. Wide tables scroll inside their own box (.table-wrap), never
 * the page. Text colours meet WCAG AA (4.5:1) on white. Print: A4, every <details> printed open, no heading left at the
 * foot of a page, no empty placeholder box, a running footer with page
 * numbers (its text is written by page_footer() from the assessment).
 */
static const char CSS[] =
    "body{font-family:Arial,Helvetica,'Liberation Sans',sans-serif;color:#0b0c0c;"
    "max-width:60em;margin:0 auto;padding:1em 1.5em;line-height:1.4;font-size:16px;"
    "overflow-wrap:break-word}"
    "h1{font-size:2em;margin:.5em 0 .2em}h2{font-size:1.5em;margin-top:1.6em;"
    "border-top:2px solid #0b0c0c;padding-top:.4em}h3{font-size:1.15em;margin-top:1.2em}"
    ".lede{font-size:1.2em}.meta{color:#505a5f}"
    ".table-wrap{overflow-x:auto;margin:.6em 0 1.2em}"
    ".fig-scroll{overflow-x:auto}.fig-scroll svg{width:680px;max-width:none!important;height:auto}"
    ".table-wrap:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}"
    "table{border-collapse:collapse;margin:0;font-size:.9em;width:100%}"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}"
    "th,td{border-bottom:1px solid #b1b4b6;padding:.25em .5em;text-align:left;vertical-align:top}"
    "th{background:#f3f2f1}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".flag{background:#fff7bf;border-left:5px solid #ffdd00;padding:.4em .7em;margin:.6em 0}"
    ".warn{background:#fbe9e7;border-left:5px solid #d4351c;padding:.4em .7em;margin:.6em 0}"
    ".inset{border-left:5px solid #b1b4b6;padding:.4em .7em;margin:.6em 0}"
    "figure{margin:1em 0}figcaption{font-size:.9em;color:#505a5f}"
    ".figure-head{font-weight:bold;margin:.2em 0}"
    ".multiples{display:grid;grid-template-columns:repeat(auto-fill,320px);gap:1em 40px;"
    "max-width:680px}"
    ".fig-narrow,.print-only{display:none}"
    "nav ol{columns:2}nav li{padding:.2em 0}nav li.unnumbered{list-style:none}"
    ".s-ok{color:#00703c}.s-partial{color:#8a5b00;font-weight:bold}"
    ".s-missing{color:#d4351c;font-weight:bold}"
    "details{margin:.5em 0}summary{cursor:pointer;color:#1d70b8}"
    "@media screen and (max-width:45.5em){body{padding:1em}.fig-wide{display:none}"
    ".fig-narrow{display:block}}"
    "@media screen and (max-width:30em){nav ol{columns:1}}"
    "@media print{body{max-width:none;padding:0;font-size:10.5pt}h2{break-before:page}"
    "h2:first-of-type{break-before:auto}h1,h2,h3,h4,summary{break-after:avoid}"
    "figure,tr,.flag,.warn{break-inside:avoid}"
    "figure:has(.multiples){break-inside:auto}.multiples svg{break-inside:avoid}"
    ".table-wrap{overflow:visible}td code{overflow-wrap:anywhere}"
    "details::details-content{content-visibility:visible;display:contents}"
    "summary{display:none}nav{display:none}"
    ".fig-narrow{display:none}.fig-wide{display:block}.print-only{display:block}"
    "svg:has(.safer-placeholder){display:none}}";

/* ---- small formatting helpers ---- */

void safer__report_int(struct safer_buf *h, long long v)
{
    char s[40];
    safer_svg_format_number(s, sizeof(s), (double)v, 0, false);
    safer_html_text(h, s);
}

void safer__report_count(struct safer_buf *h, long long v, bool hidden)
{
    if (hidden)
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else
        safer__report_int(h, v);
}

void safer__report_hidden_note(struct safer_buf *h, const struct safer_assessment *a)
{
    if (!safer__report_public_edition(a))
        return;
    safer_html_raw(h, "<p class=\"note\">" SAFER__REPORT_HIDDEN ": a count from 1 to ");
    safer__report_int(h, a->hidden.min - 1);
    safer_html_raw(h, ", or one hidden so that those cannot be worked out from the others, and "
                      "every figure worked out from such a count.</p>");
}

bool safer__report_test_hidden(const struct safer_assessment *a,
                               const struct safer_change_test *t)
{
    if (!safer__report_public_edition(a) || !t)
        return false;
    if (strcmp(t->scope, "ward") == 0) {
        for (size_t w = 0; w < a->nwards; w++) {
            if (strcmp(a->wards[w].code, t->key) == 0)
                return safer_hidden(a->hidden.ward_prev, w) ||
                       safer_hidden(a->hidden.ward_latest, w);
        }
        return false;
    }
    for (size_t k = 0; k < a->ntypes; k++) {
        if (strcmp(a->types[k], t->key) == 0)
            return safer_hidden(a->hidden.type_prev, k) || safer_hidden(a->hidden.type_latest, k);
    }
    return false;
}

void safer__report_dec(struct safer_buf *h, double v, int decimals, bool plus)
{
    char s[40];
    safer_svg_format_number(s, sizeof(s), v, decimals, plus);
    safer_html_text(h, s);
}

void safer__report_month(struct safer_buf *h, int32_t m)
{
    safer_html_text(h, safer__report_month_name(m));
    safer_buf_putf(h, " %d", m / 12);
}

const char *safer__report_month_name(int32_t m)
{
    static const char *const names[12] = {"January", "February", "March",     "April",
                                           "May",     "June",     "July",      "August",
                                           "September", "October", "November", "December"};
    return names[m % 12];
}

void safer__report_month_long(struct safer_buf *h, int32_t m)
{
    safer__report_month(h, m);
}

void safer__report_window(struct safer_buf *h, int32_t first, int32_t last)
{
    safer__report_month(h, first);
    safer_html_raw(h, " to ");
    safer__report_month(h, last);
}

/* ---- months with data and the two windows ---- */

int safer__report_window_len(const struct safer_assessment *a)
{
    return (int)(a->latest - a->l12_start + 1);
}

int32_t safer__report_window_first(const struct safer_assessment *a, int prev)
{
    return prev ? a->p12_start : a->l12_start;
}

int32_t safer__report_window_last(const struct safer_assessment *a, int prev)
{
    return prev ? a->p12_end : a->latest;
}

int safer__report_window_data(const struct safer_assessment *a, int prev)
{
    return safer_assessment_data_months(a, safer__report_window_first(a, prev),
                                        safer__report_window_last(a, prev));
}

void safer__report_window_heading(struct safer_buf *h, const struct safer_assessment *a,
                                  int prev)
{
    int len = safer__report_window_len(a);
    if (len > 1)
        safer_buf_putf(h, "%d months to ", len);
    safer__report_month(h, safer__report_window_last(a, prev));
}

void safer__report_window_name(struct safer_buf *h, const struct safer_assessment *a, int prev)
{
    if (safer__report_window_len(a) > 1)
        safer_html_raw(h, "the ");
    safer__report_window_heading(h, a, prev);
}

int safer__report_runs(struct safer_buf *h, int32_t first, int32_t last,
                       int (*has)(const void *ctx, int32_t m), const void *ctx)
{
    if (last < first)
        return 0;
    /* Ask once per month, then write the runs. */
    size_t len = (size_t)(last - first + 1);
    unsigned char *in = safer__xmalloc(len);
    size_t nruns = 0;
    for (size_t i = 0; i < len; i++) {
        in[i] = has(ctx, first + (int32_t)i) != 0;
        nruns += in[i] && (i == 0 || !in[i - 1]);
    }
    int n = 0;
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        if (!in[i])
            continue;
        size_t end = i;
        while (end + 1 < len && in[end + 1])
            end++;
        if (run++ && run == nruns)
            safer_html_raw(h, " and ");
        else if (run > 1)
            safer_html_raw(h, ", ");
        if (end > i)
            safer__report_window(h, first + (int32_t)i, first + (int32_t)end);
        else
            safer__report_month(h, first + (int32_t)i);
        n += (int)(end - i + 1);
        i = end;
    }
    free(in);
    return n;
}

static int has_data(const void *ctx, int32_t m)
{
    return safer_assessment_has_data(ctx, m);
}

int safer__report_data_runs(struct safer_buf *h, const struct safer_assessment *a, int prev)
{
    return safer__report_runs(h, safer__report_window_first(a, prev),
                              safer__report_window_last(a, prev), has_data, a);
}

int safer__report_period(struct safer_buf *h, const struct safer_assessment *a, int prev)
{
    int len = safer__report_window_len(a);
    int n = safer_assessment_data_months(a, safer__report_window_first(a, prev),
                                         safer__report_window_last(a, prev));
    if (n > 0 && n < len)
        safer__report_data_runs(h, a, prev);
    if (n == 0)
        safer_html_raw(h, "none");
    else if (n == len && len > 1)
        safer_buf_putf(h, "all %d months", len);
    else if (len > 1)
        safer_buf_putf(h, ": %d of the %d months", n, len);
    return n;
}

void safer__report_window_held(struct safer_buf *h, const struct safer_assessment *a, int prev)
{
    safer__report_window_name(h, a, prev);
    safer_html_raw(h, " (months with data: ");
    safer__report_period(h, a, prev);
    safer_html_raw(h, ")");
}

double safer__report_per_month(const struct safer_assessment *a, int64_t count, int prev)
{
    int n = safer__report_window_data(a, prev);
    return n > 0 ? (double)count / n : NAN;
}

/* Percentage change as text, or "n/a" when the previous count is 0. */
void safer__report_pct(struct safer_buf *h, int64_t prev, int64_t latest)
{
    if (prev == 0) {
        safer_html_raw(h, "n/a");
        return;
    }
    safer__report_dec(h, 100.0 * (double)(latest - prev) / (double)prev, 1, true);
    safer_html_raw(h, "%");
}

void safer__report_p(struct safer_buf *h, double p)
{
    if (isnan(p)) {
        safer_html_raw(h, "n/a");
        return;
    }
    if (p < 0.0001) {
        safer_html_raw(h, "&lt;0.0001");
        return;
    }
    safer__report_dec(h, p, 4, false);
}

/* ---- thresholds ---- */

int safer__report_decimals(double v)
{
    double scaled = v;
    for (int d = 0; d < 6; d++, scaled *= 10.0) {
        if (fabs(scaled - round(scaled)) <= 1e-9 * fmax(1.0, fabs(scaled)))
            return d;
    }
    return 6;
}

void safer__report_level(struct safer_buf *h, double v)
{
    safer__report_dec(h, v, safer__report_decimals(v), false);
}

void safer__report_percent(struct safer_buf *h, double fraction)
{
    safer__report_level(h, 100.0 * fraction);
    safer_html_raw(h, "%");
}

/* ---- tables ---- */

void safer__report_table_head(struct safer_buf *h, struct safer__report_caption caption,
                              const struct safer__report_col *cols, size_t ncols)
{
    /* The box scrolls sideways when the table is wider than the page; a
     * scrolling box must be reachable by keyboard, so it is focusable and
     * named as a region after the table's caption. */
    safer_html_raw(h, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
    safer_html_attr(h, caption.s);
    safer_html_raw(h, "\"><table><caption>");
    if (caption.literal_len)
        safer_buf_put(h, caption.s, caption.literal_len);
    else
        safer_html_text(h, caption.s);
    safer_html_raw(h, "</caption><thead><tr>");
    for (size_t c = 0; c < ncols; c++) {
        if (cols[c].numeric)
            safer_html_raw(h, "<th scope=\"col\" class=\"n\">");
        else
            safer_html_raw(h, "<th scope=\"col\">");
        safer_html_text(h, cols[c].heading);
        safer_html_raw(h, "</th>");
    }
    safer_html_raw(h, "</tr></thead><tbody>");
}

void safer__report_table_end(struct safer_buf *h)
{
    safer_html_raw(h, "</tbody></table></div>");
}

void safer__report_cells(struct safer_buf *h, const struct safer__report_col *cols, size_t ncols,
                         const void *rows, size_t i)
{
    for (size_t c = 0; c < ncols; c++) {
        const struct safer__report_col *col = &cols[c];
        const void *data = col->data ? col->data : rows;
        const char *cls = col->cls ? col->cls(data, i) : NULL;
        if (cls) {
            safer_html_raw(h, "<td class=\"");
            safer_html_attr(h, cls);
            safer_html_raw(h, "\">");
        } else if (col->numeric) {
            safer_html_raw(h, "<td class=\"n\">");
        } else {
            safer_html_raw(h, "<td>");
        }
        col->cell(h, data, i);
        safer_html_raw(h, "</td>");
    }
}

void safer__report_table(struct safer_buf *h, struct safer__report_caption caption,
                         const struct safer__report_col *cols, size_t ncols, const void *rows,
                         size_t nrows)
{
    safer__report_table_head(h, caption, cols, ncols);
    for (size_t i = 0; i < nrows; i++) {
        safer_html_raw(h, "<tr>");
        safer__report_cells(h, cols, ncols, rows, i);
        safer_html_raw(h, "</tr>");
    }
    safer__report_table_end(h);
}

void safer__report_licence(const struct safer_assessment *a, char out[SAFER__REPORT_LICENCE_MAX])
{
    static const char ogl[] =
        "Contains public sector information licensed under the Open Government Licence v3.0.";
    if (a->boundary_year > 0)
        snprintf(out, SAFER__REPORT_LICENCE_MAX,
                 "%s Contains OS data \u00a9 Crown copyright and database right %d.", ogl,
                 a->boundary_year);
    else
        snprintf(out, SAFER__REPORT_LICENCE_MAX, "%s", ogl);
}

void safer__report_figure_drawn(struct safer_buf *h, int rc, const struct safer_err *e)
{
    if (rc >= 0)
        return;
    safer_html_raw(h, "<p class=\"warn\">This figure could not be drawn: ");
    safer_html_text(h, safer_err_msg(e, rc));
    safer_html_raw(h, "</p>");
}

/* Draw `f` with the renderer it names; a placeholder when it names none. */
static int draw_figure(struct safer_buf *h, const struct safer_svg_opts *o,
                       const struct safer__report_fig *f, struct safer_err *e)
{
    if (f->line)
        return safer_svg_line_chart(h, o, f->line, e);
    if (f->bar)
        return safer_svg_bar_chart(h, o, f->bar, e);
    if (f->choropleth)
        return safer_svg_choropleth(h, o, f->choropleth, e);
    if (f->hotspots)
        return safer_svg_hotspot_map(h, o, f->hotspots, e);
    return safer_svg_placeholder(h, o, f->placeholder, e);
}

void safer__report_figure(struct safer_buf *h, const struct safer_svg_opts *o,
                          struct safer__report_fig f)
{
    struct safer_err e = {0};
    safer_html_raw(h, "<div class=\"fig-wide\">");
    struct safer_svg_opts wide = *o;
    wide.width = SAFER__REPORT_FIGURE_WIDE;
    int rc = draw_figure(h, &wide, &f, &e);
    safer__report_figure_drawn(h, rc, &e);
    safer_html_raw(h, "</div>");

    /* The narrow copy: ids "<id>-n", so that both can be in the page. */
    char id[SAFER_SVG_ID_MAX + 1];
    const char *base = o->id ? o->id : "svg";
    snprintf(id, sizeof(id), "%.*s-n", SAFER_SVG_ID_MAX - 2, base);
    struct safer_svg_opts narrow = *o;
    narrow.id = id;
    narrow.width = SAFER__REPORT_FIGURE_NARROW;
    narrow.height = 0;
    safer_err_clear(&e);
    safer_html_raw(h, "<div class=\"fig-narrow\">");
    rc = draw_figure(h, &narrow, &f, &e);
    safer__report_figure_drawn(h, rc, &e);
    safer_html_raw(h, "</div>");

    /* An empty figure's box is not printed: its message is, as a line. */
    if (!f.line && !f.bar && !f.choropleth && !f.hotspots) {
        safer_html_raw(h, "<p class=\"print-only\">");
        safer_html_text(h, f.placeholder ? f.placeholder : "No data to show");
        safer_html_raw(h, ".</p>");
    }
}

/* ---- window completeness ---- */

struct safer__report_gaps safer__report_window_gaps(const struct safer_assessment *a)
{
    struct safer__report_gaps g = {0, 0, 0, 0};
    for (size_t i = 0; i < a->ncoverage; i++) {
        const struct safer_coverage *c = &a->coverage[i];
        int latest = c->month >= a->l12_start && c->month <= a->latest;
        int prev = c->month >= a->p12_start && c->month <= a->p12_end;
        if (c->status == SAFER_COVERAGE_MISSING) {
            g.missing_latest += latest;
            g.missing_prev += prev;
        } else if (c->status == SAFER_COVERAGE_PARTIAL) {
            g.partial_latest += latest;
            g.partial_prev += prev;
        }
    }
    return g;
}

/* One force's months of one kind, for safer__report_runs(). */
struct force_months {
    const struct safer_assessment *a;
    const char *force;
    enum safer_coverage_status status; /* the months of this status; for
                                          SAFER_COVERAGE_MISSING, those with a file */
};

static int force_month(const void *ctx, int32_t m)
{
    const struct force_months *f = ctx;
    for (size_t i = 0; i < f->a->ncoverage; i++) {
        const struct safer_coverage *c = &f->a->coverage[i];
        if (c->month != m || strcmp(c->force, f->force) != 0)
            continue;
        if (f->status == SAFER_COVERAGE_MISSING)
            return c->status != SAFER_COVERAGE_MISSING;
        return c->status == f->status;
    }
    return 0;
}

/* One window's gaps, force by force: "Kent Police has files for October
 * 2018 to February 2019 only (5 of the 12 months), and its files for
 * November 2018 to December 2018 are partial". Months are named by the
 * runs that hold a file, never as a span of months without one. */
static void window_gaps_text(struct safer_buf *h, const struct safer_assessment *a, int prev)
{
    int32_t first = safer__report_window_first(a, prev), last = safer__report_window_last(a, prev);
    int len = safer__report_window_len(a), nforces = 0;
    safer_html_raw(h, "In ");
    safer__report_window_name(h, a, prev);
    if (safer__report_window_data(a, prev) == 0) {
        safer_html_raw(h, ", no force has a file: the window holds no data. ");
        return;
    }
    for (size_t i = 0; i < a->ncoverage;) {
        const char *force = a->coverage[i].force;
        int missing = 0, partial = 0;
        size_t j = i;
        for (; j < a->ncoverage && strcmp(a->coverage[j].force, force) == 0; j++) {
            const struct safer_coverage *c = &a->coverage[j];
            if (c->month < first || c->month > last)
                continue;
            missing += c->status == SAFER_COVERAGE_MISSING;
            partial += c->status == SAFER_COVERAGE_PARTIAL;
        }
        i = j;
        if (!missing && !partial)
            continue;
        if (nforces++)
            safer_html_raw(h, "; ");
        else
            safer_html_raw(h, ", ");
        safer_html_text(h, force);
        struct force_months f = {a, force, SAFER_COVERAGE_MISSING};
        if (missing == len) {
            safer_html_raw(h, " has no file");
        } else if (missing) {
            safer_html_raw(h, " has files for ");
            int n = safer__report_runs(h, first, last, force_month, &f);
            safer_buf_putf(h, " only (%d of the %d months)", n, len);
        }
        if (partial) {
            f.status = SAFER_COVERAGE_PARTIAL;
            if (missing)
                safer_html_raw(h, ", and its files for ");
            else
                safer_html_raw(h, "'s files for ");
            safer__report_runs(h, first, last, force_month, &f);
            if (partial > 1)
                safer_html_raw(h, " are partial");
            else
                safer_html_raw(h, " is partial");
        }
    }
    safer_html_raw(h, ". ");
}

/* The flag printed next to every figure that a gap in the windows affects. */
void safer__report_gap_flag(struct safer_buf *h, const struct safer_assessment *a, int change)
{
    struct safer__report_gaps g = safer__report_window_gaps(a);
    int affects = g.missing_latest || g.partial_latest || (change && (g.missing_prev || g.partial_prev));
    if (!affects)
        return;
    safer_html_raw(h, "<p class=\"flag\"><strong>Incomplete data.</strong> ");
    if (g.missing_latest || g.partial_latest)
        window_gaps_text(h, a, 0);
    if (change && (g.missing_prev || g.partial_prev))
        window_gaps_text(h, a, 1);
    if (change)
        safer_html_raw(h, "Changes between these windows are marked not comparable.");
    else
        safer_html_raw(h, "Counts cover only the forces and months with a file, and partial "
                          "months understate what was recorded.");
    safer_html_raw(h, "</p>");
}

/* ---- totals helpers ---- */

int64_t safer__report_total_latest(const struct safer_assessment *a)
{
    int64_t s = 0;
    for (size_t w = 0; w < a->nwards; w++)
        s += a->ward_latest[w];
    return s;
}

int64_t safer__report_total_prev(const struct safer_assessment *a)
{
    int64_t s = 0;
    for (size_t w = 0; w < a->nwards; w++)
        s += a->ward_prev[w];
    return s;
}

/* Does type x come after type y: a smaller count, or (public edition) a
 * hidden one after a shown one? Hidden counts are not compared with
 * anything: where a hidden count sat between two equal shown ones, its
 * place in the order would give it away. */
static bool type_after(const struct safer_assessment *a, size_t x, size_t y)
{
    bool hx = safer_hidden(a->hidden.type_latest, x), hy = safer_hidden(a->hidden.type_latest, y);
    if (hx || hy)
        return hx && !hy;
    return a->type_latest[x] < a->type_latest[y];
}

/* Types ordered by latest-12 count, largest first (ties by name); in the
 * public edition those with a hidden count last, by name. */
size_t *safer__report_types_by_volume(const struct safer_assessment *a)
{
    size_t *order = safer__xmalloc(sizeof(size_t) * (a->ntypes ? a->ntypes : 1));
    for (size_t t = 0; t < a->ntypes; t++)
        order[t] = t;
    for (size_t i = 1; i < a->ntypes; i++) {
        size_t v = order[i], j = i;
        while (j > 0 && type_after(a, order[j - 1], v)) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    return order;
}

/*
 * `s` as a quoted CSS string. Only letters, digits, the space and , . ( ) -
 * are written as they are; every other character becomes a CSS hex escape
 * ("\\3c "), so nothing in `s` can end the string, the rule or the <style>
 * element. Ill-formed UTF-8 becomes U+FFFD, as the HTML escapers do.
 */
void safer__report_css_string(struct safer_buf *h, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    safer_html_raw(h, "\"");
    while (*p) {
        unsigned c = *p, cp = 0xFFFD;
        size_t len = 1;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == ' ' || c == ',' || c == '.' || c == '(' || c == ')' || c == '-') {
            safer_buf_put(h, (const char *)p, 1);
            p++;
            continue;
        }
        if (c < 0x80) {
            cp = c;
        } else {
            size_t need = c >= 0xC2 && c <= 0xDF   ? 2
                          : c >= 0xE0 && c <= 0xEF ? 3
                          : c >= 0xF0 && c <= 0xF4 ? 4
                                                   : 0;
            unsigned v = need == 4 ? c & 0x07 : need == 3 ? c & 0x0F : c & 0x1F;
            size_t i = 1;
            for (; need && i < need && (p[i] & 0xC0) == 0x80; i++)
                v = v << 6 | (p[i] & 0x3F);
            if (need && i == need) {
                bool shortest = (need == 3 && v >= 0x800) || (need == 4 && v >= 0x10000) || need == 2;
                if (shortest && v <= 0x10FFFF && (v < 0xD800 || v > 0xDFFF))
                    cp = v;
                len = need;
            } else {
                len = i; /* the maximal ill-formed subpart */
            }
        }
        if (cp == 0 || cp < 0x20 || cp == 0x7F || cp == 0xFFFE || cp == 0xFFFF)
            cp = 0xFFFD;
        safer_buf_putf(h, "\\%x ", cp);
        p += len;
    }
    safer_html_raw(h, "\"");
}

/*
 * The lede and the period line: what the report covers, and which of its
 * months hold data, named by the months that do ("October 2018 to
 * February 2019: 5 of the 12 months"), never by a span that starts or
 * ends on a month without data.
 */
void safer__report_lede(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<p class=\"lede\">Police-recorded crime and anti-social behaviour in ");
    safer__report_window_name(h, a, 0);
    safer_html_raw(h, ", compared with ");
    safer__report_window_name(h, a, 1);
    safer_html_raw(h, ".</p><p class=\"period\"><strong>Months with data:</strong> ");
    int n = safer__report_period(h, a, 0);
    int np = safer__report_window_data(a, 1);
    if (n == 0) {
        safer_html_raw(h, ". Nothing can be said of this period.");
    } else if (np == 0) {
        safer_html_raw(h, ". The ");
        safer__report_window_heading(h, a, 1);
        if (safer__report_window_len(a) > 1)
            safer_html_raw(h, " hold no data, so no change can be measured.");
        else
            safer_html_raw(h, " holds no data, so no change can be measured.");
    } else {
        safer_html_raw(h, "; ");
        safer__report_window_name(h, a, 1);
        safer_html_raw(h, ": ");
        safer__report_period(h, a, 1);
        safer_html_raw(h, ".");
    }
    safer_html_raw(h, "</p>");
}

/*
 * The public edition says so under the lede, with its rule, before any
 * figure: which counts are hidden, what else goes with them, and which
 * tables are left out (section 13 says how the hidden counts are chosen).
 */
static void public_edition_rule(struct safer_buf *h, const struct safer_assessment *a)
{
    if (!safer__report_public_edition(a))
        return;
    safer_html_raw(h, "<p class=\"inset\"><strong>Public edition.</strong> Counts from 1 to ");
    safer__report_int(h, a->hidden.min - 1);
    safer_html_raw(h, " are shown as " SAFER__REPORT_HIDDEN ", and so are the counts that would "
                      "give them away and every figure worked out from a hidden count (a share, "
                      "an average, a rate, a change and its test). Tables of single places, the "
                      "hot spot squares and the police.uk locations of their records, are left "
                      "out. Section 13 says how the hidden counts are chosen.</p>");
}

/*
 * The running footer of printed pages: the area and the period at the
 * left, "Page n of m" at the right, in @page margin boxes (Chromium 131
 * and later, and print processors that follow CSS Paged Media). The text
 * comes from the assessment, so it is written as CSS strings.
 */
static void page_footer(struct safer_buf *h, const struct safer_assessment *a)
{
    char period[64];
    int len = safer__report_window_len(a);
    if (len > 1)
        snprintf(period, sizeof(period), "%d months to %s %d", len,
                 safer__report_month_name(a->latest), (int)(a->latest / 12));
    else
        snprintf(period, sizeof(period), "%s %d", safer__report_month_name(a->latest),
                 (int)(a->latest / 12));
    safer_html_raw(h, "@page{size:A4;margin:15mm;@bottom-left{content:");
    if (a->area_code) {
        safer__report_css_string(h, a->area_name ? a->area_name : a->area_code);
        safer_html_raw(h, " \" (\" ");
        safer__report_css_string(h, a->area_code);
        safer_html_raw(h, " \")\"");
    } else {
        safer__report_css_string(h, a->title);
    }
    if (safer__report_public_edition(a))
        safer_html_raw(h, " \", strategic assessment, public edition, \" ");
    else
        safer_html_raw(h, " \", strategic assessment, \" ");
    safer__report_css_string(h, period);
    safer_html_raw(h, ";font:8pt Arial,Helvetica,sans-serif;color:#505a5f}"
                      "@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);"
                      "font:8pt Arial,Helvetica,sans-serif;color:#505a5f}}");
}

int safer_report_render(const struct safer_assessment *a, struct safer_buf *h,
                        struct safer_err *err)
{
    safer_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; img-src data:\"><title>");
    safer_html_text(h, a->title);
    safer_html_raw(h, "</title><style>");
    safer_buf_put(h, CSS, sizeof(CSS) - 1);
    page_footer(h, a);
    safer_html_raw(h, "</style></head><body><header><p class=\"meta\">Strategic assessment");
    if (safer__report_public_edition(a))
        safer_html_raw(h, ": public edition");
    safer_html_raw(h, "</p><h1>");
    safer_html_text(h, a->title);
    safer_html_raw(h, "</h1>");
    safer__report_lede(h, a);
    public_edition_rule(h, a);
    safer_html_raw(h, "<p class=\"meta\">Area: ");
    if (a->area_code) {
        safer_html_text(h, a->area_name ? a->area_name : a->area_code);
        safer_html_raw(h, " (");
        safer_html_text(h, a->area_code);
        safer_html_raw(h, "), ");
    }
    safer__report_int(h, (long long)a->nwards);
    safer_html_raw(h, " wards. Produced by safer ");
    safer_html_text(h, safer_version());
    safer_html_raw(h, " from the files listed in section 2.</p></header>");
    safer_html_raw(h, "<nav aria-label=\"Contents\"><h2>Contents</h2><ol>"
                      "<li><a href=\"#summary\">Summary of findings</a></li>"
                      "<li><a href=\"#data\">Data used and its coverage</a></li>"
                      "<li><a href=\"#levels\">Levels and patterns</a></li>"
                      "<li><a href=\"#change\">Change</a></li>"
                      "<li><a href=\"#places\">Places</a></li>"
                      "<li><a href=\"#peers\">How the area compares</a></li>"
                      "<li><a href=\"#outcomes\">What became of the crimes</a></li>"
                      "<li class=\"unnumbered\" value=\"7\"><a href=\"#partner\">Partner "
                      "agencies' data</a></li>"
                      /* contents: partner */
                      "<li><a href=\"#public\">The public's views</a></li>"
                      "<li><a href=\"#services\">Services and who uses them</a></li>"
                      /* contents: visits */
                      "<li><a href=\"#candidates\">Matters to prioritise</a></li>"
                      "<li><a href=\"#priorities\">The partnership's priorities</a></li>"
                      "<li><a href=\"#progress\">Changes since the last assessment</a></li>"
                      "<li><a href=\"#caveats\">Caveats</a></li>"
                      "<li><a href=\"#method\">Method notes</a></li></ol></nav><main>");
    safer__report_summary(h, a);
    safer__report_data(h, a);
    safer__report_levels(h, a);
    safer__report_change(h, a);
    safer__report_places(h, a);
    safer__report_nearrepeat(h, a);
    safer__report_harm(h, a);
    safer__report_peers(h, a);
    safer__report_clusters(h, a);
    safer__report_profiles(h, a);
    safer__report_outcomes(h, a);
    safer__report_partner(h, a);
    /* report: partner */
    safer__report_public(h, a);
    safer__report_visits(h, a);
    /* report: visits */
    safer__report_candidates(h, a);
    safer__report_priorities(h, a);
    safer__report_progress(h, a);
    safer__report_caveats(h, a);
    safer__report_method(h, a);
    safer_html_raw(h, "</main></body></html>\n");
    if (safer_buf_error(h))
        return safer_err_set(err, safer_buf_error(h),
                             "the report is larger than %llu bytes (limit SAFER_LIMIT_REPORT)",
                             (unsigned long long)SAFER_LIMIT_REPORT);
    return 0;
}
