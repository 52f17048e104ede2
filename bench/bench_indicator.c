/*
 * bench_indicator.c - what a dashboard costs: safer_indicator_list() (every
 * indicator of a partnership with its series computed, one snapshot) and
 * safer_indicator_get() of each, on a store a `safer demo` wrote (or any
 * store with a partnership's plan). Prints the median, the 99th percentile
 * and the worst of RUNS calls.
 *   safer demo --out /tmp/demo && bench_indicator /tmp/demo/demo.db [RUNS] [PARTNERSHIP_ID]
 */
#include "util/compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "safer/indicator.h"
#include "safer/store.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *ms, int n)
{
    qsort(ms, (size_t)n, sizeof(double), cmp);
    printf("%-6s %5d calls: median %.2f ms, p99 %.2f ms, worst %.2f ms\n", what, n, ms[n / 2],
           ms[(int)(0.99 * (n - 1))], ms[n - 1]);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_indicator STORE [RUNS] [PARTNERSHIP_ID]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 1000;
    if (runs < 1)
        runs = 1;
    struct safer_store *st;
    struct safer_err err = {0};
    if (safer_store_open_existing(&st, argv[1], &err) < 0) {
        fprintf(stderr, "bench_indicator: %s\n", err.msg);
        return 1;
    }
    struct safer_actor op;
    safer_actor_operator(&op);
    op.partnership_id = argc > 3 ? atoll(argv[3]) : 1;
    double *list_ms = malloc(sizeof(double) * (size_t)runs);
    double *get_ms = malloc(sizeof(double) * (size_t)runs);
    size_t n = 0;
    int rc = 0;
    for (int r = 0; r < runs && rc == 0; r++) {
        struct safer_arena arena;
        safer_arena_init(&arena);
        struct safer_indicator *list;
        double t0 = now();
        rc = safer_indicator_list(st, &op, NULL, 0, &arena, &list, &n, &err);
        list_ms[r] = (now() - t0) * 1e3;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            struct safer_indicator ind;
            struct safer_indicator_point *pts;
            struct safer_indicator_comment *c;
            size_t np, nc;
            t0 = now();
            rc = safer_indicator_get(st, &op, list[i].id, NULL, 0, &arena, &ind, &pts, &np, &c,
                                     &nc, &err);
            if (i == 0)
                get_ms[r] = (now() - t0) * 1e3;
        }
        safer_arena_release(&arena);
    }
    if (rc < 0) {
        fprintf(stderr, "bench_indicator: %s\n", err.msg);
    } else {
        printf("%s: %zu indicators\n", argv[1], n);
        report("list", list_ms, runs);
        if (n)
            report("get", get_ms, runs);
    }
    free(list_ms);
    free(get_ms);
    safer_store_close(st);
    return rc < 0;
}
