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
#include <stdbool.h>
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
    const unsigned char *prev_hidden, *latest_hidden; /* the public edition's masks, or NULL */
    unsigned char *pair_hidden; /* owned: either count of row i hidden, so that all
                                   worked out from both is (change, test, verdict) */
    bool any_hidden;            /* some row shows the mark */
    int months_latest, months_prev; /* months with data in each window */
    int like;       /* both windows hold data for the same number of months */
    int comparable; /* ... and neither has a missing or partial month */
};

static void changes_init(struct changes *c, const struct safer_assessment *a, int wards)
{
    c->a = a;
    c->wards = wards;
    c->n = wards ? a->nwards : a->ntypes;
    c->prev = wards ? a->ward_prev : a->type_prev;
    c->latest = wards ? a->ward_latest : a->type_latest;
    c->prev_hidden = wards ? a->hidden.ward_prev : a->hidden.type_prev;
    c->latest_hidden = wards ? a->hidden.ward_latest : a->hidden.type_latest;
    c->tests = safer__xcalloc(c->n ? c->n : 1, sizeof(*c->tests));
    c->pair_hidden = safer__xcalloc(c->n ? c->n : 1, 1);
    c->any_hidden = false;
    for (size_t i = 0; i < c->n; i++) {
        c->tests[i] = find_test(a, wards ? "ward" : "type", wards ? a->wards[i].code : a->types[i]);
        c->pair_hidden[i] = safer_hidden(c->prev_hidden, i) || safer_hidden(c->latest_hidden, i);
        c->any_hidden |= c->pair_hidden[i] != 0;
    }
    c->months_latest = safer__report_window_data(a, 0);
    c->months_prev = safer__report_window_data(a, 1);
    c->like = c->months_latest > 0 && c->months_latest == c->months_prev;
    c->comparable = c->like && a->latest12_complete && a->prev12_complete;
}

/* What a bar of a hidden change says, under the figure. */
#define HIDDEN_FOOTNOTE                                                                        \
    "Not drawn: a change worked out from a count hidden in this public edition "                 \
    "(" SAFER__REPORT_HIDDEN " in the table)."

#define CH(rows) ((const struct changes *)(rows))
#define DASH "\u2014" /* no value: no test, or no like-for-like change */

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
    safer__report_count(h, CH(rows)->prev[i], safer_hidden(CH(rows)->prev_hidden, i));
}

static void change_latest(struct safer_buf *h, const void *rows, size_t i)
{
    safer__report_count(h, CH(rows)->latest[i], safer_hidden(CH(rows)->latest_hidden, i));
}

/* No change between windows that are not like for like; a hidden one
 * where either count is hidden. */
static void change_count(struct safer_buf *h, const void *rows, size_t i)
{
    if (!CH(rows)->like)
        safer_html_raw(h, DASH);
    else if (CH(rows)->pair_hidden[i])
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else
        safer__report_dec(h, (double)(CH(rows)->latest[i] - CH(rows)->prev[i]), 0, true);
}

static void change_pct(struct safer_buf *h, const void *rows, size_t i)
{
    if (!CH(rows)->like)
        safer_html_raw(h, DASH);
    else if (CH(rows)->pair_hidden[i])
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else if (CH(rows)->prev[i] == 0)
        safer_html_raw(h, DASH);
    else
        safer__report_pct(h, CH(rows)->prev[i], CH(rows)->latest[i]);
}

static void put_p(struct safer_buf *h, double p)
{
    if (isnan(p))
        safer_html_raw(h, DASH);
    else
        safer__report_p(h, p);
}

/* The p-values of a test of a hidden count are not published: a dash,
 * the verdict saying why. */
static void change_p(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_change_test *t = CH(rows)->tests[i];
    put_p(h, t && !CH(rows)->pair_hidden[i] ? t->p : NAN);
}

static void change_p_adj(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_change_test *t = CH(rows)->tests[i];
    put_p(h, t && !CH(rows)->pair_hidden[i] ? t->p_adj : NAN);
}

/* Why the windows are not compared like for like: "no data for the 12
 * months to February 2018", "data for 3 months against 5". */
static void unlike_why(struct safer_buf *h, const struct changes *c)
{
    if (c->months_prev == 0 || c->months_latest == 0) {
        safer_html_raw(h, "no data for ");
        safer__report_window_name(h, c->a, c->months_prev == 0);
    } else {
        safer_buf_putf(h, "data for %d month%s against %d", c->months_prev,
                       c->months_prev == 1 ? "" : "s", c->months_latest);
    }
}

