/*
 * store_internal.h - what the rest of the library may ask of the store
 * (never installed). No database type appears here: only lib/store/ talks
 * to an engine (store/db.h).
 */
#ifndef SAFER_STORE_INTERNAL_H
#define SAFER_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/arena.h"
#include "safer/buf.h"
#include "safer/lookup.h"
#include "safer/partner.h"
#include "safer/police.h"
#include "safer/store.h"

/* Transactions. A write transaction makes the caller the store's one writer
 * (it waits for another); a read transaction is one snapshot for all the
 * reads inside it. Rollback never fails and does nothing outside one. */
int safer__store_begin_write(struct safer_store *st, struct safer_err *err);
/* A write of sign-in bookkeeping only (sessions, sign-in failures, audit
 * rows of sign-ins and refusals): it does not count as a change of the
 * plan or the evidence (the generation, db.h), so what a server computed
 * from them stays good. Everything else writes with begin_write. */
int safer__store_begin_bookkeeping(struct safer_store *st, struct safer_err *err);
int safer__store_begin_read(struct safer_store *st, struct safer_err *err);
int safer__store_commit(struct safer_store *st, struct safer_err *err);
void safer__store_rollback(struct safer_store *st);
/* End a read begun with safer__store_begin_read() that ended with `rc`:
 * committed when rc is 0 (a read has nothing to undo, and in a read scope
 * the scope's snapshot then holds for the reads after it), rolled back on
 * an error. Returns rc, or the commit's error. */
int safer__store_read_done(struct safer_store *st, int rc, struct safer_err *err);
/* Is a transaction open on the handle? */
bool safer__store_in_tx(const struct safer_store *st);
/* The store's generation (db.h): in the open transaction, or as one
 * statement of its own; -1 for a store without one (nothing is kept). */
int safer__store_generation(struct safer_store *st, int64_t *gen, struct safer_err *err);
/* A statement of the open read transaction read the generation's text
 * (meta's value) beside its own columns: keep it for the transaction. */
void safer__generation_learnt(struct safer_store *st, const char *text);

/* For the length of a large import (SQLite: no memory map while blobs are
 * written, see docs/internals/store.md). */
void safer__store_large_writes(struct safer_store *st, int on);

/* ---- police.uk publications, as the importer hands them over ---- */

/* One (force, month) publication parsed from a file. */
struct safer__pub {
    char *force;        /* owned: Reported by */
    int32_t month;      /* month index */
    uint64_t rows;      /* records */
    uint64_t rows_read; /* records plus the file's rejected rows attributed here */
    struct safer_buf hot, cold; /* the encoded blobs, see store/colblob.h (an
                                   outcomes publication: its data in hot) */
    int stored; /* set by safer__store_police_file: 1 when it was written
                   (0: the store holds it from a byte-identical file) */
};

struct safer__reject {
    uint64_t line;
    char *msg; /* owned: "file:line: reason" */
};

/* A parsed file: its publications, and what was rejected. */
struct safer__pubfile {
    const char *path;  /* borrowed */
    char checksum[40]; /* XXH3-128 of the file's bytes, hex */
    int outcomes;      /* 1: police.uk outcomes (outcome_batch), 0: street (crime_batch) */
    struct safer__pub *pubs;
    size_t npubs;
    uint64_t rows_read, rejected, bytes;
    struct safer__reject *rejects; /* the first SAFER_LIMIT_REJECTS_KEPT */
    size_t nrejects;
};

/* Store one parsed file inside the open write transaction: log it, and
 * replace each of its publications unless the stored copy came from a
 * byte-identical file (pubs[i].stored says which were written). The count
 * table is brought up to date afterwards, through a tally. */
int safer__store_police_file(struct safer_store *st, struct safer__pubfile *f,
                             struct safer_import_stats *stats, struct safer_err *err);

/* The count table's rows of the publications an import writes: start a
 * tally inside the write transaction, add each street publication as it is
 * written (its hot blob may be freed after), and write them all before the
 * commit, counting on up to `threads` threads. */
struct safer__tally;
int safer__tally_new(struct safer_store *st, struct safer__tally **out, struct safer_err *err);
int safer__tally_add(struct safer_store *st, struct safer__tally *t, const char *force,
                     int32_t month, const void *hot, size_t hlen, int64_t rows,
                     struct safer_err *err);
int safer__tally_write(struct safer_store *st, struct safer__tally *t, unsigned threads,
                       struct safer_err *err);
void safer__tally_free(struct safer__tally *t);

/* Bring the count table up to date with every stored record (after the
 * wards or the LSOA to ward lookup changed), inside the open write
 * transaction. */
