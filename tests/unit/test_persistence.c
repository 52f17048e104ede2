/*
 * test_persistence.c - the class of a grid square over consecutive
 * periods (harm.h, safer_persist_classify(); docs/statistics.md, Hot spots
 * over time): hand-built series at every boundary of every rule, and every
 * series of 2 to 12 periods against the rules of sfhotspot's
 * hotspot_classify() as its source states them (proportions of periods,
 * with hotspot_prop 0.1, persistent_prop 0.8, recent_prop 0.2), re-written
 * here independently with the last R periods as the recent ones. Where the
 * two are meant to differ (more than 10 older periods) the test says how.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "safer/harm.h"

/* A series as text, oldest first: '1' hot, '0' not. */
static enum safer_persist_class of(const char *s)
{
    unsigned char hot[64];
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        hot[i] = s[i] == '1';
    return safer_persist_classify(hot, n);
}

static void test_recent_periods(void **state)
{
    (void)state;
    static const size_t want[][2] = {{2, 1}, {4, 1}, {5, 1}, {9, 1}, {10, 2},
                                     {14, 2}, {15, 3}, {40, 8}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        assert_int_equal(safer_persist_recent(want[i][0]), want[i][1]);
}

static void test_boundaries(void **state)
{
    (void)state;
    static const struct {
        const char *series;
        enum safer_persist_class want;
    } cases[] = {
        /* Fewer than 2 periods: nothing to compare. */
        {"", SAFER_PERSIST_NEVER},
        {"1", SAFER_PERSIST_NEVER},
        /* 2 periods, R = 1. */
        {"00", SAFER_PERSIST_NEVER},
        {"01", SAFER_PERSIST_EMERGING},
        {"10", SAFER_PERSIST_FORMER},
        {"11", SAFER_PERSIST_PERSISTENT}, /* 5 x 2 >= 4 x 2 */
        /* 4 quarters, R = 1: persistent needs all 4 (5 x 3 = 15 < 16). */
        {"1111", SAFER_PERSIST_PERSISTENT},
        {"1110", SAFER_PERSIST_FORMER},
        {"0111", SAFER_PERSIST_INTERMITTENT},
        {"1011", SAFER_PERSIST_INTERMITTENT},
        {"0001", SAFER_PERSIST_EMERGING},
        {"1000", SAFER_PERSIST_FORMER},
        {"0010", SAFER_PERSIST_FORMER},
        {"1001", SAFER_PERSIST_INTERMITTENT},
        {"0000", SAFER_PERSIST_NEVER},
        /* 5 periods: exactly 80% is persistent, just under is not. */
        {"11110", SAFER_PERSIST_PERSISTENT},
        {"01111", SAFER_PERSIST_PERSISTENT},
        {"01110", SAFER_PERSIST_FORMER},
        {"00111", SAFER_PERSIST_INTERMITTENT},
        /* 10 periods, R = 2: the recent ones are the last two. */
        {"0000000001", SAFER_PERSIST_EMERGING},
        {"0000000010", SAFER_PERSIST_EMERGING},
        {"0000000011", SAFER_PERSIST_EMERGING},
        {"0000000100", SAFER_PERSIST_FORMER},
        {"1111111100", SAFER_PERSIST_PERSISTENT}, /* 8 of 10 */
        {"1111111000", SAFER_PERSIST_FORMER},     /* 7 of 10 */
        {"0111111010", SAFER_PERSIST_INTERMITTENT},
        {"0000000000", SAFER_PERSIST_NEVER},
        /* 15 periods, R = 3: 12 of 15 is 80%. */
        {"000000000000100", SAFER_PERSIST_EMERGING},
        {"000000000001000", SAFER_PERSIST_FORMER},
        {"111111111111000", SAFER_PERSIST_PERSISTENT},
        {"011111111111000", SAFER_PERSIST_FORMER},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum safer_persist_class got = of(cases[i].series);
        if (got != cases[i].want)
            fail_msg("'%s': %s, want %s", cases[i].series, safer_persist_class_name(got),
                     safer_persist_class_name(cases[i].want));
    }
}

/* sfhotspot's rules (R/hotspot_classify.R), in proportions of periods. */
static enum safer_persist_class sfhotspot(const unsigned char *hot, size_t n)
{
    const double hotspot_prop = 0.1, persistent_prop = 0.8, recent_prop = 0.2;
    size_t recent = (size_t)(recent_prop * (double)n);
    if (recent < 1)
        recent = 1;
    double all = 0, rec = 0, old = 0;
    for (size_t p = 0; p < n; p++) {
        all += hot[p];
        if (p >= n - recent)
            rec += hot[p];
        else
            old += hot[p];
    }
    double prop = all / (double)n, recent_h = rec / (double)recent,
           older_h = old / (double)(n - recent);
    if (prop >= persistent_prop)
        return SAFER_PERSIST_PERSISTENT;
    if (older_h < hotspot_prop && recent_h >= recent_prop)
        return SAFER_PERSIST_EMERGING;
    if (older_h >= hotspot_prop && recent_h < hotspot_prop)
        return SAFER_PERSIST_FORMER;
    if (prop >= hotspot_prop)
        return SAFER_PERSIST_INTERMITTENT;
    return SAFER_PERSIST_NEVER;
}

static void test_every_series_as_sfhotspot(void **state)
{
    (void)state;
    unsigned char hot[12];
    size_t checked = 0;
    size_t count[SAFER_PERSIST_NCLASSES] = {0};
    for (size_t n = 2; n <= 10; n++) {
        for (unsigned bits = 0; bits < (1u << n); bits++) {
            for (size_t p = 0; p < n; p++)
                hot[p] = (bits >> p) & 1;
            enum safer_persist_class got = safer_persist_classify(hot, n),
                                     want = sfhotspot(hot, n);
            if (got != want)
                fail_msg("n %zu series %x: %s, sfhotspot %s", n, bits,
                         safer_persist_class_name(got), safer_persist_class_name(want));
            count[got]++;
            checked++;
        }
    }
    assert_int_equal(checked, 2044);
    for (int c = 0; c < SAFER_PERSIST_NCLASSES; c++)
        assert_true(count[c] > 0);
    /* With more than 10 older periods the two part: sfhotspot calls a
     * square hot in 1 of 11 older periods (under 10%) and in a recent one
     * emerging; safer says intermittent, since it was a hot spot before. */
    unsigned char two[13] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    assert_int_equal(safer_persist_classify(two, 13), SAFER_PERSIST_INTERMITTENT);
    assert_int_equal(sfhotspot(two, 13), SAFER_PERSIST_EMERGING);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(safer_persist_class_name(SAFER_PERSIST_PERSISTENT), "persistent");
    assert_string_equal(safer_persist_class_name(SAFER_PERSIST_EMERGING), "emerging");
    assert_string_equal(safer_persist_class_name(SAFER_PERSIST_FORMER), "former");
    assert_string_equal(safer_persist_class_name(SAFER_PERSIST_INTERMITTENT), "intermittent");
    assert_string_equal(safer_persist_class_name(SAFER_PERSIST_NEVER), "never");
    assert_null(safer_persist_class_name(SAFER_PERSIST_NCLASSES));
    assert_null(safer_persist_class_name((enum safer_persist_class)-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recent_periods),
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_every_series_as_sfhotspot),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
