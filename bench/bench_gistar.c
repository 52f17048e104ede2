/*
 * bench_gistar.c - Getis-Ord Gi* and its classification on a square grid of
 * about 100,000 cells (a 400 x 250 rectangle with a ragged edge), with
 * clustered counts. Prints the best of several runs of each phase.
 *   bench_gistar [CELLS]
 */
#include "util/compat.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "safer/stats.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t want = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    int w = (int)ceil(sqrt((double)want * 1.6)), h = (int)ceil((double)want / w);
    int32_t *ci = malloc(sizeof(int32_t) * want), *cj = malloc(sizeof(int32_t) * want);
    double *x = malloc(sizeof(double) * want), *z = malloc(sizeof(double) * want);
    double *padj = malloc(sizeof(double) * want);
    uint32_t *nb = malloc(sizeof(uint32_t) * want);
    enum safer_gi_class *cls = malloc(sizeof(*cls) * want);
    size_t n = 0;
    uint64_t s = 42;
    for (int j = 0; j < h && n < want; j++) {
        for (int i = 0; i < w && n < want; i++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            double d1 = hypot(i - w * 0.3, j - h * 0.4), d2 = hypot(i - w * 0.7, j - h * 0.6);
            ci[n] = 2000 + i;
            cj[n] = 500 + j;
            x[n] = floor(20 * exp(-d1 / 8) + 12 * exp(-d2 / 5) + (double)(s >> 61));
            n++;
        }
    }
    double best_g = 1e9, best_c = 1e9;
    for (int r = 0; r < 7; r++) {
        double t0 = now();
        int rc = safer_gistar(ci, cj, x, n, z, nb, NULL);
        double t1 = now();
        safer_gi_classify(z, n, padj, cls);
        double t2 = now();
        if (rc < 0) {
            fprintf(stderr, "bench_gistar: safer_gistar failed (%d)\n", rc);
            return 1;
        }
        if (t1 - t0 < best_g)
            best_g = t1 - t0;
        if (t2 - t1 < best_c)
            best_c = t2 - t1;
    }
    size_t hot = 0;
    for (size_t k = 0; k < n; k++)
        hot += cls[k] > 0 && cls[k] <= SAFER_GI_HOT99;
    printf("cells %zu  gistar %.2f ms  classify (p, BH, classes) %.2f ms  total %.2f ms  "
           "target 50 ms  hot cells %zu\n",
           n, best_g * 1e3, best_c * 1e3, (best_g + best_c) * 1e3, hot);
    free(ci);
    free(cj);
    free(x);
    free(z);
    free(padj);
    free(nb);
    free(cls);
    return 0;
}
