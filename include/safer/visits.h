/*
 * visits.h - service usage (a domestic abuse one-stop-shop and services like
 * it) and the choice of pop-up sites (docs/services.md, docs/statistics.md
 * "Service usage" and "Pop-up sites").
 *
 * A visit is a date and time, the visitor's home area (a postcode, an LSOA
 * or a ward code; never a name), the service, the venue and, when the
 * export has one, a pseudonymous visitor id. Only the columns a mapping
 * names are read, and only those are stored. A home area is placed through
 * the resolver of place.h (a postcode through the ONS Postcode Directory
 * held); one that does not resolve is stored without a ward, reported by
 * FILE:LINE and counted, never dropped.
 *
 * Venues are the service's existing venue(s) and the candidate venues of
 * pop-up sessions, each a point in British National Grid metres
 * (EPSG:27700). Every distance here is straight-line metres in that grid.
 *
 * The analyses read one snapshot (safer_visits_load) and compute from
 * memory; safer_popup_solve is a pure function and proves its answer by
 * evaluating every set of p candidates.
 */
#ifndef SAFER_VISITS_H
#define SAFER_VISITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/arena.h"
#include "safer/buf.h"
#include "safer/error.h"

struct safer_store;

/* ---- import ---- */

/* Messages about rows kept but not placed: the first few are kept. */
#define SAFER_VISITS_NOTES 20

struct safer_visits_import_stats {
    size_t rows;       /* visits stored */
    size_t unresolved; /* of those, whose home area did not resolve (stored without a ward) */
    size_t replaced;   /* visits of the same source stored before, now replaced */
    size_t with_id;    /* visits with a visitor id */
    char source[208];  /* the source the visits are stored under (at most 200 bytes) */
    size_t nnotes;
    char notes[SAFER_VISITS_NOTES][224]; /* "FILE:LINE: home: 'X' ..." */
};

/*
 * Store the visits of CSV `path` read through the JSON mapping
 * `map_path` (format in docs/services.md). A mapping that is not valid
 * fails with SAFER_EINVAL and "MAP.json: what is wrong"; a malformed row
 * (a date, a time or an area that is not of its kind's shape, an empty
 * required field) fails the whole file with "FILE:LINE: field: what".
 * The visits replace those stored before under the same source (the
 * mapping's "source", else the file's base name). All or nothing.
 */
int safer_visits_import(struct safer_store *st, const char *path, const char *map_path,
                        struct safer_visits_import_stats *stats, struct safer_err *err);

struct safer_venues_import_stats {
    size_t rows, existing, candidates, replaced;
};

/*
 * Store the venues of CSV `path`: columns name, kind ("existing" or
 * "candidate") and a place: lon and lat (WGS84), or easting and northing
 * (EPSG:27700), or postcode (placed through the directory held). A venue
 * of a name stored before is replaced. All or nothing; errors name
 * FILE:LINE and the column.
 */
int safer_venues_import(struct safer_store *st, const char *path,
                        struct safer_venues_import_stats *stats, struct safer_err *err);

/* ---- the snapshot the analyses read ---- */

struct safer_visit {
    int32_t day;    /* days since 1970-01-01 */
    int16_t minute; /* minute of the day, 0..1439 */
    int32_t ward;   /* index into wards, or -1 when the home did not resolve */
    double x, y;    /* the home's point (EPSG:27700), NaN when none */
    int32_t visitor; /* index of the visitor id (0..nvisitors-1), or -1 */
};

struct safer_venue {
    char *name; /* in the arena */
    bool existing;
    double x, y; /* EPSG:27700 metres */
};

struct safer_visit_ward {
    char *code, *name;  /* in the arena */
    double residents;   /* NaN when the store has no ward population */
    double x, y;        /* the ward's centroid (place.h), NaN when unknown */
    double distance;    /* metres to the nearest existing venue, NaN when unknown */
    int64_t visits;
    /* police.uk records of SAFER_POPUP_RECORDS_CATEGORY in the 12 months to
     * records_last (struct safer_visits) recorded in the ward */
    int64_t records;
};

struct safer_visits {
    struct safer_arena arena;
    struct safer_visit *v; /* malloc'd, in order of day and minute */
    size_t n;
    size_t unresolved; /* visits without a ward */
    size_t nvisitors;
    struct safer_venue *venues; /* malloc'd */
    size_t nvenues;
    /* The wards of the districts the visitors' home wards are in (so a
     * ward none came from is listed), in code order; every stored ward
     * when no visit has a ward. */
    struct safer_visit_ward *wards; /* malloc'd */
    size_t nwards;
    int32_t first_day, last_day; /* of the visits; 0 and -1 when none */
    int32_t records_last; /* the latest month of police.uk records held (month index), -1: none */
};

