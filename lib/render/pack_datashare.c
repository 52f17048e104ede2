/*
 * pack_datashare.c - the quarterly data-share pack (partner.h): one HTML
 * document to print on A4 for the partners' quarterly exchange under SI
 * 2007/1831. A cover names the partnership, the quarter and the data
 * sets; then a page a partner data set (its agency, source, licence,
 * threshold, and its counts by ward and month of the quarter beside the
 * police.uk category its mapping names); then a page of the police.uk
 * figures of the quarter by category and month.
 *
 * Each partner table is the quarter's three months by ward with the ward,
 * month and quarter totals, suppressed as one table with its margins
 * (safer_partner_suppress()); nothing else of the data set is shown, so no
 * hidden count can be worked out from the pack by adding and subtracting
 * (tests/unit/test_partner.c checks that by brute force). Police.uk
 * figures are published open data and shown whole.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/report_internal.h"
#include "safer/account.h"
#include "safer/html.h"
#include "safer/partner.h"
#include "util/internal.h"

static const char CSS[] =
    "body{font-family:Arial,Helvetica,'Liberation Sans',sans-serif;color:#0b0c0c;"
    "max-width:60em;margin:0 auto;padding:1em 1.5em;line-height:1.4;font-size:16px}"
    "h1{font-size:1.8em;margin:.4em 0 .2em}h2{font-size:1.4em;margin-top:1.4em;"
    "border-top:2px solid #0b0c0c;padding-top:.4em}h3{font-size:1.1em;margin:1em 0 .3em}"
    ".meta{color:#505a5f}dt{font-weight:bold}dd{margin:0 0 .4em 0}"
    "table{border-collapse:collapse;margin:.4em 0 1em;font-size:.9em;width:100%}"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}"
    "th,td{border-bottom:1px solid #b1b4b6;padding:.2em .5em;text-align:left;vertical-align:top}"
    "th{background:#f3f2f1}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{max-width:none;padding:0;font-size:10pt}"
    "section{break-before:page}h2{border-top:0}h1,h2,h3{break-after:avoid}"
    "tr{break-inside:avoid}}";

static void th(struct safer_buf *h, const char *text, bool n)
{
    if (n)
        safer_html_raw(h, "<th scope=\"col\" class=\"n\">");
    else
        safer_html_raw(h, "<th scope=\"col\">");
    safer_html_text(h, text);
    safer_html_raw(h, "</th>");
}

static void month_th(struct safer_buf *h, int32_t m)
{
    safer_html_raw(h, "<th scope=\"col\" class=\"n\">");
    safer__report_month(h, m);
    safer_html_raw(h, "</th>");
}

/* One data set's page. */
static void dataset(struct safer_buf *h, const struct safer_partner_data *d, size_t i,
                    int32_t q, bool suppress)
{
    const struct safer_partner_set *s = &d->sets[i];
    struct safer_partner_table t, p;
    memset(&p, 0, sizeof(p));
    safer_partner_slice(&d->table[i], q, q + 2, NULL, 0, &t);
    bool police = d->police[i].nwards > 0;
    if (police)
        safer_partner_slice(&d->police[i], q, q + 2, NULL, 0, &p);
    struct safer_err err = {0};
    int rc = suppress ? safer_partner_suppress(&t, s->threshold, &err) : 0;
    safer_html_raw(h, "<section><h2>");
    safer_html_text(h, s->title);
    safer_html_raw(h, "</h2><dl><dt>Shared by</dt><dd>");
    safer_html_text(h, s->agency);
    safer_html_raw(h, "</dd><dt>Source</dt><dd>");
    safer_html_text(h, s->source);
    safer_html_raw(h, "</dd><dt>Licence or sharing agreement</dt><dd>");
    safer_html_text(h, s->licence);
    safer_html_raw(h, "</dd><dt>Suppression</dt><dd>");
    if (!suppress || s->threshold <= 1) {
        if (suppress)
            safer_html_raw(h, "none: the agency publishes every count");
        else
            safer_html_raw(h, "none in this copy: it shows every count, and is not to be "
                              "passed on");
    } else {
        safer_html_raw(h, "counts from 1 to ");
        safer__report_int(h, s->threshold - 1);
        safer_html_raw(h, " are shown as " SAFER__REPORT_HIDDEN ", with the others that would "
                          "give them away");
    }
    safer_html_raw(h, "</dd></dl>");
    if (rc < 0) {
        safer_html_raw(h, "<p>The figures cannot be shown: ");
        safer_html_text(h, err.msg);
        safer_html_raw(h, ".</p></section>");
        goto out;
    }
    if (s->first < 0 || s->last < q || s->first > q + 2) {
        safer_html_raw(h, "<p>The data set holds no record of this quarter's months.</p>");
    } else if (s->first > q || s->last < q + 2) {
        safer_html_raw(h, "<p>The data set covers only part of the quarter: a month it does "
                          "not hold counts 0.</p>");
    }
    safer_html_raw(h, "<table><caption>");
    safer_html_text(h, s->title);
    safer_html_raw(h, " by ward and month</caption><thead><tr>");
    th(h, "Ward", false);
    for (int32_t m = 0; m < 3; m++)
        month_th(h, q + m);
    th(h, "Quarter", true);
    if (police) {
        safer_html_raw(h, "<th scope=\"col\" class=\"n\">Police.uk: ");
        safer_html_text(h, s->police_category);
        safer_html_raw(h, "</th>");
    }
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t w = 0; w <= t.nwards; w++) {
        safer_html_raw(h, "<tr><td>");
        safer_html_text(h, w < t.nwards ? t.ward_name[w] : "All wards");
        safer_html_raw(h, "</td>");
        for (size_t m = 0; m < 3; m++) {
            safer_html_raw(h, "<td class=\"n\">");
            if (w < t.nwards)
                safer__report_count(h, t.cell[w * 3 + m],
                                    t.hid_cell && t.hid_cell[w * 3 + m]);
            else
                safer__report_count(h, t.month_total[m], t.hid_month && t.hid_month[m]);
            safer_html_raw(h, "</td>");
        }
        safer_html_raw(h, "<td class=\"n\">");
        if (w < t.nwards)
            safer__report_count(h, t.ward_total[w], t.hid_ward && t.hid_ward[w]);
        else
            safer__report_count(h, t.total, t.hid_total);
        safer_html_raw(h, "</td>");
        if (police) {
            /* Published open data, marked apart from the partner's figures. */
            safer_html_raw(h, "<td class=\"n police\">");
            safer__report_int(h, w < p.nwards ? p.ward_total[w] : p.total);
            safer_html_raw(h, "</td>");
        }
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "</tbody></table></section>");
out:
    safer_partner_table_release(&t);
    safer_partner_table_release(&p);
}

