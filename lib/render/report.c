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
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/internal.h"
#include "safer/html.h"
#include "safer/limits.h"
#include "safer/report.h"
#include "safer/stats.h"
#include "safer/svg.h"

#define OGL_ATTRIBUTION                                                                            \
    "Contains public sector information licensed under the Open Government Licence v3.0. "        \
    "Contains OS data \u00a9 Crown copyright and database right 2024."

static const char CSS[] =
    "body{font-family:Arial,Helvetica,'Liberation Sans',sans-serif;color:#0b0c0c;"
    "max-width:60em;margin:0 auto;padding:1em 1.5em;line-height:1.4;font-size:16px}"
    "h1{font-size:2em;margin:.5em 0 .2em}h2{font-size:1.5em;margin-top:1.6em;"
    "border-top:2px solid #0b0c0c;padding-top:.4em}h3{font-size:1.15em;margin-top:1.2em}"
    ".lede{font-size:1.2em}.meta{color:#505a5f}"
    "table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em;width:100%}"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}"
    "th,td{border-bottom:1px solid #b1b4b6;padding:.25em .5em;text-align:left;vertical-align:top}"
    "th{background:#f3f2f1}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".flag{background:#fff7bf;border-left:5px solid #ffdd00;padding:.4em .7em;margin:.6em 0}"
    ".warn{background:#fbe9e7;border-left:5px solid #d4351c;padding:.4em .7em;margin:.6em 0}"
    ".inset{border-left:5px solid #b1b4b6;padding:.4em .7em;margin:.6em 0}"
    "figure{margin:1em 0}figcaption{font-size:.9em;color:#505a5f}"
    "nav ol{columns:2}"
    ".s-ok{color:#00703c}.s-partial{color:#b58800;font-weight:bold}"
    ".s-missing{color:#d4351c;font-weight:bold}"
    "details{margin:.5em 0}summary{cursor:pointer;color:#1d70b8}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{max-width:none;padding:0;font-size:10.5pt}h2{break-before:page}"
    "h2:first-of-type{break-before:auto}figure,table{break-inside:avoid}"
    "details{display:block}details>*{display:block}summary{display:none}nav{display:none}}";

/* ---- small formatting helpers ---- */

static void put_int(struct safer_buf *h, long long v)
{
    char s[40];
    safer_svg_format_number(s, sizeof(s), (double)v, 0, false);
    safer_html_text(h, s);
}

static void put_dec(struct safer_buf *h, double v, int decimals, bool plus)
{
    char s[40];
    safer_svg_format_number(s, sizeof(s), v, decimals, plus);
    safer_html_text(h, s);
}

static void put_month(struct safer_buf *h, int32_t m)
{
    char s[8];
    safer__format_month(m, s);
    safer_html_text(h, s);
}

static const char *const MONTH_NAMES[12] = {"January", "February", "March",     "April",
                                            "May",     "June",     "July",      "August",
                                            "September", "October", "November", "December"};

static void put_month_long(struct safer_buf *h, int32_t m)
{
    safer_html_text(h, MONTH_NAMES[m % 12]);
    safer_buf_putf(h, " %d", m / 12);
}

static void put_window(struct safer_buf *h, int32_t first, int32_t last)
{
    put_month_long(h, first);
    safer_html_raw(h, " to ");
    put_month_long(h, last);
}

/* Percentage change as text, or "n/a" when the previous count is 0. */
static void put_pct(struct safer_buf *h, int64_t prev, int64_t latest)
{
    if (prev == 0) {
        safer_html_raw(h, "n/a");
        return;
    }
    put_dec(h, 100.0 * (double)(latest - prev) / (double)prev, 1, true);
    safer_html_raw(h, "%");
}

static void put_p(struct safer_buf *h, double p)
{
    if (isnan(p)) {
        safer_html_raw(h, "n/a");
        return;
    }
    if (p < 0.0001) {
        safer_html_raw(h, "&lt;0.0001");
        return;
    }
    put_dec(h, p, 4, false);
}

static void th(struct safer_buf *h, const char *text, int numeric)
{
    if (numeric)
        safer_html_raw(h, "<th scope=\"col\" class=\"n\">");
    else
        safer_html_raw(h, "<th scope=\"col\">");
    safer_html_text(h, text);
    safer_html_raw(h, "</th>");
}

static void td_int(struct safer_buf *h, long long v)
{
    safer_html_raw(h, "<td class=\"n\">");
    put_int(h, v);
    safer_html_raw(h, "</td>");
}

static void td_text(struct safer_buf *h, const char *s)
{
    safer_html_raw(h, "<td>");
    safer_html_text(h, s);
    safer_html_raw(h, "</td>");
}

/* Figures render into the page; a renderer's failure becomes a visible note. */
static void figure_failed(struct safer_buf *h, const struct safer_err *e, int rc)
{
    safer_html_raw(h, "<p class=\"warn\">This figure could not be drawn: ");
    safer_html_text(h, safer_err_msg(e, rc));
    safer_html_raw(h, "</p>");
}

/* ---- window completeness ---- */

struct gaps {
    int missing_latest, partial_latest, missing_prev, partial_prev;
};

static struct gaps window_gaps(const struct safer_assessment *a)
{
    struct gaps g = {0, 0, 0, 0};
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

/* List the force-months of one status inside [first, last], per force,
 * runs of consecutive months as ranges: "Kent Police 2018-03 to 2018-09". */
static void list_months(struct safer_buf *h, const struct safer_assessment *a,
                        enum safer_coverage_status st, int32_t first, int32_t last)
{
    int n = 0;
    for (size_t i = 0; i < a->ncoverage;) {
        const struct safer_coverage *c = &a->coverage[i];
        if (c->status != st || c->month < first || c->month > last) {
            i++;
            continue;
        }
        /* The run: same force, same status, consecutive months. */
        size_t j = i + 1;
        while (j < a->ncoverage && a->coverage[j].status == st &&
               a->coverage[j].month == a->coverage[j - 1].month + 1 &&
               a->coverage[j].month <= last && strcmp(a->coverage[j].force, c->force) == 0)
            j++;
        if (n++)
            safer_html_raw(h, "; ");
        safer_html_text(h, c->force);
        safer_html_raw(h, " ");
        put_month(h, c->month);
        if (j - i > 1) {
            safer_html_raw(h, " to ");
            put_month(h, a->coverage[j - 1].month);
        }
        i = j;
    }
}

/* One window's gaps: "have no file for X and only part of Y". */
static void window_gaps_text(struct safer_buf *h, const struct safer_assessment *a, int missing,
                             int partial, int32_t first, int32_t last)
{
    if (missing) {
        safer_html_raw(h, "have no file for ");
        list_months(h, a, SAFER_COVERAGE_MISSING, first, last);
    }
    if (missing && partial)
        safer_html_raw(h, ", and ");
    if (partial) {
        safer_html_raw(h, "have only part of ");
        list_months(h, a, SAFER_COVERAGE_PARTIAL, first, last);
    }
    safer_html_raw(h, ". ");
}

/* The flag printed next to every figure that a gap in the windows affects. */
static void gap_flag(struct safer_buf *h, const struct safer_assessment *a, int change)
{
    struct gaps g = window_gaps(a);
    int affects = g.missing_latest || g.partial_latest || (change && (g.missing_prev || g.partial_prev));
    if (!affects)
        return;
    safer_html_raw(h, "<p class=\"flag\"><strong>Incomplete data.</strong> ");
    if (g.missing_latest || g.partial_latest) {
        safer_html_raw(h, "The latest 12 months ");
        window_gaps_text(h, a, g.missing_latest, g.partial_latest, a->l12_start, a->latest);
    }
    if (change && (g.missing_prev || g.partial_prev)) {
        safer_html_raw(h, "The previous 12 months ");
        window_gaps_text(h, a, g.missing_prev, g.partial_prev, a->p12_start, a->p12_end);
    }
    if (change)
        safer_html_raw(h, "Changes computed over these windows are marked not comparable.");
    else
        safer_html_raw(h, "Counts for these months understate what was recorded.");
    safer_html_raw(h, "</p>");
}

/* ---- totals helpers ---- */

static int64_t total_latest(const struct safer_assessment *a)
{
    int64_t s = 0;
    for (size_t w = 0; w < a->nwards; w++)
        s += a->ward_latest[w];
    return s;
}

static int64_t total_prev(const struct safer_assessment *a)
{
    int64_t s = 0;
    for (size_t w = 0; w < a->nwards; w++)
        s += a->ward_prev[w];
    return s;
}

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

static const struct safer_change_test *find_test(const struct safer_assessment *a,
                                                 const char *scope, const char *key)
{
    for (size_t i = 0; i < a->ntests; i++) {
        if (strcmp(a->tests[i].scope, scope) == 0 && strcmp(a->tests[i].key, key) == 0)
            return &a->tests[i];
    }
    return NULL;
}

static long type_index(const struct safer_assessment *a, const char *name)
{
    for (size_t t = 0; t < a->ntypes; t++) {
        if (strcmp(a->types[t], name) == 0)
            return (long)t;
    }
    return -1;
}

/* Types ordered by latest-12 count, largest first (ties by name). */
static size_t *types_by_volume(const struct safer_assessment *a)
{
    size_t *order = safer__xmalloc(sizeof(size_t) * (a->ntypes ? a->ntypes : 1));
    for (size_t t = 0; t < a->ntypes; t++)
        order[t] = t;
    for (size_t i = 1; i < a->ntypes; i++) {
        size_t v = order[i], j = i;
        while (j > 0 && a->type_latest[order[j - 1]] < a->type_latest[v]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    return order;
}

static int months_in_window(const struct safer_assessment *a, int32_t first, int32_t last)
{
    (void)a;
    return last - first + 1;
}

/* ---- sections ---- */

static void section_summary(struct safer_buf *h, const struct safer_assessment *a)
{
    int64_t tl = total_latest(a), tp = total_prev(a);
    int comparable = a->latest12_complete && a->prev12_complete;
    safer_html_raw(h, "<h2 id=\"summary\">1. Summary of findings</h2><ul>");

    safer_html_raw(h, "<li>");
    put_int(h, tl);
    safer_html_raw(h, " crimes and incidents of anti-social behaviour were recorded by the police "
                      "in the area's ");
    put_int(h, (long long)a->nwards);
    safer_html_raw(h, " wards in the latest 12 months (");
    put_window(h, a->l12_start, a->latest);
    safer_html_raw(h, "), against ");
    put_int(h, tp);
    safer_html_raw(h, " in the previous 12 months");
    if (tp) {
        safer_html_raw(h, ": ");
        put_pct(h, tp, tl);
    }
    if (!comparable)
        safer_html_raw(h, ", <strong>not comparable</strong> because a window has missing or "
                          "partial months (section 2)");
    safer_html_raw(h, ".</li>");

    /* The largest types and their changes. */
    size_t *order = types_by_volume(a);
    safer_html_raw(h, "<li>The largest categories were ");
    for (size_t i = 0; i < a->ntypes && i < 3; i++) {
        size_t t = order[i];
        int last = i + 1 == a->ntypes || i == 2;
        if (i && last)
            safer_html_raw(h, " and ");
        else if (i)
            safer_html_raw(h, ", ");
        safer_html_text(h, a->types[t]);
        safer_html_raw(h, " (");
        put_int(h, a->type_latest[t]);
        safer_html_raw(h, ", ");
        put_dec(h, tl ? 100.0 * (double)a->type_latest[t] / (double)tl : 0, 0, false);
        safer_html_raw(h, "% of the total)");
    }
    safer_html_raw(h, ".</li>");
    free(order);

    /* Significant changes. */
    int nsig = 0;
    for (size_t i = 0; i < a->ntests; i++) {
        const struct safer_change_test *t = &a->tests[i];
        if (strcmp(t->scope, "type") != 0 || !t->significant)
            continue;
        if (!nsig++)
            safer_html_raw(h, "<li>Changes larger than chance (adjusted p &lt; 0.05): ");
        else
            safer_html_raw(h, "; ");
        safer_html_text(h, t->key);
        safer_html_raw(h, " ");
        put_pct(h, t->prev, t->latest);
    }
    if (nsig)
        safer_html_raw(h, ".</li>");
    else if (comparable)
        safer_html_raw(h, "<li>No crime type changed by more than chance would explain "
                          "(adjusted p &lt; 0.05).</li>");
    else
        safer_html_raw(h, "<li>No change is marked significant: the windows have missing or "
                          "partial months, so the figures of the two years are not comparable. "
                          "Treat every change in this report with caution.</li>");

    /* Wards. */
    if (a->nwards) {
        size_t best = 0;
        int rate = a->population != NULL;
        double bestv = -1;
        for (size_t w = 0; w < a->nwards; w++) {
            double v = rate ? (a->population[w] > 0 ? 1000.0 * (double)a->ward_latest[w] / a->population[w] : -1)
                            : (double)a->ward_latest[w];
            if (v > bestv) {
                bestv = v;
                best = w;
            }
        }
        safer_html_raw(h, "<li>");
        safer_html_text(h, a->wards[best].name);
        safer_html_raw(h, " had the ");
        if (rate) {
            safer_html_raw(h, "highest rate, ");
            put_dec(h, bestv, 1, false);
            safer_html_raw(h, " per 1,000 residents (");
            put_int(h, a->ward_latest[best]);
            safer_html_raw(h, " records)");
        } else {
            safer_html_raw(h, "most records, ");
            put_int(h, a->ward_latest[best]);
        }
        safer_html_raw(h, ".</li>");
    }

    /* Hotspots. */
    if (a->ncells) {
        size_t hot = 0, cold = 0;
        for (size_t k = 0; k < a->ncells; k++) {
            hot += a->cells[k].cls > 0 && a->cells[k].cls <= SAFER_GI_HOT99;
            cold += a->cells[k].cls < 0;
        }
        safer_html_raw(h, "<li>");
        if (a->gi_no_score) {
            safer_html_raw(h, "No hotspot analysis was possible: every grid cell held the same "
                              "count.");
        } else {
            put_int(h, (long long)hot);
            safer_html_raw(h, " of ");
            put_int(h, (long long)a->ncells);
            safer_html_raw(h, " ");
            put_dec(h, a->cell, 0, false);
            safer_html_raw(h, "-metre grid cells are statistically significant hot spots");
            if (cold) {
                safer_html_raw(h, " and ");
                put_int(h, (long long)cold);
                safer_html_raw(h, " cold spots");
            }
            safer_html_raw(h, " (Getis-Ord Gi*, false discovery rate 10%).");
        }
        safer_html_raw(h, "</li>");
    }
    if (a->nmoran) {
        const struct safer_moran_row *m = &a->moran[0];
        safer_html_raw(h, "<li>");
        if (isnan(m->p)) {
            safer_html_raw(h, "Spatial clustering of ward totals could not be tested.");
        } else if (m->p < 0.05) {
            safer_html_raw(h, "Ward totals cluster in space: neighbouring wards are more alike "
                              "than chance would give (Moran's I ");
            put_dec(h, m->I, 3, false);
            safer_html_raw(h, ", p ");
            put_p(h, m->p);
            safer_html_raw(h, ").");
        } else {
            safer_html_raw(h, "Ward totals show no significant spatial clustering (Moran's I ");
            put_dec(h, m->I, 3, false);
            safer_html_raw(h, ", p ");
            put_p(h, m->p);
            safer_html_raw(h, ").");
        }
        safer_html_raw(h, "</li>");
    }
    struct gaps g = window_gaps(a);
    if (g.missing_latest + g.partial_latest + g.missing_prev + g.partial_prev) {
        safer_html_raw(h, "<li><strong>Data gaps:</strong> ");
        put_int(h, g.missing_latest + g.missing_prev);
        if (g.missing_latest + g.missing_prev == 1)
            safer_html_raw(h, " force-month is missing and ");
        else
            safer_html_raw(h, " force-months are missing and ");
        put_int(h, g.partial_latest + g.partial_prev);
        if (g.partial_latest + g.partial_prev == 1)
            safer_html_raw(h, " looks partial in the two windows (section 2).</li>");
        else
            safer_html_raw(h, " look partial in the two windows (section 2).</li>");
    }
    safer_html_raw(h, "</ul>");
}

static void section_data(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"data\">2. Data used and its coverage</h2>");
    safer_html_raw(h, "<p>Police-recorded crime and anti-social behaviour come from the police.uk "
                      "street-level files listed below, one file per force and month, imported "
                      "unchanged. Each record is placed in the ward whose boundary contains its "
                      "published (anonymised) location.</p>");

    /* Records. */
    safer_html_raw(h, "<table><caption>Records up to ");
    put_month_long(h, a->latest);
    safer_html_raw(h, "</caption><thead><tr>");
    th(h, "Records", 0);
    th(h, "Count", 1);
    safer_html_raw(h, "</tr></thead><tbody>");
    struct {
        const char *label;
        uint64_t v;
    } rows[] = {
        {"All records in the store", a->rows_total},
        {"Placed in a ward of the area by their location", a->rows_assigned - a->rows_assigned_by_lsoa},
        {"Placed in a ward through their LSOA (no location published)", a->rows_assigned_by_lsoa},
        {"Without a location, and no LSOA lookup places them", a->rows_no_coords},
        {"Located outside every stored ward (or on a ward boundary)", a->rows_outside_wards},
        {"In stored wards outside the area", a->rows_outside_area},
        {"After the latest month (left out)", a->rows_after_latest},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (i == 5 && !a->area_code)
            continue;
        if (i == 6 && !a->rows_after_latest)
            continue;
        safer_html_raw(h, "<tr>");
        td_text(h, rows[i].label);
        td_int(h, (long long)rows[i].v);
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "</tbody></table>");

    /* Input files. */
    long long rejected = 0, read = 0;
    for (size_t i = 0; i < a->npublications; i++) {
        rejected += a->publications[i].rejected;
        read += a->publications[i].rows_read;
    }
    safer_html_raw(h, "<p>");
    put_int(h, (long long)a->npublications);
    safer_html_raw(h, " publications were used, with ");
    put_int(h, read);
    safer_html_raw(h, " data rows read and ");
    put_int(h, rejected);
    safer_html_raw(h, " rows rejected as malformed (the import log lists each by file and "
                      "line).</p>");
    safer_html_raw(h, "<details><summary>Every input file</summary><table><caption>Input files"
                      "</caption><thead><tr>");
    th(h, "Force", 0);
    th(h, "Month", 0);
    th(h, "File", 0);
    th(h, "Rows read", 1);
    th(h, "Rejected", 1);
    th(h, "Stored", 1);
    th(h, "Checksum (XXH3-128)", 0);
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t i = 0; i < a->npublications; i++) {
        const struct safer_publication *p = &a->publications[i];
        safer_html_raw(h, "<tr>");
        td_text(h, p->force);
        safer_html_raw(h, "<td>");
        put_month(h, p->month);
        safer_html_raw(h, "</td>");
        td_text(h, p->file);
        td_int(h, p->rows_read);
        td_int(h, p->rejected);
        td_int(h, p->rows);
        safer_html_raw(h, "<td><code>");
        safer_html_text(h, p->checksum);
        safer_html_raw(h, "</code></td></tr>");
    }
    safer_html_raw(h, "</tbody></table></details>");

    /* Coverage. */
    safer_html_raw(h, "<h3>Coverage by force and month</h3><p>For each force with records in the "
                      "area, every month it published up to the latest month, and every month of "
                      "the two 12-month windows it did not publish. A month is "
                      "<strong>partial</strong> when its file has under 60% of the median rows of "
                      "that force's months, and <strong>missing</strong> when there is no file.</p>");
    gap_flag(h, a, 1);
    /* One line per force, then every force-month in a table that folds away. */
    safer_html_raw(h, "<table><caption>Coverage by force</caption><thead><tr>");
    th(h, "Force", 0);
    th(h, "Months published", 1);
    th(h, "First", 0);
    th(h, "Last", 0);
    th(h, "Partial months", 0);
    th(h, "Missing months in the windows", 0);
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t i = 0; i < a->ncoverage;) {
        size_t j = i;
        int published = 0;
        int32_t firstm = -1, lastm = -1;
        while (j < a->ncoverage && strcmp(a->coverage[j].force, a->coverage[i].force) == 0) {
            if (a->coverage[j].status != SAFER_COVERAGE_MISSING) {
                published++;
                if (firstm < 0)
                    firstm = a->coverage[j].month;
                lastm = a->coverage[j].month;
            }
            j++;
        }
        safer_html_raw(h, "<tr>");
        td_text(h, a->coverage[i].force);
        td_int(h, published);
        safer_html_raw(h, "<td>");
        if (firstm >= 0)
            put_month(h, firstm);
        safer_html_raw(h, "</td><td>");
        if (lastm >= 0)
            put_month(h, lastm);
        for (int st = SAFER_COVERAGE_PARTIAL; st <= SAFER_COVERAGE_MISSING; st++) {
            safer_html_raw(h, "</td><td>");
            int n = 0;
            for (size_t k = i; k < j; k++) {
                const struct safer_coverage *c = &a->coverage[k];
                if ((int)c->status != st)
                    continue;
                if (n++)
                    safer_html_raw(h, ", ");
                if (st == SAFER_COVERAGE_PARTIAL)
                    safer_html_raw(h, "<span class=\"s-partial\">");
                else
                    safer_html_raw(h, "<span class=\"s-missing\">");
                put_month(h, c->month);
                if (st == SAFER_COVERAGE_PARTIAL) {
                    safer_html_raw(h, " (");
                    put_int(h, c->rows);
                    safer_html_raw(h, " rows)");
                }
                safer_html_raw(h, "</span>");
            }
            if (!n)
                safer_html_raw(h, "none");
        }
        safer_html_raw(h, "</td></tr>");
        i = j;
    }
    safer_html_raw(h, "</tbody></table>");
    safer_html_raw(h, "<details><summary>Every force and month</summary><table><caption>Coverage "
                      "by force and month</caption><thead><tr>");
    th(h, "Force", 0);
    th(h, "Month", 0);
    th(h, "Rows published", 1);
    th(h, "Status", 0);
    th(h, "Window", 0);
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t i = 0; i < a->ncoverage; i++) {
        const struct safer_coverage *c = &a->coverage[i];
        safer_html_raw(h, "<tr>");
        td_text(h, c->force);
        safer_html_raw(h, "<td>");
        put_month(h, c->month);
        safer_html_raw(h, "</td>");
        td_int(h, c->rows);
        if (c->status == SAFER_COVERAGE_OK)
            safer_html_raw(h, "<td class=\"s-ok\">ok</td>");
        else if (c->status == SAFER_COVERAGE_PARTIAL)
            safer_html_raw(h, "<td class=\"s-partial\">partial</td>");
        else
            safer_html_raw(h, "<td class=\"s-missing\">missing</td>");
        if (c->month >= a->l12_start)
            td_text(h, "latest 12");
        else if (c->month >= a->p12_start)
            td_text(h, "previous 12");
        else
            td_text(h, "earlier");
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "</tbody></table></details>");
}

