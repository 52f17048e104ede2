/*
 * test_synth.c - the synthetic data generator: byte-identical output from
 * the same options, row counts that add up, closed and consistently
 * oriented ward rings that share their edges, points that lie in the ward
 * of their LSOA, police.uk headers and fields, a no-location share near
 * 1%, and the errors for bad options and unwritable folders.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safer/synth.h"

static const char POLICE_HEADER[] =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context";

/* Copied from the IoD2019 files (File 6 and File 1), byte-order mark included. */
static const char POP_HEADER[] =
    "\xEF\xBB\xBF"
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Total population: mid 2015 (excluding prisoners),"
    "Dependent Children aged 0-15: mid 2015 (excluding prisoners),"
    "Population aged 16-59: mid 2015 (excluding prisoners),"
    "Older population aged 60 and over: mid 2015 (excluding prisoners),"
    "Working age population 18-59/64: for use with Employment Deprivation Domain "
    "(excluding prisoners)\r\n";
static const char IMD_HEADER[] =
    "\xEF\xBB\xBF"
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
    "Index of Multiple Deprivation (IMD) Decile\r\n";

/* ---- helpers ------------------------------------------------------------ */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return p;
}

static char *make_tmpdir(void)
{
    char *d = strdup("/tmp/test_synth.XXXXXX");
    assert_non_null(d);
    assert_non_null(mkdtemp(d));
    return d;
}

/* Remove what a run wrote (its files, police/ and the folder). */
static void remove_run(const char *dir, const struct safer_synth_result *res)
{
    char path[4096];
    for (size_t i = 0; i < res->nfiles; i++)
        unlink(res->files[i]);
    snprintf(path, sizeof(path), "%s/police", dir);
    rmdir(path);
    rmdir(dir);
}

/* Split one CSV record (RFC 4180, no embedded newlines) in place. */
static int split_csv(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        assert_true(n < max);
        if (*p == '"') {
            char *w = ++p;
            f[n++] = w;
            for (;;) {
                assert_true(*p != '\0');
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            *w = '\0';
            if (*p == ',') {
                p++;
                continue;
            }
            assert_true(*p == '\0');
            return n;
        }
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            return n;
        *c = '\0';
        p = c + 1;
    }
}

static void small_opts(struct safer_synth_opts *o)
{
    safer_synth_opts_init(o);
    o->rows = 20000;
    o->months = 14;
    o->nwards = 30;
    o->vertices_per_ward = 100;
    o->seed = 42;
}

/* ---- determinism ---------------------------------------------------------- */

static void test_synth_same_options_same_bytes(void **state)
{
    (void)state;
    struct safer_synth_opts o;
    struct safer_synth_result a, b, c;
    struct safer_err err = {0};
    char *d1 = make_tmpdir(), *d2 = make_tmpdir(), *d3 = make_tmpdir();

    small_opts(&o);
    assert_int_equal(safer_synth_write(d1, &o, &a, &err), 0);
    assert_int_equal(safer_synth_write(d2, &o, &b, &err), 0);
    o.seed = 43;
    assert_int_equal(safer_synth_write(d3, &o, &c, &err), 0);

    assert_int_equal(a.nfiles, b.nfiles);
    assert_int_equal(a.nfiles, 6 + 2 * 14); /* geojson, 5 tables, 14 months x 2 forces */
    size_t differ = 0;
    for (size_t i = 0; i < a.nfiles; i++) {
        size_t la, lb, lc;
        assert_string_equal(a.files[i] + strlen(d1), b.files[i] + strlen(d2));
        char *pa = read_all(a.files[i], &la), *pb = read_all(b.files[i], &lb);
        char *pc = read_all(c.files[i], &lc);
        assert_int_equal(la, lb);
        assert_memory_equal(pa, pb, la);
        differ += la != lc || memcmp(pa, pc, la) != 0;
        free(pa);
        free(pb);
        free(pc);
    }
    assert_true(differ >= a.nfiles - 1); /* another seed: everything changes */
    assert_int_equal(a.rows, b.rows);
    assert_int_equal(a.vertices, b.vertices);

    remove_run(d1, &a);
    remove_run(d2, &b);
    remove_run(d3, &c);
    safer_synth_result_release(&a);
    safer_synth_result_release(&b);
    safer_synth_result_release(&c);
    assert_null(a.files);
    safer_synth_result_release(NULL);
    free(d1);
    free(d2);
    free(d3);
}

/* ---- police files ------------------------------------------------------- */

