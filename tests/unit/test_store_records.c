/*
 * test_store_records.c - what the store gives the assessment's peer
 * comparison and outcomes besides the records themselves
 * (lib/store/store_lookup.c, store_police.c), on either engine
 * (SAFER_TEST_PG selects PostgreSQL): each LSOA's district and the district
 * to partnership to police force area lookup, every record's LSOA code
 * (located or not) and its Crime ID, and the refusal of records read from
 * another snapshot.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safer/lookup.h"
#include "safer/police.h"
#include "safer/store.h"
#include "testfix.h"

#define DATA SAFER_TEST_DATA
#define MONTH(y, m) ((y)*12 + (m)-1)

static void test_store_reads_lsoa_districts_and_the_district_lookup(void **state)
{
    (void)state;
    char target[512], path[600];
    struct safer_store *st =
        testfix_store("lk", TESTFIX_LOOKUP | TESTFIX_CSP, target, sizeof(target));
    /* E01000004's lookup row names no district: its ward's, from the ward
     * lookup, is used. E01000005's ward is in no lookup: it has none. */
    testfix_write("lsoa-nodistrict.csv",
                  "LSOA11CD,WD19CD\nE01000004,E05000009\nE01000005,E05000010\n", path,
                  sizeof(path));
    testfix_lookup(st, path);
    testfix_write("ward.csv", "WD19CD,WD19NM,LAD19CD,LAD19NM\nE05000009,Delta,E07000002,Other\n",
                  path, sizeof(path));
    testfix_lookup(st, path);
    struct safer_err err = {0};
    struct safer_pairs p;
    assert_int_equal(safer_lookup_lsoa_districts(st, &p, &err), 0);
    static const char *const want[4][2] = {{"E01000001", "E07000001"},
                                           {"E01000002", "E07000001"},
                                           {"E01000003", "E07000002"},
                                           {"E01000004", "E07000002"}};
    assert_int_equal(p.n, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(p.a[i], want[i][0]);
        assert_string_equal(p.b[i], want[i][1]);
    }
    safer_pairs_release(&p);

    struct safer_districts d;
    assert_int_equal(safer_lookup_districts(st, &d, &err), 0);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.code[0], "E07000001");
    assert_string_equal(d.name[0], "Testborough");
    assert_string_equal(d.csp[0], "E22000001");
    assert_string_equal(d.csp_name[0], "Safer Test Partnership");
    assert_string_equal(d.pfa[0], "E23000032");
    assert_string_equal(d.pfa_name[0], "Kent");
    assert_string_equal(d.code[1], "E07000002");
    assert_string_equal(d.csp[1], "E22000002");
    safer_districts_release(&d);
    assert_int_equal(d.n, 0);
    testfix_done(st, target);
}

/* Crime IDs seen, and the records they came with. */
static int64_t ids_seen;
static int count_ids(void *ctx, size_t record, const char *id)
{
    const struct safer_crimes *c = ctx;
    assert_true(record < c->n);
    ids_seen += id[0] != '\0';
    return 0;
}

static int stop_at_first(void *ctx, size_t record, const char *id)
{
    (void)ctx;
    (void)record;
    (void)id;
    return SAFER_EINVAL;
}

static void test_store_reads_each_records_lsoa_and_crime_id(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = testfix_store(
        "ids", TESTFIX_WARDS | TESTFIX_KENT_2018 | TESTFIX_KENT_2019, target, sizeof(target));
    struct safer_err err = {0};
    struct safer_crimes c;
    assert_int_equal(safer_crimes_load(st, &c, &err), 0);
    uint32_t *lsoa;
    assert_int_equal(safer_crimes_load_lsoa(st, &c, &lsoa, &err), 0);
    /* Every record's LSOA, those with a point included: the 2019-01
     * fixture's first row is located, in E01000001; its sixth is in
     * E01009999; its eighth (c7) has neither a point nor an LSOA. */
    assert_int_equal(c.nbatches, 2);
    size_t b19 = c.batches[0].month == MONTH(2019, 1) ? 0 : 1;
    size_t first = c.batches[b19].first;
    assert_true(c.loc[first] >= 0);
    assert_string_equal(c.lsoas[lsoa[first]], "E01000001");
    assert_string_equal(c.lsoas[lsoa[first + 5]], "E01009999");
    assert_string_equal(c.lsoas[lsoa[first + 7]], "");
    free(lsoa);
    /* 2019-01: 10 rows, of which one is ASB, without an id; 2018-01: 4
     * rows, one ASB. */
    ids_seen = 0;
    assert_int_equal(safer_crimes_each_id(st, &c, count_ids, &c, &err), 0);
    assert_int_equal(ids_seen, 9 + 3);
    assert_int_equal(safer_crimes_each_id(st, &c, stop_at_first, NULL, &err), SAFER_EINVAL);

    /* Records of another snapshot: a publication stored since c was read. */
    const char *more[1] = {DATA "/police/2019-02-metropolitan-street-ids.csv"};
    testfix_police(st, more, 1);
    lsoa = NULL;
    assert_int_equal(safer_crimes_load_lsoa(st, &c, &lsoa, &err), SAFER_EDB);
    assert_null(lsoa);
    assert_int_equal(safer_crimes_each_id(st, &c, count_ids, &c, &err), SAFER_EDB);
    safer_crimes_release(&c);
    testfix_done(st, target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_reads_lsoa_districts_and_the_district_lookup),
        cmocka_unit_test(test_store_reads_each_records_lsoa_and_crime_id),
    };
    return cmocka_run_group_tests_name("store_records", tests, testfix_setup, testfix_teardown);
}
