/*
 * test_place.c - postcodes in their one form, the ONS Postcode Directory
 * import, and the resolver of places (place.h), on either engine
 * (SAFER_TEST_PG selects PostgreSQL). The fixtures are described in
 * tests/data/postcodes/README.md and tests/data/areas/README.md.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/area.h"
#include "safer/lookup.h"
#include "safer/place.h"
#include "safer/store.h"
#include "testdb.h"

#define DATA SAFER_TEST_DATA
#define PC DATA "/postcodes"

static void test_normalise(void **state)
{
    (void)state;
    static const char *const good[][2] = {
        {"me141xx", "ME14 1XX"}, {"ME14  1XX", "ME14 1XX"}, {" EC1A 1BB ", "EC1A 1BB"},
        {"W1A 0AX", "W1A 0AX"},  {"M1 1AE", "M1 1AE"},      {"b338th", "B33 8TH"},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char out[9];
        assert_int_equal(safer_postcode_normalise(good[i][0], strlen(good[i][0]), out), 0);
        assert_string_equal(out, good[i][1]);
    }
    static const char *const bad[] = {"",         "ME14",     "1ME 1XX", "ME14 1X1", "ME14 XXX",
                                      "ME141XXX", "ME-1 1XX", "ABC 1XX", "ME14 1XX!"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char out[9];
        assert_int_equal(safer_postcode_normalise(bad[i], strlen(bad[i]), out), -1);
    }
}

static struct safer_store *geography(char *target, size_t cap, const char *name)
{
    testdb_new(name, target, cap);
    struct safer_store *st = NULL;
    struct safer_err err = {0};
    assert_int_equal(safer_store_open(&st, target, &err), 0);
    struct safer_areas_opts ao = {0};
    struct safer_areas_stats as;
    assert_int_equal(safer_areas_import(st, DATA "/areas/wards.geojson", &ao, &as, &err), 0);
    struct safer_lookup_stats ls;
    assert_int_equal(safer_lookup_import(st, DATA "/lookup_lsoa_ward.csv", &ls, &err), 0);
    return st;
}

static void test_import_and_resolve(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = geography(target, sizeof(target), "place");
    struct safer_err err = {0};
    struct safer_postcode_stats ps;
    assert_int_equal(safer_postcodes_import(st, PC "/onspd.csv", &ps, &err), 0);
    assert_int_equal(ps.rows, 5);
    assert_int_equal(ps.skipped, 1); /* GY1 1AA: no ward */
    assert_int_equal(ps.terminated, 1);
    assert_int_equal(ps.replaced, 0);
    assert_string_equal(ps.lsoa_column, "lsoa21");

    struct safer_places *pl;
    assert_int_equal(safer_places_open(st, &pl, &err), 0);
    assert_int_equal(safer_places_postcodes(pl), 4); /* not ME9 9ZZ: its ward is not held */
    assert_true(safer_places_wards(pl) >= 3);
    struct safer_place p;
    char why[160];

    /* A postcode: the directory's own ward, LSOA and grid reference. */
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_POSTCODE, "me11aa", 6, &p, why), 0);
    assert_string_equal(p.ward, "E05000001");
    assert_string_equal(p.lsoa, "E01000001");
    assert_true(p.x == 575700 && p.y == 154600);
    assert_true(fabs(p.lat - 51.210167) < 1e-9);
    /* A terminated one still resolves; one without a grid reference has none. */
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_POSTCODE, "ME1 1AB", 7, &p, why), 0);
    assert_string_equal(p.ward, "E05000002");
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_POSTCODE, "ME1 2AA", 7, &p, why), 0);
    assert_true(isnan(p.x) && isnan(p.lat));
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_POSTCODE, "ME2 2ZZ", 7, &p, why), 0);
    assert_string_equal(p.ward, "E05000003");
    assert_string_equal(p.lsoa, "");
    /* Outside the store's wards, or not a postcode at all. */
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_POSTCODE, "ME9 9ZZ", 7, &p, why), 1);
    assert_string_equal(why, "'ME9 9ZZ' is not a postcode of the store's wards in the ONS "
                             "Postcode Directory held");
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_POSTCODE, "ME9", 3, &p, why), 1);
    assert_string_equal(why, "'ME9' is not a postcode");

    /* A ward: its polygon's centroid (Alpha: the square less its hole). */
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_WARD, " E05000001", 10, &p, why), 0);
    assert_string_equal(p.ward, "E05000001");
    assert_true(fabs(p.lon - (0.51 * 4e-4 - 0.5075 * 2.5e-5) / 3.75e-4) < 1e-9);
    assert_true(fabs(p.lat - (51.21 * 4e-4 - 51.2075 * 2.5e-5) / 3.75e-4) < 1e-9);
    assert_true(p.x > 570000 && p.x < 580000 && p.y > 140000 && p.y < 160000);
    /* Gamma: two squares, weighted by area. */
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_WARD, "E05000003", 9, &p, why), 0);
    assert_true(fabs(p.lon - 0.545) < 1e-9 && fabs(p.lat - 51.209) < 1e-9);
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_WARD, "E05999999", 9, &p, why), 1);
    assert_string_equal(why, "'E05999999' is not a ward the store holds");

    /* An LSOA: its ward by the lookup. */
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_LSOA, "E01000002", 9, &p, why), 0);
    assert_string_equal(p.ward, "E05000002");
    assert_string_equal(p.lsoa, "E01000002");
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_LSOA, "E01999999", 9, &p, why), 1);
    assert_string_equal(why, "'E01999999' is not an LSOA of the store's LSOA to ward lookup");
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_LSOA, "", 0, &p, why), 1);
    assert_string_equal(why, "no LSOA given");

    /* A point: the ward whose polygon holds it (Beta fills Alpha's hole). */
    assert_int_equal(safer_places_point(pl, 0.507, 51.207, &p, why), 0);
    assert_string_equal(p.ward, "E05000002");
    assert_true(p.x > 570000 && p.x < 580000);
    assert_int_equal(safer_places_point(pl, 0.515, 51.215, &p, why), 0);
    assert_string_equal(p.ward, "E05000001");
    assert_int_equal(safer_places_point(pl, 1.5, 52.0, &p, why), 1);
    assert_int_equal(safer_places_point(pl, 200, 52.0, &p, why), 1);
    safer_places_close(pl);

    /* Again: every postcode replaces its own. */
    assert_int_equal(safer_postcodes_import(st, PC "/onspd.csv", &ps, &err), 0);
    assert_int_equal(ps.replaced, 5);
    /* The layout of 2025's releases. */
    assert_int_equal(safer_postcodes_import(st, PC "/onspd-2025.csv", &ps, &err), 0);
    assert_int_equal(ps.rows, 1);
    assert_int_equal(ps.replaced, 1);
    assert_string_equal(ps.lsoa_column, "lsoa21cd");
    safer_store_close(st);
    testdb_drop(target);
}

