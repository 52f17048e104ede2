/*
 * synth.c - the deterministic synthetic data generator (see safer/synth.h).
 *
 * Pipeline: validate the options; lay out the wards in metres on a local
 * plane (u east, v north, origin at the south-west corner of the area);
 * quantise every vertex to 1e-9 degree; build a grid index over the wards;
 * write wards.geojson and the lookup, population and deprivation tables;
 * then, month by month, draw each row, place it, find its ward with the
 * index and write it straight out.
 *
 * Why the layout is a valid partition. Rows of cells are separated by
 * horizontal lines; each row is cut into cells by "vertical" chords whose
 * two ends are jittered by at most 0.2 * min(cell width, row height), so a
 * chord leans at most 26.6 degrees off vertical (rows are at least 0.8 of
 * the nominal height). Every edge (a stretch of horizontal line between two
 * neighbouring nodes, or a vertical chord) is then bent: its interior
 * vertices move off the chord by at most A * sin(pi t), with
 * A <= 0.2 L / pi, so the whole edge stays inside the double cone of
 * half-angle atan(0.2) = 11.3 degrees around its chord, and also A <=
 * 0.05 * (smallest cell side), so it stays within a thin band. Cones of
 * edges meeting at a node are at least 40 degrees apart and bands of
 * edges that do not meet are disjoint, so no two edges cross. Each edge is
 * generated once and both neighbours copy the same vertices. The hole and
 * the islands are star-shaped rings of radius <= 0.12 * the smallest cell
 * side, placed where the bounds above leave at least that much room.
 *
 * Determinism: only + - * / sqrt floor on doubles (exact under IEEE 754
 * with contraction off, which -std=c11 gives GCC), a polynomial sine of our
 * own, integers for everything printed.
 */
#include "util/compat.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/internal.h"
#include "safer/synth.h"

/* No fused multiply-add: it would round differently on machines that have
 * it. GCC already keeps contraction off under -std=c11; clang needs telling. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#define PI 3.14159265358979323846
#define TWO_PI 6.28318530717958647692

/* Points closer than this to a ward boundary are drawn again (degrees, about
 * 1 mm), so that rounding in anyone's point-in-polygon test cannot matter. */
#define NEAR_EPS 1e-8

/* Map points ("snap points") are about this far apart, in metres. */
#define MAP_POINT_SPACING 40.0

/* ---------------------------------------------------------------------------
 * PRNG: xoshiro256** seeded through splitmix64, one stream per purpose.
 */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t mix64(uint64_t a, uint64_t b)
{
    uint64_t x = a ^ (b * 0xd1b54a32d192ed03ull);
    return splitmix64(&x);
}

enum {
    STREAM_GEOMETRY = 1,
    STREAM_NAMES = 2,
    STREAM_TABLES = 3,
    STREAM_HOTSPOTS = 4,
    STREAM_MAP_POINTS = 5,
    STREAM_MONTH = 1000,     /* + month offset: the main force */
    STREAM_BTP_MONTH = 5000, /* + month offset: the second force */
};

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = mix64(seed, stream + 1);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1), 53 bits. */
static inline double rng_unit(struct rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

static inline double rng_range(struct rng *r, double a, double b)
{
    return a + (b - a) * rng_unit(r);
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Approximately standard normal: the sum of six uniforms, centred and
 * scaled to unit variance (Irwin-Hall). Bounded at +-4.24, which suits
 * hotspots, and it needs no log() or cos() from libm. */
static inline double rng_gauss(struct rng *r)
{
    double s = 0;
    for (int i = 0; i < 6; i++)
        s += rng_unit(r);
    return (s - 3.0) * 1.4142135623730951;
}

/* Pick an index from a table of cumulative weights ending in `total`. */
static unsigned pick_cum(struct rng *r, const double *cum, unsigned n)
{
    double x = rng_unit(r) * cum[n - 1];
    for (unsigned i = 0; i + 1 < n; i++)
        if (x < cum[i])
            return i;
    return n - 1;
}

/* sin(x) from a Taylor polynomial after range reduction: |error| < 1e-9,
 * and the same bits everywhere, unlike libm's. */
static double syn_sin(double x)
{
    x -= TWO_PI * floor(x / TWO_PI + 0.5); /* [-pi, pi] */
    if (x > PI / 2)
        x = PI - x;
    else if (x < -PI / 2)
        x = -PI - x;
    double x2 = x * x;
    return x * (1.0 + x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040 +
           x2 * (1.0 / 362880 + x2 * (-1.0 / 39916800 + x2 * (1.0 / 6227020800.0)))))));
}

static double syn_cos(double x) { return syn_sin(x + PI / 2); }

/* ---------------------------------------------------------------------------
 * Names and fixed tables.
 */

enum { TYPE_ASB = 0, TYPE_BURGLARY = 2, TYPE_DRUGS = 4, TYPE_VIOLENCE = 13, NTYPES = 14 };

static const char *const crime_types[NTYPES] = {
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
};

/* Shares of the main force's rows, close to Kent's with more ASB. Sum 1. */
static const double base_share[NTYPES] = {
    0.300, 0.007, 0.045, 0.080, 0.015, 0.018, 0.065,
    0.006, 0.060, 0.008, 0.045, 0.006, 0.045, 0.300,
};

/* The second force's mix at stations. */
static const double btp_share[NTYPES] = {
    0.10, 0.05, 0.0, 0.05, 0.03, 0.02, 0.20, 0.01, 0.15, 0.01, 0.0, 0.13, 0.0, 0.25,
};

/* police.uk "Last outcome category" strings and rough weights (Kent, 2019). */
static const struct {
    const char *text;
    double weight;
} outcomes[] = {
    {"Unable to prosecute suspect", 36.0},
    {"Investigation complete; no suspect identified", 31.0},
    {"Status update unavailable", 9.5},
    {"Court result unavailable", 3.3},
    {"Under investigation", 3.0},
    {"Action to be taken by another organisation", 2.3},
    {"Further investigation is not in the public interest", 1.6},
    {"Offender given a caution", 0.7},
    {"Local resolution", 0.4},
    {"Formal action is not in the public interest", 0.23},
    {"Offender sent to prison", 0.18},
    {"Offender given community sentence", 0.17},
    {"Offender given penalty notice", 0.09},
    {"Court case unable to proceed", 0.08},
    {"Offender given conditional discharge", 0.06},
    {"Defendant found not guilty", 0.05},
    {"Offender given suspended prison sentence", 0.05},
    {"Offender fined", 0.04},
    {"Awaiting court outcome", 0.03},
    {"Suspect charged as part of another case", 0.01},
};
#define NOUTCOMES (sizeof(outcomes) / sizeof(outcomes[0]))
#define OUTCOME_UNDER_INVESTIGATION 4
static const char DRUGS_WARNING[] = "Offender given a drugs possession warning";

/* Street and place names after "On or near"; a few hold commas, as real
 * ones do, so that the CSV needs quoting. */
static const char *const streets[] = {
    "High Street", "High Street, Upper", "London Road", "London Road, Bearsted",
    "Church Lane", "Church Street", "Station Road", "Mill Lane", "The Street",
    "Park Avenue", "Queens Road", "Kings Road", "Victoria Street", "Union Street",
    "Week Street", "Gabriel's Hill", "Tonbridge Road", "Sutton Road", "Loose Road",
    "Boxley Road", "Sittingbourne Road", "Ashford Road", "Hastings Road",
    "Melrose Close", "Oakwood Road", "Beech Drive", "Cherry Orchard", "Orchard Way",
    "Meadow View", "Brookside", "Forge Lane", "Hermitage Lane", "Bower Place",
    "Bower Lane, West", "St Peter's Street", "Fant Lane", "Buckland Hill",
    "Northumberland Road", "Cornwallis Avenue", "Wallis Avenue", "Plains Avenue",
    "Shepway Court, North", "Willington Street", "Grove Road", "Church Green",
    "Pudding Lane", "Earl Street", "King Street", "Gabriels Court, East",
    "Palace Avenue", "Mote Road", "Wat Tyler Way", "Brewer Street", "Lower Stone Street",
    "Hart Street", "Medway Street", "Rose Yard", "Market Buildings", "Fairmeadow",
    "Square Hill Road", "Sandling Road", "Chatham Road", "Bluett Street",
    "Supermarket", "Shopping Area", "Parking Area", "Petrol Station", "Nightclub",
    "Sports/Recreation Area", "Further/Higher Educational Building", "Theatre/Concert Hall",
    "Hospital", "Police Station", "Conference/Exhibition Centre", "Bus/Coach Station",
    "Park/Open Space", "Pedestrian Subway", "Old Tovil Road, Lower",
};
#define NSTREETS (sizeof(streets) / sizeof(streets[0]))

static const char *const name_head[] = {
    "Ash", "Oak", "Elm", "Birch", "Brook", "Mill", "Stone", "Thorn", "Haw", "Wood",
    "Fair", "Long", "Broad", "Marsh", "Cold", "Green", "Bar", "Hol", "Red", "Lang",
    "Wil", "Hart", "Staple", "Cherry",
};
static const char *const name_tail[] = {
    "field", "ley", "den", "hurst", "ton", "well", "ham", "stead", "bourne", "combe",
    "wick", "ford", "bury", "gate", "mere", "borough", "worth", "wood", "dale", "cote",
    "hill", "by", "sted", "thorne",
};
static const char *const name_qual[] = {
    " North", " South", " East", " West", " Central", " Rural",
};
#define NHEAD (sizeof(name_head) / sizeof(name_head[0]))
#define NTAIL (sizeof(name_tail) / sizeof(name_tail[0]))
#define NQUAL (sizeof(name_qual) / sizeof(name_qual[0]))
_Static_assert(NHEAD * NTAIL * (NQUAL + 1) >= SAFER_SYNTH_MAX_WARDS, "too few ward names");

static const char POLICE_HEADER[] =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context\n";

/* The IoD2019 files start with a UTF-8 byte-order mark and end lines with
 * CRLF; ours do too, so importers meet the real format. */
