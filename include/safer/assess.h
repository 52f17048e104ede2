/*
 * assess.h - the strategic assessment: levels, change and places.
 *
 * safer_assess_compute() reads the store and computes everything; the
 * writers turn the result into CSV files and the HTML report (report.h);
 * safer_assess_run() does all three into an output set (output.h). Windows: the
 * latest month L is opts->to, else the latest Month of any stored record;
 * the latest window is [L-11, L], or [opts->from, L] when from is set, and
 * the previous window is as many months just before it (so [L-23, L-12]
 * by default). Records after L are left out of every figure and counted in
 * rows_after_latest. The fields keep their "12" names (l12_start,
 * ward_latest, ...) whatever the windows' length.
 *
 * A month holds data when a force with records in the study wards has a
 * file for it (safer_assessment_has_data()). Averages are taken over the
 * months with data, and a change is tested only between windows holding
 * data for the same number of months (docs/assessment.md).
 *
 * A record belongs to the ward whose polygon interior contains its point,
 * tested on the stored lon/lat numbers (PostGIS ST_Contains semantics).
 * A record without coordinates whose LSOA the lookup maps to a stored ward
 * is assigned to it (rows_assigned_by_lsoa) but has no point. With
 * opts->area, only the wards of that district or Community Safety
 * Partnership are kept; records in other wards count as rows_outside_area.
 */
#ifndef SAFER_ASSESS_H
#define SAFER_ASSESS_H

#include <stddef.h>
#include <stdint.h>

#include "safer/area.h"
#include "safer/error.h"
#include "safer/nearrepeat.h"
#include "safer/harm.h"
#include "safer/police.h"
#include "safer/rules.h"

struct safer_store;
struct safer_plan;

struct safer_assess_opts {
    int32_t to;        /* latest month index, or -1 for the latest in the data */
    const char *area;  /* district or CSP code, or NULL for every ward */
    double cell;       /* grid cell size in metres (default 250) */
    const char *title; /* partnership or area title for the report, or NULL */
    unsigned threads;  /* threads the assessment may use, the calling one
                          included (0 or 1: the calling thread only) */
    int32_t from;      /* first month of the latest window (month index, at
                          most `to`), or 0 for the 12 months to the latest
                          month; at most SAFER_LIMIT_WINDOW_MONTHS months */
    /* The partnerships to compare the area with: CSP or district codes (a
     * partnership's plan names them), or NULL (npeers 0) for those most
     * similar in population and deprivation (docs/assessment.md, Peers). */
    const char *const *peers;
    size_t npeers;
    /* The public edition (docs/assessment.md, Public edition): hide small
     * counts and those that would give them away (safer_assessment_hide()),
     * and leave out the tables of single places. */
    int public_edition;
    /* The near-repeat test (docs/assessment.md, Near repeats) of one
     * category's records with a point in the study wards in the latest
     * window, t their month index: the category (NULL: "Burglary") and
     * the breaks, permutations and seed (NULL: SAFER_KNOX_DEFAULT_*;
     * `threads` there is ignored for this one). */
    const char *nearrepeat_category;
    const struct safer_knox_opts *nearrepeat;
};

/* Coverage of one force's month. */
enum safer_coverage_status { SAFER_COVERAGE_OK, SAFER_COVERAGE_PARTIAL, SAFER_COVERAGE_MISSING };

/* Why a month is partial (bits; docs/assessment.md, Coverage). */
enum safer_coverage_reason {
    SAFER_COVERAGE_CRIME_LOW = 1 << 0, /* crime under coverage_crime of its usual level */
    SAFER_COVERAGE_ASB_LOW = 1 << 1,   /* ASB under coverage_asb of its usual level */
    SAFER_COVERAGE_ROWS_LOW = 1 << 2,  /* rows stored under coverage_partial of the
                                          force's median month */
};

/* The name police.uk gives anti-social behaviour; every other type is
 * notifiable crime. */
#define SAFER_ASB_TYPE "Anti-social behaviour"

