/*
 * nearrepeat.h - the near-repeat (Knox) test of events in space and time.
 *
 * Given n events, each a place (x, y in metres) and a whole-number time t,
 * the Knox table counts every unordered pair of events once in the cell of
 * its distance band and its time-difference band; the null distribution
 * keeps the places fixed and permutes the times among them. The
 * definitions are those of the R package NearRepeat (Steenbeek) and
 * Ratcliffe's Near Repeat Calculator; docs/statistics.md, "Near-repeat
 * (Knox) test", states them exactly and derives the exact mean and
 * standard deviation of each cell over all n! permutations of the times.
 *
 * Bands are left-closed and right-open, [lo, hi), on both axes; a pair at
 * or beyond the last break (or below the first) counts in no cell. A
 * pair's band is decided exactly: its squared distance is compared with
 * each squared break in exact arithmetic (error-free transformations of
 * the doubles, below), so a pair exactly 200 m apart is in [200, 400)
 * however its coordinates round. Time differences are exact integers.
 *
 * Results for a seed are the same whatever the number of threads:
 * permutation k draws from its own stream, seeded from (seed, k).
 *
 * Limits: at most SAFER_LIMIT_KNOX_EVENTS events, SAFER_LIMIT_KNOX_BREAKS
 * breaks per axis, SAFER_LIMIT_KNOX_PERMS permutations and
 * SAFER_LIMIT_KNOX_PAIRS pairs within the largest distance; |t| at most
 * 2^40 and coordinates finite with magnitude at most 1e9 (metres). More
 * fails with SAFER_ETOOBIG (SAFER_EINVAL for a value out of range) before
 * anything large is allocated.
 */
#ifndef SAFER_NEARREPEAT_H
#define SAFER_NEARREPEAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "safer/error.h"

struct safer_knox_opts {
    const double *space; /* distance breaks in metres, >= 0, strictly increasing */
    size_t nspace;       /* at least 2 */
    const double *time;  /* time breaks in t's unit, >= 0, strictly increasing */
    size_t ntime;        /* at least 2 */
    unsigned perms;      /* permutations (0: no simulation; sim columns NaN) */
    uint64_t seed;
    unsigned threads; /* threads the call may use, the calling one included
                         (0 or 1: the calling thread only) */
};

/* One cell of the table: space band s (1-based) by time band t (1-based). */
struct safer_knox_cell {
    size_t space_band, time_band;
    double s_lo, s_hi, t_lo, t_hi;
    int64_t observed;  /* -1: withheld (safer_knox_hide()) */
    double mean_sim;   /* mean of the simulated counts */
    double sd_sim;     /* their standard deviation, divisor perms - 1 (NaN for perms < 2) */
    double median_sim; /* their median (mean of the middle two for an even perms) */
    double knox_ratio; /* observed / mean_sim; NaN when mean_sim is 0 */
    double p_value;    /* (#(simulated >= observed) + 1) / (perms + 1) */
    double exact_mean; /* mean of the count over all n! permutations of the times */
    double exact_sd;   /* its standard deviation over them (divisor n!) */
};

struct safer_knox {
    size_t nspace_bands, ntime_bands;
    struct safer_knox_cell *cells; /* owned; nspace_bands * ntime_bands, space band
                                      major: cell (s, t) is cells[(s-1) * ntime_bands + t-1] */
    size_t n;                      /* events */
    uint64_t close_pairs;          /* pairs within [first break, last break) of space */
    unsigned perms;
    uint64_t seed;
};

/*
 * The Knox table of the n events (x[i], y[i], t[i]) into `out` (released
 * by the caller with safer_knox_release(), also after a failure). Returns
 * 0, or SAFER_EINVAL (bad breaks, a non-finite or out-of-range value; the
 * message names the event's index or the break), or SAFER_ETOOBIG (a
 * limit, named).
 */
int safer_knox_compute(const double *x, const double *y, const int64_t *t, size_t n,
                       const struct safer_knox_opts *opts, struct safer_knox *out,
                       struct safer_err *err);

void safer_knox_release(struct safer_knox *k);

/*
 * Read events from a CSV file with header `id,x,y,t` (the columns in that
 * order; ids are not kept). On success *x, *y, *t (malloc'd, the caller
 * frees them) hold *n events. A bad row fails with SAFER_EPARSE and
 * "PATH:LINE: field 'NAME' ..." in err; more than SAFER_LIMIT_KNOX_EVENTS
 * rows with SAFER_ETOOBIG.
 */
int safer_knox_read_events(FILE *in, const char *path, double **x, double **y, int64_t **t,
                           size_t *n, struct safer_err *err);

/* The defaults of the assessment and `safer nearrepeat --category`: breaks
 * in metres and in months, permutations and seed. */
#define SAFER_KNOX_DEFAULT_SPACE {0, 1, 200, 400, 600, 800, 1000}
#define SAFER_KNOX_DEFAULT_TIME {0, 1, 2, 3, 4}
#define SAFER_KNOX_DEFAULT_PERMS 999
#define SAFER_KNOX_DEFAULT_SEED 1
/* The police.uk category the assessment tests by default. */
#define SAFER_NEARREPEAT_CATEGORY "Burglary"

/*
 * Append the table to `b` as CSV (the header and rows that
 * safer_knox_write_csv() writes); errors are the buffer's sticky one.
 */
struct safer_buf;
void safer_knox_csv(const struct safer_knox *k, struct safer_buf *b);

/*
 * Withhold each cell holding from 1 to min - 1 pairs, for a reader who
 * sees aggregates only: its observed count becomes -1 (printed "NA") and
 * its simulated figures, ratio and p-value NaN, since they would give the
 * count away; the exact mean and standard deviation stay (they depend on
 * the margins of the whole table, not on the cell). Returns the cells
 * withheld.
 */
size_t safer_knox_hide(struct safer_knox *k, int64_t min);

/*
 * Write the table as CSV with the header
 * space_band,time_band,s_lo,s_hi,t_lo,t_hi,observed,mean_sim,sd_sim,
 * median_sim,knox_ratio,p_value,exact_mean,exact_sd: one row per cell,
 * space band major, reals with 17 significant digits, NaN as "NA".
 * Returns 0, SAFER_EIO, or SAFER_ETOOBIG over SAFER_LIMIT_REPORT bytes.
 */
int safer_knox_write_csv(const struct safer_knox *k, FILE *f, const char *path,
                         struct safer_err *err);

/*
 * Parse a list of breaks "0,1,200,400" into v (at most max values, *n
 * set): each a finite number >= 0, strictly increasing, at least two.
 * SAFER_EINVAL with a message naming the value otherwise.
 */
int safer_knox_parse_breaks(const char *s, double *v, size_t max, size_t *n,
                            struct safer_err *err);

#endif