struct police_stats {
    uint64_t rows, noloc, lsoa_only, quoted_location, asb, btp;
};

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/* Check every row of one police file; count them into `st`. */
static uint64_t check_police_file(const char *path, struct police_stats *st)
{
    char *text = read_all(path, NULL);
    char *save = NULL;
    uint64_t n = 0;
    assert_null(strchr(text, '\r'));
    char *line = strtok_r(text, "\n", &save);
    assert_non_null(line);
    assert_string_equal(line, POLICE_HEADER);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[16];
        bool quoted = strstr(line, ",\"On or near ") != NULL;
        assert_int_equal(split_csv(line, f, 16), 12);
        n++;
        bool asb = strcmp(f[9], "Anti-social behaviour") == 0;
        if (asb) {
            assert_string_equal(f[0], "");
            assert_string_equal(f[10], "");
            st->asb++;
        } else {
            assert_true(is_hex64(f[0]));
            assert_true(f[10][0] != '\0');
        }
        assert_int_equal(strlen(f[1]), 7);
        assert_string_equal(f[2], f[3]);
        st->btp += strcmp(f[2], "British Transport Police") == 0;
        assert_string_equal(f[11], "");
        if (f[4][0] == '\0') {
            assert_string_equal(f[5], "");
            assert_string_equal(f[6], "No Location");
            st->noloc++;
            st->lsoa_only += f[7][0] != '\0';
        } else {
            assert_true(strncmp(f[6], "On or near ", 11) == 0);
            assert_true(strncmp(f[7], "E019", 4) == 0);
            char *dot = strchr(f[4], '.');
            assert_non_null(dot);
            assert_int_equal(strlen(dot + 1), 6); /* %.6f like police.uk */
            st->quoted_location += quoted;
        }
    }
    free(text);
    return n;
}

static void test_synth_rows_add_up(void **state)
{
    (void)state;
    struct safer_synth_opts o;
    struct safer_synth_result res;
    struct police_stats st = {0};
    char *dir = make_tmpdir();

    small_opts(&o);
    assert_int_equal(safer_synth_write(dir, &o, &res, NULL), 0);
    assert_int_equal(res.rows, o.rows);

    uint64_t by_month[SAFER_SYNTH_MAX_MONTHS] = {0};
    for (size_t i = 0; i < res.nfiles; i++) {
        const char *base = strrchr(res.files[i], '/') + 1;
        if (!strstr(res.files[i], "/police/"))
            continue;
        int y = atoi(base), m = atoi(base + 5);
        int k = (y * 12 + m - 1) - o.first_month;
        assert_true(k >= 0 && k < o.months);
        by_month[k] += check_police_file(res.files[i], &st);
    }
    uint64_t sum = 0;
    for (int k = 0; k < o.months; k++) {
        assert_int_equal(by_month[k], res.rows_by_month[k]);
        sum += by_month[k];
    }
    assert_int_equal(sum, o.rows);
    assert_int_equal(st.noloc, res.no_location_rows);
    assert_int_equal(st.lsoa_only, res.lsoa_only_rows);
    assert_int_equal(st.lsoa_only, 3 * (uint64_t)o.months); /* demo: three a month */
    assert_int_equal(st.btp, res.second_force_rows);
    assert_true(st.btp > 0);
    assert_true(st.quoted_location > 0);
    assert_true(st.asb > o.rows / 5 && st.asb < o.rows / 2);

    /* The partial month (the sixth of 31 or more) is well under its neighbours. */
    int pm = o.months >= 31 ? 5 : o.months - 7;
    assert_true(res.rows_by_month[pm] * 2 < res.rows_by_month[pm - 1]);
    assert_true(res.rows_by_month[pm] * 2 < res.rows_by_month[pm + 1]);

    /* The tables: headers copied from the real files, one row per LSOA. */
    char path[4200];
    static const struct {
        const char *name, *header;
    } tables[] = {
        {"population.csv", POP_HEADER},
        {"deprivation.csv", IMD_HEADER},
        {"lookup.csv", "FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n"},
        {"csp_lookup.csv", "FID,LAD19CD,LAD19NM,CSP19CD,CSP19NM,PFA19CD,PFA19NM\n"},
    };
    for (size_t t = 0; t < 4; t++) {
        snprintf(path, sizeof(path), "%s/%s", dir, tables[t].name);
        char *text = read_all(path, NULL);
        assert_true(strncmp(text, tables[t].header, strlen(tables[t].header)) == 0);
        size_t lines = 0;
        for (char *p = text; *p; p++)
            lines += *p == '\n';
        assert_int_equal(lines - 1, t < 3 ? res.nlsoas : 1);
        free(text);
    }
    assert_true(res.nlsoas >= 3 * res.nwards && res.nlsoas <= 6 * res.nwards);

    remove_run(dir, &res);
    safer_synth_result_release(&res);
    free(dir);
}

