/*
 * report_method.c - section 13, method notes.
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
#include <stdbool.h>

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

/*
 * How the public edition hides counts (safer_assessment_hide()): the
 * threshold it was made with, and the sums its secondary suppression
 * covers. Nothing in the members' edition.
 */
static void public_edition(struct safer_buf *h, const struct safer_assessment *a)
{
    if (!safer__report_public_edition(a))
        return;
    safer_html_raw(h, "<dt>Public edition</dt><dd>Every count from 1 to ");
    safer__report_int(h, a->hidden.min - 1);
    safer_html_raw(h, " that this report or its CSV files would publish is hidden and shown as "
                      SAFER__REPORT_HIDDEN ". So are enough "
                      "other counts that none of those can be worked out from the rest "
                      "(secondary suppression): every sum a reader can form keeps two or more "
                      "hidden counts, or none. The sums are the categories and the wards of "
                      "each window to its total; each category's months, and all categories' "
                      "months, to each window; each month's categories to the month; the wards "
                      "by category to the ward and to the category; each category's outcomes "
                      "to its records; each peer's categories to its total; and the records "
                      "placed by location and through their LSOA to all the area's records. "
                      "Pairs are not enough on their own, as sums share counts, so the hidden "
                      "counts are then checked by linear algebra (Gaussian elimination over the "
                      "sums): wherever a hidden count is still determined by the shown ones, "
                      "however the sums are combined, one more is hidden beside it, until none "
                      "is. The count hidden beside another is the smallest shown part of its "
                      "sum, one that is not 0 first, ties going to the first, so the same data "
                      "always hide the same counts. Every "
                      "figure worked out from a hidden count (a share, an average per month, a "
                      "rate, a change, a test's p-values and verdict, a candidate priority's "
                      "scores) is hidden with it, and a list in order of size puts what is "
                      "hidden after the rest, by name. Tables of single places (hot spot "
                      "squares and the police.uk locations of their records) are left out, and "
                      "so are the files that hold them and counts_ward_type_month.csv, whose "
                      "counts by ward, category and month are not among the sums.</dd>");
}

/* The CSV files beside the report: those the assessment writes
 * (safer_assess_write_csv()). The public edition writes none of the files
 * of single places or of ward by category by month. */
static void files(struct safer_buf *h, const struct safer_assessment *a)
{
    bool members = !safer__report_public_edition(a);
    safer_html_raw(h, "<dt>Files</dt><dd>Every figure is in the CSV files beside this report: ");
    if (members)
        safer_html_raw(h, "counts_ward_type_month.csv, ");
    safer_html_raw(h, "change_by_type.csv, change_by_ward.csv, change_tests.csv, coverage.csv, ");
    if (members)
        safer_html_raw(h, "hotspots.csv, ");
    if (members && a->place_start)
        safer_html_raw(h, "hotspot_locations.csv, ");
    safer_html_raw(h, "moran.csv, outcomes_by_type.csv, summary.csv");
    if (a->npeers)
        safer_html_raw(h, ", peers.csv");
    if (a->population)
        safer_html_raw(h, ", rates_by_ward.csv");
    if (a->imd_lsoas)
        safer_html_raw(h, ", deprivation_by_ward.csv");
}

