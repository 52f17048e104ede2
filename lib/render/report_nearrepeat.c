/*
 * report_nearrepeat.c - section 5's near repeats: the Knox table of the
 * assessment's category (burglary by default) in the latest window, and a
 * plain sentence worded from its significant cells (docs/assessment.md,
 * Near repeats, states the rule).
 *
 * A cell is significant when its p-value is at most 0.05 and it holds more
 * pairs than the permutations' mean (knox ratio above 1). The sentence:
 * - a repeat at the same place: a significant cell of the first distance
 *   band when that band starts at 0 and ends at 1 m or less;
 * - near repeats: the run of distance bands, from the first one beyond the
 *   same place, each holding a significant cell; "within D m" names the end
 *   of that run, and the time is the end of the latest significant time
 *   band in it ("in the same month" for a first band [0, 1), else "for
 *   the following N months"), with t in months as the assessment sets it;
 * - none: said so, plainly; when cells further out are significant
 *   but the nearest band beyond the same place is not, "no pattern close
 *   by", with how many cells further out were marked among how many.
 */
#include "util/compat.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/html.h"
#include "safer/report.h"
#include "safer/nearrepeat.h"

#define NR_ALPHA 0.05

static bool significant(const struct safer_knox_cell *c)
{
    return c->p_value <= NR_ALPHA && c->knox_ratio > 1;
}

static void months(struct safer_buf *h, double t_hi)
{
    long long m = (long long)ceil(t_hi);
    if (m <= 1) {
        safer_html_raw(h, "in the same month");
    } else if (m == 2) {
        safer_html_raw(h, "in the same or the following month");
    } else {
        safer_html_raw(h, "for the following ");
        safer__report_int(h, m - 1);
        safer_html_raw(h, " months");
    }
}

void safer_report_nearrepeat_sentence(struct safer_buf *h, const struct safer_assessment *a)
{
    const struct safer_knox *k = &a->nr;
    size_t ns = k->nspace_bands, nt = k->ntime_bands;
    size_t s0 = 0;
    bool repeat = false, any = false;
    double repeat_t = 0;
    if (k->cells[0].s_lo == 0 && k->cells[0].s_hi <= 1) {
        s0 = 1;
        for (size_t b = 0; b < nt; b++) {
            if (significant(&k->cells[b])) {
                repeat = true;
                repeat_t = k->cells[b].t_hi;
            }
        }
    }
    double d = 0, t = 0;
    size_t far = 0; /* significant cells beyond the same point */
    for (size_t c = s0 * nt; c < ns * nt; c++)
        far += significant(&k->cells[c]);
    for (size_t s = s0; s < ns; s++) {
        bool in = false;
        for (size_t b = 0; b < nt; b++) {
            const struct safer_knox_cell *c = &k->cells[s * nt + b];
            if (significant(c)) {
                in = true;
                t = c->t_hi > t ? c->t_hi : t;
            }
        }
        if (!in)
            break;
        d = k->cells[s * nt].s_hi;
        any = true;
    }
    /* "burglary", from police.uk's "Burglary" */
    const char *cat = a->nr_category ? a->nr_category : SAFER_NEARREPEAT_CATEGORY;
    char name[128];
    size_t len = strlen(cat);
    len = len < sizeof(name) - 1 ? len : sizeof(name) - 1;
    memcpy(name, cat, len);
    name[len] = 0;
    name[0] = (char)tolower((unsigned char)name[0]);
    if (any) {
        if (strchr("aeiou", name[0]) && name[0])
            safer_html_raw(h, "After an ");
        else
            safer_html_raw(h, "After a ");
        safer_html_text(h, name);
        safer_html_raw(h, ", places within ");
        safer__report_level(h, d);
        safer_html_raw(h, " m were at raised risk ");
        months(h, t);
        safer_html_raw(h, ": more pairs of records fell that close in space and time than "
                          "chance would give.");
    } else if (far == 0) {
        safer_html_raw(h, "No near-repeat pattern: no band of distance beyond the same place "
                          "held more pairs of ");
        safer_html_text(h, name);
        safer_html_raw(h, " records close in time than chance would give.");
    } else {
        const struct safer_knox_cell *first = &k->cells[s0 * nt];
        safer_html_raw(h, "No near-repeat pattern close by: the nearest band beyond the same "
                          "place (");
        safer__report_level(h, first->s_lo);
        safer_html_raw(h, "&ndash;");
        safer__report_level(h, first->s_hi);
        safer_html_raw(h, " m) held no more pairs of ");
        safer_html_text(h, name);
        safer_html_raw(h, " records than chance would give; ");
        safer__report_int(h, (long long)far);
        if (far == 1)
            safer_html_raw(h, " cell further out did, which among ");
        else
            safer_html_raw(h, " cells further out did, which among ");
        safer__report_int(h, (long long)(ns * nt));
        safer_html_raw(h, " may be chance.");
    }
    if (repeat) {
        safer_html_raw(h, " Repeats at the same map point were also more common than chance, ");
        months(h, repeat_t);
        safer_html_raw(h, ".");
    }
}

