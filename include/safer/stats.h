/*
 * stats.h - the statistics behind an assessment: p-values, the
 * Benjamini-Hochberg adjustment, the exact binomial change test, the exact
 * Poisson confidence interval of a count, Getis-Ord Gi* hotspots on a
 * square grid, queen contiguity of polygons, Moran's I, and the cell
 * suppression of counts for publication.
 *
 * Everything here is a pure function over caller-owned arrays: nothing is
 * printed, read or kept between calls, and every function is safe to call
 * from several threads at once. Each statistic reproduces a named R
 * function (R 4.2, spdep 1.2); docs/statistics.md gives the formulas, the
 * rules and the agreement measured against R on the fixtures in
 * tests/data/spdep/ (made by tests/data/spdep/make_fixtures.R).
 *
 * Status codes. Fallible functions return 0 on success, a negative SAFER_E*
 * code on failure (detail in `err`, which may be NULL), or the positive
 * SAFER_STATS_NO_SCORE: the call succeeded, but the data admit no score
 * (every value the same, too few areas with neighbours), and the scores
 * were set to NaN. Callers report "no score" rather than inventing a value.
 *
 * Limits: a grid holds at most SAFER_LIMIT_GRID_CELLS cells and a set of
 * polygons at most SAFER_LIMIT_AREAS areas (include/safer/limits.h); more
 * fails with SAFER_ETOOBIG before anything is allocated.
 */
#ifndef SAFER_STATS_H
#define SAFER_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"
#include "safer/geom.h"

/* The call succeeded but produced no score: the outputs hold NaN. */
#define SAFER_STATS_NO_SCORE 1

/* ---- p-values ------------------------------------------------------------ */

/*
 * The two-sided normal p-value of z: 2 * (1 - Phi(|z|)), computed as
 * erfc(|z| / sqrt(2)) so that tails far below DBL_EPSILON keep their
 * relative accuracy (R: 2 * pnorm(abs(z), lower.tail = FALSE)). NaN gives
 * NaN; +-Inf gives 0.
 */
double safer_pnorm_two_sided(double z);

/*
 * The upper-tail normal p-value P(Z > z) = erfc(z / sqrt(2)) / 2
 * (R: pnorm(z, lower.tail = FALSE)). NaN gives NaN.
 */
double safer_pnorm_upper(double z);

/*
 * Benjamini-Hochberg adjusted p-values of p[0..n), written to out[0..n)
 * (out may be p itself). Identical to R p.adjust(p, "BH"): NaN entries stay
 * NaN and are not counted in m, the number of tests; the rest become
 * min(1, min over j with p_j >= p_i of m * p_j / rank_j). O(n log n) time;
 * it allocates O(n) temporary memory (aborting if none is left, as
 * safer__xmalloc does). Values outside [0, 1] are not checked.
 */
void safer_p_adjust_bh(const double *p, size_t n, double *out);

/*
 * The two-sided exact binomial test of x successes in n trials against
 * probability 1/2, as R binom.test(x, n, 0.5)$p.value: the probability of
 * every outcome no more likely than x, which for p = 1/2 is
 * min(1, 2 * P(X <= min(x, n - x))) and exactly 1 when 2x = n. Accurate to
 * a few units in the last place (tails below DBL_MIN give 0 or a subnormal)
 * and fast for n up to 10^7 and beyond: the cost is O(min(x, sqrt(n)))
 * terms, about 35 microseconds at n = 10^6.
 * Returns NaN unless 0 <= x <= n and n >= 1.
 */
double safer_binom_test_half(long x, long n);

/*
 * The exact two-sided confidence interval for the mean of a Poisson count
 * k, at level `conf` (0.95 for 95%), as R poisson.test(k, conf.level =
 * conf)$conf.int (Garwood 1936). With a = (1 - conf) / 2, *lower is the
 * mean at which P(X >= k) = a (0 when k = 0) and *upper the mean at which
 * P(X <= k) = a: the chi-square quantiles qchisq(a, 2k) / 2 and
 * qchisq(1 - a, 2k + 2) / 2, which R computes as qgamma(a, k) and
 * qgamma(1 - a, k + 1). They are found from the Poisson distribution
 * function itself, summed in the tail away from the mean (Loader's
 * saddle-point terms, as the binomial test), by Newton's method inside a
 * bracket; within 1e-15 relative of the definition on the fixtures.
 * Each evaluation costs O(sqrt(k)) terms, and a limit takes about ten:
 * a few microseconds for k up to 100, 40 at k = 1,000, 0.6 ms at
 * k = 10^6. Both are NaN unless k >= 0 and 0 < conf < 1.
 */
void safer_poisson_ci(int64_t k, double conf, double *lower, double *upper);

/* ---- Getis-Ord Gi* on a square grid --------------------------------------- */