static const char IOD_POP_HEADER[] =
    "\xEF\xBB\xBF"
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Total population: mid 2015 (excluding prisoners),"
    "Dependent Children aged 0-15: mid 2015 (excluding prisoners),"
    "Population aged 16-59: mid 2015 (excluding prisoners),"
    "Older population aged 60 and over: mid 2015 (excluding prisoners),"
    "Working age population 18-59/64: for use with Employment Deprivation Domain "
    "(excluding prisoners)\r\n";
static const char IOD_IMD_HEADER[] =
    "\xEF\xBB\xBF"
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
    "Index of Multiple Deprivation (IMD) Decile\r\n";

#define IMD_NLSOA 32844 /* LSOAs in England, IoD2019 */

/* IoD2019 File 2 (the domains), its header as published. */
static const char IOD_DOMAINS_HEADER[] =
    "\xEF\xBB\xBF"
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),"
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),"
    "Income Rank (where 1 is most deprived),"
    "Income Decile (where 1 is most deprived 10% of LSOAs),"
    "Employment Rank (where 1 is most deprived),"
    "Employment Decile (where 1 is most deprived 10% of LSOAs),"
    "\"Education, Skills and Training Rank (where 1 is most deprived)\","
    "\"Education, Skills and Training Decile (where 1 is most deprived 10% of LSOAs)\","
    "Health Deprivation and Disability Rank (where 1 is most deprived),"
    "Health Deprivation and Disability Decile (where 1 is most deprived 10% of LSOAs),"
    "Crime Rank (where 1 is most deprived),"
    "Crime Decile (where 1 is most deprived 10% of LSOAs),"
    "Barriers to Housing and Services Rank (where 1 is most deprived),"
    "Barriers to Housing and Services Decile (where 1 is most deprived 10% of LSOAs),"
    "Living Environment Rank (where 1 is most deprived),"
    "Living Environment Decile (where 1 is most deprived 10% of LSOAs)\r\n";
#define IOD_NDOMAINS 7

static const char LAD_CODE[] = "E07900001";
static const char CSP_CODE[] = "E22900001";
static const char PFA_CODE[] = "E23900001";
static const char BTP_NAME[] = "British Transport Police";
static const char BTP_SLUG[] = "btp";

/* ---------------------------------------------------------------------------
 * Text output: a fixed-point formatter and CSV/JSON escapers, none of which
 * depends on the locale.
 */

/* Write q / 10^dec with exactly `dec` decimals; returns the length. */
static size_t fmt_fixed(char *out, int64_t q, int dec)
{
    static const uint64_t p10[] = {1, 10, 100, 1000, 10000, 100000, 1000000,
                                   10000000, 100000000, 1000000000};
    char tmp[32];
    size_t n = 0, k = 0;
    uint64_t a = q < 0 ? (uint64_t)0 - (uint64_t)q : (uint64_t)q;
    uint64_t ip = a / p10[dec], fp = a % p10[dec];

    if (q < 0)
        out[n++] = '-';
    do {
        tmp[k++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (k)
        out[n++] = tmp[--k];
    out[n++] = '.';
    for (int i = dec - 1; i >= 0; i--) {
        out[n + (size_t)i] = (char)('0' + fp % 10);
        fp /= 10;
    }
    return n + (size_t)dec;
}

static size_t fmt_uint(char *out, uint64_t v)
{
    char tmp[24];
    size_t k = 0, n = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k)
        out[n++] = tmp[--k];
    return n;
}

/* A count as the IoD files print it: "1,296" (quoted) from 1,000 up. */
static size_t fmt_iod_count(char *out, unsigned v)
{
    if (v < 1000)
        return fmt_uint(out, v);
    size_t n = 0;
    out[n++] = '"';
    if (v >= 1000000) {
        n += fmt_uint(out + n, v / 1000000);
        out[n++] = ',';
        n += (size_t)snprintf(out + n, 4, "%03u", (v / 1000) % 1000);
    } else {
        n += fmt_uint(out + n, v / 1000);
    }
    out[n++] = ',';
    n += (size_t)snprintf(out + n, 4, "%03u", v % 1000);
    out[n++] = '"';
    return n;
}

/* `s` as one CSV field (RFC 4180), in a new string the caller frees. */
static char *csv_field(const char *s)
{
    size_t len = strlen(s), extra = 0;
    bool quote = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            extra++;
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            quote = true;
    }
    if (!quote)
        return safer__xstrdup(s);
    char *out = safer__xmalloc(len + extra + 3);
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            out[n++] = '"';
        out[n++] = s[i];
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

/* Write `s` as a JSON string. Names are validated to hold no control
 * characters, so only the quote and the backslash need escaping. */
static void json_str(FILE *f, const char *s)
{
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putc('\\', f);
        putc(*s, f);
    }
    putc('"', f);
}

/* ---------------------------------------------------------------------------
 * Geometry in metres on the local plane.
 */

struct pline {
    double *u, *v; /* owned */
    size_t n, cap;
};

static void pl_push(struct pline *p, double u, double v)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->u = safer__xreallocarray(p->u, p->cap, sizeof(double));
        p->v = safer__xreallocarray(p->v, p->cap, sizeof(double));
    }
    p->u[p->n] = u;
    p->v[p->n] = v;
    p->n++;
}

static void pl_release(struct pline *p)
{
    free(p->u);
    free(p->v);
    memset(p, 0, sizeof(*p));
}

/*
 * Append `n` interior vertices of the bent edge from (x0, y0) to (x1, y1).
 * Offsets from the chord are A * sin(pi t) * g(t) with |g| <= 1 and
 * A = min(0.2 L / pi, cap): see the file comment for why that matters.
 */
static void edge_points(struct rng *r, double x0, double y0, double x1, double y1, size_t n,
                        double cap, struct pline *out)
{
    double dx = x1 - x0, dy = y1 - y0;
    double len = sqrt(dx * dx + dy * dy);
    double f1 = rng_range(r, 0.5, 1.5), ph1 = rng_range(r, 0, TWO_PI);
    double f2 = rng_range(r, 2.0, 5.0), ph2 = rng_range(r, 0, TWO_PI);
    double amp = 0.2 * len / PI;
    if (amp > cap)
        amp = cap;
    if (len <= 0)
        return;
    double nx = -dy / len, ny = dx / len;
    for (size_t k = 1; k <= n; k++) {
        double t = (double)k / (double)(n + 1);
        double g = 0.6 * syn_sin(TWO_PI * f1 * t + ph1) + 0.3 * syn_sin(TWO_PI * f2 * t + ph2) +
                   0.3 * (rng_unit(r) - 0.5);
        if (g > 1)
            g = 1;
        if (g < -1)
            g = -1;
        double off = amp * syn_sin(PI * t) * g;
        pl_push(out, x0 + t * dx + off * nx, y0 + t * dy + off * ny);
    }
}

/* A star-shaped ring of `k` vertices, counter-clockwise, radius r0 +- 20%. */
static void star_ring(struct rng *r, double cx, double cy, double r0, unsigned k,
                      struct pline *out)
{
    double ph1 = rng_range(r, 0, TWO_PI), ph2 = rng_range(r, 0, TWO_PI);
    for (unsigned i = 0; i < k; i++) {
        double th = TWO_PI * (double)i / (double)k;
        double g = 0.6 * syn_sin(3 * th + ph1) + 0.4 * syn_sin(5 * th + ph2);
        double rad = r0 * (1.0 + 0.2 * g);
        pl_push(out, cx + rad * syn_cos(th), cy + rad * syn_sin(th));
    }
}

/* ---------------------------------------------------------------------------
 * Wards in degrees.
 */

struct sward {
    char code[16];
    char name[64];
    unsigned lsoa_first, nlsoa;
    int64_t *q;           /* owned: lon, lat pairs in 1e-9 degree */
    double *xy;           /* owned: q / 1e9, what any reader of the file gets */
    uint32_t *ring_start; /* owned: nrings + 1 */
    uint32_t *part_start; /* owned: nparts + 1 (ring numbers) */
    uint32_t npoints, nrings, nparts;
    size_t cap_points, cap_rings, cap_parts;
    double minx, miny, maxx, maxy;
};

struct lsoa {
    char code[16];
    char *name_csv; /* owned: the name as a CSV field */
    char *name;     /* owned */
    unsigned ward;
};

struct hotspot {
    double lon, lat;     /* centre, degrees */
    double sigma;        /* metres */
    double share;        /* share of located rows, before month effects */
    int kind;            /* 0 persistent, 1 emerging (demo: last 12 months) */
};

struct station {
    int64_t lon6, lat6;
    unsigned ward, lsoa;
    char *location_csv; /* owned: "On or near <name> (Station)" as a CSV field */
    double weight;
};

struct sindex {
    double minx, miny, maxx, maxy;
    double sx, sy; /* cells per degree */
    unsigned g;    /* cells per side */
    int32_t *cell; /* owned, g * g: ward >= 0 when the cell lies wholly in it,
                      -1 when wholly outside, -2 when boundaries cross it */
    uint32_t *cand_start; /* owned, g * g + 1 */
    uint32_t *cand;       /* owned: wards with a boundary in the cell */
};

struct gen {
    const struct safer_synth_opts *o;
    double lon0, lat0; /* south-west corner of the area, degrees */
    double mx, my;     /* metres per degree of longitude / latitude */
    struct sward *wards;
    unsigned nwards;
    struct lsoa *lsoas;
    unsigned nlsoas;
    struct sindex idx;
    struct hotspot hot[SAFER_SYNTH_MAX_HOTSPOTS + 8];
    unsigned nhot;
    struct station stations[4];
    unsigned nstations;
    int64_t lat_step, lon_step; /* map-point lattice, 1e-6 degree */
    char *street_csv[NSTREETS]; /* owned: "On or near <street>" as CSV fields */
    char *force_csv;            /* owned */
    char *district_csv;         /* owned */
    double outcome_cum[NOUTCOMES];
    unsigned nmulti, nholes;
};