void safer__report_nearrepeat(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h3 id=\"near-repeats\">Near repeats: ");
    safer_html_text(h, a->nr_category ? a->nr_category : SAFER_NEARREPEAT_CATEGORY);
    safer_html_raw(h, "</h3>");
    if (!a->nr.cells) {
        safer_html_raw(h, "<p>No record of this category with a location in the study wards "
                          "in ");
        safer__report_window_name(h, a, 0);
        safer_html_raw(h, ": no near-repeat test was made.</p>");
        return;
    }
    const struct safer_knox *k = &a->nr;
    safer_html_raw(h, "<p class=\"lede\">");
    safer_report_nearrepeat_sentence(h, a);
    safer_html_raw(h, "</p>");
    safer_html_raw(h, "<p>The near-repeat (Knox) test takes every pair of the ");
    safer__report_int(h, (long long)a->nr_events);
    safer_html_raw(h, " records with a location in ");
    safer__report_window_name(h, a, 0);
    safer_html_raw(h, " and counts it by how far apart the two are (metres) and how many months "
                      "apart; it compares each count with ");
    safer__report_int(h, (long long)k->perms);
    safer_html_raw(h, " shuffles of the months over the same places. A cell marked * holds "
                      "significantly more pairs than the shuffles (p &le; 0.05); the ratio is "
                      "the count over the shuffles' mean. With ");
    safer__report_int(h, (long long)(k->nspace_bands * k->ntime_bands));
    safer_html_raw(h, " cells, about one in twenty would be marked by chance alone, so a lone "
                      "mark is weak evidence. police.uk moves records to anonymous "
                      "map points, so distances under a few hundred metres are approximate.");
    if (a->nr_no_point) {
        safer_html_raw(h, " ");
        safer__report_int(h, (long long)a->nr_no_point);
        safer_html_raw(h, " records without a location are not in the test.");
    }
    safer_html_raw(h, "</p>");
    if (safer__report_public_edition(a)) {
        safer_html_raw(h, "<p>The table of pairs is in the members' edition only.</p>");
        return;
    }
    size_t ns = k->nspace_bands, nt = k->ntime_bands;
    /* A scrolling box, named, as every table of the report (report.c). */
    safer_html_raw(h, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\""
                      "Pairs of records by distance and months apart\"><table><caption>Pairs of "
                      "records by distance and months apart: count (ratio to chance)</caption>"
                      "<thead><tr>"
                      "<th scope=\"col\">Distance (m)</th>");
    for (size_t b = 0; b < nt; b++) {
        const struct safer_knox_cell *c = &k->cells[b];
        safer_html_raw(h, "<th scope=\"col\" class=\"n\">");
        safer__report_level(h, c->t_lo);
        safer_html_raw(h, "&ndash;");
        safer__report_level(h, c->t_hi);
        safer_html_raw(h, " months</th>");
    }
    safer_html_raw(h, "</tr></thead><tbody>");
    for (size_t s = 0; s < ns; s++) {
        const struct safer_knox_cell *row = &k->cells[s * nt];
        safer_html_raw(h, "<tr><th scope=\"row\">");
        safer__report_level(h, row->s_lo);
        safer_html_raw(h, "&ndash;");
        safer__report_level(h, row->s_hi);
        safer_html_raw(h, "</th>");
        for (size_t b = 0; b < nt; b++) {
            const struct safer_knox_cell *c = &row[b];
            safer_html_raw(h, "<td class=\"n\">");
            safer__report_int(h, (long long)c->observed);
            if (!isnan(c->knox_ratio)) {
                safer_html_raw(h, " (");
                safer__report_dec(h, c->knox_ratio, 2, false);
                safer_html_raw(h, ")");
            }
            if (significant(c))
                safer_html_raw(h, " *");
            safer_html_raw(h, "</td>");
        }
        safer_html_raw(h, "</tr>");
    }
    safer_html_raw(h, "</tbody></table></div><p>The whole table, with the shuffles' spread and the "
                      "exact mean and standard deviation of each count, is in "
                      "nearrepeat.csv.</p>");
}