static void test_mistakes_change_nothing(void **state)
{
    (void)state;
    char target[512];
    struct safer_store *st = geography(target, sizeof(target), "placebad");
    static const char *const bad[][2] = {
        {"bad-postcode.csv", "bad-postcode.csv:7: pcds: 'ME1 2A!' is not a postcode"},
        {"bad-easting.csv", "bad-easting.csv:4: oseast1m: 'east' is not a number"},
        {"dup.csv", "dup.csv:4: pcds: postcode ME1 1AA again (line 2)"},
        {"not-onspd.csv", "not-onspd.csv:1: not the ONS Postcode Directory"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", PC, bad[i][0]);
        struct safer_err err = {0};
        struct safer_postcode_stats ps;
        assert_true(safer_postcodes_import(st, path, &ps, &err) < 0);
        if (!strstr(err.msg, bad[i][1]))
            fail_msg("%s: got '%s'", bad[i][0], err.msg);
        assert_int_equal(ps.rows, 0);
    }
    struct safer_err err = {0};
    struct safer_places *pl;
    assert_int_equal(safer_places_open(st, &pl, &err), 0);
    assert_int_equal(safer_places_postcodes(pl), 0);
    struct safer_place p;
    char why[160];
    assert_int_equal(safer_places_find(pl, SAFER_PLACE_POSTCODE, "ME1 1AA", 7, &p, why), 1);
    assert_non_null(strstr(why, "the store holds no postcodes of its wards"));
    safer_places_close(pl);
    safer_store_close(st);
    testdb_drop(target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_import_and_resolve),
        cmocka_unit_test(test_mistakes_change_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
