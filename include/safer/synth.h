/*
 * synth.h - a deterministic generator of synthetic police.uk street-level
 * crime, ward boundaries, ONS lookups, population and deprivation files.
 *
 * It feeds the demo (a partnership with three years of believable data and
 * no personal information), the tests and the benchmarks (any size, with the
 * same shape as the real files). Nothing in it is real: every code lies in a
 * range that ONS never issues (wards E059xxxxx, LSOAs E019xxxxx, district
 * E07900001, CSP E22900001, PFA E23900001), and the names say "(synthetic)"
 * unless the caller chooses others.
 *
 * Determinism. The output is a pure function of the options: the same
 * options give the same bytes on every run and machine. The generator has
 * its own PRNG (xoshiro256** seeded by splitmix64, never rand()), uses only
 * IEEE-exact arithmetic (+ - * / sqrt floor; its sine is a polynomial of its
 * own rather than libm's), and formats numbers itself from integers, so
 * neither the C library nor the locale can change a byte. Coordinates are
 * quantised before use: points to 1e-6 degree (police.uk precision, "%.6f"),
 * polygon vertices to 1e-9 degree. Geometry, population and each month's
 * rows draw from separate PRNG streams, so changing `rows` or `months`
 * leaves wards.geojson and the lookups unchanged.
 *
 * Files written into `dir` (created, with parents, if missing; files of the
 * same names are overwritten, other files are left alone):
 *
 *   wards.geojson   FeatureCollection with the CRS84 "crs" member. One
 *                   Feature per ward, properties WD19CD, WD19NM, LAD19CD,
 *                   LAD19NM; Polygon, or MultiPolygon for wards with a
 *                   detached island. The wards partition the area: no
 *                   overlaps, shared boundaries carry identical vertices on
 *                   both sides, rings closed, shells counter-clockwise and
 *                   holes clockwise (RFC 7946). The layout is a jittered
 *                   brick grid whose edges wiggle inside a cone of 12 degrees
 *                   about their chords, which is what keeps it valid. With
 *                   SAFER_SYNTH_MULTIPART a few edge wards get an island
 *                   beyond the outer boundary and one ward has a hole filled
 *                   exactly by another, small ward (the "enclave").
 *   police/YYYY-MM-<slug>-street.csv
 *                   police.uk street-level CSV, one file per month and force,
 *                   LF line ends, no byte-order mark, RFC 4180 quoting (some
 *                   street names hold commas). Anti-social behaviour rows
 *                   have no Crime ID and no outcome; the others a 64-digit
 *                   lowercase hex Crime ID. About `no_location_share` of the
 *                   rows have no coordinates ("No Location", no LSOA). Every
 *                   located point lies inside a ward, at least 1 mm (1e-8
 *                   degree) from any ward boundary, and carries the code of
 *                   one of that ward's LSOAs, so every correct point-in-
 *                   polygon test agrees with the LSOA lookup. Points are
 *                   snapped to anonymised "map points" about 40 m apart, so
 *                   many rows share coordinates, as on police.uk.
 *   lookup.csv      ONS LSOA -> ward -> district lookup:
 *                   FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM
 *   csp_lookup.csv  FID,LAD19CD,LAD19NM,CSP19CD,CSP19NM,PFA19CD,PFA19NM
 *                   (one row: the synthetic district, CSP and force area)
 *   population.csv  the IoD2019 population denominators layout (File 6):
 *                   same header text, UTF-8 byte-order mark, one row per
 *                   LSOA, numbers of 1,000 or more quoted with separators.
 *   deprivation.csv the IMD2019 layout (File 1): rank and decile per LSOA.
 *   deprivation_domains.csv the IoD2019 domains layout (File 2): the same
 *                   IMD rank and decile, and each domain's rank and decile.
 *
 * Demo features (SAFER_SYNTH_DEMO): violence rises about 60% and burglary
 * falls about half over the period; anti-social behaviour peaks each July;
 * two persistent hotspots, and a third that appears in the last 12 months;
 * the sixth month (the 7th from the end when there are fewer than 31) is
 * partial, about 40% of a normal
 * month; three rows a month have an LSOA code but no coordinates, to
 * exercise the LSOA fallback; a second force ("British Transport Police",
 * slug "btp") reports a few rows a month at stations on a railway line
 * across the area. Without the flag, months are alike, the crime-type mix
 * is fixed and `nhotspots` random hotspots hold 40% of the points.
 *
 * Memory is bounded by the geometry (wards x vertices), not by `rows`: rows
 * are generated and written one at a time.
 */
