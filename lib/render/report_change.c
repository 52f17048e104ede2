/*
 * report_change.c - section 4, change on the previous 12 months.
 *
 * The percentage change of every category and every ward, as a diverging
 * bar chart and a table with the binomial test's p-values. A change is
 * called significant only when the test says so after adjustment and both
 * windows are complete; otherwise the section says the windows are not
 * comparable rather than show a change that may be an artefact of the data.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/html.h"
#include "safer/svg.h"

static const struct safer_change_test *find_test(const struct safer_assessment *a,
                                                 const char *scope, const char *key)
{
    for (size_t i = 0; i < a->ntests; i++) {
        if (strcmp(a->tests[i].scope, scope) == 0 && strcmp(a->tests[i].key, key) == 0)
            return &a->tests[i];
    }
    return NULL;
}

/* The changes of one scope: every category, or every ward. */
struct changes {
    const struct safer_assessment *a;
    int wards; /* 0: categories, 1: wards */
    size_t n;
    const int64_t *prev, *latest;
    const struct safer_change_test **tests; /* owned array; an entry is NULL when untested */
    int comparable;
};

static void changes_init(struct changes *c, const struct safer_assessment *a, int wards)
{
    c->a = a;
    c->wards = wards;
    c->n = wards ? a->nwards : a->ntypes;
    c->prev = wards ? a->ward_prev : a->type_prev;
    c->latest = wards ? a->ward_latest : a->type_latest;
    c->tests = safer__xcalloc(c->n ? c->n : 1, sizeof(*c->tests));
    for (size_t i = 0; i < c->n; i++)
        c->tests[i] = find_test(a, wards ? "ward" : "type", wards ? a->wards[i].code : a->types[i]);
    c->comparable = a->latest12_complete && a->prev12_complete;
}

#define CH(rows) ((const struct changes *)(rows))

static void change_type(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, CH(rows)->a->types[i]);
}

static void change_ward(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, CH(rows)->a->wards[i].name);
    safer_html_raw(h, " <span class=\"meta\">");
    safer_html_text(h, CH(rows)->a->wards[i].code);
    safer_html_raw(h, "</span>");
}

static void change_prev(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, CH(rows)->prev[i]);
}

static void change_latest(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_int(h, CH(rows)->latest[i]);
}

static void change_count(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_dec(h, (double)(CH(rows)->latest[i] - CH(rows)->prev[i]), 0, true);
}

static void change_pct(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_pct(h, CH(rows)->prev[i], CH(rows)->latest[i]);
}

static void change_p(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_change_test *t = CH(rows)->tests[i];
    safer__report_p(h, t ? t->p : NAN);
}

static void change_p_adj(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_change_test *t = CH(rows)->tests[i];
    safer__report_p(h, t ? t->p_adj : NAN);
}

static void change_verdict(struct safer_buf *h, const void *rows, size_t i)
{
    const struct changes *c = CH(rows);
    if (!c->comparable)
        safer_html_text(h, "not comparable \u2020");
    else if (c->tests[i] && c->tests[i]->significant)
        safer_html_text(h, c->latest[i] > c->prev[i] ? "significant rise *" : "significant fall *");
    else
        safer_html_text(h, "within chance");
}

/* The first column names the category or the ward. */
static const struct safer__report_col CHANGE[] = {
    {0}, /* the category or the ward: set per table */
    {.heading = "Previous 12", .numeric = true, .cell = change_prev},
    {.heading = "Latest 12", .numeric = true, .cell = change_latest},
    {.heading = "Change", .numeric = true, .cell = change_count},
    {.heading = "Change %", .numeric = true, .cell = change_pct},
    {.heading = "p", .numeric = true, .cell = change_p},
    {.heading = "Adjusted p", .numeric = true, .cell = change_p_adj},
    {.heading = "Verdict", .cell = change_verdict},
};

