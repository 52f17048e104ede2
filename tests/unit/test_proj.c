/*
 * test_proj.c - grid cells through the lattice are the cells PROJ's own
 * coordinates give: random points over Kent, points within a nanometre to
 * a metre of cell lines, points outside Great Britain, and no location.
 * The reference is PROJ itself, called here directly.
 */
#include "util/compat.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <proj.h>

#include "safer/proj.h"

static uint64_t rng = 88172645463325252ULL;
static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) * 0x1p-53;
}

/* PROJ called directly (the reference), and safer's transformation. */
struct ref {
    PJ_CONTEXT *ctx;
    PJ *pj;
    struct safer_bng *bng;
};

static void ref_open(struct ref *r)
{
    struct safer_err err = {0};
    r->bng = NULL;
    assert_int_equal(safer_bng_new(&r->bng, &err), 0);
    r->ctx = proj_context_create();
    proj_context_set_enable_network(r->ctx, 0);
    PJ *raw = proj_create_crs_to_crs(r->ctx, "EPSG:4326", "EPSG:27700", NULL);
    r->pj = proj_normalize_for_visualization(r->ctx, raw);
    proj_destroy(raw);
    assert_non_null(r->pj);
}

static void ref_close(struct ref *r)
{
    safer_bng_free(r->bng);
    proj_destroy(r->pj);
    proj_context_destroy(r->ctx);
}

/* Check every point's cell against PROJ; returns how many PROJ transformed. */
static size_t check_cells(struct safer_bng *bng, struct ref *r, const double *lon,
                          const double *lat, size_t n, double cell)
{
    int64_t *ci = malloc(sizeof(int64_t) * n), *cj = malloc(sizeof(int64_t) * n);
    struct safer_err err = {0};
    long bad = safer_bng_cells(bng, lon, lat, n, cell, ci, cj, &err);
    assert_true(bad >= 0);
    long want_bad = 0;
    for (size_t i = 0; i < n; i++) {
        PJ_COORD c = {{lon[i], lat[i], 0, 0}};
        PJ_COORD o = proj_trans(r->pj, PJ_FWD, c);
        if (!isfinite(lon[i]) || !isfinite(o.v[0]) || o.v[0] == HUGE_VAL) {
            want_bad++;
            assert_true(ci[i] == SAFER_BNG_NO_CELL && cj[i] == SAFER_BNG_NO_CELL);
            continue;
        }
        int64_t wi = (int64_t)floor(o.v[0] / cell), wj = (int64_t)floor(o.v[1] / cell);
        if (ci[i] != wi || cj[i] != wj)
            fail_msg("point %zu (%.9f, %.9f) at E %.6f N %.6f: cell (%lld, %lld), PROJ's "
                     "(%lld, %lld)",
                     i, lon[i], lat[i], o.v[0], o.v[1], (long long)ci[i], (long long)cj[i],
                     (long long)wi, (long long)wj);
    }
    assert_int_equal(bad, want_bad);
    free(ci);
    free(cj);
    return safer_bng_exact_count(bng);
}

static void test_cells_over_kent(void **state)
{
    (void)state;
    struct ref r;
    ref_open(&r);
    struct safer_bng *bng = r.bng;

    enum { RANDOM = 100000, NEAR = 20000 };
    size_t n = RANDOM + NEAR;
    double *lon = malloc(sizeof(double) * n), *lat = malloc(sizeof(double) * n);
    for (size_t i = 0; i < RANDOM; i++) {
        lon[i] = 0.2 + 1.3 * uniform();
        lat[i] = 50.95 + 0.5 * uniform();
        /* police.uk gives six decimals */
        lon[i] = round(lon[i] * 1e6) / 1e6;
        lat[i] = round(lat[i] * 1e6) / 1e6;
    }
    static const double off[] = {0, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3, 0.3, -0.3, 0.99, -1.01};
    static const double cells[] = {250, 100, 10};
    for (size_t c = 0; c < sizeof(cells) / sizeof(cells[0]); c++) {
        /* Points next to cell lines of this grid, found with PROJ's inverse. */
        double S = cells[c];
        for (size_t i = RANDOM; i < n; i++) {
            double e = floor((560000 + 60000 * uniform()) / S) * S;
            double no = floor((130000 + 40000 * uniform()) / S) * S;
            int k = (int)(uniform() * 3);
            double oe = k != 1 ? off[(size_t)(uniform() * 11)] : 0.5 * S;
            double on = k != 0 ? off[(size_t)(uniform() * 11)] : 0.5 * S;
            PJ_COORD p = {{e + oe, no + on, 0, 0}};
            PJ_COORD g = proj_trans(r.pj, PJ_INV, p);
            lon[i] = g.v[0];
            lat[i] = g.v[1];
        }
        size_t exact = check_cells(bng, &r, lon, lat, n, S);
        /* The lattice placed the points that are not near a line (within a
         * metre of one: about 4 / S of random points): PROJ saw the rest. */
        assert_true(exact >= NEAR / 2);
        assert_true(exact < NEAR + (size_t)(RANDOM * 6 / S));
    }
    free(lon);
    free(lat);
    ref_close(&r);
}

static void test_cells_elsewhere_and_unlocated(void **state)
{
    (void)state;
    struct ref r;
    ref_open(&r);
    struct safer_bng *bng = r.bng;
    size_t n = 50000;
    double *lon = malloc(sizeof(double) * n), *lat = malloc(sizeof(double) * n);
    /* Northern France and the Channel: outside the lattice's area. */
    for (size_t i = 0; i < n; i++) {
        lon[i] = 1.0 + 3.0 * uniform();
        lat[i] = 48.5 + 2.0 * uniform();
    }
    assert_int_equal(check_cells(bng, &r, lon, lat, n, 250), n);
    /* A few points, one with no location: every point through PROJ. */
    lon[0] = 0.5;
    lat[0] = 51.2;
    lon[1] = NAN;
    lat[1] = NAN;
    lon[2] = 0.52;
    lat[2] = 51.27;
    assert_int_equal(check_cells(bng, &r, lon, lat, 3, 250), 3);
    free(lon);
    free(lat);
    ref_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells_over_kent),
        cmocka_unit_test(test_cells_elsewhere_and_unlocated),
    };
    return cmocka_run_group_tests_name("proj", tests, NULL, NULL);
}
