/*
 * test_suppress.c - cell suppression (lib/stats/suppress.c): the small
 * counts hidden, a second cell in every sum with one, and the cases where
 * sums that each hide two cells still give a count away.
 *
 * The check of the last is independent of the elimination the library
 * does: in a table with its row and column totals shown, the hidden cells
 * are the edges of a graph between rows and columns, and a hidden cell's
 * count can be worked out exactly when, and only when, its edge is on no
 * cycle (a bridge): moving a unit round a cycle keeps every total.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "safer/stats.h"

/* A table of r x c counts with its row totals, column totals and grand
 * total: cell (i, j) is i * c + j, row total i is r * c + i, column total j
 * is r * c + r + j, the grand total the last. */
struct table {
    size_t r, c, ncells;
    int64_t *v;
    size_t *start, *cells;
    struct safer_sums sums;
};

static void table_init(struct table *t, size_t r, size_t c, const int64_t *inner)
{
    t->r = r;
    t->c = c;
    t->ncells = r * c + r + c + 1;
    t->v = calloc(t->ncells, sizeof(*t->v));
    size_t grand = t->ncells - 1;
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            int64_t x = inner[i * c + j];
            t->v[i * c + j] = x;
            t->v[r * c + i] += x;
            t->v[r * c + r + j] += x;
            t->v[grand] += x;
        }
    size_t nsums = r + c + 2;
    t->start = calloc(nsums + 1, sizeof(*t->start));
    t->cells = calloc(2 * r * c + 2 * (r + c) + 2, sizeof(*t->cells));
    size_t n = 0, k = 0;
    for (size_t i = 0; i < r; i++) {
        t->start[k++] = n;
        t->cells[n++] = r * c + i;
        for (size_t j = 0; j < c; j++)
            t->cells[n++] = i * c + j;
    }
    for (size_t j = 0; j < c; j++) {
        t->start[k++] = n;
        t->cells[n++] = r * c + r + j;
        for (size_t i = 0; i < r; i++)
            t->cells[n++] = i * c + j;
    }
    t->start[k++] = n;
    t->cells[n++] = grand;
    for (size_t i = 0; i < r; i++)
        t->cells[n++] = r * c + i;
    t->start[k++] = n;
    t->cells[n++] = grand;
    for (size_t j = 0; j < c; j++)
        t->cells[n++] = r * c + r + j;
    t->start[k] = n;
    t->sums = (struct safer_sums){.n = nsums, .start = t->start, .cells = t->cells};
}

static void table_release(struct table *t)
{
    free(t->v);
    free(t->start);
    free(t->cells);
}

/* Is hidden inner cell (i, j) on a cycle of hidden inner cells? Search for
 * another path from row i to column j without that edge. */
static bool on_cycle(const struct table *t, const unsigned char *hidden, size_t i0, size_t j0)
{
    size_t nv = t->r + t->c;
    bool *seen = calloc(nv, sizeof(*seen));
    size_t *queue = calloc(nv, sizeof(*queue));
    size_t head = 0, tail = 0;
    queue[tail++] = i0;
    seen[i0] = true;
    bool found = false;
    while (head < tail && !found) {
        size_t v = queue[head++];
        for (size_t u = 0; u < nv; u++) {
            /* an edge joins a row and a column */
            if ((v < t->r) == (u < t->r) || seen[u])
                continue;
            size_t i = v < t->r ? v : u, j = (v < t->r ? u : v) - t->r;
            if (i == i0 && j == j0)
                continue;
            if (!hidden[i * t->c + j])
                continue;
            if (u == t->r + j0)
                found = true;
            seen[u] = true;
            queue[tail++] = u;
        }
    }
    free(seen);
    free(queue);
    return found;
}

static void test_one_small_count_hides_a_block(void **state)
{
    (void)state;
    /* 2 is small: its row and column each get a second hidden cell, and
     * the row of that column a second too: the four inner cells. */
    const int64_t inner[] = {2, 30, 40, 50};
    struct table t;
    table_init(&t, 2, 2, inner);
    unsigned char *h = calloc(t.ncells, 1);
    assert_int_equal(safer_suppress(t.v, t.ncells, &t.sums, 5, h, NULL), 0);
    assert_int_equal(h[0], SAFER_HIDDEN_SMALL);
    assert_int_equal(h[1], SAFER_HIDDEN_OTHERS);
    assert_int_equal(h[2], SAFER_HIDDEN_OTHERS);
    assert_int_equal(h[3], SAFER_HIDDEN_OTHERS);
    for (size_t i = 4; i < t.ncells; i++)
        assert_int_equal(h[i], SAFER_SHOWN); /* every total shown */
    free(h);
    table_release(&t);
}

static void test_zero_and_threshold_are_shown(void **state)
{
    (void)state;
    const int64_t inner[] = {0, 5, 30, 7};
    struct table t;
    table_init(&t, 2, 2, inner);
    unsigned char *h = calloc(t.ncells, 1);
    assert_int_equal(safer_suppress(t.v, t.ncells, &t.sums, 5, h, NULL), 0);
    for (size_t i = 0; i < t.ncells; i++)
        assert_int_equal(h[i], SAFER_SHOWN);
    free(h);
    table_release(&t);
}

