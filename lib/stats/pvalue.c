/*
 * pvalue.c - normal p-values, the Benjamini-Hochberg adjustment, the
 * exact binomial test against 1/2 and the exact Poisson confidence
 * interval, each reproducing its R function (see include/safer/stats.h and
 * docs/statistics.md).
 *
 * The binomial probabilities follow Catherine Loader's saddle-point method
 * ("Fast and accurate computation of binomial probabilities", 2000), the
 * method behind R's dbinom: the log of a binomial probability is written as
 * small correction terms (the Stirling error of n, x and n - x) minus two
 * deviance terms, so no large logarithms cancel and the relative error
 * stays near machine precision even for n in the millions. Tail sums are
 * then taken term by term from the largest term outwards. The Poisson
 * probabilities are the same terms (R's dpois), and the limits of the
 * Poisson interval are found from them by Newton's method.
 */
#include "util/compat.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/internal.h"
#include "safer/stats.h"

double safer_pnorm_two_sided(double z)
{
    if (isnan(z))
        return z;
    /* erfc keeps the relative accuracy of far tails: 1 - Phi would not. */
    return erfc(fabs(z) * M_SQRT1_2);
}

double safer_pnorm_upper(double z)
{
    if (isnan(z))
        return z;
    return 0.5 * erfc(z * M_SQRT1_2);
}

/* ---- Benjamini-Hochberg -------------------------------------------------- */

struct ranked {
    double p;
    size_t at; /* index into the caller's arrays */
};

static int cmp_desc(const void *a, const void *b)
{
    double pa = ((const struct ranked *)a)->p, pb = ((const struct ranked *)b)->p;
    return (pa < pb) - (pa > pb);
}

void safer_p_adjust_bh(const double *p, size_t n, double *out)
{
    struct ranked *r;
    size_t m = 0;

    if (n == 0)
        return;
    r = safer__xmalloc(n * sizeof(*r)); /* n * 16 cannot overflow: p holds n doubles */
    for (size_t i = 0; i < n; i++) {
        if (!isnan(p[i]))
            r[m++] = (struct ranked){ .p = p[i], .at = i };
        else
            out[i] = p[i];
    }
    if (m <= 1) {
        /* R's p.adjust returns p unchanged when at most one test counts. */
        for (size_t k = 0; k < m; k++)
            out[r[k].at] = r[k].p;
        free(r);
        return;
    }
    /*
     * As R: going down from the largest p, rank i = m .. 1, keep the running
     * minimum of (m / i) * p and cap it at 1. Tied p get the same value
     * whatever their order, since the running minimum covers the tie.
     */
    qsort(r, m, sizeof(*r), cmp_desc);
    double run = INFINITY;
    for (size_t k = 0; k < m; k++) {
        double v = ((double)m / (double)(m - k)) * r[k].p;
        if (v < run)
            run = v;
        out[r[k].at] = run < 1.0 ? run : 1.0;
    }
    free(r);
}

/* ---- Binomial ------------------------------------------------------------- */

/*
 * The binomial terms are computed in long double (80-bit on x86-64): the
 * log of a far-tail probability is several hundred in magnitude, and in
 * double its rounding alone would cost up to 1e-13 relative in the result.
 * Only two probabilities and a few thousand ratios are computed per test,
 * so the cost does not matter even where long double is emulated.
 */

/*
 * The Stirling error log(n!) - log(sqrt(2 pi n) (n / e)^n) for a whole n:
 * from a table up to 15 (computed with 40-digit arithmetic), from its
 * asymptotic series beyond, where the first omitted term is below 1e-16
 * relative.
 */
