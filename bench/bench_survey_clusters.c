/*
 * bench_survey_clusters.c - what the survey's estimates by ward cluster
 * add to a report: the assessment of an area, then its ward clusters
 * (safer_ward_clusters(), solved once by the cluster section and again by
 * section 8) and the estimates of every wave and question by cluster
 * (safer_survey_results_groups()).
 *
 *   safer demo --out demo && bench_survey_clusters demo/demo.db [AREA]
 *
 * AREA defaults to the demo partnership's, E22900001. Prints the CPU time
 * of the thread: the assessment once, and the mean of 20 runs of each of
 * the other two.
 */
#include "util/compat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "safer/assess.h"
#include "safer/clusters.h"
#include "safer/store.h"
#include "safer/survey.h"

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_survey_clusters STORE [AREA]\n");
        return 2;
    }
    struct safer_store *st;
    struct safer_err err = {0};
    if (safer_store_open(&st, argv[1], &err) < 0) {
        fprintf(stderr, "bench_survey_clusters: %s\n", err.msg);
        return 1;
    }
    struct safer_assess_opts o = {
        .to = -1, .area = argc > 2 ? argv[2] : "E22900001", .cell = 250, .threads = 1};
    struct safer_assessment a;
    double t0 = cpu();
    if (safer_assess_compute(st, &o, &a, &err) < 0) {
        fprintf(stderr, "bench_survey_clusters: %s\n", err.msg);
        safer_store_close(st);
        return 1;
    }
    double t1 = cpu();
    if (!a.survey) {
        fprintf(stderr, "bench_survey_clusters: the store holds no survey\n");
        safer_assessment_release(&a);
        safer_store_close(st);
        return 1;
    }
    enum { RUNS = 20 };
    double tc = 0, tg = 0;
    size_t k = 0, rows = 0;
    for (int i = 0; i < RUNS; i++) {
        struct safer_ward_clusters wc;
        double s = cpu();
        int rc = safer_ward_clusters(&a, SAFER_CLUSTERS_WARD_SIZE, &wc, &err);
        double m = cpu();
        struct safer_survey_results r;
        memset(&r, 0, sizeof(r));
        if (rc == 0) {
            struct safer_survey_groups g = {wc.attr.n, (const char *const *)wc.attr.code,
                                            wc.result.cluster, wc.result.k};
            rc = safer_survey_results_groups(a.survey, false, &g, &r, &err);
        }
        double e = cpu();
        if (rc < 0) {
            fprintf(stderr, "bench_survey_clusters: %s\n", err.msg);
            safer_ward_clusters_release(&wc);
            break;
        }
        tc += m - s;
        tg += e - m;
        k = wc.result.k;
        rows = r.nrows;
        safer_survey_results_release(&r);
        safer_ward_clusters_release(&wc);
    }
    printf("wards %zu, clusters %zu, waves %zu, estimate rows %zu\n", a.nwards, k,
           a.survey->nwaves, rows);
    printf("assessment            %8.1f ms\n", 1e3 * (t1 - t0));
    printf("ward clusters (solve) %8.2f ms (mean of %d)\n", 1e3 * tc / RUNS, RUNS);
    printf("estimates by cluster  %8.2f ms (mean of %d)\n", 1e3 * tg / RUNS, RUNS);
    safer_assessment_release(&a);
    safer_store_close(st);
    return 0;
}
