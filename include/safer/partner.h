/*
 * partner.h - data from the partnership's other responsible authorities
 * (the Crime and Disorder (Formulation and Implementation of Strategy)
 * Regulations 2007, SI 2007/1831): deliberate fires from the fire and
 * rescue service, hospital admissions for assault, ambulance call-outs,
 * probation caseload, council and housing ASB reports.
 *
 * A partner data set is one CSV file and a JSON mapping that declares its
 * columns (docs/partner-data.md): the month (or a date), the place (a
 * point, a postcode, an LSOA or a ward), the category and the count (or
 * one record a row). The data set keeps its partner agency, its source,
 * its licence or sharing agreement and its suppression threshold: counts
 * from 1 to threshold - 1 are never shown in a public or member output.
 *
 * Every record is placed in a ward of the store through the place
 * resolver (place.h). An import is all or nothing: a row that does not
 * parse or place fails the file, and every such row is listed by
 * FILE:LINE: field. Importing a data set of the same key again replaces it.
 *
 * The analyses are pure functions over a table of counts by ward and
 * month read in one snapshot (safer_partner_read()): counts, rates per
 * 1,000 residents, the change test of the police counts, and the series
 * set beside a police.uk category by ward and month with its correlations
 * (docs/statistics.md, Partner data).
 */
#ifndef SAFER_PARTNER_H
#define SAFER_PARTNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/arena.h"
#include "safer/error.h"
#include "safer/limits.h"

struct safer_store;
struct safer_buf;

/* Bytes in a mapping file, and in a data set's key. */
#define SAFER_PARTNER_MAP_MAX (64u << 10)
#define SAFER_PARTNER_KEY_MAX 40
/* Rows in one partner file. */
#define SAFER_PARTNER_MAX_ROWS 2000000u
/* Rejected rows a failed import lists. */
#define SAFER_PARTNER_REJECTS_KEPT 50

/* ---- the mapping ---- */

struct safer_partner_map {
    char *key;     /* owned: [a-z0-9-], 1 to SAFER_PARTNER_KEY_MAX bytes */
    char *title;   /* owned: "Hospital admissions for assault" */
    char *agency;  /* owned: the responsible authority that shares it */
    char *source;  /* owned: the system or extract it comes from */
    char *licence; /* owned: the licence or data sharing agreement */
    int64_t threshold; /* counts 1 .. threshold - 1 are suppressed; >= 1 */
    int place_kind;    /* enum safer_place_kind (place.h) */
    /* Column names (owned); NULL when the mapping does not use one. */
    char *col_month;    /* "YYYY-MM" */
    char *col_date;     /* "YYYY-MM-DD" (or an ISO date and time): its month */
    char *col_place;    /* ward, LSOA or postcode */
    char *col_lon, *col_lat; /* a point */
    char *col_category;
    char *col_count;    /* NULL: each row is one record */
    char *category;     /* owned: the one category when there is no column */
    char *police_category; /* owned: police.uk category to set it beside, or NULL */
};

/* Read and check mapping `path`: SAFER_EPARSE "PATH: what is wrong" for
 * JSON that does not parse, an unknown key, a value of the wrong type, a
 * required key missing or two that exclude each other. `m` is released
 * first and filled. */
int safer_partner_map_load(const char *path, struct safer_partner_map *m, struct safer_err *err);
/* The same from memory (`name` for messages). */
int safer_partner_map_parse(const char *json, size_t len, const char *name,
                            struct safer_partner_map *m, struct safer_err *err);
void safer_partner_map_init(struct safer_partner_map *m);
void safer_partner_map_release(struct safer_partner_map *m);

/* ---- importing ---- */

