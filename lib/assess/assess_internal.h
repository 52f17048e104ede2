/*
 * assess_internal.h - the parts of the assessment shared between files.
 */
#ifndef SAFER_ASSESS_INTERNAL_H
#define SAFER_ASSESS_INTERNAL_H

#include <stdint.h>

#include "safer/assess.h"
#include "safer/police.h"
#include "safer/lookup.h"
#include "safer/profile.h"
#include "safer/stats.h"

/*
 * What depends only on the study wards, prepared on other threads while the
 * records load: the wards in metres and the study grid (safer__geo_metres,
 * which needs PROJ), and the wards' contiguity (safer__geo_contiguity).
 * The two write separate fields.
 */
struct safer_bng;
struct safer__geo {
    struct safer_assessment *a; /* borrowed: reads wards and cell, writes wards_bng */
    struct safer__tasks *tasks; /* borrowed: the assessment's threads */
    struct safer_bng *bng;      /* owned: the PROJ transformation, for the points later */
    int rc;                     /* of the metres part */
    struct safer_err err;
    int64_t i0, i1, j0, j1, nx;  /* the grid's extent in cell indexes */
    int32_t *index;              /* owned: grid position -> study cell, -1 outside */
    struct safer_hotcell *cells; /* owned until handed to the assessment */
    size_t ncells;
    struct safer_nb nb;          /* queen contiguity of the study wards */
    int nb_rc;
    struct safer_err nb_err;
};

void *safer__geo_metres(void *geo);
void safer__geo_contiguity(struct safer__geo *geo);
void safer__geo_release(struct safer__geo *geo);

/*
 * Which of the stored wards `all` (n of them) lie in `area` (a district
 * code, or a Community Safety Partnership's code through the district to
 * CSP lookup; NULL: every ward): keep[i] is 1 for those. *name gets the
 * area's name (malloc'd) when a lookup knows it. SAFER_ENOTFOUND when no
 * stored ward lies in the area. Reads the lookups: call it inside the
 * caller's read transaction.
 */
int safer__area_wards(struct safer_store *st, const char *area, const struct safer_area *all,
                      size_t n, unsigned char *keep, char **name, struct safer_err *err);

/*
 * The police.uk Locations of the records the hot spots count (places.c):
 * tallied per map point and Location while the per-record arrays are
 * loaded, then added up per grid cell once the hot spots have placed each
 * map point in its cell.
 */
struct safer__place_tally {
    uint32_t loc;   /* the map point (index into the records' locations) */
    uint32_t name;  /* index into names */
    int32_t ward;   /* study ward */
    uint32_t count; /* at most uses[loc] */
};
struct safer__places {
    struct safer__place_tally *t; /* owned; by map point, then name */
    size_t n;
    char **names; /* owned: the Locations used, byte order */
    size_t nnames;
};

/*
 * Tally the records of `c` that the hot spots count: in the latest 12
 * months of `a`, at a map point l with uses[l] > 0 (a point in a study
 * ward; lward and study_of give its study ward). Needs c->where
 * (safer_crimes_load_text()); without it `pl` stays empty. Copies the
 * texts it keeps, so `c`'s may be freed afterwards.
 */
void safer__places_tally(struct safer__places *pl, const struct safer_crimes *c,
                         const struct safer_assessment *a, const uint32_t *uses,
                         const int32_t *lward, const int32_t *study_of);

/*
 * Add the tallies up per grid cell (loc_cell: per map point, its index into
 * a->cells, -1 outside the grid) into a->places, a->place_start and
 * a->place_names (copies of the texts). Nothing without tallies or cells.
 */
void safer__places_cells(const struct safer__places *pl, const int32_t *loc_cell,
                         struct safer_assessment *a);
void safer__places_release(struct safer__places *pl);

/* Free what safer_crimes_load_text() added to `c` (the rest stays). */
void safer__crimes_drop_text(struct safer_crimes *c);