static void section_levels(struct safer_buf *h, const struct safer_assessment *a,
                           struct safer_err *err)
{
    safer_html_raw(h, "<h2 id=\"levels\">3. Levels and patterns</h2>");
    gap_flag(h, a, 0);

    /* Up to five years of months: the trend behind the two windows. */
    int32_t first = a->first_month > a->latest - 59 ? a->first_month : a->latest - 59;
    size_t nm = (size_t)(a->latest - first + 1);
    char (*labels)[8] = safer__xmalloc(sizeof(*labels) * nm);
    const char **lp = safer__xmalloc(sizeof(char *) * nm);
    for (size_t i = 0; i < nm; i++) {
        safer__format_month(first + (int32_t)i, labels[i]);
        lp[i] = labels[i];
    }
    size_t *order = types_by_volume(a);
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
    struct safer_err e = {0};
    int rc = safer_svg_line_chart(h, &o, &ch, &e);
    if (rc < 0)
        figure_failed(h, &e, rc);
    safer_html_raw(h, "<figcaption>Figure 1: all police-recorded crime and anti-social behaviour "
                      "in the area's wards by month. Shaded months are partial or missing in at "
                      "least one force's data.</figcaption></figure>");

    ch.series = series + 1;
    ch.nseries = nser;
    struct safer_svg_opts o2 = {.id = "trend-types",
                                .title = "Figure 2: the largest categories by month"};
    safer_html_raw(h, "<figure>");
    safer_err_clear(&e);
    rc = safer_svg_line_chart(h, &o2, &ch, &e);
    if (rc < 0)
        figure_failed(h, &e, rc);
    safer_html_raw(h, "<figcaption>Figure 2: the six largest categories of the latest 12 months, "
                      "by month.</figcaption></figure>");