static void test_synth_no_location_share_near_one_percent(void **state)
{
    (void)state;
    struct safer_synth_opts o;
    struct safer_synth_result res;
    struct police_stats st = {0};
    char *dir = make_tmpdir();

    small_opts(&o);
    o.flags = SAFER_SYNTH_MULTIPART; /* plain: no LSOA-only rows, no BTP */
    o.rows = 60000;
    assert_int_equal(safer_synth_write(dir, &o, &res, NULL), 0);
    for (size_t i = 0; i < res.nfiles; i++)
        if (strstr(res.files[i], "/police/"))
            check_police_file(res.files[i], &st);
    assert_int_equal(st.lsoa_only, 0);
    assert_int_equal(st.btp, 0);
    double share = (double)st.noloc / (double)o.rows;
    assert_true(share > 0.008 && share < 0.012); /* expected 600, sd about 24 */
    remove_run(dir, &res);
    safer_synth_result_release(&res);
    free(dir);
}

/* ---- wards ---------------------------------------------------------------- */

struct ring {
    double *xy;
    size_t n; /* positions, the closing one included */
    unsigned ward;
};

struct wards {
    struct ring *rings;
    size_t nrings;
    char codes[SAFER_SYNTH_MAX_WARDS][16];
    unsigned nwards;
};

static double ring_area2(const struct ring *r)
{
    double a = 0;
    for (size_t i = 0; i + 1 < r->n; i++)
        a += r->xy[2 * i] * r->xy[2 * i + 3] - r->xy[2 * i + 2] * r->xy[2 * i + 1];
    return a;
}

static void load_ring(struct wards *w, json_t *coords, unsigned ward, bool shell)
{
    size_t n = json_array_size(coords);
    assert_true(n >= 4);
    struct ring *r = &w->rings[w->nrings++];
    r->xy = malloc(2 * n * sizeof(double));
    assert_non_null(r->xy);
    r->n = n;
    r->ward = ward;
    for (size_t i = 0; i < n; i++) {
        json_t *pos = json_array_get(coords, i);
        assert_int_equal(json_array_size(pos), 2);
        r->xy[2 * i] = json_number_value(json_array_get(pos, 0));
        r->xy[2 * i + 1] = json_number_value(json_array_get(pos, 1));
    }
    /* Closed, and oriented as RFC 7946 says: shells CCW, holes CW. */
    assert_true(r->xy[0] == r->xy[2 * n - 2] && r->xy[1] == r->xy[2 * n - 1]);
    assert_true(shell ? ring_area2(r) > 0 : ring_area2(r) < 0);
}

static void load_polygon(struct wards *w, json_t *poly, unsigned ward)
{
    for (size_t k = 0; k < json_array_size(poly); k++)
        load_ring(w, json_array_get(poly, k), ward, k == 0);
}