static long double stirlerr(long double n)
{
    static const long double table[16] = {
        0.0L,
        8.106146679532725822e-2L,
        4.1340695955409294094e-2L,
        2.7677925684998339149e-2L,
        2.0790672103765093112e-2L,
        1.6644691189821192163e-2L,
        1.3876128823070747999e-2L,
        1.1896709945891770095e-2L,
        1.0411265261972096497e-2L,
        9.2554621827127329177e-3L,
        8.3305634333628712565e-3L,
        7.573675487951840795e-3L,
        6.9428401072095298657e-3L,
        6.4089941880042070684e-3L,
        5.9513701127588477356e-3L,
        5.554733551962801371e-3L,
    };
    const long double s0 = 1.0L / 12, s1 = 1.0L / 360, s2 = 1.0L / 1260, s3 = 1.0L / 1680,
                      s4 = 1.0L / 1188;

    if (n <= 15.0L)
        return table[(int)n];
    long double nn = n * n;
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/*
 * The deviance term x log(x / np) + np - x. With v = (x - np) / (x + np) it
 * equals (x - np) v + 2x (v^3/3 + v^5/5 + ...), a series whose terms are
 * all small against the first, so it is used while |v| <= 1/2 (about 30
 * terms at most); beyond, the direct form loses little to cancellation.
 */
static long double bd0(long double x, long double np)
{
    long double v = (x - np) / (x + np);

    if (fabsl(v) <= 0.5L) {
        long double s = (x - np) * v;
        long double ej = 2.0L * x * v;
        v *= v;
        for (int j = 1; j < 200; j++) {
            ej *= v;
            long double s1 = s + ej / (2 * j + 1);
            if (s1 == s)
                return s1;
            s = s1;
        }
        return s;
    }
    return x * logl(x / np) + np - x;
}

/*
 * P(X = k) for X ~ Binomial(n, 1/2), 0 <= k <= n:
 * exp(stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n/2)
 * - bd0(n - k, n/2)) / sqrt(2 pi k (n - k) / n).
 */
static long double dbinom_half(long k, long n)
{
    long double dn = (long double)n, dk = (long double)k;

    if (k == 0 || k == n)
        return n > 20000 ? 0.0L : ldexpl(1.0L, -(int)n); /* 2^-n, exact or 0 */
    long double lc = stirlerr(dn) - stirlerr(dk) - stirlerr(dn - dk) - bd0(dk, dn / 2) -
                     bd0(dn - dk, dn / 2);
    long double lf = logl(2.0L * 3.14159265358979323846264338327950288L) + logl(dk) +
                     log1pl(-dk / dn);
    return expl(lc - 0.5L * lf);
}

/*
 * P(X <= k) for X ~ Binomial(n, 1/2) and 0 <= k <= n / 2: the terms from k
 * down, each from the last by the ratio P(i - 1) / P(i) = i / (n - i + 1).
 * The ratio is below 1 and shrinks as i falls, so once the latest term t
 * gives a geometric bound t r / (1 - r) on all that is left below 1e-20 of
 * the sum, the rest cannot change the result. That takes at most about
 * 7 sqrt(n) terms however close k is to n / 2.
 */
static double pbinom_half_lower(long k, long n)
{
    long double t = dbinom_half(k, n);
    long double s = t;

    for (long i = k; i > 0 && t > 0.0L; i--) {
        long double r = (long double)i / (long double)(n - i + 1);
        t *= r;
        s += t;
        if (t * r < 1e-20L * s * (1.0L - r))
            break;
    }
    return (double)s;
}

double safer_binom_test_half(long x, long n)
{
    if (n < 1 || x < 0 || x > n)
        return NAN;
    if (x == n - x)
        return 1.0;
    long k = x < n - x ? x : n - x; /* the same p-value by symmetry; k < n / 2 */
    /*
     * R counts, on the far side of the mean, the outcomes whose probability
     * is at most (1 + 1e-7) times that of x. Mathematically those are
     * n - k and beyond, but R's tolerance also takes in outcomes nearer the
     * mean whose probability exceeds that of x by less than 1e-7 relative,
     * which happens only for n above about 2e7. Mirror it: step the start
     * `lo` of that far tail towards the mean while the ratio allows.
     */
    long lo = n - k;
    double ratio = 1.0;
    while (lo - 1 >= n - n / 2) { /* n - n / 2 = ceil(n / 2) */
        ratio *= (double)lo / (double)(n - lo + 1);
        if (ratio > 1.0 + 1e-7)
            break;
        lo--;
    }
    /* P(X <= k) + P(X >= lo), the second by symmetry P(X <= n - lo). */
    double p = pbinom_half_lower(k, n) + pbinom_half_lower(n - lo, n);
    return p < 1.0 ? p : 1.0;
}

/* ---- Poisson ---------------------------------------------------------------- */

/*
 * P(X = x) for X ~ Poisson(mu), x whole, mu > 0, in Loader's form:
 * exp(-stirlerr(x) - bd0(x, mu)) / sqrt(2 pi x), exp(-mu) at x = 0 (the
 * same terms as R's dpois).
 */
static long double dpois(long double x, long double mu)
{
    if (x == 0.0L)
        return expl(-mu);
    return expl(-stirlerr(x) - bd0(x, mu)) /
           sqrtl(2.0L * 3.14159265358979323846264338327950288L * x);
}

/*
 * The tail on the far side of the mean, term by term from its largest term
 * outwards, stopping as pbinom_half_lower does once a geometric bound on
 * what is left is below 1e-20 of the sum. Lower (`up` false): P(X <= k) for
 * k <= mu, each term from the last by the ratio i / mu, i = k, k - 1, ...
 * Upper: P(X >= k) for k >= mu, by the ratio mu / (i + 1), i = k, k + 1, ...
 * Both ratios are at most 1 and fall as the sum goes on.
 */
static long double ppois_tail(int64_t k, long double mu, bool up)
{
    long double t = dpois((long double)k, mu), s = t;
    for (int64_t i = k; t > 0.0L && (up || i > 0); i += up ? 1 : -1) {
        long double r = up ? mu / (long double)(i + 1) : (long double)i / mu;
        t *= r;
        s += t;
        if (r < 1.0L && t * r < 1e-20L * s * (1.0L - r))
            break;
    }
    return s;
}

/* P(X <= k) and P(X >= k), each from the far-side tail or its complement
 * (a complement is never small here: it holds the mean). */
static long double ppois_le(int64_t k, long double mu)
{
    if (k < 0)
        return 0.0L;
    return (long double)k <= mu ? ppois_tail(k, mu, false) : 1.0L - ppois_tail(k + 1, mu, true);
}

static long double ppois_ge(int64_t k, long double mu)
{
    if (k <= 0)
        return 1.0L;
    return (long double)k >= mu ? ppois_tail(k, mu, true) : 1.0L - ppois_tail(k - 1, mu, false);
}

/*
 * The mean mu in (lo, hi) at which the tail probability equals a: with
 * `upper` the upper limit, where P(X <= k; mu) = a (falling in mu, slope
 * -dpois(k, mu)), else the lower limit, where P(X >= k; mu) = a (rising,
 * slope dpois(k - 1, mu)). The function is above a at one end of the
 * bracket and below at the other. Newton's method from the middle of the
 * bracket, which shrinks with every evaluation; a step that would leave it
 * bisects instead, so the root is never lost.
 */
static double poisson_limit(int64_t k, double a, bool upper, double lo, double hi)
{
    double x = 0.5 * (lo + hi);
    for (int iter = 0; iter < 400; iter++) {
        long double f = (upper ? ppois_le(k, x) : ppois_ge(k, x)) - (long double)a;
        if (f == 0.0L)
            return x;
        /* Upper: f falls with mu, so f > 0 means the root lies above x. */
        if ((f > 0.0L) == upper)
            lo = x;
        else
            hi = x;
        long double slope = upper ? -dpois((long double)k, x) : dpois((long double)(k - 1), x);
        double next = slope != 0.0L ? (double)((long double)x - f / slope) : NAN;
        /* A Newton step within rounding of x: x is the root (it may land a
         * hair outside the bracket, which must not start a bisection). */
        if (fabs(next - x) <= 4.0 * DBL_EPSILON * fabs(x))
            return next > lo && next < hi ? next : x;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (hi - lo <= 4.0 * DBL_EPSILON * hi)
            return next;
        x = next;
    }
    return x;
}

void safer_poisson_ci(int64_t k, double conf, double *lower, double *upper)
{
    *lower = *upper = NAN;
    if (k < 0 || !(conf > 0.0 && conf < 1.0))
        return;
    double a = 0.5 * (1.0 - conf);
    /* The median of Poisson(k) is k: P(X >= k; k) and P(X <= k; k) are both
     * at least 1/2 > a, so the lower limit lies in (0, k) and the upper one
     * above k. Each bracket starts 4 + 4 sqrt(k) from k (about twice as
     * far as the 95% limits) and widens until the probability is below a. */
    double step = 4.0 + 4.0 * sqrt((double)k), lo = (double)k - step;
    while (k > 0 && lo > 0.0 && ppois_ge(k, lo) > (long double)a) {
        step *= 2.0;
        lo = (double)k - step;
    }
    *lower = k == 0 ? 0.0 : poisson_limit(k, a, false, lo > 0.0 ? lo : 0.0, (double)k);
    step = 4.0 + 4.0 * sqrt((double)k);
    double hi = (double)k + step;
    while (ppois_le(k, hi) > (long double)a) {
        step *= 2.0;
        hi = (double)k + step;
    }
    *upper = poisson_limit(k, a, true, (double)k, hi);
}
