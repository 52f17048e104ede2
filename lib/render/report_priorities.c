/*
 * report_priorities.c - section 6, the partnership's priorities.
 *
 * How the police.uk categories bear on each priority of the partnership
 * plan, and what police.uk cannot show of it, so that the assessment does
 * not pretend a category measures a priority it only touches.
 */
#include "util/compat.h"

#include <stddef.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/html.h"

static long type_index(const struct safer_assessment *a, const char *name)
{
    for (size_t t = 0; t < a->ntypes; t++) {
        if (strcmp(a->types[t], name) == 0)
            return (long)t;
    }
    return -1;
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

void safer__report_priorities(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"priorities\">6. The partnership's priorities</h2><p>How the "
                      "police.uk categories bear on the partnership plan's priorities, and what "
                      "this data cannot show. The figures are the categories' totals in the "
                      "area; a category appears under every priority it informs.</p>");
    safer__report_gap_flag(h, a, 1);
    safer_html_raw(h, "<table><caption>Priorities and the police.uk categories that inform them"
                      "</caption><thead><tr>");
    safer__report_th(h, "Priority", 0);
    safer__report_th(h, "Category", 0);
    safer__report_th(h, "Previous 12", 1);
    safer__report_th(h, "Latest 12", 1);
    safer__report_th(h, "Change %", 1);
    safer__report_th(h, "What police.uk cannot show", 0);
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
                safer__report_td_text(h, pr->types[r]);
                if (t < 0) {
                    safer_html_raw(h, "<td colspan=\"3\">not in the data</td>");
                } else {
                    safer__report_td_int(h, a->type_prev[t]);
                    safer__report_td_int(h, a->type_latest[t]);
                    safer_html_raw(h, "<td class=\"n\">");
                    safer__report_pct(h, a->type_prev[t], a->type_latest[t]);
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