int safer_pack_datashare(struct safer_store *st, const struct safer_actor *actor, int32_t quarter,
                         bool suppress, int64_t now, struct safer_buf *out,
                         struct safer_err *err)
{
    if (quarter < 0 || quarter % 3 != 0)
        return safer_err_set(err, SAFER_EINVAL, "a quarter starts in January, April, July or "
                                                "October");
    struct safer_partner_data *d = NULL;
    bool unsuppressed = false;
    int rc = safer_partner_live(st, actor, quarter, quarter + 2, &d, &unsuppressed, err);
    if (rc < 0)
        return rc;
    if (!unsuppressed)
        suppress = true;
    const char **types = d->type_name;
    size_t ntypes = d->ntypes;
    const int64_t *counts = d->type_count;
    char qname[16], day[16] = "";
    snprintf(qname, sizeof(qname), "%04d-Q%d", quarter / 12, quarter % 12 / 3 + 1);
    time_t tt = (time_t)now;
    struct tm tm;
    if (gmtime_r(&tt, &tm))
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    struct safer_buf *h = out;
    safer_html_raw(h, "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<title>Data-share pack ");
    safer_html_text(h, qname);
    safer_html_raw(h, "</title><style>");
    safer_buf_puts(h, CSS);
    safer_html_raw(h, "</style></head><body><header><p class=\"meta\">");
    safer_html_text(h, d->partnership);
    safer_html_raw(h, "</p><h1>Data-share pack, ");
    safer_html_text(h, qname);
    safer_html_raw(h, "</h1><p class=\"meta\">");
    safer__report_month(h, quarter);
    safer_html_raw(h, " to ");
    safer__report_month(h, quarter + 2);
    safer_html_raw(h, ". Produced ");
    safer_html_text(h, day);
    safer_html_raw(h, " from the partnership's store.</p></header><main><p>The Crime and Disorder "
                      "(Formulation and Implementation of Strategy) Regulations 2007 (SI "
                      "2007/1831) make the responsible authorities share the information the "
                      "partnership needs. This pack holds every partner data set's figures for "
                      "the quarter, by ward and month, and the police.uk figures for the same "
                      "months.</p>");
    if (d->n == 0) {
        safer_html_raw(h, "<p><strong>No partner data is loaded.</strong> Partners' data is "
                          "loaded with <code>safer import partner FILE.csv --map "
                          "MAP.json</code>.</p>");
    } else {
        safer_html_raw(h, "<ul>");
        for (size_t i = 0; i < d->n; i++) {
            safer_html_raw(h, "<li>");
            safer_html_text(h, d->sets[i].title);
            safer_html_raw(h, " (");
            safer_html_text(h, d->sets[i].agency);
            safer_html_raw(h, ")</li>");
        }
        safer_html_raw(h, "</ul>");
    }
    for (size_t i = 0; i < d->n; i++)
        dataset(h, d, i, quarter, suppress);
    safer_html_raw(h, "<section><h2>Police.uk records</h2><p>Street-level crime and "
                      "anti-social behaviour as police.uk publishes them (Open Government "
                      "Licence v3.0), all wards held, by category and month.</p>");
    if (ntypes == 0) {
        safer_html_raw(h, "<p>No police.uk records of this quarter are held.</p>");
    } else {
        safer_html_raw(h, "<table><caption>Police.uk records by category</caption><thead><tr>");
        th(h, "Category", false);
        for (int32_t m = 0; m < 3; m++)
            month_th(h, quarter + m);
        th(h, "Quarter", true);
        safer_html_raw(h, "</tr></thead><tbody>");
        int64_t col[3] = {0, 0, 0};
        for (size_t k = 0; k <= ntypes; k++) {
            int64_t sum = 0;
            safer_html_raw(h, "<tr><td>");
            safer_html_text(h, k < ntypes ? types[k] : "All categories");
            safer_html_raw(h, "</td>");
            for (size_t m = 0; m < 3; m++) {
                int64_t v = k < ntypes ? counts[k * 3 + m] : col[m];
                if (k < ntypes)
                    col[m] += v;
                sum += v;
                safer_html_raw(h, "<td class=\"n\">");
                safer__report_int(h, v);
                safer_html_raw(h, "</td>");
            }
            safer_html_raw(h, "<td class=\"n\">");
            safer__report_int(h, sum);
            safer_html_raw(h, "</td></tr>");
        }
        safer_html_raw(h, "</tbody></table>");
    }
    safer_html_raw(h, "</section></main></body></html>\n");
    if (safer_buf_error(h))
        rc = safer_err_set(err, safer_buf_error(h), "the data-share pack is too large");
    safer_partner_data_free(d);
    return rc;
}
