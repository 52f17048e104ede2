/*
 * moran.c - Moran's I test of area values under randomisation, as R
 * spdep::moran.test(x, listw, randomisation = TRUE, alternative = "greater",
 * zero.policy = TRUE) computes it for listw = nb2listw(nb, style = "W" or
 * "B", zero.policy = TRUE).
 *
 * With z = x - mean(x) over all n areas, weights w_ij (B: 1 for each
 * neighbour; W: 1 / |nb(i)|), S0 = sum w_ij, and n' the number of areas
 * that have neighbours (spdep's adjust.n):
 *
 *   I    = (n' / S0) * sum_i z_i sum_j w_ij z_j / sum_i z_i^2
 *   E(I) = -1 / (n' - 1)
 *   K    = n sum z^4 / (sum z^2)^2                 (n, not n')
 *   S1   = sum_i sum_{j in nb(i)} (w_ij^2 + w_ij w_ji)
 *   S2   = sum_i (sum_j w_ij + sum_j w_ji)^2
 *   V(I) = (n'((n'^2 - 3n' + 3) S1 - n' S2 + 3 S0^2)
 *           - K((n'^2 - n') S1 - 2n' S2 + 6 S0^2))
 *          / ((n' - 1)(n' - 2)(n' - 3) S0^2) - E(I)^2
 *
 * which is spdep's spweights.constants() and moran.test() term by term, in
 * their order of operations. Islands thus count in the mean, the spread and
 * the kurtosis of x but contribute no weights.
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>

#include "util/internal.h"
#include "safer/stats.h"

/* Whether j is in row i of nb (rows are strictly ascending). */
static bool has_neighbour(const struct safer_nb *nb, uint32_t i, uint32_t j)
{
    uint32_t lo = nb->start[i], hi = nb->start[i + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (nb->adj[mid] < j)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nb->start[i + 1] && nb->adj[lo] == j;
}

static int check_nb(const struct safer_nb *nb, struct safer_err *err)
{
    if (nb->n < 2)
        return safer_err_set(err, SAFER_EINVAL, "%zu areas, Moran's I needs at least 2", nb->n);
    if (nb->n > UINT32_MAX || !nb->start || nb->start[0] != 0 || (nb->start[nb->n] && !nb->adj))
        return safer_err_set(err, SAFER_EINVAL, "malformed neighbour list");
    for (size_t i = 0; i < nb->n; i++) {
        if (nb->start[i + 1] < nb->start[i])
            return safer_err_set(err, SAFER_EINVAL, "malformed neighbour list at area %zu", i);
        for (uint32_t k = nb->start[i]; k < nb->start[i + 1]; k++) {
            uint32_t j = nb->adj[k];
            if (j >= nb->n)
                return safer_err_set(err, SAFER_EINVAL,
                                     "area %zu has neighbour %u, beyond the %zu areas", i,
                                     (unsigned)j, nb->n);
            if (j == i)
                return safer_err_set(err, SAFER_EINVAL, "area %zu is its own neighbour", i);
            if (k > nb->start[i] && j <= nb->adj[k - 1])
                return safer_err_set(err, SAFER_EINVAL,
                                     "neighbours of area %zu are not in ascending order", i);
        }
    }
    return 0;
}

/* The weight of each neighbour of area i (0 for an island, never used). */
static double row_weight(const struct safer_nb *nb, size_t i, enum safer_moran_style style)
{
    uint32_t card = nb->start[i + 1] - nb->start[i];
    if (card == 0)
        return 0.0;
    return style == SAFER_MORAN_W ? 1.0 / (double)card : 1.0;
}

int safer_moran_test(const double *x, const struct safer_nb *nb, enum safer_moran_style style,
                     struct safer_moran *out, struct safer_err *err)
{
    int rc = check_nb(nb, err);
    if (rc < 0)
        return rc;
    if (style != SAFER_MORAN_W && style != SAFER_MORAN_B)
        return safer_err_set(err, SAFER_EINVAL, "unknown weights style %d", (int)style);

    size_t n = nb->n;
    bool constant = true;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return safer_err_set(err, SAFER_EINVAL, "value of area %zu is not finite", i);
        if (x[i] != x[0])
            constant = false;
        total += x[i];
    }

    *out = (struct safer_moran){ .I = NAN, .expectation = NAN, .variance = NAN, .z = NAN,
                                 .p_value = NAN, .kurtosis = NAN };
    out->islands = safer_nb_islands(nb);
    out->n_used = n - out->islands;
    if (constant || out->n_used == 0)
        return SAFER_STATS_NO_SCORE;

    /* The mean as R takes it: the sum over n, refined by a second pass. */
    double dn = (double)n;
    double mean = total / dn, corr = 0.0;
    for (size_t i = 0; i < n; i++)
        corr += x[i] - mean;
    mean += corr / dn;

    double *z = safer__xmalloc(n * sizeof(*z));
    double *cs = safer__xcalloc(n, sizeof(*cs)); /* column sums of w */
    double zz = 0.0, z4 = 0.0;
    for (size_t i = 0; i < n; i++) {
        z[i] = x[i] - mean;
        zz += z[i] * z[i];
        z4 += z[i] * z[i] * z[i] * z[i];
    }

    double s0 = 0.0, s1 = 0.0, s2 = 0.0, zlz = 0.0;
    for (size_t i = 0; i < n; i++) {
        double wi = row_weight(nb, i, style), lag = 0.0;
        for (uint32_t k = nb->start[i]; k < nb->start[i + 1]; k++) {
            uint32_t j = nb->adj[k];
            double wji = has_neighbour(nb, j, (uint32_t)i) ? row_weight(nb, j, style) : 0.0;
            lag += z[j] * wi;
            s0 += wi;
            s1 += wi * wi + wi * wji;
            cs[j] += wi;
        }
        zlz += z[i] * lag;
    }
    for (size_t i = 0; i < n; i++) {
        double rs = 0.0;
        for (uint32_t k = nb->start[i]; k < nb->start[i + 1]; k++)
            rs += row_weight(nb, i, style);
        s2 += (rs + cs[i]) * (rs + cs[i]);
    }
    free(cs);
    free(z);

    double nu = (double)out->n_used;
    double nn = nu * nu, s02 = s0 * s0;
    double K = dn * z4 / (zz * zz);
    double I = (nu / s0) * (zlz / zz);
    double ei = -1.0 / (nu - 1.0);
    double vi = nu * (s1 * (nn - 3.0 * nu + 3.0) - nu * s2 + 3.0 * s02);
    double tmp = K * (s1 * (nn - nu) - 2.0 * nu * s2 + 6.0 * s02);
    vi = (vi - tmp) / ((nu - 1.0) * (nu - 2.0) * (nu - 3.0) * s02);
    vi -= ei * ei;

    out->I = I;
    out->expectation = ei;
    out->kurtosis = K;
    if (out->n_used < 4 || !(vi > 0.0))
        return SAFER_STATS_NO_SCORE; /* no variance: (n'-1)(n'-2)(n'-3) = 0 or V(I) <= 0 */
    out->variance = vi;
    out->z = (I - ei) / sqrt(vi);
    out->p_value = safer_pnorm_upper(out->z);
    return 0;
}