static void test_second_cell_prefers_a_part_not_zero(void **state)
{
    (void)state;
    /* Row 0: 3 is small; its shown parts are 0 and 9, and 9 is hidden,
     * not the 0 (a hidden 0 next to one small count would let a reader
     * guess both) nor the row total. */
    const int64_t inner[] = {3, 0, 9, 3, 0, 9};
    struct table t;
    table_init(&t, 2, 3, inner);
    unsigned char *h = calloc(t.ncells, 1);
    assert_int_equal(safer_suppress(t.v, t.ncells, &t.sums, 5, h, NULL), 0);
    assert_int_equal(h[0], SAFER_HIDDEN_SMALL);
    assert_int_equal(h[3], SAFER_HIDDEN_SMALL);
    assert_int_equal(h[1], SAFER_SHOWN);
    assert_int_equal(h[2], SAFER_HIDDEN_OTHERS);
    assert_int_equal(h[5], SAFER_HIDDEN_OTHERS);
    free(h);
    table_release(&t);
}

/*
 * Three sums over three cells, each hiding two: a + b, a + c and b + c
 * are shown, so a = ((a + b) + (a + c) - (b + c)) / 2. Pairing alone
 * leaves that; the elimination finds it and hides a total as well.
 */
static void test_pairs_are_not_enough(void **state)
{
    (void)state;
    /* cells: a b c, then s_ab s_ac s_bc */
    const int64_t v[] = {2, 10, 20, 12, 22, 30};
    const size_t start[] = {0, 3, 6, 9};
    const size_t cells[] = {3, 0, 1, 4, 0, 2, 5, 1, 2};
    struct safer_sums s = {.n = 3, .start = start, .cells = cells};
    unsigned char h[6] = {0};
    assert_int_equal(safer_suppress(v, 6, &s, 5, h, NULL), 0);
    assert_int_equal(h[0], SAFER_HIDDEN_SMALL);
    assert_int_equal(h[1], SAFER_HIDDEN_OTHERS);
    assert_int_equal(h[2], SAFER_HIDDEN_OTHERS);
    /* One total, the smallest, hides too, and that is enough. */
    assert_int_equal(h[3], SAFER_HIDDEN_OTHERS);
    assert_int_equal(h[4], SAFER_SHOWN);
    assert_int_equal(h[5], SAFER_SHOWN);
}

/* Random tables of small and large counts: every small count hidden, no
 * sum with one hidden cell, and no hidden inner cell a bridge of the
 * hidden cells' graph, in every table whose totals all stay shown. */
static void test_random_tables_give_nothing_away(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15u;
    size_t checked = 0, hidden_total = 0;
    for (int round = 0; round < 400; round++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        size_t r = 2 + (x >> 60) % 5, c = 2 + (x >> 56) % 7;
        int64_t inner[6 * 8];
        for (size_t k = 0; k < r * c; k++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            unsigned d = (unsigned)(x >> 58);
            inner[k] = d < 12 ? (int64_t)(d % 5) : (int64_t)(5 + d % 40);
        }
        struct table t;
        table_init(&t, r, c, inner);
        unsigned char *h = calloc(t.ncells, 1);
        assert_int_equal(safer_suppress(t.v, t.ncells, &t.sums, 5, h, NULL), 0);
        for (size_t k = 0; k < t.ncells; k++) {
            if (t.v[k] > 0 && t.v[k] < 5)
                assert_int_equal(h[k], SAFER_HIDDEN_SMALL);
            hidden_total += h[k] != 0;
        }
        for (size_t k = 0; k < t.sums.n; k++) {
            size_t n = 0;
            for (size_t j = t.start[k]; j < t.start[k + 1]; j++)
                n += h[t.cells[j]] != 0;
            assert_true(n != 1);
        }
        bool totals_shown = true;
        for (size_t k = r * c; k < t.ncells; k++)
            totals_shown = totals_shown && !h[k];
        if (totals_shown) {
            checked++;
            for (size_t i = 0; i < r; i++)
                for (size_t j = 0; j < c; j++)
                    if (h[i * c + j])
                        assert_true(on_cycle(&t, h, i, j));
        }
        free(h);
        table_release(&t);
    }
    assert_true(checked > 100);
    assert_true(hidden_total > 400);
}

static void test_bad_sums_are_refused(void **state)
{
    (void)state;
    const int64_t v[] = {1, 2};
    const size_t start[] = {0, 1};
    const size_t cells[] = {0};
    struct safer_sums s = {.n = 1, .start = start, .cells = cells};
    unsigned char h[2] = {0};
    assert_int_equal(safer_suppress(v, 2, &s, 5, h, NULL), SAFER_EINVAL);
    const size_t start2[] = {0, 2};
    const size_t cells2[] = {0, 7};
    s = (struct safer_sums){.n = 1, .start = start2, .cells = cells2};
    assert_int_equal(safer_suppress(v, 2, &s, 5, h, NULL), SAFER_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_small_count_hides_a_block),
        cmocka_unit_test(test_zero_and_threshold_are_shown),
        cmocka_unit_test(test_second_cell_prefers_a_part_not_zero),
        cmocka_unit_test(test_pairs_are_not_enough),
        cmocka_unit_test(test_random_tables_give_nothing_away),
        cmocka_unit_test(test_bad_sums_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