static int64_t quant(double x, double scale) { return (int64_t)floor(x * scale + 0.5); }

static void ward_begin_part(struct sward *w)
{
    SAFER__GROW(w->part_start, w->cap_parts, (size_t)w->nparts + 2);
    w->part_start[w->nparts] = w->nrings;
    w->nparts++;
    w->part_start[w->nparts] = w->nrings;
}

/* Append ring `p` (metres; not closed) to `w`, reversed when `reverse`,
 * closing it and quantising each vertex to 1e-9 degree. */
static void ward_add_ring(struct gen *g, struct sward *w, const struct pline *p, bool reverse)
{
    size_t need = (size_t)w->npoints + p->n + 1;
    if (w->cap_points < need) {
        w->cap_points = need + need / 2;
        w->q = safer__xreallocarray(w->q, w->cap_points, 2 * sizeof(int64_t));
        w->xy = safer__xreallocarray(w->xy, w->cap_points, 2 * sizeof(double));
    }
    SAFER__GROW(w->ring_start, w->cap_rings, (size_t)w->nrings + 2);
    w->ring_start[w->nrings] = w->npoints;
    for (size_t i = 0; i <= p->n; i++) {
        size_t k = i % p->n;
        if (reverse)
            k = (p->n - k) % p->n;
        int64_t qx = quant(g->lon0 + p->u[k] / g->mx, 1e9);
        int64_t qy = quant(g->lat0 + p->v[k] / g->my, 1e9);
        uint32_t j = w->npoints++;
        w->q[2 * j] = qx;
        w->q[2 * j + 1] = qy;
        w->xy[2 * j] = (double)qx / 1e9;
        w->xy[2 * j + 1] = (double)qy / 1e9;
    }
    w->nrings++;
    w->ring_start[w->nrings] = w->npoints;
    w->part_start[w->nparts] = w->nrings;
}

static void ward_bbox(struct sward *w)
{
    w->minx = w->miny = INFINITY;
    w->maxx = w->maxy = -INFINITY;
    for (uint32_t i = 0; i < w->npoints; i++) {
        double x = w->xy[2 * i], y = w->xy[2 * i + 1];
        w->minx = x < w->minx ? x : w->minx;
        w->maxx = x > w->maxx ? x : w->maxx;
        w->miny = y < w->miny ? y : w->miny;
        w->maxy = y > w->maxy ? y : w->maxy;
    }
}

/*
 * Where (px, py) lies for ward `w`: 1 inside, -1 outside, 0 within NEAR_EPS
 * of its boundary. Even-odd crossing over every ring, which handles holes
 * and islands alike.
 */
static int ward_pip(const struct sward *w, double px, double py)
{
    bool in = false;
    const double eps = NEAR_EPS;
    for (uint32_t r = 0; r < w->nrings; r++) {
        const double *p = w->xy + 2 * (size_t)w->ring_start[r];
        uint32_t n = w->ring_start[r + 1] - w->ring_start[r];
        for (uint32_t i = 0; i + 1 < n; i++) {
            double ax = p[2 * i], ay = p[2 * i + 1], bx = p[2 * i + 2], by = p[2 * i + 3];
            double lox = ax < bx ? ax : bx, hix = ax < bx ? bx : ax;
            double loy = ay < by ? ay : by, hiy = ay < by ? by : ay;
            if (px >= lox - eps && px <= hix + eps && py >= loy - eps && py <= hiy + eps) {
                double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
                double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
                t = t < 0 ? 0 : (t > 1 ? 1 : t);
                double ex = ax + t * dx - px, ey = ay + t * dy - py;
                if (ex * ex + ey * ey <= eps * eps)
                    return 0;
            }
            if ((ay > py) != (by > py)) {
                double xi = ax + (py - ay) * (bx - ax) / (by - ay);
                if (px < xi)
                    in = !in;
            }
        }
    }
    return in ? 1 : -1;
}

/* ---------------------------------------------------------------------------
 * The layout.
 */

struct layout {
    unsigned ny, ncells;
    unsigned *ncol;       /* owned, ny */
    double *y;            /* owned, ny + 1: heights of the horizontal lines */
    double **xb, **xt;    /* owned, per row ncol + 1: bottom / top node positions */
    size_t **bidx, **tidx; /* owned, per row: their vertex numbers in line r / r + 1 */
    struct pline *hline;  /* owned, ny + 1 */
    struct pline **vedge; /* owned, per row ncol + 1: interior vertices, bottom to top */
    double W, H, m0;
};

static void layout_release(struct layout *L)
{
    for (unsigned r = 0; r < L->ny && L->ncol; r++) {
        if (L->xb)
            free(L->xb[r]);
        if (L->xt)
            free(L->xt[r]);
        if (L->bidx)
            free(L->bidx[r]);
        if (L->tidx)
            free(L->tidx[r]);
        if (L->vedge && L->vedge[r]) {
            for (unsigned c = 0; c <= L->ncol[r]; c++)
                pl_release(&L->vedge[r][c]);
            free(L->vedge[r]);
        }
    }
    if (L->hline)
        for (unsigned j = 0; j <= L->ny; j++)
            pl_release(&L->hline[j]);
    free(L->xb);
    free(L->xt);
    free(L->bidx);
    free(L->tidx);
    free(L->vedge);
    free(L->hline);
    free(L->ncol);
    free(L->y);
    memset(L, 0, sizeof(*L));
}

/* Merged, sorted node positions on horizontal line j, with where each of
 * row j's bottom nodes and row j-1's top nodes landed. */
static size_t line_nodes(const struct layout *L, unsigned j, double *pos, size_t *bslot,
                         size_t *tslot)
{
    const double *a = j < L->ny ? L->xb[j] : NULL;
    const double *b = j > 0 ? L->xt[j - 1] : NULL;
    size_t na = a ? L->ncol[j] + 1 : 0, nb = b ? L->ncol[j - 1] + 1 : 0;
    size_t i = 0, k = 0, n = 0;
    while (i < na || k < nb) {
        if (k >= nb || (i < na && a[i] < b[k])) {
            bslot[i++] = n;
            pos[n++] = a[i - 1];
        } else if (i >= na || b[k] < a[i]) {
            tslot[k++] = n;
            pos[n++] = b[k - 1];
        } else {
            bslot[i++] = n;
            tslot[k++] = n;
            pos[n++] = b[k - 1];
        }
    }
    return n;
}

static size_t edge_count(double d, double len)
{
    double n = floor(d * len + 0.5) - 1;
    return n > 0 ? (size_t)n : 0;
}

static void build_layout(struct gen *g, struct layout *L, unsigned ncells)
{
    const struct safer_synth_opts *o = g->o;
    struct rng r;
    rng_seed(&r, o->seed, STREAM_GEOMETRY);

    L->W = o->width_deg * g->mx;
    L->H = o->height_deg * g->my;
    L->ncells = ncells;
    double ny = floor(sqrt((double)ncells * L->H / L->W) + 0.5);
    L->ny = ny < 1 ? 1 : (ny > ncells ? ncells : (unsigned)ny);
    L->ncol = safer__xcalloc(L->ny, sizeof(unsigned));
    for (unsigned i = 0; i < L->ny; i++)
        L->ncol[i] = ncells / L->ny + (i < ncells % L->ny ? 1 : 0);

    double h = L->H / L->ny;
    L->m0 = h;
    for (unsigned i = 0; i < L->ny; i++) {
        double w = L->W / L->ncol[i];
        L->m0 = w < L->m0 ? w : L->m0;
    }
    L->y = safer__xcalloc(L->ny + 1, sizeof(double));
    for (unsigned j = 0; j <= L->ny; j++)
        L->y[j] = j == 0 ? 0 : (j == L->ny ? L->H : j * h + rng_range(&r, -0.1, 0.1) * h);

    L->xb = safer__xcalloc(L->ny, sizeof(double *));
    L->xt = safer__xcalloc(L->ny, sizeof(double *));
    L->bidx = safer__xcalloc(L->ny, sizeof(size_t *));
    L->tidx = safer__xcalloc(L->ny, sizeof(size_t *));
    L->vedge = safer__xcalloc(L->ny, sizeof(struct pline *));
    for (unsigned i = 0; i < L->ny; i++) {
        unsigned nc = L->ncol[i];
        double w = L->W / nc, m = w < h ? w : h;
        L->xb[i] = safer__xcalloc(nc + 1, sizeof(double));
        L->xt[i] = safer__xcalloc(nc + 1, sizeof(double));
        L->bidx[i] = safer__xcalloc(nc + 1, sizeof(size_t));
        L->tidx[i] = safer__xcalloc(nc + 1, sizeof(size_t));
        L->vedge[i] = safer__xcalloc(nc + 1, sizeof(struct pline));
        L->xb[i][nc] = L->xt[i][nc] = L->W;
        for (unsigned c = 1; c < nc; c++) {
            L->xb[i][c] = c * w + rng_range(&r, -0.2, 0.2) * m;
            L->xt[i][c] = c * w + rng_range(&r, -0.2, 0.2) * m;
        }
    }
    /* Keep nodes from the two sides of a line at least a metre apart, so
     * no stretch of line is shorter than the quantum could blur. */
    for (unsigned i = 1; i < L->ny; i++)
        for (unsigned c = 1; c < L->ncol[i]; c++)
            for (unsigned k = 1; k < L->ncol[i - 1]; k++)
                if (fabs(L->xb[i][c] - L->xt[i - 1][k]) < 1.0)
                    L->xb[i][c] = L->xt[i - 1][k] + 2.0;

    /* Vertex density: spread ncells * vertices_per_ward over the edges,
     * counting an interior edge once for each of its two wards. */
    size_t maxn = 0;
    for (unsigned i = 0; i < L->ny; i++)
        maxn = L->ncol[i] + 1 > maxn ? L->ncol[i] + 1 : maxn;
    double *pos = safer__xcalloc(2 * maxn, sizeof(double));
    size_t *bs = safer__xcalloc(maxn, sizeof(size_t)), *ts = safer__xcalloc(maxn, sizeof(size_t));
    double total = 0;
    for (unsigned j = 0; j <= L->ny; j++) {
        size_t n = line_nodes(L, j, pos, bs, ts);
        double mult = (j == 0 || j == L->ny) ? 1 : 2;
        total += mult * (pos[n - 1] - pos[0]);
    }
    for (unsigned i = 0; i < L->ny; i++)
        for (unsigned c = 0; c <= L->ncol[i]; c++) {
            double dx = L->xt[i][c] - L->xb[i][c], dy = L->y[i + 1] - L->y[i];
            total += (c == 0 || c == L->ncol[i] ? 1 : 2) * sqrt(dx * dx + dy * dy);
        }
    double d = (double)o->vertices_per_ward * ncells / total;
    double cap = 0.05 * L->m0;

    /* Horizontal lines, west to east, every stretch bent on its own. */
    L->hline = safer__xcalloc(L->ny + 1, sizeof(struct pline));
    for (unsigned j = 0; j <= L->ny; j++) {
        size_t n = line_nodes(L, j, pos, bs, ts);
        size_t *vert = safer__xcalloc(n, sizeof(size_t));
        struct pline *pl = &L->hline[j];
        for (size_t k = 0; k < n; k++) {
            vert[k] = pl->n;
            pl_push(pl, pos[k], L->y[j]);
            if (k + 1 < n)
                edge_points(&r, pos[k], L->y[j], pos[k + 1], L->y[j],
                            edge_count(d, pos[k + 1] - pos[k]), cap, pl);
        }
        if (j < L->ny)
            for (unsigned c = 0; c <= L->ncol[j]; c++)
                L->bidx[j][c] = vert[bs[c]];
        if (j > 0)
            for (unsigned c = 0; c <= L->ncol[j - 1]; c++)
                L->tidx[j - 1][c] = vert[ts[c]];
        free(vert);
    }
    for (unsigned i = 0; i < L->ny; i++)
        for (unsigned c = 0; c <= L->ncol[i]; c++) {
            double x0 = L->xb[i][c], y0 = L->y[i], x1 = L->xt[i][c], y1 = L->y[i + 1];
            double len = sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
            edge_points(&r, x0, y0, x1, y1, edge_count(d, len), cap, &L->vedge[i][c]);
        }
    free(pos);
    free(bs);
    free(ts);
}

