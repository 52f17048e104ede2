/*
 * test_geom.c - the exact orientation predicate and point-in-polygon.
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

static void test_orient2d_signs(void **state)
{
    (void)state;
    assert_int_equal(safer_orient2d(0, 0, 1, 0, 0, 1), 1);
    assert_int_equal(safer_orient2d(0, 0, 1, 0, 0, -1), -1);
    assert_int_equal(safer_orient2d(0, 0, 1, 1, 2, 2), 0);
}

/* Points a hair off a line, where the plain double formula gets the sign wrong. */
static void test_orient2d_is_exact_near_a_line(void **state)
{
    (void)state;
    /* Collinear in exact arithmetic: c = a + 3 (b - a) with representable steps. */
    double ax = 0.1, ay = 0.1, bx = 0.2, by = 0.2;
    assert_int_equal(safer_orient2d(0.5, 0.5, 12.0, 12.0, 24.0, 24.0), 0);
    /* Nudge c by one ulp each way: the sign must follow the nudge. */
    double cx = 24.0, cy = nextafter(24.0, 25.0);
    assert_int_equal(safer_orient2d(0.5, 0.5, 12.0, 12.0, cx, cy), 1);
    cy = nextafter(24.0, 23.0);
    assert_int_equal(safer_orient2d(0.5, 0.5, 12.0, 12.0, cx, cy), -1);
    /* A classic failure of the naive formula (Kettner et al.). */
    int naive_wrong = 0;
    for (int i = 0; i < 256; i++) {
        double px = 0.5 + i * 0x1p-53, py = 0.5;
        int o = safer_orient2d(px, py, 12.0, 12.0, 24.0, 24.0);
        double det = (12.0 - px) * (24.0 - py) - (12.0 - py) * (24.0 - px);
        int s = (det > 0) - (det < 0);
        /* The exact sign: p is right of the line y = x when px > py, so clockwise. */
        int want = px > py ? -1 : 0;
        assert_int_equal(o, want);
        naive_wrong += s != want;
    }
    assert_true(naive_wrong > 0); /* the test does exercise the exact path */
    (void)ax;
    (void)ay;
    (void)bx;
    (void)by;
}

/* A square 0..10 with a hole 4..6, plus a detached square 20..21. */
static void square_with_hole(struct safer_geom *g)
{
    static double xy[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0, 4, 4, 4, 6, 6, 6, 6, 4, 4, 4,
                          20, 0, 21, 0, 21, 1, 20, 1, 20, 0};
    static uint32_t rings[] = {0, 5, 10, 15};
    static uint32_t parts[] = {0, 2, 3};
    safer_geom_init(g);
    g->xy = xy;
    g->ring_start = rings;
    g->part_start = parts;
    g->npoints = 15;
    g->nrings = 3;
    g->nparts = 2;
    safer_geom_update_bbox(g);
}

static void test_locate_table(void **state)
{
    (void)state;
    struct safer_geom g;
    square_with_hole(&g);
    static const struct {
        double x, y;
        int want;
    } cases[] = {
        {1, 1, 1},       /* interior */
        {5, 5, -1},      /* in the hole */
        {4, 5, 0},       /* on the hole's edge */
        {4, 4, 0},       /* on the hole's corner */
        {0, 5, 0},       /* on the shell's edge */
        {10, 10, 0},     /* on the shell's corner */
        {0, 0, 0},       /* on the first vertex */
        {11, 5, -1},     /* outside */
        {-1, 0, -1},     /* outside, level with a horizontal edge */
        {20.5, 0.5, 1},  /* in the detached part */
        {21, 0.5, 0},    /* on the detached part's edge */
        {15, 0.5, -1},   /* between the parts */
        {9.999999999999998, 9.999999999999998, 1},
        {10.000000000000002, 5, -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = safer_geom_locate(&g, cases[i].x, cases[i].y);
        if (got != cases[i].want)
            fail_msg("case %zu (%g, %g): got %d, want %d", i, cases[i].x, cases[i].y, got,
                     cases[i].want);
    }
}

/* A point on a slanted edge computed exactly: (1/3 along an edge with
 * power-of-two coordinates) is on the boundary only when exactly on it. */
static void test_locate_slanted_edge(void **state)
{
    (void)state;
    static double xy[] = {0, 0, 8, 2, 8, 8, 0, 8, 0, 0};
    static uint32_t rings[] = {0, 5};
    static uint32_t parts[] = {0, 1};
    struct safer_geom g;
    safer_geom_init(&g);
    g.xy = xy;
    g.ring_start = rings;
    g.part_start = parts;
    g.npoints = 5;
    g.nrings = 1;
    g.nparts = 1;
    safer_geom_update_bbox(&g);
    assert_int_equal(safer_geom_locate(&g, 4, 1), 0);
    assert_int_equal(safer_geom_locate(&g, 4, nextafter(1.0, 2.0)), 1);
    assert_int_equal(safer_geom_locate(&g, 4, nextafter(1.0, 0.0)), -1);
}

static void test_geom_copy_is_deep(void **state)
{
    (void)state;
    struct safer_geom g, c;
    square_with_hole(&g);
    safer_geom_copy(&c, &g);
    assert_ptr_not_equal(c.xy, g.xy);
    c.xy[0] = 99;
    assert_true(g.xy[0] == 0);
    assert_int_equal(safer_geom_locate(&c, 1, 1), 1);
    safer_geom_release(&c);
    assert_null(c.xy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orient2d_signs),
        cmocka_unit_test(test_orient2d_is_exact_near_a_line),
        cmocka_unit_test(test_locate_table),
        cmocka_unit_test(test_locate_slanted_edge),
        cmocka_unit_test(test_geom_copy_is_deep),
    };
    return cmocka_run_group_tests_name("geom", tests, NULL, NULL);
}
