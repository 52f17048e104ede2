/*
 * bench_popup.c - time to prove the best p pop-up sites by enumeration
 * (visits.h, safer_popup_solve) for borough-sized inputs: n candidates and
 * m demand points scattered over a 20 km square, one existing venue in the
 * middle, p from 1 to 4, both objectives. It prints n, m, p, the objective,
 * the sets evaluated and the time.
 *
 *   bench_popup [m]     (default 600: about a borough's LSOAs and more)
 */
#include "util/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "safer/visits.h"

static uint64_t state = 1;
static double uniform(void)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(state >> 11) + 0.5) / 9007199254740992.0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t m = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 600;
    static const size_t NS[] = {20, 30, 60};
    double *dx = malloc(m * sizeof(double)), *dy = malloc(m * sizeof(double));
    double *w = malloc(m * sizeof(double)), cx[60], cy[60], ex = 10000, ey = 10000;
    if (!dx || !dy || !w)
        return 1;
    for (size_t i = 0; i < m; i++) {
        dx[i] = 20000 * uniform();
        dy[i] = 20000 * uniform();
        w[i] = 1000 + 1000 * uniform();
    }
    for (size_t j = 0; j < 60; j++) {
        cx[j] = 20000 * uniform();
        cy[j] = 20000 * uniform();
    }
    printf("candidates,demand_points,p,objective,sets,seconds\n");
    for (size_t k = 0; k < sizeof(NS) / sizeof(NS[0]); k++) {
        for (int p = 1; p <= 4; p++) {
            for (int o = SAFER_POPUP_COVER; o <= SAFER_POPUP_MEDIAN; o++) {
                struct safer_popup_problem pr = {
                    .m = m, .dx = dx, .dy = dy, .w = w, .ne = 1, .ex = &ex, .ey = &ey,
                    .nc = NS[k], .cx = cx, .cy = cy, .p = p, .objective = o, .distance = 3000};
                struct safer_popup_result r;
                struct safer_err err = {0};
                double t0 = now();
                int rc = safer_popup_solve(&pr, &r, &err);
                double t = now() - t0;
                if (rc < 0) {
                    printf("%zu,%zu,%d,%s,failed: %s,\n", NS[k], m, p,
                           safer_popup_objective_name(o), err.msg);
                    continue;
                }
                printf("%zu,%zu,%d,%s,%llu,%.4f\n", NS[k], m, p, safer_popup_objective_name(o),
                       (unsigned long long)r.sets, t);
            }
        }
    }
    free(dx);
    free(dy);
    free(w);
    return 0;
}
