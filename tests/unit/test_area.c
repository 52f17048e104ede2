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

/* One feature of geometry `type` (NULL: Polygon) with `coords` inside its
 * coordinates array, in a file whose crs is `crs` (NULL: none). */
static int parse_geom(const char *crs, const char *type, const char *coords,
                      struct safer_area **a, size_t *n, struct safer_err *err)
{
    char json[4096];
    char crs_member[160] = "";
    if (crs)
        snprintf(crs_member, sizeof(crs_member),
                 "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"%s\"}},", crs);
    int len = snprintf(json, sizeof(json),
                       "{\"type\":\"FeatureCollection\",%s\"features\":[{\"type\":\"Feature\","
                       "\"properties\":{\"WD19CD\":\"E1\"},\"geometry\":{\"type\":\"%s\","
                       "\"coordinates\":[%s]}}]}",
                       crs_member, type ? type : "Polygon", coords);
    assert_true(len > 0 && (size_t)len < sizeof(json));
    return parse(json, a, n, err);
}

/* Row i of a table for parse_geom: want NULL means the file is read, else
 * a part of the message. */
static void check_geom_case(size_t i, const char *crs, const char *type, const char *coords,
                            const char *want)
{
    struct safer_area *a = NULL;
    size_t n = 0;
    struct safer_err err = {0};
    int rc = parse_geom(crs, type, coords, &a, &n, &err);
    if (!want && rc != 0)
        fail_msg("case %zu (%s): refused: %s", i, coords, err.msg);
    if (want && (rc != SAFER_EPARSE || !strstr(err.msg, want)))
        fail_msg("case %zu (%s): rc %d, message '%s', want '%s'", i, coords, rc, err.msg, want);
    if (want) {
        assert_null(a);
        assert_int_equal(n, 0);
    }
    safer_areas_free(a, n);
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
    static const struct {
        const char *crs, *ring, *want;
    } cases[] = {
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
        {NULL, "[[0.5,51.2],[0.6,51.2],[61,-9],[0.5,51.2]]",
         "position (61, -9) has latitude first"},
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
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_geom_case(i, cases[i].crs, NULL, cases[i].ring, cases[i].want);
}

/*
 * Rings that cross, touch themselves or share boundary are refused; rings
 * that touch others at single points are read. Each row gives what PostGIS
 * 3.3 (GEOS 3.11) ST_IsValidReason says of the same geometry; we agree on
 * every row except where a ring lies relative to another, which the
 * reader does not check (docs/internals/geography.md).
 */
static void test_area_refuses_crossing_and_touching_rings(void **state)
{
    (void)state;
#define P "Polygon"
#define M "MultiPolygon"
#define BOX "[[0,0],[4,0],[4,4],[0,4],[0,0]]"
    static const struct {
        const char *type, *coords, *want;
    } cases[] = {
        /* a square (PostGIS: valid) */
        {P, BOX, NULL},
        /* a repeated position is not a touch (PostGIS: valid) */
        {P, "[[0,0],[4,0],[4,0],[4,4],[0,4],[0,0]]", NULL},
        /* nor is a repeated closing position (PostGIS: valid) */
        {P, "[[0,0],[4,0],[4,4],[0,4],[0,0],[0,0]]", NULL},
        /* a vertex in the middle of a straight edge (PostGIS: valid) */
        {P, "[[0,0],[2,0],[4,0],[4,4],[0,4],[0,0]]", NULL},
        /* concave (PostGIS: valid) */
        {P, "[[0,0],[4,0],[4,1],[1,1],[1,4],[0,4],[0,0]]", NULL},
        /* a hole touching its shell at a vertex of the hole (PostGIS: valid) */
        {P, BOX ",[[2,0],[3,1],[1,1],[2,0]]", NULL},
        /* a hole touching its shell at a shared vertex (PostGIS: valid) */
        {P, BOX ",[[0,0],[1,2],[2,1],[0,0]]", NULL},
        /* two holes touching each other once (PostGIS: valid) */
        {P, BOX ",[[1,1],[2,2],[1,3],[1,1]],[[2,2],[3,1],[3,3],[2,2]]", NULL},
        /* three rings at one point (PostGIS: valid) */
        {P, BOX ",[[2,0],[3,1],[1,1],[2,0]],[[2,0],[3.5,0.5],[3.5,0.2],[2,0]]", NULL},
        /* parts touching at a corner (PostGIS: valid) */
        {M, "[[[0,0],[2,0],[2,2],[0,2],[0,0]]],[[[2,2],[4,2],[4,4],[2,4],[2,2]]]", NULL},
        /* parts touching at two points around a pocket (PostGIS: valid) */
        {M, "[[[0,0],[4,0],[4,2],[0,2],[0,0]]],[[[0,2],[2,3],[4,2],[4,4],[0,4],[0,2]]]", NULL},
        /* an island in a hole, touching it (PostGIS: valid) */
        {M, "[" BOX ",[[1,1],[1,3],[3,3],[3,1],[1,1]]],[[[2,1],[2.5,2],[1.5,2],[2,1]]]", NULL},
        /* a part inside another (PostGIS: nested shells; not checked here) */
        {M, "[" BOX "],[[[1,1],[2,1],[2,2],[1,2],[1,1]]]", NULL},
        /* a hole outside its shell (PostGIS: hole lies outside shell; not checked here) */
        {P, BOX ",[[5,5],[6,5],[6,6],[5,5]]", NULL},
        /* a bow-tie (PostGIS: self-intersection) */
        {P, "[[0,0],[4,4],[4,0],[0,4],[0,0]]", "ring 1 crosses itself near 2.000000, 2.000000"},
        /* crossing itself at a vertex (PostGIS: ring self-intersection) */
        {P, "[[0,0],[2,2],[4,4],[4,0],[2,2],[0,4],[0,0]]",
         "ring 1 crosses itself near 2.000000, 2.000000"},
        /* a vertical edge through a horizontal one (PostGIS: self-intersection) */
        {P, "[[0,0],[4,0],[4,4],[3,4],[3,-1],[2,-1],[2,4],[0,4],[0,0]]",
         "ring 1 crosses itself near 2.000000, 0.000000"},
        /* a pentagram (PostGIS: self-intersection) */
        {P, "[[2,0],[3.2,3.6],[0,1.4],[4,1.4],[0.8,3.6],[2,0]]", "ring 1 crosses itself near"},
        /* touching itself at a vertex (an inverted hole) (PostGIS: ring self-intersection) */
        {P, "[[0,0],[4,0],[4,4],[2,4],[3,2],[1,2],[2,4],[0,4],[0,0]]",
         "ring 1 touches itself at 2, 4"},
        /* touching itself: a vertex on another edge (PostGIS: ring self-intersection) */
        {P, "[[0,0],[4,0],[4,4],[3,4],[2,0],[1,4],[0,4],[0,0]]", "ring 1 touches itself at 2, 0"},
        /* a spike (PostGIS: ring self-intersection) */
        {P, "[[0,0],[4,0],[4,4],[2,4],[2,6],[2,4],[0,4],[0,0]]",
         "ring 1 runs back along itself at 2, 4"},
        /* a spike that turns back short (PostGIS: ring self-intersection) */
        {P, "[[0,0],[4,0],[4,4],[2,4],[2,6],[2,5],[0,4],[0,0]]",
         "ring 1 runs back along itself at 2, 5"},
        /* three positions in a line (PostGIS: self-intersection) */
        {P, "[[0,0],[2,0],[4,0],[0,0]]", "ring 1 runs back along itself at 0, 0"},
        /* two distinct positions (PostGIS: too few points in geometry component) */
        {P, "[[0,0],[4,0],[4,0],[0,0]]", "ring 1 has 2 distinct positions; at least 3 are needed"},
        /* a hole across its shell (PostGIS: self-intersection) */
        {P, BOX ",[[3,1],[5,1],[5,3],[3,3],[3,1]]",
         "ring 1 crosses ring 2 near 4.000000, 1.000000"},
        /* a hole along its shell (PostGIS: self-intersection) */
        {P, BOX ",[[1,0],[3,0],[2,1],[1,0]]",
         "ring 1 and ring 2 share a stretch of boundary at 1, 0"},
        /* a hole touching its shell twice (PostGIS: interior is disconnected) */
        {P, BOX ",[[0,2],[2,1],[4,2],[2,3],[0,2]]",
         "ring 1 and ring 2 touch at 4, 2 and again elsewhere"},
        /* two holes touching twice (PostGIS: interior is disconnected) */
        {P, BOX ",[[1,1],[3,1],[2,2],[1,1]],[[1,1],[2,0.5],[3,1],[2,0.9],[1,1]]",
         "ring 2 and ring 3 touch at 3, 1 and again elsewhere"},
        /* a loop of three touches (PostGIS: interior is disconnected) */
        {P, BOX ",[[0,2],[2,1],[2,3],[0,2]],[[2,2],[4,2],[3,3],[2,2]]",
         "ring 1 and ring 3 touch at 4, 2 and again elsewhere"},
        /* parts crossing (PostGIS: self-intersection) */
        {M, "[[[0,0],[2,0],[2,2],[0,2],[0,0]]],[[[1,1],[3,1],[3,3],[1,3],[1,1]]]",
         "ring 1 of polygon 1 crosses ring 1 of polygon 2 near 1.000000, 2.000000"},
        /* parts sharing an edge (PostGIS: self-intersection) */
        {M, "[[[0,0],[2,0],[2,2],[0,2],[0,0]]],[[[2,0],[4,0],[4,2],[2,2],[2,0]]]",
         "ring 1 of polygon 1 and ring 1 of polygon 2 share a stretch of boundary at 2, 0"},
        /* a hole of one part across another part (PostGIS: self-intersection) */
        {M, "[" BOX ",[[1,1],[3,1],[3,3],[1,3],[1,1]]],[[[2,2],[5,2],[5,5],[2,2]]]",
         "crosses ring 1 of polygon 2 near"},
    };
#undef P
#undef M
#undef BOX
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_geom_case(i, NULL, cases[i].type, cases[i].coords, cases[i].want);
}

/*
 * A comb of `teeth` teeth, 0.1 degree long and 1e-5 apart: every long edge
 * is cut by a vertical line at once, the worst case for a sweep that tests
 * each new edge against all the edges it cuts. With `cross`, the lower
 * edge of the last tooth dips through the top edge of the tooth below.
 */
static char *comb_json(int teeth, int cross)
{
    size_t cap = (size_t)teeth * 200 + 1000, len = 0;
    char *json = malloc(cap);
    assert_non_null(json);
    len += (size_t)snprintf(json + len, cap - len,
                            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                            "\"Feature\",\"properties\":{\"WD19CD\":\"E1\"},\"geometry\":"
                            "{\"type\":\"Polygon\",\"coordinates\":[[[0.5,51],[0.6,51]");
    for (int i = 0; i < teeth; i++) {
        double y1 = 51 + (2 * i + 1) * 1e-5, y2 = 51 + (2 * i + 2) * 1e-5;
        len += (size_t)snprintf(json + len, cap - len, ",[0.6,%.17g]", y1);
        if (cross && i == teeth - 1)
            len += (size_t)snprintf(json + len, cap - len, ",[0.55,%.17g]", y1 - 1.5e-5);
        len += (size_t)snprintf(json + len, cap - len, ",[0.5001,%.17g],[0.5001,%.17g],[0.6,%.17g]",
                                y1, y2, y2);
    }
    double top = 51 + (2 * teeth + 1) * 1e-5;
    len += (size_t)snprintf(json + len, cap - len, ",[0.6,%.17g],[0.5,%.17g],[0.5,51]]]}}]}", top,
                            top);
    assert_true(len < cap);
    return json;
}

static void test_area_checks_a_large_ring_in_n_log_n(void **state)
{
    (void)state;
    struct safer_area *a = NULL;
    size_t n = 0;
    struct safer_err err = {0};
    char *json = comb_json(25000, 0);
    if (parse(json, &a, &n, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(a[0].geom.npoints, 100005);
    safer_areas_free(a, n);
    free(json);

    json = comb_json(25000, 1);
    assert_int_equal(parse(json, &a, &n, &err), SAFER_EPARSE);
    if (!strstr(err.msg, "feature 1 ('E1'): ring 1 crosses itself near 0.5"))
        fail_msg("%s", err.msg);
    free(json);
}

/*
 * tests/data/areas/rings-postgis.tsv: 400 random polygons and what PostGIS
 * ST_IsValidReason says of each (rings-postgis.py writes it). What PostGIS
 * calls valid is read; what it faults for an intersection or a
 * disconnected interior is refused; where it faults how rings lie relative
 * to each other, which the reader does not check, either may happen.
 */
static void test_area_agrees_with_postgis(void **state)
{
    (void)state;
    FILE *in = fopen(SAFER_TEST_DATA "/areas/rings-postgis.tsv", "r");
    assert_non_null(in);
    char line[8192], json[8400];
    size_t lineno = 0, valid = 0, invalid = 0;
    while (fgets(line, sizeof(line), in)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        const char *reason = line, *geometry = tab + 1;
        int len = snprintf(json, sizeof(json),
                           "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                           "\"Feature\",\"properties\":{\"WD19CD\":\"E1\"},\"geometry\":%s}]}",
                           geometry);
        assert_true(len > 0 && (size_t)len < sizeof(json));
        struct safer_area *a = NULL;
        size_t n = 0;
        struct safer_err err = {0};
        int rc = parse(json, &a, &n, &err);
        safer_areas_free(a, n);
        int must_read = strcmp(reason, "Valid Geometry") == 0;
        int must_refuse = strcmp(reason, "Self-intersection") == 0 ||
                          strcmp(reason, "Ring Self-intersection") == 0 ||
                          strcmp(reason, "Too few points in geometry component") == 0 ||
                          strcmp(reason, "Interior is disconnected") == 0;
        if (must_read && rc != 0)
            fail_msg("line %zu: PostGIS says valid, we refuse: %s", lineno, err.msg);
        if (must_refuse && rc != SAFER_EPARSE)
            fail_msg("line %zu: PostGIS says '%s', we read it", lineno, reason);
        valid += must_read;
        invalid += must_refuse;
    }
    fclose(in);
    assert_int_equal(lineno, 400);
    assert_true(valid > 100 && invalid > 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_area_members_in_any_order),
        cmocka_unit_test(test_area_multipolygon_holes_and_heights),
        cmocka_unit_test(test_area_errors_name_the_feature),
        cmocka_unit_test(test_area_axis_order),
        cmocka_unit_test(test_area_refuses_crossing_and_touching_rings),
        cmocka_unit_test(test_area_checks_a_large_ring_in_n_log_n),
        cmocka_unit_test(test_area_agrees_with_postgis),
    };
    return cmocka_run_group_tests_name("area", tests, NULL, NULL);
}