struct safer_coverage {
    char *force; /* owned */
    int32_t month;
    int64_t rows; /* data rows published (read), rejected included */
    enum safer_coverage_status status;
    /* Records stored, by series: notifiable crime and anti-social
     * behaviour (crime + asb is the rows stored); 0 for a missing month. */
    int64_t crime, asb;
    /* Each series' usual level for this month, a whole number of records;
     * NaN when that series is not judged (a missing month, a series the
     * force publishes in none of its months, too few neighbouring months). */
    double crime_usual, asb_usual;
    unsigned reason; /* enum safer_coverage_reason bits; 0 unless partial */
};

/*
 * Judge one force's months by the rules `r` (docs/assessment.md,
 * Coverage). `months` holds n of the force's months in increasing order
 * (force is not read), every month it has a file for among them: a month
 * without a file has status SAFER_COVERAGE_MISSING; every other month has
 * crime and asb set. Sets crime_usual, asb_usual, reason and status (ok or
 * partial) of each month with a file; a missing month stays missing, enters
 * no usual level and gets no verdict.
 */
void safer_coverage_judge(struct safer_coverage *months, size_t n, const struct safer_rules *r);

/* One change test (scope "type" or "ward"). */
struct safer_change_test {
    const char *scope; /* static */
    char *key;         /* owned: crime type or ward code */
    int64_t prev, latest;
    double p, p_adj; /* NaN when not tested: both counts 0, or the windows
                        hold data for different numbers of months (one
                        with none included) */
    int significant, comparable;
};

struct safer_hotcell {
    int32_t i, j;
    double e, n; /* centre, metres */
    int64_t count;
    int neighbours;
    double z, p, p_adj; /* NaN when no score */
    int cls;            /* enum safer_gi_class from stats.h */
    /* Harm (docs/statistics.md, Harm): the records counted above weighted
     * by their category's harm weight (a category without one adds 0),
     * and Gi* over those totals, as for the counts. */
    double harm, harm_z, harm_p, harm_p_adj;
    int harm_cls;
    int persist; /* enum safer_persist_class (harm.h) over the periods */
};

/*
 * The records of one grid cell at one police.uk Location: police.uk moves
 * every record to one of a fixed set of anonymous map points, each named
 * by its Location ("On or near Station Road"), and a cell's records are
 * named by the points they were moved to.
 */
struct safer_cell_place {
    size_t cell;          /* index into cells */
    size_t ward;          /* index into wards: the study ward of the records */
    const char *location; /* borrowed from place_names; "" when the records had none */
    int64_t count;        /* records of the latest 12 months */
};

/* The level of the ward rates' intervals, which rates_by_ward.csv's column
 * names state (rate_lower_95, rate_upper_95). */
#define SAFER_RATE_CONF 0.95

struct safer_moran_row {
    const char *variable, *style;
    size_t n;
    double I, expectation, variance, z, p;
    size_t islands;
};

/* ---- peer comparison (docs/assessment.md, Peers) ---- */

/* What a place of the peer comparison is. */
enum safer_peer_role {
    SAFER_PEER_AREA,       /* the area itself, counted by LSOA as the others are */
    SAFER_PEER_FORCE_AREA, /* the police force area it lies in */
    SAFER_PEER_NATION,     /* England and Wales: every police force area of the lookup */
    SAFER_PEER_SIMILAR,    /* a similar partnership */
};

/* Whether a place's rates could be worked out. */
enum safer_peer_status {
    SAFER_PEER_OK,
    SAFER_PEER_FILES_MISSING, /* the force of a police force area it lies in has no
                                 file for one of the months compared */
    SAFER_PEER_NO_POPULATION, /* an LSOA of it has no population */
    SAFER_PEER_UNKNOWN,       /* the lookups hold no LSOA of it */
    SAFER_PEER_LOOKUP_PARTIAL, /* England and Wales: the district lookup names fewer
                                  than its SAFER_PEERS_NATION_FORCE_AREAS police
                                  force areas */
};

/* How the similar partnerships were chosen, or why there are none. */
enum safer_peer_basis {
    SAFER_PEERS_LIST,          /* the list given (safer_assess_opts.peers) */
    SAFER_PEERS_SIMILAR,       /* the nearest in population and deprivation */
    SAFER_PEERS_NO_DISTRICTS,  /* none: no district to partnership lookup is loaded */
    SAFER_PEERS_NO_MEASURES,   /* none: an LSOA of the area has no population or
                                  no IMD decile */
    SAFER_PEERS_NO_CANDIDATES, /* none: no other partnership has both for every LSOA */
};

