/*
 * report_peers.c - section 6, how the area compares.
 *
 * The area's records per 1,000 residents beside those of its police force
 * area, of England and Wales and of similar partnerships, over the same
 * months and counted the same way (docs/assessment.md, Peers): first the
 * places and why any of them has no rate, then the rates by category. A
 * place's rate is shown only when every file it needs is loaded; the text
 * says which is not. The months compared are named, and the rates are for
 * those months, not annualised.
 *
 * In the public edition a place's hidden count (safer_hidden.peer) shows
 * "[c]", and so does the rate worked out from it.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "util/internal.h"
#include "safer/html.h"

/* "October 2018 to February 2019", or runs joined: "January 2019 and March 2019 to May 2019". */
static void months_text(struct safer_buf *h, const struct safer_assessment *a)
{
    for (size_t i = 0; i < a->npeer_months;) {
        size_t j = i + 1;
        while (j < a->npeer_months && a->peer_months[j] == a->peer_months[j - 1] + 1)
            j++;
        if (i)
            safer_html_text(h, j == a->npeer_months ? " and " : ", ");
        safer__report_month_long(h, a->peer_months[i]);
        if (j - i > 1) {
            safer_html_raw(h, " to ");
            safer__report_month_long(h, a->peer_months[j - 1]);
        }
        i = j;
    }
}

static double rate(const struct safer_peer *p, int64_t n)
{
    return 1000.0 * (double)n / p->population;
}

/* Is place k's count of type t hidden (t == ntypes: its total)? */
static bool peer_hidden(const struct safer_assessment *a, size_t k, size_t t)
{
    return safer_hidden(a->hidden.peer, k * (a->ntypes + 1) + t);
}

/* Place k's rate of type t, or the mark when its count is hidden. */
static void peer_rate(struct safer_buf *h, const struct safer_assessment *a, size_t k, size_t t,
                      int decimals)
{
    const struct safer_peer *p = &a->peers[k];
    if (peer_hidden(a, k, t))
        safer_html_raw(h, SAFER__REPORT_HIDDEN);
    else
        safer__report_dec(h, rate(p, t == a->ntypes ? p->total : p->count[t]), decimals, false);
}

/*
 * The study wards' records in the months compared, a sum of the monthly
 * counts of all types: hidden when one of those is, since it could then
 * give it away.
 */
static bool ward_total_hidden(const struct safer_assessment *a)
{
    for (size_t i = 0; i < a->npeer_months; i++) {
        int32_t m = a->peer_months[i];
        if (m >= a->first_month && m - a->first_month < a->nmonths &&
            safer_hidden(a->hidden.month,
                         a->ntypes * (size_t)a->nmonths + (size_t)(m - a->first_month)))
            return true;
    }
    return false;
}

/* What the place is to the area. */
static void role_text(struct safer_buf *h, const struct safer_peer *p)
{
    switch (p->role) {
    case SAFER_PEER_AREA:
        safer_html_raw(h, "this area");
        break;
    case SAFER_PEER_FORCE_AREA:
        safer_html_raw(h, "its police force area");
        break;
    case SAFER_PEER_NATION:
        safer_html_raw(h, "the police force areas of the lookup (");
        safer__report_int(h, (long long)p->force_areas);
        safer_html_raw(h, ")");
        break;
    case SAFER_PEER_SIMILAR:
        safer_html_raw(h, "similar partnership");
        break;
    }
}

/* Why a place has no rate, in words; nothing for one that has. */
static void status_text(struct safer_buf *h, const struct safer_assessment *a,
                        const struct safer_peer *p)
{
    switch (p->status) {
    case SAFER_PEER_OK:
        break;
    case SAFER_PEER_FILES_MISSING:
        /* "not loaded: 4 of the 5 monthly files of its force are missing,
         * the first Essex Police's for October 2018" */
        safer_html_text(h, p->role == SAFER_PEER_NATION ? "not complete: " : "not loaded: ");
        safer__report_int(h, (long long)p->missing);
        safer_html_raw(h, " of the ");
        safer__report_int(h, (long long)(p->force_areas * a->npeer_months));
        safer_html_raw(h, " monthly files of its ");
        if (p->force_areas == 1) {
            safer_html_raw(h, "force");
        } else {
            safer__report_int(h, (long long)p->force_areas);
            safer_html_raw(h, " police force areas' forces");
        }
        safer_html_text(h, p->missing == 1 ? " is missing: " : " are missing, the first ");
        safer_html_text(h, p->missing_force);
        safer_html_raw(h, "'s for ");
        safer__report_month_long(h, p->missing_month);
        break;
    case SAFER_PEER_NO_POPULATION:
        safer_html_raw(h, "no population is loaded for some of its LSOAs");
        break;
    case SAFER_PEER_UNKNOWN:
        safer_html_raw(h, "not in the loaded lookups");
        break;
    case SAFER_PEER_LOOKUP_PARTIAL:
        safer_html_raw(h, "not complete: the district lookup names ");
        safer__report_int(h, (long long)p->force_areas);
        safer_html_raw(h, " of its ");
        safer__report_int(h, SAFER_PEERS_NATION_FORCE_AREAS);
        safer_html_raw(h, " police force areas");
        break;
    }
}

