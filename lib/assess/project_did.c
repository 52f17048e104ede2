/*
 * project_did.c - the assessment step of a problem-solving project: the
 * comparison wards chosen by similarity before the start, and a difference
 * in differences of monthly counts with a 95% t interval (project.h;
 * docs/statistics.md, "Difference in differences for a project").
 *
 * The t quantile comes from the regularised incomplete beta function,
 * evaluated by its continued fraction (modified Lentz), and bisection on
 * the upper tail, so that the interval needs nothing outside the C library.
 */
#include "util/compat.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "safer/project.h"
#include "util/internal.h"

/* ---- Student's t ---- */

/* The continued fraction of I_x(a, b), valid for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + num / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + num / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16)
            break;
    }
    return h;
}

/* The tail of Stirling's series: lgamma(x) - ((x - 0.5) log x - x +
 * log(2 pi) / 2), for x >= 20 (the next term is below 1e-30). */
static double stirling_tail(double x)
{
    double x2 = x * x;
    return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) / x2) / x;
}

/* lgamma(a + b) - lgamma(a), b > 0, without the cancellation of two large
 * values when a is large. */
static double lgamma_step(double a, double b)
{
    if (a < 20.0)
        return lgamma(a + b) - lgamma(a);
    return (a - 0.5) * log1p(b / a) + b * log(a + b) - b + stirling_tail(a + b) -
           stirling_tail(a);
}

/* The regularised incomplete beta function I_x(a, b), 0 <= x <= 1, with
 * y = 1 - x given as accurately as the caller knows it, and log x. */
static double ibeta(double a, double b, double x, double y, double logx)
{
    if (x <= 0.0)
        return 0.0;
    if (y <= 0.0)
        return 1.0;
    double lfront = lgamma_step(a, b) - lgamma(b) + a * logx + b * log(y);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(lfront) * beta_cf(a, b, x) / a;
    return 1.0 - exp(lfront) * beta_cf(b, a, y) / b;
}

/* P(T > t) for t >= 0. */
static double t_upper(double t, double df)
{
    double r = t * t / df; /* x = 1 / (1 + r), 1 - x = r / (1 + r) */
    return 0.5 * ibeta(df / 2.0, 0.5, 1.0 / (1.0 + r), r / (1.0 + r), -log1p(r));
}

double safer_qt(double p, double df)
{
    if (!(p > 0.0 && p < 1.0) || !(df > 0.0) || !isfinite(df))
        return NAN;
    if (p == 0.5)
        return 0.0;
    double q = p > 0.5 ? 1.0 - p : p; /* the upper tail wanted */
    double lo = 0.0, hi = 1.0;
    while (t_upper(hi, df) > q && hi < 1e300)
        hi *= 2.0;
    /* P(T > t) falls as t grows: bisect until the interval is one ulp. */
    for (int i = 0; i < 2200; i++) {
        double mid = lo + (hi - lo) / 2.0;
        if (mid <= lo || mid >= hi)
            break;
        if (t_upper(mid, df) > q)
            lo = mid;
        else
            hi = mid;
    }
    double t = lo + (hi - lo) / 2.0;
    return p > 0.5 ? t : -t;
}

/* ---- the comparison and the estimate ---- */

void safer_did_release(struct safer_did *d)
{
    if (!d)
        return;
    free(d->chosen);
    free(d->distance);
    free(d->comparison);
    memset(d, 0, sizeof(*d));
}

struct ranked {
    size_t i;
    double dist;
};