/*
 * Gi* z-scores of counts on a square grid. Cell k has column ci[k], row
 * cj[k] and count x[k]; the n cells are the study grid (any shape, no two
 * cells alike). The weights are binary and include the cell itself: cell i
 * is weighted 1 with itself and with each of its 8 surrounding cells that
 * is in the study grid, 0 otherwise. With W_i the number of such cells
 * (stored in neighbours[i], between 1 and 9),
 *
 *   z_i = (sum_j w_ij x_j - xbar W_i) / (s sqrt((n W_i - W_i^2) / (n - 1)))
 *
 * where xbar = sum x / n and s^2 = sum (x - xbar)^2 / n: the value of R
 * spdep::localG(x, nb2listw(include.self(nb), style = "B")) for queen
 * neighbours nb restricted to the study grid. z[i] is NaN when W_i = n
 * (every cell is a neighbour of i, so there is nothing to compare with).
 *
 * z and neighbours (OUT, n entries each; neighbours may be NULL) are
 * caller-owned. Returns 0; SAFER_STATS_NO_SCORE when every count is the
 * same (s = 0) or no cell has a z, with every z NaN and neighbours filled;
 * SAFER_EINVAL when n < 2, a count is not finite, or two cells share
 * indices (err names the cell); SAFER_ETOOBIG when n exceeds
 * SAFER_LIMIT_GRID_CELLS. Time O(n) (O(n log n) when the cells are spread
 * very sparsely over their bounding box), memory O(n).
 */
int safer_gistar(const int32_t *ci, const int32_t *cj, const double *x, size_t n,
                 double *z, uint32_t *neighbours, struct safer_err *err);

/*
 * Hotspot classes, from the Gi* z and its Benjamini-Hochberg adjusted
 * two-sided p-value: hot99 when z > 0 and p_adj < 0.01, hot95 when
 * p_adj < 0.05, hot90 when p_adj < 0.10, the cold classes likewise when
 * z < 0, none otherwise, and no_score when z is NaN. The levels are part of
 * the classes' definition (their names say them); the report states them
 * from these constants.
 */
#define SAFER_GI_P99 0.01
#define SAFER_GI_P95 0.05
#define SAFER_GI_P90 0.10

enum safer_gi_class {
    SAFER_GI_COLD99 = -3,
    SAFER_GI_COLD95 = -2,
    SAFER_GI_COLD90 = -1,
    SAFER_GI_NONE = 0,
    SAFER_GI_HOT90 = 1,
    SAFER_GI_HOT95 = 2,
    SAFER_GI_HOT99 = 3,
    SAFER_GI_NO_SCORE = 4,
};

/* The class of one cell given its z and adjusted p-value (see above). */
enum safer_gi_class safer_gi_class_of(double z, double p_adj);

/*
 * Classify the n z-scores of one grid: two-sided p-values
 * (safer_pnorm_two_sided), adjusted together with safer_p_adjust_bh (NaN z
 * are left out of the count of tests), then safer_gi_class_of. p_adj (OUT,
 * may be NULL) receives the adjusted p-values and cls (OUT) the classes;
 * both have n entries and are caller-owned.
 */
void safer_gi_classify(const double *z, size_t n, double *p_adj, enum safer_gi_class *cls);

/*
 * The class's name: "hot99", "hot95", "hot90", "none", "cold90", "cold95",
 * "cold99" or "no_score" (a static string; "unknown" for anything else).
 */
const char *safer_gi_class_name(enum safer_gi_class c);

/* ---- Contiguity ------------------------------------------------------------ */

/*
 * A neighbour list in compressed rows: the neighbours of area i are
 * adj[start[i]] .. adj[start[i + 1] - 1], in ascending order, never i
 * itself. An area with no neighbours is an island. safer_nb_queen builds
 * symmetric lists; safer_moran_test also accepts asymmetric ones.
 */
struct safer_nb {
    size_t n;        /* areas */
    uint32_t *start; /* owned: n + 1 entries (NULL while n == 0) */
    uint32_t *adj;   /* owned: start[n] entries */
};

/* An empty list (n = 0). */
void safer_nb_init(struct safer_nb *nb);

/* Free what `nb` holds; it is an empty list afterwards. */
void safer_nb_release(struct safer_nb *nb);

/* The number of islands: areas without neighbours. */
size_t safer_nb_islands(const struct safer_nb *nb);

/* spdep's default snap distance, sqrt(.Machine$double.eps) = 2^-26. */
#define SAFER_NB_SNAP_DEFAULT 1.4901161193847656e-08

