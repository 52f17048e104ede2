/*
 * clusters.h - ward clusters: neighbouring, similar areas grouped into
 * exactly K connected clusters of 1 to max_size areas each, with the least
 * within-cluster sum of squares.
 *
 * The problem. Areas 0..n-1 each have an attribute vector x_i of d reals and
 * a neighbour list (the queen contiguity of safer_nb_queen). A solution
 * puts every area in exactly one of K clusters; each cluster is connected in
 * the neighbour graph and has 1 to max_size areas. Its cost is
 *
 *     sum over clusters C of  sum over i in C of  |x_i - mean(C)|^2,
 *
 * the squared Euclidean distances of the members from their cluster's mean.
 * safer_clusters_solve() returns a solution of least cost and proves it
 * least (to a relative 1e-9), or, when the search stops at its node limit,
 * the best solution found with a lower bound on the least cost. The method
 * (every connected subset of at most max_size areas with its cost, then an
 * exact set-partitioning search with a Lagrangian lower bound) is in
 * docs/statistics.md, "Ward clusters".
 *
 * Limits: n <= SAFER_CLUSTERS_MAX_AREAS, max_size <= SAFER_CLUSTERS_MAX_SIZE,
 * at most SAFER_CLUSTERS_MAX_SUBSETS connected subsets (SAFER_ETOOBIG
 * beyond). Nothing here touches the store or prints; the functions are
 * re-entrant.
 */
#ifndef SAFER_CLUSTERS_H
#define SAFER_CLUSTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safer/error.h"

struct safer_nb;

#define SAFER_CLUSTERS_MAX_AREAS 5000
#define SAFER_CLUSTERS_MAX_SIZE 8
#define SAFER_CLUSTERS_MAX_SUBSETS ((size_t)20 << 20)
/* Search nodes before the search gives up its proof, unless opts say:
 * 1e8 / n (a node costs time in proportion to the areas), between these
 * two. */
#define SAFER_CLUSTERS_DEFAULT_NODES ((uint64_t)20000000)
#define SAFER_CLUSTERS_MIN_NODES ((uint64_t)50000)

struct safer_clusters_opts {
    size_t k;           /* clusters wanted, 1..n */
    size_t max_size;    /* areas per cluster at most, 1..SAFER_CLUSTERS_MAX_SIZE */
    uint64_t max_nodes; /* search nodes; 0: the default above */
};

struct safer_clusters {
    size_t n, k;        /* areas, clusters */
    uint32_t *cluster;  /* owned: n entries, the cluster of each area, 0..k-1;
                           clusters are numbered in the order of their first area */
    double *cost;       /* owned: k entries, each cluster's sum of squares */
    uint32_t *size;     /* owned: k entries, areas per cluster */
    double total;       /* the solution's cost: the sum of cost[] */
    double lower_bound; /* no solution costs less (equal to total when proved) */
    bool proved;        /* the solution is the least (to a relative 1e-9) */
    uint64_t nodes;     /* search nodes visited */
    size_t subsets;     /* connected subsets of 1..max_size areas */
};

/* An empty result. */
void safer_clusters_init(struct safer_clusters *c);

/* Free what `c` holds; it is empty afterwards. */
void safer_clusters_release(struct safer_clusters *c);

/*
 * Partition the nb->n areas with attributes x (row-major, n rows of d
 * reals; d >= 1) into opts->k connected clusters of 1..opts->max_size areas
 * with the least cost, as above. `out` (initialised or released) receives
 * the solution; the caller releases it.
 *
 * Returns 0; SAFER_EINVAL when n or k is 0, k > n, max_size is 0 or above
 * the limit, d is 0, a value is not finite, `nb` is malformed (an index out
 * of range, a self-neighbour, an asymmetric pair), or no such partition
 * exists (the message says which: k too small for max_size, or the graph's
 * pieces cannot be cut into k clusters); SAFER_ETOOBIG over a limit. On
 * error `out` is left empty.
 */
int safer_clusters_solve(const double *x, size_t d, const struct safer_nb *nb,
                         const struct safer_clusters_opts *opts, struct safer_clusters *out,
                         struct safer_err *err);

/*
 * The cost of one cluster: the sum of |x_i - mean|^2 over its `m` members
 * idx[0..m) (rows of x with d columns), computed about the mean (not from
 * sums of squares, which lose digits). 0 for m <= 1.
 */
double safer_clusters_cost(const double *x, size_t d, const uint32_t *idx, size_t m);

/*
 * Turn each of the d columns of x (n rows) into z-scores in place:
 * (x - mean) / sd with the population standard deviation (divisor n).
 * Returns 0; SAFER_EINVAL when n is 0, a value is not finite or a column is
 * constant (no z-score), naming the column by names[j] when names is not
 * NULL, else by its number from 1.
 */
int safer_clusters_standardise(double *x, size_t n, size_t d, const char *const *names,
                               struct safer_err *err);

/* ---- attributes from a file, areas from the store ------------------------- */

struct safer_buf;
struct safer_store;