    /* The table behind both figures. */
    safer_html_raw(h, "<details><summary>Table behind figures 1 and 2</summary><table><caption>"
                      "Records by month</caption><thead><tr>");
    th(h, "Month", 0);
    for (size_t s = 0; s <= nser; s++)
        th(h, series[s].name, 1);
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t i = 0; i < nm; i++) {
        safer_html_raw(h, "<tr>");
        td_text(h, lp[i]);
        for (size_t s = 0; s <= nser; s++)
            td_int(h, (long long)vals[s * nm + i]);
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "</tbody></table></details>");

    /* Levels by type. */
    int64_t tl = total_latest(a);
    safer_html_raw(h, "<table><caption>Records by category, latest 12 months</caption><thead><tr>");
    th(h, "Category", 0);
    th(h, "Latest 12 months", 1);
    th(h, "Share", 1);
    th(h, "Monthly average", 1);
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t i = 0; i < a->ntypes; i++) {
        size_t t = order[i];
        safer_html_raw(h, "<tr>");
        td_text(h, a->types[t]);
        td_int(h, a->type_latest[t]);
        safer_html_raw(h, "<td class=\"n\">");
        put_dec(h, tl ? 100.0 * (double)a->type_latest[t] / (double)tl : 0, 1, false);
        safer_html_raw(h, "%</td><td class=\"n\">");
        put_dec(h, (double)a->type_latest[t] / months_in_window(a, a->l12_start, a->latest), 1, false);
        safer_html_raw(h, "</td></tr>");
    }
    safer_html_raw(h, "</tbody></table>");
    free(shade);
    free(vals);
    free(order);
    free(lp);
    free(labels);
    (void)err;
}