#ifndef SAFER_SYNTH_H
#define SAFER_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"

/* Limits on the options; anything outside them is SAFER_EINVAL. */
#define SAFER_SYNTH_MAX_WARDS 4000u
#define SAFER_SYNTH_MIN_VERTICES 8u
#define SAFER_SYNTH_MAX_VERTICES 100000u
#define SAFER_SYNTH_MAX_MONTHS 240
#define SAFER_SYNTH_MAX_ROWS 2000000000ull
#define SAFER_SYNTH_MAX_HOTSPOTS 64u
#define SAFER_SYNTH_MAX_NAME 100 /* bytes in district, force and slug names */

enum safer_synth_flags {
    SAFER_SYNTH_DEMO = 1 << 0,      /* trends, seasons, hotspots, partial month, BTP */
    SAFER_SYNTH_MULTIPART = 1 << 1, /* island parts and a ward inside another's hole */
};

struct safer_synth_opts {
    uint64_t seed;
    uint64_t rows;              /* rows in all police files together (both forces) */
    int months;                 /* 1..SAFER_SYNTH_MAX_MONTHS */
    int first_month;            /* month index, year * 12 + month - 1 */
    unsigned nwards;            /* wards, the enclave included: 1..SAFER_SYNTH_MAX_WARDS */
    unsigned vertices_per_ward; /* target mean of distinct positions per ward ring */
    double centre_lon;          /* centre of the area, degrees (EPSG:4326) */
    double centre_lat;
    double width_deg;  /* extent in degrees of longitude, 0 < w <= 5 */
    double height_deg; /* extent in degrees of latitude, 0 < h <= 5 */
    unsigned nhotspots;         /* random hotspots without SAFER_SYNTH_DEMO, <= 64 */
    double no_location_share;   /* share of rows with no coordinates, 0..0.5 */
    unsigned second_force_rows; /* BTP rows per month with SAFER_SYNTH_DEMO */
    unsigned flags;             /* enum safer_synth_flags */
    const char *district_name;  /* borrowed; LAD19NM and the LSOA name stem */
    const char *force_name;     /* borrowed; "Reported by" and "Falls within" */
    const char *force_slug;     /* borrowed; file names: [a-z0-9-]+ */
};

/*
 * The demo defaults: seed 1, 300,000 rows over 36 months from 2016-03, 40
 * wards of about 300 vertices, 0.35 x 0.2 degrees centred on Maidstone
 * (0.52 E, 51.27 N), 1% without location, 12 BTP rows a month, flags
 * SAFER_SYNTH_DEMO | SAFER_SYNTH_MULTIPART, district "Maidstone
 * (synthetic)", force "Kent Police" (slug "kent"). Benchmarks clear
 * SAFER_SYNTH_DEMO to get months that are alike.
 */
void safer_synth_opts_init(struct safer_synth_opts *opts);

struct safer_synth_result {
    char **files;                 /* owned: paths written, dir-prefixed, in order */
    size_t nfiles;
    uint64_t rows;                /* police rows written, both forces */
    uint64_t rows_by_month[SAFER_SYNTH_MAX_MONTHS]; /* both forces; [0] is first_month */
    uint64_t second_force_rows;   /* of which BTP */
    uint64_t no_location_rows;    /* rows with empty coordinates ... */
    uint64_t lsoa_only_rows;      /* ... of which with an LSOA code all the same */
    unsigned nwards;
    unsigned nlsoas;
    unsigned nmultipolygons;      /* wards written as MultiPolygon */
    unsigned nholes;              /* rings that are holes */
    uint64_t vertices;            /* positions in all rings, closing ones included */
    unsigned vertices_min;        /* fewest / most positions in one ward */
    unsigned vertices_max;
};

/*
 * Write the synthetic data set described above into `dir`. `res` (may be
 * NULL) is overwritten with what was written; release it with
 * safer_synth_result_release(), also after a failure. Returns 0, or
 * SAFER_EINVAL for options outside the limits and SAFER_EIO when a folder
 * or file cannot be created or written (`err` names the path); files
 * already written are left in place.
 */
int safer_synth_write(const char *dir, const struct safer_synth_opts *opts,
                      struct safer_synth_result *res, struct safer_err *err);

/* Free what `res` holds and leave it empty. NULL does nothing. */
void safer_synth_result_release(struct safer_synth_result *res);

#endif