struct safer_partner_stats {
    size_t rows;     /* data rows read */
    size_t rejected; /* rows that failed (then nothing is stored) */
    int64_t records; /* the counts' sum */
    size_t wards;    /* distinct wards the records fall in */
    int32_t first, last; /* months, -1 when none */
    int replaced;    /* a data set of the same key was stored before */
    char rejects[SAFER_PARTNER_REJECTS_KEPT][512]; /* "FILE:LINE: field: what" */
    size_t nrejects;
};

/* Import CSV `path` with mapping `map` (already loaded) in one write
 * transaction. A rejected row fails the file: SAFER_EPARSE with the first
 * reason in `err` and all of them (up to SAFER_PARTNER_REJECTS_KEPT) in
 * `stats`; the store is unchanged. */
int safer_partner_import(struct safer_store *st, const char *path,
                         const struct safer_partner_map *map, struct safer_partner_stats *stats,
                         struct safer_err *err);

/* ---- reading ---- */

struct safer_partner_set {
    int64_t id;
    const char *key, *title, *agency, *source, *licence, *file; /* in the arena */
    const char *police_category; /* "" when none */
    const char *place_kind;      /* "point", "postcode", "lsoa" or "ward" */
    int64_t threshold;
    int64_t rows, records;
    int32_t first, last; /* months with records, -1 when none */
    int32_t months_missing; /* months from first to last without a record */
};

/* Every stored data set, by key (strings and array in `arena`). */
int safer_partner_list(struct safer_store *st, struct safer_arena *arena,
                       struct safer_partner_set **out, size_t *n, struct safer_err *err);

/* Data set `key` (strings in `arena`); SAFER_ENOTFOUND when none. */
int safer_partner_find(struct safer_store *st, const char *key, struct safer_arena *arena,
                       struct safer_partner_set *out, struct safer_err *err);

/*
 * One data set's counts, or a police.uk category's, by ward and month: a
 * ward x month table over months first..last of every ward of the
 * store's ward list (areas of level ward, by code), with its margins.
 * Records in no stored ward are counted in `unplaced`, not in the table.
 */
struct safer_partner_table {
    size_t nwards, nmonths;
    char (*ward)[SAFER_LIMIT_CODE + 1]; /* owned: codes */
    char **ward_name;                   /* owned */
    double *population;                 /* owned: per ward, NaN when none */
    int32_t first;                      /* month of column 0 */
    int64_t *cell;        /* owned: [w * nmonths + m] */
    int64_t *ward_total;  /* owned: per ward */
    int64_t *month_total; /* owned: per month */
    int64_t total, unplaced;
    /* What a public or member output shows (safer_partner_suppress()):
     * per cell, ward total, month total and total, enum safer_hide; NULL
     * when nothing is suppressed. Owned. */
    unsigned char *hid_cell, *hid_ward, *hid_month;
    unsigned char hid_total;
    /* The change test's windows (safer_partner_windows()): the `win`
     * months ending at the table's last month ("latest") and the `win`
     * before them ("prev"), summed per ward and, at [nwards], over the
     * wards; 0 and NULL when not set. They are suppressed with the rest,
     * as sums of their months. Owned. */
    int win;
    int64_t *win_prev, *win_latest;
    unsigned char *hid_prev, *hid_latest;
};

void safer_partner_table_release(struct safer_partner_table *t);

/*
 * Read data set `key`'s table (or, with `police` set, police.uk category
 * `key`'s counts, all categories for "") over months first..last (-1: the
 * data's own first or last month) in one read transaction, and the
 * wards' populations. SAFER_ENOTFOUND for an unknown data set.
 */
int safer_partner_read(struct safer_store *st, const char *key, bool police, int32_t first,
                       int32_t last, struct safer_partner_table *t, struct safer_err *err);

/*
 * Primary and secondary suppression (stats.h, safer_suppress()) of every
 * figure of the table with threshold `min`: the cells, each ward's and
 * month's total and the total, related as a published table's rows and
 * columns are. Sets the hid_* masks. min <= 1 suppresses nothing.
 */