static int by_distance(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    if (a->dist < b->dist)
        return -1;
    if (a->dist > b->dist)
        return 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static double mean_of(const double *x, size_t from, size_t to)
{
    double s = 0.0;
    for (size_t t = from; t < to; t++)
        s += x[t];
    return s / (double)(to - from);
}

int safer_did_compute(const struct safer_did_input *in, struct safer_did *out,
                      struct safer_err *err)
{
    memset(out, 0, sizeof(*out));
    size_t T = in->nmonths, S = in->start;
    size_t k = in->k ? in->k : SAFER_DID_K_DEFAULT;
    if (S < SAFER_DID_PRE_MIN || S > T || T - S < SAFER_DID_POST_MIN)
        return safer_err_set(err, SAFER_EINVAL,
                             "the assessment needs at least %d months of data before the start "
                             "and %d from it (there are %zu before and %zu from it)",
                             SAFER_DID_PRE_MIN, SAFER_DID_POST_MIN, S < T ? S : T,
                             S < T ? T - S : 0);
    if (!in->project || (in->ncand && !in->cand))
        return safer_err_set(err, SAFER_EINVAL, "no series to compare");
    for (size_t t = 0; t < T; t++) {
        if (!(in->project[t] >= 0.0) || !isfinite(in->project[t]))
            return safer_err_set(err, SAFER_EINVAL, "month %zu of the project area's series "
                                 "is not a count", t + 1);
    }
    for (size_t j = 0; j < in->ncand * T; j++) {
        if (!(in->cand[j] >= 0.0) || !isfinite(in->cand[j]))
            return safer_err_set(err, SAFER_EINVAL, "month %zu of candidate %zu is not a count",
                                 j % T + 1, j / T + 1);
    }
    double ybar = mean_of(in->project, 0, S);
    if (!(ybar > 0.0))
        return safer_err_set(err, SAFER_EINVAL,
                             "the project area has no record of its category before the start");

    /* Each usable candidate's distance from the project area before the
     * start, both series divided by their own pre-period mean. */
    struct ranked *r = safer__xmalloc(sizeof(*r) * (in->ncand + 1));
    size_t nr = 0;
    for (size_t j = 0; j < in->ncand; j++) {
        if (in->eligible && !in->eligible[j])
            continue;
        const double *x = in->cand + j * T;
        double xbar = mean_of(x, 0, S);
        if (!(xbar > 0.0))
            continue;
        double ss = 0.0;
        for (size_t t = 0; t < S; t++) {
            double e = x[t] / xbar - in->project[t] / ybar;
            ss += e * e;
        }
        r[nr++] = (struct ranked){j, sqrt(ss)};
    }
    if (nr == 0) {
        free(r);
        return safer_err_set(err, SAFER_EINVAL, "no ward outside the project area and its "
                             "neighbours has a record of its category before the start");
    }
    qsort(r, nr, sizeof(*r), by_distance);
    if (k > nr)
        k = nr;
    out->k = k;
    out->chosen = safer__xmalloc(sizeof(*out->chosen) * k);
    out->distance = safer__xmalloc(sizeof(*out->distance) * k);
    for (size_t i = 0; i < k; i++) {
        out->chosen[i] = r[i].i;
        out->distance[i] = r[i].dist;
    }
    free(r);

    /* The pooled comparison, scaled to the project area's pre mean. */
    out->comparison = safer__xcalloc(T, sizeof(double));
    for (size_t i = 0; i < k; i++) {
        const double *x = in->cand + out->chosen[i] * T;
        for (size_t t = 0; t < T; t++)
            out->comparison[t] += x[t];
    }
    double cbar = mean_of(out->comparison, 0, S);
    out->scale = ybar / cbar;
    for (size_t t = 0; t < T; t++)
        out->comparison[t] *= out->scale;

    /* d_t = y_t - c_t; the estimate is the OLS slope of d on the post
     * indicator, which is the difference of the two means of d. */
    out->npre = S;
    out->npost = T - S;
    out->pre_project = ybar;
    out->post_project = mean_of(in->project, S, T);
    out->pre_comparison = mean_of(out->comparison, 0, S);
    out->post_comparison = mean_of(out->comparison, S, T);
    double dpre = 0.0, dpost = 0.0;
    for (size_t t = 0; t < T; t++) {
        double d = in->project[t] - out->comparison[t];
        if (t < S)
            dpre += d;
        else
            dpost += d;
    }
    dpre /= (double)out->npre;
    dpost /= (double)out->npost;
    double ssr = 0.0;
    for (size_t t = 0; t < T; t++) {
        double d = in->project[t] - out->comparison[t], e = d - (t < S ? dpre : dpost);
        ssr += e * e;
    }
    out->estimate = dpost - dpre;
    out->df = (double)(T - 2);
    out->se = sqrt(ssr / out->df) * sqrt(1.0 / (double)out->npre + 1.0 / (double)out->npost);
    out->tcrit = safer_qt(0.975, out->df);
    out->lower = out->estimate - out->tcrit * out->se;
    out->upper = out->estimate + out->tcrit * out->se;
    out->percent = out->post_comparison > 0.0 ? 100.0 * out->estimate / out->post_comparison
                                              : NAN;
    return 0;
}