/* How many similar partnerships the similarity picks. */
#define SAFER_PEERS_NEAREST 5

/* The ONS code and name of England and Wales. */
#define SAFER_PEERS_NATION_CODE "K04000001"
#define SAFER_PEERS_NATION_NAME "England and Wales"
/* The territorial police force areas of England and Wales (ONS PFA19). */
#define SAFER_PEERS_NATION_FORCE_AREAS 43

struct safer_peer {
    enum safer_peer_role role;
    char *code, *name; /* owned; the area without --area has code "" */
    size_t lsoas;      /* its LSOAs in the LSOA lookup */
    double population; /* its LSOAs' populations summed; NaN unless every one has one */
    double imd_decile; /* its LSOAs' IMD deciles, population-weighted mean; NaN
                          unless every one has both */
    double distance;   /* chosen by similarity: distance from the area; else NaN */
    enum safer_peer_status status;
    size_t force_areas; /* police force areas it lies in, whose forces' files it needs */
    size_t missing;     /* (force, month) files of those it needs that are not stored */
    char *missing_force;   /* owned: the first of them (a police force area's name when
                              no stored force is its), or NULL */
    int32_t missing_month; /* and its month */
    int64_t *count; /* owned: per type of types[], its records in the months compared */
    int64_t total;  /* all types */
};

/* ---- outcomes (docs/assessment.md, Outcomes) ---- */

/* The records of one crime type with one latest outcome. */
struct safer_outcome_count {
    size_t type;   /* index into types[] */
    char *outcome; /* owned: police.uk's words; "" when none was given */
    int64_t count;
};

/*
 * The public edition: which published counts are hidden, shown as "[c]"
 * (safer_assessment_hide()). Each mask has one entry per count, non-zero
 * (enum safer_hide, stats.h) when hidden; every mask is NULL, and min 0,
 * in the members' edition. Read a mask with safer_hidden().
 */
struct safer_hidden {
    int64_t min; /* counts from 1 to min - 1 are hidden; 0: nothing is */
    /* The study wards' records by type, latest and previous window
     * (type_latest, type_prev), and of all types. */
    unsigned char *type_latest, *type_prev;
    unsigned char total_latest, total_prev;
    /* By study ward, all types (ward_latest, ward_prev). */
    unsigned char *ward_latest, *ward_prev;
    /* By study ward and type, latest window: [w * ntypes + t]. */
    unsigned char *ward_type;
    /* By type and month over the study wards, t == ntypes for all types:
     * [t * nmonths + (m - first_month)]. */
    unsigned char *month;
    /* Per outcomes[] row, and per type the total of its outcomes (the
     * records the shares are of). */
    unsigned char *outcome, *outcome_total;
    /* Per peer and type, t == ntypes for the peer's total:
     * [p * (ntypes + 1) + t]. */
    unsigned char *peer;
    /* Section 2's records of the area's wards: placed by location, by
     * LSOA, and all of them (rows_assigned); and summary.csv's counts that
     * add up with rows_assigned to rows_total (rows_total = rows_assigned
     * + rows_no_coords + rows_outside_wards + rows_outside_area). */
    unsigned char by_location, by_lsoa, assigned;
    unsigned char rows_total, no_coords, outside_wards, outside_area;
    /* Counts in no sum, hidden when small: points_outside_grid and
     * outcomes_from_files. */
    unsigned char outside_grid, from_files;
    size_t small, others; /* counts hidden as small, and to protect them */
};

static inline int safer_hidden(const unsigned char *mask, size_t i) { return mask && mask[i]; }

struct safer_assessment {
    /* Windows (month indexes). */
    int32_t latest, l12_start, p12_start, p12_end, first_month, nmonths;
    char *area_code, *area_name; /* owned; NULL without --area */
    char *title;                 /* owned */

    /* The study wards, sorted by code (owned). */
    struct safer_area *wards;
    size_t nwards;
    /* Crime types present in the store, sorted (owned). */
    char **types;
    size_t ntypes;