/* The ring of cell (i, c), counter-clockwise, not closed. */
static void cell_ring(const struct layout *L, unsigned i, unsigned c, struct pline *out)
{
    const struct pline *bot = &L->hline[i], *top = &L->hline[i + 1];
    const struct pline *right = &L->vedge[i][c + 1], *left = &L->vedge[i][c];
    out->n = 0;
    for (size_t k = L->bidx[i][c]; k <= L->bidx[i][c + 1]; k++)
        pl_push(out, bot->u[k], bot->v[k]);
    for (size_t k = 0; k < right->n; k++)
        pl_push(out, right->u[k], right->v[k]);
    for (size_t k = L->tidx[i][c + 1] + 1; k-- > L->tidx[i][c];)
        pl_push(out, top->u[k], top->v[k]);
    for (size_t k = left->n; k-- > 0;)
        pl_push(out, left->u[k], left->v[k]);
}

static void ward_names(struct gen *g)
{
    struct rng r;
    size_t ncomb = NHEAD * NTAIL;
    uint32_t *perm = safer__xcalloc(ncomb, sizeof(uint32_t));
    rng_seed(&r, g->o->seed, STREAM_NAMES);
    for (uint32_t i = 0; i < ncomb; i++)
        perm[i] = i;
    for (uint32_t i = (uint32_t)ncomb - 1; i > 0; i--) {
        uint32_t k = rng_below(&r, i + 1), t = perm[i];
        perm[i] = perm[k];
        perm[k] = t;
    }
    for (unsigned w = 0; w < g->nwards; w++) {
        uint32_t comb = perm[w % ncomb];
        size_t q = w / ncomb;
        const char *head = name_head[comb / NTAIL], *tail = name_tail[comb % NTAIL];
        /* "Mill" + "ley" makes "Milley", not "Millley". */
        if (head[strlen(head) - 1] == tail[0])
            tail++;
        snprintf(g->wards[w].name, sizeof(g->wards[w].name), "%s%s%s", head, tail,
                 q ? name_qual[q - 1] : "");
        snprintf(g->wards[w].code, sizeof(g->wards[w].code), "E059%05u", w + 1);
    }
    free(perm);
}

static void build_wards(struct gen *g)
{
    const struct safer_synth_opts *o = g->o;
    bool multi = (o->flags & SAFER_SYNTH_MULTIPART) != 0;
    bool enclave = multi && o->nwards >= 2;
    unsigned ncells = o->nwards - (enclave ? 1 : 0);
    struct layout L = {0};
    struct pline ring = {0};
    struct rng r;

    build_layout(g, &L, ncells);
    rng_seed(&r, o->seed, STREAM_GEOMETRY + 100);

    /* The enclave's host: the middle cell. Islands: two cells of the bottom
     * row and one of the top row, beyond the outer boundary. */
    unsigned host_r = L.ny / 2, host_c = L.ncol[host_r] / 2;
    unsigned isl_r[3] = {0, 0, L.ny - 1};
    unsigned isl_c[3] = {L.ncol[0] / 4, (3 * L.ncol[0]) / 4, L.ncol[L.ny - 1] / 2};
    bool isl_on[3] = {multi, multi, multi};
    for (int a = 0; a < 3; a++) {
        if (enclave && isl_r[a] == host_r && isl_c[a] == host_c)
            isl_on[a] = false;
        for (int b = 0; b < a; b++)
            if (isl_on[b] && isl_r[a] == isl_r[b] && isl_c[a] == isl_c[b])
                isl_on[a] = false;
    }

    g->nwards = o->nwards;
    g->wards = safer__xcalloc(g->nwards, sizeof(struct sward));
    unsigned w = 0;
    for (unsigned ii = L.ny; ii-- > 0;) {
        for (unsigned c = 0; c < L.ncol[ii]; c++) {
            struct sward *sw = &g->wards[w++];
            double m = L.m0;
            cell_ring(&L, ii, c, &ring);
            ward_begin_part(sw);
            ward_add_ring(g, sw, &ring, false);
            bool host = enclave && ii == host_r && c == host_c;
            struct pline hole = {0};
            if (host) {
                double cx = (L.xb[ii][c] + L.xb[ii][c + 1] + L.xt[ii][c] + L.xt[ii][c + 1]) / 4;
                double cy = (L.y[ii] + L.y[ii + 1]) / 2;
                star_ring(&r, cx, cy, 0.1 * m, o->vertices_per_ward, &hole);
                ward_add_ring(g, sw, &hole, true); /* a hole: clockwise */
                g->nholes++;
            }
            for (int a = 0; a < 3; a++) {
                if (!isl_on[a] || isl_r[a] != ii || isl_c[a] != c)
                    continue;
                struct pline isl = {0};
                double cx = (L.xb[ii][c] + L.xb[ii][c + 1] + L.xt[ii][c] + L.xt[ii][c + 1]) / 4;
                double cy = a < 2 ? -0.3 * m : L.H + 0.3 * m;
                unsigned k = o->vertices_per_ward / 3;
                star_ring(&r, cx, cy, 0.1 * m, k < 8 ? 8 : k, &isl);
                ward_begin_part(sw);
                ward_add_ring(g, sw, &isl, false);
                pl_release(&isl);
            }
            if (sw->nparts > 1)
                g->nmulti++;
            if (host) {
                struct sward *en = &g->wards[w++];
                ward_begin_part(en);
                ward_add_ring(g, en, &hole, false);
            }
            pl_release(&hole);
        }
    }
    pl_release(&ring);
    layout_release(&L);
    ward_names(g);
    for (unsigned k = 0; k < g->nwards; k++)
        ward_bbox(&g->wards[k]);
}

/* ---------------------------------------------------------------------------
 * The grid index: which ward holds a point, in O(1) away from boundaries.
 */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static inline unsigned cell_of(double v, double lo, double scale, unsigned g)
{
    double c = (v - lo) * scale;
    if (c < 0)
        return 0;
    if (c >= g)
        return g - 1;
    return (unsigned)c;
}

static int locate_slow(const struct gen *g, double x, double y)
{
    for (unsigned w = 0; w < g->nwards; w++) {
        const struct sward *sw = &g->wards[w];
        if (x < sw->minx || x > sw->maxx || y < sw->miny || y > sw->maxy)
            continue;
        int in = ward_pip(sw, x, y);
        if (in > 0)
            return (int)w;
        if (in == 0)
            return -2;
    }
    return -1;
}