void safer__report_method(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"method\">13. Method notes</h2><dl>");
    safer_html_raw(h, "<dt>Windows</dt><dd>The latest window is ");
    safer__report_window_held(h, a, 0);
    safer_html_raw(h, "; the previous window is as many months just before it, ");
    safer__report_window_held(h, a, 1);
    safer_html_raw(h, ". A month holds data when a force with records in the area has a file "
                      "for it. A month without data is left out: it is a gap in the figures, "
                      "never a 0, every average is per month with data, and a period is named "
                      "by the months that hold data.</dd>");
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
                      "two-sided normal p-values adjusted by Benjamini-Hochberg over the grid "
                      "(which controls the false discovery rate); classes at adjusted p below ");
    gi_levels(h);
    safer_html_raw(h, ". This is what R spdep::localG computes with include.self and style "
                      "B. A hot spot at ");
    /* The map's legend and the summary say "99% confidence": what it means. */
    static const double levels[3] = {SAFER_GI_P99, SAFER_GI_P95, SAFER_GI_P90};
    for (int k = 0; k < 3; k++) {
        if (k == 1)
            safer_html_raw(h, "; at ");
        else if (k == 2)
            safer_html_raw(h, ", at ");
        safer__report_dec(h, 100.0 * (1.0 - levels[k]), 0, false);
        if (k == 0)
            safer_html_raw(h, "% confidence, as the map's legend and the summary say, is a square "
                              "whose adjusted p is below ");
        else
            safer_html_raw(h, "% below ");
        safer__report_level(h, levels[k]);
        if (k == 0) {
            safer_html_raw(h, " (a false discovery rate of ");
            safer__report_percent(h, levels[k]);
            safer_html_raw(h, ")");
        }
    }
    safer_html_raw(h, ".</dd>");
    safer_html_raw(h, "<dt>Clustering</dt><dd>Moran's I of the wards in the latest window, on "
                      "their counts and, when a population is loaded, on their rates per 1,000 "
                      "residents (over the wards that have one), with queen contiguity as "
                      "spdep::poly2nb finds it (wards sharing a boundary point within ");
    put_small(h, SAFER_NB_SNAP_DEFAULT);
    safer_html_raw(h, " degrees), row-standardised and binary weights, variance under "
                      "randomisation, one-sided p (greater), as spdep::moran.test. moran.csv "
                      "holds the rows on counts (total_latest12), then those on rates "
                      "(rate_latest12); the summary reads the test on counts with "
                      "row-standardised weights.</dd>");
    safer_html_raw(h, "<dt>Change</dt><dd>Exact two-sided binomial test of the latest count "
                      "given the sum of both windows against a probability of one half (no "
                      "change), as R binom.test; Benjamini-Hochberg adjustment over all category "
                      "and ward tests; significant below ");
    safer__report_level(h, a->rules.change_alpha);
    safer_html_raw(h, ", and only when both windows are complete. No test is made when the two "
                      "windows hold data for different numbers of months (one with none "
                      "included): their counts are not like for like, and the report shows no "
                      "change for them.</dd>");
    safer_html_raw(h, "<dt>Coverage</dt><dd>");
    safer__report_coverage_rule(h, &a->rules);
    safer_html_raw(h, "</dd>");
    safer_html_raw(h, "<dt>Rates</dt><dd>Records per 1,000 residents over the months named "
                      "with each rate: the months of the latest window that hold data (");
    safer__report_period(h, a, 0);
    safer_html_raw(h, "). A rate is never annualised, so compare it only with rates over the "
                      "same months. Its ");
    safer__report_dec(h, 100.0 * SAFER_RATE_CONF, 0, false);
    safer_html_raw(h, "% interval is the exact Poisson interval of its count (Garwood's, as R "
                      "poisson.test gives it) per 1,000 of the population, which is taken as "
                      "known. A rate from fewer than ");
    safer__report_int(h, a->rules.rate_few_records);
    safer_html_raw(h, " records is marked &#8220;few records&#8221;: one record more or less "
                      "moves it a long way. LSOA populations are summed to wards through the ONS "
                      "lookup, and a ward missing any of its LSOAs' populations gets no rate. ONS "
                      "LSOA-to-ward lookups are best fit: each LSOA goes wholly to the ward "
                      "holding most of its people, so a ward's summed population, and so its "
                      "rate, is an approximation, least good for small wards.</dd>");
    public_edition(h, a);
    files(h, a);
    char licence[SAFER__REPORT_LICENCE_MAX];
    safer__report_licence(a, licence);
    safer_html_raw(h, ".</dd><dt>Licence</dt><dd>");
    safer_html_text(h, licence);
    safer_html_raw(h, " Police data: data.police.uk.</dd></dl>");
}
