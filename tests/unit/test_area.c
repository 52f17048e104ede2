/*
 * test_area.c - the streaming GeoJSON reader: member order, nesting,
 * escapes, and the errors that name the feature.
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

#include "safer/area.h"

#define SQ "[[0.5,51.2],[0.6,51.2],[0.6,51.3],[0.5,51.3],[0.5,51.2]]"

static int parse(const char *json, struct safer_area **a, size_t *n, struct safer_err *err)
{
    struct safer_areas_stats st;
    return safer_areas_parse(json, strlen(json), "t.geojson", NULL, a, n, &st, err);
}

static void test_area_members_in_any_order(void **state)
{
    (void)state;
    /* geometry before properties, coordinates before type, the crs last */
    const char *json =
        "{\"features\":[{\"geometry\":{\"coordinates\":[" SQ "],\"type\":\"Polygon\"},"
        "\"type\":\"Feature\",\"properties\":{\"WD19NM\":\"Caf\\u00e9 \\\"Quarter\\\"\","
        "\"WD19CD\":\"E05000001\",\"LAD19CD\":\"E07000001\",\"n\":3,\"x\":null}}],"
        "\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
        "\"urn:ogc:def:crs:OGC:1.3:CRS84\"}}}";
    struct safer_area *a;
    size_t n;
    struct safer_err err = {0};
    assert_int_equal(parse(json, &a, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(a[0].code, "E05000001");
    assert_string_equal(a[0].name, "Caf\xc3\xa9 \"Quarter\"");
    assert_string_equal(a[0].district, "E07000001");
    assert_int_equal(a[0].geom.npoints, 5);
    assert_int_equal(a[0].geom.nrings, 1);
    assert_int_equal(a[0].geom.nparts, 1);
    assert_int_equal(safer_geom_locate(&a[0].geom, 0.55, 51.25), 1);
    safer_areas_free(a, n);
}

static void test_area_multipolygon_holes_and_heights(void **state)
{
    (void)state;
    const char *json =
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"LSOA11CD\":\"E01000001\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
        "[[[[0,0,9],[4,0,9],[4,4,9],[0,4,9],[0,0,9]],[[1,1],[1,2],[2,2],[2,1],[1,1]]],"
        "[[[10,0],[11,0],[11,1],[10,1],[10,0]]]]}}]}";
    struct safer_area *a;
    size_t n;
    struct safer_err err = {0};
    struct safer_areas_stats st;
    struct safer_areas_opts o = {.level = "lsoa"};
    assert_int_equal(safer_areas_parse(json, strlen(json), "t", &o, &a, &n, &st, &err), 0);
    assert_int_equal(a[0].geom.nparts, 2);
    assert_int_equal(a[0].geom.nrings, 3);
    assert_int_equal(a[0].geom.npoints, 15);
    assert_int_equal(a[0].geom.part_start[1], 2);
    assert_int_equal(safer_geom_locate(&a[0].geom, 1.5, 1.5), -1);
    assert_int_equal(safer_geom_locate(&a[0].geom, 3, 3), 1);
    assert_int_equal(safer_geom_locate(&a[0].geom, 10.5, 0.5), 1);
    assert_string_equal(st.code_field, "LSOA11CD");
    safer_areas_free(a, n);
}

static void test_area_errors_name_the_feature(void **state)
{
    (void)state;
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":"
         "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]},\"properties\":{\"WD19CD\":"
         "\"E1\"}}]}",
         "feature 1 ('E1'): a ring has 3 positions"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
         "{\"WD19CD\":\"E2\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],"
         "[1,true],[0,0]]]}}]}",
         "feature 1 ('E2'): position 3 of a ring is not a pair of numbers"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
         "{\"WD19CD\":\"E3\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[" SQ "]}}]}",
         "feature 1 ('E3'): the coordinates are not nested as a MultiPolygon's are"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
         "{\"WD19CD\":\"E4\"},\"geometry\":null}]}",
         "feature 1 ('E4'): no geometry"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
         "{\"WD19CD\":\"E5\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}]}",
         "feature 1 ('E5'): geometry type 'Point' is not Polygon or MultiPolygon"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
         "{\"WD19CD\":\"E6\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" SQ "]}},"
         "{\"type\":\"Feature\",\"properties\":{\"WD19NM\":\"x\"},\"geometry\":{\"type\":"
         "\"Polygon\",\"coordinates\":[" SQ "]}}]}",
         "feature 2: no 'WD19CD' property"},
        {"{\"type\":\"FeatureCollection\",\"features\":[]}", "has no features"},
        {"{\"type\":\"Feature\"}", "not a GeoJSON FeatureCollection"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{", "not valid JSON"},
        {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
         "SAFER_LIMIT_GEOJSON_DEPTH"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
         "{\"WD19CD\":\"E7\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,150000],"
         "[500001,150000],[500001,150001],[500000,150000]]]}}]}",
         "is not longitude/latitude"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct safer_area *a = NULL;
        size_t n = 0;
        struct safer_err err = {0};
        int rc = parse(cases[i].json, &a, &n, &err);
        if (rc >= 0 || !strstr(err.msg, cases[i].want))
            fail_msg("case %zu: rc %d, message '%s', want '%s'", i, rc, err.msg, cases[i].want);
        assert_null(a);
        assert_int_equal(n, 0);
    }
}

/* One Polygon feature with ring `ring`, in a file whose crs is `crs` (NULL: none). */
static int parse_ring(const char *crs, const char *ring, struct safer_area **a, size_t *n,
                      struct safer_err *err)
{
    char json[2048];
    char crs_member[160] = "";
    if (crs)
        snprintf(crs_member, sizeof(crs_member),
                 "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"%s\"}},", crs);
    int len = snprintf(json, sizeof(json),
                       "{\"type\":\"FeatureCollection\",%s\"features\":[{\"type\":\"Feature\","
                       "\"properties\":{\"WD19CD\":\"E1\"},\"geometry\":{\"type\":"
                       "\"Polygon\",\"coordinates\":[%s]}}]}",
                       crs_member, ring);
    assert_true(len > 0 && (size_t)len < sizeof(json));
    return parse(json, a, n, err);
}

/* Runs `cases` through parse_ring: want NULL means the file is read. */
struct ring_case {
    const char *crs, *ring, *want;
};
static void check_ring_cases(const struct ring_case *cases, size_t ncases)
{
    for (size_t i = 0; i < ncases; i++) {
        struct safer_area *a = NULL;
        size_t n = 0;
        struct safer_err err = {0};
        int rc = parse_ring(cases[i].crs, cases[i].ring, &a, &n, &err);
        if (!cases[i].want && rc != 0)
            fail_msg("case %zu (%s): refused: %s", i, cases[i].ring, err.msg);
        if (cases[i].want && (rc >= 0 || !strstr(err.msg, cases[i].want)))
            fail_msg("case %zu (%s): rc %d, message '%s', want '%s'", i, cases[i].ring, rc,
                     err.msg, cases[i].want);
        if (cases[i].want) {
            assert_null(a);
            assert_int_equal(n, 0);
        }
        safer_areas_free(a, n);
    }
}

/* Longitude first is read; latitude first is refused whatever the crs says. */
static void test_area_axis_order(void **state)
{
    (void)state;
#define LONLAT "[[0.5,51.2],[0.6,51.2],[0.6,51.3],[0.5,51.2]]"
#define LATLON "[[51.2,0.5],[51.2,0.6],[51.3,0.6],[51.2,0.5]]"
#define PARIS "[[2.3,48.8],[2.4,48.8],[2.4,48.9],[2.3,48.8]]"
#define SWAPPED "position (51.2, 0.5) has latitude first"
#define UNTOLD "position (2.3, 48.8) of feature 1 lies outside Great Britain either way round"
    static const struct ring_case cases[] = {
        {NULL, LONLAT, NULL},
        {"urn:ogc:def:crs:OGC:1.3:CRS84", LONLAT, NULL},
        {"urn:ogc:def:crs:OGC::CRS84", LONLAT, NULL},
        {"http://www.opengis.net/def/crs/OGC/1.3/CRS84", LONLAT, NULL},
        {"OGC:CRS84", LONLAT, NULL},
        {"CRS84", LONLAT, NULL},
        {"EPSG:4326", LONLAT, NULL},
        /* latitude first by definition, but these positions can only be longitude first */
        {"urn:ogc:def:crs:EPSG::4326", LONLAT, NULL},
        {"http://www.opengis.net/def/crs/EPSG/0/4326", LONLAT, NULL},
        /* outside Great Britain: read as declared only where the order is not in doubt */
        {NULL, PARIS, NULL},
        {"urn:ogc:def:crs:OGC:1.3:CRS84", PARIS, NULL},
        {"urn:ogc:def:crs:EPSG::4326", PARIS, UNTOLD},
        {"http://www.opengis.net/def/crs/EPSG/0/4326", PARIS, UNTOLD},
        /* swapped positions, whatever the crs */
        {NULL, LATLON, SWAPPED},
        {"urn:ogc:def:crs:OGC:1.3:CRS84", LATLON, SWAPPED},
        {"EPSG:4326", LATLON, SWAPPED},
        {"urn:ogc:def:crs:EPSG::4326", LATLON, SWAPPED},
        /* one swapped position is enough; the corners of the swapped box count */
        {NULL, "[[0.5,51.2],[0.6,51.2],[61,-9],[0.5,51.2]]", "position (61, -9) has latitude first"},
        {NULL, "[[0.5,51.2],[0.6,51.2],[49,3],[0.5,51.2]]", "position (49, 3) has latitude first"},
        {NULL, "[[0.5,51.2],[0.6,51.2],[48.9,3],[0.5,51.2]]", NULL},
        /* the box of Great Britain is closed too */
        {"urn:ogc:def:crs:EPSG::4326", "[[-9,49],[3,49],[3,61],[-9,49]]", NULL},
        {"urn:ogc:def:crs:EPSG::4326", "[[-9,49],[3.001,49],[3,61],[-9,49]]",
         "position (3.001, 49) of feature 1 lies outside"},
        {"EPSG:27700", LONLAT, "is in CRS 'EPSG:27700'"},
        {"urn:ogc:def:crs:EPSG::4258", LONLAT, "is in CRS 'urn:ogc:def:crs:EPSG::4258'"},
    };
#undef LONLAT
#undef LATLON
#undef PARIS
#undef SWAPPED
#undef UNTOLD
    check_ring_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_area_members_in_any_order),
        cmocka_unit_test(test_area_multipolygon_holes_and_heights),
        cmocka_unit_test(test_area_errors_name_the_feature),
        cmocka_unit_test(test_area_axis_order),
    };
    return cmocka_run_group_tests_name("area", tests, NULL, NULL);
}