static void build_index(struct gen *g)
{
    struct sindex *ix = &g->idx;
    unsigned side = 16 * (unsigned)ceil(sqrt((double)g->nwards));
    ix->g = side < 64 ? 64 : (side > 1024 ? 1024 : side);
    ix->minx = ix->miny = INFINITY;
    ix->maxx = ix->maxy = -INFINITY;
    for (unsigned w = 0; w < g->nwards; w++) {
        const struct sward *sw = &g->wards[w];
        ix->minx = sw->minx < ix->minx ? sw->minx : ix->minx;
        ix->miny = sw->miny < ix->miny ? sw->miny : ix->miny;
        ix->maxx = sw->maxx > ix->maxx ? sw->maxx : ix->maxx;
        ix->maxy = sw->maxy > ix->maxy ? sw->maxy : ix->maxy;
    }
    ix->minx -= 1e-6;
    ix->miny -= 1e-6;
    ix->maxx += 1e-6;
    ix->maxy += 1e-6;
    ix->sx = ix->g / (ix->maxx - ix->minx);
    ix->sy = ix->g / (ix->maxy - ix->miny);

    /* (cell, ward) for every cell that a segment's box, grown by NEAR_EPS,
     * touches. */
    uint64_t *pairs = NULL;
    size_t npairs = 0, cap = 0;
    for (unsigned w = 0; w < g->nwards; w++) {
        const struct sward *sw = &g->wards[w];
        for (uint32_t rr = 0; rr < sw->nrings; rr++) {
            for (uint32_t i = sw->ring_start[rr]; i + 1 < sw->ring_start[rr + 1]; i++) {
                const double *p = sw->xy + 2 * (size_t)i;
                double lox = (p[0] < p[2] ? p[0] : p[2]) - NEAR_EPS;
                double hix = (p[0] < p[2] ? p[2] : p[0]) + NEAR_EPS;
                double loy = (p[1] < p[3] ? p[1] : p[3]) - NEAR_EPS;
                double hiy = (p[1] < p[3] ? p[3] : p[1]) + NEAR_EPS;
                unsigned x0 = cell_of(lox, ix->minx, ix->sx, ix->g);
                unsigned x1 = cell_of(hix, ix->minx, ix->sx, ix->g);
                unsigned y0 = cell_of(loy, ix->miny, ix->sy, ix->g);
                unsigned y1 = cell_of(hiy, ix->miny, ix->sy, ix->g);
                for (unsigned cy = y0; cy <= y1; cy++)
                    for (unsigned cx = x0; cx <= x1; cx++) {
                        SAFER__GROW(pairs, cap, npairs + 1);
                        pairs[npairs++] = ((uint64_t)(cy * ix->g + cx) << 32) | w;
                    }
            }
        }
    }
    qsort(pairs, npairs, sizeof(uint64_t), cmp_u64);
    size_t ncells = (size_t)ix->g * ix->g, nu = 0;
    for (size_t i = 0; i < npairs; i++)
        if (i == 0 || pairs[i] != pairs[i - 1])
            pairs[nu++] = pairs[i];
    ix->cell = safer__xcalloc(ncells, sizeof(int32_t));
    ix->cand_start = safer__xcalloc(ncells + 1, sizeof(uint32_t));
    ix->cand = safer__xcalloc(nu ? nu : 1, sizeof(uint32_t));
    for (size_t i = 0; i < nu; i++) {
        ix->cand[i] = (uint32_t)(pairs[i] & 0xffffffffu);
        ix->cand_start[(pairs[i] >> 32) + 1]++;
    }
    for (size_t c = 0; c < ncells; c++)
        ix->cand_start[c + 1] += ix->cand_start[c];
    free(pairs);

    /* Cells no boundary touches lie wholly in one ward (or outside all);
     * neighbours along a row share the answer, so few need a search. */
    for (unsigned cy = 0; cy < ix->g; cy++) {
        int prev = -3;
        for (unsigned cx = 0; cx < ix->g; cx++) {
            size_t c = (size_t)cy * ix->g + cx;
            if (ix->cand_start[c + 1] > ix->cand_start[c]) {
                ix->cell[c] = -2;
                prev = -3;
                continue;
            }
            if (prev == -3) {
                double x = ix->minx + (cx + 0.5) / ix->sx, y = ix->miny + (cy + 0.5) / ix->sy;
                prev = locate_slow(g, x, y);
            }
            ix->cell[c] = prev;
        }
    }
}

/* The ward holding (x, y): >= 0, or -1 outside all, -2 too near a boundary. */
static int locate(const struct gen *g, double x, double y)
{
    const struct sindex *ix = &g->idx;
    if (x < ix->minx || x > ix->maxx || y < ix->miny || y > ix->maxy)
        return -1;
    size_t c = (size_t)cell_of(y, ix->miny, ix->sy, ix->g) * ix->g +
               cell_of(x, ix->minx, ix->sx, ix->g);
    if (ix->cell[c] != -2)
        return ix->cell[c];
    for (uint32_t k = ix->cand_start[c]; k < ix->cand_start[c + 1]; k++) {
        int in = ward_pip(&g->wards[ix->cand[k]], x, y);
        if (in > 0)
            return (int)ix->cand[k];
        if (in == 0)
            return -2;
    }
    return -1;
}

/* ---------------------------------------------------------------------------
 * LSOAs, hotspots, stations.
 */

static void build_lsoas(struct gen *g)
{
    struct rng r;
    rng_seed(&r, g->o->seed, STREAM_TABLES);
    unsigned total = 0;
    for (unsigned w = 0; w < g->nwards; w++) {
        g->wards[w].nlsoa = 3 + rng_below(&r, 4);
        g->wards[w].lsoa_first = total;
        total += g->wards[w].nlsoa;
    }
    g->nlsoas = total;
    g->lsoas = safer__xcalloc(total, sizeof(struct lsoa));
    size_t nlen = strlen(g->o->district_name) + 16;
    for (unsigned w = 0; w < g->nwards; w++) {
        for (unsigned k = 0; k < g->wards[w].nlsoa; k++) {
            struct lsoa *l = &g->lsoas[g->wards[w].lsoa_first + k];
            l->ward = w;
            snprintf(l->code, sizeof(l->code), "E019%05u", g->wards[w].lsoa_first + k + 1);
            l->name = safer__xmalloc(nlen);
            snprintf(l->name, nlen, "%s %03u%c", g->o->district_name, w + 1, (char)('A' + k));
            l->name_csv = csv_field(l->name);
        }
    }
}

/* The LSOA of a point in ward w: bands of the ward's box, west to east. */
static unsigned lsoa_of(const struct gen *g, unsigned w, double x)
{
    const struct sward *sw = &g->wards[w];
    double f = (x - sw->minx) / (sw->maxx - sw->minx);
    unsigned k = (unsigned)(f * sw->nlsoa);
    if (k >= sw->nlsoa)
        k = sw->nlsoa - 1;
    return sw->lsoa_first + k;
}

static void build_hotspots(struct gen *g)
{
    const struct safer_synth_opts *o = g->o;
    struct rng r;
    double W = o->width_deg * g->mx, H = o->height_deg * g->my, s = sqrt(W * H);
    rng_seed(&r, o->seed, STREAM_HOTSPOTS);
    g->nhot = 0;
    if (o->flags & SAFER_SYNTH_DEMO) {
        /* Two persistent hotspots (a town centre and an estate), one that
         * emerges in the last 12 months, and three minor ones. */
        static const double fixed[3][5] = {
            {0.50, 0.55, 0.015, 0.16, 0},
            {0.22, 0.30, 0.011, 0.08, 0},
            {0.75, 0.72, 0.009, 0.12, 1},
        };
        for (int i = 0; i < 3; i++) {
            struct hotspot *h = &g->hot[g->nhot++];
            h->lon = g->lon0 + fixed[i][0] * o->width_deg;
            h->lat = g->lat0 + fixed[i][1] * o->height_deg;
            h->sigma = fixed[i][2] * s;
            h->share = fixed[i][3];
            h->kind = (int)fixed[i][4];
        }
        for (int i = 0; i < 3; i++) {
            struct hotspot *h = &g->hot[g->nhot++];
            h->lon = g->lon0 + rng_range(&r, 0.1, 0.9) * o->width_deg;
            h->lat = g->lat0 + rng_range(&r, 0.1, 0.9) * o->height_deg;
            h->sigma = rng_range(&r, 0.006, 0.012) * s;
            h->share = 0.02;
            h->kind = 0;
        }
        return;
    }
    double sum = 0;
    for (unsigned i = 0; i < o->nhotspots; i++) {
        struct hotspot *h = &g->hot[g->nhot++];
        h->lon = g->lon0 + rng_range(&r, 0.1, 0.9) * o->width_deg;
        h->lat = g->lat0 + rng_range(&r, 0.1, 0.9) * o->height_deg;
        h->sigma = rng_range(&r, 0.005, 0.02) * s;
        h->share = rng_range(&r, 0.5, 1.5);
        h->kind = 0;
        sum += h->share;
    }
    for (unsigned i = 0; i < g->nhot; i++)
        g->hot[i].share *= 0.4 / sum;
}

/* a / b rounded towards minus infinity, b > 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static uint64_t map_hash(const struct gen *g, int64_t ix, int64_t iy)
{
    return mix64(mix64(g->o->seed ^ 0x6d617070ull, (uint64_t)ix), (uint64_t)iy);
}

/*
 * Snap (lon, lat) to its map point, about 40 m apart with a fixed random
 * offset each, like police.uk's anonymised points. Out: the point in 1e-6
 * degree and the street it is "on or near".
 */
static void snap(const struct gen *g, double lon, double lat, int64_t *lon6, int64_t *lat6,
                 unsigned *street)
{
    int64_t qx = quant(lon, 1e6), qy = quant(lat, 1e6);
    int64_t sx = g->lon_step, sy = g->lat_step;
    int64_t ix = floor_div(qx + sx / 2, sx), iy = floor_div(qy + sy / 2, sy);
    uint64_t h = map_hash(g, ix, iy);
    *lon6 = ix * sx + (int64_t)(h % (uint64_t)(2 * (sx / 3) + 1)) - sx / 3;
    *lat6 = iy * sy + (int64_t)((h >> 20) % (uint64_t)(2 * (sy / 3) + 1)) - sy / 3;
    *street = (unsigned)((h >> 40) % NSTREETS);
}

static void build_stations(struct gen *g)
{
    const struct safer_synth_opts *o = g->o;
    /* A railway across the area: four stations on a bent line from the
     * south-west to the north-east (fractions of the area). */
    static const double at[4][3] = {
        {0.12, 0.30, 0.2}, {0.40, 0.47, 0.35}, {0.62, 0.52, 0.3}, {0.88, 0.76, 0.15},
    };
    g->nstations = 0;
    for (int i = 0; i < 4; i++) {
        double lon = g->lon0 + at[i][0] * o->width_deg, lat = g->lat0 + at[i][1] * o->height_deg;
        for (int tries = 0; tries < 200; tries++) {
            int64_t x6 = quant(lon, 1e6), y6 = quant(lat, 1e6);
            int w = locate(g, (double)x6 / 1e6, (double)y6 / 1e6);
            if (w >= 0) {
                struct station *st = &g->stations[g->nstations++];
                st->lon6 = x6;
                st->lat6 = y6;
                st->ward = (unsigned)w;
                st->lsoa = lsoa_of(g, (unsigned)w, (double)x6 / 1e6);
                st->weight = at[i][2];
                bool dup = false;
                for (unsigned k = 0; k + 1 < g->nstations; k++)
                    dup = dup || g->stations[k].ward == (unsigned)w;
                char text[128];
                snprintf(text, sizeof(text), "On or near %s%s (Station)", g->wards[w].name,
                         dup ? " Parkway" : "");
                st->location_csv = csv_field(text);
                break;
            }
            lon += 30.0 / g->mx; /* 30 m east and try again */
        }
    }
}