    /* counts[(w * ntypes + t) * nmonths + (m - first_month)] */
    uint32_t *counts;
    int64_t *ward_prev, *ward_latest; /* per study ward, all types */
    int64_t *type_prev, *type_latest; /* per type, study wards */

    uint64_t rows_total, rows_no_coords, rows_outside_wards, rows_assigned, rows_assigned_by_lsoa,
        rows_outside_area, rows_after_latest, rows_unknown_lsoa;

    /* Statistics (may be absent: n = 0). */
    struct safer_coverage *coverage;
    size_t ncoverage;
    int latest12_complete, prev12_complete; /* no missing/partial month in the window */
    struct safer_change_test *tests;
    size_t ntests;
    struct safer_hotcell *cells;
    size_t ncells;
    int gi_no_score;
    /* The Locations of each cell's records (owned; NULL when there are no
     * cells or the texts were not read): cell k's are places[place_start[k]
     * .. place_start[k + 1]), largest count first, then by ward and
     * Location (byte order). Every record a cell counts is in exactly one
     * of them, so they add up to the cell's count. */
    struct safer_cell_place *places;
    size_t nplaces;
    size_t *place_start;  /* ncells + 1 entries */
    char **place_names;   /* owned: the texts places point into */
    size_t nplace_names;
    uint64_t points_outside_grid;
    double cell;
    char *proj_operation; /* owned: the PROJ operation used */
    /* Moran's I of the wards' latest 12 months: rows 0 and 1 on the
     * counts (variable "total_latest12", styles W and B), then, with a
     * population, rows on the rates per 1,000 ("rate_latest12", W and B)
     * over the wards that have one. */
    struct safer_moran_row moran[4];
    size_t nmoran;
    double *population; /* per study ward, NaN when unknown (owned, or NULL) */
    /* With a population (owned, else NULL): per study ward, the exact
     * Poisson interval at SAFER_RATE_CONF of its rate per 1,000 residents
     * in the latest 12 months (safer_poisson_ci() of ward_latest, per
     * 1,000 of the population), NaN for a ward without a population. */
    double *rate_lower, *rate_upper;
    /* Deprivation per study ward (owned, or NULL without deprivation data):
     * LSOAs of the ward in the lookup, of which in IMD deciles 1-2 (the most
     * deprived 20% of England), and their mean decile (NaN when none). */
    int *imd_lsoas, *imd_most_deprived;
    double *imd_mean_decile;
    char *population_basis;
    struct safer_geom *wards_bng; /* the study wards in metres (owned) */
    struct safer_publication *publications;
    size_t npublications;
    /* Per publication (owned, npublications entries; NULL in an assessment
     * made by hand, which then counts every publication as the area's):
     * its records assigned to the study wards up to the latest month, and
     * its records without a location that no lookup places (they may lie
     * in the area or not). A publication contributed to the area when its
     * area count is above 0. */
    int64_t *pub_area, *pub_unplaced;
    /* The thresholds the assessment was computed with: the report states
     * these, not numbers of its own. */
    struct safer_rules rules;
    /* The year of the Ordnance Survey boundaries the wards come from, which
     * the licence's copyright line names; 0 when unknown (the report then
     * makes no OS statement). */
    int boundary_year;
    /* The plan of the partnership the area belongs to (plan.h,
     * safer_plan_load()), read in the same snapshot as the rest; owned, or
     * NULL without opts->area or when no plan is stored for it. */
    struct safer_plan *plan;
    /* The plan's indicators (indicator.h) as the workspace keeps them, each
     * with its latest point, read in the same snapshot, unsuppressed (the
     * public edition hides small counts when it renders them); in
     * `indicator_arena` (owned). None without a plan. */
    struct safer_indicator *indicators;
    size_t nindicators;
    struct safer_arena *indicator_arena;