/* ---- the places ---- */

#define PEER(rows, i) (&((const struct safer_assessment *)(rows))->peers[i])
#define PA(rows) ((const struct safer_assessment *)(rows))

static void place_name(struct safer_buf *h, const void *rows, size_t i)
{
    safer_html_text(h, PEER(rows, i)->name);
    if (PEER(rows, i)->code[0]) {
        safer_html_raw(h, " (");
        safer_html_text(h, PEER(rows, i)->code);
        safer_html_raw(h, ")");
    }
}

static void place_role(struct safer_buf *h, const void *rows, size_t i)
{
    role_text(h, PEER(rows, i));
}

static void place_population(struct safer_buf *h, const void *rows, size_t i)
{
    double v = PEER(rows, i)->population;
    if (isnan(v))
        safer_html_raw(h, "\u2014");
    else
        safer__report_dec(h, v, 0, false);
}

static void place_decile(struct safer_buf *h, const void *rows, size_t i)
{
    double v = PEER(rows, i)->imd_decile;
    if (isnan(v))
        safer_html_raw(h, "\u2014");
    else
        safer__report_dec(h, v, 1, false);
}

static void place_records(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_peer *p = PEER(rows, i);
    if (p->status == SAFER_PEER_OK || p->status == SAFER_PEER_NO_POPULATION)
        safer__report_count(h, p->total, peer_hidden(PA(rows), i, PA(rows)->ntypes));
    else
        safer_html_raw(h, "\u2014");
}

static void place_rate(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_peer *p = PEER(rows, i);
    if (p->status == SAFER_PEER_OK)
        peer_rate(h, PA(rows), i, PA(rows)->ntypes, 1);
    else
        safer_html_raw(h, "\u2014");
}

static void place_status(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_peer *p = PEER(rows, i);
    if (p->status == SAFER_PEER_OK)
        safer_html_raw(h, "shown");
    else
        status_text(h, rows, p);
}

static const struct safer__report_col PLACES[] = {
    {.heading = "Place", .cell = place_name},
    {.heading = "Compared as", .cell = place_role},
    {.heading = "Residents", .numeric = true, .cell = place_population},
    {.heading = "Mean IMD decile", .numeric = true, .cell = place_decile},
    {.heading = "Records", .numeric = true, .cell = place_records},
    {.heading = "Per 1,000", .numeric = true, .cell = place_rate},
    {.heading = "Rates", .cell = place_status},
};

/* ---- rates by category ---- */

struct rate_col {
    const struct safer_assessment *a;
    size_t k; /* the place: a->peers[k] */
};

static void category_name(struct safer_buf *h, const void *rows, size_t i)
{
    const struct safer_assessment *a = rows;
    if (i == a->ntypes)
        safer_html_raw(h, "All records");
    else
        safer_html_text(h, a->types[i]);
}

static void category_rate(struct safer_buf *h, const void *data, size_t i)
{
    const struct rate_col *c = data;
    peer_rate(h, c->a, c->k, i, 2);
}

/* The area's partial months among those compared, as the coverage judged them. */
static void gaps_flag(struct safer_buf *h, const struct safer_assessment *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->ncoverage; i++) {
        const struct safer_coverage *c = &a->coverage[i];
        int compared = 0;
        for (size_t k = 0; k < a->npeer_months; k++)
            compared |= a->peer_months[k] == c->month;
        if (!compared || c->status == SAFER_COVERAGE_OK)
            continue;
        if (n++ == 0)
            safer_html_raw(h, "<p class=\"flag\"><strong>Incomplete data.</strong> Of the months "
                              "compared, these files of the area's forces are partial or "
                              "missing (section 2): ");
        else
            safer_html_raw(h, "; ");
        safer_html_text(h, c->force);
        safer_html_raw(h, " ");
        safer__report_month_long(h, c->month);
    }
    if (n)
        safer_html_raw(h, ". The area's rates understate what was recorded, and so do those of "
                          "places whose force's files share these gaps (its police force area); "
                          "against other forces' areas the area looks lower than it is.</p>");
}