/* Read the visits, venues, wards and populations in one read transaction. */
int safer_visits_load(struct safer_store *st, struct safer_visits *out, struct safer_err *err);
void safer_visits_release(struct safer_visits *v);

/*
 * The stored wards (level ward) with what a synthetic postcode extract
 * needs (the demo, lib/run/demo_visits.c): the district (NULL when
 * unknown), the first of the ward's LSOAs in the lookup (NULL when none),
 * its residents (the sum of its LSOAs' populations; NaN when unknown) and
 * its polygon's centroid (place.h). Strings in `arena`; *out malloc'd.
 */
struct safer_visits_geo_ward {
    char *code, *name, *district, *lsoa;
    double residents, lon, lat, x, y;
};
int safer_visits_geography(struct safer_store *st, struct safer_arena *arena,
                           struct safer_visits_geo_ward **out, size_t *n, struct safer_err *err);

/*
 * The visits as `actor` may see them (the workspace): the actor must be
 * allowed SAFER_PERM_VIEW_AGGREGATE in their partnership (decided and, if
 * refused, audited by safer_publish_target: SAFER_EACCES or the like).
 * *hide_min is what safer_visits_hide() should be given for the actor's
 * role: 0 when it may see small counts (SAFER_PERM_VIEW_UNSUPPRESSED),
 * else the public threshold (rules.h, public_min). Release `out` after.
 */
struct safer_actor;
int safer_visits_live(struct safer_store *st, const struct safer_actor *actor,
                      struct safer_visits *out, int64_t *hide_min, struct safer_err *err);

/* ---- analyses (docs/statistics.md, Service usage) ---- */

/* Visits by weekday (0 Monday .. 6 Sunday) and hour (0..23). */
void safer_visits_heatmap(const struct safer_visits *v, int64_t out[7][24]);

/* Visits by calendar month, from the first visit's month to the last's:
 * *first is a month index (year * 12 + month - 1); counts malloc'd. */
int safer_visits_trend(const struct safer_visits *v, int32_t *first, int64_t **counts,
                       size_t *n);

/* Distance bands of the ward analysis: lower edges in metres. */
#define SAFER_VISITS_NBANDS 7
extern const double safer_visits_band_lo[SAFER_VISITS_NBANDS];

struct safer_visits_band {
    double lo, hi; /* metres: lo <= distance < hi (hi INFINITY for the last) */
    bool hidden;   /* holds a hidden ward (safer_visits_hide) */
    size_t wards;
    int64_t visits;
    double residents; /* of the wards with a population */
    double rate;      /* visits per 1,000 of those residents; NaN when none */
};
/* The wards grouped by the distance from their centroid to the nearest
 * existing venue (wards without a distance are left out). `hidden` (NULL:
 * none) marks the wards safer_visits_hide() hid: their bands are hidden. */
void safer_visits_bands(const struct safer_visits *v, const bool *hidden,
                        struct safer_visits_band out[SAFER_VISITS_NBANDS]);

/*
 * Small counts (docs/statistics.md, Service usage): set hidden[i] for each
 * ward whose count of visits is from 1 to min - 1, and, when that hides
 * exactly one ward, for the ward with the fewest visits above 0 among the
 * others as well, so that the total cannot give the hidden one away.
 * min <= 1 hides nothing. Returns the count hidden.
 */
size_t safer_visits_hide(const struct safer_visits *v, int64_t min, bool *hidden);

struct safer_visits_repeat {
    size_t visits_with_id, visitors;
    size_t by_count[5]; /* visitors with 1, 2, 3, 4, and 5 or more visits */
    double mean;        /* visits per visitor */
    int window;         /* N days */
    size_t eligible;    /* visitors whose first visit is at least N days before the last day */
    size_t returned;    /* of those, ones with another visit within N days of their first */
    double share;       /* returned / eligible; NaN when none is eligible */
};
void safer_visits_repeat(const struct safer_visits *v, int window, struct safer_visits_repeat *out);

/* CSV of each analysis (header line first), as the CLI writes them.
 * `hide_below` > 1: the counts safer_visits_hide() hides, the rates from
 * them and the bands that hold them are written as empty fields. */
int safer_visits_csv_heatmap(const struct safer_visits *v, struct safer_buf *b);
int safer_visits_csv_trend(const struct safer_visits *v, struct safer_buf *b);
int safer_visits_csv_wards(const struct safer_visits *v, int hide_below, struct safer_buf *b);
int safer_visits_csv_bands(const struct safer_visits *v, int hide_below, struct safer_buf *b);
int safer_visits_csv_repeat(const struct safer_visits *v, int window, struct safer_buf *b);