/* ---------------------------------------------------------------------------
 * Files.
 */

struct out {
    FILE *f;
    char *path; /* owned */
};

static int add_file(struct safer_synth_result *res, const char *path)
{
    if (!res)
        return 0;
    res->files = safer__xreallocarray(res->files, res->nfiles + 1, sizeof(char *));
    res->files[res->nfiles++] = safer__xstrdup(path);
    return 0;
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = safer__xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int out_open(struct out *o, const char *dir, const char *name, struct safer_err *err)
{
    o->path = path_join(dir, name);
    o->f = fopen(o->path, "wb");
    if (!o->f)
        return safer_err_set(err, SAFER_EIO, "cannot create '%s': %s", o->path, strerror(errno));
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    return 0;
}

static int out_close(struct out *o, struct safer_synth_result *res, struct safer_err *err)
{
    int rc = 0;
    if (o->f) {
        bool bad = ferror(o->f) != 0;
        if (fclose(o->f) != 0 || bad)
            rc = safer_err_set(err, SAFER_EIO, "cannot write '%s': %s", o->path,
                               errno ? strerror(errno) : "write error");
        else
            add_file(res, o->path);
    }
    free(o->path);
    o->f = NULL;
    o->path = NULL;
    return rc;
}

static int make_dir(const char *path, struct safer_err *err)
{
    char *p = safer__xstrdup(path);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char save = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            rc = safer_err_set(err, SAFER_EIO, "cannot create folder '%s': %s", p,
                               strerror(errno));
            break;
        }
        *s = save;
        if (save == '\0')
            break;
    }
    struct stat st;
    if (rc == 0 && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
        rc = safer_err_set(err, SAFER_EIO, "'%s' is not a folder", path);
    free(p);
    return rc;
}

static void put_coord(FILE *f, int64_t q)
{
    char b[32];
    fwrite(b, 1, fmt_fixed(b, q, 9), f);
}

static int write_wards(struct gen *g, const char *dir, struct safer_synth_result *res,
                       struct safer_err *err)
{
    struct out o = {0};
    int rc = out_open(&o, dir, "wards.geojson", err);
    if (rc < 0)
        return rc;
    FILE *f = o.f;
    fputs("{\n\"type\": \"FeatureCollection\",\n"
          "\"crs\": { \"type\": \"name\", \"properties\": "
          "{ \"name\": \"urn:ogc:def:crs:OGC:1.3:CRS84\" } },\n"
          "\"features\": [\n",
          f);
    for (unsigned w = 0; w < g->nwards; w++) {
        const struct sward *sw = &g->wards[w];
        bool multi = sw->nparts > 1;
        fputs("{ \"type\": \"Feature\", \"properties\": { \"WD19CD\": ", f);
        json_str(f, sw->code);
        fputs(", \"WD19NM\": ", f);
        json_str(f, sw->name);
        fputs(", \"LAD19CD\": ", f);
        json_str(f, LAD_CODE);
        fputs(", \"LAD19NM\": ", f);
        json_str(f, g->o->district_name);
        fputs(multi ? " }, \"geometry\": { \"type\": \"MultiPolygon\", \"coordinates\": [ "
                    : " }, \"geometry\": { \"type\": \"Polygon\", \"coordinates\": ",
              f);
        for (uint32_t p = 0; p < sw->nparts; p++) {
            fputs(p ? ", [ " : "[ ", f);
            for (uint32_t r = sw->part_start[p]; r < sw->part_start[p + 1]; r++) {
                fputs(r > sw->part_start[p] ? ", [ " : "[ ", f);
                for (uint32_t i = sw->ring_start[r]; i < sw->ring_start[r + 1]; i++) {
                    fputs(i > sw->ring_start[r] ? ", [ " : "[ ", f);
                    put_coord(f, sw->q[2 * (size_t)i]);
                    fputs(", ", f);
                    put_coord(f, sw->q[2 * (size_t)i + 1]);
                    fputs(" ]", f);
                }
                fputs(" ]", f);
            }
            fputs(" ]", f);
        }
        fputs(multi ? " ] } }" : " } }", f);
        fputs(w + 1 < g->nwards ? ",\n" : "\n", f);
    }
    fputs("]\n}\n", f);
    return out_close(&o, res, err);
}

static int write_tables(struct gen *g, const char *dir, struct safer_synth_result *res,
                        struct safer_err *err)
{
    const struct safer_synth_opts *o = g->o;
    struct out lk = {0}, csp = {0}, pop = {0}, imd = {0}, dom = {0};
    struct rng r;
    char line[1024];
    int rc;

    rng_seed(&r, o->seed, STREAM_TABLES + 10);
    rc = out_open(&lk, dir, "lookup.csv", err);
    if (rc == 0)
        rc = out_open(&csp, dir, "csp_lookup.csv", err);
    if (rc == 0)
        rc = out_open(&pop, dir, "population.csv", err);
    if (rc == 0)
        rc = out_open(&imd, dir, "deprivation.csv", err);
    if (rc == 0)
        rc = out_open(&dom, dir, "deprivation_domains.csv", err);
    if (rc < 0)
        goto out;

    fputs("FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n", lk.f);
    fputs(IOD_POP_HEADER, pop.f);
    fputs(IOD_IMD_HEADER, imd.f);
    fputs(IOD_DOMAINS_HEADER, dom.f);
    for (unsigned i = 0; i < g->nlsoas; i++) {
        const struct lsoa *l = &g->lsoas[i];
        const struct sward *sw = &g->wards[l->ward];
        fprintf(lk.f, "%u,%s,%s,%s,%s,%s,%s\n", i + 1, l->code, l->name_csv, sw->code, sw->name,
                LAD_CODE, g->district_csv);

        /* Population: 1,000-2,600 people, a plausible age split. */
        unsigned total = 1000 + rng_below(&r, 1601);
        unsigned kids = (unsigned)(total * rng_range(&r, 0.15, 0.23));
        unsigned old = (unsigned)(total * rng_range(&r, 0.16, 0.32));
        unsigned mid = total - kids - old;
        unsigned work = (unsigned)(mid * 0.96 + old * 0.12);
        size_t n = (size_t)snprintf(line, sizeof(line), "%s,%s,%s,%s,", l->code, l->name_csv,
                                    LAD_CODE, g->district_csv);
        n += fmt_iod_count(line + n, total);
        line[n++] = ',';
        n += fmt_iod_count(line + n, kids);
        line[n++] = ',';
        n += fmt_iod_count(line + n, mid);
        line[n++] = ',';
        n += fmt_iod_count(line + n, old);
        line[n++] = ',';
        n += fmt_iod_count(line + n, work);
        line[n++] = '\r';
        line[n++] = '\n';
        fwrite(line, 1, n, pop.f);

        /* Deprivation: a rank among England's LSOAs and its decile. */
        unsigned rank = 1 + rng_below(&r, IMD_NLSOA);
        unsigned decile = (rank - 1) * 10 / IMD_NLSOA + 1;
        n = (size_t)snprintf(line, sizeof(line), "%s,%s,%s,%s,", l->code, l->name_csv, LAD_CODE,
                             g->district_csv);
        n += fmt_iod_count(line + n, rank);
        line[n++] = ',';
        n += fmt_uint(line + n, decile);
        line[n++] = '\r';
        line[n++] = '\n';
        fwrite(line, 1, n, imd.f);

        /* The domains (File 2): the IMD's rank and decile, then each
         * domain's rank, near the IMD's (within about a fifth of England's
         * LSOAs), from a hash of the seed, LSOA and domain so that the other
         * tables' draws stay as they were. */
        n -= 2;
        for (unsigned d = 0; d < IOD_NDOMAINS; d++) {
            uint64_t h = mix64(mix64(o->seed, 0x10d0 + i), d);
            double u = (double)(h >> 11) * 0x1.0p-53;
            double v = (double)rank + (u - 0.5) * 0.4 * IMD_NLSOA;
            unsigned dr = v < 1 ? 1 + (unsigned)(h % 100)
                          : v > IMD_NLSOA ? IMD_NLSOA - (unsigned)(h % 100) : (unsigned)v;
            line[n++] = ',';
            n += fmt_iod_count(line + n, dr);
            line[n++] = ',';
            n += fmt_uint(line + n, (dr - 1) * 10 / IMD_NLSOA + 1);
        }
        line[n++] = '\r';
        line[n++] = '\n';
        fwrite(line, 1, n, dom.f);
    }
    fputs("FID,LAD19CD,LAD19NM,CSP19CD,CSP19NM,PFA19CD,PFA19NM\n", csp.f);
    fprintf(csp.f, "1,%s,%s,%s,%s,%s,Kent (synthetic)\n", LAD_CODE, g->district_csv, CSP_CODE,
            g->district_csv, PFA_CODE);
out:
    if (lk.f || lk.path) {
        int r2 = out_close(&lk, res, err);
        rc = rc < 0 ? rc : r2;
    }
    if (csp.f || csp.path) {
        int r2 = out_close(&csp, res, err);
        rc = rc < 0 ? rc : r2;
    }
    if (pop.f || pop.path) {
        int r2 = out_close(&pop, res, err);
        rc = rc < 0 ? rc : r2;
    }
    if (imd.f || imd.path) {
        int r2 = out_close(&imd, res, err);
        rc = rc < 0 ? rc : r2;
    }
    if (dom.f || dom.path) {
        int r2 = out_close(&dom, res, err);
        rc = rc < 0 ? rc : r2;
    }
    return rc;
}

