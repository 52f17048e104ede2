/*
 * bench_clusters.c - time to prove the least ward clusters for boroughs of
 * 24 to 48 made-up wards.
 *
 * The wards are the cells of an r x c grid whose neighbours are the rook
 * neighbours plus one diagonal (six each inside the grid, as wards on a
 * map have about five or six), with d = 7 attributes: a smooth trend over
 * the grid plus noise, so that neighbours are alike as real wards are.
 * K = ceil(n / max_size). For each size, `seeds` boroughs; it prints each
 * one's time, whether it was proved, its nodes and connected groups.
 *
 *   bench_clusters [max_size [seeds [max_nodes]]]     (default 4 5 20000000)
 */
#include "util/compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "safer/clusters.h"
#include "safer/stats.h"

static uint64_t state;
static double uniform(void)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(state >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void)
{
    return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The grid's neighbour list: rook neighbours and the (+1, +1) diagonal. */
static void grid_nb(size_t r, size_t c, struct safer_nb *nb)
{
    size_t n = r * c;
    nb->n = n;
    nb->start = calloc(n + 1, sizeof(uint32_t));
    nb->adj = calloc(6 * n, sizeof(uint32_t));
    uint32_t e = 0;
    for (size_t i = 0; i < r; i++) {
        for (size_t j = 0; j < c; j++) {
            nb->start[i * c + j] = e;
            /* In ascending order of index. */
            long cand[6][2] = {{-1, -1}, {-1, 0}, {0, -1}, {0, 1}, {1, 0}, {1, 1}};
            for (int q = 0; q < 6; q++) {
                long a = (long)i + cand[q][0], b = (long)j + cand[q][1];
                if (a >= 0 && b >= 0 && a < (long)r && b < (long)c)
                    nb->adj[e++] = (uint32_t)((size_t)a * c + (size_t)b);
            }
        }
    }
    nb->start[n] = e;
}

int main(int argc, char **argv)
{
    size_t max_size = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 4;
    int seeds = argc > 2 ? atoi(argv[2]) : 5;
    uint64_t max_nodes = argc > 3 ? strtoull(argv[3], NULL, 10) : 0;
    const size_t shapes[][2] = {{4, 6}, {5, 6}, {6, 6}, {6, 7}, {6, 8}};
    const size_t d = 7;
    printf("n,k,max_size,seed,seconds,proved,total,lower_bound,nodes,subsets\n");
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        size_t r = shapes[s][0], c = shapes[s][1], n = r * c;
        struct safer_nb nb;
        grid_nb(r, c, &nb);
        double *x = malloc(sizeof(double) * n * d);
        for (int seed = 1; seed <= seeds; seed++) {
            state = (uint64_t)seed * 1000003u + n;
            for (size_t j = 0; j < d; j++) {
                double a = normal(), b = normal();
                for (size_t i = 0; i < n; i++)
                    x[i * d + j] = a * (double)(i / c) / (double)r +
                                   b * (double)(i % c) / (double)c + 0.5 * normal();
            }
            safer_clusters_standardise(x, n, d, NULL, NULL);
            struct safer_clusters_opts o = {
                .k = (n + max_size - 1) / max_size, .max_size = max_size, .max_nodes = max_nodes};
            struct safer_clusters res;
            struct safer_err err = {0};
            double t0 = now();
            int rc = safer_clusters_solve(x, d, &nb, &o, &res, &err);
            double t1 = now();
            if (rc < 0) {
                printf("%zu,%zu,%zu,%d,%.3f,error: %s\n", n, o.k, max_size, seed, t1 - t0,
                       err.msg);
                continue;
            }
            printf("%zu,%zu,%zu,%d,%.3f,%s,%.6f,%.6f,%llu,%zu\n", n, o.k, max_size, seed, t1 - t0,
                   res.proved ? "yes" : "no", res.total, res.lower_bound,
                   (unsigned long long)res.nodes, res.subsets);
            fflush(stdout);
            safer_clusters_release(&res);
        }
        free(x);
        free(nb.start);
        free(nb.adj);
    }
    return 0;
}
