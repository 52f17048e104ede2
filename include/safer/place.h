/*
 * place.h - where a record is, resolved to the store's geography.
 *
 * Surveys, service visits and partner data name a place in one of four
 * ways: a ward code, an LSOA code, a postcode or a point. A resolver reads
 * what it needs from the store once (the wards and LSOAs of the lookups and
 * the stored areas, the ward polygons, and the postcodes of the ONS
 * Postcode Directory held in table `postcode`) and then answers from
 * memory, so an importer resolves every row of a file without asking the
 * store again. It is not thread-safe: one resolver per thread.
 *
 * A postcode is placed by the directory's own columns (its ward and LSOA
 * of the vintage imported), not by its grid reference; a terminated
 * postcode still resolves, as an old record's address may be one.
 */
#ifndef SAFER_PLACE_H
#define SAFER_PLACE_H

#include <stdbool.h>
#include <stddef.h>

#include "safer/error.h"
#include "safer/limits.h"

struct safer_store;

enum safer_place_kind {
    SAFER_PLACE_WARD = 1,
    SAFER_PLACE_LSOA,
    SAFER_PLACE_POSTCODE,
    SAFER_PLACE_POINT, /* longitude and latitude (WGS84), as police.uk gives them */
};

/* "ward", "lsoa", "postcode" or "point" (any case); 0 for anything else. */
enum safer_place_kind safer_place_kind_parse(const char *name);
const char *safer_place_kind_name(enum safer_place_kind kind);

struct safer_place {
    char ward[SAFER_LIMIT_CODE + 1]; /* the ward's code */
    char lsoa[SAFER_LIMIT_CODE + 1]; /* the LSOA's code, "" when the place is a ward */
    /* Where it is: the postcode's grid reference, the point, or the
     * centroid of the ward's or LSOA's polygon; NaN when none is held
     * (an area known from a lookup but without a polygon). */
    double lon, lat; /* WGS84 degrees */
    double x, y;     /* British National Grid metres (EPSG:27700) */
};

/*
 * A postcode in its one written form: capitals, one space before the
 * inward code ("me141xx" and "ME14  1XX" are "ME14 1XX"). `out` holds at
 * least 9 bytes. Returns 0, or -1 when `s` (len bytes) is not shaped like a
 * UK postcode (an outward code of 2 to 4 characters starting with a letter,
 * an inward code of a digit and two letters).
 */
int safer_postcode_normalise(const char *s, size_t len, char out[9]);

struct safer_places;

/* Read the store's geography in one read transaction. */
int safer_places_open(struct safer_store *st, struct safer_places **out, struct safer_err *err);
void safer_places_close(struct safer_places *pl);

/*
 * Resolve `value` (len bytes) of `kind` (not SAFER_PLACE_POINT). Returns 0
 * and fills *out; 1 when it does not resolve, with the reason in `why`
 * (e.g. "'ME99 9ZZ' is not a postcode of the ONS Postcode Directory held";
 * "'E05000001' is not a ward the store holds"), for the caller to report
 * by FILE:LINE.
 */
int safer_places_find(struct safer_places *pl, enum safer_place_kind kind, const char *value,
                      size_t len, struct safer_place *out, char why[160]);

/* The ward whose polygon holds the point: 0 and *out, or 1 with `why`. */
int safer_places_point(struct safer_places *pl, double lon, double lat, struct safer_place *out,
                       char why[160]);

/* Wards and postcodes held: an importer says so when there are none. */
size_t safer_places_wards(const struct safer_places *pl);
size_t safer_places_postcodes(const struct safer_places *pl);

/* ---- the ONS Postcode Directory ---- */

struct safer_postcode_stats {
    size_t rows;       /* postcodes stored */
    size_t replaced;   /* of those, ones the store held already */
    size_t terminated; /* of those, terminated ones (doterm set) */
    size_t skipped;    /* rows without a ward (e.g. Crown dependencies), counted */
    char lsoa_column[64]; /* the LSOA column read, e.g. "lsoa21"; "none" without */
};

/*
 * Store the ONSPD CSV at `path` (the whole directory or any extract of it
 * with the official header): columns pcds (or pcd), doterm, osward,
 * lsoa21 (else lsoa11), oseast1m, osnrth1m, lat, long. All or nothing;
 * errors name FILE:LINE and the column.
 */
int safer_postcodes_import(struct safer_store *st, const char *path,
                           struct safer_postcode_stats *stats, struct safer_err *err);

#endif
