/*
 * report.h - the assessment as one self-contained HTML file.
 *
 * index.html holds inline CSS and inline SVG charts and maps, needs no
 * JavaScript and makes no network requests, and prints on A4. Sections come
 * in the order a statutory strategic assessment needs them; every chart has
 * its table, and every figure names its inputs.
 */
#ifndef SAFER_REPORT_H
#define SAFER_REPORT_H

#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/error.h"

/* Render the report of `a` into `out`. */
int safer_report_render(const struct safer_assessment *a, struct safer_buf *out,
                        struct safer_err *err);

/*
 * The plain sentence the report gives of a's near-repeat table (a->nr,
 * with cells): HTML text without the enclosing paragraph, appended to h.
 * A cell counts as raised when its p-value is at most 0.05 and its Knox
 * ratio above 1 (docs/assessment.md, Near repeats).
 */
void safer_report_nearrepeat_sentence(struct safer_buf *h, const struct safer_assessment *a);

#endif
