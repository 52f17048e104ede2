/*
 * rake.c - raking a survey's weights to population margins, and the
 * weighted proportions with their linearisation standard errors.
 *
 * Raking is iterative proportional fitting from unit design weights: each
 * pass scales the weights of every category of every margin in turn so that
 * they sum to its population, until every margin holds to a relative
 * SAFER_SURVEY_RAKE_TOL. The result is the raking (multiplicative)
 * calibration estimator, the same weights as R's calibrate(..., calfun =
 * "raking") reaches by Newton steps.
 *
 * The variance is R survey's for such a design (svyrecvar with a
 * greg_calibration post-stratum; docs/statistics.md): a proportion's
 * influence values z are replaced by their residuals from the least-squares
 * fit of z / g on the margins' model matrix X, scaled back by g (here
 * g = w, as the design weights are 1): e = z - w * X (X'X)^-1 X'(z / w).
 * The variance of the total of e is then the with-replacement one of a
 * single-stage design, n / (n - 1) * sum (e - mean e)^2. A domain (a ward)
 * keeps every respondent of the wave, those outside it with z = 0, as
 * svyby does for a calibrated design.
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/stats.h"
#include "safer/survey.h"
#include "util/internal.h"

/* qnorm(0.975) */
#define Z975 1.959963984540054

static double margin_gap(size_t n, const struct safer_rake_margin *m, const double *w,
                         double *sum)
{
    memset(sum, 0, m->ncat * sizeof(double));
    for (size_t i = 0; i < n; i++)
        sum[m->cat[i]] += w[i];
    double gap = 0;
    for (size_t k = 0; k < m->ncat; k++) {
        double r = fabs(sum[k] - m->pop[k]) / m->pop[k];
        if (r > gap)
            gap = r;
    }
    return gap;
}

int safer_rake(size_t n, const struct safer_rake_margin *m, size_t nm,
               const struct safer_rake_opts *opts, double *w, struct safer_rake_result *res,
               struct safer_err *err)
{
    memset(res, 0, sizeof(*res));
    double tol = opts && opts->tol > 0 ? opts->tol : SAFER_SURVEY_RAKE_TOL;
    int maxit = opts && opts->maxit > 0 ? opts->maxit : SAFER_SURVEY_RAKE_MAXIT;
    if (n == 0 || nm == 0)
        return safer_err_set(err, SAFER_EINVAL, "nothing to rake: %zu respondents, %zu margins",
                             n, nm);
    size_t maxcat = 1;
    for (size_t j = 0; j < nm; j++)
        if (m[j].ncat > maxcat)
            maxcat = m[j].ncat;
    double *sum = safer__xcalloc(maxcat, sizeof(double));
    double *cnt = safer__xcalloc(maxcat, sizeof(double));
    int rc = 0;
    /* A category with population but nobody in it cannot be fitted. */
    for (size_t j = 0; j < nm && rc == 0; j++) {
        memset(cnt, 0, m[j].ncat * sizeof(double));
        for (size_t i = 0; i < n; i++) {
            if (m[j].cat[i] >= m[j].ncat) {
                rc = safer_err_set(err, SAFER_EINVAL, "respondent %zu has no category of margin '%s'",
                                   i + 1, m[j].name);
                break;
            }
            cnt[m[j].cat[i]] += 1;
        }
        for (size_t k = 0; rc == 0 && k < m[j].ncat; k++)
            if (!(m[j].pop[k] > 0) || cnt[k] == 0)
                rc = safer_err_set(err, SAFER_EINVAL,
                                   !(m[j].pop[k] > 0)
                                       ? "margin '%s': category %zu has no population"
                                       : "margin '%s': category %zu has a population but no "
                                         "respondent, so the weights cannot reach it",
                                   m[j].name, k + 1);
    }
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0;
    double gap = INFINITY;
    int it = 0;
    while (rc == 0 && it < maxit) {
        it++;
        for (size_t j = 0; j < nm; j++) {
            margin_gap(n, &m[j], w, sum);
            for (size_t k = 0; k < m[j].ncat; k++)
                sum[k] = m[j].pop[k] / sum[k];
            for (size_t i = 0; i < n; i++)
                w[i] *= sum[m[j].cat[i]];
        }
        gap = 0;
        for (size_t j = 0; j < nm; j++) {
            double g = margin_gap(n, &m[j], w, sum);
            if (g > gap)
                gap = g;
        }
        if (gap < tol)
            break;
    }
    if (rc == 0 && !(gap < tol))
        rc = safer_err_set(err, SAFER_EINVAL,
                           "raking did not converge: margins still %.3g apart after %d passes", gap,
                           it);
    free(sum);
    free(cnt);
    if (rc < 0)
        return rc;
    res->iterations = it;
    res->max_rel = gap;
    double tot = 0;
    for (size_t i = 0; i < n; i++)
        tot += w[i];
    res->mean = tot / (double)n;
    /* Trimming as R's calibrate(trim = c(lo, hi)): bound, then share what
     * was cut equally among the weights inside the bounds, once. */
    if (opts && (opts->trim_lo > 0 || opts->trim_hi > 0)) {
        double lo = opts->trim_lo * res->mean;
        double hi = opts->trim_hi > 0 ? opts->trim_hi * res->mean : INFINITY;
        double cut = 0;
        size_t inside = 0;
        for (size_t i = 0; i < n; i++) {
            if (w[i] < lo || w[i] > hi)
                res->trimmed++;
            else
                inside++;
        }
        if (res->trimmed > 0 && inside > 0) {
            double share;
            for (size_t i = 0; i < n; i++) {
                double b = w[i] < lo ? lo : w[i] > hi ? hi : w[i];
                cut += w[i] - b;
            }
            share = cut / (double)inside;
            for (size_t i = 0; i < n; i++)
                w[i] = w[i] < lo ? lo : w[i] > hi ? hi : w[i] + share;
        } else {
            res->trimmed = 0;
        }
    }
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        s1 += w[i];
        s2 += w[i] * w[i];
    }
    res->deff = (double)n * s2 / (s1 * s1);
    return 0;
}

