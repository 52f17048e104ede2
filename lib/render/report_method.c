/*
 * report_method.c - section 10, method notes.
 *
 * How every figure was computed, precisely enough to reproduce it: the
 * windows, the ward of a record, the grid and projection, the Gi*, Moran's
 * I and change tests as the R functions they match, coverage, rates, the
 * CSV files beside the report, and the licence of the data. The thresholds
 * it states are the ones the computation used: the assessment's rules
 * (a->rules) and the constants of stats.h, never numbers typed in here.
 */
#include "util/compat.h"

#include <math.h>

#include "render/report_internal.h"
#include "safer/html.h"
#include "safer/stats.h"

/* The Gi* class levels, all with the decimals of the finest: 0.01, 0.05
 * and 0.10. */
static void gi_levels(struct safer_buf *h)
{
    int d = safer__report_decimals(SAFER_GI_P99);
    if (safer__report_decimals(SAFER_GI_P95) > d)
        d = safer__report_decimals(SAFER_GI_P95);
    if (safer__report_decimals(SAFER_GI_P90) > d)
        d = safer__report_decimals(SAFER_GI_P90);
    safer__report_dec(h, SAFER_GI_P99, d, false);
    safer_html_raw(h, ", ");
    safer__report_dec(h, SAFER_GI_P95, d, false);
    safer_html_raw(h, " and ");
    safer__report_dec(h, SAFER_GI_P90, d, false);
}

/* A small positive number to three figures: 1.49e-8. */
static void put_small(struct safer_buf *h, double v)
{
    int e = (int)floor(log10(v));
    safer__report_dec(h, v / pow(10.0, e), 2, false);
    safer_buf_putf(h, "e%d", e);
}

void safer__report_method(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"method\">10. Method notes</h2><dl>");
    safer_html_raw(h, "<dt>Windows</dt><dd>Latest month ");
    safer__report_month(h, a->latest);
    safer_html_raw(h, "; latest 12 months ");
    safer__report_month(h, a->l12_start);
    safer_html_raw(h, " to ");
    safer__report_month(h, a->latest);
    safer_html_raw(h, "; previous 12 months ");
    safer__report_month(h, a->p12_start);
    safer_html_raw(h, " to ");
    safer__report_month(h, a->p12_end);
    safer_html_raw(h, ".</dd>");
    safer_html_raw(h, "<dt>Ward of a record</dt><dd>The ward whose polygon interior contains "
                      "the record's published longitude and latitude, tested exactly in the "
                      "plane on the numbers as published (the semantics of PostGIS ST_Contains "
                      "on EPSG:4326 geometry). Holes are outside; every part of a multipolygon "
                      "counts. Without coordinates, the ward of the record's LSOA in the ONS "
                      "lookup.</dd>");
    safer_html_raw(h, "<dt>Grid</dt><dd>Points and ward boundaries are converted from WGS84 "
                      "(EPSG:4326) to the British National Grid (EPSG:27700) with PROJ, which "
                      "chose the operation <em>");
    safer_html_text(h, a->proj_operation ? a->proj_operation : "(none needed)");
    safer_html_raw(h, "</em>. Squares of ");
    safer__report_dec(h, a->cell, 0, false);
    safer_html_raw(h, " m have corners on multiples of the side; the study grid is every square "
                      "whose closed area meets a ward of the area, empty squares included.</dd>");
    safer_html_raw(h, "<dt>Hot spots</dt><dd>Getis-Ord Gi* with binary weights over each square "
                      "and its up to 8 neighbours in the grid (itself included), z = (&#931;w x "
                      "&#8722; x&#772; W) / (s &#8730;((n S1 &#8722; W&#178;)/(n &#8722; 1))); "
                      "two-sided normal p-values adjusted by Benjamini-Hochberg over the grid; "
                      "classes at adjusted p below ");
    gi_levels(h);
    safer_html_raw(h, ". This is what R spdep::localG computes with include.self and style "
                      "B.</dd>");
    safer_html_raw(h, "<dt>Clustering</dt><dd>Moran's I of ward totals in the latest 12 months "
                      "with queen contiguity as spdep::poly2nb finds it (wards sharing a "
                      "boundary point within ");
    put_small(h, SAFER_NB_SNAP_DEFAULT);
    safer_html_raw(h, " degrees), row-standardised and binary weights, variance under "
                      "randomisation, one-sided p (greater), as spdep::moran.test.</dd>");
    safer_html_raw(h, "<dt>Change</dt><dd>Exact two-sided binomial test of the latest count "
                      "given the sum of both windows against a probability of one half (no "
                      "change), as R binom.test; Benjamini-Hochberg adjustment over all category "
                      "and ward tests; significant below ");
    safer__report_level(h, a->rules.change_alpha);
    safer_html_raw(h, ", and only when both windows are complete.</dd>");
    safer_html_raw(h, "<dt>Coverage</dt><dd>A force-month is partial when its file has fewer "
                      "than ");
    safer__report_percent(h, a->rules.coverage_partial);
    safer_html_raw(h, " of the median rows of that force's stored months, missing when there is "
                      "no file.</dd>");
    safer_html_raw(h, "<dt>Rates</dt><dd>Records in the latest 12 months per 1,000 residents; "
                      "LSOA populations are summed to wards through the ONS lookup, and a ward "
                      "missing any of its LSOAs' populations gets no rate. ONS LSOA-to-ward "
                      "lookups are best fit: each LSOA goes wholly to the ward holding most of "
                      "its people, so a ward's summed population, and so its rate, is an "
                      "approximation, least good for small wards.</dd>");
    safer_html_raw(h, "<dt>Files</dt><dd>Every figure is in the CSV files beside this report: "
                      "counts_ward_type_month.csv, change_by_type.csv, change_by_ward.csv, "
                      "change_tests.csv, coverage.csv, hotspots.csv, moran.csv, summary.csv");
    if (a->population)
        safer_html_raw(h, ", rates_by_ward.csv");
    if (a->imd_lsoas)
        safer_html_raw(h, ", deprivation_by_ward.csv");
    char licence[SAFER__REPORT_LICENCE_MAX];
    safer__report_licence(a, licence);
    safer_html_raw(h, ".</dd><dt>Licence</dt><dd>");
    safer_html_text(h, licence);
    safer_html_raw(h, " Police data: data.police.uk.</dd></dl>");
}