/* ---------------------------------------------------------------------------
 * Police rows.
 */

static bool demo(const struct gen *g) { return (g->o->flags & SAFER_SYNTH_DEMO) != 0; }

/*
 * The partial month of the demo, or -1: the sixth month when there are at
 * least 31, so it falls before the two 12-month windows an assessment
 * compares (whose changes stay comparable, and testable), else the 7th
 * from the end.
 */
static int partial_month(const struct gen *g)
{
    if (!demo(g) || g->o->months < 12)
        return -1;
    return g->o->months >= 31 ? 5 : g->o->months - 7;
}

/* Relative weight of each crime type in month m (0-based). */
static void type_weights(const struct gen *g, int m, double *w)
{
    for (int t = 0; t < NTYPES; t++)
        w[t] = base_share[t];
    if (!demo(g))
        return;
    double f = g->o->months > 1 ? (double)m / (g->o->months - 1) : 0;
    int moy = (g->o->first_month + m) % 12; /* 0 = January */
    w[TYPE_VIOLENCE] *= 0.8 + 0.5 * f;
    w[TYPE_BURGLARY] *= 1.3 - 0.7 * f;
    w[TYPE_ASB] *= 1.0 + 0.4 * syn_cos(TWO_PI * (moy - 6) / 12.0);
}

static double month_weight(const struct gen *g, int m)
{
    double w[NTYPES], s = 0;
    type_weights(g, m, w);
    for (int t = 0; t < NTYPES; t++)
        s += w[t];
    return m == partial_month(g) ? 0.4 * s : s;
}

/* Hotspot shares for month m, cumulative, the background last. */
static unsigned location_mix(const struct gen *g, int m, double *cum)
{
    double s = 0;
    int first_emerging = g->o->months - 12;
    for (unsigned i = 0; i < g->nhot; i++) {
        double share = g->hot[i].share;
        if (g->hot[i].kind == 1)
            share = m < first_emerging ? 0.0 : share * (0.25 + 0.75 * (m - first_emerging) / 11.0);
        s += share;
        cum[i] = s;
    }
    cum[g->nhot] = 1.0 > s ? 1.0 : s + 0.1;
    return g->nhot + 1;
}

struct place {
    int64_t lon6, lat6;
    unsigned ward, lsoa, street;
};

/* Draw a located point from the month's mix; it lands inside a ward and
 * clear of every boundary. */
static void draw_place(const struct gen *g, struct rng *r, const double *cum, unsigned ncum,
                       struct place *pl)
{
    const struct sindex *ix = &g->idx;
    for (int tries = 0;; tries++) {
        unsigned k = tries < 1000 ? pick_cum(r, cum, ncum) : ncum - 1;
        double lon, lat;
        if (k + 1 < ncum) {
            const struct hotspot *h = &g->hot[k];
            lon = h->lon + h->sigma * rng_gauss(r) / g->mx;
            lat = h->lat + h->sigma * rng_gauss(r) / g->my;
        } else {
            lon = rng_range(r, ix->minx, ix->maxx);
            lat = rng_range(r, ix->miny, ix->maxy);
        }
        snap(g, lon, lat, &pl->lon6, &pl->lat6, &pl->street);
        double x = (double)pl->lon6 / 1e6, y = (double)pl->lat6 / 1e6;
        int w = locate(g, x, y);
        if (w < 0)
            continue;
        pl->ward = (unsigned)w;
        pl->lsoa = lsoa_of(g, (unsigned)w, x);
        return;
    }
}

static const char *draw_outcome(const struct gen *g, struct rng *r, int type, int from_end)
{
    if (type == TYPE_ASB)
        return "";
    double u = rng_unit(r);
    if (from_end < 3 && u < 0.55 - 0.2 * from_end)
        return outcomes[OUTCOME_UNDER_INVESTIGATION].text;
    if (type == TYPE_DRUGS && u > 0.85)
        return DRUGS_WARNING;
    return outcomes[pick_cum(r, g->outcome_cum, NOUTCOMES)].text;
}

struct rowbuf {
    char b[2048];
    size_t n;
};

static inline void rb_put(struct rowbuf *rb, const char *s, size_t n)
{
    memcpy(rb->b + rb->n, s, n);
    rb->n += n;
}
static inline void rb_puts(struct rowbuf *rb, const char *s) { rb_put(rb, s, strlen(s)); }
static inline void rb_c(struct rowbuf *rb, char c) { rb->b[rb->n++] = c; }

static void rb_crime_id(struct rowbuf *rb, struct rng *r)
{
    static const char hex[] = "0123456789abcdef";
    for (int k = 0; k < 4; k++) {
        uint64_t v = rng_next(r);
        for (int i = 15; i >= 0; i--) {
            rb->b[rb->n + (size_t)i] = hex[v & 15];
            v >>= 4;
        }
        rb->n += 16;
    }
}

/*
 * One row. `pl` NULL: no location; `lsoa_only`: no coordinates but the
 * place's LSOA all the same. `location_csv` overrides the street.
 */
static void write_row(const struct gen *g, FILE *f, struct rng *r, const char *month,
                      const char *force_csv, int type, const struct place *pl, bool lsoa_only,
                      const char *location_csv, int from_end)
{
    struct rowbuf rb;
    rb.n = 0;
    if (type != TYPE_ASB)
        rb_crime_id(&rb, r);
    rb_c(&rb, ',');
    rb_put(&rb, month, 7);
    rb_c(&rb, ',');
    rb_puts(&rb, force_csv);
    rb_c(&rb, ',');
    rb_puts(&rb, force_csv);
    rb_c(&rb, ',');
    if (pl && !lsoa_only) {
        rb.n += fmt_fixed(rb.b + rb.n, pl->lon6, 6);
        rb_c(&rb, ',');
        rb.n += fmt_fixed(rb.b + rb.n, pl->lat6, 6);
        rb_c(&rb, ',');
        rb_puts(&rb, location_csv ? location_csv : g->street_csv[pl->street]);
    } else {
        rb_puts(&rb, ",,No Location");
    }
    rb_c(&rb, ',');
    if (pl) {
        const struct lsoa *l = &g->lsoas[pl->lsoa];
        rb_puts(&rb, l->code);
        rb_c(&rb, ',');
        rb_puts(&rb, l->name_csv);
    } else {
        rb_c(&rb, ',');
    }
    rb_c(&rb, ',');
    rb_puts(&rb, crime_types[type]);
    rb_c(&rb, ',');
    const char *oc = draw_outcome(g, r, type, from_end);
    bool q = strchr(oc, ',') != NULL;
    if (q)
        rb_c(&rb, '"');
    rb_puts(&rb, oc);
    if (q)
        rb_c(&rb, '"');
    rb_puts(&rb, ",\n");
    fwrite(rb.b, 1, rb.n, f);
}

static int write_police(struct gen *g, const char *dir, struct safer_synth_result *res,
                        struct safer_err *err)
{
    const struct safer_synth_opts *o = g->o;
    int months = o->months, rc = 0;
    char *pdir = path_join(dir, "police");
    double *mw = safer__xcalloc((size_t)months + 1, sizeof(double));
    char *btp_csv = csv_field(BTP_NAME);

    /* Second-force rows per month come out of the total; the rest are
     * spread over the months in proportion to their weights. Each month
     * gets floor(total * cumulative share) minus the same for the month
     * before, so the months add up to the total exactly. */
    uint64_t btp = demo(g) ? o->second_force_rows : 0;
    if (btp * (uint64_t)months > o->rows / 10)
        btp = o->rows / (10 * (uint64_t)months);
    uint64_t main_total = o->rows - btp * (uint64_t)months;
    for (int m = 0; m < months; m++)
        mw[m + 1] = mw[m] + month_weight(g, m);

    double tcum[NTYPES], bcum[NTYPES], hcum[SAFER_SYNTH_MAX_HOTSPOTS + 9], scum[4];
    {
        double s = 0;
        for (int t = 0; t < NTYPES; t++)
            bcum[t] = (s += btp_share[t]);
        s = 0;
        for (unsigned i = 0; i < g->nstations; i++)
            scum[i] = (s += g->stations[i].weight);
    }