/* The model matrix's nonzero columns for respondent i: 0 (the intercept)
 * and each margin's column unless its category is the first. */
static size_t columns(const struct safer_survey_design *d, size_t i, size_t *col)
{
    size_t k = 0;
    col[k++] = 0;
    for (size_t j = 0; j < d->nm; j++)
        if (d->cat[j][i] > 0)
            col[k++] = d->off[j] + d->cat[j][i] - 1;
    return k;
}

int safer_survey_design_init(struct safer_survey_design *d, size_t n, const double *w,
                             const struct safer_rake_margin *m, size_t nm, struct safer_err *err)
{
    memset(d, 0, sizeof(*d));
    if (nm > 4)
        return safer_err_set(err, SAFER_EINVAL, "%zu margins: at most 4", nm);
    d->n = n;
    d->w = w;
    d->nm = nm;
    d->p = 1;
    for (size_t j = 0; j < nm; j++) {
        d->cat[j] = m[j].cat;
        d->off[j] = d->p;
        d->p += m[j].ncat - 1;
    }
    size_t p = d->p;
    double *a = safer__xcalloc(p * p, sizeof(double));
    size_t col[5];
    for (size_t i = 0; i < n; i++) {
        size_t k = columns(d, i, col);
        for (size_t r = 0; r < k; r++)
            for (size_t c = 0; c < k; c++)
                a[col[r] * p + col[c]] += 1;
    }
    /* Cholesky, lower triangle in place: X'X is positive definite unless
     * a category is empty or two are the same people. */
    for (size_t j = 0; j < p; j++) {
        double s = a[j * p + j];
        for (size_t k = 0; k < j; k++)
            s -= a[j * p + k] * a[j * p + k];
        if (!(s > 1e-9 * (double)n)) {
            free(a);
            return safer_err_set(err, SAFER_EINVAL,
                                 "the margins' model matrix is singular: a category has no "
                                 "respondent, or two categories hold the same respondents");
        }
        a[j * p + j] = sqrt(s);
        for (size_t i = j + 1; i < p; i++) {
            double t = a[i * p + j];
            for (size_t k = 0; k < j; k++)
                t -= a[i * p + k] * a[j * p + k];
            a[i * p + j] = t / a[j * p + j];
        }
    }
    d->chol = a;
    return 0;
}