static void load_wards(const char *dir, struct wards *w)
{
    char path[4200];
    json_error_t jerr;
    snprintf(path, sizeof(path), "%s/wards.geojson", dir);
    json_t *fc = json_load_file(path, 0, &jerr);
    assert_non_null(fc);
    assert_string_equal(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
    json_t *crs = json_object_get(json_object_get(fc, "crs"), "properties");
    assert_string_equal(json_string_value(json_object_get(crs, "name")),
                        "urn:ogc:def:crs:OGC:1.3:CRS84");
    json_t *feats = json_object_get(fc, "features");
    w->nwards = (unsigned)json_array_size(feats);
    w->rings = calloc(16 * w->nwards + 16, sizeof(struct ring));
    w->nrings = 0;
    for (unsigned i = 0; i < w->nwards; i++) {
        json_t *f = json_array_get(feats, i);
        json_t *props = json_object_get(f, "properties");
        const char *code = json_string_value(json_object_get(props, "WD19CD"));
        assert_non_null(code);
        assert_true(strncmp(code, "E059", 4) == 0 && strlen(code) == 9);
        assert_non_null(json_string_value(json_object_get(props, "WD19NM")));
        assert_string_equal(json_string_value(json_object_get(props, "LAD19CD")), "E07900001");
        snprintf(w->codes[i], sizeof(w->codes[i]), "%s", code);
        json_t *g = json_object_get(f, "geometry");
        const char *type = json_string_value(json_object_get(g, "type"));
        json_t *coords = json_object_get(g, "coordinates");
        if (strcmp(type, "Polygon") == 0) {
            load_polygon(w, coords, i);
        } else {
            assert_string_equal(type, "MultiPolygon");
            assert_true(json_array_size(coords) >= 2);
            for (size_t p = 0; p < json_array_size(coords); p++)
                load_polygon(w, json_array_get(coords, p), i);
        }
    }
    json_decref(fc);
}

static void free_wards(struct wards *w)
{
    for (size_t i = 0; i < w->nrings; i++)
        free(w->rings[i].xy);
    free(w->rings);
}

struct dedge {
    double ax, ay, bx, by;
};

static int cmp_dedge(const void *pa, const void *pb)
{
    const struct dedge *a = pa, *b = pb;
    if (a->ax != b->ax)
        return a->ax < b->ax ? -1 : 1;
    if (a->ay != b->ay)
        return a->ay < b->ay ? -1 : 1;
    if (a->bx != b->bx)
        return a->bx < b->bx ? -1 : 1;
    if (a->by != b->by)
        return a->by < b->by ? -1 : 1;
    return 0;
}

static void test_synth_wards_partition(void **state)
{
    (void)state;
    struct safer_synth_opts o;
    struct safer_synth_result res;
    static struct wards w;
    char *dir = make_tmpdir();

    small_opts(&o);
    o.rows = 100;
    assert_int_equal(safer_synth_write(dir, &o, &res, NULL), 0);
    load_wards(dir, &w);
    assert_int_equal(w.nwards, o.nwards);
    assert_int_equal(res.nwards, o.nwards);
    assert_true(res.nmultipolygons >= 1);
    assert_int_equal(res.nholes, 1);

    /* Every directed edge appears once; an interior edge also appears once
     * reversed (its neighbour's ring): identical vertices on both sides,
     * and consistent orientation. The edges without a twin are the outer
     * boundary and the islands: one closed loop each. */
    size_t ne = 0, total = 0;
    for (size_t i = 0; i < w.nrings; i++)
        total += w.rings[i].n - 1;
    assert_int_equal(total + w.nrings, res.vertices);
    struct dedge *e = calloc(total, sizeof(*e));
    for (size_t i = 0; i < w.nrings; i++)
        for (size_t k = 0; k + 1 < w.rings[i].n; k++) {
            const double *p = w.rings[i].xy + 2 * k;
            e[ne++] = (struct dedge){p[0], p[1], p[2], p[3]};
        }
    qsort(e, ne, sizeof(*e), cmp_dedge);
    size_t twins = 0;
    for (size_t i = 0; i < ne; i++) {
        if (i > 0)
            assert_true(cmp_dedge(&e[i - 1], &e[i]) != 0);
        struct dedge rev = {e[i].bx, e[i].by, e[i].ax, e[i].ay};
        twins += bsearch(&rev, e, ne, sizeof(*e), cmp_dedge) != NULL;
    }
    assert_true(twins % 2 == 0);
    assert_true(twins > ne / 2);
    double area = 0;
    for (size_t i = 0; i < w.nrings; i++)
        area += ring_area2(&w.rings[i]) / 2;
    /* The grid fills width x height, islands add a little. */
    assert_true(area > 0.99 * o.width_deg * o.height_deg);
    assert_true(area < 1.05 * o.width_deg * o.height_deg);

    free(e);
    free_wards(&w);
    remove_run(dir, &res);
    safer_synth_result_release(&res);
    free(dir);
}

/* Even-odd test over all of ward `ward`'s rings. */
static bool in_ward(const struct wards *w, unsigned ward, double x, double y)
{
    bool in = false;
    for (size_t i = 0; i < w->nrings; i++) {
        const struct ring *r = &w->rings[i];
        if (r->ward != ward)
            continue;
        for (size_t k = 0; k + 1 < r->n; k++) {
            double ax = r->xy[2 * k], ay = r->xy[2 * k + 1];
            double bx = r->xy[2 * k + 2], by = r->xy[2 * k + 3];
            if ((ay > y) != (by > y) && x < ax + (y - ay) * (bx - ax) / (by - ay))
                in = !in;
        }
    }
    return in;
}

static void test_synth_points_lie_in_their_lsoas_ward(void **state)
{
    (void)state;
    struct safer_synth_opts o;
    struct safer_synth_result res;
    static struct wards w;
    static char lsoa_ward[60000][16];
    char path[4200];
    char *dir = make_tmpdir();

    small_opts(&o);
    o.rows = 6000;
    o.months = 13;
    assert_int_equal(safer_synth_write(dir, &o, &res, NULL), 0);
    load_wards(dir, &w);

    snprintf(path, sizeof(path), "%s/lookup.csv", dir);
    char *text = read_all(path, NULL), *save = NULL, *line;
    strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[8];
        assert_int_equal(split_csv(line, f, 8), 7);
        unsigned k = (unsigned)atoi(f[1] + 4); /* E019nnnnn */
        assert_true(k >= 1 && k < 60000);
        snprintf(lsoa_ward[k], sizeof(lsoa_ward[k]), "%s", f[3]);
    }
    free(text);

    size_t checked = 0;
    for (size_t i = 0; i < res.nfiles; i++) {
        if (!strstr(res.files[i], "/police/"))
            continue;
        text = read_all(res.files[i], NULL);
        save = NULL;
        strtok_r(text, "\n", &save);
        while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
            char *f[16];
            assert_int_equal(split_csv(line, f, 16), 12);
            if (f[4][0] == '\0')
                continue;
            double x = strtod(f[4], NULL), y = strtod(f[5], NULL);
            unsigned hits = 0, hit = 0;
            for (unsigned k = 0; k < w.nwards; k++)
                if (in_ward(&w, k, x, y)) {
                    hits++;
                    hit = k;
                }
            assert_int_equal(hits, 1);
            assert_string_equal(w.codes[hit], lsoa_ward[atoi(f[7] + 4)]);
            checked++;
        }
        free(text);
    }
    assert_true(checked > 5000);
    free_wards(&w);
    remove_run(dir, &res);
    safer_synth_result_release(&res);
    free(dir);
}

