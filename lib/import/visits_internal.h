/*
 * visits_internal.h - what the visits and venues importers (lib/import/
 * visits.c) hand the store (lib/store/store_visits.c): checked, placed
 * rows. Never installed.
 */
#ifndef SAFER_IMPORT_VISITS_INTERNAL_H
#define SAFER_IMPORT_VISITS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"

struct safer_store;
struct safer_arena;

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

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int32_t safer__days_from_civil(int y, int m, int d);
/* And back. */
void safer__civil_from_days(int32_t z, int *y, int *m, int *d);

/* A ward of the store, for the demo's synthetic postcodes: its district
 * (NULL when unknown), the first of its LSOAs in the lookup (NULL when
 * none), its residents (NaN when unknown) and its polygon's centroid. */
struct safer__geo_ward {
    char *code, *name, *district, *lsoa; /* in the arena */
    double residents, lon, lat, x, y;
};
/* The assessment's service usage (assess.h): its visits read inside the
 * assessment's open read transaction (the same snapshot), and the default
 * pop-up proposal (p 2, cover within 3,000 m, residents); and their release. */
struct safer_assessment;
int safer__visits_assess_read(struct safer_store *st, struct safer_assessment *a,
                              struct safer_err *err);
void safer__visits_assess_release(struct safer_assessment *a);

struct safer_arena;
int safer__visits_geography(struct safer_store *st, struct safer_arena *arena,
                            struct safer__geo_ward **out, size_t *n, struct safer_err *err);

#endif
