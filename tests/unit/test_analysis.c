/*
 * test_analysis.c - what the area intelligence pages add to the library:
 * withholding small Knox cells for a reader of aggregates only
 * (safer_knox_hide()), checked against pair counts made here by brute force
 * on whole-number coordinates, and how the CSV prints a withheld cell; and
 * the police.uk categories a page accepts.
 */
#include "util/compat.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/analysis.h"
#include "safer/buf.h"
#include "safer/nearrepeat.h"

#define N 14

static const double SPACE[] = {0, 100, 200, 400};
static const double TIME[] = {0, 1, 2, 3};

static void events(double *x, double *y, int64_t *t)
{
    for (int i = 0; i < N; i++) {
        x[i] = (double)((i % 4) * 150 + (i % 3) * 20);
        y[i] = (double)((i / 4) * 150);
        t[i] = (i * 7) % 5;
    }
}

/* The pairs of cell (s, b), counted directly: squared distances against
 * squared breaks, all whole numbers. */
static int64_t brute(const double *x, const double *y, const int64_t *t, size_t s, size_t b)
{
    int64_t n = 0;
    for (int i = 0; i < N; i++) {
        for (int j = i + 1; j < N; j++) {
            int64_t dx = (int64_t)(x[i] - x[j]), dy = (int64_t)(y[i] - y[j]);
            int64_t d2 = dx * dx + dy * dy, dt = llabs(t[i] - t[j]);
            int64_t lo = (int64_t)SPACE[s], hi = (int64_t)SPACE[s + 1];
            if (d2 >= lo * lo && d2 < hi * hi && dt >= (int64_t)TIME[b] &&
                dt < (int64_t)TIME[b + 1])
                n++;
        }
    }
    return n;
}

static void test_hide_small_cells(void **state)
{
    (void)state;
    double x[N], y[N];
    int64_t t[N];
    events(x, y, t);
    struct safer_knox_opts o = {SPACE, 4, TIME, 4, 99, 7, 1};
    struct safer_knox k, full;
    struct safer_err err = {0};
    assert_int_equal(safer_knox_compute(x, y, t, N, &o, &k, &err), 0);
    assert_int_equal(safer_knox_compute(x, y, t, N, &o, &full, &err), 0);
    size_t small = 0, big = 0, zero = 0;
    for (size_t s = 0; s < 3; s++) {
        for (size_t b = 0; b < 3; b++) {
            int64_t c = brute(x, y, t, s, b);
            assert_int_equal(k.cells[s * 3 + b].observed, c);
            small += c >= 1 && c < 5;
            big += c >= 5;
            zero += c == 0;
        }
    }
    /* The fixture holds every kind of cell, or the test proves little. */
    assert_true(small > 0 && big > 0 && zero > 0);
    assert_int_equal(safer_knox_hide(&k, 5), small);
    for (size_t i = 0; i < 9; i++) {
        const struct safer_knox_cell *c = &k.cells[i], *f = &full.cells[i];
        if (f->observed >= 1 && f->observed < 5) {
            assert_int_equal(c->observed, -1);
            assert_true(isnan(c->mean_sim) && isnan(c->sd_sim) && isnan(c->median_sim));
            assert_true(isnan(c->knox_ratio) && isnan(c->p_value));
        } else {
            assert_int_equal(c->observed, f->observed);
            assert_memory_equal(c, f, sizeof(*c));
        }
        /* The expected count stays: it is the margins', not the cell's. */
        assert_true(c->exact_mean == f->exact_mean && c->exact_sd == f->exact_sd);
    }
    /* Hiding again withholds nothing more. */
    assert_int_equal(safer_knox_hide(&k, 5), 0);

    struct safer_buf b;
    safer_buf_init(&b, SIZE_MAX);
    safer_knox_csv(&k, &b);
    assert_int_equal(safer_buf_error(&b), 0);
    char *line = strchr(b.ptr, '\n') + 1;
    for (size_t i = 0; i < 9; i++) {
        /* observed is the 7th field */
        const char *p = line;
        for (int f = 0; f < 6; f++)
            p = strchr(p, ',') + 1;
        if (full.cells[i].observed >= 1 && full.cells[i].observed < 5)
            assert_memory_equal(p, "NA,NA,NA,NA,NA,NA,", 18);
        else
            assert_true(p[0] >= '0' && p[0] <= '9');
        line = strchr(line, '\n') + 1;
    }
    safer_buf_release(&b);
    safer_knox_release(&k);
    safer_knox_release(&full);
}

static void test_categories(void **state)
{
    (void)state;
    assert_true(safer_analysis_category_ok("Burglary"));
    assert_true(safer_analysis_category_ok("Violence and sexual offences"));
    assert_true(safer_analysis_category_ok("Anti-social behaviour"));
    /* Only today's fourteen: not those of files before 2013. */
    assert_false(safer_analysis_category_ok("Violent crime"));
    assert_false(safer_analysis_category_ok("burglary"));
    assert_false(safer_analysis_category_ok(""));
    assert_false(safer_analysis_category_ok(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hide_small_cells),
        cmocka_unit_test(test_categories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