void safer_survey_design_release(struct safer_survey_design *d)
{
    free(d->chol);
    memset(d, 0, sizeof(*d));
}

static bool in_domain(const uint32_t *dom, uint32_t dv, size_t i)
{
    return !dom || dom[i] == dv;
}

void safer_survey_estimate(const struct safer_survey_design *d, const signed char *y,
                           const uint32_t *dom, uint32_t dv, struct safer_survey_est *out)
{
    memset(out, 0, sizeof(*out));
    double sw = 0, swy = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (y[i] < 0 || !in_domain(dom, dv, i))
            continue;
        out->base++;
        sw += d->w[i];
        swy += d->w[i] * (y[i] > 0);
    }
    out->wbase = sw;
    out->small = out->base < SAFER_SURVEY_SMALL_BASE;
    if (out->base == 0 || !(sw > 0)) {
        out->p = out->se = out->lo = out->hi = NAN;
        return;
    }
    double p = swy / sw;
    out->p = p;
    size_t np = d->p, col[5];
    /* b = X'u with u = z / w = (y - p) / sw in the base and domain. */
    double *b = safer__xcalloc(np, sizeof(double));
    for (size_t i = 0; i < d->n; i++) {
        if (y[i] < 0 || !in_domain(dom, dv, i))
            continue;
        double u = ((y[i] > 0) - p) / sw;
        size_t k = columns(d, i, col);
        for (size_t r = 0; r < k; r++)
            b[col[r]] += u;
    }
    /* Solve L L' beta = b. */
    const double *L = d->chol;
    for (size_t i = 0; i < np; i++) {
        double t = b[i];
        for (size_t k = 0; k < i; k++)
            t -= L[i * np + k] * b[k];
        b[i] = t / L[i * np + i];
    }
    for (size_t i = np; i-- > 0;) {
        double t = b[i];
        for (size_t k = i + 1; k < np; k++)
            t -= L[k * np + i] * b[k];
        b[i] = t / L[i * np + i];
    }
    /* Residuals e = z - w x'beta, centred, with the n / (n - 1) factor. */
    double se = 0, see = 0;
    for (int pass = 0; pass < 2; pass++) {
        double mean = se / (double)d->n;
        for (size_t i = 0; i < d->n; i++) {
            double z = 0;
            if (y[i] >= 0 && in_domain(dom, dv, i))
                z = d->w[i] * ((y[i] > 0) - p) / sw;
            size_t k = columns(d, i, col);
            double fit = 0;
            for (size_t r = 0; r < k; r++)
                fit += b[col[r]];
            double e = z - d->w[i] * fit;
            if (pass == 0)
                se += e;
            else
                see += (e - mean) * (e - mean);
        }
    }
    free(b);
    double var = d->n > 1 ? see * (double)d->n / (double)(d->n - 1) : NAN;
    out->se = sqrt(var);
    out->lo = p - Z975 * out->se;
    out->hi = p + Z975 * out->se;
    if (out->lo < 0)
        out->lo = 0;
    if (out->hi > 1)
        out->hi = 1;
}

void safer_survey_change(const struct safer_survey_est *a, const struct safer_survey_est *b,
                         struct safer_survey_change *out)
{
    out->diff = b->p - a->p;
    out->se = sqrt(a->se * a->se + b->se * b->se);
    out->z = out->se > 0 ? out->diff / out->se : NAN;
    out->p = isfinite(out->z) ? safer_pnorm_two_sided(out->z) : NAN;
}
