/*
 * report_internal.h - what the report's section files share: number and
 * month formatting, table cells, the flag for incomplete windows, totals,
 * and one function per section.
 *
 * Every helper writes through safer_html_text()/safer_html_raw(), so a
 * section never formats data into markup itself. The output depends only on
 * the assessment: no clock, no locale.
 */
#ifndef SAFER_REPORT_INTERNAL_H
#define SAFER_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/error.h"
#include "safer/svg.h"

/* ---- numbers and months ---- */

/* An integer with thousands separators: 12,345. */
void safer__report_int(struct safer_buf *h, long long v);

/* `s` as a quoted CSS string, every character but letters, digits, the
 * space and , . ( ) - escaped: for the running footers of printed pages
 * (report.c, and the packs of lib/render/pack.c). */
void safer__report_css_string(struct safer_buf *h, const char *s);

/* ---- the public edition (safer_assessment_hide()) ---- */

/* Is this the public edition? */
static inline bool safer__report_public_edition(const struct safer_assessment *a)
{
    return a->hidden.min > 0;
}

/* The mark of a hidden count, and of every figure worked out from one (a
 * rate, a share, an average, a test): "[c]", as UK official statistics
 * mark figures withheld to protect confidentiality. */
#define SAFER__REPORT_HIDDEN "[c]"

/* `v` with thousands separators, or the mark when `hidden`. */
void safer__report_count(struct safer_buf *h, long long v, bool hidden);

/*
 * The note beside every table or figure that shows the mark: "[c]: a
 * count from 1 to 4, or one hidden so that those cannot be worked out
 * from the others, and the figures worked out from them." Writes nothing
 * in the members' edition.
 */
void safer__report_hidden_note(struct safer_buf *h, const struct safer_assessment *a);

/* Is either count of change test `t` hidden? Then so are its p-values and
 * its verdict. False in the members' edition. */
bool safer__report_test_hidden(const struct safer_assessment *a,
                               const struct safer_change_test *t);

/* `v` rounded to `decimals`, with a "+" on positive values when `plus`. */
void safer__report_dec(struct safer_buf *h, double v, int decimals, bool plus);

/* A month index as the report writes every month: "January 2019" (its
 * name, an ordinary space, the year). */
void safer__report_month(struct safer_buf *h, int32_t m);

/* A month index's name, "January" (a static string). */
const char *safer__report_month_name(int32_t m);

/* The same as safer__report_month(). */
void safer__report_month_long(struct safer_buf *h, int32_t m);

/* "January 2018 to December 2018": for spans whose first and last months
 * hold data; a window is named by safer__report_window_name(). */
void safer__report_window(struct safer_buf *h, int32_t first, int32_t last);

/* ---- months with data and the two windows ---- */

/*
 * A month holds data when a force with records in the area has a file for
 * it (safer_assessment_has_data()). The report never writes a span whose
 * first or last month holds no data: a window is named by its length and
 * last month ("the 12 months to February 2019"), and what it holds by the
 * runs of months with data ("October 2018 to February 2019: 5 of the 12
 * months"). Averages are taken over the months with data. `prev` picks the
 * previous window (1) or the latest (0).
 */

/* The windows' length in months: 12, or what --from made it. */
int safer__report_window_len(const struct safer_assessment *a);

/* The window's first and last month. */
int32_t safer__report_window_first(const struct safer_assessment *a, int prev);
int32_t safer__report_window_last(const struct safer_assessment *a, int prev);

/* How many of the window's months hold data. */
int safer__report_window_data(const struct safer_assessment *a, int prev);

/* "the 12 months to February 2019" ("February 2019" for a window of one
 * month). */
void safer__report_window_name(struct safer_buf *h, const struct safer_assessment *a, int prev);

/* The same without the article, for headings: "12 months to February 2019". */
void safer__report_window_heading(struct safer_buf *h, const struct safer_assessment *a,
                                  int prev);

/* The months of first..last for which has(ctx, m) holds, as runs:
 * "October 2018 to November 2018 and January 2019 to February 2019" (a
 * run of one month is the month alone); nothing when there are none.
 * Returns the number of months. */
int safer__report_runs(struct safer_buf *h, int32_t first, int32_t last,
                       int (*has)(const void *ctx, int32_t m), const void *ctx);

