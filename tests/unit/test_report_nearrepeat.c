/*
 * test_report_nearrepeat.c - the wording of the report's near-repeat
 * sentence (lib/render/report_nearrepeat.c, docs/assessment.md, Near
 * repeats) from hand-made tables: which cells are significant decides
 * the distance and the time named, and a table with none says so.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"
#include "safer/assess.h"
#include "safer/buf.h"
#include "safer/nearrepeat.h"

/* A table with the default bands (6 x 4), every cell at chance; `sig`
 * lists significant cells as (space band, time band), 1-based, ending 0. */
static char *render(const int *sig, int public_edition)
{
    static const double sb[] = SAFER_KNOX_DEFAULT_SPACE, tb[] = SAFER_KNOX_DEFAULT_TIME;
    struct safer_assessment a;
    memset(&a, 0, sizeof(a));
    a.latest = 2019 * 12 + 1;
    a.l12_start = a.latest - 11;
    char category[] = "Burglary";
    a.nr_category = category;
    a.nr_events = 100;
    a.nr.nspace_bands = 6;
    a.nr.ntime_bands = 4;
    a.nr.perms = 999;
    struct safer_knox_cell cells[24];
    for (size_t s = 0; s < 6; s++)
        for (size_t b = 0; b < 4; b++)
            cells[s * 4 + b] = (struct safer_knox_cell){
                s + 1, b + 1, sb[s], sb[s + 1], tb[b], tb[b + 1], 10, 10, 3, 10, 1.0, 0.5,
                10, 3};
    for (const int *p = sig; *p; p += 2) {
        struct safer_knox_cell *c = &cells[(p[0] - 1) * 4 + (p[1] - 1)];
        c->observed = 20;
        c->knox_ratio = 2;
        c->p_value = 0.01;
    }
    a.nr.cells = cells;
    if (public_edition)
        a.hidden.min = 5;
    struct safer_buf h;
    safer_buf_init(&h, 1 << 20);
    safer__report_nearrepeat(&h, &a);
    assert_int_equal(safer_buf_error(&h), 0);
    return safer_buf_detach(&h, NULL);
}

static void expect(const int *sig, const char *want)
{
    char *s = render(sig, 0);
    if (!strstr(s, want))
        fail_msg("'%s' not in: %s", want, s);
    free(s);
}

static void test_nearrepeat_sentence(void **state)
{
    (void)state;
    expect((const int[]){2, 1, 0}, "After a burglary, places within 200 m were at raised risk "
                                   "in the same month");
    expect((const int[]){2, 2, 3, 1, 0},
           "places within 400 m were at raised risk in the same or the following month");
    expect((const int[]){2, 1, 3, 4, 4, 1, 0},
           "places within 600 m were at raised risk for the following 3 months");
    /* a gap: the run stops at the first band without a significant cell */
    expect((const int[]){2, 1, 4, 1, 0}, "places within 200 m");
    expect((const int[]){0}, "No near-repeat pattern: no band of distance");
    expect((const int[]){3, 1, 0}, "No near-repeat pattern close by: the nearest band beyond "
                                   "the same place (1&ndash;200 m)");
    expect((const int[]){3, 1, 0}, "1 cell further out did, which among 24 may be chance");
    expect((const int[]){1, 1, 0}, "Repeats at the same map point were also more common than "
                                   "chance, in the same month");
    expect((const int[]){2, 1, 0}, "<td class=\"n\">20 (2.00) *</td>");
}

static void test_nearrepeat_public_and_empty(void **state)
{
    (void)state;
    char *s = render((const int[]){2, 1, 0}, 1);
    assert_non_null(strstr(s, "places within 200 m"));
    assert_non_null(strstr(s, "members' edition only"));
    assert_null(strstr(s, "<table"));
    free(s);

    struct safer_assessment a;
    memset(&a, 0, sizeof(a));
    a.latest = 2019 * 12 + 1;
    a.l12_start = a.latest - 11;
    struct safer_buf h;
    safer_buf_init(&h, 1 << 20);
    safer__report_nearrepeat(&h, &a);
    assert_non_null(strstr(h.ptr, "no near-repeat test was made"));
    safer_buf_release(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nearrepeat_sentence),
        cmocka_unit_test(test_nearrepeat_public_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
