/*
 * report_priorities.c - section 10, the partnership's priorities.
 *
 * Rendered from the plan of the partnership the area belongs to
 * (a->plan, include/safer/plan.h): how the police.uk categories bear on
 * each of its priorities, what police.uk cannot show of them, so that the
 * assessment does not pretend a category measures a priority it only
 * touches, and the groups that deliver them. With no plan the section says
 * so and names no partnership's priorities, groups or services: they come
 * from data, never from the program.
 */
#include "util/compat.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/html.h"
#include "safer/plan.h"

static long type_index(const struct safer_assessment *a, const char *name)
{
    for (size_t t = 0; t < a->ntypes; t++) {
        if (strcmp(a->types[t], name) == 0)
            return (long)t;
    }
    return -1;
}

/* A category's figures; the row is the category's index in the assessment. */
static void category_name(struct safer_buf *h, const void *a, size_t t)
{
    safer_html_text(h, ((const struct safer_assessment *)a)->types[t]);
}

static void category_prev(struct safer_buf *h, const void *a, size_t t)
{
    const struct safer_assessment *x = a;
    safer__report_count(h, x->type_prev[t], safer_hidden(x->hidden.type_prev, t));
}

static void category_latest(struct safer_buf *h, const void *a, size_t t)
{
    const struct safer_assessment *x = a;
    safer__report_count(h, x->type_latest[t], safer_hidden(x->hidden.type_latest, t));
}

/* Is either count of category t hidden (public edition)? Then so is its
 * change. */
static bool category_hidden(const struct safer_assessment *a, size_t t)
{
    return safer_hidden(a->hidden.type_prev, t) || safer_hidden(a->hidden.type_latest, t);
}

static void category_pct(struct safer_buf *h, const void *a, size_t t)
{
    const struct safer_assessment *x = a;
    if (category_hidden(x, t))
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else
        safer__report_pct(h, x->type_prev[t], x->type_latest[t]);
}

/* The first and the last two columns span a priority's rows, so they are
 * written by hand; the category's figures come from the description. */
static const struct safer__report_col PRIORITY_TABLE[] = {
    {.heading = "Priority"},
    {.heading = "Category", .cell = category_name},
    {.heading = "Previous window", .numeric = true, .cell = category_prev},
    {.heading = "Latest window", .numeric = true, .cell = category_latest},
    {.heading = "Change %", .numeric = true, .cell = category_pct},
    {.heading = "What police.uk cannot show"},
    {.heading = "Delivered by"},
};

/* A group kind as the report words it. */
static const char *kind_name(const char *kind)
{
    static const char *const names[][2] = {
        {"executive", "Executive group"}, {"partnership", "Partnership"},
        {"scrutiny", "Scrutiny committee"}, {"subgroup", "Sub-group"},
        {"working-group", "Working group"}, {"task-force", "Task force"},
        {"meeting", "Meeting"},           {"ward-cluster", "Ward cluster"},
        {"linked-board", "Linked board"}, {"team", "Team or service"},
    };
    for (size_t i = 0; i < SAFER__NELEM(names); i++) {
        if (strcmp(kind, names[i][0]) == 0)
            return names[i][1];
    }
    return kind;
}

/* The groups, one row each. */
static void group_name(struct safer_buf *h, const void *p, size_t i)
{
    safer_html_text(h, ((const struct safer_plan *)p)->groups[i].name);
}

static void group_kind(struct safer_buf *h, const void *p, size_t i)
{
    safer_html_text(h, kind_name(((const struct safer_plan *)p)->groups[i].kind));
}

static void group_parent(struct safer_buf *h, const void *p, size_t i)
{
    const struct safer_plan *plan = p;
    const struct safer_plan_group *up = safer_plan_group(plan, plan->groups[i].parent);
    if (up)
        safer_html_text(h, up->name);
    else
        safer_html_raw(h, "\u2014");
}

static void group_remit(struct safer_buf *h, const void *p, size_t i)
{
    const struct safer_plan_group *g = &((const struct safer_plan *)p)->groups[i];
    if (!g->nremit) {
        safer_html_raw(h, "\u2014");
        return;
    }
    safer_html_raw(h, "<ul>");
    for (size_t k = 0; k < g->nremit; k++) {
        safer_html_raw(h, "<li>");
        safer_html_text(h, g->remit[k]);
        safer_html_raw(h, "</li>");
    }
    safer_html_raw(h, "</ul>");
}

static void group_meets(struct safer_buf *h, const void *p, size_t i)
{
    const struct safer_plan_group *g = &((const struct safer_plan *)p)->groups[i];
    safer_html_text(h, g->meets ? g->meets : "\u2014");
}

static const struct safer__report_col GROUP_TABLE[] = {
    {.heading = "Group", .cell = group_name},
    {.heading = "Kind", .cell = group_kind},
    {.heading = "Reports to", .cell = group_parent},
    {.heading = "Remit", .cell = group_remit},
    {.heading = "Meets", .cell = group_meets},
};

/* The names of the groups of `keys`, "; " between them (names hold commas). */
static void group_names(struct safer_buf *h, const struct safer_plan *p, const char *const *keys,
                        size_t n)
{
    if (!n) {
        safer_html_raw(h, "\u2014");
        return;
    }
    for (size_t k = 0; k < n; k++) {
        if (k)
            safer_html_raw(h, "; ");
        const struct safer_plan_group *g = safer_plan_group(p, keys[k]);
        safer_html_text(h, g ? g->name : keys[k]);
    }
}