static void how_chosen(struct safer_buf *h, const struct safer_assessment *a)
{
    switch (a->peer_basis) {
    case SAFER_PEERS_LIST:
        safer_html_raw(h,
                       "<p>The similar partnerships are those the partnership's plan names.</p>");
        break;
    case SAFER_PEERS_SIMILAR:
        safer_html_raw(h, "<p>No list of similar partnerships is loaded, so the ");
        safer__report_int(h, SAFER_PEERS_NEAREST);
        safer_html_raw(h, " partnerships nearest the area in population and deprivation are "
                          "shown: of the partnerships of the lookup whose every LSOA has a "
                          "population and an IMD decile, those nearest in the logarithm of "
                          "residents and in the residents' mean IMD decile, each measured in "
                          "standard deviations across those partnerships. Population density, "
                          "which the Home Office's most similar groups also use, is left out: "
                          "it needs each partnership's land area, and boundaries are loaded "
                          "for the area's wards only. Partnerships in Wales cannot be chosen: "
                          "the Indices of Deprivation cover England. A partnership's plan can "
                          "name its own list instead.</p>");
        break;
    case SAFER_PEERS_NO_DISTRICTS:
        safer_html_raw(h, "<p>No similar partnership is shown: the ONS lookup from districts to "
                          "Community Safety Partnerships and police force areas is not loaded "
                          "(<code>safer import lookup</code>).</p>");
        break;
    case SAFER_PEERS_NO_MEASURES:
        safer_html_raw(h, "<p>No similar partnership is shown: some of the area's LSOAs have no "
                          "population or no IMD decile loaded, so how like other partnerships "
                          "it is cannot be measured, and no list of them is loaded.</p>");
        break;
    case SAFER_PEERS_NO_CANDIDATES:
        safer_html_raw(h, "<p>No similar partnership is shown: no other partnership of the "
                          "lookup has a population and an IMD decile for every LSOA.</p>");
        break;
    }
}

/* The area's rate for all records beside each other place's, in a sentence. */
static void headline(struct safer_buf *h, const struct safer_assessment *a)
{
    const struct safer_peer *area = &a->peers[0];
    if (area->status != SAFER_PEER_OK)
        return;
    safer_html_raw(h, "<p>In these months ");
    safer_html_text(h, area->name);
    safer_html_raw(h, " recorded ");
    peer_rate(h, a, 0, a->ntypes, 1);
    safer_html_raw(h, " crimes and incidents of anti-social behaviour per 1,000 residents");
    size_t shown = 0;
    for (size_t k = 1; k < a->npeers; k++) {
        const struct safer_peer *p = &a->peers[k];
        if (p->status != SAFER_PEER_OK || p->role == SAFER_PEER_SIMILAR)
            continue;
        safer_html_text(h, shown++ ? " and " : ", against ");
        peer_rate(h, a, k, a->ntypes, 1);
        safer_html_text(h, p->role == SAFER_PEER_NATION ? " in " : " across ");
        safer_html_text(h, p->name);
    }
    safer_html_raw(h, ".");
    for (size_t k = 1; k < a->npeers; k++) {
        const struct safer_peer *p = &a->peers[k];
        if (p->status == SAFER_PEER_OK || p->role == SAFER_PEER_SIMILAR)
            continue;
        safer_html_raw(h, " ");
        safer_html_text(h, p->name);
        safer_html_raw(h, " is not compared (");
        status_text(h, a, p);
        safer_html_raw(h, ").");
    }
    safer_html_raw(h, "</p>");
}

