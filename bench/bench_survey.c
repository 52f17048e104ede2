/*
 * bench_survey.c - raking and the linearised estimates of survey.h on
 * fictional surveys of n respondents in 14 age x sex cells and 26 wards
 * (the demo's shape), for n = 2,350 (a residents' survey), 20,000 and
 * 200,000.
 *
 *   bench_survey
 *
 * Prints per n the best of three runs (CPU time of the thread): raking to
 * 1e-12 (with its passes), the design's factorisation, and one question's
 * estimates overall and for every ward (27 estimates).
 */
#include "util/compat.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/survey.h"

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t state = 42;
static double unif(void)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(state >> 11) / 9007199254740992.0;
}

enum { NCELL = 14, NWARD = 26 };

int main(void)
{
    static const size_t sizes[] = {2350, 20000, 200000};
    double pop_cell[NCELL], pop_ward[NWARD], tc = 0, tw = 0;
    for (int k = 0; k < NCELL; k++)
        tc += pop_cell[k] = 5000 + 700 * k;
    for (int k = 0; k < NWARD; k++)
        tw += pop_ward[k] = 4000 + 250 * (k % 9);
    for (int k = 0; k < NWARD; k++)
        pop_ward[k] *= tc / tw;
    printf("%10s %8s %12s %12s %14s\n", "n", "passes", "rake (ms)", "design (ms)",
           "27 estimates (ms)");
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        size_t n = sizes[s];
        uint32_t *cell = malloc(n * sizeof(uint32_t)), *ward = malloc(n * sizeof(uint32_t));
        signed char *y = malloc(n);
        double *w = malloc(n * sizeof(double));
        if (!cell || !ward || !y || !w)
            return 1;
        state = 42;
        for (size_t i = 0; i < n; i++) {
            /* Older cells and low-numbered wards answer more. */
            cell[i] = (uint32_t)(NCELL * sqrt(unif()));
            ward[i] = (uint32_t)(NWARD * unif() * unif() * 1.999) % NWARD;
            if (i < NCELL)
                cell[i] = (uint32_t)i;
            if (i < NWARD)
                ward[i] = (uint32_t)i;
            double u = unif();
            y[i] = u < 0.03 ? -1 : u < 0.03 + 0.6 ? 1 : 0;
        }
        struct safer_rake_margin m[2] = {{"age_sex", NCELL, pop_cell, cell},
                                         {"ward", NWARD, pop_ward, ward}};
        double best[3] = {INFINITY, INFINITY, INFINITY};
        struct safer_rake_result res;
        for (int run = 0; run < 3; run++) {
            struct safer_err err = {0};
            double t0 = cpu();
            if (safer_rake(n, m, 2, NULL, w, &res, &err) < 0) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            double t1 = cpu();
            struct safer_survey_design d;
            if (safer_survey_design_init(&d, n, w, m, 2, &err) < 0) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            double t2 = cpu();
            struct safer_survey_est e;
            safer_survey_estimate(&d, y, NULL, 0, &e);
            for (uint32_t k = 0; k < NWARD; k++)
                safer_survey_estimate(&d, y, ward, k, &e);
            double t3 = cpu();
            safer_survey_design_release(&d);
            best[0] = fmin(best[0], t1 - t0);
            best[1] = fmin(best[1], t2 - t1);
            best[2] = fmin(best[2], t3 - t2);
        }
        printf("%10zu %8d %12.3f %12.3f %14.3f\n", n, res.iterations, 1e3 * best[0],
               1e3 * best[1], 1e3 * best[2]);
        free(cell);
        free(ward);
        free(y);
        free(w);
    }
    return 0;
}