/* The window's months with data as runs (safer__report_runs()); returns
 * their number. */
int safer__report_data_runs(struct safer_buf *h, const struct safer_assessment *a, int prev);

/* What the window holds: "October 2018 to February 2019: 5 of the 12
 * months", "all 12 months", or "none".
 * Returns the number of months with data. */
int safer__report_period(struct safer_buf *h, const struct safer_assessment *a, int prev);

/* The window's name and what it holds: "the 12 months to February 2019
 * (months with data: October 2018 to February 2019: 5 of the 12 months)". */
void safer__report_window_held(struct safer_buf *h, const struct safer_assessment *a, int prev);

/* `count` per month with data in the window; NaN when no month has data. */
double safer__report_per_month(const struct safer_assessment *a, int64_t count, int prev);

/* The page's lede and its period line (the months with data). */
void safer__report_lede(struct safer_buf *h, const struct safer_assessment *a);

/* Percentage change as text, or "n/a" when the previous count is 0. */
void safer__report_pct(struct safer_buf *h, int64_t prev, int64_t latest);

/* A p-value to 4 decimals, "<0.0001" below that, "n/a" for NaN. */
void safer__report_p(struct safer_buf *h, double p);

/* ---- thresholds (struct safer_rules, the Gi* levels) ---- */

/* The fewest decimals, up to 6, that show `v` exactly: 0.05 has 2, 0.1 has
 * 1, 60 has 0 (to a relative 1e-9, so 100 * 0.6 has 0). */
int safer__report_decimals(double v);

/* A level or threshold as it was set: 0.05, 0.1. */
void safer__report_level(struct safer_buf *h, double v);

/* A fraction as a percentage with as many decimals as it needs: 60%. */
void safer__report_percent(struct safer_buf *h, double fraction);

/* ---- tables ---- */

/*
 * A table is a description plus a loop: one column per heading, each with a
 * function that writes the content of one cell. The writer adds all the
 * markup around it (caption, header row, one <td> per cell), so a section
 * only says what goes in a cell, and a cell function writes through the
 * helpers above or safer_html_text(), never raw data.
 */
struct safer__report_col {
    const char *heading; /* borrowed; written escaped */
    bool numeric;        /* class "n": right-aligned, figures in columns */
    /* Write the content of row i's cell, reading `data`. */
    void (*cell)(struct safer_buf *h, const void *data, size_t i);
    const void *data; /* what cell() reads: NULL for the table's rows, or a
                         column's own array (one series of several) */
    /* Optional: row i's cell's class (a static name) in place of "n". */
    const char *(*cls)(const void *data, size_t i);
};

#define SAFER__NELEM(array) (sizeof(array) / sizeof((array)[0]))

/*
 * A caption: the report's own wording, a string literal written as it is
 * (SAFER__REPORT_LITERAL("...")), or text made at run time, escaped
 * (SAFER__REPORT_TEXT(s)).
 */
struct safer__report_caption {
    const char *s;
    size_t literal_len; /* of a literal; 0 for text */
};
#define SAFER__REPORT_LITERAL(s) ((struct safer__report_caption){"" s, sizeof(s) - 1})
#define SAFER__REPORT_TEXT(s) ((struct safer__report_caption){(s), 0})

/* The table: caption, header row, then `nrows` rows of `cols` read from
 * `rows` (passed to each column's cell function unless it has its own data). */
void safer__report_table(struct safer_buf *h, struct safer__report_caption caption,
                         const struct safer__report_col *cols, size_t ncols, const void *rows,
                         size_t nrows);

/*
 * The parts, for a table whose body is irregular (cells spanning rows): the
 * caption and header row from `cols` (headings and numeric only), the cells
 * of row i of the columns that have a cell function (no <tr>), and the end.
 * The caller writes the rows between head and end.
 */
void safer__report_table_head(struct safer_buf *h, struct safer__report_caption caption,
                              const struct safer__report_col *cols, size_t ncols);
void safer__report_cells(struct safer_buf *h, const struct safer__report_col *cols, size_t ncols,
                         const void *rows, size_t i);
void safer__report_table_end(struct safer_buf *h);

/*
 * The licence line, as text: the Open Government Licence statement, and the
 * OS copyright with the boundaries' year when the assessment knows it
 * (a->boundary_year). For the Licence note and the maps' attribution.
 */