/* ---- errors --------------------------------------------------------------- */

static void test_synth_rejects_bad_options(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        int field;
    } cases[] = {
        {"months 0", 0},        {"months 241", 1},   {"wards 0", 2},
        {"wards 4001", 3},      {"vertices 7", 4},   {"width 0", 5},
        {"lat NaN", 6},         {"slug caps", 7},    {"empty district", 8},
        {"share 0.9", 9},       {"tiny area", 10},   {"hotspots 65", 11},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct safer_synth_opts o;
        struct safer_synth_result res;
        struct safer_err err = {0};
        safer_synth_opts_init(&o);
        switch (cases[i].field) {
        case 0: o.months = 0; break;
        case 1: o.months = 241; break;
        case 2: o.nwards = 0; break;
        case 3: o.nwards = 4001; break;
        case 4: o.vertices_per_ward = 7; break;
        case 5: o.width_deg = 0; break;
        case 6: o.centre_lat = NAN; break;
        case 7: o.force_slug = "Kent"; break;
        case 8: o.district_name = ""; break;
        case 9: o.no_location_share = 0.9; break;
        case 10: o.width_deg = o.height_deg = 0.001; break;
        case 11: o.nhotspots = 65; break;
        }
        /* Nothing is created before the options are checked. */
        int rc = safer_synth_write("/nonexistent/never", &o, &res, &err);
        if (rc != SAFER_EINVAL)
            fail_msg("%s: got %d", cases[i].what, rc);
        assert_int_equal(err.code, SAFER_EINVAL);
        assert_true(err.msg[0] != '\0');
        assert_int_equal(res.nfiles, 0);
        safer_synth_result_release(&res);
    }
    assert_int_equal(safer_synth_write("", NULL, NULL, NULL), SAFER_EINVAL);
}

static void test_synth_reports_unwritable_folder(void **state)
{
    (void)state;
    struct safer_synth_opts o;
    struct safer_synth_result res;
    struct safer_err err = {0};
    char *dir = make_tmpdir();
    char file[4200], under[4300];

    /* A regular file where a folder should be. */
    snprintf(file, sizeof(file), "%s/plain", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(under, sizeof(under), "%s/data", file);
    small_opts(&o);
    assert_int_equal(safer_synth_write(under, &o, &res, &err), SAFER_EIO);
    assert_non_null(strstr(err.msg, "plain"));
    assert_int_equal(res.nfiles, 0);
    safer_synth_result_release(&res);
    unlink(file);
    rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synth_same_options_same_bytes),
        cmocka_unit_test(test_synth_rows_add_up),
        cmocka_unit_test(test_synth_no_location_share_near_one_percent),
        cmocka_unit_test(test_synth_wards_partition),
        cmocka_unit_test(test_synth_points_lie_in_their_lsoas_ward),
        cmocka_unit_test(test_synth_rejects_bad_options),
        cmocka_unit_test(test_synth_reports_unwritable_folder),
    };
    return cmocka_run_group_tests_name("synth", tests, NULL, NULL);
}
