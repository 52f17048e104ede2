/*
 * test_places.c - the police.uk Locations behind the hot spot squares
 * (lib/assess/places.c), through the assessment: each square's records
 * named by the Locations of their map points, largest first, adding up to
 * the square's count; only the records the hot spots count (located, in a
 * study ward, in the latest 12 months); hotspot_locations.csv.
 *
 * The records, in the fixture wards (tests/data/areas/wards.geojson):
 * in January 2019, at one map point in Alpha, 4 "Shopping Area" and 1
 * "Parking Area"; at two points a metre apart beside it, 2 and 1 "Station
 * Road"; in Gamma, one record with no Location; one without coordinates
 * (assigned by its LSOA, so in no square) and one outside every ward. In
 * January 2018, the previous window, 3 more "Shopping Area" at the first
 * point, which no square counts. The first point is about 100 m and 70 m
 * from the lines of its 250 m square (British National Grid 575649,
 * 149068, by PROJ's cs2cs), so all three points are in it.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safer/assess.h"
#include "safer/output.h"
#include "testfix.h"

#define HEADER "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n"

static const char JAN_2019[] =
    HEADER
    ",2019-01,Kent Police,Kent Police,0.51350,51.21380,On or near Shopping Area,E01000001,A,Shoplifting,,\n"
    ",2019-01,Kent Police,Kent Police,0.51350,51.21380,On or near Shopping Area,E01000001,A,Shoplifting,,\n"
    ",2019-01,Kent Police,Kent Police,0.51350,51.21380,On or near Shopping Area,E01000001,A,Shoplifting,,\n"
    ",2019-01,Kent Police,Kent Police,0.51350,51.21380,On or near Shopping Area,E01000001,A,Anti-social behaviour,,\n"
    ",2019-01,Kent Police,Kent Police,0.51350,51.21380,On or near Parking Area,E01000001,A,Vehicle crime,,\n"
    ",2019-01,Kent Police,Kent Police,0.51351,51.21381,On or near Station Road,E01000001,A,Burglary,,\n"
    ",2019-01,Kent Police,Kent Police,0.51351,51.21381,On or near Station Road,E01000001,A,Burglary,,\n"
    ",2019-01,Kent Police,Kent Police,0.51352,51.21382,On or near Station Road,E01000001,A,Robbery,,\n"
    ",2019-01,Kent Police,Kent Police,0.53000,51.21000,,E01000003,B,Drugs,,\n"
    ",2019-01,Kent Police,Kent Police,,,No location,E01000001,A,Drugs,,\n"
    ",2019-01,Kent Police,Kent Police,0.70000,51.30000,On or near Far Away,E01000009,C,Drugs,,\n";

static const char JAN_2018[] =
    HEADER
    ",2018-01,Kent Police,Kent Police,0.51350,51.21380,On or near Shopping Area,E01000001,A,Shoplifting,,\n"
    ",2018-01,Kent Police,Kent Police,0.51350,51.21380,On or near Shopping Area,E01000001,A,Shoplifting,,\n"
    ",2018-01,Kent Police,Kent Police,0.51350,51.21380,On or near Shopping Area,E01000001,A,Shoplifting,,\n";

static const struct safer_hotcell *cell_with(const struct safer_assessment *a, const char *where,
                                             size_t *index)
{
    for (size_t i = 0; i < a->nplaces; i++) {
        if (strcmp(a->places[i].location, where) == 0) {
            *index = a->places[i].cell;
            return &a->cells[a->places[i].cell];
        }
    }
    fail_msg("no place '%s'", where);
    return NULL;
}

static void test_places_name_each_square(void **state)
{
    (void)state;
    char target[512], p18[600], p19[600];
    struct safer_store *st =
        testfix_store("places", TESTFIX_WARDS | TESTFIX_LOOKUP, target, sizeof(target));
    testfix_write("2018-01-kent-street.csv", JAN_2018, p18, sizeof(p18));
    testfix_write("2019-01-kent-street.csv", JAN_2019, p19, sizeof(p19));
    const char *paths[] = {p18, p19};
    testfix_police(st, paths, 2);

    struct safer_assess_opts o = {.to = -1, .threads = 2};
    struct safer_output out;
    safer_output_init(&out);
    struct safer_assessment a;
    struct safer_err err = {0};
    if (safer_assess_run(st, &o, &out, &a, &err) < 0)
        fail_msg("%s", err.msg);

    /* Every place belongs to its cell's range, and each cell's places add
     * up to its count: every record a square counts is named once. */
    assert_non_null(a.place_start);
    assert_int_equal(a.place_start[a.ncells], a.nplaces);
    int64_t total = 0;
    for (size_t k = 0; k < a.ncells; k++) {
        int64_t sum = 0;
        for (size_t i = a.place_start[k]; i < a.place_start[k + 1]; i++) {
            assert_int_equal(a.places[i].cell, k);
            sum += a.places[i].count;
            if (i > a.place_start[k])
                assert_true(a.places[i - 1].count >= a.places[i].count);
        }
        assert_int_equal(sum, a.cells[k].count);
        total += sum;
    }
    /* The 9 located records of 2019 in the wards; not the one without a
     * point, the one outside the wards, nor 2018's three. */
    assert_int_equal(total, 9);

    /* The square of the first point: its Locations, largest first, the two
     * Station Road points (a metre apart) merged into one entry. */
    size_t k;
    const struct safer_hotcell *c = cell_with(&a, "On or near Shopping Area", &k);
    assert_int_equal(c->count, 8);
    assert_int_equal(a.place_start[k + 1] - a.place_start[k], 3);
    const struct safer_cell_place *pl = &a.places[a.place_start[k]];
    assert_string_equal(pl[0].location, "On or near Shopping Area");
    assert_int_equal(pl[0].count, 4);
    assert_string_equal(pl[1].location, "On or near Station Road");
    assert_int_equal(pl[1].count, 3);
    assert_string_equal(pl[2].location, "On or near Parking Area");
    assert_int_equal(pl[2].count, 1);
    for (int i = 0; i < 3; i++)
        assert_string_equal(a.wards[pl[i].ward].name, "Alpha");

    /* Gamma's record had no Location: "" names it. */
    size_t kg;
    const struct safer_hotcell *g = cell_with(&a, "", &kg);
    assert_int_equal(g->count, 1);
    assert_string_equal(a.wards[a.places[a.place_start[kg]].ward].name, "Gamma");

    /* hotspot_locations.csv: one row per square, ward and Location, in the
     * order of hotspots.csv, then largest first. */
    const struct safer_output_file *f = safer_output_find(&out, "hotspot_locations.csv");
    assert_non_null(f);
    char alpha[512], gamma[128], want[1100];
    snprintf(alpha, sizeof(alpha),
             "%d,%d,E05000001,On or near Shopping Area,4\n"
             "%d,%d,E05000001,On or near Station Road,3\n"
             "%d,%d,E05000001,On or near Parking Area,1\n",
             c->i, c->j, c->i, c->j, c->i, c->j);
    snprintf(gamma, sizeof(gamma), "%d,%d,E05000003,,1\n", g->i, g->j);
    snprintf(want, sizeof(want), "cell_i,cell_j,ward_code,location,count\n%s%s",
             kg < k ? gamma : alpha, kg < k ? alpha : gamma);
    assert_string_equal(f->data, want);

    safer_output_release(&out);
    safer_assessment_release(&a);
    testfix_done(st, target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_places_name_each_square),
    };
    return cmocka_run_group_tests_name("places", tests, testfix_setup, testfix_teardown);
}
