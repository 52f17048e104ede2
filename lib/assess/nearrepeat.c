/*
 * nearrepeat.c - the assessment's near-repeat (Knox) test: one category's
 * located records of the latest window in the study wards, their points in
 * metres on the British National Grid by the same PROJ transformation as
 * the hot spots, and t the month index (docs/assessment.md, Near repeats).
 */
#include "util/compat.h"

#include <math.h>
#include <stdlib.h>

#include "assess/assess_internal.h"
#include "safer/nearrepeat.h"
#include "safer/proj.h"
#include "util/internal.h"

int safer__assess_nearrepeat(struct safer_assessment *a, const struct safer_crimes *c,
                             struct safer_bng *bng, const uint32_t *loc, const int32_t *month,
                             size_t n, const struct safer_assess_opts *opts,
                             struct safer_err *err)
{
    static const double space[] = SAFER_KNOX_DEFAULT_SPACE, time[] = SAFER_KNOX_DEFAULT_TIME;
    struct safer_knox_opts ko = {space, sizeof(space) / sizeof(space[0]), time,
                                 sizeof(time) / sizeof(time[0]), SAFER_KNOX_DEFAULT_PERMS,
                                 SAFER_KNOX_DEFAULT_SEED, 0};
    if (opts->nearrepeat)
        ko = *opts->nearrepeat;
    ko.threads = opts->threads;
    if (n == 0)
        return 0;
    double *x = safer__xmalloc(sizeof(double) * n), *y = safer__xmalloc(sizeof(double) * n);
    int64_t *t = safer__xmalloc(sizeof(int64_t) * n);
    for (size_t i = 0; i < n; i++) {
        x[i] = c->xy[2 * (size_t)loc[i]];
        y[i] = c->xy[2 * (size_t)loc[i] + 1];
    }
    long bad = safer_bng_transform(bng, x, y, n, err);
    int rc = bad < 0 ? (int)bad : 0;
    size_t k = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (isnan(x[i]) || isnan(y[i])) {
            a->nr_no_point++;
            continue;
        }
        x[k] = x[i];
        y[k] = y[i];
        t[k++] = month[i];
    }
    a->nr_events = k;
    if (rc == 0 && k > 0)
        rc = safer_knox_compute(x, y, t, k, &ko, &a->nr, err);
    free(x);
    free(y);
    free(t);
    return rc;
}