static void change_verdict(struct safer_buf *h, const void *rows, size_t i)
{
    const struct changes *c = CH(rows);
    const struct safer_change_test *t = c->tests[i];
    if (!c->like) {
        safer_html_raw(h, "no test: ");
        unlike_why(h, c);
    } else if (c->pair_hidden[i]) {
        safer_html_raw(h, SAFER__REPORT_HIDDEN ": not published");
    } else if (!c->comparable) {
        safer_html_raw(h, "not comparable \u2020");
    } else if (!t || isnan(t->p)) {
        safer_html_raw(h, "nothing recorded");
    } else if (t->significant) {
        if (c->latest[i] > c->prev[i])
            safer_html_raw(h, "significant rise *");
        else
            safer_html_raw(h, "significant fall *");
    } else {
        safer_html_raw(h, "within chance");
    }
}

/* The first column names the category or the ward; the counts' headings
 * name the windows. */
static const struct safer__report_col CHANGE[] = {
    {0}, /* the category or the ward: set per table */
    {.numeric = true, .cell = change_prev},   /* heading: the previous window */
    {.numeric = true, .cell = change_latest}, /* heading: the latest window */
    {.heading = "Change", .numeric = true, .cell = change_count},
    {.heading = "Change %", .numeric = true, .cell = change_pct},
    {.heading = "p", .numeric = true, .cell = change_p},
    {.heading = "Adjusted p", .numeric = true, .cell = change_p_adj},
    {.heading = "Verdict", .cell = change_verdict},
};

/* What the marks and dashes of a change table mean, beside the table:
 * only the ones it uses. */
static void marks_note(struct safer_buf *h, const struct changes *c)
{
    int sig = 0, untested = 0, no_prev = 0, comparable_rows = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->pair_hidden[i])
            continue;
        comparable_rows = 1;
        sig |= c->tests[i] && c->tests[i]->significant;
        untested |= !c->tests[i] || isnan(c->tests[i]->p);
        no_prev |= c->prev[i] == 0;
    }
    safer_html_raw(h, "<p class=\"meta\">");
    if (!c->like) {
        safer_html_raw(h, DASH " no test and no change: the two windows are not like for like (");
        unlike_why(h, c);
        safer_html_raw(h, "), so their counts cannot be compared.");
    } else {
        if (!c->comparable && comparable_rows)
            safer_html_raw(h, "\u2020 not comparable: a window has a missing or partial month "
                              "(section 2), so no change is marked significant. ");
        if (sig) {
            safer_html_raw(h, "* significant: an exact binomial test, adjusted for the number "
                              "of tests, gives p below ");
            safer__report_level(h, c->a->rules.change_alpha);
            safer_html_raw(h, ". ");
        }
        if (untested)
            safer_html_raw(h, DASH " no test: nothing recorded in either window. ");
        if (no_prev)
            safer_html_raw(h, "Change % is " DASH " when nothing was recorded in the previous "
                              "window.");
    }
    safer_html_raw(h, "</p>");
    if (c->any_hidden)
        safer__report_hidden_note(h, c->a);
}