/* "2019 to 2022, updated 2021-06". */
static void period(struct safer_buf *h, const struct safer_plan *p)
{
    safer_html_text(h, p->period_from);
    safer_html_raw(h, " to ");
    safer_html_text(h, p->period_to);
    if (p->updated) {
        safer_html_raw(h, ", updated ");
        safer_html_text(h, p->updated);
    }
}

static void no_plan(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<div class=\"inset\"><p><strong>No plan loaded.</strong> ");
    if (a->area_code) {
        safer_html_raw(h, "No partnership's plan is stored for ");
        safer_html_text(h, a->area_name ? a->area_name : a->area_code);
        safer_html_raw(h, " (");
        safer_html_text(h, a->area_code);
        safer_html_raw(h, ")");
    } else {
        safer_html_raw(h, "This assessment covers every stored ward rather than one area "
                          "(no --area), so no partnership's plan applies to it");
    }
    safer_html_raw(h, ", and this report names no partnership's priorities, groups or services. "
                      "A partnership loads its plan with <code>safer import plan PLAN.json</code> "
                      "(the format is in docs/plan.md); the assessment of its area then reports "
                      "against it here. Section 7 scores every police.uk category as a candidate "
                      "priority with or without one.</p></div>");
}

void safer__report_priorities(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"priorities\">10. The partnership's priorities</h2>");
    const struct safer_plan *p = a->plan;
    if (!p) {
        no_plan(h, a);
        return;
    }
    safer_html_raw(h, "<p>The priorities of ");
    safer_html_text(h, p->name);
    safer_html_raw(h, "'s plan, <cite>");
    safer_html_text(h, p->title);
    safer_html_raw(h, "</cite> (");
    period(h, p);
    safer_html_raw(h, "), and how the police.uk categories bear on each, with what this data "
                      "cannot show. The figures are the categories' totals in the area; a "
                      "category appears under every priority it informs.</p>");
    if (p->note) {
        safer_html_raw(h, "<p class=\"inset\">");
        safer_html_text(h, p->note);
        safer_html_raw(h, "</p>");
    }
    safer__report_gap_flag(h, a, 1);
    bool hidden = false;
    /* The windows' headings name them as every table does ("12 months to
     * February 2019"). */
    struct safer__report_col cols[SAFER__NELEM(PRIORITY_TABLE)];
    memcpy(cols, PRIORITY_TABLE, sizeof(cols));
    struct safer_buf prev, latest;
    safer_buf_init(&prev, 128);
    safer_buf_init(&latest, 128);
    safer__report_window_heading(&prev, a, 1);
    safer__report_window_heading(&latest, a, 0);
    cols[2].heading = prev.ptr;
    cols[3].heading = latest.ptr;
    safer__report_table_head(
        h, SAFER__REPORT_LITERAL("Priorities and the police.uk categories that inform them"),
        cols, SAFER__NELEM(cols));
    safer_buf_release(&prev);
    safer_buf_release(&latest);
    for (size_t i = 0; i < p->npriorities; i++) {
        const struct safer_plan_priority *pr = &p->priorities[i];
        size_t nt = pr->ncategories;
        size_t rows = nt ? nt : 1;
        for (size_t r = 0; r < rows; r++) {
            safer_html_raw(h, "<tr>");
            if (r == 0) {
                safer_buf_putf(h, "<th scope=\"row\" rowspan=\"%zu\">", rows);
                safer_html_text(h, pr->title);
                if (pr->cross_cutting)
                    safer_html_raw(h, " (cross-cutting theme)");
                if (pr->objective) {
                    safer_html_raw(h, "<br><span class=\"meta\">Objective: ");
                    safer_html_text(h, pr->objective);
                    safer_html_raw(h, "</span>");
                }
                safer_html_raw(h, "</th>");
            }
            long t = nt ? type_index(a, pr->categories[r]) : -1;
            if (!nt) {
                safer_html_raw(h, "<td colspan=\"4\">No police.uk category</td>");
            } else if (t < 0) {
                safer_html_raw(h, "<td>");
                safer_html_text(h, pr->categories[r]);
                safer_html_raw(h, "</td><td colspan=\"3\">not in the data</td>");
            } else {
                safer__report_cells(h, PRIORITY_TABLE + 1, 4, a, (size_t)t);
                hidden |= category_hidden(a, (size_t)t);
            }
            if (r == 0) {
                safer_buf_putf(h, "<td rowspan=\"%zu\">", rows);
                safer_html_text(h, pr->cannot_show ? pr->cannot_show : "\u2014");
                safer_buf_putf(h, "</td><td rowspan=\"%zu\">", rows);
                group_names(h, p, pr->groups, pr->ngroups);
                safer_html_raw(h, "</td>");
            }
            safer_html_raw(h, "</tr>");
        }
    }
    safer__report_table_end(h);
    if (hidden)
        safer__report_hidden_note(h, a);

    if (p->ngroups) {
        safer_html_raw(h, "<h3>The partnership's groups</h3>");
        safer__report_table(h, SAFER__REPORT_LITERAL("The groups the plan names, and their remits"),
                            GROUP_TABLE, SAFER__NELEM(GROUP_TABLE), p, p->ngroups);
    }
    safer_html_raw(h, "<p class=\"meta\">From the plan file ");
    safer_html_text(h, p->file);
    safer_html_raw(h, " (XXH3-128 ");
    safer_html_text(h, p->checksum);
    safer_html_raw(h, "), whose source is: ");
    safer_html_text(h, p->source);
    safer_html_raw(h, ". ");
    if (p->about)
        safer_html_text(h, p->about);
    safer_html_raw(h, "</p>");
}