/*
 * Harm and hot spots over time (harm_assess.c), in two steps as the
 * places are: while the per-record arrays are loaded, safer__harm_tally()
 * sets a->type_weight (from a->harm) and the periods, and adds up per map
 * point the weights and the per-period counts of the records the hot spots
 * count (in the latest window, at a map point l with uses[l] > 0); once
 * the hot spots have put each map point in its cell (loc_cell, as
 * safer__places_cells()), safer__harm_cells() adds them up per cell and
 * runs Gi* on the harm and per period, and classes each cell.
 */
struct safer__harm_tally {
    double *harm;    /* owned: per map point, its records' weights summed */
    uint32_t *count; /* owned: per map point and period, [l * nperiods + p] */
};
void safer__harm_tally(struct safer__harm_tally *ht, const struct safer_crimes *c,
                       struct safer_assessment *a, const uint32_t *uses);
int safer__harm_cells(const struct safer__harm_tally *ht, size_t nlocs, const int32_t *loc_cell,
                      struct safer_assessment *a, struct safer_err *err);
void safer__harm_tally_release(struct safer__harm_tally *ht);

/*
 * What the assessment reads from the store besides the wards and the
 * records, in the same read transaction (one snapshot); the computation
 * then runs without the store.
 */
struct safer__inputs {
    struct safer_pairs lsoa_ward;          /* LSOA -> ward, sorted by LSOA */
    struct safer_values pop_ward, pop_lsoa; /* populations by ward and by LSOA */
    char *basis_ward, *basis_lsoa;         /* owned: their bases, or NULL */
    struct safer_values deprivation;       /* LSOA -> IMD decile */
    /* For the peer comparison: LSOA -> district, sorted by LSOA, and the
     * district -> partnership -> police force area lookup. */
    struct safer_pairs lsoa_district;
    struct safer_districts districts;
    /* Per record (safer__peers_read, safer__outcomes_read): its LSOA code, as an index into the
     * records' lsoas; and for the outcomes, the latest outcome an outcomes
     * file gives it: 0 for none, else 1 + an index into later_names. */
    uint32_t *record_lsoa;
    uint16_t *later;
    char **later_names;
    size_t nlater_names;
    uint64_t outcome_rows; /* Crime IDs with a stored outcome */
    struct safer__places places;           /* the records' Locations, tallied */
    /* LSOA deprivation by domain (profile.h), the codes in dom_arena. */
    struct safer_lsoa_domain *dom;
    size_t ndom;
    struct safer_arena dom_arena;
    struct safer__harm_tally harm;         /* their harm and periods, tallied */
};

/* The ward profiles and default focus index of `a` (profile.c) into
 * a->profiles, a->focus and a->focus_values, from the inputs. */
int safer__assess_profiles(const struct safer__inputs *in, struct safer_assessment *a,
                           struct safer_err *err);
void safer__assess_profiles_release(struct safer_assessment *a);

/* The year of the Ordnance Survey data behind the stored wards, for the
 * licence line: from the property their codes came from ("WD19CD": 2019),
 * 0 when unknown or when the store says its data are synthetic (the demo). */
int safer__boundary_year(struct safer_store *st, struct safer_err *err, int *year);

int safer__inputs_read(struct safer_store *st, struct safer__inputs *in,
                       struct safer_assessment *a, struct safer_err *err);
void safer__inputs_release(struct safer__inputs *in);

/*
 * Read, in the same snapshot as the records `c`, what the peer comparison
 * needs of each record (peers.c: its LSOA code, in->record_lsoa) and what
 * the outcomes need (outcomes.c: the outcomes stored from police.uk
 * outcomes files, joined to the records by Crime ID: in->later, its names
 * and in->outcome_rows; the cold blobs are read only when some are stored).
 */
int safer__peers_read(struct safer_store *st, const struct safer_crimes *c,
                      struct safer__inputs *in, struct safer_err *err);
int safer__outcomes_read(struct safer_store *st, const struct safer_crimes *c,
                         struct safer__inputs *in, struct safer_err *err);

/*
 * The peer comparison (peers.c), from the records, each one's LSOA
 * (in->record_lsoa) and the lookups, populations and deprivation of `in`:
 * fills the peer fields of `a`. Needs a's windows, wards, types and counts;
 * `force_in` marks the forces with records in the study wards; `list` the
 * partnerships to compare with (CSP or district codes), or none.
 */