/* Figure 3 or 4: one bar per category or ward, marked when significant. */
static void change_figure(struct safer_buf *h, const struct changes *c)
{
    const struct safer_assessment *a = c->a;
    struct safer_svg_bar *bars = safer__xcalloc(c->n ? c->n : 1, sizeof(*bars));
    /* A change worked out from a hidden count is not drawn: the footnote
     * says so, and the table marks it. */
    size_t nbars = 0;
    for (size_t i = 0; i < c->n; i++) {
        int64_t prev = c->prev[i], latest = c->latest[i];
        const struct safer_change_test *t = c->tests[i];
        if (c->pair_hidden[i])
            continue;
        struct safer_svg_bar *bar = &bars[nbars++];
        bar->label = c->wards ? a->wards[i].name : a->types[i];
        bar->value = prev ? 100.0 * (double)(latest - prev) / (double)prev : NAN;
        bar->note = !c->comparable ? "\u2020" : (t && t->significant ? "*" : NULL);
    }
    /* The footnote is text for the figure, which escapes it. */
    char alpha[32], footnote[320];
    safer_svg_format_number(alpha, sizeof(alpha), a->rules.change_alpha,
                            safer__report_decimals(a->rules.change_alpha), false);
    snprintf(footnote, sizeof(footnote),
             "* significant change (adjusted p < %s). No value: nothing recorded in the previous "
             "window.%s",
             alpha, c->any_hidden ? " " HIDDEN_FOOTNOTE : "");
    struct safer_buf axis;
    safer_buf_init(&axis, 128);
    safer_buf_puts(&axis, "Change on ");
    safer__report_window_name(&axis, a, 1);
    safer_buf_puts(&axis, " (%)");
    struct safer_svg_bar_chart ch = {
        .bars = bars,
        .nbars = nbars,
        .style = SAFER_SVG_BAR_DIVERGING,
        .decimals = 0,
        .unit = "%",
        .axis_label = axis.ptr,
        .footnote = c->comparable ? footnote
                    : c->any_hidden
                        ? "\u2020 not comparable: a window has a missing or partial month. No "
                          "value: nothing recorded in the previous window. " HIDDEN_FOOTNOTE
                        : "\u2020 not comparable: a window has a missing or partial month. No "
                          "value: nothing recorded in the previous window."};
    struct safer_svg_opts o = {.id = c->wards ? "change-ward" : "change-type",
                               .title = c->wards ? "Figure 4: change by ward"
                                                 : "Figure 3: change by category"};
    struct safer_buf why;
    safer_buf_init(&why, 256);
    if (!c->like) {
        safer_buf_puts(&why, "No change to show: ");
        unlike_why(&why, c);
    } else if (safer__report_total_prev(a) == 0 && !a->hidden.total_prev) {
        safer_buf_puts(&why, "No change to show: nothing was recorded in ");
        safer__report_window_name(&why, a, 1);
    }
    safer_html_raw(h, "<figure>");
    if (why.len)
        safer__report_figure(h, &o, (struct safer__report_fig){.placeholder = why.ptr});
    else
        safer__report_figure(h, &o, (struct safer__report_fig){.bar = &ch});
    if (c->wards)
        safer_html_raw(h, "<figcaption>Figure 4: percentage change by ward.");
    else
        safer_html_raw(h, "<figcaption>Figure 3: percentage change by category.");
    if (c->any_hidden && !why.len)
        safer_html_raw(h, " A change worked out from a hidden count is not drawn (" 
                          SAFER__REPORT_HIDDEN " in the table).");
    safer_html_raw(h, "</figcaption></figure>");
    safer_buf_release(&why);
    safer_buf_release(&axis);
    free(bars);
}

void safer__report_change(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"change\">4. Change</h2><p>");
    safer_html_raw(h, "The latest window is ");
    safer__report_window_held(h, a, 0);
    safer_html_raw(h, "; the previous window is ");
    safer__report_window_held(h, a, 1);
    safer_html_raw(h, ". Two windows are compared only like for like: when they hold data for "
                      "the same number of months. A change is marked significant (*) when an "
                      "exact binomial test of the latest count given the two counts' total "
                      "rejects \"no change\" after Benjamini-Hochberg adjustment over all the "
                      "tests (adjusted p &lt; ");
    safer__report_level(h, a->rules.change_alpha);
    safer_html_raw(h, "), and both windows are complete.</p>");
    safer__report_gap_flag(h, a, 1);

    struct safer_buf prev, latest;
    safer_buf_init(&prev, 128);
    safer_buf_init(&latest, 128);
    safer__report_window_heading(&prev, a, 1);
    safer__report_window_heading(&latest, a, 0);
    for (int wards = 0; wards < 2; wards++) {
        struct changes c;
        changes_init(&c, a, wards);
        change_figure(h, &c);
        struct safer__report_col cols[SAFER__NELEM(CHANGE)];
        memcpy(cols, CHANGE, sizeof(cols));
        cols[0] = wards ? (struct safer__report_col){.heading = "Ward", .cell = change_ward}
                        : (struct safer__report_col){.heading = "Category", .cell = change_type};
        cols[1].heading = prev.ptr;
        cols[2].heading = latest.ptr;
        safer__report_table(h,
                            wards ? SAFER__REPORT_LITERAL("Change by ward (figure 4)")
                                  : SAFER__REPORT_LITERAL("Change by category (figure 3)"),
                            cols, SAFER__NELEM(cols), &c, c.n);
        marks_note(h, &c);
        free(c.pair_hidden);
        free(c.tests);
    }
    safer_buf_release(&prev);
    safer_buf_release(&latest);
}