/* Figure 3 or 4: one bar per category or ward, marked when significant. */
static void change_figure(struct safer_buf *h, const struct changes *c)
{
    const struct safer_assessment *a = c->a;
    struct safer_svg_bar *bars = safer__xcalloc(c->n ? c->n : 1, sizeof(*bars));
    for (size_t i = 0; i < c->n; i++) {
        int64_t prev = c->prev[i], latest = c->latest[i];
        const struct safer_change_test *t = c->tests[i];
        bars[i].label = c->wards ? a->wards[i].name : a->types[i];
        bars[i].value = prev ? 100.0 * (double)(latest - prev) / (double)prev : NAN;
        bars[i].note = !c->comparable ? "\u2020" : (t && t->significant ? "*" : NULL);
    }
    /* The footnote is text for the figure, which escapes it. */
    char alpha[32], footnote[160];
    safer_svg_format_number(alpha, sizeof(alpha), a->rules.change_alpha,
                            safer__report_decimals(a->rules.change_alpha), false);
    snprintf(footnote, sizeof(footnote),
             "* significant change (adjusted p < %s). No value: nothing recorded in the previous "
             "12 months.",
             alpha);
    struct safer_svg_bar_chart ch = {
        .bars = bars,
        .nbars = c->n,
        .style = SAFER_SVG_BAR_DIVERGING,
        .decimals = 0,
        .unit = "%",
        .axis_label = "Change on the previous 12 months (%)",
        .footnote = c->comparable
                        ? footnote
                        : "\u2020 not comparable: a window has missing or partial months. No "
                          "value: nothing recorded in the previous 12 months."};
    struct safer_svg_opts o = {.id = c->wards ? "change-ward" : "change-type",
                               .title = c->wards ? "Figure 4: change by ward"
                                                 : "Figure 3: change by category"};
    safer_html_raw(h, "<figure>");
    if (safer__report_total_prev(a) == 0)
        safer__report_figure(h, &o,
                             (struct safer__report_fig){
                                 .placeholder = "No change to show: nothing was recorded in the "
                                                "previous 12 months"});
    else
        safer__report_figure(h, &o, (struct safer__report_fig){.bar = &ch});
    if (c->wards)
        safer_html_raw(h, "<figcaption>Figure 4: percentage change by ward.</figcaption>");
    else
        safer_html_raw(h, "<figcaption>Figure 3: percentage change by category.</figcaption>");
    safer_html_raw(h, "</figure>");
    free(bars);
}

void safer__report_change(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"change\">4. Change</h2><p>Latest 12 months (");
    safer__report_window(h, a->l12_start, a->latest);
    safer_html_raw(h, ") against the previous 12 months (");
    safer__report_window(h, a->p12_start, a->p12_end);
    safer_html_raw(h, "). A change is marked significant (*) when an exact binomial test of the "
                      "latest count given the two counts' total rejects \"no change\" after "
                      "Benjamini-Hochberg adjustment over all the tests (adjusted p &lt; ");
    safer__report_level(h, a->rules.change_alpha);
    safer_html_raw(h, "), and both windows are complete.</p>");
    safer__report_gap_flag(h, a, 1);

    for (int wards = 0; wards < 2; wards++) {
        struct changes c;
        changes_init(&c, a, wards);
        change_figure(h, &c);
        struct safer__report_col cols[SAFER__NELEM(CHANGE)];
        memcpy(cols, CHANGE, sizeof(cols));
        cols[0] = wards ? (struct safer__report_col){.heading = "Ward", .cell = change_ward}
                        : (struct safer__report_col){.heading = "Category", .cell = change_type};
        safer__report_table(h,
                            wards ? SAFER__REPORT_LITERAL("Change by ward (figure 4)")
                                  : SAFER__REPORT_LITERAL("Change by category (figure 3)"),
                            cols, SAFER__NELEM(cols), &c, c.n);
        free(c.tests);
    }
}