int safer__store_recount(struct safer_store *st, struct safer_err *err);

/* ---- reference tables, read and checked by lib/import/reference.c ---- */

enum safer__lookup_kind {
    SAFER__LOOKUP_LSOA_WARD,     /* lsoa, lsoa name, ward, ward name, district, district name */
    SAFER__LOOKUP_WARD_DISTRICT, /* ward, ward name, district, district name, -, - */
    SAFER__LOOKUP_DISTRICT_CSP,  /* district, name, csp, csp name, pfa, pfa name */
};

struct safer__lookup_rows {
    const char *path; /* borrowed */
    enum safer__lookup_kind kind;
    char **cells; /* owned: 6 per row, NULL where absent */
    size_t *lines;
    size_t n, cap, capl;
};
void safer__lookup_rows_release(struct safer__lookup_rows *r);

/* Codes with a number (population) or two (deprivation: decile, rank). */
struct safer__value_rows {
    const char *path; /* borrowed */
    char level[16];   /* population: "lsoa" or "ward" */
    char basis[256];  /* population: the column's heading */
    double total;
    char **code; /* owned */
    double *value, *value2;
    /* deprivation from IoD2019 File 2 (else NULL, ndomains 0): per row,
     * the rank and decile of each of its ndomains domains, in the order of
     * enum safer_domain after the IMD (profile.h) */
    double *domains;
    int ndomains;
    /* population by single year of age and sex (else NULL, nages 0): per
     * row SAFER_POPULATION_AGES values, F0..F90 then M0..M90 */
    double *ages;
    int nages;
    size_t *lines;
    size_t n, cap, capv, capv2, capd, capl, capa;
};
void safer__value_rows_release(struct safer__value_rows *r);

/* Write a checked file's rows in one write transaction; a row whose key is
 * stored replaces it (*replaced counts those). */
int safer__store_lookup(struct safer_store *st, const struct safer__lookup_rows *rows,
                        size_t *replaced, struct safer_err *err);
int safer__store_population(struct safer_store *st, const struct safer__value_rows *rows,
                            struct safer_err *err);
int safer__store_deprivation(struct safer_store *st, const struct safer__value_rows *rows,
                             struct safer_err *err);

/* LSOA deprivation by domain (profile.h): the IMD ranks of the deprivation
 * table and the domains of IoD2019 File 2, in no particular order;
 * the LSOA codes are in `arena`, *out is malloc'd. */
struct safer_lsoa_domain;
int safer__deprivation_domains(struct safer_store *st, struct safer_arena *arena,
                               struct safer_lsoa_domain **out, size_t *n, struct safer_err *err);

/* The property the codes of most stored areas of `level` came from
 * ("WD19CD"), which dates the boundaries: *code_field is malloc'd, or NULL
 * when unknown (stores made before the store kept it). */
int safer__areas_vintage(struct safer_store *st, const char *level, char **code_field,
                         struct safer_err *err);

/* ---- indicators: what lib/assess/indicator.c computes series from ---- */

struct safer_actor;
struct safer_indicator;
struct safer_indicator_comment;
struct safer_indicator_query;

/* A manual indicator's value for a period. */
struct safer__ind_value {
    int64_t indicator;
    const char *period; /* in the arena */
    double value;
};

/*
 * The evidence a partnership's computed indicators count, summed by the
 * database's rows once: the records of each crime type in each ward and
 * month, and in the whole area; which months have data; the wards'
 * populations. The store handle keeps the latest few (one a partnership)
 * while the store's generation (db.h) is the one they were read at, so a
 * page of indicators reads definitions, not ten thousand counts. Owned by
 * the handle's cache: valid until the next indicator read on the handle.
 */
struct safer__ind_evidence {
    int64_t partnership_id;
    int64_t generation; /* -1: not kept (a store without one) */
    struct safer_arena arena; /* ward codes and type names */
    char **wards;             /* the area's stored wards, sorted */
    size_t nwards;
    char **types; /* the crime types counted, as the count table names them */
    size_t ntypes;
    /* The months from the first to the last the store holds a file of the
     * area's forces for (first > last: none), and which of them have one. */
    int32_t first, last;
    unsigned char *has_data;  /* [month - first] */
    int64_t *ward_month;      /* [(type * nwards + ward) * months + month - first] */
    int64_t *area_month;      /* [type * months + month - first] */
    /* The area's LSOAs with their wards, and the populations of wards and
     * LSOAs, as the store holds them; and from them (safer__ind_derive) */
    struct safer_pairs lsoa_ward;
    struct safer_values pop_ward, pop_lsoa;
    double *pop;     /* each ward's residents; NULL when the store has no populations */
    double area_pop; /* their sum, NaN unless every ward has one */
};