int safer_partner_suppress(struct safer_partner_table *t, int64_t min, struct safer_err *err);

/* ---- analyses ---- */

/* Set the table's change windows of `len` months (1 to 60); SAFER_EINVAL
 * when the table holds fewer than 2 * len months. Call it before
 * safer_partner_suppress() for the windows to be suppressed. */
int safer_partner_windows(struct safer_partner_table *t, int len, struct safer_err *err);

/*
 * Make the table ready to publish: set its change windows of `len` months
 * (0: the default, min(12, nmonths / 2); none when the table holds one
 * month) and suppress with threshold `min` (<= 1: nothing). Every output
 * of a data set over the same months goes through this, so that they all
 * hide the same figures.
 */
int safer_partner_publish(struct safer_partner_table *t, int64_t min, int len,
                          struct safer_err *err);

/* The change test by ward, as for police counts (docs/assessment.md):
 * binom.test(latest, prev + latest, 0.5) on the windows, and the
 * Benjamini-Hochberg adjustment over the wards tested; out[nwards] is
 * the test of all wards together (not adjusted). */
struct safer_partner_change {
    int64_t prev, latest;
    double p, p_adj; /* NaN when both are 0 */
};
void safer_partner_change(const struct safer_partner_table *t,
                          struct safer_partner_change *out /* OUT: nwards + 1 */);

/* Pearson's r of x and y, and Spearman's rho (Pearson's r of the ranks,
 * ties given their mean rank); NaN when n < 3 or either has no spread. */
double safer_pearson(const double *x, const double *y, size_t n);
double safer_spearman(const double *x, const double *y, size_t n);

/*
 * Months first..last of `src` (a month outside it counts 0) as a new
 * table `out`, without suppression or windows, of the wards of `src`
 * whose codes are among keep[0..nkeep) (sorted by strcmp), or of every
 * ward with keep NULL; the caller releases it.
 */
void safer_partner_slice(const struct safer_partner_table *src, int32_t first, int32_t last,
                         const char *const *keep, size_t nkeep, struct safer_partner_table *out);

/*
 * What an assessment holds of partner data (assess.h), read in its one
 * snapshot: every data set, its table over its own months, and the table
 * of its police.uk category over the same months (empty, nwards 0, when
 * it names none). Unsuppressed: a renderer suppresses what it shows.
 */
struct safer_partner_data {
    struct safer_arena arena;         /* the sets' and the partnership's strings */
    const char *partnership;          /* its name, "" when read without one */
    struct safer_partner_set *sets;   /* in the arena */
    size_t n;
    struct safer_partner_table *table;  /* owned: n */
    struct safer_partner_table *police; /* owned: n */
    /* Police.uk records of every stored ward by category and month, when
     * asked for (safer_partner_live()): type_name[t] (in the arena) and
     * type_count[t * type_months + m] for months type_first + m. Owned. */
    const char **type_name;
    int64_t *type_count;
    size_t ntypes, type_months;
    int32_t type_first;
};
void safer_partner_data_free(struct safer_partner_data *d);

/* ---- the workspace ---- */

struct safer_actor;

/*
 * Every data set for the workspace of the actor's partnership, when the
 * actor may SAFER_PERM_VIEW_AGGREGATE there (decided and, if refused,
 * audited: SAFER_EDENIED), read in one snapshot. *unsuppressed says
 * whether the role may SAFER_PERM_VIEW_UNSUPPRESSED: when not, every
 * figure shown must go through safer_partner_publish() with the data
 * set's threshold. With types_first >= 0, the police.uk records by
 * category and month over months types_first..types_last are read in the
 * same snapshot (d->types). *out is freed with safer_partner_data_free().
 */
int safer_partner_live(struct safer_store *st, const struct safer_actor *actor,
                       int32_t types_first, int32_t types_last, struct safer_partner_data **out,
                       bool *unsuppressed, struct safer_err *err);

