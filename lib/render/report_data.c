/*
 * report_data.c - section 2, the data used and its coverage.
 *
 * What went in and how complete it is, so that a reader can judge every
 * later figure: the records and where they were placed, every input file
 * with its checksum, and each force's months, partial or missing, that the
 * windows depend on. The rest of the report points here whenever a gap
 * affects a figure.
 */
#include "util/compat.h"

#include <stdint.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/html.h"
#include "safer/police.h"

void safer__report_data(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"data\">2. Data used and its coverage</h2>");
    safer_html_raw(h, "<p>Police-recorded crime and anti-social behaviour come from the police.uk "
                      "street-level files listed below, one file per force and month, imported "
                      "unchanged. Each record is placed in the ward whose boundary contains its "
                      "published (anonymised) location.</p>");

    /* Records. */
    safer_html_raw(h, "<table><caption>Records up to ");
    safer__report_month_long(h, a->latest);
    safer_html_raw(h, "</caption><thead><tr>");
    safer__report_th(h, "Records", 0);
    safer__report_th(h, "Count", 1);
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
        safer__report_td_text(h, rows[i].label);
        safer__report_td_int(h, (long long)rows[i].v);
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
    safer__report_int(h, (long long)a->npublications);
    safer_html_raw(h, " publications were used, with ");
    safer__report_int(h, read);
    safer_html_raw(h, " data rows read and ");
    safer__report_int(h, rejected);
    safer_html_raw(h, " rows rejected as malformed (the import log lists each by file and "
                      "line).</p>");
    safer_html_raw(h, "<details><summary>Every input file</summary><table><caption>Input files"
                      "</caption><thead><tr>");
    safer__report_th(h, "Force", 0);
    safer__report_th(h, "Month", 0);
    safer__report_th(h, "File", 0);
    safer__report_th(h, "Rows read", 1);
    safer__report_th(h, "Rejected", 1);
    safer__report_th(h, "Stored", 1);
    safer__report_th(h, "Checksum (XXH3-128)", 0);
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t i = 0; i < a->npublications; i++) {
        const struct safer_publication *p = &a->publications[i];
        safer_html_raw(h, "<tr>");
        safer__report_td_text(h, p->force);
        safer_html_raw(h, "<td>");
        safer__report_month(h, p->month);
        safer_html_raw(h, "</td>");
        safer__report_td_text(h, p->file);
        safer__report_td_int(h, p->rows_read);
        safer__report_td_int(h, p->rejected);
        safer__report_td_int(h, p->rows);
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
    safer__report_gap_flag(h, a, 1);
    /* One line per force, then every force-month in a table that folds away. */
    safer_html_raw(h, "<table><caption>Coverage by force</caption><thead><tr>");
    safer__report_th(h, "Force", 0);
    safer__report_th(h, "Months published", 1);
    safer__report_th(h, "First", 0);
    safer__report_th(h, "Last", 0);
    safer__report_th(h, "Partial months", 0);
    safer__report_th(h, "Missing months in the windows", 0);
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
        safer__report_td_text(h, a->coverage[i].force);
        safer__report_td_int(h, published);
        safer_html_raw(h, "<td>");
        if (firstm >= 0)
            safer__report_month(h, firstm);
        safer_html_raw(h, "</td><td>");
        if (lastm >= 0)
            safer__report_month(h, lastm);
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
                safer__report_month(h, c->month);
                if (st == SAFER_COVERAGE_PARTIAL) {
                    safer_html_raw(h, " (");
                    safer__report_int(h, c->rows);
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
    safer__report_th(h, "Force", 0);
    safer__report_th(h, "Month", 0);
    safer__report_th(h, "Rows published", 1);
    safer__report_th(h, "Status", 0);
    safer__report_th(h, "Window", 0);
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t i = 0; i < a->ncoverage; i++) {
        const struct safer_coverage *c = &a->coverage[i];
        safer_html_raw(h, "<tr>");
        safer__report_td_text(h, c->force);
        safer_html_raw(h, "<td>");
        safer__report_month(h, c->month);
        safer_html_raw(h, "</td>");
        safer__report_td_int(h, c->rows);
        if (c->status == SAFER_COVERAGE_OK)
            safer_html_raw(h, "<td class=\"s-ok\">ok</td>");
        else if (c->status == SAFER_COVERAGE_PARTIAL)
            safer_html_raw(h, "<td class=\"s-partial\">partial</td>");
        else
            safer_html_raw(h, "<td class=\"s-missing\">missing</td>");
        if (c->month >= a->l12_start)
            safer__report_td_text(h, "latest 12");
        else if (c->month >= a->p12_start)
            safer__report_td_text(h, "previous 12");
        else
            safer__report_td_text(h, "earlier");
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "</tbody></table></details>");
}