/*
 * Append the weekday x hour heat map as an inline SVG (svg.h's rules:
 * role img, <title> from opts->title, <desc> naming the busiest hour),
 * cells shaded from light to dark blue by count, each with a tooltip.
 * `cells` is what safer_visits_heatmap() gives. The numbers belong in a
 * table beside it too.
 */
struct safer_svg_opts;
int safer_visits_svg_heatmap(struct safer_buf *b, const struct safer_svg_opts *opts,
                             const int64_t cells[7][24], struct safer_err *err);

/* "Monday" .. "Sunday" for 0 .. 6. */
const char *safer_visits_weekday(int d);

/* ---- pop-up sites (docs/statistics.md, Pop-up sites) ---- */

enum safer_popup_objective {
    SAFER_POPUP_COVER = 1, /* maximise the demand within the distance of a venue */
    SAFER_POPUP_MEDIAN,    /* minimise the demand-weighted distance to the nearest venue */
};

/* Limits: p is 1..SAFER_POPUP_MAX_P; the work (sets x demand points) is capped. */
#define SAFER_POPUP_MAX_P 4
#define SAFER_POPUP_MAX_CANDIDATES 200
#define SAFER_POPUP_MAX_WORK 400000000ULL

struct safer_popup_problem {
    size_t m; /* demand points */
    const double *dx, *dy, *w; /* their points (EPSG:27700) and weights (>= 0) */
    size_t ne; /* existing venues (may be 0) */
    const double *ex, *ey;
    size_t nc; /* candidates */
    const double *cx, *cy;
    int p;
    enum safer_popup_objective objective;
    double distance; /* metres, for SAFER_POPUP_COVER */
};

struct safer_popup_result {
    int p;
    size_t chosen[SAFER_POPUP_MAX_P]; /* candidate indices, ascending */
    double objective; /* covered demand, or the demand-weighted total distance (metres) */
    double existing;  /* the same with the existing venues alone (INFINITY: p-median, none) */
    double total;     /* the demand in all */
    uint64_t sets;    /* sets of p evaluated: every one, C(nc, p) */
};

/*
 * Choose p of the candidates that, with the existing venues, best meet
 * the objective; exact, by evaluating every set of p candidates (ties go
 * to the first set in lexicographic order of indices). SAFER_EINVAL for p
 * out of 1..4 or more than nc, a negative or non-finite weight or point,
 * a distance not > 0; SAFER_ETOOBIG past the limits above.
 */
int safer_popup_solve(const struct safer_popup_problem *pr, struct safer_popup_result *out,
                      struct safer_err *err);

/* C(n, k), or UINT64_MAX when it does not fit. */
uint64_t safer_popup_sets(size_t n, int k);

/* What the demand is. */
enum safer_popup_demand {
    SAFER_POPUP_RESIDENTS = 1, /* each ward's residents at its centroid */
    SAFER_POPUP_VISITORS,      /* past visits at their home's point */
    /* police.uk records of SAFER_POPUP_RECORDS_CATEGORY in each ward in the
     * 12 months to the latest month held, at the ward's centroid: police.uk
     * has no domestic abuse flag, and most domestic abuse crimes the police
     * record are violence against the person, which this category holds
     * (with other violence and sexual offences). */
    SAFER_POPUP_RECORDS,
};
#define SAFER_POPUP_RECORDS_CATEGORY "Violence and sexual offences"

struct safer_popup_opts {
    int p;
    double distance; /* metres */
    enum safer_popup_objective objective;
    enum safer_popup_demand demand;
};

struct safer_popup_answer {
    struct safer_popup_result r;
    size_t ncandidates, ndemand;
    size_t dropped; /* demand left out: no point (wards without a centroid or population,
                       visits not placed) */
    const char *chosen[SAFER_POPUP_MAX_P]; /* names, borrowed from the snapshot */
    const char *existing_names;            /* "A, B", in the snapshot's arena */
    char proof[160]; /* "all 27,405 sets of 4 of 30 candidates evaluated" */
};

/* The pop-up proposal from a snapshot's venues and demand. SAFER_ENOTFOUND
 * when there are no candidate venues or no demand. */
int safer_visits_popup(struct safer_visits *v, const struct safer_popup_opts *o,
                       struct safer_popup_answer *out, struct safer_err *err);
int safer_visits_csv_popup(const struct safer_visits *v, const struct safer_popup_opts *o,
                           const struct safer_popup_answer *a, struct safer_buf *b);

/* Parse the names the CLI and web use: "cover"/"median", "residents"/"visitors"/"records". */
int safer_popup_objective_parse(const char *s);
int safer_popup_demand_parse(const char *s);
const char *safer_popup_objective_name(enum safer_popup_objective o);
const char *safer_popup_demand_name(enum safer_popup_demand d);

#endif