    for (int m = 0; m < months && rc == 0; m++) {
        char month[8], name[128];
        struct out of = {0};
        struct rng r;
        double share_lo = mw[m] / mw[months], share_hi = mw[m + 1] / mw[months];
        uint64_t lo = (uint64_t)floor((double)main_total * share_lo);
        uint64_t hi = m + 1 == months ? main_total : (uint64_t)floor((double)main_total * share_hi);
        uint64_t n = hi - lo;
        int from_end = months - 1 - m;

        safer__format_month(o->first_month + m, month);
        snprintf(name, sizeof(name), "%s-%s-street.csv", month, o->force_slug);
        rc = out_open(&of, pdir, name, err);
        if (rc < 0) {
            out_close(&of, NULL, NULL);
            break;
        }
        fputs(POLICE_HEADER, of.f);

        double w[NTYPES], s = 0;
        type_weights(g, m, w);
        for (int t = 0; t < NTYPES; t++)
            tcum[t] = (s += w[t]);
        unsigned nh = location_mix(g, m, hcum);
        uint64_t nlsoa_only = demo(g) ? (n < 3 ? n : 3) : 0;
        rng_seed(&r, o->seed, STREAM_MONTH + (uint64_t)m);

        for (uint64_t j = 0; j < n; j++) {
            int type = (int)pick_cum(&r, tcum, NTYPES);
            bool lsoa_only = false;
            for (uint64_t k = 0; k < nlsoa_only; k++)
                lsoa_only = lsoa_only || j == (2 * k + 1) * n / (2 * nlsoa_only);
            bool noloc = !lsoa_only && rng_unit(&r) < o->no_location_share;
            struct place pl;
            if (!noloc)
                draw_place(g, &r, hcum, nh, &pl);
            write_row(g, of.f, &r, month, g->force_csv, type, noloc ? NULL : &pl, lsoa_only,
                      NULL, from_end);
            if (res) {
                res->no_location_rows += noloc || lsoa_only;
                res->lsoa_only_rows += lsoa_only;
            }
        }
        rc = out_close(&of, res, err);
        if (res)
            res->rows_by_month[m] += n;

        if (rc == 0 && btp > 0 && g->nstations > 0) {
            struct out bf = {0};
            snprintf(name, sizeof(name), "%s-%s-street.csv", month, BTP_SLUG);
            rc = out_open(&bf, pdir, name, err);
            if (rc < 0) {
                out_close(&bf, NULL, NULL);
                break;
            }
            fputs(POLICE_HEADER, bf.f);
            rng_seed(&r, o->seed, STREAM_BTP_MONTH + (uint64_t)m);
            for (uint64_t j = 0; j < btp; j++) {
                int type = (int)pick_cum(&r, bcum, NTYPES);
                const struct station *st = &g->stations[pick_cum(&r, scum, g->nstations)];
                struct place pl = {st->lon6, st->lat6, st->ward, st->lsoa, 0};
                write_row(g, bf.f, &r, month, btp_csv, type, &pl, false, st->location_csv,
                          from_end);
            }
            rc = out_close(&bf, res, err);
            if (res) {
                res->rows_by_month[m] += btp;
                res->second_force_rows += btp;
            }
        }
    }
    if (res)
        for (int m = 0; m < months; m++)
            res->rows += res->rows_by_month[m];
    free(btp_csv);
    free(mw);
    free(pdir);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Options and the entry point.
 */

void safer_synth_opts_init(struct safer_synth_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->seed = 1;
    opts->rows = 300000;
    opts->months = 36;
    opts->first_month = safer__month_index(2016, 3);
    opts->nwards = 40;
    opts->vertices_per_ward = 300;
    opts->centre_lon = 0.52;
    opts->centre_lat = 51.27;
    opts->width_deg = 0.35;
    opts->height_deg = 0.2;
    opts->nhotspots = 8;
    opts->no_location_share = 0.01;
    opts->second_force_rows = 12;
    opts->flags = SAFER_SYNTH_DEMO | SAFER_SYNTH_MULTIPART;
    opts->district_name = "Maidstone (synthetic)";
    opts->force_name = "Kent Police";
    opts->force_slug = "kent";
}

static int check_name(const char *what, const char *s, bool slug, struct safer_err *err)
{
    if (!s || !*s)
        return safer_err_set(err, SAFER_EINVAL, "%s is empty", what);
    size_t n = strlen(s);
    if (n > SAFER_SYNTH_MAX_NAME)
        return safer_err_set(err, SAFER_EINVAL, "%s is longer than %d bytes", what,
                             SAFER_SYNTH_MAX_NAME);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = slug ? ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
                       : (c >= 0x20 && c != 0x7f);
        if (!ok)
            return safer_err_set(err, SAFER_EINVAL, "%s '%s' holds a character not allowed there",
                                 what, s);
    }
    return 0;
}

static int check_opts(const struct safer_synth_opts *o, struct safer_err *err)
{
    if (o->months < 1 || o->months > SAFER_SYNTH_MAX_MONTHS)
        return safer_err_set(err, SAFER_EINVAL, "months %d outside 1..%d", o->months,
                             SAFER_SYNTH_MAX_MONTHS);
    if (o->first_month < safer__month_index(1900, 1) ||
        o->first_month + o->months - 1 > safer__month_index(9999, 12))
        return safer_err_set(err, SAFER_EINVAL, "first month outside 1900-01..9999-12");
    if (o->rows > SAFER_SYNTH_MAX_ROWS)
        return safer_err_set(err, SAFER_EINVAL, "rows %llu above the limit of %llu",
                             (unsigned long long)o->rows, SAFER_SYNTH_MAX_ROWS);
    if (o->nwards < 1 || o->nwards > SAFER_SYNTH_MAX_WARDS)
        return safer_err_set(err, SAFER_EINVAL, "wards %u outside 1..%u", o->nwards,
                             SAFER_SYNTH_MAX_WARDS);
    if (o->vertices_per_ward < SAFER_SYNTH_MIN_VERTICES ||
        o->vertices_per_ward > SAFER_SYNTH_MAX_VERTICES)
        return safer_err_set(err, SAFER_EINVAL, "vertices per ward %u outside %u..%u",
                             o->vertices_per_ward, SAFER_SYNTH_MIN_VERTICES,
                             SAFER_SYNTH_MAX_VERTICES);
    if ((uint64_t)o->nwards * o->vertices_per_ward > 20000000u)
        return safer_err_set(err, SAFER_EINVAL, "wards x vertices above 20,000,000");
    if (!(o->centre_lon >= -180 && o->centre_lon <= 180 && o->centre_lat >= -80 &&
          o->centre_lat <= 80))
        return safer_err_set(err, SAFER_EINVAL, "centre outside -180..180, -80..80");
    if (!(o->width_deg > 0 && o->width_deg <= 5 && o->height_deg > 0 && o->height_deg <= 5))
        return safer_err_set(err, SAFER_EINVAL, "area size outside (0, 5] degrees");
    if (o->nhotspots > SAFER_SYNTH_MAX_HOTSPOTS)
        return safer_err_set(err, SAFER_EINVAL, "hotspots %u above %u", o->nhotspots,
                             SAFER_SYNTH_MAX_HOTSPOTS);
    if (!(o->no_location_share >= 0 && o->no_location_share <= 0.5))
        return safer_err_set(err, SAFER_EINVAL, "no-location share outside 0..0.5");
    if (o->second_force_rows > 100000)
        return safer_err_set(err, SAFER_EINVAL, "second-force rows per month above 100000");
    int rc = check_name("district name", o->district_name, false, err);
    if (rc == 0)
        rc = check_name("force name", o->force_name, false, err);
    if (rc == 0)
        rc = check_name("force slug", o->force_slug, true, err);
    return rc;
}

static void gen_release(struct gen *g)
{
    for (unsigned w = 0; w < g->nwards && g->wards; w++) {
        free(g->wards[w].q);
        free(g->wards[w].xy);
        free(g->wards[w].ring_start);
        free(g->wards[w].part_start);
    }
    free(g->wards);
    for (unsigned i = 0; i < g->nlsoas && g->lsoas; i++) {
        free(g->lsoas[i].name);
        free(g->lsoas[i].name_csv);
    }
    free(g->lsoas);
    free(g->idx.cell);
    free(g->idx.cand_start);
    free(g->idx.cand);
    for (unsigned i = 0; i < g->nstations; i++)
        free(g->stations[i].location_csv);
    for (size_t i = 0; i < NSTREETS; i++)
        free(g->street_csv[i]);
    free(g->force_csv);
    free(g->district_csv);
}

int safer_synth_write(const char *dir, const struct safer_synth_opts *opts,
                      struct safer_synth_result *res, struct safer_err *err)
{
    struct gen g;
    int rc;

    if (res)
        memset(res, 0, sizeof(*res));
    if (!dir || !*dir || !opts)
        return safer_err_set(err, SAFER_EINVAL, "no folder or options");
    rc = check_opts(opts, err);
    if (rc < 0)
        return rc;

    memset(&g, 0, sizeof(g));
    g.o = opts;
    g.mx = 111320.0 * syn_cos(opts->centre_lat * PI / 180.0);
    g.my = 110574.0;
    g.lon0 = opts->centre_lon - opts->width_deg / 2;
    g.lat0 = opts->centre_lat - opts->height_deg / 2;
    {
        unsigned cells = opts->nwards;
        double area = opts->width_deg * g.mx * opts->height_deg * g.my;
        if (area / cells < 200.0 * 200.0)
            return safer_err_set(err, SAFER_EINVAL,
                                 "area too small for %u wards (under 200 m x 200 m each)", cells);
    }
    g.lon_step = (int64_t)floor(MAP_POINT_SPACING / g.mx * 1e6 + 0.5);
    g.lat_step = (int64_t)floor(MAP_POINT_SPACING / g.my * 1e6 + 0.5);
    for (size_t i = 0; i < NSTREETS; i++) {
        char text[128];
        snprintf(text, sizeof(text), "On or near %s", streets[i]);
        g.street_csv[i] = csv_field(text);
    }
    {
        double s = 0;
        for (size_t i = 0; i < NOUTCOMES; i++)
            g.outcome_cum[i] = (s += outcomes[i].weight);
    }
    g.force_csv = csv_field(opts->force_name);
    g.district_csv = csv_field(opts->district_name);

    rc = make_dir(dir, err);
    if (rc == 0) {
        char *pdir = path_join(dir, "police");
        rc = make_dir(pdir, err);
        free(pdir);
    }
    if (rc < 0)
        goto out;

    build_wards(&g);
    build_lsoas(&g);
    build_index(&g);
    build_hotspots(&g);
    if (demo(&g))
        build_stations(&g);

    rc = write_wards(&g, dir, res, err);
    if (rc == 0)
        rc = write_tables(&g, dir, res, err);
    if (rc == 0)
        rc = write_police(&g, dir, res, err);

    if (res) {
        res->nwards = g.nwards;
        res->nlsoas = g.nlsoas;
        res->nmultipolygons = g.nmulti;
        res->nholes = g.nholes;
        res->vertices_min = UINT32_MAX;
        for (unsigned w = 0; w < g.nwards; w++) {
            unsigned n = g.wards[w].npoints;
            res->vertices += n;
            res->vertices_min = n < res->vertices_min ? n : res->vertices_min;
            res->vertices_max = n > res->vertices_max ? n : res->vertices_max;
        }
    }
out:
    gen_release(&g);
    return rc;
}

void safer_synth_result_release(struct safer_synth_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->nfiles; i++)
        free(res->files[i]);
    free(res->files);
    memset(res, 0, sizeof(*res));
}