static void section_change(struct safer_buf *h, const struct safer_assessment *a)
{
    int comparable = a->latest12_complete && a->prev12_complete;
    safer_html_raw(h, "<h2 id=\"change\">4. Change</h2><p>Latest 12 months (");
    put_window(h, a->l12_start, a->latest);
    safer_html_raw(h, ") against the previous 12 months (");
    put_window(h, a->p12_start, a->p12_end);
    safer_html_raw(h, "). A change is marked significant (*) when an exact binomial test of the "
                      "latest count given the two counts' total rejects \"no change\" after "
                      "Benjamini-Hochberg adjustment over all the tests (adjusted p &lt; 0.05), "
                      "and both windows are complete.</p>");
    gap_flag(h, a, 1);

    for (int scope = 0; scope < 2; scope++) {
        size_t n = scope == 0 ? a->ntypes : a->nwards;
        struct safer_svg_bar *bars = safer__xcalloc(n ? n : 1, sizeof(*bars));
        for (size_t i = 0; i < n; i++) {
            int64_t prev = scope == 0 ? a->type_prev[i] : a->ward_prev[i];
            int64_t latest = scope == 0 ? a->type_latest[i] : a->ward_latest[i];
            const char *key = scope == 0 ? a->types[i] : a->wards[i].code;
            const struct safer_change_test *t = find_test(a, scope == 0 ? "type" : "ward", key);
            bars[i].label = scope == 0 ? a->types[i] : a->wards[i].name;
            bars[i].value = prev ? 100.0 * (double)(latest - prev) / (double)prev : NAN;
            bars[i].note = !comparable ? "\u2020" : (t && t->significant ? "*" : NULL);
        }
        struct safer_svg_bar_chart ch = {
            .bars = bars,
            .nbars = n,
            .style = SAFER_SVG_BAR_DIVERGING,
            .decimals = 0,
            .unit = "%",
            .axis_label = "Change on the previous 12 months (%)",
            .footnote = comparable
                            ? "* significant change (adjusted p < 0.05). No value: nothing "
                              "recorded in the previous 12 months."
                            : "\u2020 not comparable: a window has missing or partial months. No "
                              "value: nothing recorded in the previous 12 months."};
        struct safer_svg_opts o = {.id = scope == 0 ? "change-type" : "change-ward",
                                   .title = scope == 0 ? "Figure 3: change by category"
                                                       : "Figure 4: change by ward"};
        safer_html_raw(h, "<figure>");
        struct safer_err e = {0};
        int rc = total_prev(a) == 0
                     ? safer_svg_placeholder(h, &o,
                                             "No change to show: nothing was recorded in the "
                                             "previous 12 months",
                                             &e)
                     : safer_svg_bar_chart(h, &o, &ch, &e);
        if (rc < 0)
            figure_failed(h, &e, rc);
        if (scope == 0)
            safer_html_raw(h, "<figcaption>Figure 3: percentage change by category.</figcaption>");
        else
            safer_html_raw(h, "<figcaption>Figure 4: percentage change by ward.</figcaption>");
        safer_html_raw(h, "</figure>");
        free(bars);

        safer_html_raw(h, "<table><caption>");
        safer_html_text(h, scope == 0 ? "Change by category (figure 3)" : "Change by ward (figure 4)");
        safer_html_raw(h, "</caption><thead><tr>");
        th(h, scope == 0 ? "Category" : "Ward", 0);
        th(h, "Previous 12", 1);
        th(h, "Latest 12", 1);
        th(h, "Change", 1);
        th(h, "Change %", 1);
        th(h, "p", 1);
        th(h, "Adjusted p", 1);
        th(h, "Verdict", 0);
        safer_html_raw(h, "</tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            const char *key = scope == 0 ? a->types[i] : a->wards[i].code;
            const struct safer_change_test *t = find_test(a, scope == 0 ? "type" : "ward", key);
            int64_t prev = scope == 0 ? a->type_prev[i] : a->ward_prev[i];
            int64_t latest = scope == 0 ? a->type_latest[i] : a->ward_latest[i];
            safer_html_raw(h, "<tr>");
            if (scope == 0) {
                td_text(h, a->types[i]);
            } else {
                safer_html_raw(h, "<td>");
                safer_html_text(h, a->wards[i].name);
                safer_html_raw(h, " <span class=\"meta\">");
                safer_html_text(h, a->wards[i].code);
                safer_html_raw(h, "</span></td>");
            }
            td_int(h, prev);
            td_int(h, latest);
            safer_html_raw(h, "<td class=\"n\">");
            put_dec(h, (double)(latest - prev), 0, true);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_pct(h, prev, latest);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_p(h, t ? t->p : NAN);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_p(h, t ? t->p_adj : NAN);
            safer_html_raw(h, "</td>");
            if (!comparable)
                td_text(h, "not comparable \u2020");
            else if (t && t->significant)
                td_text(h, latest > prev ? "significant rise *" : "significant fall *");
            else
                td_text(h, "within chance");
            safer_html_raw(h, "</tr>");
        }
        safer_html_raw(h, "</tbody></table>");
    }
}