/* Fill ev->pop and ev->area_pop from what was read (lib/assess/indicator.c:
 * the populations are the assessment's). */
void safer__ind_derive(struct safer__ind_evidence *ev);

/*
 * One snapshot of what an indicator page needs, read in one transaction
 * after the access decision. Definitions, values, comments and codes live
 * in the caller's arena; the arrays marked malloc'd go with
 * safer__ind_snap_release().
 */
struct safer__ind_snap {
    bool unsuppressed; /* the role may SAFER_PERM_VIEW_UNSUPPRESSED */
    bool names;        /* the role may SAFER_PERM_VIEW_PLAN: authors' names */
    struct safer_indicator *defs; /* malloc'd; definitions only */
    size_t ndefs;
    /* Borrowed from the store handle's cache; NULL unless a definition is
     * computed. */
    const struct safer__ind_evidence *ev;
    /* Borrowed from the store handle's cache, like ev: the stored survey
     * waves' estimates, unsuppressed (lib/assess/survey.c); NULL unless a
     * definition is a survey one and a wave is stored. */
    const struct safer_survey_results *survey;
    struct safer__ind_value *values; /* malloc'd; manual definitions' values */
    size_t nvalues;
    struct safer_indicator_comment *comments; /* malloc'd; only for one indicator */
    size_t ncomments;
};
void safer__ind_snap_release(struct safer__ind_snap *s);
/* Free a store handle's evidence (safer_store_close). */
void safer__ind_cache_free(struct safer_store *st);

/*
 * Read the snapshot for the actor's partnership (SAFER_PERM_VIEW_AGGREGATE):
 * indicator `id` with its comments, or with id 0 every indicator matching
 * q's priority and group. SAFER_EDENIED (the refusal audited) when the role
 * may not; SAFER_ENOTFOUND for an id not of the partnership.
 */
struct safer_survey_results;
/* How a snapshot gets the survey estimates: `read` inside its transaction
 * (lib/assess: safer__survey_results_read, *out NULL without waves), and
 * `release` for the copy the handle keeps. */
struct safer__ind_survey_src {
    int (*read)(struct safer_store *st, struct safer_survey_results **out,
                struct safer_err *err);
    void (*release)(struct safer_survey_results *r);
};
int safer__indicator_read(struct safer_store *st, const struct safer_actor *actor, int64_t id,
                          const struct safer_indicator_query *q, int64_t now,
                          const struct safer__ind_survey_src *survey,
                          struct safer_arena *arena, struct safer__ind_snap *out,
                          struct safer_err *err);

/* The harm weights in force (harm.h, safer_harm_load()), read inside the
 * caller's transaction: the assessment's snapshot. */
struct safer_harm_weights;
int safer__harm_read(struct safer_store *st, struct safer_harm_weights *out,
                     struct safer_err *err);

/* ---- postcodes of the ONS Postcode Directory (import/postcode.c) ---- */

struct safer__postcode {
    char postcode[9]; /* in its one form (safer_postcode_normalise) */
    char *ward, *lsoa, *district, *terminated; /* owned, or NULL */
    double lon, lat, x, y; /* NaN without a grid reference */
    size_t line;
};

struct safer__postcodes {
    const char *path;
    struct safer__postcode *rows;
    size_t n, cap;
    size_t terminated, skipped;
};

void safer__postcodes_release(struct safer__postcodes *p);

/* Store `p` in one transaction, each postcode replacing the one held;
 * *replaced counts those (store_place.c). */
int safer__store_postcodes(struct safer_store *st, const struct safer__postcodes *p,
                           size_t *replaced, struct safer_err *err);

/* ---- partner agencies' data (partner.h; store_partner.c) ---- */

/* One row of a partner file, placed. */
struct safer__partner_rec {
    int64_t line;
    int32_t month;
    char ward[SAFER_LIMIT_CODE + 1];
    char lsoa[SAFER_LIMIT_CODE + 1]; /* "" when none */
    double x, y;                     /* BNG metres, NaN when not a point */
    char *category;                  /* owned */
    int64_t count;
};

/* Store a checked file's records as data set map->key in one write
 * transaction, replacing a data set of the same key (stats->replaced). */
int safer__partner_store(struct safer_store *st, const struct safer_partner_map *map,
                         const char *path, const char *checksum,
                         const struct safer__partner_rec *recs, size_t n,
                         struct safer_partner_stats *stats, struct safer_err *err);