/*
 * Queen contiguity of polys[0..n) by the rule of R spdep::poly2nb(pl,
 * queen = TRUE) in planar mode: areas i != j are neighbours when some
 * position of i lies within `snap` of some position of j,
 * hypot(xi - xj, yi - yj) <= snap, in the units of the coordinates (degrees
 * for lon/lat; pass SAFER_NB_SNAP_DEFAULT to match spdep). All positions
 * count: every ring, holes included, every part of a multipolygon. Only
 * positions are compared: two areas that share part of an edge but no
 * position within snap are not neighbours.
 *
 * `nb` (initialised or released) receives the list, symmetric with rows
 * sorted; the caller releases it with safer_nb_release. The bounding boxes
 * in `polys` are not used. Returns 0; SAFER_EINVAL when n < 1, snap is
 * negative or not finite, an area has no positions or a coordinate is not
 * finite or too large for the snap grid (|x| / snap >= 2^52); SAFER_ETOOBIG
 * when n exceeds SAFER_LIMIT_AREAS. On error `nb` is left empty.
 * Time O(V log V) for V positions in all.
 */
int safer_nb_queen(struct safer_nb *nb, const struct safer_geom *polys, size_t n,
                   double snap, struct safer_err *err);

/* ---- Moran's I ------------------------------------------------------------- */

/* Weights for Moran's I: row-standardised (spdep style "W") or binary ("B"). */
enum safer_moran_style {
    SAFER_MORAN_W,
    SAFER_MORAN_B,
};

struct safer_moran {
    double I;           /* Moran's I */
    double expectation; /* E(I) = -1 / (n_used - 1) */
    double variance;    /* Var(I) under randomisation */
    double z;           /* (I - E(I)) / sqrt(Var(I)) */
    double p_value;     /* P(Z > z): one-sided, alternative "greater" */
    double kurtosis;    /* sample kurtosis of x, as in the variance */
    size_t n_used;      /* areas with at least one neighbour */
    size_t islands;     /* areas without neighbours */
};

/*
 * Moran's I test of x[0..nb->n) with weights `style` over `nb`, as
 * spdep::moran.test(x, nb2listw(nb, style, zero.policy = TRUE),
 * randomisation = TRUE, alternative = "greater", zero.policy = TRUE).
 * Islands keep their place in the mean and spread of x but have no weights,
 * and n in I, E(I) and Var(I) is n_used, the number of areas with
 * neighbours (spdep's adjust.n = TRUE); their count is out->islands.
 *
 * Returns 0 with `out` filled; SAFER_STATS_NO_SCORE when x is constant or
 * no area has a neighbour (I undefined: every double in `out` NaN), or when
 * n_used < 4 or the variance is not positive (I, expectation and kurtosis
 * filled; variance, z and p_value NaN); SAFER_EINVAL when nb->n < 2, style
 * is not one of the two, a value of x is not finite or
 * `nb` is malformed (an index out of range, a row not strictly ascending,
 * a self-neighbour).
 */
int safer_moran_test(const double *x, const struct safer_nb *nb, enum safer_moran_style style,
                     struct safer_moran *out, struct safer_err *err);

/* ---- cell suppression for publication ------------------------------------ */

/*
 * What a published count becomes (safer_suppress()).
 */
enum safer_hide {
    SAFER_SHOWN = 0,
    SAFER_HIDDEN_SMALL = 1,  /* a count from 1 to min - 1 */
    SAFER_HIDDEN_OTHERS = 2, /* hidden so that no small count can be worked out */
};

/*
 * The sums a reader of the published tables knows: relation k is the cells
 * cells[start[k] .. start[k + 1]), the first the total of the others (a
 * table's margin and its row, a category's months and its window, ...).
 */
struct safer_sums {
    size_t n;
    const size_t *start; /* n + 1 entries */
    const size_t *cells;
};

/*
 * Cell suppression (docs/statistics.md, section 7). values[0..ncells) are
 * the counts of every published cell; on return hidden[i] says which to
 * hide: each count from 1 to min - 1 (0 is shown), then, until neither
 * holds, (1) each relation of `sums` with exactly one hidden cell gets a
 * second: its smallest shown part, a part that is not 0 first, the total
 * only when no part is shown; (2) a hidden cell whose value the relations
 * determine exactly (its unit vector lies in the row space of the
 * relations over the hidden cells, found by Gaussian elimination) gets one
 * more hidden cell beside it, chosen the same way. So no hidden count can
 * be worked out from the shown ones by adding and subtracting, however the
 * relations are combined. Ties go to the lowest index, so the result
 * depends only on the input.
 *
 * hidden[] comes in zeroed or with cells already hidden (cells left
 * unpublished, as SAFER_HIDDEN_OTHERS). Returns 0; SAFER_EINVAL when a
 * relation names a cell out of range or has fewer than two cells;
 * SAFER_ETOOBIG when a connected group of hidden cells and their relations
 * would need more than SAFER_SUPPRESS_MAX_ENTRIES entries to eliminate.
 */
#define SAFER_SUPPRESS_MAX_ENTRIES ((size_t)1 << 24)
int safer_suppress(const int64_t *values, size_t ncells, const struct safer_sums *sums,
                   int64_t min, unsigned char *hidden, struct safer_err *err);

#endif