static void section_places(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"places\">5. Places</h2>");
    gap_flag(h, a, 0);
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
            figure_failed(h, &e, rc);
        safer_html_raw(h, "<figcaption>Figure 5: wards shaded by ");
        safer_html_text(h, rates ? "rate per 1,000 residents" : "count");
        safer_html_raw(h, " in quintiles.</figcaption></figure>");
    }
    safer_html_raw(h, "<table><caption>Wards (figure 5)</caption><thead><tr>");
    th(h, "Ward", 0);
    th(h, "Code", 0);
    th(h, "Latest 12", 1);
    if (rates) {
        th(h, "Population", 1);
        th(h, "Per 1,000", 1);
    }
    if (a->imd_lsoas) {
        th(h, "LSOAs in the most deprived 20%", 1);
        th(h, "Mean IMD decile", 1);
    }
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t w = 0; w < a->nwards; w++) {
        safer_html_raw(h, "<tr>");
        td_text(h, a->wards[w].name);
        td_text(h, a->wards[w].code);
        td_int(h, a->ward_latest[w]);
        if (rates) {
            safer_html_raw(h, "<td class=\"n\">");
            put_dec(h, a->population[w], 0, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_dec(h, v[w], 1, false);
            safer_html_raw(h, "</td>");
        }
        if (a->imd_lsoas) {
            safer_html_raw(h, "<td class=\"n\">");
            put_int(h, a->imd_most_deprived[w]);
            safer_html_raw(h, " of ");
            put_int(h, a->imd_lsoas[w]);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_dec(h, a->imd_mean_decile[w], 1, false);
            safer_html_raw(h, "</td>");
        }
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "</tbody></table>");

    /* Hotspots. */
    safer_html_raw(h, "<h3>Hot spots</h3><p>The area is covered by a grid of ");
    put_dec(h, a->cell, 0, false);
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
            figure_failed(h, &e, rc);
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
        th(h, "Square (easting, northing of centre)", 0);
        th(h, "Ward", 0);
        th(h, "Records", 1);
        th(h, "Gi* z", 1);
        th(h, "Adjusted p", 1);
        th(h, "Class", 0);
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
            td_text(h, wn);
            td_int(h, c->count);
            safer_html_raw(h, "<td class=\"n\">");
            put_dec(h, c->z, 2, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_p(h, c->p_adj);
            safer_html_raw(h, "</td>");
            td_text(h, safer_gi_class_name(c->cls));
            safer_html_raw(h, "</tr>");
        }
        safer_html_raw(h, "</tbody></table>");
        free(top);
    }
    if (a->points_outside_grid) {
        safer_html_raw(h, "<p class=\"meta\">");
        put_int(h, (long long)a->points_outside_grid);
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
        th(h, "Weights", 0);
        th(h, "Wards", 1);
        th(h, "I", 1);
        th(h, "Expected", 1);
        th(h, "Variance", 1);
        th(h, "z", 1);
        th(h, "p (one-sided)", 1);
        safer_html_raw(h, "</tr></thead><tbody>");
        for (size_t i = 0; i < a->nmoran; i++) {
            const struct safer_moran_row *m = &a->moran[i];
            safer_html_raw(h, "<tr>");
            td_text(h, strcmp(m->style, "W") == 0 ? "row-standardised (W)" : "binary (B)");
            td_int(h, (long long)m->n);
            safer_html_raw(h, "<td class=\"n\">");
            put_dec(h, m->I, 4, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_dec(h, m->expectation, 4, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_dec(h, m->variance, 5, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_dec(h, m->z, 3, false);
            safer_html_raw(h, "</td><td class=\"n\">");
            put_p(h, m->p);
            safer_html_raw(h, "</td></tr>");
        }
        safer_html_raw(h, "</tbody></table>");
        if (a->moran[0].islands) {
            safer_html_raw(h, "<p class=\"meta\">");
            put_int(h, (long long)a->moran[0].islands);
            safer_html_raw(h, " ward(s) touch no other ward and are left out of the test.</p>");
        }
    } else {
        safer_html_raw(h, "<p>Not computed: the area has fewer than two wards.</p>");
    }
    free(v);
    free(names);
}

/* The partnership's priorities (Safer Maidstone Partnership plan, 2021). */
struct priority {
    const char *name;
    const char *types[5];
    const char *cannot;
};

static const struct priority PRIORITIES[] = {
    {"Protecting our communities against serious, violent and organised crime (including "
     "modern-day slavery)",
     {"Violence and sexual offences", "Robbery", "Possession of weapons", "Drugs", NULL},
     "police.uk does not separate serious violence, organised crime groups, county lines or "
     "modern slavery; these need police intelligence and the Serious Organised Crime Panel."},
    {"Reducing the harm caused by domestic abuse (including stalking)",
     {"Violence and sexual offences", NULL},
     "police.uk has no domestic-abuse flag: domestic abuse and stalking sit inside 'Violence and "
     "sexual offences' and cannot be counted from it. Use the force's domestic-abuse flag, MARAC "
     "and one-stop-shop figures."},
    {"Keeping children and young people safe",
     {"Possession of weapons", "Robbery", NULL},
     "police.uk records no age of victim or offender, so youth violence, exploitation and knife "
     "crime among young people cannot be shown; weapons and robbery are at best context. Use "
     "the contextual safeguarding meeting's data."},
    {"Reducing the impact of substance misuse on our community",
     {"Drugs", "Anti-social behaviour", NULL},
     "'Drugs' mixes possession and supply and reflects police activity as much as use; alcohol "
     "is not flagged. Use treatment service and licensing data."},
    {"Safeguarding people whose mental health makes them vulnerable",
     {NULL},
     "police.uk holds nothing on mental health or vulnerability; use the Community Safety and "
     "Vulnerability Group's cases and health partners' data."},
    {"Cross-cutting: reducing anti-social behaviour", {"Anti-social behaviour", NULL},
     "police.uk shows police-recorded incidents only, not council or housing reports."},
};

static void section_priorities(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"priorities\">6. The partnership's priorities</h2><p>How the "
                      "police.uk categories bear on the partnership plan's priorities, and what "
                      "this data cannot show. The figures are the categories' totals in the "
                      "area; a category appears under every priority it informs.</p>");
    gap_flag(h, a, 1);
    safer_html_raw(h, "<table><caption>Priorities and the police.uk categories that inform them"
                      "</caption><thead><tr>");
    th(h, "Priority", 0);
    th(h, "Category", 0);
    th(h, "Previous 12", 1);
    th(h, "Latest 12", 1);
    th(h, "Change %", 1);
    th(h, "What police.uk cannot show", 0);
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t p = 0; p < sizeof(PRIORITIES) / sizeof(PRIORITIES[0]); p++) {
        const struct priority *pr = &PRIORITIES[p];
        size_t nt = 0;
        while (nt < 5 && pr->types[nt])
            nt++;
        size_t rows = nt ? nt : 1;
        for (size_t r = 0; r < rows; r++) {
            safer_html_raw(h, "<tr>");
            if (r == 0) {
                safer_buf_putf(h, "<th scope=\"row\" rowspan=\"%zu\">", rows);
                safer_html_text(h, pr->name);
                safer_html_raw(h, "</th>");
            }
            if (!nt) {
                safer_html_raw(h, "<td colspan=\"4\">No police.uk category</td>");
            } else {
                long t = type_index(a, pr->types[r]);
                td_text(h, pr->types[r]);
                if (t < 0) {
                    safer_html_raw(h, "<td colspan=\"3\">not in the data</td>");
                } else {
                    td_int(h, a->type_prev[t]);
                    td_int(h, a->type_latest[t]);
                    safer_html_raw(h, "<td class=\"n\">");
                    put_pct(h, a->type_prev[t], a->type_latest[t]);
                    safer_html_raw(h, "</td>");
                }
            }
            if (r == 0) {
                safer_buf_putf(h, "<td rowspan=\"%zu\">", rows);
                safer_html_text(h, pr->cannot);
                safer_html_raw(h, "</td>");
            }
            safer_html_raw(h, "</tr>");
        }
    }
    safer_html_raw(h, "</tbody></table>");
}