#define SAFER__REPORT_LICENCE_MAX 192
void safer__report_licence(const struct safer_assessment *a, char out[SAFER__REPORT_LICENCE_MAX]);

/*
 * Figures render into the page. Called with what a figure's renderer
 * returned: a failure (rc < 0, `e` saying why) becomes a visible note in
 * the figure's place; success writes nothing.
 */
void safer__report_figure_drawn(struct safer_buf *h, int rc, const struct safer_err *e);

/*
 * A figure, drawn twice: SAFER__REPORT_FIGURE_WIDE px wide for wide screens
 * and print, SAFER__REPORT_FIGURE_NARROW px for phones; the style sheet
 * shows the one that fits at its natural size, so that SVG text is never
 * scaled below the size it is drawn at (11 px at least). Exactly one of
 * the renderers' descriptions is set; none means a placeholder box saying
 * `placeholder` (NULL: "No data to show"), which print replaces by its
 * message as a line of text. The caller writes <figure>, the caption and
 * </figure> around it. `o` is the wide figure's; its width and height are
 * not used, and the narrow copy's ids end in "-n".
 */
#define SAFER__REPORT_FIGURE_WIDE 680
#define SAFER__REPORT_FIGURE_NARROW 320
struct safer__report_fig {
    const struct safer_svg_line_chart *line;
    const struct safer_svg_bar_chart *bar;
    const struct safer_svg_choropleth *choropleth;
    const struct safer_svg_hotspot_map *hotspots;
    const char *placeholder;
};

void safer__report_figure(struct safer_buf *h, const struct safer_svg_opts *o,
                          struct safer__report_fig f);

/* ---- window completeness ---- */

/* Force-months missing or partial in the latest and previous 12 months. */
struct safer__report_gaps {
    int missing_latest, partial_latest, missing_prev, partial_prev;
};

struct safer__report_gaps safer__report_window_gaps(const struct safer_assessment *a);

/*
 * The flag printed next to every figure that a gap in the windows affects:
 * the latest window's gaps, and with `change` the previous window's too.
 * Writes nothing when no gap affects the figure.
 */
void safer__report_gap_flag(struct safer_buf *h, const struct safer_assessment *a, int change);

/* ---- totals ---- */

/* All records of the study wards in the latest (previous) 12 months. */
int64_t safer__report_total_latest(const struct safer_assessment *a);
int64_t safer__report_total_prev(const struct safer_assessment *a);

/* Type indexes ordered by latest-12 count, largest first, ties in the
 * assessment's order (by name); in the public edition the types whose
 * count is hidden come last, in the assessment's order, so that no hidden
 * count is placed between shown ones. The caller frees the array. */
size_t *safer__report_types_by_volume(const struct safer_assessment *a);

/* The coverage rule in words, with the thresholds of `r`: for section 2
 * and the method notes (report_data.c). */
void safer__report_coverage_rule(struct safer_buf *h, const struct safer_rules *r);

/* ---- the sections, in the order of the page ---- */

void safer__report_summary(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_data(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_levels(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_change(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_places(struct safer_buf *h, const struct safer_assessment *a);
/* Section 5's near repeats (report_nearrepeat.c). */
void safer__report_nearrepeat(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_harm(struct safer_buf *h, const struct safer_assessment *a);
/* Regulation 5 of the Crime and Disorder (Formulation and Implementation of
 * Strategy) Regulations 2007: the public's views, the matters to prioritise
 * (candidate priorities scored), the partnership's own plan, and changes
 * since the last assessment (progress against the plan). */
void safer__report_public(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_candidates(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_peers(struct safer_buf *h, const struct safer_assessment *a);
/* Ward profiles and the focus area (report_profiles.c). */
void safer__report_profiles(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_outcomes(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_partner(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_priorities(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_progress(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_caveats(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_method(struct safer_buf *h, const struct safer_assessment *a);
/* The ward clusters, at the end of section 6 (report_clusters.c). */
void safer__report_clusters(struct safer_buf *h, const struct safer_assessment *a);

/* Services and who uses them (report_visits.c). */
void safer__report_visits(struct safer_buf *h, const struct safer_assessment *a);

#endif