/* An attribute table: one row per area, d numeric columns. */
struct safer_attributes {
    size_t n, d;
    char **code;  /* owned: n area codes, in file order */
    size_t *line; /* owned: n line numbers in the file (1-based) */
    char **name;  /* owned: d column names, from the header */
    double *x;    /* owned: n rows of d values */
    char *path;   /* owned: the file, for messages */
};

void safer_attributes_init(struct safer_attributes *a);
void safer_attributes_release(struct safer_attributes *a);

/*
 * Read a CSV attribute file: a header row, then one row per area whose
 * first field is the area's code (whatever the first header says) and the
 * others numbers (decimal, finite), one per header column after the first.
 * Returns 0; SAFER_EPARSE naming FILE:LINE and the column for a field that
 * is not a number, a row of another width, an empty or repeated code, no
 * numeric column or no row; SAFER_ETOOBIG over SAFER_CLUSTERS_MAX_AREAS
 * rows; SAFER_EIO when the file cannot be read.
 */
int safer_attributes_read(const char *path, struct safer_attributes *a, struct safer_err *err);

/*
 * The queen contiguity (safer_nb_queen, spdep's snap) of the stored wards
 * with the codes of a->code, in that order, into `nb`; their names into
 * names_out (owned by the caller: n strings, each freed, then the array).
 * Returns 0; SAFER_ENOTFOUND naming FILE:LINE for a code that is not a
 * stored ward with a boundary; store errors.
 */
int safer_clusters_contiguity(struct safer_store *st, const struct safer_attributes *a,
                              struct safer_nb *nb, char ***names_out, struct safer_err *err);

/* `area_code,cluster` with clusters numbered from 1, one row per area in
 * the order of a (sticky appends: check safer_buf_error). */
void safer_clusters_csv(struct safer_buf *b, const struct safer_attributes *a,
                        const struct safer_clusters *c);

/*
 * The summary in plain text: each cluster's members (code and name, names
 * may be NULL) and cost, the total cost, and whether it is proved least or
 * the best found with its lower bound (sticky appends).
 */
void safer_clusters_summary(struct safer_buf *b, const struct safer_attributes *a,
                            char *const *names, const struct safer_clusters *c,
                            const struct safer_clusters_opts *opts, bool standardised);

/* ---- the assessment's ward clusters ---------------------------------------- */

struct safer_assessment;

/* Cluster size of ward cluster meetings: "up to 4 similar" wards. */
#define SAFER_CLUSTERS_WARD_SIZE 4
/* Search nodes for the assessment's clusters, times the wards: a few
 * seconds at most. */
#define SAFER_CLUSTERS_WARD_NODES 2e7

struct safer_ward_clusters {
    struct safer_attributes attr; /* the study wards and their attributes, as
                                     computed (not z-scores) */
    struct safer_clusters result; /* on the attributes' z-scores */
    struct safer_clusters_opts opts;
};

void safer_ward_clusters_init(struct safer_ward_clusters *w);
void safer_ward_clusters_release(struct safer_ward_clusters *w);

/*
 * The default attributes of the study wards of `a`, into out (initialised
 * here; the caller releases it): the records per 1,000 residents in the
 * latest window of each major category (one holding at least 5% of the
 * study wards' records in that window; the six largest at most, largest
 * first), then the wards' mean IMD decile when deprivation is loaded.
 * Returns 0; SAFER_EINVAL when there is no population for a ward, no
 * record in the window, or fewer than 2 wards.
 */
int safer_ward_cluster_attributes(const struct safer_assessment *a, struct safer_attributes *out,
                                  struct safer_err *err);

/*
 * The assessment's ward clusters: the default attributes as z-scores (a
 * column the same for every ward is left out), the wards' queen contiguity,
 * and the fewest clusters of at most `max_size` wards that can be made
 * (K = ceil(n / max_size), or more where the neighbours force it), solved
 * within SAFER_CLUSTERS_WARD_NODES / n nodes (at least
 * SAFER_CLUSTERS_MIN_NODES). `out` is initialised here; the caller
 * releases it. Errors as safer_ward_cluster_attributes() and
 * safer_clusters_solve().
 */
int safer_ward_clusters(const struct safer_assessment *a, size_t max_size,
                        struct safer_ward_clusters *out, struct safer_err *err);

/*
 * As safer_ward_clusters(), with exactly k clusters (k 0: as it chooses).
 * SAFER_EINVAL when k is above the wards, or no partition into k exists
 * (safer_clusters_solve()'s message).
 */
int safer_ward_clusters_k(const struct safer_assessment *a, size_t max_size, size_t k,
                          struct safer_ward_clusters *out, struct safer_err *err);

/*
 * The ward-cluster members' packs of assessment `a` (with a population):
 * one HTML document, a printed A4 page a cluster of safer_ward_clusters(a,
 * SAFER_CLUSTERS_WARD_SIZE): its wards with their residents, records,
 * records per 1,000 and mean IMD decile, its rates of the major categories
 * beside the area's, and its priorities (the categories at least 10% above
 * the area's rate, at most three, most above first). Appended to `h`.
 * Returns 0, safer_ward_clusters()'s error, or SAFER_ETOOBIG over h's cap.
 */
int safer_cluster_packs_render(const struct safer_assessment *a, struct safer_buf *h,
                               struct safer_err *err);

#endif