static void section_caveats(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"caveats\">7. Caveats</h2><ul>");
    /* The pandemic: March 2020 to June 2021 overlapping either window. */
    int32_t c0 = 2020 * 12 + 2, c1 = 2021 * 12 + 5;
    if (a->latest >= c0 && a->p12_start <= c1)
        safer_html_raw(h, "<li><strong>The pandemic.</strong> The windows overlap the Covid-19 "
                          "restrictions (March 2020 to June 2021), when recorded crime and "
                          "anti-social behaviour moved for reasons that say little about the "
                          "underlying trend.</li>");
    struct gaps g = window_gaps(a);
    if (g.partial_latest || g.partial_prev)
        safer_html_raw(h, "<li><strong>Partial months.</strong> At least one force's file for a "
                          "month in the windows is much smaller than its usual months (section 2); "
                          "police.uk sometimes publishes incomplete months and corrects them later. "
                          "Importing the republished file replaces the month.</li>");
    if (g.missing_latest || g.missing_prev)
        safer_html_raw(h, "<li><strong>Missing months.</strong> Some months of the windows have "
                          "no file; counts for them are zero here, not a real fall.</li>");
    safer_html_raw(h, "<li><strong>Anonymised locations.</strong> police.uk moves each record to "
                      "the nearest of a set of anonymous map points (a street segment or a "
                      "public place), so records cluster on those points and a few land in a "
                      "neighbouring ward. Hot spots are therefore drawn on squares, not "
                      "addresses.</li>");
    safer_html_raw(h, "<li><strong>Records without a location</strong> are placed through "
                      "their LSOA when a lookup is loaded; they count in the ward figures but "
                      "not in the hot spot grid.</li>");
    safer_html_raw(h, "<li><strong>Boundaries.</strong> A record exactly on a ward boundary "
                      "belongs to no ward (the interior rule of ST_Contains) and is counted as "
                      "outside.</li>");
    safer_html_raw(h, "<li><strong>Recording practice.</strong> Police-recorded figures move "
                      "with reporting and recording as well as with crime; for hidden crimes "
                      "such as domestic abuse, a rise can mean more confidence to report.</li>");
    safer_html_raw(h, "</ul>");
}

