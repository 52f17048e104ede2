/*
 * bench_knox.c - the near-repeat (Knox) test, 999 permutations, on events
 * spread over a square (half of them uniform, half in Gaussian clusters of
 * 300 m) with times 0..11, breaks 0,1,200,400,600,800,1000 m and 0..4.
 *
 *   bench_knox [THREADS]
 *
 * Prints, for 2,000 and 20,000 events in a 20 km square, the best of three
 * runs with 1 thread (CPU time of the thread) and THREADS threads (default
 * 2; wall time), and the same run (CPU time) by a
 * straightforward implementation (every pair, every permutation: O(n^2
 * perms)), timed on a few permutations and scaled to 999, with the ratio.
 * Then 2,000 events in smaller and smaller squares, to show how the time
 * grows with the number of pairs within the largest distance.
 */
#include "util/compat.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "safer/nearrepeat.h"

/* Wall time, and the calling thread's CPU time: on a shared machine the
 * CPU time of a one-thread run is what the code costs. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t lcg = 42;
static double unif(void)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg >> 11) / 9007199254740992.0;
}

static void make(size_t n, double side, double *x, double *y, int64_t *t)
{
    lcg = 42;
    double cx[40], cy[40];
    for (int c = 0; c < 40; c++) {
        cx[c] = unif() * side;
        cy[c] = unif() * side;
    }
    for (size_t i = 0; i < n; i++) {
        if (i % 2) {
            x[i] = unif() * side;
            y[i] = unif() * side;
        } else {
            int c = (int)(unif() * 40);
            double r = 300 * sqrt(-2 * log(unif() + 1e-300)), a = 6.283185307179586 * unif();
            x[i] = cx[c] + r * cos(a);
            y[i] = cy[c] + r * sin(a);
        }
        x[i] = 570000 + round(x[i]); /* whole metres, as police.uk points are near */
        y[i] = 150000 + round(y[i]);
        t[i] = (int64_t)(unif() * 12);
    }
}

static const double SB[] = {0, 1, 200, 400, 600, 800, 1000}, TB[] = {0, 1, 2, 3, 4};

/* The straightforward way: all pairs, each permutation (Fisher-Yates). */
static double naive(size_t n, const double *x, const double *y, const int64_t *t,
                    unsigned perms)
{
    int64_t *tp = malloc(n * sizeof(int64_t));
    uint64_t cnt[6 * 4] = {0};
    double t0 = cpu();
    for (unsigned p = 0; p <= perms; p++) {
        memcpy(tp, t, n * sizeof(int64_t));
        if (p)
            for (size_t i = n; i > 1; i--) {
                size_t k = (size_t)(unif() * (double)i);
                int64_t v = tp[i - 1];
                tp[i - 1] = tp[k];
                tp[k] = v;
            }
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                double d = hypot(x[i] - x[j], y[i] - y[j]);
                int64_t dt = llabs(tp[i] - tp[j]);
                int s = -1, b = -1;
                for (int k = 0; k < 6; k++)
                    if (d >= SB[k] && d < SB[k + 1])
                        s = k;
                for (int k = 0; k < 4; k++)
                    if (dt >= TB[k] && dt < TB[k + 1])
                        b = k;
                if (s >= 0 && b >= 0)
                    cnt[s * 4 + b]++;
            }
    }
    double el = cpu() - t0;
    volatile uint64_t sink = cnt[0];
    (void)sink;
    free(tp);
    return el;
}

static double fast(size_t n, const double *x, const double *y, const int64_t *t, unsigned threads,
                   uint64_t *pairs)
{
    double best = 1e30;
    for (int r = 0; r < 3; r++) {
        struct safer_knox_opts o = {SB, 7, TB, 5, 999, 1, threads};
        struct safer_knox k;
        double t0 = threads == 1 ? cpu() : now();
        if (safer_knox_compute(x, y, t, n, &o, &k, NULL) < 0) {
            fprintf(stderr, "bench_knox: failed\n");
            exit(1);
        }
        double el = (threads == 1 ? cpu() : now()) - t0;
        if (el < best)
            best = el;
        *pairs = k.close_pairs;
        safer_knox_release(&k);
    }
    return best;
}

int main(int argc, char **argv)
{
    unsigned threads = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 2;
    size_t sizes[2] = {2000, 20000};
    printf("events  pairs<1000m  1 thread, CPU (s)  %u threads, wall (s)  "
           "naive, scaled (s)  ratio\n",
           threads);
    for (int s = 0; s < 2; s++) {
        size_t n = sizes[s];
        double *x = malloc(n * sizeof(double)), *y = malloc(n * sizeof(double));
        int64_t *t = malloc(n * sizeof(int64_t));
        make(n, 20000, x, y, t);
        uint64_t pairs;
        double f1 = fast(n, x, y, t, 1, &pairs), fk = fast(n, x, y, t, threads, &pairs);
        unsigned np = n <= 2000 ? 49 : 1;
        double nv = naive(n, x, y, t, np) / (np + 1) * 1000;
        printf("%6zu  %11llu  %17.4f  %19.4f  %17.1f  %5.0f\n", n, (unsigned long long)pairs, f1,
               fk, nv, nv / f1);
        free(x);
        free(y);
        free(t);
    }
    printf("\n2000 events, denser squares (1 thread, CPU time):\nside (m)  pairs<1000m  time (s)  "
           "us per pair and 1000 perms\n");
    size_t n = 2000;
    double *x = malloc(n * sizeof(double)), *y = malloc(n * sizeof(double));
    int64_t *t = malloc(n * sizeof(int64_t));
    double sides[] = {40000, 20000, 10000, 5000, 2500, 1250};
    for (int k = 0; k < 6; k++) {
        make(n, sides[k], x, y, t);
        uint64_t pairs;
        double f1 = fast(n, x, y, t, 1, &pairs);
        printf("%8.0f  %11llu  %8.4f  %8.4f\n", sides[k], (unsigned long long)pairs, f1,
               f1 / (double)pairs * 1e6 * 1000 / 999);
    }
    free(x);
    free(y);
    free(t);
    return 0;
}
