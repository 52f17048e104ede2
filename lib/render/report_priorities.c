/*
 * report_priorities.c - section 8, the partnership's priorities.
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

/* A category's figures; the row is the category's index in the assessment. */
static void category_name(struct safer_buf *h, const void *a, size_t t)
{
    safer_html_text(h, ((const struct safer_assessment *)a)->types[t]);
}

static void category_prev(struct safer_buf *h, const void *a, size_t t)
{
    safer__report_int(h, ((const struct safer_assessment *)a)->type_prev[t]);
}

static void category_latest(struct safer_buf *h, const void *a, size_t t)
{
    safer__report_int(h, ((const struct safer_assessment *)a)->type_latest[t]);
}

static void category_pct(struct safer_buf *h, const void *a, size_t t)
{
    const struct safer_assessment *x = a;
    safer__report_pct(h, x->type_prev[t], x->type_latest[t]);
}

/* The first and last columns span a priority's rows, so they are written
 * by hand; the category's figures come from the description. */
static const struct safer__report_col PRIORITY_TABLE[] = {
    {.heading = "Priority"},
    {.heading = "Category", .cell = category_name},
    {.heading = "Previous 12", .numeric = true, .cell = category_prev},
    {.heading = "Latest 12", .numeric = true, .cell = category_latest},
    {.heading = "Change %", .numeric = true, .cell = category_pct},
    {.heading = "What police.uk cannot show"},
};

void safer__report_priorities(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"priorities\">8. The partnership's priorities</h2><p>How the "
                      "police.uk categories bear on the partnership plan's priorities, and what "
                      "this data cannot show. The figures are the categories' totals in the "
                      "area; a category appears under every priority it informs.</p>");
    safer__report_gap_flag(h, a, 1);
    safer__report_table_head(
        h, SAFER__REPORT_LITERAL("Priorities and the police.uk categories that inform them"),
        PRIORITY_TABLE, SAFER__NELEM(PRIORITY_TABLE));
    for (size_t p = 0; p < SAFER__NELEM(PRIORITIES); p++) {
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
            long t = nt ? type_index(a, pr->types[r]) : -1;
            if (!nt) {
                safer_html_raw(h, "<td colspan=\"4\">No police.uk category</td>");
            } else if (t < 0) {
                safer_html_raw(h, "<td>");
                safer_html_text(h, pr->types[r]);
                safer_html_raw(h, "</td><td colspan=\"3\">not in the data</td>");
            } else {
                safer__report_cells(h, PRIORITY_TABLE + 1, 4, a, (size_t)t);
            }
            if (r == 0) {
                safer_buf_putf(h, "<td rowspan=\"%zu\">", rows);
                safer_html_text(h, pr->cannot);
                safer_html_raw(h, "</td>");
            }
            safer_html_raw(h, "</tr>");
        }
    }
    safer__report_table_end(h);
}