/* Every data set with its tables (safer_partner_data), read inside the
 * open read transaction: the assessment's snapshot. *out is freed with
 * safer_partner_data_free(). */
int safer__partner_data_read(struct safer_store *st, struct safer_partner_data **out,
                             struct safer_err *err);
/* ---- service visits and venues (visits.h), as their importers hand them
 * over checked and placed (lib/import/visits.c, lib/store/store_visits.c) ---- */

struct safer__visit_row {
    int64_t line;
    int32_t day;    /* days since 1970-01-01 */
    int32_t minute; /* minute of the day */
    const char *home_kind, *home;  /* the kind's name; the value as normalised */
    const char *ward, *lsoa;       /* NULL when the home did not resolve (lsoa: or a ward) */
    double x, y;                   /* NaN when no point */
    const char *service, *venue;   /* "" when not mapped */
    const char *visitor;           /* NULL when none */
};

/* Replace the visits of `source` with `rows` in one write transaction;
 * *replaced counts the visits it held before. */
int safer__store_visits(struct safer_store *st, const char *source, const char *file,
                        const struct safer__visit_row *rows, size_t n, size_t unresolved,
                        size_t *replaced, struct safer_err *err);

struct safer__venue_row {
    const char *name, *kind, *postcode; /* postcode NULL when not given */
    double x, y, lon, lat;              /* lon, lat NaN when not given */
};

int safer__store_venues(struct safer_store *st, const char *source,
                        const struct safer__venue_row *rows, size_t n, size_t *replaced,
                        struct safer_err *err);

/* The assessment's service usage (assess.h): its visits read inside the
 * assessment's open read transaction (the same snapshot), and the default
 * pop-up proposal (p 2, cover within 3,000 m, residents); and their release. */
struct safer_assessment;
int safer__visits_assess_read(struct safer_store *st, struct safer_assessment *a,
                              struct safer_err *err);
void safer__visits_assess_release(struct safer_assessment *a);
/* ---- residents' surveys (store_survey.c; survey.h) ----
 * Respondents' rows travel only between the survey importer
 * (lib/import/survey.c), the estimates (lib/assess/survey.c) and these. */

/* One margin row: margin "age_sex" (category "SEX|AGE BAND") or "ward". */
struct safer__survey_margin_row {
    const char *margin, *category;
    double population;
};

/* One wave as it is stored (every pointer borrowed). */
struct safer__survey_wave {
    const char *name, *file, *margins;
    size_t n;
    const char *const *ward;    /* n ward codes */
    const char *const *age_sex; /* n "SEX|AGE BAND", or "" without that margin */
    const double *w;            /* n weights */
    const char *const *answers; /* n strings of nq characters: '1' counts, '0' does
                                   not, '-' out of the base */
    size_t nq;
    const char *const *qkey, *const *qlabel, *const *qtext;
    const char *const *qconcern; /* police.uk categories, one a line, "" none */
    int iterations;
    double deff, trim_lo, trim_hi;
    size_t nmargin;
    const struct safer__survey_margin_row *margin;
};

/* Store the waves in one transaction, each replacing a stored wave of its
 * name (replaced[i] says so). */
int safer__survey_store(struct safer_store *st, const struct safer__survey_wave *w, size_t nw,
                        bool *replaced, struct safer_err *err);

/* The store's wards: codes (sorted, distinct), their district (or NULL),
 * name (or NULL) and population (the stored ward figure, else the sum of
 * its LSOAs' figures when every one has one, else NaN); the LSOA -> ward
 * lookup, sorted by LSOA. In `arena`. */
struct safer__survey_geo {
    size_t nward;
    char **ward, **district, **name;
    double *pop;
    size_t nlsoa;
    char **lsoa, **lsoa_ward;
};
int safer__survey_geo_read(struct safer_store *st, struct safer_arena *arena,
                           struct safer__survey_geo *g, struct safer_err *err);

/* Every stored wave, ordered by name, in `arena` (the arrays too), and
 * the store's wards when there is a wave. With `in_tx`, in the caller's
 * open read transaction. */
struct safer__survey_stored {
    char *name, *margins;
    size_t n;
    char **ward, **age_sex, **answers;
    double *w;
    size_t nq;
    char **qkey, **qlabel, **qconcern;
    double deff, trim_lo, trim_hi;
    size_t nmargin;
    struct safer__survey_margin_row *margin;
};
int safer__survey_read(struct safer_store *st, struct safer_arena *arena,
                       struct safer__survey_stored **out, size_t *n,
                       struct safer__survey_geo *geo, bool in_tx, struct safer_err *err);

#endif