/*
 * The quarterly data-share pack (docs/partner-data.md): one self-contained
 * HTML document that prints on A4, of quarter `quarter` (the month index
 * of its first month: January, April, July or October), with every partner
 * data set's figures by ward and month and the police.uk figures for the
 * same months. Access as safer_partner_live(); partner figures are
 * suppressed unless the role may SAFER_PERM_VIEW_UNSUPPRESSED and
 * `suppress` is false. Appends to `out`.
 */
int safer_pack_datashare(struct safer_store *st, const struct safer_actor *actor, int32_t quarter,
                         bool suppress, int64_t now, struct safer_buf *out,
                         struct safer_err *err);

/* "2024-Q2" to the month index of the quarter's first month; -1 when
 * malformed. */
int32_t safer_quarter_parse(const char *s);

/* ---- hot spots of record-level data ---- */

/*
 * Gi* hot spots (stats.h, safer_gistar(): queen weights with the cell
 * itself) of a data set's points (British National Grid metres) on a grid
 * of `cell` metres whose corners lie on multiples of `cell`, over the
 * cells of the points' bounding box, empty cells included; a point counts
 * its record's count. p-values adjusted by Benjamini-Hochberg over the
 * grid (safer_gi_classify()).
 */
struct safer_partner_hot {
    size_t n;             /* cells */
    double cell;          /* metres */
    int32_t *ci, *cj;     /* owned: column and row (floor(x / cell)) */
    int64_t *count;       /* owned */
    double *z, *p_adj;    /* owned: NaN when no score */
    signed char *cls;     /* owned: enum safer_gi_class */
    int no_score;         /* Gi* gave no score (every count alike) */
};
void safer_partner_hot_release(struct safer_partner_hot *h);
/* SAFER_EINVAL for fewer than 2 cells or a bad cell size, SAFER_ETOOBIG
 * past SAFER_LIMIT_GRID_CELLS cells. */
int safer_partner_hotspots(const double *x, const double *y, const int64_t *w, size_t n,
                           double cell, struct safer_partner_hot *out, struct safer_err *err);

/* Data set `key`'s placed points over months first..last (-1: open), in
 * one read transaction: x, y (BNG metres) and counts, malloc'd. Records
 * without a point (an LSOA or ward) are left out. */
int safer_partner_points(struct safer_store *st, const char *key, int32_t first, int32_t last,
                         double **x, double **y, int64_t **w, size_t *n, struct safer_err *err);

/* The hot spots as CSV: every cell with its count, z, adjusted p and class;
 * or with `min` > 1 (a suppressed output) only the hot cells (hot90 and
 * above), their counts from 1 to min - 1 as "[c]", no z or p. */
int safer_partner_csv_hotspots(const struct safer_partner_hot *h, int64_t min,
                               struct safer_buf *b);

/* ---- CSV ---- */

/* The table by ward (code, name, population, count, rate per 1,000) and,
 * with `by_month`, by ward and month; hidden figures written as "[c]". */
int safer_partner_csv_table(const struct safer_partner_table *t, bool by_month,
                            struct safer_buf *b);

/* The data sets (safer_partner_list()) as CSV. */
int safer_partner_csv_list(const struct safer_partner_set *s, size_t n, struct safer_buf *b);

/* The partner series beside the police series, by ward (`by_month`
 * false) or by month: counts, rates per 1,000 by ward. Hidden partner
 * figures as "[c]". *r and *rho: the correlations of the shown ward
 * (or month) counts. */
int safer_partner_csv_compare(const struct safer_partner_table *partner,
                              const struct safer_partner_table *police, bool by_month,
                              struct safer_buf *b, double *r, double *rho);

/* The change test by ward as CSV (ward, name, previous, latest, p,
 * p_adj), the windows set; a test with a hidden count is not shown. */
int safer_partner_csv_change(const struct safer_partner_table *t, struct safer_buf *b);

#endif
