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

#endif