void safer__report_peers(struct safer_buf *h, const struct safer_assessment *a)
{
    safer_html_raw(h, "<h2 id=\"peers\">6. How the area compares</h2>");
    if (!a->npeers) {
        /* Only when no force with records in the area has a file in the window. */
        safer_html_raw(h, "<p>No comparison: no force with records in the area has a file for "
                          "the 12 months to ");
        safer__report_month_long(h, a->latest);
        safer_html_raw(h, ".</p>");
        return;
    }
    const struct safer_peer *area = &a->peers[0];
    safer_html_raw(h, "<p>Records per 1,000 residents in ");
    months_text(h, a);
    if (a->npeer_months == 12) {
        safer_html_raw(h, " (the 12 months to ");
    } else {
        safer_html_raw(h, " (the ");
        safer__report_int(h, (long long)a->npeer_months);
        safer_html_raw(h, " of the 12 months to ");
    }
    safer__report_month_long(h, a->latest);
    safer_html_text(h, a->npeer_months == 12 ? "" : " with the area's data");
    safer_html_raw(h, "; the rates are for these months, not annualised), for "
                      "the area beside its police force area, England and Wales and similar "
                      "partnerships. Every place is counted the same way: a record counts for a "
                      "place when its police.uk LSOA code lies in it, through the ONS lookups "
                      "from LSOA to district, Community Safety Partnership and police force "
                      "area, and its residents are its LSOAs' populations summed");
    if (a->peer_population_basis) {
        safer_html_raw(h, " (");
        safer_html_text(h, a->peer_population_basis);
        safer_html_raw(h, ")");
    }
    safer_html_raw(h, ". A place is compared only when the file of every force it needs is "
                      "loaded for each of these months: a missing file would make it look "
                      "low.</p>");
    if (area->status != SAFER_PEER_UNKNOWN) {
        safer_html_raw(h, "<p>Counted by LSOA, the area has ");
        safer__report_count(h, area->total, peer_hidden(a, 0, a->ntypes));
        safer_html_raw(h, " records in these months; the rest of this report places records by "
                          "their map point in the ward boundaries and counts ");
        safer__report_count(h, a->peer_ward_total, ward_total_hidden(a));
        safer_html_raw(h, ". The two differ by the records whose point and LSOA code fall on "
                          "different sides of the area's edge, and those placed by neither.</p>");
    }
    gaps_flag(h, a);
    headline(h, a);
    how_chosen(h, a);

    safer__report_table(h, SAFER__REPORT_LITERAL("The places compared"), PLACES,
                        SAFER__NELEM(PLACES), a, a->npeers);
    /* The note under the places when they, or the sentences above them,
     * show the mark; under the rates when those do. */
    bool places_hidden = ward_total_hidden(a), rates_hidden = false;
    for (size_t k = 0; k < a->npeers; k++) {
        enum safer_peer_status st = a->peers[k].status;
        if (st == SAFER_PEER_OK || st == SAFER_PEER_NO_POPULATION ||
            (k == 0 && st != SAFER_PEER_UNKNOWN))
            places_hidden |= peer_hidden(a, k, a->ntypes);
        for (size_t t = 0; st == SAFER_PEER_OK && t <= a->ntypes; t++)
            rates_hidden |= peer_hidden(a, k, t);
    }
    if (places_hidden)
        safer__report_hidden_note(h, a);

    /* The rates by category, a column per place that has them. */
    size_t ncols = 1;
    struct safer__report_col *cols = safer__xmalloc(sizeof(*cols) * (a->npeers + 1));
    struct rate_col *data = safer__xmalloc(sizeof(*data) * (a->npeers + 1));
    cols[0] = (struct safer__report_col){.heading = "Category", .cell = category_name};
    for (size_t k = 0; k < a->npeers; k++) {
        if (a->peers[k].status != SAFER_PEER_OK)
            continue;
        data[ncols] = (struct rate_col){a, k};
        cols[ncols] = (struct safer__report_col){.heading = a->peers[k].name,
                                                 .numeric = true,
                                                 .cell = category_rate,
                                                 .data = &data[ncols]};
        ncols++;
    }
    if (ncols > 1) {
        safer__report_table(h,
                            SAFER__REPORT_LITERAL("Records per 1,000 residents by category, in "
                                                  "the months compared"),
                            cols, ncols, a, a->ntypes + 1);
        if (rates_hidden)
            safer__report_hidden_note(h, a);
        safer_html_raw(h, "<p>Rates are records in the months compared per 1,000 residents, "
                          "not annualised. A small category's rate moves a lot with a few "
                          "records. Every place's counts, and the similar partnerships' "
                          "distances from the area, are in <code>peers.csv</code>.</p>");
    }
    free(cols);
    free(data);
}
