/*
 * test_locate.c - the grid point locator agrees with testing every polygon,
 * on random points, points on shared edges and vertices, and far away.
 */
#include "util/compat.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "safer/geom.h"
#include "safer/locate.h"

static uint64_t rng = 88172645463325252ULL;
static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) * 0x1p-53;
}

/* An nx x ny partition of [0, nx] x [0, ny] into wavy quadrilateral-ish
 * cells: shared vertices are perturbed identically for both neighbours, and
 * each cell edge is split into `sub` segments. */
#define NX 6
#define NY 5
#define SUB 7

static void vertex(int i, int j, double *x, double *y)
{
    /* A deterministic wobble of interior vertices. */
    double dx = (i > 0 && i < NX) ? 0.2 * sin(i * 3.1 + j * 1.7) : 0;
    double dy = (j > 0 && j < NY) ? 0.2 * cos(i * 2.3 + j * 0.9) : 0;
    *x = i + dx;
    *y = j + dy;
}

static void edge_points(int i0, int j0, int i1, int j1, double *out, int *n)
{
    double ax, ay, bx, by;
    vertex(i0, j0, &ax, &ay);
    vertex(i1, j1, &bx, &by);
    for (int k = 0; k < SUB; k++) {
        double t = (double)k / SUB;
        /* Midpoints wobble too, the same for both cells (keyed by the edge). */
        double w = (k == 0) ? 0 : 0.05 * sin((i0 + i1) * 7.0 + (j0 + j1) * 5.0 + k);
        out[2 * *n] = ax + t * (bx - ax) + w * (by - ay);
        out[2 * *n + 1] = ay + t * (by - ay) - w * (bx - ax);
        (*n)++;
    }
}

static void make_cell(struct safer_geom *g, int i, int j)
{
    safer_geom_init(g);
    g->xy = malloc(sizeof(double) * 2 * (4 * SUB + 1));
    int n = 0;
    double tmp[2 * SUB];
    edge_points(i, j, i + 1, j, g->xy, &n);
    edge_points(i + 1, j, i + 1, j + 1, g->xy, &n);
    /* The top and left edges are walked backwards: take the neighbour's points in reverse. */
    int m = 0;
    edge_points(i, j + 1, i + 1, j + 1, tmp, &m);
    for (int k = 0; k < SUB; k++) {
        int src = (k == 0) ? -1 : SUB - k;
        double x, y;
        if (src < 0) {
            vertex(i + 1, j + 1, &x, &y);
        } else {
            x = tmp[2 * src];
            y = tmp[2 * src + 1];
        }
        g->xy[2 * n] = x;
        g->xy[2 * n + 1] = y;
        n++;
    }
    m = 0;
    edge_points(i, j, i, j + 1, tmp, &m);
    for (int k = 0; k < SUB; k++) {
        int src = (k == 0) ? -1 : SUB - k;
        double x, y;
        if (src < 0) {
            vertex(i, j + 1, &x, &y);
        } else {
            x = tmp[2 * src];
            y = tmp[2 * src + 1];
        }
        g->xy[2 * n] = x;
        g->xy[2 * n + 1] = y;
        n++;
    }
    g->xy[2 * n] = g->xy[0];
    g->xy[2 * n + 1] = g->xy[1];
    n++;
    g->npoints = (uint32_t)n;
    g->nrings = 1;
    g->nparts = 1;
    g->ring_start = malloc(sizeof(uint32_t) * 2);
    g->ring_start[0] = 0;
    g->ring_start[1] = (uint32_t)n;
    g->part_start = malloc(sizeof(uint32_t) * 2);
    g->part_start[0] = 0;
    g->part_start[1] = 1;
    safer_geom_update_bbox(g);
}

static int32_t brute(const struct safer_geom *g, size_t n, double x, double y)
{
    for (size_t i = 0; i < n; i++) {
        if (safer_geom_locate(&g[i], x, y) == 1)
            return (int32_t)i;
    }
    return -1;
}

static void test_locator_agrees_with_brute_force(void **state)
{
    (void)state;
    struct safer_geom g[NX * NY];
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++)
            make_cell(&g[j * NX + i], i, j);
    struct safer_locator *l = safer_locator_new(g, NX * NY);
    size_t inside = 0, mismatches = 0;
    for (int k = 0; k < 200000; k++) {
        double x = -0.5 + uniform() * (NX + 1), y = -0.5 + uniform() * (NY + 1);
        int32_t a = safer_locator_find(l, x, y), b = brute(g, NX * NY, x, y);
        inside += a >= 0;
        mismatches += a != b;
    }
    assert_int_equal(mismatches, 0);
    assert_true(inside > 100000);
    /* Every vertex lies on a boundary: no ward contains it. */
    for (size_t c = 0; c < NX * NY; c++) {
        for (uint32_t k = 0; k < g[c].npoints; k++) {
            double x = g[c].xy[2 * k], y = g[c].xy[2 * k + 1];
            assert_int_equal(safer_locator_find(l, x, y), -1);
            assert_int_equal(brute(g, NX * NY, x, y), -1);
        }
    }
    /* Far away. */
    assert_int_equal(safer_locator_find(l, 1e6, -1e6), -1);
    assert_int_equal(safer_locator_find(l, NAN, 0), -1);
    safer_locator_free(l);
    for (size_t c = 0; c < NX * NY; c++)
        safer_geom_release(&g[c]);
}

static void test_locator_empty(void **state)
{
    (void)state;
    struct safer_locator *l = safer_locator_new(NULL, 0);
    assert_int_equal(safer_locator_find(l, 0, 0), -1);
    safer_locator_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locator_agrees_with_brute_force),
        cmocka_unit_test(test_locator_empty),
    };
    return cmocka_run_group_tests_name("locate", tests, NULL, NULL);
}
