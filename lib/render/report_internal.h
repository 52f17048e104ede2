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
#include <stdint.h>

#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/error.h"

#define OGL_ATTRIBUTION                                                                            \
    "Contains public sector information licensed under the Open Government Licence v3.0. "        \
    "Contains OS data \u00a9 Crown copyright and database right 2024."

/* ---- numbers and months ---- */

/* An integer with thousands separators: 12,345. */
void safer__report_int(struct safer_buf *h, long long v);

/* `v` rounded to `decimals`, with a "+" on positive values when `plus`. */
void safer__report_dec(struct safer_buf *h, double v, int decimals, bool plus);

/* A month index as 2019-01. */
void safer__report_month(struct safer_buf *h, int32_t m);

/* A month index as January 2019. */
void safer__report_month_long(struct safer_buf *h, int32_t m);

/* "January 2018 to December 2018". */
void safer__report_window(struct safer_buf *h, int32_t first, int32_t last);

/* Percentage change as text, or "n/a" when the previous count is 0. */
void safer__report_pct(struct safer_buf *h, int64_t prev, int64_t latest);

/* A p-value to 4 decimals, "<0.0001" below that, "n/a" for NaN. */
void safer__report_p(struct safer_buf *h, double p);

/* ---- table cells ---- */

void safer__report_th(struct safer_buf *h, const char *text, int numeric);
void safer__report_td_int(struct safer_buf *h, long long v);
void safer__report_td_text(struct safer_buf *h, const char *s);

/* Figures render into the page; a renderer's failure becomes a visible note. */
void safer__report_figure_failed(struct safer_buf *h, const struct safer_err *e, int rc);

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
 * assessment's order (by name). The caller frees the array. */
size_t *safer__report_types_by_volume(const struct safer_assessment *a);

/* ---- the sections, in the order of the page ---- */

void safer__report_summary(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_data(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_levels(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_change(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_places(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_priorities(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_caveats(struct safer_buf *h, const struct safer_assessment *a);
void safer__report_method(struct safer_buf *h, const struct safer_assessment *a);

#endif