    /* Peer comparison (docs/assessment.md, Peers): the months compared (of
     * the latest 12, those with a file of a force with records in the
     * study wards; owned), then the places: the area first, its police
     * force area, England and Wales, then the similar partnerships (owned;
     * none without a month or the LSOA lookup). */
    int32_t *peer_months;
    size_t npeer_months;
    struct safer_peer *peers;
    size_t npeers;
    enum safer_peer_basis peer_basis;
    size_t area_force_areas;    /* police force areas the area lies in (a force
                                   area is compared only when it is one) */
    int64_t peer_ward_total;    /* records of the study wards in those months,
                                   assigned by ward as everywhere else */
    char *peer_population_basis; /* owned: the LSOA populations' basis, or NULL */

    /* Outcomes (docs/assessment.md, Outcomes): the study wards' records of
     * the latest 12 months but anti-social behaviour, by type and latest
     * outcome, sorted by type then outcome (byte order; owned). */
    struct safer_outcome_count *outcomes;
    size_t noutcomes;
    uint64_t outcome_rows;      /* crimes (Crime IDs) with an outcome in the stored
                                   outcomes files */
    int64_t outcomes_from_files; /* of the records counted, those whose latest
                                    outcome came from an outcomes file */

    /* The public edition's hidden counts (all NULL in the members' edition). */
    struct safer_hidden hidden;

    /* The near-repeat (Knox) test (docs/assessment.md, Near repeats): the
     * category tested (owned), its records of the latest window in the
     * study wards with a point (the events) and without one (left out),
     * and the table (owned; nr.cells NULL when the category has no such
     * record). */
    char *nr_category;
    size_t nr_events, nr_no_point;
    struct safer_knox nr;
    /* Ward profiles and the focus index with the default weights
     * (profile.h), read in the same snapshot (owned; profiles NULL when
     * there are no wards, focus NULL when the default indicators cannot be
     * formed, e.g. without the IoD2019 domains; focus_values is its
     * matrix). */
    struct safer_profiles *profiles;
    struct safer_focus *focus;
    double *focus_values;
    /* Harm (docs/statistics.md, Harm): the weights in force, read in the
     * same snapshot (owned, or NULL in an assessment made by hand), and per
     * type of types[] its weight, NaN for a type with none (owned). */
    struct safer_harm_weights *harm;
    double *type_weight;
    int harm_no_score; /* Gi* of the cells' harm gave no score */

    /* Hot spots over time (docs/statistics.md): nperiods consecutive
     * periods of period_months months each (3, or 12 when the latest
     * window holds at least 36 months), the last ending at the latest
     * month; period p is months period_first[p] .. period_first[p] +
     * period_months - 1. Per cell k and period p: its count
     * period_count[k * nperiods + p] and Gi* class period_cls[...] (enum
     * safer_gi_class), computed as for the latest window's. None (0
     * periods) when the window holds fewer than 2 periods. Owned. */
    size_t nperiods;
    int period_months;
    int32_t *period_first;
    int64_t *period_count;
    signed char *period_cls;
    unsigned char *period_no_score; /* per period: Gi* gave no score */

    /* Residents' surveys (survey.h), read in the assessment's snapshot:
     * every stored wave's estimates, or NULL when none is loaded (owned). */
    struct safer_survey_results *survey;
    /* assessment: surveys */
    /* Service usage (visits.h): the visits, venues and wards held, read in
     * the assessment's snapshot (owned; none loaded: n is 0), and the
     * default pop-up proposal from them (owned; NULL with popup_why set
     * when none could be made). */
    struct safer_visits *visits;
    struct safer_popup_answer *popup;
    char popup_why[224];
    /* assessment: visits */
    /* Partner agencies' data (partner.h), read in the assessment's
     * snapshot; NULL in an assessment made by hand. Owned. */
    struct safer_partner_data *partner;
    /* assessment: partner */
};

/*
 * The harm of study ward w's records of type t in the latest window: its
 * count times the type's weight; NaN when the type has no weight or the
 * assessment none (a->type_weight NULL).
 */
double safer_assessment_harm(const struct safer_assessment *a, size_t w, size_t t);

/* Study ward w's records of type t in the latest window (the months of it
 * the counts cover). */
int64_t safer_assessment_ward_type_latest(const struct safer_assessment *a, size_t w, size_t t);