void safer__peers_compute(const struct safer__inputs *in, const struct safer_crimes *c,
                          const unsigned char *force_in, const char *const *list, size_t nlist,
                          struct safer_assessment *a);

/*
 * The key a force and a police force area are matched by (peers.c): the
 * name's words in lowercase joined by '-', '&' as "and", a note in brackets
 * left out, ONS's "London, City of" turned round, without "Police Service
 * of" in front or "Police Service", "Police" or "Constabulary" at the end,
 * as police.uk names forces in its file names: "Devon & Cornwall Police"
 * and "Devon and Cornwall" are both devon-and-cornwall. Cut at
 * SAFER__PEERS_KEY_MAX - 1 bytes.
 */
#define SAFER__PEERS_KEY_MAX 160
void safer__peers_force_key(const char *name, char out[SAFER__PEERS_KEY_MAX]);

/*
 * The outcomes (outcomes.c): the study wards' records of the latest 12
 * months but anti-social behaviour, by type and latest outcome. A record
 * is in study ward study_of[w] for w = ward_of_loc[loc] (a location) or
 * ward_of_lsoa[-1 - loc] (no location), as the counting pass assigns it.
 * Needs the records' outcomes (safer_crimes_load_text()); fills nothing
 * without them.
 */
void safer__outcomes_compute(const struct safer__inputs *in, const struct safer_crimes *c,
                             const int32_t *ward_of_loc, const int32_t *ward_of_lsoa,
                             const int32_t *study_of, struct safer_assessment *a);

/*
 * The statistics on top of the counts: coverage, change tests, the grid and
 * Gi*, Moran's I, rates. The counting pass hands over `force_in`, which
 * forces have records in the study wards, `batch_asb`, per batch of
 * records (one force's month), its anti-social behaviour records (for
 * coverage), and `uses`, per location, its records in the study wards in
 * the latest 12 months (for the hot spots).
 */
int safer__assess_statistics(const struct safer__inputs *in, const struct safer_crimes *c,
                             const unsigned char *force_in, const int64_t *batch_asb,
                             const uint32_t *uses,
                             struct safer_assessment *a, struct safer__geo *geo,
                             struct safer_err *err);

/* Free the public edition's masks (disclosure.c). */
void safer__hidden_release(struct safer_hidden *h);

/*
 * Each ward's population (docs/assessment.md, Rates), as the assessment and
 * the indicators take it: for ward codes[w] (n, sorted), its stored ward
 * figure when there is one, else the sum of its LSOAs' figures through
 * lsoa_ward (LSOA -> ward, sorted by LSOA, summed in that order) when every
 * one of them has a figure; NaN with neither, or when the figure is not
 * above 0. *used_ward and *used_lsoa say which kinds were used.
 */
void safer__ward_populations(const struct safer_pairs *lsoa_ward,
                             const struct safer_values *pop_ward,
                             const struct safer_values *pop_lsoa, char *const *codes, size_t n,
                             double *out, int *used_ward, int *used_lsoa);

/* The residents of an area: its wards' populations summed in ward order,
 * NaN unless every ward has one (and for no ward). */
double safer__population_sum(const double *pop, size_t n);

/*
 * The near-repeat test of the assessment (nearrepeat.c): the n events at
 * map points loc[] of `c` in months month[], their points taken to metres
 * by `bng` as the hot spots' are, into a->nr with opts->nearrepeat (or the
 * defaults) and opts->threads. A point PROJ cannot transform is left out
 * and counted in a->nr_no_point. No events: a->nr stays empty.
 */
struct safer_bng;
int safer__assess_nearrepeat(struct safer_assessment *a, const struct safer_crimes *c,
                             struct safer_bng *bng, const uint32_t *loc, const int32_t *month,
                             size_t n, const struct safer_assess_opts *opts,
                             struct safer_err *err);

/* Add harm_by_ward.csv, and but in the public edition harm_hotspots.csv
 * and (with periods) hotspot_persistence.csv, to `out`, using `b`. */
struct safer_output;
int safer__harm_write(const struct safer_assessment *a, struct safer_buf *b,
                      struct safer_output *out, struct safer_err *err);

#endif