static void section_method(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"method\">8. Method notes</h2><dl>");
    safer_html_raw(h, "<dt>Windows</dt><dd>Latest month ");
    put_month(h, a->latest);
    safer_html_raw(h, "; latest 12 months ");
    put_month(h, a->l12_start);
    safer_html_raw(h, " to ");
    put_month(h, a->latest);
    safer_html_raw(h, "; previous 12 months ");
    put_month(h, a->p12_start);
    safer_html_raw(h, " to ");
    put_month(h, a->p12_end);
    safer_html_raw(h, ".</dd>");
    safer_html_raw(h, "<dt>Ward of a record</dt><dd>The ward whose polygon interior contains "
                      "the record's published longitude and latitude, tested exactly in the "
                      "plane on the numbers as published (the semantics of PostGIS ST_Contains "
                      "on EPSG:4326 geometry). Holes are outside; every part of a multipolygon "
                      "counts. Without coordinates, the ward of the record's LSOA in the ONS "
                      "lookup.</dd>");
    safer_html_raw(h, "<dt>Grid</dt><dd>Points and ward boundaries are converted from WGS84 "
                      "(EPSG:4326) to the British National Grid (EPSG:27700) with PROJ, which "
                      "chose the operation <em>");
    safer_html_text(h, a->proj_operation ? a->proj_operation : "(none needed)");
    safer_html_raw(h, "</em>. Squares of ");
    put_dec(h, a->cell, 0, false);
    safer_html_raw(h, " m have corners on multiples of the side; the study grid is every square "
                      "whose closed area meets a ward of the area, empty squares included.</dd>");
    safer_html_raw(h, "<dt>Hot spots</dt><dd>Getis-Ord Gi* with binary weights over each square "
                      "and its up to 8 neighbours in the grid (itself included), z = (&#931;w x "
                      "&#8722; x&#772; W) / (s &#8730;((n S1 &#8722; W&#178;)/(n &#8722; 1))); "
                      "two-sided normal p-values adjusted by Benjamini-Hochberg over the grid; "
                      "classes at adjusted p below 0.01, 0.05 and 0.10. This is what R "
                      "spdep::localG computes with include.self and style B.</dd>");
    safer_html_raw(h, "<dt>Clustering</dt><dd>Moran's I of ward totals in the latest 12 months "
                      "with queen contiguity as spdep::poly2nb finds it (wards sharing a "
                      "boundary point within 1.49e-8 degrees), row-standardised and binary "
                      "weights, variance under randomisation, one-sided p (greater), as "
                      "spdep::moran.test.</dd>");
    safer_html_raw(h, "<dt>Change</dt><dd>Exact two-sided binomial test of the latest count "
                      "given the sum of both windows against a probability of one half (no "
                      "change), as R binom.test; Benjamini-Hochberg adjustment over all category "
                      "and ward tests; significant below 0.05, and only when both windows are "
                      "complete.</dd>");
    safer_html_raw(h, "<dt>Coverage</dt><dd>A force-month is partial when its file has fewer "
                      "than 60% of the median rows of that force's stored months, missing when "
                      "there is no file.</dd>");
    safer_html_raw(h, "<dt>Rates</dt><dd>Records in the latest 12 months per 1,000 residents; "
                      "LSOA populations are summed to wards through the ONS lookup, and a ward "
                      "missing any of its LSOAs' populations gets no rate. ONS LSOA-to-ward "
                      "lookups are best fit: each LSOA goes wholly to the ward holding most of "
                      "its people, so a ward's summed population, and so its rate, is an "
                      "approximation, least good for small wards.</dd>");
    safer_html_raw(h, "<dt>Files</dt><dd>Every figure is in the CSV files beside this report: "
                      "counts_ward_type_month.csv, change_by_type.csv, change_by_ward.csv, "
                      "change_tests.csv, coverage.csv, hotspots.csv, moran.csv, summary.csv");
    if (a->population)
        safer_html_raw(h, ", rates_by_ward.csv");
    if (a->imd_lsoas)
        safer_html_raw(h, ", deprivation_by_ward.csv");
    safer_html_raw(h, ".</dd><dt>Licence</dt><dd>" OGL_ATTRIBUTION " Police data: data.police.uk."
                      "</dd></dl>");
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
    safer_html_raw(h, "</style></head><body><header><p class=\"meta\">Strategic assessment</p><h1>");
    safer_html_text(h, a->title);
    safer_html_raw(h, "</h1><p class=\"lede\">Police-recorded crime and anti-social behaviour, ");
    put_window(h, a->l12_start, a->latest);
    safer_html_raw(h, ", compared with the 12 months before.</p><p class=\"meta\">Area: ");
    if (a->area_code) {
        safer_html_text(h, a->area_name ? a->area_name : a->area_code);
        safer_html_raw(h, " (");
        safer_html_text(h, a->area_code);
        safer_html_raw(h, "), ");
    }
    put_int(h, (long long)a->nwards);
    safer_html_raw(h, " wards. Produced by safer 0.1.0 from the files listed in section 2."
                      "</p></header>");
    safer_html_raw(h, "<nav aria-label=\"Contents\"><h2>Contents</h2><ol>"
                      "<li><a href=\"#summary\">Summary of findings</a></li>"
                      "<li><a href=\"#data\">Data used and its coverage</a></li>"
                      "<li><a href=\"#levels\">Levels and patterns</a></li>"
                      "<li><a href=\"#change\">Change</a></li>"
                      "<li><a href=\"#places\">Places</a></li>"
                      "<li><a href=\"#priorities\">The partnership's priorities</a></li>"
                      "<li><a href=\"#caveats\">Caveats</a></li>"
                      "<li><a href=\"#method\">Method notes</a></li></ol></nav><main>");
    section_summary(h, a);
    section_data(h, a);
    section_levels(h, a, err);
    section_change(h, a);
    section_places(h, a);
    section_priorities(h, a);
    section_caveats(h, a);
    section_method(h, a);
    safer_html_raw(h, "</main></body></html>\n");
    if (safer_buf_error(h))
        return safer_err_set(err, safer_buf_error(h),
                             "the report is larger than %llu bytes (limit SAFER_LIMIT_REPORT)",
                             (unsigned long long)SAFER_LIMIT_REPORT);
    return 0;
}

int safer_report_write(const struct safer_assessment *a, const char *dir, struct safer_err *err)
{
    struct safer_buf b;
    safer_buf_init(&b, SAFER_LIMIT_REPORT);
    int rc = safer_report_render(a, &b, err);
    if (rc == 0)
        rc = safer__write_file(dir, "index.html", &b, err);
    safer_buf_release(&b);
    return rc;
}