/*
 * The CSV files of harm and hot spots over time (docs/assessment.md),
 * appended to `b`; each returns 0 or the buffer's error:
 * - harm_by_ward.csv: a row per study ward and type: ward_code, ward_name,
 *   crime_type, count_latest, weight, weight_origin ("default",
 *   "partnership", or empty for a type without a weight), harm (empty
 *   without a weight); in the public edition a hidden count and its harm
 *   are "[c]";
 * - harm_hotspots.csv: a row per grid cell: cell_i, cell_j, e_centre,
 *   n_centre, count, harm, gi_z, p_value, p_adjusted, class (of the harm);
 * - hotspot_persistence.csv: a row per grid cell: cell_i, cell_j,
 *   e_centre, n_centre, persistence, hot_periods, then per period
 *   count_FIRST_LAST and class_FIRST_LAST (months YYYY-MM); the header
 *   alone when there are no periods.
 * Reals are written with %.17g.
 */
struct safer_buf;
int safer_harm_csv_by_ward(const struct safer_assessment *a, struct safer_buf *b);
int safer_harm_csv_cells(const struct safer_assessment *a, struct safer_buf *b);
int safer_persistence_csv(const struct safer_assessment *a, struct safer_buf *b);

void safer_assessment_release(struct safer_assessment *a);

/*
 * Does month m hold data: has a force with records in the study wards a
 * file for it (a coverage row for m that is not missing)? Reads
 * a->coverage only, so it works on an assessment made by hand.
 */
int safer_assessment_has_data(const struct safer_assessment *a, int32_t m);

/* How many of the months first..last (inclusive) hold data. */
int safer_assessment_data_months(const struct safer_assessment *a, int32_t first, int32_t last);

/* Did publication i contribute records to the study wards? (Every
 * publication does when a->pub_area is NULL.) */
int safer_assessment_pub_in_area(const struct safer_assessment *a, size_t i);

/* The residents of the study wards: their populations summed in ward
 * order, NaN unless every study ward has one. The area's rate per 1,000
 * is 1000 x records / this (the report's, the indicators'). */
double safer_assessment_area_population(const struct safer_assessment *a);

int safer_assess_compute(struct safer_store *st, const struct safer_assess_opts *opts,
                         struct safer_assessment *out, struct safer_err *err);

/*
 * Make `a` the public edition (docs/assessment.md, Public edition): set
 * a->hidden so that every count from 1 to min - 1 the report or the CSV
 * files publish is hidden, and enough others that none of those can be
 * worked out from what is shown (safer_suppress(), stats.h), over every
 * sum a reader can form: categories and wards to their totals, months to
 * their windows, wards by category to both, outcomes to their category,
 * each peer's categories to its total. safer_assess_compute() calls it
 * with a->rules.public_min when opts->public_edition is set; the
 * workspace's public pages call it too. Returns 0 or safer_suppress()'s
 * error.
 */
int safer_assessment_hide(struct safer_assessment *a, int64_t min, struct safer_err *err);

/*
 * Add the CSV files of `a` (docs/assessment.md) to output set `out`; a
 * population or deprivation file only when that data was loaded. Text
 * fields go through safer_csv_put_text(). Returns 0, or the first error of
 * safer_output_add(); files added before it stay in `out`.
 */
struct safer_output;
int safer_assess_write_csv(const struct safer_assessment *a, struct safer_output *out,
                           struct safer_err *err);

/*
 * The whole job, for every front end: compute the assessment
 * (safer_assess_compute()), then add its CSV files and the report,
 * index.html, to `out`. The report is rendered while the CSV files are
 * written, through a task group of opts->threads threads (the calling one
 * included): started threads only ever come from that budget. `out` is not
 * committed: the caller puts a folder in place with safer_output_commit(),
 * or serves the files from memory.
 *
 * On success *a holds the assessment (for the caller's summary: windows,
 * record counts) and the caller releases it with safer_assessment_release().
 * On failure *a is empty, `out` may hold some of the files (release it
 * without committing), and the error is compute's, the CSV writer's or the
 * report's, in that order.
 */
int safer_assess_run(struct safer_store *st, const struct safer_assess_opts *opts,
                     struct safer_output *out, struct safer_assessment *a, struct safer_err *err);

#endif
